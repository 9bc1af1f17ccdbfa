"""Two guards in front of the app (an ASGI middleware): only the configured host names are served, and failed
logins make the next attempt wait.

Host names: a page on another site can reach an app on 127.0.0.1 by making its own name resolve there (DNS
rebinding); the browser then sends that name in the Host header, which is refused with 400. Logins: a form with
more than one user name or password is refused (400); failed logins make the next attempt of that client and user
name wait (429 with Retry-After), see `LoginLimiter`. The client is the connection's address; a proxy's
X-Forwarded-For is believed only from the addresses in `ui.trusted_proxies` (none by default).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from assistant.config import UISettings

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_LOGIN_BODY = 16_384  # bytes: a login form is a user name and a password
MAX_TRACKED = 10_000  # clients and user names remembered; the oldest are forgotten first


def allowed_host_names(ui: UISettings) -> set[str] | None:
    """The Host names the app answers, lower case; None when any is ('*')."""
    names = {*LOCAL_NAMES, ui.host, *ui.allowed_hosts}
    if "*" in names:
        return None
    return {n.lower().strip("[]").rstrip(".") for n in names}


def host_of(header: str) -> str:
    """The host name of a Host header: without port, brackets of an IPv6 address, or a final dot; lower case.
    A port that is not a number leaves the header as it is (and so unknown)."""
    header = header.strip().lower()
    if header.startswith("["):
        name, _, port = header[1:].partition("]")
        return name if port == "" or (port[:1] == ":" and port[1:].isdigit()) else header
    name, colon, port = header.rpartition(":") if header.count(":") == 1 else (header, "", "")
    return name.rstrip(".") if not colon or port.isdigit() else header


class LoginLimiter:
    """Failed logins and how long the next attempt must wait.

    Three counts, so that guessing is slow while nobody can lock another person out:
    - a client (address) and a user name together: after `attempts` failures that pair waits `lockout_s`, doubling
      with each further failure up to `max_s`. Guessing a known user's password from one address stops there,
      and it holds back only that address, not the user.
    - a client on any user names: the same, after `client_attempts` failures (one address spraying many names).
    - a user name from anywhere: after `user_attempts` failures (guessing spread over many addresses) each further
      attempt of a pair that already failed on it waits `lockout_s` (a fixed pace, not a lock); a client that has not
      failed on that name is never held back by it, so its owner still gets in during an attack.
    Failures older than `max_s` are forgotten.
    """

    def __init__(self, attempts: int, lockout_s: float, max_s: float, clock: Callable[[], float] = time.monotonic,
                 client_attempts: int | None = None, user_attempts: int | None = None):
        self.attempts, self.lockout_s, self.max_s, self.clock = attempts, lockout_s, max_s, clock
        self.client_attempts = client_attempts or attempts
        self.user_attempts = user_attempts or attempts
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _count(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, 0.0))
        return (count, last) if now - last <= self.max_s else (0, 0.0)

    def _doubling(self, key: str, limit: int, now: float) -> float:
        count, last = self._count(key, now)
        if count < limit:
            return 0.0
        return max(0.0, last + min(self.lockout_s * 2 ** (count - limit), self.max_s) - now)

    def wait(self, client: str, user: str) -> float:
        """Seconds until this client may try this user name again (0: now)."""
        now = self.clock()
        pair, by_client, by_user = _keys(client, user)
        with self._lock:
            waits = [self._doubling(pair, self.attempts, now), self._doubling(by_client, self.client_attempts, now)]
            count, last = self._count(by_user, now)
            if count >= self.user_attempts and self._count(pair, now)[0] > 0:
                waits.append(max(0.0, last + self.lockout_s - now))
        return max(waits)

    def failed(self, client: str, user: str) -> None:
        now = self.clock()
        with self._lock:
            for key in _keys(client, user):
                count, _ = self._count(key, now)
                self._failures.pop(key, None)
                self._failures[key] = (count + 1, now)
            while len(self._failures) > MAX_TRACKED:
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, client: str, user: str) -> None:
        """A good login clears its client's failures (the user name's count of guesses from elsewhere stays)."""
        pair, by_client, _ = _keys(client, user)
        with self._lock:
            self._failures.pop(pair, None)
            self._failures.pop(by_client, None)


def _keys(client: str, user: str) -> tuple[str, str, str]:
    return f"pair {client}\n{user}", f"client {client}", f"user {user}"


async def login_form(scope, body: bytes) -> tuple[str, str] | str:
    """(user name, password) of a login form, read by the parser Gradio's login reads it with (Starlette's), or the
    reason it is refused: a form with no or several `username` or `password` fields is ambiguous (which one would be
    counted, and which one checked?). The user name is stripped as Gradio strips it, and lower case, so that case
    does not dodge the limit."""
    from starlette.requests import Request

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, receive).form(max_files=0, max_fields=8)
    except Exception:  # noqa: BLE001 - python-multipart and Starlette raise several kinds for a malformed body
        return "The login form cannot be read."
    try:
        users, passwords = form.getlist("username"), form.getlist("password")
    finally:
        await form.close()
    if len(users) != 1 or len(passwords) != 1 or not all(isinstance(v, str) for v in (*users, *passwords)):
        return "A login form has exactly one username and one password field."
    return users[0].strip().lower(), passwords[0]


async def _respond(send, status: int, text: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: the Host check on every request, the login limit on `POST .../login`."""

    def __init__(self, app, hosts: set[str] | None, limiter: LoginLimiter | None):
        self.app, self.hosts, self.limiter = app, hosts, limiter

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if self.hosts is not None:
            header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if host_of(header) not in self.hosts:
                if scope["type"] == "websocket":
                    return await send({"type": "websocket.close", "code": 1008})
                return await _respond(send, 400, "Invalid host header: this app answers only its configured host "
                                                 "names (ui.allowed_hosts).")
        login = scope["type"] == "http" and scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/login")
        if self.limiter is None or not login:
            return await self.app(scope, receive, send)
        return await self._login(scope, receive, send)

    async def _login(self, scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_LOGIN_BODY:
                return await _respond(send, 413, "Login request too large.")
            if not message.get("more_body"):
                break
        form = await login_form(scope, body)
        if isinstance(form, str):
            return await _respond(send, 400, form)
        user = form[0]
        client = (scope.get("client") or ("unknown", 0))[0]  # X-Forwarded-For counts only from ui.trusted_proxies
        wait = self.limiter.wait(client, user)
        if wait > 0:
            seconds = math.ceil(wait)
            return await _respond(send, 429, f"Too many failed logins: try again in {seconds} s.",
                                  [(b"retry-after", str(seconds).encode())])
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        if status.get("code") == 400:
            self.limiter.failed(client, user)
        elif status.get("code") == 200:
            self.limiter.succeeded(client, user)


def guard_kwargs(ui: UISettings, auth) -> dict:
    """Gradio's `app_kwargs` that put the guard in front of the app (the login limit only when there is a login)."""
    from starlette.middleware import Middleware

    limiter = LoginLimiter(ui.login_attempts, ui.login_lockout_s, ui.login_lockout_max_s,
                           client_attempts=ui.login_client_attempts, user_attempts=ui.login_user_attempts) \
        if auth else None
    return {"middleware": [Middleware(Guard, hosts=allowed_host_names(ui), limiter=limiter)]}

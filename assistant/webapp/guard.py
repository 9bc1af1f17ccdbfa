"""Two guards in front of the app (an ASGI middleware): only the configured host names are served, and failed
logins make the next attempt wait.

Host names: a page on another site can reach an app on 127.0.0.1 by making its own name resolve there (DNS
rebinding); the browser then sends that name in the Host header, which is refused with 400. Logins: after
`login_attempts` failures of one client (address) or one user name, each further attempt waits
`login_lockout_s`, doubling with each failure up to `login_lockout_max_s` (429 with Retry-After meanwhile).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

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
    """Failed logins by key (a client's address, a user name) and how long the next attempt must wait."""

    def __init__(self, attempts: int, lockout_s: float, max_s: float, clock: Callable[[], float] = time.monotonic):
        self.attempts, self.lockout_s, self.max_s, self.clock = attempts, lockout_s, max_s, clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _wait_of(self, key: str, now: float) -> float:
        count, last = self._failures.get(key, (0, 0.0))
        if count < self.attempts:
            return 0.0
        return max(0.0, last + min(self.lockout_s * 2 ** (count - self.attempts), self.max_s) - now)

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds until any of these keys may try again (0: now)."""
        now = self.clock()
        with self._lock:
            return max((self._wait_of(k, now) for k in keys), default=0.0)

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                count, last = self._failures.pop(key, (0, now))
                self._failures[key] = (count + 1 if now - last <= self.max_s else 1, now)
            while len(self._failures) > MAX_TRACKED:
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def _user_name(scope, body: bytes) -> str:
    """The user name of a login form, url-encoded or multipart; lower case, so that case does not dodge the limit."""
    headers = dict(scope.get("headers") or [])
    text = body.decode("utf-8", errors="replace")
    if headers.get(b"content-type", b"").startswith(b"multipart/"):
        found = re.search(r'name="username"\r?\n(?:[^\r\n]+\r?\n)*\r?\n([^\r\n]*)', text)
        return (found.group(1) if found else "").strip().lower()
    return (parse_qs(text).get("username") or [""])[0].strip().lower()


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
        client = (scope.get("client") or ("unknown", 0))[0]
        keys = [f"client {client}", f"user {_user_name(scope, body)}"]
        wait = self.limiter.wait(keys)
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
            self.limiter.failed(keys)
        elif status.get("code") == 200:
            self.limiter.succeeded(keys)


def guard_kwargs(ui: UISettings, auth) -> dict:
    """Gradio's `app_kwargs` that put the guard in front of the app (the login limit only when there is a login)."""
    from starlette.middleware import Middleware

    limiter = LoginLimiter(ui.login_attempts, ui.login_lockout_s, ui.login_lockout_max_s) if auth else None
    return {"middleware": [Middleware(Guard, hosts=allowed_host_names(ui), limiter=limiter)]}

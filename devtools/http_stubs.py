"""Small real HTTP servers for the tests of what the product sends out (the digest's webhook, the drafting
endpoint): a recorder that answers every request with a fixed status (and, for a redirect, a Location), and a
trickler that answers one byte at a time. Each listens on a loopback address given (127.0.0.1 by default; any
127.x.y.z works on Linux, a second "host" for redirect tests) and records what it received.

    with Recorder(302, location="http://127.0.0.2:8080/x") as hook:
        ... post to hook.url ...
        assert hook.requests == []

Used by the tests; not part of the installed packages.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One request: method, path, headers (lower-case names) and body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Stub:
    """A test server that is its own context manager: `with Stub(...) as stub:` closes it on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Recorder(_Stub):
    """Answers every request with `status` (and `location`, `body`); records each request in `requests`."""

    def __init__(self, status: int = 200, location: str | None = None, body: bytes = b"ok",
                 host: str = "127.0.0.1"):
        self.status, self.location, self.body = status, location, body
        self.requests: list[Received] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                owner.requests.append(Received(self.command, self.path,
                                               {k.lower(): v for k, v in self.headers.items()},
                                               self.rfile.read(length) if length else b""))
                self.send_response(owner.status)
                if owner.location is not None:
                    self.send_header("Location", owner.location)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            do_GET = do_POST = do_PUT = _answer  # noqa: N815 - http.server's names

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://{self.server.server_address[0]}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/hooks/digest"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class Trickler(_Stub):
    """Reads a request, then sends a valid `200 OK` answer one byte every `interval` seconds (a server that never
    trips a per-read timeout). `sent` counts the bytes it managed to send."""

    ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
              b"X-Padding: " + b"." * 40 + b"\r\n\r\nok")

    def __init__(self, interval: float, host: str = "127.0.0.1"):
        self.interval, self.sent, self.connections = interval, 0, 0
        self._stop = threading.Event()
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.1)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}/hooks/digest"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                for byte in self.ANSWER:
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(bytes([byte]))
                    self.sent += 1
            except OSError:
                return  # the client gave up

    def close(self) -> None:
        self._stop.set()
        self.sock.close()
        self.thread.join(timeout=5)


def wait_until(condition, timeout: float = 5.0) -> bool:
    """Whether `condition()` became true within `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())

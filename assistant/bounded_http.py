"""The HTTP client of the drafting endpoint and of the digest's webhook: no redirect followed, each request bounded
as a whole, proxies chosen for the one host it talks to.

- No redirect is followed: a 3xx is the answer. Following one would send the request (for the drafting endpoint:
  the evidence, unredacted when the endpoint is on this machine) to a host nobody chose, and would turn the
  webhook's POST into an empty GET that reports success.
- A deadline bounds each request from connecting to the last byte read: httpx's timeouts bound each read and
  write on its own, so a server that sends one byte every few seconds never trips them. Here every connect,
  read and write may take at most the time left until the request's deadline (`DeadlineTransport`).
- Proxies come from the environment (`HTTP(S)_PROXY`, `NO_PROXY`) for the host of the URL, never for a loopback
  host: a request to this machine never goes through another.

httpx2 is the HTTP library of the openai SDK; its `HTTPTransport` runs on an httpcore2 connection pool whose
network backend is wrapped here (the pool's `_network_backend`: httpcore2 has no other hook for it).
"""

from __future__ import annotations

import contextvars
import time
import urllib.request
from urllib.parse import urlsplit

import httpcore2
import httpx2

from assistant.hosts import is_loopback_host

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("bounded_http_deadline", default=None)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """The time an I/O operation may take: its own timeout, cut to what is left of the request's deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request did not complete within its deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore2.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _left(timeout, httpcore2.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore2.NetworkBackend):
    def __init__(self, backend: httpcore2.NetworkBackend):
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore2.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(host, port, _left(timeout, httpcore2.ConnectTimeout),
                                                         local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options=None) -> httpcore2.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(path, _left(timeout, httpcore2.ConnectTimeout),
                                                                 socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx2.HTTPTransport):
    """httpx2's transport, with every request bounded as a whole by `seconds` (connect, send, headers, body)."""

    def __init__(self, seconds: float, proxy: str | None = None):
        super().__init__(proxy=proxy)
        self.seconds = seconds
        pool = self._pool
        pool._network_backend = _DeadlineBackend(pool._network_backend)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # the body is read after this returns, in the same context: the deadline stays set until the next request
        _DEADLINE.set(time.monotonic() + self.seconds)
        return super().handle_request(request)


def proxy_for(url: str) -> str | None:
    """The environment's proxy for this URL's host, if any (none for a loopback host or one in NO_PROXY)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host or is_loopback_host(host) or urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")


def bounded_client(url: str, seconds: float, **options) -> httpx2.Client:
    """An httpx2 client for requests to `url`'s host: no redirect followed, each request done within `seconds`
    (also its per-operation timeout), proxies as `proxy_for` says. `options` go to `httpx2.Client`."""
    return httpx2.Client(transport=DeadlineTransport(seconds, proxy=proxy_for(url)), follow_redirects=False,
                         timeout=seconds, trust_env=False, **options)

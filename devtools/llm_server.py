"""A real OpenAI-compatible Chat Completions server for the tests, on 127.0.0.1, with scripted replies.

The LLM path is tested over HTTP against this server, never with mock objects. It answers
`POST /v1/chat/completions` with, in order:

- a refusal (400, 422 as FastAPI servers answer, or 500 as llama-cpp-python does) when the request's
  `response_format` is a form the server was told not to take (`server.accept_forms("json_object", "off")`; by
  default it takes every form), else
- the reply built by `server.responder(request)` when a responder is set (for concurrent drafting), else
- the next reply of the script (`server.script(completion(...), error(429, retry_after=2), ...)`), else
- a 500 saying the script ran out (counted in `server.unscripted`).

A reply is a normal completion, an HTTP error with an OpenAI-style error body, or any raw body (`raw(...)`: what
a misconfigured proxy might answer), each optionally after a delay (to trigger the client's time-out). Every
request is recorded (`server.requests`: parsed body, headers, times), and the largest number of requests in
flight at once is tracked (`server.max_in_flight`).

    from devtools.llm_server import completion, error

    def test_x(llm_server):  # the fixture, in tests/conftest.py: a started LLMServer, stopped afterwards
        llm_server.script(error(500), completion('{"a": 1}'))
        ... LLMSettings(backend="openai", base_url=llm_server.base_url, model="test-model") ...

Used by the tests and by `bench/drafting.py`; not part of the installed packages.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHAT_PATH = "/v1/chat/completions"
STOP_TIMEOUT_S = 5.0  # the longest `stop()` waits for handler threads
SOCKET_TIMEOUT_S = 10.0  # a handler never blocks longer than this on a read


@dataclass
class Reply:
    """What the server answers to one request: a completion (status 200) or an error, after `delay_s`."""

    status: int = 200
    content: str | None = None  # the completion's message content (status 200)
    finish_reason: str = "stop"
    prompt_tokens: int = 11
    completion_tokens: int = 7
    model: str | None = None  # the model named in the answer; None = the model asked for
    message: str = ""  # the error message (status != 200)
    error_type: str = "server_error"
    error_code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    body: str | None = None  # sent as is instead of the JSON payload (with `content_type`)
    content_type: str = "application/json"


def completion(content: str, *, prompt_tokens: int = 11, completion_tokens: int = 7, finish_reason: str = "stop",
               model: str | None = None, delay_s: float = 0.0) -> Reply:
    """A normal Chat Completions answer whose message content is `content`."""
    return Reply(content=content, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                 finish_reason=finish_reason, model=model, delay_s=delay_s)


def error(status: int, message: str | None = None, *, retry_after: float | str | None = None,
          error_type: str | None = None, code: str | None = None, headers: dict[str, str] | None = None,
          delay_s: float = 0.0) -> Reply:
    """An HTTP error with an OpenAI-style body `{"error": {"message", "type", "param", "code"}}`."""
    default_type = {400: "invalid_request_error", 429: "rate_limit_exceeded"}.get(status, "server_error")
    all_headers = dict(headers or {})
    if retry_after is not None:
        all_headers["Retry-After"] = str(retry_after)
    return Reply(status=status, message=message or f"scripted error {status}", error_type=error_type or default_type,
                 error_code=code, headers=all_headers, delay_s=delay_s)


def raw(body: str, *, status: int = 200, content_type: str = "text/html; charset=utf-8", delay_s: float = 0.0) -> Reply:
    """Any body, sent as is: e.g. an HTML page or broken JSON with status 200."""
    return Reply(status=status, body=body, content_type=content_type, delay_s=delay_s)


def delay(seconds: float, then: Reply | None = None) -> Reply:
    """`then` (by default a small completion) answered only after `seconds`."""
    reply = then if then is not None else completion("{}")
    reply.delay_s = seconds
    return reply


@dataclass
class ReceivedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    raw: str  # the body as text
    body: dict | None  # the body parsed as JSON (None if it was not JSON)
    received_at: float  # time.monotonic()
    answered_at: float | None = None
    status: int | None = None

    @property
    def messages(self) -> list[dict]:
        return list((self.body or {}).get("messages") or [])

    @property
    def form(self) -> str:
        """The request's structured output form (`request_form`)."""
        return request_form(self.body)

    def content(self, role: str) -> str:
        """The content of the first message with this role ('' if none)."""
        return next((str(m.get("content") or "") for m in self.messages if m.get("role") == role), "")


Responder = Callable[[ReceivedRequest], Reply]
FORMS = ("json_schema", "json_object_schema", "json_object", "off")


def request_form(body: dict | None) -> str:
    """The structured output form of a request body: json_schema, json_object_schema, json_object, off, or the
    unknown `type` itself."""
    fmt = (body or {}).get("response_format")
    if not isinstance(fmt, dict):
        return "off"
    if fmt.get("type") == "json_object":
        return "json_object_schema" if "schema" in fmt else "json_object"
    return str(fmt.get("type"))


def refusal(form: str, status: int = 400) -> Reply:
    """How real servers refuse a response_format they do not take: OpenAI's 400, a FastAPI 422, or
    llama-cpp-python's 500 with pydantic's validation error as the message."""
    if status == 500:
        return error(500, "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', "
                          f"'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': '{form}'}}",
                     error_type="internal_server_error")
    if status == 422:
        detail = [{"type": "literal_error", "loc": ["body", "response_format", "type"],
                   "msg": "Input should be 'text' or 'json_object'", "input": form}]
        return raw(json.dumps({"detail": detail}), status=422, content_type="application/json")
    return error(status, f"Invalid parameter: 'response_format' of type '{form}' is not supported with this model.",
                 error_type="invalid_request_error", code="unsupported_parameter")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # LLMServer.stop joins the handler threads itself, with a deadline
    allow_reuse_address = True

    def __init__(self, owner: LLMServer):
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request, client_address):
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  name="llm-server-handler", daemon=True)
        self.owner._track(thread)
        thread.start()


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection: no handler thread waits on an idle keep-alive
    timeout = SOCKET_TIMEOUT_S

    def log_message(self, format, *args):  # the base class's signature; silence the request log
        pass

    def do_GET(self):
        self._not_found()

    def do_POST(self):
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = ReceivedRequest(method="POST", path=self.path, headers=headers, raw=raw,
                                  body=body if isinstance(body, dict) else None, received_at=time.monotonic())
        owner._begin(request)
        status = 500
        try:
            if self.path.rstrip("/") != CHAT_PATH:
                reply = error(404, f"no route {self.path}", error_type="invalid_request_error")
            else:
                reply = owner._reply_for(request)
            if reply.delay_s > 0:
                owner._stopping.wait(reply.delay_s)  # cut short when the server stops
            status = reply.status
            self._send(reply, request)
        except OSError:
            pass  # the client gave up (time-out) and closed the connection
        finally:
            owner._end(request, status)

    def _not_found(self):
        with contextlib.suppress(OSError):
            self._send(error(404, f"no route {self.path}", error_type="invalid_request_error"), None)

    def _send(self, reply: Reply, request: ReceivedRequest | None):
        if reply.status == 200:
            asked = (request.body or {}).get("model") if request else None
            payload = {
                "id": f"chatcmpl-test-{next(self.server.owner._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": reply.model or asked or "test-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.content},
                             "logprobs": None, "finish_reason": reply.finish_reason}],
                "usage": {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
                          "total_tokens": reply.prompt_tokens + reply.completion_tokens},
            }
        else:
            payload = {"error": {"message": reply.message, "type": reply.error_type, "param": None,
                                 "code": reply.error_code}}
        data = (reply.body if reply.body is not None else json.dumps(payload)).encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if request is not None:  # stamped before the answer leaves, so a client that has it always sees the stamp
            request.answered_at, request.status = time.monotonic(), reply.status
        self.wfile.write(data)
        self.wfile.flush()


class LLMServer:
    """The scripted OpenAI-compatible server; `start()` it, point a client at `base_url`, `stop()` it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._script: queue.Queue[Reply] = queue.Queue()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._requests: list[ReceivedRequest] = []
        self._handlers: list[threading.Thread] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self.unscripted = 0  # requests that found the script empty
        self.responder_errors: list[str] = []  # tracebacks of responder exceptions (answered with 500)
        self.responder: Responder | None = None
        self._accepted_forms: set[str] = set(FORMS)
        self._refusal_status = 400
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------------------------------
    def start(self) -> LLMServer:
        self._httpd = _HTTPServer(self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="llm-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> list[threading.Thread]:
        """Stop serving, cut delays short, and wait (bounded) for every thread; returns those still alive."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        with self._lock:
            threads = [*self._handlers, *([self._thread] if self._thread else [])]
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        return [t for t in threads if t.is_alive()]

    @property
    def port(self) -> int:
        assert self._httpd is not None, "the server is not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- scripting ------------------------------------------------------------------------------------------
    def script(self, *replies: Reply) -> LLMServer:
        """Queue replies, answered in order, one per request."""
        for reply in replies:
            self._script.put(reply)
        return self

    def accept_forms(self, *forms: str, status: int = 400) -> LLMServer:
        """Take only these structured output forms; refuse a request in any other with `status` (400 or 422),
        before the script or the responder is asked."""
        unknown = set(forms) - set(FORMS)
        assert not unknown, f"unknown forms {unknown}"
        self._accepted_forms, self._refusal_status = set(forms), status
        return self

    @property
    def pending(self) -> int:
        """Scripted replies not used yet."""
        return self._script.qsize()

    # -- what was received ----------------------------------------------------------------------------------
    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    # -- used by the handler --------------------------------------------------------------------------------
    def _track(self, thread: threading.Thread) -> None:
        with self._lock:
            self._handlers = [t for t in self._handlers if t.is_alive()]
            self._handlers.append(thread)

    def _begin(self, request: ReceivedRequest) -> None:
        with self._lock:
            self._requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _end(self, request: ReceivedRequest, status: int) -> None:
        with self._lock:
            self._in_flight -= 1
            if request.answered_at is None:  # no answer was sent (the client went away)
                request.answered_at, request.status = time.monotonic(), status

    def _reply_for(self, request: ReceivedRequest) -> Reply:
        form = request_form(request.body)
        if form not in self._accepted_forms:
            return refusal(form, self._refusal_status)
        responder = self.responder
        if responder is not None:
            try:
                return responder(request)
            except Exception:  # reported to the test through responder_errors
                self.responder_errors.append(traceback.format_exc())
                return error(500, "the test's responder raised")
        try:
            return self._script.get_nowait()
        except queue.Empty:
            with self._lock:
                self.unscripted += 1
            return error(500, "llm_server: no scripted reply left")

"""Schema-constrained output: the `response_format` of each form, and which form an endpoint accepts.

Forms, strongest first (`llm.structured_output`):

- `json_schema`: OpenAI structured outputs, `{"type": "json_schema", "json_schema": {"name", "schema",
  "strict": true}}` (also vLLM, llama.cpp's own `llama-server`, Ollama's OpenAI-compatible API, LM Studio);
- `json_object_schema`: llama-cpp-python's server, `{"type": "json_object", "schema": {...}}`;
- `json_object`: JSON mode, `{"type": "json_object"}` (valid JSON, any shape);
- `off`: no `response_format`; the prompt alone asks for the schema.

`auto` starts with the strongest form and, when an endpoint refuses one (HTTP 400/422 about the request's
format, or llama-cpp-python's 500 with a validation error on `response_format`), moves to the next, once per
endpoint: `EndpointForms` remembers what each endpoint accepted, behind a lock, so concurrent drafts share one
record and no backend object is changed by several threads.
"""

from __future__ import annotations

import re
import threading

from assistant.drafting.schemas import cite_only, grammar_schema, schema_name, strict_schema

FORMS = ("json_schema", "json_object_schema", "json_object", "off")
REFUSAL_STATUS = (400, 422)
# what a server says when it does not take a response_format (OpenAI, vLLM, FastAPI/pydantic validation, proxies)
REFUSAL_WORDS = re.compile(r"response_format|json_schema|json_object|schema|unsupported|not supported|"
                           r"unrecognized|unknown (?:parameter|field)|extra (?:inputs|fields)|extra_forbidden",
                           re.IGNORECASE)


def response_format(form: str, kind: str, case_ids: list[str] | None = None) -> dict | None:
    """The `response_format` of a form for a draft kind; None for `off`.

    case_ids: the cases the evidence shows; the schema's citation lists are limited to them.
    """
    if form == "json_schema":
        schema = cite_only(strict_schema(kind), case_ids or [])
        return {"type": "json_schema", "json_schema": {"name": schema_name(kind), "schema": schema, "strict": True}}
    if form == "json_object_schema":
        return {"type": "json_object", "schema": cite_only(grammar_schema(kind), case_ids or [])}
    if form == "json_object":
        return {"type": "json_object"}
    if form == "off":
        return None
    raise ValueError(f"unknown structured output form {form!r} (forms: {', '.join(FORMS)})")


def is_refusal(status: int, message: str) -> bool:
    """Whether an error answer says the endpoint does not take this `response_format`.

    llama-cpp-python's server answers a request it cannot validate with a 500 whose message is pydantic's
    validation error naming `response_format` (after the openai SDK's retries of a 500): that is a refusal too.
    """
    message = message or ""
    if status == 500:
        return "response_format" in message and "validation error" in message
    return status in REFUSAL_STATUS and bool(REFUSAL_WORDS.search(message))


class EndpointForms:
    """Per endpoint (base URL and model), the strongest form not refused yet; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._start: dict[str, int] = {}
        self._confirmed: dict[str, str] = {}

    def current(self, endpoint: str) -> str:
        """The form to try next at this endpoint."""
        with self._lock:
            return FORMS[self._start.get(endpoint, 0)]

    def refused(self, endpoint: str, form: str) -> str | None:
        """Record that the endpoint refused `form`; the next form to try, or None when none is left.

        Idempotent under concurrency: a refusal of a form weaker than the one already recorded changes nothing.
        """
        index = FORMS.index(form)
        with self._lock:
            if self._confirmed.get(endpoint) == form:  # it worked before: this refusal is about something else
                return None
            if index + 1 >= len(FORMS):
                return None
            self._start[endpoint] = max(self._start.get(endpoint, 0), index + 1)
            return FORMS[self._start[endpoint]]

    def accepted(self, endpoint: str, form: str) -> None:
        """Record that the endpoint answered a request made with `form`."""
        with self._lock:
            self._confirmed.setdefault(endpoint, form)

    def known(self) -> dict[str, str]:
        """Endpoint -> the form it accepted (for reports)."""
        with self._lock:
            return dict(self._confirmed)


ENDPOINT_FORMS = EndpointForms()  # the process's record: every backend for one endpoint shares what was learnt

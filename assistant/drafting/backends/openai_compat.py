"""Any OpenAI-compatible Chat Completions endpoint, through the `openai` SDK.

The SDK retries (`llm.max_retries` times) on 408, 409, 429, 5xx, time-outs and connection errors, waiting as the
server's `Retry-After` / `retry-after-ms` says (up to two minutes) or with its own exponential back-off. This
backend sends the draft's JSON schema as a decoding constraint (`response_format`, in the form of
`llm.structured_output`; with `auto`, the strongest form the endpoint accepts, see `structured`), and turns
every failure into a `BackendError` that says what happened and after how many attempts.

Its HTTP client (`assistant.bounded_http`) follows no redirect, since the decision to redact is made for the host of
`llm.base_url` (a redirect is a failure naming its Location), and bounds each attempt as a whole by
`llm.timeout_s`, from connecting to the answer's last byte.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import openai

from assistant.bounded_http import bounded_client
from assistant.config import DEFAULT_BASE_URL, LLMSettings
from assistant.drafting.backends.base import BackendError, Generation
from assistant.drafting.backends.structured import ENDPOINT_FORMS, EndpointForms, is_refusal, response_format
from assistant.drafting.evidence import EvidencePack
from assistant.hosts import is_local_endpoint
from assistant.urls import masked, printable, scrubbed

RETRY_COUNT_HEADER = "x-stainless-retry-count"  # the SDK numbers each attempt of a request with it
TRANSIENT = (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)


class OpenAICompatibleBackend:
    """Drafts through an OpenAI-compatible endpoint."""

    def __init__(self, settings: LLMSettings, forms: EndpointForms = ENDPOINT_FORMS):
        if not settings.model:
            raise BackendError("no model configured for the OpenAI-compatible endpoint (llm.model)")
        key = os.environ.get(settings.api_key_env) or ("not-needed" if is_local_endpoint(settings.base_url) else None)
        if key is None:
            raise BackendError(f"no API key: set the environment variable {settings.api_key_env}")
        self.settings, self.forms = settings, forms
        base_url = settings.base_url or DEFAULT_BASE_URL
        # no redirect followed (the evidence goes where base_url says, and only there), each attempt bounded as a
        # whole by timeout_s
        self.client = openai.OpenAI(base_url=base_url, api_key=key, timeout=settings.timeout_s,
                                    max_retries=settings.max_retries,
                                    http_client=bounded_client(base_url, settings.timeout_s))
        host = urlparse(base_url).hostname or "openai"
        self.model_id = f"{settings.model}@{host}"
        self.endpoint = f"{masked(base_url)} {settings.model}"
        self.leaves_machine = not is_local_endpoint(settings.base_url)

    def _create(self, messages: list[dict[str, str]], form: str, kind: str, pack: EvidencePack | None):
        kwargs = dict(model=self.settings.model, messages=messages, temperature=self.settings.temperature,
                      max_tokens=self.settings.max_tokens)
        shown = [c.case_id for c in pack.cases] if pack is not None else None
        constraint = response_format(form, kind, shown)
        if constraint is not None:
            kwargs["response_format"] = constraint
        return self.client.chat.completions.with_raw_response.create(**kwargs)

    def form(self) -> str:
        """The structured output form the next request uses."""
        chosen = self.settings.structured_output
        return self.forms.current(self.endpoint) if chosen == "auto" else chosen

    def generate(self, kind: str, pack: EvidencePack, messages: list[dict[str, str]]) -> Generation:
        try:
            return self._generate(kind, pack, messages)
        except BackendError as exc:  # an error message may quote the URL: never its password or token
            said = scrubbed(str(exc), self.settings.base_url or DEFAULT_BASE_URL)
            raise BackendError(printable(said)) from exc.__cause__

    def _generate(self, kind: str, pack: EvidencePack, messages: list[dict[str, str]]) -> Generation:
        auto = self.settings.structured_output == "auto"
        try:
            form = self.form()
            while True:
                try:
                    raw = self._create(messages, form, kind, pack)
                    break
                except (openai.BadRequestError, openai.UnprocessableEntityError, openai.InternalServerError) as exc:
                    said = f"{exc} {_text(exc.response)}"  # a FastAPI 422 says it in its body only
                    refused = auto and form != "off" and is_refusal(exc.status_code, said)
                    following = self.forms.refused(self.endpoint, form) if refused else None
                    if following is None:
                        raise
                    form = following  # the endpoint does not take this form: ask again with the next one
            self.forms.accepted(self.endpoint, form)
            response = raw.parse()
        except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
            raise BackendError(f"the endpoint refused the request ({exc.status_code}): {exc.message}") from exc
        except TRANSIENT as exc:
            raise BackendError(f"no answer after {attempts(exc)} attempt(s): {describe(exc)}") from exc
        except openai.APIStatusError as exc:
            if 300 <= exc.status_code < 400:
                location = exc.response.headers.get("location")
                raise BackendError(
                    f"the endpoint redirected (HTTP {exc.status_code}) to {masked(location) if location else '?'}; "
                    "redirects are not followed, so that the evidence goes only where llm.base_url says: set "
                    "llm.base_url to the address that answers") from exc
            raise BackendError(f"the endpoint answered {exc.status_code} after {attempts(exc)} attempt(s): "
                               f"{exc.message}") from exc
        except ValueError as exc:  # a body that is not JSON at all
            raise BackendError(f"the endpoint's answer is not Chat Completions JSON: {exc}") from exc
        if not hasattr(response, "choices"):
            raise BackendError("the endpoint's answer is not Chat Completions JSON (is base_url right, ending in /v1?)")
        choice = response.choices[0] if response.choices else None
        usage = response.usage
        return Generation(
            text=(choice.message.content or "") if choice else "", model=self.model_id,
            attempts=raw.retries_taken + 1, structured_output=form,
            usage={"prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
                   "completion_tokens": getattr(usage, "completion_tokens", 0) or 0},
        )


def _text(response) -> str:
    try:
        return response.text
    except Exception:  # noqa: BLE001 - a body that cannot be read says nothing
        return ""


def attempts(exc: openai.APIError) -> int:
    """How many times the SDK sent the request that ended in `exc` (it numbers each retry in a header)."""
    request = getattr(exc, "request", None)
    try:
        return int(request.headers.get(RETRY_COUNT_HEADER, 0)) + 1
    except (AttributeError, TypeError, ValueError):
        return 1


def describe(exc: Exception) -> str:
    """A transient failure in a few words."""
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return f"could not connect ({exc.__cause__ or exc})"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return str(exc)

"""Any OpenAI-compatible Chat Completions endpoint, through the `openai` SDK.

The SDK retries (`llm.max_retries` times) on 408, 409, 429, 5xx, time-outs and connection errors, waiting as the
server's `Retry-After` / `retry-after-ms` says (up to two minutes) or with its own exponential back-off. This
backend asks for JSON with `response_format` and falls back to plain text when the server refuses it, and turns
every failure into a `BackendError` that says what happened and after how many attempts.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import openai

from assistant.config import LLMSettings
from assistant.drafting.backends.base import BackendError, Generation
from assistant.drafting.evidence import EvidencePack
from assistant.hosts import is_local_endpoint

RETRY_COUNT_HEADER = "x-stainless-retry-count"  # the SDK numbers each attempt of a request with it
TRANSIENT = (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)


class OpenAICompatibleBackend:
    """Drafts through an OpenAI-compatible endpoint."""

    def __init__(self, settings: LLMSettings):
        if not settings.model:
            raise BackendError("no model configured for the OpenAI-compatible endpoint (llm.model)")
        key = os.environ.get(settings.api_key_env) or ("not-needed" if is_local_endpoint(settings.base_url) else None)
        if key is None:
            raise BackendError(f"no API key: set the environment variable {settings.api_key_env}")
        self.settings = settings
        self._json_mode = settings.json_mode != "off"
        self.client = openai.OpenAI(base_url=settings.base_url, api_key=key, timeout=settings.timeout_s,
                                    max_retries=settings.max_retries)
        host = urlparse(settings.base_url or "https://api.openai.com").hostname or "openai"
        self.model_id = f"{settings.model}@{host}"
        self.leaves_machine = not is_local_endpoint(settings.base_url)

    def _create(self, messages: list[dict[str, str]]):
        kwargs = dict(model=self.settings.model, messages=messages, temperature=self.settings.temperature,
                      max_tokens=self.settings.max_tokens)
        if self._json_mode:
            kwargs["response_format"] = {"type": "json_object"}
        return self.client.chat.completions.with_raw_response.create(**kwargs)

    def _refuses_json_mode(self, exc: openai.BadRequestError) -> bool:
        return self._json_mode and self.settings.json_mode == "auto" and "response_format" in str(exc)

    def generate(self, kind: str, pack: EvidencePack, messages: list[dict[str, str]]) -> Generation:
        try:
            try:
                raw = self._create(messages)
            except openai.BadRequestError as exc:
                if not self._refuses_json_mode(exc):
                    raise
                self._json_mode = False  # the server does not do JSON mode: parse plain text instead
                raw = self._create(messages)
            response = raw.parse()
        except openai.BadRequestError as exc:
            raise BackendError(f"the endpoint refused the request (400): {exc.message}") from exc
        except TRANSIENT as exc:
            raise BackendError(f"no answer after {attempts(exc)} attempt(s): {describe(exc)}") from exc
        except openai.APIStatusError as exc:
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
            attempts=raw.retries_taken + 1,
            usage={"prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
                   "completion_tokens": getattr(usage, "completion_tokens", 0) or 0},
        )


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

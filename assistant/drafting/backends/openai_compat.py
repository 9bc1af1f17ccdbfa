"""Any OpenAI-compatible Chat Completions endpoint, through the `openai` SDK.

Retries with back-off on 429, 5xx, time-outs and connection errors, honouring `Retry-After`; asks for JSON
with `response_format` and falls back to plain text when the server refuses it.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlparse

import openai

from assistant.config import LLMSettings
from assistant.drafting.backends.base import BackendError, Generation
from assistant.drafting.evidence import EvidencePack
from assistant.hosts import is_local_endpoint

MAX_RETRY_WAIT_S = 60.0


def retry_after_seconds(error: openai.APIStatusError) -> float | None:
    """The server's `Retry-After` (seconds or `retry-after-ms`), if it sent one."""
    headers = getattr(error.response, "headers", None) or {}
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return float(value)
        except ValueError:
            return None
    return None


class OpenAICompatibleBackend:
    """Drafts through an OpenAI-compatible endpoint."""

    def __init__(self, settings: LLMSettings, sleep=time.sleep):
        if not settings.model:
            raise BackendError("no model configured for the OpenAI-compatible endpoint (llm.model)")
        key = os.environ.get(settings.api_key_env) or ("not-needed" if is_local_endpoint(settings.base_url) else None)
        if key is None:
            raise BackendError(f"no API key: set the environment variable {settings.api_key_env}")
        self.settings = settings
        self._sleep = sleep
        self._json_mode = settings.json_mode != "off"
        self.client = openai.OpenAI(base_url=settings.base_url, api_key=key, timeout=settings.timeout_s,
                                    max_retries=0)
        host = urlparse(settings.base_url or "https://api.openai.com").hostname or "openai"
        self.model_id = f"{settings.model}@{host}"
        self.leaves_machine = not is_local_endpoint(settings.base_url)

    def _create(self, messages: list[dict[str, str]]):
        kwargs = dict(model=self.settings.model, messages=messages, temperature=self.settings.temperature,
                      max_tokens=self.settings.max_tokens)
        if self._json_mode:
            kwargs["response_format"] = {"type": "json_object"}
        return self.client.chat.completions.create(**kwargs)

    def generate(self, kind: str, pack: EvidencePack, messages: list[dict[str, str]]) -> Generation:
        attempts, last_error = 0, ""
        while attempts <= self.settings.max_retries:
            attempts += 1
            try:
                response = self._create(messages)
            except openai.BadRequestError as exc:
                if self._json_mode and self.settings.json_mode == "auto" and "response_format" in str(exc):
                    self._json_mode = False  # the server does not do JSON mode: parse plain text instead
                    attempts -= 1
                    continue
                raise BackendError(f"the endpoint refused the request (400): {exc.message}") from exc
            except (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError,
                    openai.APIConnectionError) as exc:
                last_error = _describe(exc)
                if attempts > self.settings.max_retries:
                    break
                wait = retry_after_seconds(exc) if isinstance(exc, openai.APIStatusError) else None
                self._sleep(min(wait if wait is not None else self.settings.backoff_s * 2 ** (attempts - 1),
                                MAX_RETRY_WAIT_S))
                continue
            except openai.APIStatusError as exc:
                raise BackendError(f"the endpoint answered {exc.status_code}: {exc.message}") from exc
            except ValueError as exc:  # a body that is not JSON at all
                raise BackendError(f"the endpoint's answer is not Chat Completions JSON: {exc}") from exc
            if not hasattr(response, "choices"):
                raise BackendError("the endpoint's answer is not Chat Completions JSON (is base_url right, "
                                   "ending in /v1?)")
            choice = response.choices[0] if response.choices else None
            text = (choice.message.content or "") if choice else ""
            usage = response.usage
            return Generation(
                text=text, model=self.model_id, attempts=attempts,
                usage={"prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
                       "completion_tokens": getattr(usage, "completion_tokens", 0) or 0},
            )
        raise BackendError(f"no answer after {attempts} attempt(s): {last_error}")


def _describe(exc: Exception) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return f"could not connect ({exc.__cause__ or exc})"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return str(exc)

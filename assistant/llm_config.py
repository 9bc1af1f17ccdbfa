"""Settings of the drafting backend, from the settings file's `llm:` section and the environment.

    llm:
      backend: openai          # "offline" (default) or "openai" (any OpenAI-compatible endpoint)
      base_url: http://localhost:8000/v1
      model: qwen2.5-7b-instruct
      api_key_env: OPENAI_API_KEY   # the name of the variable holding the key; the key is never stored
    ERROR_THEMES_LLM__MODEL=gpt-4o-mini
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LLMSettings(BaseModel):
    """Which backend drafts, and how it is called."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["offline", "openai"] = "offline"
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint; None = api.openai.com")
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0)
    backoff_s: float = Field(1.0, ge=0, description="first back-off wait; doubles each retry unless Retry-After says")
    temperature: float = Field(0.2, ge=0, le=2)
    max_tokens: int = Field(1500, ge=64)
    json_mode: Literal["auto", "on", "off"] = Field("auto", description="ask for JSON via response_format")
    redact: Literal["auto", "always", "never"] = Field(
        "auto", description="redact personal data: auto = when the endpoint is not on this machine")
    concurrency: int = Field(4, ge=1, description="themes drafted at once")
    token_budget: int = Field(3000, ge=500, description="evidence pack size limit, in tokens")

"""The one settings object (`Settings`), from a file and the environment: every default is named once.

A YAML settings file (`--config FILE`, or `error-themes.yaml` in the working folder if present) holds the
sections of `clustering.settings.ThemeSettings` (embed, compose, reduce, cluster, describe, hierarchy, known,
tracking), `load` (how a cases file is read) and `stats` (when a change is beyond noise), and the sections of the
assistant: `llm` (drafting backend), `digest` and `ui`; environment variables override single values as
`ERROR_THEMES_<SECTION>__<KEY>`, e.g. `ERROR_THEMES_EMBED__MODEL=/models/e5-small`,
`ERROR_THEMES_CLUSTER__MIN_CLUSTER_SIZE=12` or `ERROR_THEMES_LLM__BASE_URL=http://localhost:8000/v1`.
API keys are never read from the file: `llm.api_key_env` names the environment variable that holds one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.urls import check_url
from clustering.settings import MAX_INPUT_BYTES, LoadSettings, StatsSettings, ThemeSettings

DEFAULT_CONFIG_FILE = Path("error-themes.yaml")
DEFAULT_BASE_URL = "https://api.openai.com/v1"  # the drafting endpoint when llm.base_url is not set
# The longest text a person gives the workspace, refused beyond (bad input) so that a pasted megabyte cannot bloat
# the store and every table that shows it: a name (a registry theme's name, an owner, who made a change, a
# reviewer) and a note (an action's text, a review comment; an accepted draft's action text is cut to it).
MAX_NAME_CHARS = 200
MAX_NOTE_CHARS = 5000
ENV_PREFIX = "ERROR_THEMES_"
SIZE_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40}  # as Gradio reads max_file_size


def check_length(text: str | None, what: str, limit: int) -> str | None:
    """`text` unchanged when it is at most `limit` characters long (None passes); ValueError naming `what`."""
    if text is not None and len(text) > limit:
        raise ValueError(f"{what} is {len(text):,} characters long; at most {limit:,} are kept. Nothing was changed")
    return text


def size_bytes(size: str | int) -> int:
    """Bytes of a size such as `500mb` or `2 GB` (1,024-based, as Gradio reads its upload limit) or a number."""
    if isinstance(size, int):
        return size
    text = str(size).replace(" ", "").lower()
    digits = len(text) - len(text.lstrip("0123456789"))
    unit = text[digits:] or "b"
    if not digits or unit not in SIZE_UNITS:
        raise ValueError(f"expected a size such as 500mb or 2gb, got {size!r}")
    return int(text[:digits]) * SIZE_UNITS[unit]


class LLMSettings(BaseModel):
    """Which backend drafts, and how it is called."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)  # a base_url may hold a password

    backend: Literal["offline", "openai"] = Field(
        "offline", description="offline = drafts from the theme's figures, no network; openai = any "
                               "OpenAI-compatible endpoint")
    base_url: str | None = Field(None, description=f"OpenAI-compatible endpoint (http or https); None = "
                                                   f"{DEFAULT_BASE_URL}. Redirects are not followed")
    model: str | None = Field(None, description="the endpoint's model name (required by backend openai)")
    api_key_env: str = Field("OPENAI_API_KEY", description="environment variable holding the API key (never the file)")
    timeout_s: float = Field(60.0, gt=0, description="the longest one attempt of a request may take, from "
                                                    "connecting to the answer's last byte")
    max_retries: int = Field(3, ge=0, description="retries of a request that failed with 408, 409, 429, 5xx, a "
                                                   "time-out or a connection error; the openai SDK waits between them "
                                                   "(its back-off from 0.5 s, doubling to 8 s, or the server's "
                                                   "Retry-After)")
    backoff_s: float | None = Field(None, ge=0, description="ignored, kept so that older settings files load: the "
                                                             "openai SDK's back-off is used")
    temperature: float = Field(0.2, ge=0, le=2, description="sampling temperature of the drafts")
    max_tokens: int = Field(1500, ge=64, description="longest answer, in tokens")
    structured_output: Literal["auto", "json_schema", "json_object_schema", "json_object", "off"] = Field(
        "auto", description="how the draft's JSON schema is sent as a decoding constraint (response_format): "
                            "json_schema = OpenAI structured outputs (strict), json_object_schema = "
                            "llama-cpp-python's json_object + schema, json_object = JSON mode only, off = the prompt "
                            "only; auto = the strongest the endpoint accepts, learnt once per endpoint")
    json_mode: Literal["auto", "on", "off"] | None = Field(
        None, description="older name, kept so that older settings files load: off = structured_output off, "
                          "on = json_object; ignored when structured_output is set")
    redact: Literal["auto", "always", "never"] = Field(
        "auto", description="redact personal data: auto = when the endpoint is not on this machine")
    concurrency: int = Field(4, ge=1, description="themes drafted at once")
    token_budget: int = Field(3000, ge=500, description="evidence pack size limit, in tokens")
    chars_per_token: int = Field(4, ge=1, description="characters per token, a rough and conservative estimate for "
                                                      "English text, to size an evidence pack against token_budget")
    evidence_extra_members: int = Field(6, ge=0, description="cases of the theme an evidence pack shows beyond its "
                                                             "representatives, spread over the theme (fewer when the "
                                                             "pack exceeds token_budget)")
    policy_share: float = Field(0.5, gt=0, le=1, description="a policy clarification is drafted for a theme when one "
                                                             "policy holds at least this share of its cases")
    offline_min_score: float = Field(0.15, ge=0, description="offline drafter: when no root-cause category scores at "
                                                             "least this, the RCA's category is 'other'")

    @field_validator("base_url")
    @classmethod
    def _usable_url(cls, value: str | None) -> str | None:
        return check_url(value, "llm.base_url")

    @model_validator(mode="after")
    def _older_json_mode(self) -> LLMSettings:
        if self.json_mode not in (None, "auto") and "structured_output" not in self.model_fields_set:
            self.structured_output = "off" if self.json_mode == "off" else "json_object"
        return self


class DigestSettings(BaseModel):
    """The weekly digest."""

    model_config = ConfigDict(extra="forbid")

    top: int = Field(5, ge=1, description="themes shown in full (new and growing ones are added)")
    window: int = Field(6, ge=1, description="ISO weeks analysed, ending at the digest's week")
    cited_cases_shown: int = Field(6, ge=1, description="cited case ids shown per draft")
    webhook_timeout_s: float = Field(10.0, gt=0, description="the longest the webhook delivery may take as a whole "
                                                            "(connect, send, the answer); redirects are not followed")
    slack_section_chars: int = Field(2900, ge=100, le=3000,
                                     description="Slack refuses section texts over 3,000 characters")


class UISettings(BaseModel):
    """The web app."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="address to listen on; any other than loopback needs a login")
    port: int | None = Field(None, ge=1, le=65535, description="None = the first free port from 7860")
    allowed_hosts: list[str] = Field(
        default_factory=list, description="host names the app answers (the Host header) besides localhost, "
                                          "127.0.0.1, ::1 and `host`; any other gets 400, so that a web page cannot "
                                          "reach the app through DNS rebinding. '*' = any (behind a proxy that checks)")
    data_dirs: list[Path] = Field(
        default_factory=list, description="folders whose files the Run tab may open by path, besides the workspace's "
                                          "inbox/ (`--data-dir`); no other file on the server can be opened")
    max_file_size: str | int = Field("500mb", description="largest upload (bytes, or e.g. 500mb)")
    max_input_bytes: int | None = Field(
        None, ge=1, description="most bytes of a cases file read into memory, after gzip decompression or Parquet "
                                "decoding; None = the upload limit max_file_size (a small .gz or Parquet file may not "
                                "hold more than a plain upload could); if set, at least max_file_size")
    login_attempts: int = Field(5, ge=1, description="failed logins of one client (address) on one user name before "
                                                     "that client must wait to try that name again (429)")
    login_client_attempts: int = Field(20, ge=1, description="failed logins of one client on any user names before "
                                                             "it must wait")
    login_user_attempts: int = Field(20, ge=1, description="failed logins on one user name from anywhere before "
                                                           "each client that failed on it may try it only once per "
                                                           "login_lockout_s (a pace, never a lock: a client that has "
                                                           "not failed on the name is not held back)")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="addresses (or networks) of reverse proxies whose X-Forwarded-For names the "
                                          "client; from any other address the header is ignored, so that it cannot "
                                          "dodge the login limit")
    login_lockout_s: float = Field(30.0, gt=0, description="the first wait after login_attempts failures; it doubles "
                                                           "with each further failure")
    login_lockout_max_s: float = Field(900.0, gt=0, description="the longest wait; failures older than this are "
                                                                "forgotten")
    max_case_rows: int = Field(1000, ge=10, description="rows shown in the browser; the CSV export holds all")
    max_problems_shown: int = Field(50, ge=1, description="problems of a bad input file listed in the browser")
    runs_cached: int = Field(4, ge=1, description="runs kept in memory by the app")
    concurrency: int = Field(4, ge=1, description="requests of one event answered at once")

    @field_validator("allowed_hosts", "data_dirs", "trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        """A list may be given as one comma-separated string (as an environment variable must)."""
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @property
    def input_limit(self) -> int:
        """The most bytes of a file the app reads into memory: max_input_bytes, else the upload limit."""
        return self.max_input_bytes or size_bytes(self.max_file_size) or MAX_INPUT_BYTES

    @model_validator(mode="after")
    def _input_limit_covers_uploads(self) -> UISettings:
        if self.max_input_bytes is not None and self.max_input_bytes < size_bytes(self.max_file_size):
            raise ValueError(f"max_input_bytes ({self.max_input_bytes:,}) is below the upload limit max_file_size "
                             f"({self.max_file_size}): a file the app accepts could not be read")
        return self


class Settings(ThemeSettings):
    """Every setting of the product: the theme pipeline's sections and the assistant's."""

    # errors name the key and say what is wrong without echoing the value: llm.base_url may hold a password
    model_config = ConfigDict(hide_input_in_errors=True)

    load: LoadSettings = LoadSettings()
    stats: StatsSettings = StatsSettings()
    llm: LLMSettings = LLMSettings()
    digest: DigestSettings = DigestSettings()
    ui: UISettings = UISettings()

    @model_validator(mode="before")
    @classmethod
    def _older_noise_p(cls, data):
        """`digest.noise_p` (the file or ERROR_THEMES_DIGEST__NOISE_P) is the older place of `stats.noise_p`, kept so
        that older settings files load: moved there unless `stats.noise_p` is given too."""
        if not isinstance(data, dict) or not isinstance(data.get("digest"), dict) or "noise_p" not in data["digest"]:
            return data
        digest = dict(data["digest"])
        value = digest.pop("noise_p")
        stats = data.get("stats")
        if stats is None or isinstance(stats, dict):
            stats = {"noise_p": value, **(stats or {})}
        return {**data, "digest": digest, "stats": stats}

    @property
    def theme(self) -> ThemeSettings:
        """The sections the theme pipeline reads (what a run saves with its results)."""
        return ThemeSettings.model_validate(self.model_dump(include=set(ThemeSettings.model_fields)))


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, key = name[len(ENV_PREFIX):].lower().split("__", 1)
        if section in Settings.model_fields:
            sections.setdefault(section, {})[key] = None if value.lower() in ("none", "null", "") else value
    return sections


def load_settings(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """All settings: defaults, then the settings file, then the environment.

    Raises ValueError naming the file and the section/key when the file cannot be read or a value is invalid.
    """
    environ = dict(os.environ) if environ is None else environ
    data: dict = {}
    file = Path(path) if path else (DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.exists() else None)
    if file is not None:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{file}: cannot read the settings file: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{file}: the settings file must be a mapping of sections")
    for section, values in _env_overrides(environ).items():
        if not isinstance(data.get(section), dict):
            data[section] = {}
        data[section].update(values)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"invalid settings{f' in {file}' if file else ''}: {exc}") from exc

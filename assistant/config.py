"""Settings from a file and the environment: one place where the command line and the UI get them.

A YAML settings file (`--config FILE`, or `error-themes.yaml` in the working folder if present) holds the
sections of `clustering.settings.ThemeSettings` (embed, compose, reduce, cluster, describe) and `llm`
(`assistant.llm_config.LLMSettings`); environment variables override single values as
`ERROR_THEMES_<SECTION>__<KEY>`, e.g. `ERROR_THEMES_EMBED__MODEL=/models/e5-small`,
`ERROR_THEMES_CLUSTER__MIN_CLUSTER_SIZE=12` or `ERROR_THEMES_LLM__BASE_URL=http://localhost:8000/v1`.
API keys are never read from the file: `llm.api_key_env` names the environment variable that holds one.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant.llm_config import LLMSettings
from clustering.settings import ThemeSettings

DEFAULT_CONFIG_FILE = Path("error-themes.yaml")
ENV_PREFIX = "ERROR_THEMES_"


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, key = name[len(ENV_PREFIX):].lower().split("__", 1)
        if section in ThemeSettings.model_fields or section == "llm":
            sections.setdefault(section, {})[key] = None if value.lower() in ("none", "null", "") else value
    return sections


def _load(path: str | Path | None, environ: dict[str, str] | None) -> tuple[dict, Path | None]:
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
        data.setdefault(section, {}).update(values)
    return data, file


def load_theme_settings(path: str | Path | None = None, environ: dict[str, str] | None = None) -> ThemeSettings:
    """Theme settings: defaults, then the settings file, then the environment."""
    data, file = _load(path, environ)
    data.pop("llm", None)
    try:
        return ThemeSettings.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"invalid settings{f' in {file}' if file else ''}: {exc}") from exc


def load_llm_settings(path: str | Path | None = None, environ: dict[str, str] | None = None) -> LLMSettings:
    """Drafting backend settings (the `llm` section): defaults, then the settings file, then the environment."""
    data, file = _load(path, environ)
    try:
        return LLMSettings.model_validate(data.get("llm") or {})
    except ValidationError as exc:
        raise ValueError(f"invalid llm settings{f' in {file}' if file else ''}: {exc}") from exc

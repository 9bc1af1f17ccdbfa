"""Settings from a file and the environment: one place where the command line and the UI get them.

A YAML settings file (`--config FILE`, or `error-themes.yaml` in the working folder if present) holds the
sections of `clustering.settings.ThemeSettings`; environment variables override single values as
`ERROR_THEMES_<SECTION>__<KEY>`, e.g. `ERROR_THEMES_EMBED__MODEL=/models/e5-small` or
`ERROR_THEMES_CLUSTER__MIN_CLUSTER_SIZE=12`.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import ValidationError

from clustering.settings import ThemeSettings

DEFAULT_CONFIG_FILE = Path("error-themes.yaml")
ENV_PREFIX = "ERROR_THEMES_"


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, key = name[len(ENV_PREFIX):].lower().split("__", 1)
        if section in ThemeSettings.model_fields:
            sections.setdefault(section, {})[key] = None if value.lower() in ("none", "null", "") else value
    return sections


def load_theme_settings(path: str | Path | None = None, environ: dict[str, str] | None = None) -> ThemeSettings:
    """Defaults, then the settings file, then the environment."""
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
    try:
        return ThemeSettings.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"invalid settings{f' in {file}' if file else ''}: {exc}") from exc

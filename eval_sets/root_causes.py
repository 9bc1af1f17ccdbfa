"""Score drafted root-cause categories against the categories a planted set expects.

For every planted theme, the run's best-matching theme (by F1, from the scorer) is looked up, and the root
cause its RCA draft names is compared with the planted theme's expected category.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from eval_sets.scorer import Score


class RootCauseMatch(BaseModel):
    planted: str
    theme_id: str | None
    expected: str
    drafted: str | None

    @property
    def agrees(self) -> bool:
        return self.drafted == self.expected


def root_cause_agreement(score: Score, expected: dict[str, str], drafted: dict[str, str]) -> list[RootCauseMatch]:
    """Per planted theme: its best theme, the expected category and the drafted one (theme id -> category)."""
    return [RootCauseMatch(planted=m.planted, theme_id=m.best_theme, expected=expected[m.planted],
                           drafted=drafted.get(m.best_theme) if m.best_theme else None)
            for m in score.planted if m.planted in expected]


def read_expected(path: str | Path) -> dict[str, str]:
    """Planted theme -> expected root-cause category, from a JSON or YAML mapping (or `{label: {root_cause: ..}}`)."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the expected root causes: {exc}") from exc
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: expected a mapping of planted theme -> root-cause category")
    return {str(k): str(v["root_cause"] if isinstance(v, dict) else v) for k, v in data.items()}

"""Score drafted root-cause categories against the categories a planted set expects.

For every planted theme, the run's best-matching theme (by F1, from the scorer) is looked up, and the root
cause its RCA draft names is compared with the planted theme's expected category.
"""

from __future__ import annotations

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

"""Did the fix work: a theme's weekly share of audited decisions before and after a dated action.

Pure functions of weekly counts. Weeks that end before the action's date are `before`; weeks that start on or
after it are `after`; the week the action falls in (after its Monday) is mixed and left out. The pooled shares
(theme cases / audited decisions) of the two periods are compared with the one two-proportion test of
`clustering.stats`; the interval of the change (after - before) is Newcombe's hybrid score interval from the two
Wilson intervals. Verdict: `fixed` when the share went down beyond noise (the test's p-value below the settings'
`stats.noise_p`), `worse` when it went up beyond noise, `no change yet` otherwise (also with no week on either side
yet).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from clustering.metrics import wilson_interval
from clustering.settings import CONFIDENCE, StatsSettings
from clustering.stats import two_proportion_test
from clustering.weeks import week_monday

FIXED, NO_CHANGE, WORSE = "fixed", "no change yet", "worse"


@dataclass(frozen=True)
class WeekShare:
    """A week's count of the theme's cases and of all audited decisions."""

    week: str
    cases: int
    audited: int


@dataclass(frozen=True)
class Effect:
    """The before/after comparison of a theme's share of audited decisions around an action."""

    verdict: str
    action_date: str
    weeks_before: tuple[str, ...]
    weeks_after: tuple[str, ...]
    cases_before: int
    audited_before: int
    cases_after: int
    audited_after: int
    p_value: float | None
    test: str | None
    ci_low: float | None  # interval of share_after - share_before
    ci_high: float | None
    confidence: float = CONFIDENCE  # of that interval

    @property
    def share_before(self) -> float | None:
        return self.cases_before / self.audited_before if self.audited_before else None

    @property
    def share_after(self) -> float | None:
        return self.cases_after / self.audited_after if self.audited_after else None

    @property
    def change(self) -> float | None:
        if self.share_before is None or self.share_after is None:
            return None
        return self.share_after - self.share_before


def split_weeks(weeks: Sequence[WeekShare], action_date: date) -> tuple[list[WeekShare], list[WeekShare]]:
    """The weeks wholly before the action's date and those starting on or after it (its own week left out)."""
    before = [w for w in weeks if week_monday(w.week) + timedelta(days=7) <= action_date]
    after = [w for w in weeks if week_monday(w.week) >= action_date]
    return before, after


def difference_interval(x1: int, n1: int, x2: int, n2: int, confidence: float) -> tuple[float, float] | None:
    """Newcombe's hybrid score interval of x2/n2 - x1/n1 (method 10), from the two Wilson intervals."""
    first, second = wilson_interval(x1, n1, confidence), wilson_interval(x2, n2, confidence)
    if first is None or second is None:
        return None
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = first, second
    d = p2 - p1
    return d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)


def action_effect(weeks: Sequence[WeekShare], action_date: date | str,
                  settings: StatsSettings | None = None) -> Effect:
    """The verdict on an action from a theme's weekly cases and audited decisions (`settings.noise_p`: the
    significance level; `settings.effect_confidence`: the interval's confidence)."""
    settings = settings or StatsSettings()
    day = date.fromisoformat(str(action_date)[:10])
    before, after = split_weeks(weeks, day)
    x1, n1 = sum(w.cases for w in before), sum(w.audited for w in before)
    x2, n2 = sum(w.cases for w in after), sum(w.audited for w in after)
    tested = two_proportion_test(x1, n1, x2, n2)
    interval = difference_interval(x1, n1, x2, n2, settings.effect_confidence) if n1 and n2 else None
    verdict = NO_CHANGE
    if tested is not None and tested[0] < settings.noise_p:
        verdict = FIXED if x2 / n2 < x1 / n1 else WORSE
    return Effect(verdict, day.isoformat(), tuple(w.week for w in before), tuple(w.week for w in after), x1, n1, x2,
                  n2, None if tested is None else tested[0], None if tested is None else tested[1],
                  None if interval is None else interval[0], None if interval is None else interval[1],
                  settings.effect_confidence)

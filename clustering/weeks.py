"""ISO weeks, written `YYYY-Www` (e.g. `2026-W45`): the one place that parses, names and counts them.

A case's week is the ISO week of its `decided_at` (`week_names`, used by `clustering.load`); the digest reads a
week from the command line (`parse_week`), steps back to the week before (`shift_week`) and analyses the window
of weeks ending at it (`window_weeks`). ISO years have 52 or 53 weeks and week 1 may start in December, so
every step goes through the weeks' Mondays, never through the numbers.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def is_week(text: object) -> bool:
    """Whether `text` is written like an ISO week (`2026-W45`); says nothing of whether the year has it."""
    return isinstance(text, str) and WEEK_PATTERN.match(text) is not None


def parse_week(text: str) -> tuple[int, int]:
    """(year, week) of `2026-W45`; ValueError for anything else or a week the year does not have."""
    found = WEEK_PATTERN.match(text.strip()) if isinstance(text, str) else None
    if not found:
        raise ValueError(f"--week expects an ISO week written YYYY-Www, e.g. 2026-W45; got '{text}'")
    year, week = int(found[1]), int(found[2])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"{text} is not a week of {year} ({exc})") from exc
    try:
        date.fromisocalendar(year, week, 7)
    except ValueError as exc:  # 9999-W52 ends in the year 10000
        raise ValueError(f"{text} ends after the last date this program knows, {date.max}") from exc
    return year, week


def week_monday(week: str) -> date:
    """The Monday of an ISO week."""
    return date.fromisocalendar(*parse_week(week), 1)


def week_name(day: date) -> str:
    """The ISO week of a date as `YYYY-Www`."""
    iso = day.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def week_names(times: pd.Series) -> pd.Series:
    """`week_name` of each timestamp of a datetime column, vectorised; missing stays missing."""
    iso = times.dt.isocalendar()
    week = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    return week.astype("string")


def shift_week(week: str, weeks: int) -> str:
    """The ISO week `weeks` weeks after (negative: before) `week`; crosses years correctly. ValueError when that
    week is outside the calendar (before 0001-W01, after 9999-W51)."""
    try:
        return week_name(week_monday(week) + timedelta(weeks=weeks))
    except OverflowError:
        side = "before" if weeks < 0 else "after"
        raise ValueError(f"{week}: the week {abs(weeks)} week(s) {side} it is outside the calendar "
                         f"({date.min} to {date.max}); choose a later week") from None


def window_weeks(week: str, window: int) -> list[str]:
    """The `window` ISO weeks ending at `week`, oldest first."""
    if window < 1:
        raise ValueError(f"the window must be at least 1 week, got {window}")
    return [shift_week(week, -k) for k in range(window - 1, -1, -1)]


def span(weeks: list[str]) -> str:
    """`2026-W42..2026-W47`, or the one week; empty for no weeks."""
    if not weeks:
        return ""
    return weeks[0] if len(weeks) == 1 else f"{weeks[0]}..{weeks[-1]}"


def week_dates(week: str) -> str:
    """`Mon 2026-11-16 to Sun 2026-11-22`."""
    monday = week_monday(week)
    return f"Mon {monday.isoformat()} to Sun {(monday + timedelta(days=6)).isoformat()}"

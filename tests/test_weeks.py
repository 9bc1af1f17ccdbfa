"""ISO weeks (clustering/weeks.py): parsing, naming, stepping across years, windows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from clustering.weeks import (
    is_week,
    parse_week,
    shift_week,
    span,
    week_dates,
    week_monday,
    week_name,
    week_names,
    window_weeks,
)


def test_iso_week_arithmetic():
    assert parse_week("2020-W53") == (2020, 53)
    assert shift_week("2027-W01", -1) == "2026-W53"  # 2026 has 53 ISO weeks
    assert shift_week("2026-W52", 2) == "2027-W01"
    assert window_weeks("2026-W02", 3) == ["2025-W52", "2026-W01", "2026-W02"]


@pytest.mark.parametrize("text", ["2026-45", "2026-W4", "W45", "2026-W54", "2021-W53", "", "2026-w45", None])
def test_bad_weeks_are_refused_naming_the_format_or_the_year(text):
    with pytest.raises(ValueError, match="week"):
        parse_week(text)


def test_week_of_a_date_and_its_monday():
    assert week_name(date(2026, 11, 16)) == "2026-W47"
    assert week_name(date(2027, 1, 1)) == "2026-W53"  # a Friday: still the last week of 2026
    assert week_name(date(2024, 12, 30)) == "2025-W01"  # a Monday: the first week of 2025
    assert week_monday("2025-W01") == date(2024, 12, 30)
    assert week_monday(" 2026-W47 ") == date(2026, 11, 16)  # surrounding spaces are tolerated
    assert week_dates("2026-W47") == "Mon 2026-11-16 to Sun 2026-11-22"


def test_vectorised_names_agree_with_the_single_date_form():
    times = pd.Series(pd.to_datetime(["2024-12-30T08:00:00Z", "2027-01-01T23:59:00Z", None, "2026-11-22T12:00:00Z"],
                                     utc=True))
    names = week_names(times)
    assert names.dtype == "string"
    assert names.tolist()[:2] == ["2025-W01", "2026-W53"] and pd.isna(names[2]) and names[3] == "2026-W47"
    assert all(names[i] == week_name(times[i].date()) for i in (0, 1, 3))


def test_window_and_span():
    assert window_weeks("2026-W47", 1) == ["2026-W47"]
    assert span(window_weeks("2026-W47", 6)) == "2026-W42..2026-W47"
    assert span(["2026-W47"]) == "2026-W47" and span([]) == ""
    with pytest.raises(ValueError, match="at least 1 week"):
        window_weeks("2026-W47", 0)


def test_is_week_checks_the_writing_only():
    assert is_week("2026-W47") and is_week("2021-W53")  # written right; 2021 has no week 53 (parse_week says so)
    assert not is_week("2026-47") and not is_week(None) and not is_week(" 2026-W47")

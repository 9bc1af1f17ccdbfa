"""How figures are written, once for every rendering."""

from __future__ import annotations

import pytest

from assistant.views.formatting import NOT_AVAILABLE, count, interval, pct, pp, rate_cell
from clustering.metrics import Rate

RATE = Rate(name="FPR", value=0.1234, numerator=25, denominator=203, ci_low=0.0912, ci_high=0.1641)


@pytest.mark.parametrize("value,digits,text", [(0.1234, 1, "12.3%"), (1.0, 0, "100%"), (0.0005, 2, "0.05%"),
                                               (None, 1, NOT_AVAILABLE)])
def test_pct(value, digits, text):
    assert pct(value, digits) == text


@pytest.mark.parametrize("value,text", [(0.4213, "+0.42"), (-1.5, "-1.50"), (0.0, "+0.00"), (None, NOT_AVAILABLE)])
def test_pp_has_a_sign(value, text):
    assert pp(value) == text


def test_a_rate_with_its_interval_and_count():
    assert interval(RATE) == "9.1-16.4%"
    assert count(RATE) == "25/203"
    assert rate_cell(RATE) == "12.3% (9.1-16.4%) 25/203"


def test_an_unavailable_rate():
    missing = Rate(name="FPR", value=None, numerator=None, denominator=None, unavailable="only misjudged rows")
    assert rate_cell(missing) == NOT_AVAILABLE
    assert interval(missing) == "" and count(missing) == "" and interval(None) == ""
    big = Rate(name="ATA", value=0.5, numerator=6000, denominator=12000)
    assert rate_cell(big) == "50.0% 6,000/12,000"

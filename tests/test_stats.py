"""The two-proportion test and the noise call (clustering/stats.py)."""

from __future__ import annotations

import pytest

from clustering.stats import noise_call, two_proportion_test


def test_two_proportion_test_on_hand_made_counts():
    p, test = two_proportion_test(300, 1000, 200, 1000)  # 30% vs 20% on 1,000 each
    assert test == "chi-square" and p < 1e-6 and noise_call(p, 0.05) == "beyond noise"
    p, test = two_proportion_test(22, 100, 20, 100)  # 22% vs 20%: noise
    assert test == "chi-square" and p > 0.5 and noise_call(p, 0.05) == "within noise"
    p, test = two_proportion_test(3, 10, 0, 12)  # small counts: Fisher's exact test
    assert test == "Fisher exact" and p == pytest.approx(0.0779, abs=1e-3) and noise_call(p, 0.05) == "within noise"
    p, test = two_proportion_test(0, 40, 0, 50)
    assert p == pytest.approx(1.0) and test == "Fisher exact"
    assert two_proportion_test(1, 0, 2, 10) is None and noise_call(None, 0.05) == "no comparison"


def test_the_noise_line_is_the_callers():
    p, _ = two_proportion_test(3, 10, 0, 12)  # p = 0.078
    assert noise_call(p, 0.05) == "within noise" and noise_call(p, 0.10) == "beyond noise"


def test_fisher_takes_over_exactly_when_an_expected_count_is_below_five():
    # expected counts: 50 x 9/100 = 4.5 (Fisher) vs 50 x 10/100 = 5.0 (chi-square)
    assert two_proportion_test(5, 50, 4, 50)[1] == "Fisher exact"
    assert two_proportion_test(5, 50, 5, 50)[1] == "chi-square"

"""Did the fix work: the before/after test of a theme's weekly share, checked against a hand computation."""

import math
from datetime import date

from scipy.stats import chi2_contingency, fisher_exact, norm

from assistant.config import load_settings
from assistant.views.registry import effect_text
from clustering.effect import FIXED, NO_CHANGE, WORSE, WeekShare, action_effect, split_weeks

WEEKS = ["2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]


def weekly(cases, audited=300):
    return [WeekShare(w, c, audited) for w, c in zip(WEEKS, cases)]


Z95 = norm.ppf(0.975)


def wilson(x, n, z=Z95):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_a_share_that_drops_after_the_action_is_fixed_with_the_hand_computed_test_and_interval():
    # action on Wednesday of W45: W42-W44 before, W45 left out (mixed), W46-W47 after
    effect = action_effect(weekly([30, 28, 32, 20, 9, 8]), "2026-11-04")
    assert effect.weeks_before == ("2026-W42", "2026-W43", "2026-W44") and effect.weeks_after == ("2026-W46",
                                                                                                     "2026-W47")
    assert (effect.cases_before, effect.audited_before, effect.cases_after, effect.audited_after) == (90, 900, 17, 600)
    expected_p = chi2_contingency([[90, 810], [17, 583]]).pvalue  # Yates-corrected chi-square, by hand with scipy
    assert math.isclose(effect.p_value, expected_p, rel_tol=1e-9) and effect.test == "chi-square"
    (l1, u1), (l2, u2) = wilson(90, 900), wilson(17, 600)
    p1, p2 = 0.1, 17 / 600
    assert math.isclose(effect.ci_low, p2 - p1 - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), rel_tol=1e-6)
    assert math.isclose(effect.ci_high, p2 - p1 + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2), rel_tol=1e-6)
    assert effect.ci_high < 0 and effect.verdict == FIXED
    assert math.isclose(effect.change, p2 - p1)


def test_a_share_within_noise_is_no_change_yet_and_its_interval_spans_zero():
    effect = action_effect(weekly([30, 28, 32, 29, 27, 31]), "2026-11-02")  # Monday of W45: W45 counts as after
    assert effect.weeks_after == ("2026-W45", "2026-W46", "2026-W47")
    assert effect.verdict == NO_CHANGE and effect.p_value > 0.05 and effect.ci_low < 0 < effect.ci_high


def test_a_share_that_grows_is_worse():
    assert action_effect(weekly([10, 12, 11, 30, 35, 40]), "2026-10-26").verdict == WORSE


def test_small_counts_use_fisher_exact_like_the_hand_computation():
    weeks = [WeekShare("2026-W44", 6, 40), WeekShare("2026-W46", 0, 40)]
    effect = action_effect(weeks, "2026-11-09")
    assert effect.test == "Fisher exact"
    assert math.isclose(effect.p_value, fisher_exact([[6, 34], [0, 40]]).pvalue)
    assert effect.verdict == FIXED


def test_without_weeks_after_the_action_there_is_no_change_yet_and_no_test():
    effect = action_effect(weekly([30, 28, 32, 20, 9, 8]), "2026-11-25")
    assert effect.weeks_after == () and effect.p_value is None and effect.verdict == NO_CHANGE
    assert effect.change is None


def test_the_action_week_is_left_out_unless_the_action_is_on_its_monday():
    before, after = split_weeks(weekly([1] * 6), date(2026, 11, 3))
    assert [w.week for w in before][-1] == "2026-W44" and [w.week for w in after][0] == "2026-W46"


def test_the_significance_level_and_the_confidence_are_the_settings_stats_section():
    """ERROR_THEMES_STATS__NOISE_P turns the verdict on a change with p = 0.026; EFFECT_CONFIDENCE widens the interval
    and the text says which it is."""
    weeks = [WeekShare("2026-W44", 6, 40), WeekShare("2026-W46", 0, 40)]
    default = action_effect(weeks, "2026-11-09", load_settings(None, environ={}).stats)
    assert 0.01 < default.p_value < 0.05 and default.verdict == FIXED
    strict = load_settings(None, environ={"ERROR_THEMES_STATS__NOISE_P": "0.01"}).stats
    assert action_effect(weeks, "2026-11-09", strict).verdict == NO_CHANGE
    wide = action_effect(weeks, "2026-11-09",
                         load_settings(None, environ={"ERROR_THEMES_STATS__EFFECT_CONFIDENCE": "0.99"}).stats)
    assert wide.ci_low < default.ci_low and wide.ci_high > default.ci_high
    assert "99% CI" in effect_text(wide) and "95% CI" in effect_text(default)

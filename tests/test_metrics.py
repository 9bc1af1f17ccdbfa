"""Quality metrics against hand-computed cases, scikit-learn's confusion matrix and the Wilson formula."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix

from clustering.metrics import confusion_counts, impact, impact_index, metrics_by, quality_metrics, wilson_interval


def frame(pairs: list[tuple[str, str]], **columns) -> pd.DataFrame:
    """Cases from (original, final) pairs with ids C0, C1, ...; extra columns by keyword."""
    data = pd.DataFrame(pairs, columns=["original_decision", "final_decision"])
    data.insert(0, "case_id", [f"C{i}" for i in range(len(pairs))])
    data["misjudged"] = data["original_decision"] != data["final_decision"]
    data["ad_id"] = columns.pop("ad_id", [None] * len(pairs))
    for name, values in columns.items():
        data[name] = values
    return data


# TP=3, FP=2, FN=1, TN=4
HAND = [("reject", "reject")] * 3 + [("reject", "approve")] * 2 + [("approve", "reject")] + [("approve", "approve")] * 4


def test_rates_match_hand_computed_values():
    report = quality_metrics(frame(HAND))
    c = report.counts
    assert (c.tp, c.fp, c.fn, c.tn) == (3, 2, 1, 4)
    r = report.rates
    assert (r["FPR"].numerator, r["FPR"].denominator, r["FPR"].value) == (2, 6, pytest.approx(2 / 6))
    assert (r["FDR"].numerator, r["FDR"].denominator, r["FDR"].value) == (2, 5, pytest.approx(0.4))
    assert (r["FNR"].numerator, r["FNR"].denominator, r["FNR"].value) == (1, 4, pytest.approx(0.25))
    assert (r["ATA"].numerator, r["ATA"].denominator, r["ATA"].value) == (7, 10, pytest.approx(0.7))
    assert report.rows == 10 and report.misjudged == 3


def test_counts_agree_with_sklearn_confusion_matrix():
    rng = np.random.default_rng(3)
    original = rng.choice(["approve", "reject"], size=500, p=[0.7, 0.3])
    final = np.where(rng.random(500) < 0.15, np.where(original == "reject", "approve", "reject"), original)
    tn, fp, fn, tp = confusion_matrix(final, original, labels=["approve", "reject"]).ravel()
    c = confusion_counts(original, final)
    assert (c.tp, c.fp, c.fn, c.tn) == (tp, fp, fn, tn)


def wilson_by_formula(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.mark.parametrize("k,n", [(0, 10), (2, 6), (12, 12), (45, 1400), (1, 1)])
def test_wilson_interval_matches_the_closed_form(k, n):
    low, high = wilson_interval(k, n)
    exp_low, exp_high = wilson_by_formula(k, n)
    assert low == pytest.approx(max(exp_low, 0.0), abs=1e-9)
    assert high == pytest.approx(min(exp_high, 1.0), abs=1e-9)


def test_wilson_interval_is_wide_on_few_cases_and_narrow_on_many():
    few = wilson_interval(3, 12)
    many = wilson_interval(3000, 12000)
    assert few[1] - few[0] > 0.4 and many[1] - many[0] < 0.02
    assert wilson_interval(0, 0) is None


def test_rates_carry_their_interval():
    fpr = quality_metrics(frame(HAND)).rates["FPR"]
    assert (fpr.ci_low, fpr.ci_high) == pytest.approx(wilson_by_formula(2, 6))


def test_only_misjudged_input_reports_rates_unavailable():
    misjudged = [p for p in HAND if p[0] != p[1]]
    report = quality_metrics(frame(misjudged), has_correct_rows=False)
    assert report.counts.tp is None and report.counts.tn is None
    assert (report.counts.fp, report.counts.fn) == (2, 1)
    for name in ("FPR", "FDR", "FNR", "ATA", "IR"):
        assert report.rates[name].value is None
        assert "only misjudged" in report.rates[name].unavailable


def test_inconsistency_rate_counts_ads_judged_twice_with_different_judgments():
    pairs = [("reject", "reject"), ("approve", "reject"),   # AD1: differ
             ("approve", "approve"), ("approve", "approve"),  # AD2: agree
             ("reject", "approve"), ("approve", "approve"), ("approve", "approve"),  # AD3: differ
             ("approve", "approve")]  # AD4: judged once, not counted
    ads = ["AD1", "AD1", "AD2", "AD2", "AD3", "AD3", "AD3", "AD4"]
    ir = quality_metrics(frame(pairs, ad_id=ads)).rates["IR"]
    assert (ir.numerator, ir.denominator) == (2, 3)
    no_ads = quality_metrics(frame(pairs)).rates["IR"]
    assert no_ads.value is None and "no ad_id" in no_ads.unavailable


def test_metrics_by_facet_with_missing_values_and_week_order():
    data = frame(HAND, policy=["a"] * 6 + ["b"] * 3 + [None], week=["2026-W45", "2026-W44"] * 5)
    by_policy = metrics_by(data, "policy")
    assert [(r.group, r.rows) for r in by_policy] == [("a", 6), ("b", 3), ("(missing)", 1)]
    a = by_policy[0]
    assert (a.counts.tp, a.counts.fp, a.counts.fn, a.counts.tn) == (3, 2, 1, 0)
    by_week = metrics_by(data, "week")
    assert [r.group for r in by_week] == ["2026-W44", "2026-W45"]


def test_impact_is_the_improvement_in_points_when_cases_are_fixed():
    data = frame(HAND)
    fp_ids = list(data.loc[(data.original_decision == "reject") & (data.final_decision == "approve"), "case_id"])
    got = impact(data, fp_ids[:1])
    # fixing one FP: FPR 2/6 -> 1/6, FDR 2/5 -> 1/4, FNR unchanged, ATA 7/10 -> 8/10
    assert got["FPR"] == pytest.approx((2 / 6 - 1 / 6) * 100)
    assert got["FDR"] == pytest.approx((2 / 5 - 1 / 4) * 100)
    assert got["FNR"] == pytest.approx(0.0)
    assert got["ATA"] == pytest.approx(10.0)
    assert impact(data, fp_ids, has_correct_rows=False)["FPR"] is None


def test_impact_equals_recomputing_every_rate_with_the_cases_fixed():
    rng = np.random.default_rng(5)
    n = 400
    original = rng.choice(["approve", "reject"], size=n)
    final = np.where(rng.random(n) < 0.3, np.where(original == "reject", "approve", "reject"), original)
    data = frame(list(zip(original, final)), ad_id=[f"A{i}" for i in rng.integers(0, 150, size=n)])
    chosen = list(data.loc[data["misjudged"], "case_id"].sample(40, random_state=1))
    fixed = data.copy()
    mask = fixed["case_id"].isin(chosen)
    fixed.loc[mask, "original_decision"] = fixed.loc[mask, "final_decision"]
    before, after = quality_metrics(data).rates, quality_metrics(fixed).rates
    got = impact(data, chosen)
    for name in ("FPR", "FDR", "FNR", "IR"):
        assert got[name] == pytest.approx((before[name].value - after[name].value) * 100)
    assert got["ATA"] == pytest.approx((after["ATA"].value - before["ATA"].value) * 100)
    assert got["IR"] != 0  # some fixed cases sat on ads judged twice
    # the index made once for many sets (themes of a run) gives the very same figures
    index = impact_index(data)
    assert impact(data, chosen, index=index) == got
    assert impact(data, chosen[:3] + ["no such case"], index=index) == impact(data, chosen[:3])

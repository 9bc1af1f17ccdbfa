"""Quality metrics of audited decisions (docs/design.md §3), as pure functions of the cases frame.

`reject` is the positive class. Against QA's final decision: TP = rejected and should be, FP = rejected
but should be approved (overkill), FN = approved but should be rejected (miss), TN = approved and should be.
Every rate carries its numerator, denominator and a Wilson interval at `CONFIDENCE` (scipy). When the input holds
only misjudged rows, TP and TN are unknown: the rates that need them are unavailable, never computed
from the wrong denominator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy.stats import binomtest

from clustering.settings import CONFIDENCE

RATE_NAMES = ("FPR", "FDR", "FNR", "ATA", "IR")
RATE_TITLES = {
    "FPR": "False positive rate (good ads wrongly rejected)",
    "FDR": "False discovery rate (share of rejections that were wrong)",
    "FNR": "Miss rate (bad ads that got through)",
    "ATA": "Accuracy against audit",
    "IR": "Inconsistency rate (same ad, different judgments)",
}
# For these a lower rate is better; for ATA a higher one.
LOWER_IS_BETTER = {"FPR": True, "FDR": True, "FNR": True, "ATA": False, "IR": True}
MISSING_GROUP = "(missing)"
ONLY_MISJUDGED = "the input holds only misjudged cases; this rate needs the correct decisions too"


class Counts(BaseModel):
    """Confusion counts; tp and tn are None when the input holds only misjudged cases."""

    tp: int | None
    fp: int
    fn: int
    tn: int | None

    @property
    def audited(self) -> int | None:
        if self.tp is None or self.tn is None:
            return None
        return self.tp + self.fp + self.fn + self.tn


class Rate(BaseModel):
    """A rate with its count and Wilson interval; `value` is None when unavailable, with the reason."""

    name: str
    value: float | None
    numerator: int | None
    denominator: int | None
    ci_low: float | None = None
    ci_high: float | None = None
    unavailable: str | None = None


class MetricsReport(BaseModel):
    """All rates of one group of cases (the whole file, or one value of a facet)."""

    facet: str | None = None
    group: str | None = None
    rows: int
    misjudged: int
    counts: Counts
    rates: dict[str, Rate]


def wilson_interval(successes: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """The Wilson score interval of a binomial proportion, from scipy; None when there are no trials."""
    if trials <= 0:
        return None
    ci = binomtest(int(successes), int(trials)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def confusion_counts(original: Iterable[str], final: Iterable[str], has_correct_rows: bool = True) -> Counts:
    """TP/FP/FN/TN of decisions against QA's final decisions (`reject` is positive)."""
    orig = np.asarray(pd.Series(original, dtype=object)) == "reject"
    fin = np.asarray(pd.Series(final, dtype=object)) == "reject"
    tp = int(np.sum(orig & fin))
    tn = int(np.sum(~orig & ~fin))
    return Counts(
        tp=tp if has_correct_rows else None,
        fp=int(np.sum(orig & ~fin)),
        fn=int(np.sum(~orig & fin)),
        tn=tn if has_correct_rows else None,
    )


def _rate(name: str, num: int | None, den: int | None, with_ci: bool) -> Rate:
    if num is None or den is None:
        return Rate(name=name, value=None, numerator=None, denominator=None, unavailable=ONLY_MISJUDGED)
    if den == 0:
        return Rate(name=name, value=None, numerator=num, denominator=0, unavailable="no cases in the denominator")
    ci = wilson_interval(num, den) if with_ci else None
    return Rate(name=name, value=num / den, numerator=num, denominator=den,
                ci_low=ci[0] if ci else None, ci_high=ci[1] if ci else None)


def inconsistency_counts(cases: pd.DataFrame) -> tuple[int, int] | None:
    """(ads judged 2+ times whose judgments differ, ads judged 2+ times); None without ad ids."""
    ads = cases["ad_id"]
    if ads.isna().all():
        return None
    judged = cases.loc[ads.notna(), ["ad_id", "original_decision"]]
    per_ad = judged.groupby("ad_id", observed=True)["original_decision"].agg(["size", "nunique"])
    repeated = per_ad[per_ad["size"] >= 2]
    return int((repeated["nunique"] > 1).sum()), len(repeated)


def rates_from_counts(c: Counts, incons: tuple[int, int] | None, has_correct_rows: bool = True,
                      with_ci: bool = True) -> dict[str, Rate]:
    """Every rate of docs/design.md §3 from confusion counts and inconsistency counts (None: no ad ids)."""
    known = has_correct_rows
    out = {
        "FPR": _rate("FPR", c.fp if known else None, c.fp + c.tn if known else None, with_ci),
        "FDR": _rate("FDR", c.fp if known else None, c.fp + c.tp if known else None, with_ci),
        "FNR": _rate("FNR", c.fn if known else None, c.fn + c.tp if known else None, with_ci),
        "ATA": _rate("ATA", c.tp + c.tn if known else None, c.audited, with_ci),
    }
    if not known:
        out["IR"] = _rate("IR", None, None, with_ci)
    elif incons is None:
        out["IR"] = Rate(name="IR", value=None, numerator=None, denominator=None,
                         unavailable="the input has no ad_id, so repeated judgments cannot be found")
    else:
        out["IR"] = _rate("IR", incons[0], incons[1], with_ci)
    return out


def rates(cases: pd.DataFrame, has_correct_rows: bool = True, with_ci: bool = True) -> tuple[Counts, dict[str, Rate]]:
    """The confusion counts and every rate of docs/design.md §3 for a frame of cases."""
    c = confusion_counts(cases["original_decision"], cases["final_decision"], has_correct_rows)
    incons = inconsistency_counts(cases) if has_correct_rows else None
    return c, rates_from_counts(c, incons, has_correct_rows, with_ci)


def quality_metrics(cases: pd.DataFrame, has_correct_rows: bool = True) -> MetricsReport:
    """Counts and rates with intervals for all cases."""
    counts, rate_map = rates(cases, has_correct_rows)
    return MetricsReport(rows=len(cases), misjudged=int(cases["misjudged"].sum()), counts=counts, rates=rate_map)


def metrics_by(cases: pd.DataFrame, facet: str, has_correct_rows: bool = True) -> list[MetricsReport]:
    """Counts and rates per value of a facet (policy, locale, queue, decision_source, week, ...).

    Weeks come in time order, other facets by number of cases, largest first.
    """
    if facet not in cases.columns:
        raise KeyError(f"unknown facet '{facet}'")
    keys = cases[facet].astype("string").fillna(MISSING_GROUP)
    reports = []
    for value, group in cases.groupby(keys, sort=False, observed=True):
        counts, rate_map = rates(group, has_correct_rows)
        reports.append(MetricsReport(facet=facet, group=str(value), rows=len(group),
                                     misjudged=int(group["misjudged"].sum()), counts=counts, rates=rate_map))
    if facet == "week":
        reports.sort(key=lambda r: r.group or "")
    else:
        reports.sort(key=lambda r: (-r.rows, r.group or ""))
    return reports


def impact(cases: pd.DataFrame, case_ids: Iterable[str], has_correct_rows: bool = True,
           index: ImpactIndex | None = None) -> dict[str, float | None]:
    """How much each rate would improve, in percentage points, if these cases had been decided correctly.

    Positive means better (lower FPR/FDR/FNR/IR, higher ATA); None where the rate is unavailable.
    Fixing a case turns an FP into a TN and an FN into a TP; the inconsistency rate is recounted on the ads
    of the fixed cases only. For many sets of cases of one frame, pass `index` (`impact_index(cases)`: the
    baseline counts and row lookups made once; 100k cases x 100 themes took a minute without it).
    """
    index = impact_index(cases, has_correct_rows) if index is None else index
    chosen = index.rows_of(set(map(str, case_ids)))
    before_counts, before_incons = index.baseline
    fixed = confusion_counts(cases.loc[chosen, "original_decision"], cases.loc[chosen, "final_decision"])
    c = before_counts
    after_counts = Counts(tp=None if c.tp is None else c.tp + fixed.fn, fp=c.fp - fixed.fp,
                          fn=c.fn - fixed.fn, tn=None if c.tn is None else c.tn + fixed.fp)
    after_incons = before_incons
    if before_incons is not None and has_correct_rows:
        codes = np.unique(index.ad_codes[chosen])
        touched = np.isin(index.ad_codes, codes[codes >= 0])
        if touched.any():
            subset = cases.loc[touched, ["case_id", "ad_id", "original_decision", "final_decision"]].copy()
            was = inconsistency_counts(subset)
            mine = chosen[touched]
            subset["original_decision"] = subset["original_decision"].where(~mine, subset["final_decision"])
            now = inconsistency_counts(subset)
            after_incons = (before_incons[0] - was[0] + now[0], before_incons[1])
    before = rates_from_counts(before_counts, before_incons, has_correct_rows, with_ci=False)
    after = rates_from_counts(after_counts, after_incons, has_correct_rows, with_ci=False)
    result: dict[str, float | None] = {}
    for name in RATE_NAMES:
        b, a = before[name].value, after[name].value
        if b is None or a is None:
            result[name] = None
            continue
        result[name] = (b - a) * 100 if LOWER_IS_BETTER[name] else (a - b) * 100
    return result


@dataclass(frozen=True)
class ImpactIndex:
    """One cases frame's baseline counts and row lookups, made once for `impact` on many sets of its cases."""

    baseline: tuple[Counts, tuple[int, int] | None]
    case_ids: pd.Index  # the frame's case ids as text, in row order
    ad_codes: np.ndarray  # an integer per row standing for its ad_id (-1: none)

    def rows_of(self, ids: set[str]) -> np.ndarray:
        """A boolean row mask of the frame's cases whose id is in `ids`."""
        if self.case_ids.is_unique:
            found = self.case_ids.get_indexer(list(ids))
            mask = np.zeros(len(self.case_ids), dtype=bool)
            mask[found[found >= 0]] = True
            return mask
        return np.asarray(self.case_ids.isin(ids))


def impact_index(cases: pd.DataFrame, has_correct_rows: bool = True) -> ImpactIndex:
    """The `ImpactIndex` of `cases`."""
    codes, _ = pd.factorize(cases["ad_id"], use_na_sentinel=True)
    return ImpactIndex(impact_baseline(cases, has_correct_rows), pd.Index(cases["case_id"].astype(str)),
                       np.asarray(codes))


def impact_baseline(cases: pd.DataFrame, has_correct_rows: bool = True) -> tuple[Counts, tuple[int, int] | None]:
    """The counts `impact` starts from, computed once for many sets of cases."""
    counts = confusion_counts(cases["original_decision"], cases["final_decision"], has_correct_rows)
    return counts, inconsistency_counts(cases) if has_correct_rows else None

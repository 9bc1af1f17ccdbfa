"""Describe each theme from its own data: keywords (`clustering.keywords`), representatives, mixes, facets with lift,
impact, trend.

Pure functions of the cases and their vectors (`ClusteredCases`) and a labelling of them
(`clustering.cluster.Labelling`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.stats import poisson

from clustering.cluster import Labelling
from clustering.keywords import TermCounts, class_tfidf, keyword_text, term_counts
from clustering.language import language_of
from clustering.metrics import ImpactIndex, impact, impact_index
from clustering.settings import DescribeSettings
from clustering.theme_model import (
    FacetValue,
    InconsistentAd,
    Representative,
    Theme,
    WeekCount,
)

FACET_COLUMNS = ("policy", "locale", "queue", "decision_source", "moderator_id")
LIFT_FLAG = 1.5  # a facet value is over-represented at this lift ...
LIFT_MIN_COUNT = 3  # ... with at least this many cases
MMR_LAMBDA = 0.6  # representatives: closeness to the centre vs difference from those already chosen
TRIM_CHARS = 300
NEAR_DUPLICATE = 0.97
TREND_P = 0.05  # a week's count this unlikely under the earlier weeks' mean is a change
TREND_MIN_CHANGE = 3  # ... and it must differ from that mean by this many cases
MISSING = "(missing)"


def theme_id(rank: int) -> str:
    """`T01`, `T02`, ...: the id of the theme ranked `rank` (1-based) in its run."""
    return f"T{rank:02d}"


def pick_representatives(vectors: np.ndarray, centre: np.ndarray, k: int) -> list[int]:
    """Indexes of k members near the centre and unlike each other (maximal marginal relevance).

    Near-duplicates (cosine >= 0.97 to one already chosen) are taken only when nothing else is left.
    """
    closeness = vectors @ centre
    pool = [int(i) for i in np.argsort(-closeness, kind="stable")[: max(4 * k, 20)]]
    chosen = [pool[0]]
    while len(chosen) < min(k, len(pool)):
        rest = [i for i in pool if i not in chosen]
        redundancy = (vectors[rest] @ vectors[chosen].T).max(axis=1)
        fresh = redundancy < NEAR_DUPLICATE
        score = MMR_LAMBDA * closeness[rest] - (1 - MMR_LAMBDA) * redundancy
        score = np.where(fresh, score, score - 10.0) if fresh.any() else score
        chosen.append(rest[int(np.argmax(score))])
    return chosen


def facet_counts(cases: pd.DataFrame, column: str) -> pd.Series:
    """Cases per value of a facet, missing values counted as MISSING."""
    return cases[column].astype("string").fillna(MISSING).value_counts()


def facet_lifts(theme: pd.DataFrame, everyone: pd.DataFrame, column: str, top: int,
                overall: pd.Series | None = None) -> list[FacetValue]:
    """The theme's commonest values of a facet, with lift against all misjudged cases (`everyone`; its
    `facet_counts`, when already counted, as `overall`)."""
    inside = facet_counts(theme, column)
    overall = facet_counts(everyone, column) if overall is None else overall
    values = []
    for value, count in inside.items():
        share = count / len(theme)
        base = overall.get(value, 0) / len(everyone)
        lift = share / base if base else 0.0
        values.append(FacetValue(value=str(value), count=int(count), share=round(share, 4), lift=round(lift, 3),
                                 over_represented=bool(value != MISSING and lift >= LIFT_FLAG
                                                       and count >= LIFT_MIN_COUNT)))
    values.sort(key=lambda v: (-v.count, -v.lift, v.value))
    return values[:top]


def weekly_counts(theme: pd.DataFrame, weeks: list[str]) -> list[WeekCount]:
    """Cases of the theme per ISO week, over all weeks of the run (zeros included)."""
    counts = theme["week"].value_counts()
    return [WeekCount(week=w, count=int(counts.get(w, 0))) for w in weeks]


def trend_of(weekly: list[WeekCount]) -> tuple[int | None, str]:
    """The change from the previous week to the last, and a word for the trend.

    `new`: cases only in the last week; `gone`: none in the last week after some the week before;
    `growing` / `shrinking`: the last week's count is outside what the earlier weeks' mean makes likely
    (Poisson tail below TREND_P) and differs from that mean by at least TREND_MIN_CHANGE cases; else `steady`.
    """
    if len(weekly) < 2:
        return None, "single week" if weekly else "no weeks"
    last, previous = weekly[-1].count, weekly[-2].count
    earlier = [w.count for w in weekly[:-1]]
    expected = sum(earlier) / len(earlier)
    if last and not any(earlier):
        word = "new"
    elif not last and previous:
        word = "gone"
    elif last - expected >= TREND_MIN_CHANGE and poisson.sf(last - 1, expected) < TREND_P:
        word = "growing"
    elif expected - last >= TREND_MIN_CHANGE and poisson.cdf(last, expected) < TREND_P:
        word = "shrinking"
    else:
        word = "steady"
    return last - previous, word


class InconsistentIndex:
    """Every ad judged more than once in a cases frame with different judgments, looked up by ad id; each
    `InconsistentAd` is built when first asked for (a weekly export has thousands, a theme shows ten)."""

    def __init__(self, cases: pd.DataFrame):
        judged = cases.loc[cases["ad_id"].notna()]
        per_ad = judged.groupby("ad_id", sort=True, observed=True)["original_decision"].agg(["size", "nunique"])
        bad = per_ad.index[(per_ad["size"] >= 2) & (per_ad["nunique"] >= 2)]
        rows = judged.loc[judged["ad_id"].isin(bad)]
        self._rows = {str(ad): idx for ad, idx in rows.groupby("ad_id", sort=True, observed=True).indices.items()}
        self._columns = {c: rows[c].to_numpy(dtype=object, na_value=None)
                         for c in ("case_id", "original_decision", "moderator_id", "final_decision")}
        self._built: dict[str, InconsistentAd] = {}
        self.ads = frozenset(self._rows)  # the inconsistently judged ads' ids

    def __getitem__(self, ad: str) -> InconsistentAd:
        if ad not in self._built:
            idx, col = self._rows[ad], self._columns
            finals = [f for f in col["final_decision"][idx] if f is not None]
            self._built[ad] = InconsistentAd(
                ad_id=ad, case_ids=[str(c) for c in col["case_id"][idx]],
                decisions=[str(d) for d in col["original_decision"][idx]],
                moderators=[None if m is None else str(m) for m in col["moderator_id"][idx]],
                final_decision=str(finals[0]) if finals else None)
        return self._built[ad]


INCONSISTENT_SHOWN = 10  # inconsistently judged ads listed per theme (all of them are counted)


def inconsistent_ads(theme: pd.DataFrame, cases: pd.DataFrame, limit: int = INCONSISTENT_SHOWN,
                     index: InconsistentIndex | None = None) -> list[InconsistentAd]:
    """Ads of the theme judged more than once (anywhere in `cases`) with different judgments, the first `limit`
    by ad id. `index`: `InconsistentIndex(cases)`, when made once for many themes."""
    index = index_of(theme, cases, index)
    return [index[a] for a in inconsistent_ad_ids(theme, cases, index)[:limit]]


def inconsistent_ad_ids(theme: pd.DataFrame, cases: pd.DataFrame, index: InconsistentIndex | None = None) -> list[str]:
    """Every ad of the theme judged inconsistently (anywhere in `cases`), by ad id."""
    ads = {str(a) for a in theme["ad_id"].dropna().unique()}
    return sorted(ads & index_of(theme, cases, index).ads) if ads else []


def index_of(theme: pd.DataFrame, cases: pd.DataFrame, index: InconsistentIndex | None) -> InconsistentIndex:
    """`index`, or one made for the ads of `theme` alone."""
    return index if index is not None else InconsistentIndex(cases[cases["ad_id"].isin(theme["ad_id"].dropna())])


@dataclass(frozen=True)
class Background:
    """What the themes of one run are described against, made once for all of them (and for their parents):
    the note terms and facet counts of the misjudged cases, the impact baseline and the inconsistent ads."""

    terms: TermCounts | None
    languages: np.ndarray  # of each misjudged case, from its locale ("" when unknown): keywords balance them
    facets: dict[str, pd.Series]
    impact: ImpactIndex
    inconsistent: InconsistentIndex


def background(cases: pd.DataFrame, misjudged: pd.DataFrame, has_correct_rows: bool) -> Background:
    """The `Background` of a run: `cases` every loaded row, `misjudged` the clustered rows."""
    languages = (language_of(misjudged["locale"]).fillna("") if "locale" in misjudged.columns
                 else pd.Series("", index=misjudged.index)).to_numpy(dtype=object)
    return Background(term_counts(keyword_text(misjudged)), languages,
                      {c: facet_counts(misjudged, c) for c in FACET_COLUMNS}, impact_index(cases, has_correct_rows),
                      InconsistentIndex(cases))


@dataclass(frozen=True, eq=False)
class ClusteredCases:
    """What the cluster stage hands to the describers with each `Labelling` of the cases (the themes, then the
    parents): the cases and the clustered ones with their vectors. Their `Background` is made on first use and kept.

    cases: every loaded row, the frame of `clustering.schema` (rates, impact and inconsistency are counted on it).
    misjudged: the clustered rows, in the order of `vectors` and of a labelling's arrays; the columns of `cases`, of
        which the describers read case_id, ad_id, week, error_type, decision_source, reviewer_note, ad_text and the
        facets (`FACET_COLUMNS`, locale for the keywords' languages).
    vectors: one unit row per clustered case (the composed embedding, `clustering.compose`).
    has_correct_rows: whether `cases` holds correct decisions too, so that rates have their denominators.
    """

    cases: pd.DataFrame
    misjudged: pd.DataFrame
    vectors: np.ndarray
    has_correct_rows: bool

    def __post_init__(self):
        if len(self.misjudged) != len(self.vectors):
            raise ValueError(f"{len(self.misjudged)} clustered cases but {len(self.vectors)} vectors")

    @cached_property
    def background(self) -> Background:
        """What every labelling of these cases is described against (made once)."""
        return background(self.cases, self.misjudged, self.has_correct_rows)


def _text(value, limit: int = TRIM_CHARS) -> str | None:
    if value is None or pd.isna(value):
        return None
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.astype("string").fillna("unknown").value_counts().sort_index().items()}


def describe_themes(clustered: ClusteredCases, labelling: Labelling,
                    settings: DescribeSettings) -> tuple[list[Theme], dict[int, str]]:
    """A Theme for each label 0..k-1 of `labelling`, ranked by impact on `settings.rank_by` (then size), and the
    theme id of each label."""
    cases, misjudged, vectors = clustered.cases, clustered.misjudged, clustered.vectors
    labels, attached, similarity, centroids = (labelling.labels, labelling.attached, labelling.similarity,
                                               labelling.centroids)
    if len(labels) != len(misjudged):
        raise ValueError(f"a labelling of {len(labels)} cases does not fit {len(misjudged)} clustered cases")
    k = len(centroids)
    if not k:
        return [], {}
    context = clustered.background
    keywords = class_tfidf(context.terms, labels, settings.keywords, context.languages)
    weeks = sorted(misjudged["week"].dropna().unique().tolist())
    members = pd.Series(np.arange(len(labels))).groupby(labels).indices
    drafts = []
    for label in range(k):
        idx = members.get(label, np.array([], dtype=np.int64))
        theme = misjudged.iloc[idx]
        reps = pick_representatives(vectors[idx], centroids[label], settings.representatives)
        weekly = weekly_counts(theme, weeks)
        change, trend = trend_of(weekly)
        inconsistent = inconsistent_ad_ids(theme, cases, context.inconsistent)
        drafts.append(dict(
            size=len(idx),
            share_of_misjudged=round(len(idx) / len(labels), 4),
            attached=int(attached[idx].sum()),
            cohesion=round(float(similarity[idx].mean()), 4),
            keywords=keywords.get(label, []),
            representatives=[_representative(theme.iloc[i], float(vectors[idx[i]] @ centroids[label])) for i in reps],
            error_types=_counts(theme["error_type"]),
            sources=_counts(theme["decision_source"]),
            facets={col: facet_lifts(theme, misjudged, col, settings.facet_values, context.facets[col])
                    for col in FACET_COLUMNS},
            impact_pp={name: None if v is None else round(v, 4) for name, v in
                       impact(cases, theme["case_id"], clustered.has_correct_rows, index=context.impact).items()},
            weekly=weekly, last_week_change=change, trend=trend,
            inconsistent_ads=[context.inconsistent[a] for a in inconsistent[:INCONSISTENT_SHOWN]],
            inconsistent_ads_total=len(inconsistent),
            centroid=[round(float(x), 6) for x in centroids[label]],
            label=label,
        ))
    drafts.sort(key=lambda d: (-(d["impact_pp"].get(settings.rank_by) or 0.0), -d["size"], d["label"]))
    themes, ids = [], {}
    for rank, d in enumerate(drafts, start=1):
        ids[d.pop("label")] = theme_id(rank)
        themes.append(Theme(theme_id=theme_id(rank), rank=rank, **d))
    return themes, ids


def _representative(row: pd.Series, similarity: float) -> Representative:
    def opt(name):
        value = row.get(name)
        return None if value is None or pd.isna(value) else str(value)

    return Representative(case_id=str(row["case_id"]), similarity=round(similarity, 4), error_type=opt("error_type"),
                          policy=opt("policy"), locale=opt("locale"), decision_source=opt("decision_source"),
                          reviewer_note=_text(row.get("reviewer_note")), ad_text=_text(row.get("ad_text")))

"""Describe each theme from its own data: keywords, representatives, mixes, facets with lift, impact, trend.

Pure functions of the cases frame, the theme labels and the case vectors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import poisson
from sklearn.feature_extraction.text import CountVectorizer

from clustering.cluster import UNTHEMED
from clustering.metrics import impact, impact_baseline
from clustering.settings import DescribeSettings
from clustering.stopwords import STOP_WORDS
from clustering.theme_model import (
    FacetValue,
    InconsistentAd,
    Keyword,
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


def keyword_text(cases: pd.DataFrame) -> list[str]:
    """The text keywords are drawn from: the reviewer note, or the ad text when there is no note."""
    return cases["reviewer_note"].fillna(cases["ad_text"]).fillna("").astype(str).tolist()


def class_tfidf(docs: list[str], labels: np.ndarray, top_n: int) -> dict[int, list[Keyword]]:
    """Keywords per label by class-based TF-IDF (BERTopic's c-TF-IDF) over 1-2 grams without stop words.

    scikit-learn gives the tokenising, n-grams and stop words (CountVectorizer); the class-based weighting
    is computed here: tf of a term in a class (L1-normalised) times log(1 + average class size / term count).
    Unthemed cases form a class of their own, so that words common everywhere score low.
    """
    vectorizer = None
    counts = None
    for min_df in (2, 1):
        try:
            vectorizer = CountVectorizer(ngram_range=(1, 2), stop_words=list(STOP_WORDS), min_df=min_df,
                                         token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b")
            counts = vectorizer.fit_transform(docs)
            break
        except ValueError:  # empty vocabulary
            continue
    if counts is None:
        return {}
    classes = np.unique(labels)
    index = {c: i for i, c in enumerate(classes)}
    member = sparse.csr_matrix((np.ones(len(labels)), ([index[c] for c in labels], np.arange(len(labels)))),
                               shape=(len(classes), len(labels)))
    per_class = np.asarray((member @ counts).todense(), dtype=np.float64)
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    average = per_class.sum() / len(classes)
    idf = np.log(1 + average / np.maximum(per_class.sum(axis=0), 1))
    scores = tf * idf
    terms = vectorizer.get_feature_names_out()
    out = {}
    for c in classes:
        if c == UNTHEMED:
            continue
        row = scores[index[c]]
        best = [i for i in np.argsort(-row, kind="stable")[:top_n] if row[i] > 0]
        out[int(c)] = [Keyword(term=str(terms[i]), score=round(float(row[i]), 5)) for i in best]
    return out


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


def facet_lifts(theme: pd.DataFrame, everyone: pd.DataFrame, column: str, top: int) -> list[FacetValue]:
    """The theme's commonest values of a facet, with lift against all misjudged cases."""
    inside = theme[column].astype("string").fillna(MISSING).value_counts()
    overall = everyone[column].astype("string").fillna(MISSING).value_counts()
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


def inconsistent_ads(theme: pd.DataFrame, cases: pd.DataFrame, limit: int = 10) -> list[InconsistentAd]:
    """Ads of the theme judged more than once (anywhere in the input) with different judgments."""
    ads = theme["ad_id"].dropna().unique()
    if not len(ads):
        return []
    judged = cases[cases["ad_id"].isin(ads)]
    out = []
    for ad, group in judged.groupby("ad_id", sort=True, observed=True):
        if len(group) < 2 or group["original_decision"].nunique() < 2:
            continue
        out.append(InconsistentAd(
            ad_id=str(ad), case_ids=group["case_id"].astype(str).tolist(),
            decisions=group["original_decision"].astype(str).tolist(),
            moderators=[None if pd.isna(m) else str(m) for m in group["moderator_id"]],
            final_decision=None if group["final_decision"].isna().all() else str(group["final_decision"].iloc[0]),
        ))
        if len(out) >= limit:
            break
    return out


def _text(value, limit: int = TRIM_CHARS) -> str | None:
    if value is None or pd.isna(value):
        return None
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.astype("string").fillna("unknown").value_counts().sort_index().items()}


def describe_themes(cases: pd.DataFrame, misjudged: pd.DataFrame, labels: np.ndarray, attached: np.ndarray,
                    similarity: np.ndarray, vectors: np.ndarray, centroids: np.ndarray,
                    has_correct_rows: bool, settings: DescribeSettings) -> tuple[list[Theme], dict[int, str]]:
    """A Theme for each label 0..k-1, ranked by impact on `settings.rank_by` (then size), and the theme id
    of each label.

    `cases` is every loaded row (for rates and inconsistency); `misjudged` the clustered rows, aligned with
    `labels`, `attached`, `similarity` and `vectors`.
    """
    k = len(centroids)
    if not k:
        return [], {}
    keywords = class_tfidf(keyword_text(misjudged), labels, settings.keywords)
    weeks = sorted(misjudged["week"].dropna().unique().tolist())
    baseline = impact_baseline(cases, has_correct_rows)
    drafts = []
    for label in range(k):
        member = labels == label
        theme = misjudged.loc[member]
        idx = np.flatnonzero(member)
        reps = pick_representatives(vectors[idx], centroids[label], settings.representatives)
        weekly = weekly_counts(theme, weeks)
        change, trend = trend_of(weekly)
        drafts.append(dict(
            size=int(member.sum()),
            share_of_misjudged=round(float(member.mean()), 4),
            attached=int(attached[member].sum()),
            cohesion=round(float(similarity[member].mean()), 4),
            keywords=keywords.get(label, []),
            representatives=[_representative(theme.iloc[i], float(vectors[idx[i]] @ centroids[label])) for i in reps],
            error_types=_counts(theme["error_type"]),
            sources=_counts(theme["decision_source"]),
            facets={col: facet_lifts(theme, misjudged, col, settings.facet_values) for col in FACET_COLUMNS},
            impact_pp={name: None if v is None else round(v, 4) for name, v in
                       impact(cases, theme["case_id"], has_correct_rows, baseline).items()},
            weekly=weekly, last_week_change=change, trend=trend,
            inconsistent_ads=inconsistent_ads(theme, cases),
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

"""Score a theme run against planted labels: how well the themes recover them and leave noise out.

Planted labels are a column of the cases file that the pipeline never reads (the demo's `theme`); rows
labelled `noise` are one-off errors that belong to no theme.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from clustering.read import read_raw

NOISE = "noise"
RECOVERED_F1 = 0.5
LANGUAGE_DOMINANCE = 0.8
UNTHEMED = "(unthemed)"


class PlantedMatch(BaseModel):
    """A planted theme and the run's theme that matches it best."""

    planted: str
    size: int
    best_theme: str | None
    precision: float
    recall: float
    f1: float
    unthemed_share: float


class Score(BaseModel):
    """How a run compares with the planted labels (misjudged rows only).

    ari / nmi count every row (noise as one more label, unthemed as one more theme); ari_labelled /
    nmi_labelled only the rows of a planted label (as CLINC150's in-scope figures are usually given).
    """

    rows: int
    themes_found: int
    ari: float
    nmi: float
    ari_labelled: float
    nmi_labelled: float
    mean_f1: float
    recovered_share: float
    noise_rows: int
    noise_unthemed_share: float | None
    planted_unthemed_share: float
    planted: list[PlantedMatch]


def score_labels(predicted: pd.Series, truth: pd.Series, noise_label: str = NOISE) -> Score:
    """Score predicted theme ids (missing = unthemed) against planted labels, row by row.

    Each planted label is matched with the theme of best F1 (ties: the first theme id in sorted order).
    """
    pred = predicted.astype("string").fillna(UNTHEMED).to_numpy(dtype=object)
    true = truth.astype("string").fillna(noise_label).to_numpy(dtype=object)
    unthemed = pred == UNTHEMED
    is_noise = true == noise_label
    themes = sorted(set(pred) - {UNTHEMED})
    planted_names = sorted(set(true) - {noise_label})
    theme_index = {t: i for i, t in enumerate(themes)}
    planted_index = {p: i for i, p in enumerate(planted_names)}
    both = np.zeros((len(planted_names), len(themes)), dtype=np.int64)
    rows = [(planted_index[t], theme_index[p]) for t, p in zip(true, pred) if t in planted_index and p in theme_index]
    if rows:
        np.add.at(both, tuple(np.array(rows).T), 1)
    theme_sizes = np.array([np.sum(pred == t) for t in themes], dtype=np.float64)
    matches = []
    for i, planted in enumerate(planted_names):
        in_planted = true == planted
        size = int(in_planted.sum())
        best = (None, 0.0, 0.0, 0.0)
        if themes:
            precision = both[i] / theme_sizes
            recall = both[i] / size
            with np.errstate(invalid="ignore", divide="ignore"):
                f1 = np.where(both[i] > 0, 2 * precision * recall / (precision + recall), 0.0)
            j = int(np.argmax(f1))
            if f1[j] > 0:
                best = (themes[j], precision[j], recall[j], f1[j])
        matches.append(PlantedMatch(planted=planted, size=size, best_theme=best[0],
                                    precision=round(float(best[1]), 4), recall=round(float(best[2]), 4),
                                    f1=round(float(best[3]), 4),
                                    unthemed_share=round(float(unthemed[in_planted].mean()), 4)))
    labelled = ~is_noise
    return Score(
        rows=len(pred),
        themes_found=len(themes),
        ari=round(float(adjusted_rand_score(true, pred)), 4),
        nmi=round(float(normalized_mutual_info_score(true, pred)), 4),
        ari_labelled=round(float(adjusted_rand_score(true[labelled], pred[labelled])), 4) if labelled.any() else 0.0,
        nmi_labelled=round(float(normalized_mutual_info_score(true[labelled], pred[labelled])), 4)
        if labelled.any() else 0.0,
        mean_f1=round(float(np.mean([m.f1 for m in matches])), 4) if matches else 0.0,
        recovered_share=round(float(np.mean([m.f1 >= RECOVERED_F1 for m in matches])) if matches else 0.0, 4),
        noise_rows=int(is_noise.sum()),
        noise_unthemed_share=round(float(unthemed[is_noise].mean()), 4) if is_noise.any() else None,
        planted_unthemed_share=round(float(unthemed[labelled].mean()), 4) if labelled.any() else 0.0,
        planted=matches,
    )


def language_dominated_share(predicted: pd.Series, languages: pd.Series, share: float = LANGUAGE_DOMINANCE) -> float:
    """Share of themes (missing = unthemed, not counted) in which one language holds more than `share` of the
    rows: themes that follow the language rather than the cause."""
    frame = pd.DataFrame({"theme": predicted.astype("string").to_numpy(),
                          "lang": languages.astype("string").to_numpy()})
    frame = frame.dropna(subset=["theme"])
    if frame.empty:
        return 0.0
    top = frame.groupby("theme")["lang"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    return round(float(np.mean(top > share)), 4)


def read_labels(path: str | Path, column: str) -> pd.Series:
    """Planted labels by case_id from a cases file's COLUMN."""
    raw = read_raw(path).frame
    if column not in raw.columns or "case_id" not in raw.columns:
        raise ValueError(f"{path}: needs columns case_id and {column}; it has {', '.join(map(str, raw.columns))}")
    labels = raw.set_index(raw["case_id"].astype(str))[column].astype("string")
    return labels.replace("", pd.NA)


def score_run(assignments: pd.DataFrame, labels: pd.Series) -> Score:
    """Score a run's case assignments (case_id, theme_id) against labels by case_id."""
    ids = assignments["case_id"].astype(str)
    missing = ~ids.isin(labels.index)
    if missing.any():
        raise ValueError(f"{int(missing.sum())} case(s) of the run have no label, e.g. {ids[missing].iloc[0]}")
    return score_labels(assignments["theme_id"], labels.loc[ids].reset_index(drop=True))

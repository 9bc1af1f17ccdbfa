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
    """How a run compares with the planted labels (misjudged rows only)."""

    rows: int
    themes_found: int
    ari: float
    nmi: float
    recovered_share: float
    noise_rows: int
    noise_unthemed_share: float | None
    planted_unthemed_share: float
    planted: list[PlantedMatch]


def score_labels(predicted: pd.Series, truth: pd.Series, noise_label: str = NOISE) -> Score:
    """Score predicted theme ids (missing = unthemed) against planted labels, row by row."""
    pred = predicted.astype("string").fillna("(unthemed)").to_numpy(dtype=object)
    true = truth.astype("string").fillna(noise_label).to_numpy(dtype=object)
    unthemed = pred == "(unthemed)"
    is_noise = true == noise_label
    matches = []
    for planted in sorted(set(true) - {noise_label}):
        in_planted = true == planted
        best = (None, 0.0, 0.0, 0.0)
        for theme in sorted(set(pred[in_planted]) - {"(unthemed)"}):
            in_theme = pred == theme
            both = np.sum(in_theme & in_planted)
            precision, recall = both / np.sum(in_theme), both / np.sum(in_planted)
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best[3]:
                best = (theme, precision, recall, f1)
        matches.append(PlantedMatch(planted=planted, size=int(in_planted.sum()), best_theme=best[0],
                                    precision=round(float(best[1]), 4), recall=round(float(best[2]), 4),
                                    f1=round(float(best[3]), 4),
                                    unthemed_share=round(float(unthemed[in_planted].mean()), 4)))
    in_any_planted = ~is_noise
    return Score(
        rows=len(pred),
        themes_found=len(set(pred) - {"(unthemed)"}),
        ari=round(float(adjusted_rand_score(true, pred)), 4),
        nmi=round(float(normalized_mutual_info_score(true, pred)), 4),
        recovered_share=round(float(np.mean([m.f1 >= RECOVERED_F1 for m in matches])) if matches else 0.0, 4),
        noise_rows=int(is_noise.sum()),
        noise_unthemed_share=round(float(unthemed[is_noise].mean()), 4) if is_noise.any() else None,
        planted_unthemed_share=round(float(unthemed[in_any_planted].mean()), 4) if in_any_planted.any() else 0.0,
        planted=matches,
    )


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

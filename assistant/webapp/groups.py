"""Which cases make each theme, and what each theme is called: shared by the map, the tables and the state."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assistant.drafting.models import ThemeLabel
from assistant.workspace.store import DraftRow

UNTHEMED = "unthemed"  # the key of the cases in no theme


def theme_key(value) -> str:
    """The theme id of a case, or UNTHEMED."""
    return UNTHEMED if value is None or pd.isna(value) else str(value)


def theme_members(cases: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row positions of each theme's cases (and of the unthemed ones) in the run's cases frame."""
    keys = cases["theme_id"].map(theme_key).to_numpy()
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    uniques, starts = np.unique(sorted_keys, return_index=True)
    bounds = list(starts) + [len(order)]
    return {str(k): order[bounds[i]:bounds[i + 1]] for i, k in enumerate(uniques)}


def theme_labels(rows: list[DraftRow]) -> dict[str, str]:
    """The name of each theme from its label drafts: accepted first, then edited, then the newest draft."""
    rank = {"accepted": 0, "edited": 1, "draft": 2}
    best: dict[str, tuple[int, int, str]] = {}
    for r in rows:
        if r.kind != "label" or r.status not in rank or not isinstance(r.content, ThemeLabel):
            continue
        key = (rank[r.status], -r.draft_id, r.content.name)
        if r.theme_id not in best or key < best[r.theme_id]:
            best[r.theme_id] = key
    return {t: v[2] for t, v in best.items()}

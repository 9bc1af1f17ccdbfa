"""Which cases make each theme: shared by the map, the tables and the state (what each theme is called:
`assistant.views.names.theme_names`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

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

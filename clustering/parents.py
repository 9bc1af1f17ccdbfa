"""Parent themes described like themes: group the themes (`clustering.hierarchy`), then describe each parent from
the union of its members' cases with the theme describer itself (`clustering.describe.describe_themes`: the same
c-TF-IDF keywords, representatives, facets with lift, impact figures and trend), so a parent's figures mean what
a theme's mean. Cases of themes without a parent count, for the keywords, with the unthemed ones (the background).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustering.cluster import UNTHEMED, centroids_of
from clustering.describe import Background, background, describe_themes
from clustering.hierarchy import TOP, centred_geometry, group_themes
from clustering.settings import DescribeSettings, HierarchySettings
from clustering.theme_model import ParentTheme, Theme

PREFIX = {1: "P", 2: "G"}  # ids of parents (P01) and grandparents (G01)


def parent_id(level: int, rank: int) -> str:
    """`P01` for the parent ranked first, `G01` for the first grandparent."""
    return f"{PREFIX[level]}{rank:02d}"


def describe_parents(cases: pd.DataFrame, misjudged: pd.DataFrame, labels: np.ndarray, attached: np.ndarray,
                     similarity: np.ndarray, vectors: np.ndarray, centroids: np.ndarray, theme_ids: dict[int, str],
                     has_correct_rows: bool, describe: DescribeSettings, settings: HierarchySettings,
                     context: Background | None = None) -> list[ParentTheme]:
    """The parents (then grandparents) of a run's themes, ranked like themes at each level.

    labels / attached / similarity / vectors: per misjudged case, as the themes were described;
    theme_ids: label -> theme id; context: the themes' `clustering.describe.background`, when already made.
    """
    k = len(centroids)
    context = context or background(cases, misjudged, has_correct_rows)
    levels = group_themes(*centred_geometry(vectors, labels, k), settings)
    out: list[ParentTheme] = []
    child_of_label = {t: theme_ids[t] for t in range(k)}  # label -> the id its group at this level is built from
    group_of_label = np.arange(k)
    for depth, level in enumerate(levels, start=1):
        # each theme label's group at this level (through the level below for grandparents)
        group_of_label = np.array([level.parent_of[g] if g != TOP else TOP for g in group_of_label])
        case_group = np.where(labels >= 0, group_of_label[np.maximum(labels, 0)], UNTHEMED)
        case_group = np.where(case_group == TOP, UNTHEMED, case_group)
        described = describe_level(cases, misjudged, case_group, attached, vectors, has_correct_rows, describe,
                                   context)
        ids = {}
        for g, parent in described:
            ids[g] = parent_id(depth, parent.rank)
            below = sorted({child_of_label[t] for t in range(k) if group_of_label[t] == g},
                           key=lambda c: (c[0], int(c[1:])))
            members = sorted((theme_ids[t] for t in range(k) if group_of_label[t] == g), key=lambda c: int(c[1:]))
            out.append(ParentTheme(**parent.model_dump(exclude={"theme_id"}), theme_id=ids[g], level=depth,
                                   children=below, theme_ids=members))
        child_of_label = {t: ids[group_of_label[t]] if group_of_label[t] != TOP else child_of_label[t]
                          for t in range(k)}
    return sorted(out, key=lambda p: (p.level, p.rank))


def describe_level(cases: pd.DataFrame, misjudged: pd.DataFrame, case_group: np.ndarray, attached: np.ndarray,
                   vectors: np.ndarray, has_correct_rows: bool, describe: DescribeSettings,
                   context: Background | None = None) -> list[tuple[int, Theme]]:
    """(group index, its Theme-shaped description) for each group 0..n-1 of `case_group` (-1 = background)."""
    n = int(case_group.max()) + 1 if (case_group >= 0).any() else 0
    if not n:
        return []
    centres = centroids_of(vectors, case_group, n)
    own = np.where(case_group >= 0, (vectors * centres[np.maximum(case_group, 0)]).sum(axis=1), 0.0)
    themes, ids = describe_themes(cases, misjudged, case_group, attached, own.astype(np.float32), vectors, centres,
                                  has_correct_rows, describe, context)
    by_id = {t.theme_id: t for t in themes}
    return [(g, by_id[ids[g]]) for g in range(n)]

"""Parent themes described like themes: group the themes (`clustering.hierarchy`), then describe each parent from
the union of its members' cases with the theme describer itself (`clustering.describe.describe_themes`: the same
c-TF-IDF keywords, representatives, facets with lift, impact figures and trend), so a parent's figures mean what
a theme's mean. Cases of themes without a parent count, for the keywords, with the unthemed ones (the background).
"""

from __future__ import annotations

import numpy as np

from clustering.cluster import UNTHEMED, Labelling, centroids_of
from clustering.describe import ClusteredCases, describe_themes
from clustering.hierarchy import TOP, centred_geometry, group_themes
from clustering.settings import DescribeSettings, HierarchySettings
from clustering.theme_model import ParentTheme, Theme

PREFIX = {1: "P", 2: "G"}  # ids of parents (P01) and grandparents (G01)


def parent_id(level: int, rank: int) -> str:
    """`P01` for the parent ranked first, `G01` for the first grandparent."""
    return f"{PREFIX[level]}{rank:02d}"


def describe_parents(clustered: ClusteredCases, themes: Labelling, theme_ids: dict[int, str],
                     describe: DescribeSettings, settings: HierarchySettings) -> list[ParentTheme]:
    """The parents (then grandparents) of a run's themes, ranked like themes at each level.

    themes: the labelling the themes were described from; theme_ids: its label -> theme id.
    """
    k, labels = len(themes.centroids), themes.labels
    levels = group_themes(*centred_geometry(clustered.vectors, labels, k), settings)
    out: list[ParentTheme] = []
    child_of_label = {t: theme_ids[t] for t in range(k)}  # label -> the id its group at this level is built from
    group_of_label = np.arange(k)
    for depth, level in enumerate(levels, start=1):
        # each theme label's group at this level (through the level below for grandparents)
        group_of_label = np.array([level.parent_of[g] if g != TOP else TOP for g in group_of_label])
        case_group = np.where(labels >= 0, group_of_label[np.maximum(labels, 0)], UNTHEMED)
        case_group = np.where(case_group == TOP, UNTHEMED, case_group)
        described = describe_level(clustered, grouped(clustered.vectors, case_group, themes.attached), describe)
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


def grouped(vectors: np.ndarray, case_group: np.ndarray, attached: np.ndarray) -> Labelling:
    """The labelling of the cases by group 0..n-1 (-1 = background): the groups' centres, each case's similarity to
    its group's centre (0 in the background), the attached flags of the themes' labelling."""
    n = int(case_group.max()) + 1 if (case_group >= 0).any() else 0
    centres = centroids_of(vectors, case_group, n)
    own = (np.where(case_group >= 0, (vectors * centres[np.maximum(case_group, 0)]).sum(axis=1), 0.0) if n
           else np.zeros(len(case_group)))
    return Labelling(case_group, attached, own.astype(np.float32), centres)


def describe_level(clustered: ClusteredCases, groups: Labelling,
                   describe: DescribeSettings) -> list[tuple[int, Theme]]:
    """(group index, its Theme-shaped description) for each group 0..n-1 of `groups` (a `grouped` labelling)."""
    themes, ids = describe_themes(clustered, groups, describe)
    by_id = {t.theme_id: t for t in themes}
    return [(g, by_id[ids[g]]) for g in range(len(groups.centroids))]

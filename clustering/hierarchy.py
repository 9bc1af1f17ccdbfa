"""Parent themes: the themes of a run grouped into a shallow hierarchy from their centroids.

Average-linkage agglomerative clustering of the theme centroids on cosine distance (scipy), cut at a height
read from the data: `spread_factor` x the median within-theme spread, where a theme's spread is the mean cosine
distance of its members to its centre (1 - cohesion). Two themes become siblings when their centres are closer,
on average, than a typical member is to its own theme's centre times the factor. The bar follows any model's
scale of similarities, so no cosine is fixed. Centroids and spreads are measured with the themed vectors' mean taken
out (`centred_geometry`): a multilingual model puts every text in one narrow cone, where centre distances say little
next to the spreads (at the factor 2 every theme of CLINC150 and HWU64 fell under one or two parents with
multilingual-e5 uncentred); centred, one factor serves both models. The factor, 2, was chosen across CLINC150 (10
domains over 150 intents) and HWU64 (18 scenarios over 64 intents), bench/hierarchy.py: ARI against the domains
0.225 / 0.552 (parents 84% / 79% pure) with multilingual-e5, 0.190 / 0.479 with MiniLM; 1.5 leaves most themes
alone, 2.5 merges across domains (purity 0.65 / 0.62 with e5).

Levels: with `levels` 3 the same dendrogram is cut a second time, in the middle of the widest gap between its
merge heights above the first cut (its most natural coarser level), so grandparents always nest their parents;
a grandparent gathers two or more parents. A theme (or parent) that joins no other stays top-level: a parent of
one child would repeat its child's keywords, figures and label and only deepen the tree.

Works for any backend (UMAP+HDBSCAN by default, EVoC): it needs only the themes' unit centroids and spreads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustering.centred import centred_centres, group_means
from clustering.settings import HierarchySettings

TOP = -1  # a theme or parent without a parent


@dataclass
class Level:
    """One level of parents: for each child (a theme, or a parent of the level below), its parent index or TOP."""

    parent_of: np.ndarray
    threshold: float  # the cosine distance the dendrogram was cut at

    @property
    def n_parents(self) -> int:
        return int(self.parent_of.max()) + 1 if (self.parent_of >= 0).any() else 0


def spread_threshold(spreads: np.ndarray, factor: float) -> float:
    """The cut height: factor x the median within-theme spread (mean cosine distance of members to their centre)."""
    return float(factor * np.median(np.asarray(spreads, dtype=np.float64)))


def linkage_tree(centroids: np.ndarray) -> np.ndarray:
    """scipy's average-linkage tree of unit centroids on cosine distance."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import pdist

    distances = np.clip(pdist(np.asarray(centroids, dtype=np.float64), metric="cosine"), 0.0, 2.0)
    return linkage(distances, method="average")


def cut(tree: np.ndarray, n: int, threshold: float) -> np.ndarray:
    """Groups of the n leaves at a height: indexes 0..k-1 for groups of two or more (largest first), TOP for loners."""
    from scipy.cluster.hierarchy import fcluster

    flat = fcluster(tree, t=threshold, criterion="distance") if n > 1 else np.ones(n, dtype=int)
    sizes = {g: int(np.sum(flat == g)) for g in np.unique(flat)}
    first = {g: int(np.flatnonzero(flat == g)[0]) for g in sizes}
    groups = sorted((g for g, s in sizes.items() if s >= 2), key=lambda g: (-sizes[g], first[g]))
    index = {g: i for i, g in enumerate(groups)}
    return np.array([index.get(g, TOP) for g in flat], dtype=np.int64)


def gap_threshold(tree: np.ndarray, above: float) -> float | None:
    """The middle of the widest gap between merge heights above `above` (the root's own merge left out): the
    dendrogram's most natural coarser cut; None when fewer than three merges lie above."""
    heights = np.sort(tree[:, 2][tree[:, 2] > above])
    if len(heights) < 3:
        return None
    gaps = np.diff(heights)[:-1]
    i = int(np.argmax(gaps))
    return float((heights[i] + heights[i + 1]) / 2)


def centred_geometry(vectors: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The themes' unit centroids and spreads (1 - mean member similarity to the centre) after the themed vectors'
    mean is taken out and the rows renormalised: a multilingual model puts every text in one narrow cone (the
    demo's theme centres at a median cosine of 0.97 to each other, 0.09 once centred), where the distances between
    theme centres say little next to the spreads; centred, they separate as in an English model's space."""
    themed = (labels >= 0).astype(np.int64) - 1  # 0 for a themed row, -1 for the rest
    mean = group_means(vectors, themed, 1)
    return centred_centres(vectors, labels, k, mean, np.zeros(len(labels), dtype=np.int64))


def group_themes(centroids: np.ndarray, spreads: np.ndarray, settings: HierarchySettings) -> list[Level]:
    """The parent levels of themes (finest first; empty when disabled or fewer than three themes).

    centroids: unit vectors, a row per theme; spreads: 1 - cohesion per theme.
    Level 0 maps themes to parents; level 1 (with `levels` 3) maps parents to grandparents.
    """
    centroids = np.asarray(centroids, dtype=np.float64)
    n = len(centroids)
    if not settings.enabled or n < 3 or settings.levels < 2:
        return []
    tree = linkage_tree(centroids)
    threshold = spread_threshold(spreads, settings.spread_factor)
    first = cut(tree, n, threshold)
    if not (first >= 0).any():
        return []
    levels = [Level(first, threshold)]
    coarser = gap_threshold(tree, threshold) if settings.levels >= 3 else None
    if coarser is not None:
        second = nest(first, cut(tree, n, coarser))
        if (second >= 0).any():
            levels.append(Level(second, coarser))
    return levels


def nest(parents: np.ndarray, coarse: np.ndarray) -> np.ndarray:
    """For each parent, its grandparent: its group in a coarser cut of the same tree when that group gathers two
    or more parents, else TOP (themes without a parent stay top-level at every level)."""
    k = int(parents.max()) + 1 if (parents >= 0).any() else 0
    of_parent = np.array([coarse[np.flatnonzero(parents == p)[0]] for p in range(k)], dtype=np.int64)
    keep = sorted({int(g) for g in of_parent if g >= 0 and np.sum(of_parent == g) >= 2})
    index = {g: i for i, g in enumerate(keep)}
    return np.array([index.get(int(g), TOP) for g in of_parent], dtype=np.int64)

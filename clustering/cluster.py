"""HDBSCAN on the reduced coordinates, then a purity pass in the original embedding space.

UMAP pulls one-off cases towards the nearest dense group, and HDBSCAN then counts them in. A one-off error
inside a theme misleads its root-cause analysis, so the purity pass asks of every member whether it has
close siblings in its theme in the original space: the mean cosine similarity to its `member_knn` nearest
fellow members, on the note vectors (what went wrong), must reach `member_similarity`, or the case is left
unthemed. A recurring cause has siblings; a one-off error has none, wherever UMAP put it. Unthemed cases
stay visible; the optional attach step gives one to its nearest theme above a threshold, flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustering.settings import ClusterSettings

UNTHEMED = -1


@dataclass
class Clusters:
    """Theme labels (0 = largest theme, -1 = unthemed) and what was decided for each case."""

    labels: np.ndarray
    attached: np.ndarray  # bool: an outlier given to its nearest theme by the attach step
    similarity: np.ndarray  # cosine similarity to its theme's centre (to the nearest centre if unthemed)
    centroids: np.ndarray  # unit vectors, one row per theme, in the original embedding space
    min_cluster_size: int
    hdbscan_members: int  # cases HDBSCAN put in a theme before the purity pass


def auto_min_cluster_size(n_cases: int) -> int:
    """The default smallest theme: 0.36% of the cases, but at least 14 (a tenth of the cases, 5 at least, for
    very small files).

    14 for 716 cases (the demo), 20 for 5,500 (CLINC150 test), 85 for 23,700 (CLINC150 full), 360 for 100,000;
    measured on the demo set and CLINC150, see the README's benchmark section.
    """
    small = max(5, min(14, n_cases // 10))
    return max(small, round(0.0036 * n_cases))


def auto_min_samples(min_cluster_size: int) -> int:
    """The default HDBSCAN min_samples: a quarter of the smallest theme (3 at least)."""
    return max(3, min_cluster_size // 4)


def knn_similarity_within(vectors: np.ndarray, labels: np.ndarray, k: int, block: int = 2048) -> np.ndarray:
    """For each labelled row, the mean cosine similarity to its k nearest rows of the same label (NaN if unlabelled)."""
    out = np.full(len(vectors), np.nan, dtype=np.float32)
    for label in np.unique(labels[labels >= 0]):
        idx = np.flatnonzero(labels == label)
        members = vectors[idx]
        kk = min(k, len(idx) - 1)
        if kk < 1:
            continue
        for start in range(0, len(idx), block):
            sims = members[start:start + block] @ members.T
            rows = np.arange(sims.shape[0])
            sims[rows, rows + start] = -np.inf  # not its own neighbour
            top = np.partition(sims, -kk, axis=1)[:, -kk:]
            out[idx[start:start + block]] = top.mean(axis=1)
    return out


def centroids_of(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-length mean vector of each label 0..k-1."""
    out = np.zeros((k, vectors.shape[1]), dtype=np.float32)
    for label in range(k):
        members = vectors[labels == label]
        if len(members):
            mean = members.mean(axis=0)
            out[label] = mean / max(np.linalg.norm(mean), 1e-12)
    return out


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 by size (largest first), ties by first position; -1 stays."""
    ids = [lab for lab in np.unique(labels) if lab != UNTHEMED]
    first = {lab: int(np.flatnonzero(labels == lab)[0]) for lab in ids}
    order = sorted(ids, key=lambda lab: (-int(np.sum(labels == lab)), first[lab]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(lab, UNTHEMED) for lab in labels], dtype=np.int64)


def _purify(purity_vectors: np.ndarray, labels: np.ndarray, settings: ClusterSettings, min_size: int) -> np.ndarray:
    labels = labels.copy()
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
    sims = knn_similarity_within(purity_vectors, labels, settings.member_knn)
    labels[(labels >= 0) & (sims < settings.member_similarity)] = UNTHEMED
    for label in range(k):
        if 0 < np.sum(labels == label) < max(3, min_size // 2):
            labels[labels == label] = UNTHEMED
    return labels


def cluster_cases(space: np.ndarray, vectors: np.ndarray, settings: ClusterSettings,
                  purity_vectors: np.ndarray | None = None) -> Clusters:
    """Themes for cases given their reduced coordinates `space` and unit vectors `vectors`.

    purity_vectors: what the purity pass compares (default `vectors`); the theme pipeline passes the note vectors.
    """
    import hdbscan

    n = len(space)
    min_size = settings.min_cluster_size or auto_min_cluster_size(n)
    min_samples = settings.min_samples or auto_min_samples(min_size)
    if n < max(min_size, 2):
        labels = np.full(n, UNTHEMED, dtype=np.int64)
    else:
        model = hdbscan.HDBSCAN(
            min_cluster_size=min_size,
            min_samples=min_samples,
            cluster_selection_method=settings.selection,
            core_dist_n_jobs=1,
        )
        labels = model.fit_predict(space).astype(np.int64)
    hdbscan_members = int(np.sum(labels >= 0))
    if settings.member_similarity is not None and hdbscan_members:
        labels = _purify(vectors if purity_vectors is None else purity_vectors, labels, settings, min_size)
    labels = _relabel_by_size(labels)
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
    centres = centroids_of(vectors, labels, k)
    attached = np.zeros(n, dtype=bool)
    if k:
        all_sims = vectors @ centres.T
        nearest = all_sims.argmax(axis=1)
        best = all_sims[np.arange(n), nearest]
        if settings.attach_outliers is not None:
            attached = (labels == UNTHEMED) & (best >= settings.attach_outliers)
            labels = np.where(attached, nearest, labels)
        own = np.where(labels >= 0, all_sims[np.arange(n), np.maximum(labels, 0)], best)
    else:
        own = np.zeros(n, dtype=np.float32)
    return Clusters(labels, attached, own.astype(np.float32), centres, min_size, hdbscan_members)

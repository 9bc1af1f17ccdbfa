"""HDBSCAN settings and the purity pass on hand-made vectors."""

from __future__ import annotations

import numpy as np

from clustering.cluster import (
    UNTHEMED,
    _relabel_by_size,
    auto_min_cluster_size,
    auto_min_samples,
    cluster_cases,
    knn_similarity_within,
)
from clustering.settings import ClusterSettings


def unit(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_min_cluster_size_grows_slowly_with_the_data():
    sizes = [auto_min_cluster_size(n) for n in (10, 716, 5_500, 23_700, 100_000)]
    assert sizes == [5, 14, 20, 85, 360]
    assert auto_min_cluster_size(1) == 5 and auto_min_cluster_size(100) == 10
    assert auto_min_samples(14) == 3 and auto_min_samples(85) == 21


def test_knn_similarity_within_a_label():
    vectors = unit([[1, 0], [1, 0.1], [1, -0.1], [0, 1], [0, 1]])
    labels = np.array([0, 0, 0, 0, UNTHEMED])
    sims = knn_similarity_within(vectors, labels, k=1)
    assert np.isnan(sims[4])
    assert sims[0] > 0.99 and sims[3] < 0.1  # [0, 1] has no close sibling in label 0


def test_relabel_by_size_largest_first():
    assert list(_relabel_by_size(np.array([5, 5, 2, 2, 2, -1, 7]))) == [1, 1, 0, 0, 0, -1, 2]


def test_purity_pass_leaves_a_one_off_member_unthemed():
    rng = np.random.default_rng(0)
    group_a = unit(np.array([1, 0, 0, 0]) + rng.normal(0, 0.05, (20, 4)))
    group_b = unit(np.array([0, 1, 0, 0]) + rng.normal(0, 0.05, (20, 4)))
    one_off = unit([[0, 0, 0, 1]])
    vectors = np.vstack([group_a, group_b, one_off])
    # coordinates as UMAP might give them: the one-off sits inside group A
    space = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(5, 0.1, (20, 2)), [[0.0, 0.0]]])
    kept = cluster_cases(space, vectors, ClusterSettings(min_cluster_size=5, member_similarity=None))
    assert kept.labels[-1] == kept.labels[0] != UNTHEMED
    pure = cluster_cases(space, vectors, ClusterSettings(min_cluster_size=5))
    assert pure.labels[-1] == UNTHEMED and not pure.attached[-1]
    assert len(set(pure.labels[:40])) == 2 and UNTHEMED not in pure.labels[:40]
    attached = cluster_cases(space, vectors, ClusterSettings(min_cluster_size=5, attach_outliers=-1.0))
    assert attached.labels[-1] != UNTHEMED and attached.attached[-1] and attached.attached.sum() == 1

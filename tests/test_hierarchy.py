"""Parent themes from theme centroids (clustering.hierarchy), on hand-made themes."""

from __future__ import annotations

import numpy as np

from clustering.cluster import centroids_of
from clustering.hierarchy import TOP, group_themes, spread_threshold
from clustering.settings import HierarchySettings

DIM = 48


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def themes_of(centres: np.ndarray, members: int = 30, noise: float = 0.5, shared: float = 0.0, seed: int = 0):
    """Members scattered around each centre (plus an optional vector shared by all, as a multilingual model
    puts every text close to every other); returns the themes' unit centroids and spreads."""
    rng = np.random.default_rng(seed)
    common = np.zeros(DIM)
    common[-1] = shared
    vectors = unit(np.concatenate([c + common + noise * rng.normal(size=(members, DIM)) / np.sqrt(DIM)
                                   for c in centres]))
    labels = np.repeat(np.arange(len(centres)), members)
    cents = centroids_of(vectors, labels, len(centres))
    spreads = np.array([1 - float((vectors[labels == t] @ cents[t]).mean()) for t in range(len(centres))])
    return cents, spreads


def two_groups_and_a_loner() -> np.ndarray:
    """Themes 0-2 near axis 0, themes 3-5 near axis 1, theme 6 alone on axis 2."""
    rng = np.random.default_rng(1)
    axes = np.eye(DIM)
    centres = [axes[0] + 0.35 * unit(rng.normal(size=DIM)) for _ in range(3)]
    centres += [axes[1] + 0.35 * unit(rng.normal(size=DIM)) for _ in range(3)]
    return unit(np.array([*centres, axes[2]]))


FACTOR_2 = HierarchySettings(spread_factor=2.0)  # these hand-made groups sit about two spreads apart


def test_two_obvious_groups_and_a_loner():
    cents, spreads = themes_of(two_groups_and_a_loner())
    levels = group_themes(cents, spreads, FACTOR_2)
    assert len(levels) == 1
    parents = levels[0].parent_of
    assert len(set(parents[:3])) == 1 and len(set(parents[3:6])) == 1 and parents[0] != parents[3]
    assert parents[6] == TOP  # a theme that fits no group stays top-level, not a parent of its own
    assert sorted(set(parents[:6])) == [0, 1]
    assert levels[0].threshold == spread_threshold(spreads, 2.0)


def test_the_cut_follows_the_models_scale_of_similarities():
    """A model that puts every text close to every other shrinks spreads and centroid distances together: the
    groups stay the same, where a fixed cosine cut would merge everything."""
    plain, plain_spreads = themes_of(two_groups_and_a_loner())
    squeezed, squeezed_spreads = themes_of(two_groups_and_a_loner(), shared=4.0)
    assert np.median(squeezed_spreads) < np.median(plain_spreads) / 3
    first = group_themes(plain, plain_spreads, FACTOR_2)[0].parent_of
    second = group_themes(squeezed, squeezed_spreads, FACTOR_2)[0].parent_of
    assert first.tolist() == second.tolist()


def test_no_parents_when_disabled_too_few_themes_or_all_apart():
    cents, spreads = themes_of(two_groups_and_a_loner())
    assert group_themes(cents, spreads, HierarchySettings(enabled=False)) == []
    assert group_themes(cents[:2], spreads[:2], HierarchySettings()) == []
    apart, apart_spreads = themes_of(np.eye(DIM)[:5])
    assert group_themes(apart, apart_spreads, HierarchySettings()) == []


def test_three_levels_nest_parents_under_grandparents():
    rng = np.random.default_rng(3)
    axes = np.eye(DIM)
    centres = []
    for family in (0, 1):  # two families of two groups of two themes each
        for group in (2 + 2 * family, 3 + 2 * family):
            centres += [unit(axes[family] + 0.6 * axes[group] + 0.2 * unit(rng.normal(size=DIM))) for _ in range(2)]
    cents, spreads = themes_of(np.array(centres), noise=0.3)
    levels = group_themes(cents, spreads, HierarchySettings(levels=3))
    assert len(levels) == 2
    parents, grand = levels[0].parent_of, levels[1].parent_of
    assert levels[0].n_parents == 4
    assert [parents[i] == parents[i + 1] for i in (0, 2, 4, 6)] == [True] * 4
    assert levels[1].threshold > levels[0].threshold
    assert grand[parents[0]] == grand[parents[2]] != grand[parents[4]] == grand[parents[6]]



def test_parents_are_grouped_with_the_common_direction_taken_out():
    """A multilingual model's texts share one direction: the themes' centres all sit close to each other. Measured
    with the themed vectors' mean taken out, the groups are the ones an English model's space gives."""
    from clustering.hierarchy import centred_geometry

    rng = np.random.default_rng(2)
    centres = two_groups_and_a_loner()
    labels = np.repeat(np.arange(len(centres)), 30)
    plain = unit(centres[labels] + 0.5 * rng.normal(size=(len(labels), DIM)) / np.sqrt(DIM))
    common = np.zeros(DIM)
    common[-1] = 6.0
    squeezed = unit(plain + common)
    raw_centres = centroids_of(squeezed, labels, len(centres))
    assert np.median(raw_centres @ raw_centres.T) > 0.9  # every centre close to every other
    expected = group_themes(*centred_geometry(plain, labels, len(centres)), HierarchySettings())[0].parent_of
    centred = group_themes(*centred_geometry(squeezed, labels, len(centres)), HierarchySettings())[0].parent_of
    assert centred.tolist() == expected.tolist()
    assert len(set(expected[:3])) == 1 and len(set(expected[3:6])) == 1 and expected[0] != expected[3]

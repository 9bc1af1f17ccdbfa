"""UMAP's default neighbourhood follows the size of the data UMAP is fitted on."""

import numpy as np

from clustering.cluster import auto_min_cluster_size
from clustering.reduce import auto_n_neighbors, neighbourhood, reduce_vectors, reduction_key
from clustering.settings import NEIGHBOURS_AT_LEAST, ReduceSettings


def unit_vectors(n: int, dims: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dims)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_neighbourhood_is_the_umap_default_on_small_files_and_half_the_smallest_theme_on_large_ones():
    for n in (10, 716, 5_500, 8_000):
        assert auto_n_neighbors(n) == NEIGHBOURS_AT_LEAST
    assert auto_n_neighbors(11_036) == 20
    assert auto_n_neighbors(20_000) == 36
    for n in (11_036, 20_000, 50_000):
        assert abs(auto_n_neighbors(n) - auto_min_cluster_size(n) / 2) <= 1
    sizes = [auto_n_neighbors(n) for n in range(1_000, 60_000, 1_000)]
    assert sizes == sorted(sizes)
    # what UMAP uses: the rows it is fitted on (at most `fit_sample`), and never more neighbours than other rows
    assert neighbourhood(ReduceSettings(), 100_000) == neighbourhood(ReduceSettings(), 20_000) == 36
    assert neighbourhood(ReduceSettings(), 10) == 9
    assert neighbourhood(ReduceSettings(n_neighbors=50), 100_000) == 50


def test_the_cache_key_holds_the_resolved_neighbourhood():
    small, large = unit_vectors(300), unit_vectors(300, seed=1)
    default = ReduceSettings()
    assert reduction_key(small, default, layout=False) == reduction_key(small, ReduceSettings(n_neighbors=15), False)
    # above fit_sample the neighbourhood follows the fitted sample, not the file: 200 rows fitted -> 15
    sampled = ReduceSettings(fit_sample=200)
    assert reduction_key(large, sampled, False) == reduction_key(large, sampled.model_copy(
        update={"n_neighbors": NEIGHBOURS_AT_LEAST}), False)
    assert reduction_key(small, default, False) != reduction_key(small, ReduceSettings(n_neighbors=16), False)


def test_the_default_gives_the_same_coordinates_as_the_resolved_value_and_the_map_keeps_its_own():
    vectors = unit_vectors(120)
    auto = reduce_vectors(vectors, ReduceSettings())
    explicit = reduce_vectors(vectors, ReduceSettings(n_neighbors=NEIGHBOURS_AT_LEAST), layout=False)
    other = reduce_vectors(vectors, ReduceSettings(n_neighbors=40))
    assert np.array_equal(auto.cluster_space, explicit.cluster_space)
    assert not np.array_equal(auto.cluster_space, other.cluster_space)
    assert np.array_equal(auto.layout, other.layout)  # the map's neighbourhood is `layout_n_neighbors`
    wider_map = reduce_vectors(vectors, ReduceSettings(layout_n_neighbors=40), cluster_space=False)
    assert not np.array_equal(auto.layout, wider_map.layout)

"""A damaged cache entry is dropped with a warning and recomputed, now and in later runs
(clustering/embed_cache.py, clustering/reduce.py; clustering/files.py for the warning and the write check)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from clustering.embed_cache import EmbeddingCache
from clustering.files import DamagedCacheWarning, check_writable
from clustering.reduce import reduce_vectors_cached, reduction_key
from clustering.settings import ReduceSettings


def test_a_truncated_embedding_cache_part_is_dropped_and_the_cache_still_works(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put_many(["k1", "k2"], np.ones((2, 4), dtype=np.float32))
    cache.put_many(["k3"], np.full((1, 4), 2, dtype=np.float32))
    first, second = sorted(tmp_path.glob("part-*.npz"), key=os.path.getmtime)
    first.write_bytes(first.read_bytes()[:100])  # cut short, as by a full disk or a killed copy
    with pytest.warns(DamagedCacheWarning, match=r"part-.*\.npz: damaged embedding-cache part dropped"):
        reopened = EmbeddingCache(tmp_path)
        assert set(reopened.get_many(["k1", "k2", "k3"])) == {"k3"}
    assert not first.exists() and second.exists()
    reopened.put_many(["k1"], np.zeros((1, 4), dtype=np.float32))  # recomputed and stored again
    assert set(EmbeddingCache(tmp_path).get_many(["k1", "k2", "k3"])) == {"k1", "k3"}  # no warning any more


@pytest.mark.parametrize("junk", ["pickle", "shape", "text"])
def test_a_junk_embedding_cache_part_is_dropped_never_unpickled(tmp_path, junk):
    part = tmp_path / "part-junk.npz"
    if junk == "pickle":
        np.savez(part, keys=np.array([{"os": "system"}], dtype=object), vectors=np.ones((1, 4)))
    elif junk == "shape":
        np.savez(part, keys=np.array(["a", "b"]), vectors=np.ones((1, 4)))
    else:
        part.write_text("not a zip file")
    with pytest.warns(DamagedCacheWarning):
        assert len(EmbeddingCache(tmp_path)) == 0
    assert not part.exists()


def test_a_junk_reduction_cache_file_is_dropped_and_recomputed(tmp_path):
    vectors = np.random.default_rng(0).normal(size=(60, 8)).astype(np.float32)
    settings = ReduceSettings(n_neighbors=5)
    path = tmp_path / f"{reduction_key(vectors, settings, False, True)}.npz"
    np.save(path.with_suffix(""), np.array([{"pickled": True}], dtype=object), allow_pickle=True)
    os.replace(path.with_suffix(".npy"), path)  # a pickled array where the cache expects coordinates
    with pytest.warns(DamagedCacheWarning, match="damaged reduction cache dropped"):
        reduced, cached = reduce_vectors_cached(vectors, settings, tmp_path, layout=False)
    assert not cached and reduced.cluster_space.shape == (60, settings.n_components)
    again, cached = reduce_vectors_cached(vectors, settings, tmp_path, layout=False)
    assert cached and np.array_equal(again.cluster_space, reduced.cluster_space)


def test_a_folder_that_cannot_be_written_is_refused_before_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"file/ws: cannot write there .*; nothing was done"):
        check_writable([blocker / "ws"])
    check_writable([tmp_path / "new" / "ws"])  # can be made: nothing is made, nothing is left
    assert list(tmp_path.iterdir()) == [blocker]

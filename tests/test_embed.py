"""Embedding with the real packaged model, and the on-disk cache."""

from __future__ import annotations

import numpy as np

from clustering.embed import EmbedStats, embed_texts, encode_batch, model_key, prepare
from clustering.embed_cache import EmbeddingCache
from clustering.embed_ray import BatchEmbedder
from clustering.settings import EmbedSettings

TEXTS = ["alcohol-free beer rejected as alcohol", "0.0% beer is not an alcoholic drink",
         "replica designer bags approved", "alcohol-free beer rejected as alcohol"]


def test_vectors_are_unit_float32_and_similar_texts_are_close():
    vectors = embed_texts(TEXTS, EmbedSettings(progress=False))
    assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[3])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_second_run_embeds_nothing_new(tmp_path):
    settings = EmbedSettings(progress=False)
    cache = EmbeddingCache(tmp_path / model_key(settings))
    first = EmbedStats()
    a = embed_texts(TEXTS, settings, cache, first)
    assert (first.requested, first.unique, first.cached, first.computed) == (4, 3, 0, 3)
    second = EmbedStats()
    b = embed_texts(TEXTS + ["a new text"], settings, EmbeddingCache(tmp_path / model_key(settings)), second)
    assert (second.unique, second.cached, second.computed) == (4, 3, 1)
    assert np.array_equal(a, b[:4])


def test_cache_key_follows_model_and_slice():
    assert model_key(EmbedSettings()) != model_key(EmbedSettings(max_chars=200))
    assert model_key(EmbedSettings()) != model_key(EmbedSettings(model="/models/other"))
    assert prepare("  many   spaces\nand lines ", 9) == "many spac"


def test_cache_parts_are_shared_between_instances(tmp_path):
    one, two = EmbeddingCache(tmp_path), EmbeddingCache(tmp_path)
    one.put_many(["k1"], np.ones((1, 3), dtype=np.float32))
    two.put_many(["k2"], np.zeros((1, 3), dtype=np.float32))
    assert set(EmbeddingCache(tmp_path).get_many(["k1", "k2", "k3"])) == {"k1", "k2"}
    assert len(one) == 2  # sees the other writer's part
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_ray_actor_calls_the_local_batch_function_and_keeps_the_rows():
    # what each Ray Data actor does with a batch (tests/test_embed_ray.py runs it on Ray)
    settings = EmbedSettings()
    texts = np.array(["beer ad rejected", "replica watch approved", "casino bonus approved"])
    actor = BatchEmbedder(settings.model_dump_json(), encode_batch)
    out = actor({"row": np.array([7, 3, 5]), "text": texts})
    assert out["row"].tolist() == [7, 3, 5]
    assert np.allclose(out["vector"], encode_batch(list(texts), settings), atol=1e-6)


def test_missing_texts_are_embedded_and_cached_a_chunk_at_a_time(tmp_path, monkeypatch):
    import clustering.embed as embed

    settings = EmbedSettings(model="minilm", progress=False)
    whole = embed_texts(TEXTS, settings)
    monkeypatch.setattr(embed, "ENCODE_CHUNK", 2)
    cache = EmbeddingCache(tmp_path / model_key(settings))
    chunked = embed_texts(TEXTS, settings, cache)
    assert np.allclose(chunked, whole, atol=1e-5)
    assert len(list(cache.folder.glob("part-*.npz"))) == -(-len(set(TEXTS)) // 2)  # one cache part per chunk

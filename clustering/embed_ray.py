"""The texts missing from the embedding cache, embedded by Ray Data over a cluster's actors (`embed.engine: ray`).

Each actor loads the model once (its constructor embeds one text) and then calls `clustering.embed.encode_batch`,
the very batch function of the local path, on the batches `map_batches` hands it. Only the driver reads and
writes the embedding cache (keyed by model and text hash, as locally), so the workers need no shared disk; the
rest of the pipeline (reduce, cluster, describe) runs on the driver. Ray is the optional extra `distributed`.

A local cluster is started when none is running and `embed.ray_address` is None; otherwise `ray.init(address)`
joins the given one (e.g. `auto` after `ray start --head`). Every node needs this project installed.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from clustering.settings import EmbedSettings

log = logging.getLogger(__name__)
PROJECT_ROOT = str(Path(__file__).resolve().parents[1])


class BatchEmbedder:
    """A Ray Data actor: the model loaded once, then `encode_batch` on each batch of {'row', 'text'}."""

    def __init__(self, settings_json: str, encode: Callable[[list[str], EmbedSettings], np.ndarray]):
        self.settings = EmbedSettings.model_validate_json(settings_json)
        self.encode = encode
        self.encode(["warm up"], self.settings)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.encode([str(t) for t in batch["text"]], self.settings)
        return {"row": batch["row"], "vector": vectors}


def connect(address: str | None) -> None:
    """Join the running Ray session, the cluster at `address`, or start a local one."""
    try:
        import ray
    except ImportError as exc:
        raise RuntimeError("embed.engine 'ray' needs Ray Data: pip install 'error-themes[distributed]'") from exc
    if ray.is_initialized():
        return
    # a local cluster's workers import this project from where the driver does
    env = {"PYTHONPATH": os.pathsep.join(p for p in (PROJECT_ROOT, os.environ.get("PYTHONPATH")) if p)}
    ray.init(address=address, runtime_env=None if address else {"env_vars": env}, log_to_driver=False,
             include_dashboard=False)


def encode_on_ray(texts: list[str], settings: EmbedSettings,
                  encode: Callable[[list[str], EmbedSettings], np.ndarray]) -> np.ndarray:
    """Unit-length float32 rows, one per text (in order), computed by Ray Data actors calling `encode` (the local
    path's `clustering.embed.encode_batch`, passed in by reference: this module does not import its caller)."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    connect(settings.ray_address)
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = settings.progress
    rows = [{"row": i, "text": text} for i, text in enumerate(texts)]
    blocks = max(settings.ray_actors, math.ceil(len(texts) / settings.ray_batch_size))
    local = settings.model_copy(update={"engine": "local", "progress": False})
    dataset = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
        BatchEmbedder, fn_constructor_kwargs={"settings_json": local.model_dump_json(), "encode": encode},
        batch_size=settings.ray_batch_size, batch_format="numpy", concurrency=settings.ray_actors, num_cpus=1)
    out: np.ndarray | None = None
    for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
        if out is None:
            out = np.zeros((len(texts), batch["vector"].shape[1]), dtype=np.float32)
        out[batch["row"]] = batch["vector"]
    log.info("embedded %d texts on Ray (%d actors)", len(texts), settings.ray_actors)
    assert out is not None
    return out

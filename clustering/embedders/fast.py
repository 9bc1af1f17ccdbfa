"""The packaged all-MiniLM-L6-v2 without torch at run time: its ONNX export run by OpenVINO or onnxruntime.

Texts are tokenised with `tokenizers` from the model's tokenizer.json (truncated at the model's max_seq_length, as
sentence-transformers does), sorted by token length and cut into batches padded to their own longest text; the
last hidden states are mean-pooled under the attention mask and L2-normalised, as the model's modules.json and
pooling config say (`onnx_export.pooling_config` refuses any other pooling). `choose(settings)` resolves
`embed.backend`: `auto` takes the fastest installed runtime (OpenVINO, then onnxruntime) whose vectors agree with
torch's (cosine >= 0.9999 on `onnx_export.CHECK_TEXTS`, measured once per export and kept with it), torch
otherwise or with a CUDA device; `onnx-int8` only when asked, its cosine to torch logged.
Any failure falls back to torch with the reason logged.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from clustering.embedders import onnx_export
from clustering.embedders.onnx_export import AGREE, CHECK_TEXTS, Export
from clustering.settings import DEFAULT_EXPORT_DIR, EmbedSettings

log = logging.getLogger(__name__)

# The runtimes `auto` may pick, fastest first as measured by bench/scale.py on 2 cores (int8 only when asked). The
# order is fixed rather than timed at export: a shared machine's load would make a timing pick at random.
RUNTIMES = ("openvino", "onnx")
REFERENCE_FILE = "torch_reference.npy"
SPEED_ROUNDS = 2  # the check set is encoded this many times to time each runtime


@dataclass
class Choice:
    """What embeds: `backend` (torch | openvino | onnx | onnx-int8), on which device, and why."""

    backend: str
    device: str = "cpu"
    reason: str = ""
    check: dict = field(default_factory=dict)
    export: Export | None = None


def resolved_device(device: str) -> str:
    """`auto`: CUDA where torch sees one, else CPU."""
    if device != "auto":
        return device
    if not (Path("/proc/driver/nvidia").exists() or shutil.which("nvidia-smi")):
        return "cpu"  # no NVIDIA driver: no need to import torch (seconds) to learn it
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:
        return "cpu"


def installed(runtime: str) -> bool:
    module = "openvino" if runtime == "openvino" else "onnxruntime"
    return importlib.util.find_spec(module) is not None


class FastEncoder:
    """Tokeniser + one ONNX runtime session + mean pooling and normalisation."""

    def __init__(self, export: Export, runtime: str):
        from tokenizers import Tokenizer

        model_path = Path(export.meta["model_path"])
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=int(export.meta["max_seq_length"]))
        self.dim = int(export.meta["dim"])
        path = onnx_export.quantized(export) if runtime == "onnx-int8" else export.onnx_path
        self._run = _openvino(path) if runtime == "openvino" else _onnxruntime(path)

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Unit-length float32 rows, one per text, in the order of `texts`."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([str(t).strip() for t in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        batches = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
        for window in range(0, len(batches), IN_FLIGHT):
            feeds = [_feed([encodings[row] for row in rows]) for rows in batches[window:window + IN_FLIGHT]]
            for rows, feed, hidden in zip(batches[window:window + IN_FLIGHT], feeds, self._run(feeds)):
                weights = feed["attention_mask"][..., None].astype(np.float32)
                pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                out[rows] = pooled / np.clip(norms, 1e-12, None)
        return out


IN_FLIGHT = 8  # batches tokenised and handed to the runtime at a time (OpenVINO runs them on parallel streams)


def _feed(encodings: list) -> dict[str, np.ndarray]:
    """One batch's model inputs, padded to its longest text."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for i, e in enumerate(encodings):
        ids[i, :len(e.ids)], types[i, :len(e.ids)], mask[i, :len(e.ids)] = e.ids, e.type_ids, 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def _onnxruntime(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda feeds: [session.run(None, feed)[0] for feed in feeds]


def keep_numba_off_tbb() -> None:
    """OpenVINO loads its libtbb into the process, and numba (UMAP, EVoC) then picks TBB as its threading layer,
    which ran UMAP 2x slower here (bench/scale.py); numba's own order is made OpenMP first, TBB last."""
    order = "omp workqueue tbb"
    os.environ.setdefault("NUMBA_THREADING_LAYER_PRIORITY", order)
    numba = sys.modules.get("numba")
    if numba is not None:
        numba.config.THREADING_LAYER_PRIORITY = order.split()


def _openvino(path: Path):
    """Batches run on OpenVINO's throughput streams, as many requests in flight as it asks for (2 on 2 cores:
    1.3-1.4x the texts/s of one latency-mode request at a time in bench/scale.py's check; same vectors)."""
    keep_numba_off_tbb()
    import openvino as ov

    compiled = ov.Core().compile_model(str(path), "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    queue = ov.AsyncInferQueue(compiled, compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
    lock = threading.Lock()  # one queue per process: callers on several threads take turns

    def run(feeds: list[dict]) -> list[np.ndarray]:
        results: list = [None] * len(feeds)
        with lock:
            queue.set_callback(lambda request, i: results.__setitem__(i, request.get_output_tensor(0).data.copy()))
            for i, feed in enumerate(feeds):
                queue.start_async(feed, i)
            queue.wait_all()
        return results

    return run


def _torch_reference(export: Export) -> np.ndarray:
    path = export.folder / REFERENCE_FILE
    if path.exists():
        return np.load(path)
    from clustering.files import open_atomic

    model = onnx_export.torch_model(export.meta["model_path"])
    start = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        vectors = model.encode(CHECK_TEXTS, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    export.checks()["torch"] = {"cos_min": 1.0, "cos_mean": 1.0,
                                "texts_per_s": round(SPEED_ROUNDS * len(CHECK_TEXTS) / (time.perf_counter() - start))}
    export.save_meta()
    with open_atomic(path, binary=True) as handle:
        np.save(handle, vectors.astype(np.float32))
    return vectors


def checked(export: Export, runtime: str) -> dict:
    """The runtime's agreement with torch and speed on the check set, measured once and kept with the export."""
    found = export.checks().get(runtime)
    if found is not None:
        return found
    reference = _torch_reference(export)
    encoder = _encoder(export, runtime)
    encoder.encode(CHECK_TEXTS, 64)  # warm-up (first inference compiles kernels)
    start = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        vectors = encoder.encode(CHECK_TEXTS, 64)
    result = {**onnx_export.agreement(vectors, reference),
              "texts_per_s": round(SPEED_ROUNDS * len(CHECK_TEXTS) / (time.perf_counter() - start))}
    export.checks()[runtime] = result
    export.save_meta()
    log.info("%s vectors against torch on %d check texts: %s", runtime, len(CHECK_TEXTS), json.dumps(result))
    return result


_encoders: dict[tuple[str, str], FastEncoder] = {}


def _encoder(export: Export, runtime: str) -> FastEncoder:
    key = (str(export.folder), runtime)
    if key not in _encoders:
        _encoders[key] = FastEncoder(export, runtime)
    return _encoders[key]


def export_root(settings: EmbedSettings) -> Path:
    """`embed.export_dir`, or the user's cache folder (shared by workspaces: an export is the model's, not data's)."""
    if settings.export_dir:
        return Path(settings.export_dir).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / DEFAULT_EXPORT_DIR


@lru_cache(maxsize=16)
def _choose(model_path: str, backend: str, device: str, root: str) -> Choice:
    if backend == "torch":
        return Choice("torch", device, "embed.backend: torch")
    if device != "cpu" and backend == "auto":
        return Choice("torch", device, f"torch on {device}")
    wanted = RUNTIMES if backend == "auto" else ("onnx" if backend == "onnx-int8" else backend,)
    runtimes = [r for r in wanted if installed(r)]
    if not runtimes:
        return _fallback(device, f"{' or '.join(wanted)} runtime is not installed")
    try:
        export = onnx_export.exported(model_path, root)
        if backend == "onnx-int8":
            check = checked(export, "onnx-int8")
            log.warning("embed.backend onnx-int8: vectors against torch cosine min %.4f, mean %.4f (quality cost; "
                        "cached apart from the fp32 vectors)", check["cos_min"], check["cos_mean"])
            return Choice("onnx-int8", "cpu", "int8 asked for", check, export)
        checks = {r: checked(export, r) for r in runtimes}
    except Exception as exc:  # noqa: BLE001 - any failure of the fast path falls back to torch, logged
        return _fallback(device, f"the fast path failed: {type(exc).__name__}: {exc}")
    agreeing = {r: c for r, c in checks.items() if c["cos_min"] >= AGREE}
    if not agreeing:
        return _fallback(device, f"no runtime agrees with torch at cosine >= {AGREE}: {checks}")
    best = next(r for r in runtimes if r in agreeing)
    return Choice(best, "cpu", f"{best}: {agreeing[best]['texts_per_s']} texts/s on the check set, cosine to torch "
                               f">= {agreeing[best]['cos_min']:.5f}", agreeing[best], export)


def _fallback(device: str, reason: str) -> Choice:
    log.warning("embedding with torch: %s", reason)
    return Choice("torch", device, reason)


def choose(settings: EmbedSettings, model_path: str) -> Choice:
    """What embeds the packaged model for these settings (resolved once per process)."""
    return _choose(model_path, settings.backend, resolved_device(settings.device), str(export_root(settings)))


def encode(texts: list[str], settings: EmbedSettings, choice: Choice) -> np.ndarray:
    """Unit-length float32 rows by a fast runtime (`choice.backend` is not torch)."""
    return _encoder(choice.export, choice.backend).encode(texts, settings.batch_size)

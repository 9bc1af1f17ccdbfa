"""The packaged sentence-transformers model exported to ONNX once, with its agreement with torch measured once.

`exported(model_path, root)` returns an `Export`: a folder `<root>/<key>/` holding `model.onnx` (the transformer:
token ids in, last hidden states out; pooling stays outside, in `clustering.embedders.fast`) and `export.json`
(the file's hash, the model's tokenizer and pooling config, and per runtime the cosine of its vectors against
torch's on `CHECK_TEXTS` and its texts/s there). The key is a hash of the model folder's files, the torch version
and the exporter, so a new model or torch makes a new export. The folder is written whole (`atomic_folder`); a
folder whose file does not match its recorded hash is removed and exported again. int8 (onnxruntime dynamic
quantisation, per channel) is made on demand into a sibling folder `<key>-int8/`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from clustering.files import atomic_folder, write_atomic

log = logging.getLogger(__name__)

EXPORTER = "torch.onnx.export-torchscript-opset17-v1"
ONNX_FILE, META_FILE = "model.onnx", "export.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
AGREE = 0.9999  # min cosine against torch's vectors on CHECK_TEXTS for a runtime to be used by `backend: auto`
CHECK_TEXTS = [
    "Ad rejected for a weight-loss claim that was actually allowed.",
    "ok",
    "Reviewer missed the counterfeit logo on the sneakers.",
    "Gambling ad approved although the landing page targets minors in a restricted market.",
    "Anzeige fälschlich abgelehnt: das Produkt ist ein zugelassenes Nahrungsergänzungsmittel.",
    "Annonce refusée à tort : la promotion respecte les règles sur l'alcool.",
    "広告は誤って承認されました。医薬品の効果を誇張しています。",
    "Объявление ошибочно одобрено: кредит без проверки дохода.",
    "إعلان مرفوض خطأً بسبب صورة طبية",
    "emoji only 🚫💊🎰",
    " ".join(f"A very long reviewer note, sentence {i}, about a misjudged crypto investment ad." for i in range(60)),
    "Policy: tobacco. " * 200,
]


@dataclass
class Export:
    """An export folder and what it records."""

    folder: Path
    meta: dict = field(default_factory=dict)

    @property
    def onnx_path(self) -> Path:
        return self.folder / ONNX_FILE

    def checks(self) -> dict[str, dict]:
        """Per runtime: {'cos_min', 'cos_mean', 'texts_per_s'} (torch's own texts/s under 'torch')."""
        return self.meta.setdefault("checks", {})

    def save_meta(self) -> None:
        write_atomic(self.folder / META_FILE, json.dumps(self.meta, indent=2, sort_keys=True))


def _file_hash(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def model_fingerprint(model_path: Path) -> str:
    """Hash of the model folder's files (names, sizes, contents) and its resolved path."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(str(model_path.resolve()).encode())
    for path in sorted(p for p in model_path.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(f"{path.relative_to(model_path)}:{path.stat().st_size}:{_file_hash(path)}".encode())
    return digest.hexdigest()


def export_key(model_path: Path) -> str:
    """The export folder's name: model folder hash, torch version (read without importing torch) and exporter."""
    from importlib.metadata import version

    digest = hashlib.blake2b(f"{model_fingerprint(model_path)}|{version('torch')}|{EXPORTER}".encode(),
                             digest_size=12)
    return f"{model_path.name}-{digest.hexdigest()}"


def pooling_config(model_path: Path) -> tuple[dict, str | None]:
    """The model's tokenizer/pooling facts, and why the fast path cannot reproduce them (None when it can)."""
    modules = json.loads((model_path / "modules.json").read_text(encoding="utf-8"))
    types = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if types != ["Transformer", "Pooling", "Normalize"]:
        return {}, f"modules are {types}, not Transformer, Pooling, Normalize"
    pooling = json.loads((model_path / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v)
    if modes != ["pooling_mode_mean_tokens"]:
        return {}, f"pooling is {modes}, not mean tokens only"
    if not (model_path / "tokenizer.json").exists():
        return {}, "no tokenizer.json"
    sbert = json.loads((model_path / "sentence_bert_config.json").read_text(encoding="utf-8"))
    if sbert.get("do_lower_case"):
        return {}, "do_lower_case is set"
    return {"max_seq_length": int(sbert["max_seq_length"]), "dim": int(pooling["word_embedding_dimension"])}, None


@lru_cache(maxsize=1)
def torch_model(model_path: str):
    """The model on torch (CPU), offline: what is exported and what the runtimes are checked against."""
    import os

    from sentence_transformers import SentenceTransformer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return SentenceTransformer(model_path, device="cpu", local_files_only=True)


def _export_onnx(model, target: Path) -> None:
    """The transformer module of a loaded SentenceTransformer as ONNX (legacy TorchScript exporter: no onnxscript)."""
    import torch

    class LastHidden(torch.nn.Module):
        def __init__(self, auto_model):
            super().__init__()
            self.auto_model = auto_model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.auto_model(input_ids=input_ids, attention_mask=attention_mask,
                                   token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on shape checks that are constant for an encoder
        torch.onnx.export(LastHidden(model[0].auto_model.eval()), (ids, ids, torch.zeros_like(ids)), str(target),
                          dynamo=False, opset_version=17, input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes)


def _valid(folder: Path) -> Export | None:
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        if _file_hash(folder / ONNX_FILE) != meta["onnx_hash"]:
            raise ValueError("model.onnx does not match its recorded hash")
        return Export(folder, meta)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("cached ONNX export %s is broken (%s): exporting again", folder, exc)
        return None


def cached_export(folder: Path, build, what: str) -> Export:
    """The valid export in `folder`, or one made now by `build(tmp_folder)` (which writes model.onnx and returns its
    meta without the hash): written whole, a broken one removed first, a concurrent writer's result taken."""
    if folder.exists():
        found = _valid(folder)
        if found is not None:
            return found
        shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    try:
        with atomic_folder(folder) as tmp:
            meta = build(tmp)
            meta.update(onnx_hash=_file_hash(tmp / ONNX_FILE), export_s=round(time.perf_counter() - start, 1))
            write_atomic(tmp / META_FILE, json.dumps(meta, indent=2, sort_keys=True))
    except FileExistsError:  # another process exported it meanwhile
        pass
    log.info("exported %s to ONNX in %.1f s: %s", what, time.perf_counter() - start, folder)
    found = _valid(folder)
    if found is None:
        raise RuntimeError(f"the ONNX export {folder} is unreadable right after it was written")
    return found


def exported(model_path: str | Path, root: str | Path) -> Export:
    """The export of the model at `model_path` under `root`, made now if missing or broken."""
    model_path = Path(model_path)
    config, refused = pooling_config(model_path)
    if refused:
        raise ValueError(f"the fast path cannot reproduce {model_path.name}: {refused}")

    def build(tmp: Path) -> dict:
        _export_onnx(torch_model(str(model_path)), tmp / ONNX_FILE)
        return {"model_path": str(model_path.resolve()), "exporter": EXPORTER, **config}

    return cached_export(Path(root) / export_key(model_path), build, model_path.name)


def quantized(export: Export) -> Path:
    """The int8 model (onnxruntime dynamic quantisation, per channel) beside an export, made once."""
    folder = export.folder.with_name(export.folder.name + "-int8")
    path = folder / ONNX_FILE
    if path.exists():
        return path
    from onnxruntime.quantization import QuantType, quantize_dynamic

    try:
        with atomic_folder(folder) as tmp:
            quantize_dynamic(str(export.onnx_path), str(tmp / ONNX_FILE), per_channel=True,
                             weight_type=QuantType.QInt8)
    except FileExistsError:
        pass
    return path


def agreement(vectors: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """Cosine of unit rows against reference unit rows: min and mean."""
    cos = np.sum(vectors * reference, axis=1)
    return {"cos_min": float(cos.min()), "cos_mean": float(cos.mean())}

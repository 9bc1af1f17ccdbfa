"""The packaged model's fast path: its ONNX export (made once, rebuilt when broken) under OpenVINO and onnxruntime,
whose vectors must agree with torch's."""

from __future__ import annotations

import importlib.util
import json
import shutil

import numpy as np
import pytest

from clustering.embed import encode_batch, model_key
from clustering.embedders import fast, onnx_export
from clustering.embedders.sbert import default_model_path
from clustering.settings import EmbedSettings

LONG = " ".join(f"Reviewer note {i}: the ad for the crypto wallet promised guaranteed returns." for i in range(80))
TEXTS = ["alcohol-free beer rejected as alcohol", "ok", "", LONG, LONG[:700] + " and a different ending",
         "Anzeige fälschlich abgelehnt: alkoholfreies Bier ist kein Alkohol.",
         "広告は誤って承認されました。", "Объявление ошибочно одобрено: кредит без проверки дохода."]
RUNTIMES = [r for r in fast.RUNTIMES if fast.installed(r)]


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("onnx")
    onnx_export.exported(default_model_path(), root)
    return root


def settings(backend: str, root) -> EmbedSettings:
    return EmbedSettings(model="minilm", backend=backend, export_dir=str(root), progress=False, device="cpu")


def test_torch_truncates_the_long_text():
    # the agreement below covers truncation only if the long text exceeds the model's 256 tokens
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(f"{default_model_path()}/tokenizer.json")
    tokenizer.no_truncation()
    assert len(tokenizer.encode(LONG).ids) > 256


@pytest.mark.parametrize("runtime", ["onnx", "openvino"])
def test_each_runtime_agrees_with_torch(runtime, export_dir):
    if not fast.installed(runtime):
        pytest.skip(f"{runtime} is not installed")
    reference = encode_batch(TEXTS, settings("torch", export_dir))
    chosen = fast.choose(settings(runtime, export_dir), default_model_path())
    assert chosen.backend == runtime, chosen.reason
    vectors = encode_batch(TEXTS, settings(runtime, export_dir))
    assert vectors.shape == reference.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.sum(vectors * reference, axis=1).min() >= onnx_export.AGREE
    # the order of texts and of batches does not change a text's vector beyond the agreement
    shuffled = encode_batch(TEXTS[::-1], settings(runtime, export_dir).model_copy(update={"batch_size": 3}))[::-1]
    assert np.sum(shuffled * vectors, axis=1).min() >= onnx_export.AGREE


def test_auto_picks_an_agreeing_installed_runtime(export_dir):
    assert RUNTIMES, "openvino or onnxruntime is a core dependency"
    chosen = fast.choose(settings("auto", export_dir), default_model_path())
    assert chosen.backend == RUNTIMES[0], chosen.reason
    meta = json.loads((chosen.export.folder / onnx_export.META_FILE).read_text())
    assert meta["checks"][chosen.backend]["cos_min"] >= onnx_export.AGREE
    assert meta["checks"]["torch"]["texts_per_s"] > 0  # the check kept with the export, not redone


def test_torch_device_and_other_models_stay_on_torch(export_dir):
    assert fast.choose(settings("torch", export_dir), default_model_path()).backend == "torch"
    assert fast.choose(settings("auto", export_dir).model_copy(update={"device": "cuda"}),
                       default_model_path()).backend == "torch"


def test_export_is_reused_and_a_broken_one_is_rebuilt(export_dir, tmp_path):
    first = onnx_export.exported(default_model_path(), export_dir)
    stamp = first.onnx_path.stat().st_mtime_ns
    again = onnx_export.exported(default_model_path(), export_dir)
    assert again.folder == first.folder and again.onnx_path.stat().st_mtime_ns == stamp
    broken_root = tmp_path / "broken"
    shutil.copytree(first.folder, broken_root / first.folder.name)
    target = broken_root / first.folder.name / onnx_export.ONNX_FILE
    target.write_bytes(target.read_bytes()[:1000])
    rebuilt = onnx_export.exported(default_model_path(), broken_root)
    assert rebuilt.onnx_path.stat().st_size > 10_000_000
    assert rebuilt.meta["onnx_hash"] == onnx_export._file_hash(rebuilt.onnx_path)


def test_other_pooling_is_refused(tmp_path):
    model = tmp_path / "cls-model"
    shutil.copytree(default_model_path(), model, ignore=shutil.ignore_patterns("*.safetensors"))
    config = json.loads((model / "1_Pooling" / "config.json").read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (model / "1_Pooling" / "config.json").write_text(json.dumps(config))
    assert "not mean tokens" in onnx_export.pooling_config(model)[1]
    with pytest.raises(ValueError, match="cannot reproduce"):
        onnx_export.exported(model, tmp_path / "exports")


def test_fp32_runtimes_share_the_cache_int8_does_not():
    keys = {b: model_key(EmbedSettings(model="minilm", backend=b))
            for b in ("auto", "torch", "onnx", "openvino", "onnx-int8")}
    assert len({keys[b] for b in ("auto", "torch", "onnx", "openvino")}) == 1
    assert keys["onnx-int8"] != keys["torch"]
    assert model_key(EmbedSettings(model="/models/x", backend="onnx-int8")) == model_key(
        EmbedSettings(model="/models/x"))  # other models always run on torch


@pytest.mark.skipif(importlib.util.find_spec("onnxruntime") is None, reason="onnxruntime is not installed")
def test_int8_is_explicit_and_its_cost_recorded(export_dir):
    chosen = fast.choose(settings("onnx-int8", export_dir), default_model_path())
    assert chosen.backend == "onnx-int8"
    assert 0.8 < chosen.check["cos_min"] < 1.0
    vectors = encode_batch(TEXTS[:3], settings("onnx-int8", export_dir))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)

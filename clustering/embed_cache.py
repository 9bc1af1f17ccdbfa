"""On-disk embedding cache: one folder per model key, append-only part files of (text hash, vector).

Parts are written whole under a unique name and renamed into place, so several processes (or workers of a
distributed job) can share a folder without locks; a reader sees complete parts only.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import numpy as np

from clustering.files import drop_damaged, open_atomic

DAMAGED = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)  # what reading a damaged .npz raises


class EmbeddingCache:
    """Vectors by text hash for one model key, stored under `folder`."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._index: dict[str, int] | None = None
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._parts_seen: set[str] = set()

    def _parts(self) -> list[Path]:
        return sorted(self.folder.glob("part-*.npz")) if self.folder.exists() else []

    def _refresh(self) -> None:
        new = [p for p in self._parts() if p.name not in self._parts_seen]
        if self._index is None:
            self._index = {}
        blocks = [self._matrix] if len(self._matrix) else []
        offset = len(self._matrix)
        for part in new:
            self._parts_seen.add(part.name)
            try:
                with np.load(part, allow_pickle=False) as data:
                    keys, vectors = data["keys"], data["vectors"]
                width = self._matrix.shape[1] if len(self._matrix) else (blocks[-1].shape[1] if blocks else None)
                if vectors.ndim != 2 or len(keys) != len(vectors) or width not in (None, vectors.shape[1]):
                    raise ValueError(f"{len(keys)} keys for vectors of shape {vectors.shape}")
            except DAMAGED as exc:
                drop_damaged(part, "embedding-cache part", exc)
                continue
            for i, key in enumerate(keys.tolist()):
                self._index.setdefault(key, offset + i)
            blocks.append(vectors)
            offset += len(vectors)
        if blocks:
            self._matrix = np.concatenate(blocks).astype(np.float32, copy=False)

    def __len__(self) -> int:
        self._refresh()
        return len(self._index or {})

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those keys that are in the cache."""
        self._refresh()
        index = self._index or {}
        return {k: self._matrix[index[k]] for k in keys if k in index}

    def beside(self, key: str) -> EmbeddingCache:
        """The cache of another model key in the same root folder."""
        return EmbeddingCache(self.folder.parent / key)

    def put_many(self, keys: list[str], vectors: np.ndarray) -> None:
        """Add vectors as one new part file (atomic)."""
        if not keys:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open_atomic(self.folder / f"part-{uuid.uuid4().hex}.npz", binary=True) as handle:
            np.savez(handle, keys=np.asarray(keys, dtype="U32"), vectors=np.asarray(vectors, dtype=np.float32))


class EmbeddingCaches:
    """The caches of several models under one root: `<root>/<model key>/`, each opened once."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._open: dict[str, EmbeddingCache] = {}

    @classmethod
    def around(cls, cache: EmbeddingCache) -> EmbeddingCaches:
        """The caches beside one model's cache (its parent folder is the root), reusing that instance."""
        caches = cls(cache.folder.parent)
        caches._open[cache.folder.name] = cache
        return caches

    def for_key(self, key: str) -> EmbeddingCache:
        """The cache of one model key."""
        if key not in self._open:
            self._open[key] = EmbeddingCache(self.root / key)
        return self._open[key]

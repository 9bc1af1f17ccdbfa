"""Theme centres and spreads in a centred space, computed a block of rows at a time.

Two stages look at the themes with a common part of the vectors taken out: the parent themes (the themed
vectors' mean, `clustering.hierarchy.centred_geometry`) and the language twins (each language's mean,
`clustering.language.join_language_twins`). Each row minus its offset is renormalised; a theme's centre is the
normalised sum of its rows, and its spread, 1 - the mean cosine of its rows to that centre, is 1 - |sum| / n.
Done on all rows at once in float64 this took ~1 GB at 100k cases (the run's peak); here a block of rows is
centred at a time and only the sums are kept.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

BLOCK_ROWS = 16_384


def one_hot(groups: np.ndarray, m: int) -> sparse.csr_matrix:
    """(m x n) membership of rows in groups 0..m-1 (rows of a negative group belong to none)."""
    rows = np.flatnonzero(groups >= 0)
    return sparse.csr_matrix((np.ones(len(rows)), (groups[rows], rows)), shape=(m, len(groups)))


def group_means(vectors: np.ndarray, groups: np.ndarray, m: int) -> np.ndarray:
    """(m x d) mean vector of each group 0..m-1 (zero for an empty group), float64."""
    sums = np.zeros((m, vectors.shape[1]), dtype=np.float64)
    for start in range(0, len(vectors), BLOCK_ROWS):
        part = slice(start, start + BLOCK_ROWS)
        sums += one_hot(groups[part], m) @ vectors[part].astype(np.float64)
    counts = np.bincount(groups[groups >= 0], minlength=m)
    return sums / np.maximum(counts, 1)[:, None]


def centred_centres(vectors: np.ndarray, labels: np.ndarray, k: int, offsets: np.ndarray,
                    offset_of_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit centres (k x d) and spreads (k) of labels 0..k-1 after each row has `offsets[offset_of_row]` taken out
    and is renormalised (a row that becomes zero stays zero). An empty label has a zero centre and spread 0."""
    sums = np.zeros((k, vectors.shape[1]), dtype=np.float64)
    for start in range(0, len(vectors), BLOCK_ROWS):
        part = slice(start, start + BLOCK_ROWS)
        block = vectors[part].astype(np.float64) - offsets[offset_of_row[part]]
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        block = np.divide(block, norms, out=np.zeros_like(block), where=norms > 1e-6)
        sums += one_hot(labels[part], k) @ block
    counts = np.bincount(labels[labels >= 0], minlength=k)
    lengths = np.linalg.norm(sums, axis=1)
    centres = sums / np.maximum(lengths, 1e-12)[:, None]
    spreads = np.where(counts > 0, 1.0 - lengths / np.maximum(counts, 1), 0.0)
    return centres, spreads

"""UMAP: unit vectors to a few dimensions for clustering, and to two for the map.

Above `fit_sample` cases UMAP is fitted on a seeded sample and the rest is transformed, which keeps
100k cases within minutes on two cores. Rows are expected in a canonical order (see `clustering.themes`),
so that the result does not depend on the order of the input file.
"""

from __future__ import annotations

import hashlib
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clustering.files import drop_damaged, open_atomic
from clustering.settings import NEIGHBOURS_AT_LEAST, SMALLEST_THEME_SHARE, ReduceSettings


@dataclass
class Reduced:
    """Low-dimensional coordinates: `cluster_space` for HDBSCAN (n x 0 when not computed), `layout` (n x 2)."""

    cluster_space: np.ndarray
    layout: np.ndarray
    sampled: bool


def auto_n_neighbors(fitted_rows: int) -> int:
    """The default UMAP neighbourhood for the rows it is fitted on: 15, or half the default smallest theme of those
    rows when that is more (15 up to ~8,300 rows, 20 for 11,036, 36 for 20,000: the most with the default
    `fit_sample`)."""
    return max(NEIGHBOURS_AT_LEAST, round(SMALLEST_THEME_SHARE / 2 * fitted_rows))


def neighbourhood(settings: ReduceSettings, n_rows: int) -> int:
    """The neighbours UMAP uses for the clustering space of `n_rows` cases: the setting, or `auto_n_neighbors` of
    the rows it is fitted on (at most the fitted rows less one)."""
    fitted = min(n_rows, settings.fit_sample)
    return min(settings.n_neighbors or auto_n_neighbors(fitted), max(2, fitted - 1))


def _umap(n_components: int, min_dist: float, n_neighbors: int, settings: ReduceSettings, n_rows: int):
    import umap

    return umap.UMAP(
        n_neighbors=min(n_neighbors, max(2, n_rows - 1)),
        n_components=n_components,
        min_dist=min_dist,
        metric=settings.metric,
        init=settings.init if n_rows > n_components + 1 else "random",
        random_state=settings.seed,
        low_memory=True,
    )


def _fit(vectors: np.ndarray, n_components: int, min_dist: float, n_neighbors: int,
         settings: ReduceSettings) -> np.ndarray:
    """UMAP to `n_components` dimensions, fitted on at most `settings.fit_sample` rows."""
    n = len(vectors)
    if n <= settings.fit_sample:
        return _umap(n_components, min_dist, n_neighbors, settings, n).fit_transform(vectors)
    rng = np.random.default_rng(settings.seed)
    sample = np.sort(rng.choice(n, size=settings.fit_sample, replace=False))
    model = _umap(n_components, min_dist, n_neighbors, settings, settings.fit_sample).fit(vectors[sample])
    out = np.empty((n, n_components), dtype=np.float32)
    rest = np.setdiff1d(np.arange(n), sample)
    out[sample] = model.embedding_
    out[rest] = model.transform(vectors[rest])
    return out


def reduce_vectors(vectors: np.ndarray, settings: ReduceSettings, layout: bool = True,
                   cluster_space: bool = True) -> Reduced:
    """Coordinates for clustering (if `cluster_space`; the EVoC backend clusters the vectors themselves) and
    (if `layout`) for the 2-D map."""
    n = len(vectors)
    dims = settings.n_components if cluster_space else 0
    if n < 4:
        # UMAP needs a handful of points; with fewer there is nothing to cluster anyway.
        return Reduced(np.zeros((n, dims), dtype=np.float32), np.zeros((n, 2), dtype=np.float32), False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs value.*")
        warnings.filterwarnings("ignore", message=".*gradient function is not yet implemented.*")
        space = (_fit(vectors, settings.n_components, settings.min_dist, neighbourhood(settings, n), settings)
                 .astype(np.float32)
                 if cluster_space else np.zeros((n, 0), dtype=np.float32))
        coords = (_fit(vectors, 2, settings.layout_min_dist, settings.layout_n_neighbors, settings).astype(np.float32)
                  if layout else np.zeros((n, 2), np.float32))
    return Reduced(space, coords, n > settings.fit_sample)


def reduction_key(vectors: np.ndarray, settings: ReduceSettings, layout: bool, cluster_space: bool = True) -> str:
    """Hash of the vectors (in their order) and the settings: same key, same coordinates."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    resolved = settings.model_copy(update={"n_neighbors": neighbourhood(settings, len(vectors))})
    digest.update(resolved.model_dump_json().encode())
    digest.update(b"layout" if layout else b"no-layout")
    if not cluster_space:
        digest.update(b"no-cluster-space")
    return digest.hexdigest()


def reduce_vectors_cached(vectors: np.ndarray, settings: ReduceSettings, cache_dir: Path | None,
                          layout: bool = True, cluster_space: bool = True) -> tuple[Reduced, bool]:
    """`reduce_vectors`, reusing the coordinates of an earlier run on the very same vectors and settings.

    Returns the coordinates and whether they came from the cache. UMAP is deterministic for a seed, so a
    cached result is what a new fit would give; a re-run that changes only clustering or description
    settings skips UMAP entirely.
    """
    if cache_dir is None:
        return reduce_vectors(vectors, settings, layout, cluster_space), False
    path = Path(cache_dir) / f"{reduction_key(vectors, settings, layout, cluster_space)}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as data:
                return Reduced(data["cluster_space"], data["layout"], bool(data["sampled"])), True
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:  # a junk or truncated file
            drop_damaged(path, "reduction cache", exc)
    reduced = reduce_vectors(vectors, settings, layout, cluster_space)
    with open_atomic(path, binary=True) as handle:
        np.savez(handle, cluster_space=reduced.cluster_space, layout=reduced.layout, sampled=reduced.sampled)
    return reduced, False

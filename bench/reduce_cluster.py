"""Benchmark: the reduce + cluster stages alone on a fixed set of vectors, to compare settings or code versions.

    python bench/reduce_cluster.py --cases cases.parquet --cache WORKSPACE/cache --save vectors.npz
    python bench/reduce_cluster.py --vectors vectors.npz [--neighbours 15] [--pairs 3]

The first form composes the misjudged cases of a file from an embedding cache (nothing is embedded: every text
must be cached, e.g. by a first run of `error-themes themes` or `bench/scale.py --keep`) and saves the vectors.
The second times, on those vectors, UMAP to the clustering space and to the 2-D map, then HDBSCAN with the purity
pass, as the pipeline runs them. With `--pairs N` it alternates the defaults and `reduce.n_neighbors` set to
`--neighbours` N times in one process and prints each stage's median (the machine's speed drifts: compare within
one run). To compare code versions, run the second form from each checkout in turn (`PYTHONPATH=CHECKOUT`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, peak_rss_mb  # noqa: E402

from clustering.cluster import cluster_cases  # noqa: E402
from clustering.reduce import neighbourhood, reduce_vectors  # noqa: E402
from clustering.settings import ThemeSettings  # noqa: E402

WARM_UP_ROWS = 5_000


def save_vectors(cases_path: Path, cache_root: Path, out: Path) -> None:
    from clustering.compose import compose
    from clustering.embed import EmbedStats, model_key
    from clustering.embed_cache import EmbeddingCache
    from clustering.load import load_cases
    from clustering.themes import canonical_order

    settings = ThemeSettings()
    settings.embed.progress = False
    cases = load_cases(cases_path).cases
    misjudged = cases.loc[cases["misjudged"]].reset_index(drop=True)
    misjudged = misjudged.iloc[canonical_order(misjudged)].reset_index(drop=True)
    cache = EmbeddingCache(cache_root / "embeddings" / model_key(settings.embed))
    stats = EmbedStats()
    composed = compose(misjudged, settings.compose, settings.embed, cache, stats)
    if stats.computed:
        print(f"note: {stats.computed:,} texts were not cached and were embedded", file=sys.stderr)
    np.savez(out, vectors=composed.vectors, notes=composed.note_vectors)
    print(f"{len(misjudged):,} misjudged cases -> {out}")


def time_once(vectors: np.ndarray, notes: np.ndarray, settings: ThemeSettings) -> dict[str, float]:
    start = time.perf_counter()
    space = reduce_vectors(vectors, settings.reduce, layout=False).cluster_space
    mid = time.perf_counter()
    reduce_vectors(vectors, settings.reduce, cluster_space=False)
    end_map = time.perf_counter()
    clusters = cluster_cases(space, vectors, settings.cluster, notes)
    end = time.perf_counter()
    return {"UMAP 5-D": mid - start, "UMAP map": end_map - mid, "cluster + purity": end - end_map,
            "total": end - start, "themes": float(clusters.labels.max() + 1),
            "unthemed": float(np.mean(clusters.labels < 0))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, help="cases file to compose from the cache (with --cache, --save)")
    parser.add_argument("--cache", type=Path, help="cache root holding embeddings/<model key>/")
    parser.add_argument("--save", type=Path, help="where to write the composed vectors (.npz)")
    parser.add_argument("--vectors", type=Path, help="composed vectors (.npz from --save) to time")
    parser.add_argument("--neighbours", type=int, default=15, help="the reduce.n_neighbors to compare with")
    parser.add_argument("--pairs", type=int, default=0, help="alternate defaults / --neighbours this many times")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message=".*n_jobs value.*")
    if args.cases:
        if not (args.cache and args.save):
            parser.error("--cases needs --cache and --save")
        save_vectors(args.cases, args.cache, args.save)
        return
    if not args.vectors:
        parser.error("give --vectors (or --cases to make them)")
    print(machine_line("umap-learn", "hdbscan", "numba"))
    with np.load(args.vectors) as data:
        vectors, notes = data["vectors"], data["notes"]
    default = ThemeSettings()
    runs = {f"defaults ({neighbourhood(default.reduce, len(vectors))} neighbours)": default}
    if args.pairs:
        runs[f"n_neighbors {args.neighbours}"] = default.model_copy(update={"reduce": default.reduce.model_copy(
            update={"n_neighbors": args.neighbours})})
    start = time.perf_counter()  # numba compiles UMAP's nearest-neighbour descent (used above 4,096 rows) once
    time_once(vectors[:WARM_UP_ROWS], notes[:WARM_UP_ROWS], default)
    print(f"warm-up on {min(len(vectors), WARM_UP_ROWS):,} vectors (numba compilation): "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    times: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
    for i in range(max(1, args.pairs)):
        for name, settings in runs.items():
            times[name].append(figures := time_once(vectors, notes, settings))
            print(f"{i + 1}. {name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in figures.items()
                                                 if k not in ("themes", "unthemed"))
                  + f"; {figures['themes']:.0f} themes, {figures['unthemed']:.1%} unthemed", flush=True)
    print(f"{len(vectors):,} vectors; medians:")
    for name, rows in times.items():
        print(f"  {name:32} " + ", ".join(f"{k} {statistics.median(r[k] for r in rows):.1f} s" for k in rows[0]
                                           if k not in ("themes", "unthemed")))
    if len(times) == 2:
        a, b = (statistics.median(r["total"] for r in rows) for rows in times.values())
        print(f"  ratio defaults / n_neighbors {args.neighbours}: {a / b:.2f}")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()

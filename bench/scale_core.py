"""Benchmark: reduce + cluster + describe at 10k-100k misjudged cases, without the embedding stage.

    python bench/scale_core.py [--sizes 10000,50000,100000]

Embedding 100k cases dominates a first run and is measured by `bench/scale.py` and `bench/clinc150.py`
(texts/s). This script isolates the rest: it generates the demo data at a larger scale, gives each misjudged
case the real embedding of a random demo case of the same planted theme (one-off noise cases: of a random
noise case) plus Gaussian jitter, and times UMAP (fitted on a 20,000-case sample, the rest transformed),
HDBSCAN with the purity pass, and the descriptions. Prints wall time per stage and peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, peak_rss_mb  # noqa: E402

from clustering.cluster import cluster_cases  # noqa: E402
from clustering.compose import compose  # noqa: E402
from clustering.describe import ClusteredCases, describe_themes  # noqa: E402
from clustering.embed import model_key  # noqa: E402
from clustering.embed_cache import EmbeddingCache  # noqa: E402
from clustering.load import load_cases  # noqa: E402
from clustering.reduce import reduce_vectors  # noqa: E402
from clustering.settings import ThemeSettings  # noqa: E402
from eval_sets import DEMO_CASES  # noqa: E402
from eval_sets.demo_data import generate_demo_cases  # noqa: E402

MISJUDGED_PER_SCALE = 716
JITTER = 0.01  # per dimension: a jitter vector of norm ~0.2, cosine ~0.98 to the original


def demo_vectors(settings: ThemeSettings, cache: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The demo's misjudged cases with their real combined and note vectors."""
    cases = load_cases(DEMO_CASES).cases
    misjudged = cases[cases["misjudged"]].reset_index(drop=True)
    embed_cache = EmbeddingCache(cache / "embeddings" / model_key(settings.embed))
    composed = compose(misjudged, settings.compose, settings.embed, embed_cache)
    return misjudged, composed.vectors, composed.note_vectors


def jittered(rng: np.random.Generator, base: np.ndarray, picks: np.ndarray) -> np.ndarray:
    out = base[picks] + rng.normal(0, JITTER, (len(picks), base.shape[1])).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--cache", type=Path, default=Path("workspace/cache"))
    args = parser.parse_args()
    print(machine_line("umap-learn", "hdbscan", "scikit-learn", "numpy"))
    settings = ThemeSettings()
    demo, demo_vecs, demo_notes = demo_vectors(settings, args.cache)
    by_theme = demo.groupby(demo["theme"].fillna("noise")).indices
    warm = time.perf_counter()
    reduce_vectors(demo_vecs[:300], settings.reduce, layout=False)
    print(f"numba warm-up (not counted below): {time.perf_counter() - warm:.1f} s", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        rows = pd.DataFrame(generate_demo_cases(seed=11, scale=size / MISJUDGED_PER_SCALE))
        path = Path(f"/tmp/scale_core_{size}.parquet")
        rows.to_parquet(path, index=False)
        start = time.perf_counter()
        cases = load_cases(path).cases
        load_s = time.perf_counter() - start
        misjudged = cases[cases["misjudged"]].reset_index(drop=True)
        rng = np.random.default_rng(size)
        picks = np.array([rng.choice(by_theme[t]) for t in misjudged["theme"].fillna("noise")])
        vectors, notes = jittered(rng, demo_vecs, picks), jittered(rng, demo_notes, picks)
        timings = {"load": load_s}
        start = time.perf_counter()
        reduced = reduce_vectors(vectors, settings.reduce)
        timings["reduce"] = time.perf_counter() - start
        start = time.perf_counter()
        clusters = cluster_cases(reduced.cluster_space, vectors, settings.cluster, notes)
        timings["cluster"] = time.perf_counter() - start
        start = time.perf_counter()
        themes, _ = describe_themes(ClusteredCases(cases, misjudged, vectors, True), clusters, settings.describe)
        timings["describe"] = time.perf_counter() - start
        core = timings["reduce"] + timings["cluster"] + timings["describe"]
        print(f"{len(misjudged):,} misjudged cases ({len(cases):,} rows): "
              + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
              + f"; reduce+cluster+describe {core:.0f} s; {len(themes)} themes, "
              f"{int((clusters.labels < 0).sum()):,} unthemed; peak RSS so far {peak_rss_mb():,.0f} MB", flush=True)
        path.unlink()


if __name__ == "__main__":
    main()

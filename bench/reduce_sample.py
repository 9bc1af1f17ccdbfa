"""Benchmark: UMAP fitted on a sample (the rest transformed) against fitted on all, on CLINC150 full.

    python bench/reduce_sample.py [--samples 2000,5000,10000,15000,all] [--cache /work/bench-cache]

`reduce.fit_sample` caps the rows UMAP is fitted on; above it the rest is transformed. For each sample size this
prints the ARI (all rows; out-of-scope rows are one-offs) and NMI on labelled rows of the themes the pipeline
finds (UMAP, then HDBSCAN with the purity pass), and the seconds of UMAP and of clustering. Embeddings come from
the shared cache. CLINC150: Larson et al., EMNLP-IJCNLP 2019, CC BY 3.0.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, peak_rss_mb  # noqa: E402
from quality_sets import ATTRIBUTION, load_set  # noqa: E402

from clustering.cluster import cluster_cases, resolved_purity  # noqa: E402
from clustering.compose import compose  # noqa: E402
from clustering.embed import model_key  # noqa: E402
from clustering.embed_cache import EmbeddingCache  # noqa: E402
from clustering.reduce import reduce_vectors  # noqa: E402
from clustering.settings import ThemeSettings  # noqa: E402
from clustering.themes import canonical_order  # noqa: E402
from eval_sets.scorer import score_labels  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="clinc_full")
    parser.add_argument("--samples", default="2000,5000,10000,15000,all")
    parser.add_argument("--cache", type=Path, default=Path("/work/bench-cache"))
    args = parser.parse_args()
    print(machine_line("umap-learn", "hdbscan", "numba", "numpy"))
    settings = ThemeSettings()
    data = load_set(args.set)
    order = canonical_order(data.cases)
    cases = data.cases.iloc[order].reset_index(drop=True)
    labels = data.labels.iloc[order].reset_index(drop=True)
    cache = EmbeddingCache(args.cache / "embeddings" / model_key(settings.embed))
    composed = compose(cases, settings.compose, settings.embed, cache)
    n = len(composed.vectors)
    reduce_vectors(composed.vectors[:300], settings.reduce, layout=False)  # numba compilation, not counted
    cluster = resolved_purity(settings.cluster)
    print(f"{args.set}: {n:,} rows; default fit_sample {settings.reduce.fit_sample:,}\n")
    print("| fit sample | UMAP s | cluster s | themes | ARI | NMI (labelled) |\n| --- | --- | --- | --- | --- | --- |")
    for sample in args.samples.split(","):
        size = n if sample == "all" else int(sample)
        reduce = settings.reduce.model_copy(update={"fit_sample": max(100, min(size, n))})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            reduced = reduce_vectors(composed.vectors, reduce, layout=False)
            umap_s = time.perf_counter() - start
            start = time.perf_counter()
            clusters = cluster_cases(reduced.cluster_space, composed.vectors, cluster, composed.note_vectors)
            cluster_s = time.perf_counter() - start
        predicted = pd.Series(np.where(clusters.labels >= 0, clusters.labels.astype(str), None), dtype="string")
        s = score_labels(predicted, labels)
        label = f"{size:,}" + (" (all)" if size >= n else "")
        print(f"| {label} | {umap_s:.0f} | {cluster_s:.0f} | {s.themes_found} | {s.ari:.3f} | {s.nmi_labelled:.3f} |",
              flush=True)
    print(f"\npeak RSS {peak_rss_mb():,.0f} MB. {ATTRIBUTION[args.set]}")


if __name__ == "__main__":
    main()

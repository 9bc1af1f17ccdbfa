"""Benchmark: the clustering core on CLINC150 (real queries, known intents) against BERTopic and k-means.

    python bench/clinc150.py [--sets test,full] [--cache workspace/cache/embeddings] [--backends torch,onnx,openvino]

Sets: "test" = test + oos_test (4,500 in-scope + 1,000 out-of-scope queries), "full" = all six splits
(22,500 + 1,200). Each set is embedded once (through the project's embedding cache) and, on those vectors,
compared are: the project's defaults ("ours", with and without the purity pass), BERTopic's defaults
(its UMAP is unseeded, so its figures vary from run to run) and k-means told the true number of intents.
Per method it prints the number of clusters, ARI and NMI against the intents on in-scope rows (outliers
counted as one label), the shares of in-scope and out-of-scope rows left as outliers, and wall seconds
(after a warm-up that compiles numba's UMAP code, which would otherwise be charged to the first method).
The sets always use the torch backend; the first embedding's throughput is printed, or "cached".
Other sentence-transformers backends (onnx, openvino; they need optimum-onnx / optimum-intel) embed the
test set into a fresh temporary cache, for their throughput and the scores of "ours" on their vectors;
a backend that cannot be loaded or exported says why and is skipped.
It prints its figures and the machine line; nothing is written but the embedding cache.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, peak_rss_mb  # noqa: E402

from clustering.cluster import cluster_cases  # noqa: E402
from clustering.embed import EmbedStats, embed_texts, model_key  # noqa: E402
from clustering.embed_cache import EmbeddingCache  # noqa: E402
from clustering.embedders import MINILM  # noqa: E402
from clustering.embedders.sbert import warm_up as load_embedder  # noqa: E402
from clustering.reduce import reduce_vectors  # noqa: E402
from clustering.settings import ClusterSettings, EmbedSettings, ReduceSettings  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150" / "data_full.json"
SPLITS = {"test": ("test", "oos_test"), "full": ("train", "val", "test", "oos_train", "oos_val", "oos_test")}
OOS = "oos"
PACKAGES = ("sentence-transformers", "umap-learn", "hdbscan", "bertopic", "torch")
BACKEND_PACKAGES = {"onnx": ("optimum-onnx", "onnxruntime"), "openvino": ("optimum-intel", "openvino")}


@dataclass
class Row:
    """One method's figures on one set."""

    method: str
    clusters: int
    ari: float
    nmi: float
    inscope_outliers: float
    oos_outliers: float
    seconds: float


def load_set(name: str) -> tuple[list[str], np.ndarray]:
    """Texts and intents of one set (out-of-scope rows have the intent `oos`)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    pairs = [pair for split in SPLITS[name] for pair in data[split]]
    return [text for text, _ in pairs], np.array([intent for _, intent in pairs])


def score(method: str, labels: np.ndarray, intents: np.ndarray, seconds: float) -> Row:
    """Figures of one labelling (-1 = outlier) against the intents."""
    inscope = intents != OOS
    outlier = labels < 0
    return Row(
        method=method,
        clusters=len(np.unique(labels[~outlier])),
        ari=adjusted_rand_score(intents[inscope], labels[inscope]),
        nmi=normalized_mutual_info_score(intents[inscope], labels[inscope]),
        inscope_outliers=float(outlier[inscope].mean()),
        oos_outliers=float(outlier[~inscope].mean()) if (~inscope).any() else float("nan"),
        seconds=seconds,
    )


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'method':<30} {'clusters':>8} {'ARI':>6} {'NMI':>6} {'in-scope outl.':>14} {'oos outl.':>9} "
          f"{'seconds':>8}")
    for r in rows:
        print(f"{r.method:<30} {r.clusters:>8} {r.ari:>6.3f} {r.nmi:>6.3f} {r.inscope_outliers:>14.1%} "
              f"{r.oos_outliers:>9.1%} {r.seconds:>8.1f}")


def embed(texts: list[str], backend: str, cache_dir: Path) -> np.ndarray:
    """Vectors of `texts` through the cache under `cache_dir`; prints load time and throughput."""
    settings = EmbedSettings(model=MINILM, backend=backend, progress=False)  # the runtimes are MiniLM's
    start = time.perf_counter()
    load_embedder(settings)  # load (and export) apart from the throughput
    loaded = time.perf_counter() - start
    stats = EmbedStats()
    start = time.perf_counter()
    vectors = embed_texts(texts, settings, EmbeddingCache(cache_dir / model_key(settings)), stats)
    seconds = time.perf_counter() - start
    if stats.computed:
        speed = f"{stats.computed / seconds:,.0f} texts/s ({stats.computed:,} computed in {seconds:.1f} s"
        speed += f", {stats.cached:,} from cache)" if stats.cached else ")"
    else:
        speed = f"cached ({stats.cached:,} texts)"
    print(f"embed [{backend}] {len(texts):,} texts ({stats.unique:,} distinct): {speed}; model load {loaded:.1f} s")
    return vectors


def run_ours(vectors: np.ndarray, intents: np.ndarray, purity_only: bool = False) -> list[Row]:
    """The project's defaults, and (unless `purity_only`) the same reduced space without the purity pass."""
    start = time.perf_counter()
    red = reduce_vectors(vectors, ReduceSettings(), layout=False)
    reduce_s = time.perf_counter() - start
    variants = [("ours", ClusterSettings())]
    if not purity_only:
        variants.append(("ours without purity pass", ClusterSettings(purity="off")))
    rows = []
    for name, settings in variants:
        start = time.perf_counter()
        clusters = cluster_cases(red.cluster_space, vectors, settings, purity_vectors=vectors)
        rows.append(score(name, clusters.labels, intents, reduce_s + time.perf_counter() - start))
    return rows


def run_bertopic(texts: list[str], vectors: np.ndarray, intents: np.ndarray) -> Row:
    """BERTopic with every default, on the given embeddings (its UMAP has no seed)."""
    from bertopic import BERTopic

    start = time.perf_counter()
    topics, _ = BERTopic().fit_transform(texts, embeddings=vectors)
    return score("BERTopic defaults (unseeded)", np.asarray(topics), intents, time.perf_counter() - start)


def run_kmeans(vectors: np.ndarray, intents: np.ndarray) -> Row:
    """k-means told the true number of in-scope intents; it leaves no outliers."""
    k = len(np.unique(intents[intents != OOS]))
    start = time.perf_counter()
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors)
    return score(f"k-means (true k={k})", labels, intents, time.perf_counter() - start)


def warm_up(texts: list[str], vectors: np.ndarray, rows: int = 4200) -> None:
    """Compile numba's UMAP and NN-descent code once, so that no method's time includes it.

    `rows` is above UMAP's 4,096, below which it finds neighbours exactly rather than by NN-descent; the
    paths warmed are ours (seeded, low memory, and fit on a sample + transform) and BERTopic's (unseeded).
    """
    start = time.perf_counter()
    dummy = np.array(["x"] * rows)
    run_ours(vectors[:rows], dummy, purity_only=True)
    reduce_vectors(vectors[:rows], ReduceSettings(fit_sample=rows - 100), layout=False)
    run_bertopic(texts[:rows], vectors[:rows], dummy)
    print(f"warm-up (numba compilation, {rows:,} rows): {time.perf_counter() - start:.1f} s")


def bench_set(name: str, cache_dir: Path, warm: bool) -> tuple[np.ndarray, Row]:
    """All methods on one set, embedded with the torch backend; returns the vectors and the row of "ours"."""
    texts, intents = load_set(name)
    print(f"\n== set {name}: {int(np.sum(intents != OOS)):,} in-scope + {int(np.sum(intents == OOS)):,} "
          f"out-of-scope texts, {len(np.unique(intents[intents != OOS]))} intents")
    vectors = embed(texts, "torch", cache_dir)
    if warm:
        warm_up(texts, vectors)
    rows = run_ours(vectors, intents)
    rows.append(run_bertopic(texts, vectors, intents))
    rows.append(run_kmeans(vectors, intents))
    print_table(f"set {name} ({len(texts):,} rows, torch embeddings); seconds = reduce+cluster "
                "(ours: one shared UMAP), fit time for BERTopic and k-means", rows)
    return vectors, rows[0]


def bench_backend(backend: str, reference: np.ndarray | None) -> Row | None:
    """Embed the test set with another backend into a fresh cache, and score "ours" on those vectors."""
    texts, intents = load_set("test")
    print(f"\n== backend {backend} on set test")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            vectors = embed(texts, backend, Path(tmp))
    except Exception as exc:  # any failure to import, export or load is reported, not raised
        print(f"backend {backend}: skipped, cannot load or export the model here: {type(exc).__name__}: {exc}")
        return None
    if reference is not None:
        cos = np.sum(vectors * reference, axis=1)
        print(f"backend {backend}: cosine to the torch vectors: mean {cos.mean():.5f}, min {cos.min():.5f}")
    row = run_ours(vectors, intents, purity_only=True)[0]
    row.method = f"ours, {backend} vectors"
    return row


def compare_backends(backends: list[str], reference: np.ndarray | None, torch_row: Row | None) -> None:
    """The other backends on the test set, in one table with the torch row (when the test set was run)."""
    rows = [row for b in backends if (row := bench_backend(b, reference)) is not None]
    if torch_row is not None:
        rows.insert(0, Row(**{**vars(torch_row), "method": "ours, torch vectors"}))
    print_table("set test, \"ours\" by embedding backend (seconds = reduce+cluster)", rows)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="test,full", help="comma list of: test, full")
    parser.add_argument("--cache", default="workspace/cache/embeddings", help="embedding cache folder")
    parser.add_argument("--backends", default="torch", help="comma list of: torch, onnx, openvino")
    args = parser.parse_args()
    args.sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    backends = get_args(EmbedSettings.model_fields["backend"].annotation)
    unknown = [s for s in args.sets if s not in SPLITS] + [b for b in args.backends if b not in backends]
    if unknown:
        parser.error(f"unknown set or backend: {', '.join(unknown)}")
    return args


def main() -> None:
    args = parse_args()
    extra = [p for b in args.backends for p in BACKEND_PACKAGES.get(b, ())]
    print(machine_line(*PACKAGES, *extra))
    warnings.filterwarnings("ignore", message=".*n_jobs value.*")  # UMAP: a seed turns off parallelism
    results = {name: bench_set(name, Path(args.cache), warm=i == 0) for i, name in enumerate(args.sets)}
    others = [b for b in args.backends if b != "torch"]
    if others:
        compare_backends(others, *results.get("test", (None, None)))
    print(f"\npeak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()

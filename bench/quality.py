"""Benchmark: theme quality across labelled sets: the project's cluster stage, BERTopic's defaults and EVoC.

    python bench/quality.py [--sets demo,marketplace,fieldnotes,clinc_test,clinc_full,hwu64,xsid] [--cache CACHE]
                            [--config settings.yaml] [--out results.json] [--curve] [--variants] [--seeds N]

Each set (see `bench/quality_sets.py`) is composed and embedded as the pipeline does it (through the embedding
cache under `--cache`, with the embed and compose settings of `--config`), put in the pipeline's canonical
order, and on those same vectors are run:
- "ours": the real cluster stage with the settings of `--config` (default: `clustering/settings.py`):
  `reduce_vectors` + `cluster_cases`, purity pass included (on the note vectors, as the pipeline does);
- "BERTopic defaults": UMAP(n_neighbors=15, n_components=5, min_dist=0, cosine) + HDBSCAN(min_cluster_size=10,
  euclidean, eom), which is what BERTopic runs by default; its UMAP is seeded (BERTopic's is not) and shared with
  ours when the reduce settings are these same parameters, so the two differ only in the cluster stage;
- "EVoC": `evoc.EVoC()` on the vectors, its default (most persistent) layer and each of its other layers;
- with `--variants`, variants of our stage (purity criteria, backends, smallest theme, min_samples).
Per set and method it prints: clusters, ARI and NMI on the labelled rows (unthemed as one more cluster), ARI on
all rows (one-offs as one more label), mean best-match F1 per label, labels recovered (F1 >= 0.5), the share of
labelled rows left unthemed, of one-off / out-of-scope rows left unthemed, for multilingual sets the share of
themes with more than 80% of one language, and seconds (reduce + cluster; numba is compiled by a warm-up first).
`--curve` prints, per set, the purity pass's trade-off: labelled rows left out against one-off rows left out
(with ARI and mean F1) for each criterion and parameter, on the same backend clusters.
Held-out sets (`quality_sets.HELD_OUT`: the fieldnotes planted set) are run and reported like the others, marked
"HELD OUT" in the output and listed under "held_out" in the JSON: they are never used to choose a default.
`--seeds N` runs every method with N seeds (the settings' seed and the next N-1; UMAP's and EVoC's random state,
BERTopic's UMAP the same seeded one) on the same vectors and prints each figure as mean ± sd over the seeds
(`bench/quality_seeds.py`); UMAP alone moves the demo's ARI by about ±0.03, so one seed cannot rank close methods.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, peak_rss_mb  # noqa: E402
from quality_seeds import print_seed_rows, summarise, summarise_curve, with_best_evoc  # noqa: E402
from quality_sets import ATTRIBUTION, HELD_OUT, LabelledSet, available_sets, load_set  # noqa: E402

from clustering.cluster import (  # noqa: E402
    UNTHEMED,
    auto_min_cluster_size,
    auto_min_samples,
    cluster_cases,
    evoc_layers,
    hdbscan_labels,
    purify,
    resolved_purity,
    smallest_kept,
)
from clustering.compose import compose  # noqa: E402
from clustering.embed import EmbedStats, model_key  # noqa: E402
from clustering.embed_cache import EmbeddingCache  # noqa: E402
from clustering.language import Languages  # noqa: E402
from clustering.model_choice import resolved_model, with_model  # noqa: E402
from clustering.reduce import neighbourhood, reduce_vectors, reduce_vectors_cached  # noqa: E402
from clustering.settings import ClusterSettings, ReduceSettings, ThemeSettings  # noqa: E402
from clustering.themes import canonical_order  # noqa: E402
from eval_sets.scorer import NOISE, Score, language_dominated_share, score_labels  # noqa: E402

PACKAGES = ("sentence-transformers", "umap-learn", "hdbscan", "evoc", "numba", "torch")
BERTOPIC_UMAP = dict(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine")
BERTOPIC_MIN_CLUSTER_SIZE = 10
FIXED_STEPS = (0.3, 0.35, 0.4, 0.45, 0.48, 0.5, 0.55, 0.6, 0.65, 0.7)
Z_STEPS = (0.5, 1.0, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 6.0)
PROBABILITY_STEPS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7)
GLOSH_STEPS = (0.95, 0.9, 0.8, 0.7, 0.6, 0.5)
REDUCTIONS: Path | None = None  # UMAP coordinates cached here (under --cache); seconds then exclude UMAP
HELD_OUT_MARK = " [HELD OUT: reported only, never used to choose a default]"


def set_title(name: str) -> str:
    """A set's name as printed: held-out sets say so."""
    return name + (HELD_OUT_MARK if name in HELD_OUT else "")


@dataclass
class Row:
    """One method's figures on one set."""

    set: str
    method: str
    clusters: int
    ari: float
    ari_all: float
    nmi: float
    mean_f1: float
    recovered: float
    labelled_out: float
    oneoff_out: float | None
    language_dominated: float | None
    seconds: float
    seed: int | None = None


@dataclass
class Prepared:
    """A set composed, embedded and in canonical order."""

    data: LabelledSet
    vectors: np.ndarray
    notes: np.ndarray
    labels: pd.Series
    languages: pd.Series | None
    language_min_cases: int  # compose.language_min_cases of the settings it was composed with
    model: str | None = None  # the embed.model it was embedded with (`auto` made concrete for the set)


def row_of(prepared: Prepared, method: str, labels: np.ndarray, seconds: float) -> Row:
    """Figures of one labelling (-1 = unthemed) against the set's labels."""
    predicted = pd.Series(np.where(labels >= 0, labels.astype(str), None), dtype="string")
    s: Score = score_labels(predicted, prepared.labels)
    lang = language_dominated_share(predicted, prepared.languages) if prepared.languages is not None else None
    return Row(prepared.data.name, method, s.themes_found, s.ari_labelled, s.ari, s.nmi_labelled, s.mean_f1,
               s.recovered_share, s.planted_unthemed_share, s.noise_unthemed_share, lang, round(seconds, 2))


def prepare(name: str, settings: ThemeSettings, cache_root: Path) -> Prepared:
    """Load, compose and embed one set as the pipeline does (canonical order, embedding cache)."""
    data = load_set(name)
    order = canonical_order(data.cases)
    cases = data.cases.iloc[order].reset_index(drop=True)
    settings, choice = resolved_model(settings, cases)  # embed.model auto: as the pipeline chooses for this file
    if choice is not None:
        print(choice.reason())
    cache = EmbeddingCache(cache_root / "embeddings" / model_key(settings.embed))
    stats = EmbedStats()
    start = time.perf_counter()
    composed = compose(cases, settings.compose, settings.embed, cache, stats)
    languages = data.languages.iloc[order].reset_index(drop=True) if data.multilingual else None
    labels = data.labels.iloc[order].reset_index(drop=True)
    print(f"\n== set {set_title(name)}: {len(cases):,} rows, {labels[labels != NOISE].nunique()} labels, "
          f"{int((labels == NOISE).sum()):,} one-off/out-of-scope; embedded {stats.computed:,} texts, "
          f"{stats.cached:,} cached ({time.perf_counter() - start:.1f} s)", flush=True)
    return Prepared(data, composed.vectors, composed.note_vectors, labels, languages,
                    settings.compose.language_min_cases, settings.embed.model)


def languages_of(p: Prepared) -> Languages | None:
    """The set's languages as the pipeline hands them to the cluster stage (None for a set of one language)."""
    return Languages(p.languages, p.language_min_cases) if p.languages is not None else None


def umap_space(vectors: np.ndarray, reduce: ReduceSettings) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    space = reduce_vectors_cached(vectors, reduce, REDUCTIONS, layout=False)[0].cluster_space
    return space, time.perf_counter() - start


def bertopic_reduce(reduce: ReduceSettings) -> ReduceSettings:
    """BERTopic's UMAP parameters on our reduce settings (seed, init, fit sample: above `fit_sample` rows ours is
    fitted on a sample and transforms the rest, BERTopic fits all; kept anyway, for CLINC150 full within minutes)."""
    return reduce.model_copy(update=BERTOPIC_UMAP)


def is_bertopic_umap(reduce: ReduceSettings, n: int) -> bool:
    """Whether our UMAP space is BERTopic's: the same parameters once the default neighbourhood is resolved."""
    resolved = reduce.model_copy(update={"n_neighbors": neighbourhood(reduce, n)})
    return all(getattr(resolved, k) == v for k, v in BERTOPIC_UMAP.items())


def run_methods(p: Prepared, settings: ThemeSettings, with_variants: bool, curve: bool,
                peers_only: bool = False) -> tuple[list[Row], list]:
    """Every method on one prepared set; returns its rows and (with `curve`) its purity trade-off points.
    `peers_only`: ours and BERTopic's defaults alone (no EVoC, variants or curve)."""
    rows: list[Row] = []
    n = len(p.vectors)
    ours = resolved_purity(settings.cluster, settings.embed.for_channel("note").model)
    space, umap_s = (None, 0.0)
    needs_space = ours.backend == "umap_hdbscan" or with_variants or curve
    if needs_space:
        space, umap_s = umap_space(p.vectors, settings.reduce)
    start = time.perf_counter()
    clusters = cluster_cases(space if ours.backend == "umap_hdbscan" else None, p.vectors, ours, p.notes,
                             languages=languages_of(p))
    own = time.perf_counter() - start + (umap_s if ours.backend == "umap_hdbscan" else 0.0)
    rows.append(row_of(p, f"ours ({describe(ours)})", clusters.labels, own))

    # BERTopic's defaults
    bt_space, bt_umap = (space, umap_s) if space is not None and is_bertopic_umap(settings.reduce, n) else umap_space(
        p.vectors, bertopic_reduce(settings.reduce))
    start = time.perf_counter()
    bt = hdbscan_labels(bt_space, BERTOPIC_MIN_CLUSTER_SIZE, BERTOPIC_MIN_CLUSTER_SIZE, "eom")
    rows.append(row_of(p, "BERTopic defaults", bt, bt_umap + time.perf_counter() - start))

    if peers_only:
        return rows, []

    # EVoC: default layer and every other layer of one fit
    start = time.perf_counter()
    layers, persistent = evoc_layers(p.vectors, ClusterSettings(seed=ours.seed))
    evoc_s = time.perf_counter() - start
    for i, layer in enumerate(layers):
        tag = "default layer" if i == persistent else "layer"
        rows.append(row_of(p, f"EVoC {tag} {i} of {len(layers)}", layer, evoc_s))

    points = []
    if with_variants or curve:
        min_size = ours.min_cluster_size or auto_min_cluster_size(n)
        raw = hdbscan_labels(space, min_size, ours.min_samples or auto_min_samples(min_size), ours.selection)
        base = {"umap_hdbscan": raw, **{f"evoc layer {i}": lab for i, lab in enumerate(layers)}}
        if with_variants:
            rows += variants(p, ours, space, raw, layers, persistent, umap_s, evoc_s)
        if curve:
            points = trade_off(p, ours, space, base, min_size)
    return rows, points


def describe(s: ClusterSettings) -> str:
    purity = {"global": f"global z={s.purity_z:g}", "spread": f"spread z={s.purity_z:g}",
              "fixed": f"fixed {s.member_similarity:g}", "off": "no purity"}
    backend = s.backend if s.backend == "umap_hdbscan" else (
        f"evoc layer {'default' if s.evoc_layer is None else s.evoc_layer}")
    return f"{backend}, {purity[s.purity]}"


def variants(p: Prepared, ours: ClusterSettings, space: np.ndarray, raw: np.ndarray, layers: list[np.ndarray],
             persistent: int, umap_s: float, evoc_s: float) -> list[Row]:
    """Variants of our cluster stage on the same UMAP space and EVoC layers."""
    n = len(p.vectors)
    rows = []
    tries: list[tuple[str, ClusterSettings, np.ndarray | None, float]] = []
    for purity in ({"purity": "off"}, {"purity": "fixed", "member_similarity": 0.48},
                   {"purity": "global", "purity_z": 2.0}, {"purity": "spread", "purity_z": 2.0},
                   {"purity": "spread", "purity_z": 3.0}):
        s = ours.model_copy(update={"backend": "umap_hdbscan", **purity})
        tries.append((f"umap_hdbscan, {describe(s).split(', ')[1]}", s, raw, umap_s))
    for scale, label in ((0.002, "0.2%"), (0.001, "0.1%")):
        size = max(max(5, min(14, n // 10)), round(scale * n))
        s = ours.model_copy(update={"backend": "umap_hdbscan", "min_cluster_size": size})
        tries.append((f"umap_hdbscan, smallest theme {label} ({size}), {describe(s).split(', ')[1]}", s, None, umap_s))
    size = ours.min_cluster_size or auto_min_cluster_size(n)
    for ms in (5, size):
        s = ours.model_copy(update={"backend": "umap_hdbscan", "min_samples": ms})
        label = f"min_samples {ms}" if ms == 5 else f"min_samples = smallest theme ({ms})"
        tries.append((f"umap_hdbscan, {label}, {describe(s).split(', ')[1]}", s, None, umap_s))
    s = ours.model_copy(update={"backend": "umap_hdbscan", "min_samples": size, "purity": "off"})
    tries.append((f"umap_hdbscan, min_samples = smallest theme, {describe(s).split(', ')[1]}", s, None, umap_s))
    s = ours.model_copy(update={"backend": "umap_hdbscan", "selection": "leaf"})
    tries.append((f"umap_hdbscan, leaf selection, {describe(s).split(', ')[1]}", s, None, umap_s))
    for i in sorted({persistent, min(persistent + 1, len(layers) - 1), max(persistent - 1, 0)}):
        s = ours.model_copy(update={"backend": "evoc", "evoc_layer": i})
        tries.append((f"evoc layer {i}, {describe(s).split(', ')[1]}", s, layers[i], evoc_s))
    for name, s, labels, base_s in tries:
        start = time.perf_counter()
        clusters = cluster_cases(space, p.vectors, s, p.notes, raw_labels=labels, languages=languages_of(p))
        rows.append(row_of(p, f"  variant: {name}", clusters.labels, base_s + time.perf_counter() - start))
    return rows


def trade_off(p: Prepared, ours: ClusterSettings, space: np.ndarray, base: dict[str, np.ndarray],
              min_size: int) -> list[dict]:
    """Purity criteria swept on the same backend clusters: labelled / one-off rows left out, ARI, mean F1."""
    import hdbscan

    points = []

    def add(backend: str, criterion: str, param: float, labels: np.ndarray) -> None:
        r = row_of(p, "", labels, 0.0)
        points.append({"set": p.data.name, "backend": backend, "criterion": criterion, "param": param,
                       "labelled_out": r.labelled_out, "oneoff_out": r.oneoff_out, "ari": r.ari,
                       "ari_all": r.ari_all, "mean_f1": r.mean_f1, "clusters": r.clusters})

    def dissolve_small(labels: np.ndarray) -> np.ndarray:
        labels = labels.copy()
        for label in np.unique(labels[labels >= 0]):
            if np.sum(labels == label) < smallest_kept(min_size):
                labels[labels == label] = UNTHEMED
        return labels

    for backend, raw in base.items():
        add(backend, "off", 0, raw)
        for t in FIXED_STEPS:
            add(backend, "fixed", t, purify(p.notes, raw, ours.model_copy(update={"purity": "fixed",
                                                                                  "member_similarity": t}), min_size))
        for criterion in ("spread", "global"):
            for z in Z_STEPS:
                add(backend, criterion, z, purify(p.notes, raw, ours.model_copy(
                    update={"purity": criterion, "purity_z": z}), min_size))
    model = hdbscan.HDBSCAN(min_cluster_size=min_size, min_samples=ours.min_samples or auto_min_samples(min_size),
                            cluster_selection_method=ours.selection, core_dist_n_jobs=1).fit(space)
    raw = model.labels_.astype(np.int64)
    for prob in PROBABILITY_STEPS:
        add("umap_hdbscan", "hdbscan probability", prob, dissolve_small(np.where(model.probabilities_ < prob,
                                                                                 UNTHEMED, raw)))
    scores = np.nan_to_num(model.outlier_scores_, nan=1.0)
    for q in GLOSH_STEPS:
        cut = np.quantile(scores[raw >= 0], q) if (raw >= 0).any() else 1.0
        add("umap_hdbscan", "GLOSH quantile", q, dissolve_small(np.where(scores > cut, UNTHEMED, raw)))
    return points


def print_rows(rows: list[Row]) -> None:
    print(f"{'method':<62} {'clus':>5} {'ARI':>6} {'ARIall':>6} {'NMI':>6} {'F1':>6} {'recov':>6} {'lab out':>7} "
          f"{'one-off out':>11} {'lang>80%':>8} {'s':>7}")
    for r in rows:
        oneoff = f"{r.oneoff_out:.1%}" if r.oneoff_out is not None else "-"
        lang = f"{r.language_dominated:.0%}" if r.language_dominated is not None else "-"
        print(f"{r.method[:62]:<62} {r.clusters:>5} {r.ari:>6.3f} {r.ari_all:>6.3f} {r.nmi:>6.3f} {r.mean_f1:>6.3f} "
              f"{r.recovered:>6.0%} {r.labelled_out:>7.1%} {oneoff:>11} {lang:>8} {r.seconds:>7.1f}", flush=True)


def print_curve(points: list[dict]) -> None:
    print("purity trade-off (same backend clusters): criterion param -> labelled out / one-off out / ARI / F1")
    for p in points:
        oneoff = f"{p['oneoff_out']:.1%}" if p["oneoff_out"] is not None else "-"
        print(f"  {p['backend']:<14} {p['criterion']:<20} {p['param']:>5g}  {p['labelled_out']:>6.1%}  {oneoff:>6}  "
              f"{p['ari']:.3f}  {p['mean_f1']:.3f}  ({p['clusters']} clusters)")


def warm_up(rows: int = 600) -> None:
    """Compile numba's UMAP and EVoC code once, so that no method's time includes it (UMAP's NN-descent, used
    above 4,096 rows, still compiles in the first large set)."""
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(rows, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    reduce_vectors(vectors, ReduceSettings(), layout=False)
    evoc_layers(vectors, ClusterSettings())
    print(f"warm-up (numba compilation): {time.perf_counter() - start:.1f} s", flush=True)


def seeded(settings: ThemeSettings, seed: int) -> ThemeSettings:
    """The settings with UMAP's and EVoC's random state set to `seed`."""
    return settings.model_copy(update={"reduce": settings.reduce.model_copy(update={"seed": seed}),
                                       "cluster": settings.cluster.model_copy(update={"seed": seed})})


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(available_sets()), help="comma list of sets")
    parser.add_argument("--cache", type=Path, default=Path("workspace/cache"),
                        help="cache root (embeddings under <cache>/embeddings/<model key>)")
    parser.add_argument("--config", type=Path, default=None, help="theme settings file (YAML) to test")
    parser.add_argument("--out", type=Path, default=None, help="write every row (and curve point) as JSON here")
    parser.add_argument("--curve", action="store_true", help="print the purity trade-off curve per set")
    parser.add_argument("--reuse-umap", action="store_true",
                        help="cache UMAP coordinates under <cache>/reductions (re-runs skip UMAP)")
    parser.add_argument("--variants", action="store_true", help="also run variants of our cluster stage")
    parser.add_argument("--seeds", type=int, default=1,
                        help="run every method with this many seeds (from the settings' seed); print mean ± sd")
    args = parser.parse_args()
    args.sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    return args


def main() -> None:
    args = parse_args()
    if args.config is not None:
        from assistant.config import load_settings

        settings = load_settings(args.config, environ={}).theme
    else:
        settings = ThemeSettings()
    settings.embed.progress = False
    if args.reuse_umap:
        global REDUCTIONS
        REDUCTIONS = args.cache / "reductions"
    print(machine_line(*PACKAGES))
    print(f"settings: {settings.model_dump_json(exclude={'describe'})}")
    warnings.filterwarnings("ignore", message=".*n_jobs value.*")
    warm_up()
    seeds = [settings.reduce.seed + i for i in range(max(1, args.seeds))]
    if len(seeds) > 1:
        print(f"seeds: {', '.join(map(str, seeds))} (UMAP random_state, shared by ours and BERTopic's; EVoC's)")
    all_rows, all_points, summary, summary_curve = [], [], [], []
    for name in args.sets:
        prepared = prepare(name, settings, args.cache)
        per_seed, set_points = [], []
        for seed in seeds:
            rows, points = run_methods(prepared, seeded(with_model(settings, prepared.model), seed), args.variants,
                                       args.curve)
            if len(seeds) > 1:
                print(f"-- {name}, seed {seed}")
            print_rows(rows)
            if points and len(seeds) == 1:
                print_curve(points)
            for row in rows:
                row.seed = seed
            for point in points:
                point["seed"] = seed
            per_seed.append(with_best_evoc(rows))
            all_rows += rows
            set_points += points
        if name in ATTRIBUTION:
            print(f"data: {ATTRIBUTION[name]}")
        if len(seeds) > 1:
            print(f"== {set_title(name)}: mean ± sd over {len(seeds)} seeds")
            summary += (set_summary := summarise(per_seed))
            print_seed_rows(set_summary)
            if set_points:
                summary_curve += (set_curve := summarise_curve(set_points))
                print_curve(set_curve)
        all_points += set_points
        if args.out:
            args.out.write_text(json.dumps({"settings": settings.model_dump(mode="json"), "seeds": seeds,
                                            "held_out": sorted(HELD_OUT & set(args.sets)),
                                            "rows": [asdict(r) for r in all_rows], "curve": all_points,
                                            "summary": [asdict(r) for r in summary], "summary_curve": summary_curve},
                                           indent=1))
    print(f"\npeak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()

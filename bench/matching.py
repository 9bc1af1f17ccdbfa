"""Benchmark: when are two themes "the same theme"? A fixed cosine against a bar relative to the themes' spread.

    python bench/matching.py [--sets demo,marketplace,...] [--cache CACHE] [--config settings.yaml]
                             [--halves 2] [--held-out fieldnotes] [--out results.json]

The registry, the digest ("same theme as last week's", "likely split") and known themes ("absorb") decide that
two themes are one when their centres are close. Measured here on every labelled set: its rows are cut at random
into two halves (two "weeks"; `--halves` draws), each half is clustered by the real cluster stage, and each theme
of the second half is matched one-to-one to the first half's themes (`clustering.tracking.match_centroids`).
A pair is right when both themes have the same majority planted label (themes whose majority is a one-off are
left out). Per rule and parameter: precision and recall of the pairs and their F1, per set.
Rules: `fixed` (cosine >= t, today's 0.8) and `spreads` (cosine distance <= f x the median within-theme spread
of the second half, 1 - cohesion: `clustering.tracking.same_theme_threshold`). The parameter of each rule is
chosen by leave-one-set-out (fit on all sets but one, the F1 on the one left out); sets in `--held-out` are
never fitted on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line  # noqa: E402
from quality import prepare  # noqa: E402
from quality_sets import available_sets  # noqa: E402

from clustering.cluster import cluster_cases, resolved_purity  # noqa: E402
from clustering.reduce import reduce_vectors  # noqa: E402
from clustering.settings import ThemeSettings  # noqa: E402
from clustering.tracking import match_centroids  # noqa: E402
from eval_sets.scorer import NOISE  # noqa: E402

FIXED = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)
SPREADS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2, 1.5)


def themes_of(vectors: np.ndarray, notes: np.ndarray, labels: pd.Series, settings: ThemeSettings,
              note_model: str | None) -> dict:
    """Cluster one half: centroids, spreads and majority labels of its themes."""
    space = reduce_vectors(vectors, settings.reduce, layout=False).cluster_space
    clusters = cluster_cases(space, vectors, resolved_purity(settings.cluster, note_model), notes)
    out = {"centroids": {}, "spreads": [], "label": {}}
    for k in range(len(clusters.centroids)):
        members = clusters.labels == k
        out["centroids"][str(k)] = clusters.centroids[k]
        out["spreads"].append(1.0 - float(clusters.similarity[members].mean()))
        out["label"][str(k)] = labels[members].value_counts().idxmax()
    return out


def pair_scores(a: dict, b: dict, threshold: float) -> tuple[int, int, int]:
    """(right pairs, pairs made, pairs to find) when b's themes are matched to a's at `threshold`."""
    result = match_centroids(b["centroids"], a["centroids"], threshold)
    made = [(m.current, m.previous) for m in result.matches
            if b["label"][m.current] != NOISE and a["label"][m.previous] != NOISE]
    right = sum(b["label"][c] == a["label"][p] for c, p in made)
    ours, theirs = (pd.Series([lab for lab in t["label"].values() if lab != NOISE], dtype=object).value_counts()
                    for t in (a, b))
    to_find = int(np.minimum(ours, theirs.reindex(ours.index, fill_value=0)).sum())  # one-to-one: at most this many
    return right, len(made), to_find


def f1(right: int, made: int, to_find: int) -> float:
    precision = right / made if made else 1.0
    recall = right / to_find if to_find else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(available_sets()))
    parser.add_argument("--cache", type=Path, default=Path("workspace/cache"))
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--halves", type=int, default=2, help="random cuts into two halves per set")
    parser.add_argument("--held-out", default="fieldnotes")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.config is not None:
        from assistant.config import load_settings

        settings = load_settings(args.config, environ={}).theme
    else:
        settings = ThemeSettings()
    settings.embed.progress = False
    held_out = set(args.held_out.split(","))
    print(machine_line("umap-learn", "hdbscan"))
    print(f"embed: {settings.embed.model_dump_json()}")
    note_model = settings.embed.for_channel("note").model
    channel_models_unset = "note" not in settings.embed.channel_models
    table: dict[tuple[str, float], dict[str, list]] = {}
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    for name in sets:
        p = prepare(name, settings, args.cache)
        if channel_models_unset:  # embed.model auto: the model this set got
            note_model = p.model
        start = time.perf_counter()
        medians = []
        for draw in range(args.halves):
            rng = np.random.default_rng(draw)
            first = rng.random(len(p.vectors)) < 0.5
            halves = [themes_of(p.vectors[rows], p.notes[rows], p.labels[rows].reset_index(drop=True), settings,
                                note_model) for rows in (first, ~first)]
            median = float(np.median(halves[1]["spreads"])) if halves[1]["spreads"] else 0.0
            medians.append(median)
            for rule, params in (("fixed", FIXED), ("spreads", SPREADS)):
                for q in params:
                    threshold = q if rule == "fixed" else 1.0 - q * median
                    table.setdefault((rule, q), {}).setdefault(name, []).append(pair_scores(*halves, threshold))
        print(f"{name}: median within-theme spread {statistics.fmean(medians):.3f} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)

    def set_f1(rule: str, q: float, name: str) -> float:
        right, made, to_find = (sum(t[i] for t in table[(rule, q)][name]) for i in range(3))
        return f1(right, made, to_find)

    for rule, params in (("fixed", FIXED), ("spreads", SPREADS)):
        print(f"\n== rule {rule}: pair F1 per set and parameter")
        print(f"{'param':>6} " + " ".join(f"{s[:11]:>11}" for s in sets))
        for q in params:
            print(f"{q:>6g} " + " ".join(f"{set_f1(rule, q, s):>11.3f}" for s in sets))
        print(f"leave-one-set-out ({rule}): parameter fitted on the others -> F1 on the one left out")
        fitting = [s for s in sets if s not in held_out]
        scores = []
        for left in sets:
            others = [s for s in fitting if s != left]
            best = max(params, key=lambda q: statistics.fmean(set_f1(rule, q, s) for s in others))
            score = set_f1(rule, best, left)
            if left not in held_out:
                scores.append(score)
            print(f"  {left:<12} {best:>6g} {score:.3f}{'  (held out)' if left in held_out else ''}")
        overall = max(params, key=lambda q: statistics.fmean(set_f1(rule, q, s) for s in fitting))
        print(f"  mean left-out F1 {statistics.fmean(scores):.3f}; fitted on all fitting sets: {overall:g}")
    if args.out:
        args.out.write_text(json.dumps({f"{rule} {q}": {s: table[(rule, q)][s] for s in sets}
                                        for rule, q in table}, indent=1))


if __name__ == "__main__":
    main()

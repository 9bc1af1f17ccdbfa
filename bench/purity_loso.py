"""Benchmark: the purity criterion chosen by leave-one-set-out, from `bench/quality.py --curve --out` results.

    python bench/purity_loso.py RESULTS.json [--held-out fieldnotes] [--backend umap_hdbscan]

`quality.py --curve` sweeps every purity criterion and parameter on the same backend clusters of each set
(labelled rows left out, one-off rows left out, ARI on the labelled rows, ARI on all rows with the one-offs as a
label of their own, mean best-match F1). Here, for each criterion (fixed bar, global z, spread z, HDBSCAN
probability, GLOSH quantile) and for "off":
- the parameter is fitted on every set but one (the one whose mean ARI over all rows is highest: it rewards
  keeping planted rows and leaving one-offs out alike; on sets without one-offs it is the labelled ARI), and the
  figures are reported on the set left out: the left-out figure is the one that counts;
- sets named by `--held-out` are never fitted on: each is reported with the parameter fitted on all other sets.
The last table compares the criteria by their mean left-out ARI over all rows, and gives each criterion's
parameter fitted on all fitting sets (what a default would be).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line  # noqa: E402

FIGURES = ("labelled_out", "oneoff_out", "ari", "ari_all", "mean_f1")


def load_points(paths: list[Path], backend: str) -> list[dict]:
    """Curve points of one backend (averaged over seeds when the file has them)."""
    points = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = data.get("summary_curve") or data.get("curve") or []
        points += [p for p in found if p["backend"] == backend]
    return points


def objective(point: dict) -> float:
    """What a parameter is fitted to: ARI over all rows (one-offs a label of their own)."""
    return point["ari_all"] if point.get("ari_all") is not None else point["ari"]


def fit(table: dict[str, dict[float, dict]], sets: list[str]) -> float | None:
    """The parameter with the highest mean objective over `sets` (ties: the smaller parameter)."""
    params = set.intersection(*(set(table[s]) for s in sets)) if sets else set()
    if not params:
        return None
    return max(sorted(params), key=lambda q: statistics.fmean(objective(table[s][q]) for s in sets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path, help="quality.py --curve --out JSON files")
    parser.add_argument("--held-out", default="fieldnotes", help="comma list of sets never fitted on")
    parser.add_argument("--backend", default="umap_hdbscan")
    args = parser.parse_args()
    held_out = {s for s in args.held_out.split(",") if s}
    points = load_points(args.results, args.backend)
    by_criterion: dict[str, dict[str, dict[float, dict]]] = defaultdict(lambda: defaultdict(dict))
    for p in points:
        by_criterion[p["criterion"]][p["set"]][float(p["param"])] = p
    print(machine_line())
    print(f"results: {', '.join(map(str, args.results))}; backend {args.backend}; held out: {sorted(held_out)}")
    summary = []
    for criterion, table in by_criterion.items():
        sets = sorted(table)
        fitting = [s for s in sets if s not in held_out]
        print(f"\n== {criterion}")
        print(f"{'left out':<14} {'param':>7} {'lab out':>8} {'one-off out':>11} {'ARI':>6} {'ARIall':>6} {'F1':>6}"
              f"   {'in-set param':>12} {'ARIall':>6}")
        left_out_scores = []
        for left in sets:
            others = [s for s in fitting if s != left]
            param = fit(table, others)
            inset = fit(table, [left])
            if param is None or param not in table[left]:
                continue
            p, best = table[left][param], table[left][inset]
            oneoff = f"{p['oneoff_out']:.1%}" if p.get("oneoff_out") is not None else "-"
            tag = " (held out)" if left in held_out else ""
            print(f"{left + tag:<14} {param:>7g} {p['labelled_out']:>8.1%} {oneoff:>11} {p['ari']:>6.3f} "
                  f"{objective(p):>6.3f} {p['mean_f1']:>6.3f}   {inset:>12g} {objective(best):>6.3f}")
            if left not in held_out:
                left_out_scores.append(objective(p))
        overall = fit(table, fitting)
        if left_out_scores:
            summary.append((criterion, statistics.fmean(left_out_scores), overall))
    print("\n== criteria by mean left-out ARI over all rows (fitting sets only)")
    for criterion, score, param in sorted(summary, key=lambda t: -t[1]):
        print(f"  {criterion:<22} {score:.3f}   parameter fitted on all fitting sets: {param:g}")


if __name__ == "__main__":
    main()

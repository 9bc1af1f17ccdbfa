"""Benchmark: the purity criterion chosen by leave-one-set-out, from `bench/quality.py --curve --out` results.

    python bench/purity_loso.py RESULTS.json [--held-out fieldnotes] [--backend umap_hdbscan]

`quality.py --curve` sweeps every purity criterion and parameter on the same backend clusters of each set
(labelled rows left out, one-off rows left out, ARI on the labelled rows, ARI on all rows with the one-offs as a
label of their own, mean best-match F1). Here, for each criterion (fixed bar, global z, spread z, HDBSCAN
probability, GLOSH quantile) and for "off":
- the parameter is fitted on every set but one, and the figures are reported on the set left out: the left-out
  figure is the one that counts. `--objective target` (default) fits to the targets: the highest mean ARI on the
  labelled rows among the parameters that leave at least `--oneoffs` (40%) of the one-off rows out on average
  over the fitting sets that have them (the parameter that leaves most out when none does); `ari_all`: the
  highest mean ARI over all rows (one-offs a label of their own: it rewards keeping planted rows and leaving
  one-offs out alike);
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
    """ARI over all rows (one-offs a label of their own)."""
    return point["ari_all"] if point.get("ari_all") is not None else point["ari"]


def fit(table: dict[str, dict[float, dict]], sets: list[str], how: str = "target", oneoffs: float = 0.4
        ) -> float | None:
    """The parameter fitted on `sets` (ties: the smaller parameter); see the module's note on `how`."""
    params = sorted(set.intersection(*(set(table[s]) for s in sets))) if sets else []
    if not params:
        return None
    if how == "ari_all":
        return max(params, key=lambda q: statistics.fmean(objective(table[s][q]) for s in sets))

    def left_out(q: float) -> float | None:
        known = [table[s][q]["oneoff_out"] for s in sets if table[s][q].get("oneoff_out") is not None]
        return statistics.fmean(known) if known else None

    enough = [q for q in params if left_out(q) is None or left_out(q) >= oneoffs]
    if not enough:
        return max(params, key=lambda q: left_out(q) or 0.0)
    return max(enough, key=lambda q: statistics.fmean(table[s][q]["ari"] for s in sets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path, help="quality.py --curve --out JSON files")
    parser.add_argument("--held-out", default="fieldnotes", help="comma list of sets never fitted on")
    parser.add_argument("--backend", default="umap_hdbscan")
    parser.add_argument("--objective", choices=("target", "ari_all"), default="target")
    parser.add_argument("--oneoffs", type=float, default=0.4, help="target: one-off rows left out at least")
    args = parser.parse_args()
    held_out = {s for s in args.held_out.split(",") if s}
    points = load_points(args.results, args.backend)
    by_criterion: dict[str, dict[str, dict[float, dict]]] = defaultdict(lambda: defaultdict(dict))
    for p in points:
        by_criterion[p["criterion"]][p["set"]][float(p["param"])] = p
    print(machine_line())
    print(f"results: {', '.join(map(str, args.results))}; backend {args.backend}; held out: {sorted(held_out)}; "
          f"objective {args.objective}" + (f" (one-offs out >= {args.oneoffs:.0%})" if args.objective == "target"
                                            else ""))
    summary = []
    for criterion, table in by_criterion.items():
        sets = sorted(table)
        fitting = [s for s in sets if s not in held_out]
        print(f"\n== {criterion}")
        print(f"{'left out':<14} {'param':>7} {'lab out':>8} {'one-off out':>11} {'ARI':>6} {'ARIall':>6} {'F1':>6}"
              f"   {'in-set param':>12} {'ARIall':>6}")
        left_out_scores, left_out_oneoffs = [], []
        for left in sets:
            others = [s for s in fitting if s != left]
            param = fit(table, others, args.objective, args.oneoffs)
            inset = fit(table, [left], args.objective, args.oneoffs)
            if param is None or param not in table[left]:
                continue
            p, best = table[left][param], table[left][inset]
            oneoff = f"{p['oneoff_out']:.1%}" if p.get("oneoff_out") is not None else "-"
            tag = " (held out)" if left in held_out else ""
            print(f"{left + tag:<14} {param:>7g} {p['labelled_out']:>8.1%} {oneoff:>11} {p['ari']:>6.3f} "
                  f"{objective(p):>6.3f} {p['mean_f1']:>6.3f}   {inset:>12g} {objective(best):>6.3f}")
            if left not in held_out:
                left_out_scores.append(p["ari"] if args.objective == "target" else objective(p))
                if p.get("oneoff_out") is not None:
                    left_out_oneoffs.append(p["oneoff_out"])
        overall = fit(table, fitting, args.objective, args.oneoffs)
        if left_out_scores:
            oneoffs = statistics.fmean(left_out_oneoffs) if left_out_oneoffs else float("nan")
            summary.append((criterion, statistics.fmean(left_out_scores), overall, oneoffs))
    what = "ARI on the labelled rows" if args.objective == "target" else "ARI over all rows"
    print(f"\n== criteria by mean left-out {what} (fitting sets only)")
    for criterion, score, param, oneoffs in sorted(summary, key=lambda t: -t[1]):
        print(f"  {criterion:<22} {score:.3f}   one-offs left out {oneoffs:.1%}   parameter fitted on all fitting "
              f"sets: {param:g}")


if __name__ == "__main__":
    main()

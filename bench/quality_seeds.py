"""Figures of `bench/quality.py` over several seeds: each method's row as mean ± sd.

A seed moves UMAP (ours and BERTopic's defaults share the seeded coordinates) and EVoC. EVoC's layers differ in
number from seed to seed, so its rows are summarised as its default (most persistent) layer and its best layer by
ARI on that seed (an oracle pick, shown for reference).
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, fields

FIGURES = ("clusters", "ari", "ari_all", "nmi", "mean_f1", "recovered", "labelled_out", "oneoff_out",
           "language_dominated", "seconds")
EVOC_DEFAULT = "EVoC default layer"
EVOC_BEST = "EVoC best layer (by ARI)"


@dataclass
class Spread:
    """Mean and sample standard deviation of one figure over the seeds (None: not defined for this set)."""

    mean: float | None
    sd: float | None


@dataclass
class SeedRow:
    """One method on one set over `seeds` seeds."""

    set: str
    method: str
    seeds: int
    figures: dict[str, Spread]


def seed_method(method: str) -> str | None:
    """The name a row is summarised under across seeds (None: an EVoC layer other than the default)."""
    if method.startswith("EVoC default layer"):
        return EVOC_DEFAULT
    if method.startswith("EVoC layer"):
        return None
    return method


def with_best_evoc(rows: list) -> list:
    """One seed's rows with EVoC's layers reduced to its default layer and its best layer by ARI."""
    out, evoc = [], []
    for row in rows:
        if row.method.startswith("EVoC"):
            evoc.append(row)
        name = seed_method(row.method)
        if name is not None:
            out.append(type(row)(**{**asdict(row), "method": name}))
    if evoc:
        best = max(evoc, key=lambda r: r.ari)
        out.append(type(best)(**{**asdict(best), "method": EVOC_BEST}))
    return out


def spread(values: list[float | None]) -> Spread:
    known = [float(v) for v in values if v is not None]
    if not known:
        return Spread(None, None)
    return Spread(statistics.fmean(known), statistics.stdev(known) if len(known) > 1 else 0.0)


def summarise(per_seed: list[list]) -> list[SeedRow]:
    """Rows of every seed (each list one seed's rows, as `with_best_evoc` gives them) to one row per set and
    method, in the order of their first appearance."""
    groups: dict[tuple[str, str], list] = {}
    for rows in per_seed:
        for row in rows:
            groups.setdefault((row.set, row.method), []).append(row)
    names = {f.name for f in fields(per_seed[0][0])} if per_seed and per_seed[0] else set(FIGURES)
    return [SeedRow(set_name, method, len(rows),
                    {k: spread([getattr(r, k) for r in rows]) for k in FIGURES if k in names})
            for (set_name, method), rows in groups.items()]


def _fmt(s: Spread, kind: str) -> str:
    if s.mean is None:
        return "-"
    if kind == "pct":
        return f"{s.mean:.1%}±{s.sd:.1%}".replace("%±", "±")
    if kind == "int":
        return f"{s.mean:.0f}±{s.sd:.0f}"
    if kind == "sec":
        return f"{s.mean:.1f}"
    return f"{s.mean:.3f}±{s.sd:.3f}"


COLUMNS = (("clus", "clusters", "int", 8), ("ARI", "ari", "num", 12), ("ARIall", "ari_all", "num", 12),
           ("NMI", "nmi", "num", 12), ("F1", "mean_f1", "num", 12), ("recov", "recovered", "pct", 11),
           ("lab out", "labelled_out", "pct", 11), ("one-off out", "oneoff_out", "pct", 11),
           ("lang>80%", "language_dominated", "pct", 11), ("s", "seconds", "sec", 6))


def print_seed_rows(rows: list[SeedRow]) -> None:
    """The rows as a text table: each figure mean±sd (shares in %, sd in points)."""
    print(f"{'method (mean±sd over seeds)':<58} {'n':>2} " + " ".join(f"{h:>{w}}" for h, _, _, w in COLUMNS))
    for r in rows:
        cells = " ".join(f"{_fmt(r.figures[k], kind):>{w}}" for _, k, kind, w in COLUMNS if k in r.figures)
        print(f"{r.method[:58]:<58} {r.seeds:>2} {cells}", flush=True)


def summarise_curve(points: list[dict]) -> list[dict]:
    """Trade-off points of every seed averaged per set, backend, criterion and parameter."""
    groups: dict[tuple, list[dict]] = {}
    for p in points:
        groups.setdefault((p["set"], p["backend"], p["criterion"], p["param"]), []).append(p)
    out = []
    for (set_name, backend, criterion, param), group in groups.items():
        point = {"set": set_name, "backend": backend, "criterion": criterion, "param": param, "seeds": len(group)}
        for k in ("labelled_out", "oneoff_out", "ari", "ari_all", "mean_f1", "clusters"):
            s = spread([g.get(k) for g in group])
            point[k] = s.mean
            point[f"{k}_sd"] = s.sd
        point["clusters"] = round(point["clusters"]) if point["clusters"] is not None else 0
        out.append(point)
    return out

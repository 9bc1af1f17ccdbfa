"""Benchmark: known themes assign first, on two consecutive windows of the planted sets.

    python bench/known_themes.py [--cache /work/bench-cache] [--set demo:2026-W46:2026-W47 ...]

A window is one ISO week or several joined by commas (`demo:2026-W42,2026-W43:2026-W44,2026-W45`).

Window 1 is clustered as usual and every theme it finds is marked known (centre + spread of its members). Window
2 is then clustered twice: with the known themes assigning first, and without. Each known theme stands for the
planted label of most of its window-1 members. Figures per set: the known themes' recall of their planted labels'
window-2 cases, precision (share of assigned cases whose planted label is the theme's; and, looser, the share whose
label was already among the theme's window-1 members: a known theme carries its window-1 make-up forward, so its
window-1 purity bounds its precision), one-off errors (planted `noise`) pulled into a known theme, and ARI / mean F1
of the whole window-2 run with and without known assignment.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line  # noqa: E402

from clustering.known import KnownTheme, membership_bar, spread_of  # noqa: E402
from clustering.load import load_cases  # noqa: E402
from clustering.settings import ThemeSettings  # noqa: E402
from clustering.themes import ThemeResult, find_themes  # noqa: E402
from eval_sets import DEMO_DIR  # noqa: E402
from eval_sets.scorer import NOISE, read_labels, score_labels  # noqa: E402

SETS = ("demo:2026-W46:2026-W47", "marketplace:2026-W44:2026-W45", "marketplace:2026-W46:2026-W47",
        "demo:2026-W42,2026-W43,2026-W44:2026-W45,2026-W46,2026-W47", "marketplace:2026-W44,2026-W45:2026-W46,2026-W47")


def known_themes(result: ThemeResult) -> list[KnownTheme]:
    """Every theme of a run as a known theme: its centre and the spread of its members' similarities."""
    out = []
    for theme in result.themes:
        members = result.assignments.loc[result.assignments["theme_id"] == theme.theme_id, "similarity"]
        out.append(KnownTheme(theme.theme_id, tuple(theme.centroid), spread_of(members.to_numpy())))
    return out


def make_up(result: ThemeResult, labels: pd.Series) -> dict[str, pd.Series]:
    """Each theme's planted labels among its members, commonest first (shares)."""
    frame = result.assignments.assign(label=labels.loc[result.assignments["case_id"].astype(str)].to_numpy())
    themed = frame.dropna(subset=["theme_id"])
    return {str(t): g["label"].fillna(NOISE).value_counts(normalize=True) for t, g in themed.groupby("theme_id")}


def known_figures(result: ThemeResult, labels: pd.Series, makeup: dict[str, pd.Series]) -> dict:
    """Recall, precision and noise pulled in by the known themes of a window-2 run."""
    planted = {t: str(m.index[0]) for t, m in makeup.items()}
    frame = result.assignments.assign(label=labels.loc[result.assignments["case_id"].astype(str)].to_numpy())
    frame["label"] = frame["label"].fillna(NOISE)
    by_theme = {t.theme_id: t.known_id for t in result.themes if t.known_id}
    frame["known"] = frame["theme_id"].map(by_theme)
    frame["known_label"] = frame["known"].map(planted)
    assigned = frame[frame["assigned_known"]]
    targets = {lab for lab in planted.values() if lab != NOISE}
    in_targets = frame[frame["label"].isin(targets)]
    hits = int((assigned["label"] == assigned["known_label"]).sum())
    seen = sum(int(lab in makeup[k].index and lab != NOISE) for lab, k in zip(assigned["label"], assigned["known"]))
    caught = int((in_targets["label"] == in_targets["known_label"]).sum())
    noise = frame["label"] == NOISE
    wrong = assigned.loc[assigned["label"] != assigned["known_label"], "label"].value_counts()
    return {"cases": len(frame), "assigned": len(assigned), "hits": hits, "target_cases": len(in_targets),
            "recall": caught / len(in_targets) if len(in_targets) else float("nan"),
            "precision": hits / len(assigned) if len(assigned) else float("nan"),
            "in_make_up": seen / len(assigned) if len(assigned) else float("nan"),
            "noise_in": int((assigned["label"] == NOISE).sum()), "noise": int(noise.sum()),
            "wrong": ", ".join(f"{lab} {n}" for lab, n in wrong.items()) or "none",
            "per_label": {lab: (int(((in_targets["label"] == lab) & (in_targets["known_label"] == lab)).sum()),
                                int((in_targets["label"] == lab).sum())) for lab in sorted(targets)}}


def run_set(spec: str, settings: ThemeSettings, cache: Path) -> None:
    name, week1, week2 = spec.split(":")
    path = DEMO_DIR.parent / name / "cases.csv"
    cases = load_cases(path).cases
    labels = read_labels(path, "theme")
    first = find_themes(cases[cases["week"].isin(week1.split(","))].reset_index(drop=True), settings, cache, True)
    known = known_themes(first)
    makeup = make_up(first, labels)
    planted = {t: str(m.index[0]) for t, m in makeup.items()}
    window2 = cases[cases["week"].isin(week2.split(","))].reset_index(drop=True)
    with_known = find_themes(window2, settings, cache, True, known)
    without = find_themes(window2, settings, cache, True)
    fig = known_figures(with_known, labels, makeup)
    scores = {k: score_labels(r.assignments["theme_id"], labels.loc[r.assignments["case_id"].astype(str)]
                              .reset_index(drop=True)) for k, r in (("with", with_known), ("without", without))}
    print(f"\n## {name}: {week1} ({len(first.assignments)} misjudged, {len(known)} themes marked known) -> {week2} "
          f"({fig['cases']} misjudged)")
    print("known theme  planted label (window 1)            purity  bar    caught / label's window-2 cases")
    for theme in known:
        bar = membership_bar(theme.spread, settings.known)
        lab = planted[theme.key]
        caught, total = fig["per_label"].get(lab, (0, 0))
        purity = float(makeup[theme.key].iloc[0])
        shown = "-" if bar is None else f"{bar:.3f}"
        print(f"{theme.key:<12} {lab:<36} {purity:>6.2f}  {shown:>5}  {caught} / {total}")
    print(f"recall {fig['recall']:.3f} ({fig['target_cases']} cases of known labels), precision {fig['precision']:.3f}"
          f" ({fig['hits']} of {fig['assigned']} assigned; {fig['in_make_up']:.3f} of a label already in the theme in "
          f"window 1), one-offs pulled in {fig['noise_in']} of {fig['noise']}")
    print(f"assigned from other labels: {fig['wrong']}")
    for key, s in scores.items():
        print(f"whole week-2 run {key:<7} known assignment: ARI {s.ari:.3f}, mean F1 {s.mean_f1:.3f}, themes "
              f"{s.themes_found}, noise left unthemed {s.noise_unthemed_share}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/bench-cache"), help="cache folder (embeddings/...)")
    parser.add_argument("--set", action="append", dest="sets", metavar="NAME:WEEK1:WEEK2",
                        help=f"set and windows (repeatable; default {', '.join(SETS)})")
    parser.add_argument("--low-quantile", type=float, help="KnownSettings.low_quantile (default from settings)")
    parser.add_argument("--spread-z", type=float, help="KnownSettings.spread_z (default from settings)")
    args = parser.parse_args()
    settings = ThemeSettings()
    overrides = {"low_quantile": args.low_quantile, "spread_z": args.spread_z}
    known = settings.known.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    settings = settings.model_copy(update={"known": known})
    print(machine_line("sentence-transformers", "umap-learn", "hdbscan", "scikit-learn"))
    print(f"known settings: {settings.known.model_dump()}")
    for spec in args.sets or SETS:
        run_set(spec, settings, args.cache)


if __name__ == "__main__":
    main()

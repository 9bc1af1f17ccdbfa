"""The tables of docs/quality.md from the JSON that `bench/quality.py --seeds N --out FILE` writes.

    python bench/quality_markdown.py FILE [--curve-points "off:0,fixed:0.48,global:2,global:3,spread:3"]

Prints: the README's summary, the main table (ours, BERTopic's defaults, EVoC's default layer with its best
layer in brackets), our variants as ARI / F1 (labelled / one-off rows left out) per set (EVoC's layers are left
out: their number differs from seed to seed), and the purity trade-off (labelled rows out / one-off rows out /
ARI) at the chosen points; every figure is the mean over the seeds (± sd in the main and summary tables).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

SET_NAMES = {"demo": "demo", "marketplace": "marketplace", "fieldnotes": "fieldnotes (held out)",
             "clinc_test": "CLINC150 test",
             "clinc_full": "CLINC150 full", "hwu64": "HWU64", "xsid": "xSID"}
MAIN = ("ours", "BERTopic defaults", "EVoC default layer")
COLUMNS = (("themes", "clusters", "n"), ("ARI", "ari", "f"), ("ARI all rows", "ari_all", "f"), ("NMI", "nmi", "f"),
           ("F1", "mean_f1", "f"), ("recovered", "recovered", "%"), ("lab. out", "labelled_out", "%"),
           ("one-off out", "oneoff_out", "%"), ("lang", "language_dominated", "%"))


def cell(fig: dict | None, kind: str, sd: bool = True) -> str:
    if not fig or fig.get("mean") is None:
        return "-"
    mean, spread = fig["mean"], fig.get("sd") or 0.0
    if kind == "%":
        return f"{mean:.1%} ± {spread * 100:.1f}" if sd else f"{mean:.0%}"
    if kind == "n":
        return f"{mean:.0f} ± {spread:.0f}" if sd else f"{mean:.0f}"
    return f"{mean:.3f} ± {spread:.3f}" if sd else f"{mean:.3f}"


def main_table(summary: list[dict]) -> list[str]:
    lines = ["| set | method | " + " | ".join(h for h, _, _ in COLUMNS) + " |",
             "| --- | --- | " + " | ".join("---" for _ in COLUMNS) + " |"]
    best = {r["set"]: r for r in summary if r["method"].startswith("EVoC best")}
    for set_name in dict.fromkeys(r["set"] for r in summary):
        first = True
        for wanted in MAIN:
            rows = [r for r in summary if r["set"] == set_name and r["method"].startswith(wanted)]
            if not rows:
                continue
            r = rows[0]
            cells = []
            for _, key, kind in COLUMNS:
                text = cell(r["figures"].get(key), kind)
                if wanted.startswith("EVoC") and key in ("ari", "mean_f1") and set_name in best:
                    text += f" ({best[set_name]['figures'][key]['mean']:.3f})"
                cells.append(text)
            name = "**ours**" if wanted == "ours" else (wanted + " (best layer)" if wanted.startswith("EVoC")
                                                        else wanted)
            lines.append(f"| {SET_NAMES.get(set_name, set_name) if first else ''} | {name} | " + " | ".join(cells)
                         + " |")
            first = False
    return lines


def summary_table(summary: list[dict]) -> list[str]:
    """The README's table: ARI / F1 of ours, BERTopic's defaults and EVoC's default layer, and ours' rows left out."""
    lines = ["| set | ours: ARI / F1 | BERTopic defaults | EVoC default layer | ours: labelled / one-off rows out | "
             "ours: language-bound themes |", "| --- | --- | --- | --- | --- | --- |"]
    for set_name in dict.fromkeys(r["set"] for r in summary):
        found = {}
        for wanted in MAIN:
            found[wanted] = next((r["figures"] for r in summary if r["set"] == set_name
                                  and r["method"].startswith(wanted)), None)
        pair = {k: (f"{f['ari']['mean']:.3f} ± {f['ari']['sd'] or 0:.3f} / {f['mean_f1']['mean']:.3f}" if f else "-")
                for k, f in found.items()}
        ours = found["ours"] or {}
        out = cell(ours.get("labelled_out"), "%", sd=False)
        if ours.get("oneoff_out", {}).get("mean") is not None:
            out += " / " + cell(ours["oneoff_out"], "%", sd=False)
        lines.append(f"| {SET_NAMES.get(set_name, set_name)} | **{pair['ours']}** | {pair['BERTopic defaults']} | "
                     f"{pair['EVoC default layer']} | {out} | {cell(ours.get('language_dominated'), '%', sd=False)} |")
    return lines


def variant_name(method: str) -> str:
    """A variant's name without its per-set sizes: "smallest theme 0.2% (47)" -> "smallest theme 0.2%"."""
    name = method.strip().replace("variant: ", "")
    name = re.sub(r"min_samples (\d+)", lambda m: m.group(0) if m.group(1) == "5" else "min_samples = smallest theme",
                  name)
    return re.sub(r" \(\d+\)", "", name)


def variants_table(summary: list[dict]) -> list[str]:
    summary = [{**r, "method": variant_name(r["method"])} for r in summary]
    sets = list(dict.fromkeys(r["set"] for r in summary))
    methods = list(dict.fromkeys(r["method"] for r in summary if r["method"].startswith(("ours", "BERTopic",
                                                                                         "umap_hdbscan"))))
    lines = ["| variant | " + " | ".join(SET_NAMES.get(s, s) for s in sets) + " |",
             "| --- | " + " | ".join("---" for _ in sets) + " |"]
    for method in methods:
        cells = []
        for s in sets:
            r = next((r for r in summary if r["set"] == s and r["method"] == method), None)
            if r is None:
                cells.append("-")
                continue
            f = r["figures"]
            out = f"{f['labelled_out']['mean']:.1%}"
            if f.get("oneoff_out", {}).get("mean") is not None:
                out += f" / {f['oneoff_out']['mean']:.0%}"
            cells.append(f"{f['ari']['mean']:.3f} / {f['mean_f1']['mean']:.3f} ({out})")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines


def curve_table(points: list[dict], wanted: list[tuple[str, float]]) -> list[str]:
    sets = list(dict.fromkeys(p["set"] for p in points))
    lines = ["| set | " + " | ".join(f"{c} {v:g}" if c != "off" else "off" for c, v in wanted) + " |",
             "| --- | " + " | ".join("---" for _ in wanted) + " |"]
    for s in sets:
        cells = []
        for criterion, value in wanted:
            p = next((p for p in points if p["set"] == s and p["backend"] == "umap_hdbscan"
                      and p["criterion"] == criterion and (criterion == "off" or abs(p["param"] - value) < 1e-9)),
                     None)
            if p is None:
                cells.append("-")
                continue
            oneoff = f"{p['oneoff_out'] * 100:.0f}" if p.get("oneoff_out") is not None else "-"
            cells.append(f"{p['labelled_out'] * 100:.1f} / {oneoff} / {p['ari']:.3f}")
        lines.append(f"| {SET_NAMES.get(s, s)} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--curve-points", default="off:0,fixed:0.48,global:2,global:3,spread:2,spread:3")
    args = parser.parse_args()
    data = json.loads(args.results.read_text(encoding="utf-8"))
    wanted = [(c, float(v)) for c, v in (p.split(":") for p in args.curve_points.split(","))]
    print("\n".join(summary_table(data["summary"])))
    print()
    print("\n".join(main_table(data["summary"])))
    print()
    print("\n".join(variants_table(data["summary"])))
    if data.get("summary_curve"):
        print()
        print("\n".join(curve_table(data["summary_curve"], wanted)))


if __name__ == "__main__":
    main()

"""Benchmark: which text to embed. Each note / ad / landing-page weighting, on every set that has those texts.

    python bench/composition.py [--cache /work/bench-cache] [--sets demo,marketplace] [--seeds 5] [--reuse-umap]

Only the planted ad-moderation sets (the demo and the marketplace set) carry an ad text and a landing page
beside the note; the intent sets are one text per row, so the weighting cannot change them. For each weighting,
each set is composed as the pipeline does it (the embedding cache under `--cache`: each channel is embedded once
and the weightings recombine the cached vectors), and our cluster stage and BERTopic's defaults run on the same
vectors with N UMAP seeds (`bench/quality.py`'s machinery). Prints, per weighting and set, mean ± sd over the
seeds of: themes, ARI on the planted rows, ARI on all rows, mean best-match F1, planted rows and one-off rows left
unthemed.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality  # noqa: E402
from machine import machine_line  # noqa: E402
from quality_seeds import spread  # noqa: E402

from clustering.model_choice import with_model  # noqa: E402
from clustering.settings import ComposeSettings, ThemeSettings  # noqa: E402

WEIGHTINGS = {
    "note only": ComposeSettings(note_weight=1.0, ad_weight=0.0, landing_weight=0.0),
    "note 0.75 + ad 0.25": ComposeSettings(note_weight=0.75, ad_weight=0.25, landing_weight=0.0),
    "note 0.6 + ad 0.4": ComposeSettings(note_weight=0.6, ad_weight=0.4, landing_weight=0.0),
    "note 0.5 + ad 0.5": ComposeSettings(note_weight=0.5, ad_weight=0.5, landing_weight=0.0),
    "note 0.6 + ad 0.3 + landing 0.1": ComposeSettings(note_weight=0.6, ad_weight=0.3, landing_weight=0.1),
    "note 0.5 + ad 0.3 + landing 0.2": ComposeSettings(note_weight=0.5, ad_weight=0.3, landing_weight=0.2),
    "note 0.4 + ad 0.3 + landing 0.3": ComposeSettings(note_weight=0.4, ad_weight=0.3, landing_weight=0.3),
    "ad only": ComposeSettings(note_weight=0.0, ad_weight=1.0, landing_weight=0.0),
}
FIGURES = (("themes", "clusters", "n"), ("ARI", "ari", "f"), ("ARI all", "ari_all", "f"), ("F1", "mean_f1", "f"),
           ("lab. out", "labelled_out", "%"), ("one-off out", "oneoff_out", "%"))


def weighting_label(compose: ComposeSettings) -> str:
    default = ComposeSettings()
    same = all(getattr(compose, k) == getattr(default, k) for k in ("note_weight", "ad_weight", "landing_weight"))
    return " (default)" if same else ""


def cell(values: list[float], kind: str) -> str:
    s = spread(values)
    if kind == "%":
        return f"{s.mean:.1%} ± {s.sd * 100:.1f}"
    if kind == "n":
        return f"{s.mean:.0f} ± {s.sd:.0f}"
    return f"{s.mean:.3f} ± {s.sd:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("workspace/cache"), help="cache root")
    parser.add_argument("--sets", default="demo,marketplace", help="comma list of sets with ad and landing texts")
    parser.add_argument("--seeds", type=int, default=5, help="UMAP seeds per weighting (from the settings' seed)")
    parser.add_argument("--reuse-umap", action="store_true", help="cache UMAP coordinates under <cache>/reductions")
    args = parser.parse_args()
    if args.reuse_umap:
        quality.REDUCTIONS = args.cache / "reductions"
    warnings.filterwarnings("ignore", message=".*n_jobs value.*")
    print(machine_line(*quality.PACKAGES))
    base = ThemeSettings()
    base.embed.progress = False
    seeds = [base.reduce.seed + i for i in range(max(1, args.seeds))]
    print(f"seeds: {', '.join(map(str, seeds))}; mean ± sd over them (shares in %, sd in points)")
    print(f"{'weighting':44} {'set':12} {'method':18} " + " ".join(f"{h:>15}" for h, _, _ in FIGURES))
    for name, compose in WEIGHTINGS.items():
        settings = base.model_copy(update={"compose": compose})
        for set_name in [s.strip() for s in args.sets.split(",") if s.strip()]:
            prepared = quality.prepare(set_name, settings, args.cache)
            per_method: dict[str, list] = {}
            for seed in seeds:
                rows, _ = quality.run_methods(prepared, quality.seeded(with_model(settings, prepared.model), seed),
                                              False, False, peers_only=True)
                for row in rows:
                    per_method.setdefault("ours" if row.method.startswith("ours") else "BERTopic defaults",
                                          []).append(row)
            for method, rows in per_method.items():
                cells = " ".join(f"{cell([getattr(r, k) for r in rows], kind):>15}" for _, k, kind in FIGURES)
                print(f"{name + weighting_label(compose):44} {set_name:12} {method:18} {cells}", flush=True)


if __name__ == "__main__":
    main()

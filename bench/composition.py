"""Benchmark: which text to embed. Scores the demo run for several note / ad / landing-page weightings.

    python bench/composition.py [--cache workspace/cache]

Each weighting runs the whole theme pipeline on the shipped demo data (embeddings cached, so only the first
run embeds) and is scored against the planted themes: ARI, NMI, share of planted themes recovered with
F1 >= 0.5, share of one-off noise rows left unthemed and of planted-theme rows left unthemed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line  # noqa: E402

from clustering.load import load_cases  # noqa: E402
from clustering.settings import ComposeSettings, ThemeSettings  # noqa: E402
from clustering.themes import find_themes  # noqa: E402
from eval_sets import DEMO_CASES  # noqa: E402
from eval_sets.scorer import read_labels, score_run  # noqa: E402

WEIGHTINGS = {
    "note only": ComposeSettings(note_weight=1.0, ad_weight=0.0),
    "note 0.75 + ad 0.25": ComposeSettings(note_weight=0.75, ad_weight=0.25),
    "note 0.6 + ad 0.4": ComposeSettings(note_weight=0.6, ad_weight=0.4),
    "note 0.5 + ad 0.5": ComposeSettings(note_weight=0.5, ad_weight=0.5),
    "note 0.5 + ad 0.3 + landing 0.2 (default)": ComposeSettings(note_weight=0.5, ad_weight=0.3, landing_weight=0.2),
    "ad only": ComposeSettings(note_weight=0.0, ad_weight=1.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("workspace/cache"), help="cache folder")
    args = parser.parse_args()
    print(machine_line("sentence-transformers", "umap-learn", "hdbscan"))
    cases = load_cases(DEMO_CASES).cases
    labels = read_labels(DEMO_CASES, "theme")
    print(f"{'weighting':34} {'themes':>6} {'ARI':>6} {'NMI':>6} {'recovered':>9} {'noise out':>9} {'planted out':>11}")
    for name, compose in WEIGHTINGS.items():
        result = find_themes(cases, ThemeSettings(compose=compose), cache_root=args.cache)
        s = score_run(result.assignments, labels)
        print(f"{name:34} {s.themes_found:6d} {s.ari:6.3f} {s.nmi:6.3f} {s.recovered_share:9.0%} "
              f"{s.noise_unthemed_share:9.0%} {s.planted_unthemed_share:11.0%}", flush=True)


if __name__ == "__main__":
    main()

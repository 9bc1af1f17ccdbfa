"""Benchmark: the theme pipeline at 10k, 50k and 100k misjudged cases, first run and cached re-run.

    python bench/scale.py [--sizes 10000,50000,100000] [--backend torch] [--keep DIR]

Cases are the demo data generated at a larger scale (`eval_sets.demo_data`, new ids and recombined texts),
written as Parquet with all audited rows (about 40% of them misjudged). Each size runs `error-themes themes`
twice in fresh processes on a fresh workspace: the first run embeds everything, the second finds every
text in the embedding cache. Prints wall time per stage (load, embed, reduce, cluster, describe) from the
run's own timings, the end-to-end wall time, and the peak RSS of each process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line  # noqa: E402

from assistant.workspace.runs import load_themes  # noqa: E402
from eval_sets.demo_data import generate_demo_cases  # noqa: E402

MISJUDGED_PER_SCALE = 716  # misjudged rows of the demo data at scale 1
CHILD = ("import resource, sys; from assistant.cli import main; rc = main(sys.argv[1:]); "
         "print('PEAK_RSS_MB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.exit(rc)")


def make_file(n_misjudged: int, folder: Path) -> tuple[Path, int, int]:
    """A Parquet file with about `n_misjudged` misjudged cases; returns it, its rows and misjudged rows."""
    rows = pd.DataFrame(generate_demo_cases(seed=11, scale=n_misjudged / MISJUDGED_PER_SCALE))
    path = folder / f"cases_{n_misjudged}.parquet"
    rows.drop(columns=["theme"]).to_parquet(path, index=False)
    misjudged = int((rows["original_decision"] != rows["final_decision"]).sum())
    return path, len(rows), misjudged


def run_themes(path: Path, workspace: Path, backend: str) -> dict:
    """One `error-themes themes` in a fresh process: wall time, peak RSS and the run's stage timings."""
    command = [sys.executable, "-c", CHILD, "themes", str(path), "--workspace", str(workspace)]
    env = {**os.environ, "ERROR_THEMES_EMBED__BACKEND": backend}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"themes failed:\n{done.stderr[-3000:]}")
    rss = next(float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("PEAK_RSS_MB"))
    latest = sorted((workspace / "runs").iterdir())[-1]
    run = load_themes(latest)
    return {"wall": wall, "rss": rss, "timings": run.timings_s, "themes": len(run.themes),
            "unthemed": run.unthemed, "embed": run.embed_stats}


def report(label: str, r: dict) -> str:
    t = r["timings"]
    stages = ", ".join(f"{k} {v:.1f}" for k, v in t.items())
    core = t["reduce"] + t["cluster"] + t["describe"]
    return (f"  {label}: end to end {r['wall']:.0f} s (stages: {stages}; reduce+cluster+describe {core:.0f} s), "
            f"peak RSS {r['rss']:,.0f} MB; embedded {r['embed']['computed']:,} of {r['embed']['unique']:,} "
            f"distinct texts; {r['themes']} themes, {r['unthemed']:,} unthemed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000", help="misjudged cases per run, comma-separated")
    parser.add_argument("--backend", default="torch", help="embedding backend: torch, onnx or openvino")
    parser.add_argument("--keep", type=Path, help="keep files and workspaces in this folder")
    args = parser.parse_args()
    print(machine_line("sentence-transformers", "torch", "umap-learn", "hdbscan", "pandas"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            path, rows, misjudged = make_file(size, folder)
            print(f"{misjudged:,} misjudged cases ({rows:,} audited rows), backend {args.backend}:", flush=True)
            workspace = folder / f"ws_{size}"
            print(report("first run", run_themes(path, workspace, args.backend)), flush=True)
            print(report("cached re-run", run_themes(path, workspace, args.backend)), flush=True)


if __name__ == "__main__":
    main()

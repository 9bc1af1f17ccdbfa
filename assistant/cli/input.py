"""`validate` and `metrics`: is a cases file usable, and how good were the decisions in it."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli import options
from assistant.cli.output import echo
from assistant.exit_codes import EXIT_BAD_INPUT, EXIT_OK
from assistant.views import text as render
from clustering.load import LoadResult
from clustering.metrics import metrics_by, quality_metrics
from clustering.schema import FACETS

METRICS_SUFFIXES = (".json", ".csv")


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("validate", parents=[load_opts], help="check a cases file against the schema",
                       description="Check a cases file (CSV, JSONL or Parquet) and report every problem as "
                                   "file:row:field: message. Exit 0 when usable, 2 when not.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet (.csv/.jsonl may be .gz)")
    p.add_argument("--config", type=Path, help="settings file (YAML): its load section")

    p = sub.add_parser("metrics", parents=[load_opts], help="FPR, FDR, FNR, ATA and inconsistency with intervals",
                       description="Quality metrics of a cases file with 95%% Wilson intervals and counts, overall "
                                   "and by facet.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet")
    p.add_argument("--config", type=Path, help="settings file (YAML): its load section")
    p.add_argument("--by", action="append", default=[], choices=FACETS, metavar="FACET",
                   help=f"also break down by a facet (repeatable): {', '.join(FACETS)}")
    p.add_argument("--out", type=Path, metavar="FILE", help="also write the metrics to FILE.json or FILE.csv")


def cmd_validate(args: argparse.Namespace) -> int:
    result = options.load(args)
    echo(render.load_summary(result))
    echo("OK: the file is usable.")
    return EXIT_OK


def print_metrics(result: LoadResult, facets: list[str], out: Path | None) -> None:
    """The overall metrics, then one table per facet; written to `out` as well when given."""
    overall = quality_metrics(result.cases, result.has_correct_rows)
    echo(render.metrics_table(overall))
    by = {facet: metrics_by(result.cases, facet, result.has_correct_rows) for facet in facets}
    for facet, reports in by.items():
        echo(f"\nBy {facet}:")
        echo(render.facet_table(reports))
    if out is not None:
        render.write_metrics(out, overall, by)
        echo(f"\nWrote {out}")


def cmd_metrics(args: argparse.Namespace) -> int:
    if args.out is not None and args.out.suffix.lower() not in METRICS_SUFFIXES:
        echo(f"error: --out must end in .json or .csv, got '{args.out.name}'", err=True)
        return EXIT_BAD_INPUT
    result = options.load(args)
    echo(render.load_summary(result) + "\n")
    print_metrics(result, args.by, args.out)
    return EXIT_OK


COMMANDS = {"validate": cmd_validate, "metrics": cmd_metrics}

"""`themes` and `score`: find the error themes of a file and save the run; score a run against planted labels.

`score` loads `eval_sets` inside the command: the rest of the command line never imports it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.analysis import analyse
from assistant.cli import options
from assistant.cli.output import echo
from assistant.exit_codes import EXIT_OK
from assistant.views import text as render
from assistant.views.formatting import pct
from assistant.views.names import theme_names
from assistant.views.registry import links_table
from assistant.views.tree import tree_text
from assistant.workspace.registry import Registry
from assistant.workspace.runs import Workspace, load_run, load_themes
from clustering.printable import printable

if TYPE_CHECKING:  # for the annotation only; never imported at run time
    from eval_sets.scorer import Score


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("themes", parents=[load_opts], help="cluster misjudged cases into ranked error themes",
                       description="Embed, reduce and cluster the misjudged cases of a file into error themes, "
                                   "describe each theme, save the run in the workspace and print the ranked themes.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet")
    options.add_theme_options(p)

    p = sub.add_parser("tree", help="print a run's themes as a tree under their parent themes",
                       description="The themes of a run grouped under their parent themes (themes close to each "
                                   "other, clustering.hierarchy), with each node's size, impact on ATA, FP/FN, "
                                   "keywords and name (the analyst's registry name, else the drafted label).")
    p.add_argument("run", nargs="?", default="latest", help="run id, 'latest' (default), or a run folder")
    options.add_workspace(p)

    p = sub.add_parser("score", help="score a run against planted theme labels",
                       description="ARI and NMI of a run's themes against planted labels (on the planted-theme "
                                   "rows, as bench/quality.py and docs/quality.md give them, and on all rows, noise as "
                                   "one more label), each planted theme's best match, and the share of noise rows "
                                   "left unthemed.")
    p.add_argument("run", help="run id, 'latest', or a run folder")
    p.add_argument("--labels", required=True, metavar="FILE:COLUMN",
                   help="cases file and the column holding planted labels, e.g. eval_sets/demo/cases.csv:theme")
    options.add_workspace(p)


def cmd_themes(args: argparse.Namespace) -> int:
    workspace = options.writable_workspace(args.workspace)
    run_dir, run = analyse(args.file, workspace, options.theme_settings(args), options.loading(args), args.week)
    echo(render.themes_table(run))
    if run.parents:
        echo("\n" + tree_text(run))
    echo("\nThe registry's themes (kept across runs; `themes status`, `themes rename|merge|split|mark|action`):")
    echo(links_table(run, Registry(workspace.store_path)))
    echo(f"\nSaved run {run.run_id} in {run_dir} (cases.parquet, themes.json, summary.md)")
    return EXIT_OK


def cmd_tree(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace)
    run = load_themes(workspace.run_dir(args.run))
    labels = theme_names(workspace.store_path, run.run_id)
    echo(f"run {run.run_id}: {printable(run.input.path)}")
    echo(tree_text(run, labels))
    return EXIT_OK


def split_labels(spec: str) -> tuple[Path, str]:
    """`FILE:COLUMN` as (file, column)."""
    path, sep, column = spec.rpartition(":")
    if not sep or not path or not column:
        raise ValueError(f"--labels expects FILE:COLUMN, got '{spec}'")
    return Path(path), column


def cmd_score(args: argparse.Namespace) -> int:
    from eval_sets.scorer import read_labels, score_run

    path, column = split_labels(args.labels)
    run_dir = Workspace(args.workspace).run_dir(args.run)
    _, assignments = load_run(run_dir)
    echo(f"run {run_dir.name} against {path}:{column}")
    echo(score_report(score_run(assignments, read_labels(path, column))))
    return EXIT_OK


def score_report(score: Score) -> str:
    """The scorer's figures as text."""
    noise = "n/a" if score.noise_unthemed_share is None else pct(score.noise_unthemed_share, 0)
    head = (f"{score.rows:,} misjudged rows, {score.themes_found} themes found\n"
            f"ARI {score.ari_labelled:.3f}, NMI {score.nmi_labelled:.3f} on the planted-theme rows (unthemed as one "
            f"more theme; the figures of bench/quality.py, docs/quality.md); ARI {score.ari:.3f}, NMI {score.nmi:.3f} "
            f"on all rows (noise as one more label)\n"
            f"planted themes recovered (F1 >= 0.5): {pct(score.recovered_share, 0)}; "
            f"noise rows left unthemed: {noise} of {score.noise_rows}; "
            f"planted-theme rows left unthemed: {pct(score.planted_unthemed_share, 0)}")
    rows = [[m.planted, str(m.size), m.best_theme or "-", f"{m.precision:.2f}", f"{m.recall:.2f}", f"{m.f1:.2f}",
             pct(m.unthemed_share, 0)] for m in score.planted]
    table = render.text_table(["planted theme", "size", "best theme", "precision", "recall", "F1", "unthemed"], rows,
                              right={1, 3, 4, 5, 6})
    return head + "\n\n" + table


COMMANDS = {"themes": cmd_themes, "tree": cmd_tree, "score": cmd_score}

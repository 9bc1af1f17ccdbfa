"""`themes status|rename|merge|split|mark|action|history`: the workspace's theme registry from the command line.

`error-themes themes VERB ...` is routed to the `theme-registry VERB ...` command (`route`), so a file to analyse
and a registry verb share the `themes` word. Every change names who makes it; `--based-on VERSION` refuses it when
someone changed the theme since that version (the newer state is shown).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from assistant.cli import options
from assistant.cli.output import echo
from assistant.exit_codes import EXIT_OK
from assistant.views.names import registry_names
from assistant.views.registry import action_line, history_table, status_table, theme_line
from assistant.workspace.registry import ACTION_KINDS, STATUSES, Registry
from assistant.workspace.registry_sync import split_theme
from assistant.workspace.runs import load_run
from assistant.workspace.theme_status import theme_statuses

COMMAND = "theme-registry"
VERBS = ("status", "rename", "merge", "split", "mark", "action", "history")


def route(argv: list[str]) -> list[str]:
    """`themes VERB ...` as `theme-registry VERB ...`; any other command line unchanged."""
    if len(argv) >= 2 and argv[0] == "themes" and argv[1] in VERBS:
        return [COMMAND, *argv[1:]]
    return argv


def _change(p: argparse.ArgumentParser, versions: int = 1) -> None:
    p.add_argument("--who", required=True, help="your name, recorded in the theme's history")
    p.add_argument("--based-on", type=int, nargs=versions, metavar="VERSION",
                   help="refuse the change if the theme changed since this version (see `themes status`)")
    options.add_workspace(p)


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser(COMMAND, help="the theme registry: themes kept across runs (also `themes VERB`)",
                       description="Themes kept across runs: names, known status and owner, merges, splits, actions "
                                   "and whether they worked. Also reached as `error-themes themes VERB`.")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    s = verbs.add_parser("status", help="registry themes: name, status, owner, last action, did it work")
    options.add_workspace(s)
    s.add_argument("--config", type=Path, help="settings file (YAML): its stats section (when a change is beyond "
                                               "noise)")
    s = verbs.add_parser("rename", help="give a theme your name for it (shown in place of the drafted label)")
    s.add_argument("theme_id")
    s.add_argument("name")
    _change(s)
    s = verbs.add_parser("merge", help="merge OTHER into KEEP (runs then give both KEEP's id)")
    s.add_argument("keep")
    s.add_argument("other")
    _change(s, versions=2)
    s = verbs.add_parser("split", help="split a theme into the themes of a run linked to it")
    s.add_argument("theme_id")
    s.add_argument("--run", default="latest", help="run id, 'latest' (default) or a run folder")
    _change(s)
    s = verbs.add_parser("mark", help="mark a theme known, with a status and an owner",
                         description="Mark a theme known (its cases are then assigned to it first), with a status "
                                     "and an owner. Only what is given changes: --status keeps the owner, --owner "
                                     "keeps the status; a theme marked known for the first time is 'new'.")
    s.add_argument("theme_id")
    s.add_argument("--status", choices=STATUSES, help="its status (default: unchanged; 'new' when first marked)")
    s.add_argument("--owner", help="who owns it (default: unchanged; '' clears it)")
    s.add_argument("--unknown", action="store_true", help="mark the theme not known (status and owner are kept)")
    _change(s)
    s = verbs.add_parser("action", help="record a dated action on a theme")
    s.add_argument("theme_id")
    s.add_argument("--kind", choices=ACTION_KINDS, required=True)
    s.add_argument("--text", required=True)
    s.add_argument("--date", default=None, help="YYYY-MM-DD (default today)")
    s.add_argument("--who", required=True)
    options.add_workspace(s)
    s = verbs.add_parser("history", help="a theme's history: who changed what, when")
    s.add_argument("theme_id")
    options.add_workspace(s)


def cmd_registry(args: argparse.Namespace) -> int:
    workspace = options.existing_workspace(args.workspace)
    registry = Registry(workspace.store_path)
    if args.verb == "status":
        statuses = theme_statuses(workspace, registry, options.settings(args).stats)
        echo(status_table(statuses, registry_names(workspace, registry)) if statuses
              else f"no registry themes in {workspace.root} yet: run `themes FILE`")
    elif args.verb == "rename":
        echo(theme_line(registry.rename(args.theme_id, args.name, args.who, _one(args.based_on))))
    elif args.verb == "merge":
        kept = registry.merge(args.keep, args.other, args.who, tuple(args.based_on) if args.based_on else None)
        echo(theme_line(kept, registry_names(workspace, registry)))
    elif args.verb == "split":
        run, cases = load_run(workspace.run_dir(args.run))
        children = split_theme(registry, args.theme_id, run, cases, args.who, _one(args.based_on))
        names = registry_names(workspace, registry)
        for child in children:
            echo(theme_line(child, names))
    elif args.verb == "mark":
        echo(theme_line(registry.mark(args.theme_id, args.who, args.status, args.owner, not args.unknown,
                                  _one(args.based_on))))
    elif args.verb == "action":
        day = date.fromisoformat(args.date).isoformat() if args.date else date.today().isoformat()
        action = registry.add_action(args.theme_id, args.kind, args.text, day, args.who)
        echo(action_line(action))
    else:
        echo(history_table(registry.history(args.theme_id)))
    return EXIT_OK


def _one(based_on: list[int] | None) -> int | None:
    return based_on[0] if based_on else None


COMMANDS = {COMMAND: cmd_registry}

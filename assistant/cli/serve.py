"""`ui`: start the Gradio web app on a workspace (gradio is imported by this command only)."""

from __future__ import annotations

import argparse

from assistant.webapp.options import AUTH_ENV, add_arguments


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ui", help="the web app: open files and runs, explore themes, review drafts",
                       description="Start the Gradio web app on a workspace: open or upload a cases file, start "
                                   "runs, explore themes and review drafts. It listens on 127.0.0.1; any other "
                                   "--host needs a login: --auth-file FILE (lines of user:password) or "
                                   f"{AUTH_ENV}=user:password. Files are opened by path only in the workspace's "
                                   "inbox/ folder and the --data-dir folders; only the host names localhost, "
                                   "127.0.0.1, ::1, --host and ui.allowed_hosts are answered.")
    add_arguments(p)


def cmd_ui(args: argparse.Namespace) -> int:
    from assistant.webapp.server import run_from_args  # gradio is imported by this command only

    return run_from_args(args)


COMMANDS = {"ui": cmd_ui}

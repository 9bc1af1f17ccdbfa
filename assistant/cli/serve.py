"""`ui`: start the Gradio web app on a workspace (gradio is imported by this command only)."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli import options
from assistant.config import UISettings

DEFAULTS = UISettings()


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ui", help="the web app: open files and runs, explore themes, review drafts",
                       description="Start the Gradio web app on a workspace: open or upload a cases file, start "
                                   "runs, explore themes and review drafts. It listens on 127.0.0.1; any other "
                                   "--host needs a login: --auth-file FILE (lines of user:password) or "
                                   "ERROR_THEMES_UI_AUTH=user:password.")
    options.add_workspace(p)
    p.add_argument("--host", default=DEFAULTS.host, help=f"address to listen on (default {DEFAULTS.host})")
    p.add_argument("--port", type=int, help=f"port (default: the first free one from {DEFAULTS.port})")
    p.add_argument("--auth-file", type=Path, metavar="FILE", help="logins, one user:password a line")
    p.add_argument("--config", type=Path, help="settings file (YAML) with an llm section, for fresh drafts")
    p.add_argument("--max-file-size", default=DEFAULTS.max_file_size,
                   help=f"largest upload accepted (default {DEFAULTS.max_file_size})")


def cmd_ui(args: argparse.Namespace) -> int:
    import ui  # gradio is imported by this command only

    return ui.run_from_args(args)


COMMANDS = {"ui": cmd_ui}

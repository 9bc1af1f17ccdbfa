"""The options of `error-themes ui` / `python ui.py`, apart from the app so the command line reads them without
importing gradio."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.config import UISettings
from assistant.workspace.runs import DEFAULT_WORKSPACE

AUTH_ENV = "ERROR_THEMES_UI_AUTH"  # user:password (one login) when no --auth-file is given


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `error-themes ui`; those not given come from the settings file's `ui` section."""
    defaults = UISettings()
    parser.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE,
                        help="workspace folder (default ./workspace)")
    parser.add_argument("--host", help=f"address to listen on (default {defaults.host}; any other needs --auth-file "
                                       f"or ${AUTH_ENV})")
    parser.add_argument("--port", type=int, help="port (default: the first free one from 7860)")
    parser.add_argument("--auth-file", type=Path, metavar="FILE",
                        help=f"logins, one user:password a line (else ${AUTH_ENV}=user:password)")
    parser.add_argument("--config", type=Path, help="settings file (YAML): theme, llm and ui sections")
    parser.add_argument("--max-file-size", help=f"largest upload accepted (default {defaults.max_file_size})")
    parser.add_argument("--data-dir", action="append", type=Path, default=[], metavar="FOLDER",
                        help="a folder whose files the Run tab may open by path (repeatable), besides the "
                             "workspace's inbox/; no other file on the server can be opened")

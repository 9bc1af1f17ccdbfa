"""The `ui` command's options: defaults come from the settings' `ui` section (starting the app: tests/test_ui.py)."""

from __future__ import annotations

from assistant.cli import COMMANDS, build_parser
from assistant.config import UISettings


def test_ui_options_default_to_the_ui_settings(tmp_path):
    args = build_parser().parse_args(["ui", "--workspace", str(tmp_path)])
    defaults = UISettings()
    assert (args.host, args.max_file_size, args.port) == (defaults.host, defaults.max_file_size, None)
    assert args.workspace == tmp_path
    assert COMMANDS[args.command].__module__ == "assistant.cli.serve"

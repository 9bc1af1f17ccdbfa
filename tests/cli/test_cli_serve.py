"""The `ui` command's options: what is not given comes from the settings' `ui` section (starting the app:
tests/browser/)."""

from __future__ import annotations

from assistant.cli import COMMANDS, build_parser
from assistant.config import load_settings


def test_ui_options_left_out_come_from_the_settings_file(tmp_path):
    args = build_parser().parse_args(["ui", "--workspace", str(tmp_path)])
    assert (args.host, args.max_file_size, args.port) == (None, None, None)  # not given: the settings decide
    assert args.workspace == tmp_path
    assert COMMANDS[args.command].__module__ == "assistant.cli.serve"

    from assistant.webapp.server import with_ui

    config = tmp_path / "settings.yaml"
    config.write_text("ui:\n  max_file_size: 20mb\n  port: 7999\n", encoding="utf-8")
    settings = with_ui(load_settings(config), host=args.host, port=args.port, max_file_size=args.max_file_size)
    assert (settings.ui.host, settings.ui.port, settings.ui.max_file_size) == ("127.0.0.1", 7999, "20mb")
    given = build_parser().parse_args(["ui", "--port", "8100", "--max-file-size", "1mb"])
    settings = with_ui(load_settings(config), host=given.host, port=given.port, max_file_size=given.max_file_size)
    assert (settings.ui.port, settings.ui.max_file_size) == (8100, "1mb")  # the command line beats the file

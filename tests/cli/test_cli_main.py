"""The command line as a whole (`assistant.cli`): help, what start-up imports, errors as exit codes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from cli_helpers import run

from assistant.cli import main
from assistant.exit_codes import EXIT_BAD_INPUT


@pytest.mark.slow  # four runs of the script in fresh processes; test_every_command_group_is_listed stays quick
@pytest.mark.parametrize("command", [[], ["validate"], ["metrics"], ["demo"]])
def test_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: error-themes" in result.stdout


def test_start_up_loads_neither_the_web_app_nor_the_labelled_sets_nor_the_llm_libraries():
    heavy = ("ui", "gradio", "eval_sets", "langchain_core", "openai")
    code = ("import sys, assistant.cli; from assistant.cli import build_parser; build_parser(); "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_command_group_is_listed():
    result = run("--help")
    for command in ("validate", "metrics", "themes", "score", "draft", "drafts", "digest", "config", "demo", "ui"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


@pytest.mark.parametrize("argv,message", [
    (["drafts", "show"], "drafts show needs a draft id"),
    (["drafts", "accept", "1"], "drafts accept needs --reviewer NAME"),
    (["draft", "latest"], "no runs in"),
    (["score", "latest", "--labels", "nocolumn"], "--labels expects FILE:COLUMN"),
])
def test_user_errors_exit_2_with_one_line_and_no_traceback(argv, message, tmp_path, capsys):
    assert main([*argv, "--workspace", str(tmp_path / "ws")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_an_unknown_draft_is_named_without_quotes(tmp_path, capsys):
    (tmp_path / "ws").mkdir()  # an existing workspace (a missing one is refused as such)
    assert main(["drafts", "show", "99999", "--workspace", str(tmp_path / "ws")]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == "error: no draft 99999\n"

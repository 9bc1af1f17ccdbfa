"""A workspace that cannot be written is refused before any work, exit 2 (assistant/cli/options.py)."""

from __future__ import annotations

import os
import time

import pytest
from conftest import case, write_csv

from assistant.cli import main
from assistant.exit_codes import EXIT_BAD_INPUT


@pytest.mark.parametrize("command", [["themes", "{file}"], ["digest", "{file}", "--week", "2026-W45"],
                                     ["draft", "latest"], ["demo"]])
def test_an_unwritable_workspace_is_refused_at_once(command, tmp_path, capsys):
    cases = write_csv(tmp_path / "cases.csv", [case("C1")])
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the workspace should be")
    argv = [part.format(file=cases) for part in command] + ["--workspace", str(blocker / "ws")]
    started = time.monotonic()
    assert main(argv) == EXIT_BAD_INPUT
    assert time.monotonic() - started < 5  # before loading, embedding or drafting
    err = capsys.readouterr().err
    assert f"error: {blocker / 'ws'}: cannot write there" in err and "nothing was done" in err
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the test above covers the check")
def test_a_read_only_workspace_is_refused(tmp_path, capsys):
    cases = write_csv(tmp_path / "cases.csv", [case("C1")])
    workspace = tmp_path / "ws"
    workspace.mkdir()
    workspace.chmod(0o555)
    try:
        assert main(["themes", str(cases), "--workspace", str(workspace)]) == EXIT_BAD_INPUT
    finally:
        workspace.chmod(0o755)
    assert "cannot write there" in capsys.readouterr().err


@pytest.fixture
def read_only_workspace(drafted_workspace, tmp_path):
    """A copy of a drafted workspace on a file system mounted read-only (a tmpfs remounted; skipped where mounting
    is not allowed)."""
    import shutil
    import subprocess

    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copytree(drafted_workspace.root, mount / "ws")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "ws"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_workspace_is_read_and_a_change_gets_advice_that_keeps_every_review(read_only_workspace,
                                                                                          capsys):
    ws = ["--workspace", str(read_only_workspace)]
    for command in (["drafts", "list"], ["tree", "latest"], ["drafts", "show", "1"]):
        assert main([*command, *ws]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["drafts", "accept", "1", "--reviewer", "ana", *ws]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "read-only" in err and "move it aside" not in err and "Traceback" not in err

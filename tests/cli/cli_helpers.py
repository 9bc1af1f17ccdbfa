"""Running `error-themes` as a user does: in a subprocess, through the installed console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "error-themes"


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "assistant.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd, timeout=900,
                          env=None if env is None else {**os.environ, **env})


def in_process(capsys, *argv: str) -> tuple[int, str, str]:
    """`error-themes ARGV` in this process: (exit code, stdout, stderr)."""
    from assistant.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def copied_workspace(source, folder: Path):
    """A workspace holding a copy of `source`'s runs and store (the tests change its registry and drafts)."""
    import shutil

    from assistant.workspace.runs import Workspace

    ws = Workspace(folder)
    shutil.copytree(source.runs, ws.runs)
    shutil.copy(source.store_path, ws.store_path)
    return ws

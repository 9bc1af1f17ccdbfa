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

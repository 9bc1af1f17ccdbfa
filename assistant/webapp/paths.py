"""Which files on the server the web app may open by path: those in the workspace's inbox/ and the data folders
the operator names (`--data-dir`, `ui.data_dirs`), nothing else.

A path is resolved (symbolic links, `..`) before it is checked, and a refused path gets the same answer whether
the file exists or not, so the app cannot be used to read or probe the rest of the disk. A relative path is read
in the inbox.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

INBOX = "inbox"
MAX_PATH_CHARS = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096  # what the system opens


class AllowedFiles:
    """The folders the app reads files from; `resolve` turns a typed path into a readable one or refuses it."""

    def __init__(self, workspace_root: str | Path, data_dirs: Iterable[str | Path] = ()):
        self.inbox = Path(workspace_root) / INBOX
        with contextlib.suppress(OSError):  # a read-only workspace: files can still come from data folders
            self.inbox.mkdir(parents=True, exist_ok=True)
        self.folders = [Path(folder).expanduser().resolve() for folder in [self.inbox, *data_dirs]]

    def refusal(self) -> str:
        names = ", ".join(str(folder) for folder in self.folders)
        return (f"This path is outside the folders the app may read ({names}). Put the file in the workspace's "
                f"{INBOX}/ folder, start the app with --data-dir FOLDER, or upload the file.")

    def resolve(self, text: str) -> Path:
        """The real path of a typed path when it lies in an allowed folder; ValueError (one message for any
        refused path, existing or not) otherwise. A path longer than the system opens is refused first, without
        echoing it (a 100,000-character path would otherwise fill the page)."""
        if len(text) > MAX_PATH_CHARS:
            raise ValueError(f"This path is {len(text):,} characters long; a path on this server has at most "
                             f"{MAX_PATH_CHARS:,}. Type the path of a file in an allowed folder, or upload the file.")
        try:
            typed = Path(text.strip()).expanduser()
            real = (typed if typed.is_absolute() else self.inbox / typed).resolve()
        except (OSError, RuntimeError, ValueError) as exc:  # a loop of links, a NUL byte, an unknown ~user
            raise ValueError(self.refusal()) from exc
        if not any(real.is_relative_to(folder) for folder in self.folders):
            raise ValueError(self.refusal())
        return real

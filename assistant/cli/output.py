"""What the command line prints, through one door: every line goes through `clustering.printable`, so a control
character from data (a registry name, an owner, a note, a file path, a cell value echoed by a problem) is shown
as its escape and never reaches the terminal raw. The renderers put each value on one line (`printable`) where a
newline would forge a table row; this door keeps the lines they laid out and escapes anything else."""

from __future__ import annotations

import sys

from clustering.printable import printable


def echo(text: object = "", err: bool = False) -> None:
    """Print `text` (to stderr with `err`), every control character but the newline and the tab escaped."""
    print(printable(text, keep_lines=True), file=sys.stderr if err else sys.stdout)


__all__ = ["echo"]

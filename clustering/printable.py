"""Text from data made safe to print on a terminal, written once (the command line's every rendering uses it).

A name, a note, an ad text or a file path can hold characters a terminal obeys instead of showing: `ESC ] 52`
writes the clipboard, `ESC [ 2 J` clears the screen, a carriage return overwrites the line, a right-to-left
override (U+202E) reverses what follows, and a newline inside a table cell forges a row. `printable` shows each
such character as its escape (`\\x1b`, `\\n`, `\\u202e`), so the text reads as it is stored. It sits in the lowest
package so that `clustering.problems` (which echoes cell values) and `assistant` share it.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; the Unicode line and paragraph separators; the bidirectional marks, embeddings,
# overrides and isolates (the "Trojan Source" characters); lone surrogates (a non-UTF-8 byte read from a file name
# or argv), which a UTF-8 terminal cannot even encode.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_KEEPING_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(found: re.Match) -> str:
    char = found.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object, keep_lines: bool = False) -> str:
    """`text` with every control character shown as its escape: one line (a newline becomes `\\n`), or, with
    `keep_lines`, lines and tabs kept (for a whole block the program laid out itself)."""
    text = str(text)
    return (_UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE).sub(_escape, text)


__all__ = ["printable"]

r"""Data in Markdown, made inert: text from cases, notes and drafts shows as text, never as markup.

`md(value)` is for any value placed in running Markdown (a paragraph, a list item, a heading, a table cell):
line breaks become spaces (so a value can't start a heading, list, quote or table row of its own), `&`, `<`
and `>` become HTML entities (no raw HTML: `<img src=x onerror=...>` shows as text), and the characters that
make emphasis, links, code, tables or headings are backslash-escaped; a value that would open a list or a
setext heading where a line starts has that character escaped too. Addresses that GitHub-flavoured viewers
(GitHub, the web app's `marked`) turn into links by themselves are broken up by an escape that shows nothing:
`https\://`, `www\.`, `name\@host`. `code(value)` puts a value in a code span, whatever backticks it holds.
Both escape what CommonMark, GitHub and Python-Markdown treat as markup.
"""

from __future__ import annotations

import re

LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
# emphasis, code, links and images, tables, headings, strikethrough; `_` inside a word (`theme_label`) is inert
PUNCTUATION = re.compile(r"[\\`*\[\]|#~]|_(?![^\W_])|(?<![^\W_])_")
AUTOLINK = re.compile(r":(?=//)|(?<=\bwww)\.|@", re.IGNORECASE)  # what GFM links by itself: https://, www., a@b
LINE_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+=])(?=[\s\-+=]|$)")  # a list, a rule, a setext underline


def md(value: object) -> str:
    """`value` as text for running Markdown: one line, no markup, no raw HTML."""
    text = LINE_BREAKS.sub(" ", str(value)).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = PUNCTUATION.sub(lambda m: "\\" + m[0], text)
    text = AUTOLINK.sub(lambda m: "\\" + m[0], text)
    return LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def code(value: object) -> str:
    """`value` as an inline code span (shown verbatim), on one line."""
    text = LINE_BREAKS.sub(" ", str(value))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"

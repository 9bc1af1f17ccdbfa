"""Rows a stray quote hides in a CSV/TSV file: found after parsing, reported with the rows and lines involved.

A quote opened in a field and closed rows later makes one long field that holds the rows in between: the file
still parses, with fewer rows. Such a field has a line break, and the text around it has the delimiters of a
row: the rest of its own row before the first break and the start of a row after the last one (or a whole row
between). A note written over several lines has breaks but not a row's worth of delimiters.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from clustering.problems import LoadError, Problem


def _looks_like_rows(value: str, sep: str, index: int, n_columns: int) -> bool:
    """Whether a field at column `index` holds what looks like further rows of an `n_columns` file."""
    lines = value.split("\n")
    if len(lines) < 2 or n_columns < 3:
        return False
    if any(line.count(sep) >= n_columns - 1 for line in lines[1:-1]):
        return True
    return lines[0].count(sep) >= n_columns - 1 - index and lines[-1].count(sep) >= index and \
        lines[0].count(sep) + lines[-1].count(sep) >= n_columns - 1


def _record_lines(text: str, sep: str) -> list[tuple[int, int]]:
    """(first line, last line) of every non-empty record, the header first (csv module, non-strict)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    spans = []
    previous = 0
    for record in reader:
        if record:
            spans.append((previous + 1, reader.line_num))
        previous = reader.line_num
    return spans


def swallowed_rows(path: str, text: str, frame: pd.DataFrame, sep: str) -> tuple[np.ndarray, list[Problem]]:
    """Frame rows whose fields hold what look like further rows (mask), and a problem for each naming its row,
    field and the lines of the file it spans."""
    n_columns = len(frame.columns)
    bad = np.zeros(len(frame), dtype=bool)
    found: dict[int, str] = {}
    if text.count("\n") <= len(frame) + 1:  # a line a record: no field holds a line break
        return bad, []
    cells = frame.to_numpy(dtype=object)  # every cell at once: no cost per column (a file may have thousands)
    broken = np.frompyfunc(lambda v: isinstance(v, str) and "\n" in v, 1, 1)(cells).astype(bool)
    for i, index in zip(*np.nonzero(broken)):  # row by row, each row's columns in order: its first such field
        if not bad[i] and _looks_like_rows(cells[i, index], sep, int(index), n_columns):
            bad[i] = True
            found[int(i)] = str(frame.columns[index])
    if not found:
        return bad, []
    spans = _record_lines(text, sep)
    problems = []
    for i, name in sorted(found.items()):
        first, last = spans[i + 1] if i + 1 < len(spans) else (0, 0)
        lines = f"lines {first}-{last} of the file" if first else "several lines"
        problems.append(Problem(path, i + 2, name, f"this field holds what looks like {last - first} further row(s) "
                                                   f"({lines} were read as one row): a quote opened on line {first} "
                                                   "is probably not closed where it should be"))
    return bad, problems


def unclosed_quote(path: str, text: str, sep: str) -> LoadError:
    """The error for a quote never closed before the end of the file, naming the row and line it opened on."""
    spans = _record_lines(text, sep)
    row, (line, _) = len(spans), spans[-1]
    return LoadError([Problem(path, row, None, f"a quote opened in this row (line {line} of the file) is never "
                                               "closed: the rest of the file would be one field; close or remove it")])

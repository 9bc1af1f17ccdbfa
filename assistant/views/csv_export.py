"""CSV files people open in a spreadsheet: cells that a spreadsheet would run as a formula are neutralised.

Ad text, notes, locales and queue names come from outside; a cell such as `=HYPERLINK(...)` or
`=cmd|' /C calc'!A0` must open as text. As OWASP's CSV-injection guidance says, a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single quote. Numbers stay numbers.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text value that a spreadsheet would read as a formula, prefixed with `'`; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text, with every text cell (and header) that could run as a formula neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(neutralise, na_action="ignore")
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out.to_csv(index=False)

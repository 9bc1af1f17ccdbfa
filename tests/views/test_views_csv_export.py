"""CSV files open in a spreadsheet as text, never as formulas (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from assistant.views.csv_export import neutralise, safe_csv


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x.example\",\"click\")", "'=HYPERLINK(\"http://x.example\",\"click\")"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("plain note", "plain note"), ("a=b", "a=b"), ("", ""), (3, 3), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_safe_csv_keeps_numbers_and_quotes_every_formula_cell():
    frame = pd.DataFrame({"case_id": ["C1", "C2"], "ad_text": ["=1+1", "fine"], "locale": ["@evil", "en-US"],
                          "rate": [-0.25, 0.5], "n": [-3, 4], "=head": ["x", "y"]})
    rows = list(csv.reader(io.StringIO(safe_csv(frame))))
    assert rows[0] == ["case_id", "ad_text", "locale", "rate", "n", "'=head"]
    assert rows[1] == ["C1", "'=1+1", "'@evil", "-0.25", "-3", "x"]
    assert rows[2] == ["C2", "fine", "en-US", "0.5", "4", "y"]

"""Property-based: any CSV/JSONL the generator makes either loads or fails with the project's own LoadError,
each problem naming the file (and, for a row's problem, the row): never another exception (clustering/load.py).

Text with quotes, delimiters, line breaks and any unicode; fields missing; values of the wrong JSON type; raw
lines with unbalanced quotes; bytes that are not UTF-8.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from conftest import HEADER, case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustering.load import LoadSettings, load_cases
from clustering.problems import LoadError, ValidationError

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NASTY = st.text(alphabet=st.sampled_from(list(',;\t"\'\n\r =+-@\\{}[]:aZ09é€😀\u200b\x00\udc80'))  # \udc80: byte 0x80
                | st.characters(exclude_categories=["Cs"]), max_size=30)
WRONG_TYPES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), NASTY)


def rows_strategy(values):
    """Lists of case rows, each field either the good value, a generated one, or missing."""
    field = st.sampled_from(HEADER)
    row = st.tuples(st.integers(0, 10_000), st.dictionaries(field, values, max_size=6), st.sets(field, max_size=4))
    return st.lists(row, min_size=1, max_size=6)


def build_rows(spec) -> list[dict]:
    rows = []
    for n, changed, dropped in spec:
        row = case(f"C{n}")
        row.update(changed)
        rows.append({k: v for k, v in row.items() if k not in dropped})
    return rows


def check(path: Path, lenient: bool) -> None:
    try:
        result = load_cases(path, LoadSettings(lenient=lenient))
    except LoadError as exc:
        assert exc.problems, "a LoadError names at least one problem"
        for problem in exc.problems:
            assert problem.path == str(path)
            assert problem.message
            if isinstance(exc, ValidationError):
                assert problem.row is not None and problem.row >= 1
        return
    assert len(result.cases) >= 1
    assert all(w.path == str(path) for w in result.warnings)


@FAST
@given(spec=rows_strategy(st.text(max_size=30) | NASTY), lenient=st.booleans())
def test_generated_csv_rows_load_or_name_file_row_and_field(spec, lenient):
    rows = build_rows(spec)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.csv"
        with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as handle:
            writer = csv.DictWriter(handle, fieldnames=HEADER, restval="")
            writer.writeheader()
            writer.writerows(rows)
        check(path, lenient)


@FAST
@given(lines=st.lists(st.lists(NASTY, min_size=1, max_size=16), min_size=1, max_size=6), lenient=st.booleans(),
       junk=st.binary(max_size=8))
def test_raw_delimited_lines_with_stray_quotes_and_bad_bytes(lines, lenient, junk):
    text = ",".join(HEADER) + "\n" + "\n".join(",".join(fields) for fields in lines) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "raw.csv"
        path.write_bytes(text.encode("utf-8", errors="surrogateescape") + junk)
        check(path, lenient)


@FAST
@given(spec=rows_strategy(WRONG_TYPES), lenient=st.booleans(), extra=st.lists(NASTY, max_size=2))
def test_generated_jsonl_rows_load_or_name_file_row_and_field(spec, lenient, extra):
    rows = build_rows(spec)
    lines = [json.dumps(row, ensure_ascii=False) for row in rows] + extra
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.jsonl"
        path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogateescape"))
        check(path, lenient)

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


COLUMN_NAMES = st.text(alphabet=st.sampled_from(list(' ,;"\n=+@aZ_09é😀\u200b')), min_size=0, max_size=6)
WIDE_LIMIT = 300  # max_columns of the wide files' test: the generator goes beyond it


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(0, 2 * WIDE_LIMIT), names=st.lists(COLUMN_NAMES, max_size=4), rows=st.integers(1, 4),
       value=st.text(alphabet=st.sampled_from(list('a,"\n é')), max_size=6), jsonl=st.booleans(),
       lenient=st.booleans())
def test_wide_files_load_every_column_or_are_refused_naming_the_limit(width, names, rows, value, jsonl, lenient):
    """A file of many extra columns (some with awkward or repeated names, cells with quotes and line breaks) loads
    with all of them, or fails with a LoadError naming the file; beyond max_columns it is refused on that count."""
    extra = [f"extra_{i}" for i in range(width)] + names
    header = [*HEADER, *extra]
    records = [{**case(f"C{n}"), **{name: f"{value}{n}" for name in extra}} for n in range(rows)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("wide.jsonl" if jsonl else "wide.csv")
        if jsonl:
            path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
        else:
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows([[r.get(name, "") for name in header] for r in records])
        columns = len(dict.fromkeys(header)) if jsonl else len(header)  # JSON keys are unique
        try:
            result = load_cases(path, LoadSettings(lenient=lenient, max_columns=WIDE_LIMIT))
        except LoadError as exc:
            assert exc.problems and all(p.path == str(path) for p in exc.problems)
            if columns > WIDE_LIMIT:
                assert f"the file has {columns:,} columns, more than {WIDE_LIMIT} (max_columns)" in \
                    exc.problems[0].message
            return
        assert columns <= WIDE_LIMIT
        assert len(result.columns_found) == columns
        assert all(f"extra_{i}" in result.cases.columns for i in range(width))

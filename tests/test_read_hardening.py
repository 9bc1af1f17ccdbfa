"""Hostile and careless input files: bounded decompression, stray quotes, deep JSON, bytes that are not UTF-8
in the header, and messages that must not echo cell values (clustering/read.py, csv_rows.py, load.py)."""

from __future__ import annotations

import gzip
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import HEADER, case, write_csv

from clustering.load import LoadSettings, load_cases
from clustering.problems import LoadError, ValidationError


def csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    write_csv_to(buffer, rows)
    return buffer.getvalue()


def write_csv_to(handle, rows):
    import csv

    writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def test_a_gzip_bomb_is_refused_as_bad_input_naming_the_limit(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb") as handle:  # 20 MB of zeros: about 20 KB compressed
        handle.write(csv_text([case("C1")]).encode())
        handle.write(b"0" * 20_000_000)
    assert path.stat().st_size < 100_000
    with pytest.raises(LoadError) as err:
        load_cases(path, LoadSettings(max_input_bytes=1_000_000))
    assert str(err.value).startswith(f"{path}: the file decompresses to more than 1,000,000 bytes")
    assert "max_input_bytes" in str(err.value)


def test_a_plain_file_over_the_limit_and_a_truncated_gzip_are_bad_input(tmp_path):
    plain = write_csv(tmp_path / "big.csv", [case(f"C{i}") for i in range(50)])
    with pytest.raises(LoadError, match="the file holds more than 1,000 bytes"):
        load_cases(plain, LoadSettings(max_input_bytes=1_000))
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(plain.read_bytes())[:200])
    with pytest.raises(LoadError, match="not a readable gzip file"):
        load_cases(cut)


def test_a_parquet_file_whose_columns_decompress_beyond_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.parquet"
    table = pa.table({name: [case(f"C{i}")[name] + "x" * 200 for i in range(2000)] for name in HEADER})
    pq.write_table(table, path, compression="zstd")
    assert path.stat().st_size < 200_000
    with pytest.raises(LoadError, match="the file's columns decompress to more than 200,000 bytes"):
        load_cases(path, LoadSettings(max_input_bytes=200_000))


def test_a_stray_quote_that_swallows_rows_is_reported_with_the_rows_involved(tmp_path):
    lines = csv_text([case(f"C{i}") for i in range(1, 11)]).splitlines()
    lines[3] = lines[3].replace("note on C3", '"note on C3')  # opened on row 4 (line 4), closed on line 7
    lines[6] = lines[6].replace("note on C6", 'note on C6"')
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:4:reviewer_note: this field holds what looks like 3 further row(s) (lines 4-7 of the file were "
        "read as one row): a quote opened on line 4 is probably not closed where it should be"]
    lenient = load_cases(path, LoadSettings(lenient=True))
    assert lenient.rows_skipped == 1 and list(lenient.cases["source_row"]) == [2, 3, 5, 6, 7, 8]
    assert "row skipped: this field holds" in str(lenient.warnings[0])


def test_a_note_written_over_several_lines_is_not_a_swallowed_row(tmp_path):
    note = "Bad claim, see policy.\nAlso, the landing page differs.\nSecond, third."
    path = write_csv(tmp_path / "notes.csv", [case("C1", reviewer_note=note), case("C2")])
    assert load_cases(path).cases["reviewer_note"].iat[0] == note


def test_an_unclosed_quote_names_the_row_where_it_opened(tmp_path):
    lines = csv_text([case(f"C{i}") for i in range(1, 6)]).splitlines()
    lines[2] = lines[2].replace("note on C2", '"note on C2')  # row 3 of the file (header is row 1)
    path = tmp_path / "open.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LoadError) as err:
        load_cases(path)
    assert str(err.value) == (f"{path}:3: a quote opened in this row (line 3 of the file) is never closed: the rest "
                              "of the file would be one field; close or remove it")


def test_a_jsonl_line_nested_very_deep_is_bad_input_naming_its_line(tmp_path):
    path = tmp_path / "deep.jsonl"
    good = json.dumps(case("C1"))
    path.write_text(good + "\n" + "[" * 200_000 + "\n" + json.dumps(case("C2")) + "\n")
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert [str(p) for p in err.value.problems] == [f"{path}:2: not readable: arrays or objects nested too deep"]
    assert len(load_cases(path, LoadSettings(lenient=True)).cases) == 2


def test_a_jsonl_integer_of_thousands_of_digits_names_its_line(tmp_path):
    path = tmp_path / "digits.jsonl"
    path.write_text(json.dumps(case("C1")) + "\n" + '{"case_id": ' + "9" * 5000 + "}\n")
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert str(err.value.problems[0]).startswith(f"{path}:2: not readable JSON: Exceeds the limit")


def test_a_header_byte_that_is_not_utf8_names_row_1_the_column_and_the_offset(tmp_path):
    path = tmp_path / "latin1.csv"
    text = csv_text([case("C1")]).replace("reviewer_note", "reviewer_n\u00f6te", 1)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("latin-1"))  # a BOM, then one byte 0xF6 in column 3
    offset = 3 + text.index("\u00f6")
    with pytest.raises(LoadError) as err:
        load_cases(path)
    assert str(err.value) == (f"{path}:1:column 3: the header is not valid UTF-8: byte 0xF6 at byte offset {offset} "
                              "of the file; save the file as UTF-8")


def test_without_echo_no_cell_value_or_column_name_appears_in_any_message(tmp_path):
    secret = "$2b$12$SECRETHASH"
    rows = [case("C1", original_decision=secret, model_score=secret, decided_at=secret, decision_source=secret,
                 error_type=secret), case("C1")]
    path = write_csv(tmp_path / "users.csv", rows)
    quiet = LoadSettings().hiding_values()
    with pytest.raises(ValidationError) as err:
        load_cases(path, quiet)
    text = str(err.value)
    assert secret not in text and "'C1'" not in text
    assert f"{path}:2:original_decision: unknown decision; expected reject or approve" in text
    assert f"{path}:3:case_id: duplicate case_id (first on row 2)" in text
    with pytest.raises(ValidationError, match=r"unknown decision '\$2b\$12\$SECRETHASH'"):
        load_cases(path)  # the command line keeps quoting: its user can read the file anyway
    header = tmp_path / "header.csv"
    header.write_text("password_hash,email\nx,y\n")
    with pytest.raises(LoadError) as err:
        load_cases(header, quiet)
    assert "password_hash" not in str(err.value) and "email" not in str(err.value)
    with pytest.raises(LoadError) as err:
        load_cases(header, LoadSettings(column_map={"nope": "case_id"}).hiding_values())
    assert "password_hash" not in str(err.value) and "it has 2 columns" in str(err.value)


def test_a_repeated_column_name_is_reported_not_silently_renamed(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text(",".join(HEADER + ["case_id"]) + "\n" + ",".join([*case("C1").values(), "C9"]) + "\n")
    with pytest.raises(LoadError, match="columns 'case_id' and 'case_id' have the same name"):
        load_cases(path)


def test_a_pipe_or_device_is_not_read(tmp_path):
    import os

    fifo = tmp_path / "cases.csv"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    with pytest.raises(LoadError, match="is not a regular file"):
        load_cases(fifo)


def test_a_number_or_a_far_date_as_decided_at_is_a_problem_not_a_crash(tmp_path):
    """Found by tests/test_load_properties.py: JSON -28 read as the year -28 overflowed pandas' nanoseconds."""
    path = tmp_path / "dates.jsonl"
    path.write_text("\n".join(json.dumps(case(f"C{i}", decided_at=v)) for i, v in enumerate([-28, "9999-01-01"])))
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert [(p.row, p.field) for p in err.value.problems] == [(1, "decided_at"), (2, "decided_at")]
    far = tmp_path / "far.parquet"
    pq.write_table(pa.table({**{n: [case("C1")[n]] for n in HEADER if n != "decided_at"},
                             "decided_at": pa.array([253402214400_000_000], pa.timestamp("us"))}), far)
    with pytest.raises(ValidationError, match="far.parquet:1:decided_at: a date beyond the years 1677-2262"):
        load_cases(far)


def test_a_name_too_long_for_the_system_is_bad_input_not_a_traceback(tmp_path):
    for path in (tmp_path / ("a" * 300 + ".csv"), tmp_path / ("a/" * 3000 + "x.csv")):
        with pytest.raises(LoadError) as caught:
            load_cases(path)
        assert "cannot read the file: File name too long" in str(caught.value)


def test_a_file_of_100_000_columns_is_refused_naming_the_file_and_the_limit(tmp_path):
    """Refused on its header, before any work per column or row (the loader is linear in columns as well:
    bench/load_columns.py measures it)."""
    names = [*HEADER, *(f"x{i}" for i in range(100_000))]
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(names) + "\n" + ",".join(["C1", "ad", "note", "reject", "approve", "alcohol"]
                                                        + [""] * (len(names) - 6)) + "\n", encoding="utf-8")
    keys = tmp_path / "wide.jsonl"
    keys.write_text(json.dumps({**case("C1"), **{f"x{i}": 1 for i in range(100_000)}}) + "\n", encoding="utf-8")
    parquet = tmp_path / "wide.parquet"
    pq.write_table(pa.table({**{k: [v] for k, v in case("C1").items()}, **{f"x{i}": [1] for i in range(1_000)}}),
                   parquet)
    for path, count in ((wide, len(names)), (keys, 100_000 + len(HEADER)), (parquet, 1_000 + len(HEADER))):
        with pytest.raises(LoadError) as caught:
            load_cases(path)
        problem = caught.value.problems[0]
        assert problem.path == str(path)
        assert f"the file has {count:,} columns, more than 1,000 (max_columns)" in problem.message
    assert load_cases(parquet, LoadSettings(max_columns=2_000)).columns_found[-1] == "x999"


def test_a_dictionary_encoded_parquet_is_bounded_by_what_it_decodes_to_not_its_metadata(tmp_path):
    rows = [case(f"C{n}") for n in range(40_000)]
    table = pa.table({k: [r[k] for r in rows] for k in rows[0]} | {"ad_text": ["x" * 1_000] * len(rows)})
    path = tmp_path / "small.parquet"
    pq.write_table(table, path, use_dictionary=True, compression="zstd")
    meta = pq.ParquetFile(path).metadata
    stated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    assert path.stat().st_size < 1_000_000 and stated < 5_000_000  # 40 MB of text once decoded
    with pytest.raises(LoadError) as caught:
        load_cases(path, LoadSettings(max_input_bytes=5_000_000))
    assert "the file's columns decode to more than 5,000,000 bytes" in str(caught.value)

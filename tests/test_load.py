"""Loading and validation: every bad-input class names the file, the row and the field."""

from __future__ import annotations

import gzip
import hashlib
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import case

from clustering.load import LoadSettings, load_cases, parse_map_options, read_column_map
from clustering.problems import LoadError, ValidationError, format_problems


def messages(exc: LoadError) -> list[str]:
    return [str(p) for p in exc.problems]


def test_valid_csv_loads_with_documented_dtypes(make_csv):
    path = make_csv([case("C1"), case("C2", "approve", "approve", reviewer_note="")])
    result = load_cases(path)
    cases = result.cases
    assert list(cases["case_id"]) == ["C1", "C2"]
    assert str(cases["case_id"].dtype) == "string"
    assert str(cases["decided_at"].dtype) == "datetime64[ns, UTC]"
    assert isinstance(cases["original_decision"].dtype, pd.CategoricalDtype)
    assert cases["misjudged"].dtype == bool
    assert list(cases["misjudged"]) == [True, False]
    assert list(cases["error_type"].astype(object).fillna("")) == ["FP", ""]
    assert list(cases["week"]) == ["2026-W45", "2026-W45"]
    assert list(cases["source_row"]) == [2, 3]  # header is row 1, as in a spreadsheet
    assert pd.isna(cases.loc[1, "reviewer_note"])  # empty text is missing, not ""
    assert result.has_correct_rows


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(LoadError) as err:
        load_cases(path)
    assert messages(err.value) == [f"{path}: no such file"]


def test_folder_and_unknown_extension_and_corrupt_parquet(tmp_path):
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(LoadError, match="is a folder"):
        load_cases(folder)
    xlsx = tmp_path / "cases.xlsx"
    xlsx.write_bytes(b"PK\x03\x04")
    with pytest.raises(LoadError, match=r"cases.xlsx: unsupported file type '.xlsx'"):
        load_cases(xlsx)
    bad = tmp_path / "cases.parquet"
    bad.write_bytes(b"this is not parquet at all")
    with pytest.raises(LoadError, match=r"cases.parquet: not a readable Parquet file"):
        load_cases(bad)


@pytest.mark.parametrize("name,content,expected", [
    ("empty.csv", b"", "the file is empty"),
    ("blank.jsonl", b"\n\n  \n", "the file is empty"),
    ("header.csv", b"case_id,ad_text,original_decision,final_decision,policy\n", "no data rows"),
])
def test_empty_files(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load_cases(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_empty_parquet(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"case_id": pa.array([], pa.string())}), path)
    with pytest.raises(LoadError, match="no data rows"):
        load_cases(path)


def test_missing_required_column_lists_columns_and_suggests_mapping(make_csv):
    rows = [{"id": "C1", "note": "n", "original_decision": "reject", "final_decision": "approve", "policy": "x"}]
    path = make_csv(rows)
    with pytest.raises(LoadError) as err:
        load_cases(path)
    ids, texts = err.value.problems
    assert ids.field == "case_id" and ids.row is None
    assert "the file has: id, note, original_decision, final_decision, policy" in ids.message
    assert ids.message.endswith("--map 'id=case_id'")
    assert texts.field == "ad_text or reviewer_note" and texts.message.endswith("--map 'note=reviewer_note'")
    # the suggested mapping works
    result = load_cases(path, LoadSettings(column_map={"id": "case_id", "note": "reviewer_note"}))
    assert list(result.cases["case_id"]) == ["C1"]


def test_missing_both_text_columns(make_csv):
    rows = [{"case_id": "C1", "original_decision": "reject", "final_decision": "approve", "policy": "x"}]
    with pytest.raises(LoadError) as err:
        load_cases(make_csv(rows))
    assert err.value.problems[0].field == "ad_text or reviewer_note"


def test_headers_are_matched_case_and_space_insensitively(make_csv):
    rows = [{"Case ID": "C1", "Reviewer Note": "n", "Original-Decision": "reject", "FINAL_DECISION": "approve",
             "Policy ": "x"}]
    result = load_cases(make_csv(rows))
    assert list(result.cases["reviewer_note"]) == ["n"]


def test_decision_values_are_case_and_space_insensitive(make_csv):
    path = make_csv([case("C1", original=" REJECT ", final="Approve"), case("C2", original="rejected")])
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [
        f"{path}:3:original_decision: unknown decision 'rejected'; expected reject or approve"]
    lenient = load_cases(path, LoadSettings(lenient=True))
    assert list(lenient.cases["original_decision"]) == ["reject"]


def test_missing_decision(make_csv):
    path = make_csv([case("C1", final="")])
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [f"{path}:2:final_decision: missing final_decision; expected reject or approve"]


def test_error_type_must_agree_with_decisions(make_csv):
    path = make_csv([
        case("C1", error_type="FP"),
        case("C2", error_type="FN"),
        case("C3", "approve", "approve", error_type="fp"),
        case("C4", error_type="overkill"),
    ])
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [
        f"{path}:3:error_type: error_type is FN but original_decision=reject and final_decision=approve make it FP",
        f"{path}:4:error_type: error_type is FP but original_decision=approve and final_decision=approve make it a "
        "correct decision (error_type should be empty)",
        f"{path}:5:error_type: unknown error_type 'overkill'; expected FP, FN or empty for a correct decision",
    ]


def test_duplicate_case_id_names_both_rows(make_csv):
    path = make_csv([case("C1"), case("C2"), case("C1")])
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [f"{path}:4:case_id: duplicate case_id 'C1' (first on row 2)"]
    lenient = load_cases(path, LoadSettings(lenient=True))
    assert list(lenient.cases["case_id"]) == ["C1", "C2"] and lenient.rows_skipped == 1


def test_non_utf8_bytes_name_row_field_and_offset(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"case_id,reviewer_note,original_decision,final_decision,policy\n"
        b"C1,fine,reject,approve,alcohol\n"
        b"C2,caf\xe9 ad,reject,approve,alcohol\n"
    )
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [f"{path}:3:reviewer_note: not valid UTF-8: byte 0xE9 at character 4"]
    lenient = load_cases(path, LoadSettings(lenient=True))
    assert list(lenient.cases["case_id"]) == ["C1"]


def test_non_utf8_in_jsonl_names_the_line(tmp_path):
    path = tmp_path / "cases.jsonl"
    good = json.dumps({"case_id": "C1", "ad_text": "ok", "original_decision": "reject",
                       "final_decision": "approve", "policy": "p"}).encode()
    bad = b'{"case_id": "C2", "ad_text": "ol\xff\xfe", "original_decision": "reject", ' \
          b'"final_decision": "approve", "policy": "p"}'
    path.write_bytes(good + b"\n" + bad + b"\n")
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [f"{path}:2:ad_text: not valid UTF-8: byte 0xFF at character 3"]


def test_oversized_field_is_truncated_with_warning(make_csv):
    path = make_csv([case("C1", reviewer_note="x" * 500), case("C2")])
    result = load_cases(path, LoadSettings(max_field_chars=100))
    assert result.cases.loc[0, "reviewer_note"] == "x" * 100
    assert [str(w) for w in result.warnings] == [
        f"{path}:2:reviewer_note: 500 characters, truncated to 100 (raise the limit with --max-field-chars)"]
    assert load_cases(path).cases.loc[0, "reviewer_note"] == "x" * 500  # the default limit is larger


def test_unparsable_timestamps(make_csv):
    path = make_csv([case("C1", decided_at="2026-11-02 10:00"), case("C2", decided_at="next tuesday")])
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [
        f"{path}:3:decided_at: not a date and time: 'next tuesday' (use ISO 8601, e.g. 2026-11-02T14:05:00Z)"]


def test_misjudged_row_needs_note_or_ad_text(make_csv):
    path = make_csv([
        case("C1", ad_text="", reviewer_note="  "),
        case("C2", "approve", "approve", ad_text="", reviewer_note=""),  # correct rows may be empty
    ])
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [f"{path}:2:reviewer_note: misjudged row has neither reviewer_note nor ad_text"]


def test_bad_score_and_source_and_missing_policy(make_csv):
    path = make_csv([case("C1", model_score="high", decision_source="robot", policy="")])
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert messages(err.value) == [
        f"{path}:2:decision_source: unknown decision_source 'robot'; expected model, human or empty",
        f"{path}:2:model_score: not a number: 'high'",
        f"{path}:2:policy: missing policy",
    ]


def test_strict_reports_every_problem_and_lenient_skips_with_summary(make_csv):
    rows = [case(f"C{i}", original="maybe" if i % 3 == 0 else "reject") for i in range(30)]
    path = make_csv(rows)
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    assert err.value.total == 10 and err.value.bad_rows == 10
    shown = format_problems(err.value.problems, 3, err.value.total)
    assert shown.splitlines()[-1] == "... and 7 more (10 in all)"
    result = load_cases(path, LoadSettings(lenient=True))
    assert len(result.cases) == 20 and result.rows_skipped == 10 and result.rows_read == 30
    assert all(w.message.startswith("row skipped: unknown decision") for w in result.warnings)
    assert sorted(w.row for w in result.warnings) == [i + 2 for i in range(0, 30, 3)]


def test_jsonl_rows_are_line_numbers_and_bad_lines_are_reported(tmp_path):
    path = tmp_path / "cases.jsonl"
    lines = [
        json.dumps({"case_id": "C1", "reviewer_note": "n", "original_decision": "reject",
                    "final_decision": "approve", "policy": "p", "model_score": 0.93}),
        "",
        "{not json",
        json.dumps({"case_id": "C2", "reviewer_note": "n", "original_decision": "nope",
                    "final_decision": "approve", "policy": "p"}),
        json.dumps(["a", "list"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_cases(path)
    got = messages(err.value)
    assert got[0].startswith(f"{path}:3: not valid JSON")
    assert got[1] == f"{path}:4:original_decision: unknown decision 'nope'; expected reject or approve"
    assert got[2] == f"{path}:5: expected a JSON object, found list"
    result = load_cases(path, LoadSettings(lenient=True))
    assert list(result.cases["source_row"]) == [1] and result.cases.loc[0, "model_score"] == pytest.approx(0.93)


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "cases.jsonl.gz"
    record = {"case_id": "C1", "ad_text": "a", "original_decision": "approve", "final_decision": "reject",
              "policy": "p"}
    path.write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    assert list(load_cases(path).cases["error_type"]) == ["FN"]


def test_parquet_with_typed_columns(tmp_path):
    path = tmp_path / "cases.parquet"
    frame = pd.DataFrame({
        "case_id": ["C1", "C2", "C3"],
        "reviewer_note": ["a", "b", None],
        "original_decision": ["reject", "approve", "approve"],
        "final_decision": ["approve", "reject", "approve"],
        "policy": ["x", "y", "z"],
        "model_score": [0.9, np.nan, 0.1],
        "decided_at": pd.to_datetime(["2026-10-12T00:00:00", "2026-10-19T00:00:00", "2026-10-26T00:00:00"]),
    })
    frame.to_parquet(path)
    result = load_cases(path)
    cases = result.cases
    assert list(cases["source_row"]) == [1, 2, 3]
    assert list(cases["week"]) == ["2026-W42", "2026-W43", "2026-W44"]
    assert str(cases["decided_at"].dtype) == "datetime64[ns, UTC]"
    assert cases["model_score"].tolist()[0] == pytest.approx(0.9)


def test_column_mapping_file_and_options(tmp_path, make_csv):
    yaml_map = tmp_path / "map.yaml"
    yaml_map.write_text("Ticket: case_id\nQA comment: reviewer_note\n", encoding="utf-8")
    json_map = tmp_path / "map.json"
    json_map.write_text(json.dumps({"Ticket": "case_id"}), encoding="utf-8")
    assert read_column_map(yaml_map) == {"Ticket": "case_id", "QA comment": "reviewer_note"}
    assert read_column_map(json_map) == {"Ticket": "case_id"}
    assert parse_map_options(["Ticket=case_id", " x = policy "]) == {"Ticket": "case_id", "x": "policy"}
    with pytest.raises(ValueError, match="THEIR_COLUMN=FIELD"):
        parse_map_options(["case_id"])
    rows = [{"Ticket": "T9", "QA comment": "wrong", "original_decision": "reject", "final_decision": "approve",
             "policy": "p"}]
    path = make_csv(rows)
    result = load_cases(path, LoadSettings(column_map=read_column_map(yaml_map)))
    assert list(result.cases["case_id"]) == ["T9"] and list(result.cases["reviewer_note"]) == ["wrong"]


def test_mapping_errors_name_what_is_wrong(make_csv):
    path = make_csv([case("C1")])
    with pytest.raises(LoadError, match="unknown field 'caseid' \\(did you mean 'case_id'\\?\\)"):
        load_cases(path, LoadSettings(column_map={"ad_id": "caseid"}))
    with pytest.raises(LoadError, match="names column 'Ticket', which the file does not have"):
        load_cases(path, LoadSettings(column_map={"Ticket": "case_id"}))


def test_only_misjudged_rows_are_detected(make_csv):
    result = load_cases(make_csv([case("C1"), case("C2", "approve", "reject")]))
    assert not result.has_correct_rows


def test_unknown_columns_are_kept_untouched(make_csv):
    result = load_cases(make_csv([case("C1", extra="keep me")], header=[*case("C1").keys(), "extra"]))
    assert list(result.cases["extra"]) == ["keep me"]


@pytest.mark.parametrize("name", ["cases.csv", "cases.csv.gz", "cases.jsonl", "cases.parquet"])
def test_the_load_hashes_the_bytes_it_read(tmp_path, name):
    """The input's SHA-256 (what a run is known by) comes from the one read: the bytes on disk, compressed or not."""
    rows = [case("C1"), case("C2", "approve", "approve")]
    path = tmp_path / name
    if name.endswith(".parquet"):
        pd.DataFrame(rows).to_parquet(path)
    elif name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        text = pd.DataFrame(rows).to_csv(index=False).encode()
        # gzip: two members, as `cat a.gz b.gz` makes; every byte of the file is hashed
        path.write_bytes(gzip.compress(text[:40]) + gzip.compress(text[40:]) if name.endswith(".gz") else text)
    loaded = load_cases(path)
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert list(loaded.cases["case_id"]) == ["C1", "C2"] and loaded.seconds > 0

"""`validate` and `metrics`, in a subprocess as a user runs them."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from cli_helpers import in_process, run
from conftest import HEADER, case


@pytest.fixture
def cases_file(make_csv):
    rows = [case("C1"), case("C2", "approve", "reject", policy="gambling"),
            case("C3", "approve", "approve", reviewer_note=""), case("C4", "reject", "reject", reviewer_note="")]
    return make_csv(rows)


def test_validate_ok(cases_file):
    result = run("validate", str(cases_file))
    assert result.returncode == 0, result.stderr
    assert "4 rows read, 4 loaded, 0 skipped" in result.stdout
    assert "misjudged: 2 (FP 1, FN 1)" in result.stdout


def test_validate_bad_file_exits_2_with_located_problems(make_csv):
    path = make_csv([case(f"C{i}", final="maybe") for i in range(30)])
    result = run("validate", str(path), "--max-errors", "5")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}:2:final_decision: unknown decision 'maybe'; expected reject or approve"
    assert lines[5] == "... and 25 more (30 in all)"
    assert "30 problem(s) in 30 row(s); nothing was loaded" in result.stderr


def test_validate_lenient_skips_and_warns(make_csv):
    path = make_csv([case("C1"), case("C2", original="??")])
    result = run("validate", str(path), "--lenient")
    assert result.returncode == 0
    assert "2 rows read, 1 loaded, 1 skipped" in result.stdout
    assert f"{path}:3:original_decision: row skipped: unknown decision '??'" in result.stderr


def test_missing_file_and_missing_column(tmp_path, make_csv):
    missing = run("validate", str(tmp_path / "gone.csv"))
    assert missing.returncode == 2 and f"{tmp_path / 'gone.csv'}: no such file" in missing.stderr
    path = make_csv([{"id": "C1", "ad_text": "a", "original_decision": "reject", "final_decision": "approve",
                      "policy": "p"}])
    result = run("validate", str(path))
    assert result.returncode == 2 and "--map 'id=case_id'" in result.stderr
    mapped = run("validate", str(path), "--map", "id=case_id")
    assert mapped.returncode == 0, mapped.stderr


@pytest.mark.slow  # three runs of the script in fresh processes
def test_the_load_section_from_the_environment_and_the_file_changes_what_is_refused(cases_file, tmp_path):
    """ERROR_THEMES_LOAD__MAX_COLUMNS and the settings file's `load` section reach the loader through the command
    line: the 14 columns of the file pass by default and are refused under a bar of 13."""
    assert run("validate", str(cases_file)).returncode == 0
    narrow = run("validate", str(cases_file), env={"ERROR_THEMES_LOAD__MAX_COLUMNS": "13"})
    assert narrow.returncode == 2 and "the file has 14 columns, more than 13 (max_columns)" in narrow.stderr
    config = tmp_path / "settings.yaml"
    config.write_text("load:\n  max_columns: 13\n", encoding="utf-8")
    from_file = run("metrics", str(cases_file), "--config", str(config))
    assert from_file.returncode == 2 and "more than 13 (max_columns)" in from_file.stderr


def test_loading_options_overlay_the_settings_only_when_typed(make_csv, tmp_path, capsys):
    path = make_csv([case("C1", reviewer_note="a note of some length"), case("C2", original="??")])
    config = tmp_path / "settings.yaml"
    config.write_text("load:\n  lenient: true\n  max_field_chars: 8\n", encoding="utf-8")
    code, out, err = in_process(capsys, "validate", str(path), "--config", str(config))
    assert code == 0 and "2 rows read, 1 loaded, 1 skipped" in out
    assert "truncated to 8" in err
    code, out, err = in_process(capsys, "validate", str(path), "--config", str(config), "--max-field-chars", "100")
    assert code == 0 and "truncated" not in err  # the option typed beats the file
    code, _, err = in_process(capsys, "validate", str(path), "--config", str(config), "--no-lenient")
    assert code == 2 and "nothing was loaded" in err


def test_the_settings_column_map_overlaid_key_by_key_by_map(make_csv, tmp_path, capsys, monkeypatch):
    header = ["id", "note", *(h for h in HEADER if h not in ("case_id", "reviewer_note"))]
    path = make_csv([{**case("C1"), "id": "C1", "note": "n"}], header=header)
    code, _, err = in_process(capsys, "validate", str(path))
    assert code == 2 and "case_id: missing required column" in err
    monkeypatch.setenv("ERROR_THEMES_LOAD__COLUMN_MAP", "id=case_id,note=policy")
    code, _, err = in_process(capsys, "validate", str(path))
    assert code == 2 and "columns 'note', 'policy' all map to 'policy'" in err  # the environment's map applied
    code, _, err = in_process(capsys, "validate", str(path), "--map", "note=reviewer_note")
    assert code == 0, err  # --map replaced the environment's mapping of 'note' and kept its 'id'


def test_metrics_table_and_exports(cases_file, tmp_path):
    out_json = tmp_path / "m.json"
    result = run("metrics", str(cases_file), "--by", "policy", "--out", str(out_json))
    assert result.returncode == 0, result.stderr
    assert "FPR" in result.stdout and "50.0%" in result.stdout and "1 / 2" in result.stdout
    assert "By policy:" in result.stdout
    payload = json.loads(out_json.read_text())
    assert payload["overall"]["rates"]["ATA"]["numerator"] == 2
    assert {r["group"] for r in payload["by"]["policy"]} == {"alcohol", "gambling"}
    out_csv = tmp_path / "m.csv"
    assert run("metrics", str(cases_file), "--by", "policy", "--out", str(out_csv)).returncode == 0
    table = pd.read_csv(out_csv)
    fpr = table[(table.facet == "all") & (table.metric == "FPR")].iloc[0]
    assert (fpr.numerator, fpr.denominator) == (1, 2)


def test_failed_load_leaves_an_existing_output_untouched(make_csv, tmp_path):
    out = tmp_path / "metrics.json"
    out.write_text("previous results")
    bad = make_csv([case("C1", policy="")], name="bad.csv")
    result = run("metrics", str(bad), "--out", str(out))
    assert result.returncode == 2
    assert out.read_text() == "previous results"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".metrics.json")]


def test_metrics_rejects_unknown_output_type(cases_file, tmp_path):
    result = run("metrics", str(cases_file), "--out", str(tmp_path / "m.xlsx"))
    assert result.returncode == 2 and "--out must end in .json or .csv" in result.stderr


def test_metrics_csv_neutralises_formulas_from_the_data(make_csv, tmp_path):
    path = make_csv([case("C1", policy="=HYPERLINK(\"http://evil.example\",\"x\")"),
                     case("C2", final="reject", policy="@SUM(1)")], name="evil.csv")
    out = tmp_path / "m.csv"
    result = run("metrics", str(path), "--by", "policy", "--out", str(out))
    assert result.returncode == 0, result.stderr
    groups = set(pd.read_csv(out, dtype=str)["group"].dropna())
    assert {"'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(1)"} <= groups
    assert not any(g.startswith(("=", "+", "@")) for g in groups)

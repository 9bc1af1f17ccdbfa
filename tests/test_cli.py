"""The command line end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import case

SCRIPT = Path(sys.executable).parent / "error-themes"


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "assistant.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env=None if env is None else {**os.environ, **env})


@pytest.fixture
def cases_file(make_csv):
    rows = [case("C1"), case("C2", "approve", "reject", policy="gambling"),
            case("C3", "approve", "approve", reviewer_note=""), case("C4", "reject", "reject", reviewer_note="")]
    return make_csv(rows)


@pytest.mark.parametrize("command", [[], ["validate"], ["metrics"], ["demo"]])
def test_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: error-themes" in result.stdout


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


def test_demo_runs_metrics_themes_and_score(tmp_path):
    result = run("demo", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 0, result.stderr
    for name in ("FPR", "FDR", "FNR", "ATA", "IR"):
        assert f"\n{name} " in result.stdout
    assert "95% CI" in result.stdout and "By week:" in result.stdout and "2026-W47" in result.stdout
    assert "== 3. Error themes" in result.stdout and "T01" in result.stdout
    assert "planted themes recovered (F1 >= 0.5)" in result.stdout
    # the whole file (reused as the digest's W42-W47 window, which holds every row) and the W41-W46 window
    assert len(list((tmp_path / "ws" / "runs").iterdir())) == 2
    assert (tmp_path / "ws" / "digests" / "2026-W47" / "digest.html").exists()
    assert "[offline drafter: written by rules from the evidence, no LLM]" in result.stdout
    agreed = re.search(r"RCA root causes agree with the planted ones for (\d+) of (\d+)", result.stdout)
    assert agreed and int(agreed.group(2)) == 12 and int(agreed.group(1)) >= 9


def test_themes_then_score_end_to_end(small_demo_csv, tmp_path):
    workspace = tmp_path / "ws"
    result = run("themes", str(small_demo_csv), "--workspace", str(workspace))
    assert result.returncode == 0, result.stderr
    assert "rank  theme" in result.stdout and "T01" in result.stdout
    run_dirs = list((workspace / "runs").iterdir())
    assert len(run_dirs) == 1 and f"Saved run {run_dirs[0].name}" in result.stdout
    scored = run("score", "latest", "--workspace", str(workspace), "--labels", f"{small_demo_csv}:theme")
    assert scored.returncode == 0, scored.stderr
    assert "ARI" in scored.stdout and "planted themes recovered" in scored.stdout
    bad = run("score", "nope", "--workspace", str(workspace), "--labels", f"{small_demo_csv}:theme")
    assert bad.returncode == 2 and "no run 'nope'" in bad.stderr


def test_themes_on_bad_input_writes_no_run(make_csv, tmp_path):
    path = make_csv([case("C1", original="maybe")])
    result = run("themes", str(path), "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 2 and "unknown decision 'maybe'" in result.stderr
    assert not (tmp_path / "ws" / "runs").exists()


def test_draft_review_cycle(small_run, tmp_path):
    workspace, _, _ = small_run
    ws = ["--workspace", str(workspace.root)]
    drafted = run("draft", "latest", *ws, "--top", "2", "--kind", "rca", "--kind", "label")
    assert drafted.returncode == 0, drafted.stderr
    assert "4 drafts by offline-drafter/1" in drafted.stdout and "4 created" in drafted.stdout
    again = run("draft", "latest", *ws, "--top", "2", "--kind", "rca", "--kind", "label")
    assert "4 skipped" in again.stdout
    listed = run("drafts", "list", *ws, "--kind", "label")
    ids = [int(line.split()[0]) for line in listed.stdout.splitlines()[2:]]
    assert len(ids) == 2
    new = tmp_path / "label.json"
    new.write_text(json.dumps({"name": "Renamed theme", "sentence": "Clearer.", "cited_case_ids": ["X1"]}))
    edited = run("drafts", "edit", str(ids[0]), *ws, "--reviewer", "Pat", "--file", str(new))
    assert edited.returncode == 0 and "is now edited" in edited.stdout
    assert run("drafts", "accept", str(ids[0]), *ws).returncode == 2  # no reviewer named
    assert run("drafts", "accept", str(ids[0]), *ws, "--reviewer", "Pat").returncode == 0
    shown = run("drafts", "show", str(ids[0]), *ws)
    assert "status accepted" in shown.stdout and "Renamed theme" in shown.stdout
    assert "created -> draft" in shown.stdout and "Pat: edited -> edited" in shown.stdout
    assert "Renamed theme" in run("drafts", "list", *ws, "--status", "accepted").stdout
    assert run("drafts", "show", "99999", *ws).returncode == 2


def test_config_shows_settings_but_never_the_key(tmp_path):
    settings = tmp_path / "s.yaml"
    settings.write_text("llm:\n  backend: openai\n  model: m1\n  api_key_env: MY_KEY\n")
    env_run = run("config", "--config", str(settings), env={"MY_KEY": "sk-secret"})
    assert env_run.returncode == 0
    assert "model: m1" in env_run.stdout and "set in $MY_KEY" in env_run.stdout
    assert "sk-secret" not in env_run.stdout

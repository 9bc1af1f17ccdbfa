"""Analysing a file into a run: saved atomically with its metrics and summary, re-runs reuse the caches, one
ISO week alone."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from assistant.analysis import analyse
from assistant.workspace.runs import Workspace, load_metrics, load_run
from clustering.theme_model import RunFindings, RunIdentity
from devtools.file_opens import FileOpens


def test_run_is_saved_and_a_rerun_embeds_nothing(small_demo_csv, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    with FileOpens(small_demo_csv) as opens:
        run_dir, run = analyse(small_demo_csv, workspace)
    assert opens.count == 1  # read and hashed in one go
    assert run.input.sha256 == hashlib.sha256(small_demo_csv.read_bytes()).hexdigest()
    assert run.embed_stats["computed"] > 0
    saved, cases = load_run(run_dir)
    assert saved == run
    saved_json = json.loads((run_dir / "themes.json").read_text())
    assert saved_json["schema_version"] == 1
    # the file opens with which run it is (`RunIdentity`), then what it found (`RunFindings`)
    assert list(saved_json) == [*RunIdentity.model_fields, *RunFindings.model_fields]
    assert list(saved_json)[:3] == ["schema_version", "run_id", "created_at"] and list(saved_json)[-1] == "parents"
    assert {"case_id", "theme_id", "unthemed", "attached", "x", "y"} <= set(cases.columns)
    assert cases["unthemed"].sum() == run.unthemed
    assert (run_dir / "summary.md").read_text().startswith(f"# Error themes: run {run.run_id}")
    metrics = load_metrics(run_dir)
    assert metrics["overall"]["rows"] == run.input.rows_loaded
    assert {r["group"] for r in metrics["by"]["week"]} == set(pd.read_parquet(run_dir / "cases.parquet")["week"])
    assert not run.reduction_cached
    second_dir, second = analyse(small_demo_csv, workspace)
    assert second_dir != run_dir and second.embed_stats["computed"] == 0 and second.reduction_cached
    assert [t.model_dump() for t in second.themes] == [t.model_dump() for t in run.themes]
    assert second.embed_stats["cached"] == run.embed_stats["unique"]
    assert workspace.run_ids() == sorted([run_dir.name, second_dir.name])
    assert not [p for p in workspace.runs.iterdir() if p.name.startswith(".")]


def test_a_week_is_analysed_alone(small_demo_csv, tmp_path):
    _, run = analyse(small_demo_csv, Workspace(tmp_path / "ws"), week="2026-W47")
    cases = pd.read_csv(small_demo_csv)
    expected = ((cases["original_decision"] != cases["final_decision"]) & cases["decided_at"].str.startswith(
        ("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"))).sum()
    assert run.input.week == "2026-W47" and run.input.misjudged == expected
    with pytest.raises(ValueError, match="no cases in week 2030-W01"):
        analyse(small_demo_csv, Workspace(tmp_path / "ws"), week="2030-W01")

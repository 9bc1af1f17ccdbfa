"""The theme pipeline end to end with the real default model: determinism, input order, cache, output."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from assistant.analysis import analyse
from assistant.workspace import Workspace, load_metrics, load_run
from clustering.load import load_cases
from clustering.settings import ClusterSettings, ThemeSettings
from clustering.themes import find_themes
from eval_sets.scorer import read_labels, score_run


@pytest.fixture(scope="module")
def small_cases(small_demo_csv):
    return load_cases(small_demo_csv).cases


@pytest.fixture(scope="module")
def first_result(small_cases, tmp_path_factory):
    return find_themes(small_cases, cache_root=tmp_path_factory.mktemp("ws") / "cache")


def assignment_map(result) -> dict[str, str | None]:
    frame = result.assignments
    return dict(zip(frame["case_id"], frame["theme_id"].astype(object).where(frame["theme_id"].notna(), None)))


def test_themes_are_found_and_described(first_result, small_cases):
    themes = first_result.themes
    assert len(themes) >= 3
    assert [t.rank for t in themes] == list(range(1, len(themes) + 1))
    misjudged = int(small_cases["misjudged"].sum())
    assert len(first_result.assignments) == misjudged
    themed = first_result.assignments["theme_id"].notna().sum()
    assert sum(t.size for t in themes) == themed
    for t in themes:
        assert t.keywords and 3 <= len(t.representatives) <= 8
        assert sum(t.error_types.values()) == t.size
        assert t.impact_pp["ATA"] == pytest.approx(t.size / len(small_cases) * 100, abs=1e-3)
        assert len(t.centroid) == 384 and abs(np.linalg.norm(t.centroid) - 1) < 1e-3
        members = set(first_result.assignments.loc[first_result.assignments["theme_id"] == t.theme_id, "case_id"])
        assert {r.case_id for r in t.representatives} <= members


def test_same_input_and_seed_give_identical_themes(first_result, small_cases, tmp_path):
    again = find_themes(small_cases, cache_root=tmp_path / "cache")
    assert assignment_map(again) == assignment_map(first_result)
    assert [t.model_dump() for t in again.themes] == [t.model_dump() for t in first_result.themes]


def test_input_order_does_not_change_the_themes(first_result, small_cases, tmp_path):
    shuffled = small_cases.sample(frac=1.0, random_state=11).reset_index(drop=True)
    again = find_themes(shuffled, cache_root=tmp_path / "cache")
    assert assignment_map(again) == assignment_map(first_result)
    assert list(again.assignments["case_id"]) == list(shuffled.loc[shuffled["misjudged"], "case_id"])


def test_run_is_saved_and_a_rerun_embeds_nothing(small_demo_csv, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    run_dir, run = analyse(small_demo_csv, workspace)
    assert run.embed_stats["computed"] > 0
    saved, cases = load_run(run_dir)
    assert saved == run
    assert json.loads((run_dir / "themes.json").read_text())["schema_version"] == 1
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


def test_evoc_backend_end_to_end(small_demo_csv, small_cases, tmp_path):
    settings = ThemeSettings(cluster=ClusterSettings(backend="evoc"))
    result = find_themes(small_cases, settings, cache_root=tmp_path / "cache")
    frame = result.assignments
    assert len(result.themes) >= 3 and sum(t.size for t in result.themes) == frame["theme_id"].notna().sum()
    assert frame["x"].std() > 0 and frame["y"].std() > 0  # UMAP still draws the 2-D map
    score = score_run(frame, read_labels(small_demo_csv, "theme"))
    assert score.mean_f1 >= 0.5 and score.recovered_share >= 0.5
    again = find_themes(small_cases, settings, cache_root=tmp_path / "cache")
    assert assignment_map(again) == assignment_map(result) and again.reduction_cached

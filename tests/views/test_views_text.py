"""Plain-text renderings for the command line, and the metrics file export."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from assistant.views.text import run_header, text_table, theme_rows, themes_summary_md, write_metrics
from clustering.load import load_cases
from clustering.metrics import metrics_by, quality_metrics


def test_text_table_pads_and_right_aligns():
    table = text_table(["name", "n"], [["alpha", "1"], ["b", "1,000"]], right={1})
    assert table.splitlines() == ["name       n", "-----  -----", "alpha      1", "b      1,000"]


def test_metrics_are_written_as_json_or_csv_atomically(small_demo_csv, tmp_path):
    loaded = load_cases(small_demo_csv)
    overall = quality_metrics(loaded.cases, loaded.has_correct_rows)
    by = {"policy": metrics_by(loaded.cases, "policy", loaded.has_correct_rows)}
    write_metrics(tmp_path / "m.json", overall, by)
    payload = json.loads((tmp_path / "m.json").read_text())
    assert payload["overall"]["rows"] == overall.rows and len(payload["by"]["policy"]) == len(by["policy"])
    write_metrics(tmp_path / "m.csv", overall, by)
    table = pd.read_csv(tmp_path / "m.csv")
    assert len(table) == (1 + len(by["policy"])) * len(overall.rates)
    with pytest.raises(ValueError, match="must end in .json or .csv"):
        write_metrics(tmp_path / "m.xlsx", overall, by)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv", "m.json"]


def test_run_renderings_cover_every_theme(small_run):
    _, _, run = small_run
    headers, rows = theme_rows(run)
    assert len(rows) == len(run.themes) and all(len(r) == len(headers) for r in rows)
    assert [r[1] for r in rows] == [t.theme_id for t in run.themes]
    assert run_header(run).startswith(f"run {run.run_id}: ")
    # the run records the UMAP neighbourhood it used (15 below ~8,300 cases); a run saved before it did shows none
    assert run.umap_neighbors == 15
    assert f"(min theme size {run.min_cluster_size}, UMAP neighbours 15)" in run_header(run)
    older = run.model_copy(update={"umap_neighbors": None})
    assert f"(min theme size {run.min_cluster_size})" in run_header(older) and "UMAP" not in run_header(older)
    summary = themes_summary_md(run)
    assert summary.startswith(f"# Error themes: run {run.run_id}")
    assert all(f"## {t.theme_id}: " in summary for t in run.themes)


def test_run_summary_shows_hostile_notes_as_text(small_run):
    from markdown_it import MarkdownIt

    _, _, run = small_run
    theme = run.themes[0]
    evil = "<img src=x onerror=alert(1)> <iframe src=//x.example></iframe>\n# INJECTED HEADING\n[click](http://x.example)"
    reps = [r.model_copy(update={"reviewer_note": evil, "policy": "a|b"}) for r in theme.representatives]
    hostile = run.model_copy(update={"themes": [theme.model_copy(update={"representatives": reps}), *run.themes[1:]]})
    summary = themes_summary_md(hostile)
    html = MarkdownIt("commonmark").enable("table").render(summary)
    assert "<img" not in html and "<iframe" not in html and "<a " not in html
    assert "INJECTED HEADING" in html and "<h1>INJECTED" not in html
    assert not any(line.startswith("# INJECTED") for line in summary.splitlines())
    assert html.count("<h1>") == 1  # the summary's own title only

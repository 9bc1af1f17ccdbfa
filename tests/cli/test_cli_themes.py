"""`themes` and `score`, in a subprocess as a user runs them."""

from __future__ import annotations

import pytest
from cli_helpers import run
from conftest import case


@pytest.mark.slow  # the `themes` command in a fresh process, embedding and clustering the small demo
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

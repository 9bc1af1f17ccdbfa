"""The workspace as the app sees it: runs opened once, the map built once (assistant/webapp/state.py)."""

from __future__ import annotations

import pytest

from assistant.webapp.state import Explorer
from assistant.workspace.runs import load_metrics, load_run


def test_map_of_a_run_follows_the_theme_ranks(run_data):
    fig = run_data.map()
    theme_traces = [t for t in fig.data if not t.name.startswith("unthemed")]
    assert [t.name.split()[0] for t in theme_traces] == [t.theme_id for t in run_data.run.themes]
    assert sum(len(t.x) for t in fig.data) == len(run_data.cases)
    assert run_data.map() is fig  # built once per run


def test_explorer_opens_saved_runs_without_recomputing(explorer, ui_workspace):
    run_id = explorer.latest()
    assert explorer.run_ids() == list(reversed(ui_workspace.run_ids()))
    data = explorer.open(run_id)
    run, cases = load_run(ui_workspace.run_dir(run_id))
    assert data.run == run and len(data.cases) == len(cases)
    assert data.metrics == load_metrics(ui_workspace.run_dir(run_id))
    assert explorer.open(run_id) is data
    label = explorer.run_label(run_id)
    assert label.startswith(run_id) and f"{len(run.themes)} themes" in label
    with pytest.raises(FileNotFoundError):
        explorer.open("no-such-run")


def test_a_run_outside_the_workspace_is_never_opened(explorer, ui_workspace, tmp_path):
    """`?run=` takes run ids of this workspace only: not the absolute path of another workspace's run."""
    import shutil

    other = tmp_path / "other" / "runs" / "20260101-000000-secret"
    shutil.copytree(ui_workspace.run_dir(explorer.latest()), other)
    for wanted in (str(other), f"../../{other.parent.parent.name}/runs/{other.name}", "..", "/etc"):
        with pytest.raises(FileNotFoundError, match="no run .* in this workspace"):
            explorer.open(wanted)


def test_first_run_shown_is_the_newest_with_drafts(tmp_path):
    from assistant.workspace.store import DraftStore

    for run_id in ("20261101-000000-aaaa", "20261102-000000-bbbb"):
        (tmp_path / "runs" / run_id).mkdir(parents=True)
    explorer = Explorer(tmp_path)
    assert explorer.latest() == "20261102-000000-bbbb"  # no drafts anywhere: the newest
    DraftStore(tmp_path / "drafts.sqlite").add(
        run_id="20261101-000000-aaaa", theme_id="T01", kind="label", status="draft",
        content={"name": "n", "sentence": "s", "cited_case_ids": ["C1"]}, raw_output="{}", error=None, flags=[],
        prompt_name="theme_label", prompt_version=1, model="offline-drafter/1", evidence_hash="h",
        evidence_json="{}")
    assert explorer.latest() == "20261101-000000-aaaa"

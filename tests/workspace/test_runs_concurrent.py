"""Two analyses of one file on one workspace at once: both runs are saved, under two ids."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from assistant.workspace.runs import CASES_FILE, Workspace, load_run, saved_runs

SAME_SECOND = datetime(2026, 11, 25, 3, 15, tzinfo=timezone.utc)


def test_two_processes_ending_in_the_same_second_get_two_ids_and_both_runs_are_saved(small_run, tmp_path):
    _, run_dir, run = small_run
    _, cases = load_run(run_dir)
    first, second = Workspace(tmp_path / "ws"), Workspace(tmp_path / "ws")  # as two processes see the folder
    ids = [first.new_run_id(run.input.sha256, SAME_SECOND), second.new_run_id(run.input.sha256, SAME_SECOND)]
    assert ids[0] != ids[1] and ids[1] == f"{ids[0]}-2"
    for workspace, run_id in zip((second, first), reversed(ids)):  # the later id is saved first
        workspace.save_run(run.model_copy(update={"run_id": run_id}), cases, "summary")
    assert [r.run_id for _, r in saved_runs(first)] == ids
    assert sorted(p.name for p in first.runs.iterdir()) == ids  # no claim left behind
    assert first.new_run_id(run.input.sha256, SAME_SECOND) == f"{ids[0]}-3"


def test_a_failed_save_releases_its_id(small_run, tmp_path):
    _, run_dir, run = small_run
    workspace = Workspace(tmp_path / "ws")
    run_id = workspace.new_run_id(run.input.sha256, SAME_SECOND)
    with pytest.raises(AttributeError):  # not a DataFrame: the save fails half-way
        workspace.save_run(run.model_copy(update={"run_id": run_id}), "not a frame", "summary")
    assert list(workspace.runs.iterdir()) == []
    assert workspace.new_run_id(run.input.sha256, SAME_SECOND) == run_id


@pytest.mark.slow  # two `themes` commands in fresh processes, each embedding and clustering the small demo
def test_two_themes_commands_at_once_both_complete(small_demo_csv, small_run, tmp_path):
    """The real thing: two `themes` processes on one file and one workspace (the embedding cache warmed first)."""
    workspace = Workspace(tmp_path / "ws")
    command = [sys.executable, "-m", "assistant.cli", "themes", str(small_demo_csv), "--workspace",
               str(workspace.root)]
    assert subprocess.run(command, capture_output=True, timeout=600).returncode == 0
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    assert [code for code, _, _ in results] == [0, 0], [err[-2000:] for _, _, err in results]
    runs = saved_runs(workspace)
    assert len(runs) == 3 and len({r.run_id for _, r in runs}) == 3
    assert all((d / CASES_FILE).exists() for d, _ in runs)
    assert not [p for p in workspace.runs.iterdir() if p.name.startswith(".")]


@pytest.mark.slow  # a `themes` command in a fresh process, stopped mid-run
def test_a_run_stopped_by_sigterm_leaves_nothing_half_written(small_demo_csv, tmp_path):
    """A cron job's `timeout` sends SIGTERM: the command says so and exits 143, no temporary folder, no claim."""
    import signal
    import time

    workspace = Workspace(tmp_path / "ws")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "themes", str(small_demo_csv), "--workspace",
                             str(workspace.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not workspace.cache.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)  # until it embeds (the cache is cold): well inside the command
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err[-2000:]
    assert "stopped by SIGTERM" in err and "Traceback" not in err
    leftovers = [p for p in workspace.root.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []

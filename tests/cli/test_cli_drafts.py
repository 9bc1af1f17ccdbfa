"""`draft` and `drafts`: the review cycle, in a subprocess as a user runs it."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run

from assistant.cli import main
from assistant.exit_codes import EXIT_BAD_INPUT
from assistant.workspace.runs import Workspace
from assistant.workspace.store import DraftStore


@pytest.mark.slow  # ten `draft`/`drafts` commands, each in a fresh process
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


def test_a_stale_accept_is_refused_with_the_newer_text(tmp_path, capsys):
    workspace = Workspace(tmp_path / "ws")
    store = DraftStore(workspace.store_path)
    label = {"name": "Alcohol-free beer rejected", "sentence": "0.0% drinks are treated as alcohol.",
             "cited_case_ids": ["C1"]}
    draft_id = store.add(run_id="R1", theme_id="T01", kind="label", status="draft", content=label, raw_output="{}",
                         error=None, flags=[], prompt_name="theme_label", prompt_version=1, model="offline-drafter/1",
                         evidence_hash="abc", evidence_json="{}")
    seen = store.get(draft_id).version
    store.edit(draft_id, {**label, "name": "Zero-alcohol drinks"}, "Pat")
    ws = ["--workspace", str(workspace.root)]
    code = main(["drafts", "accept", str(draft_id), *ws, "--reviewer", "Sam", "--based-on", str(seen)])
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"changed since version {seen}" in err and "Zero-alcohol drinks" in err
    assert store.get(draft_id).status == "edited"
    now = store.get(draft_id).version
    assert main(["drafts", "accept", str(draft_id), *ws, "--reviewer", "Sam", "--based-on", str(now)]) == 0
    assert store.get(draft_id).status == "accepted"

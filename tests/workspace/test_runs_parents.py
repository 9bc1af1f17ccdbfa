"""Parent themes are saved with a run and read back; runs saved before parent themes existed still load."""

from __future__ import annotations

import json
import shutil

from assistant.workspace.runs import THEMES_FILE, Workspace, load_run, load_themes, saved_runs


def old_run(run_dir, root):
    """A copy of a run as saved before parent themes: no `parents`, no `hierarchy` settings."""
    workspace = Workspace(root)
    target = workspace.runs / "20200101-000000-oldrun00"
    shutil.copytree(run_dir, target)
    data = json.loads((target / THEMES_FILE).read_text())
    del data["parents"]
    del data["settings"]["hierarchy"]
    (target / THEMES_FILE).write_text(json.dumps(data))
    return workspace, target


def test_parents_survive_save_and_load(small_run):
    _, run_dir, run = small_run
    assert run.parents
    loaded, cases = load_run(run_dir)
    assert [p.model_dump() for p in loaded.parents] == [p.model_dump() for p in run.parents]
    saved = json.loads((run_dir / THEMES_FILE).read_text())
    assert {p["theme_id"]: p["children"] for p in saved["parents"]} == {p.theme_id: p.children for p in run.parents}
    assert set(cases["theme_id"].dropna()) >= {c for p in loaded.parents for c in p.theme_ids}


def test_a_run_saved_before_parent_themes_still_loads(small_run, tmp_path):
    _, run_dir, run = small_run
    workspace, target = old_run(run_dir, tmp_path)
    loaded = load_themes(target)
    assert loaded.parents == [] and loaded.settings.hierarchy.enabled
    assert [t.theme_id for t in loaded.themes] == [t.theme_id for t in run.themes]
    assert [r.run_id for _, r in saved_runs(workspace)] == [run.run_id]

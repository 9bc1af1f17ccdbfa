"""The digest and the theme registry: "Did the fixes work?" with the verdict and its numbers, and an analyst's
name in place of the drafted label."""

import shutil

from assistant.config import LLMSettings
from assistant.digest.build import write_digest
from assistant.drafting.drafter import make_drafter
from assistant.views.drafts import theme_labels
from assistant.workspace.registry import Registry
from assistant.workspace.runs import Workspace
from assistant.workspace.store import DraftStore
from eval_sets import DEMO_CASES

WEEK = "2026-W47"


def test_the_digest_says_whether_each_action_worked_and_shows_the_analysts_name(demo_digest, tmp_path):
    workspace, first, files = demo_digest
    assert "## Did the fixes work?" in files["digest.md"].decode() and "No theme of the registry has an action yet" in \
        files["digest.md"].decode()
    workspace = Workspace(shutil.copytree(workspace.root, tmp_path / "ws"))
    registry = Registry(workspace.store_path)
    top = first.digest.themes[0]
    theme_id = next(k.theme_id for k in registry.links(first.digest.coverage.run_id) if k.run_theme_id == top.theme_id)
    registry.rename(theme_id, "Fixes under test", "ana")
    registry.mark(theme_id, "ana", status="action taken", owner="bo")
    registry.add_action(theme_id, "moderator training", "weekly briefing", "2026-11-02", "ana")
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out")
    fix = next(f for f in result.digest.fixes if f.theme_id == theme_id)
    assert fix.effect is not None and fix.effect.weeks_after == ("2026-W45", "2026-W46", "2026-W47")
    assert fix.verdict in ("fixed", "no change yet", "worse") and fix.run_id == result.digest.coverage.run_id
    md, html = (result.paths[k].read_text(encoding="utf-8") for k in ("digest.md", "digest.html"))
    section = md.split("## Did the fixes work?")[1].split("## ")[0]
    assert "Fixes under test" in section and "action taken, owner bo" in section
    assert "2026-11-02 moderator training: weekly briefing" in section and "of audited decisions" in section
    assert "95% CI" in section and f"{fix.verdict}:" in section
    assert "Did the fixes work?" in html and "Fixes under test" in html
    themes_table = md.split("## Themes")[1].split("## Top themes")[0]
    assert "Fixes under test" in themes_table


def test_a_theme_the_digest_does_not_detail_is_named_by_the_runs_label_draft(demo_digest, tmp_path):
    workspace, first, _ = demo_digest
    plain = [t for t in first.digest.themes if not t.detailed and t.label is None]
    assert plain, "the demo digest details only its top themes"
    workspace = Workspace(shutil.copytree(workspace.root, tmp_path / "ws"))
    run_id = first.digest.coverage.run_id
    drafter = make_drafter(workspace, workspace.runs / run_id, LLMSettings())
    drafter.draft_all([plain[0].theme_id], kinds=("label",))
    name = theme_labels(DraftStore(workspace.store_path).list(run_id=run_id, kind="label"))[plain[0].theme_id]
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out")
    shown = next(t for t in result.digest.themes if t.theme_id == plain[0].theme_id)
    assert shown.label is None and shown.drafted_name == name
    themes_table = result.paths["digest.md"].read_text(encoding="utf-8").split("## Themes")[1].split("## Top themes")[0]
    assert name in themes_table

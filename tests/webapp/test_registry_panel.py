"""The theme page's registry panel (assistant/webapp/registry_panel.py), computed without a browser: the analyst's
name beats the drafted label, a stale change is refused showing the newer state, and an action is marked on the
trend chart with its verdict."""

from __future__ import annotations

import pytest

from assistant.webapp import registry_panel
from assistant.webapp.theme_page import theme_view
from assistant.workspace.registry import Registry

pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_the_panel_renames_marks_and_refuses_a_stale_change(explorer, run_data):
    theme = run_data.run.themes[0]
    view = registry_panel.registry_view(explorer, run_data.run_id, theme.theme_id)
    assert view.theme_id and view.info.startswith(f"**Registry theme {view.theme_id}")
    message = registry_panel.save(explorer, view.theme_id, view.version, "Beer ads rejected", True, "investigating",
                                  "bo", "ana")
    assert message.startswith("✅")
    page = theme_view(explorer, run_data.run_id, theme.theme_id)
    assert "Beer ads rejected" in page.header and page.registry.status == "investigating"
    assert page.registry.known and page.registry.owner == "bo"
    stale = registry_panel.save(explorer, view.theme_id, view.version, "Other name", True, "fixed", "bo", "cy")
    assert stale.startswith(f"❌ **Not saved: someone changed theme {view.theme_id}") and "investigating" in stale
    assert Registry(explorer.workspace.store_path).get(view.theme_id).name == "Beer ads rejected"


def test_an_action_is_listed_with_its_verdict_and_marked_on_the_trend(explorer, run_data):
    theme = run_data.run.themes[1]
    view = registry_panel.registry_view(explorer, run_data.run_id, theme.theme_id)
    weeks = [w.week for w in theme.weekly]
    assert registry_panel.add(explorer, view.theme_id, "model retrained", "2026-11-04", "", "ana").startswith("❌")
    message = registry_panel.add(explorer, view.theme_id, "model retrained", "2026-11-04", "v2 classifier", "ana")
    assert message.startswith("✅")
    page = theme_view(explorer, run_data.run_id, theme.theme_id)
    assert "model retrained by ana: v2 classifier" in page.registry.info
    assert any(v in page.registry.info for v in ("fixed:", "no change yet:", "worse:"))
    marks = [a.text for a in page.trend.layout.annotations]
    assert marks == ["model retrained 2026-11-04"] and "2026-W45" in weeks
    assert page.trend.layout.shapes[0].x0 == weeks.index("2026-W45")


def test_the_panel_merges_into_a_picked_theme_and_splits_it_again(explorer, run_data):
    from assistant.webapp.display import themes_frame

    first, second = run_data.run.themes[2], run_data.run.themes[3]
    into = registry_panel.registry_view(explorer, run_data.run_id, second.theme_id)
    assert registry_panel.save(explorer, into.theme_id, into.version, "Merged by hand", False, "new", "",
                               "ana").startswith("✅")
    view = registry_panel.registry_view(explorer, run_data.run_id, first.theme_id)
    assert (f"{into.theme_id} · Merged by hand", into.theme_id) in view.targets
    assert registry_panel.merge(explorer, view.theme_id, view.version, None, view.versions, "ana").startswith("**Pick")
    stale = registry_panel.merge(explorer, view.theme_id, view.version, into.theme_id, {into.theme_id: into.version},
                                 "ana")  # the target was renamed since the version given
    assert stale.startswith(f"❌ **Not merged: someone changed theme {into.theme_id}")
    message = registry_panel.merge(explorer, view.theme_id, view.version, into.theme_id, view.versions, "ana")
    assert message.startswith(f"✅ Theme {view.theme_id} merged into {into.theme_id}")
    merged = registry_panel.registry_view(explorer, run_data.run_id, first.theme_id)
    assert merged.theme_id == into.theme_id and "was merged into it" in merged.info
    assert f"This run's themes in it: {', '.join(sorted([first.theme_id, second.theme_id]))}" in merged.info
    assert theme_view(explorer, run_data.run_id, first.theme_id).header.startswith(f"### {first.theme_id} · Merged")
    labels = explorer.labels(run_data.run_id)
    table = themes_frame(run_data.run, labels).set_index("theme")["label"]
    assert table[first.theme_id] == table[second.theme_id] == "Merged by hand"

    split = registry_panel.split(explorer, run_data.run_id, merged.theme_id, merged.version, "bo")
    assert split.startswith(f"✅ Theme {into.theme_id} split by bo into ")
    apart = [registry_panel.registry_view(explorer, run_data.run_id, t.theme_id) for t in (first, second)]
    assert len({v.theme_id for v in apart}) == 2 and all("split from" in v.info for v in apart)
    assert registry_panel.split(explorer, run_data.run_id, apart[0].theme_id, apart[0].version,
                                "bo").startswith("❌ **Not split:** ")


def test_the_review_tab_names_a_theme_by_the_analyst_name(explorer, run_data):
    import gradio as gr

    from assistant.config import LLMSettings
    from assistant.webapp import review_tab

    theme = run_data.run.themes[4]
    view = registry_panel.registry_view(explorer, run_data.run_id, theme.theme_id)
    assert registry_panel.save(explorer, view.theme_id, view.version, "Named for review", False, "new", "",
                               "ana").startswith("✅")
    with gr.Blocks():
        tab = review_tab.build(LLMSettings())
    shown = review_tab.queue_values(tab, explorer, run_data.run_id, False, "All", "All", "All", theme.theme_id)
    queue = shown[tab.queue]
    assert len(queue) and set(queue["theme"]) == {theme.theme_id} and set(queue["name"]) == {"Named for review"}
    assert (f"{theme.theme_id} · Named for review", theme.theme_id) in shown[tab.theme]["choices"]
    assert all(f" · {theme.theme_id} · Named for review · " in label for label, _ in shown[tab.pick]["choices"])
    header = review_tab.draft_values(tab, explorer, int(queue["id"].iloc[0]))[tab.header]
    assert f"of theme {theme.theme_id} · Named for review" in header

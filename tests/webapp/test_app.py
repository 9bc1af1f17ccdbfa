"""The app composed from its tabs (assistant/webapp/app.py)."""

from __future__ import annotations

import gradio as gr
import pytest

from assistant.config import Settings
from assistant.webapp import review_tab, theme_page
from assistant.webapp.app import build_app, build_page, run_values
from assistant.webapp.review_display import ALL
from assistant.webapp.run_tab import NO_RUNS
from assistant.webapp.state import Explorer

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_the_app_builds_over_an_empty_workspace(tmp_path):
    app = build_app(tmp_path / "empty")
    assert app is not None and Explorer(tmp_path / "empty").latest() is None



def test_handlers_fill_their_outputs_by_name(explorer, run_data):
    """What opening a run, a theme or a draft returns names exactly the components the event updates."""
    with gr.Blocks():
        page = build_page(Settings())
    theme_id = run_data.run.themes[1].theme_id
    opened = run_values(page, explorer, run_data.run_id, theme_id)
    assert set(opened) == set(page.run_outputs)
    assert opened[page.run_state] == run_data.run_id and opened[page.theme.pick]["value"] == theme_id
    assert opened[page.themes.table]["theme"].tolist() == [t.theme_id for t in run_data.run.themes]
    empty = run_values(page, explorer, None)
    assert set(empty) == set(page.run_outputs) and empty[page.run.info] == NO_RUNS
    shown = theme_page.show(page.theme, explorer, run_data.run_id, theme_id)
    assert set(shown) == set(page.theme.outputs) and shown[page.theme.header].startswith(f"### {theme_id}")
    assert set(theme_page.show(page.theme, explorer, run_data.run_id, "T999")) == {page.theme.header}
    queue = review_tab.queue_values(page.review, explorer, run_data.run_id, False, ALL, "rca", ALL, ALL)
    assert set(queue) == set(page.review.queue_outputs) and set(queue[page.review.queue]["kind"]) == {"RCA narrative"}
    draft = review_tab.draft_values(page.review, explorer, queue[page.review.pick]["value"])
    assert set(draft) == set(page.review.draft_outputs) and "RCA narrative" in draft[page.review.header]

"""What the theme page shows, computed without a browser (assistant/webapp/theme_page.py)."""

from __future__ import annotations

import pytest

from assistant.views.drafts import OFFLINE_LABEL
from assistant.views.markdown import md
from assistant.webapp.groups import UNTHEMED
from assistant.webapp.theme_page import theme_view

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_theme_view_and_unthemed(explorer, run_data):
    theme = run_data.run.themes[1]
    view = theme_view(explorer, run_data.run_id, theme.theme_id)
    assert view.header.startswith(f"### {theme.theme_id}") and len(view.cases) == theme.size
    assert "RCA narrative" in view.drafts and md(OFFLINE_LABEL) in view.drafts
    assert view.csv is not None and view.csv.exists()
    unthemed = theme_view(explorer, run_data.run_id, UNTHEMED)
    assert unthemed.header.startswith("### Unthemed cases")
    assert len(unthemed.cases) == min(int(run_data.cases["theme_id"].isna().sum()), explorer.ui.max_case_rows)
    with pytest.raises(KeyError):
        theme_view(explorer, run_data.run_id, "T999")

"""The review queue's filters (assistant/webapp/review_tab.py)."""

from __future__ import annotations

import pytest

from assistant.webapp.review_display import ALL, draft_policy
from assistant.webapp.review_tab import review_rows

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_review_rows_filters(explorer, run_data):
    everything = review_rows(explorer, run_data.run_id, False, ALL, ALL, ALL, ALL)
    assert len(everything) == len(explorer.store.list(run_id=run_data.run_id))
    labels = review_rows(explorer, run_data.run_id, False, ALL, "label", ALL, ALL)
    assert labels and {r.kind for r in labels} == {"label"}
    theme = everything[0].theme_id
    assert {r.theme_id for r in review_rows(explorer, run_data.run_id, False, "draft", ALL, ALL, theme)} \
        == {theme}
    policy = draft_policy(everything[0])
    assert all(draft_policy(r) == policy for r in
               review_rows(explorer, run_data.run_id, False, ALL, ALL, policy, ALL))
    assert review_rows(explorer, None, False, ALL, ALL, ALL, ALL) == []

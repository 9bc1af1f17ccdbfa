"""The app composed from its tabs (assistant/webapp/app.py)."""

from __future__ import annotations

import pytest

from assistant.webapp.app import build_app
from assistant.webapp.state import Explorer

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_the_app_builds_over_an_empty_workspace(tmp_path):
    app = build_app(tmp_path / "empty")
    assert app is not None and Explorer(tmp_path / "empty").latest() is None


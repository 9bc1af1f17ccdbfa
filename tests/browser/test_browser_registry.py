"""In the browser: rename a theme and mark it known in the theme page's registry panel, and find it so after a
reload (the merge and the next run are covered without a browser in tests/workspace/test_registry.py)."""

from __future__ import annotations

import pytest
from browser_helpers import field

pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_browser_rename_and_mark_a_theme_then_reload(app_page, run_data):
    from playwright.sync_api import expect

    theme = run_data.run.themes[1]
    address = f"{app_page.url.split('?')[0]}?run={run_data.run_id}&theme={theme.theme_id}"
    app_page.goto(address)
    expect(app_page.locator("#registry-info")).to_contain_text("Registry theme K")
    field(app_page, "registry-name").fill("Renamed in the browser")
    app_page.locator("#registry-known input").check()
    field(app_page, "registry-owner").fill("bo")
    field(app_page, "registry-who").fill("ana")
    app_page.locator("#registry-save").click()
    expect(app_page.locator("#registry-message")).to_contain_text("saved by ana")
    expect(app_page.locator("#registry-info")).to_contain_text("Renamed in the browser")
    app_page.reload()
    app_page.goto(address)
    expect(app_page.locator("#theme-header")).to_contain_text("Renamed in the browser")
    expect(app_page.locator("#registry-info")).to_contain_text("known: new, owner bo")
    assert "Traceback" not in app_page.content()

"""In the browser: open a theme from the ranked table, search its cases, switch themes.

The browser tests use Debian's `chromium` (/usr/bin/chromium) through Playwright's Python package; they are
skipped, saying why, when either is missing. The app runs on a free 127.0.0.1 port (fixtures in
tests/conftest.py) against a copy of the small demo run with offline drafts.
"""

from __future__ import annotations

import pytest
from browser_helpers import field
from conftest import ROW

from assistant.webapp.display import cases_display

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_browser_open_a_theme_from_the_table_and_search_its_cases(app_page, run_data):
    from playwright.sync_api import expect

    theme = run_data.run.themes[1]
    row = app_page.locator(f"#themes-table {ROW}").filter(has_text=theme.theme_id).first
    row.locator("[role=gridcell]").nth(3).click()
    expect(app_page.get_by_role("tab", name="Theme", exact=True)).to_have_attribute("aria-selected", "true")
    expect(app_page.locator("#theme-header")).to_contain_text(f"{theme.theme_id} ·")
    expect(app_page.locator("#theme-header")).to_contain_text(f"{theme.size:,} cases")
    for keyword in theme.keywords[:3]:
        expect(app_page.locator("#theme-keywords")).to_contain_text(keyword.term)
    members = run_data.theme_cases(theme.theme_id)
    # the table is virtualised (only the rows in view are in the page): its first row is the most similar case
    expect(app_page.locator("#cases-table")).to_contain_text(str(cases_display(members).iloc[0]["case_id"]))
    expect(app_page.locator("#case-count")).to_contain_text(f"{theme.size} case(s)")
    target = str(members.iloc[-1]["case_id"])
    field(app_page, "case-search").fill(target)
    field(app_page, "case-search").press("Enter")
    expect(app_page.locator("#case-count")).to_contain_text(f"1 case(s) matching “{target}” of {theme.size}")
    expect(app_page.locator(f"#cases-table {ROW}")).to_have_count(1)
    # the theme list beside the app_page switches themes too
    other = run_data.run.themes[0]
    app_page.locator("#theme-pick label").filter(has_text=f"{other.theme_id} · ").first.click()
    expect(app_page.locator("#theme-header")).to_contain_text(f"{other.theme_id} ·")
    expect(app_page.locator("#theme-keywords")).to_contain_text(other.keywords[0].term)
    expect(app_page.locator("#case-count")).to_contain_text(f"{other.size} case(s)")
    assert "Traceback" not in app_page.content()
    # an address can open a run's theme directly
    third = run_data.run.themes[2]
    app_page.goto(f"{app_page.url.split('?')[0]}?run={run_data.run_id}&theme={third.theme_id}")
    expect(app_page.get_by_role("tab", name="Theme", exact=True)).to_have_attribute("aria-selected", "true")
    expect(app_page.locator("#theme-header")).to_contain_text(f"{third.theme_id} ·")

"""In the browser: the Themes tab shows the treemap of parent themes; picking a parent lists its themes."""

from __future__ import annotations

import pytest
from browser_helpers import choose
from conftest import ROW

from assistant.workspace.runs import load_themes

pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_browser_treemap_and_parent_picker(app_page, ui_workspace):
    from playwright.sync_api import expect

    run = load_themes(ui_workspace.run_dir("latest"))
    assert run.parents
    tree = app_page.locator("#theme-tree")
    tree.scroll_into_view_if_needed()
    for parent in run.parents:
        expect(tree.locator("svg text").filter(has_text=f"{parent.theme_id} ·").first).to_be_attached()
    second = run.parents[-1]  # the last parent: the picker's default is the first
    choose(app_page, "family-pick", f"{second.theme_id} ·")
    table = app_page.locator(f"#family-table {ROW}")
    expect(table).to_have_count(len(second.theme_ids))
    for theme_id in second.theme_ids:
        expect(table.filter(has_text=theme_id).first).to_be_visible()

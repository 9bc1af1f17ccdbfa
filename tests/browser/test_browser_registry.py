"""In the browser: rename a theme and mark it known in the theme page's registry panel, and find it so after a
reload; rename one theme, merge another into it, and find both so after a reload and after a new run of the data
(its themes matched to the registry's)."""

from __future__ import annotations

import pytest
from browser_helpers import choose, field
from conftest import ROW

from assistant.analysis import analyse
from assistant.workspace.registry import Registry

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


def test_browser_rename_and_merge_survive_a_reload_and_a_new_run(app_page, run_data, ui_workspace, small_demo_csv):
    from playwright.sync_api import expect

    base = app_page.url.split("?")[0]
    kept, other = run_data.run.themes[2].theme_id, run_data.run.themes[3].theme_id

    def open_theme(run_id, theme_id):
        app_page.goto(f"{base}?run={run_id}&theme={theme_id}")
        expect(app_page.locator("#registry-info")).to_contain_text("Registry theme K")

    open_theme(run_data.run_id, kept)
    field(app_page, "registry-name").fill("Merged in the browser")
    field(app_page, "registry-who").fill("ana")
    app_page.locator("#registry-save").click()
    expect(app_page.locator("#registry-message")).to_contain_text("saved by ana")
    registry = Registry(ui_workspace.store_path)
    kept_id = registry.linked(run_data.run_id)[kept].theme_id

    open_theme(run_data.run_id, other)
    other_id = registry.linked(run_data.run_id)[other].theme_id
    choose(app_page, "registry-merge-into", f"{kept_id} · Merged in the browser")
    field(app_page, "registry-who").fill("ana")
    app_page.locator("#registry-merge").click()
    expect(app_page.locator("#registry-message")).to_contain_text(f"Theme {other_id} merged into {kept_id} by ana")
    expect(app_page.locator("#theme-header")).to_contain_text(f"{other} · Merged in the browser")  # no restart
    app_page.get_by_role("tab", name="Themes").click()
    expect(app_page.locator(f"#themes-table {ROW}", has_text="Merged in the browser")).to_have_count(2)

    app_page.reload()
    open_theme(run_data.run_id, other)
    expect(app_page.locator("#theme-header")).to_contain_text(f"{other} · Merged in the browser")
    expect(app_page.locator("#registry-info")).to_contain_text(f"its theme {other_id} was merged into it")
    app_page.get_by_role("tab", name="Themes").click()
    expect(app_page.locator(f"#themes-table {ROW}", has_text="Merged in the browser")).to_have_count(2)

    _, new_run = analyse(small_demo_csv, ui_workspace)  # a new run of the same data, as the Run tab makes one
    renamed = sorted(t for t, theme in registry.linked(new_run.run_id).items() if theme.theme_id == kept_id)
    links = registry.links(new_run.run_id)
    # the kept theme lives on: a run theme continues it, or one that continues another registry theme says it was
    # merged from it (a new run may join two themes; the one-to-one match then names the closer registry theme)
    absorbed = [k for k in links if k.lineage == "merged from" and kept_id in k.sources]
    assert (renamed or absorbed) and registry.get(other_id).state == "merged", [
        (k.run_theme_id, k.theme_id, k.lineage, k.sources) for k in links]
    if len(renamed) == 1:  # both centres found one theme: it says it was merged from both, or continues the kept
        assert {k.lineage for k in registry.links(new_run.run_id) if k.run_theme_id == renamed[0]} <= {
            "continues", "merged from"}
    for theme_id in renamed:
        open_theme(new_run.run_id, theme_id)
        expect(app_page.locator("#theme-header")).to_contain_text(f"{theme_id} · Merged in the browser")
        expect(app_page.locator("#registry-info")).to_contain_text(f"Registry theme {kept_id}: Merged in the browser")
    if not renamed:  # show the new run all the same, at the theme that absorbed the kept one
        open_theme(new_run.run_id, absorbed[0].run_theme_id)
    app_page.get_by_role("tab", name="Themes").click()
    expect(app_page.locator("#run-title")).to_contain_text(new_run.run_id)
    expect(app_page.locator(f"#themes-table {ROW}", has_text="Merged in the browser")).to_have_count(len(renamed))
    assert "Traceback" not in app_page.content()

"""In the browser: a bad upload names its row and field; a run started from a path.

The browser tests use Debian's `chromium` (/usr/bin/chromium) through Playwright's Python package; they are
skipped, saying why, when either is missing. The app runs on a free 127.0.0.1 port (fixtures in
tests/conftest.py) against a copy of the small demo run with offline drafts.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import field
from conftest import BROWSER_TIMEOUT_MS, ROW, case, free_port, write_csv

from assistant.config import load_settings
from assistant.webapp import launch
from assistant.workspace.runs import Workspace, load_run
from assistant.workspace.store import DraftStore

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_browser_bad_upload_names_the_row_and_field(app_page, tmp_path):
    from playwright.sync_api import expect

    bad = write_csv(tmp_path / "week45-audit.csv", [case("C1"), case("C2"), case("C3", final="maybe")])
    app_page.get_by_role("tab", name="Run").click()
    app_page.locator("#upload input[type=file]").set_input_files(str(bad))
    expect(app_page.locator("#load-status")).to_contain_text("1 problem(s) in 1 row(s); nothing was loaded")
    expect(field(app_page, "load-details")).to_have_value(
        "week45-audit.csv:4:final_decision: unknown decision; expected reject or approve")  # never a cell value
    assert "Traceback" not in app_page.content()
    app_page.locator("#run-btn").click()  # starting a run on the bad file gives the same error, and no run
    expect(app_page.locator("#load-status")).to_contain_text("nothing was loaded")


def test_browser_start_a_run_from_a_path(chromium, small_demo_csv, tmp_path):
    """An empty workspace; a run started from a path opens when done, with its themes and drafts."""
    from playwright.sync_api import expect

    workspace = Workspace(tmp_path / "ws")
    config = tmp_path / "settings.yaml"
    config.write_text("embed:\n  batch_size: 32\n")  # the run must use the app's settings file (--config)
    port = free_port()
    app = launch(workspace.root, port=port, block=False, quiet=True, settings=load_settings(config),
                 data_dirs=[small_demo_csv.parent])  # a file outside the inbox and the data folders is refused
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("tab", name="Run").click()
        expect(page.locator("#run-info")).to_contain_text("No runs in the workspace yet")
        field(page, "path-box").fill("/etc/passwd.csv")
        page.locator("#validate-btn").click()
        expect(page.locator("#load-status")).to_contain_text("outside the folders the app may read")
        field(page, "path-box").fill(str(small_demo_csv))
        page.locator("#validate-btn").click()
        expect(page.locator("#load-status")).to_contain_text("The file is usable")
        expect(field(page, "load-details")).to_have_value(re.compile(r"rows read, .* loaded"))
        page.locator("#run-btn").click()
        expect(page.locator("#load-status")).to_contain_text("saved", timeout=240_000)
        run_id = workspace.run_ids()[-1]
        expect(page.locator("#load-status")).to_contain_text(f"Run {run_id} saved")
        page.get_by_role("tab", name="Themes").click()
        expect(page.locator("#run-title")).to_contain_text(run_id)
        expect(page.locator(f"#themes-table {ROW}").first).to_contain_text("T01")
        assert DraftStore(workspace.store_path).list(run_id=run_id)  # drafted after the run
        assert load_run(workspace.run_dir(run_id))[0].settings.embed.batch_size == 32
    finally:
        context.close()
        app.close()

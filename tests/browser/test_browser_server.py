"""In the browser: a login is asked when one is set; uploads over the limit are refused.

The browser tests use Debian's `chromium` (/usr/bin/chromium) through Playwright's Python package; they are
skipped, saying why, when either is missing. The app runs on a free 127.0.0.1 port (fixtures in
tests/conftest.py) against a copy of the small demo run with offline drafts.
"""

from __future__ import annotations

import pytest
from conftest import BROWSER_TIMEOUT_MS, case, free_port, write_csv

from assistant.webapp import launch

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_browser_login_is_asked_when_auth_is_set_and_large_uploads_are_refused(chromium, tmp_path):
    from playwright.sync_api import expect

    port = free_port()
    app = launch(tmp_path / "ws", port=port, block=False, quiet=True, auth=[("ana", "s3cret")],
                    max_file_size="2kb")
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.get_by_text("error-themes: log in to see the workspace.")).to_be_visible()
        page.locator("input[type=text]").fill("ana")
        page.locator("input[type=password]").fill("s3cret")
        page.get_by_role("button", name="Login").click()
        expect(page.locator("#run-title")).to_be_attached()
        page.get_by_role("tab", name="Run").click()
        expect(page.locator("#run-info")).to_contain_text("No runs in the workspace yet")
        big = write_csv(tmp_path / "big.csv", [case(f"C{i}") for i in range(100)])
        page.locator("#upload input[type=file]").set_input_files(str(big))
        expect(page.get_by_text('exceed the maximum allowed size of 2.0 Kb: "big.csv"')).to_be_visible()
        assert "Traceback" not in page.content()
    finally:
        context.close()
        app.close()

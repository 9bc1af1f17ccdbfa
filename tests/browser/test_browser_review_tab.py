"""In the browser: edit, accept, find it accepted after a reload, a fresh draft.

The browser tests use Debian's `chromium` (/usr/bin/chromium) through Playwright's Python package; they are
skipped, saying why, when either is missing. The app runs on a free 127.0.0.1 port (fixtures in
tests/conftest.py) against a copy of the small demo run with offline drafts.
"""

from __future__ import annotations

import json

import pytest
from browser_helpers import choose, field
from conftest import ROW

from assistant.drafting.models import cited_ids
from assistant.views.drafts import OFFLINE_LABEL

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_browser_edit_accept_and_find_it_accepted_after_a_reload(app_page, explorer, run_data):
    from playwright.sync_api import expect

    draft = explorer.store.list(run_id=run_data.run_id, kind="policy", status="draft")[0]
    app_page.get_by_role("tab", name="Review").click()
    choose(app_page, "f-kind", "policy clarification")
    expect(app_page.locator(f"#queue-table {ROW}").first).to_contain_text("policy clarification")
    choose(app_page, "draft-pick", f"#{draft.draft_id} ·")
    expect(app_page.locator("#draft-header")).to_contain_text(f"Draft #{draft.draft_id}: policy clarification")
    expect(app_page.locator("#draft-header")).to_contain_text(OFFLINE_LABEL)
    first_cited = cited_ids(draft.content)[0]
    expect(app_page.locator("#cited-cases")).to_contain_text(first_cited)

    # a broken edit is refused with the reason, and nothing changes
    field(app_page, "draft-json").fill('{"policy": ')
    field(app_page, "reviewer").fill("Robin")
    app_page.locator("#save-btn").click()
    expect(app_page.locator("#review-message")).to_contain_text("Not saved: the edited text is not valid JSON")
    assert explorer.store.get(draft.draft_id).status == "draft"

    content = {**draft.content.model_dump(),
               "proposed_wording": "Replica goods are counterfeit whatever the ad calls them."}
    field(app_page, "draft-json").fill(json.dumps(content, indent=2))
    field(app_page, "comment").fill("sharper wording")
    app_page.locator("#save-btn").click()
    expect(app_page.locator("#review-message")).to_contain_text(f"Draft #{draft.draft_id} saved as edited by Robin")
    expect(app_page.locator("#draft-header")).to_contain_text("Status edited by Robin")
    app_page.locator("#accept-btn").click()
    expect(app_page.locator("#review-message")).to_contain_text(f"Draft #{draft.draft_id} accepted by Robin")
    stored = explorer.store.get(draft.draft_id)
    assert stored.status == "accepted" and stored.reviewer == "Robin"
    assert stored.content.proposed_wording.startswith("Replica goods are counterfeit")

    app_page.reload()
    app_page.wait_for_selector(f"#themes-table {ROW}")
    app_page.get_by_role("tab", name="Review").click()
    expect(field(app_page, "reviewer")).to_have_value("Robin")  # remembered by the browser
    choose(app_page, "f-status", "accepted")
    expect(app_page.locator(f"#queue-table {ROW}")).to_have_count(1)
    expect(app_page.locator(f"#queue-table {ROW}").first).to_contain_text(str(draft.draft_id))
    expect(app_page.locator("#draft-header")).to_contain_text(f"Draft #{draft.draft_id}")
    expect(app_page.locator("#draft-header")).to_contain_text("Status accepted by Robin")
    expect(app_page.locator("#draft-view")).to_contain_text("Replica goods are counterfeit whatever the ad calls them.")
    history = app_page.locator("#draft-history")
    expect(history).to_contain_text("Robin edited → edited: “sharper wording”")
    expect(history).to_contain_text("Robin accepted → accepted")

    # a fresh draft of the same theme and kind, by the offline drafter; shown even outside the status filter
    app_page.locator("#fresh-btn").click()
    expect(app_page.locator("#review-message")).to_contain_text("Fresh draft #")
    fresh = explorer.store.list(run_id=run_data.run_id, theme_id=draft.theme_id, kind="policy")[0]
    assert fresh.draft_id > draft.draft_id and fresh.status == "draft" and fresh.offline
    expect(app_page.locator("#draft-header")).to_contain_text(f"Draft #{fresh.draft_id}: policy clarification")
    expect(app_page.locator("#draft-header")).to_contain_text("Status draft")
    assert explorer.store.get(draft.draft_id).status == "accepted"


def test_browser_accept_of_a_stale_page_is_refused_and_shows_the_newer_text(app_page, explorer, run_data):
    from playwright.sync_api import expect

    draft = explorer.store.list(run_id=run_data.run_id, kind="label", status="draft")[0]
    app_page.get_by_role("tab", name="Review").click()
    choose(app_page, "f-kind", "theme label")
    choose(app_page, "draft-pick", f"#{draft.draft_id} ·")
    expect(app_page.locator("#draft-header")).to_contain_text(f"Draft #{draft.draft_id}: theme label")

    # someone else edits the draft after this page loaded it
    newer = {**draft.content.model_dump(), "name": "Renamed by Sam elsewhere"}
    explorer.store.edit(draft.draft_id, newer, "Sam", based_on=draft.version)

    field(app_page, "reviewer").fill("Robin")
    app_page.locator("#accept-btn").click()
    expect(app_page.locator("#review-message")).to_contain_text("someone changed this draft since you opened it")
    expect(app_page.locator("#review-message")).to_contain_text("Renamed by Sam elsewhere")
    expect(app_page.locator("#draft-view")).to_contain_text("Renamed by Sam elsewhere")  # the page shows the newer
    stored = explorer.store.get(draft.draft_id)
    assert (stored.status, stored.reviewer, stored.content.name) == ("edited", "Sam", "Renamed by Sam elsewhere")

    # accepting now, from the page that shows the newer version, works
    app_page.locator("#accept-btn").click()
    expect(app_page.locator("#review-message")).to_contain_text(f"Draft #{draft.draft_id} accepted by Robin")
    assert explorer.store.get(draft.draft_id).content.name == "Renamed by Sam elsewhere"

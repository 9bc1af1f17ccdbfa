"""The app's API as a client that never loaded the page calls it (gradio_client over HTTP, no browser): a change
must name the version it is based on, or it is refused (issue 21, item 10)."""

from __future__ import annotations

import json

import pytest
from conftest import free_port

from assistant.views.drafts import draft_json
from assistant.webapp import registry_panel
from assistant.webapp.review_display import ALL

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


@pytest.fixture(scope="module")
def client(ui_workspace):
    """A gradio_client session on the app (its own session state: it has shown no draft)."""
    gradio_client = pytest.importorskip("gradio_client")
    from assistant.webapp import launch

    port = free_port()
    app = launch(ui_workspace.root, port=port, block=False, quiet=True)
    yield gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
    app.close()


def test_a_session_that_never_showed_the_draft_cannot_accept_old_json_over_a_newer_edit(client, explorer, run_data):
    draft = explorer.store.list(run_id=run_data.run_id, kind="label", status="draft")[0]
    old_json = draft_json(draft)  # what a stale client holds
    newer = {**json.loads(old_json), "name": "Named by Alice after a careful look"}
    edited = explorer.store.edit(draft.draft_id, newer, "Alice", "sharper", based_on=draft.version)
    client.predict(True, ALL, ALL, ALL, ALL, api_name="/review_queue")  # the queue offers the draft to pick
    for action in ("accept", "edit", "reject"):
        message = client.predict(draft.draft_id, old_json, "Mallory", "", False, ALL, ALL, ALL, ALL,
                                 api_name=f"/review_{action}")[0]
        assert "Not saved: this page has not shown the draft" in message, (action, message)
    stored = explorer.store.get(draft.draft_id)
    assert (stored.status, stored.reviewer, stored.version) == ("edited", "Alice", edited.version)
    assert stored.content.name == "Named by Alice after a careful look"
    assert [h["actor"] for h in explorer.store.history(draft.draft_id)] == ["assistant", "Alice"]


def test_a_registry_change_without_the_version_shown_is_refused(explorer, run_data):
    view = registry_panel.registry_view(explorer, run_data.run_id, run_data.run.themes[0].theme_id)
    before = explorer.registry.get(view.theme_id)
    assert "Not saved: this page has not shown" in registry_panel.save(
        explorer, view.theme_id, None, "Renamed blind", True, "fixed", "x", "Mallory")
    assert "Not split" in registry_panel.split(explorer, run_data.run_id, view.theme_id, None, "Mallory")
    target = view.targets[0][1]
    assert "Not merged" in registry_panel.merge(explorer, view.theme_id, view.version, target, {}, "Mallory")
    after = explorer.registry.get(view.theme_id)
    assert (after.name, after.status, after.version) == (before.name, before.status, before.version)


def test_a_path_of_100_000_characters_is_refused_with_a_clear_message(client):
    for typed in ("a" * 100_000 + ".csv", "a/" * 50_000 + "x.csv"):
        status, details = client.predict(None, typed, False, "", api_name="/validate")
        assert "characters long; a path on this server has at most" in status, status[:300]
        assert "a" * 300 not in status and details == ""

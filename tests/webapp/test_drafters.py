"""Drafting from the app: the drafters on offer and a fresh draft (assistant/webapp/drafters.py)."""

from __future__ import annotations

from assistant.config import load_settings
from assistant.webapp.drafters import OFFLINE_CHOICE, backend_choices, chosen_llm, fresh_draft


def test_drafters_on_offer_and_a_fresh_draft(explorer, run_data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no error-themes.yaml here
    note, choices = backend_choices(load_settings().llm)
    assert choices == [OFFLINE_CHOICE] and "No LLM configured" in note
    settings = tmp_path / "llm.yaml"
    settings.write_text("llm:\n  backend: openai\n  model: m1\n  base_url: http://127.0.0.1:9/v1\n")
    note, choices = backend_choices(load_settings(settings).llm)
    assert choices == ["LLM: m1", OFFLINE_CHOICE] and "127.0.0.1:9" in note
    assert chosen_llm(OFFLINE_CHOICE, load_settings(settings).llm).backend == "offline"
    row = explorer.store.list(run_id=run_data.run_id, kind="rca")[-1]
    outcome = fresh_draft(explorer, row, OFFLINE_CHOICE, load_settings(settings).llm)
    assert outcome.outcome == "created" and outcome.draft_id > row.draft_id
    fresh = explorer.store.get(outcome.draft_id)
    assert (fresh.theme_id, fresh.kind, fresh.status, fresh.offline) == (row.theme_id, "rca", "draft", True)

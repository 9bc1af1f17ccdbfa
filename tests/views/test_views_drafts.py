"""Draft renderings for the command line: who wrote it, what it says, its history."""

from __future__ import annotations

from assistant.views.drafts import OFFLINE_LABEL, draft_text, drafts_table, headline, source_label
from assistant.workspace.store import DraftStore

LABEL = {"name": "Alcohol-free beer rejected", "sentence": "0.0% drinks are treated as alcohol.",
         "cited_case_ids": ["C1", "C2"]}


def add(store: DraftStore, **extra) -> int:
    fields = dict(run_id="R1", theme_id="T01", kind="label", status="draft", content=LABEL, raw_output="{}",
                  error=None, flags=[], prompt_name="theme_label", prompt_version=1, model="offline-drafter/1",
                  evidence_hash="abc123def456789", evidence_json="{}")
    fields.update(extra)
    return store.add(**fields)


def test_a_draft_shows_who_wrote_it_what_it_says_and_its_history(tmp_path):
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft_id = add(store, flags=["figure 87.3 is not in the evidence"])
    store.accept(draft_id, "Pat", "fine")
    row = store.get(draft_id)
    assert source_label(row) == OFFLINE_LABEL and headline(row) == LABEL["name"]
    text = draft_text(row, store.history(draft_id))
    assert text.startswith(f"draft {draft_id}: label of theme T01 in run R1, status accepted")
    assert '"name": "Alcohol-free beer rejected"' in text
    assert "- figure 87.3 is not in the evidence" in text
    assert "Pat: accepted -> accepted (fine)" in text


def test_a_failed_draft_shows_its_error_and_raw_output(tmp_path):
    store = DraftStore(tmp_path / "drafts.sqlite")
    row = store.get(add(store, status="failed", content=None, error="the answer is not valid JSON",
                        raw_output="{oops", model="m@127.0.0.1"))
    assert source_label(row) == "[LLM: m@127.0.0.1]"
    assert headline(row) == "failed: the answer is not valid JSON"
    assert "error: the answer is not valid JSON\nraw output:\n{oops" in draft_text(row)


def test_drafts_table_one_line_each(tmp_path):
    store = DraftStore(tmp_path / "drafts.sqlite")
    assert drafts_table([]) == "(no drafts)"
    add(store)
    add(store, theme_id="T02", model="m@127.0.0.1")
    lines = drafts_table(store.list()).splitlines()
    assert len(lines) == 4 and lines[0].split()[:6] == ["id", "run", "theme", "name", "kind", "status"]
    assert "m@127.0.0.1" in lines[2] and "offline" in lines[3]

"""The SQLite draft store: statuses, history, validation of edits, concurrent writers."""

from __future__ import annotations

import multiprocessing

import pytest

from assistant.workspace.store import DraftConflict, DraftStore

LABEL = {"name": "Alcohol-free beer rejected", "sentence": "0.0% drinks are treated as alcohol.",
         "cited_case_ids": ["C1", "C2"]}


def add(store: DraftStore, theme: str = "T01", **extra) -> int:
    fields = dict(run_id="R1", theme_id=theme, kind="label", status="draft", content=LABEL, raw_output="{}",
                  error=None, flags=[], prompt_name="theme_label", prompt_version=1, model="offline-drafter/1",
                  evidence_hash="abc", evidence_json="{}")
    fields.update(extra)
    return store.add(**fields)


def test_edit_accept_and_history_survive_reopening(tmp_path):
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft_id = add(store)
    edited = {**LABEL, "name": "Zero-alcohol drinks treated as alcohol"}
    store.edit(draft_id, edited, "Pat Policy", "clearer name")
    store.accept(draft_id, "Pat Policy")
    reopened = DraftStore(tmp_path / "drafts.sqlite")
    row = reopened.get(draft_id)
    assert (row.status, row.reviewer, row.content.name) == ("accepted", "Pat Policy",
                                                              "Zero-alcohol drinks treated as alcohol")
    history = reopened.history(draft_id)
    assert [(h["action"], h["status"]) for h in history] == [("created", "draft"), ("edited", "edited"),
                                                            ("accepted", "accepted")]
    assert history[0]["content"]["name"] == LABEL["name"]  # the original wording is kept
    assert history[1]["comment"] == "clearer name"


def test_invalid_edit_and_missing_reviewer_are_refused(tmp_path):
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft_id = add(store)
    with pytest.raises(ValueError, match="not valid"):
        store.edit(draft_id, {"name": "one two three four five six seven eight nine", "sentence": "s",
                              "cited_case_ids": ["C1"]}, "Pat")
    with pytest.raises(ValueError, match="reviewer name is required"):
        store.accept(draft_id, "  ")
    assert store.get(draft_id).status == "draft" and len(store.history(draft_id)) == 1


def test_filters_reuse_lookup_and_usage(tmp_path):
    store = DraftStore(tmp_path / "drafts.sqlite")
    a = add(store, "T01", prompt_tokens=100, completion_tokens=20)
    add(store, "T02", status="failed", content=None, error="bad json", evidence_hash="def")
    assert [r.draft_id for r in store.list(theme_id="T01")] == [a]
    assert [r.theme_id for r in store.list(status="failed")] == ["T02"]
    assert store.find_reusable("abc", "label", "theme_label", 1, "offline-drafter/1").draft_id == a
    assert store.find_reusable("def", "label", "theme_label", 1, "offline-drafter/1") is None  # failed: redo
    assert store.find_reusable("abc", "label", "theme_label", 2, "offline-drafter/1") is None  # new prompt
    assert store.usage("R1") == {"prompt_tokens": 100, "completion_tokens": 20, "drafts": 2}


def _writer(path: str, theme: str, n: int) -> None:
    store = DraftStore(path)
    for i in range(n):
        draft_id = add(store, f"{theme}-{i}")
        store.accept(draft_id, theme)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "drafts.sqlite")
    DraftStore(path)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, name, 25)) for name in ("A", "B")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert all(w.exitcode == 0 for w in workers)
    rows = DraftStore(path).list()
    assert len(rows) == 50 and all(r.status == "accepted" for r in rows)
    assert all(len(DraftStore(path).history(r.draft_id)) == 2 for r in rows)


def test_a_damaged_store_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "drafts.sqlite"
    path.write_bytes(b"this is not a database, just some bytes " * 100)
    with pytest.raises(ValueError, match="cannot use the draft store") as caught:
        DraftStore(path)
    assert str(path) in str(caught.value)
    assert "restore it from a backup. Do not delete it or move it aside" in str(caught.value)  # it holds the reviews


def test_a_change_based_on_an_older_version_is_refused_with_the_newer_text(tmp_path):
    store = DraftStore(tmp_path / "drafts.sqlite")
    draft_id = add(store)
    seen = store.get(draft_id).version  # two reviewers open the same draft
    store.edit(draft_id, {**LABEL, "name": "Zero-alcohol drinks treated as alcohol"}, "Pat", based_on=seen)
    with pytest.raises(DraftConflict, match="Zero-alcohol drinks treated as alcohol") as caught:
        store.accept(draft_id, "Sam", based_on=seen)  # Sam still sees the old text
    assert caught.value.current.status == "edited" and "Nothing was changed" in str(caught.value)
    row = store.get(draft_id)
    assert (row.status, row.content.name) == ("edited", "Zero-alcohol drinks treated as alcohol")
    accepted = store.accept(draft_id, "Sam", based_on=row.version)
    assert accepted.status == "accepted" and accepted.content.name == "Zero-alcohol drinks treated as alcohol"
    assert accepted.version > row.version


def _accept_and_edit(path: str, name: str, n: int) -> None:
    store = DraftStore(path)
    for i in range(n):
        row = store.get(1)
        try:
            if i % 2:
                store.accept(1, name, based_on=row.version)
            else:
                store.edit(1, {**LABEL, "name": f"{name} {i}"}, name, based_on=row.version)
        except DraftConflict:
            pass


def test_two_processes_accepting_and_editing_one_draft_never_lose_an_edit(tmp_path):
    path = str(tmp_path / "drafts.sqlite")
    add(DraftStore(path))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_accept_and_edit, args=(path, name, 30)) for name in ("A", "B")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert all(w.exitcode == 0 for w in workers)
    history = DraftStore(path).history(1)
    for before, after in zip(history, history[1:]):
        if after["action"] == "accepted":  # an accept keeps exactly the text it was based on
            assert after["content"] == before["content"]

"""Theme membership and theme names from label drafts (assistant/webapp/groups.py)."""

from __future__ import annotations

from assistant.views.drafts import theme_labels


def test_theme_labels_prefer_accepted_then_edited_then_newest(explorer, run_data):
    rows = explorer.store.list(run_id=run_data.run_id, kind="label")
    labels = theme_labels(rows)
    assert set(labels) == {r.theme_id for r in rows}
    first = rows[0]
    fake = [r for r in rows if r.theme_id == first.theme_id]
    import dataclasses

    newer = dataclasses.replace(first, draft_id=first.draft_id + 1000,
                                content=first.content.model_copy(update={"name": "newer"}))
    rejected = dataclasses.replace(first, draft_id=first.draft_id + 2000, status="rejected",
                                   content=first.content.model_copy(update={"name": "rejected"}))
    accepted = dataclasses.replace(first, draft_id=1, status="accepted",
                                   content=first.content.model_copy(update={"name": "acc"}))
    assert theme_labels([*fake, newer, rejected])[first.theme_id] == "newer"
    assert theme_labels([*fake, newer, rejected, accepted])[first.theme_id] == "acc"

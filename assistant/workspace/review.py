"""Accepting a draft, and what follows: an accepted policy clarification is an action on its registry theme."""

from __future__ import annotations

from datetime import datetime, timezone

from assistant.workspace.registry import Registry
from assistant.workspace.store import DraftRow, DraftStore

POLICY_ACTION = "policy clarification"


def accept_draft(store: DraftStore, draft_id: int, reviewer: str, comment: str | None = None,
                 based_on: int | None = None) -> DraftRow:
    """Accept a draft (`DraftStore.accept`); a policy clarification of a theme that the registry links becomes a
    dated action on that registry theme, once per draft."""
    row = store.accept(draft_id, reviewer, comment, based_on)
    if row.kind == "policy" and row.content is not None:
        registry = Registry(store.path)
        link = next((k for k in registry.links(row.run_id) if k.run_theme_id == row.theme_id), None)
        if link is not None:
            day = datetime.now(timezone.utc).date().isoformat()
            text = f"{row.content.policy}: {row.content.proposed_wording} (draft {row.draft_id})"
            registry.add_action(link.theme_id, POLICY_ACTION, text, day, reviewer, draft_id=row.draft_id)
    return row

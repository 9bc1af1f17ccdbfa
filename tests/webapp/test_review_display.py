"""Display values of drafts and the review queue (assistant/webapp/review_display.py)."""

from __future__ import annotations

import json

import pytest

from assistant.drafting.models import cited_ids
from assistant.views.drafts import OFFLINE_LABEL, draft_body_md, draft_json
from assistant.views.markdown import md as md_text
from assistant.webapp.review_display import (
    cited_cases_frame,
    cited_cases_md,
    draft_header_md,
    history_md,
    parse_content,
    queue_frame,
    sort_queue,
)


def test_draft_display_values(explorer, run_data):
    rows = explorer.store.list(run_id=run_data.run_id)
    kinds = {r.kind for r in rows}
    assert {"label", "rca"} <= kinds
    for row in rows:
        header = draft_header_md(row)
        assert f"Draft #{row.draft_id}" in header and md_text(OFFLINE_LABEL) in header
        assert f"Status **{row.status}**" in header
        body = draft_body_md(row)
        assert body.startswith("#### ")
        cited = cited_cases_frame(row, run_data.cases)
        ids = cited_ids(row.content)
        assert cited["case_id"].tolist() == ids and ids
        assert (cited["reviewer_note"] != "").all()
        assert json.loads(draft_json(row)) == row.content.model_dump()
    queue = queue_frame(sort_queue(rows))
    assert len(queue) == len(rows) and list(queue.columns)[0] == "id"
    assert "run" in queue_frame(rows, with_run=True).columns
    md = cited_cases_md(cited_cases_frame(rows[0], run_data.cases))
    assert md.startswith(f"**{cited_ids(rows[0].content)[0]}**") and "Note: " in md


def test_history_and_edit_parsing():
    history = [{"at": "2026-11-25T03:00:00+00:00", "actor": "assistant", "action": "created", "status": "draft",
                "comment": None},
               {"at": "2026-11-25T04:00:00+00:00", "actor": "Robin", "action": "accepted", "status": "accepted",
                "comment": "looks *right*"}]
    md = history_md(history)
    assert md.splitlines()[1] == "- 2026-11-25 04:00:00+00:00 · **Robin** accepted → accepted: “looks \\*right\\*”"
    assert parse_content('{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError, match="not valid JSON: .* line 1"):
        parse_content('{"a": ')
    with pytest.raises(ValueError, match="JSON object"):
        parse_content("[1, 2]")

"""The workspace's SQLite store of drafts and reviews (WAL; safe for several processes at once).

A draft row holds the current content and status; every change (created, edited, accepted, rejected) adds a
row to `draft_history`, so nothing a reviewer wrote is ever lost. Each write is one immediate transaction that
reads the draft it changes, so two writers never overwrite each other's text. A draft's `version` is its latest
history row: a change that names the version it was based on (`based_on`) is refused with `DraftConflict` when
someone changed the draft since.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from assistant.config import MAX_NAME_CHARS, MAX_NOTE_CHARS, check_length
from assistant.drafting.models import DRAFT_MODELS, Draft, stored_draft
from assistant.workspace import sqlite
from clustering.printable import printable

STATUSES = ("draft", "edited", "accepted", "rejected", "failed")
SELECT_DRAFTS = ("SELECT d.*, (SELECT MAX(h.history_id) FROM draft_history h WHERE h.draft_id = d.draft_id) "
                 "AS version FROM drafts d")
SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    draft_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    theme_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    content_json TEXT,
    raw_output TEXT,
    error TEXT,
    flags_json TEXT NOT NULL DEFAULT '[]',
    prompt_name TEXT NOT NULL,
    prompt_version INTEGER NOT NULL,
    model TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    evidence_json TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 1,
    reused_from INTEGER,
    reviewer TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drafts_by_theme ON drafts (run_id, theme_id, kind);
CREATE INDEX IF NOT EXISTS drafts_by_evidence ON drafts (evidence_hash, kind, prompt_name, prompt_version, model);
CREATE TABLE IF NOT EXISTS draft_history (
    history_id INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id INTEGER NOT NULL REFERENCES drafts (draft_id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    content_json TEXT,
    comment TEXT
);
"""


class DraftConflict(ValueError):
    """A change based on a version of a draft that someone has changed since; `current` is the newer draft."""

    def __init__(self, current: DraftRow, based_on: int):
        self.current, self.based_on = current, based_on
        text = current.content.model_dump_json() if current.content is not None else f"(no content: {current.error})"
        super().__init__(f"draft {current.draft_id} changed since version {based_on}: it is now version "
                         f"{current.version}, {current.status}"
                         + (f" by {printable(current.reviewer)}" if current.reviewer else "")
                         + f". Nothing was changed. The newer text: {text}")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class DraftRow:
    """A stored draft."""

    draft_id: int
    run_id: str
    theme_id: str
    kind: str
    status: str
    content: Draft | None  # the kind's model; None for a failed draft
    raw_output: str | None
    error: str | None
    flags: list[str]
    prompt_name: str
    prompt_version: int
    model: str
    evidence_hash: str
    evidence: dict
    prompt_tokens: int
    completion_tokens: int
    attempts: int
    reused_from: int | None
    reviewer: str | None
    created_at: str
    updated_at: str
    version: int  # the id of the draft's latest history row; changes when anyone changes the draft

    @property
    def offline(self) -> bool:
        return self.model.startswith("offline-drafter")


def _content_json(kind: str, content: Draft | dict | None) -> str | None:
    """A draft's content as stored: the JSON of its kind's model (a dict is validated as a stored draft first)."""
    if content is None:
        return None
    if isinstance(content, dict):
        content = stored_draft(kind, content)
    return content.model_dump_json()


def _row(r: sqlite3.Row) -> DraftRow:
    return DraftRow(
        draft_id=r["draft_id"], run_id=r["run_id"], theme_id=r["theme_id"], kind=r["kind"], status=r["status"],
        content=stored_draft(r["kind"], r["content_json"]) if r["content_json"] else None, raw_output=r["raw_output"],
        error=r["error"], flags=json.loads(r["flags_json"]), prompt_name=r["prompt_name"],
        prompt_version=r["prompt_version"], model=r["model"], evidence_hash=r["evidence_hash"],
        evidence=json.loads(r["evidence_json"]), prompt_tokens=r["prompt_tokens"],
        completion_tokens=r["completion_tokens"], attempts=r["attempts"], reused_from=r["reused_from"],
        reviewer=r["reviewer"], created_at=r["created_at"], updated_at=r["updated_at"], version=r["version"] or 0,
    )


class DraftStore:
    """Drafts and their history in `WORKSPACE/drafts.sqlite`."""

    def __init__(self, path: str | Path):
        """Open (or create) the store; ValueError naming the file when it is not a usable SQLite store."""
        self.path = Path(path)
        sqlite.create(self.path, SCHEMA, "draft store")

    @property
    def read_only(self) -> bool:
        """Whether the store can only be read (a read-only workspace): every change is refused (ReadOnlyStore)."""
        return sqlite.is_read_only(self.path)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite.connect(self.path)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite.write(self.path)

    def add(self, *, run_id: str, theme_id: str, kind: str, status: str, content: Draft | dict | None,
            raw_output: str | None, error: str | None, flags: list[str], prompt_name: str, prompt_version: int,
            model: str, evidence_hash: str, evidence_json: str, prompt_tokens: int = 0, completion_tokens: int = 0,
            attempts: int = 1, reused_from: int | None = None, actor: str = "assistant") -> int:
        """Store a new draft and its first history row; returns its id."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        stamp = now()
        content_json = _content_json(kind, content)
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO drafts (run_id, theme_id, kind, status, content_json, raw_output, error, flags_json, "
                "prompt_name, prompt_version, model, evidence_hash, evidence_json, prompt_tokens, completion_tokens,"
                " attempts, reused_from, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, theme_id, kind, status, content_json, raw_output, error, json.dumps(flags), prompt_name,
                 prompt_version, model, evidence_hash, evidence_json, prompt_tokens, completion_tokens, attempts,
                 reused_from, stamp, stamp))
            draft_id = int(cursor.lastrowid)
            db.execute("INSERT INTO draft_history (draft_id, at, actor, action, status, content_json, comment) "
                       "VALUES (?,?,?,?,?,?,?)", (draft_id, stamp, actor, "created", status, content_json, error))
        return draft_id

    def get(self, draft_id: int) -> DraftRow:
        with self._connect() as db:
            row = db.execute(f"{SELECT_DRAFTS} WHERE d.draft_id = ?", (draft_id,)).fetchone()
        if row is None:
            raise KeyError(f"no draft {draft_id}")
        return _row(row)

    def find_reusable(self, evidence_hash: str, kind: str, prompt_name: str, prompt_version: int,
                      model: str) -> DraftRow | None:
        """The latest draft made from the same evidence, prompt version and model, if any (failed and rejected
        drafts are never reused: those are drafted again)."""
        with self._connect() as db:
            row = db.execute(
                f"{SELECT_DRAFTS} WHERE evidence_hash = ? AND kind = ? AND prompt_name = ? AND prompt_version = ?"
                " AND model = ? AND status NOT IN ('failed', 'rejected') ORDER BY draft_id DESC LIMIT 1",
                (evidence_hash, kind, prompt_name, prompt_version, model)).fetchone()
        return _row(row) if row else None

    def list(self, run_id: str | None = None, theme_id: str | None = None, kind: str | None = None,
             status: str | None = None, policy: str | None = None) -> list[DraftRow]:
        """Drafts matching every filter given, newest first."""
        clauses, args = [], []
        for column, value in (("run_id", run_id), ("theme_id", theme_id), ("kind", kind), ("status", status)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect() as db:
            rows = [_row(r) for r in db.execute(f"{SELECT_DRAFTS} {where} ORDER BY draft_id DESC", args)]
        if policy is not None:
            rows = [r for r in rows if getattr(r.content, "policy", None) == policy
                    or policy in {f["value"] for f in r.evidence.get("facets", {}).get("policy", [])[:1]}]
        return rows

    def drafted_runs(self) -> set[str]:
        """The ids of the runs that have drafts."""
        with self._connect() as db:
            return {r[0] for r in db.execute("SELECT DISTINCT run_id FROM drafts")}

    def history(self, draft_id: int) -> list[dict]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM draft_history WHERE draft_id = ? ORDER BY history_id", (draft_id,))
            return [dict(r) | {"content": json.loads(r["content_json"]) if r["content_json"] else None} for r in rows]

    def _change(self, draft_id: int, reviewer: str, action: str, status: str, content: Draft | None,
                comment: str | None, based_on: int | None) -> DraftRow:
        if not reviewer or not reviewer.strip():
            raise ValueError("a reviewer name is required")
        check_length(reviewer.strip(), "the reviewer's name", MAX_NAME_CHARS)
        check_length(comment, "the comment", MAX_NOTE_CHARS)
        stamp = now()
        with self._write() as db:  # read, check and write in one transaction: no other writer in between
            found = db.execute(f"{SELECT_DRAFTS} WHERE d.draft_id = ?", (draft_id,)).fetchone()
            if found is None:
                raise KeyError(f"no draft {draft_id}")
            current = _row(found)
            if based_on is not None and based_on != current.version:
                raise DraftConflict(current, based_on)
            if current.status == "failed" and content is None:
                raise ValueError(f"draft {draft_id} failed; edit it with content before accepting or rejecting")
            content_json = _content_json(current.kind, content if content is not None else current.content)
            db.execute("UPDATE drafts SET status = ?, content_json = ?, reviewer = ?, updated_at = ? "
                       "WHERE draft_id = ?", (status, content_json, reviewer.strip(), stamp, draft_id))
            db.execute("INSERT INTO draft_history (draft_id, at, actor, action, status, content_json, comment) "
                       "VALUES (?,?,?,?,?,?,?)", (draft_id, stamp, reviewer.strip(), action, status, content_json,
                                                  comment))
        return self.get(draft_id)

    def edit(self, draft_id: int, content: dict, reviewer: str, comment: str | None = None,
             based_on: int | None = None) -> DraftRow:
        """Replace a draft's content (validated against its kind's schema); status becomes `edited`.

        based_on: the version the new content was written from; refused (DraftConflict) if the draft changed since.
        """
        kind = self.get(draft_id).kind
        try:
            valid = DRAFT_MODELS[kind].model_validate(content)
        except ValidationError as exc:
            raise ValueError(f"the edited {kind} draft is not valid: {exc}") from exc
        return self._change(draft_id, reviewer, "edited", "edited", valid, comment, based_on)

    def accept(self, draft_id: int, reviewer: str, comment: str | None = None,
               based_on: int | None = None) -> DraftRow:
        """Accept the draft as it is now (or, with `based_on`, only if it is still that version)."""
        return self._change(draft_id, reviewer, "accepted", "accepted", None, comment, based_on)

    def reject(self, draft_id: int, reviewer: str, comment: str | None = None,
               based_on: int | None = None) -> DraftRow:
        """Reject the draft as it is now (or, with `based_on`, only if it is still that version)."""
        return self._change(draft_id, reviewer, "rejected", "rejected", None, comment, based_on)

    def usage(self, run_id: str) -> dict[str, int]:
        """Tokens used by the drafts of a run, summed."""
        with self._connect() as db:
            row = db.execute("SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COUNT(*) "
                             "FROM drafts WHERE run_id = ?", (run_id,)).fetchone()
        return {"prompt_tokens": row[0], "completion_tokens": row[1], "drafts": row[2]}

"""The workspace's SQLite file (`WORKSPACE/drafts.sqlite`): how every store in it connects and writes, once.

Drafts (`store.DraftStore`) and the theme registry (`registry.Registry`) share the file and these rules: WAL,
a 30 s busy timeout, and writes in one immediate transaction, so that a check of a version and the write that
follows it see no other writer in between (the conflict rule of review edits and registry edits).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 30  # how long a writer waits for another one before giving up


def create(path: Path, schema: str, what: str, advice: str = "") -> None:
    """Create `schema` in the file at `path` (and its folder); ValueError naming the file when it is not a usable
    SQLite file (a damaged or foreign file; OperationalError: read-only, locked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(schema)
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{path}: cannot use the {what} ({exc}){advice}") from exc


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode whose rows are `sqlite3.Row`; closed on leaving."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    try:
        yield db
    finally:
        db.close()


@contextmanager
def write(path: Path) -> Iterator[sqlite3.Connection]:
    """One immediate transaction: read, check and write with no other writer in between."""
    with connect(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

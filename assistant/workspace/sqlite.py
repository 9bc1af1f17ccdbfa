"""The workspace's SQLite file (`WORKSPACE/drafts.sqlite`): how every store in it connects and writes, once.

Drafts (`store.DraftStore`) and the theme registry (`registry.Registry`) share the file and these rules: WAL,
a 30 s busy timeout, and writes in one immediate transaction, so that a check of a version and the write that
follows it see no other writer in between (the conflict rule of review edits and registry edits).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clustering.files import CannotWrite, no_room

BUSY_TIMEOUT_S = 30  # how long a writer waits for another one before giving up


def create(path: Path, schema: str, what: str, advice: str = "") -> None:
    """Create `schema` in the file at `path` (and its folder). A full disk raises `CannotWrite`; a folder or file
    that cannot be written (read-only) raises ValueError saying so; a damaged or foreign file raises ValueError
    naming it, with `advice`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(schema)
    except (sqlite3.DatabaseError, OSError) as exc:
        refused = write_refused(path, exc)
        if refused is not None:
            raise refused from exc
        raise ValueError(f"{path}: cannot use the {what} ({exc}){advice}") from exc


# what SQLite says when it could not write (extended codes share the primary code in their low byte)
WRITE_ERRORS = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN,
                sqlite3.SQLITE_PERM)


def write_refused(path: Path, exc: BaseException) -> Exception | None:
    """The error to raise when `exc` says the workspace's SQLite file could not be written, else None: CannotWrite
    when the disk is full (SQLite says "database or disk is full", or "disk I/O error" when it cannot grow its
    shared-memory file), ValueError when the folder or the file is read-only."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not (isinstance(exc, OSError) or (code is not None and code & 0xFF in WRITE_ERRORS)):
        return None
    if no_room(exc) or _disk_full(path):
        return CannotWrite(path, "the disk is full", "nothing of this change was saved; what was saved before is "
                                                     "intact. Free some space and run the command again")
    if not _writable(path):
        return ValueError(f"{path}: the workspace cannot be written there ({exc}), and this command needs to. "
                          "Copy the workspace folder to one you can write to and use that (--workspace); do not "
                          "move drafts.sqlite aside: it holds every draft, review and registry change")
    return None


def _disk_full(path: Path) -> bool:
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except OSError:
        return False


def _writable(path: Path) -> bool:
    try:
        stat = os.statvfs(path.parent)
    except OSError:
        return False
    if stat.f_flag & os.ST_RDONLY:
        return False
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


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
    """One immediate transaction: read, check and write with no other writer in between. When SQLite cannot
    write (a full disk), nothing of the transaction is saved and `CannotWrite` names the file."""
    try:
        with connect(path) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # SQLite rolls back by itself on some errors (a full disk among them)
                    db.execute("ROLLBACK")
                raise
    except sqlite3.DatabaseError as exc:
        refused = write_refused(path, exc)
        if refused is not None:
            raise refused from exc
        raise

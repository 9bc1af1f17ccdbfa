"""The workspace's SQLite file (`WORKSPACE/drafts.sqlite`): how every store in it connects and writes, once.

Drafts (`store.DraftStore`) and the theme registry (`registry.Registry`) share the file and these rules: WAL,
a 30 s busy timeout, and writes in one immediate transaction, so that a check of a version and the write that
follows it see no other writer in between (the conflict rule of review edits and registry edits).

A file that can be read but not written (a read-only mount, a snapshot, another user's workspace) is opened
read-only: reading works (the web app browses it), and every write is refused with `ReadOnlyStore`, naming the file
(nothing is written, nothing saved is touched). With no writer able to change it, it is read as immutable when
SQLite cannot create the WAL's shared-memory file beside it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from clustering.files import CannotWrite, no_room

BUSY_TIMEOUT_S = 30  # how long a writer waits for another one before giving up
DAMAGED_ADVICE = ("; restore it from a backup. Do not delete it or move it aside: it holds every review and registry "
                  "change of the workspace")

STATEMENT_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)|CREATE INDEX IF NOT EXISTS \w+ ON (\w+)")
_read_only: dict[Path, tuple[str | None, list[str]]] = {}  # files opened read-only -> URI parameters, tables they lack
_lock = threading.Lock()


class ReadOnlyStore(ValueError):
    """A write to a store file that can only be read."""

    def __init__(self, path: Path):
        super().__init__(f"{path}: the workspace is read-only here (the file cannot be written), so this change was "
                         "not saved; browsing works. Make the workspace writable for this user (or open a writable "
                         "copy of it) to make changes")


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


def create(path: Path, schema: str, what: str, advice: str = DAMAGED_ADVICE) -> None:
    """Create `schema` in the file at `path` (and its folder); when the file exists but cannot be written, open it
    read-only (see the module). ValueError naming the file when it is not a usable SQLite file (a damaged or
    foreign file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with connect(path, writable=True) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(schema)
    except (sqlite3.OperationalError, OSError) as exc:
        unwritable = not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))
        full = None if unwritable else disk_full(path, exc)
        if full is not None:
            raise full from exc
        if unwritable and path.is_file() and _open_read_only(path, schema):  # not a lock or a full disk: read-only
            return
        if unwritable and not path.exists() and path.parent.is_dir():  # a read-only workspace with no store yet
            _empty_read_only(path, schema)
            return
        raise ValueError(f"{path}: cannot use the {what} ({exc}): the workspace is not writable and holds no "
                         f"readable {path.name}") from exc
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{path}: cannot use the {what} ({exc}){advice}") from exc
    with _lock:
        _read_only.pop(_key(path), None)  # writable (again)


def is_read_only(path: Path) -> bool:
    """Whether the store file at `path` was opened read-only."""
    return _key(path) in _read_only


def _open_read_only(path: Path, schema: str) -> bool:
    """Whether the file reads as SQLite read-only (remembering how); False for a damaged file. A schema the file
    lacks (a store made before the registry existed) is made empty in each connection's TEMP space: read as
    "nothing there yet"."""
    for params in ("mode=ro", "mode=ro&immutable=1"):
        try:
            db = sqlite3.connect(f"file:{quote(str(path))}?{params}", uri=True)
            try:
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                db.close()
        except sqlite3.DatabaseError:
            continue
        with _lock:
            _, lacking = _read_only.get(_key(path), (params, []))
            for statement in (s.strip().replace("CREATE TABLE", "CREATE TEMP TABLE") for s in schema.split(";")):
                found = STATEMENT_TABLE.search(statement.replace("TEMP ", ""))
                if found and (found[1] or found[2]) not in tables and statement not in lacking:
                    lacking = [*lacking, statement]
            _read_only[_key(path)] = (params, lacking)
        return True
    return False


def _empty_read_only(path: Path, schema: str) -> None:
    """A store that does not exist in a folder that cannot be written: read as empty (each connection is an empty
    in-memory database with the schema), written never."""
    statements = [s.strip() for s in schema.split(";") if STATEMENT_TABLE.search(s)]
    with _lock:
        _, known = _read_only.get(_key(path), (None, []))
        _read_only[_key(path)] = (None, [*known, *(s for s in statements if s not in known)])


@contextmanager
def connect(path: Path, writable: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode whose rows are `sqlite3.Row`; closed on leaving (read-only for a file opened
    read-only, unless `writable`)."""
    read_only = None if writable else _read_only.get(_key(path))
    if read_only is None:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    elif read_only[0] is None:  # no file: an empty database
        db = sqlite3.connect(":memory:", isolation_level=None)
        for statement in read_only[1]:
            db.execute(statement)
    else:
        db = sqlite3.connect(f"file:{quote(str(path))}?{read_only[0]}", uri=True, timeout=BUSY_TIMEOUT_S,
                             isolation_level=None)
        for statement in read_only[1]:  # only the tables the file lacks: never shadow one it has
            db.execute(statement)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    try:
        yield db
    finally:
        db.close()


@contextmanager
def write(path: Path) -> Iterator[sqlite3.Connection]:
    """One immediate transaction: read, check and write with no other writer in between (ReadOnlyStore for a file
    opened read-only). When SQLite cannot write (a full disk), nothing of the transaction is saved and
    `CannotWrite` names the file."""
    if is_read_only(path):
        raise ReadOnlyStore(path)
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
    except sqlite3.OperationalError as exc:
        full = disk_full(path, exc)
        if full is not None:
            raise full from exc
        raise


def disk_full(path: Path, exc: BaseException) -> CannotWrite | None:
    """`CannotWrite` naming the file when `exc` says the disk is full (SQLite says "database or disk is full", or
    "disk I/O error" when it cannot grow its shared-memory file: then the file system has no room left), else
    None."""
    try:
        no_space = os.statvfs(path.parent).f_bavail == 0
    except OSError:
        no_space = False
    if no_room(exc) or no_space:
        return CannotWrite(path, "the disk is full", "nothing of this change was saved; what was saved before is "
                                                     "intact. Free some space and run the command again")
    return None

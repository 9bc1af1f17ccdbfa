"""The theme registry: themes kept across runs, in the workspace's SQLite store (the drafts' file).

A registry theme (`K1`, `K2`, ...) holds a centre (updated by each run that continues it), the spread of its
members' similarities (for known themes assigning first), an analyst's name, a known flag with status and owner,
and the centres of themes merged into it (so that a merge survives the next run). Every change an analyst makes
adds a row to `registry_history` (who, when, what); a theme's `version` is its latest history row, and a change
that names the version it was based on is refused with `RegistryConflict` when someone changed the theme since,
as for drafts. `registry_links` says, for each synced run, which registry theme each of its themes is and how
(continues, split from, merged from, new; gone themes have a link without a run theme). Syncing a run is
idempotent (`assistant.workspace.registry_sync`); actions are dated records on a theme.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import MAX_NAME_CHARS, MAX_NOTE_CHARS, check_length
from assistant.workspace import sqlite
from assistant.workspace.store import now
from clustering.known import KnownTheme, Spread
from clustering.printable import printable

STATUSES = ("new", "investigating", "action taken", "fixed", "monitoring", "won't fix")
ACTION_KINDS = ("policy clarification", "model retrained", "moderator training", "other")
STATES = ("active", "merged", "split")
SELECT_THEMES = ("SELECT t.*, (SELECT MAX(h.history_id) FROM registry_history h WHERE h.theme_id = t.theme_id) "
                 "AS version FROM registry_themes t")
SCHEMA = """
CREATE TABLE IF NOT EXISTS registry_themes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    theme_id TEXT NOT NULL UNIQUE,
    name TEXT,
    label TEXT NOT NULL,
    embedding_model TEXT NOT NULL,
    centroid_json TEXT NOT NULL,
    spread_json TEXT NOT NULL,
    aliases_json TEXT NOT NULL DEFAULT '[]',
    known INTEGER NOT NULL DEFAULT 0,
    status TEXT,
    owner TEXT,
    state TEXT NOT NULL DEFAULT 'active',
    merged_into TEXT,
    first_run TEXT NOT NULL,
    last_run TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS registry_history (
    history_id INTEGER PRIMARY KEY AUTOINCREMENT,
    theme_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS registry_runs (run_id TEXT PRIMARY KEY, synced_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS registry_links (
    link_id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    run_theme_id TEXT,
    theme_id TEXT NOT NULL,
    lineage TEXT NOT NULL,
    sources_json TEXT NOT NULL DEFAULT '[]',
    similarity REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS links_by_run ON registry_links (run_id);
CREATE TABLE IF NOT EXISTS actions (
    action_id INTEGER PRIMARY KEY AUTOINCREMENT,
    theme_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    date TEXT NOT NULL,
    who TEXT NOT NULL,
    draft_id INTEGER UNIQUE,
    created_at TEXT NOT NULL
);
"""


@dataclass
class RegistryTheme:
    """A theme kept across runs."""

    theme_id: str
    name: str | None
    label: str
    embedding_model: str
    centroid: list[float]
    spread: Spread
    aliases: list[list[float]]
    known: bool
    status: str | None
    owner: str | None
    state: str
    merged_into: str | None
    first_run: str
    last_run: str
    version: int

    @property
    def display_name(self) -> str:
        """The analyst's name when there is one, else the label drafted from its cases."""
        return self.name or self.label


@dataclass(frozen=True)
class Link:
    """A run's theme as a registry theme (run_theme_id None: the registry theme is gone in that run)."""

    run_id: str
    run_theme_id: str | None
    theme_id: str
    lineage: str
    sources: tuple[str, ...] = field(default_factory=tuple)
    similarity: float = 0.0


@dataclass(frozen=True)
class ActionRow:
    action_id: int
    theme_id: str
    kind: str
    text: str
    date: str
    who: str
    draft_id: int | None


class RegistryConflict(ValueError):
    """A change based on a version of a registry theme that someone changed since; `current` is the newer theme."""

    def __init__(self, current: RegistryTheme, based_on: int):
        self.current, self.based_on = current, based_on
        super().__init__(f"theme {current.theme_id} changed since version {based_on}: it is now version "
                         f"{current.version} (name '{printable(current.display_name)}', known {current.known}, "
                         f"status {current.status or '-'}, owner {printable(current.owner or '-')}, {current.state}). "
                         "Nothing was changed.")


def theme_row(r: sqlite3.Row) -> RegistryTheme:
    return RegistryTheme(
        theme_id=r["theme_id"], name=r["name"], label=r["label"], embedding_model=r["embedding_model"],
        centroid=json.loads(r["centroid_json"]), spread=Spread.from_dict(json.loads(r["spread_json"])),
        aliases=json.loads(r["aliases_json"]), known=bool(r["known"]), status=r["status"], owner=r["owner"],
        state=r["state"], merged_into=r["merged_into"], first_run=r["first_run"], last_run=r["last_run"],
        version=r["version"] or 0)


def link_row(r: sqlite3.Row) -> Link:
    return Link(r["run_id"], r["run_theme_id"], r["theme_id"], r["lineage"], tuple(json.loads(r["sources_json"])),
                r["similarity"])


class Registry:
    """Registry themes, their history, run links and actions in `WORKSPACE/drafts.sqlite`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        sqlite.create(self.path, SCHEMA, "theme registry")

    def connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite.connect(self.path)

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One immediate transaction: read, check and write with no other writer in between."""
        return sqlite.write(self.path)

    # reading
    def themes(self, state: str | None = "active") -> list[RegistryTheme]:
        """Registry themes (of a state; None: all), in the order they were created."""
        where, args = ("WHERE t.state = ?", (state,)) if state else ("", ())
        with self.connect() as db:
            return [theme_row(r) for r in db.execute(f"{SELECT_THEMES} {where} ORDER BY t.seq", args)]

    def get(self, theme_id: str, db: sqlite3.Connection | None = None) -> RegistryTheme:
        if db is None:
            with self.connect() as conn:
                return self.get(theme_id, conn)
        row = db.execute(f"{SELECT_THEMES} WHERE t.theme_id = ?", (theme_id,)).fetchone()
        if row is None:
            raise KeyError(f"no registry theme {theme_id}")
        return theme_row(row)

    def history(self, theme_id: str) -> list[dict]:
        """A theme's history rows, oldest first; KeyError for a theme the registry does not have."""
        with self.connect() as db:
            self.get(theme_id, db)
            rows = db.execute("SELECT * FROM registry_history WHERE theme_id = ? ORDER BY history_id", (theme_id,))
            return [dict(r) | {"detail": json.loads(r["detail_json"])} for r in rows]

    def links(self, run_id: str) -> list[Link]:
        with self.connect() as db:
            return [link_row(r) for r in db.execute("SELECT * FROM registry_links WHERE run_id = ? ORDER BY link_id",
                                                    (run_id,))]

    def synced(self, run_id: str) -> bool:
        with self.connect() as db:
            return db.execute("SELECT 1 FROM registry_runs WHERE run_id = ?", (run_id,)).fetchone() is not None

    def kept(self, theme_id: str, themes: dict[str, RegistryTheme] | None = None) -> RegistryTheme:
        """The theme as kept now: a merged theme's is the theme it was merged into (followed to the end)."""
        themes = themes if themes is not None else {t.theme_id: t for t in self.themes(None)}
        theme, seen = themes[theme_id], {theme_id}
        while theme.state == "merged" and theme.merged_into in themes and theme.merged_into not in seen:
            seen.add(theme.merged_into)
            theme = themes[theme.merged_into]
        return theme

    def linked(self, run_id: str) -> dict[str, RegistryTheme]:
        """run theme id -> the registry theme it is now (merges followed) for a synced run; empty for a run never
        synced."""
        themes = {t.theme_id: t for t in self.themes(None)}
        return {link.run_theme_id: self.kept(link.theme_id, themes)
                for link in self.links(run_id) if link.run_theme_id and link.theme_id in themes}

    def names_for_run(self, run_id: str) -> dict[str, tuple[str, str]]:
        """run theme id -> (registry id, display name) for a synced run (merges followed)."""
        return {run_theme: (t.theme_id, t.display_name) for run_theme, t in self.linked(run_id).items()}

    def analyst_names(self, run_id: str) -> dict[str, str]:
        """run theme id -> the analyst's name of its registry theme, for the run themes whose theme has one."""
        return {run_theme: t.name for run_theme, t in self.linked(run_id).items() if t.name}

    def known_themes(self, embedding_model: str) -> list[KnownTheme]:
        """The active known themes of one embedding model, for assigning first."""
        return [KnownTheme(t.theme_id, tuple(t.centroid), t.spread) for t in self.themes()
                if t.known and t.embedding_model == embedding_model]

    def actions(self, theme_id: str | None = None) -> list[ActionRow]:
        """Actions (of a theme), oldest date first."""
        where, args = ("WHERE theme_id = ?", (theme_id,)) if theme_id else ("", ())
        with self.connect() as db:
            rows = db.execute(f"SELECT * FROM actions {where} ORDER BY date, action_id", args)
            return [ActionRow(r["action_id"], r["theme_id"], r["kind"], r["text"], r["date"], r["who"], r["draft_id"])
                    for r in rows]

    # changing
    def checked(self, db: sqlite3.Connection, theme_id: str, based_on: int | None) -> RegistryTheme:
        """The theme as it is now inside a write; RegistryConflict if it changed since `based_on`."""
        current = self.get(theme_id, db)
        if based_on is not None and based_on != current.version:
            raise RegistryConflict(current, based_on)
        return current

    @staticmethod
    def record(db: sqlite3.Connection, theme_id: str, actor: str, action: str, detail: dict) -> None:
        db.execute("INSERT INTO registry_history (theme_id, at, actor, action, detail_json) VALUES (?,?,?,?,?)",
                   (theme_id, now(), actor, action, json.dumps(detail, sort_keys=True)))

    def _update(self, theme_id: str, who: str, based_on: int | None, action: str, changes: dict,
                also: Callable[[RegistryTheme], dict] | None = None) -> RegistryTheme:
        """Change the columns in `changes` (and those `also` derives from the theme as it is inside the write)."""
        who = _who(who)
        with self.write() as db:
            current = self.checked(db, theme_id, based_on)
            if current.state != "active":
                into = f" into {current.merged_into}" if current.merged_into else ""
                raise ValueError(f"theme {theme_id} is {current.state}{into}: change that one")
            changes = {**(also(current) if also else {}), **changes}
            sets = ", ".join(f"{column} = ?" for column in changes)
            db.execute(f"UPDATE registry_themes SET {sets}, updated_at = ? WHERE theme_id = ?",
                       (*changes.values(), now(), theme_id))
            self.record(db, theme_id, who, action, {k: v for k, v in changes.items() if k != "aliases_json"})
        return self.get(theme_id)

    def rename(self, theme_id: str, name: str, who: str, based_on: int | None = None) -> RegistryTheme:
        """Give a theme the analyst's name (shown in place of its drafted label); an empty name clears it."""
        name = check_length(name.strip(), "the name", MAX_NAME_CHARS)
        return self._update(theme_id, who, based_on, "renamed", {"name": name or None})

    def mark(self, theme_id: str, who: str, status: str | None = None, owner: str | None = None,
             known: bool | None = True, based_on: int | None = None) -> RegistryTheme:
        """Mark a theme known (or not), with a status and an owner. Only what is given changes: a status alone
        keeps the owner, an owner alone keeps the status (None: unchanged; an empty owner clears it). A theme
        marked known for the first time without a status is `new`."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; one of: {', '.join(STATUSES)}")
        changes: dict = {}
        if known is not None:
            changes["known"] = int(known)
        if status is not None:
            changes["status"] = status
        if owner is not None:
            changes["owner"] = check_length(owner.strip(), "the owner", MAX_NAME_CHARS) or None
        if not changes:
            raise ValueError("nothing to change: give a status, an owner, or mark the theme known or not known")

        def first_status(current: RegistryTheme) -> dict:
            return {"status": "new"} if known and current.status is None else {}

        return self._update(theme_id, who, based_on, "marked", changes, first_status)

    def merge(self, keep: str, other: str, who: str, based_on: tuple[int, int] | None = None) -> RegistryTheme:
        """Merge `other` into `keep`: keep takes other's centres as aliases (a run theme near either is `keep`),
        other becomes `merged` and its actions move to keep; keep is known if either was, and takes other's status
        and owner where it has none. based_on: the versions of (keep, other)."""
        who = _who(who)
        if keep == other:
            raise ValueError("a theme cannot be merged with itself")
        with self.write() as db:
            kept = self.checked(db, keep, based_on[0] if based_on else None)
            gone = self.checked(db, other, based_on[1] if based_on else None)
            for theme in (kept, gone):
                if theme.state != "active":
                    raise ValueError(f"theme {theme.theme_id} is {theme.state}; only active themes can be merged")
            aliases = kept.aliases + [gone.centroid] + gone.aliases
            stamp = now()
            db.execute("UPDATE registry_themes SET aliases_json = ?, known = MAX(known, ?), "
                       "status = COALESCE(status, ?), owner = COALESCE(owner, ?), updated_at = ? WHERE theme_id = ?",
                       (json.dumps(aliases), int(gone.known), gone.status, gone.owner, stamp, keep))
            db.execute("UPDATE registry_themes SET state = 'merged', merged_into = ?, updated_at = ? "
                       "WHERE theme_id = ?", (keep, stamp, other))
            db.execute("UPDATE actions SET theme_id = ? WHERE theme_id = ?", (keep, other))
            self.record(db, keep, who, "merged from", {"other": other})
            self.record(db, other, who, "merged into", {"keep": keep})
        return self.get(keep)

    def add_action(self, theme_id: str, kind: str, text: str, date: str, who: str,
                   draft_id: int | None = None) -> ActionRow | None:
        """A dated action on a theme; None when the draft already made one (accepting twice adds one action)."""
        if kind not in ACTION_KINDS:
            raise ValueError(f"unknown action kind {kind!r}; one of: {', '.join(ACTION_KINDS)}")
        who = _who(who)
        text = text.strip()
        if draft_id is not None and len(text) > MAX_NOTE_CHARS:  # the draft keeps the whole text
            text = text[:MAX_NOTE_CHARS - 1] + "…"
        check_length(text, "the action's text", MAX_NOTE_CHARS)
        if not text:
            raise ValueError("an action needs a text saying what was done")
        with self.write() as db:
            current = self.get(theme_id, db)
            if current.state == "merged":
                theme_id = current.merged_into
            if draft_id is not None and db.execute("SELECT 1 FROM actions WHERE draft_id = ?",
                                                   (draft_id,)).fetchone():
                return None
            cursor = db.execute("INSERT INTO actions (theme_id, kind, text, date, who, draft_id, created_at) "
                                "VALUES (?,?,?,?,?,?,?)", (theme_id, kind, text, date, who, draft_id, now()))
            self.record(db, theme_id, who, "action", {"kind": kind, "text": text, "date": date})
            action_id = int(cursor.lastrowid)
        return next(a for a in self.actions(theme_id) if a.action_id == action_id)


def _who(who: str) -> str:
    if not who or not who.strip():
        raise ValueError("a name (who made the change) is required")
    return check_length(who.strip(), "the name of who made the change", MAX_NAME_CHARS)

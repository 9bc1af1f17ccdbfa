"""A saved run meets the theme registry: its themes are matched to the registry's (`clustering.tracking.lineage`)
and linked, once per run; and an analyst's split of a registry theme into the run's themes linked to it.

Syncing is idempotent: a run already synced returns its links unchanged. A run theme that known themes gave their
cases to first (`known_id`) continues that registry theme; the others are matched to the remaining active themes
of the same embedding model, to their own centre and to the centres of themes merged into them (so a merge
survives the next run). A continued theme takes the run theme's centre and spread; a split-off or new run theme
becomes a new registry theme.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd

from assistant.workspace.registry import SELECT_THEMES, Link, Registry, RegistryTheme, link_row, theme_row
from assistant.workspace.runs import Workspace, load_run, saved_runs
from assistant.workspace.store import now
from clustering.known import spread_of
from clustering.theme_model import Theme, ThemeRun
from clustering.tracking import lineage, related_threshold, run_threshold, similarity_matrix

ALIAS = "#"  # an anchor key `K3#0` is the first centre merged into K3
LABEL_KEYWORDS = 3


def theme_label(theme: Theme) -> str:
    """A registry theme's label until it has a name: the run theme's top keywords."""
    return ", ".join(k.term for k in theme.keywords[:LABEL_KEYWORDS]) or theme.theme_id


def _registry_id(anchor: str) -> str:
    return anchor.split(ALIAS)[0]


def _unique(ids) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def _spreads(run: ThemeRun, assignments: pd.DataFrame) -> dict[str, str]:
    sims = assignments.groupby("theme_id")["similarity"].apply(lambda s: s.to_numpy())
    return {t.theme_id: json.dumps(spread_of(sims.get(t.theme_id, np.array([]))).to_dict()) for t in run.themes}


def _new_theme(db: sqlite3.Connection, run: ThemeRun, theme: Theme, spread_json: str, how: dict) -> str:
    seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM registry_themes").fetchone()[0]
    theme_id, stamp = f"K{seq}", now()
    db.execute("INSERT INTO registry_themes (seq, theme_id, label, embedding_model, centroid_json, spread_json, "
               "first_run, last_run, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
               (seq, theme_id, theme_label(theme), run.embedding_model, json.dumps(theme.centroid), spread_json,
                run.run_id, run.run_id, stamp, stamp))
    Registry.record(db, theme_id, "assistant", "created", {"run_id": run.run_id, "run_theme": theme.theme_id, **how})
    return theme_id


def _continue(db: sqlite3.Connection, run: ThemeRun, theme: Theme, spread_json: str, theme_id: str) -> None:
    db.execute("UPDATE registry_themes SET centroid_json = ?, spread_json = ?, label = ?, last_run = ? "
               "WHERE theme_id = ?",
               (json.dumps(theme.centroid), spread_json, theme_label(theme), run.run_id, theme_id))


def _insert_links(db: sqlite3.Connection, links: list[Link]) -> None:
    db.executemany("INSERT INTO registry_links (run_id, run_theme_id, theme_id, lineage, sources_json, similarity) "
                   "VALUES (?,?,?,?,?,?)", [(k.run_id, k.run_theme_id, k.theme_id, k.lineage, json.dumps(k.sources),
                                             k.similarity) for k in links])


def sync_run(registry: Registry, run: ThemeRun, assignments: pd.DataFrame,
             threshold: float | None = None) -> list[Link]:
    """Link a saved run's themes to the registry (once; a synced run returns its links). `threshold`: the centroid
    cosine from which a theme continues a kept one; None = the run's same-theme bar (`tracking` settings)."""
    if threshold is None:
        threshold = run_threshold(run.themes, run.settings.tracking)
    spreads = _spreads(run, assignments)
    with registry.write() as db:
        if db.execute("SELECT 1 FROM registry_runs WHERE run_id = ?", (run.run_id,)).fetchone():
            return [link_row(r) for r in db.execute("SELECT * FROM registry_links WHERE run_id = ? ORDER BY link_id",
                                                    (run.run_id,))]
        active = {t.theme_id: t for t in (theme_row(r) for r in db.execute(
            f"{SELECT_THEMES} WHERE t.state = 'active' AND t.embedding_model = ? ORDER BY t.seq",
            (run.embedding_model,)))}
        by_run = {t.theme_id: t for t in run.themes}
        links: list[Link] = []
        for theme in run.themes:
            if theme.known_id in active:
                sim = float(similarity_matrix([theme.centroid], [active[theme.known_id].centroid])[0, 0])
                links.append(Link(run.run_id, theme.theme_id, theme.known_id, "continues", (theme.known_id,),
                                  round(sim, 4)))
                _continue(db, run, theme, spreads[theme.theme_id], theme.known_id)
        pinned = {k.theme_id for k in links}
        anchors: dict[str, list[float]] = {}
        for t in active.values():
            if t.theme_id not in pinned:
                anchors[t.theme_id] = t.centroid
                anchors.update({f"{t.theme_id}{ALIAS}{i}": a for i, a in enumerate(t.aliases)})
        current = {t.theme_id: t.centroid for t in run.themes if t.theme_id not in {k.run_theme_id for k in links}}
        related = related_threshold(run.themes, run.settings.tracking)
        found = lineage(current, anchors, threshold, related)
        for item in found.themes:
            theme, spread = by_run[item.current], spreads[item.current]
            sources = _unique(_registry_id(s) for s in item.sources)
            if item.kept is not None:
                theme_id = _registry_id(item.kept)
                kind = "merged from" if len(sources) > 1 else "continues"
                if ALIAS not in item.kept:
                    _continue(db, run, theme, spread, theme_id)
            else:
                kind = item.kind
                theme_id = _new_theme(db, run, theme, spread, {"lineage": kind, "sources": list(sources)})
            links.append(Link(run.run_id, item.current, theme_id, kind, sources, item.similarity))
        seen = {k.theme_id for k in links} | {s for k in links if k.lineage == "merged from" for s in k.sources}
        links += [Link(run.run_id, None, g, "gone") for g in _unique(_registry_id(a) for a in found.gone)
                  if g not in seen]
        _insert_links(db, links)
        db.execute("INSERT INTO registry_runs (run_id, synced_at) VALUES (?, ?)", (run.run_id, now()))
    return links


def split_theme(registry: Registry, theme_id: str, run: ThemeRun, assignments: pd.DataFrame, who: str,
                based_on: int | None = None) -> list[RegistryTheme]:
    """Split a registry theme into the themes of a synced run that continue it, split from it, or are linked to a
    theme merged into it (two at least): each becomes a registry theme of its own and the split theme is kept as
    `split` with its history (so a merge made on a run can be split again on the same run)."""
    who = who.strip() if who else ""
    if not who:
        raise ValueError("a name (who made the change) is required")
    spreads = _spreads(run, assignments)
    with registry.write() as db:
        parent = registry.checked(db, theme_id, based_on)
        if parent.state != "active":
            raise ValueError(f"theme {theme_id} is {parent.state}; only an active theme can be split")
        rows = [link_row(r) for r in db.execute("SELECT * FROM registry_links WHERE run_id = ? AND run_theme_id IS "
                                                "NOT NULL ORDER BY link_id", (run.run_id,))]
        themes = {t.theme_id: t for t in (theme_row(r) for r in db.execute(SELECT_THEMES))}
        kept = {k.theme_id: registry.kept(k.theme_id, themes).theme_id for k in rows if k.theme_id in themes}
        parts = [k for k in rows
                 if kept.get(k.theme_id) == theme_id or (k.lineage == "split from" and k.sources[:1] == (theme_id,))]
        if len(parts) < 2:
            raise ValueError(f"run {run.run_id} has {len(parts)} theme(s) linked to {theme_id}; a split needs two or "
                             "more (splitting by re-clustering its members is not built yet)")
        by_run = {t.theme_id: t for t in run.themes}
        children = []
        for part in parts:
            child = part.theme_id
            if kept.get(child) == theme_id:
                child = _new_theme(db, run, by_run[part.run_theme_id], spreads[part.run_theme_id],
                                   {"lineage": "split from", "sources": [theme_id], "by": who})
                db.execute("UPDATE registry_links SET theme_id = ?, lineage = 'split from', sources_json = ? "
                           "WHERE run_id = ? AND run_theme_id = ?", (child, json.dumps([theme_id]), run.run_id,
                                                                     part.run_theme_id))
            children.append(child)
        db.execute("UPDATE registry_themes SET state = 'split', updated_at = ? WHERE theme_id = ?", (now(), theme_id))
        registry.record(db, theme_id, who, "split into", {"themes": children, "run_id": run.run_id})
    return [registry.get(c) for c in children]


def sync_saved_runs(workspace: Workspace, registry: Registry | None = None) -> Registry:
    """Sync every saved run the registry has not seen yet, oldest first (runs saved before the registry existed,
    or copied into the workspace); returns the registry."""
    registry = registry or Registry(workspace.store_path)
    for run_dir, run in saved_runs(workspace):
        if not registry.synced(run.run_id):
            sync_run(registry, *load_run(run_dir))
    return registry

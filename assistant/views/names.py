"""The name a theme is shown by, one rule for the web app, the CLI and the digest.

A run's theme: the analyst's name of its registry theme (merges followed), else its drafted label
(`assistant.views.drafts.theme_labels`: accepted, then edited, then newest); absent with neither (the caller shows
its keywords). A registry theme: the analyst's name, else the drafted label of the run theme it was last linked to,
else its stored label (the keywords of the run theme that made it: the registry syncs a run before its drafts
exist). The stored label is never overwritten by this: it is a display rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant.views.drafts import theme_labels
from assistant.workspace.registry import Registry
from assistant.workspace.runs import Workspace
from assistant.workspace.store import DraftRow, DraftStore


def drafted_labels(store_path: str | Path, run_id: str) -> dict[str, str]:
    """Each theme's (and parent's) drafted label in a run; empty when the workspace has no store."""
    if not Path(store_path).exists():
        return {}
    return theme_labels(DraftStore(store_path).list(run_id=run_id, kind="label"))


def theme_names(store_path: str | Path, run_id: str) -> dict[str, str]:
    """run theme id -> the name it is shown by: the analyst's registry name beats the drafted label."""
    labels = drafted_labels(store_path, run_id)
    if not Path(store_path).exists():
        return labels
    return labels | Registry(store_path).analyst_names(run_id)


def names_of_drafts(store_path: str | Path, rows: Iterable[DraftRow]) -> dict[tuple[str, str], str]:
    """(run id, theme id) -> name, for the themes some drafts (of any runs) are about."""
    out: dict[tuple[str, str], str] = {}
    for run_id in sorted({r.run_id for r in rows}):
        out |= {(run_id, theme): name for theme, name in theme_names(store_path, run_id).items()}
    return out


def registry_names(workspace: Workspace, registry: Registry) -> dict[str, str]:
    """registry id -> the name it is shown by: the analyst's, else the drafted label of the run theme it was last
    linked to, else its stored label (keywords). A merged theme is shown by the theme it was merged into."""
    themes = {t.theme_id: t for t in registry.themes(None)}
    drafted: dict[str, str] = {}
    for run_id in reversed(workspace.run_ids()):
        labels = drafted_labels(workspace.store_path, run_id)
        for link in registry.links(run_id):
            if link.run_theme_id in labels:
                drafted.setdefault(link.theme_id, labels[link.run_theme_id])
    out = {}
    for theme_id in themes:
        kept = registry.kept(theme_id, themes)
        out[theme_id] = kept.name or drafted.get(kept.theme_id) or kept.label
    return out

"""The theme registry in the digest: analysts' names on the run's themes, and "Did the fixes work?"."""

from __future__ import annotations

from assistant.digest.models import Digest, FixItem
from assistant.views.names import drafted_labels, registry_names
from assistant.workspace.registry_sync import sync_saved_runs
from assistant.workspace.runs import Workspace
from assistant.workspace.theme_status import theme_statuses
from clustering.settings import StatsSettings


def apply_registry(digest: Digest, workspace: Workspace, run_id: str | None,
                   stats: StatsSettings | None = None) -> None:
    """Name the digest's themes by the registry (the analyst's name beats the drafted label; a theme the digest does
    not detail still gets the run's label draft) and list the registry
    themes with an action and the verdict on it (by `stats`), measured on the digest's run where it holds the theme."""
    registry = sync_saved_runs(workspace)
    names = registry.names_for_run(run_id) if run_id else {}
    named = {t.theme_id for t in registry.themes(None) if t.name}
    drafted = drafted_labels(workspace.store_path, run_id) if run_id else {}
    for theme in digest.themes:
        theme.drafted_name = drafted.get(theme.theme_id)
        if theme.theme_id in names:
            theme.registry_id = names[theme.theme_id][0]
            theme.registry_name = names[theme.theme_id][1] if theme.registry_id in named else None
    shown = registry_names(workspace, registry)
    digest.fixes = [
        FixItem(theme_id=s.theme.theme_id, name=shown[s.theme.theme_id], status=s.theme.status, owner=s.theme.owner,
                action_date=s.last_action.date, action_kind=s.last_action.kind, action_text=s.last_action.text,
                verdict=s.effect.verdict if s.effect else None, effect=s.effect, denominator=s.denominator,
                run_id=s.run_id)
        for s in theme_statuses(workspace, registry, stats, prefer_run=run_id) if s.last_action is not None]

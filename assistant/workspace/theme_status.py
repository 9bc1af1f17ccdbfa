"""Each registry theme's state for people: its name, status, owner, last action and whether the action worked.

The effect of a theme's latest action is measured on the latest synced run that holds the theme: its weekly case
counts (summed over the run's themes linked to it) against the run's audited decisions per week (`metrics.json`;
for a file of misjudged cases only, its misjudged cases per week), with `clustering.effect`.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.workspace.registry import ActionRow, Registry, RegistryTheme
from assistant.workspace.registry_sync import sync_saved_runs
from assistant.workspace.runs import Workspace, load_metrics, saved_runs
from clustering.effect import Effect, WeekShare, action_effect
from clustering.settings import StatsSettings
from clustering.theme_model import ThemeRun


@dataclass
class ThemeStatus:
    theme: RegistryTheme
    actions: list[ActionRow]
    effect: Effect | None  # of the latest action; None without an action or a run holding the theme
    run_id: str | None  # the run the effect was measured on
    denominator: str  # "audited decisions" or "misjudged cases"

    @property
    def last_action(self) -> ActionRow | None:
        return self.actions[-1] if self.actions else None


def weekly_shares(run: ThemeRun, run_themes: set[str], metrics: dict) -> list[WeekShare]:
    """The weekly cases of some themes of a run and the run's decisions per week."""
    per_week = {r["group"]: r["rows"] for r in metrics.get("by", {}).get("week", [])}
    cases: dict[str, int] = {}
    for theme in run.themes:
        if theme.theme_id in run_themes:
            for w in theme.weekly:
                cases[w.week] = cases.get(w.week, 0) + w.count
    return [WeekShare(week, cases.get(week, 0), int(per_week[week])) for week in sorted(per_week)]


def _preference(run_dir, run: ThemeRun, prefer_run: str | None) -> tuple:
    """Sort key of the runs a theme's effect may be measured on: the best last."""
    weeks = sorted(r["group"] for r in load_metrics(run_dir).get("by", {}).get("week", []))
    return run.run_id == prefer_run, weeks[-1] if weeks else "", len(weeks), run.run_id


def theme_statuses(workspace: Workspace, registry: Registry | None = None, settings: StatsSettings | None = None,
                   prefer_run: str | None = None) -> list[ThemeStatus]:
    """Every active registry theme with its actions and the effect of its latest action (runs not synced yet are
    synced first), measured on `prefer_run` where that run holds the theme, else on the run holding it whose data
    reach the latest week, then cover the most weeks (a digest's one-week run of an earlier week, analysed later,
    does not hide the whole file's run), then the newest."""
    registry = sync_saved_runs(workspace, registry)
    runs = [(d, r) for d, r in saved_runs(workspace) if registry.synced(r.run_id)]
    latest: dict[str, tuple] = {}  # registry id -> (run dir, run, linked run themes) of the best run holding it
    for run_dir, run in sorted(runs, key=lambda item: _preference(item[0], item[1], prefer_run)):
        linked: dict[str, set[str]] = {}
        for run_theme, theme in registry.linked(run.run_id).items():  # a merged theme's run themes count for its kept
            linked.setdefault(theme.theme_id, set()).add(run_theme)
        latest.update({tid: (run_dir, run, ids) for tid, ids in linked.items()})
    out = []
    for theme in registry.themes():
        actions = registry.actions(theme.theme_id)
        effect, run_id, denominator = None, None, "audited decisions"
        if actions and theme.theme_id in latest:
            run_dir, run, ids = latest[theme.theme_id]
            weeks = weekly_shares(run, ids, load_metrics(run_dir))
            effect, run_id = action_effect(weeks, actions[-1].date, settings), run.run_id
            denominator = "audited decisions" if run.input.has_correct_rows else "misjudged cases"
        out.append(ThemeStatus(theme, actions, effect, run_id, denominator))
    return out

"""The theme registry in words and tables: a theme's status line and the verdict on its latest action."""

from __future__ import annotations

from assistant.views.drafts import short
from assistant.views.formatting import NOT_AVAILABLE, pct
from assistant.views.text import text_table
from assistant.workspace.registry import ActionRow, Registry, RegistryTheme
from assistant.workspace.theme_status import ThemeStatus
from clustering.effect import Effect
from clustering.printable import printable
from clustering.theme_model import ThemeRun

ACTION_WIDTH = 80  # a theme's last action in the status table


def effect_text(effect: Effect | None, denominator: str = "audited decisions") -> str:
    """`fixed: 10.0% -> 2.8% of audited decisions (-7.2 pp, 95% CI -9.5 to -5.0 pp; chi-square p=0.0001;
    3 weeks before, 2 after)`, or why there is no verdict."""
    if effect is None:
        return NOT_AVAILABLE
    if not effect.weeks_after or not effect.weeks_before:
        side = "after" if not effect.weeks_after else "before"
        return f"{effect.verdict}: no full week {side} the action of {effect.action_date} yet"
    interval = ("" if effect.ci_low is None else
                f", {effect.confidence * 100:g}% CI {effect.ci_low * 100:+.1f} to {effect.ci_high * 100:+.1f} pp")
    p_value = "" if effect.p_value is None else f"; {effect.test} p={effect.p_value:.4f}"
    return (f"{effect.verdict}: {pct(effect.share_before)} -> {pct(effect.share_after)} of {denominator} "
            f"({effect.cases_before:,}/{effect.audited_before:,} in {len(effect.weeks_before)} week(s) before, "
            f"{effect.cases_after:,}/{effect.audited_after:,} in {len(effect.weeks_after)} after; "
            f"{effect.change * 100:+.1f} pp{interval}{p_value})")


def status_table(statuses: list[ThemeStatus], names: dict[str, str] | None = None) -> str:
    """One row per registry theme: id, name (`assistant.views.names.registry_names`), known status, owner, last
    action (cut to ACTION_WIDTH characters: `themes history` shows it whole), verdict."""
    rows = []
    for s in statuses:
        t, action = s.theme, s.last_action
        name = (names or {}).get(t.theme_id, t.display_name)
        rows.append([t.theme_id, name, (t.status or "new") if t.known else "-", t.owner or "-",
                     short(f"{action.date} {action.kind}: {action.text}", ACTION_WIDTH) if action else "-",
                     effect_text(s.effect, s.denominator) if action else "-"])
    return text_table(["id", "name", "known: status", "owner", "last action", "did it work?"], rows)


def links_table(run: ThemeRun, registry: Registry) -> str:
    """A run's themes as registry themes: id, name (the analyst's beats the drafted label), lineage, and gone ones."""
    themes = {t.theme_id: t for t in registry.themes(None)}
    known = {t.theme_id for t in run.themes if t.known_id}
    rows = []
    for link in registry.links(run.run_id):
        name = themes[link.theme_id].display_name if link.theme_id in themes else "?"
        how = link.lineage + (f" {', '.join(link.sources)}" if link.lineage in ("split from", "merged from") else "")
        if link.run_theme_id in known:
            how += " (known: its cases assigned first)"
        rows.append([link.run_theme_id or "-", link.theme_id, name, how])
    return text_table(["theme", "registry", "name", "lineage"], rows)


def theme_line(theme: RegistryTheme, names: dict[str, str] | None = None) -> str:
    """`K3 'Wine: age gate' (known, investigating, owner Policy EU; active) version 12`, on one line."""
    known = f"known, {theme.status or 'new'}, owner {printable(theme.owner or '-')}" if theme.known else "not known"
    name = (names or {}).get(theme.theme_id, theme.display_name)
    return f"{theme.theme_id} '{printable(name)}' ({known}; {theme.state}) version {theme.version}"


def action_line(action: ActionRow) -> str:
    """`action 4 on K3: 2026-11-16 policy clarification: <text>`, on one line."""
    return f"action {action.action_id} on {action.theme_id}: {action.date} {action.kind}: {printable(action.text)}"


def history_table(history: list[dict]) -> str:
    """A theme's history rows (`Registry.history`): id, when, who, what, the details as JSON; one row a line."""
    rows = [[str(h["history_id"]), h["at"], h["actor"], h["action"], h["detail_json"]] for h in history]
    return text_table(["id", "at", "who", "action", "details"], rows, right={0})

"""The theme page's registry panel: the theme as the registry keeps it across runs (name, known status, owner,
actions and whether they worked), and the forms that change it: rename and mark, add an action, merge it into
another registry theme, split it into this run's themes linked to it (the rules of `themes merge|split`).

Every change is based on the version the page shows: a theme someone changed since is refused and the newer state
shown (`RegistryConflict`), never overwritten. `registry_view` computes what the panel shows (no Gradio).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import gradio as gr

from assistant.views.markdown import md as md_text
from assistant.views.names import drafted_labels, registry_names
from assistant.views.registry import effect_text
from assistant.webapp.components import markdown
from assistant.webapp.state import Explorer
from assistant.workspace.registry import ACTION_KINDS, STATUSES, ActionRow, Registry, RegistryConflict
from assistant.workspace.registry_sync import split_theme, sync_run
from assistant.workspace.runs import load_metrics, load_run
from assistant.workspace.theme_status import weekly_shares
from clustering.effect import action_effect

NOT_LINKED = "_This theme is not in the theme registry._"
NOT_SYNCED = "_The theme registry has not seen this run yet, and this workspace is read-only: nothing to show._"
PICK_FIRST = "**Pick a theme of the registry first.**"
NO_VERSION = ("❌ **Not {verb}: this page has not shown the state of the theme it would change.** A change is based on "
              "the version on screen, so that nobody's newer change is overwritten. Open the theme again and retry.")


@dataclass
class RegistryView:
    info: str
    theme_id: str | None = None
    version: int | None = None
    name: str = ""
    known: bool = False
    status: str = "new"
    owner: str = ""
    actions: list[ActionRow] = field(default_factory=list)
    targets: list[tuple[str, str]] = field(default_factory=list)  # (shown, registry id) a merge may go into
    versions: dict[str, int] = field(default_factory=dict)  # the version of each target shown


def registry_view(explorer: Explorer, run_id: str, run_theme_id: str) -> RegistryView:
    """The registry theme of a run's theme (the run is synced first if it never was; a merged theme is shown as the
    theme it was merged into), its actions' verdicts, and the themes it may be merged into."""
    registry = Registry(explorer.workspace.store_path)
    run_dir = explorer.workspace.run_dir(run_id)
    if not registry.synced(run_id):
        if explorer.read_only:
            return RegistryView(NOT_SYNCED)
        sync_run(registry, *load_run(run_dir))
    links = registry.links(run_id)
    link = next((k for k in links if k.run_theme_id == run_theme_id), None)
    if link is None:
        return RegistryView(NOT_LINKED)
    themes = {t.theme_id: t for t in registry.themes(None)}
    theme = registry.kept(link.theme_id, themes)
    shown = registry_names(explorer.workspace, registry)
    merged = f" (its theme {link.theme_id} was merged into it)" if theme.theme_id != link.theme_id else ""
    # the analyst's name, else this run theme's drafted label (the registry's stored label is keywords)
    drafted = None if merged else drafted_labels(explorer.workspace.store_path, run_id).get(run_theme_id)
    name = theme.name or drafted or shown[theme.theme_id]
    lines = [f"**Registry theme {theme.theme_id}: {md_text(name)}**"
             + (f" · known: {theme.status}, owner {md_text(theme.owner or '-')}" if theme.known else " · not known")
             + f" · in this run: {link.lineage}"
             + (f" {', '.join(link.sources)}" if link.lineage in ("split from", "merged from") else "") + merged
             + f" · version {theme.version}"]
    together = sorted(k.run_theme_id for k in links
                      if k.run_theme_id and registry.kept(k.theme_id, themes).theme_id == theme.theme_id)
    if len(together) > 1:
        lines.append(f"\nThis run's themes in it: {', '.join(together)}.\n")
    actions = registry.actions(theme.theme_id)
    if actions:
        run = explorer.open(run_id).run
        weeks = weekly_shares(run, set(together), load_metrics(run_dir))
        denominator = "audited decisions" if run.input.has_correct_rows else "misjudged cases"
        for action in actions:
            verdict = effect_text(action_effect(weeks, action.date, explorer.stats), denominator)
            lines.append(f"- {action.date} {action.kind} by {md_text(action.who)}: {md_text(action.text)}. "
                         f"**{md_text(verdict)}**")
    others = [t for t in themes.values() if t.state == "active" and t.theme_id != theme.theme_id
              and t.embedding_model == theme.embedding_model]
    return RegistryView("\n".join(lines), theme.theme_id, theme.version, theme.name or "", theme.known,
                        theme.status or "new", theme.owner or "", actions,
                        [(f"{t.theme_id} · {shown[t.theme_id]}", t.theme_id) for t in others],
                        {t.theme_id: t.version for t in others})


@dataclass
class RegistryPanel:
    info: gr.Markdown
    name: gr.Textbox
    known: gr.Checkbox
    status: gr.Dropdown
    owner: gr.Textbox
    who: gr.Textbox
    save: gr.Button
    action_kind: gr.Dropdown
    action_date: gr.Textbox
    action_text: gr.Textbox
    add_action: gr.Button
    merge_into: gr.Dropdown
    merge: gr.Button
    split: gr.Button
    message: gr.Markdown
    theme_id: gr.State
    version: gr.State
    versions: gr.State  # the version of each theme the merge picker offers, as shown

    @property
    def outputs(self) -> list:
        return [self.info, self.name, self.known, self.status, self.owner, self.merge_into, self.theme_id,
                self.version, self.versions]


def build() -> RegistryPanel:
    with gr.Accordion("Theme registry: name, known status, owner, actions, merge and split", open=True,
                      elem_id="registry-panel"):
        info = markdown(elem_id="registry-info")
        with gr.Row():
            name = gr.Textbox(label="Your name for the theme", placeholder="shown in place of the drafted label",
                              scale=3, elem_id="registry-name")
            known = gr.Checkbox(label="Known", scale=1, elem_id="registry-known")
            status = gr.Dropdown(list(STATUSES), value="new", label="Status", scale=2, elem_id="registry-status")
            owner = gr.Textbox(label="Owner", scale=2, elem_id="registry-owner")
        with gr.Row():
            who = gr.Textbox(label="You (recorded in the history)", scale=2, elem_id="registry-who")
            save = gr.Button("Save name and status", scale=1, elem_id="registry-save")
        with gr.Row():
            action_kind = gr.Dropdown(list(ACTION_KINDS), value=ACTION_KINDS[0], label="Action", scale=2)
            action_date = gr.Textbox(label="Date", placeholder="YYYY-MM-DD (empty: today)", scale=1,
                                     elem_id="registry-action-date")
            action_text = gr.Textbox(label="What was done", scale=3, elem_id="registry-action-text")
            add_action = gr.Button("Add action", scale=1, elem_id="registry-add-action")
        with gr.Row(equal_height=False):
            merge_into = gr.Dropdown([], value=None, label="Merge this theme into", scale=4,
                                     info="it takes that theme's id, name and status; later runs give both its id",
                                     elem_id="registry-merge-into")
            with gr.Column(scale=2, min_width=200):
                merge = gr.Button("Merge", elem_id="registry-merge")
                split = gr.Button("Split into this run's themes in it", elem_id="registry-split")
        message = markdown(elem_id="registry-message")
    return RegistryPanel(info, name, known, status, owner, who, save, action_kind, action_date, action_text,
                         add_action, merge_into, merge, split, message, gr.State(None), gr.State(None), gr.State({}))


def values(panel: RegistryPanel, view: RegistryView | None) -> dict:
    view = view or RegistryView("")
    return {panel.info: view.info, panel.name: view.name, panel.known: view.known, panel.status: view.status,
            panel.owner: view.owner, panel.merge_into: gr.update(choices=view.targets, value=None),
            panel.theme_id: view.theme_id, panel.version: view.version, panel.versions: view.versions}


def save(explorer: Explorer, theme_id, version, name, known, status, owner, who) -> str:
    """Rename and mark, based on the version shown; the message to show (a conflict names the newer state)."""
    if not theme_id:
        return PICK_FIRST
    if version in (None, ""):
        return NO_VERSION.format(verb="saved")
    registry = Registry(explorer.workspace.store_path)
    try:
        current = registry.get(theme_id)
        based_on = int(version)
        if (name or "").strip() != (current.name or ""):
            based_on = registry.rename(theme_id, name or "", who, based_on=based_on).version
        marks = (bool(known), status or "new", (owner or "").strip())
        if marks != (current.known, current.status or "new", current.owner or ""):
            registry.mark(theme_id, who, status or "new", owner, bool(known), based_on=based_on)
    except RegistryConflict as exc:
        return conflict_text("saved", exc)
    except (ValueError, KeyError) as exc:
        return f"❌ **Not saved:** {md_text(str(exc))}"
    return f"✅ Theme {theme_id} saved by {md_text(who.strip())}."


def add(explorer: Explorer, theme_id, kind, day, text, who) -> str:
    if not theme_id:
        return PICK_FIRST
    try:
        day = date.fromisoformat((day or "").strip()).isoformat() if (day or "").strip() else date.today().isoformat()
        if not (text or "").strip():
            raise ValueError("say what was done")
        action = Registry(explorer.workspace.store_path).add_action(theme_id, kind, text, day, who)
    except (ValueError, KeyError) as exc:
        return f"❌ **Not added:** {md_text(str(exc))}"
    return f"✅ Action {action.action_id} added to {action.theme_id}: {action.date} {action.kind}."


def merge(explorer: Explorer, theme_id, version, target, versions, who) -> str:
    """Merge the page's theme into `target` (`Registry.merge(target, theme_id)`), based on the versions shown of
    both; the message to show."""
    if not theme_id:
        return PICK_FIRST
    if not target:
        return "**Pick the theme to merge this one into.**"
    shown = (versions or {}).get(target)
    if version in (None, "") or shown is None:  # the page offered no such target, or showed neither theme
        return NO_VERSION.format(verb="merged")
    registry = Registry(explorer.workspace.store_path)
    try:
        based_on = (int(shown), int(version))
        kept = registry.merge(target, theme_id, who, based_on)
    except RegistryConflict as exc:
        return conflict_text("merged", exc)
    except (ValueError, KeyError) as exc:
        return f"❌ **Not merged:** {md_text(str(exc))}"
    return (f"✅ Theme {theme_id} merged into {kept.theme_id} by {md_text(who.strip())}: this run's themes of both "
            f"are now {kept.theme_id}, and so are the themes of later runs close to either.")


def split(explorer: Explorer, run_id, theme_id, version, who) -> str:
    """Split the page's theme into the themes of the page's run linked to it (`themes split --run RUN`)."""
    if not theme_id or not run_id:
        return PICK_FIRST
    if version in (None, ""):
        return NO_VERSION.format(verb="split")
    try:
        data = explorer.open(run_id)
        children = split_theme(Registry(explorer.workspace.store_path), theme_id, data.run, data.cases, who,
                               int(version))
    except RegistryConflict as exc:
        return conflict_text("split", exc)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        return f"❌ **Not split:** {md_text(str(exc))}"
    return (f"✅ Theme {theme_id} split by {md_text(who.strip())} into "
            f"{', '.join(c.theme_id for c in children)}; {theme_id} is kept with its history.")


def conflict_text(verb: str, exc: RegistryConflict) -> str:
    return (f"❌ **Not {verb}: someone changed theme {exc.current.theme_id} since you opened this page.** "
            f"{md_text(str(exc))} The panel now shows the newer state; check it and try again.")


def wire(panel: RegistryPanel, explorer: Explorer, run_state: gr.State, pick: gr.Radio) -> list:
    """The panel's events; returns them (the app then refreshes every place that names the theme)."""
    def refreshed(run_id, run_theme_id, message):
        view = registry_view(explorer, run_id, run_theme_id) if run_id and run_theme_id else None
        return {panel.message: message, **values(panel, view)}

    def on_save(run_id, run_theme_id, theme_id, version, name, known, status, owner, who):
        return refreshed(run_id, run_theme_id, save(explorer, theme_id, version, name, known, status, owner, who))

    def on_add(run_id, run_theme_id, theme_id, kind, day, text, who):
        return refreshed(run_id, run_theme_id, add(explorer, theme_id, kind, day, text, who))

    def on_merge(run_id, run_theme_id, theme_id, version, target, versions, who):
        return refreshed(run_id, run_theme_id, merge(explorer, theme_id, version, target, versions, who))

    def on_split(run_id, run_theme_id, theme_id, version, who):
        return refreshed(run_id, run_theme_id, split(explorer, run_id, theme_id, version, who))

    outputs = [panel.message, *panel.outputs]
    return [
        panel.save.click(on_save, [run_state, pick, panel.theme_id, panel.version, panel.name, panel.known,
                                   panel.status, panel.owner, panel.who], outputs, api_name="registry_save"),
        panel.add_action.click(on_add, [run_state, pick, panel.theme_id, panel.action_kind, panel.action_date,
                                        panel.action_text, panel.who], outputs, api_name="registry_add_action"),
        panel.merge.click(on_merge, [run_state, pick, panel.theme_id, panel.version, panel.merge_into,
                                     panel.versions, panel.who], outputs, api_name="registry_merge"),
        panel.split.click(on_split, [run_state, pick, panel.theme_id, panel.version, panel.who], outputs,
                          api_name="registry_split")]

"""The Review tab: the queue of drafts under filters, one draft in full, and edit / accept / reject / fresh draft.

Every action is written to the workspace's draft store at once, so it survives a reload or a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.config import LLMSettings
from assistant.drafting.models import KINDS
from assistant.views.drafts import draft_body_md, draft_json
from assistant.views.markdown import md
from assistant.views.names import names_of_drafts
from assistant.webapp.components import data_table, markdown
from assistant.webapp.drafters import backend_choices, fresh_draft
from assistant.webapp.review_display import (
    ALL,
    KIND_TITLES,
    cited_cases_frame,
    cited_cases_md,
    draft_choices,
    draft_header_md,
    draft_policy,
    history_md,
    kind_title,
    parse_content,
    queue_frame,
    sort_queue,
    theme_title,
)
from assistant.webapp.state import Explorer
from assistant.workspace.review import accept_draft
from assistant.workspace.store import STATUSES, DraftConflict, DraftRow

QUEUE_WIDTHS = ["4%", "5%", "18%", "12%", "6%", "7%", "10%", "8%", "5%", "25%"]
VERBS = {"edit": "saved as edited", "accept": "accepted", "reject": "rejected"}
NO_VERSION = ("❌ **Not saved: this page has not shown the draft it would change.** A change is based on the version "
              "of the draft on screen, so that nobody's newer edit is overwritten. Pick the draft (or reload the page) "
              "and try again.")


@dataclass
class ReviewTab:
    status: gr.Dropdown
    kind: gr.Dropdown
    policy: gr.Dropdown
    theme: gr.Dropdown
    all_runs: gr.Checkbox
    queue: gr.Dataframe
    pick: gr.Dropdown
    header: gr.Markdown
    view: gr.Markdown
    text: gr.Textbox
    reviewer: gr.Textbox
    comment: gr.Textbox
    save_btn: gr.Button
    accept_btn: gr.Button
    reject_btn: gr.Button
    backend: gr.Radio
    fresh_btn: gr.Button
    message: gr.Markdown
    cited: gr.Markdown
    history: gr.Markdown
    version: gr.State  # the version of the draft the page shows: every change is based on it

    @property
    def filters(self) -> list:
        """The queue's filters, in the order of `review_rows` after the run."""
        return [self.all_runs, self.status, self.kind, self.policy, self.theme]

    @property
    def queue_outputs(self) -> list:
        return [self.queue, self.policy, self.theme, self.pick]

    @property
    def draft_outputs(self) -> list:
        return [self.header, self.view, self.text, self.cited, self.history, self.version]


def build(llm: LLMSettings) -> ReviewTab:
    with gr.Tab("Review", id="review"):
        with gr.Row():
            status = gr.Dropdown([ALL, *STATUSES], value=ALL, label="Status", interactive=True, elem_id="f-status")
            kind = gr.Dropdown([(ALL, ALL), *((KIND_TITLES[k], k) for k in KINDS)], value=ALL, label="Kind",
                               interactive=True, elem_id="f-kind")
            policy = gr.Dropdown([ALL], value=ALL, label="Policy", interactive=True, elem_id="f-policy")
            theme = gr.Dropdown([ALL], value=ALL, label="Theme", interactive=True, elem_id="f-theme")
            all_runs = gr.Checkbox(label="All runs", value=False)
        queue = data_table(interactive=False, wrap=True, max_height=320, elem_id="queue-table",
                             column_widths=QUEUE_WIDTHS)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                pick = gr.Dropdown(label="Draft", choices=[], interactive=True, elem_id="draft-pick")
                header = markdown(elem_id="draft-header")
                view = markdown(elem_id="draft-view")
                text = gr.Textbox(label="Edit the draft (JSON; validated when saved)", lines=14, max_lines=40,
                                  elem_id="draft-json")
                with gr.Row():
                    reviewer = gr.Textbox(label="Your name (required)", elem_id="reviewer")
                    comment = gr.Textbox(label="Comment (kept in the history)", elem_id="comment")
                with gr.Row():
                    save_btn = gr.Button("Save edit", elem_id="save-btn")
                    accept_btn = gr.Button("Accept", variant="primary", elem_id="accept-btn")
                    reject_btn = gr.Button("Reject", variant="stop", elem_id="reject-btn")
                with gr.Row():
                    note, choices = backend_choices(llm)
                    backend = gr.Radio(choices, value=choices[0], label="Drafter", info=note, scale=3)
                    fresh_btn = gr.Button("Fresh draft", elem_id="fresh-btn", scale=1)
                message = markdown(elem_id="review-message")
            with gr.Column(scale=2):
                markdown("#### Cases the draft cites")
                cited = markdown(elem_id="cited-cases", max_height=640)
                markdown("#### History")
                history = markdown(elem_id="draft-history")
    return ReviewTab(status, kind, policy, theme, all_runs, queue, pick, header, view, text, reviewer, comment,
                     save_btn, accept_btn, reject_btn, backend, fresh_btn, message, cited, history, gr.State())


def review_rows(explorer: Explorer, run_id: str | None, all_runs: bool, status: str, kind: str, policy: str,
                theme: str) -> list[DraftRow]:
    """The drafts of the review queue under its filters."""
    pick = lambda v: None if v in (None, "", ALL) else v  # noqa: E731
    if run_id is None and not all_runs:
        return []
    rows = explorer.store.list(run_id=None if all_runs else run_id, theme_id=pick(theme), kind=pick(kind),
                               status=pick(status), policy=pick(policy))
    return sort_queue(rows)


def queue_values(tab: ReviewTab, explorer: Explorer, run_id, all_runs, status, kind, policy, theme,
                 selected: int | None = None, keep: bool = False) -> dict:
    """Queue, filter choices and the selected draft (kept when still in the queue, else the first).

    keep: the draft just acted on stays selected even when the filters no longer show it.
    """
    rows = review_rows(explorer, run_id, all_runs, status, kind, policy, theme)
    scope = explorer.store.list(run_id=None if all_runs else run_id) if (run_id or all_runs) else []
    policies = sorted({p for p in (draft_policy(r) for r in scope) if p})
    names = names_of_drafts(explorer.workspace.store_path, scope)
    titles: dict[str, str] = {}  # theme id -> its name, in the open run first
    for (run, theme_id), name in names.items():
        if run == run_id or theme_id not in titles:
            titles[theme_id] = name
    themes = sorted({r.theme_id for r in scope})
    ids = [r.draft_id for r in rows]
    choices = draft_choices(rows, names)
    if keep and selected is not None and selected not in ids:
        label, value = draft_choices([explorer.store.get(selected)], names)[0]
        choices.append((f"{label} (outside the filters)", value))
        pick = selected
    else:
        pick = selected if selected in ids else (ids[0] if ids else None)
    return {tab.queue: queue_frame(rows, with_run=bool(all_runs), names=names),
            tab.policy: gr.update(choices=[ALL, *policies], value=policy if policy in policies else ALL),
            tab.theme: gr.update(choices=[ALL, *((theme_title(t, titles.get(t)), t) for t in themes)],
                                 value=theme if theme in themes else ALL),
            tab.pick: gr.update(choices=choices, value=pick)}


def draft_values(tab: ReviewTab, explorer: Explorer, draft_id) -> dict:
    """One draft in full: header, body, its JSON to edit, the cases it cites and its history."""
    blank = {tab.view: "", tab.text: "", tab.cited: "", tab.history: "", tab.version: None}
    if draft_id in (None, ""):
        return {tab.header: "_No draft selected: the queue is empty under these filters._", **blank}
    try:
        row = explorer.store.get(int(draft_id))
    except KeyError as exc:
        return {tab.header: f"**{md(exc)}**", **blank}
    try:
        cases = explorer.open(row.run_id).cases
    except FileNotFoundError:
        cases = None
    name = explorer.labels(row.run_id).get(row.theme_id) if row.run_id in explorer.run_ids() else None
    return {tab.header: draft_header_md(row, name), tab.view: draft_body_md(row), tab.text: draft_json(row),
            tab.cited: cited_cases_md(cited_cases_frame(row, cases)),
            tab.history: history_md(explorer.store.history(row.draft_id)), tab.version: row.version}


def wire(tab: ReviewTab, explorer: Explorer, llm: LLMSettings, run_state: gr.State):
    """The tab's own events; returns `refresh(event)`, which chains the queue and the draft after an event."""
    inputs = [run_state, *tab.filters]

    def show_queue(*filters):
        return queue_values(tab, explorer, *filters)

    def show_draft(draft_id):
        return draft_values(tab, explorer, draft_id)

    def refresh(event):
        return event.then(show_queue, inputs, tab.queue_outputs).then(show_draft, [tab.pick], tab.draft_outputs)

    def act(action, draft_id, text, name, note, version, *filters):
        """Save edit / accept / reject, based on the version the page shows: a draft someone changed since is
        refused (the newer one is shown), never overwritten. Every change is stored at once."""
        if draft_id in (None, ""):
            return {tab.message: "**Pick a draft first.**"}
        if version in (None, ""):  # a session that never showed the draft: nothing to base a change on
            return {tab.message: NO_VERSION}
        draft_id, name = int(draft_id), (name or "").strip()
        try:
            row = explorer.store.get(draft_id)
            based_on = int(version)
            if action in ("edit", "accept") and (text or "").strip():
                content = parse_content(text)
                if action == "edit" or content != (row.content.model_dump() if row.content else None):
                    row = explorer.store.edit(draft_id, content, name, note or None, based_on=based_on)
                    based_on = row.version
            if action == "accept":
                row = accept_draft(explorer.store, draft_id, name, note or None, based_on=based_on)
            elif action == "reject":
                row = explorer.store.reject(draft_id, name, note or None, based_on=based_on)
        except DraftConflict as exc:
            return {tab.message: f"❌ **Not saved: someone changed this draft since you opened it.** {md(exc)} "
                                 "The page now shows the newer version; review it and try again.",
                    **draft_values(tab, explorer, draft_id)}
        except (ValueError, KeyError) as exc:
            return {tab.message: f"❌ **Not saved:** {md(exc)}"}
        message = f"✅ Draft #{row.draft_id} {VERBS[action]} by {md(row.reviewer)}; stored in the workspace."
        return {tab.message: message, **draft_values(tab, explorer, row.draft_id),
                **queue_values(tab, explorer, *filters, selected=row.draft_id, keep=True)}

    def fresh(draft_id, backend_choice, run_id, all_runs, status, kind, policy, theme,
              progress=gr.Progress()):  # noqa: B008
        filters = (run_id, all_runs, status, kind, policy, theme)
        if draft_id in (None, ""):
            return {tab.message: "**Pick a draft first: a fresh draft is of the same theme and kind.**"}
        if explorer.read_only:
            return {tab.message: "❌ **No fresh draft: this workspace is read-only** (a draft could not be saved)."}
        row = explorer.store.get(int(draft_id))
        progress(0.1, desc=f"Drafting a fresh {kind_title(row.kind)} of {row.theme_id}")
        try:
            outcome = fresh_draft(explorer, row, backend_choice, llm)
        except (ValueError, KeyError, FileNotFoundError) as exc:
            return {tab.message: f"❌ **No fresh draft:** {md(exc)}"}
        if outcome.outcome == "failed":
            message = f"⚠️ Draft #{outcome.draft_id} failed: {md(outcome.error)} (stored with status failed)"
        else:
            message = f"✅ Fresh draft #{outcome.draft_id} of {row.theme_id} ({row.kind}) created."
        return {tab.message: message, **queue_values(tab, explorer, *filters, selected=outcome.draft_id, keep=True)}

    for control in tab.filters:
        control.input(show_queue, inputs, tab.queue_outputs, api_name="review_queue" if control is tab.status else None
                      ).then(show_draft, [tab.pick], tab.draft_outputs)
    tab.queue.select(pick_queue_row, None, [tab.pick]).then(show_draft, [tab.pick], tab.draft_outputs)
    tab.pick.input(show_draft, [tab.pick], tab.draft_outputs, api_name="review_show_draft")
    for button, action in ((tab.save_btn, "edit"), (tab.accept_btn, "accept"), (tab.reject_btn, "reject")):
        button.click(lambda *a, _action=action: act(_action, *a),
                     [tab.pick, tab.text, tab.reviewer, tab.comment, tab.version, *inputs],
                     [tab.message, *tab.draft_outputs, *tab.queue_outputs], api_name=f"review_{action}")
    tab.fresh_btn.click(fresh, [tab.pick, tab.backend, *inputs], [tab.message, *tab.queue_outputs],
                        concurrency_limit=1).then(show_draft, [tab.pick], tab.draft_outputs)
    return refresh


def pick_queue_row(evt: gr.SelectData):
    """A click on the queue picks that draft."""
    row = evt.row_value if getattr(evt, "row_value", None) else None
    return gr.update(value=int(row[0])) if row else gr.skip()

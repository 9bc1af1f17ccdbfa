"""The Gradio app: the four tabs composed over one workspace, and the events that cross tabs.

Opening a run fills the Run tab, the Themes tab and the theme list; then the theme page, the review queue and
the draft follow, in that order (`refresh`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.config import Settings, load_settings
from assistant.views.markdown import code, md
from assistant.webapp import review_tab, run_tab, theme_page, themes_tab
from assistant.webapp.groups import UNTHEMED
from assistant.webapp.review_display import ALL
from assistant.webapp.state import Explorer
from assistant.workspace.runs import DEFAULT_WORKSPACE

CSS = """
.gradio-container { max-width: 1500px !important; }
#theme-header h3, #draft-header h3 { margin-top: 0; }
#load-status p { font-size: 1.05em; }
.theme-list { max-height: 78vh; overflow-y: auto; }
.theme-list label { width: 100%; font-size: 0.92em; }
#review-message p, #run-message p { font-weight: 600; }
"""
OPEN_ERRORS = (FileNotFoundError, ValueError, KeyError, OSError)


def gradio_theme() -> gr.themes.Base:
    """A theme with system fonts only: the page loads nothing from the internet."""
    return gr.themes.Soft(primary_hue="blue", font=["ui-sans-serif", "system-ui", "sans-serif"],
                          font_mono=["ui-monospace", "Consolas", "monospace"])


@dataclass
class Page:
    """The app's components: what every tab shares, and each tab's own."""

    tabs: gr.Tabs
    run_state: gr.State
    reviewer_memory: gr.BrowserState
    run: run_tab.RunTab
    themes: themes_tab.ThemesTab
    theme: theme_page.ThemePage
    review: review_tab.ReviewTab

    @property
    def run_outputs(self) -> list:
        """What opening a run changes."""
        return [self.run_state, self.run.picker, self.run.info, *vars(self.themes).values(), self.theme.pick]


def run_values(page: Page, explorer: Explorer, run_id: str | None, theme_id: str | None = None) -> dict:
    """Every component showing the open run, for `run_id` (or the empty workspace); `theme_id` picked if given."""
    data = explorer.open(run_id) if run_id is not None else None
    labels = explorer.labels(run_id) if run_id is not None else {}
    return {page.run_state: run_id, **run_tab.run_values(page.run, explorer, data),
            **themes_tab.run_values(page.themes, data, labels),
            **theme_page.run_values(page.theme, data, labels, theme_id)}


def build_app(workspace: str | Path = DEFAULT_WORKSPACE, settings: Settings | None = None) -> gr.Blocks:
    """The Gradio app over one workspace (tabs Run, Themes, Theme, Review); settings default to load_settings()."""
    settings = settings or load_settings()
    explorer = Explorer(workspace, settings.ui, settings.stats)
    with gr.Blocks(title="error-themes", analytics_enabled=False) as app:
        read_only = " · **read-only**: browsing only, changes are refused" if explorer.read_only else ""
        gr.Markdown(f"## error-themes · workspace {code(explorer.workspace.root)}{read_only}", latex_delimiters=[])
        page = build_page(settings)
        wire(app, page, explorer, settings)
    return app


def build_page(settings: Settings) -> Page:
    """Every component, inside the Blocks being built."""
    run_state = gr.State(None)
    reviewer_memory = gr.BrowserState("", storage_key="error-themes-reviewer")
    with gr.Tabs(selected="themes") as tabs:
        return Page(tabs, run_state, reviewer_memory, run_tab.build(settings.ui.max_file_size, settings.load.lenient),
                    themes_tab.build(), theme_page.build(), review_tab.build(settings.llm))


def wire(app: gr.Blocks, page: Page, explorer: Explorer, settings: Settings) -> None:
    """Each tab's own events, and those that cross tabs."""
    run_outputs = page.run_outputs
    themes_tab.wire(page.themes, explorer, page.run_state)
    registry_changes = theme_page.wire(page.theme, explorer, page.run_state, settings.ui.concurrency)
    refresh_review = review_tab.wire(page.review, explorer, settings.llm, page.run_state)
    run_event = run_tab.wire(page.run, explorer, settings, lambda run_id: run_values(page, explorer, run_id),
                             run_outputs)

    def show_theme(run_id, theme_id):
        return theme_page.show(page.theme, explorer, run_id, theme_id)

    def refresh(event):
        """After a run is opened: its first theme's page, then the review queue and its first draft."""
        return refresh_review(event.then(show_theme, [page.run_state, page.theme.pick], page.theme.outputs))

    def on_load(remembered_name, request: gr.Request):
        """The run of the address (`?run=ID&theme=T03`) or the newest, opened as saved; the reviewer name
        this browser remembers."""
        params = dict(request.query_params) if request is not None else {}
        wanted = params.get("run") or explorer.latest()
        theme = params.get("theme")
        out = {page.review.reviewer: remembered_name or ""}
        try:
            opened = wanted is not None and theme is not None and theme in explorer.open(wanted).members
            out.update(run_values(page, explorer, wanted, theme if opened else None))
            if opened:
                out[page.tabs] = gr.Tabs(selected="theme")
        except OPEN_ERRORS as exc:
            out.update(run_values(page, explorer, None))
            out[page.run.info] = f"**Cannot open run {md(wanted)}:** {md(exc)}. Pick another run."
        return out

    def open_run(run_id):
        try:
            return run_values(page, explorer, run_id)
        except OPEN_ERRORS as exc:
            return {page.run.info: f"**Cannot open run {md(run_id)}:** {md(exc)}"}

    def open_theme_row(run_id, frame, evt: gr.SelectData):
        """A click on the ranked table opens that theme's page (one round trip)."""
        theme_id = themes_tab.clicked_theme(frame, evt)
        if not theme_id:
            return gr.skip()
        return {page.theme.pick: gr.update(value=theme_id), page.tabs: gr.Tabs(selected="theme"),
                **show_theme(run_id, theme_id)}

    def review_theme(run_id, theme_id):
        if not theme_id or theme_id == UNTHEMED:
            return gr.skip()
        return {page.review.theme: gr.update(choices=[ALL, theme_id], value=theme_id),
                page.tabs: gr.Tabs(selected="review")}

    refresh(app.load(on_load, [page.reviewer_memory], [*run_outputs, page.review.reviewer, page.tabs]))
    page.review.reviewer.change(lambda name: name, [page.review.reviewer], [page.reviewer_memory])
    refresh(page.run.picker.input(open_run, [page.run.picker], run_outputs))
    refresh(run_event)
    page.themes.table.select(open_theme_row, [page.run_state, page.themes.table],
                             [page.theme.pick, page.tabs, *page.theme.outputs],
                             concurrency_limit=settings.ui.concurrency)
    names_outputs = [page.themes.table, page.themes.tree, page.themes.family_pick, page.themes.family,
                     page.theme.pick, *page.theme.outputs]

    def renamed(run_id, theme_id):
        """After a change in the registry panel: the places that name the run's themes, and the theme's page."""
        if not run_id:
            return gr.skip()
        data, labels = explorer.open(run_id), explorer.labels(run_id)
        return {**themes_tab.names_values(page.themes, data, labels),
                **theme_page.run_values(page.theme, data, labels, theme_id), **show_theme(run_id, theme_id)}

    for change in registry_changes:
        refresh_review(change.then(renamed, [page.run_state, page.theme.pick], names_outputs))
    refresh_review(page.theme.to_review_btn.click(review_theme, [page.run_state, page.theme.pick],
                                                  [page.review.theme, page.tabs]))

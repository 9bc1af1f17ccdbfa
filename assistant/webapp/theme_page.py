"""The Theme tab: one theme's page (header, keywords, trend, facets, representatives, its cases, its drafts).

`theme_view` computes what the page shows (no Gradio); the handlers only place it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd
import plotly.graph_objects as go

from assistant.views.markdown import md
from assistant.webapp import registry_panel
from assistant.webapp.charts import trend_figure
from assistant.webapp.components import data_table, markdown
from assistant.webapp.display import (
    cases_count_md,
    cases_display,
    export_csv,
    facets_frame,
    inconsistent_md,
    keywords_md,
    representatives_frame,
    search_cases,
    theme_choices,
    theme_header_md,
    unthemed_header_md,
)
from assistant.webapp.groups import UNTHEMED
from assistant.webapp.review_display import theme_drafts_md
from assistant.webapp.state import Explorer, RunData

THEME_FACET_WIDTHS = ["22%", "30%", "12%", "12%", "12%", "12%"]
REPS_WIDTHS = ["9%", "5.5%", "13%", "7%", "7%", "32%", "26.5%"]
CASES_WIDTHS = ["9%", "5.5%", "13%", "7%", "7%", "8.5%", "6.5%", "24%", "19.5%"]
NO_THEME = "_Open a run, then pick a theme._"


@dataclass
class CasesView:
    """The theme's cases under a search: the rows shown, how many, and the CSV of all that match."""

    shown: pd.DataFrame
    count: str
    csv: Path | None


@dataclass
class ThemeView:
    header: str
    keywords: str
    facets: pd.DataFrame
    trend: go.Figure | None
    representatives: pd.DataFrame
    inconsistent: str
    cases: pd.DataFrame
    count: str
    csv: Path | None
    drafts: str
    registry: registry_panel.RegistryView | None = None

    @classmethod
    def of(cls, header: str, cases: CasesView, keywords: str = "", facets: pd.DataFrame | None = None,
           trend: go.Figure | None = None, representatives: pd.DataFrame | None = None, inconsistent: str = "",
           drafts: str = "", registry: registry_panel.RegistryView | None = None) -> ThemeView:
        return cls(header, keywords, pd.DataFrame() if facets is None else facets, trend,
                   pd.DataFrame() if representatives is None else representatives, inconsistent, cases.shown,
                   cases.count, cases.csv, drafts, registry)


def cases_view(explorer: Explorer, run_id: str, theme_id: str, query: str | None = None) -> CasesView:
    members = explorer.open(run_id).theme_cases(theme_id)
    matching = search_cases(members, query)
    shown = cases_display(matching, explorer.ui.max_case_rows)
    csv = export_csv(matching, run_id, theme_id, query) if len(matching) else None
    return CasesView(shown, cases_count_md(len(members), len(matching), len(shown), query), csv)


def theme_view(explorer: Explorer, run_id: str, theme_id: str, query: str | None = None) -> ThemeView:
    """Everything the theme page shows for one theme (or the unthemed cases) of a run."""
    data = explorer.open(run_id)
    if theme_id == UNTHEMED:
        header = unthemed_header_md(len(data.theme_cases(UNTHEMED)))
        return ThemeView.of(header, cases_view(explorer, run_id, theme_id, query))
    theme = data.themes.get(theme_id)
    if theme is None:
        raise KeyError(f"run {run_id} has no theme {theme_id}")
    rows = explorer.store.list(run_id=run_id, theme_id=theme_id)
    registry = registry_panel.registry_view(explorer, run_id, theme_id)
    label = explorer.labels(run_id).get(theme_id)  # the analyst's registry name, else the drafted label
    trend = trend_figure(theme, [(a.date, a.kind) for a in registry.actions])
    return ThemeView.of(theme_header_md(theme, label), cases_view(explorer, run_id, theme_id, query),
                        keywords_md(theme), facets_frame(theme), trend, representatives_frame(theme),
                        inconsistent_md(theme), theme_drafts_md(rows), registry)


@dataclass
class ThemePage:
    pick: gr.Radio
    to_review_btn: gr.Button
    header: gr.Markdown
    keywords: gr.Markdown
    trend: gr.Plot
    inconsistent: gr.Markdown
    facets: gr.Dataframe
    representatives: gr.Dataframe
    search: gr.Textbox
    csv_btn: gr.DownloadButton
    count: gr.Markdown
    cases: gr.Dataframe
    drafts: gr.Markdown
    registry: registry_panel.RegistryPanel

    @property
    def outputs(self) -> list:
        """What showing a theme changes."""
        return [self.header, self.keywords, self.facets, self.trend, self.representatives, self.inconsistent,
                self.cases, self.count, self.csv_btn, self.drafts, self.search, *self.registry.outputs]


def build() -> ThemePage:
    with gr.Tab("Theme", id="theme"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=230):
            # a radio list, not a dropdown: a click on it answers without the dropdown's closing delay
            pick = gr.Radio(label="Themes, by impact", choices=[], interactive=True, elem_id="theme-pick",
                            elem_classes=["theme-list"])
            to_review_btn = gr.Button("Review this theme's drafts", size="sm", elem_id="to-review-btn")
        with gr.Column(scale=6):
            header = markdown(elem_id="theme-header")
            registry = registry_panel.build()
            keywords = markdown(elem_id="theme-keywords")
            with gr.Row():
                with gr.Column(scale=2):
                    trend = gr.Plot(label="Weekly trend", elem_id="trend-plot")
                    inconsistent = markdown()
                with gr.Column(scale=3):
                    facets = data_table(label="Facets (lift = how much more common than among all misjudged "
                                                "cases)", interactive=False, max_height=330, elem_id="facets-table",
                                          column_widths=THEME_FACET_WIDTHS)
            representatives = data_table(label="Representative cases", interactive=False, wrap=True,
                                           elem_id="reps-table", column_widths=REPS_WIDTHS)
            with gr.Row():
                search = gr.Textbox(label="Search the theme's cases (Enter)", placeholder="case id, words of a note "
                                    "or ad, policy, locale, moderator...", scale=4, elem_id="case-search")
                csv_btn = gr.DownloadButton("Download CSV", scale=1, elem_id="csv-download")
            count = markdown(elem_id="case-count")
            cases = data_table(interactive=False, wrap=True, max_height=520, max_chars=240, elem_id="cases-table",
                                 column_widths=CASES_WIDTHS)
            markdown("#### Drafts of this theme")
            drafts = markdown(elem_id="theme-drafts")
    return ThemePage(pick, to_review_btn, header, keywords, trend, inconsistent, facets, representatives, search,
                     csv_btn, count, cases, drafts, registry)


def run_values(page: ThemePage, data: RunData | None, labels: dict[str, str], theme_id: str | None = None) -> dict:
    """The theme list of a run, with `theme_id` (or the top theme) picked."""
    if data is None:
        return {page.pick: gr.update(choices=[], value=None)}
    top = data.run.themes[0].theme_id if data.run.themes else None
    choices = theme_choices(data.run, labels, len(data.members.get(UNTHEMED, [])))
    return {page.pick: gr.update(choices=choices, value=theme_id or top)}


def _cases_values(page: ThemePage, shown: pd.DataFrame, count: str, csv: Path | None) -> dict:
    return {page.cases: shown, page.count: count, page.csv_btn: gr.update(value=str(csv) if csv else None)}


def show(page: ThemePage, explorer: Explorer, run_id: str | None, theme_id: str | None) -> dict:
    """The page of one theme (the search box is cleared)."""
    if not run_id or not theme_id:
        empty = pd.DataFrame()
        return {page.header: NO_THEME, page.keywords: "", page.facets: empty, page.trend: None,
                page.representatives: empty, page.inconsistent: "", page.cases: empty, page.count: "",
                page.csv_btn: gr.update(value=None), page.drafts: "", page.search: "",
                **registry_panel.values(page.registry, None)}
    try:
        v = theme_view(explorer, run_id, theme_id)
    except (KeyError, FileNotFoundError, ValueError) as exc:
        return {page.header: f"**Cannot show theme {md(theme_id)}:** {md(exc)}"}
    return {page.header: v.header, page.keywords: v.keywords, page.facets: v.facets, page.trend: v.trend,
            page.representatives: v.representatives, page.inconsistent: v.inconsistent, page.drafts: v.drafts,
            page.search: "", **_cases_values(page, v.cases, v.count, v.csv),
            **registry_panel.values(page.registry, v.registry)}


def wire(page: ThemePage, explorer: Explorer, run_state: gr.State, concurrency: int) -> list:
    """The page's events; returns the registry panel's (a rename, merge or split renames the theme elsewhere)."""

    def show_theme(run_id, theme_id):
        return show(page, explorer, run_id, theme_id)

    def search_theme(run_id, theme_id, query):
        if not run_id or not theme_id:
            return gr.skip()
        view = cases_view(explorer, run_id, theme_id, query)
        return _cases_values(page, view.shown, view.count, view.csv)

    page.pick.input(show_theme, [run_state, page.pick], page.outputs, concurrency_limit=concurrency)
    changes = registry_panel.wire(page.registry, explorer, run_state, page.pick)
    search_outputs = [page.cases, page.count, page.csv_btn]
    page.search.submit(search_theme, [run_state, page.pick, page.search], search_outputs)
    page.search.input(search_theme, [run_state, page.pick, page.search], search_outputs,
                      trigger_mode="always_last", show_progress="hidden")
    return changes

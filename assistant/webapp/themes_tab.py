"""The Themes tab: the run's quality metrics, the map of its misjudged cases, the ranked theme table and the
treemap of themes under their parent themes."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
import pandas as pd

from assistant.webapp.components import data_table, markdown
from assistant.webapp.display import facet_frame, metrics_frame, metrics_summary_md, run_title_md, themes_frame
from assistant.webapp.families import family_choices, family_frame, treemap_figure
from assistant.webapp.state import Explorer, RunData

# Column widths of the tables (percent of the table's width; Gradio sizes them to fit the content otherwise).
METRICS_WIDTHS = ["15%", "13%", "24%", "20%", "28%"]
FACET_WIDTHS = ["16%", "7%", "9%"] + ["13.6%"] * 5
THEME_TABLE_WIDTHS = ["5%", "5.5%", "16%", "5%", "6%", "13%", "10%", "5.5%", "5.5%", "5.5%", "8%", "15%"]
THEME_COLUMN = 1  # the theme id's column in the ranked table


@dataclass
class ThemesTab:
    title: gr.Markdown
    metrics_md: gr.Markdown
    metrics: gr.Dataframe
    map: gr.Plot
    table: gr.Dataframe
    facet_pick: gr.Dropdown
    facets: gr.Dataframe
    tree: gr.Plot
    family_pick: gr.Dropdown
    family: gr.Dataframe


def build() -> ThemesTab:
    with gr.Tab("Themes", id="themes"):
        title = markdown(elem_id="run-title")
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=420):
                markdown("#### Quality metrics")
                metrics_md = markdown()
                metrics = data_table(interactive=False, wrap=True, elem_id="metrics-table",
                                       column_widths=METRICS_WIDTHS)
            with gr.Column(scale=3):
                map_plot = gr.Plot(label="Map of the misjudged cases", elem_id="theme-map")
        markdown("#### Ranked themes\nImpact: percentage points each rate would gain if the theme's cases had been "
                    "decided right. Click a row to open the theme.")
        table = data_table(interactive=False, wrap=True, elem_id="themes-table", max_height=620,
                             column_widths=THEME_TABLE_WIDTHS)
        markdown("#### Parent themes\nThemes close to each other, grouped; a theme in no group stands alone. "
                    "Click a group to see its themes (the path above the chart goes back), or pick it below.")
        tree = gr.Plot(label="Themes under their parent themes", elem_id="theme-tree")
        family_pick = gr.Dropdown(label="Parent theme", choices=[], interactive=True, elem_id="family-pick")
        family = data_table(interactive=False, wrap=True, elem_id="family-table")
        markdown("#### Metrics by facet")
        facet_pick = gr.Dropdown(label="Broken down by", choices=[], interactive=True, elem_id="facet-pick")
        facets = data_table(interactive=False, wrap=True, max_height=420, elem_id="facet-table",
                              column_widths=FACET_WIDTHS)
    return ThemesTab(title, metrics_md, metrics, map_plot, table, facet_pick, facets, tree, family_pick, family)


def run_values(tab: ThemesTab, data: RunData | None, labels: dict[str, str]) -> dict:
    """Everything the tab shows of a run (empty without one)."""
    if data is None:
        empty = pd.DataFrame()
        return {tab.title: "", tab.metrics_md: "", tab.metrics: empty, tab.map: None, tab.table: empty,
                tab.facet_pick: gr.update(choices=[], value=None), tab.facets: empty, tab.tree: None,
                tab.family_pick: gr.update(choices=[], value=None), tab.family: empty}
    facet = data.facets[0] if data.facets else None
    return {tab.title: run_title_md(data.run), tab.metrics_md: metrics_summary_md(data.metrics),
            tab.metrics: metrics_frame(data.metrics), tab.facet_pick: gr.update(choices=data.facets, value=facet),
            tab.facets: facet_frame(data.metrics, facet), tab.map: data.map(labels),
            tab.table: themes_frame(data.run, labels), **family_values(tab, data, labels)}


def names_values(tab: ThemesTab, data: RunData, labels: dict[str, str]) -> dict:
    """What names the run's themes, after a theme was renamed, merged or split: the ranked table and the parent
    themes (the map's legend follows at the next opening of the run: the map is the heavy part of the tab)."""
    return {tab.table: themes_frame(data.run, labels), **family_values(tab, data, labels)}


def family_values(tab: ThemesTab, data: RunData, labels: dict[str, str]) -> dict:
    """The treemap, the choice of a parent theme (the first picked) and its themes."""
    choices = family_choices(data.run, labels)
    first = choices[0][1] if choices else None
    return {tab.tree: treemap_figure(data.run, labels), tab.family_pick: gr.update(choices=choices, value=first),
            tab.family: family_frame(data.run, first, labels)}


def clicked_theme(frame: pd.DataFrame, evt: gr.SelectData) -> str | None:
    """The theme id of the row clicked in the ranked table."""
    row = evt.row_value if getattr(evt, "row_value", None) else None
    if row is None and isinstance(frame, pd.DataFrame) and evt.index is not None:
        row = frame.iloc[evt.index[0]].tolist()
    return str(row[THEME_COLUMN]) if row else None


def wire(tab: ThemesTab, explorer: Explorer, run_state: gr.State) -> None:
    def show_facet(run_id, facet):
        return facet_frame(explorer.open(run_id).metrics, facet) if run_id else None

    tab.facet_pick.input(show_facet, [run_state, tab.facet_pick], [tab.facets])

    def show_family(run_id, parent_id):
        return family_frame(explorer.open(run_id).run, parent_id, explorer.labels(run_id)) if run_id else None

    tab.family_pick.input(show_family, [run_state, tab.family_pick], [tab.family])

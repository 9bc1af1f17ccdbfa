"""Parent themes in the web app: the treemap's data, the choice of a parent and its themes (webapp/families.py),
and the Themes tab filling them when a run opens."""

from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go
import pytest

from assistant.config import Settings
from assistant.webapp.app import build_page, run_values
from assistant.webapp.families import FAMILY_COLUMNS, family_choices, family_frame, treemap_figure

pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_treemap_holds_every_theme_under_its_parent(run_data):
    run = run_data.run
    (trace,) = treemap_figure(run).data
    assert isinstance(trace, go.Treemap) and trace.branchvalues == "total"
    ids, parents, values = list(trace.ids), list(trace.parents), list(trace.values)
    assert sorted(ids) == sorted([t.theme_id for t in run.themes] + [p.theme_id for p in run.parents])
    parent_of = dict(zip(ids, parents))
    value_of = dict(zip(ids, values))
    for p in run.parents:
        assert [c for c in ids if parent_of[c] == p.theme_id] == sorted(p.children, key=lambda c: ids.index(c))
        assert value_of[p.theme_id] == sum(value_of[c] for c in p.children) == p.size
    under = {c for p in run.parents for c in p.children}
    assert all(parent_of[t.theme_id] == "" for t in run.themes if t.theme_id not in under)
    assert list(trace.customdata) == ids


def test_treemap_names_are_labels_made_inert(run_data):
    run = run_data.run
    parent = run.parents[0]
    (trace,) = treemap_figure(run, {parent.theme_id: "<b>Licensed</b> sectors"}).data
    name = trace.labels[list(trace.ids).index(parent.theme_id)]
    assert name == f"{parent.theme_id} · &lt;b&gt;Licensed&lt;/b&gt; sectors"
    assert treemap_figure(run.model_copy(update={"parents": []})) is None


def test_picking_a_parent_lists_its_themes_in_rank_order(run_data):
    run = run_data.run
    choices = family_choices(run, {})
    assert [value for _, value in choices] and {v for _, v in choices} == {p.theme_id for p in run.parents}
    parent = run.parents[0]
    frame = family_frame(run, parent.theme_id, {parent.children[0]: "Cash prizes"})
    assert list(frame.columns) == FAMILY_COLUMNS
    ranks = {t.theme_id: t.rank for t in run.themes}
    assert frame["theme"].tolist() == sorted(parent.theme_ids, key=ranks.get)
    assert frame.loc[frame["theme"] == parent.children[0], "label"].item() == "Cash prizes"
    assert family_frame(run, "P999").empty


def test_opening_a_run_fills_the_treemap_and_the_first_parent(explorer, run_data):
    with gr.Blocks():
        page = build_page(Settings())
    opened = run_values(page, explorer, run_data.run_id)
    assert isinstance(opened[page.themes.tree], go.Figure)
    first = opened[page.themes.family_pick]["value"]
    assert first == family_choices(run_data.run)[0][1]
    assert set(opened[page.themes.family]["theme"]) == set(
        next(p for p in run_data.run.parents if p.theme_id == first).theme_ids)
    empty = run_values(page, explorer, None)
    assert empty[page.themes.tree] is None and empty[page.themes.family_pick]["choices"] == []

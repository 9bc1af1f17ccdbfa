"""The app's plotly figures: the map of the misjudged cases and a theme's weekly trend."""

from __future__ import annotations

import html
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from assistant.webapp.groups import UNTHEMED, theme_members
from clustering.theme_model import Theme, ThemeRun
from clustering.weeks import week_name

UNTHEMED_COLOR = "rgba(150, 150, 150, 0.45)"
HOVER_NOTE_CHARS = 120
BIG_MAP = 20_000  # above this many points the markers are drawn smaller
THEME_COLORS = qualitative.Plotly + qualitative.D3 + qualitative.Dark24 + qualitative.Light24


def _hover(cases: pd.DataFrame) -> np.ndarray:
    note = cases["reviewer_note"] if "reviewer_note" in cases else pd.Series("", index=cases.index)
    note = note.fillna("").astype(str).str.slice(0, HOVER_NOTE_CHARS)
    ident = cases["case_id"].astype(str)
    text = ident.map(html.escape) + "<br>" + note.map(html.escape)
    return text.to_numpy(dtype=object)


def map_figure(cases: pd.DataFrame, run: ThemeRun | None = None, labels: dict[str, str] | None = None,
               members: dict[str, np.ndarray] | None = None) -> go.Figure:
    """The 2-D map of misjudged cases: one WebGL trace per theme (in rank order) and the unthemed in grey.

    Hovering a point shows its case id and the first characters of its reviewer note.
    """
    members = members if members is not None else theme_members(cases)
    order = [t.theme_id for t in run.themes] if run is not None else sorted(k for k in members if k != UNTHEMED)
    order = [t for t in order if t in members] + sorted(set(members) - set(order) - {UNTHEMED})
    labels = labels or {}
    xs, ys = cases["x"].to_numpy(dtype=float), cases["y"].to_numpy(dtype=float)
    hover = _hover(cases)
    big = len(cases) > BIG_MAP
    fig = go.Figure()
    if UNTHEMED in members:
        idx = members[UNTHEMED]
        fig.add_trace(go.Scattergl(
            x=xs[idx], y=ys[idx], mode="markers", name=f"unthemed ({len(idx):,})", hovertext=hover[idx],
            hovertemplate="%{hovertext}<extra>unthemed</extra>",
            marker={"size": 3 if big else 5, "color": UNTHEMED_COLOR}))
    for i, theme_id in enumerate(order):
        idx = members[theme_id]
        label = labels.get(theme_id)
        name = f"{theme_id} ({len(idx):,})" + (f" {html.escape(label[:28])}" if label else "")  # plotly reads tags
        fig.add_trace(go.Scattergl(
            x=xs[idx], y=ys[idx], mode="markers", name=name, hovertext=hover[idx],
            hovertemplate=f"%{{hovertext}}<extra>{theme_id}</extra>",
            marker={"size": 3 if big else 6, "color": THEME_COLORS[i % len(THEME_COLORS)], "opacity": 0.85}))
    fig.update_layout(
        height=560, margin={"l": 10, "r": 10, "t": 40, "b": 10}, template="plotly_white",
        title={"text": f"{len(cases):,} misjudged cases, coloured by theme (hover: case id and note)",
               "font": {"size": 14}},
        legend={"itemsizing": "constant", "font": {"size": 11}}, hoverlabel={"align": "left"},
        xaxis={"showticklabels": False, "title": None, "zeroline": False},
        yaxis={"showticklabels": False, "title": None, "zeroline": False})
    return fig


def trend_figure(theme: Theme, actions: list[tuple[str, str]] | None = None) -> go.Figure:
    """The theme's cases per ISO week; `actions` (date, kind) are marked on the week they fall in."""
    weeks = [w.week for w in theme.weekly]
    counts = [w.count for w in theme.weekly]
    fig = go.Figure(go.Bar(x=weeks, y=counts, marker_color="#4c78a8", text=counts, textposition="outside",
                           hovertemplate="%{x}: %{y} cases<extra></extra>"))
    fig.update_layout(
        height=260, margin={"l": 40, "r": 10, "t": 36, "b": 30}, template="plotly_white",
        title={"text": f"Cases per week: {theme.trend}", "font": {"size": 13}},
        yaxis={"title": None, "range": [0, max(counts, default=1) * 1.2 + 1]},
        xaxis={"type": "category", "title": None})
    for day, kind in actions or []:
        week = week_name(date.fromisoformat(day[:10]))
        if week in weeks:
            fig.add_vline(x=weeks.index(week), line_dash="dash", line_color="#e45756")
            fig.add_annotation(x=weeks.index(week), y=1, yref="paper", text=f"{kind} {day[:10]}", showarrow=False,
                               font={"size": 10, "color": "#e45756"}, xanchor="left", yanchor="top")
    return fig

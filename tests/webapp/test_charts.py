"""The map of the misjudged cases and the weekly trend (assistant/webapp/charts.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from assistant.webapp.charts import HOVER_NOTE_CHARS, UNTHEMED_COLOR, map_figure, trend_figure
from assistant.webapp.groups import UNTHEMED, theme_members


def synthetic_cases(n: int, themes: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    theme_ids = pd.array([None if k == themes else f"T{k + 1:02d}" for k in rng.integers(0, themes + 1, n)],
                         dtype="string")
    return pd.DataFrame({"case_id": [f"C{i:06d}" for i in range(n)], "x": rng.normal(size=n), "y": rng.normal(size=n),
                         "theme_id": theme_ids, "reviewer_note": ["<b>note</b> " + "x" * 200] * n})


def test_map_is_webgl_one_trace_per_theme_and_grey_unthemed():
    cases = synthetic_cases(500, themes=3)
    members = theme_members(cases)
    assert set(members) == {"T01", "T02", "T03", UNTHEMED}
    assert sum(len(v) for v in members.values()) == 500
    fig = map_figure(cases)
    assert all(isinstance(t, go.Scattergl) for t in fig.data)
    names = [t.name for t in fig.data]
    assert names[0].startswith("unthemed (") and [n.split()[0] for n in names[1:]] == ["T01", "T02", "T03"]
    assert fig.data[0].marker.color == UNTHEMED_COLOR
    assert sum(len(t.x) for t in fig.data) == 500
    first = fig.data[1]
    index = members["T01"][0]
    assert first.hovertext[0].startswith(cases.loc[index, "case_id"] + "<br>&lt;b&gt;note")
    note = first.hovertext[0].split("<br>", 1)[1]
    assert len(note.replace("&lt;", "<").replace("&gt;", ">")) == HOVER_NOTE_CHARS


def test_trend_has_a_bar_per_week(run_data):
    theme = run_data.run.themes[0]
    trend = trend_figure(theme)
    assert list(trend.data[0].x) == [w.week for w in theme.weekly]
    assert list(trend.data[0].y) == [w.count for w in theme.weekly]

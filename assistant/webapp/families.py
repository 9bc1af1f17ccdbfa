"""Parent themes in the web app (no Gradio here): the treemap of themes under their parents, the choice of a
parent and the table of its themes.

The treemap has one tile per parent (sized by its cases) holding its themes, and one tile per theme that stands
alone; clicking a parent zooms into its themes (plotly's own treemap navigation), the breadcrumb goes back.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from assistant.views.formatting import pp
from assistant.views.tree import theme_tree, walk
from clustering.theme_model import ParentTheme, ThemeRun

FAMILY_COLUMNS = ["theme", "label", "size", "ATA pp", "FP/FN", "trend", "keywords"]


def _name(theme_id: str, labels: dict[str, str], keywords: list[str]) -> str:
    return labels.get(theme_id) or ", ".join(keywords[:3])


def treemap_figure(run: ThemeRun, labels: dict[str, str] | None = None) -> go.Figure | None:
    """Themes grouped under their parents as a plotly treemap (None for a run without parent themes)."""
    if not run.parents:
        return None
    labels = labels or {}
    parent_of = {c: p.theme_id for p in run.parents for c in p.children}
    ids, names, parents, values, hover = [], [], [], [], []
    for node in walk(theme_tree(run)):
        t = node.theme
        keywords = [k.term for k in t.keywords]
        ids.append(t.theme_id)
        names.append(f"{t.theme_id} · {_name(t.theme_id, labels, keywords)}")
        parents.append(parent_of.get(t.theme_id, ""))
        values.append(t.size)
        kind = f"{len(node.children)} themes<br>" if node.is_parent else ""
        hover.append(html.escape(f"{t.size:,} cases, ATA {pp(t.impact_pp.get('ATA'))} pp, "
                                 f"FP {t.error_types.get('FP', 0)} / FN {t.error_types.get('FN', 0)}") + "<br>"
                     + kind + html.escape(", ".join(keywords[:5])))
    figure = go.Figure(go.Treemap(ids=ids, labels=[html.escape(n) for n in names], parents=parents, values=values,
                                  branchvalues="total", customdata=ids, hovertext=hover,
                                  hovertemplate="<b>%{label}</b><br>%{hovertext}<extra></extra>",
                                  maxdepth=3, root_color="white"))
    figure.update_layout(margin=dict(l=4, r=4, t=28, b=4), height=460)
    return figure


def family_choices(run: ThemeRun, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(shown text, parent id) of every parent, in tree order."""
    labels = labels or {}
    return [(f"{n.theme.theme_id} · {_name(n.theme.theme_id, labels, [k.term for k in n.theme.keywords])} "
             f"({len(n.children)} {'groups' if n.children and n.children[0].is_parent else 'themes'}, "
             f"{n.theme.size:,} cases)", n.theme.theme_id) for n in walk(theme_tree(run)) if n.is_parent]


def family_frame(run: ThemeRun, parent_id: str | None, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The themes under a parent (every theme under a grandparent), in rank order."""
    parent = next((p for p in run.parents if p.theme_id == parent_id), None)
    if not isinstance(parent, ParentTheme):
        return pd.DataFrame(columns=FAMILY_COLUMNS)
    labels = labels or {}
    rows = [[t.theme_id, labels.get(t.theme_id, ""), t.size, pp(t.impact_pp.get("ATA")),
             f"{t.error_types.get('FP', 0)}/{t.error_types.get('FN', 0)}", t.trend,
             ", ".join(k.term for k in t.keywords[:4])] for t in run.themes if t.theme_id in parent.theme_ids]
    return pd.DataFrame(rows, columns=FAMILY_COLUMNS)

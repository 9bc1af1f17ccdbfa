"""The Gradio app of error-themes: `error-themes ui [--workspace DIR]`.

For quality analysts (open a file, validate it, start a run, explore its themes) and policy writers (review,
edit, accept or reject drafted RCA narratives and policy clarifications). The app calls `clustering/` and
`assistant/` and holds no analysis of its own: the functions at the top turn saved data into display values
(DataFrames, Markdown, plotly figures) and are tested without a browser; the handlers in `build_app` are thin.

Every review action is written to the workspace's draft store at once (`assistant.store`), so it survives a
page reload or a restart. The app listens on 127.0.0.1 unless told otherwise, and refuses any other address
without a login.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import sys
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from assistant.config import load_llm_settings, load_theme_settings
from assistant.drafts import KINDS
from assistant.render import pct, rate_cell, run_header, theme_rows
from assistant.render_drafts import headline, source_label
from assistant.store import STATUSES, DraftRow, DraftStore
from assistant.workspace import DEFAULT_WORKSPACE, Workspace, load_metrics, load_run
from clustering.load import LoadSettings, parse_map_options
from clustering.metrics import RATE_NAMES, RATE_TITLES, MetricsReport
from clustering.problems import LoadError, ValidationError, format_problems
from clustering.theme_model import Theme, ThemeRun

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
AUTH_ENV = "ERROR_THEMES_UI_AUTH"  # user:password (one login) when no --auth-file is given
ALL = "All"
UNTHEMED = "unthemed"
UNTHEMED_COLOR = "rgba(150, 150, 150, 0.45)"
HOVER_NOTE_CHARS = 120
MAX_CASE_ROWS = 1000  # rows shown in the browser; the CSV export holds every matching case
MAX_PROBLEMS_SHOWN = 50
DEFAULT_MAX_FILE_SIZE = "500mb"
UPLOAD_TYPES = [".csv", ".tsv", ".jsonl", ".ndjson", ".gz", ".parquet"]
KIND_TITLES = {"label": "theme label", "rca": "RCA narrative", "policy": "policy clarification"}
KIND_HEADINGS = {"label": "Theme label", "rca": "RCA narrative", "policy": "Policy clarification"}
# shown in the cases table; the CSV export holds every saved column (queue, moderator, ad id, decisions, ...)
CASE_COLUMNS = ["case_id", "error_type", "policy", "locale", "decision_source", "week", "similarity", "reviewer_note",
                "ad_text"]
CASE_HEADERS = {"error_type": "type", "decision_source": "source", "moderator_id": "moderator"}
SEARCH_COLUMNS = ["case_id", "ad_id", "reviewer_note", "ad_text", "policy", "locale", "queue", "moderator_id"]
CITED_COLUMNS = ["case_id", "error_type", "policy", "locale", "reviewer_note", "ad_text"]
THEME_COLORS = qualitative.Plotly + qualitative.D3 + qualitative.Dark24 + qualitative.Light24
# Column widths of the tables (percent of the table's width; Gradio sizes them to fit the content otherwise).
METRICS_WIDTHS = ["15%", "13%", "24%", "20%", "28%"]
FACET_WIDTHS = ["16%", "7%", "9%"] + ["13.6%"] * 5
THEME_TABLE_WIDTHS = ["5%", "5.5%", "16%", "5%", "6%", "13%", "10%", "5.5%", "5.5%", "5.5%", "8%", "15%"]
THEME_FACET_WIDTHS = ["22%", "30%", "12%", "12%", "12%", "12%"]
REPS_WIDTHS = ["9%", "5.5%", "13%", "7%", "7%", "32%", "26.5%"]
CASES_WIDTHS = ["9%", "5.5%", "13%", "7%", "7%", "8.5%", "6.5%", "24%", "19.5%"]
QUEUE_WIDTHS = ["4%", "5%", "11%", "7%", "8%", "11%", "8%", "5%", "41%"]
CSS = """
.gradio-container { max-width: 1500px !important; }
#theme-header h3, #draft-header h3 { margin-top: 0; }
#load-status p { font-size: 1.05em; }
.theme-list { max-height: 78vh; overflow-y: auto; }
.theme-list label { width: 100%; font-size: 0.92em; }
#review-message p, #run-message p { font-weight: 600; }
"""


# --------------------------------------------------------------------------------------------------------------
# Display values: pure functions of saved data


def is_local_host(host: str) -> bool:
    """Whether the app would listen only on this machine."""
    return host in LOCAL_HOSTS


def load_error_text(exc: LoadError, path: str | Path | None = None, shown_name: str | None = None,
                    limit: int = MAX_PROBLEMS_SHOWN) -> tuple[str, str]:
    """(one-line status, problems one a line as `file:row:field: message`) for a file that cannot be used.

    An uploaded file sits in a temporary folder: its path is replaced by the name the user gave it.
    """
    if isinstance(exc, ValidationError):
        details = format_problems(exc.problems, limit, exc.total)
        status = (f"{exc.total:,} problem(s) in {exc.bad_rows:,} row(s); nothing was loaded. Fix them, or tick "
                  "'skip bad rows' to load the rest.")
    else:
        details = format_problems(exc.problems, limit)
        status = "The file cannot be used; nothing was loaded."
    if path is not None and shown_name:
        details = details.replace(str(path), shown_name)
    return status, details


def parse_column_map(text: str | None) -> dict[str, str]:
    """`Their column=field` pairs, one a line (or comma-separated), as a column mapping."""
    parts = [p.strip() for line in (text or "").splitlines() for p in line.split(",")]
    try:
        return parse_map_options([p for p in parts if p])
    except ValueError as exc:
        raise ValueError(f"column mapping: expected lines of 'their column=field' ({exc})") from exc


def metrics_summary_md(metrics: dict | None) -> str:
    """One line on what the run's metrics cover."""
    if not metrics:
        return "_This run has no saved metrics (it was made before metrics were saved with runs)._"
    report = MetricsReport.model_validate(metrics["overall"])
    c = report.counts
    line = f"**{report.rows:,} audited decisions**, {report.misjudged:,} misjudged (FP {c.fp:,}, FN {c.fn:,})"
    if c.tp is not None:
        line += f"; TP {c.tp:,}, TN {c.tn:,}"
    return line + ". Rates with their 95% Wilson interval and count."


def metrics_frame(metrics: dict | None) -> pd.DataFrame:
    """The overall rates: value, 95% interval, count and meaning."""
    columns = ["metric", "rate", "95% CI", "count", "meaning"]
    if not metrics:
        return pd.DataFrame(columns=columns)
    report = MetricsReport.model_validate(metrics["overall"])
    rows = []
    for name in RATE_NAMES:
        r = report.rates[name]
        if r.value is None:
            rows.append([name, "n/a", "", "", f"{RATE_TITLES[name]}: {r.unavailable}"])
        else:
            ci = f"{pct(r.ci_low)} to {pct(r.ci_high)}" if r.ci_low is not None else ""
            rows.append([name, pct(r.value), ci, f"{r.numerator:,} / {r.denominator:,}", _short_title(name)])
    return pd.DataFrame(rows, columns=columns)


def _short_title(name: str) -> str:
    """`good ads wrongly rejected` from `False positive rate (good ads wrongly rejected)`."""
    title = RATE_TITLES[name]
    return title[title.index("(") + 1:title.rindex(")")] if "(" in title else title


def facet_frame(metrics: dict | None, facet: str | None) -> pd.DataFrame:
    """Rates per value of one facet, each as `rate (interval) count`."""
    columns = [facet or "group", "rows", "misjudged", *RATE_NAMES]
    if not metrics or not facet or facet not in metrics.get("by", {}):
        return pd.DataFrame(columns=columns)
    rows = []
    for data in metrics["by"][facet]:
        r = MetricsReport.model_validate(data)
        rows.append([r.group or "", f"{r.rows:,}", f"{r.misjudged:,}", *(rate_cell(r.rates[n]) for n in RATE_NAMES)])
    return pd.DataFrame(rows, columns=columns)


def themes_frame(run: ThemeRun, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The ranked theme table of `assistant.render.theme_rows`, with the drafted label of each theme."""
    headers, rows = theme_rows(run)
    frame = pd.DataFrame(rows, columns=headers)
    frame.insert(2, "label", [(labels or {}).get(t, "") for t in frame["theme"]])
    return frame


def theme_choices(run: ThemeRun, labels: dict[str, str] | None = None,
                  unthemed: int = 0) -> list[tuple[str, str]]:
    """Dropdown choices (shown text, theme id) in rank order, and the unthemed cases last."""
    labels = labels or {}
    out = []
    for t in run.themes:
        name = labels.get(t.theme_id) or ", ".join(k.term for k in t.keywords[:3])
        out.append((f"{t.theme_id} · {name} ({t.size:,})", t.theme_id))
    if unthemed:
        out.append((f"Unthemed cases ({unthemed:,})", UNTHEMED))
    return out


def _theme_key(value) -> str:
    return UNTHEMED if value is None or pd.isna(value) else str(value)


def theme_members(cases: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row positions of each theme's cases (and of the unthemed ones) in the run's cases frame."""
    keys = cases["theme_id"].map(_theme_key).to_numpy()
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    uniques, starts = np.unique(sorted_keys, return_index=True)
    bounds = list(starts) + [len(order)]
    return {str(k): order[bounds[i]:bounds[i + 1]] for i, k in enumerate(uniques)}


def _hover(cases: pd.DataFrame) -> np.ndarray:
    note = cases["reviewer_note"] if "reviewer_note" in cases else pd.Series("", index=cases.index)
    note = note.fillna("").astype(str).str.slice(0, HOVER_NOTE_CHARS)
    ident = cases["case_id"].astype(str)
    text = ident + "<br>" + note.map(html.escape)
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
    big = len(cases) > 20_000
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
        name = f"{theme_id} ({len(idx):,})" + (f" {label[:28]}" if label else "")
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


def theme_header_md(theme: Theme, label: str | None = None) -> str:
    """What the theme is: size, mix, impact and trend."""
    title = f"### {theme.theme_id} · {label}" if label else f"### {theme.theme_id}"
    fp, fn = theme.error_types.get("FP", 0), theme.error_types.get("FN", 0)
    sources = ", ".join(f"{k} {v:,}" for k, v in theme.sources.items()) or "n/a"
    impact = " · ".join(f"{k} {v:+.2f} pp" for k, v in theme.impact_pp.items() if v is not None) or "n/a"
    change = f" ({theme.last_week_change:+d} last week)" if theme.last_week_change is not None else ""
    attached = f" ({theme.attached} attached)" if theme.attached else ""
    return "\n".join([
        title, "",
        f"Rank **{theme.rank}** · **{theme.size:,} cases**{attached} ({theme.share_of_misjudged * 100:.1f}% of "
        f"misjudged) · FP {fp:,} / FN {fn:,} · by {sources} · cohesion {theme.cohesion:.2f} · "
        f"trend **{theme.trend}**{change}", "",
        f"Impact if these cases had been decided right: {impact}",
    ])


def keywords_md(theme: Theme) -> str:
    """The theme's keywords (class-based TF-IDF), strongest first."""
    if not theme.keywords:
        return "**Keywords:** none"
    return "**Keywords:** " + " · ".join(f"`{k.term}`" for k in theme.keywords)


def facets_frame(theme: Theme) -> pd.DataFrame:
    """Each facet value of the theme with its count, share and lift against all misjudged cases."""
    rows = [[facet, v.value, v.count, f"{v.share * 100:.0f}%", f"x{v.lift:.1f}", "yes" if v.over_represented else ""]
            for facet, values in theme.facets.items() for v in values]
    return pd.DataFrame(rows, columns=["facet", "value", "cases", "share", "lift", "over"])


def trend_figure(theme: Theme) -> go.Figure:
    """The theme's cases per ISO week."""
    weeks = [w.week for w in theme.weekly]
    counts = [w.count for w in theme.weekly]
    fig = go.Figure(go.Bar(x=weeks, y=counts, marker_color="#4c78a8", text=counts, textposition="outside",
                           hovertemplate="%{x}: %{y} cases<extra></extra>"))
    fig.update_layout(
        height=260, margin={"l": 40, "r": 10, "t": 36, "b": 30}, template="plotly_white",
        title={"text": f"Cases per week: {theme.trend}", "font": {"size": 13}},
        yaxis={"title": None, "range": [0, max(counts, default=1) * 1.2 + 1]},
        xaxis={"type": "category", "title": None})
    return fig


def representatives_frame(theme: Theme) -> pd.DataFrame:
    """The cases chosen near the theme's centre and unlike each other."""
    rows = [[r.case_id, r.error_type, r.policy, r.locale, f"{r.similarity:.2f}", r.reviewer_note or "",
             r.ad_text or ""] for r in theme.representatives]
    return pd.DataFrame(rows, columns=["case_id", "type", "policy", "locale", "similarity", "reviewer_note",
                                       "ad_text"])


def inconsistent_md(theme: Theme, limit: int = 5) -> str:
    """Ads of the theme judged more than once with differing judgments."""
    if not theme.inconsistent_ads:
        return ""
    lines = [f"**Judged inconsistently:** {len(theme.inconsistent_ads):,} ad(s)"]
    for a in theme.inconsistent_ads[:limit]:
        lines.append(f"- ad `{a.ad_id}`: {', '.join(a.decisions)} ({', '.join(a.case_ids)}); "
                     f"QA: {a.final_decision or 'n/a'}")
    return "\n".join(lines)


def search_cases(frame: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """The rows of `frame` where any searchable field contains `query` (case-insensitive)."""
    query = (query or "").strip()
    if not query or frame.empty:
        return frame
    hit = np.zeros(len(frame), dtype=bool)
    for column in SEARCH_COLUMNS:
        if column in frame:
            hit |= frame[column].astype("string").str.contains(query, case=False, regex=False).fillna(False).to_numpy()
    return frame[hit]


def cases_display(frame: pd.DataFrame, limit: int = MAX_CASE_ROWS) -> pd.DataFrame:
    """The columns shown in the cases table, most similar to the theme first, at most `limit` rows."""
    shown = frame[[c for c in CASE_COLUMNS if c in frame]]
    if "similarity" in shown:
        shown = shown.sort_values("similarity", ascending=False, kind="stable", na_position="last").head(limit)
        shown = shown.assign(similarity=[f"{v:.3f}" if pd.notna(v) else "" for v in shown["similarity"]])
    shown = shown.head(limit)
    return shown.astype(object).where(shown.notna(), "").rename(columns=CASE_HEADERS)


def cases_count_md(total: int, matching: int, shown: int, query: str | None) -> str:
    """How many cases the table shows."""
    text = f"{matching:,} case(s)" + (f" matching “{query.strip()}”" if (query or "").strip() else "")
    if matching != total:
        text += f" of {total:,}"
    if shown < matching:
        text += f"; showing the {shown:,} most similar to the theme, the CSV holds all {matching:,}"
    return text


def export_csv(frame: pd.DataFrame, run_id: str, theme_id: str, query: str | None, folder: Path | None = None) -> Path:
    """Write the cases to a CSV file in a temporary folder and return its path (atomic)."""
    folder = folder or Path(tempfile.gettempdir()) / "error-themes-ui"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ""
    if (query or "").strip():
        suffix = "-search-" + hashlib.sha1(query.strip().encode()).hexdigest()[:8]
    path = folder / f"{run_id}-{theme_id}{suffix}-cases.csv"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def draft_body_md(row: DraftRow) -> str:
    """What a draft says, readable."""
    c = row.content or {}
    if not c:
        return f"**The drafter failed:** {row.error or 'no content'}\n\nRaw output:\n\n```\n{row.raw_output or ''}\n```"
    if row.kind == "label":
        return f"#### {c.get('name', '')}\n\n{c.get('sentence', '')}\n\nCites: {', '.join(c.get('cited_case_ids', []))}"
    if row.kind == "rca":
        lines = [f"#### {c.get('title', '')}", "", c.get("summary", ""), "",
                 f"**Root cause** ({c.get('root_cause_category', '')}): {c.get('root_cause', '')}", "",
                 "**Evidence**"]
        for claim in c.get("evidence", []):
            figures = f"; figures {', '.join(claim.get('figures', []))}" if claim.get("figures") else ""
            lines.append(f"- {claim.get('claim', '')} ({', '.join(claim.get('case_ids', []))}{figures})")
        lines += ["", f"**Impact:** {c.get('impact', '')}", "", "**Actions**"]
        lines += [f"- {a.get('action', '')} (owner: {a.get('owner', '')})" for a in c.get("actions", [])]
        lines += ["", f"**Confidence:** {c.get('confidence', '')}"]
        if c.get("open_questions"):
            lines += ["", "**Open questions**", *(f"- {q}" for q in c["open_questions"])]
        return "\n".join(lines)
    lines = [f"#### Policy: {c.get('policy', '')}", "", f"**Ambiguity:** {c.get('ambiguity', '')}", "",
             "**Proposed wording**", "", f"> {c.get('proposed_wording', '')}", "", "**Allowed examples**",
             *(f"- {e}" for e in c.get("allowed_examples", [])), "", "**Disallowed examples**",
             *(f"- {e}" for e in c.get("disallowed_examples", [])), "", f"**Rationale:** {c.get('rationale', '')}",
             "", f"Cites: {', '.join(c.get('cited_case_ids', []))}"]
    return "\n".join(lines)


def draft_header_md(row: DraftRow) -> str:
    """Which draft, its status and who wrote it (offline drafter or which LLM)."""
    reviewer = f" by **{row.reviewer}**" if row.reviewer else ""
    lines = [f"### Draft #{row.draft_id}: {KIND_TITLES.get(row.kind, row.kind)} of theme {row.theme_id}", "",
             f"Status **{row.status}**{reviewer} · updated {row.updated_at} · run {row.run_id}", "",
             f"{source_label(row)} · prompt {row.prompt_name} v{row.prompt_version}"
             + (f" · reused from draft #{row.reused_from}" if row.reused_from else "")]
    if row.flags:
        lines += ["", "**Flags**", *(f"- {f}" for f in row.flags)]
    return "\n".join(lines)


def theme_drafts_md(rows: list[DraftRow]) -> str:
    """The drafts of one theme, newest first per kind, as shown on the theme page."""
    if not rows:
        return "_No drafts for this theme yet. Draft them with `error-themes draft` or from the Review tab._"
    parts = []
    for kind in KINDS:
        of_kind = [r for r in rows if r.kind == kind]
        if not of_kind:
            continue
        r = of_kind[0]
        more = f" ({len(of_kind) - 1} older)" if len(of_kind) > 1 else ""
        reviewer = f" by {r.reviewer}" if r.reviewer else ""
        parts.append(f"**{KIND_HEADINGS[kind]}** #{r.draft_id}{more} · status **{r.status}**{reviewer} · "
                     f"{source_label(r)}\n\n{draft_body_md(r)}")
    return "\n\n---\n\n".join(parts)


def cited_ids(content: dict | None, kind: str) -> list[str]:
    """Every case id a draft's content cites, in order, without repeats."""
    if not content:
        return []
    if kind == "rca":
        ids = [i for claim in content.get("evidence", []) for i in claim.get("case_ids", [])]
    else:
        ids = list(content.get("cited_case_ids", []))
    return list(dict.fromkeys(str(i) for i in ids))


def cited_cases_frame(row: DraftRow, cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """The cases a draft cites, from the run (full text) or else from the draft's stored evidence."""
    ids = cited_ids(row.content, row.kind)
    found: dict[str, dict] = {}
    if cases is not None and ids:
        hit = cases[cases["case_id"].astype(str).isin(ids)]
        for rec in hit.to_dict("records"):
            found[str(rec["case_id"])] = rec
    for rec in row.evidence.get("cases", []):
        found.setdefault(str(rec.get("case_id")), rec)
    rows = []
    for i in ids:
        rec = found.get(i, {"case_id": i, "reviewer_note": "(not in this run's cases)"})
        rows.append(["" if rec.get(c) is None or (isinstance(rec.get(c), float) and np.isnan(rec.get(c)))
                     else str(rec.get(c)) for c in CITED_COLUMNS])
    return pd.DataFrame(rows, columns=CITED_COLUMNS)


def cited_cases_md(frame: pd.DataFrame) -> str:
    """The cited cases as cards: id and facets, the reviewer note, the ad text."""
    if frame.empty:
        return "_The draft cites no case._"
    cards = []
    for rec in frame.to_dict("records"):
        facts = " · ".join(str(rec[c]) for c in ("error_type", "policy", "locale") if rec.get(c))
        card = f"**{rec['case_id']}**" + (f" · {facts}" if facts else "")
        if rec.get("reviewer_note"):
            card += f"\n\nNote: {_md_text(rec['reviewer_note'])}"
        if rec.get("ad_text"):
            card += f"\n\nAd: _{_md_text(rec['ad_text'])}_"
        cards.append(card)
    return "\n\n---\n\n".join(cards)


def _md_text(text: str) -> str:
    """Text shown inside Markdown as written (no accidental emphasis, headings or HTML)."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_") \
        .replace("<", "&lt;").replace("#", "\\#")


def history_md(history: list[dict]) -> str:
    """Every change of a draft, oldest first, a line each."""
    if not history:
        return "_No history._"
    lines = []
    for h in history:
        comment = f": “{_md_text(h['comment'])}”" if h.get("comment") else ""
        lines.append(f"- {h['at'].replace('T', ' ')} · **{h['actor']}** {h['action']} → {h['status']}{comment}")
    return "\n".join(lines)


def history_frame(history: list[dict]) -> pd.DataFrame:
    """Every change of a draft, oldest first."""
    rows = [[h["at"], h["actor"], h["action"], h["status"], h.get("comment") or ""] for h in history]
    return pd.DataFrame(rows, columns=["at", "who", "action", "status", "comment"])


def draft_policy(row: DraftRow) -> str | None:
    """The policy a draft is about: its content's, or the theme's top policy."""
    policy = (row.content or {}).get("policy")
    if policy:
        return str(policy)
    top = row.evidence.get("facets", {}).get("policy", [])[:1]
    return str(top[0]["value"]) if top else None


def queue_frame(rows: list[DraftRow], with_run: bool = False) -> pd.DataFrame:
    """The review queue, a draft a row."""
    data = []
    for r in rows:
        line = [r.draft_id, r.theme_id, KIND_TITLES.get(r.kind, r.kind), r.status,
                "offline" if r.offline else r.model, draft_policy(r) or "", r.reviewer or "", len(r.flags),
                headline(r)]
        data.append(line + ([r.run_id] if with_run else []))
    columns = ["id", "theme", "kind", "status", "by", "policy", "reviewer", "flags", "says"]
    return pd.DataFrame(data, columns=columns + (["run"] if with_run else []))


def draft_choices(rows: list[DraftRow]) -> list[tuple[str, int]]:
    """Dropdown choices (shown text, draft id)."""
    return [(f"#{r.draft_id} · {r.theme_id} · {KIND_TITLES.get(r.kind, r.kind)} · {r.status}", r.draft_id)
            for r in rows]


def sort_queue(rows: list[DraftRow]) -> list[DraftRow]:
    """Theme by theme, each kind together, newest first."""
    return sorted(rows, key=lambda r: (r.run_id, r.theme_id, KINDS.index(r.kind) if r.kind in KINDS else 9,
                                       -r.draft_id))


def theme_labels(rows: list[DraftRow]) -> dict[str, str]:
    """The name of each theme from its label drafts: accepted first, then edited, then the newest draft."""
    rank = {"accepted": 0, "edited": 1, "draft": 2}
    best: dict[str, tuple[int, int, str]] = {}
    for r in rows:
        if r.kind != "label" or r.status not in rank or not (r.content or {}).get("name"):
            continue
        key = (rank[r.status], -r.draft_id, r.content["name"])
        if r.theme_id not in best or key < best[r.theme_id]:
            best[r.theme_id] = key
    return {t: v[2] for t, v in best.items()}


def parse_content(text: str) -> dict:
    """The edited JSON of a draft; ValueError with the position when it is not a JSON object."""
    try:
        value = json.loads(text or "")
    except json.JSONDecodeError as exc:
        raise ValueError(f"the edited text is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") \
            from exc
    if not isinstance(value, dict):
        raise ValueError("the edited text must be a JSON object")
    return value


def draft_json(row: DraftRow) -> str:
    return json.dumps(row.content, indent=2, ensure_ascii=False) if row.content else ""


# --------------------------------------------------------------------------------------------------------------
# The workspace as the app sees it: runs opened once and kept


@dataclass
class RunData:
    """A saved run, loaded once: themes, cases, metrics, each theme's rows, and the map (built on demand)."""

    run_dir: Path
    run: ThemeRun
    cases: pd.DataFrame
    metrics: dict | None
    themes: dict[str, Theme]
    members: dict[str, np.ndarray]
    _map: go.Figure | None = field(default=None, repr=False)
    _map_labels: tuple = field(default=(), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def run_id(self) -> str:
        return self.run.run_id

    def map(self, labels: dict[str, str] | None = None) -> go.Figure:
        """The map, built once per set of theme labels (a label accepted since is shown at the next open)."""
        key = tuple(sorted((labels or {}).items()))
        with self._lock:
            if self._map is None or key != self._map_labels:
                self._map, self._map_labels = map_figure(self.cases, self.run, labels, self.members), key
            return self._map

    def theme_cases(self, theme_id: str) -> pd.DataFrame:
        return self.cases.iloc[self.members.get(theme_id, np.array([], dtype=int))]


class Explorer:
    """The workspace behind the app: its runs (cached, a few at a time) and its draft store."""

    def __init__(self, workspace: str | Path, cache_size: int = 4):
        self.workspace = Workspace(workspace)
        self.store = DraftStore(self.workspace.store_path)
        self._runs: OrderedDict[str, RunData] = OrderedDict()
        self._labels: dict[str, tuple[float, str]] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def run_ids(self) -> list[str]:
        """Complete runs, newest first."""
        return list(reversed(self.workspace.run_ids()))

    def run_label(self, run_id: str) -> str:
        """`run id · input file · N themes, M misjudged`, read from themes.json once per change."""
        path = self.workspace.runs / run_id / "themes.json"
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return run_id
        cached = self._labels.get(run_id)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weeks = data["input"].get("weeks") or []
            week = (f", week {data['input']['week']}" if data["input"].get("week")
                    else f", weeks {weeks[0]}..{weeks[-1]}" if weeks else "")
            label = (f"{run_id} · {Path(data['input']['path']).name}{week} · {len(data['themes'])} themes, "
                     f"{data['input']['misjudged']:,} misjudged")
        except (OSError, ValueError, KeyError, TypeError):
            label = f"{run_id} (unreadable)"
        self._labels[run_id] = (mtime, label)
        return label

    def run_choices(self) -> list[tuple[str, str]]:
        return [(self.run_label(r), r) for r in self.run_ids()]

    def open(self, run_id: str) -> RunData:
        """A run of the workspace, loaded from disk the first time only (nothing is recomputed)."""
        with self._lock:
            if run_id in self._runs:
                self._runs.move_to_end(run_id)
                return self._runs[run_id]
        run_dir = self.workspace.run_dir(run_id)
        run, cases = load_run(run_dir)
        try:
            metrics = load_metrics(run_dir)
        except FileNotFoundError:
            metrics = None
        cases = cases.reset_index(drop=True)
        data = RunData(run_dir, run, cases, metrics, {t.theme_id: t for t in run.themes}, theme_members(cases))
        with self._lock:
            self._runs[run_id] = data
            while len(self._runs) > self._cache_size:
                self._runs.popitem(last=False)
        return data

    def latest(self) -> str | None:
        """The run opened first: the newest one with drafts (what people review), else the newest."""
        ids = self.run_ids()
        drafted = self.store.drafted_runs()
        return next((r for r in ids if r in drafted), ids[0] if ids else None)

    def labels(self, run_id: str) -> dict[str, str]:
        return theme_labels(self.store.list(run_id=run_id, kind="label"))


# --------------------------------------------------------------------------------------------------------------
# Views: what a whole panel shows, from an Explorer (used by the handlers and the timing script)


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


def theme_view(explorer: Explorer, run_id: str, theme_id: str, query: str | None = None) -> ThemeView:
    """Everything the theme page shows for one theme (or the unthemed cases) of a run."""
    data = explorer.open(run_id)
    members = data.theme_cases(theme_id)
    matching = search_cases(members, query)
    shown = cases_display(matching)
    csv = export_csv(matching, run_id, theme_id, query) if len(matching) else None
    count = cases_count_md(len(members), len(matching), len(shown), query)
    if theme_id == UNTHEMED:
        header = (f"### Unthemed cases\n\n{len(members):,} misjudged cases have no close sibling in any theme; "
                  "they are kept here so nothing is hidden.")
        empty = pd.DataFrame()
        return ThemeView(header, "", empty, None, empty, "", shown, count, csv, "")
    theme = data.themes.get(theme_id)
    if theme is None:
        raise KeyError(f"run {run_id} has no theme {theme_id}")
    rows = explorer.store.list(run_id=run_id, theme_id=theme_id)
    label = theme_labels(rows).get(theme_id)
    return ThemeView(theme_header_md(theme, label), keywords_md(theme), facets_frame(theme), trend_figure(theme),
                     representatives_frame(theme), inconsistent_md(theme), shown, count, csv, theme_drafts_md(rows))


def review_rows(explorer: Explorer, run_id: str | None, all_runs: bool, status: str, kind: str, policy: str,
                theme: str) -> list[DraftRow]:
    """The drafts of the review queue under its filters."""
    pick = lambda v: None if v in (None, "", ALL) else v  # noqa: E731
    run = None if all_runs else run_id
    if run is None and not all_runs:
        return []
    rows = explorer.store.list(run_id=run, theme_id=pick(theme), kind=pick(kind), status=pick(status),
                               policy=pick(policy))
    return sort_queue(rows)


# --------------------------------------------------------------------------------------------------------------
# The app


def _theme() -> gr.themes.Base:
    """A theme with system fonts only: the page loads nothing from the internet."""
    return gr.themes.Soft(primary_hue="blue", font=["ui-sans-serif", "system-ui", "sans-serif"],
                          font_mono=["ui-monospace", "Consolas", "monospace"])


def _upd(**kwargs):
    return gr.update(**kwargs)


def build_app(workspace: str | Path = DEFAULT_WORKSPACE, llm_config: str | Path | None = None,
              max_file_size: str | int | None = DEFAULT_MAX_FILE_SIZE) -> gr.Blocks:
    """The Gradio app over one workspace (tabs Run, Themes, Theme, Review).

    max_file_size only labels the upload box; `launch` enforces it.
    """
    explorer = Explorer(workspace)

    with gr.Blocks(title="error-themes", analytics_enabled=False) as app:
        run_state = gr.State(None)
        reviewer_memory = gr.BrowserState("", storage_key="error-themes-reviewer")
        gr.Markdown(f"## error-themes · workspace `{explorer.workspace.root}`")
        with gr.Tabs(selected="themes") as tabs:
            # ---------------------------------------------------------------------------------------- Run
            with gr.Tab("Run", id="run"):
                with gr.Row(), gr.Column(scale=3):
                    run_picker = gr.Dropdown(label="Open a run in the workspace (no recomputation)",
                                             choices=[], interactive=True, elem_id="run-picker")
                    run_info = gr.Markdown(elem_id="run-info")
                with gr.Row():
                    with gr.Column(scale=2):
                        limit = f"; up to {max_file_size}" if max_file_size else ""
                        upload = gr.File(label=f"Upload a cases file (CSV, TSV, JSON Lines, Parquet{limit})",
                                         file_types=UPLOAD_TYPES, type="filepath", elem_id="upload")
                        path_box = gr.Textbox(label="... or its path on the server (any size)",
                                              placeholder="/data/cases.csv",
                                              elem_id="path-box")
                    with gr.Column(scale=2):
                        lenient = gr.Checkbox(label="Skip bad rows (lenient) instead of rejecting the file")
                        column_map = gr.Textbox(label="Column mapping (their column=field, one a line)", lines=2,
                                                placeholder="Ticket=case_id\nQA comment=reviewer_note")
                        week_box = gr.Textbox(label="Only this ISO week (optional)", placeholder="2026-W45")
                        draft_after = gr.Checkbox(label="Draft labels, RCAs and policy clarifications after the run",
                                                  value=True)
                with gr.Row():
                    validate_btn = gr.Button("Validate", elem_id="validate-btn")
                    run_btn = gr.Button("Start run", variant="primary", elem_id="run-btn")
                load_status = gr.Markdown(elem_id="load-status")
                load_details = gr.Textbox(label="Problems and warnings (file:row:field: message)", lines=8,
                                          max_lines=30, interactive=False, elem_id="load-details")
            # ---------------------------------------------------------------------------------------- Themes
            with gr.Tab("Themes", id="themes"):
                run_title = gr.Markdown(elem_id="run-title")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=420):
                        gr.Markdown("#### Quality metrics")
                        metrics_md = gr.Markdown()
                        metrics_df = gr.Dataframe(interactive=False, wrap=True, elem_id="metrics-table",
                                                  column_widths=METRICS_WIDTHS)
                    with gr.Column(scale=3):
                        map_plot = gr.Plot(label="Map of the misjudged cases", elem_id="theme-map")
                gr.Markdown("#### Ranked themes\nImpact: percentage points each rate would gain if the theme's "
                            "cases had been decided right. Click a row to open the theme.")
                themes_df = gr.Dataframe(interactive=False, wrap=True, elem_id="themes-table", max_height=620,
                                         column_widths=THEME_TABLE_WIDTHS)
                gr.Markdown("#### Metrics by facet")
                facet_pick = gr.Dropdown(label="Broken down by", choices=[], interactive=True, elem_id="facet-pick")
                facet_df = gr.Dataframe(interactive=False, wrap=True, max_height=420, elem_id="facet-table",
                                        column_widths=FACET_WIDTHS)
            # ---------------------------------------------------------------------------------------- Theme
            with gr.Tab("Theme", id="theme"), gr.Row(equal_height=False):
                with gr.Column(scale=1, min_width=230):
                    # a radio list, not a dropdown: a click on it answers without the dropdown's closing delay
                    theme_pick = gr.Radio(label="Themes, by impact", choices=[], interactive=True,
                                          elem_id="theme-pick", elem_classes=["theme-list"])
                    to_review_btn = gr.Button("Review this theme's drafts", size="sm", elem_id="to-review-btn")
                with gr.Column(scale=6):
                    theme_header = gr.Markdown(elem_id="theme-header")
                    theme_keywords = gr.Markdown(elem_id="theme-keywords")
                    with gr.Row():
                        with gr.Column(scale=2):
                            trend_plot = gr.Plot(label="Weekly trend", elem_id="trend-plot")
                            theme_inconsistent = gr.Markdown()
                        with gr.Column(scale=3):
                            theme_facets = gr.Dataframe(label="Facets (lift = how much more common than among all "
                                                              "misjudged cases)", interactive=False, max_height=330,
                                                        elem_id="facets-table", column_widths=THEME_FACET_WIDTHS)
                    theme_reps = gr.Dataframe(label="Representative cases", interactive=False, wrap=True,
                                              elem_id="reps-table", column_widths=REPS_WIDTHS)
                    with gr.Row():
                        case_search = gr.Textbox(label="Search the theme's cases (Enter)",
                                                 placeholder="case id, words of a note or ad, policy, locale, "
                                                 "moderator...", scale=4, elem_id="case-search")
                        csv_btn = gr.DownloadButton("Download CSV", scale=1, elem_id="csv-download")
                    case_count = gr.Markdown(elem_id="case-count")
                    theme_cases = gr.Dataframe(interactive=False, wrap=True, max_height=520, max_chars=240,
                                               elem_id="cases-table", column_widths=CASES_WIDTHS)
                    gr.Markdown("#### Drafts of this theme")
                    theme_drafts = gr.Markdown(elem_id="theme-drafts")
            # ---------------------------------------------------------------------------------------- Review
            with gr.Tab("Review", id="review"):
                with gr.Row():
                    f_status = gr.Dropdown([ALL, *STATUSES], value=ALL, label="Status", interactive=True,
                                           elem_id="f-status")
                    f_kind = gr.Dropdown([(ALL, ALL), *((KIND_TITLES[k], k) for k in KINDS)], value=ALL,
                                         label="Kind", interactive=True, elem_id="f-kind")
                    f_policy = gr.Dropdown([ALL], value=ALL, label="Policy", interactive=True, elem_id="f-policy")
                    f_theme = gr.Dropdown([ALL], value=ALL, label="Theme", interactive=True, elem_id="f-theme")
                    f_all = gr.Checkbox(label="All runs", value=False)
                queue_df = gr.Dataframe(interactive=False, wrap=True, max_height=320, elem_id="queue-table",
                                        column_widths=QUEUE_WIDTHS)
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        draft_pick = gr.Dropdown(label="Draft", choices=[], interactive=True, elem_id="draft-pick")
                        draft_header = gr.Markdown(elem_id="draft-header")
                        draft_view = gr.Markdown(elem_id="draft-view")
                        draft_text = gr.Textbox(label="Edit the draft (JSON; validated when saved)", lines=14,
                                                max_lines=40, elem_id="draft-json")
                        with gr.Row():
                            reviewer = gr.Textbox(label="Your name (required)", elem_id="reviewer")
                            comment = gr.Textbox(label="Comment (kept in the history)", elem_id="comment")
                        with gr.Row():
                            save_btn = gr.Button("Save edit", elem_id="save-btn")
                            accept_btn = gr.Button("Accept", variant="primary", elem_id="accept-btn")
                            reject_btn = gr.Button("Reject", variant="stop", elem_id="reject-btn")
                        with gr.Row():
                            settings_note, backend_choices = _backend_choices(llm_config)
                            backend = gr.Radio(backend_choices, value=backend_choices[0], label="Drafter",
                                               info=settings_note, scale=3)
                            fresh_btn = gr.Button("Fresh draft", elem_id="fresh-btn", scale=1)
                        review_msg = gr.Markdown(elem_id="review-message")
                    with gr.Column(scale=2):
                        gr.Markdown("#### Cases the draft cites")
                        cited_md = gr.Markdown(elem_id="cited-cases", max_height=640)
                        gr.Markdown("#### History")
                        history_md_box = gr.Markdown(elem_id="draft-history")

        # ------------------------------------------------------------------------------------------------ handlers
        def run_panel(run_id: str | None):
            """Outputs of opening a run: Run tab, Themes tab and the theme dropdown."""
            choices = explorer.run_choices()
            if run_id is None:
                empty = pd.DataFrame()
                return (None, _upd(choices=choices, value=None),
                        "_No runs in the workspace yet: upload a file and start a run._", "", "", empty,
                        _upd(choices=[], value=None), empty, None, empty, _upd(choices=[], value=None))
            data = explorer.open(run_id)
            labels = explorer.labels(run_id)
            facets = list((data.metrics or {}).get("by", {}))
            facet = facets[0] if facets else None
            header = run_header(data.run)
            title = "### " + header.splitlines()[0] + "\n\n" + "\n\n".join(header.splitlines()[1:])  # + warnings
            return (run_id, _upd(choices=choices, value=run_id), title.replace("### ", "", 1), title,
                    metrics_summary_md(data.metrics), metrics_frame(data.metrics),
                    _upd(choices=facets, value=facet), facet_frame(data.metrics, facet), data.map(labels),
                    themes_frame(data.run, labels),
                    _upd(choices=theme_choices(data.run, labels, len(data.members.get(UNTHEMED, []))),
                         value=data.run.themes[0].theme_id if data.run.themes else None))

        run_outputs = [run_state, run_picker, run_info, run_title, metrics_md, metrics_df, facet_pick, facet_df,
                       map_plot, themes_df, theme_pick]
        theme_outputs = [theme_header, theme_keywords, theme_facets, trend_plot, theme_reps, theme_inconsistent,
                         theme_cases, case_count, csv_btn, theme_drafts, case_search]

        def show_theme(run_id: str | None, theme_id: str | None):
            """The theme page of one theme (the search box is cleared)."""
            if not run_id or not theme_id:
                empty = pd.DataFrame()
                return ("_Open a run, then pick a theme._", "", empty, None, empty, "", empty, "",
                        _upd(value=None), "", "")
            try:
                v = theme_view(explorer, run_id, theme_id)
            except (KeyError, FileNotFoundError, ValueError) as exc:
                return (f"**Cannot show theme {theme_id}:** {exc}", *(gr.skip() for _ in theme_outputs[1:]))
            return (v.header, v.keywords, v.facets, v.trend, v.representatives, v.inconsistent, v.cases, v.count,
                    _upd(value=str(v.csv) if v.csv else None), v.drafts, "")

        def search_theme(run_id, theme_id, query):
            if not run_id or not theme_id:
                return gr.skip(), gr.skip(), gr.skip()
            data = explorer.open(run_id)
            members = data.theme_cases(theme_id)
            matching = search_cases(members, query)
            shown = cases_display(matching)
            csv = export_csv(matching, run_id, theme_id, query) if len(matching) else None
            return shown, cases_count_md(len(members), len(matching), len(shown), query), \
                _upd(value=str(csv) if csv else None)

        def review_panel(run_id, all_runs, status, kind, policy, theme, selected=None, keep=False):
            """Queue, filter choices and the selected draft (kept when still in the queue, else the first).

            keep: the draft just acted on stays selected even when the filters no longer show it.
            """
            rows = review_rows(explorer, run_id, all_runs, status, kind, policy, theme)
            scope = explorer.store.list(run_id=None if all_runs else run_id) if (run_id or all_runs) else []
            policies = sorted({p for p in (draft_policy(r) for r in scope) if p})
            themes = sorted({r.theme_id for r in scope})
            ids = [r.draft_id for r in rows]
            choices = draft_choices(rows)
            if keep and selected is not None and selected not in ids:
                label, value = draft_choices([explorer.store.get(selected)])[0]
                choices.append((f"{label} (outside the filters)", value))
                pick = selected
            else:
                pick = selected if selected in ids else (ids[0] if ids else None)
            return (queue_frame(rows, with_run=bool(all_runs)),
                    _upd(choices=[ALL, *policies], value=policy if policy in policies else ALL),
                    _upd(choices=[ALL, *themes], value=theme if theme in themes else ALL),
                    _upd(choices=choices, value=pick))

        review_inputs = [run_state, f_all, f_status, f_kind, f_policy, f_theme]
        review_outputs = [queue_df, f_policy, f_theme, draft_pick]
        draft_outputs = [draft_header, draft_view, draft_text, cited_md, history_md_box]

        def show_draft(draft_id):
            if draft_id in (None, ""):
                return "_No draft selected: the queue is empty under these filters._", "", "", "", ""
            try:
                row = explorer.store.get(int(draft_id))
            except KeyError as exc:
                return f"**{exc}**", "", "", "", ""
            try:
                cases = explorer.open(row.run_id).cases
            except FileNotFoundError:
                cases = None
            return (draft_header_md(row), draft_body_md(row), draft_json(row),
                    cited_cases_md(cited_cases_frame(row, cases)), history_md(explorer.store.history(row.draft_id)))

        def on_load(remembered_name, request: gr.Request):
            """The run of the address (`?run=ID&theme=T03`) or the newest, opened as saved; the reviewer name
            this browser remembers."""
            params = dict(request.query_params) if request is not None else {}
            wanted = params.get("run") or explorer.latest()
            try:
                panel = list(run_panel(wanted))
            except (FileNotFoundError, ValueError, KeyError, OSError) as exc:
                panel = list(run_panel(None))
                panel[2] = f"**Cannot open run {wanted}:** {exc}. Pick another run."
            theme = params.get("theme")
            tab = gr.skip()
            if panel[0] and theme and theme in explorer.open(panel[0]).members:
                panel[-1] = _upd(choices=panel[-1]["choices"], value=theme)
                tab = gr.Tabs(selected="theme")
            return (*panel, remembered_name or "", tab)

        def open_run(run_id):
            try:
                return run_panel(run_id)
            except (FileNotFoundError, ValueError, KeyError, OSError) as exc:
                return (gr.skip(), gr.skip(), f"**Cannot open run {run_id}:** {exc}",
                        *(gr.skip() for _ in run_outputs[3:]))

        def file_and_name(upload_path, path_text):
            if upload_path:
                return Path(upload_path), Path(upload_path).name
            if (path_text or "").strip():
                return Path(path_text.strip()).expanduser(), None
            raise ValueError("Upload a file or type its path first.")

        def load_settings(lenient_value, mapping_text):
            return LoadSettings(column_map=parse_column_map(mapping_text), lenient=bool(lenient_value))

        def validate_file(upload_path, path_text, lenient_value, mapping_text):
            from assistant.render import load_summary
            from clustering.load import load_cases

            try:
                path, shown = file_and_name(upload_path, path_text)
                result = load_cases(path, load_settings(lenient_value, mapping_text))
            except LoadError as exc:
                status, details = load_error_text(exc, path, shown)
                return f"❌ **{status}**", details
            except MemoryError:
                return "❌ **The file is too large to load in this server's memory.**", ""
            except ValueError as exc:
                return f"❌ **{exc}**", ""
            summary = load_summary(result)
            if shown:
                summary = summary.replace(str(path), shown)
            warnings = ""
            if result.warnings:
                warnings = "\n\n" + format_problems(result.warnings, MAX_PROBLEMS_SHOWN)
                warnings = warnings.replace(str(path), shown) if shown else warnings
            return "✅ **The file is usable.** Start a run to find its themes.", summary + warnings

        def start_run(upload_path, path_text, lenient_value, mapping_text, week, draft_too,
                      progress=gr.Progress(track_tqdm=True)):  # noqa: B008
            from assistant.analysis import analyse

            try:
                path, shown = file_and_name(upload_path, path_text)
            except ValueError as exc:
                return (f"❌ **{exc}**", "", *(gr.skip() for _ in run_outputs))
            progress(0.02, desc="Loading and validating")
            try:
                settings = load_theme_settings(None)
                progress(0.1, desc="Embedding, reducing and clustering (a minute or two)")
                run_dir, run = analyse(path, explorer.workspace, settings, load_settings(lenient_value, mapping_text),
                                       (week or "").strip() or None)
            except LoadError as exc:
                status, details = load_error_text(exc, path, shown)
                return (f"❌ **{status}**", details, *(gr.skip() for _ in run_outputs))
            except MemoryError:
                return ("❌ **The file is too large to analyse in this server's memory.**", "",
                        *(gr.skip() for _ in run_outputs))
            except (ValueError, OSError) as exc:
                return (f"❌ **{exc}**", "", *(gr.skip() for _ in run_outputs))
            note = ""
            if draft_too:
                progress(0.85, desc="Drafting labels, RCA narratives and policy clarifications")
                note = _draft_run(explorer, run_dir, llm_config)
            progress(1.0, desc="Done")
            return (f"✅ **Run {run.run_id} saved**: {len(run.themes)} themes, {run.unthemed:,} unthemed. {note}",
                    "", *run_panel(run.run_id))

        def open_theme_row(run_id, frame: pd.DataFrame, evt: gr.SelectData):
            """A click on the ranked table opens that theme's page (one round trip)."""
            row = evt.row_value if getattr(evt, "row_value", None) else None
            if row is None and isinstance(frame, pd.DataFrame) and evt.index is not None:
                row = frame.iloc[evt.index[0]].tolist()
            theme_id = str(row[1]) if row else None
            if not theme_id:
                return (gr.skip(), gr.skip(), *(gr.skip() for _ in theme_outputs))
            return (_upd(value=theme_id), gr.Tabs(selected="theme"), *show_theme(run_id, theme_id))

        def pick_queue_row(evt: gr.SelectData):
            row = evt.row_value if getattr(evt, "row_value", None) else None
            if not row:
                return gr.skip()
            return _upd(value=int(row[0]))

        def review_theme(run_id, theme_id):
            if not theme_id or theme_id == UNTHEMED:
                return gr.skip(), gr.skip()
            return _upd(choices=[ALL, theme_id], value=theme_id), gr.Tabs(selected="review")

        def act(action, draft_id, text, name, note, *filters):
            """Save edit / accept / reject; every change is stored at once. Returns a message and refreshes."""
            if draft_id in (None, ""):
                return ("**Pick a draft first.**", *(gr.skip() for _ in draft_outputs + review_outputs))
            draft_id = int(draft_id)
            name = (name or "").strip()
            try:
                row = explorer.store.get(draft_id)
                if action in ("edit", "accept") and (text or "").strip():
                    content = parse_content(text)
                    if action == "edit" or content != row.content:
                        row = explorer.store.edit(draft_id, content, name, note or None)
                if action == "accept":
                    row = explorer.store.accept(draft_id, name, note or None)
                elif action == "reject":
                    row = explorer.store.reject(draft_id, name, note or None)
            except (ValueError, KeyError) as exc:
                return (f"❌ **Not saved:** {exc}", *(gr.skip() for _ in draft_outputs + review_outputs))
            verb = {"edit": "saved as edited", "accept": "accepted", "reject": "rejected"}[action]
            message = f"✅ Draft #{row.draft_id} {verb} by {row.reviewer}; stored in the workspace."
            return (message, *show_draft(row.draft_id), *review_panel(*filters, selected=row.draft_id, keep=True))

        def fresh(draft_id, backend_choice, run_id, all_runs, status, kind, policy, theme,
                  progress=gr.Progress()):  # noqa: B008
            filters = (run_id, all_runs, status, kind, policy, theme)
            if draft_id in (None, ""):
                return ("**Pick a draft first: a fresh draft is of the same theme and kind.**",
                        *(gr.skip() for _ in review_outputs))
            row = explorer.store.get(int(draft_id))
            progress(0.1, desc=f"Drafting a fresh {KIND_TITLES.get(row.kind, row.kind)} of {row.theme_id}")
            try:
                outcome = _fresh_draft(explorer, row, backend_choice, llm_config)
            except (ValueError, KeyError, FileNotFoundError) as exc:
                return (f"❌ **No fresh draft:** {exc}", *(gr.skip() for _ in review_outputs))
            if outcome.outcome == "failed":
                message = f"⚠️ Draft #{outcome.draft_id} failed: {outcome.error} (stored with status failed)"
            else:
                message = f"✅ Fresh draft #{outcome.draft_id} of {row.theme_id} ({row.kind}) created."
            return (message, *review_panel(*filters, selected=outcome.draft_id, keep=True))

        # ------------------------------------------------------------------------------------------------ wiring
        app.load(on_load, inputs=[reviewer_memory], outputs=[*run_outputs, reviewer, tabs]).then(
            show_theme, [run_state, theme_pick], theme_outputs).then(
            review_panel, review_inputs, review_outputs).then(show_draft, [draft_pick], draft_outputs)
        reviewer.change(lambda name: name, [reviewer], [reviewer_memory])

        run_picker.input(open_run, [run_picker], run_outputs).then(
            show_theme, [run_state, theme_pick], theme_outputs).then(
            review_panel, review_inputs, review_outputs).then(show_draft, [draft_pick], draft_outputs)
        validate_btn.click(validate_file, [upload, path_box, lenient, column_map], [load_status, load_details])
        upload.upload(validate_file, [upload, path_box, lenient, column_map], [load_status, load_details])
        run_btn.click(start_run, [upload, path_box, lenient, column_map, week_box, draft_after],
                      [load_status, load_details, *run_outputs], concurrency_limit=1).then(
            show_theme, [run_state, theme_pick], theme_outputs).then(
            review_panel, review_inputs, review_outputs).then(show_draft, [draft_pick], draft_outputs)

        facet_pick.input(lambda run_id, facet: facet_frame(explorer.open(run_id).metrics, facet) if run_id else None,
                         [run_state, facet_pick], [facet_df])
        themes_df.select(open_theme_row, [run_state, themes_df], [theme_pick, tabs, *theme_outputs],
                         concurrency_limit=4)
        theme_pick.input(show_theme, [run_state, theme_pick], theme_outputs, concurrency_limit=4)
        case_search.submit(search_theme, [run_state, theme_pick, case_search], [theme_cases, case_count, csv_btn])
        case_search.input(search_theme, [run_state, theme_pick, case_search], [theme_cases, case_count, csv_btn],
                          trigger_mode="always_last", show_progress="hidden")
        to_review_btn.click(review_theme, [run_state, theme_pick], [f_theme, tabs]).then(
            review_panel, review_inputs, review_outputs).then(show_draft, [draft_pick], draft_outputs)

        for control in (f_status, f_kind, f_policy, f_theme, f_all):
            control.input(review_panel, review_inputs, review_outputs).then(show_draft, [draft_pick], draft_outputs)
        queue_df.select(pick_queue_row, None, [draft_pick]).then(show_draft, [draft_pick], draft_outputs)
        draft_pick.input(show_draft, [draft_pick], draft_outputs)
        for button, action in ((save_btn, "edit"), (accept_btn, "accept"), (reject_btn, "reject")):
            button.click(lambda *a, _action=action: act(_action, *a),
                         [draft_pick, draft_text, reviewer, comment, *review_inputs],
                         [review_msg, *draft_outputs, *review_outputs])
        fresh_btn.click(fresh, [draft_pick, backend, *review_inputs], [review_msg, *review_outputs],
                        concurrency_limit=1).then(show_draft, [draft_pick], draft_outputs)
    return app


# --------------------------------------------------------------------------------------------------------------
# Drafting from the app (calls assistant.drafting)

OFFLINE_CHOICE = "offline drafter (rules, no LLM)"


def _backend_choices(llm_config: str | Path | None) -> tuple[str, list[str]]:
    """The drafters on offer: the offline drafter, and the configured LLM when there is one."""
    try:
        settings = load_llm_settings(llm_config)
    except ValueError as exc:
        return f"LLM settings unreadable: {exc}", [OFFLINE_CHOICE]
    if settings.backend == "offline":
        return "No LLM configured (set the llm: section of error-themes.yaml).", [OFFLINE_CHOICE]
    return f"LLM endpoint: {settings.base_url or 'api.openai.com'}", [f"LLM: {settings.model}", OFFLINE_CHOICE]


def _llm_settings(choice: str | None, llm_config: str | Path | None):
    settings = load_llm_settings(llm_config)
    if choice == OFFLINE_CHOICE:
        settings = settings.model_copy(update={"backend": "offline"})
    return settings


def _fresh_draft(explorer: Explorer, row: DraftRow, choice: str | None, llm_config: str | Path | None):
    """A new draft of the same theme and kind as `row` (never reused from an earlier one)."""
    from assistant.backends import make_backend
    from assistant.drafting import Drafter

    settings = _llm_settings(choice, llm_config)
    drafter = Drafter(explorer.workspace.run_dir(row.run_id), explorer.store, make_backend(settings), settings)
    return drafter.draft_one(drafter.theme(row.theme_id), row.kind, force=True)


def _draft_run(explorer: Explorer, run_dir: Path, llm_config: str | Path | None) -> str:
    """Draft every theme of a fresh run with the configured backend; a one-line summary."""
    from assistant.backends import BackendError, make_backend
    from assistant.drafting import Drafter

    try:
        settings = load_llm_settings(llm_config)
        outcomes = Drafter(run_dir, explorer.store, make_backend(settings), settings).draft_all()
    except (ValueError, BackendError) as exc:
        return f"Drafting did not run: {exc}"
    failed = sum(o.outcome == "failed" for o in outcomes)
    return f"{len(outcomes)} drafts" + (f", {failed} failed" if failed else "") + "; review them in the Review tab."


# --------------------------------------------------------------------------------------------------------------
# Launching


def read_auth(path: str | Path | None = None, environ: dict[str, str] | None = None) -> list[tuple[str, str]] | None:
    """Logins from a file of `user:password` lines, or else from $ERROR_THEMES_UI_AUTH (`user:password`)."""
    environ = os.environ if environ is None else environ
    if path is not None:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValueError(f"{path}: cannot read the logins file: {exc}") from exc
        source = str(path)
    elif environ.get(AUTH_ENV):
        lines, source = [environ[AUTH_ENV]], f"${AUTH_ENV}"
    else:
        return None
    logins = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ValueError(f"{source}:{n}: expected user:password")
        logins.append((user.strip(), password))
    if not logins:
        raise ValueError(f"{source}: no logins (lines of user:password)")
    return logins


def launch(workspace: str | Path = DEFAULT_WORKSPACE, host: str = "127.0.0.1", port: int | None = None,
           auth=None, *, block: bool = True, llm_config: str | Path | None = None,
           max_file_size: str | int | None = DEFAULT_MAX_FILE_SIZE, quiet: bool = False) -> gr.Blocks:
    """Start the app. Listening beyond this machine needs a login (`auth`: (user, password) pairs or a callable).

    block=False returns once the server runs (tests, scripts); call `.close()` on the returned app.
    """
    if not is_local_host(host) and not auth:
        raise ValueError(f"refusing to listen on {host} without a login: anyone on the network could read the "
                         f"cases and change drafts. Give --auth-file FILE (lines of user:password) or set "
                         f"{AUTH_ENV}=user:password, or listen on 127.0.0.1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    app = build_app(workspace, llm_config, max_file_size)
    app.queue(default_concurrency_limit=4)
    app.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=not block, quiet=quiet,
               show_error=False, max_file_size=max_file_size, theme=_theme(), css=CSS, ssr_mode=False,
               footer_links=["settings"], inbrowser=False, share=False,
               auth_message="error-themes: log in to see the workspace.")
    return app


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="error-themes ui", description="The error-themes web app (Gradio).")
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `error-themes ui` (shared with assistant.cli)."""
    parser.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE,
                        help="workspace folder (default ./workspace)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; any other needs --auth-file or "
                             f"${AUTH_ENV})")
    parser.add_argument("--port", type=int, help="port (default: the first free one from 7860)")
    parser.add_argument("--auth-file", type=Path, metavar="FILE",
                        help=f"logins, one user:password a line (else ${AUTH_ENV}=user:password)")
    parser.add_argument("--config", type=Path, help="settings file (YAML) with an llm section, for fresh drafts")
    parser.add_argument("--max-file-size", default=DEFAULT_MAX_FILE_SIZE,
                        help=f"largest upload accepted (default {DEFAULT_MAX_FILE_SIZE})")


def run_from_args(args: argparse.Namespace) -> int:
    """Start the app from parsed options; 2 on a configuration error."""
    try:
        auth = read_auth(args.auth_file)
        launch(args.workspace, args.host, args.port, auth, llm_config=args.config,
               max_file_size=args.max_file_size)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """`error-themes ui` / `python ui.py`."""
    return run_from_args(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

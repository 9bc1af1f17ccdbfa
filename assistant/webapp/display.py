"""Display values of a run and its themes: pure functions of saved data into DataFrames and Markdown.

Tested without a browser; the tabs only place what these return.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from assistant.config import UISettings
from assistant.views.csv_export import safe_csv
from assistant.views.formatting import pct, rate_cell
from assistant.views.markdown import code, md
from assistant.views.text import run_header, theme_rows
from assistant.webapp.groups import UNTHEMED
from clustering.files import write_atomic
from clustering.load import parse_map_options
from clustering.metrics import RATE_NAMES, RATE_TITLES, MetricsReport
from clustering.problems import LoadError, ValidationError, format_problems
from clustering.theme_model import Theme, ThemeRun, inconsistent_total

UI_DEFAULTS = UISettings()
# shown in the cases table; the CSV export holds every saved column (queue, moderator, ad id, decisions, ...)
CASE_COLUMNS = ["case_id", "error_type", "policy", "locale", "decision_source", "week", "similarity", "reviewer_note",
                "ad_text"]
CASE_HEADERS = {"error_type": "type", "decision_source": "source", "moderator_id": "moderator"}
SEARCH_COLUMNS = ["case_id", "ad_id", "reviewer_note", "ad_text", "policy", "locale", "queue", "moderator_id"]
CSV_FOLDER = Path(tempfile.gettempdir()) / "error-themes-ui"


def load_error_text(exc: LoadError, path: str | Path | None = None, shown_name: str | None = None,
                    limit: int = UI_DEFAULTS.max_problems_shown) -> tuple[str, str]:
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


# ------------------------------------------------------------------------------------------------ the run


def run_title_md(run: ThemeRun) -> str:
    """What the run covered, as a heading and a line, and a line per warning of the run (e.g. themes that follow
    the language)."""
    first, *rest = run_header(run).splitlines()  # the input's path and the warnings come from the data
    return f"### {md(first)}\n\n" + "\n\n".join(f"⚠️ **{md(line)}**" if line.startswith("Warning:") else md(line)
                                                    for line in rest)


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
    """The ranked theme table of `assistant.views.text.theme_rows`, with the drafted label of each theme."""
    headers, rows = theme_rows(run)
    frame = pd.DataFrame(rows, columns=headers)
    frame.insert(2, "label", [(labels or {}).get(t, "") for t in frame["theme"]])
    return frame


def theme_choices(run: ThemeRun, labels: dict[str, str] | None = None,
                  unthemed: int = 0) -> list[tuple[str, str]]:
    """Choices (shown text, theme id) in rank order, and the unthemed cases last."""
    labels = labels or {}
    out = []
    for t in run.themes:
        name = labels.get(t.theme_id) or ", ".join(k.term for k in t.keywords[:3])
        out.append((f"{t.theme_id} · {name} ({t.size:,})", t.theme_id))
    if unthemed:
        out.append((f"Unthemed cases ({unthemed:,})", UNTHEMED))
    return out


# ------------------------------------------------------------------------------------------------ a theme


def theme_header_md(theme: Theme, label: str | None = None) -> str:
    """What the theme is: size, mix, impact and trend."""
    title = f"### {theme.theme_id} · {md(label)}" if label else f"### {theme.theme_id}"
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


def unthemed_header_md(count: int) -> str:
    """The header of the page of the cases in no theme."""
    return (f"### Unthemed cases\n\n{count:,} misjudged cases have no close sibling in any theme; "
            "they are kept here so nothing is hidden.")


def keywords_md(theme: Theme) -> str:
    """The theme's keywords (class-based TF-IDF), strongest first."""
    if not theme.keywords:
        return "**Keywords:** none"
    return "**Keywords:** " + " · ".join(code(k.term) for k in theme.keywords)


def facets_frame(theme: Theme) -> pd.DataFrame:
    """Each facet value of the theme with its count, share and lift against all misjudged cases."""
    rows = [[facet, v.value, v.count, f"{v.share * 100:.0f}%", f"x{v.lift:.1f}", "yes" if v.over_represented else ""]
            for facet, values in theme.facets.items() for v in values]
    return pd.DataFrame(rows, columns=["facet", "value", "cases", "share", "lift", "over"])


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
    total = inconsistent_total(theme)
    shown = f" (the first {limit} below)" if total > limit else ""
    lines = [f"**Judged inconsistently:** {total:,} ad(s){shown}"]
    for a in theme.inconsistent_ads[:limit]:
        lines.append(f"- ad {code(a.ad_id)}: {md(', '.join(a.decisions))} ({md(', '.join(a.case_ids))}); "
                     f"QA: {md(a.final_decision or 'n/a')}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ its cases


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


def cases_display(frame: pd.DataFrame, limit: int = UI_DEFAULTS.max_case_rows) -> pd.DataFrame:
    """The columns shown in the cases table, most similar to the theme first, at most `limit` rows."""
    shown = frame[[c for c in CASE_COLUMNS if c in frame]]
    if "similarity" in shown:
        shown = shown.sort_values("similarity", ascending=False, kind="stable", na_position="last").head(limit)
        shown = shown.assign(similarity=[f"{v:.3f}" if pd.notna(v) else "" for v in shown["similarity"]])
    shown = shown.head(limit)
    return shown.astype(object).where(shown.notna(), "").rename(columns=CASE_HEADERS)


def cases_count_md(total: int, matching: int, shown: int, query: str | None) -> str:
    """How many cases the table shows."""
    text = f"{matching:,} case(s)" + (f" matching “{md(query)}”" if (query or "").strip() else "")
    if matching != total:
        text += f" of {total:,}"
    if shown < matching:
        text += f"; showing the {shown:,} most similar to the theme, the CSV holds all {matching:,}"
    return text


def export_csv(frame: pd.DataFrame, run_id: str, theme_id: str, query: str | None, folder: Path | None = None) -> Path:
    """Write the cases to a CSV file in a temporary folder and return its path (atomic)."""
    suffix = ""
    if (query or "").strip():
        suffix = "-search-" + hashlib.sha1(query.strip().encode()).hexdigest()[:8]
    path = (folder or CSV_FOLDER) / f"{run_id}-{theme_id}{suffix}-cases.csv"
    write_atomic(path, safe_csv(frame))
    return path

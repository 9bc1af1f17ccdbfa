"""Plain-text and file renderings of load results and metrics, for the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from assistant.views.csv_export import safe_csv
from assistant.views.formatting import pct, pp, rate_cell
from assistant.views.markdown import code, md
from assistant.views.tree import node_summary, theme_tree, walk
from clustering.files import write_atomic
from clustering.load import LoadResult
from clustering.metrics import RATE_NAMES, RATE_TITLES, MetricsReport
from clustering.printable import printable
from clustering.theme_model import Theme, ThemeRun


def text_table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """A plain table with padded columns; column indexes in `right` are right-aligned. Every cell is put on one
    line with its control characters escaped (`clustering.printable`): a value from data cannot forge a row."""
    headers = [printable(h) for h in headers]
    rows = [[printable(c) for c in row] for row in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]

    def line(cells: list[str]) -> str:
        out = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def load_summary(result: LoadResult) -> str:
    """What was loaded: rows, skipped rows, misjudged cases, weeks covered."""
    cases = result.cases
    fp = int((cases["error_type"] == "FP").sum())
    fn = int((cases["error_type"] == "FN").sum())
    lines = [
        f"{printable(result.path)}: {result.rows_read:,} rows read, {len(cases):,} loaded, "
        f"{result.rows_skipped:,} skipped",
        f"  misjudged: {int(cases['misjudged'].sum()):,} (FP {fp:,}, FN {fn:,}); "
        f"correct: {int((~cases['misjudged']).sum()):,}",
    ]
    weeks = cases["week"].dropna()
    if len(weeks):
        n = weeks.nunique()
        lines.append(f"  weeks: {weeks.min()} to {weeks.max()} ({n} week{'s' if n != 1 else ''})")
    if not result.has_correct_rows:
        lines.append("  only misjudged cases: FPR, FDR, FNR, ATA and the inconsistency rate need all audited rows")
    return "\n".join(lines)


def metrics_table(report: MetricsReport) -> str:
    """The overall metrics as a readable table."""
    c = report.counts
    head = f"{report.rows:,} audited decisions, {report.misjudged:,} misjudged (FP {c.fp:,}, FN {c.fn:,})"
    if c.tp is not None:
        head += f"; TP {c.tp:,}, TN {c.tn:,}"
    rows = []
    for name in RATE_NAMES:
        r = report.rates[name]
        if r.value is None:
            rows.append([name, "n/a", "", "", f"{RATE_TITLES[name]}: {r.unavailable}"])
            continue
        rows.append([name, pct(r.value), f"[{pct(r.ci_low)}, {pct(r.ci_high)}]",
                     f"{r.numerator:,} / {r.denominator:,}", RATE_TITLES[name]])
    return head + "\n\n" + text_table(["metric", "rate", "95% CI", "count", "meaning"], rows, right={1, 2, 3})


def facet_table(reports: list[MetricsReport]) -> str:
    """Metrics per value of one facet, a row each."""
    if not reports:
        return "(no rows)"
    facet = reports[0].facet or "group"
    rows = [[r.group or "", f"{r.rows:,}", f"{r.misjudged:,}", *(rate_cell(r.rates[n]) for n in RATE_NAMES)]
            for r in reports]
    return text_table([facet, "rows", "misjudged", *RATE_NAMES], rows, right=set(range(1, 3 + len(RATE_NAMES))))


def metrics_records(reports: list[MetricsReport]) -> list[dict]:
    """One flat record per group and rate, for CSV export."""
    records = []
    for r in reports:
        for name in RATE_NAMES:
            rate = r.rates[name]
            records.append({
                "facet": r.facet or "all", "group": r.group or "all", "rows": r.rows, "misjudged": r.misjudged,
                "metric": name, "value": rate.value, "ci_low": rate.ci_low, "ci_high": rate.ci_high,
                "numerator": rate.numerator, "denominator": rate.denominator, "unavailable": rate.unavailable,
            })
    return records


def write_metrics(path: Path, overall: MetricsReport, by_facet: dict[str, list[MetricsReport]]) -> None:
    """Write metrics as JSON (nested) or CSV (one row per group and rate), atomically."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        payload = {
            "overall": overall.model_dump(),
            "by": {facet: [r.model_dump() for r in reports] for facet, reports in by_facet.items()},
        }
        write_atomic(path, json.dumps(payload, indent=2, default=str))
    elif suffix == ".csv":
        records = metrics_records([overall, *[r for reports in by_facet.values() for r in reports]])
        write_atomic(path, safe_csv(pd.DataFrame(records)))
    else:
        raise ValueError(f"--out must end in .json or .csv, got '{path.name}'")


def _top_facet(theme: Theme, facet: str) -> str:
    values = theme.facets.get(facet) or []
    if not values:
        return ""
    v = values[0]
    return f"{v.value} {v.share * 100:.0f}% (x{v.lift:.1f})"


def theme_rows(run: ThemeRun) -> tuple[list[str], list[list[str]]]:
    """Headers and one row per theme, in rank order, for tables."""
    headers = ["rank", "theme", "size", "FP/FN", "top policy", "top locale", "ATA pp", "FPR pp", "FNR pp",
               "trend", "keywords"]
    rows = []
    for t in run.themes:
        rows.append([
            str(t.rank), t.theme_id, f"{t.size:,}", f"{t.error_types.get('FP', 0)}/{t.error_types.get('FN', 0)}",
            _top_facet(t, "policy"), _top_facet(t, "locale"), pp(t.impact_pp.get("ATA")),
            pp(t.impact_pp.get("FPR")), pp(t.impact_pp.get("FNR")),
            f"{t.trend} ({t.last_week_change:+d})" if t.last_week_change is not None else t.trend,
            ", ".join(k.term for k in t.keywords[:4]),
        ])
    return headers, rows


def run_header(run: ThemeRun) -> str:
    """Two lines on what a run covered, the model `embed.model: auto` chose and why, and a line per warning."""
    i = run.input
    themed = i.misjudged - run.unthemed
    scope = f", week {i.week}" if i.week else (f", weeks {i.weeks[0]} to {i.weeks[-1]}" if i.weeks else "")
    return (f"run {run.run_id}: {printable(i.path)}{scope}; {i.rows_loaded:,} cases loaded, {i.misjudged:,} misjudged\n"
            f"{len(run.themes)} themes cover {themed:,} cases; {run.unthemed:,} unthemed"
            f"{f', {run.attached:,} attached' if run.attached else ''} (min theme size {run.min_cluster_size}"
            f"{f', UMAP neighbours {run.umap_neighbors}' if run.umap_neighbors else ''})"
            + (f"\n{printable(run.model_choice)}" if run.model_choice else "")
            + "".join(f"\nWarning: {printable(w)}" for w in run.warnings))


def themes_table(run: ThemeRun) -> str:
    """The ranked themes as a plain table (impact in percentage points of each rate)."""
    headers, rows = theme_rows(run)
    return run_header(run) + "\n\n" + text_table(headers, rows, right={0, 2, 6, 7, 8})


def themes_summary_md(run: ThemeRun) -> str:
    """A short Markdown summary of a run: what it covered and the ranked themes.

    Every value that comes from the data (file name, keywords, facet values, notes, ad text) goes through
    `views.markdown`, so a note holding `<iframe>` or a line break and `# HEADING` shows as text."""
    headers, rows = theme_rows(run)
    lines = [f"# Error themes: run {md(run.run_id)}", "", *(md(line) for line in run_header(run).splitlines()), "",
             f"Embedding model {code(run.embedding_model)}; timings (s): "
             + ", ".join(f"{k} {v:.1f}" for k, v in run.timings_s.items()), "",
             "Impact: percentage points each rate would improve if the theme's cases had been decided correctly.",
             "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    if run.parents:
        lines += ["", "## Parent themes", "", "Themes close to each other, grouped; a theme in no group stands alone.",
                  ""]
        lines += [f"{'  ' * n.depth}- {code(n.theme.theme_id)} {md(node_summary(n))}" for n in walk(theme_tree(run))]
    for t in run.themes:
        lines += ["", f"## {t.theme_id}: {md(', '.join(k.term for k in t.keywords[:5]))}", "",
                  f"{t.size} cases ({t.share_of_misjudged * 100:.1f}% of misjudged); "
                  f"FP {t.error_types.get('FP', 0)}, FN {t.error_types.get('FN', 0)}; trend {t.trend}.", ""]
        over = [f"{facet} {md(v.value)} (x{v.lift:.1f}, {v.count})" for facet, values in t.facets.items()
                for v in values if v.over_represented]
        if over:
            lines += ["Over-represented: " + "; ".join(over), ""]
        lines += [f"- {code(r.case_id)} ({md(r.error_type)}, {md(r.policy)}, {md(r.locale)}): "
                  f"{md(r.reviewer_note or r.ad_text or '')}" for r in t.representatives]
    return "\n".join(lines) + "\n"

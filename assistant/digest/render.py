"""Renderings of a weekly digest (`assistant.digest.Digest`): Markdown, a self-contained HTML page, Slack JSON.

The HTML page needs nothing but itself: inline CSS, charts as inline SVG (no script, no font, no image
fetched), so it opens offline and prints. Every text that comes from data (notes, ad-derived keywords,
drafts) is escaped. Renderings are pure functions of the digest: the same digest gives the same bytes.
"""

from __future__ import annotations

import html as _html
from pathlib import Path

from assistant.digest.build import CITED_CASES_SHOWN as CITED
from assistant.digest.build import Digest, DigestTheme, GoneTheme, RateChange
from assistant.views.drafts import OFFLINE_LABEL
from assistant.views.formatting import count, interval, pct, pp
from clustering.metrics import RATE_TITLES

STATUS_COLOURS = {"new": "#7c3aed", "growing": "#c2410c", "shrinking": "#15803d", "steady": "#64748b",
                  "gone": "#94a3b8", "metric": "#b91c1c"}
THIS_WEEK_COLOUR = "#1d4ed8"
LAST_WEEK_COLOUR = "#94a3b8"
NO_WAITING = "None: every draft of this week's run has been reviewed."
SLACK_SECTION_CHARS = 2900  # Slack refuses section texts over 3,000 characters
EXIT_CODES_DOC = ("0 written; 1 written, some drafts failed; 2 bad input; 3 no data in the week; "
                  "4 written, webhook delivery failed")


# ---------------------------------------------------------------- shared wording




def change_text(m: RateChange) -> str:
    """`+2.2 pp (worse)`, or why there is no change."""
    if m.change_pp is None:
        return "n/a"
    return f"{m.change_pp:+.1f} pp" + (f" ({m.direction})" if m.direction else "")


def noise_text(m: RateChange) -> str:
    """`beyond noise (p = 0.003, chi-square)`; `unavailable: reason`; `no previous week`."""
    if m.verdict == "unavailable":
        return f"unavailable: {m.note}" if m.note else "unavailable"
    if m.verdict == "no comparison":
        return m.note or "no comparison"
    return f"{m.verdict} ({p_text(m.p_value)}, {m.test})" if m.p_value is not None else m.verdict



def theme_title(t: DigestTheme) -> str:
    """The label's name when drafted, else the top keywords."""
    if t.label is not None:
        return t.label.name
    return ", ".join(t.keywords[:4]) or t.theme_id


def match_text(t: DigestTheme, d: Digest) -> str:
    """How a theme relates to last week's run, in words."""
    has_previous, previous_week, threshold = d.has_previous, d.previous_week, d.match_threshold
    if t.matched_previous:
        return f"same theme as last week's {t.matched_previous} (similarity {t.similarity:.2f})"
    if not has_previous:
        return "no previous week to compare with"
    if t.nearest_previous is not None and t.nearest_matched_to is not None and t.nearest_similarity >= threshold:
        text = (f"not matched: last week's closest theme, {t.nearest_previous} (similarity "
                f"{t.nearest_similarity:.2f}), is the same theme as this week's {t.nearest_matched_to}; "
                "likely split from it")
    else:
        text = f"no theme of {previous_week}'s run is similar enough"
        if t.nearest_previous is not None:
            text += f" (closest: {t.nearest_previous}, similarity {t.nearest_similarity:.2f})"
    earlier = sum(w.count for w in t.weekly if w.week < d.week)
    if earlier:
        text += f"; it has {earlier} case{'s' if earlier != 1 else ''} in earlier weeks of the window"
    return text


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def gone_text(g: GoneTheme, d: Digest) -> str:
    """What became of a gone theme: merged into a matched theme, or just the closest one."""
    if g.nearest_current is None:
        return ""
    if g.nearest_matched_to is not None and g.nearest_similarity >= d.match_threshold:
        return (f"; closest theme this week: {g.nearest_current} (similarity {g.nearest_similarity:.2f}), "
                f"already the same theme as last week's {g.nearest_matched_to}: likely merged into it")
    return f"; closest theme this week: {g.nearest_current} (similarity {g.nearest_similarity:.2f})"


def p_text(p: float) -> str:
    """A p-value with enough digits to tell it from the 0.05 line."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.4f}" if 0.045 <= p < 0.055 else f"p = {p:.3f}"


def policy_text(t: DigestTheme) -> str:
    if t.top_policy is None:
        return ""
    return f"{t.top_policy} {t.top_policy_share * 100:.0f}%" if t.top_policy_share is not None else t.top_policy


def short_week(week: str) -> str:
    return week.split("-", 1)[-1]


def window_text(d: Digest) -> str:
    if not d.window:
        return ""
    return d.window[0] if len(d.window) == 1 else f"{d.window[0]}..{d.window[-1]}"


def source_text(offline: bool, model: str) -> str:
    return "[offline drafter]" if offline else f"[LLM: {model}]"


def figures_text(d: Digest) -> str:
    parts = []
    for w in (d.this_week, d.last_week):
        if w is not None:
            parts.append(f"{w.week}: {w.rows:,} audited decisions, {w.misjudged:,} misjudged (FP {w.fp:,}, "
                         f"FN {w.fn:,})")
    return "; ".join(parts)


def changes(d: Digest) -> list[tuple[str, str]]:
    """(status, sentence) for what changed this week: rates beyond noise, new, growing, shrinking, gone themes."""
    out = [("metric", f"{m.name} {change_text(m)}, beyond noise ({p_text(m.p_value)})")
           for m in d.metrics if m.verdict == "beyond noise"]
    for status in ("new", "growing", "shrinking"):
        for t in (t for t in d.themes if t.status == status):
            text = f"{t.theme_id} {theme_title(t)}: {t.this_week} case{'s' if t.this_week != 1 else ''} in {d.week}"
            if t.previous_week is not None:
                text += f" ({t.previous_week} in {d.previous_week})"
            if status == "new" and t.nearest_matched_to and (t.nearest_similarity or 0) >= d.match_threshold:
                text += f"; likely split from last week's {t.nearest_previous}"
            out.append((status, text))
    out += [("gone", f"{g.theme_id} of last week's run: {g.label or ', '.join(g.keywords[:4])}: {g.last_week or 0} "
                     f"cases in {d.previous_week}{gone_text(g, d)}") for g in d.gone]
    return out


# ---------------------------------------------------------------- Markdown

def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _md_table(headers: list[str], rows: list[list[object]], right: set[int] = frozenset()) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def subtitle(d: Digest, with_time: bool = False) -> str:
    """The line under the title: the week's dates, what it is compared with, the window, the run."""
    sub = [d.week_dates]
    if d.status == "ok":
        sub.append(f"compared with {d.previous_week}" if d.last_week else "no previous week to compare with")
        sub.append(f"themes from {window_text(d)}")
        if d.as_of:
            sub.append(f"as of run {d.coverage.run_id}" + (f" ({d.as_of})" if with_time else ""))
    return " · ".join(sub)


def markdown(d: Digest) -> str:
    """The digest as Markdown (stands on its own: every figure says what it is)."""
    lines = [f"# Error-theme digest: {d.week}", ""]
    lines += [subtitle(d, with_time=True), "", f"**{d.headline}**", ""]
    lines += [f"> {note}" for note in d.notes]
    if d.notes:
        lines.append("")
    if d.status == "ok":
        changed = changes(d)
        if changed:
            lines += ["## What changed", "", *(f"- **{k}**: {v}" for k, v in changed), ""]
        lines += _md_metrics(d) + _md_themes(d) + _md_details(d) + _md_reviews(d)
    lines += _md_coverage(d)
    return "\n".join(lines).rstrip() + "\n"


def _md_metrics(d: Digest) -> list[str]:
    lines = ["## Headline metrics", "", figures_text(d) + ".", ""]
    prev = short_week(d.previous_week)
    rows = [[m.name, pct(m.current.value), interval(m.current), count(m.current),
             pct(m.previous.value) if m.previous else "n/a", change_text(m), noise_text(m)] for m in d.metrics]
    lines += _md_table(["rate", short_week(d.week), "95% interval", "count", prev, "change", "noise call"], rows,
                       {1, 3, 4})
    lines += ["", "Rates: " + "; ".join(f"{m.name} = {RATE_TITLES[m.name].lower()}" for m in d.metrics) + ". "
              "Intervals are 95% Wilson intervals. A change is *beyond noise* when a two-proportion test "
              "(chi-square, or Fisher's exact test for small counts) gives p < 0.05.", ""]
    return lines


def _md_themes(d: Digest) -> list[str]:
    intro = (f"Matched one-to-one to {d.previous_week}'s themes by centroid similarity (at least "
             f"{d.match_threshold:.2f}). " if d.has_previous else "")
    intro += (f"Ranked by impact on ATA over {window_text(d)}: the percentage points ATA would gain had the "
              "theme's cases been decided right. Status counts: "
              + ", ".join(f"{v} {k}" for k, v in d.status_counts.items()) + ".")
    lines = ["## Themes", "", intro, ""]
    if not d.themes:
        return lines + ["No themes were found.", ""]
    rows = [[t.impact_rank, t.theme_id, theme_title(t), t.status, t.this_week,
             "" if t.previous_week is None else t.previous_week, " ".join(str(w.count) for w in t.weekly),
             pp(t.impact_pp.get("ATA")), t.size, policy_text(t), match_text(t, d)]
            for t in d.themes]
    lines += _md_table(["#", "theme", "label or keywords", "status", short_week(d.week), short_week(d.previous_week),
                        "weekly cases", "ATA pp", "size", "top policy", "last week"], rows, {0, 4, 5, 7, 8})
    lines.append("")
    if d.gone:
        lines += [f"Gone since {d.previous_week} (no theme this week is similar enough):", ""]
        for g in d.gone:
            name = g.label or ", ".join(g.keywords[:4])
            lines.append(f"- {g.theme_id} of last week's run: {_cell(name)} ({g.size} cases in its window, "
                         f"{g.last_week or 0} in {d.previous_week}; {g.top_policy or 'no policy'}){gone_text(g, d)}")
        lines.append("")
    return lines


def _md_details(d: Digest) -> list[str]:
    detailed = [t for t in d.themes if t.detailed]
    if not detailed:
        return []
    lines = ["## Top themes", "", f"The top {d.top} by impact, and every new or growing theme.", ""]
    for t in detailed:
        lines += [f"### {t.impact_rank}. {t.theme_id}: {theme_title(t)} ({t.status})", ""]
        facts = [f"Shown as {t.why_detailed}.", _first_upper(match_text(t, d)) + ".",
                 f"{t.size} cases over the window, {t.this_week} in {d.week}"
                 + (f" ({t.previous_week} in {d.previous_week})" if t.previous_week is not None else "") + ";",
                 f"weekly {' '.join(str(w.count) for w in t.weekly)}; FP {t.error_types.get('FP', 0)}, "
                 f"FN {t.error_types.get('FN', 0)};",
                 "impact if fixed: " + ", ".join(f"{k} {pp(v)} pp" for k, v in t.impact_pp.items()) + "."]
        lines += [" ".join(facts), ""]
        if t.label is not None:
            lines += [f"*{t.label.sentence}*", ""]
        if t.rca is not None:
            r = t.rca
            cited = r.cited_case_ids[:CITED]
            more = f" and {len(r.cited_case_ids) - len(cited)} more" if len(r.cited_case_ids) > len(cited) else ""
            lines += [f"**RCA** {source_text(r.draft.offline, r.draft.model)} root cause `{r.root_cause_category}`, "
                      f"confidence {r.confidence or 'n/a'}: {r.summary} Cases: {', '.join(cited)}{more}.", ""]
            if r.action:
                lines += [f"**Recommended action** (owner: {r.owner or 'unassigned'}): {r.action}", ""]
        for error in t.draft_errors:
            lines += [f"Draft failed: {error}", ""]
        refs = [f"{name} draft {ref.draft_id} ({ref.status}, {ref.prompt})"
                for name, ref in (("label", t.label.draft if t.label else None),
                                  ("RCA", t.rca.draft if t.rca else None)) if ref is not None]
        if refs:
            lines += ["Drafts: " + "; ".join(refs) + ".", ""]
    if any(t.rca and t.rca.draft.offline for t in detailed):
        lines += [f"{OFFLINE_LABEL}", ""]
    return lines



def _md_reviews(d: Digest) -> list[str]:
    lines = ["## Policy clarifications accepted since the previous digest", ""]
    if not d.earlier_digests:
        lines += ["(No earlier digest in the workspace: every accepted clarification is listed.)", ""]
    if not d.policies_accepted:
        lines += ["None.", ""]
    for p in d.policies_accepted:
        lines.append(f"- **{_cell(p.policy)}** (draft {p.draft_id}, theme {p.theme_id} of run {p.run_id}, accepted"
                     f"{' by ' + p.reviewer if p.reviewer else ''}): {_cell(p.proposed_wording)}")
    if d.policies_accepted:
        lines.append("")
    waiting = d.waiting_for_review
    lines += ["## Drafts waiting for review", ""]
    if not waiting:
        lines += [NO_WAITING if d.coverage.run_id else "None (no themes, so no drafts).", ""]
    else:
        lines += [f"{len(waiting)} draft{'s' if len(waiting) != 1 else ''} of run {d.coverage.run_id} "
                  "wait for a reviewer (status draft or edited):", ""]
        lines += _md_table(["id", "theme", "kind", "status", "by", "says"],
                           [[w.draft_id, w.theme_id, w.kind, w.status, w.model, w.says] for w in waiting], {0})
        lines += ["", f"Review them: `error-themes drafts list --run {d.coverage.run_id} --status draft` "
                      "(with `--workspace`), then `drafts accept ID` / `drafts edit ID` / `drafts reject ID`.", ""]
    if d.drafts_failed:
        lines += ["Drafts that failed this time:", ""] + [f"- {_cell(f)}" for f in d.drafts_failed] + [""]
    return lines


def coverage_items(d: Digest) -> list[tuple[str, str]]:
    """(what, value) pairs saying what the digest rests on."""
    c = d.coverage
    items = [("file", f"{c.path} (sha256 {c.sha256[:12]})"),
             ("rows", f"{c.rows_read:,} read, {c.rows_loaded:,} loaded, {c.rows_skipped:,} skipped"),
             ("weeks in the file", ", ".join(c.weeks_in_file) or "none"),
             (f"rows in {d.week} / {d.previous_week}", f"{c.week_rows:,} / {c.previous_week_rows:,}")]
    if c.run_id:
        items += [("themes from", f"run {c.run_id} (created {c.run_created_at}): weeks "
                                  f"{', '.join(c.weeks_analysed)}; {c.run_rows:,} rows, {c.run_misjudged:,} "
                                  f"misjudged, {c.run_unthemed:,} left unthemed")]
    if c.previous_run_id:
        items += [("last week's themes from", f"run {c.previous_run_id}: weeks "
                                              f"{', '.join(c.previous_weeks_analysed)}")]
    if c.embedding_model:
        items.append(("embedding model", c.embedding_model))
    if c.drafting_models:
        items.append(("drafted by", ", ".join(c.drafting_models)))
    if c.prompts:
        items.append(("prompts", ", ".join(c.prompts)))
    weeks = f"{len(d.window)} week{'s' if len(d.window) != 1 else ''}"
    items.append(("settings", f"window {weeks}, top {d.top}, match threshold {d.match_threshold:.2f}"))
    return items


def _md_coverage(d: Digest) -> list[str]:
    return ["## What this digest covers", ""] + [f"- {k}: {_cell(v)}" for k, v in coverage_items(d)] + [""]


# ---------------------------------------------------------------- HTML

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f1f5f9; color: #0f172a; font: 15px/1.5 -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e2e8f0; }
h3 { font-size: 16px; margin: 0 0 6px; }
.sub { color: #475569; margin: 0 0 14px; }
.headline { font-size: 17px; font-weight: 600; background: #fff; border-left: 5px solid #1d4ed8; padding: 12px 16px;
  border-radius: 6px; margin: 10px 0; }
.note { background: #fef3c7; border: 1px solid #fcd34d; padding: 8px 14px; border-radius: 6px; margin: 8px 0; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin: 14px 0; }
.card { background: #fff; border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(15,23,42,.08); }
.card .name { font-size: 12px; color: #475569; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 700; }
.card .ci { font-size: 12px; color: #64748b; }
.chip { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 999px; margin-top: 4px;
  background: #e2e8f0; color: #334155; }
.chip.worse { background: #fee2e2; color: #991b1b; }
.chip.better { background: #dcfce7; color: #166534; }
table { border-collapse: collapse; width: 100%; background: #fff; border-radius: 8px; overflow: hidden;
  box-shadow: 0 1px 2px rgba(15,23,42,.08); font-size: 13.5px; }
th, td { padding: 6px 9px; text-align: left; vertical-align: top; border-bottom: 1px solid #e2e8f0; }
th { background: #f8fafc; font-weight: 600; color: #334155; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; color: #fff; font-size: 12px; font-weight: 600; padding: 1px 8px;
  border-radius: 999px; }
.muted { color: #64748b; font-size: 12.5px; }
.theme { background: #fff; border-radius: 8px; padding: 14px 18px; margin: 12px 0;
  box-shadow: 0 1px 2px rgba(15,23,42,.08); border-left: 5px solid #64748b; }
.theme p { margin: 6px 0; }
.theme .facts { color: #475569; font-size: 13px; }
code, .ids { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.chart { background: #fff; border-radius: 8px; padding: 10px; box-shadow: 0 1px 2px rgba(15,23,42,.08); }
dl { display: grid; grid-template-columns: 210px 1fr; gap: 4px 14px; background: #fff; padding: 12px 16px;
  border-radius: 8px; margin: 0; }
dt { color: #475569; } dd { margin: 0; word-break: break-word; }
ul { margin: 6px 0; padding-left: 22px; }
footer { margin-top: 30px; color: #64748b; font-size: 12px; }
.changes { background: #fff; border-radius: 8px; padding: 10px 16px; margin: 10px 0;
  box-shadow: 0 1px 2px rgba(15,23,42,.08); }
.changes ul { list-style: none; padding-left: 0; margin: 6px 0 0; }
.changes li { margin: 4px 0; }

"""


def esc(value: object) -> str:
    return _html.escape(str(value), quote=True)


def _badge(status: str) -> str:
    return f'<span class="badge" style="background:{STATUS_COLOURS.get(status, "#64748b")}">{esc(status)}</span>'


def sparkline(t: DigestTheme, width_per_week: int = 14, height: int = 28) -> str:
    """Weekly cases of a theme as tiny bars (inline SVG); the digest's week in the status colour."""
    counts = [w.count for w in t.weekly]
    top = max(counts or [1]) or 1
    bars = []
    for i, w in enumerate(t.weekly):
        h = max(1.0, (height - 4) * w.count / top) if w.count else 1.0
        colour = STATUS_COLOURS.get(t.status, "#64748b") if i == len(t.weekly) - 1 else "#cbd5e1"
        bars.append(f'<rect x="{i * width_per_week + 1}" y="{height - h:.1f}" width="{width_per_week - 3}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{esc(w.week)}: {w.count}</title></rect>')
    width = max(1, len(t.weekly)) * width_per_week
    label = ", ".join(f"{w.week} {w.count}" for w in t.weekly)
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="weekly cases: {esc(label)}">{"".join(bars)}</svg>')


def metrics_chart(d: Digest, width: int = 1040) -> str:
    """This week's and last week's rates with their 95% intervals, one row per rate (inline SVG)."""
    rows = [m for m in d.metrics if m.current.value is not None]
    if not rows:
        return ""
    values = [v for m in rows for r in (m.current, m.previous) if r is not None and r.value is not None
              for v in (r.ci_low if r.ci_low is not None else r.value, r.ci_high if r.ci_high is not None else r.value)]
    lo = max(0.0, int(min(values) * 10) / 10)
    hi = min(1.0, (int(max(values) * 10) + 1) / 10)
    left, right, top_pad, row_h = 70, 150, 50, 34
    plot_w = width - left - right
    height = top_pad + row_h * len(rows) + 12

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    parts = [f'<svg width="100%" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="headline rates with 95% intervals, {esc(d.week)} and {esc(d.previous_week)}" '
             'style="max-width:100%;font-family:inherit">']
    ticks = [round(lo + i / 10, 1) for i in range(int(round((hi - lo) * 10)) + 1)]
    for t in ticks:
        parts.append(f'<line x1="{x(t):.1f}" y1="{top_pad - 6}" x2="{x(t):.1f}" y2="{height - 8}" stroke="#e2e8f0"/>')
        anchor = "end" if t == ticks[-1] else "middle"
        parts.append(f'<text x="{x(t):.1f}" y="{top_pad - 10}" font-size="11" fill="#64748b" '
                     f'text-anchor="{anchor}">{t * 100:.0f}%</text>')
    parts.append(f'<circle cx="{left + 6}" cy="12" r="5" fill="{THIS_WEEK_COLOUR}"/><text x="{left + 16}" y="16" '
                 f'font-size="12" fill="#0f172a">{esc(d.week)} with its 95% interval</text>')
    if d.has_previous:
        parts.append(f'<circle cx="{left + 226}" cy="12" r="5" fill="{LAST_WEEK_COLOUR}"/><text x="{left + 236}" '
                     f'y="16" font-size="12" fill="#0f172a">{esc(d.previous_week)}</text>')
        parts.append(f'<text x="{width - right + 16}" y="{top_pad - 10}" font-size="11" fill="#64748b">'
                     'change</text>')
    for i, m in enumerate(rows):
        y = top_pad + i * row_h + row_h / 2
        parts.append(f'<text x="{left - 12}" y="{y + 4:.1f}" font-size="13" font-weight="600" text-anchor="end" '
                     f'fill="#0f172a">{esc(m.name)}</text>')
        for rate, colour, dy in ((m.previous, LAST_WEEK_COLOUR, 7), (m.current, THIS_WEEK_COLOUR, -5)):
            if rate is None or rate.value is None:
                continue
            if rate.ci_low is not None and rate.ci_high is not None:
                parts.append(f'<line x1="{x(rate.ci_low):.1f}" y1="{y + dy:.1f}" x2="{x(rate.ci_high):.1f}" '
                             f'y2="{y + dy:.1f}" stroke="{colour}" stroke-width="3" stroke-linecap="round"/>')
            parts.append(f'<circle cx="{x(rate.value):.1f}" cy="{y + dy:.1f}" r="5" fill="{colour}">'
                         f'<title>{esc(m.name)} {pct(rate.value)} ({interval(rate)})</title></circle>')
        call = "" if m.verdict in ("no comparison", "unavailable") else m.verdict
        parts.append(f'<text x="{width - right + 16}" y="{y + 4:.1f}" font-size="12" '
                     f'fill="{"#b91c1c" if call == "beyond noise" and m.direction == "worse" else "#475569"}">'
                     f'{esc(change_text(m) if m.change_pp is not None else "")}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _cards(d: Digest) -> str:
    cards = []
    for m in d.metrics:
        chip_class = m.direction if m.verdict == "beyond noise" and m.direction in ("better", "worse") else ""
        if m.change_pp is not None:
            chip = f'<span class="chip {chip_class}">{esc(f"{m.change_pp:+.1f} pp, {m.verdict}")}</span>'
        else:
            chip = f'<span class="chip">{esc("unavailable" if m.verdict == "unavailable" else "no comparison")}</span>'
        cards.append(f'<div class="card" title="{esc(m.title)}"><div class="name">{esc(m.name)}</div>'
                     f'<div class="value">{esc(pct(m.current.value))}</div>'
                     f'<div class="ci">{esc(interval(m.current) or m.current.unavailable or "")} '
                     f'{esc(count(m.current))}</div>{chip}</div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _html_table(headers: list[str], rows: list[list[str]], num: set[int] = frozenset()) -> str:
    head = "".join(f'<th class="num">{esc(h)}</th>' if i in num else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html(d: Digest) -> str:
    """The digest as one self-contained HTML page (inline CSS and SVG, no script)."""
    body = [f"<h1>Error-theme digest: {esc(d.week)}</h1>", f'<p class="sub">{esc(subtitle(d))}</p>',
            f'<div class="headline">{esc(d.headline)}</div>']
    body += [f'<div class="note">{esc(n)}</div>' for n in d.notes]
    changed = changes(d) if d.status == "ok" else []
    if changed:
        items = "".join(f"<li>{_badge(k)} {esc(v)}</li>" for k, v in changed)
        body.append(f'<div class="changes"><b>What changed</b><ul>{items}</ul></div>')
    if d.status == "ok":
        body += _html_metrics(d) + _html_themes(d) + _html_details(d) + _html_reviews(d)
    body += ["<h2>What this digest covers</h2>", "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>"
                                                                  for k, v in coverage_items(d)) + "</dl>"]
    body.append(f"<footer>error-themes digest, schema {d.schema_version}. Exit codes of the digest command: "
                f"{esc(EXIT_CODES_DOC)}.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Error-theme digest {esc(d.week)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")


def _html_metrics(d: Digest) -> list[str]:
    rows = [[f"<b>{esc(m.name)}</b><div class=\"muted\">{esc(m.title)}</div>", esc(pct(m.current.value)),
             esc(interval(m.current)), esc(count(m.current)), esc(pct(m.previous.value) if m.previous else "n/a"),
             esc(change_text(m)), esc(noise_text(m))] for m in d.metrics]
    return ["<h2>Headline metrics</h2>", f"<p>{esc(figures_text(d))}.</p>", _cards(d),
            f'<div class="chart">{metrics_chart(d)}</div>', "<p></p>",
            _html_table(["rate", d.week, "95% interval", "count", d.previous_week, "change", "noise call"], rows,
                        {1, 3, 4}),
            '<p class="muted">Intervals are 95% Wilson intervals. A change is <i>beyond noise</i> when a '
            "two-proportion test (chi-square, or Fisher's exact test for small counts) gives p &lt; 0.05.</p>"]


def _html_themes(d: Digest) -> list[str]:
    intro = (f"Matched one-to-one to {d.previous_week}'s themes by centroid similarity (at least "
             f"{d.match_threshold:.2f}). " if d.has_previous else "") + (
        f"Ranked by impact on ATA over {window_text(d)}: the percentage points ATA would gain had the theme's "
        "cases been decided right.")
    counts = " ".join(f"{_badge(k)} {v}" for k, v in d.status_counts.items())
    out = ["<h2>Themes</h2>", f"<p>{esc(intro)}</p>", f"<p>{counts}</p>"]
    if not d.themes:
        return out + ["<p>No themes were found.</p>"]
    rows = [[str(t.impact_rank), f"<b>{esc(t.theme_id)}</b>", esc(theme_title(t)), _badge(t.status),
             str(t.this_week), "" if t.previous_week is None else str(t.previous_week), sparkline(t),
             esc(pp(t.impact_pp.get("ATA"))), str(t.size), esc(policy_text(t)),
             f'<span class="muted">{esc(match_text(t, d))}</span>']
            for t in d.themes]
    out.append(_html_table(["#", "theme", "label or keywords", "status", short_week(d.week),
                            short_week(d.previous_week), f"weekly {window_text(d)}", "ATA pp", "size", "top policy",
                            "last week"], rows, {0, 4, 5, 7, 8}))
    if d.gone:
        items = "".join(
            f"<li>{_badge('gone')} <b>{esc(g.theme_id)}</b> of last week's run: "
            f"{esc(g.label or ', '.join(g.keywords[:4]))}"
            f" ({g.size} cases in its window, {g.last_week or 0} in {esc(d.previous_week)}; "
            f"{esc(g.top_policy or 'no policy')}){esc(gone_text(g, d))}</li>" for g in d.gone)
        out += [f"<p><b>Gone since {esc(d.previous_week)}</b> (no theme this week is similar enough):</p>",
                f"<ul>{items}</ul>"]
    return out


def _html_details(d: Digest) -> list[str]:
    detailed = [t for t in d.themes if t.detailed]
    if not detailed:
        return []
    out = ["<h2>Top themes</h2>", f"<p>The top {d.top} by impact, and every new or growing theme.</p>"]
    for t in detailed:
        colour = STATUS_COLOURS.get(t.status, "#64748b")
        impact = ", ".join(f"{k} {pp(v)} pp" for k, v in t.impact_pp.items())
        parts = [f'<div class="theme" style="border-left-color:{colour}">',
                 f"<h3>{t.impact_rank}. {esc(t.theme_id)}: {esc(theme_title(t))} {_badge(t.status)} "
                 f'<span style="margin-left:10px;vertical-align:middle">{sparkline(t, 10, 20)}</span></h3>',
                 f'<p class="facts">Shown as {esc(t.why_detailed)}. '
                 f"{esc(_first_upper(match_text(t, d)))}. "
                 f"{t.size} cases over the window, {t.this_week} in {esc(d.week)}"
                 + (f" ({t.previous_week} in {esc(d.previous_week)})" if t.previous_week is not None else "")
                 + f"; FP {t.error_types.get('FP', 0)}, FN {t.error_types.get('FN', 0)}; impact if fixed: "
                 f"{esc(impact)}.</p>"]
        if t.label is not None:
            parts.append(f"<p><i>{esc(t.label.sentence)}</i></p>")
        if t.rca is not None:
            r = t.rca
            cited = r.cited_case_ids[:CITED]
            more = f" and {len(r.cited_case_ids) - len(cited)} more" if len(r.cited_case_ids) > len(cited) else ""
            parts.append(f"<p><b>RCA</b> <span class=\"muted\">{esc(source_text(r.draft.offline, r.draft.model))}"
                         f"</span> root cause <code>{esc(r.root_cause_category)}</code>, confidence "
                         f"{esc(r.confidence or 'n/a')}: {esc(r.summary)} Cases: <span class=\"ids\">"
                         f"{esc(', '.join(cited))}</span>{esc(more)}.</p>")
            if r.action:
                parts.append(f"<p><b>Recommended action</b> (owner: {esc(r.owner or 'unassigned')}): "
                             f"{esc(r.action)}</p>")
        for error in t.draft_errors:
            parts.append(f'<p class="note">Draft failed: {esc(error)}</p>')
        refs = [f"{name} draft {ref.draft_id} ({ref.status}, {ref.prompt})"
                for name, ref in (("label", t.label.draft if t.label else None),
                                  ("RCA", t.rca.draft if t.rca else None)) if ref is not None]
        if refs:
            parts.append(f'<p class="muted">Drafts: {esc("; ".join(refs))}.</p>')
        parts.append("</div>")
        out.append("".join(parts))
    if any(t.rca and t.rca.draft.offline for t in detailed):
        out.append(f'<p class="muted">{esc(OFFLINE_LABEL)}</p>')
    return out


def _html_reviews(d: Digest) -> list[str]:
    out = ["<h2>Policy clarifications accepted since the previous digest</h2>"]
    if not d.earlier_digests:
        out.append('<p class="muted">No earlier digest in the workspace: every accepted clarification is listed.</p>')
    if d.policies_accepted:
        out.append("<ul>" + "".join(
            f"<li><b>{esc(p.policy)}</b> <span class=\"muted\">(draft {p.draft_id}, theme {esc(p.theme_id)} of run "
            f"{esc(p.run_id)}, accepted{' by ' + esc(p.reviewer) if p.reviewer else ''})</span>: "
            f"{esc(p.proposed_wording)}</li>" for p in d.policies_accepted) + "</ul>")
    else:
        out.append("<p>None.</p>")
    out.append("<h2>Drafts waiting for review</h2>")
    waiting = d.waiting_for_review
    if not waiting:
        out.append(f"<p>{esc(NO_WAITING if d.coverage.run_id else 'None (no themes, so no drafts).')}</p>")
    else:
        out.append(f"<p>{len(waiting)} draft{'s' if len(waiting) != 1 else ''} of run {esc(d.coverage.run_id)} "
                   "wait for a reviewer (status draft or edited). Review them with <code>error-themes drafts list "
                   f"--run {esc(d.coverage.run_id)} --status draft</code>.</p>")
        out.append(_html_table(["id", "theme", "kind", "status", "by", "says"],
                               [[str(w.draft_id), esc(w.theme_id), esc(w.kind), esc(w.status), esc(w.model),
                                 esc(w.says)] for w in waiting], {0}))
    if d.drafts_failed:
        out.append("<p><b>Drafts that failed this time:</b></p><ul>"
                   + "".join(f"<li>{esc(f)}</li>" for f in d.drafts_failed) + "</ul>")
    return out


# ---------------------------------------------------------------- Slack-compatible webhook payload

def _slack(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(d: Digest, html_path: str | Path | None = None) -> dict:
    """`{"text": ..., "blocks": [...]}` for a Slack-compatible incoming webhook."""
    title = f"Error-theme digest {d.week}"[:150]
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title}},
                          {"type": "section", "text": {"type": "mrkdwn", "text": _slack(d.headline)}}]
    for note in d.notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _slack(note)[:2900]}]})
    if d.status == "ok":
        metric_lines = [f"*{m.name}* {pct(m.current.value)} ({interval(m.current) or 'n/a'})"
                        + (f", {m.change_pp:+.1f} pp, {m.verdict}" if m.change_pp is not None else "")
                        for m in d.metrics]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack("\n".join(metric_lines))}})
        theme_lines = []
        for t in d.themes:
            if t.detailed:
                action = f" → {t.rca.owner}: {t.rca.action}" if t.rca and t.rca.action else ""
                theme_lines.append(f"• *{t.theme_id}* [{t.status}] {theme_title(t)}: {t.this_week} cases in "
                                   f"{short_week(d.week)}, ATA {pp(t.impact_pp.get('ATA'))} pp{action}")
        for g in d.gone:
            theme_lines.append(f"• *{g.theme_id}* [gone] {g.label or ', '.join(g.keywords[:3])}")
        if theme_lines:
            text = _slack("\n".join(theme_lines))
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:SLACK_SECTION_CHARS]}})
        review = (f"{len(d.policies_accepted)} policy clarification(s) accepted since the previous digest; "
                  f"{len(d.waiting_for_review)} draft(s) waiting for review.")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack(review)}})
    context = f"run {d.coverage.run_id}" if d.coverage.run_id else f"file {d.coverage.path}"
    if html_path is not None:
        context += f" · full digest: {html_path}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _slack(context)[:2900]}]})
    return {"text": d.headline, "blocks": blocks}

"""Renderings of a weekly digest: Markdown and a self-contained HTML page from Jinja2 templates, and Slack JSON.

Both templates (`templates/digest.md.j2`, `templates/digest.html.j2`) read one view (`assistant.digest.view`).
The HTML environment autoescapes; the Markdown one passes every data value through the `md` filter
(`assistant.views.markdown`), or `code` for a code span, so notes, keywords and drafts show as text. The page
needs nothing but itself: inline CSS, charts as inline SVG drawn here (no script, no font, no image fetched),
so it opens offline and prints. Renderings are pure functions of the digest and the digest settings: the same
digest gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from assistant.config import DigestSettings
from assistant.digest.models import Digest, DigestTheme
from assistant.digest.view import change_text, digest_view, gone_name, short_week, theme_title
from assistant.views.formatting import interval, pct, pp
from assistant.views.markdown import code, md

TEMPLATES = Path(__file__).parent / "templates"
STATUS_COLOURS = {"new": "#7c3aed", "growing": "#c2410c", "shrinking": "#15803d", "steady": "#64748b",
                  "gone": "#94a3b8", "metric": "#b91c1c"}
OTHER_COLOUR = "#64748b"
THIS_WEEK_COLOUR = "#1d4ed8"
LAST_WEEK_COLOUR = "#94a3b8"


def colour(status: str) -> str:
    """The colour of a status (badges, bars, a theme's border)."""
    return STATUS_COLOURS.get(status, OTHER_COLOUR)


# ---------------------------------------------------------------- inline SVG charts (their text escaped)

def sparkline(t: DigestTheme, width_per_week: int = 14, height: int = 28) -> Markup:
    """Weekly cases of a theme as tiny bars (inline SVG); the digest's week in the status colour."""
    counts = [w.count for w in t.weekly]
    top = max(counts or [1]) or 1
    bars = []
    for i, w in enumerate(t.weekly):
        h = max(1.0, (height - 4) * w.count / top) if w.count else 1.0
        fill = colour(t.status) if i == len(t.weekly) - 1 else "#cbd5e1"
        bars.append(f'<rect x="{i * width_per_week + 1}" y="{height - h:.1f}" width="{width_per_week - 3}" '
                    f'height="{h:.1f}" fill="{fill}"><title>{escape(w.week)}: {w.count}</title></rect>')
    width = max(1, len(t.weekly)) * width_per_week
    label = ", ".join(f"{w.week} {w.count}" for w in t.weekly)
    return Markup(f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
                  f'aria-label="weekly cases: {escape(label)}">{"".join(bars)}</svg>')


def metrics_chart(d: Digest, width: int = 1040) -> Markup:
    """This week's and last week's rates with their 95% intervals, one row per rate (inline SVG)."""
    rows = [m for m in d.metrics if m.current.value is not None]
    if not rows:
        return Markup("")
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
             f'aria-label="headline rates with 95% intervals, {escape(d.week)} and {escape(d.previous_week)}" '
             'style="max-width:100%;font-family:inherit">']
    ticks = [round(lo + i / 10, 1) for i in range(int(round((hi - lo) * 10)) + 1)]
    for t in ticks:
        parts.append(f'<line x1="{x(t):.1f}" y1="{top_pad - 6}" x2="{x(t):.1f}" y2="{height - 8}" stroke="#e2e8f0"/>')
        anchor = "end" if t == ticks[-1] else "middle"
        parts.append(f'<text x="{x(t):.1f}" y="{top_pad - 10}" font-size="11" fill="#64748b" '
                     f'text-anchor="{anchor}">{pct(t, 0)}</text>')
    parts.append(f'<circle cx="{left + 6}" cy="12" r="5" fill="{THIS_WEEK_COLOUR}"/><text x="{left + 16}" y="16" '
                 f'font-size="12" fill="#0f172a">{escape(d.week)} with its 95% interval</text>')
    if d.has_previous:
        parts.append(f'<circle cx="{left + 226}" cy="12" r="5" fill="{LAST_WEEK_COLOUR}"/><text x="{left + 236}" '
                     f'y="16" font-size="12" fill="#0f172a">{escape(d.previous_week)}</text>')
        parts.append(f'<text x="{width - right + 16}" y="{top_pad - 10}" font-size="11" fill="#64748b">'
                     'change</text>')
    for i, m in enumerate(rows):
        y = top_pad + i * row_h + row_h / 2
        parts.append(f'<text x="{left - 12}" y="{y + 4:.1f}" font-size="13" font-weight="600" text-anchor="end" '
                     f'fill="#0f172a">{escape(m.name)}</text>')
        for rate, fill, dy in ((m.previous, LAST_WEEK_COLOUR, 7), (m.current, THIS_WEEK_COLOUR, -5)):
            if rate is None or rate.value is None:
                continue
            if rate.ci_low is not None and rate.ci_high is not None:
                parts.append(f'<line x1="{x(rate.ci_low):.1f}" y1="{y + dy:.1f}" x2="{x(rate.ci_high):.1f}" '
                             f'y2="{y + dy:.1f}" stroke="{fill}" stroke-width="3" stroke-linecap="round"/>')
            parts.append(f'<circle cx="{x(rate.value):.1f}" cy="{y + dy:.1f}" r="5" fill="{fill}">'
                         f'<title>{escape(m.name)} {pct(rate.value)} ({interval(rate)})</title></circle>')
        worse = m.verdict == "beyond noise" and m.direction == "worse"
        parts.append(f'<text x="{width - right + 16}" y="{y + 4:.1f}" font-size="12" '
                     f'fill="{"#b91c1c" if worse else "#475569"}">'
                     f'{escape(change_text(m) if m.change_pp is not None else "")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- Markdown and HTML

def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=autoescape, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(md=md, code=code)
    env.globals.update(colour=colour, sparkline=sparkline, metrics_chart=metrics_chart)
    return env


MARKDOWN = _environment(autoescape=False)
HTML = _environment(autoescape=True)


def markdown(d: Digest, settings: DigestSettings | None = None) -> str:
    """The digest as Markdown (stands on its own: every figure says what it is)."""
    view = digest_view(d, settings or DigestSettings())
    return MARKDOWN.get_template("digest.md.j2").render(v=view, d=d).rstrip() + "\n"


def html(d: Digest, settings: DigestSettings | None = None) -> str:
    """The digest as one self-contained HTML page (inline CSS and SVG, no script)."""
    view = digest_view(d, settings or DigestSettings())
    return HTML.get_template("digest.html.j2").render(v=view, d=d)


# ---------------------------------------------------------------- Slack-compatible webhook payload

def _slack(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str) -> dict:
    """A Slack mrkdwn text object that is shown verbatim: a URL in data (a theme named by a model that read an ad)
    is not turned into a link, and names of channels or users are not linked either."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def slack_payload(d: Digest, html_path: str | Path | None = None, settings: DigestSettings | None = None) -> dict:
    """`{"text": ..., "blocks": [...]}` for a Slack-compatible incoming webhook; texts cut to the section limit."""
    chars = (settings or DigestSettings()).slack_section_chars
    title = f"Error-theme digest {d.week}"[:150]
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title}},
                          {"type": "section", "text": _mrkdwn(_slack(d.headline))}]
    for note in d.notes:
        blocks.append({"type": "context", "elements": [_mrkdwn(_slack(note)[:chars])]})
    if d.status == "ok":
        metric_lines = [f"*{m.name}* {pct(m.current.value)} ({interval(m.current) or 'n/a'})"
                        + (f", {pp(m.change_pp, 1)} pp, {m.verdict}" if m.change_pp is not None else "")
                        for m in d.metrics]
        blocks.append({"type": "section", "text": _mrkdwn(_slack("\n".join(metric_lines)))})
        theme_lines = []
        for t in d.themes:
            if t.detailed:
                action = f" → {t.rca.owner}: {t.rca.action}" if t.rca and t.rca.action else ""
                theme_lines.append(f"• *{t.theme_id}* [{t.status}] {theme_title(t)}: {t.this_week} cases in "
                                   f"{short_week(d.week)}, ATA {pp(t.impact_pp.get('ATA'))} pp{action}")
        theme_lines += [f"• *{g.theme_id}* [gone] {gone_name(g, keywords=3)}" for g in d.gone]
        if theme_lines:
            text = _slack("\n".join(theme_lines))[:chars]
            blocks.append({"type": "section", "text": _mrkdwn(text)})
        review = (f"{len(d.policies_accepted)} policy clarification(s) accepted since the previous digest; "
                  f"{len(d.waiting_for_review)} draft(s) waiting for review.")
        blocks.append({"type": "section", "text": _mrkdwn(_slack(review))})
    context = f"run {d.coverage.run_id}" if d.coverage.run_id else f"file {d.coverage.path}"
    if html_path is not None:
        context += f" · full digest: {html_path}"
    blocks.append({"type": "context", "elements": [_mrkdwn(_slack(context)[:chars])]})
    # Slack fetches no preview of a URL in the data (it would call an address an advertiser chose)
    return {"text": _slack(d.headline), "blocks": blocks, "unfurl_links": False, "unfurl_media": False}

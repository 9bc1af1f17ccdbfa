"""The one view both digest templates read: the `Digest` and the display values computed from it.

Everything worded or formatted once here (figures through `assistant.views.formatting`), so the Markdown and
the HTML digests say the same things; the templates only place them and escape them.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.config import DigestSettings
from assistant.digest.models import Digest, DigestTheme, FixItem, GoneTheme, RateChange
from assistant.digest.parents import FAMILIES_INTRO, FamilyRow, family_rows
from assistant.exit_codes import EXIT_BAD_INPUT, EXIT_DELIVERY_FAILED, EXIT_NO_DATA, EXIT_OK, EXIT_PARTIAL
from assistant.views.drafts import OFFLINE_LABEL
from assistant.views.formatting import count, interval, pct, pp
from assistant.views.registry import effect_text
from clustering.weeks import span

NO_WAITING = "None: every draft of this week's run has been reviewed."
NO_THEMES_NO_DRAFTS = "None (no themes, so no drafts)."
EXIT_CODES_DOC = (f"{EXIT_OK} written; {EXIT_PARTIAL} written, some drafts failed; {EXIT_BAD_INPUT} bad input; "
                  f"{EXIT_NO_DATA} no data in the week; {EXIT_DELIVERY_FAILED} written, webhook delivery failed")


# ---------------------------------------------------------------- wording

def change_text(m: RateChange) -> str:
    """`+2.2 pp (worse)`, or `n/a` when there is no change."""
    if m.change_pp is None:
        return "n/a"
    return f"{pp(m.change_pp, 1)} pp" + (f" ({m.direction})" if m.direction else "")


def p_text(p: float, alpha: float) -> str:
    """A p-value with enough digits to tell it from the noise line `alpha`."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.4f}" if abs(p - alpha) <= alpha / 10 else f"p = {p:.3f}"


def noise_text(m: RateChange, alpha: float) -> str:
    """`beyond noise (p = 0.003, chi-square)`; `unavailable: reason`; `no previous week`."""
    if m.verdict == "unavailable":
        return f"unavailable: {m.note}" if m.note else "unavailable"
    if m.verdict == "no comparison":
        return m.note or "no comparison"
    return f"{m.verdict} ({p_text(m.p_value, alpha)}, {m.test})" if m.p_value is not None else m.verdict


def theme_title(t: DigestTheme) -> str:
    """The analyst's name of the theme (theme registry), else the label's name when drafted (the detailed themes'
    label drafted for the digest, else the run's label draft), else the top keywords."""
    if t.registry_name:
        return t.registry_name
    if t.label is not None:
        return t.label.name
    if t.drafted_name:
        return t.drafted_name
    return ", ".join(t.keywords[:4]) or t.theme_id


def gone_name(g: GoneTheme, keywords: int = 4) -> str:
    """A gone theme's label from last week, else its top keywords."""
    return g.label or ", ".join(g.keywords[:keywords])


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def related(d: Digest) -> float | None:
    """The bar of the digest's split and merge hints (digests written before it: the match threshold)."""
    return d.related_threshold if d.related_threshold is not None else d.match_threshold


def match_text(t: DigestTheme, d: Digest) -> str:
    """How a theme relates to last week's run, in words."""
    if t.matched_previous:
        return f"same theme as last week's {t.matched_previous} (similarity {t.similarity:.2f})"
    if not d.has_previous:
        return "no previous week to compare with"
    if (t.nearest_previous is not None and t.nearest_matched_to is not None and related(d) is not None
            and t.nearest_similarity >= related(d)):
        text = (f"not matched: last week's closest theme, {t.nearest_previous} (similarity "
                f"{t.nearest_similarity:.2f}), is the same theme as this week's {t.nearest_matched_to}; "
                "likely split from it")
    else:
        text = f"no theme of {d.previous_week}'s run is similar enough"
        if t.nearest_previous is not None:
            text += f" (closest: {t.nearest_previous}, similarity {t.nearest_similarity:.2f})"
    earlier = sum(w.count for w in t.weekly if w.week < d.week)
    if earlier:
        text += f"; it has {plural(earlier, 'case')} in earlier weeks of the window"
    return text


def gone_text(g: GoneTheme, d: Digest) -> str:
    """What became of a gone theme: merged into a matched theme, or just the closest one."""
    if g.nearest_current is None:
        return ""
    if g.nearest_matched_to is not None and related(d) is not None and g.nearest_similarity >= related(d):
        return (f"; closest theme this week: {g.nearest_current} (similarity {g.nearest_similarity:.2f}), "
                f"already the same theme as last week's {g.nearest_matched_to}: likely merged into it")
    return f"; closest theme this week: {g.nearest_current} (similarity {g.nearest_similarity:.2f})"


def policy_text(t: DigestTheme) -> str:
    if t.top_policy is None:
        return ""
    return f"{t.top_policy} {pct(t.top_policy_share, 0)}" if t.top_policy_share is not None else t.top_policy


def short_week(week: str) -> str:
    """`W47` of `2026-W47`."""
    return week.split("-", 1)[-1]


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
    out = [("metric", f"{m.name} {change_text(m)}, beyond noise ({p_text(m.p_value, d.noise_p)})")
           for m in d.metrics if m.verdict == "beyond noise"]
    for status in ("new", "growing", "shrinking"):
        for t in (t for t in d.themes if t.status == status):
            text = f"{t.theme_id} {theme_title(t)}: {plural(t.this_week, 'case')} in {d.week}"
            if t.previous_week is not None:
                text += f" ({t.previous_week} in {d.previous_week})"
            if (status == "new" and t.nearest_matched_to and related(d) is not None
                    and (t.nearest_similarity or 0) >= related(d)):
                text += f"; likely split from last week's {t.nearest_previous}"
            out.append((status, text))
    out += [("gone", f"{g.theme_id} of last week's run: {gone_name(g)}: {g.last_week or 0} cases in "
                     f"{d.previous_week}{gone_text(g, d)}") for g in d.gone]
    return out


def subtitle(d: Digest, with_time: bool = False) -> str:
    """The line under the title: the week's dates, what it is compared with, the window, the run."""
    sub = [d.week_dates]
    if d.status == "ok":
        sub.append(f"compared with {d.previous_week}" if d.last_week else "no previous week to compare with")
        sub.append(f"themes from {span(d.window)}")
        if d.as_of:
            sub.append(f"as of run {d.coverage.run_id}" + (f" ({d.as_of})" if with_time else ""))
    return " · ".join(sub)


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
    threshold = f", match threshold {d.match_threshold:.2f}" if d.match_threshold is not None else ""
    items.append(("settings", f"window {plural(len(d.window), 'week')}, top {d.top}{threshold}"))
    return items


# ---------------------------------------------------------------- the view

@dataclass(frozen=True)
class MetricRow:
    """A headline rate as both tables and the HTML cards show it."""

    rate: RateChange
    value: str
    interval: str
    count: str
    previous: str
    change: str
    noise: str
    chip: str  # the card's chip: `-7.8 pp, beyond noise`, `no comparison` or `unavailable`
    chip_class: str  # `better` / `worse` when beyond noise, else empty


@dataclass(frozen=True)
class ThemeRow:
    """A theme as the table and its detailed section show it."""

    theme: DigestTheme
    title: str
    match: str
    match_sentence: str  # `match` starting with a capital
    policy: str
    weekly: str  # `3 5 4 6 9 12`
    ata: str  # impact on ATA in pp
    cases: str  # `41 cases over the window, 12 in 2026-W47 (9 in 2026-W46)`
    impact: str  # `ATA +1.23 pp, FPR -0.80 pp, ...`
    fp: int
    fn: int
    source: str  # who wrote the RCA
    confidence: str
    owner: str
    cited: str  # the first cited case ids shown
    more: int  # cited case ids not shown
    refs: str  # `label draft 12 (draft, theme_label v1); RCA draft 13 (...)`


@dataclass(frozen=True)
class GoneRow:
    gone: GoneTheme
    name: str
    last_week: int
    policy: str
    fate: str  # `; closest theme this week: ...`, or empty


@dataclass(frozen=True)
class FixRow:
    fix: FixItem
    title: str  # `K3 0.0% beer rejected (action taken, owner ana)`
    action: str  # `2026-11-09 policy clarification: ...`
    says: str  # `fixed: 9.8% -> 2.1% of audited decisions (...)`


def fix_row(f: FixItem) -> FixRow:
    known = ", ".join(x for x in (f.status, f"owner {f.owner}" if f.owner else None) if x)
    says = effect_text(f.effect, f.denominator) if f.effect else "no run in the workspace holds this theme"
    return FixRow(fix=f, title=f"{f.theme_id} {f.name}" + (f" ({known})" if known else ""),
                  action=f"{f.action_date} {f.action_kind}: {f.action_text}", says=says)


@dataclass(frozen=True)
class DigestView:
    """The digest and its display values: what `digest.md.j2` and `digest.html.j2` read."""

    d: Digest
    subtitle: str
    subtitle_with_time: str
    week_short: str
    previous_short: str
    window: str
    figures: str
    changes: list[tuple[str, str]]
    metrics: list[MetricRow]
    rates_legend: str  # `ATA = accuracy of ...; FPR = ...`
    noise_line: str  # the p-value line, `0.05`
    themes_intro: str
    status_counts: str  # `4 new, 1 growing, 0 shrinking, 12 steady, 2 gone`
    themes: list[ThemeRow]
    detailed: list[ThemeRow]
    gone: list[GoneRow]
    families: list[FamilyRow]  # parent themes, each followed by its themes
    families_intro: str
    fixes: list[FixRow]
    offline_label: str  # shown when an RCA shown came from the offline drafter; else empty
    no_waiting: str
    waiting_intro: str
    review_command: str
    coverage: list[tuple[str, str]]
    exit_codes: str


def _metric_row(m: RateChange, alpha: float) -> MetricRow:
    if m.change_pp is not None:
        chip = f"{pp(m.change_pp, 1)} pp, {m.verdict}"
    else:
        chip = "unavailable" if m.verdict == "unavailable" else "no comparison"
    better_or_worse = m.verdict == "beyond noise" and m.direction in ("better", "worse")
    return MetricRow(rate=m, value=pct(m.current.value), interval=interval(m.current), count=count(m.current),
                     previous=pct(m.previous.value) if m.previous else "n/a", change=change_text(m),
                     noise=noise_text(m, alpha), chip=chip, chip_class=m.direction if better_or_worse else "")


def _theme_row(t: DigestTheme, d: Digest, cited_shown: int) -> ThemeRow:
    match = match_text(t, d)
    cases = f"{t.size} cases over the window, {t.this_week} in {d.week}"
    if t.previous_week is not None:
        cases += f" ({t.previous_week} in {d.previous_week})"
    rca, label = t.rca, t.label
    refs = [f"{name} draft {ref.draft_id} ({ref.status}, {ref.prompt})"
            for name, ref in (("label", label.draft if label else None), ("RCA", rca.draft if rca else None))
            if ref is not None]
    cited = rca.cited_case_ids[:cited_shown] if rca else []
    return ThemeRow(
        theme=t, title=theme_title(t), match=match,
        match_sentence=match[:1].upper() + match[1:], policy=policy_text(t),
        weekly=" ".join(str(w.count) for w in t.weekly), ata=pp(t.impact_pp.get("ATA")), cases=cases,
        impact=", ".join(f"{k} {pp(v)} pp" for k, v in t.impact_pp.items()),
        fp=t.error_types.get("FP", 0), fn=t.error_types.get("FN", 0),
        source=source_text(rca.draft.offline, rca.draft.model) if rca else "",
        confidence=(rca.confidence if rca else None) or "n/a", owner=(rca.owner if rca else None) or "unassigned",
        cited=", ".join(cited), more=len(rca.cited_case_ids) - len(cited) if rca else 0, refs="; ".join(refs))


def digest_view(d: Digest, settings: DigestSettings) -> DigestView:
    """The view of a digest (`settings`: how many cited case ids are shown)."""
    themes = [_theme_row(t, d, settings.cited_cases_shown) for t in d.themes]
    detailed = [row for row in themes if row.theme.detailed]
    matched = (f"Matched one-to-one to {d.previous_week}'s themes by centroid similarity (at least "
               f"{d.match_threshold:.2f}). " if d.has_previous and d.match_threshold is not None else "")
    waiting = d.waiting_for_review
    return DigestView(
        d=d, subtitle=subtitle(d), subtitle_with_time=subtitle(d, with_time=True), week_short=short_week(d.week),
        previous_short=short_week(d.previous_week), window=span(d.window), figures=figures_text(d),
        changes=changes(d) if d.status == "ok" else [], metrics=[_metric_row(m, d.noise_p) for m in d.metrics],
        rates_legend="; ".join(f"{m.name} = {m.title.lower()}" for m in d.metrics), noise_line=f"{d.noise_p:g}",
        themes_intro=matched + (f"Ranked by impact on ATA over {span(d.window)}: the percentage points ATA would "
                                "gain had the theme's cases been decided right."),
        status_counts=", ".join(f"{v} {k}" for k, v in d.status_counts.items()),
        themes=themes, detailed=detailed,
        gone=[GoneRow(gone=g, name=gone_name(g), last_week=g.last_week or 0, policy=g.top_policy or "no policy",
                      fate=gone_text(g, d)) for g in d.gone],
        families=family_rows(d, {row.theme.theme_id: row.title for row in themes}), families_intro=FAMILIES_INTRO,
        fixes=[fix_row(f) for f in d.fixes],
        offline_label=OFFLINE_LABEL if any(t.theme.rca and t.theme.rca.draft.offline for t in detailed) else "",
        no_waiting=NO_WAITING if d.coverage.run_id else NO_THEMES_NO_DRAFTS,
        waiting_intro=(f"{plural(len(waiting), 'draft')} of run {d.coverage.run_id} wait for a reviewer "
                       "(status draft or edited)"),
        review_command=f"error-themes drafts list --run {d.coverage.run_id} --status draft",
        coverage=coverage_items(d), exit_codes=EXIT_CODES_DOC)

"""Renderings of a stored draft: plain text for the command line, Markdown for the web app; and the name each
theme is shown by, from its label drafts (one rule for the CLI, the web app and the digest)."""

from __future__ import annotations

import json
import re

from assistant.drafting.models import RcaNarrative, ThemeLabel
from assistant.views.markdown import md
from assistant.views.text import text_table
from assistant.workspace.store import DraftRow
from clustering.printable import printable

OFFLINE_LABEL = "[offline drafter: written by rules from the evidence, no LLM]"
NAME_WIDTH = 40  # a theme's name in a text table


def source_label(row: DraftRow) -> str:
    """Who wrote a draft, as shown to people."""
    return OFFLINE_LABEL if row.offline else f"[LLM: {row.model}]"


def headline(row: DraftRow) -> str:
    """One line saying what a draft says."""
    content = row.content
    if row.status == "failed" or content is None:
        return f"failed: {row.error or ''}"[:90]
    if isinstance(content, ThemeLabel):
        return content.name
    if isinstance(content, RcaNarrative):
        return f"{content.root_cause_category}: {content.title}"[:90]
    return f"{content.policy}: {content.ambiguity}"[:90]


def drafts_table(rows: list[DraftRow], names: dict[tuple[str, str], str] | None = None) -> str:
    """Drafts as a table, one a line; names: (run id, theme id) -> the theme's name (`assistant.views.names`)."""
    if not rows:
        return "(no drafts)"
    names = names or {}
    lines = [[str(r.draft_id), r.run_id, r.theme_id, short(names.get((r.run_id, r.theme_id), "-")), r.kind, r.status,
              "offline" if r.offline else r.model, str(len(r.flags)), headline(r)] for r in rows]
    return text_table(["id", "run", "theme", "name", "kind", "status", "by", "flags", "says"], lines, right={0, 7})


def short(text: str, limit: int = NAME_WIDTH) -> str:
    """Text cut to `limit` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def draft_text(row: DraftRow, history: list[dict] | None = None) -> str:
    """A draft in full: what it says, its provenance, its flags and (optionally) its history."""
    out = [f"draft {row.draft_id}: {row.kind} of theme {row.theme_id} in run {row.run_id}, status {row.status}, "
           f"version {row.version}",
           printable(f"{source_label(row)} prompt {row.prompt_name} v{row.prompt_version}; evidence "
                     f"{row.evidence_hash[:12]}; tokens {row.prompt_tokens}+{row.completion_tokens}; attempts "
                     f"{row.attempts}" + (f"; reused from draft {row.reused_from}" if row.reused_from else "")
                     + (f"; reviewer {row.reviewer}" if row.reviewer else "")), ""]
    if row.content:
        out.append(json.dumps(row.content.model_dump(), indent=2, ensure_ascii=False))
    else:
        out += [f"error: {printable(row.error)}", "raw output:", row.raw_output or "(none)"]
    if row.flags:
        out += ["", "flags:", *(f"- {printable(f)}" for f in row.flags)]
    if history:
        out += ["", "history:", *("- " + printable(f"{h['at']} {h['actor']}: {h['action']} -> {h['status']}"
                                                   + (f" ({h['comment']})" if h.get("comment") else ""))
                                   for h in history)]
    return "\n".join(out)


def draft_body_md(row: DraftRow) -> str:
    """What a draft says, as Markdown (the web app's draft view). Every value is the model's (or a reviewer's) text,
    and the model read ad texts written by advertisers: each goes through `views.markdown`, so a draft holding an
    image or a link shows it as text."""
    c = row.content
    if c is None:
        raw = row.raw_output or ""
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", raw)), default=0) + 1)
        return f"**The drafter failed:** {md(row.error or 'no content')}\n\nRaw output:\n\n{fence}\n{raw}\n{fence}"
    if isinstance(c, ThemeLabel):
        return f"#### {md(c.name)}\n\n{md(c.sentence)}\n\nCites: {md(', '.join(c.cited_case_ids))}"
    if isinstance(c, RcaNarrative):
        lines = [f"#### {md(c.title)}", "", md(c.summary), "",
                 f"**Root cause** ({md(c.root_cause_category)}): {md(c.root_cause)}", "",
                 "**Evidence**"]
        for claim in c.evidence:
            figures = f"; figures {md(', '.join(claim.figures))}" if claim.figures else ""
            lines.append(f"- {md(claim.claim)} ({md(', '.join(claim.case_ids))}{figures})")
        lines += ["", f"**Impact:** {md(c.impact)}", "", "**Actions**"]
        lines += [f"- {md(a.action)} (owner: {md(a.owner)})" for a in c.actions]
        lines += ["", f"**Confidence:** {md(c.confidence)}"]
        if c.open_questions:
            lines += ["", "**Open questions**", *(f"- {md(q)}" for q in c.open_questions)]
        return "\n".join(lines)
    lines = [f"#### Policy: {md(c.policy)}", "", f"**Ambiguity:** {md(c.ambiguity)}", "",
             "**Proposed wording**", "", f"> {md(c.proposed_wording)}", "", "**Allowed examples**",
             *(f"- {md(e)}" for e in c.allowed_examples), "", "**Disallowed examples**",
             *(f"- {md(e)}" for e in c.disallowed_examples), "", f"**Rationale:** {md(c.rationale)}",
             "", f"Cites: {md(', '.join(c.cited_case_ids))}"]
    return "\n".join(lines)


def draft_json(row: DraftRow) -> str:
    """A draft's content as indented JSON (what a reviewer edits), or "" when the drafter failed."""
    return json.dumps(row.content.model_dump(), indent=2, ensure_ascii=False) if row.content else ""


def theme_labels(rows: list[DraftRow]) -> dict[str, str]:
    """The name of each theme from its label drafts: accepted first, then edited, then the newest draft."""
    rank = {"accepted": 0, "edited": 1, "draft": 2}
    best: dict[str, tuple[int, int, str]] = {}
    for r in rows:
        if r.kind != "label" or r.status not in rank or not isinstance(r.content, ThemeLabel):
            continue
        key = (rank[r.status], -r.draft_id, r.content.name)
        if r.theme_id not in best or key < best[r.theme_id]:
            best[r.theme_id] = key
    return {t: v[2] for t, v in best.items()}

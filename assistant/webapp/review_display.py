"""Display values of drafts for the theme page and the Review tab: pure functions into DataFrames and Markdown.

What a draft says (`draft_body_md`) is rendered by `assistant.views.drafts`, shared with other outputs.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from assistant.drafting.models import KINDS, cited_ids
from assistant.views.drafts import draft_body_md, headline, source_label
from assistant.views.markdown import md
from assistant.workspace.store import DraftRow

ALL = "All"  # a review filter that keeps every value
KIND_TITLES = {"label": "theme label", "rca": "RCA narrative", "policy": "policy clarification"}
KIND_HEADINGS = {"label": "Theme label", "rca": "RCA narrative", "policy": "Policy clarification"}
CITED_COLUMNS = ["case_id", "error_type", "policy", "locale", "reviewer_note", "ad_text"]


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind)


def theme_title(theme_id: str, name: str | None) -> str:
    """`T03 · Beer ads rejected`: a theme's id with the name it is shown by (`assistant.views.names`)."""
    return f"{theme_id} · {name}" if name else theme_id


def draft_header_md(row: DraftRow, name: str | None = None) -> str:
    """Which draft (of which theme, by its name), its status and who wrote it (offline drafter or which LLM)."""
    reviewer = f" by **{md(row.reviewer)}**" if row.reviewer else ""
    lines = [f"### Draft #{row.draft_id}: {md(kind_title(row.kind))} of theme {md(theme_title(row.theme_id, name))}",
             "",
             f"Status **{md(row.status)}**{reviewer} · updated {md(row.updated_at)} · run {md(row.run_id)}", "",
             f"{md(source_label(row))} · prompt {md(row.prompt_name)} v{row.prompt_version}"
             + (f" · reused from draft #{row.reused_from}" if row.reused_from else "")]
    if row.flags:
        lines += ["", "**Flags**", *(f"- {md(f)}" for f in row.flags)]
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
        reviewer = f" by {md(r.reviewer)}" if r.reviewer else ""
        parts.append(f"**{KIND_HEADINGS[kind]}** #{r.draft_id}{more} · status **{md(r.status)}**{reviewer} · "
                     f"{md(source_label(r))}\n\n{draft_body_md(r)}")
    return "\n\n---\n\n".join(parts)


def cited_cases_frame(row: DraftRow, cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """The cases a draft cites, from the run (full text) or else from the draft's stored evidence."""
    ids = cited_ids(row.content)
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
        facts = " · ".join(md(rec[c]) for c in ("error_type", "policy", "locale") if rec.get(c))
        card = f"**{md(rec['case_id'])}**" + (f" · {facts}" if facts else "")
        if rec.get("reviewer_note"):
            card += f"\n\nNote: {md(rec['reviewer_note'])}"
        if rec.get("ad_text"):
            card += f"\n\nAd: _{md(rec['ad_text'])}_"
        cards.append(card)
    return "\n\n---\n\n".join(cards)


def history_md(history: list[dict]) -> str:
    """Every change of a draft, oldest first, a line each."""
    if not history:
        return "_No history._"
    lines = []
    for h in history:
        comment = f": “{md(h['comment'])}”" if h.get("comment") else ""
        lines.append(f"- {md(h['at'].replace('T', ' '))} · **{md(h['actor'])}** {md(h['action'])} → "
                     f"{md(h['status'])}{comment}")
    return "\n".join(lines)


def draft_policy(row: DraftRow) -> str | None:
    """The policy a draft is about: its content's, or the theme's top policy."""
    policy = getattr(row.content, "policy", None)
    if policy:
        return str(policy)
    top = row.evidence.get("facets", {}).get("policy", [])[:1]
    return str(top[0]["value"]) if top else None


def queue_frame(rows: list[DraftRow], with_run: bool = False,
                names: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """The review queue, a draft a row; names: (run id, theme id) -> the theme's name."""
    data, names = [], names or {}
    for r in rows:
        line = [r.draft_id, r.theme_id, names.get((r.run_id, r.theme_id), ""), kind_title(r.kind), r.status,
                "offline" if r.offline else r.model, draft_policy(r) or "", r.reviewer or "", len(r.flags), headline(r)]
        data.append(line + ([r.run_id] if with_run else []))
    columns = ["id", "theme", "name", "kind", "status", "by", "policy", "reviewer", "flags", "says"]
    return pd.DataFrame(data, columns=columns + (["run"] if with_run else []))


def draft_choices(rows: list[DraftRow], names: dict[tuple[str, str], str] | None = None) -> list[tuple[str, int]]:
    """Dropdown choices (shown text, draft id)."""
    names = names or {}
    return [(f"#{r.draft_id} · {theme_title(r.theme_id, names.get((r.run_id, r.theme_id)))} · {kind_title(r.kind)} · "
             f"{r.status}", r.draft_id) for r in rows]


def sort_queue(rows: list[DraftRow]) -> list[DraftRow]:
    """Theme by theme, each kind together, newest first."""
    return sorted(rows, key=lambda r: (r.run_id, r.theme_id, KINDS.index(r.kind) if r.kind in KINDS else 9,
                                       -r.draft_id))


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

"""The digest's drafts: the label and RCA shown with each detailed theme, the policy clarifications accepted
since the previous digest, and the drafts still waiting for a reviewer. Drafts are typed: a stored draft's
content is its kind's model (`assistant.drafting.models`).
"""

from __future__ import annotations

from assistant.digest.models import Digest, DigestTheme, DraftRef, PolicyItem, ThemeLabelText, ThemeRca, WaitingDraft
from assistant.drafting.drafter import DraftOutcome
from assistant.drafting.models import PolicyClarification, RcaNarrative, ThemeLabel, cited_ids
from assistant.views.drafts import headline
from assistant.workspace.runs import Workspace
from assistant.workspace.store import DraftRow, DraftStore
from clustering.weeks import is_week


def _ref(row: DraftRow) -> DraftRef:
    return DraftRef(draft_id=row.draft_id, status=row.status, model=row.model, offline=row.offline,
                    prompt=f"{row.prompt_name} v{row.prompt_version}")


def _rca(row: DraftRow) -> ThemeRca:
    rca: RcaNarrative = row.content
    first = rca.actions[0] if rca.actions else None
    return ThemeRca(title=rca.title, summary=rca.summary, root_cause_category=rca.root_cause_category,
                    cited_case_ids=cited_ids(rca), action=first.action if first else None,
                    owner=first.owner if first else None, confidence=rca.confidence, draft=_ref(row))


def attach_drafts(themes: list[DigestTheme], outcomes: list[DraftOutcome], store: DraftStore) -> list[DraftRow]:
    """Put each detailed theme's label and RCA on it; returns every draft row used (for provenance)."""
    by_theme = {t.theme_id: t for t in themes}
    used = []
    for outcome in outcomes:
        theme = by_theme.get(outcome.theme_id)
        if theme is None or outcome.draft_id is None:
            continue
        row = store.get(outcome.draft_id)
        used.append(row)
        if row.status == "failed" or row.content is None:
            theme.draft_errors.append(f"{row.kind} draft {row.draft_id} failed: {row.error or 'no content'}")
        elif isinstance(row.content, ThemeLabel):
            theme.label = ThemeLabelText(name=row.content.name, sentence=row.content.sentence, draft=_ref(row))
        elif isinstance(row.content, RcaNarrative):
            theme.rca = _rca(row)
    return used


def first_draft_id(row: DraftRow, store: DraftStore) -> int:
    """The draft a reused draft was first written as (follows `reused_from`)."""
    seen, current = set(), row
    while current.reused_from is not None and current.reused_from not in seen:
        seen.add(current.draft_id)
        try:
            current = store.get(current.reused_from)
        except KeyError:
            break
    return current.draft_id


def earlier_digests(workspace: Workspace, week: str) -> dict[str, Digest]:
    """Digests of weeks before `week` recorded in the workspace (`WORKSPACE/digests/<week>/digest.json`)."""
    folder = workspace.root / "digests"
    found = {}
    if not folder.exists():
        return found
    for child in sorted(folder.iterdir()):
        if not (child.is_dir() and is_week(child.name) and child.name < week):
            continue
        try:
            found[child.name] = Digest.model_validate_json((child / "digest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return found


def accepted_policies(store: DraftStore, earlier: dict[str, Digest]) -> list[PolicyItem]:
    """Accepted policy clarifications (any run) not listed by an earlier digest, one per first draft."""
    listed = {p.first_draft_id for d in earlier.values() for p in d.policies_accepted}
    items: dict[int, PolicyItem] = {}
    for row in sorted(store.list(kind="policy", status="accepted"), key=lambda r: r.draft_id):
        first = first_draft_id(row, store)
        content = row.content
        if first in listed or first in items or not isinstance(content, PolicyClarification):
            continue
        items[first] = PolicyItem(draft_id=row.draft_id, first_draft_id=first, run_id=row.run_id,
                                  theme_id=row.theme_id, policy=content.policy,
                                  proposed_wording=content.proposed_wording, reviewer=row.reviewer)
    return list(items.values())


def waiting_drafts(store: DraftStore, run_id: str) -> list[WaitingDraft]:
    """Drafts of the run still waiting for a reviewer (status draft or edited), oldest first."""
    rows = [r for r in store.list(run_id=run_id) if r.status in ("draft", "edited")]
    return [WaitingDraft(draft_id=r.draft_id, theme_id=r.theme_id, kind=r.kind, status=r.status,
                         says=headline(r), model=r.model) for r in sorted(rows, key=lambda r: r.draft_id)]

"""Parent themes in the digest: this week's themes grouped under their parents, with each parent's figures and
drafted name; and the rows both templates show (a parent, then its themes indented, in impact order)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.digest.models import Digest, DigestParent, DigestTheme
from assistant.views.drafts import theme_labels
from assistant.views.formatting import pp
from assistant.workspace.store import DraftStore
from clustering.theme_model import ThemeRun

FAMILIES_INTRO = ("Themes close to each other, grouped under a parent theme (average linkage of the themes' "
                  "centres); a theme in no group stands alone and is listed in the table above only.")


def parent_labels(store: DraftStore, run_id: str) -> dict[str, str]:
    """The drafted name of each theme or parent of a run (`theme_labels`: accepted, then edited, then newest)."""
    return theme_labels(store.list(run_id=run_id, kind="label"))


def digest_parents(run: ThemeRun, week: str, labels: dict[str, str]) -> list[DigestParent]:
    """The parents of a run as the digest holds them."""
    return [DigestParent(
        theme_id=p.theme_id, level=p.level, children=p.children, theme_ids=p.theme_ids, size=p.size,
        this_week=next((w.count for w in p.weekly if w.week == week), 0),
        impact_pp={k: None if v is None else round(v, 2) for k, v in p.impact_pp.items()},
        error_types=p.error_types, keywords=[k.term for k in p.keywords[:5]], label=labels.get(p.theme_id),
    ) for p in run.parents]


@dataclass(frozen=True)
class FamilyRow:
    """One line of the parent-theme tree: a parent (depth 0, or 1 under a grandparent) or one of its themes."""

    depth: int
    theme_id: str
    is_parent: bool
    title: str  # the label, else the keywords
    summary: str  # figures


def family_rows(d: Digest, title_of: dict[str, str]) -> list[FamilyRow]:
    """Every parent with its children under it, the parent holding the best-ranked theme first.

    title_of: each theme's title as the themes table shows it."""
    themes = {t.theme_id: t for t in d.themes}
    parents = {p.theme_id: p for p in d.parents}
    under = {c for p in d.parents for c in p.children}

    def best(node_id: str) -> int:
        if node_id in themes:
            return themes[node_id].impact_rank
        return min((best(c) for c in parents[node_id].children if c in themes or c in parents), default=10**6)

    def rows(node_id: str, depth: int) -> list[FamilyRow]:
        if node_id in themes:
            t: DigestTheme = themes[node_id]
            return [FamilyRow(depth, node_id, False, title_of.get(node_id, node_id),
                              f"#{t.impact_rank}, {t.status}, {t.size} cases ({t.this_week} in {d.week}), "
                              f"ATA {pp(t.impact_pp.get('ATA'))} pp")]
        p = parents[node_id]
        kind = "groups" if p.level > 1 else "themes"
        head = FamilyRow(depth, node_id, True, p.label or ", ".join(p.keywords[:4]),
                         f"{len(p.children)} {kind}, {p.size} cases ({p.this_week} in {d.week}), "
                         f"ATA {pp(p.impact_pp.get('ATA'))} pp, FP {p.error_types.get('FP', 0)}, "
                         f"FN {p.error_types.get('FN', 0)}")
        children = sorted((c for c in p.children if c in themes or c in parents), key=best)
        return [head, *(row for c in children for row in rows(c, depth + 1))]

    top = sorted((p.theme_id for p in d.parents if p.theme_id not in under), key=best)
    return [row for node_id in top for row in rows(node_id, 0)]

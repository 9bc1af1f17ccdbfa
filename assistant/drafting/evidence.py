"""Evidence packs: all a draft may rest on, bounded by a token budget and stored with the draft.

A pack holds the theme's figures (size, mixes, facets with lift, impact, trend), its representative cases
and a few more members, and contrastive cases from the nearest other themes, so a label can say what sets
the theme apart. Ad and landing-page texts are untrusted; `assistant.drafting.prompting` fences them as data.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata

import numpy as np
import pandas as pd
from pydantic import BaseModel

from assistant.config import LLMSettings
from clustering.theme_model import ParentTheme, Theme, ThemeRun, inconsistent_total

NOTE_CHARS, AD_CHARS, LANDING_CHARS = 400, 240, 160  # longest texts shown; halved while the pack is too large
CONTRAST_THEMES, CONTRAST_CASES = 2, 2  # nearest other themes shown, and representatives of each
MIN_SCALE = 0.25  # texts are never cut below this share of their longest length


class EvidenceCase(BaseModel):
    """One case as a draft may see it."""

    case_id: str
    error_type: str | None = None
    policy: str | None = None
    locale: str | None = None
    queue: str | None = None
    decision_source: str | None = None
    moderator_id: str | None = None
    week: str | None = None
    reviewer_note: str | None = None
    ad_text: str | None = None
    landing_page_text: str | None = None


class ContrastTheme(BaseModel):
    """A nearby theme, so a draft can say what sets this one apart."""

    theme_id: str
    similarity: float
    keywords: list[str]
    cases: list[EvidenceCase]


class EvidencePack(BaseModel):
    """All a draft about one theme may rest on."""

    run_id: str
    theme_id: str
    size: int
    share_of_misjudged: float
    error_types: dict[str, int]
    sources: dict[str, int]
    keywords: list[str]
    facets: dict[str, list[dict]]
    over_represented: list[str]
    impact_pp: dict[str, float | None]
    weekly: dict[str, int]
    trend: str
    last_week_change: int | None
    inconsistent_ads: list[dict]
    inconsistent_ads_total: int
    sampled_cases: int
    cases: list[EvidenceCase]
    contrasts: list[ContrastTheme]

    def digest(self) -> str:
        """A hash of the evidence (not of the run it came from): the same evidence gives the same digest."""
        return hashlib.sha256(self.model_dump_json(exclude={"run_id"}).encode()).hexdigest()

    def case_ids(self) -> set[str]:
        return {c.case_id for c in self.cases}

    def tokens(self, chars_per_token: int) -> int:
        """Estimated size in tokens."""
        return len(self.model_dump_json()) // chars_per_token


def visible(text: str) -> str:
    """The text without invisible format characters (zero-width spaces and joiners, bidi controls, Unicode tag
    characters): an advertiser can hide instructions for the model in them that no reviewer sees."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _trim(value, limit: int) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = " ".join(visible(str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _case(row: pd.Series, scale: float = 1.0) -> EvidenceCase:
    def opt(name):
        value = row.get(name)
        return None if value is None or pd.isna(value) else str(value)

    return EvidenceCase(
        case_id=str(row["case_id"]), error_type=opt("error_type"), policy=opt("policy"), locale=opt("locale"),
        queue=opt("queue"), decision_source=opt("decision_source"), moderator_id=opt("moderator_id"),
        week=opt("week"), reviewer_note=_trim(row.get("reviewer_note"), int(NOTE_CHARS * scale)),
        ad_text=_trim(row.get("ad_text"), int(AD_CHARS * scale)),
        landing_page_text=_trim(row.get("landing_page_text"), int(LANDING_CHARS * scale)),
    )


def covered(theme: Theme) -> list[str]:
    """The theme ids whose cases belong to a theme: its own, or every theme under a parent theme."""
    return theme.theme_ids if isinstance(theme, ParentTheme) else [theme.theme_id]


def _members(cases: pd.DataFrame, theme: Theme, extra: int) -> list[str]:
    """The representatives, then `extra` other members spread over the theme (stable order)."""
    ids = [r.case_id for r in theme.representatives]
    rest = cases.loc[cases["theme_id"].isin(covered(theme)) & ~cases["case_id"].isin(ids)]
    rest = rest.sort_values("similarity", ascending=False, kind="stable")
    if extra and len(rest):
        picks = np.linspace(0, len(rest) - 1, num=min(extra, len(rest))).round().astype(int)
        ids += rest.iloc[sorted(set(picks))]["case_id"].astype(str).tolist()
    return ids


def _nearest(theme: Theme, run: ThemeRun, n: int) -> list[tuple[Theme, float]]:
    """The nearest other themes; for a parent theme, the nearest parents and themes outside it."""
    centre = np.asarray(theme.centroid)
    pool = run.themes
    if isinstance(theme, ParentTheme):
        inside = {c for p in run.parents for c in p.theme_ids}
        pool = [p for p in run.parents if p.level == theme.level] + [t for t in run.themes if t.theme_id not in inside]
    others = [(t, float(np.asarray(t.centroid) @ centre)) for t in pool if t.theme_id != theme.theme_id]
    return sorted(others, key=lambda pair: -pair[1])[:n]


def build_pack(run: ThemeRun, cases: pd.DataFrame, theme_id: str, settings: LLMSettings | None = None) -> EvidencePack:
    """The evidence pack of one theme of a run, shrunk until it fits `settings.token_budget`: fewer extra
    members first, then shorter texts, then fewer contrasting themes."""
    settings = settings or LLMSettings()
    theme = next((t for t in [*run.themes, *run.parents] if t.theme_id == theme_id), None)
    if theme is None:
        known = ", ".join(t.theme_id for t in run.themes)
        raise KeyError(f"run {run.run_id} has no theme {theme_id} (themes: {known})")
    by_id = cases.assign(case_id=cases["case_id"].astype(str)).set_index("case_id", drop=False)
    extra, scale, contrasts = settings.evidence_extra_members, 1.0, CONTRAST_THEMES
    while True:
        pack = _assemble(run, theme, by_id, _members(cases, theme, extra), scale, contrasts)
        if pack.tokens(settings.chars_per_token) <= settings.token_budget or (
                extra == 0 and contrasts == 0 and scale <= MIN_SCALE):
            return pack
        if extra > 0:
            extra = max(0, extra - 2)
        elif scale > MIN_SCALE:
            scale /= 2
        else:
            contrasts -= 1


def _assemble(run: ThemeRun, theme: Theme, by_id: pd.DataFrame, member_ids: list[str], scale: float,
              n_contrasts: int) -> EvidencePack:
    facets = {name: [{"value": visible(v.value), "count": v.count, "share": v.share, "lift": v.lift}
                     for v in values[:3]] for name, values in theme.facets.items()}
    over = [f"{name}={visible(v.value)} (lift {v.lift:.1f}, {v.count} cases)" for name, values in theme.facets.items()
            for v in values if v.over_represented]
    contrasts = []
    for other, similarity in _nearest(theme, run, n_contrasts):
        ids = [r.case_id for r in other.representatives[:CONTRAST_CASES]]
        contrasts.append(ContrastTheme(theme_id=other.theme_id, similarity=round(similarity, 3),
                                       keywords=[k.term for k in other.keywords[:5]],
                                       cases=[_case(by_id.loc[i], scale / 2) for i in ids if i in by_id.index]))
    return EvidencePack(
        run_id=run.run_id, theme_id=theme.theme_id, size=theme.size, share_of_misjudged=theme.share_of_misjudged,
        error_types=theme.error_types, sources=theme.sources, keywords=[k.term for k in theme.keywords],
        facets=facets, over_represented=over,
        impact_pp={k: None if v is None else round(v, 2) for k, v in theme.impact_pp.items()},
        weekly={w.week: w.count for w in theme.weekly}, trend=theme.trend, last_week_change=theme.last_week_change,
        inconsistent_ads=[{"ad_id": a.ad_id, "case_ids": a.case_ids, "decisions": a.decisions}
                          for a in theme.inconsistent_ads[:5]],
        inconsistent_ads_total=inconsistent_total(theme),
        sampled_cases=sum(1 for i in member_ids if i in by_id.index),
        cases=[_case(by_id.loc[i], scale) for i in member_ids if i in by_id.index],
        contrasts=contrasts,
    )


def pack_json(pack: EvidencePack) -> str:
    """The pack as compact JSON (what is stored and hashed)."""
    return json.dumps(pack.model_dump(), ensure_ascii=False, separators=(",", ":"))

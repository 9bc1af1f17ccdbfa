"""Evidence packs: what a draft may rest on, bounded by the token budget of the settings."""

from __future__ import annotations

from assistant.config import LLMSettings
from assistant.drafting.evidence import build_pack


def test_pack_holds_representatives_then_extra_members_of_the_theme(drafting_run):
    _, run, cases, _, theme_id = drafting_run
    theme = next(t for t in run.themes if t.theme_id == theme_id)
    pack = build_pack(run, cases, theme_id, LLMSettings(token_budget=50_000))
    representatives = [r.case_id for r in theme.representatives]
    ids = [c.case_id for c in pack.cases]
    assert ids[:len(representatives)] == representatives
    extra = min(LLMSettings().evidence_extra_members, theme.size - len(representatives))
    assert len(ids) == len(representatives) + extra
    members = set(cases.loc[cases["theme_id"] == theme_id, "case_id"].astype(str))
    assert set(ids) <= members
    assert pack.size == theme.size and pack.sampled_cases == len(ids)
    assert {c.theme_id for c in pack.contrasts} <= {t.theme_id for t in run.themes} - {theme_id}


def test_extra_members_follow_the_settings(drafting_run):
    _, run, cases, _, theme_id = drafting_run
    big = LLMSettings(token_budget=50_000)
    none = build_pack(run, cases, theme_id, big.model_copy(update={"evidence_extra_members": 0}))
    some = build_pack(run, cases, theme_id, big.model_copy(update={"evidence_extra_members": 2}))
    assert len(some.cases) == len(none.cases) + 2


def test_pack_shrinks_to_the_token_budget(drafting_run):
    _, run, cases, _, theme_id = drafting_run
    roomy = build_pack(run, cases, theme_id, LLMSettings(token_budget=50_000))
    settings = LLMSettings(token_budget=roomy.tokens(4) // 2)
    tight = build_pack(run, cases, theme_id, settings)
    assert tight.tokens(settings.chars_per_token) <= settings.token_budget < roomy.tokens(4)
    assert len(tight.cases) < len(roomy.cases)


def test_chars_per_token_sizes_the_pack(drafting_run):
    _, run, cases, _, theme_id = drafting_run
    budget = build_pack(run, cases, theme_id, LLMSettings(token_budget=50_000)).tokens(4)
    as_is = build_pack(run, cases, theme_id, LLMSettings(token_budget=budget))
    denser = build_pack(run, cases, theme_id, LLMSettings(token_budget=budget, chars_per_token=2))
    assert len(denser.model_dump_json()) < len(as_is.model_dump_json())


def test_same_evidence_gives_the_same_digest_whatever_the_run(drafting_run):
    _, run, cases, _, theme_id = drafting_run
    pack = build_pack(run, cases, theme_id)
    assert pack.digest() == pack.model_copy(update={"run_id": "another-run"}).digest()
    assert pack.digest() != pack.model_copy(update={"size": pack.size + 1}).digest()


def test_pack_counts_every_inconsistent_ad_not_only_the_listed_ones(drafting_run):
    _, run, cases, _, theme_id = drafting_run
    theme = next(t for t in run.themes if t.theme_id == theme_id)
    listed = theme.inconsistent_ads[:1] * 3
    counted = theme.model_copy(update={"inconsistent_ads": listed, "inconsistent_ads_total": 27})
    run = run.model_copy(update={"themes": [counted if t.theme_id == theme_id else t for t in run.themes]})
    pack = build_pack(run, cases, theme_id, LLMSettings(token_budget=50_000))
    assert pack.inconsistent_ads_total == 27
    older = counted.model_copy(update={"inconsistent_ads_total": None})  # a run saved before the count
    run = run.model_copy(update={"themes": [older if t.theme_id == theme_id else t for t in run.themes]})
    assert build_pack(run, cases, theme_id, LLMSettings(token_budget=50_000)).inconsistent_ads_total == len(listed)

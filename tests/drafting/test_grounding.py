"""Grounding: citations outside the theme removed and flagged, figures not in the evidence flagged."""

from __future__ import annotations

import json

from drafting_helpers import (
    draft,
    drafter,
    no_key,  # noqa: F401 - an autouse fixture: no API key in the environment
    settings,
)

from assistant.config import LLMSettings
from assistant.drafting.evidence import build_pack
from assistant.drafting.grounding import evidence_numbers, ground
from assistant.drafting.models import RcaNarrative, cited_ids
from assistant.workspace.store import DraftStore
from devtools.llm_server import completion


def test_case_ids_outside_the_theme_are_removed_and_flagged(llm_server, drafting_run, tmp_path):
    run_dir, _, cases, members, theme = drafting_run
    assert "C999999" not in set(cases["case_id"].astype(str))
    real = members[theme][0]
    other_theme = next(t for t in sorted(members) if t != theme)
    stranger = members[other_theme][0]
    content = draft("rca", ["C999999", real])
    content["evidence"].append({"claim": "Moderators of another queue disagree.", "case_ids": [stranger],
                                "figures": []})
    llm_server.script(completion(json.dumps(content)))
    store = DraftStore(tmp_path / "drafts.sqlite")
    (outcome,) = drafter(run_dir, store, settings(llm_server)).draft_all([theme], ("rca",))

    row = store.get(outcome.draft_id)
    assert row.status == "draft"
    assert [claim.case_ids for claim in row.content.evidence] == [[real]]
    assert "C999999" not in row.content.model_dump_json()
    assert "removed case id C999999: not a case of this theme" in row.flags
    assert f"removed case id {stranger}: not a case of this theme" in row.flags
    assert "removed claim with no case of this theme: Moderators of another queue disagree." in row.flags
    assert outcome.flags == row.flags

def test_label_citing_no_case_of_the_theme_is_flagged(llm_server, drafting_run, tmp_path):
    run_dir, _, _, _, theme = drafting_run
    llm_server.script(completion(json.dumps(draft("label", ["C999999"]))))
    store = DraftStore(tmp_path / "drafts.sqlite")
    (outcome,) = drafter(run_dir, store, settings(llm_server)).draft_all([theme], ("label",))

    row = store.get(outcome.draft_id)
    assert row.content.cited_case_ids == []
    assert row.flags == ["removed case id C999999: not a case of this theme", "the draft cites no case of this theme"]

def test_figure_not_in_the_evidence_is_flagged(llm_server, drafting_run, tmp_path):
    run_dir, run, cases, members, theme = drafting_run
    pack = build_pack(run, cases, theme, LLMSettings())
    assert "87.3" not in evidence_numbers(pack)
    size = str(pack.size)
    content = draft("rca", members[theme][:2])
    content["evidence"][0].update(claim=f"FNR rose 87.3 pp; the theme holds {size} cases.", figures=["87.3", size])
    llm_server.script(completion(json.dumps(content)))
    store = DraftStore(tmp_path / "drafts.sqlite")
    (outcome,) = drafter(run_dir, store, settings(llm_server)).draft_all([theme], ("rca",))

    row = store.get(outcome.draft_id)
    assert row.status == "draft"
    assert row.flags == ["figure 87.3 is not in the evidence"]  # the theme's size is in the evidence
    assert row.content.evidence[0].figures == ["87.3", size]  # flagged for the reviewer, not removed


def test_ground_keeps_the_theme_s_cases_and_returns_the_typed_draft(drafting_run):
    _, run, cases, members, theme = drafting_run
    pack = build_pack(run, cases, theme)
    inside = members[theme][:2]
    rca = RcaNarrative.model_validate(draft("rca", [inside[0], "C999999", inside[1]]))
    grounded, flags = ground("rca", rca, set(members[theme]), pack)
    assert isinstance(grounded, RcaNarrative)
    assert cited_ids(grounded) == inside
    assert flags == ["removed case id C999999: not a case of this theme"]


def test_figures_may_be_rounded_or_quoted_as_percentages(drafting_run):
    _, run, cases, _, theme = drafting_run
    pack = build_pack(run, cases, theme)
    known = evidence_numbers(pack)
    share = pack.share_of_misjudged
    assert f"{share * 100:.1f}" in known and f"{share:.2f}" in known and str(pack.size) in known
    assert "87.3" not in known

"""Labels of parent themes: the label kind on a parent's own evidence (the union of its themes), grounded in the
cases of the themes under it; by the offline drafter and by an LLM over HTTP (the scripted server)."""

from __future__ import annotations

import json

from drafting_helpers import (
    draft,
    drafter,
    evidence_block,
    no_key,  # noqa: F401 - an autouse fixture: no API key in the environment
    settings,
)

from assistant.config import LLMSettings
from assistant.drafting.backends.offline import OfflineDrafter
from assistant.drafting.drafter import Drafter
from assistant.drafting.evidence import build_pack
from assistant.views.drafts import theme_labels
from assistant.views.tree import theme_tree
from assistant.workspace.store import DraftStore
from devtools.llm_server import completion


def member_ids(cases, theme_ids) -> set[str]:
    return set(cases.loc[cases["theme_id"].isin(theme_ids), "case_id"].astype(str))


def test_parent_evidence_spans_its_themes_and_contrasts_with_other_families(drafting_run):
    _, run, cases, _, _ = drafting_run
    parent = run.parents[0]
    pack = build_pack(run, cases, parent.theme_id)
    assert pack.theme_id == parent.theme_id and pack.size == parent.size
    assert pack.case_ids() <= member_ids(cases, parent.theme_ids)
    themes_seen = set(cases.loc[cases["case_id"].astype(str).isin(pack.case_ids()), "theme_id"])
    assert len(themes_seen) >= 2  # the evidence shows more than one of its themes
    assert not {c.theme_id for c in pack.contrasts} & set(parent.theme_ids)  # contrasts are other families


def test_offline_labels_for_every_parent_cite_only_its_themes_cases(drafting_run, tmp_path):
    run_dir, run, cases, _, _ = drafting_run
    store = DraftStore(tmp_path / "drafts.sqlite")
    offline = Drafter(run_dir, store, OfflineDrafter(), LLMSettings())
    outcomes = offline.draft_all(None, ("label", "rca", "policy"), top=0, parents=True)
    assert [(o.theme_id, o.kind, o.outcome) for o in outcomes] == [(p.theme_id, "label", "created")
                                                                    for p in run.parents]
    for parent in run.parents:
        (row,) = store.list(run_id=run.run_id, theme_id=parent.theme_id)
        assert row.content.cited_case_ids and set(row.content.cited_case_ids) <= member_ids(cases, parent.theme_ids)
    labels = theme_labels(store.list(run_id=run.run_id, kind="label"))
    assert set(labels) == {p.theme_id for p in run.parents}
    assert {n.theme.theme_id for n in theme_tree(run) if n.is_parent} <= set(labels)


def test_llm_parent_label_is_grounded_in_the_parents_themes(llm_server, drafting_run, tmp_path):
    run_dir, run, cases, members, _ = drafting_run
    parent = run.parents[0]
    inside = sorted(member_ids(cases, parent.theme_ids))[:2]
    outside = next(t.theme_id for t in run.themes if t.theme_id not in parent.theme_ids)
    stranger = members[outside][0]
    llm_server.script(completion(json.dumps(draft("label", [*inside, stranger]))))
    store = DraftStore(tmp_path / "drafts.sqlite")
    (outcome,) = drafter(run_dir, store, settings(llm_server)).draft_all([parent.theme_id], ("label", "rca"))
    assert (outcome.theme_id, outcome.kind, outcome.outcome) == (parent.theme_id, "label", "created")
    assert f"removed case id {stranger}: not a case of this theme" in outcome.flags
    assert store.get(outcome.draft_id).content.cited_case_ids == inside
    (request,) = llm_server.requests
    assert f"theme {parent.theme_id}" in request.content("user")
    shown = json.loads(evidence_block(request.content("user")))["cases"]
    assert {c["case_id"] for c in shown} <= member_ids(cases, parent.theme_ids)

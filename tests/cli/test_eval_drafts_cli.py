"""`error-themes eval-drafts`: a backend's drafts scored on the planted demo themes (offline drafter, and the
scripted server for validity after a repair and citations outside the theme)."""

from __future__ import annotations

import json
import re

import pytest

from assistant.cli import main
from assistant.drafting.evidence import build_pack
from assistant.workspace.runs import load_run
from assistant.workspace.store import DraftStore
from devtools.llm_server import completion
from eval_sets.demo_data import PLANTED_THEMES
from eval_sets.root_causes import read_expected

KEY_ENV = "ERROR_THEMES_TEST_LLM_KEY"


@pytest.fixture
def expected_file(tmp_path):
    path = tmp_path / "root_causes.json"
    path.write_text(json.dumps({k: v["root_cause"] for k, v in PLANTED_THEMES.items()}), encoding="utf-8")
    return path


def test_shipped_expected_files_match_the_generators():
    from eval_sets.marketplace_data import PLANTED_THEMES as MARKETPLACE

    for name, planted in (("demo", PLANTED_THEMES), ("marketplace", MARKETPLACE)):
        assert read_expected(f"eval_sets/{name}/root_causes.json") == {k: v["root_cause"] for k, v in planted.items()}


def test_offline_drafts_are_scored_and_the_workspace_is_untouched(small_run, small_demo_csv, expected_file, tmp_path,
                                                                    capsys):
    workspace, run_dir, _ = small_run
    before = len(DraftStore(workspace.store_path).list())
    out = tmp_path / "eval.json"
    code = main(["eval-drafts", str(run_dir), "--workspace", str(workspace.root), "--labels",
                 f"{small_demo_csv}:theme", "--expected", str(expected_file), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    data = json.loads(out.read_text(encoding="utf-8"))
    drafts, figures = data["drafts"], data["figures"]
    assert figures["model"] == "offline-drafter/1" and figures["structured_output"] == "n/a"
    assert {d["kind"] for d in drafts} == {"rca"} and len(drafts) == figures["drafts"] >= 6
    assert figures["valid_first_answer"] == 1.0 and figures["failed"] == 0.0
    assert figures["citations_outside_theme"] == 0 and figures["citations"] > 0
    agree = sum(d["drafted"] == d["expected"] for d in drafts)
    assert figures["root_cause_agreement"] == pytest.approx(agree / len(drafts))
    assert all(d["expected"] == PLANTED_THEMES[d["planted"]]["root_cause"] for d in drafts)
    assert f"root-cause agreement: {round(100 * agree / len(drafts))}% ({agree} of {len(drafts)})" in printed
    assert len(DraftStore(workspace.store_path).list()) == before  # drafted into a scratch store


def test_an_llm_answer_repaired_and_one_citing_outside_the_theme_are_counted(small_run, small_demo_csv,
                                                                            expected_file, llm_server, tmp_path,
                                                                            monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    workspace, run_dir, run = small_run
    run, cases = load_run(run_dir)
    label = {"name": "Theme", "sentence": "A sentence."}

    def respond(request):
        theme = re.search(r"\btheme (T\d+)", request.content("user")).group(1)
        ids = [c.case_id for c in build_pack(run, cases, theme).cases][:2]
        if len(request.messages) == 2:  # the first answer: invalid (no citation)
            return completion(json.dumps(label), prompt_tokens=100, completion_tokens=10)
        return completion(json.dumps({**label, "cited_case_ids": [*ids, "C999999"]}), prompt_tokens=150,
                          completion_tokens=20)

    llm_server.responder = respond
    config = tmp_path / "llm.yaml"
    config.write_text(f"llm:\n  backend: openai\n  base_url: {llm_server.base_url}\n  model: test-model\n"
                      f"  api_key_env: {KEY_ENV}\n  max_retries: 0\n", encoding="utf-8")
    out = tmp_path / "eval.json"
    code = main(["eval-drafts", "latest", "--workspace", str(workspace.root), "--labels", f"{small_demo_csv}:theme",
                 "--expected", str(expected_file), "--kind", "label", "--limit", "2", "--config", str(config),
                 "--structured-output", "json_object", "--out", str(out)])
    assert code == 0
    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    assert figures["drafts"] == 2 and figures["valid_after_repair"] == 1.0
    assert figures["structured_output"] == "json_object"
    assert figures["citations_outside_theme"] == 2 and figures["citations"] == 6
    assert figures["prompt_tokens_per_draft"] == 250 and figures["completion_tokens_per_draft"] == 30
    assert figures["root_cause_agreement"] is None  # no RCA was drafted
    assert {r.form for r in llm_server.requests} == {"json_object"}


def test_themes_can_be_chosen_by_name_or_the_largest_taken(small_run, small_demo_csv, expected_file, tmp_path,
                                                          capsys):
    from eval_sets.scorer import read_labels, score_run

    workspace, run_dir, _ = small_run
    _, assignments = load_run(run_dir)
    sizes = {m.planted: m.size for m in score_run(assignments[["case_id", "theme_id"]],
                                                   read_labels(small_demo_csv, "theme")).planted if m.best_theme}
    common = ["eval-drafts", str(run_dir), "--workspace", str(workspace.root), "--labels", f"{small_demo_csv}:theme",
              "--expected", str(expected_file)]
    chosen = sorted(sizes)[-2:]
    out = tmp_path / "chosen.json"
    assert main([*common, "--theme", chosen[0], "--theme", chosen[1], "--out", str(out)]) == 0
    assert sorted(d["planted"] for d in json.loads(out.read_text(encoding="utf-8"))["drafts"]) == chosen

    out = tmp_path / "largest.json"
    assert main([*common, "--limit", "2", "--out", str(out)]) == 0
    drafted = {d["planted"] for d in json.loads(out.read_text(encoding="utf-8"))["drafts"]}
    assert len(drafted) == 2
    assert min(sizes[p] for p in drafted) >= max(sizes[p] for p in set(sizes) - drafted)

    capsys.readouterr()
    assert main([*common, "--theme", "no_such_theme"]) == 2
    assert "not a planted theme of the labels: no_such_theme" in capsys.readouterr().err

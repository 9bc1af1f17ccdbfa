"""Building the weekly digest (assistant/digest/build.py, drafts.py): runs, metrics, matched themes, drafts."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from assistant.config import LLMSettings
from assistant.digest.build import find_run, rate_changes, write_digest
from assistant.exit_codes import EXIT_NO_DATA, EXIT_OK, EXIT_PARTIAL
from assistant.workspace.runs import Workspace, load_run, saved_runs
from assistant.workspace.store import DraftStore
from clustering.metrics import ONLY_MISJUDGED, Rate
from clustering.settings import StatsSettings, ThemeSettings
from eval_sets import DEMO_CASES

WEEK = "2026-W47"
NEW_THEME = "deepfake_celebrity_investment_scam"
GROWING_THEME = "compounded_glp1_telehealth_growing"
NOISE_P = StatsSettings().noise_p


def planted_status(result, workspace) -> dict[str, str]:
    """The digest status of the theme holding most cases of each planted label (`theme` column, tests only)."""
    _, cases = load_run(workspace.runs / result.digest.coverage.run_id)
    planted = pd.read_csv(DEMO_CASES, usecols=["case_id", "theme"], dtype=str)
    joined = cases.merge(planted, on="case_id")
    joined = joined[joined["theme_id"].notna() & ~joined["unthemed"]]
    best = joined.groupby("theme")["theme_id"].agg(lambda s: s.value_counts().index[0])
    status = {t.theme_id: t.status for t in result.digest.themes}
    return {label: status[theme_id] for label, theme_id in best.items()}


# ---------------------------------------------------------------- the demo week

def test_planted_new_theme_is_new_and_growing_theme_is_growing(demo_digest):
    workspace, result, _ = demo_digest
    assert result.exit_code == EXIT_OK
    statuses = planted_status(result, workspace)
    assert statuses[NEW_THEME] == "new"
    assert statuses[GROWING_THEME] == "growing"
    # the other planted themes were there last week too
    others = {k: v for k, v in statuses.items() if k not in (NEW_THEME, GROWING_THEME, "noise")}
    assert sum(v == "steady" for v in others.values()) >= len(others) - 2
    digest = result.digest
    assert digest.has_previous and digest.previous_week == "2026-W46"
    assert digest.window == [f"2026-W{w}" for w in range(42, 48)]
    assert digest.coverage.weeks_analysed == digest.window
    assert result.runs_reused == {"current": False, "previous": False}


def test_digest_says_what_it_rests_on(demo_digest):
    _, result, files = demo_digest
    digest = result.digest
    md = files["digest.md"].decode()
    # headline metrics with intervals, last week and a noise call
    ata = next(m for m in digest.metrics if m.name == "ATA")
    assert ata.current.numerator == 202 and ata.current.denominator == 385
    assert ata.previous.denominator == 337 and ata.change_pp == pytest.approx(-12.2, abs=0.05)
    # 202/385 against 218/337: every expected count of the 2x2 table is large, so Pearson's chi-square (Yates), whose
    # p-value on these counts is about 0.001: below the noise line, the fall is beyond noise
    assert ata.previous.numerator == 218
    p_value = chi2_contingency([[202, 385 - 202], [218, 337 - 218]]).pvalue
    assert p_value < NOISE_P
    assert ata.test == "chi-square" and ata.verdict == "beyond noise"
    assert re.search(r"\| ATA \| 52\.5% \| 47\.\d-57\.\d% \| 202/385 \| 64\.7% \| -12\.2 pp \(worse\) \| "
                     r"beyond noise", md)
    assert digest.noise_p == NOISE_P and "gives p < 0.05." in md
    # themes matched, ranked by impact, the top ones in full with drafts
    ranks = [t.impact_rank for t in digest.themes]
    assert ranks == list(range(1, len(ranks) + 1))
    atas = [t.impact_pp["ATA"] for t in digest.themes]
    assert atas == sorted(atas, reverse=True)
    assert "same theme as last week's" in md
    detailed = [t for t in digest.themes if t.detailed]
    assert {t.impact_rank for t in detailed} >= {1, 2, 3, 4, 5}
    assert all(t.status in ("new", "growing") for t in detailed if t.impact_rank > 5)
    for theme in detailed:
        assert theme.label is not None and theme.rca is not None, theme.theme_id
        assert theme.rca.cited_case_ids and theme.rca.owner and theme.rca.action
        assert theme.rca.draft.offline
        assert f"### {theme.impact_rank}. {theme.theme_id}: " in md
    assert "\\[offline drafter\\]" in md  # escaped: shows as [offline drafter]
    # reviews and coverage
    assert digest.waiting_for_review and all(w.status in ("draft", "edited") for w in digest.waiting_for_review)
    assert "## Policy clarifications accepted since the previous digest" in md
    coverage = digest.coverage
    assert (coverage.rows_read, coverage.rows_loaded, coverage.rows_skipped) == (1953, 1953, 0)
    assert (coverage.week_rows, coverage.previous_week_rows) == (385, 337)
    assert coverage.embedding_model and coverage.drafting_models == ["offline-drafter/1"]
    assert coverage.prompts == ["policy_clarification v1", "rca_narrative v1", "theme_label v1"]
    assert coverage.sha256[:12] in md
    assert json.loads(files["digest.json"])["week"] == WEEK


def test_rerun_gives_identical_files_and_reuses_runs(demo_digest):
    workspace, first, files = demo_digest
    runs = workspace.run_ids()
    again = write_digest(DEMO_CASES, WEEK, workspace)
    assert again.exit_code == EXIT_OK
    assert again.runs_reused == {"current": True, "previous": True}
    assert workspace.run_ids() == runs  # no new run folder
    assert again.draft_outcomes["created"] == 0
    for name in ("digest.md", "digest.json", "digest.html"):
        assert again.paths[name].read_bytes() == files[name], name


def test_runs_are_found_through_the_workspace_and_a_damaged_one_is_skipped(demo_digest, tmp_path):
    workspace = Workspace(shutil.copytree(demo_digest[0].root, tmp_path / "ws", ignore=shutil.ignore_patterns("cache")))
    digest = demo_digest[1].digest
    sha, settings = hashlib.sha256(DEMO_CASES.read_bytes()).hexdigest(), ThemeSettings()
    assert digest.coverage.sha256 == sha  # the hash of the file's bytes, as runs saved before the loader hashed
    found = find_run(workspace, sha, digest.window, settings, digest.coverage.run_rows)
    assert found is not None and found[1].run_id == digest.coverage.run_id
    assert find_run(workspace, sha, digest.window, ThemeSettings(cluster={"min_cluster_size": 99})) is None
    assert find_run(workspace, "0" * 64, digest.window, settings) is None
    (found[0] / "themes.json").write_text("{ not json", encoding="utf-8")
    assert digest.coverage.run_id not in {run.run_id for _, run in saved_runs(workspace)}
    assert find_run(workspace, sha, digest.window, settings, digest.coverage.run_rows) is None


def test_digest_settings_come_from_the_settings_file(demo_digest, tmp_path, monkeypatch):
    workspace = Workspace(shutil.copytree(demo_digest[0].root, tmp_path / "ws"))
    config = tmp_path / "settings.yaml"
    config.write_text("digest:\n  top: 2\n  cited_cases_shown: 2\nstats:\n  noise_p: 0.01\n", encoding="utf-8")
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", config=config)
    digest = result.digest
    assert result.runs_reused == {"current": True, "previous": True}
    assert digest.top == 2 and digest.noise_p == 0.01
    assert {t.impact_rank for t in digest.themes if t.detailed and t.status not in ("new", "growing")} <= {1, 2}
    md = result.paths["digest.md"].read_text()
    assert "gives p < 0.01." in md and "The top 2 by impact" in md
    assert re.search(r"Cases: C\d+, C\d+ and \d+ more\.", md)
    # an argument beats the file
    assert write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", config=config, top=3).digest.top == 3
    # and the environment beats the file
    monkeypatch.setenv("ERROR_THEMES_STATS__NOISE_P", "0.02")
    again = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", config=config)
    assert again.digest.noise_p == 0.02 and "gives p < 0.02." in again.paths["digest.md"].read_text()


# ---------------------------------------------------------------- weeks without data

def test_week_with_no_data_exits_3_and_says_so(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    result = write_digest(DEMO_CASES, "2026-W50", workspace)
    assert result.exit_code == EXIT_NO_DATA
    md = result.paths["digest.md"].read_text()
    assert "No audited cases in 2026-W50" in md and "Weeks in the file: 2026-W42" in md
    assert result.digest.status == "no data"
    assert json.loads(result.paths["digest.json"].read_text())["status"] == "no data"
    assert result.paths["digest.html"].exists()
    assert workspace.run_ids() == []  # nothing analysed


def test_first_week_says_there_is_no_previous_week(demo_digest, tmp_path):
    workspace = Workspace(shutil.copytree(demo_digest[0].root, tmp_path / "ws"))  # its embedding cache is warm
    result = write_digest(DEMO_CASES, "2026-W42", workspace)
    assert result.exit_code == EXIT_OK
    digest = result.digest
    assert not digest.has_previous and digest.last_week is None and not digest.gone
    md = result.paths["digest.md"].read_text()
    assert "No previous week to compare with: 2026-W41 has no audited cases" in md
    assert all(m.change_pp is None and m.note == "no previous week to compare with" for m in digest.metrics)
    assert digest.themes and all(t.matched_previous is None for t in digest.themes)
    assert all(t.status == "new" for t in digest.themes)  # a single week: every theme is new
    assert digest.coverage.weeks_analysed[-1] == "2026-W42" and digest.coverage.previous_run_id is None


@pytest.mark.parametrize("week", ["2026-45", "2026-W4", "W45", "2026-W54", "2021-W53", ""])
def test_bad_week_is_refused(week, tmp_path):
    with pytest.raises(ValueError, match="week"):
        write_digest(DEMO_CASES, week, tmp_path / "ws")
    assert not (tmp_path / "ws").exists()


def test_bad_top_or_window_is_refused_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="--top"):
        write_digest(DEMO_CASES, WEEK, tmp_path / "ws", top=0)
    with pytest.raises(ValueError, match="window"):
        write_digest(DEMO_CASES, WEEK, tmp_path / "ws", window=0)
    assert not (tmp_path / "ws").exists()


def test_week_without_misjudged_cases_has_metrics_but_no_themes(make_csv, tmp_path):
    from conftest import case

    path = make_csv([case("C1", "reject", "reject", decided_at="2026-11-02T10:00:00Z"),
                     case("C2", "approve", "approve", decided_at="2026-11-03T10:00:00Z"),
                     case("C3", "reject", "approve", decided_at="2026-10-27T10:00:00Z"),
                     case("C4", "approve", "approve", decided_at="2026-10-27T10:00:00Z")])
    workspace = Workspace(tmp_path / "ws")
    result = write_digest(path, "2026-W45", workspace, window=1)
    assert result.exit_code == EXIT_OK and workspace.run_ids() == []
    digest = result.digest
    assert digest.themes == [] and digest.last_week.misjudged == 1
    ata = next(m for m in digest.metrics if m.name == "ATA")
    assert ata.change_pp == pytest.approx(50.0) and ata.test == "Fisher exact" and ata.verdict == "within noise"
    md = result.paths["digest.md"].read_text()
    assert "No misjudged cases in 2026-W45: there are no error themes to find." in md
    assert "compared with 2026-W44" in md


# ---------------------------------------------------------------- the metric changes

def rate(name: str, num: int | None, den: int | None, unavailable: str | None = None) -> Rate:
    value = None if unavailable or not den else num / den
    return Rate(name=name, value=value, numerator=num, denominator=den, unavailable=unavailable)


def test_rate_changes_say_direction_noise_and_unavailable_rates():
    now = {"FPR": rate("FPR", 300, 1000), "FDR": rate("FDR", 10, 50), "FNR": rate("FNR", 5, 40),
           "ATA": rate("ATA", 700, 1000), "IR": rate("IR", None, None, ONLY_MISJUDGED)}
    before = {"FPR": rate("FPR", 200, 1000), "FDR": rate("FDR", 11, 50), "FNR": rate("FNR", 6, 40),
              "ATA": rate("ATA", 800, 1000), "IR": rate("IR", None, None, ONLY_MISJUDGED)}
    changes = {c.name: c for c in rate_changes(now, before, NOISE_P)}
    assert changes["FPR"].change_pp == pytest.approx(10.0) and changes["FPR"].direction == "worse"
    assert changes["FPR"].verdict == "beyond noise"
    assert changes["ATA"].direction == "worse" and changes["ATA"].verdict == "beyond noise"
    assert changes["FDR"].direction == "better" and changes["FDR"].verdict == "within noise"
    assert changes["IR"].verdict == "unavailable" and changes["IR"].note == ONLY_MISJUDGED
    alone = {c.name: c for c in rate_changes(now, None, NOISE_P)}
    assert alone["FPR"].verdict == "no comparison" and alone["FPR"].note == "no previous week to compare with"


# ---------------------------------------------------------------- reviews and failures

def test_accepted_policy_clarifications_are_listed_once(demo_digest, tmp_path):
    source, _, _ = demo_digest
    workspace = Workspace(shutil.copytree(source.root, tmp_path / "ws"))
    store = DraftStore(workspace.store_path)
    run_w47 = write_digest(DEMO_CASES, WEEK, workspace).digest.coverage.run_id
    policies = [r for r in store.list(run_id=run_w47, kind="policy") if r.status == "draft"]
    store.accept(policies[0].draft_id, "Pat Lee", "agreed in policy sync")
    # the W46 digest is the first to list it ...
    w46 = write_digest(DEMO_CASES, "2026-W46", workspace)
    assert [p.draft_id for p in w46.digest.policies_accepted] == [policies[0].draft_id]
    assert w46.digest.policies_accepted[0].reviewer == "Pat Lee"
    # ... so the W47 digest does not list it again, only what was accepted since
    store.accept(policies[1].draft_id, "Pat Lee")
    w47 = write_digest(DEMO_CASES, WEEK, workspace)
    assert w47.digest.earlier_digests == ["2026-W46"]
    assert [p.draft_id for p in w47.digest.policies_accepted] == [policies[1].draft_id]
    assert policies[1].draft_id not in {w.draft_id for w in w47.digest.waiting_for_review}
    assert f"(draft {policies[1].draft_id}, theme {policies[1].theme_id}" in w47.paths["digest.md"].read_text()


def test_failed_drafts_exit_1_and_are_reported(demo_digest, tmp_path, llm_server):
    source, _, _ = demo_digest
    workspace = Workspace(shutil.copytree(source.root, tmp_path / "ws"))
    llm = LLMSettings(backend="openai", base_url=llm_server.base_url, model="down-model", max_retries=0,
                      concurrency=2)
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", llm_settings=llm)
    assert result.exit_code == EXIT_PARTIAL
    assert result.digest.drafts_failed and all(t.rca is None for t in result.digest.themes)
    md = result.paths["digest.md"].read_text()
    assert "Draft failed: rca draft" in md and "Drafts that failed this time:" in md
    assert (tmp_path / "out" / "digest.html").exists()

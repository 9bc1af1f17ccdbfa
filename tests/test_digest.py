"""The weekly digest (assistant/digest.py, digest_render.py, theme_match.py).

The demo-data tests share one workspace (module fixture): the 2026-W47 digest analyses two six-week windows
(W42..W47 and W41..W46), a minute or two the first time. Tests that change drafts work on a copy of it.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pandas as pd
import pytest
from llm_server import llm_server_fixture  # noqa: F401 - the llm_server fixture

from assistant.config import LLMSettings
from assistant.digest.build import (
    EXIT_DRAFTS_FAILED,
    EXIT_NO_DATA,
    EXIT_OK,
    EXIT_WEBHOOK_FAILED,
    noise_call,
    parse_week,
    rate_changes,
    shift_week,
    two_proportion_test,
    window_weeks,
    write_digest,
)
from assistant.digest.render import html, markdown
from assistant.workspace.runs import Workspace, load_run
from assistant.workspace.store import DraftStore
from clustering.metrics import ONLY_MISJUDGED, Rate
from clustering.tracking import match_centroids, theme_status
from eval_sets import DEMO_CASES

WEEK = "2026-W47"
NEW_THEME = "deepfake_celebrity_investment_scam"
GROWING_THEME = "compounded_glp1_telehealth_growing"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The W47 digest of the shipped demo data in a fresh workspace: (workspace, result, bytes of each file)."""
    workspace = Workspace(tmp_path_factory.mktemp("digest_ws"))
    result = write_digest(DEMO_CASES, WEEK, workspace)
    files = {name: path.read_bytes() for name, path in result.paths.items()}
    return workspace, result, files


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

def test_planted_new_theme_is_new_and_growing_theme_is_growing(demo):
    workspace, result, _ = demo
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


def test_digest_says_what_it_rests_on(demo):
    _, result, files = demo
    digest = result.digest
    md = files["digest.md"].decode()
    # headline metrics with intervals, last week and a noise call
    ata = next(m for m in digest.metrics if m.name == "ATA")
    assert ata.current.numerator == 202 and ata.current.denominator == 360
    assert ata.previous.denominator == 341 and ata.change_pp == pytest.approx(-7.8, abs=0.05)
    assert ata.verdict in ("beyond noise", "within noise") and ata.test in ("chi-square", "Fisher exact")
    assert re.search(r"\| ATA \| 56\.1% \| 50\.\d-61\.\d% \| 202/360 \| 63\.9% \| -7\.8 pp \(worse\) \| "
                     r"(beyond|within) noise", md)
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
    assert "[offline drafter]" in md
    # reviews and coverage
    assert digest.waiting_for_review and all(w.status in ("draft", "edited") for w in digest.waiting_for_review)
    assert "## Policy clarifications accepted since the previous digest" in md
    coverage = digest.coverage
    assert (coverage.rows_read, coverage.rows_loaded, coverage.rows_skipped) == (1910, 1910, 0)
    assert (coverage.week_rows, coverage.previous_week_rows) == (360, 341)
    assert coverage.embedding_model and coverage.drafting_models == ["offline-drafter/1"]
    assert coverage.prompts == ["policy_clarification v1", "rca_narrative v1", "theme_label v1"]
    assert coverage.sha256[:12] in md
    assert json.loads(files["digest.json"])["week"] == WEEK


def test_html_is_self_contained(demo):
    _, _, files = demo
    page = files["digest.html"].decode()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<style>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "<script" not in page and "@import" not in page
    assert len(page) < 500_000


def test_rerun_gives_identical_files_and_reuses_runs(demo):
    workspace, first, files = demo
    runs = workspace.run_ids()
    again = write_digest(DEMO_CASES, WEEK, workspace)
    assert again.exit_code == EXIT_OK
    assert again.runs_reused == {"current": True, "previous": True}
    assert workspace.run_ids() == runs  # no new run folder
    assert again.draft_outcomes["created"] == 0
    for name in ("digest.md", "digest.json", "digest.html"):
        assert again.paths[name].read_bytes() == files[name], name


def test_untrusted_text_is_escaped_in_html(demo):
    _, result, _ = demo
    digest = result.digest.model_copy(deep=True)
    theme = next(t for t in digest.themes if t.detailed)
    theme.label.name = "<script>alert('x')</script>"
    theme.rca.summary = "</p><img src=x onerror=alert(1)>"
    page = html(digest)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    theme.label.name = "pipes | break tables"
    assert "| pipes \\| break tables |" in markdown(digest)


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


def test_first_week_says_there_is_no_previous_week(demo, tmp_path):
    workspace = Workspace(shutil.copytree(demo[0].root, tmp_path / "ws"))  # its embedding cache is warm
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


def test_iso_week_arithmetic():
    assert parse_week("2020-W53") == (2020, 53)
    assert shift_week("2027-W01", -1) == "2026-W53"  # 2026 has 53 ISO weeks
    assert shift_week("2026-W52", 2) == "2027-W01"
    assert window_weeks("2026-W02", 3) == ["2025-W52", "2026-W01", "2026-W02"]


# ---------------------------------------------------------------- matching

def unit(*xs: float) -> list[float]:
    v = np.asarray(xs, dtype=float)
    return list(v / np.linalg.norm(v))


def test_matching_is_one_to_one_with_a_threshold():
    previous = {"P1": unit(1, 0, 0, 0), "P2": unit(0, 1, 0, 0), "P3": unit(0, 0, 0, 1)}
    current = {
        "C1": unit(0.1, 1, 0, 0),  # close to P2
        "C2": unit(1, 0.05, 0, 0),  # closest to P1
        "C3": unit(1, 0.3, 0, 0),  # also close to P1 (0.96), but P1 is taken by C2: one-to-one
        "C4": unit(0, 0, 1, 0.8),  # nearest is P3 at 0.62: below the threshold
    }
    result = match_centroids(current, previous, threshold=0.8)
    pairs = {m.current: m.previous for m in result.matches}
    assert pairs == {"C1": "P2", "C2": "P1"}
    assert result.new == ("C3", "C4") and result.gone == ("P3",)
    assert result.of_current("C1").similarity == pytest.approx(0.995, abs=0.001)
    assert result.nearest_previous["C3"][0] == "P1"
    # the threshold decides: lowered to 0.6, C4 matches P3
    assert {m.current for m in match_centroids(current, previous, threshold=0.6).matches} == {"C1", "C2", "C4"}


def test_pairs_below_the_threshold_do_not_steer_the_assignment():
    # similarities: A-X 0.82, A-Y 0.10, B-X 0.85, B-Y 0.50. Maximising raw similarity pairs A-X and B-Y
    # (1.32 in all), leaving B unmatched although B-X is the closest pair; only pairs above 0.8 may count.
    previous = {"X": [1.0, 0.0, 0.0, 0.0], "Y": [0.0, 1.0, 0.0, 0.0]}
    current = {"A": [0.82, 0.10, 0.0, (1 - 0.82**2 - 0.10**2) ** 0.5],
               "B": [0.85, 0.50, (1 - 0.85**2 - 0.50**2) ** 0.5, 0.0]}
    result = match_centroids(current, previous, threshold=0.8)
    assert [(m.current, m.previous, m.similarity) for m in result.matches] == [("B", "X", 0.85)]
    assert result.new == ("A",) and result.gone == ("Y",)


def test_empty_sides():
    assert match_centroids({}, {"P": [1.0, 0.0]}).gone == ("P",)
    assert match_centroids({"C": [1.0, 0.0]}, {}).new == ("C",)


@pytest.mark.parametrize(("trend", "matched", "has_previous", "status"), [
    ("steady", False, True, "new"),
    ("growing", False, True, "new"),
    ("growing", True, True, "growing"),
    ("new", True, True, "growing"),  # new in its own weeks, but last week's run had it
    ("shrinking", True, True, "shrinking"),
    ("gone", True, True, "shrinking"),
    ("steady", True, True, "steady"),
    ("single week", False, False, "new"),
    ("growing", False, False, "growing"),  # no previous week: the theme's own trend
    ("new", False, False, "new"),
])
def test_theme_status(trend, matched, has_previous, status):
    assert theme_status(trend, matched, has_previous) == status


# ---------------------------------------------------------------- the noise call

def test_two_proportion_test_on_hand_made_counts():
    p, test = two_proportion_test(300, 1000, 200, 1000)  # 30% vs 20% on 1,000 each
    assert test == "chi-square" and p < 1e-6 and noise_call(p) == "beyond noise"
    p, test = two_proportion_test(22, 100, 20, 100)  # 22% vs 20%: noise
    assert test == "chi-square" and p > 0.5 and noise_call(p) == "within noise"
    p, test = two_proportion_test(3, 10, 0, 12)  # small counts: Fisher's exact test
    assert test == "Fisher exact" and p == pytest.approx(0.0779, abs=1e-3) and noise_call(p) == "within noise"
    p, test = two_proportion_test(0, 40, 0, 50)
    assert p == pytest.approx(1.0) and test == "Fisher exact"
    assert two_proportion_test(1, 0, 2, 10) is None and noise_call(None) == "no comparison"


def rate(name: str, num: int | None, den: int | None, unavailable: str | None = None) -> Rate:
    value = None if unavailable or not den else num / den
    return Rate(name=name, value=value, numerator=num, denominator=den, unavailable=unavailable)


def test_rate_changes_say_direction_noise_and_unavailable_rates():
    now = {"FPR": rate("FPR", 300, 1000), "FDR": rate("FDR", 10, 50), "FNR": rate("FNR", 5, 40),
           "ATA": rate("ATA", 700, 1000), "IR": rate("IR", None, None, ONLY_MISJUDGED)}
    before = {"FPR": rate("FPR", 200, 1000), "FDR": rate("FDR", 11, 50), "FNR": rate("FNR", 6, 40),
              "ATA": rate("ATA", 800, 1000), "IR": rate("IR", None, None, ONLY_MISJUDGED)}
    changes = {c.name: c for c in rate_changes(now, before)}
    assert changes["FPR"].change_pp == pytest.approx(10.0) and changes["FPR"].direction == "worse"
    assert changes["FPR"].verdict == "beyond noise"
    assert changes["ATA"].direction == "worse" and changes["ATA"].verdict == "beyond noise"
    assert changes["FDR"].direction == "better" and changes["FDR"].verdict == "within noise"
    assert changes["IR"].verdict == "unavailable" and changes["IR"].note == ONLY_MISJUDGED
    alone = {c.name: c for c in rate_changes(now, None)}
    assert alone["FPR"].verdict == "no comparison" and alone["FPR"].note == "no previous week to compare with"


# ---------------------------------------------------------------- reviews and failures

def test_accepted_policy_clarifications_are_listed_once(demo, tmp_path):
    source, _, _ = demo
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


def test_failed_drafts_exit_1_and_are_reported(demo, tmp_path, llm_server):
    source, _, _ = demo
    workspace = Workspace(shutil.copytree(source.root, tmp_path / "ws"))
    llm = LLMSettings(backend="openai", base_url=llm_server.base_url, model="down-model", max_retries=0,
                      backoff_s=0, concurrency=2)
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", llm_settings=llm)
    assert result.exit_code == EXIT_DRAFTS_FAILED
    assert result.digest.drafts_failed and all(t.rca is None for t in result.digest.themes)
    md = result.paths["digest.md"].read_text()
    assert "Draft failed: rca draft" in md and "Drafts that failed this time:" in md
    assert (tmp_path / "out" / "digest.html").exists()


# ---------------------------------------------------------------- webhook delivery

class Hook:
    """A tiny HTTP server on 127.0.0.1 that records POSTed bodies and answers with `status`."""

    def __init__(self, status: int):
        self.status, self.bodies = status, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                hook.bodies.append((self.headers.get("Content-Type"), self.rfile.read(length)))
                self.send_response(hook.status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if hook.status == 200 else b"boom")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/digest"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def hook_factory():
    hooks = []

    def make(status: int) -> Hook:
        hooks.append(Hook(status))
        return hooks[-1]

    yield make
    for hook in hooks:
        hook.close()


def test_webhook_delivery(demo, tmp_path, hook_factory):
    workspace, _, _ = demo
    hook = hook_factory(200)
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", webhook=hook.url)
    assert result.exit_code == EXIT_OK and result.delivery == "delivered (HTTP 200)"
    ((content_type, body),) = hook.bodies
    assert content_type.startswith("application/json")
    payload = json.loads(body)
    assert payload["text"] == result.digest.headline
    assert payload["blocks"][0]["type"] == "header" and WEEK in payload["blocks"][0]["text"]["text"]
    text = json.dumps(payload["blocks"])
    assert "[new]" in text and "[growing]" in text and "ATA" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in payload["blocks"])


def test_webhook_failure_exits_4_with_files_written(demo, tmp_path, hook_factory):
    workspace, _, files = demo
    hook = hook_factory(500)
    result = write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out", webhook=hook.url)
    assert result.exit_code == EXIT_WEBHOOK_FAILED
    assert result.delivery == "delivery failed: HTTP 500 Internal Server Error" and len(hook.bodies) == 1
    assert (tmp_path / "out" / "digest.md").read_bytes() == files["digest.md"]
    # an unreachable hook is a failed delivery too; a URL that is not http(s) is bad input
    closed = hook_factory(200)
    closed.close()
    assert write_digest(DEMO_CASES, WEEK, workspace, out=tmp_path / "out2", webhook=closed.url).exit_code == 4
    with pytest.raises(ValueError, match="webhook"):
        write_digest(DEMO_CASES, WEEK, workspace, webhook="file:///etc/passwd")


# ---------------------------------------------------------------- the command line (once wired in assistant/cli.py)

def test_cli_digest_command(demo, tmp_path, capsys):
    from assistant import cli

    if "digest" not in cli.COMMANDS:
        pytest.skip("the digest subcommand is not in assistant/cli.py yet")
    workspace, _, files = demo
    args = ["digest", str(DEMO_CASES), "--workspace", str(workspace.root), "--out", str(tmp_path / "out")]
    assert cli.main([*args, "--week", WEEK]) == EXIT_OK
    assert (tmp_path / "out" / "digest.md").read_bytes() == files["digest.md"]
    assert "exit code 0" in capsys.readouterr().out
    assert cli.main([*args, "--week", "2026-47"]) == 2
    assert "--week expects an ISO week" in capsys.readouterr().err
    assert cli.main([*args, "--week", "2026-W50"]) == EXIT_NO_DATA


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

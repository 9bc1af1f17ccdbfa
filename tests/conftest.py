"""Shared helpers for the tests: small case files written on the fly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

HEADER = ["case_id", "ad_text", "reviewer_note", "original_decision", "final_decision", "policy",
          "error_type", "decision_source", "ad_id", "locale", "queue", "moderator_id", "model_score", "decided_at"]


def case(case_id: str, original: str = "reject", final: str = "approve", **fields: str) -> dict[str, str]:
    """One case row as strings; defaults make a misjudged FP with a note and ad text."""
    row = {
        "case_id": case_id, "ad_text": f"ad text of {case_id}", "reviewer_note": f"note on {case_id}",
        "original_decision": original, "final_decision": final, "policy": "alcohol", "error_type": "",
        "decision_source": "human", "ad_id": f"AD{case_id}", "locale": "en-US", "queue": "general",
        "moderator_id": "mod_1", "model_score": "", "decided_at": "2026-11-02T10:00:00Z",
    }
    row.update(fields)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or list(rows[0].keys())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def make_csv(tmp_path):
    """Write rows to a CSV file in a temporary folder and return its path."""

    def _make(rows: list[dict[str, str]], name: str = "cases.csv", header: list[str] | None = None) -> Path:
        return write_csv(tmp_path / name, rows, header)

    return _make


@pytest.fixture(scope="session")
def small_demo_csv(tmp_path_factory) -> Path:
    """A small file made by the demo generator (about 540 rows, 215 misjudged, planted `theme` labels)."""
    from eval_sets.demo_data import generate_demo_cases
    from eval_sets.demo_data import write_csv as write_demo

    path = tmp_path_factory.mktemp("small") / "cases.csv"
    write_demo(generate_demo_cases(seed=3, scale=0.3), path)
    return path


@pytest.fixture(scope="session")
def small_run(small_demo_csv, tmp_path_factory):
    """A saved theme run of the small demo file: (workspace, run folder, run)."""
    from assistant.analysis import analyse
    from assistant.workspace.runs import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("run_ws"))
    run_dir, run = analyse(small_demo_csv, workspace)
    return workspace, run_dir, run


@pytest.fixture(scope="session")
def run_data(small_run):
    """(run folder, run, cases, theme id -> the case ids its evidence pack shows, the top theme's id)."""
    from assistant.drafting.evidence import build_pack
    from assistant.workspace.runs import load_run

    _, run_dir, _ = small_run
    run, cases = load_run(run_dir)
    members = {t.theme_id: [c.case_id for c in build_pack(run, cases, t.theme_id).cases] for t in run.themes}
    for theme_id, ids in members.items():
        assert set(ids) <= set(cases.loc[cases["theme_id"] == theme_id, "case_id"].astype(str))
    top = min(run.themes, key=lambda t: t.rank).theme_id
    return run_dir, run, cases, members, top


@pytest.fixture(name="llm_server")
def llm_server_fixture():
    """A started scripted OpenAI-compatible server on 127.0.0.1 (`devtools.llm_server`), fresh for each test and
    stopped cleanly afterwards."""
    from devtools.llm_server import LLMServer

    server = LLMServer().start()
    try:
        yield server
    finally:
        alive = server.stop()
    assert not alive, f"llm_server threads still running after stop: {alive}"

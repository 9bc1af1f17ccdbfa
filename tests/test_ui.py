"""The Gradio app: its display functions (no browser) and the real page driven in headless Chromium.

The browser tests use Debian's `chromium` (/usr/bin/chromium) through Playwright's Python package; they are
skipped, saying why, when either is missing. They start the app on a free 127.0.0.1 port against a copy of
the small demo run with offline drafts.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import case, write_csv

import ui
from assistant.config import LLMSettings
from assistant.drafting.drafter import Drafter
from assistant.drafting.models import cited_ids
from assistant.views.drafts import OFFLINE_LABEL
from assistant.workspace.runs import Workspace, load_metrics, load_run
from assistant.workspace.store import DraftStore
from clustering.load import load_cases
from clustering.problems import LoadError, ValidationError

# Gradio's own pandas calls warn under pandas 3; they are not this project's to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 90_000  # generous: a loaded 2-core machine renders the map and tables slowly
ROW = "[role=row][data-index]"  # a data row of Gradio's (virtualised) table


# ---------------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def ui_workspace(small_run, tmp_path_factory) -> Workspace:
    """A workspace of its own holding a copy of the small demo run and its offline drafts.

    The run is copied, not recomputed: the app must open runs already in a workspace as they are.
    """
    _, run_dir, _ = small_run
    workspace = Workspace(tmp_path_factory.mktemp("ui_ws"))
    workspace.runs.mkdir(parents=True)
    shutil.copytree(run_dir, workspace.runs / run_dir.name)
    settings = LLMSettings()
    from assistant.drafting.backends import make_backend

    Drafter(workspace.run_dir("latest"), DraftStore(workspace.store_path), make_backend(settings),
            settings).draft_all()
    return workspace


@pytest.fixture(scope="module")
def explorer(ui_workspace) -> ui.Explorer:
    return ui.Explorer(ui_workspace.root)


@pytest.fixture(scope="module")
def run_data(explorer) -> ui.RunData:
    return explorer.open(explorer.latest())


# ---------------------------------------------------------------------------------------------------- display


def test_load_error_names_the_uploaded_file_row_and_field(tmp_path):
    path = write_csv(tmp_path / "cases.csv",
                     [case("C1"), case("C2", original="maybe"), case("C3", decided_at="not a date")])
    with pytest.raises(ValidationError) as caught:
        load_cases(path)
    status, details = ui.load_error_text(caught.value, path, "audit-week45.csv")
    assert "2 problem(s) in 2 row(s); nothing was loaded" in status
    lines = details.splitlines()
    assert lines[0].startswith("audit-week45.csv:3:original_decision: unknown decision 'maybe'")
    assert lines[1].startswith("audit-week45.csv:4:decided_at:")
    assert str(tmp_path) not in details


def test_load_error_of_an_unusable_file_and_a_limit(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(LoadError) as caught:
        load_cases(missing)
    status, details = ui.load_error_text(caught.value)
    assert status.startswith("The file cannot be used") and "nope.csv" in details
    rows = [case(f"C{i}", original="maybe") for i in range(30)]
    with pytest.raises(ValidationError) as caught:
        load_cases(write_csv(tmp_path / "many.csv", rows))
    _, details = ui.load_error_text(caught.value, limit=5)
    assert len(details.splitlines()) == 6 and details.splitlines()[-1] == "... and 25 more (30 in all)"


def test_column_map_text():
    assert ui.parse_column_map("Ticket=case_id\nQA comment=reviewer_note, Verdict=final_decision\n\n") == {
        "Ticket": "case_id", "QA comment": "reviewer_note", "Verdict": "final_decision"}
    assert ui.parse_column_map("") == {}
    with pytest.raises(ValueError, match="column mapping: expected lines of 'their column=field'"):
        ui.parse_column_map("Ticket")


def test_metrics_tables(run_data):
    frame = ui.metrics_frame(run_data.metrics)
    assert list(frame["metric"]) == ["FPR", "FDR", "FNR", "ATA", "IR"]
    overall = run_data.metrics["overall"]["rates"]["ATA"]
    assert frame.loc[3, "rate"] == f"{overall['value'] * 100:.1f}%"
    assert frame.loc[3, "count"] == f"{overall['numerator']:,} / {overall['denominator']:,}"
    assert " to " in frame.loc[3, "95% CI"] and frame.loc[0, "meaning"] == "good ads wrongly rejected"
    assert "audited decisions" in ui.metrics_summary_md(run_data.metrics)
    by_policy = ui.facet_frame(run_data.metrics, "policy")
    assert len(by_policy) == len(run_data.metrics["by"]["policy"]) and list(by_policy.columns)[0] == "policy"
    assert "%" in by_policy.iloc[0]["FPR"] and "/" in by_policy.iloc[0]["FPR"]
    assert ui.facet_frame(run_data.metrics, "nope").empty and ui.metrics_frame(None).empty
    assert "no saved metrics" in ui.metrics_summary_md(None)


def test_metrics_unavailable_rates_say_so(run_data):
    metrics = json.loads(json.dumps(run_data.metrics))
    metrics["overall"]["rates"]["FPR"].update(value=None, numerator=None, denominator=None, ci_low=None,
                                              ci_high=None, unavailable="the input holds only misjudged cases")
    row = ui.metrics_frame(metrics).iloc[0]
    assert row["rate"] == "n/a" and "only misjudged" in row["meaning"]


def test_theme_table_and_choices(run_data):
    run = run_data.run
    frame = ui.themes_frame(run, {run.themes[0].theme_id: "Named theme"})
    assert list(frame["theme"]) == [t.theme_id for t in run.themes]
    assert frame.loc[0, "label"] == "Named theme" and frame.loc[1, "label"] == ""
    assert {"size", "FP/FN", "top policy", "top locale", "ATA pp", "trend"} <= set(frame.columns)
    choices = ui.theme_choices(run, {}, unthemed=5)
    assert [v for _, v in choices] == [t.theme_id for t in run.themes] + [ui.UNTHEMED]
    assert choices[0][0].startswith(f"{run.themes[0].theme_id} · ") and choices[-1][0] == "Unthemed cases (5)"


def synthetic_cases(n: int, themes: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    theme_ids = pd.array([None if k == themes else f"T{k + 1:02d}" for k in rng.integers(0, themes + 1, n)],
                         dtype="string")
    return pd.DataFrame({"case_id": [f"C{i:06d}" for i in range(n)], "x": rng.normal(size=n), "y": rng.normal(size=n),
                         "theme_id": theme_ids, "reviewer_note": ["<b>note</b> " + "x" * 200] * n})


def test_map_is_webgl_one_trace_per_theme_and_grey_unthemed():
    cases = synthetic_cases(500, themes=3)
    members = ui.theme_members(cases)
    assert set(members) == {"T01", "T02", "T03", ui.UNTHEMED}
    assert sum(len(v) for v in members.values()) == 500
    fig = ui.map_figure(cases)
    assert all(isinstance(t, go.Scattergl) for t in fig.data)
    names = [t.name for t in fig.data]
    assert names[0].startswith("unthemed (") and [n.split()[0] for n in names[1:]] == ["T01", "T02", "T03"]
    assert fig.data[0].marker.color == ui.UNTHEMED_COLOR
    assert sum(len(t.x) for t in fig.data) == 500
    first = fig.data[1]
    index = members["T01"][0]
    assert first.hovertext[0].startswith(cases.loc[index, "case_id"] + "<br>&lt;b&gt;note")
    note = first.hovertext[0].split("<br>", 1)[1]
    assert len(note.replace("&lt;", "<").replace("&gt;", ">")) == ui.HOVER_NOTE_CHARS


def test_map_of_a_run_follows_the_theme_ranks(run_data):
    fig = run_data.map()
    theme_traces = [t for t in fig.data if not t.name.startswith("unthemed")]
    assert [t.name.split()[0] for t in theme_traces] == [t.theme_id for t in run_data.run.themes]
    assert sum(len(t.x) for t in fig.data) == len(run_data.cases)
    assert run_data.map() is fig  # built once per run


def test_theme_page_values(run_data):
    theme = run_data.run.themes[0]
    header = ui.theme_header_md(theme, "Fake mirror watches")
    assert header.startswith(f"### {theme.theme_id} · Fake mirror watches") and f"{theme.size:,} cases" in header
    assert "pp" in header and theme.trend in header
    assert all(f"`{k.term}`" in ui.keywords_md(theme) for k in theme.keywords)
    facets = ui.facets_frame(theme)
    assert len(facets) == sum(len(v) for v in theme.facets.values())
    assert facets.iloc[0]["lift"].startswith("x")
    trend = ui.trend_figure(theme)
    assert list(trend.data[0].x) == [w.week for w in theme.weekly]
    assert list(trend.data[0].y) == [w.count for w in theme.weekly]
    reps = ui.representatives_frame(theme)
    assert list(reps["case_id"]) == [r.case_id for r in theme.representatives]


def test_theme_cases_search_and_export(run_data, tmp_path):
    theme = run_data.run.themes[0]
    members = run_data.theme_cases(theme.theme_id)
    assert len(members) == theme.size and set(members["theme_id"]) == {theme.theme_id}
    shown = ui.cases_display(members)
    assert list(shown.columns)[:3] == ["case_id", "type", "policy"] and len(shown) == theme.size
    assert shown["similarity"].tolist() == sorted(shown["similarity"].tolist(), reverse=True)
    target = str(members.iloc[3]["case_id"])
    assert ui.search_cases(members, target.lower())["case_id"].astype(str).tolist() == [target]
    word = str(members.iloc[0]["reviewer_note"]).split()[0]
    hits = ui.search_cases(members, word.upper())
    assert 1 <= len(hits) <= len(members)
    assert ui.search_cases(members, "no such words anywhere 123").empty
    assert ui.cases_display(members, limit=5).shape[0] == 5
    assert ui.cases_count_md(100, 100, 100, "") == "100 case(s)"
    assert ui.cases_count_md(100, 40, 10, "wine") == ("40 case(s) matching “wine” of 100; showing the 10 most similar"
                                                      " to the theme, the CSV holds all 40")
    path = ui.export_csv(hits, "RUN", theme.theme_id, word, folder=tmp_path)
    back = pd.read_csv(path)
    assert len(back) == len(hits) and "reviewer_note" in back.columns and "search" in path.name


def test_theme_view_and_unthemed(explorer, run_data):
    theme = run_data.run.themes[1]
    view = ui.theme_view(explorer, run_data.run_id, theme.theme_id)
    assert view.header.startswith(f"### {theme.theme_id}") and len(view.cases) == theme.size
    assert "RCA narrative" in view.drafts and OFFLINE_LABEL in view.drafts
    assert view.csv is not None and view.csv.exists()
    unthemed = ui.theme_view(explorer, run_data.run_id, ui.UNTHEMED)
    assert unthemed.header.startswith("### Unthemed cases")
    assert len(unthemed.cases) == min(int(run_data.cases["theme_id"].isna().sum()), ui.MAX_CASE_ROWS)
    with pytest.raises(KeyError):
        ui.theme_view(explorer, run_data.run_id, "T999")


def test_draft_display_values(explorer, run_data):
    rows = explorer.store.list(run_id=run_data.run_id)
    kinds = {r.kind for r in rows}
    assert {"label", "rca"} <= kinds
    for row in rows:
        header = ui.draft_header_md(row)
        assert f"Draft #{row.draft_id}" in header and OFFLINE_LABEL in header and f"Status **{row.status}**" in header
        body = ui.draft_body_md(row)
        assert body.startswith("#### ")
        cited = ui.cited_cases_frame(row, run_data.cases)
        ids = cited_ids(row.content)
        assert cited["case_id"].tolist() == ids and ids
        assert (cited["reviewer_note"] != "").all()
        assert json.loads(ui.draft_json(row)) == row.content.model_dump()
    queue = ui.queue_frame(ui.sort_queue(rows))
    assert len(queue) == len(rows) and list(queue.columns)[0] == "id"
    assert "run" in ui.queue_frame(rows, with_run=True).columns
    md = ui.cited_cases_md(ui.cited_cases_frame(rows[0], run_data.cases))
    assert md.startswith(f"**{cited_ids(rows[0].content)[0]}**") and "Note: " in md


def test_theme_labels_prefer_accepted_then_edited_then_newest(explorer, run_data):
    rows = explorer.store.list(run_id=run_data.run_id, kind="label")
    labels = ui.theme_labels(rows)
    assert set(labels) == {r.theme_id for r in rows}
    first = rows[0]
    fake = [r for r in rows if r.theme_id == first.theme_id]
    import dataclasses

    newer = dataclasses.replace(first, draft_id=first.draft_id + 1000,
                                content=first.content.model_copy(update={"name": "newer"}))
    rejected = dataclasses.replace(first, draft_id=first.draft_id + 2000, status="rejected",
                                   content=first.content.model_copy(update={"name": "rejected"}))
    accepted = dataclasses.replace(first, draft_id=1, status="accepted",
                                   content=first.content.model_copy(update={"name": "acc"}))
    assert ui.theme_labels([*fake, newer, rejected])[first.theme_id] == "newer"
    assert ui.theme_labels([*fake, newer, rejected, accepted])[first.theme_id] == "acc"


def test_history_and_edit_parsing():
    history = [{"at": "2026-11-25T03:00:00+00:00", "actor": "assistant", "action": "created", "status": "draft",
                "comment": None},
               {"at": "2026-11-25T04:00:00+00:00", "actor": "Robin", "action": "accepted", "status": "accepted",
                "comment": "looks *right*"}]
    md = ui.history_md(history)
    assert md.splitlines()[1] == "- 2026-11-25 04:00:00+00:00 · **Robin** accepted → accepted: “looks \\*right\\*”"
    assert ui.history_frame(history).shape == (2, 5)
    assert ui.parse_content('{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError, match="not valid JSON: .* line 1"):
        ui.parse_content('{"a": ')
    with pytest.raises(ValueError, match="JSON object"):
        ui.parse_content("[1, 2]")


def test_review_rows_filters(explorer, run_data):
    everything = ui.review_rows(explorer, run_data.run_id, False, ui.ALL, ui.ALL, ui.ALL, ui.ALL)
    assert len(everything) == len(explorer.store.list(run_id=run_data.run_id))
    labels = ui.review_rows(explorer, run_data.run_id, False, ui.ALL, "label", ui.ALL, ui.ALL)
    assert labels and {r.kind for r in labels} == {"label"}
    theme = everything[0].theme_id
    assert {r.theme_id for r in ui.review_rows(explorer, run_data.run_id, False, "draft", ui.ALL, ui.ALL, theme)} \
        == {theme}
    policy = ui.draft_policy(everything[0])
    assert all(ui.draft_policy(r) == policy for r in
               ui.review_rows(explorer, run_data.run_id, False, ui.ALL, ui.ALL, policy, ui.ALL))
    assert ui.review_rows(explorer, None, False, ui.ALL, ui.ALL, ui.ALL, ui.ALL) == []


def test_explorer_opens_saved_runs_without_recomputing(explorer, ui_workspace):
    run_id = explorer.latest()
    assert explorer.run_ids() == list(reversed(ui_workspace.run_ids()))
    data = explorer.open(run_id)
    run, cases = load_run(ui_workspace.run_dir(run_id))
    assert data.run == run and len(data.cases) == len(cases)
    assert data.metrics == load_metrics(ui_workspace.run_dir(run_id))
    assert explorer.open(run_id) is data
    label = explorer.run_label(run_id)
    assert label.startswith(run_id) and f"{len(run.themes)} themes" in label
    with pytest.raises(FileNotFoundError):
        explorer.open("no-such-run")


def test_drafters_on_offer_and_a_fresh_draft(explorer, run_data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no error-themes.yaml here
    note, choices = ui._backend_choices(None)
    assert choices == [ui.OFFLINE_CHOICE] and "No LLM configured" in note
    settings = tmp_path / "llm.yaml"
    settings.write_text("llm:\n  backend: openai\n  model: m1\n  base_url: http://127.0.0.1:9/v1\n")
    note, choices = ui._backend_choices(settings)
    assert choices == ["LLM: m1", ui.OFFLINE_CHOICE] and "127.0.0.1:9" in note
    assert ui._llm_settings(ui.OFFLINE_CHOICE, settings).backend == "offline"
    row = explorer.store.list(run_id=run_data.run_id, kind="rca")[-1]
    outcome = ui._fresh_draft(explorer, row, ui.OFFLINE_CHOICE, settings)
    assert outcome.outcome == "created" and outcome.draft_id > row.draft_id
    fresh = explorer.store.get(outcome.draft_id)
    assert (fresh.theme_id, fresh.kind, fresh.status, fresh.offline) == (row.theme_id, "rca", "draft", True)


def test_only_local_hosts_go_without_a_login(tmp_path, capsys):
    assert ui.is_local_host("127.0.0.1") and ui.is_local_host("localhost") and not ui.is_local_host("0.0.0.0")
    with pytest.raises(ValueError, match="refusing to listen on 0.0.0.0 without a login"):
        ui.launch(tmp_path, host="0.0.0.0", block=False)
    assert ui.main(["--workspace", str(tmp_path), "--host", "0.0.0.0"]) == 2
    assert "without a login" in capsys.readouterr().err


def test_logins_from_a_file_or_the_environment(tmp_path):
    logins = tmp_path / "logins"
    logins.write_text("# team\nana:s3cret:with:colons\n\nbo:pw\n")
    assert ui.read_auth(logins, {}) == [("ana", "s3cret:with:colons"), ("bo", "pw")]
    assert ui.read_auth(None, {ui.AUTH_ENV: "cy:pw"}) == [("cy", "pw")]
    assert ui.read_auth(None, {}) is None
    logins.write_text("nopassword\n")
    with pytest.raises(ValueError, match=r"logins:1: expected user:password"):
        ui.read_auth(logins, {})
    with pytest.raises(ValueError, match="cannot read"):
        ui.read_auth(tmp_path / "missing", {})


def test_the_app_builds_over_an_empty_workspace(tmp_path):
    app = ui.build_app(tmp_path / "empty")
    assert app is not None and ui.Explorer(tmp_path / "empty").latest() is None


# ---------------------------------------------------------------------------------------------------- browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
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
def server(ui_workspace, browser):
    port = free_port()
    app = ui.launch(ui_workspace.root, port=port, block=False, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture
def page(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page.goto(server)
    page.wait_for_selector(f"#themes-table {ROW}")
    yield page
    context.close()


def choose(page, elem_id: str, text: str) -> None:
    """Pick the option holding `text` in a Gradio dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option").filter(has_text=text).first.click()


def field(page, elem_id: str):
    return page.locator(f"#{elem_id}").locator("textarea, input").first


def test_browser_open_a_theme_from_the_table_and_search_its_cases(page, run_data):
    from playwright.sync_api import expect

    theme = run_data.run.themes[1]
    row = page.locator(f"#themes-table {ROW}").filter(has_text=theme.theme_id).first
    row.locator("[role=gridcell]").nth(3).click()
    expect(page.get_by_role("tab", name="Theme", exact=True)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#theme-header")).to_contain_text(f"{theme.theme_id} ·")
    expect(page.locator("#theme-header")).to_contain_text(f"{theme.size:,} cases")
    for keyword in theme.keywords[:3]:
        expect(page.locator("#theme-keywords")).to_contain_text(keyword.term)
    members = run_data.theme_cases(theme.theme_id)
    expect(page.locator("#cases-table")).to_contain_text(str(members.iloc[0]["case_id"]))
    expect(page.locator("#case-count")).to_contain_text(f"{theme.size} case(s)")
    target = str(members.iloc[-1]["case_id"])
    field(page, "case-search").fill(target)
    field(page, "case-search").press("Enter")
    expect(page.locator("#case-count")).to_contain_text(f"1 case(s) matching “{target}” of {theme.size}")
    expect(page.locator(f"#cases-table {ROW}")).to_have_count(1)
    # the theme list beside the page switches themes too
    other = run_data.run.themes[0]
    page.locator("#theme-pick label").filter(has_text=f"{other.theme_id} · ").first.click()
    expect(page.locator("#theme-header")).to_contain_text(f"{other.theme_id} ·")
    expect(page.locator("#theme-keywords")).to_contain_text(other.keywords[0].term)
    expect(page.locator("#case-count")).to_contain_text(f"{other.size} case(s)")
    assert "Traceback" not in page.content()
    # an address can open a run's theme directly
    third = run_data.run.themes[2]
    page.goto(f"{page.url.split('?')[0]}?run={run_data.run_id}&theme={third.theme_id}")
    expect(page.get_by_role("tab", name="Theme", exact=True)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#theme-header")).to_contain_text(f"{third.theme_id} ·")


def test_browser_edit_accept_and_find_it_accepted_after_a_reload(page, explorer, run_data):
    from playwright.sync_api import expect

    draft = explorer.store.list(run_id=run_data.run_id, kind="policy", status="draft")[0]
    page.get_by_role("tab", name="Review").click()
    choose(page, "f-kind", "policy clarification")
    expect(page.locator(f"#queue-table {ROW}").first).to_contain_text("policy clarification")
    choose(page, "draft-pick", f"#{draft.draft_id} ·")
    expect(page.locator("#draft-header")).to_contain_text(f"Draft #{draft.draft_id}: policy clarification")
    expect(page.locator("#draft-header")).to_contain_text(OFFLINE_LABEL)
    first_cited = cited_ids(draft.content)[0]
    expect(page.locator("#cited-cases")).to_contain_text(first_cited)

    # a broken edit is refused with the reason, and nothing changes
    field(page, "draft-json").fill('{"policy": ')
    field(page, "reviewer").fill("Robin")
    page.locator("#save-btn").click()
    expect(page.locator("#review-message")).to_contain_text("Not saved: the edited text is not valid JSON")
    assert explorer.store.get(draft.draft_id).status == "draft"

    content = {**draft.content.model_dump(),
               "proposed_wording": "Replica goods are counterfeit whatever the ad calls them."}
    field(page, "draft-json").fill(json.dumps(content, indent=2))
    field(page, "comment").fill("sharper wording")
    page.locator("#save-btn").click()
    expect(page.locator("#review-message")).to_contain_text(f"Draft #{draft.draft_id} saved as edited by Robin")
    expect(page.locator("#draft-header")).to_contain_text("Status edited by Robin")
    page.locator("#accept-btn").click()
    expect(page.locator("#review-message")).to_contain_text(f"Draft #{draft.draft_id} accepted by Robin")
    stored = explorer.store.get(draft.draft_id)
    assert stored.status == "accepted" and stored.reviewer == "Robin"
    assert stored.content.proposed_wording.startswith("Replica goods are counterfeit")

    page.reload()
    page.wait_for_selector(f"#themes-table {ROW}")
    page.get_by_role("tab", name="Review").click()
    expect(field(page, "reviewer")).to_have_value("Robin")  # remembered by the browser
    choose(page, "f-status", "accepted")
    expect(page.locator(f"#queue-table {ROW}")).to_have_count(1)
    expect(page.locator(f"#queue-table {ROW}").first).to_contain_text(str(draft.draft_id))
    expect(page.locator("#draft-header")).to_contain_text(f"Draft #{draft.draft_id}")
    expect(page.locator("#draft-header")).to_contain_text("Status accepted by Robin")
    expect(page.locator("#draft-view")).to_contain_text("Replica goods are counterfeit whatever the ad calls them.")
    history = page.locator("#draft-history")
    expect(history).to_contain_text("Robin edited → edited: “sharper wording”")
    expect(history).to_contain_text("Robin accepted → accepted")

    # a fresh draft of the same theme and kind, by the offline drafter; shown even outside the status filter
    page.locator("#fresh-btn").click()
    expect(page.locator("#review-message")).to_contain_text("Fresh draft #")
    fresh = explorer.store.list(run_id=run_data.run_id, theme_id=draft.theme_id, kind="policy")[0]
    assert fresh.draft_id > draft.draft_id and fresh.status == "draft" and fresh.offline
    expect(page.locator("#draft-header")).to_contain_text(f"Draft #{fresh.draft_id}: policy clarification")
    expect(page.locator("#draft-header")).to_contain_text("Status draft")
    assert explorer.store.get(draft.draft_id).status == "accepted"


def test_browser_bad_upload_names_the_row_and_field(page, tmp_path):
    from playwright.sync_api import expect

    bad = write_csv(tmp_path / "week45-audit.csv", [case("C1"), case("C2"), case("C3", final="maybe")])
    page.get_by_role("tab", name="Run").click()
    page.locator("#upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#load-status")).to_contain_text("1 problem(s) in 1 row(s); nothing was loaded")
    expect(field(page, "load-details")).to_have_value(
        "week45-audit.csv:4:final_decision: unknown decision 'maybe'; expected reject or approve")
    assert "Traceback" not in page.content()
    page.locator("#run-btn").click()  # starting a run on the bad file gives the same error, and no run
    expect(page.locator("#load-status")).to_contain_text("nothing was loaded")


def test_browser_login_is_asked_when_auth_is_set_and_large_uploads_are_refused(browser, tmp_path):
    from playwright.sync_api import expect

    port = free_port()
    app = ui.launch(tmp_path / "ws", port=port, block=False, quiet=True, auth=[("ana", "s3cret")],
                    max_file_size="2kb")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.get_by_text("error-themes: log in to see the workspace.")).to_be_visible()
        page.locator("input[type=text]").fill("ana")
        page.locator("input[type=password]").fill("s3cret")
        page.get_by_role("button", name="Login").click()
        expect(page.locator("#run-title")).to_be_attached()
        page.get_by_role("tab", name="Run").click()
        expect(page.locator("#run-info")).to_contain_text("No runs in the workspace yet")
        big = write_csv(tmp_path / "big.csv", [case(f"C{i}") for i in range(100)])
        page.locator("#upload input[type=file]").set_input_files(str(big))
        expect(page.get_by_text('exceed the maximum allowed size of 2.0 Kb: "big.csv"')).to_be_visible()
        assert "Traceback" not in page.content()
    finally:
        context.close()
        app.close()


def test_browser_start_a_run_from_a_path(browser, small_demo_csv, tmp_path):
    """An empty workspace; a run started from a path opens when done, with its themes and drafts."""
    from playwright.sync_api import expect

    workspace = Workspace(tmp_path / "ws")
    port = free_port()
    app = ui.launch(workspace.root, port=port, block=False, quiet=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("tab", name="Run").click()
        expect(page.locator("#run-info")).to_contain_text("No runs in the workspace yet")
        field(page, "path-box").fill(str(small_demo_csv))
        page.locator("#validate-btn").click()
        expect(page.locator("#load-status")).to_contain_text("The file is usable")
        expect(field(page, "load-details")).to_have_value(re.compile(r"rows read, .* loaded"))
        page.locator("#run-btn").click()
        expect(page.locator("#load-status")).to_contain_text("saved", timeout=240_000)
        run_id = workspace.run_ids()[-1]
        expect(page.locator("#load-status")).to_contain_text(f"Run {run_id} saved")
        page.get_by_role("tab", name="Themes").click()
        expect(page.locator("#run-title")).to_contain_text(run_id)
        expect(page.locator(f"#themes-table {ROW}").first).to_contain_text("T01")
        assert DraftStore(workspace.store_path).list(run_id=run_id)  # drafted after the run
    finally:
        context.close()
        app.close()


def test_first_run_shown_is_the_newest_with_drafts(tmp_path):
    from assistant.workspace.store import DraftStore

    for run_id in ("20261101-000000-aaaa", "20261102-000000-bbbb"):
        (tmp_path / "runs" / run_id).mkdir(parents=True)
    explorer = ui.Explorer(tmp_path)
    assert explorer.latest() == "20261102-000000-bbbb"  # no drafts anywhere: the newest
    DraftStore(tmp_path / "drafts.sqlite").add(
        run_id="20261101-000000-aaaa", theme_id="T01", kind="label", status="draft",
        content={"name": "n", "sentence": "s", "cited_case_ids": ["C1"]}, raw_output="{}", error=None, flags=[],
        prompt_name="theme_label", prompt_version=1, model="offline-drafter/1", evidence_hash="h",
        evidence_json="{}")
    assert explorer.latest() == "20261101-000000-aaaa"

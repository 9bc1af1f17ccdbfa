"""In the browser: text from the data (ad texts, notes, ids and facets, registry names and actions, reviewer names
and comments, LLM drafts) shows as text in every component, never as markup (issue 21, item 1).

The workspace's data hold Markdown images and links, raw HTML, bare addresses and e-mail addresses pointing at
tracker.example. The page must make no request there and hold no image or link from the data.
"""

from __future__ import annotations

import json

import pytest
from browser_helpers import choose
from conftest import BROWSER_TIMEOUT_MS, ROW, free_port

pytestmark = [pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

TRACKER = "tracker.example"


def payload(tag: str) -> str:
    """Every way Markdown, HTML, plotly or KaTeX could make `tag`'s text load or link something."""
    return (f"![{tag}](https://{TRACKER}/{tag}/md.png) <img src=https://{TRACKER}/{tag}/raw.png> "
            f"[{tag} link](https://{TRACKER}/{tag}/link) https://{TRACKER}/{tag}/bare www.{TRACKER}/{tag}/www "
            f"spy.{tag}@{TRACKER} <https://{TRACKER}/{tag}/angle> <a href=\"https://{TRACKER}/{tag}/a\">a</a> "
            f"$$\\href{{https://{TRACKER}/{tag}/tex}}{{x}}$$")


def name_payload(tag: str) -> str:
    """The same kinds of payload within a name's length limit (assistant.config.MAX_NAME_CHARS)."""
    return (f"![{tag}](https://{TRACKER}/{tag}/md.png) <img src=https://{TRACKER}/{tag}/raw.png> "
            f"[{tag} link](https://{TRACKER}/{tag}/link) www.{TRACKER}/{tag}/www")


@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory):
    """A run of the small demo whose cases carry payloads in notes, ad texts, ids and facets; then drafts, a
    registry name, owner and action, a reviewer's name and comment, an LLM label and a failed draft, all hostile."""
    from assistant.analysis import analyse
    from assistant.config import LLMSettings
    from assistant.drafting.drafter import make_drafter
    from assistant.workspace.registry import Registry
    from assistant.workspace.runs import Workspace
    from eval_sets.demo_data import generate_demo_cases, write_csv

    rows = generate_demo_cases(seed=3, scale=0.3, loop=False)
    for n, row in enumerate(rows):
        if n % 3 == 0:
            row["reviewer_note"] += " " + payload("note")
            row["ad_text"] += " " + payload("ad")
        if n % 7 == 0:
            row["ad_id"] = "AD-DUP <img src=https://tracker.example/adid.png>"  # judged twice: inconsistency list
            row["moderator_id"] = "[mod](https://tracker.example/mod)"
            row["queue"] = "<img src=https://tracker.example/queue.png>"
        if n % 11 == 0:
            row["case_id"] = f"C{n}-![c](https://tracker.example/case{n}.png)"
    folder = tmp_path_factory.mktemp("hostile")
    workspace = Workspace(folder / "ws")
    run_dir, run = analyse(write_csv(rows, folder / "cases.csv"), workspace)
    themes = json.loads((run_dir / "themes.json").read_text(encoding="utf-8"))
    themes["input"]["path"] = f"/data/{payload('path')}.csv"  # the input file's name, shown in the run header
    (run_dir / "themes.json").write_text(json.dumps(themes), encoding="utf-8")
    make_drafter(workspace, run_dir, LLMSettings()).draft_all()

    from assistant.workspace.store import DraftStore

    store = DraftStore(workspace.store_path)
    top = run.themes[0].theme_id
    label = store.list(run_id=run.run_id, theme_id=run.themes[1].theme_id, kind="label")[0]
    store.edit(label.draft_id, {**label.content.model_dump(), "name": payload("label")[:60],
                                "sentence": payload("sentence")}, name_payload("reviewer"), payload("comment"))
    rca = store.list(run_id=run.run_id, theme_id=top, kind="rca")[0]
    content = rca.content.model_dump()
    content.update(title=payload("title"), summary=payload("summary"), root_cause=payload("cause"))
    store.edit(rca.draft_id, content, name_payload("reviewer"), payload("comment"))
    store.add(run_id=run.run_id, theme_id=top, kind="rca", status="failed", content=None,
              raw_output=payload("raw"), error=payload("error"), flags=[payload("flag")], prompt_name="rca",
              prompt_version=1, model=payload("model"), evidence_hash="x" * 64, evidence_json="{}")
    from assistant.workspace.registry_sync import sync_saved_runs

    registry = Registry(workspace.store_path)
    sync_saved_runs(workspace, registry)
    linked = registry.linked(run.run_id)
    first = linked[top].theme_id
    registry.rename(first, name_payload("registry"), name_payload("who"))
    registry.mark(first, name_payload("who"), "investigating", name_payload("owner"))
    registry.add_action(first, "policy clarification", payload("action"), "2026-11-03", name_payload("who"))
    return workspace, run


@pytest.fixture(scope="module")
def hostile_page(hostile_workspace, chromium):
    from playwright.sync_api import expect

    from assistant.webapp import launch

    workspace, _ = hostile_workspace
    port = free_port()
    app = launch(workspace.root, port=port, block=False, quiet=True)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"http://127.0.0.1:{port}/")
    page.wait_for_selector(f"#themes-table {ROW}")
    yield page, requests
    context.close()
    app.close()


def _nothing_from_the_data(page, requests: list[str]) -> None:
    page.wait_for_timeout(500)  # let any image the page was made to show start loading
    assert not [url for url in requests if TRACKER in url]
    links = page.locator(f"a[href*='{TRACKER}'], a[href^='mailto:'], img[src*='{TRACKER}'], iframe, "
                         ".katex, [id^='user-content']")
    assert links.count() == 0, [links.nth(i).evaluate("e => e.outerHTML") for i in range(min(links.count(), 5))]


def test_untrusted_text_shows_as_text_on_every_tab(hostile_page, hostile_workspace):
    from playwright.sync_api import expect

    page, requests = hostile_page
    workspace, run = hostile_workspace
    expect(page.locator("#run-title")).to_contain_text(f"![path](https://{TRACKER}/path/md.png)")
    page.locator("#theme-map").scroll_into_view_if_needed()
    expect(page.locator("#theme-map .legend")).to_contain_text("![label]")
    _nothing_from_the_data(page, requests)

    page.get_by_role("tab", name="Theme", exact=True).click()  # the top theme: registry name, owner and action
    expect(page.locator("#theme-header")).to_contain_text(f"![registry](https://{TRACKER}/registry/md.png)")
    expect(page.locator("#registry-info")).to_contain_text(f"<img src=https://{TRACKER}/action/raw.png>")
    expect(page.locator("#reps-table")).to_contain_text(f"[note link](https://{TRACKER}/note/link)")
    expect(page.locator("#theme-drafts")).to_contain_text(f"![raw](https://{TRACKER}/raw/md.png)")  # a failed draft
    _nothing_from_the_data(page, requests)
    page.locator("#theme-pick label").nth(1).click()  # the theme with the hostile label
    expect(page.locator("#theme-header")).to_contain_text("![label]")
    _nothing_from_the_data(page, requests)

    page.get_by_role("tab", name="Review").click()
    expect(page.locator(f"#queue-table {ROW}").first).to_be_visible()
    for status in ("edited", "failed"):
        choose(page, "f-status", status)
        expect(page.locator("#draft-header")).to_contain_text(f"Status {status}")
        _nothing_from_the_data(page, requests)
    expect(page.locator("#draft-header")).to_contain_text(f"![flag](https://{TRACKER}/flag/md.png)")
    expect(page.locator("#draft-view")).to_contain_text(f"![error](https://{TRACKER}/error/md.png)")
    choose(page, "f-status", "edited")
    expect(page.locator("#draft-history")).to_contain_text(f"![comment](https://{TRACKER}/comment/md.png)")
    expect(page.locator("#cited-cases")).to_contain_text(f"![note](https://{TRACKER}/note/md.png)")
    _nothing_from_the_data(page, requests)

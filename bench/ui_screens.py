"""Screenshots of the app on the demo workspace, for the README: the theme page and the review page.

    .venv/bin/python bench/ui_screens.py [--workspace DIR] [--out docs/screenshots]

Starts the app on a free 127.0.0.1 port and drives it in headless Chromium (Debian's /usr/bin/chromium through
Playwright). Without --workspace it uses (and on first use builds, ~1-3 min) a demo workspace in the temporary
folder: `error-themes demo` makes a run of the shipped demo data and its offline drafts.
Writes themes_page.png (metrics, map, ranked themes), theme_page.png, review_page.png and theme_loop.png (the
theme page of the registry theme with the latest action (of one day, the first recorded), from its header to its
trend chart; when that theme is not known yet, the script marks it known in the registry panel first, as an analyst
would: this changes the workspace).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
DEMO_WORKSPACE = Path(tempfile.gettempdir()) / "error-themes-ui-demo"
ROW = "[role=row][data-index]"  # a data row of Gradio's (virtualised) table
VIEWPORT = {"width": 1440, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def full_run_id(path: Path) -> str:
    """The newest run of a workspace made from a whole file (not one week or a window of weeks), else the newest."""
    from assistant.workspace.runs import Workspace, load_themes

    workspace = Workspace(path)
    ids = workspace.run_ids()
    for run_id in reversed(ids):
        run = load_themes(workspace.run_dir(run_id))
        if run.input.week is None and not run.input.weeks:
            return run_id
    return ids[-1]


def ensure_demo_workspace(path: Path = DEMO_WORKSPACE) -> Path:
    """A workspace with a run of the demo data and its drafts (built by `error-themes demo` when missing)."""
    from assistant.workspace.runs import Workspace

    workspace = Workspace(path)
    if not workspace.run_ids():
        print(f"building the demo workspace in {path} (error-themes demo; a minute or three)...", flush=True)
        subprocess.run([sys.executable, "-m", "assistant.cli", "demo", "--workspace", str(path)], check=True,
                       cwd=ROOT, stdout=subprocess.DEVNULL)
    from assistant.workspace.store import DraftStore

    store = DraftStore(workspace.store_path)
    latest = workspace.run_dir(full_run_id(path))
    if not store.list(run_id=latest.name):
        from assistant.config import LLMSettings
        from assistant.drafting.drafter import make_drafter

        make_drafter(workspace, latest, LLMSettings()).draft_all()  # the offline drafter
    return path


def start_app(workspace: Path):
    """(app, url) of the app listening on a free local port."""
    from assistant.webapp import launch

    port = free_port()
    app = launch(workspace, port=port, block=False, quiet=True)
    return app, f"http://127.0.0.1:{port}/"


def open_browser(playwright):
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS, headless=True)


def choose(page, elem_id: str, text: str) -> None:
    """Pick the option holding `text` in a Gradio dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option").filter(has_text=text).first.click()


def wait_for_plot(page, elem_id: str, timeout_ms: int = 60_000) -> None:
    """Wait until plotly has drawn the figure of a gr.Plot."""
    page.wait_for_function(
        "id => { const gd = document.querySelector(`#${id} .js-plotly-plot`);"
        " return !!(gd && gd._fullLayout && gd._fullData && gd._fullData.length); }",
        arg=elem_id, timeout=timeout_ms)


def loop_theme(workspace: Path, run_id: str) -> str | None:
    """The run theme (of `run_id`) whose registry theme has the latest action (of one day, the first recorded), or
    None when no theme has one."""
    from assistant.workspace.registry import Registry
    from assistant.workspace.runs import Workspace

    registry = Registry(Workspace(workspace).store_path)
    actions = registry.actions()
    if not actions:
        return None
    latest = registry.kept(max(actions, key=lambda a: (a.date, -a.action_id)).theme_id).theme_id
    return next((t for t, theme in sorted(registry.linked(run_id).items()) if theme.theme_id == latest), None)


def shoot_loop(page, url: str, workspace: Path, run_id: str, path: Path) -> bool:
    """theme_loop.png: a known theme's registry panel with its action's verdict, and the trend marking the action."""
    from playwright.sync_api import expect

    theme_id = loop_theme(workspace, run_id)
    if theme_id is None:
        print("no registry theme has an action: theme_loop.png not written")
        return False
    page.goto(f"{url}&theme={theme_id}")
    expect(page.locator("#registry-info")).to_contain_text("Registry theme K", timeout=60_000)
    if "not known" in page.locator("#registry-info").inner_text():
        page.locator("#registry-known input").check()
        choose(page, "registry-status", "action taken")
        page.locator("#registry-owner").locator("textarea, input").first.fill("Policy team")
        page.locator("#registry-who").locator("textarea, input").first.fill("Robin (policy)")
        page.locator("#registry-save").click()
        expect(page.locator("#registry-info")).to_contain_text("known: action taken", timeout=60_000)
        page.goto(f"{url}&theme={theme_id}")  # as the page opens, without the message of the save
        expect(page.locator("#registry-info")).to_contain_text("known: action taken", timeout=60_000)
    wait_for_plot(page, "trend-plot")
    page.locator("#theme-pick label", has_text=f"{theme_id} ·").scroll_into_view_if_needed()  # the list shows it
    page.mouse.move(0, 0)
    time.sleep(1.0)
    scrolled = page.evaluate("window.scrollY")  # boxes are measured from the viewport, the clip from the page
    top = page.locator("#theme-header").bounding_box()["y"] + scrolled - 16
    bottom = page.locator("#trend-plot").bounding_box()
    end = bottom["y"] + bottom["height"] + scrolled + 16
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": max(0, top), "width": VIEWPORT["width"], "height": end - max(0, top)})
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help=f"workspace with a run and drafts (default {DEMO_WORKSPACE})")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNG files")
    args = parser.parse_args(argv)
    from playwright.sync_api import expect, sync_playwright

    workspace = args.workspace or ensure_demo_workspace()
    args.out.mkdir(parents=True, exist_ok=True)
    app, url = start_app(workspace)
    url += f"?run={full_run_id(workspace)}"  # the run of the whole demo file
    try:
        with sync_playwright() as playwright:
            browser = open_browser(playwright)
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector(f"#themes-table {ROW}")
            wait_for_plot(page, "theme-map")
            time.sleep(1.0)
            page.screenshot(path=str(args.out / "themes_page.png"), full_page=True)

            # the theme page of the top theme, opened from the ranked table as an analyst would
            page.locator(f"#themes-table {ROW}").first.locator("[role=gridcell]").nth(3).click()
            expect(page.locator("#theme-header")).to_contain_text("Rank 1")
            wait_for_plot(page, "trend-plot")
            page.wait_for_selector(f"#cases-table {ROW}")
            page.mouse.move(0, 0)  # no plotly toolbar from the pointer resting on a chart
            time.sleep(1.0)
            page.screenshot(path=str(args.out / "theme_page.png"), full_page=True)

            # the review page on a policy clarification, with its cited cases beside it
            page.get_by_role("tab", name="Review").click()
            choose(page, "f-kind", "policy clarification")
            expect(page.locator(f"#queue-table {ROW}").first).to_contain_text("policy clarification")
            expect(page.locator("#draft-header")).to_contain_text("policy clarification")
            page.locator("#reviewer").locator("textarea, input").first.fill("Robin (policy)")
            time.sleep(1.0)
            page.screenshot(path=str(args.out / "review_page.png"), full_page=True)
            looped = shoot_loop(page, url, workspace, full_run_id(workspace), args.out / "theme_loop.png")
            browser.close()
    finally:
        app.close()
    for name in ("themes_page.png", "theme_page.png", "review_page.png") + (("theme_loop.png",) if looped else ()):
        path = args.out / name
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

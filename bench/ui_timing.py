"""How fast the app answers: switching themes on the demo run, and the map of 100,000 misjudged cases.

    .venv/bin/python bench/ui_timing.py [--workspace DIR] [--points 100000] [--rounds 2]

1. Theme switch, server side: `assistant.webapp.theme_page.theme_view` (what the handler computes: header,
   keywords, facets, trend chart, representatives, the cases table and its CSV, the drafts) for every theme of the
   demo run.
2. Theme switch in the browser (headless Chromium): from clicking a theme in the theme list to its header,
   keywords and cases on screen, for every theme, `--rounds` times.
3. The map with `--points` cases: a synthetic run (the demo run's cases resampled with jittered coordinates,
   keeping their themes) is written to a temporary workspace; the figure is built
   (`assistant.webapp.charts.map_figure`) and serialised as Gradio sends it, then the page is opened and timed
   until plotly has drawn every trace.
   A theme switch on that run is timed too.
Prints the figures and the machine line. The demo workspace is built on first use (see ui_screens.py).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import machine_line
from ui_screens import CHROMIUM, ROW, ensure_demo_workspace, full_run_id, open_browser, start_app, wait_for_plot


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def summary(times: list[float]) -> str:
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    return (f"median {ms(statistics.median(times))}, p90 {ms(p90)}, max {ms(times[-1])} "
            f"over {len(times)} switches")


def server_side(workspace: Path) -> None:
    from assistant.webapp.state import Explorer
    from assistant.webapp.theme_page import theme_view

    explorer = Explorer(workspace)
    run_id = full_run_id(workspace)
    start = time.perf_counter()
    data = explorer.open(run_id)
    print(f"open run {run_id} ({len(data.cases):,} misjudged, {len(data.run.themes)} themes) from disk: "
          f"{ms(time.perf_counter() - start)}")
    start = time.perf_counter()
    data.map(explorer.labels(run_id))
    print(f"map figure of the run: {ms(time.perf_counter() - start)}")
    for label in ("first pass", "second pass"):
        times = []
        for theme in data.run.themes:
            start = time.perf_counter()
            theme_view(explorer, run_id, theme.theme_id)
            times.append(time.perf_counter() - start)
        print(f"theme switch, server side (theme_view), {label}: {summary(times)}")


def expected(data) -> list[tuple[str, str, str]]:
    """(theme id, first keyword, start of the case count) of each theme of a run, as the theme page shows them."""
    return [(t.theme_id, t.keywords[0].term if t.keywords else "", f"{len(data.members.get(t.theme_id, [])):,} case(s)")
            for t in data.run.themes]


def browser_switches(page, themes: list[tuple[str, str, str]], rounds: int) -> list[float]:
    """Click each theme in the theme list; time until its header, first keyword and case count are on screen."""
    page.get_by_role("tab", name="Theme", exact=True).click()
    page.wait_for_selector(f"#cases-table {ROW}")
    times = []
    for theme_id, keyword, count in [t for _ in range(rounds) for t in themes[1:] + themes[:1]]:
        option = page.locator("#theme-pick label").filter(has_text=f"{theme_id} · ").first
        option.wait_for()
        start = time.perf_counter()
        option.click()
        page.wait_for_function(
            "([id, keyword, count]) => {"
            " const text = s => (document.querySelector(s) || {innerText: ''}).innerText;"
            " return text('#theme-header').trim().split(/\\s/)[0] === id && text('#theme-keywords').includes(keyword)"
            " && text('#case-count').startsWith(count); }",
            arg=[theme_id, keyword, count],
            timeout=60_000)
        times.append(time.perf_counter() - start)
    return times


def synthetic_workspace(demo_workspace: Path, points: int, folder: Path) -> tuple[Path, str]:
    """A workspace holding one run of `points` misjudged cases resampled from the demo run."""
    from assistant.workspace.runs import Workspace, load_run

    run_dir = Workspace(demo_workspace).run_dir(full_run_id(demo_workspace))
    run, cases = load_run(run_dir)
    rng = np.random.default_rng(0)
    big = cases.iloc[rng.integers(0, len(cases), points)].reset_index(drop=True)
    spread = float(np.nanstd(cases["x"])) * 0.03
    big["x"] = big["x"].to_numpy(dtype=float) + rng.normal(0, spread, points)
    big["y"] = big["y"].to_numpy(dtype=float) + rng.normal(0, spread, points)
    big["case_id"] = [f"S{i:07d}" for i in range(points)]
    run_id = f"20990101-000000-synthetic{points // 1000}k"
    workspace = Workspace(folder)
    target = workspace.runs / run_id
    target.mkdir(parents=True)
    big.to_parquet(target / "cases.parquet", index=False)
    synthetic = run.model_copy(update={"run_id": run_id})
    (target / "themes.json").write_text(synthetic.model_dump_json(), encoding="utf-8")
    shutil.copy(run_dir / "metrics.json", target / "metrics.json")
    return folder, run_id


def map_figures(workspace: Path, run_id: str) -> None:
    from assistant.webapp.charts import map_figure
    from assistant.webapp.state import Explorer
    from assistant.webapp.theme_page import theme_view

    explorer = Explorer(workspace)
    start = time.perf_counter()
    data = explorer.open(run_id)
    print(f"open the {len(data.cases):,}-case run from disk: {ms(time.perf_counter() - start)}")
    start = time.perf_counter()
    fig = map_figure(data.cases, data.run, {}, data.members)
    built = time.perf_counter() - start
    start = time.perf_counter()
    payload = fig.to_json()  # what gr.Plot sends to the browser
    print(f"map figure of {len(data.cases):,} cases ({len(fig.data)} Scattergl traces): built in {ms(built)}, "
          f"serialised in {ms(time.perf_counter() - start)} ({len(payload) / 1e6:.1f} MB of JSON)")
    big = max(data.run.themes, key=lambda t: len(data.members.get(t.theme_id, [])))
    start = time.perf_counter()
    theme_view(explorer, run_id, big.theme_id)
    shown = explorer.ui.max_case_rows
    print(f"theme page of its largest theme ({len(data.members[big.theme_id]):,} cases, "
          f"{shown:,} shown, all in the CSV), server side: {ms(time.perf_counter() - start)}")


def chromium_version() -> str:
    try:
        return subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "chromium: unknown version"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="workspace with the demo run (default: built on first use)")
    parser.add_argument("--points", type=int, default=100_000, help="cases on the big map (default 100,000)")
    parser.add_argument("--rounds", type=int, default=2, help="times each theme is switched to in the browser")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    workspace = args.workspace or ensure_demo_workspace()
    print("== theme switch on the demo run ==")
    server_side(workspace)

    from assistant.webapp.state import Explorer

    explorer = Explorer(workspace)
    run_id = full_run_id(workspace)
    themes = expected(explorer.open(run_id))
    scratch = Path(tempfile.mkdtemp(prefix="ui-timing-"))
    try:
        big_workspace, big_run = synthetic_workspace(workspace, args.points, scratch / "ws")
        with sync_playwright() as playwright:
            browser = open_browser(playwright)
            app, url = start_app(workspace)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(60_000)
                start = time.perf_counter()
                page.goto(f"{url}?run={run_id}")
                page.wait_for_selector(f"#themes-table {ROW}")
                wait_for_plot(page, "theme-map")
                print(f"page load, demo run (metrics, map, ranked themes): {ms(time.perf_counter() - start)}")
                times = browser_switches(page, themes, args.rounds)
                print(f"theme switch in the browser, click to rendered: {summary(times)}")
            finally:
                app.close()

            print(f"\n== map with {args.points:,} cases ==")
            map_figures(big_workspace, big_run)
            app, url = start_app(big_workspace)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(180_000)
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_function(
                    "n => { const gd = document.querySelector('#theme-map .js-plotly-plot');"
                    " if (!gd || !gd._fullData) return false;"
                    " const pts = gd._fullData.reduce((s, t) => s + (t._length || 0), 0);"
                    " return pts === n && !!gd.querySelector('canvas'); }", arg=args.points, timeout=180_000)
                print(f"page load with the {args.points:,}-case map, until plotly has drawn all points: "
                      f"{ms(time.perf_counter() - start)}")
                page.mouse.move(900, 400)
                start = time.perf_counter()
                page.mouse.move(1000, 480, steps=10)
                print(f"10 pointer moves across the map, each answered with a hover label: "
                      f"{ms(time.perf_counter() - start)}")
                big_explorer = Explorer(big_workspace)
                times = browser_switches(page, expected(big_explorer.open(big_run))[:5], 1)
                print(f"theme switch on the {args.points:,}-case run, in the browser: {summary(times)}")
            finally:
                app.close()
            browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(machine_line("gradio", "plotly", "pandas", "playwright") + f"; {chromium_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

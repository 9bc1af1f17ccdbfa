"""The web app (Gradio): one module per tab, the session state, and pure display functions.

    state          the workspace as the app sees it (runs opened once, the draft store)
    groups         which cases make each theme, and each theme's drafted name
    display, charts, review_display    display values: DataFrames, Markdown, plotly figures (no Gradio)
    drafters       drafting from the app (fresh drafts, drafting a new run)
    run_tab, themes_tab, theme_page, review_tab    each tab: build() its components, wire() its handlers
    app            the tabs composed, and the events that cross tabs
    server         logins, the bind check, launch(), the command line (main)

`from assistant.webapp import launch, main` loads Gradio (seconds) only then; the display modules never do.
"""

from __future__ import annotations

__all__ = ["launch", "main", "read_auth", "run_from_args"]


def __getattr__(name: str):
    if name in __all__:
        from assistant.webapp import server

        return getattr(server, name)
    raise AttributeError(f"module 'assistant.webapp' has no attribute {name!r}")

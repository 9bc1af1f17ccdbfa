"""The app's text components, made for text that comes from data: Markdown and tables without LaTeX.

Gradio renders `$$...$$` in Markdown and table cells with KaTeX; an ad text or a note holding `$$` would then show
as a formula. Every value placed in these goes through `assistant.views.markdown` first (Markdown) or is a plain
string cell (tables: datatype `str`, shown as text).
"""

from __future__ import annotations

import gradio as gr


def markdown(value: str = "", **kwargs) -> gr.Markdown:
    """A Markdown component without LaTeX."""
    return gr.Markdown(value, latex_delimiters=[], **kwargs)


def data_table(**kwargs) -> gr.Dataframe:
    """A read-only table whose cells show as text (no Markdown, HTML or LaTeX)."""
    return gr.Dataframe(datatype="str", latex_delimiters=[], **kwargs)

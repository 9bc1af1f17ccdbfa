"""Data in Markdown (assistant/views/markdown.py): whatever a value holds, a Markdown viewer shows it as text."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from assistant.views.markdown import code, md

COMMONMARK = MarkdownIt("commonmark").enable("table")
NASTY = ["<img src=x onerror=alert(1)>", "<iframe src=x></iframe>", "a\n# INJECTED HEADING", "x\r\n- item\r1. step",
         "line\n===", "line\n---", "*em* **strong** _em_ __strong__ ~~del~~", "[a](javascript:alert(1)) ![b](x.png)",
         "[ref]: http://evil.example", "`code` ``more``", "a | b | c", "# heading", "- item", "+ item", "1. step",
         "3) step", "> quote", "---", "===", "\\*not em\\*", "&amp; &lt;b&gt; &#60;", "<!-- c -->", "<http://x.example>",
         "tab\there", "    indented", "theme_label and snake_case_words", "_leading and trailing_", "C#, F# & R",
         "see https://x.example/a", "WWW.x.example/b", "write to spy@x.example", "mailto:a@x.example"]


def shown(markdown_text: str) -> str:
    """What a viewer shows of a Markdown paragraph: its text, entities decoded, white space collapsed."""
    page = COMMONMARK.render(markdown_text)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page))).strip()


@pytest.mark.parametrize("text", NASTY)
def test_a_value_shows_as_exactly_its_text(text):
    page = COMMONMARK.render(md(text))
    assert re.fullmatch(r"<p>[^<]*</p>\n", page), page  # one paragraph, no other tag
    assert shown(md(text)) == re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("text", NASTY)
def test_a_value_stays_inert_inside_the_digest_s_markup(text):
    for line in (f"- **{md(text)}**: {md(text)}", f"| {md(text)} | {md(text)} |\n| --- | --- |\n| {md(text)} | x |",
                 f"### 1. {md(text)}", f"> {md(text)}", f"*{md(text)}*"):
        page = COMMONMARK.render(line)
        assert not re.search(r"<(img|iframe|a|h1|h2|ol|pre|hr|blockquote>\s*<h)\b", page), (line, page)
        assert page.count("<td>") in (0, 2) and page.count("<th>") in (0, 2), page  # the table keeps its columns


@pytest.mark.parametrize("text", ["https://x.example/a", "ftp://x.example", "www.x.example", "Www.x.example",
                                  "spy@x.example", "mailto:spy@x.example"])
def test_addresses_that_gfm_links_by_itself_are_broken_up(text):
    """GitHub and the web app's renderer (marked, GFM) link bare addresses: the escape that breaks them shows
    nothing (the browser test tests/browser/test_browser_untrusted_text.py renders them in the app)."""
    escaped = md(text)
    assert not re.search(r"(?<!\\):(?=//)|(?i:\bwww)\.|(?<!\\)@", escaped), escaped
    assert shown(escaped) == text


def test_one_line_and_readable():
    assert md("a\nb\r\nc\u2028d") == "a b c d"
    assert md("snake_case stays readable") == "snake_case stays readable"
    assert md("-7.8 pp") == "-7.8 pp" and md("26.6%") == "26.6%" and md("+0.9") == "+0.9"
    assert md("- item") == "\\- item" and md("1. step") == "1\\. step" and md("===") == "\\==="
    assert md(42) == "42"


@pytest.mark.parametrize("text", ["policy_ambiguity", "a `tick` inside", "``double``", "<b>&amp;</b>", "x | y"])
def test_code_spans_show_the_value_verbatim(text):
    page = COMMONMARK.render(f"cause {code(text)} here")
    inner = re.search(r"<code>(.*)</code>", page)[1]
    assert html.unescape(inner) == text
    assert "\n" not in code("a\nb")

"""Rendering the digest (assistant/digest/render.py, view.py, templates/): Markdown and HTML from one view,
data shown as text in both, pure and deterministic; the Slack payload."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from pydantic import BaseModel

from assistant.config import DigestSettings
from assistant.digest.render import TEMPLATES, html, markdown, slack_payload

COMMONMARK = MarkdownIt("commonmark").enable("table")  # how a Markdown viewer shows digest.md
PAYLOADS = ["<img src=x onerror=alert(1)>", "<iframe src=//evil.example></iframe>", "<script>alert('x')</script>",
            "a note\n# INJECTED HEADING\n- injected item\n1. injected step\n> quoted\n===",
            "[click](javascript:alert(1)) ![i](//evil.example/p.png) **bold** _em_ `code` | pipe | ~~gone~~",
            "&lt;img src=x&gt; \\<b> <!-- comment --> <http://evil.example>"]


class Tags(HTMLParser):
    """The tags of a page, in order, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def with_text(model: BaseModel, text: str, keep: frozenset = frozenset({"status"})) -> BaseModel:
    """A copy of a model with every string, and every string of a list, set to `text` (but `keep`), recursively."""
    model = model.model_copy(deep=True)

    def fill(node: BaseModel) -> None:
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name in keep:
                continue
            if isinstance(value, str):
                setattr(node, name, text)
            elif isinstance(value, BaseModel):
                fill(value)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        value[i] = text
                    elif isinstance(item, BaseModel):
                        fill(item)

    fill(model)
    return model


def test_html_is_self_contained(demo_digest):
    _, _, files = demo_digest
    page = files["digest.html"].decode()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<style>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "<script" not in page and "@import" not in page
    assert len(page) < 500_000


def test_renders_are_pure_and_follow_the_digest(demo_digest):
    _, result, files = demo_digest
    digest = result.digest
    assert markdown(digest).encode() == files["digest.md"] and html(digest).encode() == files["digest.html"]
    assert markdown(digest) == markdown(digest.model_copy(deep=True))
    changed = digest.model_copy(deep=True)
    changed.themes[0].keywords = ["brand-new keyword"]
    changed.themes[0].label = None
    changed.themes[0].drafted_name = None  # with no name of any kind, a theme is shown by its keywords
    changed.themes[0].registry_name = None
    assert "brand-new keyword" in markdown(changed) and "brand-new keyword" in html(changed)


def test_both_formats_show_the_same_figures(demo_digest):
    _, result, files = demo_digest
    md_text = " ".join(parse(COMMONMARK.render(files["digest.md"].decode())).text)
    html_text = " ".join(parse(files["digest.html"].decode()).text)
    digest = result.digest
    for figure in [digest.headline, *(t.theme_id for t in digest.themes), *(m.name for m in digest.metrics),
                   "52.5%", "47.5-57.4%", "202/385", "-12.2 pp (worse)", digest.coverage.sha256[:12]]:
        assert figure in md_text and figure in html_text, figure


@pytest.mark.parametrize("payload", PAYLOADS)
def test_data_is_inert_in_both_formats(demo_digest, payload):
    """Every text of the digest set to an attack: the pages keep the tags of a harmless text, and show the text."""
    digest = demo_digest[1].digest
    attacked, harmless = with_text(digest, payload), with_text(digest, "plain words")
    md_page = COMMONMARK.render(markdown(attacked))
    assert parse(md_page).tags == parse(COMMONMARK.render(markdown(harmless))).tags
    assert parse(html(attacked)).tags == parse(html(harmless)).tags
    for page in (md_page, html(attacked)):
        assert not re.search(r"<(img|iframe|script|a|h1 *>INJECTED)\b", page, re.IGNORECASE)
    shown = re.sub(r"\s+", " ", payload).strip()  # one line in Markdown; HTML collapses white space when shown
    assert shown in re.sub(r"\s+", " ", " ".join(parse(md_page).text))
    assert shown in re.sub(r"\s+", " ", " ".join(parse(html(attacked)).text))


def test_issue_12_payloads_in_a_note_a_label_and_an_rca(demo_digest):
    digest = demo_digest[1].digest.model_copy(deep=True)
    theme = next(t for t in digest.themes if t.detailed)
    digest.notes = ["first line\n# INJECTED HEADING"]
    theme.label.name = "<img src=x onerror=alert(1)>"
    theme.rca.summary = "</p><iframe src=x></iframe>"
    text = markdown(digest)
    assert "\n# INJECTED" not in text and "> first line \\# INJECTED HEADING" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "&lt;/p&gt;&lt;iframe src=x&gt;" in text
    page = html(digest)
    assert "<img src=x" not in page and "<iframe" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    theme.label.name = "pipes | break tables"
    assert "| pipes \\| break tables |" in markdown(digest)


def test_every_value_in_the_markdown_template_is_escaped():
    """In digest.md.j2 each `{{ ... }}` ends in the `md` or `code` filter: no data reaches Markdown raw."""
    template = (TEMPLATES / "digest.md.j2").read_text(encoding="utf-8")
    outputs = re.findall(r"\{\{(.*?)\}\}", template, re.DOTALL)
    assert outputs and all(re.search(r"\|\s*(md|code)\s*$", out.strip()) for out in outputs), outputs


def test_slack_sections_follow_the_setting(demo_digest):
    digest = with_text(demo_digest[1].digest, "a long text of a theme or a note " * 20)  # every line longer than 100
    for chars in (100, DigestSettings().slack_section_chars):
        blocks = slack_payload(digest, "/tmp/digest.html", DigestSettings(slack_section_chars=chars))["blocks"]
        themes = [b["text"]["text"] for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("•")]
        notes = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
        assert themes and notes and all(len(t) <= chars for t in themes + notes)
        assert len(themes[0]) == chars or chars > 100  # cut at the limit
    payload = slack_payload(with_text(demo_digest[1].digest, "<!channel> <@U123>"))
    mrkdwn = [payload["text"]] + [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    mrkdwn += [e["text"] for b in payload["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert all("<" not in text for text in mrkdwn) and "&lt;!channel&gt;" in mrkdwn[0]  # mentions stay text

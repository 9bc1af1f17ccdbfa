"""Parent themes in the digest: the view groups this week's themes under their parents; both formats show the
tree, with data made inert; digests saved before parent themes still load."""

from __future__ import annotations

import re

from assistant.digest.models import Digest
from assistant.digest.render import html, markdown


def parents_section(text: str) -> list[str]:
    return text.split("## Parent themes\n", 1)[1].split("\n## ", 1)[0].strip().splitlines()


def test_markdown_lists_each_parent_with_its_themes_indented(demo_digest):
    _, result, files = demo_digest
    digest = result.digest
    assert digest.parents, "the demo's themes fall into families"
    themes = {t.theme_id: t for t in digest.themes}
    lines = parents_section(files["digest.md"].decode())
    for parent in (p for p in digest.parents if p.level == 1):
        assert set(parent.children) <= set(themes)
        head = next(i for i, line in enumerate(lines) if re.match(rf"( {{2}})*- \*\*{parent.theme_id}: ", line))
        indent = len(lines[head]) - len(lines[head].lstrip())
        below = lines[head + 1:head + 1 + len(parent.children)]
        assert all(len(line) - len(line.lstrip()) == indent + 2 for line in below), below
        shown = [line.strip()[2:].split(":")[0] for line in below]
        assert sorted(shown) == sorted(parent.children)
        ranks = [themes[t].impact_rank for t in shown]
        assert ranks == sorted(ranks)  # in impact order
        assert f"{parent.size} cases ({parent.this_week} in {digest.week})" in lines[head]
        if parent.label:
            assert parent.label.split()[0] in lines[head]


def test_html_shows_the_same_tree(demo_digest):
    _, result, files = demo_digest
    page = files["digest.html"].decode()
    section = page.split("<h2>Parent themes</h2>", 1)[1].split("<h2>", 1)[0]
    items = re.findall(r'<li style="margin-left:(\d+)px">(?:<b>)?(\w+):', section)
    md_lines = parents_section(files["digest.md"].decode())
    md_items = [((len(line) - len(line.lstrip())) // 2, line.strip()[2:].lstrip("*").split(":")[0]) for line in md_lines
                if line.strip().startswith("- ")]
    assert [(int(px) // 22, theme) for px, theme in items] == md_items


def test_parent_names_are_inert_in_both_formats(demo_digest):
    digest = demo_digest[1].digest.model_copy(deep=True)
    digest.parents[0].label = "<img src=x onerror=alert(1)> *bold* [link](x)"
    text = markdown(digest)
    assert "&lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\[link\\](x)" in "\n".join(parents_section(text))
    page = html(digest)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_digest_saved_before_parent_themes_loads_and_renders(demo_digest):
    data = demo_digest[1].digest.model_dump(mode="json")
    del data["parents"]
    old = Digest.model_validate(data)
    assert old.parents == [] and "## Parent themes" not in markdown(old) and "Parent themes</h2>" not in html(old)

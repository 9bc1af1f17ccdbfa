"""The README and the docs/ pages: every relative link (and image) names a file or folder of the repository, and
every `#anchor` a heading of the page it points to, as GitHub makes heading anchors; every docs/ page is linked from
the README; the exit-code tables list every code of `assistant/exit_codes.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.exit_codes import DESCRIPTIONS

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~)")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines of a Markdown page that are not code (fenced blocks, indented blocks), with their numbers."""
    lines, fenced, previous_blank = [], False, True
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        indented_code = line.startswith("    ") and previous_blank and not line.lstrip().startswith(("-", "*", "|"))
        if not fenced and not indented_code:
            lines.append((number, line))
        previous_blank = not line.strip() or (indented_code and previous_blank)
    return lines


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of a page (a repeated heading gets -1, -2, ... as on GitHub)."""
    seen: dict[str, int] = {}
    found = set()
    for _, line in prose_lines(page.read_text(encoding="utf-8")):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        base = anchor(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """`page:line: target` for every relative link of the page whose file or anchor does not exist."""
    bad = []
    for number, line in prose_lines(page.read_text(encoding="utf-8")):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):  # a link inside inline code is not a link
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # http:, https:, mailto:
                continue
            path_part, _, fragment = target.partition("#")
            dest = (page.parent / path_part).resolve() if path_part else page
            if not dest.exists():
                bad.append(f"{page.relative_to(root)}:{number}: {target} (no such file)")
            elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
                bad.append(f"{page.relative_to(root)}:{number}: {target} (no such heading)")
    return bad


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_or_anchor_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## The `eval-drafts` step: 2\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\nSee [other](other.md#the-eval-drafts-step-2), [gone](gone.md), [bad](other.md#nothing),\n"
        "![img](pic.png) and [web](https://example.com/x), [here](#page).\n\n"
        "    [in code](not-checked.md)\n\n```\n[fenced](not-checked.md)\n```\n", encoding="utf-8")
    assert broken_links(page, tmp_path) == [
        "page.md:3: gone.md (no such file)",
        "page.md:3: other.md#nothing (no such heading)",
        "page.md:4: pic.png (no such file)",
    ]


def test_every_docs_page_is_reachable_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unlinked = [p.name for p in PAGES[1:] if f"docs/{p.name}" not in readme]
    assert unlinked == []


@pytest.mark.parametrize("page", ["README.md", "docs/errors.md"])
def test_the_exit_code_tables_list_every_code(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| ([^|]+) \|$", text, re.MULTILINE))
    assert set(DESCRIPTIONS) <= {int(code) for code in rows}  # signals (130, 141, 143) may be listed too

"""The tree of themes under parent themes, and its text and Markdown renderings."""

from __future__ import annotations

from assistant.views.text import themes_summary_md
from assistant.views.tree import parent_map, theme_tree, tree_text, walk
from clustering.theme_model import Keyword


def test_every_theme_appears_once_under_its_parent(small_run):
    _, _, run = small_run
    nodes = list(walk(theme_tree(run)))
    ids = [n.theme.theme_id for n in nodes]
    assert sorted(ids) == sorted([t.theme_id for t in run.themes] + [p.theme_id for p in run.parents])
    parents = parent_map(run)
    for node in nodes:
        expected = 0 if node.theme.theme_id not in parents else 1
        assert node.depth == expected
        if node.is_parent:
            assert [c.theme.theme_id for c in node.children] == sorted(node.theme.children,
                                                                       key=lambda c: int(c[1:]))
    top = theme_tree(run)
    assert [n.best_rank for n in top] == sorted(n.best_rank for n in top) and top[0].best_rank == 1


def test_tree_text_indents_themes_under_parents_with_their_labels(small_run):
    _, _, run = small_run
    parent = run.parents[0]
    text = tree_text(run, {parent.theme_id: "Licensed sectors", parent.children[0]: "Cash prizes"})
    lines = text.splitlines()
    assert lines[0].startswith(f"{len(run.parents)} parent themes group")
    head = next(i for i, line in enumerate(lines) if line.startswith(f"{parent.theme_id} Licensed sectors  ("))
    assert f"{len(parent.children)} themes, {parent.size:,} cases" in lines[head]
    children = [line.split()[0] for line in lines[head + 1:head + 1 + len(parent.children)]]
    assert sorted(children) == sorted(parent.children)
    assert all(line.startswith("    T") for line in lines[head + 1:head + 1 + len(parent.children)])
    assert f"    {parent.children[0]} Cash prizes  (" in text


def test_a_run_without_parents_prints_a_flat_list(small_run):
    _, _, run = small_run
    flat = run.model_copy(update={"parents": []})
    lines = tree_text(flat).splitlines()
    assert lines[0].startswith("no parent themes") and len(lines) == 1 + len(run.themes)
    assert not any(line.startswith(" ") for line in lines)


def test_summary_lists_parent_themes_with_data_made_inert(small_run):
    _, _, run = small_run
    parent = run.parents[0].model_copy(update={"keywords": [Keyword(term="<img src=x onerror=alert(1)>", score=1)]})
    summary = themes_summary_md(run.model_copy(update={"parents": [parent, *run.parents[1:]]}))
    section = summary.split("## Parent themes", 1)[1].split("\n## ", 1)[0]
    assert f"- `{parent.theme_id}` " in section and f"  - `{parent.children[0]}` " in section
    assert "&lt;img src=x onerror=alert(1)&gt;" in section and "<img" not in section

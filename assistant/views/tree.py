"""The tree of a run's themes under their parent themes, once for every rendering (command line, run summary,
digest, web app).

Top-level entries are parents (and grandparents) and the themes that joined no group; they come in the order of
the best-ranked theme under them, so the tree reads in the run's ranking. Children come in rank order. A run made
before parent themes existed has a flat tree: every theme top-level.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.views.formatting import pp
from clustering.printable import printable
from clustering.theme_model import ParentTheme, Theme, ThemeRun


@dataclass
class Node:
    """A theme or a parent theme, with what sits under it."""

    theme: Theme
    depth: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def is_parent(self) -> bool:
        return isinstance(self.theme, ParentTheme)

    @property
    def best_rank(self) -> int:
        """The rank of the best-ranked theme under this node (itself for a theme)."""
        return min((c.best_rank for c in self.children), default=self.theme.rank)


def theme_tree(run: ThemeRun) -> list[Node]:
    """The top-level nodes of the run's tree, each with its children (depth set from the top)."""
    nodes: dict[str, Node] = {t.theme_id: Node(t) for t in [*run.themes, *run.parents]}
    placed: set[str] = set()
    for parent in sorted(run.parents, key=lambda p: p.level):
        node = nodes[parent.theme_id]
        node.children = sorted((nodes[c] for c in parent.children if c in nodes), key=lambda n: n.best_rank)
        placed.update(parent.children)
    top = sorted((n for key, n in nodes.items() if key not in placed), key=lambda n: (n.best_rank, n.is_parent))

    def set_depth(node: Node, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for node in top:
        set_depth(node, 0)
    return top


def walk(nodes: list[Node]) -> Iterator[Node]:
    """Every node, depth first, parents before their children."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def parent_map(run: ThemeRun) -> dict[str, str]:
    """The direct parent id of each theme or parent that has one."""
    return {child: p.theme_id for p in run.parents for child in p.children}


def node_summary(node: Node) -> str:
    """What a node holds: children (for a parent), size, impact on ATA, FP/FN and keywords."""
    t = node.theme
    kind = f"{len(node.children)} {'groups' if node.children and node.children[0].is_parent else 'themes'}, " \
        if node.is_parent else ""
    keywords = ", ".join(k.term for k in t.keywords[:4])
    return (f"({kind}{t.size:,} cases, ATA {pp(t.impact_pp.get('ATA'))} pp, "
            f"FP/FN {t.error_types.get('FP', 0)}/{t.error_types.get('FN', 0)}): {keywords}")


def node_line(node: Node, labels: dict[str, str] | None = None) -> str:
    """One line of the text tree: indent, id, label if any, then `node_summary` (control characters escaped)."""
    name = (labels or {}).get(node.theme.theme_id)
    line = f"{node.theme.theme_id}{f' {name}' if name else ''}  {node_summary(node)}"
    return "    " * node.depth + printable(line)


def tree_text(run: ThemeRun, labels: dict[str, str] | None = None) -> str:
    """The themes as an indented tree under their parents, for the command line."""
    nodes = theme_tree(run)
    if not run.parents:
        return "no parent themes in this run (every theme stands alone)\n" + "\n".join(
            node_line(n, labels) for n in walk(nodes))
    groups = sum(1 for p in run.parents if p.level == 1)
    alone = sum(1 for n in nodes if not n.is_parent)
    head = f"{groups} parent themes group {sum(len(p.children) for p in run.parents if p.level == 1)} of " \
           f"{len(run.themes)} themes; {alone} stand alone"
    return head + "\n" + "\n".join(node_line(n, labels) for n in walk(nodes))

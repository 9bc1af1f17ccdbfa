"""The layout's rules (DESIGN §4), checked on the source: which package may import which, no import cycle,
small modules. A wrong import fails here, in CI, before anyone reads it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("clustering", "assistant", "eval_sets", "prompts")
MAX_LINES = 400
MAX_UI_LINES = 150
DATA_MODULES = {"eval_sets.demo_data", "eval_sets.marketplace_data",
                "eval_sets.fieldnotes_bank"}  # generators: mostly phrase tables
LAZY_EVAL_SETS = "assistant.cli"  # the `demo` and `score` commands load eval_sets inside the command, when run


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> dict[str, Path]:
    files = {"ui": ROOT / "ui.py"}
    for package in PACKAGES:
        files |= {module_name(p): p for p in (ROOT / package).rglob("*.py")}
    return files


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, bool]]:
    """(imported module, at module level?) for every import statement of a file.

    `from package import module` imports `package.module` (and runs the package's `__init__` first, as any import
    of a submodule does: that is not counted as an import of the package); `from module import name` imports
    `module`.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative import
                base = ".".join(name.split(".")[: -node.level] + [node.module])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in known else base, id(node) in top))
    return found


FILES = source_files()
IMPORTS = {name: imports_of(name, path, set(FILES)) for name, path in FILES.items()}


def first_party(target: str) -> str | None:
    """The module of ours that an import names (the longest known prefix), or None."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in FILES:
            return candidate
    return None


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("package,forbidden", [("clustering", {"assistant", "ui", "eval_sets"}),
                                               ("assistant", {"ui", "eval_sets"})])
def test_dependencies_point_one_way(package, forbidden):
    wrong = []
    for name, found in IMPORTS.items():
        if top(name) != package:
            continue
        for target, at_top in found:
            if top(target) not in forbidden:
                continue
            lazy_allowed = top(target) == "eval_sets" and not at_top and name.startswith(LAZY_EVAL_SETS)
            if not lazy_allowed:
                wrong.append(f"{name} imports {target}" + ("" if at_top else " (inside a function)"))
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    graph: dict[str, set[str]] = {name: set() for name in FILES}
    for name, found in IMPORTS.items():
        for target, _ in found:
            module = first_party(target)
            if module and module != name:  # a lazy import back is a cycle too
                graph[name].add(module)
    cycles, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


def test_modules_are_small():
    big = {name: n for name, path in FILES.items()
           if name not in DATA_MODULES and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, big


def test_ui_is_thin():
    assert len((ROOT / "ui.py").read_text(encoding="utf-8").splitlines()) < MAX_UI_LINES

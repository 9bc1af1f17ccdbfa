"""`tree`: a run's themes under their parent themes, in a subprocess as a user runs it."""

from __future__ import annotations

from cli_helpers import run


def test_tree_prints_parents_with_their_themes_indented(small_run):
    workspace, _, saved = small_run
    result = run("tree", "--workspace", str(workspace.root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"run {saved.run_id}: {saved.input.path}"
    for parent in saved.parents:
        head = next(i for i, line in enumerate(lines) if line.startswith(f"{parent.theme_id}  ("))
        below = {line.split()[0] for line in lines[head + 1:head + 1 + len(parent.children)]}
        assert below == set(parent.children)
    assert run("tree", "nope", "--workspace", str(workspace.root)).returncode == 2

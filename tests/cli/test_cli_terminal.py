"""Text from data never reaches the terminal raw: a registry name, an owner, an action text, a reviewer's name or
comment, a cell value echoed by a problem holding a clipboard write (`ESC ] 52`), a screen clear (`ESC [ 2 J`), a
C1 control, a right-to-left override or a newline is shown escaped by every command, and cannot forge a row."""

from __future__ import annotations

import re

import pytest
from cli_helpers import copied_workspace, in_process
from conftest import case

from assistant.workspace.store import DraftStore
from clustering.printable import printable

CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
CLEAR = "\x1b[2J"
FORGED = "\nK99  forged row"
EVIL = f"Wine{CLIPBOARD}{CLEAR}\x9b31m\u202eevil\u2066{FORGED}"
# what a terminal obeys: C0 but the newline and the tab, DEL, C1, bidirectional controls, line separators
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def workspace(drafted_workspace, tmp_path):
    return copied_workspace(drafted_workspace, tmp_path / "ws")


cli = in_process


def assert_safe(text: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text))
    assert not any(line.startswith("K99") for line in text.splitlines()), "a newline forged a row"


def test_printable_escapes_what_a_terminal_obeys_and_keeps_the_rest():
    assert printable(EVIL) == ("Wine\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b31m\\u202eevil\\u2066\\nK99  forged row")
    assert printable("a\tb\nc\rd", keep_lines=True) == "a\tb\nc\\rd"
    assert printable("Café – 0,0 % Bier 🍺") == "Café – 0,0 % Bier 🍺"
    assert printable("bad byte \udcff") == "bad byte \\udcff"  # a non-UTF-8 file name: shown, not a crash


def test_registry_names_owners_actions_and_reviewers_are_shown_escaped(workspace, capsys):
    ws = ["--workspace", str(workspace.root)]
    assert cli(capsys, "themes", "status", *ws)[0] == 0
    outputs = [
        cli(capsys, "themes", "rename", "K1", EVIL, "--who", f"ana{CLEAR}", *ws),
        cli(capsys, "themes", "mark", "K1", "--status", "investigating", "--owner", EVIL, "--who", "bo", *ws),
        cli(capsys, "themes", "action", "K1", "--kind", "other", "--text", EVIL, "--date", "2026-11-02",
            "--who", EVIL, *ws),
        cli(capsys, "themes", "status", *ws),
        cli(capsys, "themes", "history", "K1", *ws),
        cli(capsys, "tree", "latest", *ws),
    ]
    draft = next(r for r in DraftStore(workspace.store_path).list(kind="label") if r.content is not None)
    outputs += [
        cli(capsys, "drafts", "accept", str(draft.draft_id), "--reviewer", EVIL, "--comment", EVIL, *ws),
        cli(capsys, "drafts", "list", *ws),
        cli(capsys, "drafts", "show", str(draft.draft_id), *ws),
        # a stale change shows the newer state, owner and name included, in its error
        cli(capsys, "themes", "rename", "K1", "x", "--who", "ana", "--based-on", "1", *ws),
    ]
    for _, out, err in outputs:
        assert_safe(out)
        assert_safe(err)
    codes = [code for code, _, _ in outputs]
    assert codes == [0] * 9 + [2]
    status = outputs[3][1]
    row = next(line for line in status.splitlines() if line.startswith("K1 "))
    assert "Wine\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J" in row and "\\nK99  forged row" in row  # shown, escaped, in its row
    assert "\\u202eevil" in outputs[5][1]  # the tree shows the analyst's name, escaped


def test_problems_echoing_cell_values_are_shown_escaped(make_csv, capsys):
    path = make_csv([case("C1"), case("C2", error_type=f"XX{CLEAR}\nfake.csv:9:case_id: forged"),
                     case("C3", policy=f"alcohol{CLIPBOARD}")])
    code, out, err = cli(capsys, "validate", str(path))
    assert code == 2
    assert_safe(out + err)
    assert not any(line.startswith("fake.csv") for line in err.splitlines())
    assert "XX\\x1b[2J\\nfake.csv:9:case_id: forged" in err
    path = make_csv([case("C1"), case("C3", policy=f"alcohol{CLIPBOARD}")], name="ok.csv")
    code, out, err = cli(capsys, "metrics", str(path), "--by", "policy")
    assert code == 0 and "alcohol\\x1b]52;c;ZXZpbA==\\x07" in out
    assert_safe(out + err)


def test_config_shows_a_value_from_the_environment_escaped(monkeypatch, capsys):
    monkeypatch.setenv("ERROR_THEMES_LLM__MODEL", EVIL)
    code, out, err = cli(capsys, "config")
    assert code == 0
    assert_safe(out + err)


def test_every_command_prints_through_the_one_door():
    """`assistant.cli.output.echo` escapes what a command prints; a bare print() would bypass it."""
    from pathlib import Path

    import assistant.cli

    folder = Path(assistant.cli.__file__).parent
    bare = [f"{path.name}:{n}" for path in sorted(folder.glob("*.py")) if path.name != "output.py"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"(?<![\w.])print\(", line)]
    assert not bare, bare

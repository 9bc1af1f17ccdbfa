"""`digest` on the command line: bad options stop it before any work (the digest itself: tests/test_digest.py)."""

from __future__ import annotations

import pytest
from conftest import case

from assistant.cli import main
from assistant.exit_codes import EXIT_BAD_INPUT


@pytest.mark.parametrize("options,message", [
    (["--week", "2026-W99"], "2026-W99"),
    (["--week", "2026-W45", "--top", "0"], "--top must be at least 1"),
    (["--week", "2026-W45", "--webhook", "ftp://example.com/hook"], "webhook"),
])
def test_bad_options_exit_2_and_write_nothing(options, message, make_csv, tmp_path, capsys):
    path = make_csv([case("C1")])
    workspace = tmp_path / "ws"
    assert main(["digest", str(path), "--workspace", str(workspace), *options]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert not workspace.exists()

"""The digest's cases file is read and hashed once: the runs it analyses take the rows it loaded."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from assistant.digest.build import run_for_window, write_digest
from assistant.exit_codes import EXIT_OK
from assistant.workspace.runs import Workspace, saved_runs
from clustering.load import load_cases
from clustering.settings import ThemeSettings
from devtools.file_opens import FileOpens

WEEK = "2026-W47"


@pytest.mark.slow  # a digest: two analyses
def test_a_digest_opens_its_cases_file_once_for_its_figures_and_both_runs(small_demo_csv, tmp_path):
    path = Path(shutil.copy(small_demo_csv, tmp_path / "cases.csv"))
    workspace = Workspace(tmp_path / "ws")
    with FileOpens(path) as opens:
        result = write_digest(path, WEEK, workspace, out=tmp_path / "out", window=1)
    assert result.exit_code == EXIT_OK
    assert result.runs_reused == {"current": False, "previous": False}  # two windows analysed ...
    assert opens.count == 1  # ... from the one read (before: one read and one hash for the figures and each run)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.digest.coverage.sha256 == sha
    assert {run.input.sha256 for _, run in saved_runs(workspace)} == {sha}


def test_a_window_is_analysed_from_the_rows_loaded_even_when_the_file_is_replaced(small_demo_csv, tmp_path):
    path = Path(shutil.copy(small_demo_csv, tmp_path / "cases.csv"))
    loaded = load_cases(path)
    first = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text("case_id,policy\nX1,other\n", encoding="utf-8")  # replaced on disk after the read
    in_week = loaded.cases[loaded.cases["week"] == WEEK]
    _, run, reused = run_for_window(loaded, Workspace(tmp_path / "ws"), [WEEK], ThemeSettings(), len(in_week))
    assert not reused and run.input.sha256 == loaded.sha256 == first
    assert (run.input.rows_loaded, run.input.misjudged) == (len(in_week), int(in_week["misjudged"].sum()))
    assert run.input.path == str(path) and run.input.weeks == [WEEK]

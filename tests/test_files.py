"""Atomic writes: a file or folder is its old self or its complete new self, never half-written."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from clustering.files import atomic_folder, open_atomic, write_atomic


def test_write_replaces_whole_and_gets_usual_permissions(tmp_path):
    path = tmp_path / "sub" / "a.txt"
    write_atomic(path, "first")
    write_atomic(path, "second ✓")
    assert path.read_text(encoding="utf-8") == "second ✓"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # not the temporary file's 0600
    write_atomic(path, b"\x00bytes")
    assert path.read_bytes() == b"\x00bytes"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "v.npz"
    with open_atomic(path, binary=True) as handle:
        np.savez(handle, x=np.arange(3))
    with pytest.raises(RuntimeError), open_atomic(path, binary=True) as handle:
        handle.write(b"half")
        raise RuntimeError("disk full")
    with np.load(path) as data:
        assert list(data["x"]) == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["v.npz"]


def test_a_folder_appears_complete_or_not_at_all_and_is_never_overwritten(tmp_path):
    target = tmp_path / "runs" / "r1"
    with pytest.raises(ValueError), atomic_folder(target) as tmp:
        (tmp / "themes.json").write_text("{}")
        raise ValueError("analysis failed")
    assert not target.exists() and not list((tmp_path / "runs").iterdir())
    with atomic_folder(target) as tmp:
        (tmp / "themes.json").write_text("{}")
    assert (target / "themes.json").read_text() == "{}"
    with pytest.raises(FileExistsError), atomic_folder(target):
        pass

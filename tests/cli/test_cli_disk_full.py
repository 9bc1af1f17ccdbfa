"""A cron job on a full disk: a command that cannot write says what it could not write, exits 5
(`EXIT_CANNOT_WRITE`), keeps nothing half-written and loses nothing saved before.

The disk is real: a tmpfs of a few hundred KB mounted for the test (the machine runs tests as root), filled to
the room wanted; where mounting is not allowed, those tests are skipped and the file size limit (RLIMIT_FSIZE, the
same ENOSPC-like refusal, EFBIG) still makes the writes fail for real.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from assistant.exit_codes import EXIT_CANNOT_WRITE
from assistant.workspace.registry import Registry
from assistant.workspace.runs import Workspace

PAGE = 4096

pytestmark = pytest.mark.slow  # commands in fresh processes on a small file system or under a file-size limit


@pytest.fixture
def warm_workspace(small_run, tmp_path):
    """A copy of the small run's workspace (embedding and reduction caches warm, registry synced)."""
    workspace, _, _ = small_run
    target = tmp_path / "warm"
    shutil.copytree(workspace.root, target)
    Registry(target / "drafts.sqlite")  # created, and the run linked by `themes status` below
    assert cli(["themes", "status", "--workspace", str(target)]).returncode == 0
    return Workspace(target)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 4 MB tmpfs; skipped where mounting is not allowed."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk but `leave` bytes (to a page)."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(disk / "filler", "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    assert abs(os.statvfs(disk).f_bavail * PAGE - leave) <= 2 * PAGE


def cli(argv: list[str], limit: int | None = None) -> subprocess.CompletedProcess:
    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "assistant.cli", *argv], capture_output=True, text=True,
                          timeout=600, preexec_fn=limit_file_size if limit else None)


def assert_clear(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == EXIT_CANNOT_WRITE, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "cannot rollback" not in result.stderr
    assert all(w in result.stderr for w in words), result.stderr


def test_a_run_that_cannot_be_saved_on_a_full_disk_keeps_nothing_half_written(warm_workspace, tiny_disk,
                                                                                  small_demo_csv):
    workspace = Workspace(tiny_disk / "ws")
    shutil.copytree(warm_workspace.root, workspace.root)
    before = sorted(p.name for p in workspace.runs.iterdir())
    fill(tiny_disk, leave=96 * 1024)  # room for SQLite's shared memory, not for the run's cases.parquet
    result = cli(["themes", str(small_demo_csv), "--workspace", str(workspace.root)])
    assert_clear(result, f"cannot write {workspace.runs}/", "no space left", "nothing of it was kept")
    assert sorted(p.name for p in workspace.runs.iterdir()) == before  # no half run, no temporary folder, no claim
    (tiny_disk / "filler").unlink()
    assert cli(["themes", "status", "--workspace", str(workspace.root)]).returncode == 0  # the store is intact
    again = cli(["themes", str(small_demo_csv), "--workspace", str(workspace.root)])
    assert again.returncode == 0, again.stderr[-3000:]


def test_a_registry_change_on_a_full_disk_is_refused_and_the_old_state_kept(warm_workspace, tiny_disk):
    workspace = Workspace(tiny_disk / "ws")
    shutil.copytree(warm_workspace.root, workspace.root)
    ws = ["--workspace", str(workspace.root)]
    assert cli(["themes", "rename", "K1", "Before", "--who", "ana", *ws]).returncode == 0
    fill(tiny_disk, leave=48 * 1024)  # room for the shared memory and a little more
    for _ in range(40):  # changes until SQLite says the disk is full
        result = cli(["themes", "action", "K1", "--kind", "other", "--text", "y" * 1500, "--who", "ana", *ws])
        if result.returncode != 0:
            break
    assert_clear(result, f"cannot write {workspace.store_path}", "the disk is full", "nothing of this change")
    (tiny_disk / "filler").unlink()
    assert Registry(workspace.store_path).get("K1").name == "Before"
    assert cli(["themes", "rename", "K1", "After", "--who", "ana", *ws]).returncode == 0


def test_a_file_size_limit_stops_the_run_with_the_file_named(warm_workspace, small_demo_csv):
    """RLIMIT_FSIZE: every write past 64 KB fails (EFBIG), as on a full disk; works without mounting anything."""
    before = sorted(p.name for p in warm_workspace.runs.iterdir())
    result = cli(["themes", str(small_demo_csv), "--workspace", str(warm_workspace.root)], limit=64 * 1024)
    assert_clear(result, f"cannot write {warm_workspace.runs}/")
    assert sorted(p.name for p in warm_workspace.runs.iterdir()) == before


def test_the_metrics_file_on_a_full_disk(tiny_disk, small_demo_csv):
    fill(tiny_disk, leave=0)
    out = tiny_disk / "metrics.json"
    result = cli(["metrics", str(small_demo_csv), "--out", str(out)])
    assert_clear(result, f"cannot write {out}", "no space left")
    assert not [p.name for p in tiny_disk.iterdir() if p.name != "filler"]

"""Safe file writes, written once: a file or a folder is either its old self or its complete new self.

Every file the product writes atomically goes through here, the caches of `clustering` and the workspace files
of `assistant` alike (it sits in the lowest package so that both can use it): `write_atomic` (text or bytes),
`open_atomic` (a handle, for writers such as `np.savez` or `DataFrame.to_csv`) and `atomic_folder` (a run folder
written under a temporary name and renamed when complete). A write that fails on the way (a full disk, a quota, a
file size limit, an I/O error) raises `CannotWrite` naming what could not be written, after removing the part
written. `check_writable` refuses a folder before any work, and `drop_damaged` removes a damaged cache entry with a
warning so that it is recomputed.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for a moment, for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)  # a full disk, a full quota, a file size limit (RLIMIT_FSIZE)


class CannotWrite(OSError):
    """A file or folder could not be written (the disk is full, a quota or a file size limit was reached, an I/O
    error): `path` names it, `reason` says why. What was written of it was removed; what was saved before is
    intact (every write is atomic)."""

    def __init__(self, path: str | Path, reason: str, note: str = ""):
        self.path, self.reason, self.note = Path(path), reason, note
        super().__init__(f"cannot write {path}: {reason}; {note or 'nothing of it was kept'}")


def no_room(exc: BaseException) -> bool:
    """Whether an error says the disk (or a quota, or a file size limit) is full, errno or not (pyarrow's say it
    in words)."""
    if isinstance(exc, OSError) and exc.errno in NO_ROOM:
        return True
    text = str(exc).lower()
    return any(words in text for words in ("no space left", "disk quota exceeded", "file too large",
                                            "database or disk is full"))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno in NO_ROOM:
        return {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "the disk quota is exceeded",
                errno.EFBIG: "the file is larger than the system allows"}[exc.errno]
    if no_room(exc):
        return f"no space left ({exc})"
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


@contextmanager
def open_atomic(path: str | Path, binary: bool = False) -> Iterator[IO]:
    """A handle on a temporary file beside `path`; renamed to `path` when the block ends without an error,
    removed otherwise. The file gets the usual permissions (0666 less the umask), not the temporary file's 0600.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise CannotWrite(path, _reason(exc)) from exc
    try:
        mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, **mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CannotWrite(path, _reason(exc)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to `path` through a temporary file in the same folder and an atomic rename."""
    with open_atomic(path, binary=isinstance(data, bytes)) as handle:
        handle.write(data)


@contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """A temporary folder beside `path` to fill; renamed to `path` when the block ends without an error, removed
    otherwise. Raises FileExistsError when `path` exists: a folder is never overwritten in place."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{path.name}-", dir=path.parent))
    except OSError as exc:
        raise CannotWrite(path, _reason(exc)) from exc
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) or no_room(exc):
            raise CannotWrite(path, _reason(exc)) from exc
        raise


class DamagedCacheWarning(UserWarning):
    """A cache entry could not be read; it was removed and its content is computed again."""


def drop_damaged(path: Path, what: str, exc: BaseException) -> None:
    """Warn that a cache entry is damaged and remove it, so that this run and the later ones recompute it."""
    warnings.warn(f"{path}: damaged {what} dropped and recomputed ({type(exc).__name__}: {exc})",
                  DamagedCacheWarning, stacklevel=3)
    Path(path).unlink(missing_ok=True)


def check_writable(folders: list[Path], files: list[Path] = ()) -> None:
    """Raise ValueError naming the first folder or existing file that cannot be written: a command checks before
    it starts work, not after minutes of it. A missing folder is not made: its nearest existing parent must be a
    folder that can be written. Probes with a temporary file, removed at once (a permission check would not see
    a read-only file system)."""
    for folder in folders:
        existing = Path(folder)
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        try:
            if not existing.is_dir():
                raise NotADirectoryError(20, "not a folder", str(existing))
            fd, probe = tempfile.mkstemp(prefix=".write-check-", dir=existing)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise ValueError(f"{folder}: cannot write there ({exc.strerror or exc}); nothing was done. Use a "
                             "folder you can write to (--workspace)") from exc
    for file in files:
        try:
            if Path(file).exists():
                with open(file, "ab"):
                    pass
        except OSError as exc:
            raise ValueError(f"{file}: cannot write it ({exc.strerror or exc}); nothing was done") from exc

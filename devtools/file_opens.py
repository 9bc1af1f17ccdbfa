"""Count how often a file is opened, as the kernel sees it (Linux inotify): for tests that a file is read once.

    with FileOpens(path) as opens:
        do_the_work(path)
    assert opens.count == 1

Nothing is patched: every open of the file by any code of any process is an inotify event. The watch asks for
opens and closes, so that two opens in a row are never two identical queued events (the kernel merges those).
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
from pathlib import Path

IN_CLOSE_NOWRITE = 0x10
IN_OPEN = 0x20
EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then len bytes of name)


class FileOpens:
    """The opens of one file since the watch began (`count`, read when the block ends or on `update()`)."""

    def __init__(self, path: str | Path):
        if not sys.platform.startswith("linux"):
            raise OSError("FileOpens needs Linux's inotify")
        self.path, self.count, self._fd = Path(path), 0, -1

    def __enter__(self) -> FileOpens:
        libc = ctypes.CDLL(None, use_errno=True)
        self._fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if libc.inotify_add_watch(self._fd, os.fsencode(self.path), IN_OPEN | IN_CLOSE_NOWRITE) < 0:
            error = ctypes.get_errno()
            os.close(self._fd)
            raise OSError(error, f"cannot watch {self.path}")
        return self

    def update(self) -> int:
        """Read the queued events; the opens so far."""
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return self.count
            offset = 0
            while offset < len(data):
                _, mask, _, length = EVENT.unpack_from(data, offset)
                self.count += bool(mask & IN_OPEN)
                offset += EVENT.size + length

    def __exit__(self, *exc) -> None:
        self.update()
        os.close(self._fd)

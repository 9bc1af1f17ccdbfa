"""The exit codes of every `error-themes` command, written once (the tables of the README and docs/errors.md
follow them; tests/test_docs.py checks it).

A cron job reads them: 1 is a partial success (the output was written, some drafts failed), never a crash.
"""

from __future__ import annotations

EXIT_OK = 0  # done
EXIT_PARTIAL = 1  # done, but some drafts failed (listed on stderr)
EXIT_BAD_INPUT = 2  # bad input: unusable file, bad option or settings, unknown run or draft; nothing was changed
EXIT_NO_DATA = 3  # no data for what was asked (e.g. no cases in the digest's week); a short output says so
EXIT_DELIVERY_FAILED = 4  # written, but delivering it (the digest's webhook) failed
EXIT_CANNOT_WRITE = 5  # a file could not be written while working (disk full, quota, file size limit, I/O error):
#                        named on stderr; nothing half-written is kept and what was saved before is intact. (A
#                        workspace that cannot be written at all is refused before any work: 2.)

DESCRIPTIONS = {
    EXIT_OK: "done",
    EXIT_PARTIAL: "done, some drafts failed",
    EXIT_BAD_INPUT: "bad input",
    EXIT_NO_DATA: "no data",
    EXIT_DELIVERY_FAILED: "written, delivery failed",
    EXIT_CANNOT_WRITE: "cannot write (disk full)",  # a stop by a signal exits 128 + its number (130, 143)
}

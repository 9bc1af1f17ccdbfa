"""Problems found in an input file, and the errors that carry them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clustering.printable import printable


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about an input file, formatted as `file:row:field: message` on one line (a value it echoes is
    shown with its control characters escaped, `clustering.printable`).

    `row` is the row as the user sees it (see `clustering.load`); it is None for a problem with the
    whole file or a whole column, and `field` is None for a problem with the whole file or row.
    """

    path: str
    row: int | None
    field: str | None
    message: str
    level: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = [self.path]
        if self.row is not None:
            where.append(str(self.row))
        if self.field is not None:
            where.append(self.field)
        return printable(f"{':'.join(where)}: {self.message}")


class LoadError(Exception):
    """The file cannot be used at all: missing, unreadable, empty, or a required column is absent."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ValidationError(LoadError):
    """Rows of the file break the schema (strict loading). `total` counts every problem found."""

    def __init__(self, problems: list[Problem], total: int, bad_rows: int, path: str):
        self.total = total
        self.bad_rows = bad_rows
        self.path = path
        super().__init__(problems)


def file_problem(path: str | Path, message: str, field: str | None = None) -> LoadError:
    """A LoadError for one problem with the whole file or one column."""
    return LoadError([Problem(str(path), None, field, message)])


def format_problems(problems: list[Problem], limit: int, total: int | None = None) -> str:
    """The first `limit` problems, one a line, and how many more there were."""
    total = len(problems) if total is None else total
    shown = [str(p) for p in problems[:limit]]
    if total > len(shown):
        shown.append(f"... and {total - len(shown):,} more ({total:,} in all)")
    return "\n".join(shown)

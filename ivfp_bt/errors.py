"""User-facing errors: each one prints as a single line that says what and where.

A *user error* is anything the person at the keyboard can fix (a tree file, a
flag, a missing program). The CLI prints these as one line and exits non-zero;
only genuine bugs produce tracebacks, and only with ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """An error the user can fix; its message is the whole story."""


@dataclass(frozen=True)
class Origin:
    """Where something was written: file and 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a tree file."""

    origin: Origin
    message: str
    where: str = ""  # the node path, e.g. "Pick > verify > Classify"

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{self.origin}: {self.message}{where}"


class TreeFileError(UserError):
    """A tree file has one or more problems; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = str(self.problems[0]) if self.problems else "invalid tree"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(head + more)

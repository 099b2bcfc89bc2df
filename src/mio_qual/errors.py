"""Errors that mio-qual raises on purpose.

Every error a user can cause carries the file (and where known the line or position) and a
hint saying what to do. The CLI prints ``str(error)`` on one line and exits with
``error.exit_code``: 2 for bad input or usage, 1 for a failure of the work itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence


class MioQualError(Exception):
    """Base class of the errors mio-qual raises deliberately.

    Parameters
    ----------
    message : str
        What went wrong, in one sentence.
    path : str or Path, optional
        The file the problem is in.
    line : int, optional
        1-based line (or row) number in ``path``.
    hint : str, optional
        What the user can do about it.
    details : sequence of str, optional
        Further problems (for errors that collect several); shown after the first line.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        details: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint
        self.details = list(details)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The error as a single line: ``file:line: message (hint)``."""
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text.replace("\n", " ")

    def __str__(self) -> str:
        return self.one_line()


class InputError(MioQualError, ValueError):
    """Bad input or usage: a file that cannot be read, a value out of range, a missing file.

    Also a :class:`ValueError`, so that code catching the standard exception for a bad value
    (as scikit-learn's validation does) catches it too.
    """

    exit_code = 2


class WorkError(MioQualError):
    """The input was acceptable but the work failed (for example, a locked or damaged store)."""

    exit_code = 1


class UnknownCodeError(InputError):
    """A code label that matches no code in the codebook.

    Parameters
    ----------
    label : str
        The label as the user wrote it.
    suggestions : sequence of str
        Close matches (code ids), offered and never applied silently.
    """

    def __init__(
        self,
        label: str,
        suggestions: Sequence[str] = (),
        *,
        path: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        self.label = label
        self.suggestions = list(suggestions)
        hint = (
            "did you mean " + " or ".join(self.suggestions) + "?"
            if self.suggestions
            else "see `mio-qual codebook list` for the codes"
        )
        super().__init__(f"unknown code {label!r}", path=path, line=line, hint=hint)

"""Problems found while reading or checking a codebook, and the error that reports them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import InputError

#: Every kind of problem the readers and checks can report.
PROBLEM_KINDS: tuple[str, ...] = (
    "encoding",  # the file is not text in a supported encoding
    "syntax",  # YAML, XML or CSV that cannot be parsed
    "bad-structure",  # parsed, but not shaped like a codebook
    "unknown-field",  # a key or column the codebook format does not know
    "duplicate-key",  # the same key twice in one YAML mapping
    "missing-id",  # an entry without an id
    "bad-id",  # an id that is not of the form ABC or ABC.D1.E
    "duplicate-id",  # two entries with the same id (ids compare case-insensitively)
    "missing-name",  # an entry without a name
    "bad-value",  # a value of the wrong type (e.g. a list where text is expected)
    "bad-level",  # a level other than domain, construct, subconstruct, code
    "bad-keyword",  # a keyword pattern that breaks the pattern syntax
    "unknown-parent",  # parent names no code
    "parent-conflict",  # an explicit parent: that disagrees with the nesting
    "unknown-refines",  # refines names no code
    "cycle",  # parents that loop back on themselves
    "ambiguous-label",  # a name or alias shared by two codes (labels must resolve uniquely)
    "unknown-requires",  # requires names a codebook that is neither loaded nor bundled
    "duplicate-codebook",  # two different files declare the same codebook name
    "unknown-member",  # a set (REFI-QDA code group) names a code GUID the codebook does not hold
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a codebook file.

    Attributes
    ----------
    kind : str
        One of :data:`PROBLEM_KINDS`.
    message : str
        What is wrong and, where it helps, what to do.
    path : str or None
        The file.
    line : int or None
        1-based line (or CSV row line) of the offending entry or value.
    code_id : str or None
        The code concerned, when known.
    sheet : str or None
        The sheet of a spreadsheet codebook (``.xlsx``); ``line`` is then its row.
    """

    kind: str
    message: str
    path: str | None = None
    line: int | None = None
    code_id: str | None = None
    sheet: str | None = None

    @property
    def place(self) -> str:
        """Where in the file: ``line 5``, or ``sheet 'codebook', row 5`` in a spreadsheet ('' when unknown)."""
        if self.sheet is not None:
            return f"sheet {self.sheet!r}" + (f", row {self.line}" if self.line is not None else "")
        return f"line {self.line}" if self.line is not None else ""

    def __str__(self) -> str:
        where = self.path or "<codebook>"
        if self.sheet is not None:
            where += f" ({self.place})"
        elif self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.message} [{self.kind}]"

    def to_dict(self) -> dict[str, object]:
        """Plain-data form (for JSON output)."""
        return {
            "kind": self.kind,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "code_id": self.code_id,
            "sheet": self.sheet,
        }


class CodebookError(InputError):
    """An :class:`~mio_qual.errors.InputError` carrying every problem found in a codebook.

    The first line (``str(error)``) names the file and counts the problems; ``details``
    holds one ``file:line: message [kind]`` line per problem, and ``problems`` the
    :class:`Problem` objects themselves.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        paths = list(dict.fromkeys(p.path for p in self.problems if p.path))
        n = len(self.problems)
        noun = "problem" if n == 1 else "problems"
        if len(paths) <= 1:
            message = f"{n} {noun} in codebook"
            path = paths[0] if paths else None
        else:
            message = f"{n} {noun} in codebooks {', '.join(paths)}"
            path = None
        first = self.problems[0] if self.problems else None
        super().__init__(
            message,
            path=path,
            line=None,
            hint=(
                f"first: {first.place}: {first.message}; fix every listed entry and check "
                "with `mio-qual codebook validate FILE`"
                if first is not None and first.place
                else f"first: {first.message}; fix every listed entry and check with `mio-qual codebook validate FILE`"
                if first is not None
                else "fix every listed entry and check with `mio-qual codebook validate FILE`"
            ),
            details=[str(p) for p in self.problems],
        )


def raise_problems(problems: Sequence[Problem]) -> None:
    """Raise :class:`CodebookError` if ``problems`` is not empty."""
    if problems:
        raise CodebookError(problems)

"""What a reader hands to the checks: entries as written, with where they were written.

Every reader (YAML, CSV, REFI-QDA .qdc) produces :class:`RawBook` objects; :mod:`.build`
checks them all the same way and turns them into a :class:`~.model.Codebook`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

#: Characters a codebook name may not hold (names are lower-case letters, digits, ``_``, ``-``).
NON_NAME_CHARS = re.compile(r"[^a-z0-9_-]+")

#: Fields an entry may have (``children`` only in YAML).
CODE_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "level",
    "parent",
    "children",
    "definition",
    "use_when",
    "not_when",
    "example",
    "keywords",
    "aliases",
    "refines",
    "guid",
    "color",
    "codable",
)
#: Top-level fields of a YAML codebook.
BOOK_FIELDS: tuple[str, ...] = ("codebook", "title", "version_label", "source", "description", "requires", "codes")


@dataclass
class RawCode:
    """One entry as read.

    Attributes
    ----------
    values : dict
        Field name to value as read (text, list, or whatever the file held).
    line : int or None
        Where the entry starts.
    lines : dict
        Field name to the line of its value.
    item_lines : dict
        List field name to the line of each item.
    nested_parent : str or None
        Id of the entry this one is nested under (YAML ``children:``, QDC nesting).
    nested : bool
        True if the entry was nested under another (even one with a missing id).
    where : str or None
        How messages name the entry when its line says nothing (a REFI-QDA file written on
        one line): ``code 'Barriers > Staff' (GUID ...)``.
    """

    values: dict[str, object] = field(default_factory=dict)
    line: int | None = None
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    nested_parent: str | None = None
    nested: bool = False
    where: str | None = None

    def line_of(self, name: str, item: int | None = None) -> int | None:
        """Line of a field (or of one item of a list field), falling back to the entry's line."""
        if item is not None:
            items = self.item_lines.get(name, [])
            if item < len(items):
                return items[item]
        return self.lines.get(name, self.line)


@dataclass
class RawSet:
    """A named group of codes as read (REFI-QDA ``Set``): member codes by id, in file order."""

    name: str
    guid: str = ""
    codes: list[str] = field(default_factory=list)
    description: str = ""
    line: int | None = None


@dataclass
class RawBook:
    """One codebook as read from one file (a CSV or .qdc may hold several)."""

    name: str
    path: str | None = None
    title: str = ""
    version_label: str = ""
    source: str = ""
    requires: list[str] = field(default_factory=list)
    requires_line: int | None = None
    codes: list[RawCode] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    line: int | None = None
    sets: list[RawSet] = field(default_factory=list)
    sheet: str | None = None  # the sheet of a spreadsheet codebook: lines are its rows

    def problem(self, kind: str, message: str, line: int | None = None, code_id: str | None = None) -> None:
        """Record a problem found while reading."""
        self.problems.append(Problem(kind, message, self.path, line, code_id, self.sheet))


def book_name(text: str) -> str:
    """A codebook name made from free text: ``'CFIR 2.0'`` -> ``'cfir_2_0'`` ('' if nothing is left)."""
    return NON_NAME_CHARS.sub("_", text.casefold()).strip("_")


def split_list(value: str) -> list[str]:
    """The items of a list field written as one cell: ``'a; b;; c'`` -> ``['a', 'b', 'c']``."""
    return [v.strip() for v in value.split(";") if v.strip()]


def read_file_bytes(path: Path, book: RawBook, limit: int) -> bytes | None:
    """The bytes of a codebook file, or None after recording on ``book`` why they cannot be read.

    A file over ``limit`` bytes is refused unread beyond its size check (a codebook is a few
    hundred kilobytes).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        book.problem("encoding", f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > limit:
        book.problem("bad-structure", f"file is larger than {limit // 1_000_000} MB; is it a codebook?")
        return None
    return data


class BooksByName:
    """The raw books of one file that may hold several codebooks (CSV, .qdc), in the order met.

    The first book is made at once (named after the file) so that problems found before any
    entry have somewhere to go; the first codebook name met renames it.
    """

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        self.path = path
        self.sheet = sheet
        self.fallback = book_name(path.stem) or "codebook"
        self.first = RawBook(name=self.fallback, path=str(path), line=1, sheet=sheet)
        self._books: dict[str, RawBook] = {}

    def book(self, name: str | None) -> RawBook:
        """The book called ``name`` (made a codebook name; empty means the file's own book)."""
        key = book_name(name or "") or self.fallback
        if key not in self._books:
            book = self.first if not self._books else RawBook(name=key, path=str(self.path), line=1, sheet=self.sheet)
            book.name = key
            self._books[key] = book
        return self._books[key]

    def books(self) -> list[RawBook]:
        """Every book, in the order first met (the file's own book if none was)."""
        return list(self._books.values()) or [self.first]

"""What a reader hands to the checks: entries as written, with where they were written.

Every reader (YAML, CSV, REFI-QDA .qdc) produces :class:`RawBook` objects; :mod:`.build`
checks them all the same way and turns them into a :class:`~.model.Codebook`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .problems import Problem

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
    """

    values: dict[str, object] = field(default_factory=dict)
    line: int | None = None
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    nested_parent: str | None = None
    nested: bool = False

    def line_of(self, name: str, item: int | None = None) -> int | None:
        """Line of a field (or of one item of a list field), falling back to the entry's line."""
        if item is not None:
            items = self.item_lines.get(name, [])
            if item < len(items):
                return items[item]
        return self.lines.get(name, self.line)


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

    def problem(self, kind: str, message: str, line: int | None = None, code_id: str | None = None) -> None:
        """Record a problem found while reading."""
        self.problems.append(Problem(kind, message, self.path, line, code_id))

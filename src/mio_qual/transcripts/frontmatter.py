"""YAML front matter at the top of a ``.txt`` or ``.md`` transcript.

A block that opens with a line ``---`` on the file's first line and closes with ``---`` (or
``...``) holds study metadata::

    ---
    transcript_id: INT07
    clinic: westfield
    date: 2026-03-24
    ---
    Interviewer: ...

It is parsed with ``yaml.safe_load`` (never the full loader) and removed from the canonical
text. Dates become ISO strings so that metadata stays plain JSON-able values.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

from ..errors import InputError

_OPEN = re.compile(r"---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
MAX_FRONT_MATTER_CHARS = 100_000


def _plain(value: Any) -> Any:
    """Dates to ISO strings, recursively; everything else as YAML gave it."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


MAX_DEPTH = 20
"""Deepest nesting of lists and mappings accepted in front matter (study metadata is flat)."""


def _check_shape(block: str, path: str | Path | None) -> None:
    """Refuse aliases and deep nesting before anything is built from the block.

    Study metadata never needs YAML anchors and aliases, and a few nested aliases are
    enough to make a tiny block expand into billions of values ("billion laughs"); very deep
    nesting exhausts the recursive constructor. The check walks PyYAML's event stream, which
    builds nothing.
    """
    import yaml

    depth = 0
    for event in yaml.parse(block, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 2 if event.start_mark is not None else None
            raise InputError(
                "the YAML front matter uses an alias (*name), which study metadata never needs",
                path=path,
                line=line,
                hint="write each value out in full",
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 2 if event.start_mark is not None else None
                raise InputError(
                    f"the YAML front matter is nested more than {MAX_DEPTH} levels deep",
                    path=path,
                    line=line,
                    hint="front matter holds flat study metadata (key: value per line)",
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def split_front_matter(text: str, *, path: str | Path | None = None) -> tuple[dict[str, Any], int, int]:
    """Find and parse a front-matter block at the very start of ``text``.

    Parameters
    ----------
    text : str
        Text with ``\\n`` line ends (BOM already removed).
    path : str or Path, optional
        For messages.

    Returns
    -------
    metadata : dict
        The parsed mapping (empty when there is no front matter).
    body_start : int
        Offset in ``text`` where the body begins (0 when there is no front matter).
    n_lines : int
        Number of lines the block takes (its two fence lines included).

    Raises
    ------
    InputError
        If the block is not valid YAML (with the line number in the file).
    """
    if not _OPEN.match(text):
        return {}, 0, 0
    first = text.index("\n") + 1
    close = _CLOSE.search(text, first, first + MAX_FRONT_MATTER_CHARS)
    if close is None:
        return {}, 0, 0
    block = text[first : close.start()]
    import yaml  # loaded only for a file with front matter

    try:
        _check_shape(block, path)
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        raise InputError(
            "the YAML front matter cannot be parsed",
            path=path,
            line=line,
            hint="fix the block between the --- lines (key: value per line), or remove the --- lines",
        ) from None
    if not isinstance(data, dict):
        # A '---' rule followed by prose is not front matter: keep it as text.
        return {}, 0, 0
    end = close.end()
    if end < len(text) and text[end] == "\n":
        end += 1
    n_lines = text.count("\n", 0, close.start()) + 1
    return _plain(data), end, n_lines

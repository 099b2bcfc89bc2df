"""Reading code names out of what coders write: Word comments and spreadsheet cells.

The rule for a **comment** (also stated in the note at the top of every exported Word file):

* it starts with its codes: ids, names or aliases (any case and spacing, see
  :meth:`mio_qual.codebook.Codebook.resolve`), several separated by ``;`` ``,`` ``|`` or ``+``;
* the codes end at the first line break, or at `` - `` / `` -- `` / `` — `` / ``: ``
  followed by more text; what follows is the **memo**, kept with each coding.

Every piece in the codes part must name a code. A piece that does not is a problem (with the
codebook's suggestions), never silently moved to the memo: a misspelt code must not vanish.

A **cell** of a ``code``/``codes`` column holds codes only, separated the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Sequence

from ..codebook import DEFAULT_CODEBOOKS

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook import Codebook

COMMENT_HINT = ("start the comment with code ids or names separated by ';' and put a memo on a new line or "
                "after ' - '")

# Between the codes and the memo on the first line (the first match that leaves codes wins).
_MEMO_SEPARATORS = re.compile(r"\s+(?:--|-|\u2014|\u2013)\s+|:\s+|\s*\u2014\s*")
_PLUS = re.compile(r"\s*\+\s*")
_ID = r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+"
# Dotted ids at the start of a line followed by free text: ``IS.J2; MIO.REC the room again``.
_LEADING_IDS = re.compile(rf"^\s*({_ID}(?:\s*[;,|+]\s*{_ID})*)\s+(?=\S)")


@dataclass(frozen=True)
class ParsedComment:
    """What a comment says: the code ids, the memo, and the problem when it names no code.

    ``problem`` says what is wrong (for example ``'Spce': unknown code 'Spce' (did you mean
    IS.J2?)``); the caller adds where and what to do (:data:`COMMENT_HINT`).
    """

    codes: tuple[str, ...]
    memo: str | None
    problem: str | None = None


def load_codebook(codebook: "Codebook | Sequence[str] | str | None") -> "Codebook":
    """A :class:`~mio_qual.codebook.Codebook` from an object, names, or None (:data:`~mio_qual.codebook.DEFAULT_CODEBOOKS`)."""
    from ..codebook import load_codebooks

    if codebook is None:
        return load_codebooks(list(DEFAULT_CODEBOOKS))
    if isinstance(codebook, (str, PurePath)):  # a bundled name or a file (.yaml, .csv, .qdc, .qdpx)
        return load_codebooks([codebook])
    if isinstance(codebook, (list, tuple)):
        return load_codebooks(list(codebook))
    return codebook  # type: ignore[return-value]


def _found(codebook: "Codebook", text: str) -> tuple[list[str], list[str]]:
    text = _PLUS.sub(";", text)
    found = codebook.find_codes(text)
    return list(found), list(getattr(found, "problems", []))


def parse_cell(codebook: "Codebook", text: Any) -> tuple[list[str], list[str]]:
    """Codes named in a spreadsheet cell: ``(ids, problems)``; an empty cell gives a problem."""
    if text is None or (isinstance(text, float) and text != text) or not str(text).strip():
        return [], ["no code given"]
    ids, problems = _found(codebook, str(text))
    if not ids and not problems:
        problems = [f"{str(text)!r} names no code"]
    return ids, problems


def parse_comment(codebook: "Codebook", text: str) -> ParsedComment:
    """Split a Word comment into codes and memo (rules in the module docstring).

    Examples
    --------
    >>> from mio_qual.codebook import load_codebooks
    >>> parse_comment(load_codebooks(["cfir2", "mio"]), "IS.J2; scheduling\\nShe says the room is key")
    ParsedComment(codes=('IS.J2', 'MIO.SCHED'), memo='She says the room is key', problem=None)
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ParsedComment((), None, "the comment is empty; write the code id or name")
    first, _, rest = text.partition("\n")
    rest = rest.strip()
    # 1. Codes on several lines and nothing else.
    if rest:
        ids, problems = _found(codebook, text)
        if ids and not problems:
            return ParsedComment(tuple(ids), None)
    # 2. The first line: codes only, or codes, a separator and a memo. When both readings
    #    give the same codes (``IS.J2 - no room``) the memo is kept; when they differ
    #    (``Available Resources: Funding``) the whole line is the label.
    whole, whole_problems = _found(codebook, first)
    whole_ok = bool(whole) and not whole_problems
    splits = [(m.start(), m.end()) for m in _MEMO_SEPARATORS.finditer(first)]
    leading = _LEADING_IDS.match(first)
    if leading:
        splits.append((leading.end(1), leading.end()))
    for start, end in splits:
        head = first[:start].strip()
        tail = first[end:].strip()
        if not head or not tail:
            continue
        ids, problems = _found(codebook, head)
        if ids and not problems and (not whole_ok or ids == whole):
            memo = "\n".join(part for part in (tail, rest) if part)
            return ParsedComment(tuple(ids), memo or None)
    if whole_ok:
        return ParsedComment(tuple(whole), rest or None)
    # 3. Nothing worked: report what the first line's pieces say.
    ids, problems = _found(codebook, first)
    if problems:
        detail = "; ".join(problems)
    else:
        detail = f"{first!r} names no code"
    return ParsedComment(tuple(ids), None, detail)


__all__ = ["COMMENT_HINT", "ParsedComment", "parse_comment", "parse_cell", "load_codebook"]

"""Plain-text transcripts (``.txt``, ``.md``): decode, canonicalize line by line, strip front matter.

The canonical text keeps the file's lines (canonicalized as :func:`mio_qual.offsets.canonicalize`
does: NFC, ``\\n`` line ends, no trailing spaces) minus the front-matter block and the blank
lines around the body, so line ``k`` of the file is a line of the canonical text and the
:class:`~mio_qual.transcripts.model.SourceBlock` list maps every file line (index = line
number - 1) to its span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .encoding import check_line_lengths, read_text_file
from .frontmatter import split_front_matter
from .model import SourceBlock

# The same rules as mio_qual.offsets.canonicalize, applied without dropping any line so that
# line numbers survive; tests check that the result is canonical.
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u200b]+$", re.MULTILINE)
_TRAILING_CHARS = frozenset(" \t\u00a0\u200b")


@dataclass
class TextSource:
    """A text-bearing source reduced to canonical text, before speaker detection."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    source_blocks: list[SourceBlock] = field(default_factory=list)
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    format: str = "txt"


def canonical_lines(raw: str) -> str:
    """Canonicalize ``raw`` but keep every line, leading and trailing blank ones included."""
    text = raw.replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text.lstrip("\ufeff")
    if text.isascii():  # single-character searches instead of a regex tried at every offset
        breaks = "\r" in text or "\x0b" in text or "\x0c" in text
    else:
        breaks = _LINE_BREAKS.search(text) is not None
    if breaks:
        text = _LINE_BREAKS.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _TRAILING_SPACE.sub("", text) if _has_trailing_space(text) else text


def _has_trailing_space(text: str) -> bool:
    """True when a line of ``text`` ends in a character ``_TRAILING_SPACE`` removes (looked for at
    the line ends only: the regex would be tried at every space of the text)."""
    if text[-1:] in _TRAILING_CHARS:
        return True
    find = text.find
    pos = find("\n")
    while pos >= 0:
        if pos and text[pos - 1] in _TRAILING_CHARS:
            return True
        pos = find("\n", pos + 1)
    return False


def line_blocks(text: str, first_line: int, n_before: int, n_total: int) -> list[SourceBlock]:
    """Source blocks for a file whose lines ``first_line...`` form ``text`` (canonical).

    Lines before ``first_line`` (front matter, leading blank lines) and after the text's last
    line map to empty blocks at offset 0 and at the end.
    """
    blocks = [SourceBlock(i, 0, 0) for i in range(n_before)]
    pos = 0
    index = first_line
    size = len(text)
    while True:
        nl = text.find("\n", pos)
        if nl < 0:
            blocks.append(SourceBlock(index, pos, size))
            index += 1
            break
        blocks.append(SourceBlock(index, pos, nl))
        index += 1
        pos = nl + 1
    blocks.extend(SourceBlock(i, size, size) for i in range(index, n_total))
    return blocks


def text_to_source(raw: str, *, path: str | Path, fmt: str, encoding: str, warnings: list[str]) -> TextSource:
    """Turn decoded file text into a :class:`TextSource` (front matter parsed, lines mapped)."""
    lines_text = canonical_lines(raw)
    check_line_lengths(lines_text, path=path)
    metadata, body_at, fm_lines = split_front_matter(lines_text, path=path)
    body = lines_text[body_at:]
    # mio_qual.offsets.canonicalize drops a BOM at the start of the text: drop every BOM and
    # blank line before the first text, so that the result is a fixed point of canonicalize.
    stripped_head = body.lstrip("\n\ufeff")
    lead = body.count("\n", 0, len(body) - len(stripped_head))
    text = stripped_head.rstrip("\n")
    # A final line break ends the last line; it does not start another one.
    n_total = lines_text.count("\n") + (0 if lines_text.endswith("\n") else 1)
    first_line = fm_lines + lead
    if text:
        blocks = line_blocks(text, first_line, first_line, n_total)
    else:
        blocks = [SourceBlock(i, 0, 0) for i in range(n_total)]
    return TextSource(text, metadata, blocks, encoding, warnings, fmt)


def read_plain(path: str | Path) -> TextSource:
    """Read a ``.txt`` or ``.md`` transcript up to its canonical text (no speaker detection yet)."""
    path = Path(path)
    raw, encoding, warnings = read_text_file(path)
    return text_to_source(raw, path=path, fmt=path.suffix.lower().lstrip(".") or "txt", encoding=encoding, warnings=warnings)

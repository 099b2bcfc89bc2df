"""Canonical text and the offset conversions that happen at the edges.

Inside mio-qual every span is a half-open ``[start, end)`` pair of Unicode code-point offsets
into a transcript's canonical text: NFC-normalized, ``\\n`` line ends, no trailing spaces on
any line, no leading or trailing blank lines. Other offset conventions (UTF-16 code units as
Word and some QDA tools count, CRLF-counting offsets, UTF-8 byte offsets) are converted only
where data enters or leaves: see :func:`utf16_to_cp`, :func:`cp_to_utf16` and
:func:`crlf_to_lf_offsets`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from typing import Iterable, Sequence

_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u200b]+$", re.MULTILINE)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def canonicalize(raw: str) -> str:
    """Return the canonical form of ``raw``.

    NFC normalization, every line break (CRLF, CR, U+2028/2029, VT, FF, NEL) to ``\\n``,
    trailing spaces removed from every line, NUL removed, and leading/trailing blank lines
    dropped. Applying it twice changes nothing.

    Examples
    --------
    >>> canonicalize("Cafe\\u0301  \\r\\nline two\\r\\n\\r\\n")
    'Café\\nline two'
    >>> canonicalize(canonicalize("a\\rb ")) == canonicalize("a\\rb ")
    True
    """
    text = raw.replace("\x00", "")
    text = _LINE_BREAKS.sub("\n", text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("", text)
    return text.lstrip("\n\ufeff").rstrip("\n")


def is_canonical(text: str) -> bool:
    """True when ``text`` is already canonical."""
    return canonicalize(text) == text


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the UTF-8 encoding of ``text``: a transcript's content identity."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Whitespace-delimited word count (what transcription services bill by)."""
    return len(text.split())


def _utf16_prefix(text: str) -> list[int]:
    """Cumulative UTF-16 lengths: ``out[i]`` is the UTF-16 offset of code point ``i``."""
    out = [0] * (len(text) + 1)
    total = 0
    for i, ch in enumerate(text):
        total += 2 if ord(ch) > 0xFFFF else 1
        out[i + 1] = total
    return out


def cp_to_utf16(text: str, offsets: Iterable[int]) -> list[int]:
    """Convert code-point offsets into ``text`` to UTF-16 code-unit offsets.

    Examples
    --------
    >>> cp_to_utf16("a\\U0001F600b", [0, 1, 2, 3])
    [0, 1, 3, 4]
    """
    prefix = _utf16_prefix(text)
    return [prefix[o] for o in offsets]


def utf16_to_cp(text: str, offsets: Iterable[int]) -> list[int]:
    """Convert UTF-16 code-unit offsets into ``text`` to code-point offsets.

    An offset that falls inside a surrogate pair is moved to the start of that character.

    Examples
    --------
    >>> utf16_to_cp("a\\U0001F600b", [0, 1, 3, 4])
    [0, 1, 2, 3]
    """
    prefix = _utf16_prefix(text)
    result = []
    for o in offsets:
        if o < 0 or o > prefix[-1]:
            raise ValueError(f"UTF-16 offset {o} is outside a text of {prefix[-1]} code units")
        result.append(bisect_right(prefix, o) - 1)
    return result


def crlf_to_lf_offsets(text_lf: str, offsets: Sequence[int]) -> list[int]:
    """Map offsets counted in the CRLF version of ``text_lf`` back to ``text_lf``.

    Tools running on Windows often count each line break as two characters. Given the LF
    text and offsets counted as though every ``\\n`` were ``\\r\\n``, return LF offsets.

    Examples
    --------
    >>> crlf_to_lf_offsets("ab\\ncd", [0, 2, 4, 6])
    [0, 2, 3, 5]
    """
    newline_positions = [i for i, ch in enumerate(text_lf) if ch == "\n"]
    # In the CRLF text, the k-th newline (0-based) sits at position p_k + k and takes 2 units.
    crlf_starts = [p + k for k, p in enumerate(newline_positions)]
    result = []
    for o in offsets:
        k = bisect_right(crlf_starts, o - 1)  # newlines wholly or partly before o
        # an offset pointing between \r and \n is moved to the newline itself
        if k and o == crlf_starts[k - 1] + 1:
            result.append(newline_positions[k - 1])
        else:
            result.append(o - k)
    return result


def xml_safe(text: str, replacement: str = "\ufffd") -> str:
    r"""Replace every character XML 1.0 cannot hold (C0 controls but tab and line ends, lone
    surrogates, U+FFFE, U+FFFF) by ``replacement``; the one sanitizer of every XML writer.

    Examples
    --------
    >>> xml_safe("a\x1bb\ufffe") == "a\ufffdb\ufffd", xml_safe("a\x00b", "")
    (True, 'ab')
    """
    return _XML_ILLEGAL.sub(replacement, text)

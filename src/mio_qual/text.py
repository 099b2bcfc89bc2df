"""Small facts about a text: its content hash, its word count, and the one XML sanitizer.

The canonical form and every offset conversion live in :mod:`mio_qual.offsets`.
"""

from __future__ import annotations

import hashlib
import re

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the UTF-8 encoding of ``text``: a transcript's content identity."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Whitespace-delimited word count (what transcription services bill by)."""
    return len(text.split())


def xml_safe(text: str, replacement: str = "\ufffd") -> str:
    r"""Replace every character XML 1.0 cannot hold (C0 controls but tab and line ends, lone
    surrogates, U+FFFE, U+FFFF) by ``replacement``; the one sanitizer of every XML writer.

    Examples
    --------
    >>> xml_safe("a\x1bb\ufffe") == "a\ufffdb\ufffd", xml_safe("a\x00b", "")
    (True, 'ab')
    """
    return _XML_ILLEGAL.sub(replacement, text)


def counted(count: float, what: str, *, numeral: str | None = None) -> str:
    """A count followed by what it counts, the plural settled by the count.

    ``what`` names a plural ("units seen by fewer than two coders") or carries ``(s)``
    ("transcript(s) blake did not see"); for exactly one its leading plural is made singular and
    ``(s)`` dropped. ``numeral`` replaces the count as written (``"one"``); by default it is
    ``f"{count:g}"``. A fraction keeps the plural.

    Examples
    --------
    >>> counted(1, "units seen by fewer than two coders"), counted(2.0, "transcript(s) blake did not see")
    ('1 unit seen by fewer than two coders', '2 transcripts blake did not see')
    >>> counted(1, "codings wholly on headers", numeral="one"), counted(0.5, "units")
    ('one coding wholly on headers', '0.5 units')
    """
    one = float(count) == 1
    if one and "(s)" not in what:  # "units where ..." -> "unit where ..."
        first, _, rest = what.partition(" ")
        if first.endswith("s") and not first.endswith("ss"):
            what = " ".join(w for w in (first[:-1], rest) if w)
    return f"{f'{count:g}' if numeral is None else numeral} {what.replace('(s)', '' if one else 's')}"

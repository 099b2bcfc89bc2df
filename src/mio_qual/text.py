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

"""Transcriber notes: ``[inaudible 00:12:03]``, ``[crosstalk]``, ``(laughs)``, ``[pause]``...

Notes stay in the canonical text (a coder needs to see them, and removing them would move
every offset); they are also listed as :class:`~mio_qual.transcripts.model.Note` spans with
a kind and, when the note carries one, a time.

What counts as a note: any ``[...]`` inside speech (square brackets are the transcriber's
convention for their own insertions: ``[inaudible]``, ``[redacted]``, ``[phone rings]``) except
a Markdown link ``[text](url)``, and a ``(...)`` whose content starts with a known note word
(``(laughs)``, ``(inaudible)``, ``(pause)``); other parentheses are speech.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Sequence

from .model import Note, Paragraph
from .timecodes import parse_time

_WORDS = {
    "inaudible": ("inaudible", "unintelligible", "indiscernible", "incomprehensible", "unclear", "unintelligble"),
    "crosstalk": ("crosstalk", "cross-talk", "cross talk", "overlapping", "talking over", "overtalk"),
    "laughter": ("laugh", "chuckl", "giggl"),
    "pause": ("pause", "silence", "long pause", "break in recording"),
}
_PAREN_WORDS = tuple(w for words in _WORDS.values() for w in words) + (
    "cough",
    "sigh",
    "clears throat",
    "phone",
    "background",
    "interrupt",
    "sniff",
    "crying",
    "cries",
    "noise",
    "recording",
    "redacted",
    "name redacted",
)
_NOTE = re.compile(
    r"\[(?P<b>[^\[\]\n]{1,120})\](?!\()"
    r"|\((?P<p>(?:" + "|".join(re.escape(w) for w in sorted(_PAREN_WORDS, key=len, reverse=True)) + r")[^()\n]{0,80})\)",
    re.IGNORECASE,
)
_ANY_KIND_WORD = re.compile("|".join(re.escape(w) for words in _WORDS.values() for w in words))
_TIME = re.compile(r"(?<![\d:])(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)(?![\d:])")


def note_kind(content: str) -> str:
    """Kind of a note from its content: inaudible, crosstalk, laughter, pause or other.

    Examples
    --------
    >>> note_kind("inaudible 00:12:03"), note_kind("Laughs"), note_kind("phone rings")
    ('inaudible', 'laughter', 'other')
    """
    low = content.lower()
    if _ANY_KIND_WORD.search(low) is None:  # one scan settles most contents (speaker labels in captions)
        return "other"
    for kind, words in _WORDS.items():
        if any(w in low for w in words):
            return kind
    return "other"


def find_notes(text: str, paragraphs: Sequence[Paragraph]) -> list[Note]:
    """Transcriber notes that lie inside the paragraphs (speech) of ``text``, in text order.

    Parameters
    ----------
    text : str
        Canonical text.
    paragraphs : sequence of Paragraph
        Paragraph spans, in order (labels and headers between them are not searched).
    """
    if not paragraphs or ("[" not in text and "(" not in text):
        return []
    starts = [p.start for p in paragraphs]
    notes: list[Note] = []
    for m in _NOTE.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or m.end() > paragraphs[i].end:
            continue
        content = m.group("b") if m.group("b") is not None else m.group("p")
        t = _TIME.search(content)
        notes.append(Note(m.start(), m.end(), note_kind(content), parse_time(t.group(1)) if t else None))
    return notes

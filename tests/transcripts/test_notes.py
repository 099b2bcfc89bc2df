"""Transcriber notes: the kind of a note is the one its words name (one scan first, the same answer)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.transcripts.notes import _WORDS, note_kind


def _kind_by_words(content: str) -> str:
    """The rule as written before the one-scan shortcut: the first kind one of whose words occurs."""
    low = content.lower()
    for kind, words in _WORDS.items():
        if any(w in low for w in words):
            return kind
    return "other"


PIECES = st.sampled_from([w for words in _WORDS.values() for w in words]
                         + ["SPEAKER_00", "phone rings", "LAUGHS", "Cross Talk", "x", " ", "00:12:03", "İ", "ß"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(PIECES, max_size=4))
def test_note_kind_is_the_first_kind_named(parts):
    content = " ".join(parts)
    assert note_kind(content) == _kind_by_words(content)

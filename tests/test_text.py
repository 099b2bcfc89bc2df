"""Canonical text and offset conversions (DESIGN.md, decision 1)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from mio_qual.offsets import canonicalize, cp_to_utf16, crlf_to_lf_offsets, is_canonical, utf16_to_cp

TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


def test_canonical_form_examples():
    assert canonicalize("\ufeffI: hi  \r\nR: ok\t\r\n\r\n") == "I: hi\nR: ok"
    assert canonicalize("e\u0301") == "\u00e9"
    assert canonicalize("a\rb\u2028c") == "a\nb\nc"
    assert canonicalize("keep\u00a0inside here ") == "keep\u00a0inside here"
    assert canonicalize("\n\ufeffI: hi") == "I: hi"  # a BOM after leading blank lines goes too


@given(TEXTS)
def test_canonicalize_is_idempotent_and_canonical(raw):
    once = canonicalize(raw)
    assert canonicalize(once) == once
    assert is_canonical(once)
    assert "\r" not in once
    assert unicodedata.is_normalized("NFC", once)
    assert all(line == line.rstrip(" \t") for line in once.split("\n"))


@given(TEXTS)
def test_utf16_round_trip(text):
    offsets = list(range(len(text) + 1))
    units = cp_to_utf16(text, offsets)
    assert units[-1] == len(text.encode("utf-16-le")) // 2
    assert utf16_to_cp(text, units) == offsets


def test_utf16_with_emoji_by_hand():
    text = "I \U0001F62D it"  # crying face is one code point, two UTF-16 units
    assert cp_to_utf16(text, [2, 3, 4]) == [2, 4, 5]
    assert utf16_to_cp(text, [2, 4, 5]) == [2, 3, 4]
    # an offset between the two halves of the pair moves to the character's start
    assert utf16_to_cp(text, [3]) == [2]


@given(st.lists(st.text(alphabet="ab \u00e9", max_size=8), max_size=6))
def test_crlf_offsets_map_to_same_characters(lines):
    text = "\n".join(lines)
    crlf = text.replace("\n", "\r\n")
    # every CRLF offset that starts a character other than '\n' maps to the same character
    lf_index = crlf_to_lf_offsets(text, list(range(len(crlf) + 1)))
    for o, mapped in enumerate(lf_index):
        if o < len(crlf) and crlf[o] not in "\r\n":
            assert text[mapped] == crlf[o]
    assert lf_index[-1] == len(text)

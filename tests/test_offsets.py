"""The offsets module: edit maps, the canonical map and the aligner, with round-trip properties.

The property every caller leans on (DESIGN.md, decision 1): a span whose text is not touched
by an edit lands, after alignment, on the same characters, whatever the edits elsewhere
(insertions, deletions, replacements), and whatever the text holds (emoji beyond the BMP,
combining accents, CRLF line ends).
"""

from __future__ import annotations

import difflib
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mio_qual.offsets import (
    Change,
    ComposedMap,
    EditMap,
    IdentityMap,
    align,
    canonical_map,
    canonicalize,
    cp_to_utf16,
    crlf_to_lf_offsets,
    matching_blocks,
    newline_offsets,
    utf16_to_cp,
)

# Words made of pieces that stress offsets: astral emoji (two UTF-16 units), decomposed accents
# (two code points for one letter), CRLF and curly quotes.
PIECES = ["a", "b", "é", "e\u0301", "\U0001F600", "\u201c", "\r\n", "z", "Q"]
WORD = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)
SMALL = ["a", "b", " ", "\u00e9", "\n", "\r\n", "\U0001F600", "e\u0301"]


def _words(draw_words: list[str]) -> list[str]:
    """Distinct words: each gets a unique numeric tag so that no alignment is ambiguous."""
    return [f"{w}{k}" for k, w in enumerate(draw_words)]


def _join(words: list[str]) -> tuple[str, list[int]]:
    """The text of ``words`` separated by spaces, and where each word starts."""
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    return " ".join(words), starts


# ---------------------------------------------------------------------------------- edit maps
def test_edit_map_by_hand():
    # old "abcdefghij": "cd" (2-4) becomes 3 characters, 2 are inserted at 6, "i" (8-9) is deleted
    m = EditMap(10, [(2, 4, 3), (6, 6, 2), (8, 9, 0)])
    assert m.new_length == 10 + 1 + 2 - 1
    assert [m.start(o) for o in (0, 2, 3, 4, 6, 8, 9, 10)] == [0, 2, 2, 5, 9, 11, 11, 12]
    assert [m.end(o) for o in (0, 2, 3, 4, 6, 8, 9, 10)] == [0, 2, 5, 5, 7, 11, 11, 12]
    with pytest.raises(ValueError):
        m.start(11)
    with pytest.raises(ValueError):
        EditMap(5, [(3, 4, 1), (1, 2, 1)])


def test_composed_and_identity_maps():
    first = EditMap(4, [(1, 2, 3)])  # "abcd" -> "aXYZcd"
    second = EditMap(6, [(0, 1, 0)])  # -> "XYZcd"
    both = ComposedMap([first, second])
    assert (both.start(2), both.end(4)) == (3, 5)
    assert (IdentityMap().start(7), IdentityMap().end(7)) == (7, 7)


# ---------------------------------------------------------------------------------- aligner
def test_align_by_hand():
    old = "I: How was it?\n\nR: We had no room.\n\nI: And now?"
    new = "I: How was it?\n\nR: Honestly, we had no space.\n\nI: And now?"
    a = align(old, new)
    for s, e in [(0, 14), (old.index("had no"), old.index("had no") + 6), (old.index("And"), len(old))]:
        assert new[a.start(s):a.end(e)] == old[s:e]
    changed_old = [old[c.old_start:c.old_end] for c in a.changes]
    changed_new = [new[c.new_start:c.new_end] for c in a.changes]
    assert "".join(changed_new).count("space") == 1 and "".join(changed_old).count("room") == 1
    s = old.index("room")
    assert new[a.start(s):a.end(s + 4)] == "space"  # a span on changed text covers what replaced it


def test_identical_and_empty_texts():
    assert align("same", "same").identical and align("same", "same").changes == []
    assert align("", "").changes == []
    assert align("", "new").changes == [Change(0, 0, 0, 3)]
    assert align("old", "").changes == [Change(0, 3, 0, 0)]
    assert matching_blocks("", "x") == []


def test_blocks_are_true_matches_and_changes_tile_both_texts():
    rng = random.Random(7)
    vocabulary = ["the", "room", "was", "booked", "every", "week", "\n\n", "I:", "R:", ",", "."]
    old = " ".join(rng.choice(vocabulary) for _ in range(3000))
    new = old
    for _ in range(60):
        i = rng.randrange(len(new))
        new = new[:i] + rng.choice(["", "extra words", "\n"]) + new[i + rng.randint(0, 30):]
    a = align(old, new)
    for i, j, n in a.blocks:
        assert n > 0 and old[i:i + n] == new[j:j + n]
    # blocks and changes alternate and cover both texts exactly
    pieces = sorted([(i, i + n, j, j + n) for i, j, n in a.blocks]
                    + [(c.old_start, c.old_end, c.new_start, c.new_end) for c in a.changes])
    assert pieces[0][0] == 0 and pieces[0][2] == 0 and pieces[-1][1] == len(old) and pieces[-1][3] == len(new)
    for before, after in zip(pieces, pieces[1:]):
        assert before[1] == after[0] and before[3] == after[2]


def test_aligner_matches_as_much_as_difflib_on_an_edited_text():
    rng = random.Random(3)
    words = ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(2, 7))) for _ in range(400)]
    old = "\n\n".join(f"P{k % 2}: " + " ".join(rng.choice(words) for _ in range(30)) for k in range(40))
    new = old
    for _ in range(25):
        i = rng.randrange(len(new))
        new = new[:i] + rng.choice(["", "an inserted phrase "]) + new[i + rng.randint(0, 40):]
    ours = sum(n for _, _, n in matching_blocks(old, new))
    reference = sum(b.size for b in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks())
    assert ours >= 0.97 * reference


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=4, max_size=25), st.data())
def test_unchanged_spans_land_on_the_same_characters(raw_words, data):
    words = _words(raw_words)
    old, starts = _join(words)
    n = len(words)
    # a coded span of whole words, and edits that leave at least one untouched word around it
    first = data.draw(st.integers(0, n - 1))
    last = data.draw(st.integers(first, min(n - 1, first + 3)))
    span = (starts[first], starts[last] + len(words[last]))
    new_words: list[str] = []
    for k, w in enumerate(words):
        if first - 1 <= k <= last + 1:
            new_words.append(w)
            continue
        action = data.draw(st.sampled_from(["keep", "keep", "delete", "replace", "insert"]))
        if action == "keep":
            new_words.append(w)
        elif action == "replace":
            new_words.append(data.draw(WORD) + "x")
        elif action == "insert":
            new_words.extend([data.draw(WORD) + "y", w])
    new, _ = _join(new_words)
    a = align(old, new)
    s, e = a.start(span[0]), a.end(span[1])
    assert new[s:e] == old[span[0]:span[1]]
    # the whole of an unchanged text maps onto itself
    same = align(old, old)
    assert (same.start(span[0]), same.end(span[1])) == span


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SMALL), max_size=40).map("".join),
       st.lists(st.sampled_from(SMALL), max_size=40).map("".join))
def test_maps_are_monotone_and_inside_the_new_text(old, new):
    a = align(old, new)
    starts = [a.start(o) for o in range(len(old) + 1)]
    ends = [a.end(o) for o in range(len(old) + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= o <= len(new) for o in starts + ends)
    for i, j, n in a.blocks:
        assert old[i:i + n] == new[j:j + n]
        assert [a.start(o) for o in range(i, i + n)] == list(range(j, j + n))


# ---------------------------------------------------------------------------------- canonical map
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["I: ", "word", " ", "  ", "\r\n", "\n", "\r", "e\u0301", "\U0001F600", "\t",
                                 "\u00a0", "\ufeff"]), max_size=30))
def test_canonical_map_then_edit_round_trip(pieces):
    """A span mapped from raw text into its canonical form, then across an edit of the
    canonical text elsewhere, still holds the same (canonical) characters."""
    raw = "".join(pieces) + " marker-word tail"
    canonical, m = canonical_map(raw)
    assert canonical == canonicalize(raw)
    s = raw.index("marker-word")
    cs, ce = m.start(s), m.end(s + len("marker-word"))
    assert canonical[cs:ce] == "marker-word"
    edited = "Clinic: Northside\n\n" + canonical.replace("tail", "end of it")
    assume(edited.count("marker-word") == 1)
    a = align(canonical, edited)
    assert edited[a.start(cs):a.end(ce)] == "marker-word"


# ---------------------------------------------------------------------------------- UTF-16 and CRLF maps
def _old_utf16_prefix(text: str) -> list[int]:
    """The per-character prefix the maps used before issue 21 (the reference they must match)."""
    out = [0] * (len(text) + 1)
    for i, ch in enumerate(text):
        out[i + 1] = out[i] + (2 if ord(ch) > 0xFFFF else 1)
    return out


def _old_utf16_to_cp(text: str, units: list[int]) -> list[int]:
    from bisect import bisect_right

    prefix = _old_utf16_prefix(text)
    return [bisect_right(prefix, u) - 1 for u in units]


def _old_newlines_crlf_to_lf(text_lf: str, offsets: list[int]) -> list[int]:
    from bisect import bisect_right

    newlines = [i for i, ch in enumerate(text_lf) if ch == "\n"]
    starts = [p + k for k, p in enumerate(newlines)]
    out = []
    for o in offsets:
        k = bisect_right(starts, o - 1)
        out.append(newlines[k - 1] if k and o == starts[k - 1] + 1 else o - k)
    return out


ASTRAL_TEXTS = st.lists(st.sampled_from(
    ["a", "b", " ", "\n", "\r", "\r\n", "\u00e9", "\u4e2d", "\U0001F600", "\U0001F44D\U0001F3FD", "\U00010348",
     "\U0001F1EB\U0001F1F7", "\ufeff", "\u200d"]), max_size=40).map("".join)


@given(ASTRAL_TEXTS)
@settings(max_examples=300)
def test_utf16_maps_equal_the_per_character_prefix(text):
    """Issue 21: the bisect over astral characters gives what the per-character prefix gave, for every offset."""
    prefix = _old_utf16_prefix(text)
    assert cp_to_utf16(text, range(len(text) + 1)) == prefix
    assert prefix[-1] == len(text.encode("utf-16-le")) // 2  # and both agree with an encoder
    units = list(range(prefix[-1] + 1))  # every code unit, inside surrogate pairs too
    assert utf16_to_cp(text, units) == _old_utf16_to_cp(text, units)
    with pytest.raises(ValueError):
        utf16_to_cp(text, [prefix[-1] + 1])
    with pytest.raises(ValueError):
        cp_to_utf16(text, [len(text) + 1])


@given(ASTRAL_TEXTS)
@settings(max_examples=200)
def test_crlf_map_equals_the_per_character_scan(text):
    text_lf = text.replace("\r\n", "\n").replace("\r", "")
    offsets = list(range(len(text_lf.replace("\n", "\r\n")) + 1))
    assert crlf_to_lf_offsets(text_lf, offsets) == _old_newlines_crlf_to_lf(text_lf, offsets)
    assert newline_offsets(text_lf) == [i for i, ch in enumerate(text_lf) if ch == "\n"]


def test_utf16_maps_by_hand_with_two_astral_characters():
    text = "a\U0001F600b\U0001F44Dc"  # code units: a0 😀1-2 b3 👍4-5 c6, end 7
    assert cp_to_utf16(text, [0, 1, 2, 3, 4, 5]) == [0, 1, 3, 4, 6, 7]
    assert utf16_to_cp(text, [0, 1, 2, 3, 4, 5, 6, 7]) == [0, 1, 1, 2, 3, 3, 4, 5]

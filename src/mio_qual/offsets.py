"""Offsets: the canonical form, its position map, the edge conversions and the one aligner.

Inside mio-qual every span is a half-open ``[start, end)`` pair of Unicode code-point offsets
into a transcript's canonical text (DESIGN.md, decision 1): NFC-normalized, ``\\n`` line ends,
no trailing spaces on any line, no leading or trailing blank lines. This module is the one
place that knows how positions move:

* **Canonical form**: :func:`canonicalize`, and :func:`canonical_map`, which also says where
  each position of the raw text lands in the canonical one.
* **Edge conversions**: UTF-16 code units (Word, several QDA tools) with :func:`cp_to_utf16`
  and :func:`utf16_to_cp`; offsets that count each line break as ``\\r\\n`` with
  :func:`crlf_to_lf_offsets`. They are used where data enters or leaves, nowhere inside.
* **One map protocol**, :class:`OffsetMap`: ``start(offset)`` and ``end(offset)`` carry a
  span's start and end from one text to another. :class:`EditMap` (built from edits),
  :class:`ComposedMap` and :class:`IdentityMap` implement it, and so does :class:`TextAlignment`.
* **One aligner**, :func:`align`, between an old and a new version of a text (a replaced
  transcript, a tool's copy of a source): matching stretches, the spans that changed, and the
  offset map between them. It runs in O(n log n) for texts of n characters (see :func:`align`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, Protocol, Sequence

__all__ = [
    "canonicalize", "is_canonical", "canonical_map",
    "cp_to_utf16", "utf16_to_cp", "crlf_to_lf_offsets", "newline_offsets",
    "OffsetMap", "EditMap", "ComposedMap", "IdentityMap",
    "Change", "TextAlignment", "align", "matching_blocks",
]

_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u200b]+$", re.MULTILINE)


# ---------------------------------------------------------------------------------- canonical form
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


# ---------------------------------------------------------------------------------- edge conversions
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _astral(text: str) -> list[int]:
    """Code-point offsets of the characters beyond U+FFFF (two UTF-16 code units each), in order.

    Found by one regular-expression scan in C: the maps below bisect this list, so a text
    without such characters (most transcripts) costs one scan, not one Python step per
    character (issue 21: the per-character prefix loop took 31% of a ``.qdpx`` re-import).
    """
    return [m.start() for m in _ASTRAL.finditer(text)]


def cp_to_utf16(text: str, offsets: Iterable[int]) -> list[int]:
    """Convert code-point offsets into ``text`` to UTF-16 code-unit offsets.

    A code-point offset ``o`` lies at ``o`` plus the number of astral characters (beyond
    U+FFFF) before it.

    Raises
    ------
    ValueError
        For an offset outside ``0..len(text)``.

    Examples
    --------
    >>> cp_to_utf16("a\\U0001F600b", [0, 1, 2, 3])
    [0, 1, 3, 4]
    """
    astral = _astral(text)
    size = len(text)
    result = []
    for o in offsets:
        if o < 0 or o > size:
            raise ValueError(f"offset {o} is outside a text of {size} characters")
        result.append(int(o) + bisect_left(astral, o) if astral else int(o))
    return result


def utf16_to_cp(text: str, offsets: Iterable[int]) -> list[int]:
    """Convert UTF-16 code-unit offsets into ``text`` to code-point offsets.

    An offset that falls inside a surrogate pair is moved to the start of that character.
    The ``k``-th astral character (from 0) at code point ``a`` starts at code unit ``a + k``,
    so a code-unit offset ``u`` lies at ``u`` minus the number of those starts below ``u``.

    Examples
    --------
    >>> utf16_to_cp("a\\U0001F600b", [0, 1, 3, 4])
    [0, 1, 2, 3]
    >>> utf16_to_cp("a\\U0001F600b", [2])
    [1]
    """
    starts = [a + k for k, a in enumerate(_astral(text))]
    size = len(text) + len(starts)
    result = []
    for o in offsets:
        if o < 0 or o > size:
            raise ValueError(f"UTF-16 offset {o} is outside a text of {size} code units")
        result.append(int(o) - bisect_left(starts, o) if starts else int(o))
    return result


def newline_offsets(text: str) -> list[int]:
    """Offsets of every ``\\n`` in ``text``, in order (one scan in C)."""
    return [m.start() for m in re.finditer("\n", text)]


def crlf_to_lf_offsets(text_lf: str, offsets: Sequence[int]) -> list[int]:
    """Map offsets counted in the CRLF version of ``text_lf`` back to ``text_lf``.

    Tools running on Windows often count each line break as two characters. Given the LF
    text and offsets counted as though every ``\\n`` were ``\\r\\n``, return LF offsets.

    Examples
    --------
    >>> crlf_to_lf_offsets("ab\\ncd", [0, 2, 4, 6])
    [0, 2, 3, 5]
    """
    newline_positions = newline_offsets(text_lf)
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


# ---------------------------------------------------------------------------------- the map protocol
class OffsetMap(Protocol):
    """Carries span edges from one text (the old) to another (the new).

    ``start(offset)`` is where a span starting at ``offset`` starts in the new text, and
    ``end(offset)`` where a span ending there ends. Both are monotone.
    """

    def start(self, offset: int) -> int:
        """The new position of a span start at ``offset``."""

    def end(self, offset: int) -> int:
        """The new position of a span end at ``offset``."""


class EditMap:
    """Where each position of an old text lands in a new text, given the edits between them.

    Built from non-overlapping edits ``(start, end, new_length)`` of the old text, in order:
    ``old[start:end]`` became ``new_length`` characters. A position strictly inside an edited
    stretch has no exact image: :meth:`start` moves it to the start of the stretch's
    replacement and :meth:`end` to its end, so a span never shrinks past text it covered. Text
    inserted at a span's edge (an edit with ``start == end``) stays outside the span: a start
    there moves past the insertion, an end stays before it.

    Examples
    --------
    >>> m = EditMap(10, [(2, 4, 3), (6, 6, 2)])  # "ab[cd]ef|ghij": cd -> 3 chars, 2 inserted at 6
    >>> m.start(3), m.end(3), m.start(6), m.end(6), m.end(10)
    (2, 5, 9, 7, 13)
    """

    def __init__(self, old_length: int, edits: Iterable[tuple[int, int, int]]) -> None:
        self.old_length = old_length
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._new_starts: list[int] = []
        self._new_lengths: list[int] = []
        shift = 0
        last = 0
        for start, end, new_length in edits:
            if start < last or end < start:
                raise ValueError("edits must be ordered and non-overlapping")
            self._starts.append(start)
            self._ends.append(end)
            self._new_starts.append(start + shift)
            self._new_lengths.append(new_length)
            shift += new_length - (end - start)
            last = end
        self.new_length = old_length + shift

    def _map(self, offset: int, to_end: bool) -> int:
        if not 0 <= offset <= self.old_length:
            raise ValueError(f"offset {offset} outside a text of {self.old_length} characters")
        k = bisect_right(self._starts, offset) - 1
        if to_end:
            # an end at an edit's start lies before it (an insertion there included)
            while k >= 0 and self._starts[k] == offset:
                k -= 1
        if k < 0:
            return offset
        start, end, new_start, new_length = self._starts[k], self._ends[k], self._new_starts[k], self._new_lengths[k]
        if offset >= end:
            return new_start + new_length + (offset - end)
        if offset == start or not to_end:
            return new_start
        return new_start + new_length

    def start(self, offset: int) -> int:
        """The new position of a span start at ``offset``."""
        return self._map(offset, to_end=False)

    def end(self, offset: int) -> int:
        """The new position of a span end at ``offset``."""
        return self._map(offset, to_end=True)


class ComposedMap:
    """Several maps applied in turn (the first maps the original text)."""

    def __init__(self, maps: Sequence[OffsetMap]) -> None:
        self.maps = list(maps)

    def start(self, offset: int) -> int:
        """The new position of a span start at ``offset``."""
        for m in self.maps:
            offset = m.start(offset)
        return offset

    def end(self, offset: int) -> int:
        """The new position of a span end at ``offset``."""
        for m in self.maps:
            offset = m.end(offset)
        return offset


class IdentityMap:
    """The map of a text onto itself."""

    def start(self, offset: int) -> int:
        """``offset`` itself."""
        return offset

    def end(self, offset: int) -> int:
        """``offset`` itself."""
        return offset


# ---------------------------------------------------------------------------------- canonical map
def _apply(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, EditMap]:
    pieces, last = [], 0
    for start, end, replacement in edits:
        pieces.append(text[last:start])
        pieces.append(replacement)
        last = end
    pieces.append(text[last:])
    return "".join(pieces), EditMap(len(text), [(s, e, len(r)) for s, e, r in edits])


def _nfc_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits turning ``text`` into its NFC form, as small as the composition allows."""
    if unicodedata.is_normalized("NFC", text):
        return []
    edits: list[tuple[int, int, str]] = []
    line_start = 0
    for line in text.split("\n"):
        if not unicodedata.is_normalized("NFC", line):
            edits.extend(_nfc_line_edits(line, line_start))
        line_start += len(line) + 1
    return edits


def _nfc_line_edits(line: str, offset: int) -> list[tuple[int, int, str]]:
    # Clusters: a character of combining class 0 with the marks that follow it. Canonical
    # composition never reaches across a starter except to the starter right before it, so
    # adjacent clusters are merged while normalizing them together differs from apart.
    bounds = [i for i, ch in enumerate(line) if unicodedata.combining(ch) == 0 or i == 0] + [len(line)]
    clusters: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        if clusters:
            pa, pb = clusters[-1]
            joined = unicodedata.normalize("NFC", line[pa:b])
            apart = unicodedata.normalize("NFC", line[pa:pb]) + unicodedata.normalize("NFC", line[a:b])
            if joined != apart:
                clusters[-1] = (pa, b)
                continue
        clusters.append((a, b))
    edits = []
    for a, b in clusters:
        normal = unicodedata.normalize("NFC", line[a:b])
        if normal != line[a:b]:
            edits.append((offset + a, offset + b, normal))
    rebuilt, _ = _apply(line, [(s - offset, e - offset, r) for s, e, r in edits])
    if rebuilt != unicodedata.normalize("NFC", line):  # pragma: no cover - exotic scripts
        return [(offset, offset + len(line), unicodedata.normalize("NFC", line))]
    return edits


def canonical_map(raw: str) -> tuple[str, OffsetMap]:
    """The canonical text of ``raw`` and the map of ``raw``'s positions onto it.

    The steps of :func:`canonicalize`, in its order, each recorded as edits.

    Parameters
    ----------
    raw : str
        A text as a file held it (after decoding).

    Returns
    -------
    canonical : str
        Equal to :func:`canonicalize` of ``raw``.
    mapping : OffsetMap
        Positions of ``raw`` to positions of ``canonical``.

    Examples
    --------
    >>> text, m = canonical_map("Cafe\\u0301  \\r\\nok ")
    >>> text, m.start(6), m.start(9), m.end(11)
    ('Café\\nok', 4, 5, 7)
    """
    expected = canonicalize(raw)
    if expected == raw:  # already canonical (a text mio-qual exported): no step edits it
        return raw, IdentityMap()
    maps: list[OffsetMap] = []
    text = raw
    steps = [
        lambda t: [(m.start(), m.end(), "") for m in re.finditer("\x00", t)],
        lambda t: [(0, len(t) - len(t.lstrip("\ufeff")), "")] if t.startswith("\ufeff") else [],
        lambda t: [(m.start(), m.end(), "\n") for m in _LINE_BREAKS.finditer(t)],
        _nfc_edits,
        lambda t: [(m.start(), m.end(), "") for m in _TRAILING_SPACE.finditer(t)],
        lambda t: ([(0, len(t) - len(t.lstrip("\n")), "")] if t.startswith("\n") else [])
        + ([(len(t.rstrip("\n")), len(t), "")] if t.endswith("\n") and t.strip("\n") else []),
    ]
    for step in steps:
        edits = step(text)
        if edits:
            text, mapping = _apply(text, edits)
            maps.append(mapping)
    if text != expected:  # pragma: no cover - a divergence from canonicalize: align instead
        return expected, align(raw, expected)
    return text, ComposedMap(maps) if maps else IdentityMap()


# ---------------------------------------------------------------------------------- the aligner
# Stretches that differ are compared character by character only up to this length on each
# side (difflib on two such stretches costs at most about MAX_CHAR_GAP**2 steps).
MAX_CHAR_GAP = 1000
# Word lists with no word unique to both sides are compared with difflib up to this length.
MAX_TOKEN_GAP = 400
# How often a stretch is split again on tokens unique inside it, before the next finer level.
MAX_DEPTH = 6

_LINES = re.compile(r"[^\n]*\n|[^\n]+")
_WORDS = re.compile(r"\w+|\s+|[^\w\s]")
_LEVELS = (_LINES, _WORDS)
_WORD_CHAR = re.compile(r"\w")  # a blank line, a space or a lone comma says little about where it belongs


@dataclass(frozen=True)
class Change:
    """A stretch that differs: ``old[old_start:old_end]`` became ``new[new_start:new_end]``."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


class TextAlignment:
    """The alignment of an old and a new text: matching stretches, changes and the offset map.

    Built by :func:`align`. ``blocks`` are ``(old_start, new_start, size)`` triples with
    ``old[a:a + size] == new[b:b + size]``, increasing and non-overlapping on both sides. It
    is an :class:`OffsetMap` (see :class:`EditMap` for how positions inside changes move).
    """

    def __init__(self, old_length: int, new_length: int, blocks: list[tuple[int, int, int]]) -> None:
        self.old_length = old_length
        self.new_length = new_length
        self.blocks = blocks
        self.changes: list[Change] = []
        a = b = 0
        for a1, b1, size in [*blocks, (old_length, new_length, 0)]:
            if a1 > a or b1 > b:
                self.changes.append(Change(a, a1, b, b1))
            a, b = a1 + size, b1 + size
        self._map = EditMap(old_length, [(c.old_start, c.old_end, c.new_end - c.new_start) for c in self.changes])

    @property
    def identical(self) -> bool:
        """True when the two texts are equal."""
        return not self.changes

    def start(self, offset: int) -> int:
        """The new position of a span start at ``offset``."""
        return self._map.start(offset)

    def end(self, offset: int) -> int:
        """The new position of a span end at ``offset``."""
        return self._map.end(offset)


def align(old: str, new: str) -> TextAlignment:
    """Align two versions of a text: which stretches match, which changed, how offsets move.

    Method: the common prefix and suffix are set aside; in the middle, lines that occur once
    in each text (and hold a letter or digit) are matched in order (the longest increasing
    subsequence of their positions, as in patience diff), and each stretch between two matched
    lines is treated the same way, on lines unique inside it, then on words (stretches of at
    most :data:`MAX_TOKEN_GAP` words that share no unique word are compared with
    :mod:`difflib`), then, when both sides are at most :data:`MAX_CHAR_GAP` characters,
    character by character with :mod:`difflib`.

    Bound: one pass over a level costs O(m log m) for the m tokens of the stretches it looks
    at, the stretches of one pass are disjoint, and there are at most :data:`MAX_DEPTH` passes
    per level, so the whole costs O(n log n), plus at most O(n * MAX_CHAR_GAP) character and
    O(n * MAX_TOKEN_GAP) word comparisons in bounded stretches. A stretch too long to compare
    character by character with nothing unique in it counts as changed as a whole.

    Parameters
    ----------
    old, new : str
        The two versions.

    Returns
    -------
    TextAlignment
        An :class:`OffsetMap` from ``old`` to ``new`` with the list of :class:`Change`.

    Examples
    --------
    >>> a = align("I: We had no room.\\nR: Yes.", "I: We had no space.\\nR: Yes.")
    >>> a.changes
    [Change(old_start=13, old_end=17, new_start=13, new_end=18)]
    >>> a.start(20), a.end(26)
    (21, 27)
    """
    return TextAlignment(len(old), len(new), matching_blocks(old, new))


def matching_blocks(old: str, new: str) -> list[tuple[int, int, int]]:
    """The matching stretches ``(old_start, new_start, size)`` of two texts (see :func:`align`).

    Examples
    --------
    >>> matching_blocks("one two three", "one 2 three")
    [(0, 0, 4), (7, 5, 6)]
    """
    if old == new:
        return [(0, 0, len(old))] if old else []
    blocks: list[tuple[int, int, int]] = []
    _match(old, new, 0, len(old), 0, len(new), 0, 0, blocks)
    blocks.sort()
    merged: list[tuple[int, int, int]] = []
    for block in blocks:
        if not block[2]:
            continue
        if merged and merged[-1][0] + merged[-1][2] == block[0] and merged[-1][1] + merged[-1][2] == block[1]:
            last = merged.pop()
            block = (last[0], last[1], last[2] + block[2])
        merged.append(block)
    return merged


def _common_prefix(a: str, b: str, a0: int, a1: int, b0: int, b1: int) -> int:
    lo, hi = 0, min(a1 - a0, b1 - b0)
    if lo < hi and a[a0] != b[b0]:
        return 0
    while lo < hi:  # binary search on slice equality: O(n log n) in C, not a Python loop per character
        mid = (lo + hi + 1) // 2
        if a[a0:a0 + mid] == b[b0:b0 + mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, a0: int, a1: int, b0: int, b1: int) -> int:
    lo, hi = 0, min(a1 - a0, b1 - b0)
    if lo < hi and a[a1 - 1] != b[b1 - 1]:
        return 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[a1 - mid:a1] == b[b1 - mid:b1]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by first item) increasing in the second: O(k log k)."""
    tails: list[int] = []  # tails[k]: second item ending the best chain of length k + 1
    tail_at: list[int] = []  # index in pairs of that chain's last pair
    back = [-1] * len(pairs)
    for i, (_, second) in enumerate(pairs):
        k = bisect_right(tails, second)
        if k and tails[k - 1] == second:
            continue
        if k == len(tails):
            tails.append(second)
            tail_at.append(i)
        else:
            tails[k] = second
            tail_at[k] = i
        back[i] = tail_at[k - 1] if k else -1
    out = []
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        out.append(pairs[i])
        i = back[i]
    return out[::-1]


def _tokens(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, lo, hi)]


def _match(a: str, b: str, a0: int, a1: int, b0: int, b1: int, level: int, depth: int,
           out: list[tuple[int, int, int]]) -> None:
    """Append the matching blocks of ``a[a0:a1]`` and ``b[b0:b1]`` to ``out`` (any order)."""
    prefix = _common_prefix(a, b, a0, a1, b0, b1)
    if prefix:
        out.append((a0, b0, prefix))
        a0, b0 = a0 + prefix, b0 + prefix
    suffix = _common_suffix(a, b, a0, a1, b0, b1)
    if suffix:
        out.append((a1 - suffix, b1 - suffix, suffix))
        a1, b1 = a1 - suffix, b1 - suffix
    if a0 == a1 or b0 == b1:
        return
    if level >= len(_LEVELS):
        if a1 - a0 <= MAX_CHAR_GAP and b1 - b0 <= MAX_CHAR_GAP:
            matcher = SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False)
            out.extend((a0 + i, b0 + j, n) for i, j, n in matcher.get_matching_blocks() if n)
        return
    ta = _tokens(_LEVELS[level], a, a0, a1)
    tb = _tokens(_LEVELS[level], b, b0, b1)
    if len(ta) <= 1 or len(tb) <= 1:
        _match(a, b, a0, a1, b0, b1, level + 1, 0, out)
        return
    count_a: dict[str, int] = {}
    for s, e in ta:
        key = a[s:e]
        count_a[key] = count_a.get(key, 0) + 1
    where_b: dict[str, int] = {}
    count_b: dict[str, int] = {}
    for k, (s, e) in enumerate(tb):
        key = b[s:e]
        count_b[key] = count_b.get(key, 0) + 1
        where_b[key] = k
    pairs = []
    for i, (s, e) in enumerate(ta):
        key = a[s:e]
        if count_a[key] == 1 and count_b.get(key) == 1 and _WORD_CHAR.search(key):
            pairs.append((i, where_b[key]))
    anchors = _lis(pairs)
    if not anchors:
        if level == len(_LEVELS) - 1 and len(ta) <= MAX_TOKEN_GAP and len(tb) <= MAX_TOKEN_GAP:
            anchors = _difflib_tokens(a, b, ta, tb)
        if not anchors:
            _match(a, b, a0, a1, b0, b1, level + 1, 0, out)
            return
    next_level, next_depth = (level, depth + 1) if depth + 1 < MAX_DEPTH else (level + 1, 0)
    pa, pb = a0, b0
    for i, j in anchors:
        (sa, ea), (sb, eb) = ta[i], tb[j]
        if sa < pa or sb < pb:  # already matched through a common prefix
            continue
        if sa > pa or sb > pb:
            _match(a, b, pa, sa, pb, sb, next_level, next_depth, out)
        out.append((sa, sb, ea - sa))
        pa, pb = ea, eb
    if pa < a1 or pb < b1:
        _match(a, b, pa, a1, pb, b1, next_level, next_depth, out)


def _difflib_tokens(a: str, b: str, ta: list[tuple[int, int]], tb: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Matched token pairs of two short token lists that share no unique token (difflib)."""
    matcher = SequenceMatcher(None, [a[s:e] for s, e in ta], [b[s:e] for s, e in tb], autojunk=False)
    return [(i + k, j + k) for i, j, n in matcher.get_matching_blocks() for k in range(n)]

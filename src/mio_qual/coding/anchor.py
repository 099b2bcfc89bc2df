"""Placing a coder's text onto a transcript's canonical offsets.

Coders do not hand back offsets. They hand back a quote typed or pasted into a spreadsheet,
or a Word file whose text has been through Word (curly quotes, a different dash, a line break
where the transcript had a space, a decomposed accent). This module turns such text into
``[start, end)`` code-point offsets of the canonical text (DESIGN.md, decision 1):

* :func:`find_quote` finds a quote in a transcript, tolerant of whitespace and line-break
  differences, curly versus straight quotes, dash variants, NFC versus NFD, and case. A quote
  found in several places is a problem, not a guess, unless a ``near`` hint (an offset or a
  segment's span) picks one.
* :func:`align` maps offsets in a coder's slightly different version of a text onto the
  canonical text. It aligns the two *normalized* texts (the same normalization as
  :func:`find_quote`) with the one aligner, :func:`mio_qual.offsets.matching_blocks`
  (O(n log n)), and carries an index map from every normalized character back to the
  original one.

Both are pure functions of strings: the importers in :mod:`mio_qual.coding.word` and
:mod:`mio_qual.coding.spreadsheet` add the file, row and comment to the problems they raise.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Sequence, Union

from ..errors import InputError
from ..offsets import matching_blocks

__all__ = ["NormalizedText", "normalize", "find_quote", "find_quote_candidates", "QuoteError", "align", "Alignment"]

# Characters that compare equal to something simpler.
_CHAR_MAP: dict[str, str] = {}
for _ch in "\u2018\u2019\u201a\u201b\u2032\u00b4`\u02bc":
    _CHAR_MAP[_ch] = "'"
for _ch in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb":
    _CHAR_MAP[_ch] = '"'
for _ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d":
    _CHAR_MAP[_ch] = "-"
_CHAR_MAP["\u2026"] = "..."
# Characters that do not count at all (soft hyphen, zero-width characters, BOM).
_DROPPED = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")

# How far apart the parts of a quote with an ellipsis ("first words ... last words") may be.
ELLIPSIS_WINDOW = 3000
# The placeholder a redacted copy shows for a name (mio_qual.deidentify.PLACEHOLDER, not imported: start-up),
# and the most characters of the stored text it may stand for in a quote copied from such a copy.
NAME_PLACEHOLDER = "[name]"
NAME_WINDOW = 80

Near = Union[int, Sequence[int], None]


@dataclass(frozen=True)
class NormalizedText:
    """A text in comparison form, with a map back to the original.

    Attributes
    ----------
    original : str
        The text as given.
    text : str
        Comparison form: each run of whitespace (spaces, tabs, line breaks, no-break spaces)
        is one space; curly quotes are straight, dash variants (and runs of them, as in a
        typed ``--``) are one ``-``, the ellipsis
        character is ``...``; every character is decomposed (NFD) and case-folded; soft
        hyphens and zero-width characters are dropped.
    index : list of int
        ``index[j]`` is the offset in ``original`` of the character that produced ``text[j]``.
    """

    original: str
    text: str
    index: list[int] = field(repr=False)

    def to_norm(self, offset: int) -> int:
        """Normalized position of an original offset: the number of normalized characters
        produced by original characters before ``offset``."""
        return bisect_left(self.index, offset)

    def start_of(self, j: int) -> int:
        """Original offset where the normalized character ``j`` starts (``len(original)`` at the end)."""
        return self.index[j] if j < len(self.index) else len(self.original)

    def end_of(self, j: int) -> int:
        """Original offset just after the normalized characters ``[.., j)``."""
        return self.index[j - 1] + 1 if j > 0 else 0

    def span(self, j0: int, j1: int) -> tuple[int, int]:
        """Original span of the normalized span ``[j0, j1)``."""
        return self.start_of(j0), self.end_of(j1)


def normalize(text: str) -> NormalizedText:
    """Return the comparison form of ``text`` with its index map (see :class:`NormalizedText`).

    Examples
    --------
    >>> n = normalize("It\\u2019s  Caf\\u00e9\\n\\u2014 ok")
    >>> n.text
    "it's cafe\\u0301 - ok"
    >>> n.index[:5]
    [0, 1, 2, 3, 4]
    """
    out: list[str] = []
    index: list[int] = []
    in_space = in_dash = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                out.append(" ")
                index.append(i)
                in_space = True
            in_dash = False
            continue
        if ch in _DROPPED:
            continue
        in_space = False
        if ch == "-" or _CHAR_MAP.get(ch) == "-":
            if not in_dash:
                out.append("-")
                index.append(i)
                in_dash = True
            continue
        in_dash = False
        if ch.isascii():
            low = ch.lower() if ch.isupper() else ch
            out.append(low)
            index.append(i)
            continue
        mapped = _CHAR_MAP.get(ch, ch)
        for piece in unicodedata.normalize("NFD", mapped).casefold():
            out.append(piece)
            index.append(i)
    return NormalizedText(text, "".join(out), index)


# ---------------------------------------------------------------------------------- quotes
class QuoteError(InputError):
    """A quote that cannot be placed: not found, or found in several places.

    Attributes
    ----------
    reason : str
        ``"not found"``, ``"ambiguous"`` or ``"empty"``.
    candidates : list of (int, int)
        Where the quote was found (for ``ambiguous``).
    """

    def __init__(self, reason: str, quote: str, candidates: Sequence[tuple[int, int]] = (),
                 hint: str | None = None) -> None:
        self.reason = reason
        self.quote = quote
        self.candidates = list(candidates)
        short = quote if len(quote) <= 80 else quote[:77] + "..."
        if reason == "ambiguous":
            message = f"quote {short!r} occurs {len(self.candidates)} times"
        elif reason == "empty":
            message = "empty quote"
        else:
            message = f"quote {short!r} not found in the transcript"
        super().__init__(message, hint=hint)


def _is_boundary(norm: str, j: int) -> bool:
    """True when position ``j`` of ``norm`` is not inside a word (between two word characters)."""
    if j <= 0 or j >= len(norm):
        return True
    return not (norm[j - 1].isalnum() and norm[j].isalnum())


def _all_occurrences(haystack: str, needle: str, lo: int = 0, hi: int | None = None) -> list[int]:
    found = []
    hi = len(haystack) if hi is None else hi
    position = haystack.find(needle, lo, hi)
    while position != -1:
        found.append(position)
        position = haystack.find(needle, position + 1, hi)
    return found


def _prefer_whole_words(norm: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    whole = [(a, b) for a, b in spans if _is_boundary(norm, a) and _is_boundary(norm, b)]
    return whole or spans


def find_quote_candidates(text: str | NormalizedText, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` occurs in ``text``, as original ``[start, end)`` spans.

    Matching uses :func:`normalize` on both sides. Whole-word matches are preferred: when the
    quote occurs at word boundaries somewhere, matches inside longer words are not counted. A
    quote with an ellipsis (``"first words ... last words"``) that does not occur literally
    matches from its first part to the nearest following last part (parts in order, at most
    :data:`ELLIPSIS_WINDOW` characters apart). A quote copied from a redacted copy, ``[name]``
    between its words, that does not occur literally matches with each ``[name]`` standing for
    the name in the stored text (see :func:`_spans_with_names`).
    """
    target = text if isinstance(text, NormalizedText) else normalize(text)
    needle = normalize(quote).text.strip(" ")
    if not needle:
        return []
    norm = target.text
    spans = [(j, j + len(needle)) for j in _all_occurrences(norm, needle)]
    if not spans and "..." in needle:
        parts = [p.strip(" ") for p in needle.split("...")]
        parts = [p for p in parts if p]
        if len(parts) >= 2:
            for j in _all_occurrences(norm, parts[0]):
                position = j + len(parts[0])
                limit = min(len(norm), j + ELLIPSIS_WINDOW)
                for part in parts[1:]:
                    k = norm.find(part, position, limit)
                    if k == -1:
                        break
                    position = k + len(part)
                else:
                    spans.append((j, position))
    if not spans and NAME_PLACEHOLDER in needle:
        spans = _spans_with_names(norm, needle)
    spans = _prefer_whole_words(norm, spans)
    return [target.span(a, b) for a, b in spans]


def _spans_with_names(norm: str, needle: str) -> list[tuple[int, int]]:
    """Where a quote copied from a redacted copy occurs: each ``[name]`` between its words stands for a name.

    A coder reads transcripts with names as ``[name]`` (``coding export-docx``, ``transcripts show``) and
    cannot type the name itself. Each placeholder matches 1 to :data:`NAME_WINDOW` characters, as few
    as the words after it allow. A quote opening or closing on ``[name]`` matches nothing: where the
    name begins (or ends) is not known.
    """
    parts = needle.split(NAME_PLACEHOLDER)
    if not parts[0].strip(" ") or not parts[-1].strip(" "):
        return []
    rest = re.compile("".join(f".{{1,{NAME_WINDOW}}}?" + re.escape(part) for part in parts[1:]), re.DOTALL)
    spans = []
    for j in _all_occurrences(norm, parts[0]):
        match = rest.match(norm, j + len(parts[0]))
        if match:
            spans.append((j, match.end()))
    return spans


def _near_span(near: Near) -> tuple[int, int] | None:
    if near is None:
        return None
    if isinstance(near, int):
        return (near, near)
    a, b = near  # type: ignore[misc]
    return (int(a), int(b))


def _matched_prefix_hint(target: NormalizedText, quote: str) -> str | None:
    """Say how much of a quote that was not found does occur (the first words), to help fix it."""
    words = normalize(quote).text.split()
    if len(words) < 2:
        return None
    lo, hi = 0, len(words)  # largest k with words[:k] found
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if " ".join(words[:mid]) in target.text:
            hi, lo = hi, mid
        else:
            hi = mid - 1
    if lo == 0:
        return "no part of it occurs; check the transcript id"
    j = target.text.find(" ".join(words[:lo]))
    start = target.start_of(j)
    return (f"its first {lo} of {len(words)} words occur at offset {start}; check the text after "
            f"{' '.join(words[max(0, lo - 3):lo])!r}")


def find_quote(text: str | NormalizedText, quote: str, near: Near = None) -> tuple[int, int]:
    """Find ``quote`` in ``text`` and return its ``[start, end)`` span in ``text``.

    Parameters
    ----------
    text : str or NormalizedText
        The canonical text (pass :func:`normalize` of it when placing many quotes).
    quote : str
        The quote as the coder wrote it. Differences of whitespace and line breaks, curly
        versus straight quotes, dashes, Unicode normalization (NFC/NFD) and case do not matter.
        ``...`` or ``…`` may stand for omitted words, and ``[name]`` between words for a name
        (a quote copied from a redacted copy; see :func:`find_quote_candidates`).
    near : int or (int, int), optional
        A hint: an offset, or the span of a segment (turn, paragraph, sentence) the quote is
        in. With several matches, the one overlapping the span (or starting nearest the
        offset) wins; a tie is still ambiguous.

    Returns
    -------
    (int, int)
        Code-point offsets into ``text``; surrounding whitespace of the quote is not included.

    Raises
    ------
    QuoteError
        When the quote is empty, not found, or found in several places that ``near`` does
        not decide between. ``candidates`` lists the places.

    Examples
    --------
    >>> find_quote("She said \\u201cno\\u201d.\\nThen  left.", 'said "NO". then left')
    (4, 25)
    """
    target = text if isinstance(text, NormalizedText) else normalize(text)
    if not normalize(quote).text.strip(" "):
        raise QuoteError("empty", quote, hint="give the words of the passage")
    candidates = find_quote_candidates(target, quote)
    if not candidates:
        needle = normalize(quote).text.strip(" ")
        if needle.startswith(NAME_PLACEHOLDER) or needle.endswith(NAME_PLACEHOLDER):
            raise QuoteError("not found", quote, hint=f"a quote may hold {NAME_PLACEHOLDER} between words, not at its "
                             "start or end: begin and end it with words of the passage")
        raise QuoteError("not found", quote, hint=_matched_prefix_hint(target, quote)
                         or "check the quote against the transcript")
    if len(candidates) == 1:
        return candidates[0]
    hint_span = _near_span(near)
    if hint_span is not None:
        a, b = hint_span
        if a == b:
            distances = sorted((abs(s - a), (s, e)) for s, e in candidates)
            if distances[0][0] < distances[1][0]:
                return distances[0][1]
        else:
            inside = [(s, e) for s, e in candidates if s < b and e > a]
            if len(inside) == 1:
                return inside[0]
            if inside:
                candidates = inside
    where = ", ".join(f"{s}-{e}" for s, e in candidates[:6]) + (" ..." if len(candidates) > 6 else "")
    raise QuoteError("ambiguous", quote, candidates,
                     hint=f"at offsets {where}; quote more words, or give the segment id or offsets")


# ---------------------------------------------------------------------------------- alignment
@dataclass
class Alignment:
    """Matched stretches between a source text (a coder's version) and a target (canonical).

    Built by :func:`align`. ``blocks`` are ``(source_norm, target_norm, size)`` triples in
    normalized coordinates, increasing and non-overlapping on both sides.
    """

    source: NormalizedText
    target: NormalizedText
    blocks: list[tuple[int, int, int]]

    def __post_init__(self) -> None:
        self._a_starts = [a for a, _, _ in self.blocks]

    @property
    def identical(self) -> bool:
        """True when the two texts are equal as strings (offsets map to themselves)."""
        return self.source.original == self.target.original

    @property
    def matched_fraction(self) -> float:
        """Share of the source's normalized characters that were matched in the target."""
        total = len(self.source.text)
        return 1.0 if total == 0 else sum(size for _, _, size in self.blocks) / total

    def _forward(self, j: int) -> int | None:
        """Target normalized position for a source position used as a start."""
        i = bisect_right(self._a_starts, j) - 1
        if i >= 0:
            a, b, size = self.blocks[i]
            if j < a + size:
                return b + (j - a)
        if i + 1 < len(self.blocks):
            return self.blocks[i + 1][1]
        return None

    def _backward(self, j: int) -> int | None:
        """Target normalized position for a source position used as an end (chars before ``j``)."""
        if j == 0:
            return 0
        i = bisect_right(self._a_starts, j - 1) - 1
        if i < 0:
            return None
        a, b, size = self.blocks[i]
        if j - 1 < a + size:
            return b + (j - a)
        return b + size

    def map_offset(self, offset: int, side: str = "start") -> int | None:
        """Map one source offset to the target; ``side`` is ``"start"`` or ``"end"`` of a span.

        A start inside text the target lacks moves forward to the next matched character; an
        end moves back to just after the previous one. None when there is nowhere to go.
        """
        if self.identical:
            return offset
        j = self.source.to_norm(offset)
        if side == "start":
            k = self._forward(j)
            return None if k is None else self.target.start_of(k)
        k = self._backward(j)
        return None if k is None else self.target.end_of(k)

    def map_span(self, start: int, end: int, sides: tuple[str, str] = ("start", "end")) -> tuple[int, int] | None:
        """Map a source span; None when nothing of it lies in matched text.

        ``sides`` says how each edge maps (:meth:`map_offset`): by default the start as a start
        and the end as an end; an edge that should take the far side of a change (a start on a
        placeholder taking the replaced text's start) maps as the other side. An end mapped as
        a start at the end of the source maps to the end of the target. Whitespace that the
        mapping leaves at either edge of the target span is trimmed.
        """
        if self.identical:
            return (start, end) if start < end else None
        s = self.map_offset(start, sides[0])
        e = self.map_offset(end, sides[1])
        if e is None and sides[1] == "start" and end == len(self.source.original):
            e = len(self.target.original)
        if s is None or e is None or s >= e:
            return None
        original = self.target.original
        while s < e and original[s].isspace():
            s += 1
        while e > s and original[e - 1].isspace():
            e -= 1
        return (s, e) if s < e else None


def align(source: str | NormalizedText, target: str | NormalizedText) -> Alignment:
    """Align a coder's version of a text (``source``) with the canonical text (``target``).

    Parameters
    ----------
    source, target : str or NormalizedText
        The two versions. Differences that :func:`normalize` removes (whitespace, quotes,
        dashes, Unicode form, case) never break the alignment; real edits (words added,
        removed or changed) leave the text around them aligned.

    Returns
    -------
    Alignment
        Use :meth:`Alignment.map_span` / :meth:`Alignment.map_offset` on source offsets.

    Examples
    --------
    >>> a = align("We  have \\u201ctwo\\u201d\\nhours.", 'We have "two" hours every week.')
    >>> a.map_span(9, 14)
    (8, 13)
    """
    ns = source if isinstance(source, NormalizedText) else normalize(source)
    nt = target if isinstance(target, NormalizedText) else normalize(target)
    return Alignment(ns, nt, matching_blocks(ns.text, nt.text))

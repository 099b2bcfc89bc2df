"""REFI-QDA offsets: conventions, the raw-to-canonical map and convention detection (no store)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mio_qual.coding.refi_common import (
    Convention,
    QdeSelection,
    convert_positions,
    name_matches,
    normalize_for_match,
)
from mio_qual.coding.refi_import import choose_convention
from mio_qual.offsets import align, canonical_map, canonicalize


def utf16_len(text: str) -> int:
    """UTF-16 code units, counted by encoding (independent of mio_qual.offsets)."""
    return len(text.encode("utf-16-le")) // 2


def positions_of(raw: str, start: int, end: int, unit: str) -> tuple[int, int]:
    """Where a tool counting ``unit`` on ``raw`` (as it is, CRLF and all) puts ``raw[start:end]``."""
    if unit == "utf16":
        return utf16_len(raw[:start]), utf16_len(raw[:end])
    return start, end


# ---------------------------------------------------------------------------- conventions
def test_convert_positions_hand_computed():
    lf = "A😀b\ncd"  # code points: A0 😀1 b2 \n3 c4 d5 (len 6); UTF-16: A0 😀1-2 b3 \n4 c5 d6
    assert convert_positions(lf, [0, 3, 5, 7], Convention("utf16")) == [0, 2, 4, 6]
    assert convert_positions(lf, [2], Convention("utf16")) == [None]  # inside the surrogate pair
    # every \n counted as \r\n: A0 😀1 b2 \r3 \n4 c5 d6 -> c is 5, the end 7; 4 is between \r and \n
    assert convert_positions(lf, [5, 7, 4], Convention("codepoint", "crlf")) == [4, 6, None]
    # both: A0 😀1-2 b3 \r4 \n5 c6 d7, end 8
    assert convert_positions(lf, [6, 8, 5, 2], Convention("utf16", "crlf")) == [4, 6, None, None]
    assert convert_positions(lf, [7, -1], Convention("codepoint")) == [None, None]
    crlf = "A😀b\r\ncd\nx"  # mixed line ends, counted as the file holds them
    assert convert_positions(crlf, [5, 7, 8, 4], Convention("codepoint")) == [4, 6, 7, None]
    assert convert_positions(crlf, [4, 6, 7], Convention("codepoint", "lf")) == [4, 6, 7]


def test_name_matches_is_loose_about_whitespace_and_cut_names():
    assert name_matches("no room\nat all", "no room at  all")
    assert name_matches("the family room was booked ev…", "the family room was booked every week")
    assert name_matches("the family room was", "the family room was booked")  # a cut name (>= 12 chars)
    assert not name_matches("room", "no room")
    assert not name_matches("", "anything")
    assert not name_matches("family room", "the family room")


# ---------------------------------------------------------------------------- canonical map
def test_canonical_map_hand_computed():
    raw = "\ufeffI: Cafe\u0301  \r\n\r\nR: ok \U0001F600 \n\n"
    canon, m = canonical_map(raw)
    assert canon == canonicalize(raw) == "I: Café\n\nR: ok \U0001F600"
    # raw: BOM0 I1 :2 sp3 C4 a5 f6 e7 ́8 sp9 sp10 \r11 \n12 \r13 \n14 R15 ...
    assert (m.start(4), m.end(9)) == (3, 7)  # "Cafe\u0301" -> "Café"
    assert m.start(8) == 6 and m.end(8) == 7  # inside e + accent: snaps outward
    assert m.start(15) == 9  # "R"
    assert m.end(len(raw)) == len(canon)


PIECES = ["a", "Bc", " ", "\t", "\r\n", "\n", "e\u0301", "\U0001F600", "\u00a0", "“q”", "x ", " \n", "o\u0308",
          "\U0001F469\u200d\U0001F467", "—", "\u2028", "\r"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25), st.data())
def test_canonical_map_keeps_span_text(pieces, data):
    raw = "".join(pieces)
    canon, m = canonical_map(raw)
    assert canon == canonicalize(raw)
    bounds = [0]
    for p in pieces:
        bounds.append(bounds[-1] + len(p))
    a = data.draw(st.sampled_from(bounds))
    b = data.draw(st.sampled_from([x for x in bounds if x >= a]))
    start, end = m.start(a), m.end(b)
    assert 0 <= start <= end <= len(canon)
    assert normalize_for_match(canon[start:end]) == normalize_for_match(raw[a:b])
    # monotone everywhere
    starts = [m.start(i) for i in range(len(raw) + 1)]
    assert starts == sorted(starts)


def test_align_texts_moves_spans_past_removed_lines():
    old = "Clinic: Northside\nDate: 2026-03-03\n\nI: Hello.\n\nR: We had no room."
    new = "I: Hello.\n\nR: We had no room."
    m = align(old, new)
    s = old.index("no room")
    assert new[m.start(s):m.end(s + 7)] == "no room"
    assert (m.start(0), m.end(len(old))) == (0, len(new))


# ---------------------------------------------------------------------------- detection
def _selections(raw: str, spans: list[tuple[int, int]], unit: str, named: bool) -> list[QdeSelection]:
    out = []
    for k, (a, b) in enumerate(spans):
        p, q = positions_of(raw, a, b, unit)
        out.append(QdeSelection(guid=str(k), start=p, end=q, name=raw[a:b] if named else ""))
    return out


RAW_CRLF = "I: How was it?\r\n\r\nR: Honestly \U0001F600 we had no room.\r\nThe “family room” was booked."


@pytest.mark.parametrize("raw", [RAW_CRLF, RAW_CRLF.replace("\r\n", "\n")])
@pytest.mark.parametrize("unit", ["codepoint", "utf16"])
@pytest.mark.parametrize("named", [True, False])
def test_choose_convention_finds_the_tool_counting(raw, unit, named):
    words = ["no room", "“family room”", "booked"]
    spans = [(raw.index(w), raw.index(w) + len(w)) for w in words]
    selections = _selections(raw, spans, unit, named)
    convention, positions = choose_convention(raw, selections)
    lf = raw.replace("\r\n", "\n")
    got = [lf[positions[2 * k]:positions[2 * k + 1]] for k in range(len(words))]
    assert got == words
    assert convention.unit == unit or (not named and convention.unit == "codepoint")


def test_choose_convention_lf_text_counted_with_crlf():
    # PlainTextContent loses its \r (XML line-end normalization), but the tool counted CRLF.
    crlf = "P: line one\r\nP: line two\r\nP: the end"
    lf = crlf.replace("\r\n", "\n")
    selections = [QdeSelection("1", crlf.index("two"), crlf.index("two") + 3),
                  QdeSelection("2", crlf.index("end"), len(crlf))]
    convention, positions = choose_convention(lf, selections)
    assert convention == Convention("codepoint", "crlf")
    assert [lf[positions[0]:positions[1]], lf[positions[2]:positions[3]]] == ["two", "end"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES[:-2] + ["word", "more words"]), min_size=3, max_size=30),
       st.sampled_from(["codepoint", "utf16"]), st.data())
def test_choose_convention_named_selections_always_land_on_their_text(pieces, unit, data):
    raw = "".join(pieces)
    bounds = [0]
    for p in pieces:
        bounds.append(bounds[-1] + len(p))
    spans = []
    for _ in range(data.draw(st.integers(1, 4))):
        a = data.draw(st.sampled_from(bounds[:-1]))
        b = data.draw(st.sampled_from([x for x in bounds if x > a]))
        assume(raw[a:b].strip())  # a blank selection's name says nothing about where it is
        spans.append((a, b))
    selections = _selections(raw, spans, unit, named=True)
    _convention, positions = choose_convention(raw, selections)
    lf = raw.replace("\r\n", "\n")
    for k, (a, b) in enumerate(spans):
        assert positions[2 * k] is not None and positions[2 * k + 1] is not None
        got = lf[positions[2 * k]:positions[2 * k + 1]]
        assert normalize_for_match(got) == normalize_for_match(raw[a:b])


def test_nfd_source_positions_map_to_nfc_canonical_text():
    raw = "R: Nai\u0308ve cafe\u0301 owner, re\u0301sume\u0301 ready."
    canon, m = canonical_map(raw)
    assert canon == unicodedata.normalize("NFC", raw)
    a = raw.index("cafe")
    b = raw.index(" owner")
    assert canon[m.start(a):m.end(b)] == "café"
    a2 = raw.index("re\u0301sume\u0301")
    assert canon[m.start(a2):m.end(a2 + 8)] == "résumé"


def _every_candidate(raw, selections):
    """choose_convention as it was before it learned to stop early: every candidate scored, names
    always normalized (the reference for the test below)."""
    from mio_qual.coding.refi_common import conventions_for

    if not selections:
        return None, []
    text_lf = raw.replace("\r\n", "\n")
    wanted = [p for s in selections for p in (s.start, s.end)]
    best_key, best = None, (None, [])
    for order, convention in enumerate(conventions_for(raw)):
        converted = convert_positions(raw, wanted, convention)
        fits = whole = cut = edges = 0
        for k, selection in enumerate(selections):
            start, end = converted[2 * k], converted[2 * k + 1]
            if start is None or end is None or end < start:
                continue
            fits += 1
            for o in (start, end):
                edges += 1 if o <= 0 or o >= len(text_lf) else int(not (text_lf[o - 1].isalnum() and text_lf[o].isalnum()))
            if selection.name:
                wanted_name = normalize_for_match(selection.name)
                got = normalize_for_match(text_lf[start:end])
                quality = 0
                if wanted_name and wanted_name == got:
                    quality = 2
                elif wanted_name:
                    stems = [wanted_name[:-len(e)].rstrip() for e in ("\u2026", "...") if wanted_name.endswith(e)]
                    if stems:
                        quality = int(bool(stems[0]) and got.startswith(stems[0]))
                    else:
                        quality = int(len(wanted_name) >= 12 and got.startswith(wanted_name))
                whole += quality == 2
                cut += quality == 1
        key = (whole, cut, fits, edges, -order)
        if best_key is None or key > best_key:
            best_key, best = key, (convention, converted)
    return best


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["word", "more words", " ", "\r\n", "\n"]), min_size=1, max_size=25),
       st.data())
def test_choose_convention_stopping_early_picks_what_scoring_every_candidate_picks(pieces, data):
    raw = "".join(pieces)
    n = data.draw(st.integers(0, 6))
    selections = []
    for k in range(n):
        a = data.draw(st.integers(0, len(raw) + 3))
        b = data.draw(st.integers(0, len(raw) + 3))
        name = data.draw(st.sampled_from(["", " ", "word", raw[min(a, b):max(a, b)],
                                          raw[min(a, b):max(a, b)].replace("\n", " ")]))
        selections.append(QdeSelection(str(k), a, b, name=name))
    assert choose_convention(raw, selections) == _every_candidate(raw, selections)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["word", " ", "\n", "\r", "\r\n", "\u00e9"]), min_size=1, max_size=25),
       st.sampled_from(["codepoint", "utf16"]), st.sampled_from(["file", "lf", "crlf"]),
       st.lists(st.integers(-3, 120), max_size=30))
def test_convert_positions_shortcut_gives_what_the_general_conversion_gives(pieces, unit, newline, positions):
    """A text counted as stored (no CRLF to collapse, no astral character under UTF-16) skips the
    general conversion: the same offsets, Nones included, on texts with and without either."""
    raw = "".join(pieces)
    convention = Convention(unit, newline)
    assert convert_positions(raw, positions, convention) == _convert_before(raw, positions, convention)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["word", " ", "\n", "\r", "\r\n", "\u00e9"]), min_size=1, max_size=25),
       st.sampled_from(["codepoint", "utf16"]), st.sampled_from(["file", "lf", "crlf"]),
       st.lists(st.integers(-3, 120), max_size=30), st.integers(1, 7))
def test_a_converter_made_once_gives_in_batches_what_one_conversion_gives(pieces, unit, newline, positions, batch):
    """Issue 21: one large source's positions are converted a chunk at a time by a PositionConverter made
    once for its text: the same offsets as the conversion of session 7 (every position at once), and two
    converters with the same key give the same offsets."""
    from mio_qual.coding.refi_common import PositionConverter, conventions_for

    raw = "".join(pieces)
    convention = Convention(unit, newline)
    converter = PositionConverter(raw, convention)
    batches = [converter.convert(positions[i:i + batch]) for i in range(0, len(positions), batch)]
    assert [o for part in batches for o in part] == _convert_before(raw, positions, convention)
    for other in conventions_for(raw):
        twin = PositionConverter(raw, other)
        if twin.key == converter.key:
            assert twin.convert(positions) == converter.convert(positions)


def _convert_before(raw, positions, convention):
    """convert_positions's general conversion as it was in session 7 (one call for every position,
    the text scanned in each), kept here as the reference the converter is checked against."""
    import re
    from bisect import bisect_right

    from mio_qual.offsets import cp_to_utf16, crlf_to_lf_offsets, newline_offsets, utf16_to_cp

    text_lf = raw.replace("\r\n", "\n")
    counted = raw if convention.newline == "file" else text_lf if convention.newline == "lf" else \
        text_lf.replace("\n", "\r\n")
    size = len(counted) if convention.unit == "codepoint" else cp_to_utf16(counted, [len(counted)])[0]
    inside = [i for i, p in enumerate(positions) if 0 <= p <= size]
    values = [positions[i] for i in inside]
    if convention.unit == "codepoint":
        cps = list(values)
    else:
        found = utf16_to_cp(counted, values)
        back = cp_to_utf16(counted, found)
        cps = [c if b == v else None for c, b, v in zip(found, back, values)]
    if convention.newline == "file":
        pairs = [m.start() for m in re.finditer("\r\n", raw)]
        if pairs:
            cps = [None if o is None or o in {p + 1 for p in pairs} else o - bisect_right(pairs, o - 2) for o in cps]
    elif convention.newline == "crlf":
        known = [c for c in cps if c is not None]
        mapped = iter(crlf_to_lf_offsets(text_lf, known))
        lf = [None if c is None else next(mapped) for c in cps]
        newlines = newline_offsets(text_lf)
        cps = [None if o is None or o + bisect_right(newlines, o - 1) != c else o for o, c in zip(lf, cps)]
    out = [None] * len(positions)
    for i, c in zip(inside, cps):
        out[i] = c
    return out

"""The fast name matcher finds exactly what the reference pattern finds (issue 19: cheap to build, same redaction).

The reference is :func:`mio_qual.deidentify._compiled` (one alternation of
:func:`~mio_qual.deidentify.name_pattern`, the definition of what a name matches); the redactor
matches through :class:`~mio_qual.deidentify._Matcher`, which maps the text instead of compiling
accent classes. The first test checks the mapping on every Unicode code point against the regex
engine itself; the hypothesis tests compare spans and whole redactions on random rosters and texts
built from the characters where the two could part: accents composed and decomposed, case pairs
the engine treats specially (İ ı ſ K Å ẖ), combining marks, the Greek iota that case-folds with a
combining mark, every apostrophe and hyphen, non-breaking spaces, private-use characters.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mio_qual.deidentify import (_MARKS, PLACEHOLDER, Redactor, _compiled, _letter_variants, _matcher,
                                 _STAND_IN, _text_map, _used_as_word, make_redactor)

EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def test_the_text_map_is_what_the_regex_engine_matches_on_every_code_point() -> None:
    variants = _letter_variants()
    for ignore_case in (True, False):
        flags = re.IGNORECASE if ignore_case else 0
        expected: dict[str, set[str]] = {}
        for base, letters in variants.items():
            for match in re.finditer(f"[{letters}]", EVERY_CHARACTER, flags):
                expected.setdefault(match.group(), set()).add(base)
        table = _text_map(ignore_case)
        got: dict[str, set[str]] = {}
        for code, stand_in in table.items():
            offset = ord(stand_in) - _STAND_IN
            if 0x41 <= offset < 0x200 and chr(code) not in "'\u02bc":
                base, lower_only = chr(offset & 0xFF), offset >= 0x100
                if not ignore_case:
                    got[chr(code)] = {base}
                elif lower_only:
                    got[chr(code)] = {base}
                else:
                    got[chr(code)] = {b for b in (base, base.upper()) if b in variants}
        assert got == expected
        marks = {m.group() for m in re.finditer(f"[{_MARKS}]", EVERY_CHARACTER, flags)}
        mapped_marks = {chr(c) for c, v in table.items() if v == "\u0300"}
        assert mapped_marks == {m for m in marks if 0x300 <= ord(m) < 0x370}
        assert marks - mapped_marks <= {"\u0399", "\u03b9", "\u1fbe"}  # the iota-likes: left to the reference


# ------------------------------------------------------------------------------ random rosters and texts
#: Letters of names and texts
LETTERS = list("abcdeghijknorsty" + "AEGHIJKOST") * 3 + list("éÉñÑüÜåÅøØçÇ") + [
    "\u0130", "\u212a", "\u212b", "\u1e96", "\u01f0", "\u01c5", "\u00df", "q", "Q", "\u03b1", "\u4e2d"]
#: Letters the engine folds with others (ı ſ ẛ, the combining iota U+0345): the fast matcher hands a name
#: holding one to the reference, and a text holding an iota or a private-use stand-in
RARE = ["\u0131", "\u017f", "\u1e9b", "\u0345"] * 4 + ["\u03b9", "\u0399", "\ue041"]
MARKS = ["\u0301", "\u0303", "\u0308", "\u0345"]
JOINERS = ["'", "\u2019", "\u02bc", "`", "\u00b4", "-", "\u2010", "\u2013", ".", " "]
OTHER = [" ", "  ", "\n", "\t", "\u00a0", ",", ";", ":", "(", ")", "1", "_", "\ue041", "\ue000", "s"]

NAME_PIECE = st.text(st.sampled_from(LETTERS), min_size=1, max_size=6).flatmap(
    lambda word: st.sampled_from([""] * 30 + MARKS[:3]).map(lambda mark: word + mark))
RARE_PIECE = st.text(st.sampled_from(LETTERS + RARE), min_size=1, max_size=6)
NAMES = st.lists(st.lists(st.one_of(*[NAME_PIECE] * 9, RARE_PIECE), min_size=1, max_size=3).flatmap(
    lambda pieces: st.lists(st.sampled_from(JOINERS), min_size=len(pieces) - 1, max_size=len(pieces) - 1).map(
        lambda joins: "".join(p + j for p, j in zip(pieces, joins + [""])))), min_size=1, max_size=5)
REAL = ["Gwen Harlow", "Gwen", "José Núñez", "O'Brien", "Anne-Marie", "Ms. Harlow", "June", "Joy", "Hollis",
        "Đặng", "Straße"] * 3 + ["Işıl Yıldız"]


def _spelled(name: str, how: tuple[str, str, str]) -> str:
    form, case, space = how
    text = name.replace(" ", space)
    text = text.upper() if case == "upper" else text.lower() if case == "lower" else text
    return unicodedata.normalize(form, text)


HOW = st.tuples(st.sampled_from(["NFC", "NFD"]), st.sampled_from(["same", "upper", "lower"]),
                st.sampled_from([" ", "\n", "  "]))


@st.composite
def roster_and_text(draw: st.DrawFn) -> tuple[list[str], str]:
    names = draw(NAMES) + draw(st.lists(st.sampled_from(REAL), max_size=4))
    pieces = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["name", "name", "name", "noise", "letters"]))
        if kind == "name":
            pieces.append(_spelled(draw(st.sampled_from(names)), draw(HOW)))
        elif kind == "noise":
            pieces.append(draw(st.sampled_from(OTHER + JOINERS + MARKS)))
        else:
            pieces.append(draw(st.text(st.sampled_from(LETTERS * 10 + MARKS * 3 + JOINERS * 3 + RARE), max_size=5)))
        pieces.append(draw(st.sampled_from(["", " ", " ", " ", "\n", ", ", "\u2019s ", "\u02bcs", "\u02bc", "-", "\u00a0",
                                            ". ", "\u0301", "\u0345 "])))
    return names, "".join(pieces)


@settings(max_examples=1500, deadline=None)
@given(roster_and_text(), st.booleans())
@example((["Gwen"], "Gwen\u02bcs \u02bcGwen Gwen\u2019s"), True)
@example((["Ana"], "e\u0301Ana \u0399Ana Ana\u0345 Ana\u03b9 a\u0301Ana\u0301"), True)
@example((["Işıl", "José"], "ISIL Isil İşıl JOSE\u0301 Jos\u00e9"), True)
@example((["Hannah", "HANNAH"], "\u1e96annah hannah \u212aate"), False)
def test_fast_matcher_finds_the_reference_spans(case: tuple[list[str], str], ignore_case: bool) -> None:
    names, text = case
    key = tuple(sorted(set(names)))
    reference = _compiled(key, ignore_case)
    expected = [m.span() for m in reference.finditer(text)] if reference is not None else []
    assert _matcher(key, ignore_case).spans(text) == expected


def _reference_redaction(redactor: Redactor, text: str) -> str:
    """What the redactor gave before the fast matcher: the reference pattern, replaced with ``re.sub``."""
    text = redactor._replace_literals(text)
    plain, common = redactor._split
    pattern = _compiled(plain, redactor.ignore_case)
    if pattern is not None:
        text = pattern.sub(lambda _m: redactor.placeholder, text)
    common_pattern = _compiled(common, True)
    if common_pattern is not None:
        found = text
        text = common_pattern.sub(lambda m: m.group(0) if _used_as_word(found, *m.span()) else PLACEHOLDER, found)
    return text


SENTENCES = st.lists(st.sampled_from(["In June, ", "June ran it. ", "Will you? ", "Joy said ", "the June cohort ",
                                      "Gwen\u2019s group ", "JOSE\u0301 NUN\u0303EZ ", "o\u2019brien\n", "June 3 ",
                                      "Hope the ", "Ms Harlow ", "Anne-\nMarie ", "Hollis_Tran_interview "]),
                     max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(roster_and_text(), SENTENCES)
def test_redactor_output_is_unchanged(case: tuple[list[str], str], sentences: str) -> None:
    names, text = case
    redactor = make_redactor(names, replacements={"Hollis_Tran_interview": "T01"})
    for sample in (text, sentences + text, text + sentences):
        assert redactor(sample) == _reference_redaction(redactor, sample)


def test_common_words_are_found_without_parsing_the_lemma_table() -> None:
    from mio_qual.deidentify import _ENGLISH_CACHE, _census_names, _english_among, _english_words

    english = _english_words()
    first, last = _census_names()
    sample = {w for w in sorted(english)[::53] if w.isascii() and w.isalpha()}
    sample |= set(sorted(first)[::7]) | set(sorted(last)[::401]) | {"gwen", "june", "joy", "xyzzy", "will", "hope"}
    _ENGLISH_CACHE.clear()
    assert _english_among(sample) == {w for w in sample if w in english}
    assert {"joy", "will", "hope"} <= _english_among(sample) and "gwen" not in _english_among(sample)

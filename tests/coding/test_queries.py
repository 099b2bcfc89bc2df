"""Coding: placing quotes, aligning a coder's text, and the codings / code_matrix queries."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.coding import make_project
from mio_qual.errors import InputError
from mio_qual.coding.anchor import QuoteError, align, find_quote, normalize
from mio_qual.coding.model import Coding


@pytest.fixture()
def small(tmp_path):
    project = make_project(tmp_path)
    yield project
    project.close()


# ------------------------------------------------------------------------------ anchor
def test_canonical_text_of_the_fixture_is_what_the_tests_assume(small):
    text = small.text("T01")
    assert "\r" not in text and "Jos\u00e9" in text and "\U0001F600" in text
    assert text.startswith("INTERVIEWER: How is the room?")


def test_find_quote_tolerates_whitespace_quotes_dashes_case_and_unicode_form(small):
    text = small.text("T01")
    start = text.index("The family")
    end = text.index(" \U0001F3A8")
    expected = (start, end)
    typed = 'the FAMILY room   is "perfect" -- jose\u0301 painted\n it.'
    assert find_quote(text, typed) == expected
    assert find_quote(text, "The family room is \u201cperfect\u201d \u2014 Jos\u00e9 painted it.") == expected
    assert find_quote(text, unicodedata.normalize("NFD", text[start:end])) == expected


def test_find_quote_ambiguity_needs_a_hint(small):
    text = small.text("T01")
    first = text.index("the room")
    second = text.index("The room is great")
    with pytest.raises(QuoteError) as info:
        find_quote(text, "the room")
    assert info.value.reason == "ambiguous" and len(info.value.candidates) == 2
    assert "2 times" in str(info.value)
    assert find_quote(text, "the room", near=second + 3) == (second, second + 8)
    assert find_quote(text, "the room", near=(0, 40)) == (first, first + 8)


def test_find_quote_not_found_says_how_far_it_got(small):
    text = small.text("T01")
    with pytest.raises(QuoteError) as info:
        find_quote(text, "Supervision is protected. Gwen cancels it.")
    assert info.value.reason == "not found"
    assert f"first 4 of 6 words occur at offset {text.index('Supervision is')}" in str(info.value)


def test_find_quote_with_an_ellipsis(small):
    text = small.text("T01")
    span = find_quote(text, "Supervision is protected ... the room is great")
    assert text[span[0]:span[1]] == "Supervision is protected. Gwen protects it. The room is great"


def test_find_quote_copied_from_a_redacted_copy():
    # newuser4: a coder on a server sees names only as [name] (export-docx, transcripts show); a quote
    # copied from there was "not found", so a passage holding a name could not be coded from a sheet
    from mio_qual.coding.anchor import NAME_PLACEHOLDER
    from mio_qual.deidentify import PLACEHOLDER

    assert NAME_PLACEHOLDER == PLACEHOLDER
    text = "It is hard. Our director, Alana Reyes, gave us protected hours, which helped. Ask Dr. Lee or Sam."
    start = text.index("Our director")
    end = text.index("which helped.") + len("which helped.")
    assert find_quote(text, "Our director, [name], gave us protected hours, which helped.") == (start, end)
    assert find_quote(text, "OUR DIRECTOR, [NAME], gave  us\nprotected hours, which helped.") == (start, end)
    assert find_quote(text, "Ask [name] or [name].") == (text.index("Ask"), len(text))
    with pytest.raises(QuoteError, match="between words, not at its start or end"):
        find_quote(text, "[name] gave us protected hours")
    with pytest.raises(QuoteError, match="not found"):  # the words around the name must still be there
        find_quote(text, "Our director, [name], gave us more hours")


def test_find_quote_prefers_whole_words():
    assert find_quote("a start and art", "art") == (12, 15)


def test_align_maps_across_formatting_differences():
    canonical = 'She said "we have two hours". Gwen protects it.'
    coder = "She  said \u201cWE HAVE two\nhours\u201d.   Gwen protects it."
    alignment = align(coder, canonical)
    s = coder.index("Gwen")
    assert alignment.map_span(s, s + len("Gwen protects it")) == (30, 46)
    s = coder.index("WE")
    assert alignment.map_span(s, coder.index("\u201d.")) == (canonical.index("we"), canonical.index('".'))


def test_align_leaves_text_around_an_edit_in_place():
    canonical = "one two three four five six seven eight nine ten " * 20
    edited = canonical.replace("five six", "five and a half six", 1)
    alignment = align(edited, canonical)
    s = edited.index("seven")
    assert alignment.map_span(s, s + 5) == (canonical.index("seven"), canonical.index("seven") + 5)
    inserted = edited.index("and a half")
    assert alignment.map_span(inserted, inserted + len("and a half")) is None


_WORDS = ["room", "Gwen", "caf\u00e9", "na\u00efve", "it\u2019s", "\u201cno\u201d", "\u2014", "\U0001F600", "MIO",
          "supervision", "two", "hours", "\u00dcber", "co-op", "5:30"]


def _variant(word: str, how: int) -> str:
    if how == 1:
        return unicodedata.normalize("NFD", word)
    if how == 2:
        return word.upper()
    if how == 3:
        return word.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').replace("\u2014", "-")
    return word


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.integers(0, 3), st.sampled_from([" ", "  ", "\n", "\r\n", "\n\n"]),
                          st.sampled_from([" ", "\n\n"])), min_size=2, max_size=40),
       st.data())
def test_align_property_token_spans_map_exactly(tokens, data):
    """Every run of whole words in a coder's reformatted copy maps onto the same words in the canonical text."""
    canonical_parts, variant_parts = [], []
    canon_spans, var_spans = [], []
    c = v = 0
    for word, how, var_sep, canon_sep in tokens:
        shown = _variant(word, how)
        canon_spans.append((c, c + len(word)))
        var_spans.append((v, v + len(shown)))
        canonical_parts += [word, canon_sep]
        variant_parts += [shown, var_sep]
        c += len(word) + len(canon_sep)
        v += len(shown) + len(var_sep)
    canonical, variant = "".join(canonical_parts), "".join(variant_parts)
    i = data.draw(st.integers(0, len(tokens) - 1))
    j = data.draw(st.integers(i, len(tokens) - 1))
    alignment = align(variant, canonical)
    assert alignment.map_span(var_spans[i][0], var_spans[j][1]) == (canon_spans[i][0], canon_spans[j][1])
    # and the quote of those words is found there (the hint settles repeated words)
    quote = variant[var_spans[i][0]:var_spans[j][1]]
    assert find_quote(canonical, quote, near=canon_spans[i][0]) == (canon_spans[i][0], canon_spans[j][1])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_WORDS[:12]), min_size=30, max_size=120), st.data())
def test_align_property_edits_do_not_move_distant_words(words, data):
    """Insert, delete or replace one word: words at least three away from the edit still map exactly."""
    canonical = " ".join(f"{w}{k}" for k, w in enumerate(words))  # numbered words: each is unique
    spans, pos = [], 0
    for k, w in enumerate(words):
        spans.append((pos, pos + len(f"{w}{k}")))
        pos += len(f"{w}{k}") + 1
    at = data.draw(st.integers(3, len(words) - 4))
    kind = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    edited_words = [f"{w}{k}" for k, w in enumerate(words)]
    if kind == "insert":
        edited_words.insert(at, "INSERTED")
    elif kind == "delete":
        del edited_words[at]
    else:
        edited_words[at] = "REPLACED"
    edited = " ".join(edited_words)
    alignment = align(edited, canonical)
    for k in data.draw(st.lists(st.integers(0, len(words) - 1), min_size=1, max_size=5)):
        if abs(k - at) < 3:
            continue
        word = f"{words[k]}{k}"
        s = edited.index(word + " ") if k < len(words) - 1 else edited.rindex(word)
        assert alignment.map_span(s, s + len(word)) == spans[k]


def test_normalize_index_points_back_to_the_source():
    n = normalize("A\u00e9  \u201cb\u201d\u2026")
    assert n.text == 'ae\u0301 "b"...'
    assert n.index == [0, 1, 1, 2, 4, 5, 6, 7, 7, 7]


# ------------------------------------------------------------------------------ queries
def _write(project, rows, coder="ann", origin="human"):

    return project.write_codings([Coding("T01", s, e, code, coder, origin) for s, e, code in rows], coder=coder,
                         origin=origin, source_file=None, replace="none")


def test_codings_frame_has_text_turn_sentences_speaker_and_clinic(small):
    text = small.text("T01")
    turns = small.turns("T01")
    sentences = small.sentences("T01")
    s = text.index("Gwen protects")
    e = text.index("great.") + len("great")
    _write(small, [(s, e, "IS.A3")])
    _write(small, [(0, 5, "IS.J2")], coder="bob")
    frame = small.codings(coder="ann")
    assert list(frame.columns[:18]) == ["coding_id", "transcript_id", "start", "end", "code", "coder", "origin",
                                        "created", "memo", "codebook_version", "source_file", "probability",
                                        "evidence", "text", "turn_id", "sentence_ids", "clinic", "speaker"]
    row = frame.iloc[0]
    assert row["text"] == "Gwen protects it. The room is great"
    last_turn = turns.iloc[-1]
    assert row["turn_id"] == last_turn["segment_id"] == "T01:t4" and row["speaker"] == "PARTICIPANT"
    overlapped = sentences[(sentences["start"] < e) & (sentences["end"] > s)]["segment_id"].tolist()
    assert row["sentence_ids"] == ";".join(overlapped) and len(overlapped) == 2
    assert len(small.codings()) == 2 and small.codings(code="IS.J2")["coder"].tolist() == ["bob"]
    with pytest.raises(InputError, match="no coder 'nobody' in this project"):  # was an empty table (newuser2 A11)
        small.codings(coder="nobody")


def test_code_matrix_on_a_hand_made_case(small):
    text = small.text("T01")
    turns = small.turns("T01")  # t1 INTERVIEWER, t2 PARTICIPANT, t3 INTERVIEWER, t4 PARTICIPANT
    t2_start, t2_end = int(turns.iloc[1]["start"]), int(turns.iloc[1]["end"])
    t4_start = int(turns.iloc[3]["start"])
    gap = text.index("\n\n", t2_end - 1)  # the blank line after turn 2
    _write(small, [
        (t2_end - 3, t4_start + 2, "IS.J2"),      # the end of t2, all of t3, 2 characters of t4
        (gap, gap + 2, "MIO.REC"),                # only the blank line between turns: no unit
        (t2_start, t2_start + 1, "IS.A3"),        # one character of t2
    ])
    matrix = small.code_matrix(unit="turn", coder="ann", include_interviewer=True)
    assert list(matrix.index) == ["T01:t1", "T01:t2", "T01:t3", "T01:t4"]
    assert matrix.index.name == "segment_id"
    assert list(matrix.columns) == ["IS.A3", "IS.J2", "MIO.REC"]
    assert matrix.to_dict(orient="list") == {"IS.A3": [0, 1, 0, 0], "IS.J2": [0, 1, 1, 1], "MIO.REC": [0, 0, 0, 0]}
    strict = small.code_matrix(unit="turn", coder="ann", min_overlap=3, codes=["IS.J2", "IND.A"],
                               include_interviewer=True)
    assert strict.to_dict(orient="list") == {"IS.J2": [0, 1, 1, 0], "IND.A": [0, 0, 0, 0]}
    whole = small.code_matrix(unit="transcript", coder="ann")
    assert whole.loc["T01"].tolist() == [1, 1, 1]
    with pytest.raises(InputError, match="no coder 'bob' in this project"):  # bob never coded: was a (2, 0) matrix
        small.code_matrix(unit="turn", coder="bob")
    # by default the participants' turns only, as agreement compares them
    speech = small.code_matrix(unit="turn", coder="ann")
    assert speech.to_dict(orient="list") == {"IS.A3": [1, 0], "IS.J2": [1, 1], "MIO.REC": [0, 0]}
    assert list(speech.index) == ["T01:t2", "T01:t4"]
    sentences = small.code_matrix(unit="sentence", coder="ann", codes=["IS.A3"])
    assert sentences["IS.A3"].sum() == 0  # the character coded is the speaker label: in no sentence


def test_code_matrix_rejects_unknown_units(small):
    from mio_qual.errors import InputError

    with pytest.raises(InputError):
        small.code_matrix(unit="word")

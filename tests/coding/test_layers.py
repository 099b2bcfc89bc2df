"""Checking a layer's codings as they stream (issue 21): the same codings and the same problems as
checking the whole list, holding only one transcript's codings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.coding.layers import CheckedCodings, check_codings
from mio_qual.coding.model import Coding
from mio_qual.errors import InputError

TEXTS = {"T1": "x" * 40, "T2": "y" * 25, "T3": "z" * 10}


@st.composite
def codings_(draw) -> Coding:
    return Coding(draw(st.sampled_from(["T1", "T2", "T3", "T9"])), draw(st.integers(-2, 12)),
                  draw(st.integers(0, 45)), draw(st.sampled_from(["A", "B", "Q"])),
                  draw(st.sampled_from(["ann", "ann", "ann", "bo"])), draw(st.sampled_from(["human"] * 5 + ["rules"])),
                  memo=draw(st.sampled_from([None, "m"])), created=draw(st.sampled_from([None, "2024-01-01T00:00:00Z"])))


class _Book:
    codes = {"A": None, "B": None}


@settings(max_examples=300, deadline=None)
@given(st.lists(codings_(), max_size=30), st.booleans())
def test_streamed_check_equals_the_list_check(codings, with_book):
    codings.sort(key=lambda c: c.transcript_id)  # grouped by transcript, stable within one
    book = _Book() if with_book else None
    lengths = {t: len(v) for t, v in TEXTS.items()}
    try:
        expected, error = check_codings(codings, coder="ann", origin="human", lengths=lengths, codebook=book,
                                        source_file="f.docx"), None
    except InputError as exc:
        expected, error = None, exc
    stream = CheckedCodings(iter(codings), coder="ann", origin="human", texts=TEXTS, codebook=book,
                            source_file="f.docx")
    if error is None:
        got = list(stream)
        assert got == expected and [c.created for c in got] == [c.created for c in expected]
        assert stream.count == len(expected)
        assert set(stream.transcripts) == {c.transcript_id for c in codings}
    else:
        with pytest.raises(InputError) as info:
            list(stream)
        assert info.value.message == error.message and info.value.details == error.details


def test_codings_not_grouped_by_transcript_are_refused():
    codings = [Coding("T1", 0, 2, "A", "ann"), Coding("T2", 0, 2, "A", "ann"), Coding("T1", 3, 5, "A", "ann")]
    with pytest.raises(ValueError, match="not grouped"):
        list(CheckedCodings(codings, coder="ann", origin="human", texts=TEXTS))

"""Filled templates: quote search, segment ids, every problem named by row and domain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mio_qual.errors import InputError
from mio_qual.rapid.summaries import (RawSummary, bind_summary, find_quote, is_discussed, normalize_for_search,
                                      redaction_map)
from mio_qual.rapid.template import Domain, Template

TEMPLATE = Template("t", "T", (Domain("FIT", "Fit"), Domain("PEOPLE", "People")))
TEXT = "I: Tell me.\nP: We had “no room” at all... Nobody’s door closed.\nI: And then?\nP: Then we got the family room."
SPANS = {"T1:t1": (3, 11), "T1:t2": (15, 62), "T1:t3": (66, 76), "T1:t4": (80, 106), "T1:s2": (15, 34)}


def raw(rows: list[tuple[str, str, str]], **about: str) -> RawSummary:
    return RawSummary(Path("T1_rapid.docx"), {"Transcript": "T1", "Template": "t", **about},
                      [{"Domain id": d, "Summary": s, "Quotes": q} for d, s, q in rows])


def test_quotes_by_segment_id_range_and_exact_words():
    summary = bind_summary(raw([("FIT", "No space.", "t2\nT1:t2-t4\n- “no room” at all\nnobody's DOOR closed"),
                                ("PEOPLE", "n/a", "")]), template=TEMPLATE, text=TEXT, spans=SPANS, summarizer="kai")
    quotes = summary.cells[0].quotes
    assert [(q.start, q.end, q.segment_id) for q in quotes[:2]] == [(15, 62, "T1:t2"), (15, 106, "T1:t2-t4")]
    # quote marks around a copied passage are not part of it
    assert [TEXT[q.start:q.end] for q in quotes[2:]] == ["no room” at all", "Nobody’s door closed"]
    assert summary.summarizer == "kai" and summary.n_filled == 2 and summary.n_quotes == 4


def test_every_bad_cell_is_named_and_nothing_is_bound():
    rows = [("FIT", "", "t9"), ("FIT", "again", ""), ("NOPE", "x", ""), ("PEOPLE", "p", "we had a garden\nT2:t1")]
    with pytest.raises(InputError) as caught:
        bind_summary(raw(rows), template=TEMPLATE, text=TEXT, spans=SPANS, summarizer="kai")
    details = "\n".join(caught.value.details)
    assert "row 2 (FIT), quote 't9': T1:t9 is not a segment of T1" in details
    assert "row 2 (FIT): quotes without a summary" in details
    assert "row 3 (FIT): domain FIT appears again (first in row 2)" in details
    assert "row 4 (NOPE): 'NOPE' is not a domain of template t" in details
    assert "row 5 (PEOPLE), quote 1: 'we had a garden' is not in transcript T1" in details
    assert "quote 'T2:t1' cites transcript T2, but this summary is of T1" in details
    assert "T1_rapid.docx" in str(caught.value)


def test_a_missing_domain_row_and_a_missing_summarizer_are_problems():
    with pytest.raises(InputError) as caught:
        bind_summary(raw([("FIT", "x", "")]), template=TEMPLATE, text=TEXT, spans=SPANS)
    details = "\n".join(caught.value.details)
    assert "no summarizer" in details and "domain row(s) missing: PEOPLE" in details


def test_the_file_and_the_command_must_agree_on_the_summarizer():
    with pytest.raises(InputError, match="its summarizer is 'kai', the command says 'remy'"):
        bind_summary(raw([("FIT", "x", ""), ("PEOPLE", "", "")], Summarizer="kai"), template=TEMPLATE, text=TEXT,
                     spans=SPANS, summarizer="remy")


def test_not_discussed_markers():
    assert [is_discussed(s) for s in ("n/a", "Not discussed.", "none", "", "No room", "N/A ")] == \
        [False, False, False, False, True, False]


@given(st.text(alphabet=st.sampled_from("ab cD’'\n\t“”é"), min_size=1, max_size=60), st.data())
def test_any_piece_of_the_text_is_found_where_it_is(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    piece = text[start:end]
    assume(piece.strip().strip("\"'“”‘’«»„") == piece.strip() and piece.strip())
    folded, where = normalize_for_search(text)
    span = find_quote(folded, where, piece)
    assert span is not None
    found = normalize_for_search(text[span[0]:span[1]])[0].strip()
    assert found == normalize_for_search(piece.strip())[0].strip()
    assert span[0] <= start + len(piece) - len(piece.lstrip())  # the first occurrence, never a later one


@given(st.text(alphabet="abc ", min_size=0, max_size=40), st.text(alphabet="xyz", min_size=1, max_size=5))
def test_words_not_in_the_text_are_never_found(text, quote):
    folded, where = normalize_for_search(text)
    assert find_quote(folded, where, quote) is None


# ------------------------------------------------------------ quotes copied from the redacted template
NAMED = "I: Who runs it?\nP: Gwen Harlow does. Gwen's room is small, so Tom and Gwen meet at the library."


def _redactor():
    from mio_qual.deidentify import Redactor

    return Redactor(frozenset({"Gwen Harlow", "Gwen", "Tom"}))


def test_a_quote_with_a_placeholder_binds_to_the_named_span():
    redact = _redactor()
    shown = redact(NAMED)
    assert shown == "I: Who runs it?\nP: [name] does. [name]'s room is small, so [name] and [name] meet at the library."
    rows = [("FIT", "Small room.", "[name] does. [name]'s room is small\nso [NAME] and [name] meet"),
            ("PEOPLE", "n/a", "")]
    summary = bind_summary(raw(rows), template=TEMPLATE, text=NAMED, spans={}, summarizer="kai", redact=redact)
    first, second = summary.cells[0].quotes
    assert (first.start, first.end) == (19, 57)  # from the G of Gwen Harlow to the end of "small"
    assert NAMED[first.start:first.end] == "Gwen Harlow does. Gwen's room is small"
    assert NAMED[second.start:second.end] == "so Tom and Gwen meet"
    # without the redactor the same quotes are not in the text (what happened before)
    with pytest.raises(InputError, match="quote 1: .* is not in transcript T1"):
        bind_summary(raw(rows), template=TEMPLATE, text=NAMED, spans={}, summarizer="kai")


def test_a_placeholder_stands_for_a_name_and_nothing_else():
    """[name] matches where the redactor put it, not any words: a quote with [name] where the text has an
    ordinary word, or with other words changed, is still refused, and a quote in the plain text binds as before."""
    redact = _redactor()
    rows = [("FIT", "x", "[name] is small\nthe [name]\n[name] does. [name]'s room is big"), ("PEOPLE", "n/a", "")]
    with pytest.raises(InputError) as caught:
        bind_summary(raw(rows), template=TEMPLATE, text=NAMED, spans={}, summarizer="kai", redact=redact)
    assert [d.split(", quote ")[1][:2] for d in caught.value.details] == ["1:", "2:", "3:"]
    plain = bind_summary(raw([("FIT", "x", "Gwen Harlow does"), ("PEOPLE", "n/a", "")]), template=TEMPLATE,
                         text=NAMED, spans={}, summarizer="kai", redact=lambda _t: 1 / 0)  # never asked for
    assert [(q.start, q.end) for q in plain.cells[0].quotes] == [(19, 35)]


@given(st.lists(st.sampled_from(["we", "met", "at", "the", "clinic", "Gwen", "Gwen Harlow", "Tom's", "(Tom)", ".",
                                 "\n"]), min_size=1, max_size=30), st.data())
def test_any_piece_of_the_redacted_text_maps_to_its_original(words, data):
    """Property: a piece of the redacted text that cuts no placeholder maps to the span of the original that
    redacts to that same piece."""
    names = {"Gwen", "Gwen Harlow", "Tom's", "(Tom)"}
    spoken = [w for w in words if w.strip()]  # names with only white space between them: see the next test
    assume(not any(a in names and b in names for a, b in zip(spoken, spoken[1:])))
    text = " ".join(words)
    redact = _redactor()
    shown = redact(text)
    starts, ends = redaction_map(text, shown)
    inside = {k for m in re.finditer(re.escape("[name]"), shown) for k in range(m.start() + 1, m.end())}
    cuts = [k for k in range(len(shown) + 1) if k not in inside]
    i = data.draw(st.sampled_from(cuts[:-1]))
    j = data.draw(st.sampled_from([k for k in cuts if k > i]))
    assert redact(text[starts[i]:ends[j - 1]]) == shown[i:j]


def test_names_side_by_side():
    """Names with only white space between them: word for word when the words pair up, else one span."""
    text = "so Gwen Tom met and Tom Gwen Harlow left"
    shown = _redactor()(text)
    assert shown == "so [name] [name] met and [name] [name] left"
    starts, ends = redaction_map(text, shown)
    second = shown.index("[name] met")
    assert text[starts[second]:ends[second + 5]] == "Tom"
    fourth = shown.index("[name] left")
    assert text[starts[fourth]:ends[fourth + 5]] == "Tom Gwen Harlow"  # three words for two placeholders

"""Matrices, two summarizers compared and rapid analysis against coding, on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mio_qual.errors import InputError
from mio_qual.rapid.analysis import chosen_summaries, compare, content_words, coverage, evidence, matrix
from mio_qual.rapid.template import Domain, Template

TEMPLATE = Template("t", "T", (Domain("FIT", "Fit", constructs=("IS.F", "IS.J")), Domain("PEOPLE", "People",
                                                                                       constructs=("IND",))))
ROWS = [  # summarizer, transcript, domain, summary
    ("a", "T1", "FIT", "No private rooms for groups"), ("b", "T1", "FIT", "Rooms lacking for groups"),
    ("a", "T1", "PEOPLE", "n/a"), ("b", "T1", "PEOPLE", "Director helps"),
    ("a", "T2", "FIT", ""), ("b", "T2", "FIT", ""),
    ("a", "T2", "PEOPLE", "Supervisor resigned"), ("b", "T2", "PEOPLE", "Supervisor departed"),
    ("consensus", "T1", "FIT", "Rooms were lacking"), ("consensus", "T1", "PEOPLE", ""),
]
SUMMARIES = pd.DataFrame(ROWS, columns=["summarizer", "transcript_id", "domain", "summary"])
QUOTES = pd.DataFrame([("a", "T1", "FIT", 1, 10, 20, None), ("b", "T1", "FIT", 1, 15, 30, None),
                       ("b", "T1", "FIT", 2, 40, 50, None)],
                      columns=["summarizer", "transcript_id", "domain", "n", "quote_start", "quote_end", "segment_id"])
META = pd.DataFrame({"transcript_id": ["T1", "T2"], "clinic": ["north", "south"], "agency": ["X", "X"],
                     "role": ["counselor", "supervisor"]})


def test_the_words_the_overlap_is_computed_on():
    assert content_words("No private rooms for groups") == {"private", "rooms", "groups"}
    assert content_words("Supervisor resigned") == {"supervisor", "resigned"}


def test_compare_by_hand():
    result = compare(SUMMARIES, QUOTES, ["a", "b"], TEMPLATE)
    by_domain = result.tables[0].frame.set_index("domain")
    assert by_domain.loc["FIT", ["n_transcripts", "both", "only_a", "only_b", "neither"]].tolist() == [2, 1, 0, 0, 1]
    assert by_domain.loc["PEOPLE", ["both", "only_b", "agreement_pct"]].tolist() == [1, 1, 50.0]
    assert by_domain.loc["FIT", "agreement_pct"] == 100.0
    assert by_domain.loc["FIT", "mean_word_overlap"] == pytest.approx(2 / 4)  # {rooms, groups} of 4 words
    assert by_domain.loc["PEOPLE", "mean_word_overlap"] == pytest.approx(1 / 3)
    detail = result.tables[1].frame.set_index(["transcript_id", "domain"])
    assert detail.loc[("T1", "FIT"), ["quotes_a", "quotes_b", "shared_quotes", "consensus"]].tolist() == \
        [1, 2, 1, "consensus"]
    assert detail.loc[("T1", "PEOPLE"), "consensus"] == "to decide"
    assert detail.loc[("T2", "FIT"), "status"] == "neither" and math.isnan(detail.loc[("T2", "FIT"), "word_overlap"])
    assert "2 transcript-domain cell(s) have summaries but no consensus yet" in result.notes


def test_compare_needs_two_summarizers_of_the_same_transcripts():
    with pytest.raises(InputError, match="two different summarizers"):
        compare(SUMMARIES, QUOTES, ["a"], TEMPLATE)
    with pytest.raises(InputError, match="no transcript has summaries by both a and z"):
        compare(SUMMARIES, QUOTES, ["a", "z"], TEMPLATE)


def test_which_summary_stands_for_a_transcript_is_never_guessed():
    assert set(chosen_summaries(SUMMARIES[SUMMARIES.transcript_id == "T1"])["summarizer"]) == {"consensus"}
    only_a = SUMMARIES[SUMMARIES.summarizer == "a"]
    assert set(chosen_summaries(only_a)["summarizer"]) == {"a"}
    with pytest.raises(InputError, match="transcript T2 has summaries by a, b and no consensus"):
        chosen_summaries(SUMMARIES)


def test_matrix_by_agency_names_each_entry_s_transcript():
    result = matrix(SUMMARIES, META, TEMPLATE, by="agency", summarizer="a")
    row = result.tables[0].frame.iloc[0]
    assert row["agency"] == "X" and row["transcripts"] == "T1, T2"
    assert row["FIT Fit"] == "[T1] No private rooms for groups"
    assert row["PEOPLE People"] == "[T1] n/a\n[T2] Supervisor resigned"
    by_transcript = matrix(SUMMARIES, META, TEMPLATE, by="transcript", summarizer="b").tables[0].frame
    assert by_transcript["FIT Fit"].tolist() == ["Rooms lacking for groups", ""]
    with pytest.raises(InputError, match="cannot make a matrix by 'site'"):
        matrix(SUMMARIES, META, TEMPLATE, by="site", summarizer="a")


def test_coverage_by_hand():
    codings = pd.DataFrame({"transcript_id": ["T1", "T2"], "code": ["IS.J1", "IND.C.K"], "start": [12, 0],
                            "end": [18, 5]})
    result = coverage(SUMMARIES, QUOTES, codings, TEMPLATE, summarizer="a", layer="casey")
    detail = result.tables[1].frame.set_index(["transcript_id", "construct"])
    assert detail["found_by"].to_dict() == {
        ("T1", "IS.F"): "rapid only (domain)", ("T1", "IS.J"): "both", ("T1", "IND"): "neither",
        ("T2", "IS.F"): "neither", ("T2", "IS.J"): "neither", ("T2", "IND"): "both"}
    assert detail.loc[("T1", "IS.J"), "quotes_on_codings"] == 1
    counts = result.tables[0].frame.set_index("construct")
    assert counts.loc["IND", ["both", "neither"]].tolist() == [1, 1]


def test_evidence_lists_each_construct_of_a_discussed_domain():
    rows = evidence(SUMMARIES, META, TEMPLATE, by="clinic", summarizer="b")
    assert sorted(zip(rows.case_id, rows.construct)) == [("north", "IND"), ("north", "IS.F"), ("north", "IS.J"),
                                                         ("south", "IND")]


def test_every_source_is_in_the_citation_table():
    from mio_qual.citations import CITATIONS
    from mio_qual.rapid.analysis import SOURCES

    assert set(SOURCES) <= set(CITATIONS)

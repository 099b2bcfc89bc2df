"""Spans to reliability data: hand-made cases and brute force, character by character."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mio_qual.agreement import cohen_kappa, krippendorff_alpha, percent_agreement
from mio_qual.agreement.units import disagreements, merge_spans, reliability_data
from mio_qual.errors import InputError

nan = float("nan")
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(rows):
    return pd.DataFrame(rows, columns=["transcript_id", "start", "end", "code", "coder"])


CODINGS = frame([
    ("T1", 0, 10, "X", "A"), ("T1", 2, 12, "X", "B"), ("T1", 20, 25, "Y", "B"),
    ("T2", 0, 5, "X", "A"), ("T1", 5, 8, "Y", "A"),
])
TEXTS = {"T1": "x" * 30, "T2": "y" * 10}
SEGMENTS = pd.DataFrame({"transcript_id": ["T1", "T1", "T1", "T2"], "segment_id": ["s1", "s2", "s3", "t1"],
                         "start": [0, 10, 20, 0], "end": [10, 20, 30, 10]})


def as_lists(cr):
    return [[None if math.isnan(v) else v for v in row] for row in cr.ratings.tolist()]


# ------------------------------------------------------------------ hand-made
def test_sentence_units_by_hand():
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS)
    # B never coded in T2: its unit there is missing for B, not "not coded"
    assert as_lists(data.code("X")) == [[1, 0, 0, 1], [1, 1, 0, None]]
    assert as_lists(data.code("Y")) == [[1, 0, 0, 0], [0, 0, 1, None]]
    assert data.set_aside["units seen by fewer than two coders"] == 1
    # nominal: s1 has two codes from A and is set aside; s2 B: X (1); s3 B: Y (2)
    nominal = data.nominal()
    assert nominal.categories == ["(none)", "X", "Y"]
    assert as_lists(nominal) == [[None, 0, 0, 1], [None, 1, 2, None]]
    assert data.set_aside["units where a coder applied several codes (nominal table)"] == 1


@pytest.mark.parametrize("order", ["sorted", "shuffled"])
def test_units_as_categories_are_the_units_as_strings(order):
    """Transcript ids as categories (as the store reads them): the units already in order are not sorted again, units
    out of order are; either way the units and ratings equal those of the same segments with ids as strings."""
    segments = pd.DataFrame({"transcript_id": ["T10", "T10", "T2", "T2", "T2"], "segment_id": list("abcde"),
                             "start": [0, 10, 0, 10, 20], "end": [10, 20, 10, 20, 30]})
    if order == "shuffled":
        segments = segments.iloc[[3, 0, 4, 2, 1]]
    codings = frame([("T2", 0, 12, "X", "A"), ("T2", 11, 30, "X", "B"), ("T10", 0, 5, "X", "A"),
                     ("T10", 12, 20, "X", "B")])
    categories = segments.astype({"transcript_id": pd.CategoricalDtype(["T2", "T10"])})  # not in text order
    plain = reliability_data(codings, "sentence", segments=segments)
    found = reliability_data(codings, "sentence", segments=categories)
    pd.testing.assert_frame_equal(found.units, plain.units)
    assert as_lists(found.code("X")) == as_lists(plain.code("X"))


def test_coverage_makes_units_not_coded_instead_of_missing():
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS, coverage={"B": ["T2"]})
    assert as_lists(data.code("X"))[1] == [1, 1, 0, 0]
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS, coverage="all")
    assert as_lists(data.code("X"))[1] == [1, 1, 0, 0]
    frame_cov = pd.DataFrame({"coder": ["B"], "transcript_id": ["T2"]})
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS, coverage=frame_cov)
    assert as_lists(data.code("X"))[1] == [1, 1, 0, 0]


def test_min_coverage():
    # B covers 2 of s2's 10 characters; with min_coverage 0.5 that no longer counts
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS, min_coverage=0.5)
    assert as_lists(data.code("X"))[1] == [1, 0, 0, None]
    assert as_lists(data.code("Y"))[0] == [0, 0, 0, 0]        # A's Y covers 3 of 10


def test_character_units_by_hand():
    data = reliability_data(CODINGS, "character", texts=TEXTS)
    x = data.code("X")
    # T1: A only [0,2), B only [10,12), both [2,10), neither 18; T2: A [0,5), B did not see it
    cols = {(tuple(None if math.isnan(v) else v for v in x.ratings[:, j]), int(x.transcript[j])): x.counts[j]
            for j in range(x.ratings.shape[1])}
    assert cols == {((1, 0), 0): 2, ((0, 1), 0): 2, ((1, 1), 0): 8, ((0, 0), 0): 18, ((1, None), 1): 5,
                    ((0, None), 1): 5}
    pa = percent_agreement(x.ratings, counts=x.counts)
    assert pa.value == pytest.approx(26 / 30) and pa.n_units == 30 and pa.n_set_aside == 10
    coded = reliability_data(CODINGS, "character", texts=TEXTS, scope="coded")
    # the text anyone coded in T1 is [0,12) and [20,25): 17 characters, 5 of them coded by nobody with X
    assert percent_agreement(coded.code("X").ratings, counts=coded.code("X").counts).value == pytest.approx(13 / 17)


def test_span_units_by_hand():
    data = reliability_data(CODINGS, "span", overlap=0.6)
    # A's [0,10) and B's [2,12) overlap 8 of 12 (0.667): a match in both directions
    assert as_lists(data.code("X")) == [[1, 1], [1, 1]]
    strict = reliability_data(CODINGS, "span", overlap=0.9)
    assert as_lists(strict.code("X")) == [[1, 0], [0, 1]]
    assert as_lists(strict.code("Y")) == [[1, 0], [0, 1]]


def test_transcript_units_by_hand():
    data = reliability_data(CODINGS, "transcript")
    assert as_lists(data.code("X")) == [[1, 1], [1, None]]
    assert as_lists(data.code("Y")) == [[1, 0], [1, None]]


def test_codes_nobody_used_are_kept_as_agreed_absent():
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS, codes=["X", "Z"])
    assert as_lists(data.code("Z")) == [[0, 0, 0, 0], [0, 0, 0, None]]
    assert data.codes == ("X", "Z")


def test_merge_spans():
    k, s, e = merge_spans(np.array([1, 1, 1, 2]), np.array([0, 4, 9, 0]), np.array([5, 7, 10, 3]))
    assert (k.tolist(), s.tolist(), e.tolist()) == ([1, 1, 2], [0, 9, 0], [7, 10, 3])


def test_bad_input():
    with pytest.raises(InputError):
        reliability_data(CODINGS, "sentence")                          # no segments
    with pytest.raises(InputError):
        reliability_data(CODINGS, "word", segments=SEGMENTS)
    with pytest.raises(InputError):
        reliability_data(CODINGS, "sentence", segments=SEGMENTS, coders=["A"])
    with pytest.raises(InputError):
        reliability_data(frame([("T1", 5, 3, "X", "A")]), "transcript")
    with pytest.raises(InputError):
        reliability_data(CODINGS.drop(columns=["coder"]), "transcript")
    overlapping = SEGMENTS.copy()
    overlapping.loc[1, "start"] = 5
    with pytest.raises(InputError, match="overlap"):
        reliability_data(CODINGS, "sentence", segments=overlapping)
    with pytest.raises(InputError, match="length"):
        reliability_data(CODINGS, "character", texts={"T1": 30})
    with pytest.raises(InputError, match="past the end"):
        reliability_data(CODINGS, "character", texts={"T1": 11, "T2": 10})


def test_disagreements_by_hand():
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS)
    listed = disagreements(data, texts=TEXTS)
    assert listed["segment_id"].tolist() == ["s1", "s2", "s3"]
    assert listed["codes: A"].tolist() == ["X; Y", "", ""]
    assert listed["codes: B"].tolist() == ["X", "X", "Y"]
    assert listed["in_dispute"].tolist() == ["Y", "X", "Y"]
    chars = disagreements(reliability_data(CODINGS, "character", texts=TEXTS), CODINGS, TEXTS)
    assert chars[["start", "end", "code", "coded_by"]].values.tolist() == [
        [0, 2, "X", "A"], [10, 12, "X", "B"], [5, 8, "Y", "A"], [20, 25, "Y", "B"]]
    spans = disagreements(reliability_data(CODINGS, "span"), CODINGS, TEXTS)
    assert len(spans) == 4 and set(spans["coder"]) == {"A", "B"}
    assert disagreements(reliability_data(CODINGS, "span", overlap=0.6), CODINGS, TEXTS)["code"].tolist() \
        == ["Y", "Y"]


# ------------------------------------------------------------------ brute force
@st.composite
def studies(draw):
    n_t = draw(st.integers(1, 3))
    lengths = {f"T{t}": draw(st.integers(5, 40)) for t in range(n_t)}
    rows = []
    for coder in ("A", "B", "C")[: draw(st.integers(2, 3))]:
        for _ in range(draw(st.integers(0, 6))):
            tid = draw(st.sampled_from(sorted(lengths)))
            start = draw(st.integers(0, lengths[tid] - 1))
            end = draw(st.integers(start + 1, lengths[tid]))
            rows.append((tid, start, end, draw(st.sampled_from(["X", "Y"])), coder))
    if not rows:
        rows.append(("T0", 0, 1, "X", "A"))
    return frame(rows), lengths


def brute_characters(codings, lengths, code, coders):
    """One column per character, built character by character."""
    seen = {(c, t) for c, t in zip(codings["coder"], codings["transcript_id"])}
    columns = []
    for tid, length in sorted(lengths.items()):
        for pos in range(length):
            column = []
            for coder in coders:
                if (coder, tid) not in seen:
                    column.append(nan)
                    continue
                hit = ((codings["transcript_id"] == tid) & (codings["coder"] == coder) & (codings["code"] == code)
                       & (codings["start"] <= pos) & (codings["end"] > pos)).any()
                column.append(1.0 if hit else 0.0)
            columns.append(column)
    return np.array(columns).T


@SETTINGS
@given(studies())
def test_character_units_equal_brute_force(study):
    codings, lengths = study
    coders = sorted(codings["coder"].unique())
    if len(coders) < 2:
        coders = ["A", "B"]
    data = reliability_data(codings, "character", texts=lengths, coders=coders, codes=["X", "Y"])
    for code in ("X", "Y"):
        brute = brute_characters(codings, lengths, code, coders)
        fast = data.code(code)
        assert fast.counts.sum() == brute.shape[1]
        for f in (percent_agreement, krippendorff_alpha):
            a, b = f(fast.ratings, counts=fast.counts).value, f(brute).value
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)
        if len(coders) == 2:
            a = cohen_kappa(fast.ratings, counts=fast.counts, categories=[0, 1]).value
            b = cohen_kappa(brute, categories=[0, 1]).value
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)


@SETTINGS
@given(studies(), st.sampled_from([0.0, 0.3, 1.0]))
def test_sentence_units_equal_brute_force(study, min_coverage):
    codings, lengths = study
    coders = sorted(set(codings["coder"]) | {"A", "B"})
    rows = []
    for tid, length in sorted(lengths.items()):
        cuts = list(range(0, length, 7)) + [length]
        rows += [(tid, f"{tid}:{i}", a, b) for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:]))]
    segments = pd.DataFrame(rows, columns=["transcript_id", "segment_id", "start", "end"])
    data = reliability_data(codings, "sentence", segments=segments, coders=coders, codes=["X", "Y"],
                            min_coverage=min_coverage)
    seen = {(c, t) for c, t in zip(codings["coder"], codings["transcript_id"])}
    for code in ("X", "Y"):
        expected = np.full((len(coders), len(segments)), nan)
        for j, (tid, _, a, b) in enumerate(rows):
            for i, coder in enumerate(coders):
                if (coder, tid) not in seen:
                    continue
                covered = set()
                mine = codings[(codings["transcript_id"] == tid) & (codings["coder"] == coder)
                               & (codings["code"] == code)]
                for s, e in zip(mine["start"], mine["end"]):
                    covered |= set(range(max(s, a), min(e, b)))
                need = max(1, min_coverage * (b - a))
                expected[i, j] = 1.0 if len(covered) >= need - 1e-9 else 0.0
        np.testing.assert_array_equal(data.code(code).ratings, expected)

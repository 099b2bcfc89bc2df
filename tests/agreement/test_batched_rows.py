"""Agreement rows computed all at once equal the rows computed one by one (issue 21).

The agreement table computes its binary rows (each code, the pooled row, each transcript)
together: every row's rating patterns become one row of a weight matrix and each coefficient's
formula runs on the whole matrix. For random ratings (2 to 4 coders, missing ratings, units
rated once, frequency weights, both conventions for units rated once, degenerate rows), every
value, interval, standard error and note must equal what the one-row computation gives
(within 1e-12).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.agreement.report import BATCHED, TWO_CODER_ONLY, _binary_rows, _row
from mio_qual.agreement.units import CodeRatings


def _parts(seed: int, n_coders: int, n_rows: int) -> list[CodeRatings]:
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(n_rows):
        n = int(rng.integers(0, 9))
        kind = rng.integers(0, 4)
        if kind == 0:       # degenerate: every rating the same
            ratings = np.zeros((n_coders, n))
        else:
            ratings = (rng.random((n_coders, n)) < rng.random()).astype(float)
        ratings[rng.random((n_coders, n)) < (0.3 if kind == 2 else 0.05)] = np.nan
        counts = rng.integers(1, 5, n).astype(float)
        parts.append(CodeRatings(ratings, counts, np.zeros(n, dtype=np.int64), [0, 1]))
    return parts


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n_coders=st.integers(2, 4), n_rows=st.integers(1, 12),
       convention=st.sampled_from(["gwet", "pairable"]), confidence=st.sampled_from([0.9, 0.95]))
def test_rows_at_once_equal_rows_one_by_one(seed, n_coders, n_rows, convention, confidence):
    stats = [s for s in BATCHED if n_coders == 2 or s not in TWO_CODER_ONLY]
    parts = _parts(seed, n_coders, n_rows)
    together = _binary_rows(parts, stats, confidence=confidence, n_coders=n_coders, convention=convention)
    for part, row in zip(parts, together):
        alone = _row(part, stats, binary=True, span=False, confidence=confidence, n_boot=0, seed=0,
                     n_coders=n_coders, convention=convention)
        assert set(row) == set(alone)
        for key, value in alone.items():
            assert _same(row[key], value), (key, row[key], value)


def test_published_table_as_one_row_of_many():
    # Cohen (1960)-style 2 x 2 check: a rare code, 94 both uncoded, 2 both coded, 4 disagreements
    ratings = np.array([[0, 1, 1, 0], [0, 1, 0, 1]], dtype=float)
    part = CodeRatings(ratings, np.array([94.0, 2.0, 2.0, 2.0]), np.zeros(4, dtype=np.int64), [0, 1])
    empty = CodeRatings(np.empty((2, 0)), np.empty(0), np.empty(0, dtype=np.int64), [0, 1])
    rows = _binary_rows([empty, part], ["percent_agreement", "cohen_kappa", "pabak"], confidence=0.95, n_coders=2,
                        convention="gwet")
    assert rows[1]["percent_agreement"] == 0.96
    assert round(rows[1]["cohen_kappa"], 3) == 0.479          # prevalence_bias doctest: kappa 0.479
    assert round(rows[1]["pabak"], 2) == 0.92 and round(rows[1]["prevalence_index"], 2) == -0.92
    assert math.isnan(rows[0]["cohen_kappa"]) and rows[0]["n_units"] == 0.0


_FLOATS = st.one_of(st.floats(-2, 2, allow_nan=False), st.just(math.nan), st.sampled_from([0.0, 1e-13, 1e-12, 1.0]))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(_FLOATS, st.one_of(st.floats(0, 3), st.just(math.nan), st.sampled_from([0.0, 1e-13])),
                               st.sampled_from([0.0, 0.5, 1.0, 2.0, 11.0, 57.0, 1e6, math.inf, math.nan])),
                     min_size=1, max_size=20),
       confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]), student=st.booleans())
def test_wald_intervals_of_many_rows_are_those_of_each_row(rows, confidence, student):
    """wald_rows gives, bit for bit, the standard error, interval and degenerate flag wald_interval gives row by row
    (normal quantile, or Student's t on each row's df)."""
    from mio_qual.agreement._common import DEGENERATE_NOTE, wald_interval, wald_rows

    value, se, df = (np.array(column) for column in zip(*rows))
    got = wald_rows(value, se, confidence, df=df if student else None)
    for i, (v, s, d) in enumerate(rows):
        se_i, low, high, _, note = wald_interval(v, s, confidence, df=d if student else None)
        for a, b in ((got[0][i], se_i), (got[1][i], low), (got[2][i], high)):
            assert (math.isnan(a) and math.isnan(b)) or a == b, (i, a, b)
        assert bool(got[3][i]) == (note == DEGENERATE_NOTE)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.floats(0, 1)), min_size=1, max_size=20),
       confidence=st.sampled_from([0.9, 0.95]))
def test_wilson_intervals_of_many_rows_are_those_of_each_row(rows, confidence):
    from mio_qual.agreement.diagnostics import wilson_interval, wilson_rows

    n = np.array([float(max(a, b)) for a, b, _ in rows])
    successes = np.array([float(min(a, b)) if share < 0.5 else min(a, b) + share for a, b, share in rows])
    successes = np.minimum(successes, n)
    low, high = wilson_rows(successes, n, confidence)
    for i in range(len(rows)):
        expected = wilson_interval(float(successes[i]), float(n[i]), confidence)
        for a, b in ((low[i], expected[0]), (high[i], expected[1])):
            assert (math.isnan(a) and math.isnan(b)) or a == b


def test_student_t_is_evaluated_once_per_distinct_df(monkeypatch):
    """A table's rows share few df values (one per row size): the t quantile is asked once per distinct df, in one
    call per coefficient, and a single df asked again is remembered."""
    from mio_qual.agreement import _common

    calls: list[np.ndarray] = []
    real = _common._stdtrit

    def counted(df, p):
        calls.append(np.atleast_1d(np.asarray(df, dtype=float)).copy())
        return real(df, p)

    monkeypatch.setattr(_common, "_stdtrit", counted)
    rng = np.random.default_rng(5)
    parts = [CodeRatings((rng.random((2, 6)) < 0.5).astype(float), np.ones(6), np.zeros(6, dtype=np.int64), [0, 1])
             for _ in range(40)]                               # 40 rows, every one of 6 units: df 5 for all
    stats = ["percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1", "pabak"]
    _binary_rows(parts, stats, confidence=0.95, n_coders=2, convention="gwet")
    assert 0 < len(calls) <= 2 and all(c.tolist() == [5.0] for c in calls)   # AC1 and alpha, once each
    calls.clear()
    _common._t.cache_clear()
    assert _common.quantile(0.95, 11) == _common.quantile(0.95, 11.0) == _common.quantile(0.95, 11)
    assert len(calls) == 1


@pytest.mark.parametrize("unit", ["sentence", "character"])
@pytest.mark.parametrize("coders", [["ann", "cy"], ["ann", "bob", "cy"]])
def test_table_built_column_by_column_is_the_table_built_row_by_row(tmp_path, monkeypatch, unit, coders):
    """agreement_table assembles its batched rows column by column (the nominal row after the pooled one, what was
    set aside, the notes and the character caveat); with batching switched off every row is built by _row and the
    frame from records: the same columns, types, texts and (within 1e-12) numbers."""
    import pandas as pd
    from helpers.agreement import make_coded_project

    from mio_qual.agreement import project_api, report

    project = make_coded_project(tmp_path, extra={"cy": [("INT01", "It went well.", "MIO.TRAIN")]})
    inputs = project.agreement_inputs(coders, unit, seen="coded")   # cy saw INT01 only
    data = project_api._reliability(inputs, None, "all", 0.0, 0.9)
    batched = report.agreement_table(data)
    monkeypatch.setattr(report, "BATCHED", ())
    one_by_one = report.agreement_table(data)
    assert "nominal" in set(batched["level"]) or unit == "character"
    if len(coders) == 2:   # INT02's units, rated by ann only, are set aside and said so
        assert (batched["n_set_aside"] > 0).any() and batched["set_aside"].str.len().gt(0).any()
    pd.testing.assert_frame_equal(batched, one_by_one, check_exact=False, rtol=0, atol=1e-12)
    project.close()

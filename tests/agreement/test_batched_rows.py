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

"""The count-based reliability data (weighted rating patterns per transcript) equals the per-unit data (issue 21).

Segment units keep their codings as hits and give each code's ratings as one weighted column
per (transcript, rating pattern). Every coefficient depends on the units only through these
patterns, so a row computed from the counts must equal, exactly, the row computed from one
column per unit, for every code, the pooled row and every transcript's row; and the
disagreements listed from the hits must equal those listed from the per-unit ratings.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.agreement.report import _row, agreement_table, default_statistics
from mio_qual.agreement.units import CodeRatings, disagreements, reliability_data


def _study(seed: int, n_coders: int, n_codes: int, n_transcripts: int):
    rng = np.random.default_rng(seed)
    segments, codings = [], []
    coders = [f"c{i}" for i in range(n_coders)]
    coverage = {c: [] for c in coders}
    for t in range(n_transcripts):
        tid = f"T{t}"
        n = int(rng.integers(1, 12))
        bounds = np.cumsum(rng.integers(2, 9, n + 1))
        segments += [(tid, f"{tid}:s{i}", int(bounds[i]), int(bounds[i + 1])) for i in range(n)]
        for coder in coders:
            if rng.random() < 0.25:
                continue                     # this coder was not given the transcript
            coverage[coder].append(tid)
            for _ in range(int(rng.integers(0, 2 * n))):
                start = int(rng.integers(bounds[0], bounds[-1] - 1))
                end = int(rng.integers(start + 1, min(start + 12, bounds[-1]) + 1))
                codings.append((tid, start, end, f"K{int(rng.integers(0, n_codes))}", coder))
    codings.append(("T0", int(segments[0][2]), int(segments[0][3]), "K0", coders[0]))
    coverage[coders[0]].append("T0")
    seg = pd.DataFrame(segments, columns=["transcript_id", "segment_id", "start", "end"])
    cod = pd.DataFrame(codings, columns=["transcript_id", "start", "end", "code", "coder"])
    return reliability_data(cod, "sentence", segments=seg, coders=coders, coverage=coverage,
                            min_coverage=float(rng.choice([0.0, 0.5])))


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        (x != x and y != y) or x == y for x, y in ((a[k], b[k]) for k in a))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_coders=st.integers(2, 4), n_codes=st.integers(1, 5),
       n_transcripts=st.integers(1, 6))
def test_rows_from_counts_equal_rows_from_units(seed, n_coders, n_codes, n_transcripts):
    data = _study(seed, n_coders, n_codes, n_transcripts)
    stats = ["percent_agreement"] + [s for s in default_statistics(n_coders) if s != "percent_agreement"]
    stats += ["conger_kappa"]
    options = dict(binary=True, span=False, confidence=0.95, n_boot=0, seed=0, n_coders=n_coders)
    for code in data.codes:
        dense, counts = data.code(code), data.code_counts(code)
        assert counts.counts.sum() == dense.counts.sum()
        assert _same(_row(dense, stats, **options), _row(counts, stats, **options))
    pooled, pooled_counts = data.pooled(), data.pooled_counts()
    assert _same(_row(pooled, stats, **options), _row(pooled_counts, stats, **options))
    for t in range(len(data.transcripts)):
        a = pooled.transcript == t
        b = pooled_counts.transcript == t
        if a.any():
            part = CodeRatings(pooled.ratings[:, a], pooled.counts[a], pooled.transcript[a], [0, 1])
            part_counts = CodeRatings(pooled_counts.ratings[:, b], pooled_counts.counts[b],
                                      pooled_counts.transcript[b], [0, 1])
            assert _same(_row(part, stats, **options), _row(part_counts, stats, **options))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_coders=st.integers(2, 3), n_transcripts=st.integers(1, 5))
def test_disagreements_and_tables_do_not_depend_on_the_representation(seed, n_coders, n_transcripts):
    data = _study(seed, n_coders, 3, n_transcripts)
    per_unit = replace(data, hits=None, _per_code={c: data.code(c) for c in data.codes}, _counts={})
    pd.testing.assert_frame_equal(disagreements(data), disagreements(per_unit))
    pd.testing.assert_frame_equal(agreement_table(data), agreement_table(per_unit))

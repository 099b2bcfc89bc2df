"""Spearman's rho of the joint displays' direction summary against R (``stats::cor``, method "spearman").

``tests/data/oracles/stats/ranks_and_proportions.R`` drew 120 sets of ratings (-2 ... +2) and outcomes with many
ties, missing values and constant columns, and wrote R's rho for each (R 4.2.2; ``versions.json``). The test
needs no R. Tolerance 1e-12. One departure, on purpose and documented in :func:`mio_qual.mixed.joint.spearman`:
with fewer than three complete pairs R still gives +1 or -1, mio-qual gives no rho.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from mio_qual.mixed.joint import direction_summary, spearman

SETS = Path(__file__).resolve().parents[1] / "data" / "oracles" / "stats" / "spearman.csv"


def _sets() -> list[tuple[int, int, list[float], list[float], float]]:
    def numbers(text: str) -> list[float]:
        return [math.nan if v == "NA" else float(v) for v in text.split()]

    with SETS.open(encoding="utf-8", newline="") as handle:
        return [(int(r["set"]), int(r["n_complete"]), numbers(r["x"]), numbers(r["y"]),
                 float(r["rho"]) if r["rho"] else math.nan) for r in csv.DictReader(handle)]


SPEARMAN = _sets()


def test_the_generated_sets_cover_ties_missing_values_and_constant_columns() -> None:
    assert len(SPEARMAN) == 120
    assert sum(math.isnan(rho) for *_, rho in SPEARMAN) >= 10                     # R gives no rho
    assert any(any(math.isnan(v) for v in x) for _, _, x, _, _ in SPEARMAN)
    assert all(len(set(x)) < len(x) for _, n, x, _, _ in SPEARMAN if n > 5)       # ratings -2..2 always tie


@pytest.mark.parametrize("case", SPEARMAN, ids=lambda c: f"set{c[0]}")
def test_spearman_matches_r(case: tuple[int, int, list[float], list[float], float]) -> None:
    _, n, x, y, theirs = case
    ours = spearman(x, y)
    summary = direction_summary(x, y)
    if n < 3:
        assert math.isnan(ours) and summary.startswith("no rho: n = ")
    elif math.isnan(theirs):
        assert math.isnan(ours) and "do not vary" in summary
    else:
        assert ours == pytest.approx(theirs, abs=1e-12)
        assert summary == f"rho = {theirs:+.2f} (n = {n} rated cases)"

"""The Wilson (1927) score interval of percent agreement against R (``stats::prop.test``, ``correct = FALSE``).

``tests/data/oracles/stats/wilson.csv`` holds R 4.2.2's intervals for whole-number x of n (1 to 1000), x at 0,
1, n / 3, n / 2, n - 1 and n, at 90, 95 and 99% (written by ``ranks_and_proportions.R``; the test needs no R).
Tolerance 1e-12.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mio_qual.agreement.diagnostics import wilson_interval

WILSON = Path(__file__).resolve().parents[1] / "data" / "oracles" / "stats" / "wilson.csv"


def test_wilson_interval_matches_r_prop_test() -> None:
    with WILSON.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 90
    for row in rows:
        low, high = wilson_interval(int(row["x"]), int(row["n"]), float(row["confidence"]))
        assert low == pytest.approx(float(row["low"]), abs=1e-12), row
        assert high == pytest.approx(float(row["high"]), abs=1e-12), row

"""Spearman's rho of the Aim 2 predictor x outcome matrix against R (``stats::cor``, method "spearman").

The 120 generated sets of ``tests/data/oracles/stats/spearman.csv`` (ties, missing values, constant columns;
written by ``ranks_and_proportions.R`` with R 4.2.2) as a predictor and an outcome over clinics. The test needs
no R. Tolerance 1e-12; with fewer than three complete clinics the matrix gives no rho where R gives +1 or -1.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from mio_qual.implementation.reaim import predictor_matrix

SETS = Path(__file__).resolve().parents[1] / "data" / "oracles" / "stats" / "spearman.csv"


def test_predictor_matrix_rho_matches_r() -> None:
    with SETS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    compared = 0
    for row in rows:
        x = [math.nan if v == "NA" else float(v) for v in row["x"].split()]
        y = [math.nan if v == "NA" else float(v) for v in row["y"].split()]
        theirs = float(row["rho"]) if row["rho"] else math.nan
        result = predictor_matrix(pd.DataFrame({"facilitation_minutes": x, "reach": y})).iloc[0]
        n = int(row["n_complete"])
        assert int(result["n_clinics"]) == n and int(result["pairs"]) == n * (n - 1) // 2
        ours = float(result["spearman_rho"])
        if n < 3 or math.isnan(theirs):
            assert math.isnan(ours), row["set"]
        else:
            assert ours == pytest.approx(theirs, abs=1e-12), row["set"]
            compared += 1
    assert compared >= 75

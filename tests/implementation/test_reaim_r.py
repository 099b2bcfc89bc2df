"""Spearman's rho and Kendall's tau-b of the Aim 2 predictor x outcome matrix against R (``stats::cor``).

Rho: the 120 generated sets of ``tests/data/oracles/stats/spearman.csv`` (ties, missing values, constant columns;
written by ``ranks_and_proportions.R`` with R 4.2.2) as a predictor and an outcome over clinics. Tau-b: every
pair of the bundled sample's matrix and 100 generated sets of 2-60 cases on 2-5 levels
(``tests/data/oracles/stats/kendall.csv``, written by ``kendall.R`` with R 4.2.2: ``cor(method = "kendall")``,
which is tau-b, and the concordant and discordant pairs counted in R). The tests need no R. Tolerance 1e-12 for
rho, 1e-9 for tau-b; with fewer than three complete clinics the matrix gives no coefficient where R gives +1 or
-1. mio-qual gives no p-value for either (descriptive at four clinics); ``kendall.csv`` keeps R's
``cor.test`` p-value and whether R took it exact (n < 50, no ties) or from the tie-corrected normal
approximation, for reference only.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from mio_qual.implementation.reaim import predictor_matrix

ORACLE = Path(__file__).resolve().parents[1] / "data" / "oracles" / "stats"
SETS = ORACLE / "spearman.csv"


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


def _values(text: str) -> list[float]:
    return [math.nan if v == "NA" else float(v) for v in text.split()]


def test_predictor_matrix_tau_b_and_pair_counts_match_r() -> None:
    with (ORACLE / "kendall.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    compared = tied = 0
    for row in rows:
        x, y = _values(row["x"]), _values(row["y"])
        result = predictor_matrix(pd.DataFrame({"facilitation_minutes": x, "reach": y})).iloc[0]
        n = int(row["n_complete"])
        assert int(result["n_clinics"]) == n, row["set"]
        assert (int(result["concordant_pairs"]), int(result["discordant_pairs"])) == (
            int(row["concordant"]), int(row["discordant"])), row["set"]
        theirs = float(row["tau_b"]) if row["tau_b"] else math.nan
        ours = float(result["kendall_tau_b"])
        if n < 3 or math.isnan(theirs):
            assert math.isnan(ours), row["set"]
        else:
            assert abs(ours - theirs) <= 1e-9, (row["set"], ours, theirs)
            compared += 1
            tied += row["p_method"] == "normal"
    assert compared >= 90 and tied >= 80
    assert sum(r["set"].startswith("sample:") for r in rows) == 15  # three predictors x five outcomes


def test_tau_b_corrects_for_ties_unlike_tau_a() -> None:
    """By hand: x 1 2 2 3, y 1 3 2 4: five concordant pairs, none discordant, one tied in x. tau-a would be
    5/6; tau-b is 5 / sqrt(5 * 6) (Kendall 1945)."""
    matrix = predictor_matrix(pd.DataFrame({"facilitation_minutes": [1, 2, 2, 3], "reach": [1, 3, 2, 4]}))
    assert float(matrix.iloc[0]["kendall_tau_b"]) == pytest.approx(5 / math.sqrt(30), abs=1e-15)

"""Randomized comparison with independent implementations, to 1e-9.

statsmodels (``statsmodels.stats.inter_rater``) for Cohen's kappa, weighted kappa and their
standard errors, for Fleiss' kappa and for Randolph's free-marginal kappa (Brennan-Prediger);
the ``krippendorff`` package for alpha at every level of measurement, with missing values.
The data are drawn from a seeded generator, with skewed category use so that rare and unused
categories occur. The bootstrap interval of alpha is compared with scipy's BCa bootstrap, to
Monte Carlo precision (0.025).
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from mio_qual.agreement import brennan_prediger, cohen_kappa, fleiss_kappa, krippendorff_alpha

TOL = 1e-9

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")    # statsmodels on degenerate tables
DRAWS = 200


def _skewed(rng: np.random.Generator, shape: tuple[int, ...], q: int) -> np.ndarray:
    """Integer ratings 0..q-1 with random, often lopsided category probabilities."""
    p = rng.dirichlet(np.full(q, 0.7))
    return rng.choice(q, size=shape, p=p)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_and_se_equal_statsmodels(weights):
    rng = np.random.default_rng(12)
    compared = 0
    for _ in range(DRAWS):
        k = int(rng.integers(2, 6))
        table = rng.integers(0, 25, size=(k, k)) * (rng.random((k, k)) < 0.8)
        if table.sum() < 2:
            continue
        ours = cohen_kappa(table=table, weights=weights)
        theirs = cohens_kappa(table, wt=weights)
        if not ours.defined:
            assert not np.isfinite(theirs.kappa) or math.isclose(float(ours.expected), 1.0)
            continue
        assert abs(ours.value - theirs.kappa) <= TOL, (table, ours.value, theirs.kappa)
        if math.isnan(ours.se):       # a degenerate variance: statsmodels has none either (NaN or ~0)
            assert "degenerate" in ours.note and not theirs.std_kappa > 1e-7
            continue
        assert abs(ours.se - theirs.std_kappa) <= TOL, (table, ours.se, theirs.std_kappa)
        compared += 1
    assert compared > DRAWS // 2


def test_fleiss_and_randolph_kappa_equal_statsmodels():
    rng = np.random.default_rng(13)
    compared = 0
    for _ in range(DRAWS):
        coders, units, q = int(rng.integers(2, 7)), int(rng.integers(2, 60)), int(rng.integers(2, 6))
        data = _skewed(rng, (coders, units), q)
        counts, categories = aggregate_raters(data.T)
        ours = fleiss_kappa(data)
        theirs = sm_fleiss_kappa(counts, method="fleiss")
        if ours.defined:
            assert abs(ours.value - theirs) <= TOL, (data, ours.value, theirs)
            compared += 1
        # Randolph's kappa counts the categories in the table, as Brennan-Prediger does with categories=
        if len(categories) > 1:
            bp = brennan_prediger(data, categories=categories.tolist())
            assert abs(bp.value - sm_fleiss_kappa(counts, method="randolph")) <= TOL
    assert compared > DRAWS // 2


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_equals_krippendorff_package_with_missing_values(level):
    rng = np.random.default_rng(14)
    compared = 0
    for _ in range(DRAWS):
        coders, units, q = int(rng.integers(2, 7)), int(rng.integers(2, 40)), int(rng.integers(2, 7))
        data = (_skewed(rng, (coders, units), q) + (1 if level == "ratio" else 0)).astype(float)
        data[rng.random(data.shape) < rng.uniform(0, 0.5)] = np.nan
        ours = krippendorff_alpha(data, level)
        values = np.unique(data[~np.isnan(data)])
        if not ours.defined or values.size < 2:
            continue
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert abs(ours.value - theirs) <= TOL, (data, ours.value, theirs)
        compared += 1
    assert compared > DRAWS // 2


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_units_bootstrap_bca_interval_agrees_with_scipy_on_alpha_with_missing_values(level):
    """Audit (session 7): the units bootstrap's BCa interval for alpha, against scipy.stats.bootstrap (BCa, its own
    resampling and jackknife) with the krippendorff package as the statistic, on 3 coders x 60 units with 15% of
    the values missing. Both are Monte Carlo estimates (20,000 and 4,000 replicates): ends within 0.025."""
    from scipy.stats import bootstrap

    from mio_qual.agreement.bootstrap import bootstrap_alpha

    rng = np.random.default_rng(3)
    truth = rng.integers(1, 5, 60)
    data = np.array([np.where(rng.random(60) < 0.25, rng.integers(1, 5, 60), truth) for _ in range(3)], dtype=float)
    data[rng.random(data.shape) < 0.15] = np.nan
    ours = bootstrap_alpha(data, level=level, boot=20_000, seed=1)
    assert ours.value == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement=level), abs=TOL)

    def alpha_of(units: np.ndarray) -> float:
        return krippendorff.alpha(reliability_data=data[:, units.astype(int)], level_of_measurement=level)

    scipy_ci = bootstrap((np.arange(data.shape[1]),), alpha_of, vectorized=False, n_resamples=4_000, method="BCa",
                         random_state=2, confidence_level=0.95).confidence_interval
    assert ours.ci_low == pytest.approx(scipy_ci.low, abs=0.025)
    assert ours.ci_high == pytest.approx(scipy_ci.high, abs=0.025)
    assert ours.ci_high - ours.ci_low > 0.2     # a real interval, not two equal points

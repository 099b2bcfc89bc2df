"""Published values of Gwet's reference implementation (irrCAC, Gwet 2019; Gwet 2014 handbook).

The irrCAC README prints every coefficient with its standard error on three datasets. Where the
two packages follow the same convention the values must agree to the printed precision; where
they differ by a documented choice the test pins the difference, so that a change of
convention cannot slip in unnoticed:

* irrCAC's two-rater *table* functions divide the linearized variance by n, its *distribution*
  functions (and ours, everywhere) by n - 1: our SE is sqrt(n / (n - 1)) times theirs there;
* with units rated once, irrCAC keeps them in the category shares pi_k and counts them as units
  with zero agreement in the variance; we set them aside (see ``_multirater``), so percent
  agreement and Brennan-Prediger agree exactly and the SEs differ.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mio_qual.agreement import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

nan = float("nan")

# cont3x3abstractors: rows rater 1, columns rater 2 (Ectopic, AIU, NIU)
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]

# distrib.6raters: 15 subjects, how many of 6 psychiatrists chose each of 5 diagnoses
SIX_RATERS = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
              [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
              [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]]

# cac.raw4raters: 12 subjects (columns here), 4 raters, missing ratings
RAW4 = np.array([[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
                 [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
                 [nan, nan, 3, nan]]).T


def _raw_from_distribution(dist):
    dist = np.asarray(dist)
    raw = np.empty((int(dist[0].sum()), len(dist)))
    for unit, row in enumerate(dist):
        raw[:, unit] = np.repeat(np.arange(len(row)), row)
    return raw


def test_contingency_table_values_and_ses():
    k = cohen_kappa(table=ABSTRACTORS)
    assert round(k.value, 7) == 0.7964094 and round(k.se, 8) == 0.05891072     # same formula
    scale = math.sqrt(100 / 99)                                                 # n / (n - 1), n = 100
    for function, value, se in ((scott_pi, 0.7962397, 0.05905473), (gwet_ac1, 0.8493305, 0.04321747),
                                (brennan_prediger, 0.835, 0.04693346), (percent_agreement, 0.89, 0.03128898)):
        result = function(table=ABSTRACTORS)
        assert round(result.value, 7) == value, function.__name__
        assert result.se == pytest.approx(se * scale, abs=5e-8), function.__name__
    assert round(krippendorff_alpha([[0] * 13 + [1] * 27 + [2] * 60,
                                     [0] * 13 + [1] * 20 + [2] * 7 + [1] * 4 + [2] * 56]).value, 7) == 0.7972585


def test_distribution_of_six_raters_values_and_ses():
    raw = _raw_from_distribution(SIX_RATERS)
    for function, value, se, pe in ((gwet_ac1, 0.4448007, 0.08418757, 0.1914815),
                                    (fleiss_kappa, 0.4139265, 0.08119291, 0.2340741),
                                    (brennan_prediger, 0.4388889, 0.08312142, 0.2)):
        result = function(raw)
        assert round(result.value, 7) == value, function.__name__
        assert round(result.se, 8) == se, function.__name__
        assert round(result.expected, 7) == pe and round(result.observed, 7) == 0.5511111
    assert round(krippendorff_alpha(raw).value, 7) == 0.4204384


def test_raw_ratings_with_missing_values():
    assert round(percent_agreement(RAW4).value, 7) == 0.8181818
    assert round(brennan_prediger(RAW4).value, 5) == 0.77273
    assert round(krippendorff_alpha(RAW4).value, 5) == 0.74342
    # subject 12 has one rating: irrCAC counts it in pi_k (AC1 0.77544, pe 0.1903212; Fleiss 0.76117)
    # and as a unit of zero agreement in the variance (percent agreement SE 0.12561); we set it aside
    ac1, fleiss = gwet_ac1(RAW4), fleiss_kappa(RAW4)
    assert ac1.n_units == 11 and ac1.n_set_aside == 1
    assert abs(ac1.value - 0.77544) < 0.001 and abs(fleiss.value - 0.76117) < 0.002
    # percent agreement by hand over the 11 pairable subjects: 8 agree fully, 2 half, 1 not at all
    deviations = [1 - 9 / 11] * 8 + [0.5 - 9 / 11] * 2 + [0 - 9 / 11]
    assert percent_agreement(RAW4).se == pytest.approx(math.sqrt(sum(d * d for d in deviations) / (11 * 10)))


def test_quadratic_weights_published_values():
    # irrCAC weighting vignette: quadratic weights on categories 1..q
    from mio_qual.agreement import gwet_ac2

    k = cohen_kappa(table=ABSTRACTORS, weights="quadratic")
    assert round(k.value, 7) == 0.8921569 and round(k.se, 8) == 0.03535151    # Fleiss, Cohen & Everitt (1969)
    assert round(scott_pi(table=ABSTRACTORS, weights="quadratic").value, 7) == 0.8921093
    ac2 = gwet_ac2(table=ABSTRACTORS, weights="quadratic")
    assert round(ac2.value, 7) == 0.9402369
    assert ac2.se == pytest.approx(0.01792019 * math.sqrt(100 / 99), abs=5e-8)
    assert brennan_prediger(table=ABSTRACTORS, weights="quadratic").value == pytest.approx(0.9175)
    assert percent_agreement(table=ABSTRACTORS, weights="quadratic").value == pytest.approx(0.9725)
    raw = _raw_from_distribution(SIX_RATERS)
    for function, value, se, pe in ((gwet_ac2, 0.4837438, 0.1058227, 0.7180556),
                                    (fleiss_kappa, 0.2511909, 0.1457381, 0.8056173),
                                    (brennan_prediger, 0.4177778, 0.1067493, 0.75)):
        result = function(raw, "quadratic")
        assert round(result.value, 7) == value, function.__name__
        assert round(result.se, 7) == se, function.__name__
        assert round(result.expected, 7) == pe, function.__name__
    # alpha with quadratic weights on equally spaced categories is interval alpha
    assert round(krippendorff_alpha(raw, "interval").value, 6) == 0.259511

"""Published values of Gwet's reference implementation (irrCAC, Gwet 2019; Gwet 2014 handbook).

The irrCAC README prints every coefficient with its standard error on three datasets, rounded;
``IRRCAC_RAW`` below holds irrCAC's values and standard errors on its five raw-ratings datasets
unrounded (15 decimals), computed once with irrCAC's R functions (``pa.coeff.raw``,
``gwet.ac1.raw``, ``fleiss.kappa.raw``, ``bp.coeff.raw``, ``krippen.alpha.raw``,
``conger.kappa.raw``) on the CSV files it ships in ``inst/extdata``; ours must equal them to
1e-9. Where the two packages differ by a documented choice the test pins the difference, so
that a change of convention cannot slip in unnoticed:

* irrCAC's two-rater *table* functions divide the linearized variance by n, its *raw* and
  *distribution* functions (and ours, everywhere) by n - 1: our SE is sqrt(n / (n - 1)) times
  theirs there;
* units rated once: irrCAC keeps them in the category shares pi_k and counts them as units
  with zero agreement in the variance (Gwet's convention, our default too);
  ``convention="pairable"`` sets them aside, and is pinned here against hand computation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mio_qual.agreement import (
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
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
    # subject 12 has one rating: Gwet's convention (the default) counts it in pi_k
    # (AC1 0.77544, pe 0.1903212; Fleiss 0.76117) and as a unit of zero agreement in the
    # variance (percent agreement SE 0.12561), as irrCAC prints them
    ac1, fleiss = gwet_ac1(RAW4), fleiss_kappa(RAW4)
    assert ac1.n_units == 11 and ac1.n_set_aside == 1
    assert round(ac1.value, 5) == 0.77544 and round(ac1.expected, 7) == 0.1903212
    assert round(fleiss.value, 5) == 0.76117 and round(fleiss.se, 5) == 0.15302
    assert round(percent_agreement(RAW4).se, 5) == 0.12561
    # the 'pairable' convention sets subject 12 aside from every term
    ac1, fleiss = gwet_ac1(RAW4, convention="pairable"), fleiss_kappa(RAW4, convention="pairable")
    assert ac1.n_units == 11 and ac1.n_set_aside == 1
    assert abs(ac1.value - 0.77544) < 0.001 and abs(fleiss.value - 0.76117) < 0.002
    assert "pairable" in ac1.note
    # percent agreement by hand over the 11 pairable subjects: 8 agree fully, 2 half, 1 not at all
    deviations = [1 - 9 / 11] * 8 + [0.5 - 9 / 11] * 2 + [0 - 9 / 11]
    assert percent_agreement(RAW4, convention="pairable").se == pytest.approx(
        math.sqrt(sum(d * d for d in deviations) / (11 * 10)))


def test_quadratic_weights_published_values():
    # irrCAC weighting vignette: quadratic weights on categories 1..q
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


# ------------------------------------------------------------------ irrCAC's raw-ratings datasets, to 1e-9
_ = None
# coders x units; cac.raw.g1g2 keeps its blank cells ("    "), which irrCAC and we read as missing
DATASETS = {
    "raw4raters": RAW4,
    "raw5obser": np.array([[1, 1, 2, _, 2], [1, 1, 0, 1, _], [2, 3, 3, 3, _], [_, 0, 0, _, 0], [0, 0, 0, _, 0],
                           [0, 0, 0, _, 0], [1, 0, 2, _, 1], [1, _, 2, 0, _], [2, 2, 2, _, 2], [2, 1, 1, 1, _],
                           [_, 1, 0, 0, _], [0, 0, 0, 0, _], [1, 2, 2, 2, _], [3, 3, 2, 2, 3], [1, 1, 1, _, 1]],
                          dtype=float).T,
    "g1g2": np.array([["a", "a", "", "a"], ["b", "b", "c", "b"], ["c", "c", "c", "c"], ["c", "c", "c", "c"],
                      ["b", "b", "b", "b"], ["a", "b", "c", "d"], ["d", "d", "d", "d"], ["a", "a", "b", "a"],
                      ["b", "b", "b", "b"], ["    ", "e", "e", "e"], ["  ", "", "a", "a"], ["  ", "", "c", ""],
                      ["b", "b", "c", "b"], ["b", "a", "c", "b"]], dtype=object).T,
    "gender": np.array([list(u) for u in ("aaac", "aabc", "aabc", "aacc", "abaa", "baaa", "bbbb", "bcbb", "cccc",
                                          "aaac", "aabc", "aabc", "aacc", "abaa", "baaa")], dtype=object).T,
    "bengerry": np.array([["a", "b"], ["a", "a"], ["b", "b"], ["b", "b"], ["d", "b"], ["c", "c"], ["c", "c"],
                          ["c", "c"], ["e", "e"], ["d", ""], ["d", "d"], ["a", "d"]], dtype=object).T,
}

FUNCTIONS = {
    "pa.coeff.raw": lambda data, w: percent_agreement(data, weights=w),
    "gwet.ac1.raw": lambda data, w: gwet_ac2(data, w) if w else gwet_ac1(data),
    "fleiss.kappa.raw": fleiss_kappa,
    "bp.coeff.raw": brennan_prediger,
    "conger.kappa.raw": conger_kappa,
    # Gwet's weighted alpha with quadratic weights is interval alpha (the weights are 1 - delta2 / max)
    "krippen.alpha.raw": lambda data, w: krippendorff_alpha(data, "interval" if w == "quadratic" else "nominal"),
}

#: (dataset, weights, irrCAC function, coefficient, standard error), unrounded irrCAC output
IRRCAC_RAW = [
    ("raw4raters", None, "pa.coeff.raw", 0.818181818181818, 0.125608959946865),
    ("raw4raters", None, "gwet.ac1.raw", 0.775444068126995, 0.142949950640765),
    ("raw4raters", None, "fleiss.kappa.raw", 0.761169275422411, 0.153019203469492),
    ("raw4raters", None, "bp.coeff.raw", 0.772727272727273, 0.144716619899483),
    ("raw4raters", None, "krippen.alpha.raw", 0.743421052631579, 0.145478717222199),
    ("raw4raters", None, "conger.kappa.raw", 0.762817441303306, 0.149168152480174),
    ("raw4raters", "quadratic", "pa.coeff.raw", 0.975378787878788, 0.090616278319547),
    ("raw4raters", "quadratic", "gwet.ac1.raw", 0.914000723551605, 0.10396224464506),
    ("raw4raters", "quadratic", "fleiss.kappa.raw", 0.864935064935065, 0.146033610756912),
    ("raw4raters", "quadratic", "bp.coeff.raw", 0.901515151515151, 0.110894374973973),
    ("raw4raters", "quadratic", "krippen.alpha.raw", 0.849107142857144, 0.129051199944227),
    ("raw4raters", "quadratic", "conger.kappa.raw", 0.857710656222533, 0.143670663828734),
    ("raw4raters", "linear", "pa.coeff.raw", 0.939393939393939, 0.093679102641102),
    ("raw4raters", "linear", "gwet.ac1.raw", 0.858739136432611, 0.117329021881364),
    ("raw4raters", "linear", "fleiss.kappa.raw", 0.81794476709731, 0.148504355499451),
    ("raw4raters", "linear", "bp.coeff.raw", 0.848484848484849, 0.123356124494103),
    ("raw4raters", "linear", "conger.kappa.raw", 0.813776319966141, 0.145085402493167),
    ("raw5obser", None, "pa.coeff.raw", 0.615555555555556, 0.090668689675532),
    ("raw5obser", None, "gwet.ac1.raw", 0.496622054872614, 0.121973368005297),
    ("raw5obser", None, "fleiss.kappa.raw", 0.45762168677217, 0.120450071940065),
    ("raw5obser", None, "bp.coeff.raw", 0.487407407407407, 0.120891586234043),
    ("raw5obser", None, "krippen.alpha.raw", 0.48053024026512, 0.113560323201291),
    ("raw5obser", None, "conger.kappa.raw", 0.469274278592656, 0.116663454859817),
    ("raw5obser", "quadratic", "pa.coeff.raw", 0.946172839506173, 0.016276509820003),
    ("raw5obser", "quadratic", "gwet.ac1.raw", 0.830433572654576, 0.058246405164524),
    ("raw5obser", "quadratic", "fleiss.kappa.raw", 0.750719128304686, 0.097320690871542),
    ("raw5obser", "quadratic", "bp.coeff.raw", 0.806222222222222, 0.058595435352011),
    ("raw5obser", "quadratic", "krippen.alpha.raw", 0.771864808775571, 0.086131170907159),
    ("raw5obser", "quadratic", "conger.kappa.raw", 0.76178806050911, 0.092504821352817),
    ("raw5obser", "linear", "pa.coeff.raw", 0.860740740740741, 0.035698566009412),
    ("raw5obser", "linear", "gwet.ac1.raw", 0.689639422885852, 0.087690759099824),
    ("raw5obser", "linear", "fleiss.kappa.raw", 0.611850043815982, 0.109738742580804),
    ("raw5obser", "linear", "bp.coeff.raw", 0.665777777777778, 0.085676558422589),
    ("raw5obser", "linear", "conger.kappa.raw", 0.624052415768955, 0.1058700567996),
    ("g1g2", None, "pa.coeff.raw", 0.743589743589744, 0.115767499730408),
    ("g1g2", None, "gwet.ac1.raw", 0.684603818747768, 0.133533173469305),
    ("g1g2", None, "fleiss.kappa.raw", 0.657245283843749, 0.149918557033983),
    ("g1g2", None, "bp.coeff.raw", 0.679487179487179, 0.136237526148553),
    ("g1g2", None, "krippen.alpha.raw", 0.63180571876224, 0.149581254688152),
    ("g1g2", None, "conger.kappa.raw", 0.658588993673152, 0.145997488296626),
    ("gender", None, "pa.coeff.raw", 0.455555555555556, 0.067976549540838),
    ("gender", None, "gwet.ac1.raw", 0.208080808080808, 0.090696815943318),
    ("gender", None, "fleiss.kappa.raw", 0.128888888888889, 0.140501334670144),
    ("gender", None, "bp.coeff.raw", 0.183333333333333, 0.101964824311256),
    ("gender", None, "krippen.alpha.raw", 0.143407407407407, 0.140501334670144),
    ("gender", None, "conger.kappa.raw", 0.16572077185017, 0.12120596165007),
    ("bengerry", None, "pa.coeff.raw", 0.727272727272727, 0.155055066440444),
    ("bengerry", None, "gwet.ac1.raw", 0.661442006269592, 0.183962151530313),
    ("bengerry", None, "fleiss.kappa.raw", 0.649350649350649, 0.191295542755993),
    ("bengerry", None, "bp.coeff.raw", 0.659090909090909, 0.185271948675969),
    ("bengerry", None, "krippen.alpha.raw", 0.664893617021276, 0.180071426120192),
    ("bengerry", None, "conger.kappa.raw", 0.657142857142857, 0.179430354116416),
]


@pytest.mark.parametrize("dataset, weights, function, value, se", IRRCAC_RAW)
def test_irrcac_raw_values_and_standard_errors(dataset, weights, function, value, se):
    result = FUNCTIONS[function](DATASETS[dataset], weights)
    assert abs(result.value - value) <= 1e-9, (result.value, value)
    assert abs(result.se - se) <= 1e-9, (result.se, se)


def test_irrcac_published_conger_and_alpha_ses():
    # the README of irrCAC, rounded to 5 decimals: conger.kappa.raw and krippen.alpha.raw on cac.raw4raters
    k, a = conger_kappa(RAW4), krippendorff_alpha(RAW4)
    assert (round(k.value, 5), round(k.se, 5), round(k.expected, 7)) == (0.76282, 0.14917, 0.2334252)
    assert (round(a.value, 5), round(a.se, 5)) == (0.74342, 0.14548)
    # distrib.6raters as raw ratings: krippen.alpha.raw gives 0.420438426821406, SE 0.081192909195903
    # (unrounded); irrCAC's krippen.alpha.dist prints another SE for the same data (0.08243228), from a
    # different linearization in its distribution-input function; we follow the raw-ratings one
    alpha = krippendorff_alpha(_raw_from_distribution(SIX_RATERS))
    assert abs(alpha.value - 0.420438426821406) <= 1e-9 and abs(alpha.se - 0.081192909195903) <= 1e-9
    assert round(alpha.se, 8) != 0.08243228


def test_conger_with_two_coders_is_cohen():
    k, c = conger_kappa(table=ABSTRACTORS), cohen_kappa(table=ABSTRACTORS)
    assert k.value == pytest.approx(c.value, abs=1e-12)
    assert conger_kappa(table=ABSTRACTORS, weights="quadratic").value == pytest.approx(
        cohen_kappa(table=ABSTRACTORS, weights="quadratic").value, abs=1e-12)



def test_wald_intervals_use_gwets_t_quantile_on_n_minus_1_degrees_of_freedom():
    """Audit (session 7): irrCAC's intervals are coefficient +/- qt(0.975, n - 1) SE, the upper end cut at 1 (Gwet
    2014, ch. 5); ours used the normal quantile, narrower with few units (AC1 on cac.raw4raters: 0.495 where the
    irrCAC README prints (0.461,1)). n: the units in the variance (12 for the kappa family under Gwet's
    convention, 11 pairable for alpha, whose unit 12 has one value; 15 subjects of distrib.6raters). Cohen's kappa
    keeps the normal quantile of Fleiss, Cohen & Everitt (1969), the SAS and statsmodels interval
    (tests/agreement/test_coefficients.py); percent agreement keeps Wilson's interval."""
    from scipy.stats import t

    # irrCAC README, conf.int on cac.raw4raters: every one printed as (low,1)
    printed = {gwet_ac1: 0.461, fleiss_kappa: 0.424, conger_kappa: 0.435, brennan_prediger: 0.454,
               krippendorff_alpha: 0.419}
    for coefficient, low in printed.items():
        result = coefficient(RAW4)
        assert round(result.ci_low, 3) == low and result.ci_high == 1.0, coefficient.__name__
        df = 10 if coefficient is krippendorff_alpha else 11
        assert result.ci_low == pytest.approx(result.value - t.ppf(0.975, df) * result.se, abs=1e-12)
    # irrCAC README, distrib.6raters (15 subjects): (0.264,0.625), (0.24,0.588), (0.261,0.617)
    raw = _raw_from_distribution(SIX_RATERS)
    for coefficient, interval in ((gwet_ac1, (0.264, 0.625)), (fleiss_kappa, (0.24, 0.588)),
                                  (brennan_prediger, (0.261, 0.617))):
        result = coefficient(raw)
        assert (round(result.ci_low, 3), round(result.ci_high, 3)) == interval, coefficient.__name__
    # the 'pairable' convention: 11 units in the variance, t on 10
    pairable = gwet_ac1(RAW4, convention="pairable")
    assert pairable.ci_low == pytest.approx(pairable.value - t.ppf(0.975, 10) * pairable.se, abs=1e-12)

"""Agreement coefficients against published values (../shared/agreement-oracles.md) and edge cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mio_qual.agreement import (
    Agreement,
    bias_index,
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    kappa_max,
    krippendorff_alpha,
    pabak,
    percent_agreement,
    prevalence_bias,
    prevalence_index,
    scott_pi,
    wilson_interval,
)
from mio_qual.errors import InputError

nan = float("nan")

# Krippendorff (2011), 4 observers x 12 units with missing values
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]
# Wikipedia's example, 3 coders x 15 units
WIKI = [
    [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
    [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
    [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
]
# Krippendorff (1980), two coders, binary
K1980 = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
COHEN1960 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
SAS = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


# ------------------------------------------------------------------ published values
@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                             ("ratio", 0.797)])
def test_alpha_krippendorff_2011(level: str, expected: float) -> None:
    result = krippendorff_alpha(K2011, level)
    assert round(result.value, 3) == expected
    assert result.n_units == 11 and result.n_set_aside == 1  # unit 12 is not pairable
    assert result.basis == "disagreement"


@pytest.mark.parametrize("level, expected", [("nominal", 0.691358), ("interval", 0.810845)])
def test_alpha_wikipedia(level: str, expected: float) -> None:
    assert round(krippendorff_alpha(WIKI, level).value, 6) == expected


def test_alpha_krippendorff_1980_binary() -> None:
    result = krippendorff_alpha(K1980)
    assert round(result.value, 3) == 0.095
    assert round(result.observed, 3) == 0.400
    assert round(result.expected, 3) == 0.442


def test_cohen_1960() -> None:
    k = cohen_kappa(table=COHEN1960)
    assert round(k.observed, 2) == 0.70
    assert round(k.expected, 2) == 0.41
    assert round(k.value, 3) == 0.492
    assert k.n_units == 200


def test_sas_table_kappa_se_ci_and_linear_weights() -> None:
    k = cohen_kappa(table=SAS)
    assert round(k.value, 4) == 0.4842
    assert round(k.se, 4) == 0.1380
    assert (round(k.ci_low, 4), round(k.ci_high, 4)) == (0.2137, 0.7547)
    assert round(cohen_kappa(table=SAS, weights="linear").value, 4) == 0.4701
    # disagreement weights |i - j| (0, 1, 2) give the same kappa as linear agreement weights
    disagreement = np.abs(np.subtract.outer(np.arange(3), np.arange(3)))
    assert round(cohen_kappa(table=SAS, weights=1 - disagreement / 2).value, 4) == 0.4701


def test_fleiss_1971_example() -> None:
    # Fleiss (1971, p. 379): 30 subjects, 6 raters, 5 diagnoses; kappa = .430
    subjects = [
        (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5), (2, 2, 2, 4, 4, 4),
        (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4), (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5),
        (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4), (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5),
        (3, 3, 3, 3, 3, 5), (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
        (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4), (1, 4, 4, 4, 4, 5),
        (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4), (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
    ]
    data = np.array(subjects, dtype=float).T
    k = fleiss_kappa(data)
    assert round(k.value, 3) == 0.430
    assert round(k.observed, 3) == 0.556 and round(k.expected, 3) == 0.220


def test_coincidence_matrix_krippendorff_1980() -> None:
    o, values = coincidence_matrix(K1980)
    assert o.tolist() == [[10.0, 4.0], [4.0, 2.0]]
    assert values.tolist() == [0.0, 1.0]


def test_alpha_accepts_dataframes_text_labels_and_missing_marker() -> None:
    frame = pd.DataFrame([["a", "b", ".", "a"], ["a", "b", "b", "b"]], index=["Ann", "Bo"])
    numeric = krippendorff_alpha([[0, 1, nan, 0], [0, 1, 1, 1]])
    labelled = krippendorff_alpha(frame, missing=".")
    assert labelled.value == pytest.approx(numeric.value)
    with pytest.raises(InputError):
        krippendorff_alpha(frame, "interval", missing=".")


def test_ordinal_alpha_uses_declared_order_of_labels() -> None:
    data = [["low", "mid", "high", "high"], ["low", "high", "high", "mid"]]
    ordered = krippendorff_alpha(data, "ordinal", categories=["low", "mid", "high"])
    numeric = krippendorff_alpha([[1, 2, 3, 3], [1, 3, 3, 2]], "ordinal")
    assert ordered.value == pytest.approx(numeric.value)


def test_counts_weights_equal_repeated_columns() -> None:
    data = np.array([[0, 1, 1, 2], [0, 1, 2, 2]], dtype=float)
    counts = np.array([3, 1, 2, 5])
    repeated = np.repeat(data, counts, axis=1)
    for f in (krippendorff_alpha, fleiss_kappa, gwet_ac1, percent_agreement, cohen_kappa, brennan_prediger):
        assert f(data, counts=counts).value == pytest.approx(f(repeated).value)
    assert fleiss_kappa(data, counts=counts).se == pytest.approx(fleiss_kappa(repeated).se)


# ------------------------------------------------------------------ the family
def test_two_coder_identities() -> None:
    t = np.array(COHEN1960)
    # Scott's pi is Fleiss' kappa with two coders; percent agreement is p_o
    data = _table_to_data(t)
    assert scott_pi(table=t).value == pytest.approx(fleiss_kappa(data).value)
    assert percent_agreement(table=t).value == pytest.approx(0.70)
    # Brennan-Prediger with q = 3: (0.7 - 1/3) / (2/3)
    assert brennan_prediger(table=t).value == pytest.approx((0.7 - 1 / 3) / (2 / 3))
    assert pabak(table=t).value == pytest.approx(brennan_prediger(table=t).value)
    # AC2 with identity weights is AC1
    assert gwet_ac2(table=t, weights=None).value == pytest.approx(gwet_ac1(table=t).value)
    # nominal alpha with two coders and complete data: (1 - 1/2n) correction of Scott's pi
    n = t.sum()
    pi = scott_pi(table=t)
    alpha = krippendorff_alpha(data)
    assert alpha.value == pytest.approx(1 - (2 * n - 1) / (2 * n) * (1 - pi.observed) / (1 - pi.expected))


def test_gwet_ac1_hand_example() -> None:
    ac1 = gwet_ac1(table=[[8, 1], [0, 1]])
    # pi_yes = 17/20: p_e = 2 * 0.85 * 0.15 = 0.255
    assert ac1.observed == pytest.approx(0.9)
    assert ac1.expected == pytest.approx(0.255)
    assert ac1.value == pytest.approx((0.9 - 0.255) / (1 - 0.255))
    assert scott_pi(table=[[8, 1], [0, 1]]).value == pytest.approx((0.9 - 0.745) / (1 - 0.745))


def test_prevalence_and_bias_indices() -> None:
    pb = prevalence_bias(table=[[94, 2], [2, 2]])
    assert (pb.a, pb.b, pb.c, pb.d) == (2, 2, 2, 94)
    assert pb.prevalence_index == pytest.approx(-0.92)
    assert pb.bias_index == 0
    assert pb.pabak == pytest.approx(0.92)
    # Byrt, Bishop & Carlin (1993): kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2)
    for table in ([[94, 2], [2, 2]], [[40, 9], [3, 48]], [[5, 20], [1, 74]]):
        pb = prevalence_bias(table=table)
        pi2, bi2 = pb.prevalence_index ** 2, pb.bias_index ** 2
        assert pb.kappa == pytest.approx((pb.pabak - pi2 + bi2) / (1 - pi2 + bi2))
        assert pb.kappa == pytest.approx(cohen_kappa(table=table).value)
    assert bias_index(table=[[5, 20], [1, 74]]) == pytest.approx((1 - 20) / 100)
    assert prevalence_index([[1, 1, 0, 0], [1, 0, 0, 0]]) == pytest.approx((1 - 2) / 4)
    assert prevalence_bias(table=[[5, 20], [1, 74]], positive=0).prevalence_index == pytest.approx((5 - 74) / 100)
    with pytest.raises(InputError):
        prevalence_bias(table=COHEN1960)


def test_wilson_interval() -> None:
    low, high = wilson_interval(140, 200)
    # Wilson (1927) closed form, checked by hand: centre (p + z^2/2n)/(1 + z^2/n)
    z = 1.959963984540054
    centre = (0.7 + z * z / 400) / (1 + z * z / 200)
    half = z / (1 + z * z / 200) * math.sqrt(0.7 * 0.3 / 200 + z * z / (4 * 200 ** 2))
    assert (low, high) == pytest.approx((centre - half, centre + half))
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    pa = percent_agreement(table=COHEN1960)
    assert (pa.ci_low, pa.ci_high) == pytest.approx((low, high))
    assert pa.ci_method == "wilson"


def test_kappa_max() -> None:
    assert kappa_max(table=COHEN1960) == pytest.approx((0.9 - 0.41) / 0.59)
    assert kappa_max(table=[[10, 0], [0, 10]]) == pytest.approx(1.0)


# ------------------------------------------------------------------ edge cases, decided
def test_one_category_used_by_everyone() -> None:
    data = [[1, 1, 1, 1], [1, 1, 1, 1]]
    assert percent_agreement(data).value == 1.0
    for f in (cohen_kappa, scott_pi, fleiss_kappa, krippendorff_alpha):
        result = f(data)
        assert math.isnan(result.value) and "undefined" in result.note
    # AC1 and Brennan-Prediger are defined once both categories are declared
    assert gwet_ac1(data, categories=[0, 1]).value == 1.0
    assert brennan_prediger(data, categories=[0, 1]).value == 1.0
    assert pabak(data, categories=[0, 1]).value == 1.0
    assert math.isnan(gwet_ac1(data).value) and "categories=" in gwet_ac1(data).note
    # alpha with declared categories is still undefined: no variation in the data
    assert math.isnan(krippendorff_alpha(data, categories=[0, 1]).value)


def test_all_missing_and_no_pairable_unit() -> None:
    for data in ([[nan, nan], [nan, nan]], [[1, nan, 2], [nan, 1, nan]]):
        for f in (percent_agreement, cohen_kappa, fleiss_kappa, gwet_ac1, krippendorff_alpha, brennan_prediger):
            result = f(data)
            assert math.isnan(result.value), f.__name__
            assert result.note.startswith("undefined"), f.__name__
            assert result.n_units == 0


def test_single_unit() -> None:
    agree, disagree = [[1], [1]], [[0], [1]]
    assert percent_agreement(agree).value == 1.0
    assert math.isnan(percent_agreement(agree).se)
    assert math.isnan(cohen_kappa(agree).value)          # p_e = 1
    assert cohen_kappa(disagree).value == 0.0            # p_o = p_e = 0
    assert math.isnan(cohen_kappa(disagree).se)
    assert krippendorff_alpha(disagree).value == 0.0     # D_o = D_e
    assert gwet_ac1(disagree).value == pytest.approx((0 - 0.5) / 0.5)


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(InputError):
        cohen_kappa([[1, 2], [1, 2], [1, 2]])
    with pytest.raises(InputError):
        cohen_kappa(table=[[1, 2, 3], [4, 5, 6]])
    with pytest.raises(InputError):
        krippendorff_alpha(K2011, "cardinal")
    with pytest.raises(InputError):
        krippendorff_alpha([1, 2, 3])
    with pytest.raises(InputError, match="different lengths"):
        krippendorff_alpha([[1, 2, 3], [1, 2]])
    with pytest.raises(InputError):
        krippendorff_alpha([[1, np.inf], [1, 2]])
    with pytest.raises(InputError):
        gwet_ac1([[1, 2], [1, 3]], categories=[1, 2])
    with pytest.raises(InputError):
        cohen_kappa(table=SAS, weights="cubic")
    with pytest.raises(InputError):
        percent_agreement(K1980, confidence=1.5)


def test_result_is_a_frozen_dataclass_and_converts() -> None:
    k = cohen_kappa(table=COHEN1960)
    assert isinstance(k, Agreement)
    assert float(k) == k.value
    assert k.as_dict()["statistic"] == "cohen_kappa"
    assert "Cohen (1960)" in k.source
    with pytest.raises(Exception):
        k.value = 0.0  # type: ignore[misc]


def _table_to_data(t: np.ndarray) -> np.ndarray:
    pairs = [(a, b) for a in range(t.shape[0]) for b in range(t.shape[1]) for _ in range(int(t[a, b]))]
    return np.array(pairs, dtype=float).T


# ------------------------------------------------------------------ issue 12: conventions, intervals, input checks
def test_units_rated_once_gwet_convention_by_default():
    # unit 5 rated by coder 1 only: out of observed agreement, in the category shares
    data = [[1, 1, 2, 2, 2], [1, 1, 2, 1, nan], [1, nan, 2, 1, nan]]
    pa = (1 + 1 + 1 + 1 / 3) / 4
    shares_gwet = np.array([1 + 1 + 0 + 2 / 3 + 0, 0 + 0 + 1 + 1 / 3 + 1]) / 5
    shares_pairable = np.array([1 + 1 + 0 + 2 / 3, 0 + 0 + 1 + 1 / 3]) / 4
    for convention, shares in (("gwet", shares_gwet), ("pairable", shares_pairable)):
        pe = float(shares @ shares)
        k = fleiss_kappa(data, convention=convention)
        assert k.value == pytest.approx((pa - pe) / (1 - pe)), convention
        assert k.n_units == 4 and k.n_set_aside == 1
        pe_ac1 = float(shares @ (1 - shares))
        assert gwet_ac1(data, convention=convention).value == pytest.approx((pa - pe_ac1) / (1 - pe_ac1))
    assert "pairable" in fleiss_kappa(data, convention="pairable").note and fleiss_kappa(data).note == ""
    # complete data: the two conventions are one
    full = np.array(K2011, dtype=float)[:, :9]
    assert fleiss_kappa(full).se == fleiss_kappa(full, convention="pairable").se
    with pytest.raises(InputError, match="convention"):
        fleiss_kappa(data, convention="listwise")


def test_no_point_interval_from_a_degenerate_variance():
    perfect = cohen_kappa([[0, 1], [0, 1]])                      # kappa 1 from 2 units
    assert perfect.value == 1.0
    assert math.isnan(perfect.se) and math.isnan(perfect.ci_low) and math.isnan(perfect.ci_high)
    assert "degenerate" in perfect.note and perfect.ci_method == ""
    constant = cohen_kappa(table=[[5, 3], [0, 0]])                # coder 1 used one category: kappa 0
    assert constant.value == 0.0 and math.isnan(constant.ci_low) and "degenerate" in constant.note
    for f in (fleiss_kappa, gwet_ac1, conger_kappa, krippendorff_alpha):
        result = f([[0, 1, 1, 0], [0, 1, 1, 0], [0, 1, 1, 0]])
        assert result.value == pytest.approx(1.0) and math.isnan(result.ci_low), f.__name__
    # a bootstrap of perfect agreement is a point too: no interval either
    boot = cohen_kappa([[0, 1, 1, 0, 1], [0, 1, 1, 0, 1]], boot=200, seed=1)
    assert math.isnan(boot.ci_low) and "same value" in boot.note
    # percent agreement keeps its Wilson interval, valid at 1
    pa = percent_agreement([[0, 1], [0, 1]])
    assert pa.ci_method == "wilson" and pa.ci_low < 1.0 == pa.ci_high and "degenerate" not in pa.note


def test_ratio_alpha_refuses_negative_values():
    with pytest.raises(InputError, match="ratio alpha needs values of 0 or more"):
        krippendorff_alpha([[-1, 2, 3], [1, -2, 3]], "ratio")
    assert krippendorff_alpha([[0, 2, 3], [1, 2, 3]], "ratio").defined


def test_ordered_analyses_of_text_labels_need_their_order():
    data = [["mid", "hi", "lo", "mid", "lo"], ["hi", "hi", "lo", "mid", "mid"]]
    assert round(krippendorff_alpha(data, "ordinal", categories=["lo", "mid", "hi"]).value, 3) == 0.700
    # alphabetical order (hi < lo < mid) would have given 0.333
    alphabetical = [[{"hi": 0, "lo": 1, "mid": 2}[x] for x in row] for row in data]
    assert round(krippendorff_alpha(alphabetical, "ordinal").value, 3) == 0.333
    for call in (lambda: krippendorff_alpha(data, "ordinal"), lambda: cohen_kappa(data, "linear"),
                 lambda: gwet_ac2(data), lambda: fleiss_kappa(data, "quadratic"),
                 lambda: brennan_prediger(data, "linear"), lambda: conger_kappa(data, "linear")):
        with pytest.raises(InputError, match="categories="):
            call()
    assert krippendorff_alpha(data).defined and cohen_kappa(data).defined     # nominal needs no order
    ordered = cohen_kappa(data, "linear", categories=["lo", "mid", "hi"])
    assert ordered.value == pytest.approx(cohen_kappa([[1, 2, 0, 1, 0], [2, 2, 0, 1, 1]], "linear").value)


def test_blank_strings_are_missing():
    blank = [["a", "b", "", "a"], ["a", "b", "b", "  "]]
    none = [["a", "b", None, "a"], ["a", "b", "b", None]]
    for f in (krippendorff_alpha, cohen_kappa, fleiss_kappa, gwet_ac1, percent_agreement, conger_kappa):
        ours, expected = f(blank), f(none)
        assert ours.n_categories == expected.n_categories == 2, f.__name__
        assert same_value(ours.value, expected.value), f.__name__
    assert pd.DataFrame(blank).pipe(krippendorff_alpha).n_categories == 2


def test_alpha_has_gwets_standard_error_and_none_for_ordinal():
    a = krippendorff_alpha(K2011, "interval")
    assert a.ci_method == "wald" and a.ci_low < a.value < a.ci_high and a.se > 0
    ordinal = krippendorff_alpha(K2011, "ordinal")
    assert math.isnan(ordinal.se) and "ordinal" in ordinal.note and math.isnan(ordinal.ci_low)
    boot = krippendorff_alpha(K2011, "ordinal", boot=300, seed=2)
    assert boot.ci_method == "bootstrap-units" and boot.ci_low < boot.value < boot.ci_high


def test_conger_kappa_edge_cases_and_bootstrap():
    assert math.isnan(conger_kappa([[1, nan], [nan, 2]]).value)
    assert math.isnan(conger_kappa([[1, 1, 1], [1, 1, 1]]).value)
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2], [1, 2, 3, 3, 2, 2, 4, 1, 3], [1, 2, 3, 4, 2, 2, 4, 1, 2]]
    k = conger_kappa(data, boot=400, seed=3)
    assert k.ci_method == "bootstrap-units" and k.ci_low < k.value < k.ci_high
    assert conger_kappa(data, counts=[2] * 9).value == pytest.approx(conger_kappa(np.repeat(data, 2, axis=1)).value)


def same_value(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)

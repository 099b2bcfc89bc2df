"""Property tests: the vectorized coefficients against slow, obvious implementations.

The slow versions below follow the published definitions literally, loop by loop, so that a
vectorization slip in the package cannot hide behind a shared helper.
"""

from __future__ import annotations

import math
from itertools import product

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mio_qual.agreement import (
    bootstrap,
    bootstrap_alpha,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    percent_agreement,
)

nan = float("nan")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def reliability_data(draw, min_coders=2, max_coders=5, max_units=25, max_value=4, p_missing=True):
    n_coders = draw(st.integers(min_coders, max_coders))
    n_units = draw(st.integers(1, max_units))
    values = st.integers(0, max_value).map(float)
    cell = st.one_of(values, st.just(nan)) if p_missing else values
    return [[draw(cell) for _ in range(n_units)] for _ in range(n_coders)]


# ------------------------------------------------------------------ slow implementations
def slow_alpha(data, level="nominal"):
    """Krippendorff (2011), literally: pairs within units, coincidences, differences."""
    units = list(zip(*data))
    values = sorted({v for row in data for v in row if not math.isnan(v)})
    o = {(c, k): 0.0 for c in values for k in values}
    for unit in units:
        vals = [v for v in unit if not math.isnan(v)]
        m = len(vals)
        if m < 2:
            continue
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[vals[i], vals[j]] += 1.0 / (m - 1)
    n_c = {c: sum(o[c, k] for k in values) for c in values}
    n = sum(n_c.values())
    if n <= 1:
        return nan

    def delta(c, k):
        if level == "nominal":
            return 0.0 if c == k else 1.0
        if level == "ordinal":
            lo, hi = min(c, k), max(c, k)
            between = sum(n_c[g] for g in values if lo <= g <= hi)
            return (between - (n_c[c] + n_c[k]) / 2.0) ** 2
        if level == "interval":
            return (c - k) ** 2
        return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2

    d_o = sum(o[c, k] * delta(c, k) for c in values for k in values) / n
    d_e = sum(n_c[c] * n_c[k] * delta(c, k) for c in values for k in values) / (n * (n - 1))
    return nan if d_e == 0 else 1.0 - d_o / d_e


def slow_cohen(data, weighting=None):
    """Cohen (1960, 1968): p_o and p_e from the two coders' paired ratings."""
    pairs = [(a, b) for a, b in zip(*data) if not (math.isnan(a) or math.isnan(b))]
    if not pairs:
        return nan
    cats = sorted({v for pair in pairs for v in pair})
    n = len(pairs)

    def w(a, b):
        if weighting is None or len(cats) < 2:
            return 1.0 if a == b else 0.0
        d = abs(a - b) / (max(cats) - min(cats))
        return 1 - d if weighting == "linear" else 1 - d * d

    po = sum(w(a, b) for a, b in pairs) / n
    p1 = {c: sum(1 for a, _ in pairs if a == c) / n for c in cats}
    p2 = {c: sum(1 for _, b in pairs if b == c) / n for c in cats}
    pe = sum(w(a, b) * p1[a] * p2[b] for a in cats for b in cats)
    return nan if abs(pe - 1) < 1e-12 else (po - pe) / (1 - pe)


def slow_multirater(data, chance, categories=None, convention="gwet"):
    """Gwet (2014) multi-rater form, literally.

    Observed agreement over units with two or more ratings; the category shares over every
    unit rated at least once (Gwet's convention) or over the pairable units only.
    """
    rated = [[v for v in unit if not math.isnan(v)] for unit in zip(*data)]
    rated = [u for u in rated if len(u) >= 1]
    units = [u for u in rated if len(u) >= 2]
    if not units:
        return nan
    shares = rated if convention == "gwet" else units
    cats = categories if categories is not None else sorted({v for u in units for v in u} |
                                                               {v for row in data for v in row if not math.isnan(v)})
    q = len(cats)
    pa = sum(sum(u.count(c) * (u.count(c) - 1) for c in cats) / (len(u) * (len(u) - 1)) for u in units) / len(units)
    pi = {c: sum(u.count(c) / len(u) for u in shares) / len(shares) for c in cats}
    if chance == "fleiss":
        pe = sum(p * p for p in pi.values())
    elif chance == "gwet":
        if q < 2:
            return nan
        pe = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    elif chance == "bp":
        pe = 1.0 / q
    else:
        pe = 0.0
    if abs(pe - 1) < 1e-12:
        return nan
    ratings2 = sum(len(u) for u in units)
    if len(shares) > len(units) and (1 - pe < 1 / ratings2 or (pa - pe) / (1 - pe) < -1):
        return nan   # degenerate chance agreement: flagged not interpretable (mio_qual.agreement._multirater)
    return (pa - pe) / (1 - pe)


def same(a, b, tol=1e-9):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol


# ------------------------------------------------------------------ properties
@SETTINGS
@given(reliability_data(), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_slow_definition(data, level):
    result = krippendorff_alpha(data, level)
    assert same(result.value, slow_alpha(data, level)), (result, slow_alpha(data, level))


@SETTINGS
@given(reliability_data(max_value=6), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_krippendorff_package(data, level):
    arr = np.array(data)
    values = np.unique(arr[~np.isnan(arr)])
    pairable = (np.sum(~np.isnan(arr), axis=0) >= 2).any()
    assume(values.size >= 2 and pairable)
    ours = krippendorff_alpha(arr, level).value
    theirs = krippendorff.alpha(reliability_data=arr, level_of_measurement=level)
    assert same(ours, theirs, 1e-9) or (math.isnan(ours) and not np.isfinite(theirs))


@SETTINGS
@given(reliability_data(min_coders=2, max_coders=2), st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_matches_slow_definition(data, weighting):
    assert same(cohen_kappa(data, weighting).value, slow_cohen(data, weighting))


@SETTINGS
@given(reliability_data(), st.sampled_from(["gwet", "pairable"]))
def test_family_matches_slow_definitions(data, convention):
    c = {"convention": convention}
    assert same(gwet_ac1(data, **c).value, slow_multirater(data, "gwet", convention=convention))
    assert same(fleiss_kappa(data, **c).value, slow_multirater(data, "fleiss", convention=convention))
    assert same(brennan_prediger(data, **c).value, slow_multirater(data, "bp", convention=convention))
    assert same(percent_agreement(data, **c).value, slow_multirater(data, "none", convention=convention))
    declared = [0.0, 1.0, 2.0, 3.0, 4.0]
    assert same(gwet_ac1(data, categories=declared, **c).value,
                slow_multirater(data, "gwet", declared, convention=convention))
    assert same(gwet_ac2(data, None, **c).value, gwet_ac1(data, **c).value)


@SETTINGS
@given(reliability_data(min_coders=2, max_coders=2, p_missing=False))
def test_alpha_kappa_ac1_bounds_and_perfect_agreement(data):
    first = data[0]
    perfect = [first, list(first)]
    if len(set(first)) >= 2:
        assert krippendorff_alpha(perfect).value == pytest.approx(1.0)
        assert cohen_kappa(perfect).value == pytest.approx(1.0)
        assert gwet_ac1(perfect).value == pytest.approx(1.0)
    for value in (cohen_kappa(data).value, gwet_ac1(data).value, percent_agreement(data).value):
        assert math.isnan(value) or value <= 1.0 + 1e-12


# ------------------------------------------------------------------ standard errors: delta method, numerically
def _numeric_delta_variance(f, p, n, eps=1e-6):
    """Delta-method variance of f at proportions p under multinomial sampling of n units."""
    p = np.asarray(p, dtype=float)
    g = np.empty_like(p)
    for i in range(p.size):
        up, down = p.copy(), p.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    cov = np.diag(p) - np.outer(p, p)
    return float(g @ cov @ g) / n


@SETTINGS
@given(st.lists(st.integers(0, 30), min_size=4, max_size=9).filter(lambda x: sum(x) >= 5))
def test_cohen_se_is_the_delta_method_variance(cells):
    k = int(round(math.sqrt(len(cells))))
    assume(k * k == len(cells))
    table = np.array(cells, dtype=float).reshape(k, k)
    result = cohen_kappa(table=table)
    assume(result.defined and not math.isnan(result.se))

    def kappa_of(p):
        t = p.reshape(k, k) / p.sum()
        pe = t.sum(1) @ t.sum(0)
        return (np.trace(t) - pe) / (1 - pe)

    n = table.sum()
    var = _numeric_delta_variance(kappa_of, table.reshape(-1) / n, n)
    assert result.se ** 2 == pytest.approx(var, rel=1e-5, abs=1e-10)


@SETTINGS
@given(reliability_data(min_coders=3, max_coders=4, max_units=30, max_value=2),
       st.sampled_from(["fleiss_kappa", "gwet_ac1", "percent_agreement", "brennan_prediger"]))
def test_linearized_se_is_delta_method_times_n_over_n_minus_1(data, statistic):
    """Exact for pairable units; Gwet's convention holds the share of pairable units fixed in
    its linearization (as irrCAC does), so there it is checked against irrCAC's numbers instead
    (tests/agreement/test_gwet.py) and on complete data, where the two agree."""
    convention = "pairable"
    arr = np.array(data)
    funcs = {"fleiss_kappa": fleiss_kappa, "gwet_ac1": gwet_ac1, "percent_agreement": percent_agreement,
             "brennan_prediger": brennan_prediger}
    result = funcs[statistic](arr, convention=convention)
    assume(result.defined and result.n_units >= 3 and not math.isnan(result.se))
    # distinct units of the convention (patterns of counts) and their shares
    values = np.unique(arr[~np.isnan(arr)])
    counts = np.stack([(arr == v).sum(axis=0) for v in values], axis=1)
    counts = counts[counts.sum(axis=1) >= (1 if convention == "gwet" else 2)]
    patterns, freq = np.unique(counts, axis=0, return_counts=True)
    n = freq.sum()
    chance = {"fleiss_kappa": "fleiss", "gwet_ac1": "gwet", "percent_agreement": "none",
              "brennan_prediger": "bp"}[statistic]
    q = len(values)
    r = patterns.sum(axis=1)
    two = r >= 2
    pa_p = np.where(two, (patterns * (patterns - 1)).sum(axis=1) / np.where(two, r * (r - 1), 1), 0.0)

    def stat(p):
        p = p / p.sum()
        pa = (p @ pa_p) / p[two].sum()
        pi = p @ (patterns / r[:, None])
        pe = {"fleiss": (pi ** 2).sum(), "gwet": (pi * (1 - pi)).sum() / (q - 1), "none": 0.0,
              "bp": 1.0 / q}[chance]
        return (pa - pe) / (1 - pe)

    var = _numeric_delta_variance(stat, freq / n, n)
    assert result.se ** 2 * (n - 1) / n == pytest.approx(var, rel=1e-4, abs=1e-10)
    if result.n_set_aside == 0:
        assert funcs[statistic](arr).se == pytest.approx(result.se, rel=1e-12)


# ------------------------------------------------------------------ bootstrap
def _binary_data(rng, n, agreement=0.8, prevalence=0.3):
    a = (rng.random(n) < prevalence).astype(float)
    b = np.where(rng.random(n) < agreement, a, 1 - a)
    return np.vstack([a, b])


def test_bootstrap_is_reproducible_and_brackets_the_estimate():
    data = _binary_data(np.random.default_rng(5), 300)
    first = bootstrap_alpha(data, boot=500, seed=11, method="krippendorff")
    second = bootstrap_alpha(data, boot=500, seed=11, method="krippendorff")
    assert np.array_equal(first.samples, second.samples)
    alpha = krippendorff_alpha(data).value
    assert first.ci_low < alpha < first.ci_high
    # Krippendorff's bootstrap holds D_e fixed: replicates centre on alpha
    assert abs(np.mean(first.samples) - alpha) < 0.02
    assert 0.0 <= first.prob_below(0.8) <= 1.0


def test_units_bootstrap_se_agrees_with_analytic_se():
    data = _binary_data(np.random.default_rng(7), 800)
    kappa = cohen_kappa(data)
    boot = bootstrap("cohen_kappa", data, boot=2000, seed=3)
    assert boot.se == pytest.approx(kappa.se, rel=0.12)
    ac1 = gwet_ac1(data)
    boot = bootstrap("gwet_ac1", data, boot=2000, seed=4)
    assert boot.se == pytest.approx(ac1.se, rel=0.12)
    alpha_units = bootstrap_alpha(data, boot=2000, method="units", seed=5)
    assert alpha_units.ci_low < krippendorff_alpha(data).value < alpha_units.ci_high


def test_boot_replaces_the_interval():
    data = _binary_data(np.random.default_rng(9), 200)
    k = cohen_kappa(data, boot=300, seed=1)
    assert k.ci_method == "bootstrap-units" and k.ci_low < k.value < k.ci_high
    a = krippendorff_alpha(data, boot=300, seed=1, boot_method="krippendorff")
    assert a.ci_method == "bootstrap-krippendorff" and a.ci_low < a.value < a.ci_high
    a = krippendorff_alpha(data, boot=300, seed=1)                     # the default resamples units
    assert a.ci_method == "bootstrap-units" and a.ci_low < a.value < a.ci_high
    a = krippendorff_alpha(data, "interval", boot=300, seed=1, boot_method="units")
    assert a.ci_method == "bootstrap-units"
    ordinal = bootstrap_alpha(np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, 3], [1, 2, 3, 3, 2, 2, 4, 1, 2, 2]]),
                              "ordinal", boot=300, method="units", seed=2)
    assert ordinal.boot == 300 and ordinal.ci_low <= ordinal.ci_high
    for statistic in ("fleiss_kappa", "percent_agreement", "brennan_prediger", "pabak", "scott_pi", "gwet_ac2"):
        boot = bootstrap(statistic, data, boot=100, seed=0)
        assert boot.ci_low <= boot.value <= boot.ci_high + 1e-12, statistic


def test_bootstrap_matches_units_resampled_by_hand():
    """The pattern-multinomial shortcut is the same resampling as drawing units one by one."""
    data = _binary_data(np.random.default_rng(2), 60)
    boot = bootstrap("percent_agreement", data, boot=4000, seed=8)
    rng = np.random.default_rng(123)
    agree = (data[0] == data[1]).astype(float)
    by_hand = np.array([agree[rng.integers(0, 60, 60)].mean() for _ in range(4000)])
    assert boot.se == pytest.approx(by_hand.std(ddof=1), rel=0.08)
    assert np.mean(boot.samples) == pytest.approx(by_hand.mean(), abs=0.01)


def test_krippendorff_bootstrap_draw_count():
    """M = the number of pairable pairs in the data (here 10 units with two coders: 10)."""
    from mio_qual.agreement._data import unit_counts
    from mio_qual.agreement.bootstrap import _alpha_krippendorff

    data = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]], dtype=float)
    uc = unit_counts(data)
    # each replicate's D_o is a multiple of 1/10
    samples = _alpha_krippendorff(uc, "nominal", 200, np.random.default_rng(0))
    d_e = krippendorff_alpha(data).expected
    disagreements = (1 - samples) * d_e * 10
    assert np.allclose(disagreements, np.round(disagreements))


def test_all_combinations_of_weights_run():
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2], [1, 2, 3, 3, 2, 2, 4, 1, 3]]
    for f, w in product((cohen_kappa, fleiss_kappa, brennan_prediger, gwet_ac2), (None, "linear", "quadratic")):
        result = f(data, w)
        assert -1 <= result.value <= 1
        assert result.ci_low <= result.value <= result.ci_high


@SETTINGS
@given(reliability_data(max_value=9), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_wide_path_equals_dense_path(data, level):
    """Data with very many distinct values skip the values x values matrix; same alpha."""
    import mio_qual.agreement._data as module

    dense = krippendorff_alpha(data, level)
    saved = module._DENSE_LIMIT
    module._DENSE_LIMIT = 0
    try:
        wide = krippendorff_alpha(data, level)
        counts_alpha = krippendorff_alpha(data, level, counts=np.arange(1, len(data[0]) + 1))
    finally:
        module._DENSE_LIMIT = saved
    assert same(dense.value, wide.value)
    assert dense.n_units == wide.n_units and dense.n_set_aside == wide.n_set_aside
    assert same(counts_alpha.value, krippendorff_alpha(data, level, counts=np.arange(1, len(data[0]) + 1)).value)

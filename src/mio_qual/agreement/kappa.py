"""Percent agreement and the kappa family: Cohen, Scott, Fleiss, Brennan-Prediger, PABAK.

All functions take reliability data (coders x units, NaN for missing) or, where two coders
are compared, a contingency table (``table=``: rows coder 1, columns coder 2), and return an
:class:`~mio_qual.agreement.results.Agreement`. Standard errors and Wald intervals come with
every coefficient whose literature defines them; ``boot=`` adds a bootstrap percentile
interval instead (units resampled; see :mod:`mio_qual.agreement.bootstrap`). Wald intervals use
the normal quantile for Cohen's kappa (Fleiss, Cohen & Everitt 1969; SAS and statsmodels) and
Student's t on n - 1 degrees of freedom for the coefficients with Gwet's standard errors, as
Gwet (2014, ch. 5) and irrCAC do (see :func:`mio_qual.agreement._common.quantile`).

Units rated by one coder only follow Gwet's convention by default in the multi-rater
coefficients (out of observed agreement, kept in chance agreement and the variance; Gwet 2014,
as irrCAC and AgreeStat compute it); ``convention="pairable"`` drops them from every term. See
:mod:`mio_qual.agreement._multirater` for both and their sources.

Edge cases (decided, and reported in ``note``):

* no unit rated by two coders (including all missing): value NaN;
* a standard error of 0 (perfect agreement; kappa 0 when one coder used a single category):
  the variance is degenerate, so the interval is NaN with a note rather than a point;
* blank text cells are missing ratings; weighted coefficients on text labels need their order
  (``categories=``), since alphabetical order is no order;
* every rating in one category: percent agreement is 1; Cohen, Scott and Fleiss have chance
  agreement 1 and are undefined (0/0), so NaN; Brennan-Prediger and AC1 are 1 when at least
  two categories are declared (``categories=``) and NaN when only one is known;
* a single unit: the formulas apply, standard errors are NaN (they need two units).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Sequence

import numpy as np

from ..deprecation import renamed
from ._common import (DEGENERATE_NOTE, SOURCES, blanks_as_missing, from_family, is_identity, pooled_coefficient, require_order,
                      wald_interval, with_bootstrap)
from ._data import UnitCounts, two_coder_table, unit_counts, weight_matrix
from ._multirater import FamilyResult
from .diagnostics import wilson_interval
from .results import Agreement

__all__ = ["percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "brennan_prediger", "pabak"]


@renamed(n_boot="boot")
def percent_agreement(
    data: Any = None,
    *,
    table: Any = None,
    weights: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    boot: int = 0,
    seed: int | np.random.Generator | None = None,
    convention: str = "gwet",
) -> Agreement:
    """Observed agreement: the share of agreeing pairs of ratings, averaged over units.

    For unit i rated by r_i coders, of whom r_ik chose category k, the agreement is
    sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)): the share of agreeing coder pairs (all or nothing
    with two coders). The coefficient is its mean over units rated at least twice (Fleiss 1971,
    P-bar; Gwet 2014, ch. 2). With ``weights`` partial credit is given (Gwet 2014, ch. 3).

    Parameters
    ----------
    data : array-like, optional
        Coders x units, NaN for a missing rating.
    table : array-like, optional
        Two coders' k x k contingency table instead of ``data``.
    weights : None, "linear", "quadratic" or array
        Agreement weights for partial credit.
    categories, missing, counts
        See :func:`mio_qual.agreement.krippendorff_alpha`.
    confidence : float
        Level of the interval.
    boot : int
        Bootstrap replicates; when given, the interval is a units bootstrap instead of Wilson.
    convention : {"gwet", "pairable"}
        Units rated by one coder: ``"gwet"`` counts them as units with no pair of ratings in
        the standard error (irrCAC's ``pa.coeff.raw``), ``"pairable"`` leaves them out. The
        value is the same under both.

    Returns
    -------
    Agreement
        ``ci_method == "wilson"``: the Wilson (1927) score interval with units as trials, exact
        in form for two coders and an approximation for more. ``se`` is Gwet's (2014)
        sampling standard error over units.

    Examples
    --------
    >>> pa = percent_agreement(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    >>> pa.value, round(pa.ci_low, 3), round(pa.ci_high, 3)
    (0.7, 0.633, 0.759)
    """
    return pooled_coefficient("percent_agreement", "none", data, weights, table=table, categories=categories,
                              missing=missing, counts=counts, confidence=confidence, n_boot=boot, seed=seed,
                              convention=convention, interval=_wilson)


def _wilson(result: Agreement, res: FamilyResult, uc: UnitCounts) -> Agreement:
    """Percent agreement with the Wilson (1927) score interval, units as trials."""
    low, high = wilson_interval(res.value * res.n_units, res.n_units, result.confidence)
    # the Wilson interval stays valid where the standard error degenerates (every unit agrees)
    note = "; ".join(x for x in result.note.split("; ") if x and x != DEGENERATE_NOTE)
    if uc.n_coders > 2:
        note = "; ".join(x for x in (note, "Wilson interval treats units as trials (approximate "
                                           "for more than two coders)") if x)
    return replace(result.with_interval(low, high, "wilson"), note=note)


#: Why Cohen's kappa or its standard error is missing (:func:`cohen_rows`; 0: both defined).
COHEN_NOTES = {
    1: "undefined: no unit was rated by both coders",
    2: "undefined: chance agreement is 1 (both coders used one and the same category), so kappa = 0/0",
    3: "one unit: no standard error",
}


def cohen_rows(t: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """kappa, asymptotic SE (Fleiss, Cohen & Everitt 1969), p_o, p_e and why, for R tables at once.

    ``t`` is R x k x k (one two-coder table per row); ``why`` is 0 where kappa and its standard
    error are defined, else a key of :data:`COHEN_NOTES` (3: kappa defined, standard error not).
    """
    t = np.asarray(t, dtype=np.float64)
    n = t.sum(axis=(1, 2))
    why = np.zeros(n.shape, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = t / n[:, None, None]
        rows, cols = p.sum(axis=2), p.sum(axis=1)
        po = (w[None] * p).sum(axis=(1, 2))
        pe = np.einsum("ri,ij,rj->r", rows, w, cols)
        why[n < 2] = 3
        why[np.abs(pe - 1.0) <= np.maximum(1e-9 * np.maximum(np.abs(pe), 1.0), 1e-12)] = 2  # math.isclose
        why[n == 0] = 1
        kappa = np.where((why == 0) | (why == 3), (po - pe) / (1.0 - pe), np.nan)
        w_row = cols @ w.T          # mean weight of row category i against coder 2's margins
        w_col = rows @ w            # mean weight of column category j against coder 1's margins
        spread = w[None] - (w_row[:, :, None] + w_col[:, None, :]) * (1.0 - kappa)[:, None, None]
        var = ((p * spread ** 2).sum(axis=(1, 2)) - (kappa - pe * (1.0 - kappa)) ** 2) / (n * (1.0 - pe) ** 2)
        se = np.where(why == 0, np.sqrt(np.maximum(var, 0.0)), np.nan)
    return kappa, se, np.where(why == 1, np.nan, po), np.where(why == 1, np.nan, pe), why


def _cohen(t: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float, str]:
    """kappa, asymptotic SE (Fleiss, Cohen & Everitt 1969), p_o, p_e, note (:func:`cohen_rows` of one table)."""
    kappa, se, po, pe, why = cohen_rows(np.asarray(t, dtype=np.float64)[None], w)
    return float(kappa[0]), float(se[0]), float(po[0]), float(pe[0]), COHEN_NOTES.get(int(why[0]), "")


@renamed(n_boot="boot")
def cohen_kappa(
    data: Any = None,
    weights: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    boot: int = 0,
    seed: int | np.random.Generator | None = None,
) -> Agreement:
    """Cohen's kappa for two coders, unweighted or weighted.

    kappa = (p_o - p_e) / (1 - p_e) with p_o = sum_ij w_ij p_ij and
    p_e = sum_ij w_ij p_i. p_.j, where p_ij are the cell shares of the two coders' table and
    w the agreement weights (identity when unweighted; Cohen 1960, 1968).

    The standard error is the large-sample (non-null) one of Fleiss, Cohen & Everitt (1969):

        var = [sum_ij p_ij (w_ij - (wbar_i. + wbar_.j)(1 - kappa))^2
               - (kappa - p_e (1 - kappa))^2] / (n (1 - p_e)^2),

    with wbar_i. = sum_j p_.j w_ij and wbar_.j = sum_i p_i. w_ij; the interval is
    kappa +/- z se, kept inside [-1, 1].

    Parameters
    ----------
    data : array-like, optional
        2 x units ratings (NaN missing; units missing either rating are set aside).
    weights : None, "linear", "quadratic" or array
        Agreement weights: linear 1 - |i - j| / (k - 1), quadratic 1 - (i - j)^2 / (k - 1)^2
        on the category values (or ranks for text labels). Linear weights give the same
        kappa as disagreement weights |i - j|.
    table : array-like, optional
        The k x k contingency table instead of data (rows coder 1, columns coder 2).
    categories : sequence, optional
        All categories in order (for weights, and so that unused categories appear).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
    Psychological Measurement*, 20(1), 37-46.

    Cohen, J. (1968). Weighted kappa. *Psychological Bulletin*, 70(4), 213-220.

    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa
    and weighted kappa. *Psychological Bulletin*, 72(5), 323-327.

    Examples
    --------
    Cohen (1960): three categories, 200 items.

    >>> k = cohen_kappa(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    >>> round(k.observed, 2), round(k.expected, 2), round(k.value, 3)
    (0.7, 0.41, 0.492)

    The 3 x 3 table of the SAS and statsmodels documentation:

    >>> k = cohen_kappa(table=[[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    >>> round(k.value, 4), round(k.se, 4), round(k.ci_low, 4), round(k.ci_high, 4)
    (0.4842, 0.138, 0.2137, 0.7547)
    >>> round(cohen_kappa(table=[[0, 4, 1], [0, 8, 0], [0, 1, 5]], weights="linear").value, 4)
    0.4701
    """
    t, values, set_aside = two_coder_table(blanks_as_missing(data), table=table, categories=categories,
                                           missing=missing, counts=counts)
    if not is_identity(weights):
        require_order(values, categories, "weighted kappa")
    w, name = weight_matrix(weights, values)
    kappa, se, po, pe, note = _cohen(t, w)
    se, low, high, method, note = wald_interval(kappa, se, confidence, note)
    result = Agreement(
        statistic="cohen_kappa", value=kappa, se=se, ci_low=low, ci_high=high,
        ci_method=method, confidence=confidence, observed=po, expected=pe,
        n_units=int(round(t.sum())), n_coders=2, n_categories=len(values), n_set_aside=set_aside, weights=name,
        note=note, source=SOURCES["cohen_kappa"],
    )
    return with_bootstrap(result, "cohen_kappa", boot, seed, table=t, weights=w if name != "identity" else None)


@renamed(n_boot="boot")
def scott_pi(
    data: Any = None,
    weights: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    boot: int = 0,
    seed: int | np.random.Generator | None = None,
) -> Agreement:
    """Scott's pi for two coders.

    Like Cohen's kappa, but chance agreement uses the coders' pooled category shares:
    p_e = sum_k pi_k^2 with pi_k = (p_k. + p_.k) / 2 (Scott 1955). It is Fleiss' kappa for two
    coders; the standard error is Gwet's (2008) linearization (see
    :mod:`mio_qual.agreement._multirater`).

    References
    ----------
    Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale coding.
    *Public Opinion Quarterly*, 19(3), 321-325.

    Examples
    --------
    A skewed table (Gwet 2008's point): high agreement, lower pi.

    >>> round(scott_pi(table=[[8, 1], [0, 1]]).value, 4)
    0.6078
    """
    t, values, set_aside = two_coder_table(blanks_as_missing(data), table=table, categories=categories,
                                           missing=missing, counts=counts)
    uc = unit_counts(table=t, categories=values.tolist() if categories is not None else None)
    uc = type(uc)(uc.counts, uc.weights, values, 2)
    if not is_identity(weights):
        require_order(values, categories, "weighted Scott's pi")
    w, name = weight_matrix(weights, values)
    result, _ = from_family("scott_pi", uc, "fleiss", w, name, len(values), confidence)
    result = Agreement(**{**result.as_dict(), "n_set_aside": set_aside})
    return with_bootstrap(result, "fleiss_kappa", boot, seed, table=t, weights=w if name != "identity" else None)


@renamed(n_boot="boot")
def fleiss_kappa(
    data: Any = None,
    weights: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    boot: int = 0,
    seed: int | np.random.Generator | None = None,
    convention: str = "gwet",
) -> Agreement:
    """Fleiss' kappa for any number of coders (Scott's pi generalized), with missing ratings.

    kappa = (P-bar - P_e) / (1 - P_e), P-bar the mean share of agreeing coder pairs per unit,
    P_e = sum_k pi_k^2 (weighted: sum_kl w_kl pi_k pi_l) with pi_k the mean share of unit
    ratings in category k (Fleiss 1971). Units may have different numbers of ratings. The
    standard error is Gwet's (2008; 2014, ch. 5) linearization, valid whether or not kappa is 0
    (Fleiss' 1971 formula holds only under the null hypothesis of no agreement).

    Parameters
    ----------
    convention : {"gwet", "pairable"}
        Units rated by one coder only. ``"gwet"`` (default): left out of P-bar, kept in the
        category shares pi_k and in the variance, as Gwet (2014) and irrCAC's
        ``fleiss.kappa.raw`` compute it. ``"pairable"``: left out of every term, the way
        Krippendorff (2011) drops values that cannot be paired (this package's former rule,
        not Gwet's). With complete data both give the same.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin*, 76(5), 378-382.

    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence
    of high agreement. *British Journal of Mathematical and Statistical Psychology*, 61,
    29-48.

    Examples
    --------
    >>> nan = float("nan")
    >>> k = fleiss_kappa([[1, 1, 2, 2], [1, 1, 2, 1], [1, nan, 2, 1]])
    >>> round(k.value, 3), k.n_units
    (0.625, 4)

    Gwet's cac.raw4raters (12 units, 4 raters, unit 12 rated once), as irrCAC prints it
    (``fleiss.kappa.raw``: 0.76117, standard error 0.15302):

    >>> raw4 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, nan],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> k = fleiss_kappa(raw4)
    >>> round(k.value, 5), round(k.se, 5), k.n_units, k.n_set_aside
    (0.76117, 0.15302, 11, 1)
    """
    return pooled_coefficient("fleiss_kappa", "fleiss", data, weights, table=table, categories=categories,
                              missing=missing, counts=counts, confidence=confidence, n_boot=boot, seed=seed,
                              convention=convention)


@renamed(n_boot="boot")
def brennan_prediger(
    data: Any = None,
    weights: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    boot: int = 0,
    seed: int | np.random.Generator | None = None,
    convention: str = "gwet",
) -> Agreement:
    """Brennan & Prediger's (1981) kappa: chance agreement 1/q for q categories.

    kappa_n = (p_a - 1/q) / (1 - 1/q); weighted, p_e = T_w / q^2 with T_w the sum of the
    weights (Gwet 2014, ch. 3). q is the number of categories of the scale: declare them with
    ``categories=`` when some were never used, otherwise the observed ones are counted.
    ``convention`` changes only the standard error (see :func:`fleiss_kappa`); irrCAC's
    ``bp.coeff.raw`` computes the default.

    References
    ----------
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and
    alternatives. *Educational and Psychological Measurement*, 41(3), 687-699.

    Examples
    --------
    >>> round(brennan_prediger(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]]).value, 3)
    0.55
    """
    return pooled_coefficient("brennan_prediger", "brennan_prediger", data, weights, table=table,
                              categories=categories, missing=missing, counts=counts, confidence=confidence,
                              n_boot=boot, seed=seed, convention=convention)


@renamed(n_boot="boot")
def pabak(
    data: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    boot: int = 0,
    seed: int | np.random.Generator | None = None,
) -> Agreement:
    """Prevalence- and bias-adjusted kappa (Byrt, Bishop & Carlin 1993) for two coders.

    PABAK = 2 p_o - 1 for binary ratings, and (q p_o - 1) / (q - 1) for q categories (the
    same as Brennan-Prediger with two coders). Because it is a linear function of p_o, its
    interval is the Wilson (1927) interval of p_o mapped through that function, and its
    standard error q / (q - 1) times that of p_o.

    Read it beside kappa and the prevalence and bias indices
    (:func:`mio_qual.agreement.prevalence_bias`), not instead of kappa.

    References
    ----------
    Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. *Journal of
    Clinical Epidemiology*, 46(5), 423-429.

    Examples
    --------
    >>> p = pabak(table=[[94, 2], [2, 2]])
    >>> round(p.value, 2), round(p.ci_low, 3), round(p.ci_high, 3)
    (0.92, 0.803, 0.969)
    """
    t, values, set_aside = two_coder_table(blanks_as_missing(data), table=table, categories=categories,
                                           missing=missing, counts=counts)
    q = len(values)
    n = float(t.sum())
    value, se, low, high, po, note = pabak_terms(n, float(np.trace(t)), q, confidence)
    result = Agreement(
        statistic="pabak", value=value, se=se, ci_low=low, ci_high=high,
        ci_method="wilson" if not math.isnan(low) else "", confidence=confidence, observed=po,
        expected=1.0 / q if q else math.nan, n_units=int(round(n)), n_coders=2, n_categories=q,
        n_set_aside=set_aside, note=note, source=SOURCES["pabak"],
    )
    return with_bootstrap(result, "pabak", boot, seed, table=t,
                          categories=values.tolist() if categories is not None else None)


def pabak_terms(n: float, agreed: float, q: int, confidence: float) -> tuple[float, float, float, float, float, str]:
    """PABAK, its standard error, Wilson interval, p_o and note from n units of which ``agreed`` agree."""
    note = ""
    if n == 0:
        value = se = low = high = po = math.nan
        note = "undefined: no unit was rated by both coders"
    elif q < 2:
        value = se = low = high = math.nan
        po = 1.0
        note = "undefined: only one category is known (declare both with categories=)"
    else:
        po = agreed / n
        scale = q / (q - 1.0)
        value = scale * po - 1.0 / (q - 1.0)
        se = scale * math.sqrt(po * (1 - po) / (n - 1)) if n > 1 else math.nan
        lo_p, hi_p = wilson_interval(po * n, n, confidence)
        low, high = scale * lo_p - 1.0 / (q - 1.0), scale * hi_p - 1.0 / (q - 1.0)
        if q != 2:
            note = f"{q} categories: (q p_o - 1)/(q - 1), the Brennan-Prediger form"
    return value, se, low, high, po, note


"""Conger's kappa: Cohen's kappa generalized to several coders, each with their own margins.

Fleiss' kappa takes chance agreement from the category shares of all coders pooled, as if
the coders were interchangeable. Conger (1980) keeps each coder's own distribution over the
categories, as Cohen (1960) does for two: chance agreement is the mean, over all ordered
pairs of distinct coders g != h, of the agreement two independent coders with those
margins would reach,

    p_e = 1 / (R (R - 1)) * sum_{g != h} sum_kl w_kl p_gk p_hl,

where R is the number of coders and p_gk the share of coder g's ratings in category k (over
the units g rated). Equivalently p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / R), pbar the mean
of the coders' shares and s2_kl their sample covariance across coders (Gwet 2014). Observed
agreement is that of the whole family (:mod:`mio_qual.agreement._multirater`); for two
coders Conger's kappa is Cohen's.

The standard error is Gwet's (2014, ch. 5) linearization, as irrCAC's ``conger.kappa.raw``
computes it: each unit contributes its observed agreement and, through every coder's margins,
its share of chance agreement. Units rated by one coder follow Gwet's convention (out of p_a,
in the coders' margins and the variance) unless ``convention="pairable"``.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..deprecation import renamed
from ..errors import InputError
from ._common import (blanks_as_missing, boot_interval, check_boot, is_identity, require_order,
                      wald_interval)
from ._data import _as_table, _table_values, _unit_weights, coder_codes, weight_matrix
from ._multirater import check_convention, unit_terms
from .results import Agreement, BootstrapResult

__all__ = ["conger_kappa"]

#: The publications behind the value and its standard error.
SOURCE = "Conger (1980), Psychological Bulletin 88:322-328; SE: Gwet (2014), ch. 5"


def _codes(data: Any, table: Any, categories: Sequence[Any] | None, missing: Any,
           counts: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coder x unit codes (-1 missing), unit weights and category values, from data or a table."""
    if table is not None:
        if data is not None:
            raise InputError("pass either reliability data or a contingency table, not both")
        t = _as_table(table)
        k = t.shape[0]
        a, b = np.divmod(np.arange(k * k), k)
        return np.vstack([a, b]), t.reshape(-1), _table_values(k, categories)
    if data is None:
        raise InputError("no reliability data given", hint="pass a coders x units array or table=")
    codes, values = coder_codes(blanks_as_missing(data), categories=categories, missing=missing)
    return codes, _unit_weights(counts, codes.shape[1]), values


def _terms(onehot: np.ndarray, freq: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Observed and chance agreement for each row of ``freq`` (replicates x units).

    ``onehot`` is coders x units x categories. Returns p_a, p_e, the coders' shares p_gk
    (replicates x coders x categories) and their rating counts n_g.
    """
    n_ik = onehot.sum(axis=0)
    r = n_ik.sum(axis=1)
    pa_i, _ = unit_terms(n_ik, w)
    two = r >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        pa = (freq @ pa_i) / freq[:, two].sum(axis=1)
        n_g = np.einsum("bu,gu->bg", freq, onehot.sum(axis=2))
        p = np.einsum("bu,guk->bgk", freq, onehot) / n_g[:, :, None]
    coders = onehot.shape[0]
    s = p.sum(axis=1)
    pe = (np.einsum("bk,kl,bl->b", s, w, s) - np.einsum("bgk,kl,bgl->b", p, w, p)) / (coders * (coders - 1.0))
    return pa, pe, p, n_g


@renamed(n_boot="boot")
def conger_kappa(
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
    """Conger's (1980) kappa for two or more coders, with Gwet's standard error.

    Parameters
    ----------
    data : array-like, optional
        Coders x units, NaN (or a blank cell) for a missing rating.
    weights : None, "linear", "quadratic" or array
        Agreement weights (on text labels only with ``categories=`` giving their order).
    table : array-like, optional
        Two coders' contingency table instead (then Conger's kappa is Cohen's).
    categories, missing, counts
        As for :func:`mio_qual.agreement.krippendorff_alpha`.
    confidence : float
        Level of the Wald interval.
    boot, seed
        Units-bootstrap replicates for a percentile interval instead.
    convention : {"gwet", "pairable"}
        Units rated by one coder: kept in the coders' margins and the variance (default), or
        left out of every term.

    Returns
    -------
    Agreement

    References
    ----------
    Conger, A. J. (1980). Integration and generalization of kappas for multiple raters.
    *Psychological Bulletin*, 88(2), 322-328.

    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 2 and 5.
    Advanced Analytics.

    Examples
    --------
    Gwet's cac.raw4raters (12 units, 4 raters), as irrCAC's ``conger.kappa.raw`` prints it
    (0.76282, standard error 0.14917, p_e 0.2334252):

    >>> nan = float("nan")
    >>> raw4 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, nan],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> k = conger_kappa(raw4)
    >>> round(k.value, 5), round(k.se, 5), round(k.expected, 7)
    (0.76282, 0.14917, 0.2334252)

    With two coders it is Cohen's kappa:

    >>> round(conger_kappa(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]]).value, 3)
    0.492
    """
    check_boot(boot)
    check_convention(convention)
    codes, f, values = _codes(data, table, categories, missing, counts)
    if not is_identity(weights):
        require_order(values, categories, "weighted Conger's kappa")
    w, name = weight_matrix(weights, values)
    q = len(values)
    r_all = (codes >= 0).sum(axis=0)
    keep = (r_all >= (1 if convention == "gwet" else 2)) & (f > 0)
    once = float(f[(r_all == 1) & (f > 0)].sum())
    codes, f = codes[:, keep], f[keep]
    codes = codes[(codes >= 0).any(axis=1)]            # coders who rated none of these units
    n_coders = codes.shape[0]
    onehot = (codes[:, :, None] == np.arange(q)[None, None, :]).astype(np.float64)
    r = onehot.sum(axis=(0, 2))
    two = r >= 2
    n2, n = float(f[two].sum()), float(f.sum())
    base = dict(statistic="conger_kappa", confidence=confidence, n_coders=n_coders, n_categories=q,
                n_set_aside=int(round(once)), weights=name, source=SOURCE)
    if n2 == 0 or n_coders < 2:
        return Agreement(value=math.nan, n_units=0, note="undefined: no unit was rated by two or more coders",
                         **base)
    pa_arr, pe_arr, p, n_g = _terms(onehot, f[None, :], w)
    pa, pe, p, n_g = float(pa_arr[0]), float(pe_arr[0]), p[0], n_g[0]
    note = ""
    if convention == "pairable" and once:
        note = (f"{once:g} unit(s) rated by one coder left out of every term (convention 'pairable'; "
                "Gwet's convention keeps them in the coders' margins)")
    if math.isclose(pe, 1.0, abs_tol=1e-12):
        return Agreement(value=math.nan, observed=pa, expected=pe, n_units=int(round(n2)),
                         note="undefined: chance agreement is 1 (every coder used one and the same category)",
                         **base)
    kappa = (pa - pe) / (1.0 - pe)
    se = math.nan
    if n > 1:
        pa_i, _ = unit_terms(onehot.sum(axis=0), w)
        grad = ((w + w.T) @ (p.sum(axis=0)[None, :] - p).T).T / (n_coders * (n_coders - 1.0))
        eps = (codes >= 0).astype(np.float64)
        # unit i's deviation of coder g's share p_gl: (n / n_g) (d_gil - e_gi p_gl)
        dev = (n / n_g)[:, None, None] * (onehot - eps[:, :, None] * p[:, None, :])
        pe_dev = np.einsum("gl,gil->i", grad, dev)
        k_i = (n / n2) * np.where(two, pa_i - pe, 0.0) / (1.0 - pe) - (1.0 - kappa) * pe_dev / (1.0 - pe)
        se = float(math.sqrt(max(f @ (k_i - kappa) ** 2, 0.0) / (n * (n - 1.0))))
    se, low, high, method, note = wald_interval(kappa, se, confidence, note, df=n - 1.0)  # Gwet's SE: t on n - 1
    result = Agreement(value=kappa, se=se, ci_low=low, ci_high=high, ci_method=method, observed=pa, expected=pe,
                       n_units=int(round(n2)), note=note, **base)
    if boot:
        result = boot_interval(result, _bootstrap(onehot, f, w, kappa, boot, seed, confidence))
    return result


def _bootstrap(onehot: np.ndarray, f: np.ndarray, w: np.ndarray, value: float, n_boot: int, seed: Any,
               confidence: float) -> BootstrapResult:
    """Units bootstrap of Conger's kappa: distinct units drawn with replacement."""
    from .bootstrap import _integer_freq, _resampled, _rng, _summarize

    flat = onehot.transpose(1, 0, 2).reshape(onehot.shape[1], -1)
    patterns, inverse = np.unique(flat, axis=0, return_inverse=True)
    freq = _integer_freq(np.bincount(inverse.reshape(-1), weights=f, minlength=len(patterns)))
    distinct = patterns.reshape(len(patterns), onehot.shape[0], onehot.shape[2]).transpose(1, 0, 2)

    def stat(draws: np.ndarray) -> np.ndarray:
        pa, pe, _, _ = _terms(distinct, draws, w)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (pa - pe) / (1.0 - pe)
        out[np.isclose(pe, 1.0, rtol=0, atol=1e-12)] = np.nan
        return out

    samples, jackknife = _resampled(freq, n_boot, _rng(seed), stat)
    return _summarize("conger_kappa", value, samples, "units", confidence, jackknife)

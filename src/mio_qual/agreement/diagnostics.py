"""Diagnostics to read beside a coefficient: Wilson intervals, prevalence and bias indices.

The "kappa paradox" (Feinstein & Cicchetti 1990): when a code is rare, two coders can agree
on 95 % of units and still get a low kappa, because nearly all of that agreement is on
"not coded". Byrt, Bishop & Carlin (1993) separate the pieces: the **prevalence index**
PI = (a - d) / n (how lopsided the yes/no split is), the **bias index** BI = (b - c) / n (how
differently the two coders use "yes") and the **prevalence- and bias-adjusted kappa**
PABAK = 2 p_o - 1, linked by

    kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2),

where a = both coders "yes", d = both "no", b = coder 1 "yes" and coder 2 "no", c the reverse.
Read a low kappa next to a large |PI| as a prevalence effect, not as poor coding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Sequence

import numpy as np

from ..errors import InputError
from ._data import two_coder_table

__all__ = [
    "wilson_interval",
    "PrevalenceBias",
    "prevalence_bias",
    "prevalence_index",
    "bias_index",
    "kappa_max",
    "z_value",
]


def z_value(confidence: float) -> float:
    """The two-sided normal quantile for ``confidence`` (1.959964 for 0.95)."""
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}", hint="for example 0.95")
    return _z(confidence)


@lru_cache(maxsize=64)
def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for a proportion.

    Unlike the Wald interval p +/- z sqrt(p(1-p)/n), it stays inside [0, 1] and keeps its
    coverage near 0 and 1, which is where percent agreement usually lives.

    Parameters
    ----------
    successes : float
        Number of agreements (may be fractional when it is n times a mean).
    n : float
        Number of trials (units).
    confidence : float
        Level of the interval.

    Returns
    -------
    (float, float)
        Lower and upper limit; NaN, NaN when ``n`` is 0.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209-212.

    Examples
    --------
    >>> low, high = wilson_interval(81, 263)
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    >>> wilson_interval(10, 10)[1]
    1.0
    """
    if n <= 0:
        return (math.nan, math.nan)
    if successes < 0 or successes > n:
        raise InputError(f"successes ({successes}) must lie between 0 and n ({n})")
    z = z_value(confidence)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def wilson_rows(successes: np.ndarray, n: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """:func:`wilson_interval` for many proportions at once (each element what the one-row call gives).

    Raises
    ------
    InputError
        As :func:`wilson_interval`, for the first row whose successes lie outside [0, n].
    """
    successes = np.asarray(successes, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    trials = n > 0
    outside = trials & ((successes < 0) | (successes > n))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise InputError(f"successes ({float(successes[i])}) must lie between 0 and n ({float(n[i])})")
    z = z_value(confidence)
    low = np.full(n.shape, math.nan)
    high = np.full(n.shape, math.nan)
    k, m = successes[trials], n[trials]
    p = k / m
    z2n = z * z / m
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m))
    below, above = centre - half, centre + half
    low[trials] = np.where(k == 0, 0.0, np.where(below > 0.0, below, 0.0))       # max(0.0, centre - half)
    high[trials] = np.where(k == m, 1.0, np.where(above < 1.0, above, 1.0))      # min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class PrevalenceBias:
    """The pieces of Byrt, Bishop & Carlin (1993) for one 2 x 2 table.

    Attributes
    ----------
    a, b, c, d : float
        Both "yes"; coder 1 only; coder 2 only; both "no".
    n : float
        Units.
    p_observed : float
        (a + d) / n.
    prevalence_index : float
        (a - d) / n, in [-1, 1]; far from 0 when "yes" (or "no") dominates.
    bias_index : float
        (b - c) / n, in [-1, 1]; far from 0 when one coder says "yes" more often.
    pabak : float
        2 p_o - 1.
    kappa : float
        Cohen's kappa of the same table, NaN when undefined.
    prevalence : float
        Share of "yes" ratings over both coders, (2a + b + c) / 2n.
    """

    a: float
    b: float
    c: float
    d: float
    n: float
    p_observed: float
    prevalence_index: float
    bias_index: float
    pabak: float
    kappa: float
    prevalence: float


def prevalence_bias(data: Any = None, *, table: Any = None, positive: Any = None,
                    categories: Sequence[Any] | None = None, counts: Any = None) -> PrevalenceBias:
    """Prevalence index, bias index and PABAK of two coders' binary ratings.

    Parameters
    ----------
    data : array-like, optional
        2 x units binary ratings (NaN missing; units missing a rating are set aside).
    table : array-like, optional
        A 2 x 2 table instead (rows coder 1, columns coder 2, categories in the same order).
    positive : object, optional
        The category meaning "yes" (coded). Default: the second category, so 1 for 0/1 data.
    categories : sequence, optional
        The two categories, in order.
    counts : array-like, optional
        Frequency weight per unit.

    References
    ----------
    Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. *Journal of
    Clinical Epidemiology*, 46(5), 423-429.

    Examples
    --------
    A rare code: 2 units both coded, 94 both uncoded, 4 disagreements.

    >>> pb = prevalence_bias(table=[[94, 2], [2, 2]])
    >>> pb.p_observed, round(pb.kappa, 3), round(pb.pabak, 2), round(pb.prevalence_index, 2)
    (0.96, 0.479, 0.92, -0.92)
    """
    t, values, _ = two_coder_table(data, table=table, categories=categories, counts=counts)
    if t.shape != (2, 2):
        raise InputError(f"prevalence and bias indices need binary ratings; found {t.shape[0]} categories",
                         hint="collapse to coded / not coded, and pass categories=[0, 1] when only one "
                              "of them was used")
    if positive is None:
        yes = 1
    else:
        matches = [i for i, v in enumerate(values.tolist()) if v == positive]
        if not matches:
            raise InputError(f"positive category {positive!r} is not among {values.tolist()}")
        yes = matches[0]
    no = 1 - yes
    a, b, c, d = (float(x) for x in (t[yes, yes], t[yes, no], t[no, yes], t[no, no]))
    n = float(t.sum())
    if n == 0:
        nan = math.nan
        return PrevalenceBias(a, b, c, d, 0.0, nan, nan, nan, nan, nan, nan)
    po = (a + d) / n
    p1, p2 = (a + b) / n, (a + c) / n
    pe = p1 * p2 + (1 - p1) * (1 - p2)
    kappa = (po - pe) / (1 - pe) if not math.isclose(pe, 1.0, abs_tol=1e-12) else math.nan
    return PrevalenceBias(float(a), float(b), float(c), float(d), n, float(po), float((a - d) / n),
                          float((b - c) / n), float(2 * po - 1), float(kappa), float((2 * a + b + c) / (2 * n)))


def prevalence_index(data: Any = None, **kwargs: Any) -> float:
    """Byrt, Bishop & Carlin (1993) prevalence index (a - d) / n; see :func:`prevalence_bias`."""
    return prevalence_bias(data, **kwargs).prevalence_index


def bias_index(data: Any = None, **kwargs: Any) -> float:
    """Byrt, Bishop & Carlin (1993) bias index (b - c) / n; see :func:`prevalence_bias`."""
    return prevalence_bias(data, **kwargs).bias_index


def kappa_max(data: Any = None, *, table: Any = None, categories: Sequence[Any] | None = None,
              counts: Any = None) -> float:
    """The largest Cohen's kappa the two coders' marginal totals allow (Cohen 1960).

    p_o,max = sum_k min(p_k., p_.k); kappa_max = (p_o,max - p_e) / (1 - p_e). A kappa far
    below kappa_max with a high kappa_max points at disagreement; a low kappa_max at coders
    who use the categories at different rates (bias).

    Examples
    --------
    >>> round(kappa_max(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]]), 3)
    0.831
    """
    t, _, _ = two_coder_table(data, table=table, categories=categories, counts=counts)
    n = t.sum()
    if n == 0:
        return math.nan
    r, c = t.sum(axis=1) / n, t.sum(axis=0) / n
    pe = float(r @ c)
    if math.isclose(pe, 1.0, abs_tol=1e-12):
        return math.nan
    return (float(np.minimum(r, c).sum()) - pe) / (1 - pe)

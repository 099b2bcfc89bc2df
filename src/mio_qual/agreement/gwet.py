"""Gwet's AC1 (unweighted) and AC2 (weighted) agreement coefficients.

AC1 keeps Cohen's form (p_a - p_e) / (1 - p_e) but takes chance agreement as the probability
that a rater classifies a unit at random and two such ratings agree:

    p_e = 1 / (q - 1) * sum_k pi_k (1 - pi_k)

with pi_k the mean share of unit ratings in category k and q the number of categories
(Gwet 2008). Where one category dominates (a rare code: most units "not coded"),
p_e stays small and AC1 does not collapse the way kappa does (the "kappa paradox"). AC2
adds agreement weights: p_a counts partial credit and p_e = T_w / (q (q - 1)) * sum_k
pi_k (1 - pi_k) with T_w the sum of all weights (Gwet 2014, ch. 3).

Standard errors are Gwet's (2008) linearization (units sampled, raters fixed, infinite
population); see :mod:`mio_qual.agreement._multirater` for the formula and for how missing
ratings are treated.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._common import pooled_coefficient
from .results import Agreement

__all__ = ["gwet_ac1", "gwet_ac2"]


def gwet_ac1(
    data: Any = None,
    *,
    table: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    n_boot: int = 0,
    seed: int | np.random.Generator | None = None,
) -> Agreement:
    """Gwet's first-order agreement coefficient AC1, for any number of coders.

    Parameters
    ----------
    data : array-like, optional
        Coders x units, NaN for a missing rating.
    table : array-like, optional
        Two coders' contingency table instead.
    categories : sequence, optional
        All categories of the scale. q counts them, so declare categories that were never
        used (for a binary code, ``categories=[0, 1]``); with a single known category AC1 is
        undefined.
    confidence, n_boot, seed
        Interval level; bootstrap replicates (units) for a percentile interval instead of the
        Wald interval.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence
    of high agreement. *British Journal of Mathematical and Statistical Psychology*, 61,
    29-48.

    Examples
    --------
    >>> ac1 = gwet_ac1(table=[[8, 1], [0, 1]])
    >>> round(ac1.observed, 4), round(ac1.expected, 4), round(ac1.value, 4)
    (0.9, 0.255, 0.8658)
    >>> round(gwet_ac1(table=[[80, 7], [8, 5]]).value, 3)
    0.808
    """
    return pooled_coefficient("gwet_ac1", "gwet", data, None, table=table, categories=categories, missing=missing,
                              counts=counts, confidence=confidence, n_boot=n_boot, seed=seed)


def gwet_ac2(
    data: Any = None,
    weights: Any = "quadratic",
    *,
    table: Any = None,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    confidence: float = 0.95,
    n_boot: int = 0,
    seed: int | np.random.Generator | None = None,
) -> Agreement:
    """Gwet's weighted agreement coefficient AC2 for ordinal or interval ratings.

    Parameters
    ----------
    weights : "quadratic", "linear", None or array
        Agreement weights on the category values (Gwet 2014, ch. 3). With identity weights
        AC2 equals AC1.

    References
    ----------
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 3. Advanced
    Analytics.

    Examples
    --------
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2], [1, 2, 3, 3, 2, 2, 4, 1, 3]]
    >>> round(gwet_ac2(data, "quadratic").value, 3)
    0.919
    """
    return pooled_coefficient("gwet_ac2", "gwet", data, weights, table=table, categories=categories,
                              missing=missing, counts=counts, confidence=confidence, n_boot=n_boot, seed=seed)

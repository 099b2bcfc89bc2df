"""Gwet's AC1 (unweighted) and AC2 (weighted) agreement coefficients.

AC1 keeps Cohen's form (p_a - p_e) / (1 - p_e) but takes chance agreement as the probability
that a rater classifies a unit at random and two such ratings agree:

    p_e = 1 / (q - 1) * sum_k pi_k (1 - pi_k)

with pi_k the mean share of unit ratings in category k and q the number of categories
(Gwet 2008). Where one category dominates (a rare code: most units "not coded"),
p_e stays small and AC1 does not collapse the way kappa does (the "kappa paradox"). AC2
adds agreement weights: p_a counts partial credit and p_e = T_w / (q (q - 1)) * sum_k
pi_k (1 - pi_k) with T_w the sum of all weights (Gwet 2014, ch. 3).

Standard errors are Gwet's (2008; 2014, ch. 5) linearization (units sampled, raters fixed,
infinite population). Units rated by one coder only follow Gwet's convention by default: out
of p_a, in the category shares pi_k and the variance, as irrCAC's ``gwet.ac1.raw`` computes
them; ``convention="pairable"`` drops them from every term. See
:mod:`mio_qual.agreement._multirater` for the formulas and the sources of both rules.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..deprecation import renamed
from ._common import pooled_coefficient
from .results import Agreement

__all__ = ["gwet_ac1", "gwet_ac2"]


@renamed(n_boot="boot")
def gwet_ac1(
    data: Any = None,
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
    confidence, boot, seed
        Interval level; bootstrap replicates (units) for a percentile interval instead of the
        Wald interval.
    convention : {"gwet", "pairable"}
        Units rated by one coder only: ``"gwet"`` (default) keeps them in chance agreement
        and the variance, ``"pairable"`` drops them (see :func:`mio_qual.agreement.fleiss_kappa`).

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

    Gwet's cac.raw4raters (unit 12 rated once), as irrCAC prints it (``gwet.ac1.raw``:
    0.77544, standard error 0.14295, p_e 0.1903212):

    >>> nan = float("nan")
    >>> raw4 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, nan],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> ac1 = gwet_ac1(raw4)
    >>> round(ac1.value, 5), round(ac1.se, 5), round(ac1.expected, 7)
    (0.77544, 0.14295, 0.1903212)
    """
    return pooled_coefficient("gwet_ac1", "gwet", data, None, table=table, categories=categories, missing=missing,
                              counts=counts, confidence=confidence, n_boot=boot, seed=seed, convention=convention)


@renamed(n_boot="boot")
def gwet_ac2(
    data: Any = None,
    weights: Any = "quadratic",
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
    """Gwet's weighted agreement coefficient AC2 for ordinal or interval ratings.

    Parameters
    ----------
    weights : "quadratic", "linear", None or array
        Agreement weights on the category values (Gwet 2014, ch. 3). With identity weights
        AC2 equals AC1. On text labels the order must be given with ``categories=``.

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
                              missing=missing, counts=counts, confidence=confidence, n_boot=boot, seed=seed,
                              convention=convention)

"""The common engine of the multi-rater kappa family.

Percent agreement, Scott's pi / Fleiss' kappa, Brennan-Prediger and Gwet's AC1/AC2 all have
the form ``(p_a - p_e) / (1 - p_e)`` (Gwet 2014, ch. 2-5). They share the observed agreement

    p_a = mean over units i of  sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)),

where r_ik is how many coders put unit i in category k, r_i the number of ratings of unit i
and r*_ik = sum_l w_kl r_il the weighted count (w the agreement weights; the identity when
unweighted), and differ only in the chance term p_e, a function of the category shares
pi_k = mean_i r_ik / r_i:

* percent agreement: p_e = 0;
* Fleiss (1971), Scott (1955) for two coders: p_e = sum_kl w_kl pi_k pi_l;
* Gwet (2008, 2014) AC1/AC2: p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k), T_w the sum of
  the weights and q the number of categories;
* Brennan & Prediger (1981): p_e = T_w / q^2.

The standard error is Gwet's (2008) linearization: each unit gets an influence value
``[(p_a,i - p_a) - (1 - kappa) * g . (pi_i - pi)] / (1 - p_e)`` with g the gradient of p_e with
respect to pi, and ``var = sum_i infl_i^2 / (n (n - 1))`` (sampling of units, coders fixed,
infinite population). For Fleiss' kappa and AC1 this is the variance formula of Gwet (2008); for Brennan-Prediger and percent agreement the chance term is fixed and only p_a
varies.

Missing ratings: only units with at least two ratings enter (p_a and the pi_k alike). Gwet
(2014) keeps single-rated units in pi_k; with complete data the two agree, and we prefer that
every part of a coefficient rests on the same units (the units set aside are reported).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ._data import UnitCounts

@dataclass(frozen=True)
class FamilyResult:
    value: float
    se: float
    p_a: float
    p_e: float
    n_units: float
    n_set_aside: float
    note: str


def pairable(uc: UnitCounts) -> tuple[np.ndarray, np.ndarray, float]:
    """Counts and weights of units with at least two ratings, and the weight set aside."""
    if not isinstance(uc.counts, np.ndarray):
        raise InputError(f"{len(uc.values)} distinct values are too many for a kappa-type coefficient",
                         hint="group the values into categories, or use krippendorff_alpha (interval or ratio)")
    r = uc.counts.sum(axis=1)
    keep = (r >= 2) & (uc.weights > 0)
    dropped = float(uc.weights[(~keep) & (r > 0)].sum())
    return uc.counts[keep], uc.weights[keep], dropped


def unit_terms(n: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit observed agreement p_a,i and category shares pi_ik."""
    r = n.sum(axis=1)
    weighted = n @ w.T
    pa_i = (n * (weighted - 1.0)).sum(axis=1) / (r * (r - 1.0))
    pi_i = n / r[:, None]
    return pa_i, pi_i


def chance(model: str, pi: np.ndarray, w: np.ndarray, q: int) -> tuple[np.ndarray, np.ndarray]:
    """Chance agreement p_e and its gradient with respect to pi, vectorized over leading axes.

    ``pi`` has shape (..., q); returns p_e of shape (...) and the gradient (..., q).
    """
    if model == "none":
        return np.zeros(pi.shape[:-1]), np.zeros_like(pi)
    if model == "fleiss":
        wp = pi @ w.T
        return (pi * wp).sum(axis=-1), pi @ (w + w.T).T
    t_w = float(w.sum())
    if model == "brennan_prediger":
        return np.full(pi.shape[:-1], t_w / q ** 2), np.zeros_like(pi)
    if model == "gwet":
        c = t_w / (q * (q - 1.0))
        return c * (pi * (1.0 - pi)).sum(axis=-1), c * (1.0 - 2.0 * pi)
    raise ValueError(model)


def family(uc: UnitCounts, model: str, w: np.ndarray, q: int) -> FamilyResult:
    """Coefficient, standard error and terms for one chance model (see the module docstring)."""
    n, f, dropped = pairable(uc)
    total = float(f.sum())
    if total == 0:
        return FamilyResult(np.nan, np.nan, np.nan, np.nan, 0.0, dropped,
                            "undefined: no unit was rated by two or more coders")
    if model == "gwet" and q < 2:
        return FamilyResult(np.nan, np.nan, np.nan, np.nan, total, dropped,
                            "undefined: AC1/AC2 need at least two categories (declare them with categories=)")
    if model == "brennan_prediger" and q < 2:
        return FamilyResult(np.nan, np.nan, np.nan, np.nan, total, dropped,
                            "undefined: Brennan-Prediger needs at least two categories (declare them with categories=)")
    pa_i, pi_i = unit_terms(n, w)
    pa = float(f @ pa_i) / total
    pi = (f @ pi_i) / total
    pe_arr, grad = chance(model, pi, w, q)
    pe = float(pe_arr)
    if np.isclose(pe, 1.0, rtol=0, atol=1e-12):
        return FamilyResult(np.nan, np.nan, pa, pe, total, dropped,
                            "undefined: chance agreement is 1 (every rating falls in one category), "
                            "so there is no agreement beyond chance to measure")
    value = (pa - pe) / (1.0 - pe)
    se = np.nan
    if total > 1:
        influence = ((pa_i - pa) - (1.0 - value) * ((pi_i - pi) @ grad)) / (1.0 - pe)
        se = float(np.sqrt(max(f @ influence ** 2, 0.0) / (total * (total - 1.0))))
    return FamilyResult(float(value), se, pa, pe, total, dropped, "")


def family_replicates(patterns: np.ndarray, freq: np.ndarray, model: str, w: np.ndarray, q: int) -> np.ndarray:
    """Coefficient for each row of ``freq`` (replicates x patterns), all at once.

    ``patterns`` are distinct pairable units (count rows); ``freq`` how often each occurs in each
    bootstrap replicate.
    """
    pa_p, pi_p = unit_terms(patterns, w)
    total = freq.sum(axis=1)
    pa = (freq @ pa_p) / total
    pi = (freq @ pi_p) / total[:, None]
    pe, _ = chance(model, pi, w, q)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (pa - pe) / (1.0 - pe)
    out[np.isclose(pe, 1.0, rtol=0, atol=1e-12)] = np.nan
    return out

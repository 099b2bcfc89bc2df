"""The common engine of the multi-rater kappa family.

Percent agreement, Scott's pi / Fleiss' kappa, Brennan-Prediger and Gwet's AC1/AC2 all have
the form ``(p_a - p_e) / (1 - p_e)`` (Gwet 2014, ch. 2-3). They share the observed agreement

    p_a = mean over units i with r_i >= 2 of  sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)),

where r_ik is how many coders put unit i in category k, r_i the number of ratings of unit i
and r*_ik = sum_l w_kl r_il the weighted count (w the agreement weights; the identity when
unweighted), and differ only in the chance term p_e, a function of the category shares
pi_k = mean_i r_ik / r_i:

* percent agreement: p_e = 0;
* Fleiss (1971), Scott (1955) for two coders: p_e = sum_kl w_kl pi_k pi_l;
* Gwet (2008, 2014) AC1/AC2: p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k), T_w the sum of
  the weights and q the number of categories;
* Brennan & Prediger (1981): p_e = T_w / q^2.

Units rated by one coder only (r_i = 1): two conventions, chosen with ``convention=``.

* ``"gwet"`` (the default): such a unit carries no pair of ratings, so it is left out of p_a,
  but its rating is evidence of how coders use the categories, so it stays in pi_k (the mean
  runs over every unit rated at least once), and in the variance as a unit of the sample.
  This is Gwet's treatment of missing ratings (Gwet 2014, ch. 2 and 5; Gwet 2008), the one
  computed by his irrCAC package (``fleiss.kappa.raw``, ``gwet.ac1.raw``, ``bp.coeff.raw``,
  ``pa.coeff.raw``) and by AgreeStat, and the one researchers compare against.
* ``"pairable"``: such a unit leaves every term, p_a, pi_k and the variance alike, so that
  all parts of the coefficient rest on the same units. This carries over to the kappa family
  Krippendorff's rule for values that cannot be paired (Krippendorff 2011, step 1 of the
  computation: a unit with a single value drops out). It is not Gwet's rule; it was this
  package's default before Gwet's became it.

With complete data the two coincide. Units with no rating at all are no data and are ignored
under both.

Degenerate chance agreement. Under Gwet's convention p_a and p_e rest on different units: p_a
on the units rated twice or more, p_e on every unit rated. When most units are rated by one
coder (a coder who coded other transcripts than the rest) and rarely in a category, p_e comes
close to 1 for reasons that have nothing to do with the units compared, and
``(p_a - p_e) / (1 - p_e)`` divides by almost nothing: Fleiss' kappa -121.5 beside 95.7%
agreement. Such a value is flagged as not interpretable (value NaN, the estimate in the note)
when units rated once are present and either ``1 - p_e < 1 / N_2``, N_2 the ratings on the
units rated at least twice (one disagreeing rating in a unit rated twice lowers p_a by
``1 / (N_2 / 2)``, so below that bound a single disagreement puts the coefficient under -1),
or the estimate itself is below -1. Without units rated once neither happens: a minority
share of one rating in N_2 gives ``1 - p_e >= 2 (N_2 - 1) / N_2^2 >= 1 / N_2``; and a unit's
disagreement ``1 - p_a,i = r_i / (r_i - 1) G_i`` is at most twice its Gini impurity
``G_i = 1 - sum_k (r_ik / r_i)^2``, which is concave, so ``1 - p_a <= 2 mean_i G_i <= 2 (1 - p_e)``
and Fleiss' kappa is at least -1 (at least -1/(m - 1) with m coders on every unit). This flag
is our addition; the estimator is Gwet's, unchanged wherever it is shown.

The standard error is Gwet's (2008; 2014, ch. 5) linearization. With n units rated at least
once (n_2 of them at least twice), each unit gets the value

    k_i = (n / n_2) (p_a,i - p_e) [r_i >= 2] / (1 - p_e)
          - (1 - kappa) g . (pi_i - pi) / (1 - p_e),

g the gradient of p_e with respect to pi, and ``var = sum_i (k_i - kappa)^2 / (n (n - 1))``
(units sampled, coders fixed, infinite population). Under ``"pairable"`` n = n_2 and only
pairable units enter. For Brennan-Prediger and percent agreement the chance term is fixed and
the second part vanishes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ._data import UnitCounts

#: The conventions for units rated once (see the module docstring).
CONVENTIONS = ("gwet", "pairable")


@dataclass(frozen=True)
class FamilyResult:
    """Value, standard error and terms of one pooled-chance coefficient.

    ``n_units`` counts the units in observed agreement (rated at least twice),
    ``n_set_aside`` the units rated once (out of p_a under both conventions; out of every
    term under ``"pairable"``), ``n_variance`` the units the variance runs over (rated at least
    once under ``"gwet"``, at least twice under ``"pairable"``): the interval's t quantile has
    ``n_variance - 1`` degrees of freedom.
    """

    value: float
    se: float
    p_a: float
    p_e: float
    n_units: float
    n_set_aside: float
    note: str
    n_variance: float = math.nan


def check_convention(convention: str) -> None:
    """Refuse an unknown convention for units rated once."""
    if convention not in CONVENTIONS:
        raise InputError(f"unknown convention {convention!r} for units rated by one coder",
                         hint="use 'gwet' (the default) or 'pairable'")


def rated(uc: UnitCounts, convention: str = "gwet") -> tuple[np.ndarray, np.ndarray, float]:
    """Counts and weights of the units the convention uses, and the weight of units rated once.

    ``"gwet"`` keeps every unit rated at least once, ``"pairable"`` those rated at least twice.
    """
    check_convention(convention)
    if not isinstance(uc.counts, np.ndarray):
        raise InputError(f"{len(uc.values)} distinct values are too many for a kappa-type coefficient",
                         hint="group the values into categories, or use krippendorff_alpha (interval or ratio)")
    r = uc.counts.sum(axis=1)
    once = float(uc.weights[(r == 1) & (uc.weights > 0)].sum())
    keep = (r >= (1 if convention == "gwet" else 2)) & (uc.weights > 0)
    return uc.counts[keep], uc.weights[keep], once


def pairable(uc: UnitCounts) -> tuple[np.ndarray, np.ndarray, float]:
    """Counts and weights of units with at least two ratings, and the weight set aside."""
    return rated(uc, "pairable")


def unit_terms(n: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit observed agreement p_a,i (0 for a unit rated once) and category shares pi_ik."""
    r = n.sum(axis=1)
    weighted = np.einsum("pc,kc->pk", n, w)       # not BLAS: see alpha.coincidence_rows
    pairs = r * (r - 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa_i = np.where(pairs > 0, (n * (weighted - 1.0)).sum(axis=1) / np.where(pairs > 0, pairs, 1.0), 0.0)
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


#: Why a coefficient of the family is undefined (:attr:`FamilyRows.why`; 0: it is defined).
UNDEFINED = {
    1: "undefined: no unit was rated by two or more coders",
    2: "undefined: AC1/AC2 need at least two categories (declare them with categories=)",
    3: "undefined: Brennan-Prediger needs at least two categories (declare them with categories=)",
    4: "undefined: chance agreement is 1 (every rating falls in one category), so there is no agreement beyond "
       "chance to measure",
    5: "not interpretable: chance agreement, which counts units rated by one coder, is so close to 1 that a single "
       "disagreement puts the coefficient below -1, or the coefficient is below -1 (see "
       "mio_qual.agreement._multirater, 'Degenerate chance agreement')",
}


def undefined_note(why: int, p_e: float = math.nan, estimate: float = math.nan, n_ratings: float = math.nan) -> str:
    """The note of an undefined or not interpretable coefficient (a key of :data:`UNDEFINED`), with its terms.

    For ``why == 5`` the note gives p_e, the estimate that is not shown and the ratings compared, so that a
    reader can check the arithmetic.

    Examples
    --------
    >>> undefined_note(5, 0.99964, -121.5, 46)[:60]
    'not interpretable: chance agreement p_e = 0.99964 counts uni'
    """
    if why != 5:
        return UNDEFINED[why]
    if 1.0 - p_e < 1.0 / n_ratings:
        why_not = (f"1 - p_e = {1.0 - p_e:.2g} is smaller than one disagreeing rating among the {n_ratings:g} "
                   f"ratings compared would make (1/{n_ratings:g}), so a single disagreement puts the coefficient "
                   "below -1")
    else:
        why_not = "the coefficient falls below -1, which it cannot when every unit is rated twice or more"
    return (f"not interpretable: chance agreement p_e = {p_e:.5f} counts units rated by one coder, and {why_not}; "
            f"the estimate ({estimate:.2f}) is not shown (Gwet's estimator for missing ratings, Gwet 2014, ch. 2; "
            "Krippendorff's alpha, or convention 'pairable', uses only units rated twice or more)")


@dataclass(frozen=True)
class FamilyRows:
    """One coefficient of the family for several sets of units at once (one entry per set).

    ``why`` is 0 where the coefficient is defined, else a key of :data:`UNDEFINED`;
    ``n_units`` is the weight of the units rated at least twice.
    """

    value: np.ndarray
    se: np.ndarray
    p_a: np.ndarray
    p_e: np.ndarray
    n_units: np.ndarray
    why: np.ndarray
    #: (p_a - p_e) / (1 - p_e) where a value could be computed, also where it is not interpretable (``why`` 5).
    estimate: np.ndarray | None = None
    #: Ratings on the units rated at least twice (the ratings observed agreement compares).
    n_ratings: np.ndarray | None = None


def family_rows(patterns: np.ndarray, freq: np.ndarray, model: str, w: np.ndarray, q: int) -> FamilyRows:
    """Coefficient, standard error and terms of one chance model for each row of ``freq``.

    ``patterns`` (P x q counts) are the distinct units the convention uses (rated at least once
    under ``"gwet"``, at least twice under ``"pairable"``); ``freq`` (R x P) how much weight
    each has in each of R sets of units (a per-transcript table is one row per transcript).
    Every formula of the module docstring is applied to all rows at once.
    """
    freq = np.atleast_2d(np.asarray(freq, dtype=np.float64))
    r = patterns.sum(axis=1)
    two = r >= 2
    total2 = freq[:, two].sum(axis=1)
    total = freq.sum(axis=1)
    pa_i, pi_i = unit_terms(patterns, w)
    why = np.zeros(freq.shape[0], dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa = (freq @ pa_i) / total2
        pi = (freq @ pi_i) / total[:, None]
        if model in ("gwet", "brennan_prediger") and q < 2:
            pe, grad = np.full(total.shape, np.nan), np.zeros_like(pi)
            why[:] = 2 if model == "gwet" else 3
        else:
            pe, grad = chance(model, pi, w, q)
            pe = np.broadcast_to(pe, total.shape).astype(np.float64)
            why[np.isclose(pe, 1.0, rtol=0, atol=1e-12)] = 4
        why[total2 == 0] = 1
        ratings2 = freq[:, two] @ r[two]
        estimate = np.where(why == 0, (pa - pe) / (1.0 - pe), np.nan)
        # degenerate chance agreement (module docstring): only where units rated once enter p_e
        why[(why == 0) & (total > total2) & ((1.0 - pe < 1.0 / ratings2) | (estimate < -1.0))] = 5
        value = np.where(why == 0, estimate, np.nan)
        k_i = (total / total2)[:, None] * np.where(two[None, :], pa_i[None, :] - pe[:, None], 0.0) / (1.0 - pe)[:, None]
        k_i = k_i - (1.0 - value)[:, None] * ((pi_i[None, :, :] - pi[:, None, :]) @ grad[:, :, None])[:, :, 0] \
            / (1.0 - pe)[:, None]
        spread = np.einsum("rp,rp->r", freq, (k_i - value[:, None]) ** 2)
        se = np.where((why == 0) & (total > 1), np.sqrt(np.maximum(spread, 0.0) / (total * (total - 1.0))), np.nan)
    undefined_terms = (why == 1) | (why == 2) | (why == 3)
    return FamilyRows(value, se, np.where(undefined_terms, np.nan, pa), np.where(undefined_terms, np.nan, pe),
                      np.where(why == 1, 0.0, total2), why, estimate, ratings2)


def rows_note(rows: FamilyRows, i: int) -> str:
    """The note of row ``i`` of :func:`family_rows` where it has no value (``""`` where it has one)."""
    why = int(rows.why[i])
    if not why:
        return ""
    if why == 5 and rows.estimate is not None and rows.n_ratings is not None:
        return undefined_note(5, float(rows.p_e[i]), float(rows.estimate[i]), float(rows.n_ratings[i]))
    return UNDEFINED[why]


def family_result(rows: FamilyRows, i: int, once: float, convention: str = "gwet") -> FamilyResult:
    """Row ``i`` of :func:`family_rows` as a :class:`FamilyResult` with its note."""
    why = int(rows.why[i])
    n_variance = float(rows.n_units[i]) + (once if convention == "gwet" else 0.0)
    if why:
        return FamilyResult(np.nan, np.nan, float(rows.p_a[i]), float(rows.p_e[i]), float(rows.n_units[i]), once,
                            rows_note(rows, i), n_variance)
    note = ""
    if convention == "pairable" and once:
        note = (f"{once:g} unit(s) rated by one coder left out of every term (convention 'pairable'; "
                "Gwet's convention keeps them in chance agreement)")
    return FamilyResult(float(rows.value[i]), float(rows.se[i]), float(rows.p_a[i]), float(rows.p_e[i]),
                        float(rows.n_units[i]), once, note, n_variance)


def family(uc: UnitCounts, model: str, w: np.ndarray, q: int, convention: str = "gwet") -> FamilyResult:
    """Coefficient, standard error and terms for one chance model (see the module docstring)."""
    n, f, once = rated(uc, convention)
    return family_result(family_rows(n, f[None, :], model, w, q), 0, once, convention)


def family_replicates(patterns: np.ndarray, freq: np.ndarray, model: str, w: np.ndarray, q: int) -> np.ndarray:
    """Coefficient for each row of ``freq`` (replicates x patterns), all at once.

    ``patterns`` are distinct units (count rows) of the convention in use, rated once or more;
    ``freq`` how often each occurs in each bootstrap replicate. Units rated once count in the
    category shares only, as in :func:`family`.
    """
    pa_p, pi_p = unit_terms(patterns, w)
    two = patterns.sum(axis=1) >= 2
    total2 = freq[:, two].sum(axis=1)
    total = freq.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa = (freq @ pa_p) / total2
        pi = (freq @ pi_p) / total[:, None]
    pe, _ = chance(model, pi, w, q)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (pa - pe) / (1.0 - pe)
    out[np.isclose(pe, 1.0, rtol=0, atol=1e-12) | (total2 == 0)] = np.nan
    return out

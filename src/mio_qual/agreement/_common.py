"""Small helpers the coefficient modules share."""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import InputError
from ._data import UnitCounts, unit_counts, weight_matrix
from ._multirater import FamilyResult, family
from .diagnostics import z_value
from .results import Agreement

SOURCES = {
    "percent_agreement": "Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., ch. 2; Wilson (1927)",
    "cohen_kappa": "Cohen (1960); weighted: Cohen (1968); SE: Fleiss, Cohen & Everitt (1969)",
    "scott_pi": "Scott (1955); SE: Gwet (2008)",
    "fleiss_kappa": "Fleiss (1971); missing data and SE: Gwet (2008, 2014)",
    "brennan_prediger": "Brennan & Prediger (1981); SE: Gwet (2014)",
    "pabak": "Byrt, Bishop & Carlin (1993); interval from Wilson (1927) on p_o",
    "gwet_ac1": "Gwet (2008), Br J Math Stat Psychol 61:29-48",
    "gwet_ac2": "Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., ch. 3",
    "krippendorff_alpha": "Krippendorff (2011), Computing Krippendorff's Alpha-Reliability; Krippendorff (2004)",
}


def wald(value: float, se: float, confidence: float) -> tuple[float, float]:
    """value +/- z se, kept inside [-1, 1]."""
    if math.isnan(value) or math.isnan(se):
        return (math.nan, math.nan)
    z = z_value(confidence)
    return (max(-1.0, value - z * se), min(1.0, value + z * se))


def from_family(statistic: str, uc: UnitCounts, model: str, w: np.ndarray, weights_name: str, q: int,
                confidence: float) -> tuple[Agreement, FamilyResult]:
    """An :class:`Agreement` for a multi-rater coefficient with its Wald interval."""
    res = family(uc, model, w, q)
    low, high = wald(res.value, res.se, confidence)
    agreement = Agreement(
        statistic=statistic, value=res.value, se=res.se, ci_low=low, ci_high=high,
        ci_method="wald" if not math.isnan(low) else "", confidence=confidence,
        observed=res.p_a, expected=res.p_e, basis="agreement", n_units=int(round(res.n_units)),
        n_coders=uc.n_coders, n_categories=q, n_set_aside=int(round(res.n_set_aside)), weights=weights_name,
        note=res.note if res.note else ("" if res.n_units > 1 else "one unit: no standard error"),
        source=SOURCES[statistic],
    )
    return agreement, res


def pooled_coefficient(
    statistic: str,
    model: str,
    data: Any,
    weights: Any,
    *,
    table: Any,
    categories: Sequence[Any] | None,
    missing: Any,
    counts: Any,
    confidence: float,
    n_boot: int,
    seed: Any,
    interval: Callable[[Agreement, FamilyResult, UnitCounts], Agreement] | None = None,
) -> Agreement:
    """A coefficient of the pooled-chance family (percent agreement, Fleiss, Brennan-Prediger, AC1/AC2).

    Counts the data, applies the agreement weights, computes the coefficient with its Wald
    interval (:func:`from_family`), lets ``interval`` replace that interval when the value is
    defined, and with ``n_boot`` replaces it again by a units bootstrap (:func:`with_bootstrap`).
    The formulas and their sources are in :mod:`mio_qual.agreement._multirater`.
    """
    uc = unit_counts(data, table=table, categories=categories, missing=missing, counts=counts)
    w, name = weight_matrix(weights, uc.values)
    result, res = from_family(statistic, uc, model, w, name, len(uc.values), confidence)
    if interval is not None and result.defined:
        result = interval(result, res, uc)
    return with_bootstrap(result, statistic, n_boot, seed, data=data, table=table, weights=w,
                          categories=categories, missing=missing, counts=counts)


def with_bootstrap(result: Agreement, statistic: str, n_boot: int, seed: Any, **kwargs: Any) -> Agreement:
    """``result`` with a units-bootstrap percentile interval when ``n_boot`` is given and the value is defined.

    ``kwargs`` are the data as :func:`mio_qual.agreement.bootstrap.bootstrap` takes them.
    """
    check_boot(n_boot)
    if not n_boot or not result.defined:
        return result
    from .bootstrap import bootstrap

    boot = bootstrap(statistic, n_boot=n_boot, seed=seed, confidence=result.confidence, **kwargs)
    note = f"{boot.n_undefined} undefined replicates" if boot.n_undefined else None
    return result.with_interval(boot.ci_low, boot.ci_high, "bootstrap-units", note=note)


def check_boot(n_boot: int) -> None:
    """Refuse a number of bootstrap replicates that is not a whole number >= 0."""
    if n_boot < 0 or int(n_boot) != n_boot:
        raise InputError(f"n_boot must be a whole number >= 0, got {n_boot}")

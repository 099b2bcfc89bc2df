"""Small helpers the coefficient modules share."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import InputError
from ._data import UnitCounts
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


def n_categories(uc: UnitCounts, categories: Any) -> int:
    """q: the declared categories, else those observed."""
    return len(uc.values) if categories is not None else int((uc.counts.sum(axis=0) > 0).sum())


def check_boot(n_boot: int) -> None:
    if n_boot < 0 or int(n_boot) != n_boot:
        raise InputError(f"n_boot must be a whole number >= 0, got {n_boot}")

"""Small helpers the coefficient modules share: intervals, input checks, the bootstrap hook."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np

from ..citations import STATISTIC_SOURCES, statistic_sources
from ..errors import InputError
from ..validation import refusal
from ._data import UnitCounts, unit_counts, weight_matrix
from ._multirater import FamilyResult, check_convention, family
from .diagnostics import z_value
from .results import Agreement

#: Each coefficient's sources, from the one citation table (:data:`mio_qual.citations.STATISTIC_SOURCES`).
SOURCES = {statistic: statistic_sources(statistic) for statistic in STATISTIC_SOURCES}


#: A standard error at or below this is a degenerate variance, not a measured precision.
_DEGENERATE_SE = 1e-12

#: Why a coefficient with a standard error of 0 gets no interval.
DEGENERATE_NOTE = ("no standard error or interval: the variance is 0, a degenerate case (perfect agreement, or "
                   "a coder who used one category only), not certainty")


def quantile(confidence: float, df: float | None = None) -> float:
    """The two-sided quantile of a Wald interval: Student's t with ``df`` degrees of freedom, else normal.

    Gwet's linearized standard errors come with t quantiles on n - 1 degrees of freedom, n the
    units in the variance (Gwet 2014, ch. 5; irrCAC's ``qt(1 - (1 - conflev)/2, n - 1)``);
    Cohen's kappa with the Fleiss, Cohen & Everitt (1969) standard error uses the normal one, as
    statsmodels does. With ten units the t quantile is 2.262 against 1.960.

    >>> round(quantile(0.95), 4), round(quantile(0.95, 11), 4)
    (1.96, 2.201)
    """
    z = z_value(confidence)
    if df is None or not df >= 1 or math.isinf(df):
        return z
    return _t(confidence, float(df))


@lru_cache(maxsize=256)
def _t(confidence: float, df: float) -> float:
    """Student's t quantile, once per (confidence, df): a table's rows share a handful of df values."""
    return float(_stdtrit(df, 0.5 + confidence / 2.0))


def _stdtrit(df: Any, p: float) -> Any:
    """``scipy.special.stdtrit``, the function ``scipy.stats.t.ppf`` evaluates (importing scipy.stats costs 0.4 s
    and 45 MiB); a ufunc, so an array of df gives each element what a single call gives."""
    from scipy.special import stdtrit

    return stdtrit(df, p)


def quantiles(confidence: float, df: np.ndarray) -> np.ndarray:
    """:func:`quantile` for many degrees of freedom at once (one float per element of ``df``).

    The normal quantile where ``df`` is NaN, below 1 or infinite; elsewhere Student's t,
    evaluated once per distinct df (one call of the ufunc over them), so each element equals
    what :func:`quantile` gives for it.
    """
    z = z_value(confidence)
    df = np.asarray(df, dtype=np.float64)
    out = np.full(df.shape, z)
    student = (df >= 1) & ~np.isinf(df)
    if student.any():
        distinct, where = np.unique(df[student], return_inverse=True)
        out[student] = np.asarray(_stdtrit(distinct, 0.5 + confidence / 2.0), dtype=np.float64)[where.reshape(-1)]
    return out


def wald_rows(value: np.ndarray, se: np.ndarray, confidence: float,
              df: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`wald_interval` for many rows at once: standard error, low, high, and where the variance is degenerate.

    Element by element what :func:`wald_interval` gives (its note gains :data:`DEGENERATE_NOTE`
    where the last array is True); ``df`` as for :func:`quantiles` (None: normal quantile).
    """
    value = np.asarray(value, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    known = ~np.isnan(value) & ~np.isnan(se)
    degenerate = known & (se <= _DEGENERATE_SE)
    defined = known & ~degenerate
    low = np.full(value.shape, math.nan)
    high = np.full(value.shape, math.nan)
    if defined.any():
        q = z_value(confidence) if df is None else quantiles(confidence, np.asarray(df, dtype=np.float64)[defined])
        v, s = value[defined], se[defined]
        below, above = v - q * s, v + q * s
        low[defined] = np.where(below > -1.0, below, -1.0)     # max(-1.0, v - q s), as the scalar code takes it
        high[defined] = np.where(above < 1.0, above, 1.0)     # min(1.0, v + q s)
    return np.where(degenerate, math.nan, se), low, high, degenerate


def wald(value: float, se: float, confidence: float, df: float | None = None) -> tuple[float, float]:
    """value +/- q se (q from :func:`quantile`), kept inside [-1, 1]; NaN when the variance is missing or degenerate.

    A standard error of 0 (every unit agrees perfectly, or one coder used a single category,
    where kappa is 0 with variance 0) does not mean the coefficient is known exactly: the
    large-sample variance has broken down. The interval is then NaN, as in irrCAC, vcd and
    statsmodels, and :func:`wald_interval` says why.
    """
    if math.isnan(value) or math.isnan(se) or se <= _DEGENERATE_SE:
        return (math.nan, math.nan)
    q = quantile(confidence, df)
    return (max(-1.0, value - q * se), min(1.0, value + q * se))


def wald_interval(value: float, se: float, confidence: float,
                  note: str = "", df: float | None = None) -> tuple[float, float, float, str, str]:
    """Standard error, Wald interval, its method name (``"wald"`` or ``""``) and the note.

    A degenerate standard error (0) is returned as NaN, and the note says why, as irrCAC and
    statsmodels leave it undefined there.
    """
    low, high = wald(value, se, confidence, df)
    if not math.isnan(value) and not math.isnan(se) and se <= _DEGENERATE_SE:
        se = math.nan
        note = "; ".join(x for x in (note, DEGENERATE_NOTE) if x)
    return se, low, high, ("wald" if not math.isnan(low) else ""), note


def from_family(statistic: str, uc: UnitCounts, model: str, w: np.ndarray, weights_name: str, q: int,
                confidence: float, convention: str = "gwet") -> tuple[Agreement, FamilyResult]:
    """An :class:`Agreement` for a multi-rater coefficient with its Wald interval."""
    res = family(uc, model, w, q, convention)
    return family_agreement(statistic, res, uc.n_coders, weights_name, q, confidence), res


def family_agreement(statistic: str, res: FamilyResult, n_coders: int, weights_name: str, q: int,
                     confidence: float) -> Agreement:
    """The :class:`Agreement` of a computed multi-rater coefficient, with its Wald interval."""
    note = res.note if res.note else ("" if res.n_units > 1 else "one unit: no standard error")
    # Gwet's SE: t on n - 1 degrees of freedom (percent agreement's Wald interval is replaced by Wilson's)
    se, low, high, method, note = wald_interval(res.value, res.se, confidence, note, df=res.n_variance - 1.0)
    return Agreement(
        statistic=statistic, value=res.value, se=se, ci_low=low, ci_high=high,
        ci_method=method, confidence=confidence,
        observed=res.p_a, expected=res.p_e, basis="agreement", n_units=int(round(res.n_units)),
        n_coders=n_coders, n_categories=q, n_set_aside=int(round(res.n_set_aside)), weights=weights_name,
        note=note, source=SOURCES[statistic],
    )


def blanks_as_missing(data: Any) -> Any:
    """``data`` with blank text cells (empty or only spaces) as missing ratings.

    A blank cell in a spreadsheet is a rating nobody gave, not a category. Numeric data and
    anything that is not a two-dimensional table pass through unchanged (the readers of
    :mod:`mio_qual.agreement._data` then give their own errors).
    """
    if data is None or isinstance(data, UnitCounts):
        return data
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        arr = data.to_numpy()
    else:
        try:
            arr = np.asarray(data)
        except ValueError:
            return data
    if arr.ndim != 2 or arr.dtype.kind not in "OUS":
        return data
    blank = np.frompyfunc(lambda v: isinstance(v, str) and not v.strip(), 1, 1)(arr).astype(bool)
    if not blank.any():
        return data
    out = arr.astype(object)
    out[blank] = None
    return out


def is_identity(weights: Any) -> bool:
    """True for the names of unweighted agreement (and None)."""
    return weights is None or (isinstance(weights, str) and weights in ("identity", "none", "unweighted", "nominal"))


def require_order(values: np.ndarray, categories: Sequence[Any] | None, what: str) -> None:
    """Refuse an ordered analysis of text labels whose order was not given.

    Text labels have no order of their own; sorting them alphabetically puts "hi" before "lo"
    before "mid", and an ordinal, interval or weighted coefficient then measures the wrong
    distances.
    """
    if categories is None and values.dtype == object and len(values) > 1:
        shown = ", ".join(repr(v) for v in values.tolist()[:4])
        raise InputError(f"{what} on text labels ({shown}) needs their order",
                         hint="pass categories=[...] from lowest to highest")


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
    convention: str = "gwet",
    interval: Callable[[Agreement, FamilyResult, UnitCounts], Agreement] | None = None,
) -> Agreement:
    """A coefficient of the pooled-chance family (percent agreement, Fleiss, Brennan-Prediger, AC1/AC2).

    Counts the data, applies the agreement weights, computes the coefficient with its Wald
    interval (:func:`from_family`), lets ``interval`` replace that interval when the value is
    defined, and with ``n_boot`` replaces it again by a units bootstrap (:func:`with_bootstrap`).
    The formulas, the two conventions for units rated once and their sources are in
    :mod:`mio_qual.agreement._multirater`.
    """
    check_convention(convention)
    data = blanks_as_missing(data)
    uc = unit_counts(data, table=table, categories=categories, missing=missing, counts=counts)
    if not is_identity(weights):
        require_order(uc.values, categories, "weighted agreement")
    w, name = weight_matrix(weights, uc.values)
    result, res = from_family(statistic, uc, model, w, name, len(uc.values), confidence, convention)
    if interval is not None and result.defined:
        result = interval(result, res, uc)
    return with_bootstrap(result, statistic, n_boot, seed, data=data, table=table, weights=w,
                          categories=categories, missing=missing, counts=counts, convention=convention)


def with_bootstrap(result: Agreement, statistic: str, n_boot: int, seed: Any, **kwargs: Any) -> Agreement:
    """``result`` with a units-bootstrap percentile interval when ``n_boot`` is given and the value is defined.

    ``kwargs`` are the data as :func:`mio_qual.agreement.bootstrap.bootstrap` takes them. A
    bootstrap distribution that is a single point (every replicate equal, as with perfect
    agreement) gives no interval either: NaN with a note.
    """
    check_boot(n_boot)
    if not n_boot or not result.defined:
        return result
    from .bootstrap import bootstrap

    boot = bootstrap(statistic, boot=n_boot, seed=seed, confidence=result.confidence, **kwargs)
    return boot_interval(result, boot)


def boot_interval(result: Agreement, boot: Any) -> Agreement:
    """``result`` with the interval of a :class:`~mio_qual.agreement.results.BootstrapResult`."""
    notes = [f"{boot.n_undefined} undefined replicates"] if boot.n_undefined else []
    low, high = boot.ci_low, boot.ci_high
    if not (math.isnan(low) or math.isnan(high)) and high - low <= _DEGENERATE_SE:
        low = high = math.nan
        notes.append("no interval: every bootstrap replicate gave the same value (a degenerate distribution)")
    se = boot.se if result.statistic == "krippendorff_alpha" else None
    return result.with_interval(low, high, f"bootstrap-{boot.method}" if not math.isnan(low) else "", se=se,
                                note="; ".join(notes) or None)


def check_boot(n_boot: int) -> None:
    """Refuse a number of bootstrap replicates that is not a whole number >= 0."""
    if n_boot < 0 or int(n_boot) != n_boot:
        raise refusal("boot", n_boot)

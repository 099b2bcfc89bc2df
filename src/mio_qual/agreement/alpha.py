"""Krippendorff's alpha for reliability data with any number of coders and missing values.

The computation follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":

1. Count, for every unit u, how many coders gave each value: n_uc. Units with fewer than two
   values (m_u < 2) are not pairable and drop out.
2. The coincidence matrix o_ck = sum_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1) counts every
   ordered pair of values within a unit, each unit contributing m_u pairable values. Its
   margins are n_c and its total n = n_.. (the number of pairable values).
3. alpha = 1 - D_o / D_e with D_o = sum_ck o_ck delta2_ck / n and
   D_e = sum_ck n_c n_k delta2_ck / (n (n - 1)).

The difference functions delta2 are (Krippendorff 2011, section E):

* nominal: 0 if c = k, else 1;
* ordinal: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, using the ranks of the values and the
  margins of the coincidence matrix;
* interval: (c - k)^2;
* ratio: ((c - k) / (c + k))^2.

Everything is vectorized, with no Python loop over units: units are counted value by value
and pooled into distinct patterns (see :func:`mio_qual.agreement._data.compress`), and the
coincidence matrix is one matrix product over the patterns. Data with very many distinct
values (continuous ratings) never build a values x values matrix: D_o is summed coder pair by
coder pair and D_e has a closed form (see :func:`_alpha_wide`).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..deprecation import renamed
from ..errors import InputError
from ._common import SOURCES, blanks_as_missing, boot_interval, check_boot, require_order, wald_interval
from ._data import UnitCounts, unit_counts
from .results import Agreement

LEVELS = ("nominal", "ordinal", "interval", "ratio")

__all__ = ["krippendorff_alpha", "coincidence_matrix", "LEVELS"]


def _check_level(level: str, values: np.ndarray, categories: Sequence[Any] | None = None) -> None:
    """Refuse a level of measurement the values cannot carry.

    Interval and ratio alpha need numbers; ordinal alpha on text labels needs their order
    (``categories=``); ratio alpha needs values of at least 0, since a ratio scale has a
    true zero and the ratio metric ((c - k) / (c + k))^2 means nothing across it (with
    negative values it can even report perfect agreement between coders who disagree).
    """
    if level not in LEVELS:
        raise InputError(f"unknown level of measurement {level!r}", hint="use " + ", ".join(LEVELS))
    if level in ("interval", "ratio") and values.dtype == object:
        raise InputError(f"{level} alpha needs numeric values; the data hold text labels",
                         hint="use level='nominal' or 'ordinal' (give the order with categories=)")
    if level == "ordinal":
        require_order(values, categories, "ordinal alpha")
    if level == "ratio" and len(values) and float(np.min(values)) < 0:
        raise InputError(f"ratio alpha needs values of 0 or more; the data hold {float(np.min(values)):g}",
                         hint="use level='interval' for a scale without a true zero")


def coincidences(uc: UnitCounts) -> tuple[np.ndarray, float, float]:
    """Coincidence matrix o_ck, pairable units (weighted) and units set aside (weighted)."""
    n = uc.counts
    if not isinstance(n, np.ndarray):       # sparse counts of data with many values
        m = np.asarray(n.sum(axis=1)).reshape(-1)
        coef = np.where(m >= 2, uc.weights / np.where(m >= 2, m - 1.0, 1.0), 0.0)
        scaled = n.multiply(coef[:, None]).tocsr()
        o = np.asarray((scaled.T @ n).toarray(), dtype=np.float64)
        o[np.diag_indices_from(o)] -= np.asarray(scaled.sum(axis=0)).reshape(-1)
        return o, float(uc.weights[m >= 2].sum()), float(uc.weights[m == 1].sum())
    o, units, set_aside = coincidence_rows(n, uc.weights[None, :])
    return o[0], float(units[0]), float(set_aside[0])


def coincidence_rows(patterns: np.ndarray, freq: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coincidence matrices, pairable units and units set aside for each row of ``freq`` (R x P).

    ``patterns`` are P distinct units (P x values counts); row r of ``freq`` weights them. Each
    pattern adds (n_c n_k - [c = k] n_c) / (m - 1) times its weight to o_ck (units with one
    value add nothing).
    """
    m = patterns.sum(axis=1)
    with np.errstate(divide="ignore"):
        coef = 1.0 / (m - 1.0)
    coef[m < 2] = 0.0
    scaled = (freq * coef[None, :])[:, :, None] * patterns[None, :, :]          # R x P x values
    # einsum, not BLAS: a threaded BLAS on these small products waits ~0.1 s for its threads on a busy machine
    o = np.einsum("rpc,pk->rck", scaled, patterns)
    idx = np.arange(patterns.shape[1])
    o[:, idx, idx] -= scaled.sum(axis=1)
    return o, freq[:, m >= 2].sum(axis=1), freq[:, m == 1].sum(axis=1)


def delta_matrix(level: str, values: np.ndarray, margins: np.ndarray) -> np.ndarray:
    """Squared differences delta2_ck for a level of measurement (Krippendorff 2011, section E)."""
    if level == "nominal":
        d = np.ones((len(values), len(values)))
        np.fill_diagonal(d, 0.0)
        return d
    if level == "ordinal":
        # sum_{g=c..k} n_g - (n_c + n_k)/2 equals the difference of the "mid-rank" positions
        # cumsum(n)_g - n_g / 2 of the two values.
        mid = np.cumsum(margins, axis=-1) - margins / 2.0
        return (mid[..., :, None] - mid[..., None, :]) ** 2
    x = np.asarray(values, dtype=np.float64)
    if level == "interval":
        return (x[:, None] - x[None, :]) ** 2
    total = x[:, None] + x[None, :]
    diff = x[:, None] - x[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(total == 0, 0.0, (diff / np.where(total == 0, 1.0, total)) ** 2)
    return d


#: Why alpha is undefined (:func:`alpha_rows`; 0: defined).
ALPHA_NOTES = {
    1: "undefined: no pairable values (no unit has two or more ratings)",
    2: "undefined: no variation (all pairable values are the same), so D_e = 0 and alpha = 1 - 0/0 "
       "(Krippendorff 2011)",
}


def alpha_rows(o: np.ndarray, level: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """alpha, D_o, D_e and why (0, or a key of :data:`ALPHA_NOTES`) for R coincidence matrices (R x q x q)."""
    margins = o.sum(axis=2)
    n = margins.sum(axis=1)
    d = delta_matrix(level, values, margins)
    d = np.broadcast_to(d, o.shape)
    why = np.zeros(n.shape, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_o = (o * d).sum(axis=(1, 2)) / n
        d_e = np.einsum("ri,rij,rj->r", margins, d, margins) / (n * (n - 1.0))
        why[d_e <= 0] = 2
        why[n <= 1] = 1
        value = np.where(why == 0, 1.0 - d_o / d_e, np.nan)
    return value, np.where(why == 1, np.nan, d_o), np.where(why == 1, np.nan, d_e), why


def alpha_from_coincidences(o: np.ndarray, level: str, values: np.ndarray) -> tuple[float, float, float, str]:
    """alpha, D_o, D_e and a note, from a coincidence matrix (:func:`alpha_rows` of one matrix)."""
    value, d_o, d_e, why = alpha_rows(np.asarray(o, dtype=np.float64)[None], level, values)
    return float(value[0]), float(d_o[0]), float(d_e[0]), ALPHA_NOTES.get(int(why[0]), "")


def gwet_alpha_se(uc: UnitCounts, level: str) -> tuple[float, str]:
    """Gwet's (2014) analytic standard error of Krippendorff's alpha, and a note when there is none.

    Alpha is written as a chance-corrected agreement (p_a - p_e) / (1 - p_e) with agreement
    weights w = 1 - delta2 / max(delta2), over the n pairable units, r-bar their mean number of
    values:

        p_a' = (1/n) sum_i sum_k r_ik (r*_ik - 1) / (r-bar (r_i - 1)),
        p_a = (1 - 1/n..) p_a' + 1/n..,   pi_k = (1/n) sum_i r_ik / r-bar,
        p_e = sum_kl w_kl pi_k pi_l,

    which equals 1 - D_o / D_e exactly. Each unit then gets the linearized value

        a_i = [p_a,i - p_e - 2 (1 - alpha') (p_e,i - p_e)] / (1 - p_e),
        p_a,i = sum_k r_ik (r*_ik - 1) / (r-bar (r_i - 1)) - p_a' (r_i - r-bar) / r-bar,
        p_e,i = sum_k r_ik pibar_k / r-bar - p_e (r_i - r-bar) / r-bar,

    with alpha' = (p_a' - p_e) / (1 - p_e) and pibar = (w + w^T) pi / 2, and
    ``var = sum_i (a_i - alpha')^2 / (n (n - 1))`` (Gwet 2014, ch. 5; irrCAC's
    ``krippen.alpha.raw``). The ordinal metric depends on the data's own margins, which this
    linearization holds fixed, so ordinal alpha gets no analytic standard error (use the
    bootstrap).
    """
    if level == "ordinal":
        return math.nan, "no analytic standard error for ordinal alpha (its metric depends on the data): use boot"
    if not isinstance(uc.counts, np.ndarray):
        return math.nan, ""
    return float(alpha_se_rows(uc.counts, uc.weights[None, :], level, uc.values)[0]), ""


def alpha_se_rows(patterns: np.ndarray, freq: np.ndarray, level: str, values: np.ndarray) -> np.ndarray:
    """Gwet's standard error of alpha (see :func:`gwet_alpha_se`) for each row of ``freq`` (R x P).

    ``patterns`` are P distinct units (P x values counts), ``level`` is not ordinal. NaN where
    fewer than two units are pairable, where every pair of values agrees, or where p_e is 1.
    """
    r_all = patterns.sum(axis=1)
    keep = r_all >= 2
    n_ik, f = patterns[keep], freq[:, keep]
    n = f.sum(axis=1)
    r = n_ik.sum(axis=1)
    delta = delta_matrix(level, values, np.ones(len(values)))
    top = float(delta.max()) if delta.size else 0.0
    if top <= 0 or not n_ik.shape[0]:
        return np.full(freq.shape[0], np.nan)
    w = 1.0 - delta / top
    with np.errstate(invalid="ignore", divide="ignore"):
        r_bar = (f @ r) / n
        pa_unit = (n_ik * (n_ik @ w.T - 1.0)).sum(axis=1)[None, :] / (r_bar[:, None] * (r - 1.0)[None, :])
        pa_prime = np.einsum("rp,rp->r", f, pa_unit) / n
        pi = (f @ n_ik) / (n * r_bar)[:, None]
        pe = np.einsum("ri,ij,rj->r", pi, w, pi)
        alpha_prime = (pa_prime - pe) / (1.0 - pe)
        spread = (r[None, :] - r_bar[:, None]) / r_bar[:, None]
        pa_i = pa_unit - pa_prime[:, None] * spread
        pe_i = (pi @ ((w + w.T) / 2.0).T) @ n_ik.T / r_bar[:, None] - pe[:, None] * spread
        a_i = (pa_i - pe[:, None] - 2.0 * (1.0 - alpha_prime)[:, None] * (pe_i - pe[:, None])) / (1.0 - pe)[:, None]
        se = np.sqrt(np.maximum(np.einsum("rp,rp->r", f, (a_i - alpha_prime[:, None]) ** 2), 0.0) / (n * (n - 1.0)))
    undefined = (n < 2) | (np.abs(pe - 1.0) <= np.maximum(1e-9 * np.maximum(np.abs(pe), 1.0), 1e-12))
    return np.where(undefined, np.nan, se)


def _alpha_wide(data: Any, categories: Any, missing: Any, counts: Any, level: str
                ) -> tuple[float, float, float, str, float, float]:
    """Alpha of data with very many distinct values, without a values x values matrix.

    D_o sums the differences of every pair of values within a unit, coder pair by coder pair;
    D_e uses sum_ck n_c n_k delta2_ck = 2 n sum_c n_c x_c^2 - 2 (sum_c n_c x_c)^2 for the
    interval metric (x the values) and the ordinal one (x the mid-rank positions of the values,
    see :func:`delta_matrix`), n^2 - sum n_c^2 for the nominal one, and blocks of rows for the
    ratio metric. Returns alpha, D_o, D_e, note, pairable units and units set aside.
    """
    from ._data import _unit_weights, coder_codes

    codes, values = coder_codes(data, categories=categories, missing=missing)
    n_units = codes.shape[1]
    w = _unit_weights(counts, n_units)
    valid = codes >= 0
    m = valid.sum(axis=0)
    pair = (m >= 2) & (w > 0)
    coef = np.where(pair, w / np.where(pair, m - 1.0, 1.0), 0.0)
    n_c = np.zeros(len(values))
    for row, ok in zip(codes, valid):
        sel = ok & pair
        n_c += np.bincount(row[sel], weights=w[sel], minlength=len(values))
    n = float(n_c.sum())
    units, set_aside = float(w[pair].sum()), float(w[m == 1].sum())
    if n <= 1:
        return math.nan, math.nan, math.nan, "undefined: no pairable values (no unit has two or more ratings)", \
            units, set_aside
    if level == "ordinal":
        x = np.cumsum(n_c) - n_c / 2.0
    elif level == "nominal":
        x = np.arange(len(values), dtype=np.float64)
    else:
        x = np.asarray(values, dtype=np.float64)

    def diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if level == "nominal":
            return (a != b).astype(np.float64)
        if level == "ratio":
            total = a + b
            return np.where(total == 0, 0.0, ((a - b) / np.where(total == 0, 1.0, total)) ** 2)
        return (a - b) ** 2

    observed = 0.0
    for i in range(codes.shape[0]):
        for j in range(i + 1, codes.shape[0]):
            both = valid[i] & valid[j] & pair
            observed += 2.0 * float(coef[both] @ diff(x[codes[i, both]], x[codes[j, both]]))
    if level == "nominal":
        expected = n * n - float(n_c @ n_c)
    elif level in ("interval", "ordinal"):
        expected = 2.0 * n * float(n_c @ x ** 2) - 2.0 * float(n_c @ x) ** 2
    else:
        expected = 0.0
        for start in range(0, len(x), 2048):
            block = slice(start, start + 2048)
            expected += float(n_c[block] @ diff(x[block, None], x[None, :]) @ n_c)
    d_o, d_e = observed / n, expected / (n * (n - 1.0))
    if d_e <= 0:
        return math.nan, d_o, d_e, "undefined: no variation (all pairable values are the same)", units, set_aside
    return 1.0 - d_o / d_e, d_o, d_e, "", units, set_aside


def coincidence_matrix(data: Any = None, *, categories: Sequence[Any] | None = None, missing: Any = None,
                       counts: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """The coincidence matrix of reliability data and the values of its rows.

    Examples
    --------
    Krippendorff (1980) binary example: 10 units, two coders.

    >>> o, values = coincidence_matrix([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    ...                                 [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    >>> o.tolist(), values.tolist()
    ([[10.0, 4.0], [4.0, 2.0]], [0.0, 1.0])
    """
    uc = unit_counts(data, categories=categories, missing=missing, counts=counts)
    o, _, _ = coincidences(uc)
    return o, uc.values


@renamed(n_boot="boot")
def krippendorff_alpha(
    data: Any = None,
    level: str = "nominal",
    *,
    categories: Sequence[Any] | None = None,
    missing: Any = None,
    counts: Any = None,
    boot: int = 0,
    boot_method: str = "units",
    confidence: float = 0.95,
    seed: int | np.random.Generator | None = None,
) -> Agreement:
    """Krippendorff's alpha for any number of coders, with missing values.

    Parameters
    ----------
    data : array-like or DataFrame
        Reliability data: coders x units (one row per coder), NaN or None for a missing value.
        Values may be numbers or text labels (labels only for nominal and ordinal alpha).
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, which picks the difference function.
    categories : sequence, optional
        The values in order (ordinal alpha on text labels needs this order).
    missing : object, optional
        A further marker of a missing value, such as ``"."``.
    counts : array-like, optional
        A frequency weight per unit (column): the column stands for that many identical units.
    boot : int
        Bootstrap replicates for a percentile interval; 0 (default) gives the Wald interval of
        Gwet's analytic standard error (see :func:`gwet_alpha_se`).
    boot_method : {"units", "krippendorff"}
        ``"units"`` (default): units drawn with replacement and alpha recomputed, an interval
        with its nominal coverage. ``"krippendorff"``: Krippendorff's algorithm (Hayes &
        Krippendorff 2007), drawing pairs of values from the coincidence matrix with D_e held
        fixed; it reproduces Krippendorff's published intervals but is too narrow with
        several coders (about 70-75% coverage for a 95% interval with 5 coders and 40 units).
        See :mod:`mio_qual.agreement.bootstrap`.
    confidence : float
        Level of the interval.
    seed : int or numpy Generator, optional
        For a reproducible bootstrap.

    Returns
    -------
    Agreement
        ``value`` is alpha; ``observed`` and ``expected`` are D_o and D_e
        (``basis == "disagreement"``); ``n_units`` counts pairable units and ``n_set_aside``
        units with a single value (Krippendorff's rule and Gwet's agree here: a unit with
        one value leaves alpha). ``se`` is Gwet's analytic standard error, or with
        ``boot`` the standard deviation of the bootstrap replicates.

    Notes
    -----
    Edge cases, decided rather than left to chance:

    * no unit with two or more values (including all missing): alpha is NaN, with a note;
    * a single value used throughout (no variation): D_o = D_e = 0 and alpha is undefined
      (NaN, with a note), as Krippendorff (2011) prescribes; the data cannot show reliability;
    * a single pairable unit: alpha follows the formula (for two coders who disagree,
      D_o = D_e and alpha = 0);
    * a standard error of 0 (perfect agreement) is a degenerate variance: no interval (NaN),
      with a note; the same for a bootstrap whose replicates are all equal;
    * blank text cells are missing values; ordinal alpha on text labels needs their order
      (``categories=``); ratio alpha needs values of 0 or more.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43

    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology* (2nd ed.),
    ch. 11. Sage.

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
    measure for coding data. *Communication Methods and Measures*, 1(1), 77-89.

    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 5 (variance of
    Krippendorff's alpha). Advanced Analytics.

    Examples
    --------
    Krippendorff (2011): four observers, twelve units, missing values.

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> [round(krippendorff_alpha(data, level).value, 3)
    ...  for level in ("nominal", "ordinal", "interval", "ratio")]
    [0.743, 0.815, 0.849, 0.797]
    >>> krippendorff_alpha(data).n_set_aside  # unit 12 has a single value
    1

    Krippendorff (1980), two coders, binary data:

    >>> a = krippendorff_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    >>> round(a.value, 3), round(a.observed, 3), round(a.expected, 3)
    (0.095, 0.4, 0.442)

    Gwet's standard error on his cac.raw4raters data (the data above with unit 12 rated by
    the third coder only), as irrCAC's ``krippen.alpha.raw`` prints it (0.74342, 0.14548):

    >>> raw4 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, nan],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> a = krippendorff_alpha(raw4)
    >>> round(a.value, 5), round(a.se, 5), a.ci_method
    (0.74342, 0.14548, 'wald')
    """
    check_boot(boot)
    data = blanks_as_missing(data)
    uc = unit_counts(data, categories=categories, missing=missing, counts=counts)
    _check_level(level, uc.values, categories)
    if not isinstance(uc.counts, np.ndarray):
        if boot:
            raise InputError(f"{len(uc.values)} distinct values are too many to bootstrap alpha",
                             hint="round the values (for example to whole numbers) and try again")
        value, d_o, d_e, note, n_units, set_aside = _alpha_wide(data, categories, missing, counts, level)
    else:
        o, n_units, set_aside = coincidences(uc)
        value, d_o, d_e, note = alpha_from_coincidences(o, level, uc.values)
    se = low = high = math.nan
    method = ""
    if not math.isnan(value):
        se, se_note = gwet_alpha_se(uc, level)
        se, low, high, method, note = wald_interval(value, se, confidence, "; ".join(x for x in (note, se_note) if x),
                                                    df=n_units - 1.0)  # Gwet's SE: t on n - 1 (n pairable units)
    result = Agreement(
        statistic="krippendorff_alpha", value=value, se=se, ci_low=low, ci_high=high, ci_method=method,
        observed=d_o, expected=d_e, basis="disagreement",
        confidence=confidence, n_units=int(round(n_units)), n_coders=uc.n_coders, n_categories=len(uc.values),
        n_set_aside=int(round(set_aside)), weights=level, note=note, source=SOURCES["krippendorff_alpha"],
    )
    if boot and not math.isnan(value):
        from .bootstrap import _alpha_bootstrap_from_counts

        booted = _alpha_bootstrap_from_counts(uc, level, n_boot=boot, method=boot_method, confidence=confidence,
                                              seed=seed, value=value)
        result = boot_interval(result, booted)
    return result

"""Turning what users pass (arrays, lists, DataFrames, contingency tables) into counts.

Reliability data are a coders x units array (rows are coders, columns units, the layout of
Krippendorff 2011 and of the ``krippendorff`` package); a missing value is NaN or None (or a
marker given as ``missing=``). Every coefficient is computed from one of two summaries:

* the **unit x category counts** ``N`` (how many coders put unit u in category k), which is
  all that Fleiss' kappa, Gwet's AC1/AC2, Brennan-Prediger, percent agreement and
  Krippendorff's alpha need;
* the **coder 1 x coder 2 contingency table**, which Cohen's kappa needs.

Both can carry frequency weights (``counts``): column j of the data then stands for
``counts[j]`` identical units. The units layer uses this to pass millions of characters as a
handful of distinct patterns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

#: Integer-valued data spanning at most this many values take the sort-free fast path.
_FAST_SPAN = 1 << 16


@dataclass(frozen=True)
class UnitCounts:
    """Unit x category counts with unit frequency weights.

    Attributes
    ----------
    counts : numpy.ndarray
        Float array, rows x categories: how many coders put a unit in each category. Rows are
        distinct unit patterns (see :func:`compress`), not units in their original order.
    weights : numpy.ndarray
        Float array: how many units (or how much frequency weight) each row stands for.
    values : numpy.ndarray
        The category values, in order (sorted unless ``categories=`` fixed the order).
    n_coders : int
        Rows of the original data (coders), or 2 for a contingency table.
    """

    counts: np.ndarray
    weights: np.ndarray
    values: np.ndarray
    n_coders: int


def _missing_mask(arr: np.ndarray, missing: Any) -> np.ndarray:
    mask = pd.isna(arr)
    if missing is not None:
        mask = mask | (arr == missing)
    return np.asarray(mask, dtype=bool)


def _as_array(data: Any) -> np.ndarray:
    if isinstance(data, pd.DataFrame):
        arr = data.to_numpy()
    elif isinstance(data, pd.Series):
        raise InputError("reliability data must be two-dimensional (coders x units)",
                         hint="pass a DataFrame or an array with one row per coder")
    elif isinstance(data, np.ndarray):
        arr = data
    else:
        try:
            arr = np.asarray(data)
        except ValueError:
            arr = None
        if arr is None or (arr.dtype == object and arr.ndim == 1 and len(arr) and
                           all(isinstance(row, (list, tuple, np.ndarray)) for row in arr)):
            lengths = {len(row) for row in data}
            raise InputError("reliability data rows have different lengths "
                             f"({', '.join(str(n) for n in sorted(lengths))})",
                             hint="give every coder one value (or NaN) per unit")
    if arr.ndim != 2:
        raise InputError(f"reliability data must be two-dimensional (coders x units), got {arr.ndim} dimension(s)",
                         hint="pass a list of rows, one per coder, with NaN for a missing value")
    return arr


def _numeric_or_labels(arr: np.ndarray, missing: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Float array with NaN for missing values; or (codes, labels) for non-numeric labels.

    Returns ``(floats, None)`` for numeric data and ``(codes, labels)`` otherwise, where codes
    are float positions into the sorted labels.
    """
    if arr.dtype.kind in "fiu" and missing is None:
        return arr.astype(np.float64, copy=False), None
    if arr.dtype.kind == "b":
        return arr.astype(np.float64), None
    mask = _missing_mask(arr, missing)
    present = arr[~mask]
    kind = pd.api.types.infer_dtype(present, skipna=True) if present.size else "empty"
    if kind in ("integer", "floating", "mixed-integer-float", "decimal", "empty", "boolean"):
        out = np.full(arr.shape, np.nan)
        if present.size:
            out[~mask] = present.astype(np.float64)
        return out, None
    labels = np.array(sorted(set(present.tolist()), key=lambda v: (str(type(v)), v)), dtype=object)
    lookup = {label: i for i, label in enumerate(labels.tolist())}
    out = np.full(arr.shape, np.nan)
    out[~mask] = [lookup[v] for v in present.tolist()]
    return out, labels


def _map_to_categories(x: np.ndarray, labels: np.ndarray | None,
                       categories: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 missing) into the user's ``categories`` (their order is kept)."""
    cats = np.asarray(list(categories), dtype=object)
    if len(set(cats.tolist())) != len(cats):
        raise InputError("categories contain a value twice", hint="list each category once")
    finite = ~np.isnan(x)
    numeric_cats = all(isinstance(c, (int, float, np.number)) and not isinstance(c, bool) for c in cats.tolist())
    if labels is None and numeric_cats and len(cats):
        values = np.asarray(cats.tolist(), dtype=np.float64)
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        present = x[finite]
        pos = np.clip(np.searchsorted(ordered, present), 0, len(ordered) - 1)
        bad = ordered[pos] != present
        if bad.any():
            raise InputError(f"value {present[bad][0]!r} is not among the declared categories",
                             hint="add it to categories= or correct the data")
        codes = np.full(x.shape, -1, dtype=np.int64)
        codes[finite] = order[pos]
        return codes, values
    present = x[finite]
    if labels is not None:
        present_values = labels[present.astype(np.int64)]
    else:
        present_values = present
    lookup = {}
    for i, c in enumerate(cats.tolist()):
        lookup[c] = i
        if isinstance(c, (int, float, np.number)) and not isinstance(c, bool):
            lookup[float(c)] = i
    codes_present = np.empty(present_values.shape[0], dtype=np.int64)
    uniq, inverse = np.unique(present_values, return_inverse=True) if present_values.size else (np.empty(0), np.empty(0, dtype=np.int64))
    uniq_codes = np.empty(len(uniq), dtype=np.int64)
    for j, value in enumerate(uniq.tolist()):
        key = float(value) if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) else value
        if key not in lookup:
            raise InputError(f"value {value!r} is not among the declared categories",
                             hint="add it to categories= or correct the data")
        uniq_codes[j] = lookup[key]
    codes_present[:] = uniq_codes[inverse.reshape(-1)] if present_values.size else codes_present
    codes = np.full(x.shape, -1, dtype=np.int64)
    codes[finite] = codes_present
    try:
        values = np.asarray(cats.tolist(), dtype=np.float64)
    except (TypeError, ValueError):
        values = cats
    return codes, values


def _fast_integer_codes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Sort-free coding of integer-valued float data with a small span.

    Returns ``(shifted, values_present_mask, sentinel)``: ``shifted`` holds value - min as
    integers and ``sentinel`` for a missing value. None when the data are not such.
    """
    if x.size == 0:
        return None
    if not (x == x).any():
        return None
    lo, hi = np.nanmin(x), np.nanmax(x)
    _check_finite(lo, hi)
    if hi - lo > _FAST_SPAN or lo != np.floor(lo):
        return None
    span = int(hi - lo)
    sentinel = span + 1
    shifted = x - lo
    np.nan_to_num(shifted, copy=False, nan=float(sentinel))
    as_int = shifted.astype(np.int64)
    if not np.array_equal(as_int, shifted):
        return None
    return as_int, np.array([lo + i for i in range(span + 1)]), sentinel


#: Integer data spanning at most this many values are counted by comparison, one value at a time.
_SMALL_SPAN = 24


def _check_finite(*values: float) -> None:
    if any(np.isinf(v) for v in values):
        raise InputError("reliability data contain an infinite value", hint="use NaN for a missing value")


def _small_integer_counts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Value x unit counts (small integers) for integer data with few distinct values.

    Counts value by value and coder by coder, with no sort; returns None when the data hold
    other values (then the general path is taken).
    """
    if x.size == 0 or x.shape[1] == 0:
        return None
    n_finite = np.count_nonzero(x == x)
    if n_finite == 0:
        return None
    lo, hi = np.nanmin(x), np.nanmax(x)
    _check_finite(lo, hi)
    if hi - lo >= _SMALL_SPAN or lo != np.floor(lo):
        return None
    span = int(hi - lo) + 1
    dtype = np.uint8 if x.shape[0] < 255 else np.uint32
    n_t = np.zeros((span, x.shape[1]), dtype=dtype)
    for i in range(span):
        row = n_t[i]
        for coder in range(x.shape[0]):
            row += (x[coder] == lo + i).view(np.uint8)
    if int(n_t.sum(dtype=np.int64)) != n_finite:
        return None
    used = n_t.any(axis=1)
    values = lo + np.arange(span, dtype=np.float64)
    if not used.all():
        n_t, values = n_t[used], values[used]
    return n_t, values


def compress(n_t: np.ndarray, weights: np.ndarray | None, n_coders: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct unit patterns (rows of counts) and their total weight.

    ``n_t`` is values x units (small non-negative integers, at most ``n_coders``). Every
    coefficient depends on the units only through these patterns, so a million units with a
    few dozen patterns cost a few dozen rows. Returns (patterns: P x values float, weight: P).
    """
    n_values, n_units = n_t.shape
    distinct = distinct_columns(n_t, n_coders + 1, weights) if n_units and n_values else None
    if distinct is None:
        return n_t.T.astype(np.float64), (np.ones(n_units) if weights is None else weights)
    patterns, freq = distinct
    return patterns.T.astype(np.float64), freq


def distinct_columns(digits: np.ndarray, base: int,
                     weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The distinct columns of ``digits`` and the total weight of the columns equal to each.

    ``digits`` is rows x columns of integers in ``[0, base)``; each column is read as one
    number in that base, so that equal columns are found by counting numbers (a ``bincount``
    when the numbers are few, ``numpy.unique`` otherwise). Returns (rows x P integer array,
    P float weights), or None when a column does not fit in 62 bits.
    """
    n_rows, n_columns = digits.shape
    if n_rows * math.log2(max(base, 2)) > 62:
        return None
    key = np.zeros(n_columns, dtype=np.int64)
    for row in digits:
        key *= base
        key += row
    space = base ** n_rows
    if space <= max(4 * n_columns, 1 << 16):
        freq = np.bincount(key, weights=weights, minlength=space)
        present = np.flatnonzero(freq)
        freq = freq[present]
    else:
        present, inverse = np.unique(key, return_inverse=True)
        freq = np.bincount(inverse.reshape(-1), weights=weights, minlength=present.size)
    out = np.empty((n_rows, present.size), dtype=np.int64)
    rest = present.copy()
    for r in range(n_rows - 1, -1, -1):
        rest, digit = np.divmod(rest, base)
        out[r] = digit
    return out, freq.astype(np.float64)


def coder_codes(data: Any, *, categories: Sequence[Any] | None = None,
                missing: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Integer category codes (coders x units, -1 for missing) and the category values.

    Parameters
    ----------
    data : array-like or DataFrame
        Coders x units, NaN/None for a missing value.
    categories : sequence, optional
        All categories of the scale, in order. Needed when some category was never used
        (it still counts for AC1 and Brennan-Prediger) or to order text labels.
    missing : object, optional
        A further value that marks a missing rating (for example ``"."``).
    """
    arr = _as_array(data)
    x, labels = _numeric_or_labels(arr, missing)
    if categories is not None:
        return _map_to_categories(x, labels, categories)
    if labels is not None:
        codes = np.where(np.isnan(x), -1, x).astype(np.int64)
        return codes, labels
    fast = _fast_integer_codes(x)
    if fast is not None:
        shifted, values, sentinel = fast
        used = np.bincount(shifted.ravel(), minlength=sentinel + 1)[:sentinel] > 0
        lut = np.full(sentinel + 1, -1, dtype=np.int64)
        lut[:sentinel][used] = np.arange(int(used.sum()))
        return lut[shifted], values[used]
    finite = ~np.isnan(x)
    values, inverse = np.unique(x[finite], return_inverse=True)
    if values.size:
        _check_finite(values[0], values[-1])
    codes = np.full(x.shape, -1, dtype=np.int64)
    codes[finite] = inverse.reshape(-1)
    return codes, values


def _unit_weights(counts: Any, n_units: int) -> np.ndarray:
    if counts is None:
        return np.ones(n_units)
    w = np.asarray(counts, dtype=np.float64).reshape(-1)
    if w.shape[0] != n_units:
        raise InputError(f"counts has {w.shape[0]} entries for {n_units} units",
                         hint="give one frequency weight per unit (column)")
    if (w < 0).any() or not np.isfinite(w).all():
        raise InputError("counts must be finite and not negative")
    return w


def unit_counts(data: Any = None, *, table: Any = None, categories: Sequence[Any] | None = None,
                missing: Any = None, counts: Any = None) -> UnitCounts:
    """Unit x category counts from reliability data or from a contingency table.

    A k x k contingency table (rows coder 1, columns coder 2) becomes k*k distinct units,
    each weighted by its cell count.
    """
    if table is not None:
        if data is not None:
            raise InputError("pass either reliability data or a contingency table, not both")
        t = _as_table(table)
        k = t.shape[0]
        rows = np.zeros((k * k, k))
        a, b = np.divmod(np.arange(k * k), k)
        np.add.at(rows, (np.arange(k * k), a), 1.0)
        np.add.at(rows, (np.arange(k * k), b), 1.0)
        values = _table_values(k, categories)
        return UnitCounts(rows, t.reshape(-1).astype(np.float64), values, 2)
    if isinstance(data, UnitCounts):
        return data
    if data is None:
        raise InputError("no reliability data given", hint="pass a coders x units array or table=")
    arr = _as_array(data)
    n_coders, n_units = arr.shape
    weights = None if counts is None else _unit_weights(counts, n_units)
    x, labels = _numeric_or_labels(arr, missing)
    small = _small_integer_counts(x) if categories is None and labels is None else None
    if small is not None:
        n_t, values = small
    else:
        if categories is not None:
            codes, values = _map_to_categories(x, labels, categories)
        elif labels is not None:
            codes, values = np.where(np.isnan(x), -1, x).astype(np.int64), labels
        else:
            codes, values = coder_codes(x)
        if (len(values) + 1) * n_units > _DENSE_LIMIT:
            patterns, freq = _wide_patterns(codes, len(values), weights)
            return UnitCounts(patterns, freq, values, n_coders)
        n_t = _counts_from_codes(codes, len(values))
    patterns, freq = compress(n_t, weights, n_coders)
    return UnitCounts(patterns, freq, values, n_coders)


#: Above this many unit x value cells, counts are built per distinct unit pattern and kept sparse.
_DENSE_LIMIT = 20_000_000


def _wide_patterns(codes: np.ndarray, n_values: int, weights: np.ndarray | None) -> tuple[Any, np.ndarray]:
    """Distinct units (as multisets of values) of data with many values, as sparse counts.

    A unit's counts depend only on the multiset of its codes, so the codes of each unit are
    sorted and identical columns pooled; the pattern x value counts are a sparse matrix, which
    Krippendorff's alpha handles and the kappa family refuses (it needs few categories).
    """
    from scipy import sparse

    ordered = np.sort(codes, axis=0)
    columns, inverse = np.unique(ordered, axis=1, return_inverse=True)
    inverse = inverse.reshape(-1)
    freq = np.bincount(inverse, weights=weights, minlength=columns.shape[1]).astype(np.float64)
    rows = np.broadcast_to(np.arange(columns.shape[1]), columns.shape)
    keep = columns >= 0
    counts = sparse.csr_array((np.ones(int(keep.sum())), (rows[keep], columns[keep])),
                              shape=(columns.shape[1], n_values))
    counts.sum_duplicates()
    return counts, freq


def _counts_from_codes(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Values x units counts from coder x unit codes (-1 missing)."""
    n_units = codes.shape[1]
    width = n_values + 1
    shifted = np.where(codes < 0, n_values, codes)
    index = shifted * n_units + np.arange(n_units, dtype=np.int64)[None, :]
    n = np.bincount(index.ravel(), minlength=width * n_units).reshape(width, n_units)[:n_values]
    return n


def _as_table(table: Any) -> np.ndarray:
    t = np.asarray(table.to_numpy() if isinstance(table, pd.DataFrame) else table, dtype=np.float64)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise InputError(f"a contingency table must be square (k x k), got shape {t.shape}",
                         hint="rows are coder 1's categories, columns coder 2's, in the same order")
    if (t < 0).any() or not np.isfinite(t).all():
        raise InputError("a contingency table holds counts: finite and not negative")
    return t


def _table_values(k: int, categories: Sequence[Any] | None) -> np.ndarray:
    if categories is None:
        return np.arange(k, dtype=np.float64)
    cats = list(categories)
    if len(cats) != k:
        raise InputError(f"{len(cats)} categories given for a {k} x {k} table",
                         hint="give one category per row of the table, in order")
    try:
        return np.asarray(cats, dtype=np.float64)
    except (TypeError, ValueError):
        return np.asarray(cats, dtype=object)


def two_coder_table(data: Any = None, *, table: Any = None, categories: Sequence[Any] | None = None,
                    missing: Any = None, counts: Any = None) -> tuple[np.ndarray, np.ndarray, int]:
    """The k x k table of two coders, the category values, and how many units were set aside.

    Units that either coder left missing are set aside (Cohen's kappa needs both ratings).
    """
    if table is not None:
        if data is not None:
            raise InputError("pass either reliability data or a contingency table, not both")
        t = _as_table(table)
        return t, _table_values(t.shape[0], categories), 0
    if data is None:
        raise InputError("no reliability data given", hint="pass a 2 x units array or table=")
    arr = _as_array(data)
    if arr.shape[0] != 2:
        raise InputError(f"this coefficient compares exactly two coders; the data have {arr.shape[0]} rows",
                         hint="use fleiss_kappa, gwet_ac1 or krippendorff_alpha for more coders")
    weights = _unit_weights(counts, arr.shape[1])
    codes, values = coder_codes(arr, categories=categories, missing=missing)
    k = len(values)
    both = (codes[0] >= 0) & (codes[1] >= 0)
    set_aside = int(round(weights[~both & (weights > 0)].sum())) if (~both).any() else 0
    index = codes[0][both] * k + codes[1][both]
    t = np.bincount(index, weights=weights[both], minlength=k * k).reshape(k, k) if k else np.zeros((0, 0))
    return t.astype(np.float64), values, set_aside


def weight_matrix(weights: Any, values: np.ndarray) -> tuple[np.ndarray, str]:
    """Agreement weights w_kl (1 on the diagonal, 0 for the farthest pair) and their name.

    ``"linear"``: 1 - |x_k - x_l| / (x_max - x_min); ``"quadratic"``: 1 - (x_k - x_l)^2 /
    (x_max - x_min)^2 (Cohen 1968; Fleiss & Cohen 1973; Gwet 2014, ch. 3). The x are the
    category values when they are numbers, their ranks otherwise. A square array is used as
    given (it must have ones on the diagonal).
    """
    k = len(values)
    if weights is None or (isinstance(weights, str) and weights in ("identity", "none", "unweighted", "nominal")):
        return np.eye(k), "identity"
    if isinstance(weights, str):
        if weights not in ("linear", "quadratic"):
            raise InputError(f"unknown weights {weights!r}", hint="use None, 'linear', 'quadratic' or a k x k array")
        try:
            x = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            x = np.arange(k, dtype=np.float64)
        if k < 2:
            return np.ones((k, k)), weights
        spread = x.max() - x.min()
        d = np.abs(x[:, None] - x[None, :]) / spread
        return (1.0 - d if weights == "linear" else 1.0 - d ** 2), weights
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (k, k):
        raise InputError(f"weights must be a {k} x {k} array for {k} categories, got shape {w.shape}")
    if not np.allclose(np.diag(w), 1.0):
        raise InputError("agreement weights must be 1 on the diagonal (a category agrees with itself)")
    return w, "custom"

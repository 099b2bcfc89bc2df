"""Writing tables that people open in Excel or LibreOffice, safely."""

from __future__ import annotations

from typing import Any

import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralize a cell that a spreadsheet program would run as a formula.

    Text starting with ``= + - @`` (or a tab or carriage return) is prefixed with a single
    quote, the convention OWASP recommends against CSV injection. Numbers are left alone, so
    ``-2`` stays a number, but the text ``"-2"`` is also left alone when it parses as a number.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        The value, or the text with a leading ``'`` where it could be read as a formula.

    Examples
    --------
    >>> safe_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> safe_cell("-1"), safe_cell(-1), safe_cell("plain")
    ('-1', -1, 'plain')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell (and column name) passed through :func:`safe_cell`."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for column in out.columns:
        # pandas >= 3 gives text columns the "str" dtype rather than object
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(safe_cell)
    return out

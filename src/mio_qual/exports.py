"""Writing tables that people open in Excel or LibreOffice, safely."""

from __future__ import annotations

import re
from pathlib import Path
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


_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def safe_filename(name: str, default: str = "file") -> str:
    """A file name made from ``name`` (a transcript id, a coder) that cannot leave its folder.

    Every run of characters other than letters, digits, ``_``, ``.`` and ``-`` becomes ``_``
    (so no ``/``, ``\\`` or ``:``), leading dots are dropped (no ``..``, no hidden file),
    and the result is at most 120 characters.

    Examples
    --------
    >>> safe_filename("../../etc/passwd"), safe_filename("INT01"), safe_filename("..")
    ('etc_passwd', 'INT01', 'file')
    """
    cleaned = _UNSAFE_NAME.sub("_", name.strip()).lstrip("._")[:120]
    return cleaned or default


def path_inside(folder: str | Path, name: str, suffix: str = "") -> Path:
    """``folder / (safe_filename(name) + suffix)``, checked to lie inside ``folder``.

    Raises
    ------
    ValueError
        Never for a name made safe here; kept as a guard should the rule above change.
    """
    folder = Path(folder)
    path = folder / (safe_filename(name) + suffix)
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"{path} is not inside {folder}")
    return path

"""The construct rating scale: valence and strength, after Damschroder & Lowery (2013).

A construct is rated per case (clinic, agency, role or transcript) as

* ``-2`` / ``-1``: a strong / weak negative influence on implementation,
* ``0``: neutral, only descriptive mentions, or mixed (positive and negative influences in
  balance: Damschroder & Lowery rate these 0),
* ``+1`` / ``+2``: a weak / strong positive influence,
* missing: not enough information to rate;
* ``X`` (mixed, not weighed): an extension some teams use, not part of the published scale.
  It is accepted only as an opt-in (worksheets offer it with ``mixed_x=True``), named as a
  departure on import and in every display, and left out of group means.

Stored values are the texts ``'-2', '-1', '0', '+1', '+2', 'X'`` or NULL (the ``ratings``
table's CHECK constraint). :func:`parse_rating` turns what people type into those;
:func:`score` gives the number used for means and ordinal statistics (X and missing have none).

Reference: Damschroder, L. J., & Lowery, J. C. (2013). Evaluation of a large-scale weight
management program using the consolidated framework for implementation research (CFIR).
*Implementation Science*, 8, 51.
"""

from __future__ import annotations

import math
from typing import Any

RATINGS: tuple[str, ...] = ("-2", "-1", "0", "+1", "+2", "X")
"""Every stored rating value, in scale order with X (mixed) last."""

NUMERIC: tuple[str, ...] = ("-2", "-1", "0", "+1", "+2")
"""The ratings that have a numeric score (the ordinal part of the scale)."""

MIXED = "X"

VALENCES: dict[str | None, str] = {
    "-2": "negative", "-1": "negative", "0": "neutral", "+1": "positive", "+2": "positive",
    "X": "mixed", None: "missing",
}

def hint(mixed_x: bool = False) -> str:
    """What to write in a rating cell: X is named only for a worksheet that offers it (``mixed_x``).

    Examples
    --------
    >>> hint()
    'use -2, -1, 0, +1, +2 or leave the cell empty (missing)'
    >>> hint(mixed_x=True)
    'use -2, -1, 0, +1, +2, X (mixed) or leave the cell empty (missing)'
    """
    return f"use -2, -1, 0, +1, +2{', X (mixed)' if mixed_x else ''} or leave the cell empty (missing)"


_MINUS = ("\u2212", "\u2013", "\u2014")  # minus sign, en dash, em dash typed by Word/Excel autocorrect


class RatingValueError(ValueError):
    """A cell that is not a rating; ``str()`` says what was found."""


def parse_rating(value: Any) -> str | None:
    """Read one rating cell into its stored form.

    Accepts ``+2 2 2.0 -1 0 +0 -0 X x`` (spaces around are ignored, a typographic minus sign
    counts as ``-``), numbers (``2``, ``-1.0``) and empty cells, ``None`` or NaN (missing).

    Parameters
    ----------
    value : Any
        The cell as read from a spreadsheet or CSV.

    Returns
    -------
    str or None
        One of :data:`RATINGS`, or None for missing.

    Raises
    ------
    RatingValueError
        For anything else (``3``, ``1.5``, ``++1``, ``high``, ``=1+1``).

    Examples
    --------
    >>> [parse_rating(v) for v in ("+2", "2", " -1 ", "X", "x", "", None, 0, -2.0, "\u22121")]
    ['+2', '+2', '-1', 'X', 'X', None, None, '0', '-2', '-1']
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise RatingValueError(f"{value!r} is not a rating")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer() and -2 <= value <= 2:
            number = int(value)
            return "0" if number == 0 else f"{number:+d}"
        raise RatingValueError(f"{value!r} is not a rating")
    text = str(value).strip()
    for dash in _MINUS:
        text = text.replace(dash, "-")
    if not text:
        return None
    if text.upper() == MIXED:
        return MIXED
    if text.startswith("="):
        raise RatingValueError(f"{text!r} is a formula, not a rating")
    sign = ""
    digits = text
    if text[0] in "+-":
        sign, digits = text[0], text[1:]
    if digits.endswith(".0"):
        digits = digits[:-2]
    if digits not in ("0", "1", "2"):
        raise RatingValueError(f"{str(value).strip()!r} is not a rating")
    if digits == "0":
        return "0"
    return ("-" if sign == "-" else "+") + digits


def score(rating: str | None) -> float:
    """The numeric score of a stored rating: -2 ... +2; NaN for X (mixed) and missing.

    Examples
    --------
    >>> score("+2"), score("-1"), score("0")
    (2.0, -1.0, 0.0)
    >>> math.isnan(score("X")) and math.isnan(score(None))
    True
    """
    if rating is None or rating == MIXED:
        return math.nan
    if isinstance(rating, float) and math.isnan(rating):
        return math.nan
    return float(int(rating))


def valence(rating: str | None) -> str:
    """``positive``, ``negative``, ``neutral``, ``mixed`` or ``missing``."""
    if isinstance(rating, float) and math.isnan(rating):
        rating = None
    return VALENCES.get(rating, "missing")


def display(rating: str | None) -> str:
    """The rating as shown in tables: the stored text, or ``''`` for missing."""
    if rating is None or (isinstance(rating, float) and math.isnan(rating)):
        return ""
    return str(rating)


__all__ = ["RATINGS", "NUMERIC", "MIXED", "VALENCES", "hint", "RatingValueError", "parse_rating", "score",
           "valence", "display"]

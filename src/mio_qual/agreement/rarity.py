"""When a code is too rare for its agreement to be assessed (no heavy imports: the reports read it too)."""

from __future__ import annotations

import math

#: Fewer units coded with a code than this (on average over the coders: its prevalence times its units)
#: and the code is flagged ``"too rare"`` whatever its coefficient: one or two coded units agreeing
#: (or not) says nothing about the coders' reliability, and no interval of it is meaningful.
MIN_CODED_UNITS = 5
TOO_RARE = "too rare"


def too_rare(prevalence: float, n_units: float) -> bool:
    """Whether a code coded in ``prevalence * n_units`` units on average is below :data:`MIN_CODED_UNITS`.

    Examples
    --------
    >>> too_rare(2 / 63, 63), too_rare(5 / 63, 63), too_rare(float("nan"), 63)
    (True, False, False)
    """
    if prevalence is None or n_units is None or math.isnan(float(prevalence)) or math.isnan(float(n_units)):
        return False
    return float(prevalence) * float(n_units) < MIN_CODED_UNITS - 1e-9

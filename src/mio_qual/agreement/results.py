"""Result types returned by the agreement coefficients.

Every coefficient returns an :class:`Agreement`: the value, its standard error and
confidence interval where the method defines one, the observed and chance terms it was built
from, how many units it used, and a note saying why the value is missing when it is (for
example "no variation"). Missing values are therefore always a decision, never an accident.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from ..deprecation import renamed_attribute

NAN = float("nan")


@dataclass(frozen=True)
class Agreement:
    """One agreement coefficient with its uncertainty and the terms it is made of.

    Attributes
    ----------
    statistic : str
        Name of the coefficient (``"cohen_kappa"``, ``"krippendorff_alpha"`` ...).
    value : float
        The coefficient; NaN only when it is undefined, and then ``note`` says why.
    se : float
        Standard error, NaN where the method defines none, with fewer than two units, or where
        the variance degenerates to 0 (then ``note`` says so).
    ci_low, ci_high : float
        Confidence interval at ``confidence``; see ``ci_method`` for how it was built. NaN,
        never a single point, when the variance or the bootstrap distribution is degenerate.
    ci_method : str
        ``"wald"``, ``"wilson"``, ``"bootstrap-units"`` (BCa interval of a units bootstrap),
        ``"bootstrap-krippendorff"`` (percentile interval of Krippendorff's algorithm) or ``""``.
    confidence : float
        Level of the interval (default 0.95).
    observed, expected : float
        For the kappa family: observed agreement p_o and chance agreement p_e. For
        Krippendorff's alpha (``basis == "disagreement"``): observed and expected
        disagreement D_o and D_e.
    basis : str
        ``"agreement"`` or ``"disagreement"``: how to read ``observed`` and ``expected``.
    n_units : int
        Units in observed agreement (pairable units: coded by at least two coders).
    n_coders : int
        Coders in the data.
    n_categories : int
        Categories the chance term counted (declared or observed).
    n_set_aside : int
        Units rated by one coder only: out of observed agreement; under Gwet's convention (the
        default of the multi-rater kappas) still in chance agreement and the variance, under
        ``convention="pairable"`` and in Krippendorff's alpha out of every term.
    weights : str
        ``"identity"`` (unweighted), ``"linear"``, ``"quadratic"``, ``"custom"``, or for alpha the
        level of measurement.
    note : str
        Why the value (or its interval) is missing, or another caveat; empty when all is well.
    source : str
        The publication whose formula was computed.
    """

    statistic: str
    value: float
    se: float = NAN
    ci_low: float = NAN
    ci_high: float = NAN
    ci_method: str = ""
    confidence: float = 0.95
    observed: float = NAN
    expected: float = NAN
    basis: str = "agreement"
    n_units: int = 0
    n_coders: int = 0
    n_categories: int = 0
    n_set_aside: int = 0
    weights: str = "identity"
    note: str = ""
    source: str = ""

    def __float__(self) -> float:
        return float(self.value)

    @property
    def defined(self) -> bool:
        """True when the coefficient has a value."""
        return not math.isnan(self.value)

    def as_dict(self) -> dict[str, Any]:
        """The result as a plain dict (for DataFrames and JSON)."""
        return asdict(self)

    def with_interval(self, low: float, high: float, method: str, se: float | None = None,
                      note: str | None = None) -> "Agreement":
        """A copy with another confidence interval (for example a bootstrap one)."""
        values: dict[str, Any] = {"ci_low": float(low), "ci_high": float(high), "ci_method": method}
        if se is not None:
            values["se"] = float(se)
        if note:
            values["note"] = "; ".join(x for x in (self.note, note) if x)
        return replace(self, **values)


@dataclass(frozen=True)
class BootstrapResult:
    """A bootstrap distribution of a coefficient and the interval read from it.

    Attributes
    ----------
    statistic : str
        The coefficient that was resampled.
    value : float
        The coefficient on the original data.
    ci_low, ci_high : float
        Interval at ``confidence``: BCa for the units bootstrap, percentile for Krippendorff's
        algorithm.
    se : float
        Standard deviation of the defined replicates.
    boot : int
        Number of replicates drawn (was ``n_boot``, which still reads, with a DeprecationWarning,
        until 0.2.0).
    method : str
        ``"units"`` (units drawn with replacement) or ``"krippendorff"`` (pairs of values drawn
        from the coincidence matrix, Hayes & Krippendorff 2007).
    confidence : float
        Level of the interval.
    samples : numpy.ndarray
        The replicates (NaN where a replicate was undefined).
    n_undefined : int
        Replicates in which the coefficient was undefined (left out of the interval).
    """

    statistic: str
    value: float
    ci_low: float
    ci_high: float
    se: float
    boot: int
    method: str
    confidence: float = 0.95
    samples: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    n_undefined: int = 0

    n_boot = renamed_attribute("n_boot", "boot")

    def prob_below(self, threshold: float) -> float:
        """Share of defined replicates below ``threshold``.

        Krippendorff reports this as q, the probability of failing to reach a smallest
        acceptable alpha such as 0.800 or 0.667 (Hayes & Krippendorff 2007).
        """
        defined = self.samples[~np.isnan(self.samples)]
        if defined.size == 0:
            return NAN
        return float(np.mean(defined < threshold))

"""Exploratory crisp-set configurational analysis of construct ratings against an outcome.

CFIR studies sometimes go beyond the case-ordered matrix with configurational methods: crisp-
set qualitative comparative analysis (csQCA; Ragin 1987, 2008) or coincidence analysis (CNA;
Whitaker et al. 2020), asking which combinations of conditions go with the outcome. This
module builds the first steps only, for a look at the data:

* calibration: a construct is present (1) in a case when its rating score is at least
  ``present_at`` (default +1), absent (0) otherwise; X (mixed) and missing ratings cannot be
  calibrated and the case is left out of analyses that use that construct;
* the outcome is present when the case's value is above ``outcome_threshold`` (default: the
  median of the cases' values, so that the upper half of cases has the outcome);
* the truth table: one row per observed configuration with its cases, n, the consistency of
  the configuration as sufficient for the outcome (|X and Y| / |X|) and its coverage
  (|X and Y| / |Y|), after Ragin (2006);
* single conditions and their negations as sufficient or necessary: consistency and coverage
  (for crisp sets, necessity consistency equals sufficiency coverage, and vice versa).

With four cases every number here is a description of four clinics, nothing more; no
minimization is done and the results are labelled exploratory everywhere they appear.

References
----------
Ragin, C. C. (2006). Set relations in social research: evaluating their consistency and
coverage. *Political Analysis*, 14(3), 291-310.

Ragin, C. C. (2008). *Redesigning Social Inquiry: Fuzzy Sets and Beyond*. University of
Chicago Press.

Whitaker, R. G., Sperber, N., Baumgartner, M., et al. (2020). Coincidence analysis: a new
method for causal inference in implementation science. *Implementation Science*, 15, 108.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from ..errors import InputError
from ..result import Table
from .constructs import as_list
from .joint import DistinguishRule, JointData, JointDisplay, case_ordered
from .ratings_scale import score

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

EXPLORATORY = "EXPLORATORY"


def set_consistency_coverage(x: Sequence[int], y: Sequence[int]) -> tuple[float, float]:
    """Crisp-set consistency and coverage of X as sufficient for Y (Ragin 2006).

    consistency = |X and Y| / |X|; coverage = |X and Y| / |Y|; NaN when the denominator is 0.

    Examples
    --------
    >>> set_consistency_coverage([1, 1, 0, 0], [1, 0, 0, 1])
    (0.5, 0.5)
    >>> set_consistency_coverage([1, 1, 0, 0], [1, 1, 1, 0])
    (1.0, 0.6666666666666666)
    """
    both = sum(1 for a, b in zip(x, y) if a == 1 and b == 1)
    nx, ny = sum(1 for a in x if a == 1), sum(1 for b in y if b == 1)
    return (both / nx if nx else math.nan, both / ny if ny else math.nan)


def calibrate(matrix: "pd.DataFrame", present_at: float = 1.0) -> "pd.DataFrame":
    """Crisp membership per construct and case: 1, 0, or None for X and missing."""
    return matrix.apply(lambda column: column.map(
        lambda r: None if math.isnan(score(r)) else int(score(r) >= present_at)))


def configurations(data: JointData, outcome: str = "fidelity", *, conditions: Sequence[str] | None = None,
                   rater: str | None = None, present_at: float = 1.0, outcome_threshold: float | None = None,
                   max_conditions: int = 3, consistency_cutoff: float = 0.8,
                   rule: DistinguishRule | None = None) -> JointDisplay:
    """Truth table and single-condition consistency and coverage (exploratory csQCA).

    Parameters
    ----------
    data : JointData
        Ratings, outcomes and constructs; ``data.by`` (clinic or agency) is the case kind.
    outcome : str
    conditions : sequence of str, optional
        Constructs to use as conditions (default: up to ``max_conditions`` constructs the
        case-ordered display flags as distinguishing or weakly distinguishing, preferring those
        rated in every case, then distinguishing over weakly, then larger differences).
    rater : str, optional
    present_at : float
        Lowest rating score that counts as the condition being present (default +1).
    outcome_threshold : float, optional
        Outcome present when the case value is above it (default the median of the cases).
    max_conditions : int
        Most conditions chosen by default (k conditions make 2^k configurations).
    consistency_cutoff : float
        Consistency at which a configuration's OUT is 1 in the truth table.

    Returns
    -------
    JointDisplay
        ``frame`` is the truth table: one column per condition (1/0), outcome (OUT: 1, 0 or
        ``C`` for a contradiction below the cutoff), n, cases, consistency, coverage. ``extra``
        holds the single-condition table and the calibrated data.
    """
    import pandas as pd

    by = data.by
    ordered = case_ordered(data, outcome, rater=rater, rule=rule)
    matrix, outcomes, flags = ordered.data["matrix"], ordered.data["outcomes"], ordered.data["flags"]
    chosen = as_list(conditions)
    if not chosen:
        # flagged constructs, those rated (not X, not missing) in every case first so that no case drops
        # out, then distinguishing before weakly distinguishing, larger differences first, codebook order
        rank = {"distinguishing": 0, "weakly distinguishing": 1}
        complete = {c: all(not math.isnan(score(matrix.at[c, k])) for k in matrix.columns) for c in matrix.index}
        flagged = [c for c in matrix.index if flags.at[c, "distinguishing"] in rank]
        ranked = sorted(flagged, key=lambda c: (not complete[c], rank[flags.at[c, "distinguishing"]],
                                                -flags.at[c, "difference"], list(matrix.index).index(c)))
        chosen = ranked[:max_conditions]
        if not chosen:
            raise InputError("no construct is flagged as distinguishing, so there are no default conditions",
                             hint="name conditions with --condition IS.J2 (up to three or four)")
    missing = [c for c in chosen if c not in matrix.index]
    if missing:
        raise InputError(f"condition {missing[0]!r} has no ratings", hint="choose rated constructs")
    values = outcomes["value"].astype(float)
    threshold = float(values.median()) if outcome_threshold is None else float(outcome_threshold)
    y_all = {c: int(values[c] > threshold) for c in values.index}
    crisp = calibrate(matrix.loc[chosen], present_at)
    usable = [c for c in matrix.columns if all(crisp.at[k, c] is not None and not pd.isna(crisp.at[k, c]) for k in chosen)]
    dropped = [c for c in matrix.columns if c not in usable]
    table: dict[tuple[int, ...], list[str]] = {}
    for case in usable:
        table.setdefault(tuple(int(crisp.at[k, case]) for k in chosen), []).append(case)
    rows = []
    for config, cases in sorted(table.items(), key=lambda kv: (-len(kv[1]), kv[0]), reverse=False):
        x = [1 if c in cases else 0 for c in usable]
        y = [y_all[c] for c in usable]
        consistency, coverage = set_consistency_coverage(x, y)
        out = 1 if consistency >= consistency_cutoff else (0 if consistency == 0 else "C")
        rows.append({**{k: v for k, v in zip(chosen, config)}, "OUT": out, "n": len(cases),
                     "cases": ", ".join(cases), "consistency": round(consistency, 3),
                     "coverage": round(coverage, 3) if not math.isnan(coverage) else math.nan})
    truth = pd.DataFrame(rows, columns=[*chosen, "OUT", "n", "cases", "consistency", "coverage"])
    singles = []
    for k in chosen:
        cases_k = [c for c in matrix.columns if crisp.at[k, c] is not None and not pd.isna(crisp.at[k, c])]
        y = [y_all[c] for c in cases_k]
        for negated in (False, True):
            x = [1 - int(crisp.at[k, c]) if negated else int(crisp.at[k, c]) for c in cases_k]
            cons, cov = set_consistency_coverage(x, y)
            singles.append({"condition": ("~" if negated else "") + k, "n_cases": len(cases_k),
                            "suff_consistency": cons, "suff_coverage": cov,
                            "nec_consistency": cov, "nec_coverage": cons})
    single = pd.DataFrame(singles).round(3)
    calibrated = crisp.T.astype("Int64")
    calibrated.insert(0, f"{outcome}", [round(float(values[c]), 3) for c in calibrated.index])
    calibrated.insert(1, "Y", [y_all[c] for c in calibrated.index])
    calibrated = calibrated.reset_index().rename(columns={"index": by})
    remainders = 2 ** len(chosen) - len(table)
    notes = [
        f"{EXPLORATORY}: crisp-set configurational analysis of {len(usable)} cases; with so few cases the table "
        "describes these clinics and supports no causal or general claim.",
        f"Conditions: {', '.join(chosen)} present when rated {present_at:+g} or higher (X and missing cannot be "
        f"calibrated{'; left out: ' + ', '.join(dropped) if dropped else ''}).",
        f"Outcome Y: {outcome} above {threshold:.3f} ({'the median of the cases' if outcome_threshold is None else 'given'}); "
        f"Y = 1 for {', '.join(c for c in matrix.columns if y_all[c]) or 'no case'}.",
        f"Consistency = |X and Y| / |X|, coverage = |X and Y| / |Y| (Ragin 2006); OUT = 1 at consistency >= "
        f"{consistency_cutoff:g}, C for a contradictory configuration; {remainders} of {2 ** len(chosen)} "
        "configurations are logical remainders (no case). No Boolean minimization is done.",
    ]
    return JointDisplay("qca", truth, f"{EXPLORATORY} crisp-set truth table: {outcome}", notes,
                        extra=[Table(single, f"{EXPLORATORY} single conditions: consistency and coverage",
                                        ["~ marks the negated condition (construct absent). Each row is computed over "
                                         "the n_cases that can be calibrated on that condition."],
                                        sheet="conditions"),
                               Table(calibrated, f"{EXPLORATORY} calibrated data", [], sheet="calibrated")],
                        data={"crisp": crisp, "y": y_all, "threshold": threshold, "conditions": chosen,
                              "single": single, "calibrated": calibrated})


__all__ = ["configurations", "calibrate", "set_consistency_coverage", "EXPLORATORY"]

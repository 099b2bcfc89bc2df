"""Calibration to crisp sets, chosen by the analyst and printed with every result.

A crisp set says of each case whether it is in (1) or out (0). Configurational methods need
the analyst to say where that line runs for each condition and for the outcome, from
substantive knowledge (Ragin 2008, ch. 4-5): "the clinic has the condition when the construct
was rated +1 or higher", "implementation succeeded when fidelity is at least 0.8". A
:class:`Rule` is one such line, written ``COLUMN OP THRESHOLD`` (``IS.J2 >= 1``,
``fidelity > 0.8``, ``agency == A``); the rules are printed in every output.

Ratings are read on the Damschroder & Lowery (2013) scale (``+2`` ... ``-2``); ``X`` (mixed)
and missing cells cannot be calibrated and the case is left out of the analysis, with a note.

Choosing conditions because they distinguish high- from low-outcome cases on the very outcome
being explained makes every condition consistent and covering by construction: the analysis
then restates how the conditions were picked. :func:`calibrate` warns when told the
conditions were chosen that way (``chosen_by="distinguishing"``).

References
----------
Ragin, C. C. (2008). *Redesigning Social Inquiry: Fuzzy Sets and Beyond*. University of
Chicago Press.

Damschroder, L. J., & Lowery, J. C. (2013). Evaluation of a large-scale weight management
program using the consolidated framework for implementation research (CFIR). *Implementation
Science*, 8, 51.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ...errors import InputError
from ..ratings_scale import parse_rating, score

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne,
}
_RULE = re.compile(r"^\s*(?P<column>.+?)\s*(?P<op>>=|<=|==|!=|>|<|=)\s*(?P<threshold>\S.*?)\s*$")

#: Ways conditions can have been chosen, as the outputs name them.
CHOSEN_BY = {
    "analyst": "named by the analyst",
    "theory": "chosen from theory before looking at the outcome",
    "distinguishing": "chosen because they distinguish high- from low-outcome cases on this same outcome",
}

WARNING_DISTINGUISHING = (
    "WARNING: the conditions were picked because they distinguish high- from low-outcome cases on this same "
    "outcome, so each is consistent and covering by construction and the solution restates the selection "
    "(circular). Choose conditions from theory or from other data, or read the result as a description only."
)


@dataclass(frozen=True)
class Rule:
    """Membership of a case in a crisp set: ``column op threshold``.

    Examples
    --------
    >>> rule = Rule.parse("IS.J2 >= +1")
    >>> rule, rule.text
    (Rule(column='IS.J2', op='>=', threshold=1.0), 'IS.J2 >= 1')
    >>> rule.apply("+2"), rule.apply("0"), rule.apply("X")
    (1, 0, None)
    """

    column: str
    op: str
    threshold: Any

    @classmethod
    def parse(cls, text: str, column: str | None = None) -> "Rule":
        """Read ``"COLUMN OP THRESHOLD"``, or ``"OP THRESHOLD"`` when ``column`` is given."""
        raw = str(text).strip()
        if column is not None and raw[:1] in "<>=!":
            raw = f"{column} {raw}"
        match = _RULE.match(raw)
        if not match:
            raise InputError(f"calibration rule {text!r} is not 'COLUMN OP THRESHOLD'",
                             hint="e.g. 'IS.J2 >= 1' or 'fidelity > 0.8' (operators >= > <= < == !=)")
        op = "==" if match["op"] == "=" else match["op"]
        return cls(match["column"].strip(), op, _threshold(match["threshold"]))

    @property
    def text(self) -> str:
        """The rule as printed in outputs."""
        value = f"{self.threshold:g}" if isinstance(self.threshold, float) else str(self.threshold)
        return f"{self.column} {self.op} {value}"

    def apply(self, value: Any) -> int | None:
        """1 or 0, or None when the value cannot be calibrated (missing, X, text for a number rule)."""
        if isinstance(self.threshold, str):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return None
            return int(OPERATORS[self.op](str(value).strip(), self.threshold))
        number = _number(value)
        if number is None:
            return None
        return int(OPERATORS[self.op](number, self.threshold))


def _threshold(text: str) -> Any:
    number = _number(text.strip())
    return number if number is not None else text.strip().strip("'\"")


def _number(value: Any) -> float | None:
    """A cell as a number: numbers as they are, ratings (``+1``, ``X``) on their scale, else None."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).strip().replace("\u2212", "-")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        rating = parse_rating(text)
    except Exception:  # noqa: BLE001 - anything that is not a rating is simply not a number
        return None
    result = score(rating)
    return None if math.isnan(result) else result


@dataclass
class Calibration:
    """Crisp data and the account of how it was made.

    Attributes
    ----------
    frame : DataFrame
        Cases x (conditions + outcome), 0/1, only the cases that could be calibrated.
    rules : list of Rule
    conditions : list of str
    outcome : str
    dropped : dict
        Case -> the columns it could not be calibrated on.
    chosen_by : str
        How the conditions were chosen (a key of :data:`CHOSEN_BY`).
    notes : list of str
        The rules, the dropped cases and any warning, ready to print.
    """

    frame: "pd.DataFrame"
    rules: list[Rule]
    conditions: list[str]
    outcome: str
    dropped: dict[str, list[str]] = field(default_factory=dict)
    chosen_by: str = "analyst"
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The notes that are warnings."""
        return [n for n in self.notes if n.startswith("WARNING")]


def calibrate(frame: "pd.DataFrame", rules: Mapping[str, Any] | Sequence[str | Rule], *, outcome: str,
              conditions: Sequence[str] | None = None, default: str | None = None,
              chosen_by: str = "analyst") -> Calibration:
    """Calibrate conditions and outcome to crisp sets with the analyst's rules.

    Parameters
    ----------
    frame : DataFrame
        Cases x columns (ratings, measures, outcomes); the index names the cases.
    rules : mapping or sequence
        ``{"IS.J2": ">= 1", "fidelity": "> 0.8"}`` or ``["IS.J2 >= 1", "fidelity > 0.8"]``.
        A column already holding only 0 and 1 needs no rule.
    outcome : str
        The outcome column (needs a rule unless it is already crisp).
    conditions : sequence of str, optional
        Default: every column with a rule, except the outcome (every other column when only
        the outcome, or nothing, has a rule).
    default : str, optional
        A rule for conditions that have none, e.g. ``">= 1"``.
    chosen_by : str
        How the conditions were chosen: ``analyst`` (default), ``theory`` or
        ``distinguishing`` (flagged as distinguishing on this outcome: a warning is added).

    Returns
    -------
    Calibration

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"IS.J2": ["+2", "-1", "X"], "fidelity": [0.9, 0.5, 0.8]}, index=["c1", "c2", "c3"])
    >>> cal = calibrate(data, ["IS.J2 >= 1", "fidelity >= 0.8"], outcome="fidelity")
    >>> cal.frame.to_dict("index"), cal.dropped
    ({'c1': {'IS.J2': 1, 'fidelity': 1}, 'c2': {'IS.J2': 0, 'fidelity': 0}}, {'c3': ['IS.J2']})
    """
    import pandas as pd

    if chosen_by not in CHOSEN_BY:
        raise InputError(f"unknown way of choosing conditions {chosen_by!r}", hint="use " + ", ".join(CHOSEN_BY))
    parsed: dict[str, Rule] = {}
    items = list(rules.items()) if isinstance(rules, Mapping) else [(None, r) for r in rules]
    for column, rule in items:
        r = rule if isinstance(rule, Rule) else Rule.parse(str(rule), column)
        if column is not None and r.column != column:
            r = Rule(column, r.op, r.threshold)
        parsed[r.column] = r
    if outcome not in frame.columns:
        raise InputError(f"the outcome {outcome!r} is not a column",
                         hint="columns: " + ", ".join(map(str, frame.columns)))
    chosen = list(conditions) if conditions is not None else (
        [c for c in parsed if c != outcome] or [str(c) for c in frame.columns if c != outcome])
    if not chosen:
        raise InputError("no condition to calibrate", hint="give a rule per condition, e.g. 'IS.J2 >= 1'")
    for column in [*chosen, outcome]:
        if column not in frame.columns:
            raise InputError(f"{column!r} is not a column", hint="columns: " + ", ".join(map(str, frame.columns)))
        if column not in parsed:
            if default is not None:
                parsed[column] = Rule.parse(default, column)
            elif not set(frame[column].dropna().tolist()) <= {0, 1, True, False}:
                raise InputError(f"no calibration rule for {column!r}",
                                 hint=f"add one, e.g. '{column} >= 1', or a default rule")
    crisp: dict[str, list[Any]] = {}
    for column in [*chosen, outcome]:
        rule = parsed.get(column)
        crisp[column] = [rule.apply(v) if rule else (None if pd.isna(v) else int(v)) for v in frame[column]]
    table = pd.DataFrame(crisp, index=frame.index)
    dropped = {str(case): [c for c in table.columns if table.at[case, c] is None or pd.isna(table.at[case, c])]
               for case in table.index}
    dropped = {k: v for k, v in dropped.items() if v}
    kept = table[[str(case) not in dropped for case in table.index]].astype(int)
    used = [parsed[c] for c in [*chosen, outcome] if c in parsed]
    given = [c for c in [*chosen, outcome] if c not in parsed]
    parts = [r.text for r in used] + ([", ".join(given) + " given as crisp (0/1)"] if given else [])
    notes = ["Calibration to crisp sets, chosen by the analyst: " + "; ".join(parts) + "."]
    notes.append(f"Conditions ({len(chosen)}): {', '.join(chosen)}; {CHOSEN_BY[chosen_by]}. Outcome: {outcome}.")
    if dropped:
        notes.append("Left out (cannot be calibrated: X, missing or not a number): "
                     + "; ".join(f"{case} ({', '.join(cols)})" for case, cols in dropped.items()) + ".")
    if chosen_by == "distinguishing":
        notes.append(WARNING_DISTINGUISHING)
    return Calibration(kept, used, chosen, outcome, dropped, chosen_by, notes)


__all__ = ["Rule", "Calibration", "calibrate", "CHOSEN_BY", "WARNING_DISTINGUISHING", "OPERATORS"]

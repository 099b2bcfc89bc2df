"""Crisp-set qualitative comparative analysis (csQCA) with Boolean minimization.

From a crisp cases x conditions frame and an outcome, :func:`truth_table` builds the truth
table (one row per observed configuration, its cases, consistency and outcome value, with
contradictory rows flagged), and :func:`minimize` derives the three solutions of the QCA
literature:

* **conservative** (complex): only the configurations observed with the outcome are
  explained, no logical remainder is assumed to lead to it;
* **parsimonious**: every logical remainder may be used as a simplifying assumption;
* **intermediate**: only the *easy counterfactuals* may be used, the remainders consistent
  with the analyst's directional expectations (Ragin & Sonnett 2005; Ragin 2008, ch. 9).
  For each conservative term and each parsimonious term that contains it, the conditions of
  the conservative term that go against their expected direction are dropped; the remainders
  of the parsimonious solution's simplifying assumptions that the shortened term covers are
  the easy counterfactuals, and the positive configurations are minimized again with those
  alone (the procedure of the QCA package, Dusa 2019).

Each term and each solution carries its consistency (inclusion), raw coverage and unique
coverage, with Ragin's (2006) crisp-set formulas: for a term X and outcome Y over the cases,
consistency = |X and Y| / |X|, raw coverage = |X and Y| / |Y|, and unique coverage is the
part of Y covered by X and by no other term of the solution, over |Y|.

References
----------
Ragin, C. C. (1987). *The Comparative Method: Moving Beyond Qualitative and Quantitative
Strategies*. University of California Press.

Ragin, C. C. (2006). Set relations in social research: evaluating their consistency and
coverage. *Political Analysis*, 14(3), 291-310.

Ragin, C. C. (2008). *Redesigning Social Inquiry: Fuzzy Sets and Beyond*. University of
Chicago Press.

Ragin, C. C., & Sonnett, J. (2005). Between complexity and parsimony: limited diversity,
counterfactual cases, and comparative analysis. In S. Kropp & M. Minkenberg (Eds.),
*Vergleichen in der Politikwissenschaft* (pp. 180-197). VS Verlag.

Dusa, A. (2019). *QCA with R: A Comprehensive Resource*. Springer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ...errors import InputError
from .boolean import Term, covers, format_term, prime_implicants, solve_chart, subsumes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SOLUTION_TYPES = ("conservative", "parsimonious", "intermediate")
#: Intermediate solutions are derived from at most this many conservative and parsimonious solutions each.
MAX_PAIRS = 10


@dataclass
class TruthTable:
    """A crisp-set truth table.

    Attributes
    ----------
    frame : DataFrame
        One row per observed configuration: the conditions (0/1), ``OUT`` (1, 0 or ``C``),
        ``n``, ``incl`` (share of the row's cases with the outcome), ``contradictory``
        (cases with and without the outcome) and ``cases``.
    conditions : list of str
    outcome : str
        The outcome as given (``~Y`` for its absence).
    positive, negative, contradictions : list of tuple
        The configurations with OUT 1, 0 and C (rows below ``n_cut`` are in none: they are
        treated as remainders).
    """

    frame: "pd.DataFrame"
    conditions: list[str]
    outcome: str
    positive: list[tuple[int, ...]]
    negative: list[tuple[int, ...]]
    contradictions: list[tuple[int, ...]]
    incl_cut: float = 1.0
    n_cut: int = 1


def _outcome_column(frame: "pd.DataFrame", outcome: str) -> tuple[str, bool]:
    negated = outcome.startswith("~")
    name = outcome[1:] if negated else outcome
    if name not in frame.columns:
        raise InputError(f"the outcome {name!r} is not a column", hint="columns: " + ", ".join(map(str, frame.columns)))
    return name, negated


def check_crisp(frame: "pd.DataFrame", columns: Sequence[str]) -> None:
    """Raise :class:`InputError` unless every named column holds only 0 and 1 (no missing)."""
    for column in columns:
        if column not in frame.columns:
            raise InputError(f"{column!r} is not a column", hint="columns: " + ", ".join(map(str, frame.columns)))
        values = set(frame[column].tolist())
        if not values <= {0, 1, True, False}:
            bad = sorted(map(str, values - {0, 1, True, False}))[:3]
            raise InputError(f"column {column!r} is not crisp (values {', '.join(bad)})",
                             hint="calibrate it first, e.g. with a rule 'COLUMN >= 1'")


def truth_table(frame: "pd.DataFrame", outcome: str, conditions: Sequence[str] | None = None, *,
                incl_cut: float = 1.0, incl_cut0: float = 0.0, n_cut: int = 1) -> TruthTable:
    """The crisp-set truth table of ``conditions`` for ``outcome``.

    Parameters
    ----------
    frame : DataFrame
        Cases x crisp (0/1) columns; the index names the cases.
    outcome : str
        The outcome column; ``"~Y"`` explains its absence.
    conditions : sequence of str, optional
        Default: every other column.
    incl_cut : float
        A row's OUT is 1 when the share of its cases with the outcome is at least this
        (default 1: every case).
    incl_cut0 : float
        OUT is 0 when that share is at most this (default 0: no case); rows between the two
        are contradictions, ``C``, left out of the minimization (Ragin 1987, ch. 7; they are
        to be resolved by the analyst, not averaged away).
    n_cut : int
        Rows with fewer cases are treated as logical remainders.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 1, 1], "Y": [1, 1, 0, 1]}, index=list("wxyz"))
    >>> tt = truth_table(data, "Y")
    >>> tt.frame[["A", "B", "OUT", "n", "cases"]].to_dict("records")[-1]
    {'A': 0, 'B': 1, 'OUT': 'C', 'n': 2, 'cases': 'y, z'}
    """
    import pandas as pd

    name, negated = _outcome_column(frame, outcome)
    conditions = [c for c in frame.columns if c != name] if conditions is None else list(conditions)
    if not conditions:
        raise InputError("there are no conditions", hint="name at least one condition column")
    if name in conditions:
        raise InputError(f"{name!r} is both the outcome and a condition", hint="drop it from the conditions")
    check_crisp(frame, [*conditions, name])
    if not 0 <= incl_cut0 <= incl_cut <= 1:
        raise InputError("the consistency cut-offs must satisfy 0 <= incl_cut0 <= incl_cut <= 1")
    y = frame[name].astype(int)
    if negated:
        y = 1 - y
    groups: dict[tuple[int, ...], list[Any]] = {}
    for case, row in zip(frame.index, frame[conditions].astype(int).itertuples(index=False)):
        groups.setdefault(tuple(row), []).append(case)
    rows, positive, negative, contradictions = [], [], [], []
    for config in sorted(groups, reverse=True):
        cases = groups[config]
        with_y = sum(int(y[c]) for c in cases)
        incl = with_y / len(cases)
        if incl >= incl_cut:
            out: Any = 1
        elif incl <= incl_cut0:
            out = 0
        else:
            out = "C"
        if len(cases) >= n_cut:
            {1: positive, 0: negative}.get(out, contradictions).append(config)  # type: ignore[arg-type]
        else:
            out = "?"
        rows.append({**dict(zip(conditions, config)), "OUT": out, "n": len(cases), "incl": round(incl, 3),
                     "contradictory": 0 < with_y < len(cases), "cases": ", ".join(map(str, cases))})
    table = pd.DataFrame(rows, columns=[*conditions, "OUT", "n", "incl", "contradictory", "cases"])
    return TruthTable(table, conditions, outcome, positive, negative, contradictions, incl_cut, n_cut)


def _remainders(tt: TruthTable) -> list[tuple[int, ...]]:
    observed = set(tt.positive) | set(tt.negative) | set(tt.contradictions)
    return [config for config in product((0, 1), repeat=len(tt.conditions)) if config not in observed]


@dataclass
class Solution:
    """One minimal sum of prime implicants.

    Attributes
    ----------
    kind : str
        ``conservative``, ``parsimonious`` or ``intermediate``.
    label : str
        ``M1``, ``M2`` ... (and ``C1P1-M1`` for intermediate solutions, naming the
        conservative and parsimonious solutions they come from).
    terms : tuple of Term
    simplifying : list of tuple
        The logical remainders this solution assumes to lead to the outcome (its simplifying
        assumptions; for the intermediate solution, the easy counterfactuals).
    complete : bool
        False when the chart search stopped at its bound.
    """

    kind: str
    label: str
    terms: tuple[Term, ...]
    simplifying: list[tuple[int, ...]] = field(default_factory=list)
    complete: bool = True


def _solutions(kind: str, tt: TruthTable, allowed: Sequence[tuple[int, ...]] | None,
               prefix: str = "") -> list[Solution]:
    off = tt.negative + tt.contradictions
    primes = prime_implicants(tt.positive, off, len(tt.conditions), allowed=allowed)
    cover = solve_chart(primes, tt.positive)
    remainders = _remainders(tt) if allowed is None else list(allowed)
    out = []
    for i, terms in enumerate(cover.solutions, start=1):
        used = [r for r in remainders if any(covers(t, r) for t in terms)]
        out.append(Solution(kind, f"{prefix}M{i}", terms, used, cover.complete))
    return out


def normalize_expectations(expectations: Mapping[str, Any] | Sequence[str] | None,
                           conditions: Sequence[str]) -> dict[str, int]:
    """Directional expectations as ``{condition: 1 or 0}``; conditions left out are "don't care".

    Accepts a mapping (``{"DEV": 1, "URB": 0, "LIT": "-"}``) or names (``["DEV", "~URB"]``,
    ``~`` for an expected contribution of the condition's absence).

    Examples
    --------
    >>> normalize_expectations(["DEV", "~URB"], ["DEV", "URB", "LIT"])
    {'DEV': 1, 'URB': 0}
    """
    if not expectations:
        return {}
    pairs: list[tuple[str, Any]]
    if isinstance(expectations, Mapping):
        pairs = list(expectations.items())
    else:
        pairs = [(e[1:], 0) if e.startswith("~") else (e, 1) for e in (str(x).strip() for x in expectations) if e]
    out: dict[str, int] = {}
    for name, value in pairs:
        if name not in conditions:
            raise InputError(f"directional expectation for {name!r}, which is not a condition",
                             hint="conditions: " + ", ".join(conditions))
        if value in ("-", None, "", "dc"):
            continue
        if str(value) not in ("0", "1"):
            raise InputError(f"directional expectation {name}={value!r}", hint="use 1 (present), 0 (absent) or -")
        out[name] = int(value)
    return out


def easy_counterfactuals(conservative: Solution, parsimonious: Solution, expectations: Mapping[str, int],
                         conditions: Sequence[str]) -> list[tuple[int, ...]]:
    """The simplifying assumptions of ``parsimonious`` that the directional expectations make easy.

    For every conservative term C and every parsimonious term P contained in it, the literals
    of C not in P whose value goes against the expected direction are dropped; each
    simplifying assumption of P covered by what is left of C is an easy counterfactual
    (Ragin & Sonnett 2005; as implemented in the QCA package, Dusa 2019).
    """
    index = {name: i for i, name in enumerate(conditions)}
    expected = {index[k]: v for k, v in expectations.items()}
    easy: list[tuple[int, ...]] = []
    for c in conservative.terms:
        for p in parsimonious.terms:
            if not subsumes(p, c):
                continue
            kept = tuple((f, v) for f, v in c if (f, v) in p or f not in expected or expected[f] == v)
            for remainder in parsimonious.simplifying:
                if covers(kept, remainder) and remainder not in easy:
                    easy.append(remainder)
    return easy


def minimize(tt: TruthTable, *, kinds: Sequence[str] = SOLUTION_TYPES,
             expectations: Mapping[str, Any] | Sequence[str] | None = None) -> list[Solution]:
    """Conservative, parsimonious and intermediate solutions of a truth table.

    Parameters
    ----------
    tt : TruthTable
    kinds : sequence of str
        Which solutions (the intermediate one needs the other two and ``expectations``).
    expectations : mapping or sequence, optional
        Directional expectations (see :func:`normalize_expectations`); without them the
        intermediate solution equals the conservative one and is not repeated.

    Returns
    -------
    list of Solution

    Raises
    ------
    InputError
        When no configuration has the outcome (there is nothing to explain).

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"A": [1, 1, 0], "B": [1, 0, 0], "Y": [1, 1, 0]})
    >>> [(s.kind, s.terms) for s in minimize(truth_table(data, "Y"), kinds=["conservative", "parsimonious"])]
    [('conservative', (((0, 1),),)), ('parsimonious', (((0, 1),),))]
    """
    unknown = [k for k in kinds if k not in SOLUTION_TYPES]
    if unknown:
        raise InputError(f"unknown solution type {unknown[0]!r}", hint="use " + ", ".join(SOLUTION_TYPES))
    if not tt.positive:
        raise InputError(f"no configuration has the outcome {tt.outcome} at the consistency cut-off {tt.incl_cut:g}",
                         hint="check the calibration of the outcome or lower --incl-cut")
    expected = normalize_expectations(expectations, tt.conditions)
    out: list[Solution] = []
    conservative = _solutions("conservative", tt, allowed=[])
    parsimonious = _solutions("parsimonious", tt, allowed=None)
    if "conservative" in kinds:
        out += conservative
    if "parsimonious" in kinds:
        out += parsimonious
    if "intermediate" in kinds and expected:
        for ci, c in enumerate(conservative[:MAX_PAIRS], start=1):
            for pi, p in enumerate(parsimonious[:MAX_PAIRS], start=1):
                easy = easy_counterfactuals(c, p, expected, tt.conditions)
                found = _solutions("intermediate", tt, allowed=easy, prefix=f"C{ci}P{pi}-")
                out += [s for s in found if s.terms not in {f.terms for f in out if f.kind == "intermediate"}]
    return out


def fit(terms: Sequence[Term], frame: "pd.DataFrame", conditions: Sequence[str],
        outcome: str) -> tuple[list[dict[str, float]], dict[str, float]]:
    """Consistency, raw and unique coverage of each term, and consistency and coverage of the sum.

    Computed over the cases of ``frame`` with Ragin's (2006) crisp-set formulas: for a term
    X, consistency |X and Y| / |X|, raw coverage |X and Y| / |Y|, unique coverage
    (|S and Y| - |S without X, and Y|) / |Y| where S is the union of the solution's terms.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"A": [1, 1, 0, 0], "B": [0, 1, 1, 0], "Y": [1, 1, 1, 0]})
    >>> per_term, whole = fit([((0, 1),), ((1, 1),)], data, ["A", "B"], "Y")
    >>> [round(t["cov_unique"], 3) for t in per_term], whole
    ([0.333, 0.333], {'consistency': 1.0, 'coverage': 1.0})
    """
    name, negated = _outcome_column(frame, outcome)
    rows = [tuple(r) for r in frame[list(conditions)].astype(int).itertuples(index=False)]
    y = [(1 - int(v)) if negated else int(v) for v in frame[name]]
    n_y = sum(y)
    member = [[covers(t, r) for r in rows] for t in terms]

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    union = [any(m[i] for m in member) for i in range(len(rows))]
    union_y = sum(1 for i in range(len(rows)) if union[i] and y[i])
    per_term = []
    for k, m in enumerate(member):
        x = sum(m)
        xy = sum(1 for i in range(len(rows)) if m[i] and y[i])
        others_y = sum(1 for i in range(len(rows)) if y[i] and any(member[j][i] for j in range(len(member)) if j != k))
        per_term.append({"consistency": ratio(xy, x), "cov_raw": ratio(xy, n_y),
                         "cov_unique": ratio(union_y - others_y, n_y), "n": x})
    return per_term, {"consistency": ratio(union_y, sum(union)), "coverage": ratio(union_y, n_y)}


def solutions_table(solutions: Sequence[Solution], frame: "pd.DataFrame", tt: TruthTable,
                    style: str = "qca") -> "pd.DataFrame":
    """One row per term of every solution, and one per solution, with consistency and coverage.

    Columns: ``solution`` (kind), ``model`` (M1 ...), ``term`` (the term, or the whole
    solution written ``... => Y`` on the solution's own row), ``consistency``, ``cov_raw``,
    ``cov_unique``, ``n`` (cases in the term) and ``cases``.
    """
    import pandas as pd

    rows = []
    index = list(frame.index)
    data_rows = [tuple(r) for r in frame[tt.conditions].astype(int).itertuples(index=False)]
    for s in solutions:
        per_term, whole = fit(s.terms, frame, tt.conditions, tt.outcome)
        for t, f in zip(s.terms, per_term):
            cases = [str(index[i]) for i, r in enumerate(data_rows) if covers(t, r)]
            rows.append({"solution": s.kind, "model": s.label, "term": format_term(t, tt.conditions, style),
                         "consistency": f["consistency"], "cov_raw": f["cov_raw"], "cov_unique": f["cov_unique"],
                         "n": f["n"], "cases": ", ".join(cases)})
        formula = " + ".join(format_term(t, tt.conditions, style) for t in s.terms)
        rows.append({"solution": s.kind, "model": s.label, "term": f"{formula} => {tt.outcome}",
                     "consistency": whole["consistency"], "cov_raw": whole["coverage"], "cov_unique": float("nan"),
                     "n": float("nan"), "cases": ""})
    return pd.DataFrame(rows, columns=["solution", "model", "term", "consistency", "cov_raw", "cov_unique", "n",
                                       "cases"])


__all__ = ["SOLUTION_TYPES", "TruthTable", "Solution", "truth_table", "minimize", "fit", "solutions_table",
           "normalize_expectations", "easy_counterfactuals", "check_crisp"]

"""csQCA and CNA as results: every table with the choices behind it, ready for the renderer.

:func:`qca_result` and :func:`cna_result` take a cases x columns frame and the analyst's
calibration rules, and return a :class:`~mio_qual.result.Result` whose tables name the
calibration, the thresholds, how the conditions were chosen and the sources, and say
EXPLORATORY when there are few cases.

Why fewer than :data:`EXPLORATORY_BELOW` cases is exploratory: with few cases and several
conditions, random data give perfectly consistent configurations and solutions often (Marx &
Dusa 2011 simulated the chance of a contradiction-free truth table from random data; with 10
cases and 4 conditions it is high), so a solution from a handful of clinics describes those
clinics and supports no causal or general claim (see also Whitaker et al. 2020 on sample size
in CNA).

References
----------
Marx, A., & Dusa, A. (2011). Crisp-set qualitative comparative analysis (csQCA),
contradictions and consistency benchmarks for model specification. *Methodological
Innovations Online*, 6(2), 103-148.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ...errors import InputError
from ...result import Result, Table
from .boolean import MAX_CHART_COMBINATIONS, MAX_SOLUTIONS
from .calibrate import Calibration, calibrate
from .cna import MAXSTEP, cna, robustness
from .qca import MAX_PAIRS, SOLUTION_TYPES, minimize, normalize_expectations, solutions_table, truth_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Fewer cases than this and the output says EXPLORATORY.
EXPLORATORY_BELOW = 10
EXPLORATORY = "EXPLORATORY"
QCA_SOURCES = ["ragin1987", "ragin2006", "ragin2008", "ragin2005", "dusa2019", "marx2011"]
CNA_SOURCES = ["baumgartner2020", "baumgartner2009", "whitaker2020", "marx2011"]
CNA_ROBUSTNESS_SOURCES = [*CNA_SOURCES, "parkkinen2023"]
CNA_REFERENCE = ("CNA after Baumgartner & Ambühl (2020), Political Science Research and Methods 8(3), 526-542, "
                 "as in the R package cna; see Whitaker et al. (2020), Implementation Science 15:108.")
QCA_REFERENCE = ("csQCA after Ragin (1987, 2008); consistency and coverage after Ragin (2006); intermediate "
                 "solution by easy counterfactuals (Ragin & Sonnett 2005), as in the R package QCA (Dusa 2019).")


def read_cases(path: str | Path, *, case_column: str | None = None, sheet: str | None = None) -> "pd.DataFrame":
    """A cases x columns table from a ``.csv`` or ``.xlsx`` file, the case names as its index.

    The first column names the cases unless ``case_column`` says which does. Numbers stay
    numbers and ratings (``+1``, ``X``) stay text, to be calibrated by rules; column names are
    kept as written. Formula cells are refused (they are never evaluated).

    Raises
    ------
    InputError
        Unreadable file, formula cells, missing or repeated case names.
    """
    import pandas as pd

    from ..tables import Formula, as_text, read_table

    table = read_table(path, what="case table", sheet=sheet)
    headers = table.headers
    if case_column is None:
        index = 0
    elif case_column in headers:
        index = headers.index(case_column)
    else:
        raise InputError(f"the case table has no column {case_column!r}", path=path,
                         hint="its columns are: " + ", ".join(headers))
    rows, names = [], []
    for n, cells in table.rows:
        for column, cell in zip(headers, cells):
            if isinstance(cell, Formula):
                raise InputError(f"row {n}, column {column!r} holds a formula ({cell.text})", path=path, line=n,
                                 hint="type the value itself")
        name = as_text(cells[index])
        if not name:
            raise InputError(f"row {n} has no case name", path=path, line=n, hint=f"fill column {headers[index]!r}")
        if name in names:
            raise InputError(f"case {name!r} appears twice", path=path, line=n, hint="one row per case")
        names.append(name)
        rows.append([_value(c) for i, c in enumerate(cells) if i != index])
    columns = [h for i, h in enumerate(headers) if i != index]
    frame = pd.DataFrame(rows, columns=columns, index=pd.Index(names, name=headers[index]))
    return frame


def _value(cell: Any) -> Any:
    """A cell as a number when it reads as one (``"1"``, ``"0.8"``, ``"+1"``), else as it is."""
    if isinstance(cell, str):
        text = cell.strip().replace("\u2212", "-")
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
    return cell


def _exploratory(n: int) -> list[str]:
    if n >= EXPLORATORY_BELOW:
        return []
    return [f"{EXPLORATORY}: {n} case{'s' if n != 1 else ''} (fewer than {EXPLORATORY_BELOW}). With so few cases, "
            "random data often give consistent solutions (Marx & Dusa 2011): the result describes these cases and "
            "supports no causal or general claim."]


def _calibrated(frame: "pd.DataFrame", outcome: str, rules: Mapping[str, Any] | Sequence[Any] | Calibration | None,
                conditions: Sequence[str] | None, default: str | None, chosen_by: str) -> Calibration:
    if isinstance(rules, Calibration):
        return rules
    name = outcome[1:] if outcome.startswith("~") else outcome
    return calibrate(frame, rules or {}, outcome=name, conditions=conditions, default=default, chosen_by=chosen_by)


def qca_result(frame: "pd.DataFrame", outcome: str, *,
               rules: Mapping[str, Any] | Sequence[Any] | Calibration | None = None,
               conditions: Sequence[str] | None = None, default: str | None = None, chosen_by: str = "analyst",
               incl_cut: float = 1.0, incl_cut0: float = 0.0, n_cut: int = 1,
               expectations: Mapping[str, Any] | Sequence[str] | None = None,
               kinds: Sequence[str] = SOLUTION_TYPES) -> Result:
    """csQCA from raw columns: calibration, truth table, minimization, consistency and coverage.

    Parameters
    ----------
    frame : DataFrame
        Cases x columns; the index names the cases.
    outcome : str
        Outcome column (``~NAME`` to explain its absence).
    rules, conditions, default, chosen_by
        The calibration (see :func:`~mio_qual.mixed.configurations.calibrate.calibrate`), or
        a :class:`Calibration` already made. Columns already 0/1 need no rule.
    incl_cut, incl_cut0, n_cut
        Truth-table cut-offs (see :func:`~mio_qual.mixed.configurations.qca.truth_table`).
    expectations
        Directional expectations for the intermediate solution.
    kinds
        Which solutions.

    Returns
    -------
    Result
        Tables: ``solutions`` (each term and solution with consistency, raw and unique
        coverage), ``truth table``, ``calibrated`` data. ``data`` holds the truth table
        object, the solutions and the calibration.
    """
    cal = _calibrated(frame, outcome, rules, conditions, default, chosen_by)
    tt = truth_table(cal.frame, outcome, cal.conditions, incl_cut=incl_cut, incl_cut0=incl_cut0, n_cut=n_cut)
    expected = normalize_expectations(expectations, cal.conditions)
    solutions = minimize(tt, kinds=kinds, expectations=expected)
    table = solutions_table(solutions, cal.frame, tt)
    n = len(cal.frame)
    counts = {k: sum(1 for v in tt.frame["OUT"] if v == k) for k in (1, 0, "C", "?")}
    remainders = 2 ** len(tt.conditions) - len(tt.frame)
    choices = [
        *_exploratory(n),
        *cal.notes,
        f"Truth table: {n} cases in {len(tt.frame)} configurations of {2 ** len(tt.conditions)}; {remainders} "
        f"logical remainders. A row's OUT is 1 when the share of its cases with the outcome is at least {incl_cut:g}, "
        f"0 when it is at most {incl_cut0:g}, C (contradiction, left out of the minimization) in between; rows "
        f"with fewer than {n_cut} case{'s' if n_cut != 1 else ''} are remainders. Rows with OUT 1/0/C: "
        f"{counts[1]}/{counts[0]}/{counts['C']}.",
        "Solutions: conservative (no remainder used), parsimonious (any remainder used as a simplifying "
        "assumption)" + (", intermediate (only easy counterfactuals, with the directional expectations "
                         + ", ".join(f"{k} {'present' if v else 'absent'}" for k, v in expected.items()) + ")"
                         if expected and "intermediate" in kinds else
                         "; no intermediate solution: no directional expectations given") + ".",
        "Consistency = |X and Y| / |X|; raw coverage = |X and Y| / |Y|; unique coverage = share of Y covered by "
        "this term alone (Ragin 2006). A solution's own row gives its consistency and coverage.",
        QCA_REFERENCE,
    ]
    if not counts[0] and "parsimonious" in kinds:
        choices.append("No configuration is OUT 0 (no case set lacks the outcome): the parsimonious solution can "
                       "only be the constant 1, an outcome that needs no condition; there is no contrast to explain "
                       "(the R package QCA refuses to minimize such a truth table). Check the outcome's calibration "
                       "or add cases without the outcome.")
    if any(not s.complete for s in solutions):
        choices.append(f"The prime-implicant chart search reached its bound ({MAX_SOLUTIONS} solutions or "
                       f"{MAX_CHART_COMBINATIONS:,} branches): the solutions listed are some, not all; intermediate "
                       f"solutions come from at most {MAX_PAIRS} conservative and parsimonious solutions each.")
    title_flag = f"{EXPLORATORY} " if n < EXPLORATORY_BELOW else ""
    calibrated = cal.frame.reset_index().rename(columns={"index": "case"})
    tables = [
        Table(table, f"{title_flag}csQCA solutions for {outcome}", choices, sheet="solutions", sources=QCA_SOURCES),
        Table(tt.frame, f"{title_flag}Truth table for {outcome}", [choices[0]] if title_flag else [],
              sheet="truth table", sources=QCA_SOURCES),
        Table(calibrated, "Calibrated data (crisp sets)", list(cal.notes), sheet="calibrated"),
    ]
    return Result("qca", tables, title=f"{title_flag}Crisp-set QCA: {outcome}", notes=choices,
                  data={"truth_table": tt, "solutions": solutions, "calibration": cal})


def cna_result(frame: "pd.DataFrame", outcome: str | Sequence[str], *,
               rules: Mapping[str, Any] | Sequence[Any] | Calibration | None = None,
               conditions: Sequence[str] | None = None, default: str | None = None, chosen_by: str = "analyst",
               con: float = 1.0, cov: float = 1.0, maxstep: tuple[int, int, int] = MAXSTEP,
               grid: Sequence[float] | None = None, asf_selection: str = "cs") -> Result:
    """CNA from raw columns: calibration, asf and csf, and optionally a robustness table.

    Parameters
    ----------
    frame : DataFrame
    outcome : str or sequence of str
        One outcome is calibrated with the conditions; several must all have rules (or be
        0/1), the first is the one named in titles.
    rules, conditions, default, chosen_by
        The calibration, as for :func:`qca_result`.
    con, cov, maxstep, asf_selection
        As for :func:`~mio_qual.mixed.configurations.cna.cna`.
    grid : sequence of float, optional
        Threshold values for a robustness analysis (every con x cov pair of them).

    Returns
    -------
    Result
        Tables ``csf``, ``asf``, ``msc``, optionally ``robustness``, and ``calibrated``.
    """
    outcomes = [outcome] if isinstance(outcome, str) else list(outcome)
    first = outcomes[0]
    name = first[1:] if first.startswith("~") else first
    if isinstance(rules, Calibration):
        cal = rules
    else:
        extra = [o.lstrip("~") for o in outcomes[1:]]
        conds = None if conditions is None else [*conditions, *[e for e in extra if e not in conditions]]
        cal = calibrate(frame, rules or {}, outcome=name, conditions=conds, default=default, chosen_by=chosen_by)
    result = cna(cal.frame, outcomes, con=con, cov=cov, maxstep=maxstep, asf_selection=asf_selection)
    n = len(cal.frame)
    title_flag = f"{EXPLORATORY} " if n < EXPLORATORY_BELOW else ""
    choices = [
        *_exploratory(n),
        *cal.notes,
        f"Thresholds: consistency con = {con:g} (msc, asf), coverage cov = {cov:g} (asf); search bound maxstep = "
        f"{tuple(result.maxstep)} (factor values per disjunct, disjuncts per asf, factor values per asf).",
        "Notation: upper case = present, lower case = absent, * and, + or, <-> equivalence to the outcome. "
        "Consistency = |X and Y| / |X|, coverage = |X and Y| / |Y|; a csf takes the smallest of its asf's.",
        *result.notes,
        CNA_REFERENCE,
    ]
    tables = [
        Table(result.csf, f"{title_flag}CNA complex solution formulas (csf)", choices, sheet="csf",
              sources=CNA_SOURCES),
        Table(result.asf, f"{title_flag}CNA atomic solution formulas (asf)", [choices[0]] if title_flag else [],
              sheet="asf", sources=CNA_SOURCES),
        Table(result.msc, "Minimally sufficient conditions (msc)", [], sheet="msc", sources=CNA_SOURCES),
    ]
    robust = None
    if grid:
        robust = robustness(cal.frame, outcomes, grid=grid, maxstep=maxstep, asf_selection=asf_selection)
        tables.append(Table(robust, "Robustness over the threshold grid",
                            [f"CNA run at every con x cov pair of "
                             f"{', '.join(f'{g:g}' for g in sorted(set(grid), reverse=True))} "
                             f"({len(set(grid)) ** 2} runs); runs = settings at which the csf was found (Parkkinen & "
                             "Baumgartner 2023)."], sheet="robustness", sources=CNA_ROBUSTNESS_SOURCES))
    tables.append(Table(cal.frame.reset_index().rename(columns={"index": "case"}), "Calibrated data (crisp sets)",
                        list(cal.notes), sheet="calibrated"))
    return Result("cna", tables, title=f"{title_flag}Coincidence analysis: {', '.join(outcomes)}", notes=choices,
                  data={"cna": result, "robustness": robust, "calibration": cal})


__all__ = ["EXPLORATORY", "EXPLORATORY_BELOW", "qca_result", "cna_result", "read_cases"]

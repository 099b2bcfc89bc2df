"""``mio-qual configurations qca|cna``: crisp-set QCA and coincidence analysis.

Each command reads a case table (``.csv``/``.xlsx``, one row per case) or, with
``--from-ratings``, the project's construct ratings and outcomes; makes one call
(:func:`mio_qual.mixed.configurations.qca_result` / ``cna_result``, or
:meth:`mio_qual.project.Project.configurations`); and shows or writes the result through the
renderer, every choice (calibration, thresholds, how the conditions were chosen) in its notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import click

from .common import emit, format_option, get_project, out_option, say, split_values, values_option

CHOSEN = ("analyst", "theory", "distinguishing")


def _input_options(func: Any) -> Any:
    options = [
        click.argument("table", required=False, type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--from-ratings", is_flag=True,
                     help="Use the project's construct ratings (conditions) and outcomes instead of a file."),
        click.option("--by", type=click.Choice(["clinic", "agency"]), default="clinic", show_default=True,
                     help="Case kind with --from-ratings."),
        click.option("--rater", default=None,
                     help="Rater whose ratings to use with --from-ratings (default consensus)."),
        click.option("--case-column", default=None, help="Column naming the cases (default the first)."),
        click.option("--sheet", default=None, help="Sheet of an .xlsx file (default the first)."),
        values_option("--outcome", "outcomes", required=True, spaces=False,
                      help="Outcome column (~NAME for its absence); cna takes several (--outcome E L)."),
        values_option("--condition", "conditions", spaces=False,
                      help="Condition columns: --condition A B (default: every column with a rule)."),
        click.option("--rule", "rules", multiple=True, metavar="'COLUMN OP VALUE'",
                     help="Calibration rule, e.g. --rule 'IS.J2 >= 1' --rule 'fidelity > 0.8' (repeat)."),
        click.option("--default-rule", default=None, metavar="'OP VALUE'",
                     help="Rule for conditions without one, e.g. '>= 1'."),
        click.option("--chosen-by", type=click.Choice(CHOSEN), default="analyst", show_default=True,
                     help="How the conditions were chosen ('distinguishing' on this outcome adds a warning)."),
        format_option("table", "csv", "json", "xlsx", "docx"),
        out_option(),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(method: str, table: Path | None, from_ratings: bool, by: str, rater: str | None, case_column: str | None,
         sheet: str | None, outcomes: Sequence[str], conditions: Sequence[str], rules: Sequence[str],
         default_rule: str | None, chosen_by: str, options: dict[str, Any]) -> Any:
    from ..errors import InputError

    if from_ratings == (table is not None):
        raise InputError("give a case table or --from-ratings (one of them)",
                         hint="e.g. mio-qual configurations qca cases.csv --outcome Y --rule 'Y >= 1' ...")
    if method == "qca" and len(outcomes) > 1:
        raise InputError("qca explains one outcome at a time", hint="give one --outcome")
    outcome: Any = outcomes[0] if method == "qca" or len(outcomes) == 1 else list(outcomes)
    common = {"rules": list(rules), "conditions": list(conditions) or None, "default": default_rule,
              "chosen_by": chosen_by, **options}
    if from_ratings:
        return get_project().configurations(method, outcome, by=by, rater=rater, **common)
    from ..mixed.configurations import cna_result, qca_result, read_cases

    frame = read_cases(table, case_column=case_column, sheet=sheet)
    run = qca_result if method == "qca" else cna_result
    return run(frame, outcome, **common)


def _show(result: Any, fmt: str, out: Path | None) -> None:
    written = emit(result, fmt, out=out)
    if written is not None:
        say(f"wrote {written}")


@click.group()
def configurations() -> None:
    """Configurational analysis: crisp-set QCA with minimization, coincidence analysis (CNA)."""


@configurations.command("qca")
@_input_options
@click.option("--incl-cut", type=click.FloatRange(0, 1), default=1.0, show_default=True,
              help="OUT = 1 when at least this share of a configuration's cases has the outcome.")
@click.option("--incl-cut0", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="OUT = 0 when at most this share does; in between: contradiction (C).")
@click.option("--n-cut", type=click.IntRange(1), default=1, show_default=True,
              help="Configurations with fewer cases are treated as remainders.")
@values_option("--expect", "expectations", spaces=False,
               help="Directional expectations for the intermediate solution: --expect A ~B (A present, B absent).")
def qca_cmd(table: Path | None, from_ratings: bool, by: str, rater: str | None, case_column: str | None,
            sheet: str | None, outcomes: tuple[str, ...], conditions: tuple[str, ...], rules: tuple[str, ...],
            default_rule: str | None, chosen_by: str, fmt: str, out: Path | None, incl_cut: float, incl_cut0: float,
            n_cut: int, expectations: tuple[str, ...]) -> None:
    """Crisp-set QCA: truth table and conservative, parsimonious, intermediate solutions.

    The conditions come from a case table (TABLE: .csv or .xlsx, one row per case) or the
    project's construct ratings (--from-ratings), calibrated by --rule / --default-rule.

    \b
    mio-qual configurations qca --from-ratings --outcome fidelity --rule 'fidelity >= 3.5'
        --condition IS.J2 IS.K OS.D --default-rule '>= 1' --expect IS.J2 IS.K
    """
    result = _run("qca", table, from_ratings, by, rater, case_column, sheet, outcomes, conditions, rules,
                  default_rule, chosen_by, {"incl_cut": incl_cut, "incl_cut0": incl_cut0, "n_cut": n_cut,
                                            "expectations": list(expectations) or None})
    _show(result, fmt, out)


@configurations.command("cna")
@_input_options
@click.option("--con", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="Consistency threshold (msc, asf).")
@click.option("--cov", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="Coverage threshold (asf).")
@click.option("--maxstep", nargs=3, type=click.IntRange(1), default=(3, 4, 10), show_default=True,
              help="Search bound: factor values per disjunct, disjuncts per asf, factor values per asf.")
@values_option("--grid", "grid", help="Robustness: thresholds to combine as con x cov, e.g. --grid 1 0.9 0.8.")
@click.option("--asf-selection", type=click.Choice(["cs", "none"]), default="cs", show_default=True,
              help="cs: keep an asf only when the outcome varies among the cases it fits (R cna >= 3.5); "
                   "none: every asf meeting the thresholds.")
def cna_cmd(table: Path | None, from_ratings: bool, by: str, rater: str | None, case_column: str | None,
            sheet: str | None, outcomes: tuple[str, ...], conditions: tuple[str, ...], rules: tuple[str, ...],
            default_rule: str | None, chosen_by: str, fmt: str, out: Path | None, con: float, cov: float,
            maxstep: tuple[int, int, int], grid: tuple[str, ...], asf_selection: str) -> None:
    """Coincidence analysis (crisp sets): asf and csf, with a robustness table over --grid.

    The conditions come from a case table (TABLE: .csv or .xlsx, one row per case) or the
    project's construct ratings (--from-ratings), calibrated by --rule / --default-rule.

    \b
    mio-qual configurations cna --from-ratings --outcome fidelity --rule 'fidelity >= 3.5'
        --condition IS.J2 IS.K OS.D --default-rule '>= 1' --con 0.8 --cov 0.8 --grid 1 0.8
    """
    from ..errors import InputError

    try:
        values = [float(g) for g in split_values(grid)]
    except ValueError:
        raise InputError("--grid takes numbers between 0 and 1", hint="e.g. --grid 1 0.9 0.8") from None
    result = _run("cna", table, from_ratings, by, rater, case_column, sheet, outcomes, conditions, rules,
                  default_rule, chosen_by, {"con": con, "cov": cov, "maxstep": tuple(maxstep),
                                            "grid": values or None, "asf_selection": asf_selection})
    _show(result, fmt, out)

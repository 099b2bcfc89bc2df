"""Commands for mixed methods: ``ratings``, ``quant`` and ``joint``.

Each command parses its options, makes one call to a :class:`~mio_qual.project.Project`
method (see :mod:`mio_qual.project.mixed`) or a public function, and shows or writes what
comes back through :func:`mio_qual.cli.common.emit` (the renderer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import click

from .common import (checked, deprecated_alias, emit, escape, force_option, format_option, get_project, out_option, say,
                     split_values, values_option)

CASE_KINDS = ("clinic", "agency", "role", "transcript")


def _names(values: Sequence[str]) -> list[str] | None:
    """Names given to a repeatable option, commas also separating them (names may hold spaces); None if none."""
    return split_values(values, spaces=False) or None


def _notes(notes: Sequence[str]) -> None:
    for note in notes:
        say(f"[dim]{escape(note)}[/]")


# ============================================================================ ratings
@click.group()
def ratings() -> None:
    """CFIR construct ratings per case: worksheets, import, matrix, agreement, consensus."""


@ratings.command("worksheet")
@click.option("--by", type=click.Choice(CASE_KINDS), default="clinic", show_default=True, help="Case kind.")
@values_option("--raters", "raters", spaces=False, help="Write a worksheet for each of these raters: --raters A B.")
@deprecated_alias("--rater", "--raters", "raters", several=True, spaces=False)
@out_option("Folder for the worksheets.", folder=True, default=Path("ratings"))
@values_option("--coders", "coders", help="Coding layers to quote: --coders A B (default: consensus, else all human).")
@deprecated_alias("--coder", "--coders", "coders", several=True)
@values_option("--constructs", "constructs", spaces=False, help="Constructs to rate (default: those coded).")
@deprecated_alias("--construct", "--constructs", "constructs", several=True, spaces=False)
@values_option("--cases", "cases", spaces=False, help="Cases to include (default: all of the kind).")
@deprecated_alias("--case", "--cases", "cases", several=True, spaces=False)
@click.option("--no-docx", is_flag=True, help="Write only the .xlsx files.")
@click.option("--links", is_flag=True,
              help="Also show excerpts of study codes linked to a construct (reviewed links, each with its reason), "
                   "in their own column; by default a construct's evidence is its own coding.")
@click.option("--link-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Links to follow instead of the reviewed ones (YAML entries: code, construct, reason).")
@click.option("--mixed-x", is_flag=True,
              help="Offer X (mixed, not weighed) on the scale: an extension to Damschroder & Lowery 2013, who "
                   "rate mixed evidence 0; the worksheet says so.")
@click.option("--mask-sites", is_flag=True, help="Print clinics and agencies as clinic A, agency A ... (stable "
                                                 "labels, as in reports); the import maps them back.")
@force_option("worksheets")
def worksheet_cmd(by: str, raters: tuple[str, ...], out: Path, coders: tuple[str, ...], constructs: tuple[str, ...],
                  cases: tuple[str, ...], no_docx: bool, links: bool, link_file: Path | None, mixed_x: bool,
                  mask_sites: bool, force: bool) -> None:
    """Write rating worksheets (.xlsx to fill, .docx to read): one row per construct per case."""
    done = get_project().write_rating_worksheets(out, _names(raters), by=by, docx=not no_docx, force=force,
                                                 mask_sites=mask_sites, coder=_names(coders),
                                                 constructs=_names(constructs), cases=_names(cases),
                                                 links=link_file or links, mixed_x=mixed_x)
    sheet, written = done.sheet, done.files
    n_cases = sheet.rows["case_id"].nunique()
    n_constructs = sheet.rows["construct"].nunique()
    say(f"{len(sheet.rows)} rows ({n_constructs} constructs x {n_cases} {by}s), {len(sheet.excerpts)} excerpts "
        f"from {escape(sheet.layers)}")
    for path in written:
        say(f"  wrote {escape(path)}")


@ratings.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rater", help="Whose ratings (default: the rater named in the worksheet).")
@click.option("--by", type=click.Choice(CASE_KINDS), default=None, help="Case kind for files without a case_kind column.")
def import_cmd(files: tuple[Path, ...], rater: str | None, by: str | None) -> None:
    """Import filled rating worksheets (.xlsx or .csv); every bad cell is reported with sheet, row and column."""
    project = get_project()
    for path in files:
        result = project.import_ratings(path, rater, by=by)
        say(f"{escape(path)}: {escape(result.rater)}: {result.rows} rows, {result.rated} rated, {result.missing} "
            f"missing; {result.replaced} replaced earlier ratings, {result.removed} removed")


@ratings.command("list")
@values_option("--raters", "raters", spaces=False, help="Only these raters.")
@deprecated_alias("--rater", "--raters", "raters", several=True, spaces=False)
@click.option("--by", type=click.Choice(CASE_KINDS), default=None, help="Only this case kind.")
@values_option("--constructs", "constructs", spaces=False, help="Only these constructs.")
@deprecated_alias("--construct", "--constructs", "constructs", several=True, spaces=False)
@values_option("--cases", "cases", spaces=False, help="Only these cases (clinics, agencies ...).")
@format_option()
@out_option()
def list_cmd(raters: tuple[str, ...], by: str | None, constructs: tuple[str, ...], cases: tuple[str, ...], fmt: str,
             out: Path | None) -> None:
    """List ratings, one row per rater, case and construct (Project.ratings: raters=, by=, constructs=, cases=)."""
    project = get_project()
    frame = project.ratings(raters=_names(raters), by=by, constructs=_names(constructs), cases=_names(cases))
    if fmt == "table":
        frame = frame.drop(columns=["score", "source_file", "created"])
    emit(frame, fmt, title="Construct ratings", out=out)


@ratings.command("matrix")
@click.option("--by", type=click.Choice(CASE_KINDS), default="clinic", show_default=True)
@click.option("--rater", help="Rater or 'consensus' (default: consensus, else the only rater).")
@format_option("table", "csv", "json", "xlsx", "docx", "png")
@out_option()
def matrix_cmd(by: str, rater: str | None, fmt: str, out: Path | None) -> None:
    """Show the construct x case matrix of ratings (png: its heatmap)."""
    written = emit(get_project().rating_matrix(by=by, rater=rater), fmt, out=out)
    if written is not None:
        say(f"wrote {escape(written)}")


@ratings.command("agreement")
@values_option("--raters", "raters_", spaces=False, help="Raters to compare (default: all but consensus).")
@click.option("--by", type=click.Choice(CASE_KINDS), default="clinic", show_default=True)
@format_option()
@out_option()
def agreement_cmd(raters_: tuple[str, ...], by: str, fmt: str, out: Path | None) -> None:
    """Agreement between raters: ordinal and nominal alpha, linear weighted kappa, exact and within-one agreement."""
    frame = get_project().rating_agreement(_names(raters_), by=by)
    if fmt == "table":
        frame = frame.drop(columns=["source"])
    emit(frame, fmt, title="Agreement on construct ratings", out=out)


@ratings.command("disagreements")
@values_option("--raters", "raters_", spaces=False, help="Raters to compare (default: all but consensus).")
@click.option("--by", type=click.Choice(CASE_KINDS), default="clinic", show_default=True)
@out_option("Write a reconciliation sheet (.xlsx or .csv) to fill and pass to `ratings consensus --decisions`.")
@format_option("table", "csv", "json", "xlsx")
def disagreements_cmd(raters_: tuple[str, ...], by: str, out: Path | None, fmt: str) -> None:
    """List cases and constructs the raters rated differently (a reconciliation sheet)."""
    from ..mixed.ratings import disagreements_table

    frame = get_project().rating_disagreements(_names(raters_), by=by)
    if out is not None:
        emit(disagreements_table(frame), fmt, out=out)
        say(f"{len(frame)} disagreement(s); wrote {escape(out)}")
        return
    emit(frame, fmt, title=f"{len(frame)} rating disagreement(s)")


@ratings.command("consensus")
@values_option("--raters", "raters_", spaces=False, help="Raters to combine (default: all but consensus).")
@click.option("--by", type=click.Choice(CASE_KINDS), default="clinic", show_default=True)
@click.option("--decisions", type=click.Path(dir_okay=False, path_type=Path),
              help="Reconciliation file: the disagreements sheet with 'rating' and 'rationale' filled (an empty "
                   "rating with a rationale decides 'missing'; a blank row is undecided).")
@click.option("--allow-unresolved", is_flag=True, help="Write undecided disagreements as missing instead of refusing.")
def consensus_cmd(raters_: tuple[str, ...], by: str, decisions: Path | None, allow_unresolved: bool) -> None:
    """Build the consensus rating layer: agreed values, plus the decisions for disagreements."""
    result = get_project().build_consensus(_names(raters_), by=by, decisions=decisions,
                                           allow_unresolved=allow_unresolved)
    say(f"consensus: {result.written} ratings ({result.agreed} agreed, {result.decided} decided, "
        f"{len(result.unresolved)} unresolved)")


# ============================================================================ quant
@click.group()
def quant() -> None:
    """Quantitative outcomes: import (fidelity, FIM/AIM/IAM, reach/adoption, activities), list, summarize."""


def _ranges(values: Sequence[str]) -> dict[str, tuple[float | None, float | None]]:
    from ..errors import InputError

    out: dict[str, tuple[float | None, float | None]] = {}
    for value in values:
        try:
            column, bounds = value.split("=", 1)
            low, high = bounds.split(":", 1)
            out[column.strip().lower()] = (float(low) if low.strip() else None, float(high) if high.strip() else None)
        except ValueError:
            raise InputError(f"cannot read the range {value!r}", hint="write COLUMN=LOW:HIGH, e.g. sessions=0:12") from None
    return out


@quant.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dataset", help="Store under this name (default: the file name); re-importing replaces it.")
@click.option("--kind", type=click.Choice(["fidelity", "fim_aim_iam", "reach_adoption", "activities", "generic"]),
              help="Kind of file (default: detected from the columns).")
@click.option("--level", type=click.Choice(["mother", "session", "counselor", "clinic", "agency"]),
              help="For generic files: what one row describes.")
@click.option("--sheet", help="Sheet of an .xlsx file (default: the first).")
@values_option("--measures", "measures", spaces=False, help="Generic files: columns to read as measures.")
@deprecated_alias("--measure", "--measures", "measures", several=True, spaces=False)
@values_option("--ranges", "ranges", spaces=False,
               help="Valid range of a column, COLUMN=LOW:HIGH: --ranges sessions=0:12 adherence=1:5.")
@deprecated_alias("--range", "--ranges", "ranges", several=True, spaces=False)
@click.option("--min-items", type=int, default=4, show_default=True, help="Items a FIM/AIM/IAM scale needs to be scored.")
def quant_import(files: tuple[Path, ...], dataset: str | None, kind: str | None, level: str | None, sheet: str | None,
                 measures: tuple[str, ...], ranges: tuple[str, ...], min_items: int) -> None:
    """Import quantitative FILES (.csv/.xlsx); every bad cell is reported with sheet, row and column."""
    from ..errors import InputError

    if dataset and len(files) > 1:
        raise InputError("--dataset names one file's dataset; import the files one by one",
                         hint="or leave --dataset out to name each dataset after its file")
    project = get_project()
    for path in files:
        result = project.import_quant(path, dataset=dataset, kind=kind, level=level, sheet=sheet,
                                      measures=_names(measures), ranges=_ranges(ranges), min_items=min_items)
        say(escape(f"{path}: dataset {result.dataset!r} ({result.kind}, {result.level} level): {result.rows} rows, "
                   f"{result.values} values; measures {', '.join(result.measures)}"
                   + (f"; replaced {result.replaced} earlier values" if result.replaced else "")))
        for warning in result.warnings:
            say(f"[yellow]warning[/]: {escape(path)}: {escape(warning)}")


@quant.command("list")
@values_option("--dataset", "datasets", spaces=False, help="Only these datasets.")
@values_option("--measure", "measures", spaces=False, help="Only these measures.")
@format_option()
@out_option()
def quant_list(datasets: tuple[str, ...], measures: tuple[str, ...], fmt: str, out: Path | None) -> None:
    """List stored values, one row per unit and measure."""
    frame = get_project().quant(dataset=_names(datasets), measure=_names(measures))
    emit(frame, fmt, title="Quantitative values", out=out, max_rows=200 if fmt == "table" and out is None else None)


@quant.command("summary")
@click.option("--by", type=click.Choice(["clinic", "agency"]), default="clinic", show_default=True)
@values_option("--measures", "measures", spaces=False,
               help="Measures (default: all; aliases such as feasibility work).")
@deprecated_alias("--measure", "--measures", "measures", several=True, spaces=False)
@click.option("--pool", type=click.Choice(["counselors", "sessions"]), default="counselors", show_default=True,
              help="Session-level measures (fidelity, adherence, competence): each counselor's mean first, then "
                   "the clinic mean of counselors (as Aim 2), or every session pooled.")
@format_option()
@out_option()
def quant_summary(by: str, measures: tuple[str, ...], pool: str, fmt: str, out: Path | None) -> None:
    """n, mean, SD, median, min and max of each measure by clinic or agency, with the level it came from."""
    frame = get_project().outcomes(by=by, measures=_names(measures), pool=pool)
    emit(frame.round(3) if fmt == "table" else frame, fmt, title=f"Outcomes by {by}", out=out)


@quant.command("phases")
@click.option("--by", type=click.Choice(["clinic", "agency"]), default="clinic", show_default=True)
@format_option()
@out_option()
def quant_phases(by: str, fmt: str, out: Path | None) -> None:
    """Implementation activities (Aim 2): completion proportion and duration per phase."""
    frame = get_project().phases(by=by)
    emit(frame.round(3) if fmt == "table" else frame, fmt, title=f"Implementation activities by {by} and phase", out=out)


@quant.command("measures")
@format_option()
def quant_measures(fmt: str) -> None:
    """The measure table: every known measure's level, range and items."""
    from ..mixed.quant import measure_table

    emit(measure_table(), fmt, title="Known measures")


# ============================================================================ joint
@click.command()
@click.option("--outcome", default="fidelity", show_default=True,
              help="Outcome measure (fidelity, adherence, competence, fim/feasibility, aim, iam, reach, adoption, "
                   "completion, or any imported measure).")
@click.option("--display", type=click.Choice(["case-ordered", "side-by-side", "stats-by-theme"]),
              default="case-ordered", show_default=True,
              help="Which joint display (csQCA and CNA: 'mio-qual configurations').")
@format_option("table", "csv", "xlsx", "docx", "png")
@out_option("Output file (its suffix sets the format; png: the heatmap of the case-ordered matrix).")
@click.option("--by", type=click.Choice(["clinic", "agency"]), default="clinic", show_default=True)
@click.option("--rater", help="Ratings to show (default: consensus, else the only rater).")
@values_option("--constructs", "constructs", spaces=False, help="Constructs (rows) to show.")
@deprecated_alias("--construct", "--constructs", "constructs", several=True, spaces=False)
@click.option("--split", type=checked("split"), default="halves", show_default=True,
              help="How cases are split into high and low outcome groups.")
@click.option("--threshold", type=float, help="For --split threshold: high when the outcome is at least this.")
@values_option("--high", "high", spaces=False, help="Name the high-outcome cases (overrides --split).")
@values_option("--low", "low", spaces=False, help="Name the low-outcome cases (overrides --split).")
@click.option("--strong", type=checked("strong"), default=2.0, show_default=True, help="Mean difference that distinguishes.")
@click.option("--weak", type=checked("weak"), default=1.0, show_default=True, help="Mean difference that weakly distinguishes.")
@click.option("--min-rated", type=checked("min_rated"), default=2, show_default=True,
              help="Rated cases each group needs before a construct can be flagged (one rule for every display).")
@click.option("--criterion", type=checked("criterion"), default="difference",
              show_default=True,
              help="difference: group means against --strong/--weak; separation: every rated high case above every "
                   "rated low case (the pattern reading of Damschroder & Lowery's published ratings).")
@click.option("--links", is_flag=True, help="Side-by-side: also quote excerpts of linked study codes (marked 'via').")
@click.option("--sort", type=click.Choice(["codebook", "distinguishing"]), default="codebook", show_default=True)
@click.option("--fit", "fit", type=click.Path(dir_okay=False, path_type=Path),
              help="Analyst's fit file (side-by-side): construct, fit, note; without it the fit column is empty.")
@click.option("--quotes", type=checked("quotes"), default=3, show_default=True, help="Exemplar quotes per row (side-by-side).")
def joint(outcome: str, display: str, fmt: str, out: Path | None, by: str, rater: str | None,
          constructs: tuple[str, ...], split: str, threshold: float | None, high: tuple[str, ...], low: tuple[str, ...],
          strong: float, weak: float, min_rated: int, criterion: str, links: bool, sort: str, fit: Path | None, quotes: int) -> None:
    """Joint displays of construct ratings and an outcome: case-ordered matrix, side-by-side, statistics by theme."""
    from ..errors import InputError

    if fmt == "png" and display != "case-ordered":
        raise InputError("the heatmap (--format png) shows the case-ordered display",
                         hint="use --display case-ordered, or another --format")
    # the distinguishing rule's options, as Project.joint_display and report_joint take them
    rule = {"split": split, "threshold": threshold, "high": _names(high), "low": _names(low), "strong": strong,
            "weak": weak, "min_rated": min_rated, "criterion": criterion}
    options: dict[str, Any] = {
        "case-ordered": {**rule, "constructs": _names(constructs), "sort": sort},
        "side-by-side": {**rule, "constructs": _names(constructs), "fit": fit, "quotes": quotes},
        "stats-by-theme": {**rule, "constructs": _names(constructs)},
    }[display]
    result = get_project().joint_display(display, outcome, by=by, rater=rater, links=links, **options)
    if fmt == "table" and out is None:
        for table in result.tables()[:1]:
            emit(table.frame, "table", title=table.title)
        _notes(result.notes)
        return
    written = emit(result.result(), fmt, out=out)
    if written is not None:
        say(f"wrote {escape(written)}")

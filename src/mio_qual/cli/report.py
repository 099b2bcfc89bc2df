"""``mio-qual report KIND --out FILE.docx``: a thin face over :meth:`mio_qual.project.Project.report`."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import click

from .common import checked, coders_option, console, deprecated_alias, emit, get_project, lands, values_option

KINDS = ("codebook", "agreement", "themes", "joint", "study", "names")
_UNITS = ("sentence", "turn", "paragraph", "character", "span", "transcript", "continuum")


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The Word file to write (.docx); charts are saved beside it as PNG. names: a .csv/.xlsx "
                   "(default: a table on the screen).")
@click.option("--redact", "redact", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A text file of further names or phrases to replace with [name], one per line.")
@click.option("--title", default=None, help="Title on the title page.")
@click.option("--subtitle", default=None, help="study: a line under the title.")
@coders_option(required=False, minimum=1,
               help="agreement, study: layers to compare: --coders A B (default: every human layer).")
@click.option("--unit", type=click.Choice(_UNITS), default=None,
              help="agreement, study: unit of analysis [default: sentence].")
@click.option("--boot", "boot", type=checked("boot"), default=None,
              help="agreement, study: bootstrap replicates for the intervals [default: 0, analytic intervals].")
@click.option("--seed", type=checked("seed"), default=None, help="agreement, study: seed of the bootstrap [default: 0].")
@click.option("--min-coverage", type=checked("min_coverage"), default=None,
              help="agreement: share of a segment unit a coding must cover to count [default: 0, any overlap].")
@click.option("--convention", type=checked("convention"), default=None,
              help="agreement: units rated by one coder in the multi-rater coefficients [default: gwet].")
@click.option("--boot-method", type=checked("boot_method"), default=None,
              help="agreement: how alpha is bootstrapped with --boot [default: units, BCa].")
@values_option("--themes-coders", "themes_coders",
               help="themes, study: coding layers to quote and count [default: consensus, else every human layer].")
@deprecated_alias("--layer", "--themes-coders", "themes_coders", several=True)
@click.option("--quotes", "quotes", type=checked("quotes"), default=None,
              help="themes, study: exemplar quotes per construct, at most [default: 3].")
@click.option("--outcome", default=None, help="joint, study: the outcome clinics are ordered by [default: fidelity].")
@click.option("--by", type=click.Choice(("clinic", "agency")), default=None,
              help="joint, study: case kind [default: clinic].")
@click.option("--rater", default=None, help="joint, study: ratings layer [default: consensus, else the only rater].")
@click.option("--fit", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="joint, study: the analyst's fit file (construct, fit, note) for the side-by-side display.")
@click.option("--criterion", type=checked("criterion"), default=None,
              help="joint, study: the distinguishing rule of the joint displays and Aim 3: difference (group means "
                   "2 and 1 scale points apart) or separation (every rated high case above every rated low case, "
                   "the pattern reading of Damschroder & Lowery's ratings) [default: difference].")
@click.option("--min-rated", type=checked("min_rated"), default=None,
              help="joint, study: rated cases each group needs before a construct is flagged [default: 2].")
@click.option("--split", type=checked("split"), default=None,
              help="joint, study: how clinics are split into high- and low-outcome groups: halves, extremes (the "
                   "highest against the lowest) or threshold (with --threshold) [default: halves].")
@click.option("--threshold", type=float, default=None,
              help="joint, study: with --split threshold, the outcome value from which a clinic is high.")
@values_option("--high", "high", spaces=False,
               help="joint, study: name the high-outcome clinics (with --low; overrides --split).")
@values_option("--low", "low", spaces=False,
               help="joint, study: name the low-outcome clinics (with --high; overrides --split).")
@click.option("--strong", type=checked("strong"), default=None,
              help="joint, study: with --criterion difference, the mean difference that distinguishes [default: 2].")
@click.option("--weak", type=checked("weak"), default=None,
              help="joint, study: with --criterion difference, the mean difference that weakly distinguishes "
                   "[default: 1].")
@click.option("--export/--no-export", default=None,
              help="joint: also write each display as CSV and XLSX beside the document [default: --export].")
@click.option("--max-rows", type=checked("max_rows"), default=None,
              help="agreement, study: disagreements listed in the document [default: 400; all go to the CSV].")
@click.option("--evaluate-model", is_flag=True, default=None,
              help="study: also evaluate the stored model by grouped cross-validation (trains it once per fold).")
@click.option("--charts/--no-charts", default=None,
              help="agreement, themes, joint, study: draw and embed the charts [default: --charts].")
@click.option("--mask-sites", is_flag=True, default=None,
              help="Replace clinic and agency names with stable labels (clinic A ...).")
@lands  # the report, its appendices and charts land together or not at all
def report(kind: str, out: Path | None, redact: Path | None, **given: Any) -> None:
    """Write a Word report: codebook, agreement, themes, joint or study (all of them in one); or list
    the capitalised words of the transcripts that may be names missing from the roster (names).

    Each option is the parameter of the same name, dashes for underscores, of the kind's Python
    method: --themes-coders A --quotes 2 is Project.report_study(out, themes_coders=["A"], quotes=2).

    \b
    Examples:
      mio-qual report study --out reports/study.docx
      mio-qual report study --criterion separation --quotes 2 --out reports/study.docx
      mio-qual report agreement --coders jordan casey --unit turn --out agreement.docx
      mio-qual report themes --redact extra-names.txt --mask-sites --out themes.docx
      mio-qual report names
    """
    from ..project import Project
    from ..reports.deidentify import read_redact_file
    from ..reports.documents import check_path

    if kind == "names":
        from .common import resolve_format

        extra = read_redact_file(redact) if redact is not None else []
        fmt = resolve_format(None, out, ("table", "csv", "json", "xlsx"))
        emit(get_project().name_review(extra=extra), fmt, out=out)
        return
    if out is None:
        raise click.UsageError(f"`report {kind}` needs --out FILE.docx")
    check_path(out)
    accepted = set(inspect.signature(getattr(Project, f"report_{kind}")).parameters)
    options: dict[str, Any] = {}
    for name, value in given.items():  # each option is the method's parameter of the same name
        if value is None or value == ():
            continue
        if name not in accepted:
            if name == "charts" and value is False:
                continue  # --no-charts on a kind without charts: already so
            raise click.UsageError(f"--{name.replace('_', '-')} does not apply to `report {kind}`")
        options[name] = list(value) if isinstance(value, tuple) else value
    if redact is not None:
        options["redact"] = read_redact_file(redact)
    project = get_project()
    screen = console(stderr=True)
    with screen.status(f"writing the {kind} report"):
        result = project.report(kind, out, **options)
    for sentence in result.absent:
        screen.print(f"[yellow]note:[/] {sentence}")
    screen.print(f"wrote {result.path} ({result.tables} tables, {result.n_figures} figures, "
                 f"{len(result.headings)} headings)")
    for path in result.files[1:]:
        screen.print(f"wrote {path}")

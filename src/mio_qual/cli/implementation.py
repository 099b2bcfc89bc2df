"""``mio-qual implementation ...``: Aim 2, implementation processes per clinic and agency.

Each command parses its options, makes one call to a :class:`~mio_qual.project.Project` method
(``import_implementation``, ``sic``, ``strategies``, ``adaptations``, ``facilitation_dose``,
``implementation_outcomes``, ``counselor_fidelity``, ``reaim``, ``predictor_matrix``,
``timeline_result``) and shows or writes what comes back.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import emit, format_option, get_project, out_option, say, warn

LOG_NAMES = ("activities", "activity_dates", "strategies", "adaptations", "facilitation", "events")
TABLE_FORMATS = ("table", "csv", "json", "xlsx", "docx")
SHOW_NAMES = click.option("--show-names", is_flag=True,
                          help="Do not redact: the logs' free text as written, names included (the lead's choice, made "
                               "knowingly; refused to a coder on a shared server). By default every name the project "
                               "knows prints as [name], as in every output.")
BENCHMARK = click.option("--benchmark", type=click.FloatRange(1, 5), default=4.0, show_default=True,
                         help="Fidelity benchmark (1-5): sessions rated at or above it count as at benchmark.")


@click.group()
def implementation() -> None:
    """Aim 2: activities (SIC), strategies, adaptations, facilitation and outcomes by clinic.

    \b
    Examples:
      mio-qual implementation import activities aim2/activities.csv
      mio-qual implementation sic --view phase
      mio-qual implementation outcomes --benchmark 4
    """


@implementation.command("import")
@click.argument("log", type=click.Choice(LOG_NAMES))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sheet", default=None, help="Sheet of an .xlsx file (default the first).")
def import_cmd(log: str, path: Path, sheet: str | None) -> None:
    """Import one Aim 2 log (CSV or XLSX), replacing what the project held of it; every bad cell is listed.

    The activity list comes before its dates, and the strategy log before adaptations of strategies.

    \b
    Examples:
      mio-qual implementation import activities aim2/activities.csv
      mio-qual implementation import activity_dates aim2/activity_dates.csv
    """
    result = get_project().import_implementation(log, path, sheet=sheet)
    say(f"imported {result.rows} rows of the {log} log from {path.name}"
        + (f" (replacing {result.replaced})" if result.replaced else ""))
    for message in result.warnings:
        warn(message)


@implementation.command()
@click.option("--view", type=click.Choice(["summary", "stage", "phase", "agency", "completion"]), default="summary",
              show_default=True, help="Clinic summary, per stage, per phase, per agency, or every activity's date.")
@format_option(*TABLE_FORMATS)
@out_option()
def sic(view: str, fmt: str, out: Path | None) -> None:
    """Stages of Implementation Completion: proportion, duration and stage reached per clinic.

    \b
    Examples:
      mio-qual implementation sic
      mio-qual implementation sic --view phase --format csv
    """
    emit(get_project().sic(view), fmt, out=out, title=f"Stages of Implementation Completion ({view})")


@implementation.command()
@click.option("--clinic", default=None, help="One clinic (its agency's agency-wide strategies included).")
@click.option("--eric", default=None, help="One ERIC strategy name (any case).")
@click.option("--phase", type=click.Choice(["pre-implementation", "implementation", "sustainability"]), default=None)
@SHOW_NAMES
@format_option(*TABLE_FORMATS)
@out_option()
def strategies(clinic: str | None, eric: str | None, phase: str | None, show_names: bool, fmt: str,
               out: Path | None) -> None:
    """The strategy log: ERIC name, Proctor's elements, and the elements left unspecified (names as [name]).

    \b
    Examples:
      mio-qual implementation strategies --clinic westfield
    """
    emit(get_project().strategies(clinic=clinic, eric=eric, phase=phase, show_names=show_names), fmt, out=out,
         title="Strategies")


@implementation.command()
@click.option("--clinic", default=None, help="One clinic.")
@click.option("--applies-to", type=click.Choice(["intervention", "strategy"]), default=None)
@click.option("--fidelity", type=click.Choice(["consistent", "inconsistent", "unknown"]), default=None)
@SHOW_NAMES
@format_option(*TABLE_FORMATS)
@out_option()
def adaptations(clinic: str | None, applies_to: str | None, fidelity: str | None, show_names: bool, fmt: str,
                out: Path | None) -> None:
    """The adaptation log (FRAME for MIO, FRAME-IS for strategies), names as [name].

    \b
    Examples:
      mio-qual implementation adaptations --fidelity inconsistent
    """
    emit(get_project().adaptations(clinic=clinic, applies_to=applies_to, fidelity=fidelity, show_names=show_names),
         fmt, out=out, title="Adaptations")


@implementation.command()
@click.option("--by", type=click.Choice(["clinic", "agency"]), default="clinic", show_default=True)
@format_option(*TABLE_FORMATS)
@out_option()
def dose(by: str, fmt: str, out: Path | None) -> None:
    """Facilitation dose: contacts and minutes per clinic (or agency) and phase.

    \b
    Examples:
      mio-qual implementation dose --by agency
    """
    emit(get_project().facilitation_dose(by=by), fmt, out=out, title="Facilitation dose")


@implementation.command()
@BENCHMARK
@format_option(*TABLE_FORMATS)
@out_option()
def outcomes(benchmark: float, fmt: str, out: Path | None) -> None:
    """Reach, adoption, FIM/AIM/IAM by wave and fidelity per clinic and agency, with level, n and base.

    Every clinic of the project has a row of each outcome: one missing from the outcome's file is
    "not computable" with the reason, and so is its agency. The notes say how waves are ordered.

    \b
    Examples:
      mio-qual implementation outcomes
      mio-qual implementation outcomes --benchmark 3.5 --format csv
    """
    emit(get_project().implementation_outcomes_result(benchmark), fmt, out=out)


@implementation.command()
@BENCHMARK
@format_option(*TABLE_FORMATS)
@out_option()
def counselors(benchmark: float, fmt: str, out: Path | None) -> None:
    """Fidelity per counselor: mean adherence and competence over each counselor's rated sessions.

    \b
    Examples:
      mio-qual implementation counselors --format csv
    """
    emit(get_project().counselor_fidelity(benchmark), fmt, out=out, title="Fidelity by counselor")


@implementation.command()
@BENCHMARK
@format_option(*TABLE_FORMATS)
@out_option()
def reaim(benchmark: float, fmt: str, out: Path | None) -> None:
    """The RE-AIM table per clinic; a dimension the data cannot fill says why.

    \b
    Examples:
      mio-qual implementation reaim
    """
    emit(get_project().reaim(benchmark), fmt, out=out, title="RE-AIM by clinic")


@implementation.command()
@BENCHMARK
@format_option(*TABLE_FORMATS)
@out_option()
def predictors(benchmark: float, fmt: str, out: Path | None) -> None:
    """Pre-implementation completion and facilitation dose against reach, adoption, feasibility and
    fidelity: descriptive at four clinics (no test).

    \b
    Examples:
      mio-qual implementation predictors
    """
    emit(get_project().predictor_matrix(benchmark), fmt, out=out)


@implementation.command()
@click.argument("clinic")
@SHOW_NAMES
@format_option("table", "csv", "json", "xlsx", "png")
@out_option()
def timeline(clinic: str, show_names: bool, fmt: str, out: Path | None) -> None:
    """One clinic's timeline of activities, strategies, adaptations, facilitation and events (PNG with --out x.png);
    names in the logs' text as [name].

    \b
    Examples:
      mio-qual implementation timeline northside --out timeline-northside.png
    """
    written = emit(get_project().timeline_result(clinic, show_names=show_names), fmt, out=out)
    if written:
        say(f"wrote {written}")

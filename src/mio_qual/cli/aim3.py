"""``mio-qual aim3``: the counselor link table, climate and counselor measures, the case-ordered matrix,
and the rating-blinding setting the methods text reports.

Each command parses its options, makes one call to a :class:`~mio_qual.project.Project` method
and renders what comes back.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import deprecated_alias, emit, format_option, get_project, out_option, say, split_values, values_option, warn

INSTRUMENT_NAMES = ("ics", "ils", "ebpas", "orc")


@click.group()
def aim3() -> None:
    """Aim 3: counselor links, climate and counselor measures, case-ordered matrices."""


@aim3.command("links")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def links_cmd(path: Path) -> None:
    """Import the counselor link table (study_id, counselor_id, clinic), replacing the earlier one."""
    say(f"{get_project().import_counselor_links(path)} participants linked to counselor ids")


@aim3.command("counselors")
@click.option("--outcome", default="fidelity", show_default=True, help="Order counselors by this measure.")
@values_option("--constructs", "constructs", spaces=False, help="Count the counselor's excerpts coded with each.")
@deprecated_alias("--construct", "--constructs", "constructs", several=True, spaces=False)
@format_option("table", "csv", "json", "xlsx")
@out_option()
def counselors_cmd(outcome: str, constructs: tuple[str, ...], fmt: str, out: Path | None) -> None:
    """The counselor-level joint display: interview codes, measures, fidelity and FIM per counselor."""
    frame = get_project().counselor_display(outcome, constructs=split_values(constructs, spaces=False))
    emit(frame, fmt, title=f"Counselors ordered by {outcome}", out=out)


@aim3.command("measure")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--instrument", type=click.Choice(INSTRUMENT_NAMES), required=True,
              help="ics (Ehrhart 2014), ils (Aarons 2014), ebpas (Aarons 2004) or orc (Lehman 2002, needs --key).")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Scoring key (YAML: n_items, low, high, subscales, reverse); required for orc; for ics/ils "
                   "it replaces the bundled numbering (the ICS's blocks of three are assumed beyond items 1-3 and 9).")
def measure_cmd(path: Path, instrument: str, key: Path | None) -> None:
    """Import one instrument's respondent x item file (item columns by number: ics1 ... ics18)."""
    say(f"{get_project().import_measure(path, instrument, key=key)} respondents read for {instrument}")


@aim3.command("measures")
@click.option("--instrument", type=click.Choice(INSTRUMENT_NAMES), required=True)
@click.option("--by", type=click.Choice(["clinic", "agency"]), default="clinic", show_default=True)
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Scoring key (orc).")
@click.option("--min-rwg", type=float, default=0.70, show_default=True, help="rwg(j) below this warns.")
@click.option("--min-icc1", type=float, default=0.05, show_default=True, help="ICC(1) below this warns.")
@format_option("table", "csv", "json", "xlsx")
@out_option()
def measures_cmd(instrument: str, by: str, key: Path | None, min_rwg: float, min_icc1: float, fmt: str,
                 out: Path | None) -> None:
    """Clinic means per scale with rwg(j) and ICC(1); warns where they do not support aggregating."""
    table, warnings = get_project().measure_summary(instrument, by=by, key=key, min_rwg=min_rwg, min_icc1=min_icc1)
    emit(table.round(3), fmt, title=f"{instrument} by {by}", out=out)
    for line in warnings:
        warn(line)


@aim3.command("matrix")
@click.option("--outcome", default="fidelity", show_default=True, help="The outcome that orders the cases.")
@values_option("--rows", "rows", spaces=False,
               help="Rows beside the outcome, each a construct (its ratings), n:CODE (excerpts coded with it), "
                    "INSTRUMENT:SCALE (a measure) or a quantitative measure: --rows IS.J2 ics:total fim.")
@deprecated_alias("--row", "--rows", "rows", several=True, spaces=False)
@click.option("--by", type=click.Choice(["clinic", "agency", "counselor"]), default="clinic", show_default=True)
@format_option("table", "csv", "json", "xlsx")
@out_option()
def matrix_cmd(outcome: str, rows: tuple[str, ...], by: str, fmt: str, out: Path | None) -> None:
    """A case-ordered predictor x outcome matrix: cases ordered by the outcome, any rows beside it."""
    if not rows:
        raise click.UsageError("name the rows: --rows IS.J2 ics:total fim n:MIO.SUPV")
    frame = get_project().case_matrix(outcome, split_values(rows, spaces=False), by=by)
    checks = list(frame.attrs.get("aggregation", []))
    emit(frame.reset_index().rename(columns={"index": "row"}), fmt, title=f"{by}s ordered by {outcome}", out=out)
    for line in checks:  # a measure's means are shown where the check fails too: say where, every time
        warn(line)


@aim3.command("blinding")
@click.argument("knew", type=click.Choice(["knew", "blind"]))
def blinding_cmd(knew: str) -> None:
    """Record whether the raters knew the clinics' outcomes when they rated (knew) or not (blind)."""
    get_project().set_raters_knew_outcomes(knew == "knew")
    say("recorded: raters " + ("knew" if knew == "knew" else "did not know") + " the outcomes")


__all__ = ["aim3"]

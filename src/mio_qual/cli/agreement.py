"""``mio-qual agreement`` and ``mio-qual disagreements``: one ``Project`` call each, rendered.

Each option is the Python parameter of :meth:`mio_qual.project.Project.agreement` spelled with
dashes (``--overlap`` is ``overlap=``, ``--boot`` ``boot=``, ``--stats`` ``stats=``,
``--transcripts`` ``transcripts=``, ``--no-by-transcript`` ``by_transcript=False``); the old
spellings ``--stat``, ``--transcript`` and ``--no-transcripts`` still work with a warning.

Every ``--format`` shows the same table computed with every option given; the Word agreement
report with its method paragraph, chart and appendix is ``mio-qual report agreement``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import (ManyValues, checked, coder_option, coders_option, deprecated_alias, emit, format_option, get_project,
                     out_option, split_values, values_option)

_UNITS = ("sentence", "turn", "paragraph", "character", "span", "transcript", "continuum")
_STATS = ("percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1",
          "brennan_prediger", "pabak", "conger_kappa")
_SEEN = ("given", "coded", "any")


def _seen_rule(seen: str | None, all_seen: bool) -> str:
    """``--seen``, with ``--all-seen`` kept as the shorthand of ``--seen any``."""
    if all_seen and seen not in (None, "any"):
        raise click.UsageError("--all-seen means --seen any; give one of them")
    return "any" if all_seen else (seen or "given")


def _common(func: Any) -> Any:
    options = [
        coders_option(help="Coder layers to compare: --coders A B (or --coders A --coders B)."),
        click.option("--unit", type=click.Choice(_UNITS), default="sentence", show_default=True,
                     help="Unit of analysis; 'continuum' is Krippendorff's unitized alpha."),
        values_option("--codes", "codes", help="Codes to analyse (default: all the coders used)."),
        values_option("--transcripts", "transcripts", help="Restrict to these transcripts."),
        click.option("--scope", type=click.Choice(("all", "coded")), default="all", show_default=True,
                     help="Character units: all text, or only text anyone coded."),
        click.option("--min-coverage", type=checked("min_coverage"), default=0.0, show_default=True,
                     help="Segment units: share of a unit a coding must cover (0 = any overlap)."),
        click.option("--overlap", "overlap", type=checked("overlap"), default=0.9,
                     show_default=True, help="Span units: overlap share |A and B|/|A or B| for spans to agree."),
        click.option("--seen", type=click.Choice(_SEEN), default=None,
                     help="Which transcripts a coder saw: 'given' (default: returned in a file, with or without "
                          "codings, assigned with `coding assign`, or coded in), 'coded' (only those they coded "
                          "in) or 'any' (every transcript any compared coder coded in or was given)."),
        click.option("--all-seen", is_flag=True, help="Shorthand of --seen any."),
        click.option("--include-interviewer", is_flag=True,
                     help="Sentence, turn and paragraph units: keep interviewer/facilitator speech and headers as "
                          "units (default: participants' speech only, as auto-coding; they are rarely coded and "
                          "inflate agreement)."),
        deprecated_alias("--transcript", "--transcripts", "transcripts", several=True),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command()
@_common
@click.option("--stats", "stats", multiple=True, type=click.Choice(_STATS), cls=ManyValues,
              help="Coefficients to report: --stats cohen_kappa gwet_ac1 (default depends on the number of coders).")
@deprecated_alias("--stat", "--stats", "stats", several=True)
@click.option("--boot", "boot", type=checked("boot"), default=0, show_default=True,
              help="Bootstrap replicates for kappa and alpha intervals (0: analytic intervals only).")
@click.option("--seed", type=checked("seed"), default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--confidence", type=checked("confidence"), default=0.95,
              show_default=True)
@click.option("--by-transcript/--no-by-transcript", default=True, show_default=True,
              help="Add a pooled row per transcript (--no-by-transcript leaves them out).")
@deprecated_alias("--no-transcripts", "--no-by-transcript", "by_transcript", flag_value=False)
@click.option("--convention", type=checked("convention"), default="gwet", show_default=True,
              help="Units rated by one coder in percent agreement, Fleiss, AC1, Brennan-Prediger and Conger: "
                   "Gwet's convention (out of observed agreement, in chance agreement, as irrCAC) or 'pairable' "
                   "(out of every term).")
@click.option("--boot-method", type=checked("boot_method"), default="units", show_default=True,
              help="With --boot: alpha's bootstrap resamples units (BCa interval) or follows Krippendorff's "
                   "algorithm (too narrow with more than two coders).")
@format_option(choices=("table", "csv", "json", "xlsx", "docx"))
@out_option()
def agreement(coders: tuple[str, ...], unit: str, codes: tuple[str, ...], transcripts: tuple[str, ...], scope: str,
              min_coverage: float, overlap: float, seen: str | None, all_seen: bool, include_interviewer: bool,
              stats: tuple[str, ...], boot: int, seed: int, confidence: float, by_transcript: bool,
              convention: str, boot_method: str, fmt: str, out: Path | None) -> None:
    """Inter-rater agreement per code, pooled and per transcript.

    Example: mio-qual agreement --coders A B --unit turn --stats cohen_kappa gwet_ac1
    """
    from ..agreement.report import agreement_result
    from ..reports.render import infer_format, render

    if fmt in ("xlsx", "docx"):
        infer_format(fmt, out)  # a file format without --out is refused before the work starts
    coder_list = split_values(coders)
    table = get_project().agreement(
        coders=coder_list, unit=unit, codes=split_values(codes) or None, stats=list(stats) or None, scope=scope,
        min_coverage=min_coverage, overlap=overlap, boot=boot, seed=seed, confidence=confidence,
        by_transcript=by_transcript, transcripts=split_values(transcripts) or None,
        seen=_seen_rule(seen, all_seen), include_interviewer=include_interviewer, convention=convention,
        boot_method=boot_method)
    result = agreement_result(table, coder_list, unit)
    if fmt in ("xlsx", "docx"):
        render(result, fmt=fmt, out=out)
        click.echo(f"wrote {out}", err=True)
    elif fmt == "table":
        emit(_compact(table), fmt, title=result.title, out=out)
        notes = result.tables[0].notes
        for note in notes[:1] if notes and notes[0].startswith("flag: ") else []:
            click.echo(note, err=True)
        if (table["level"] == "transcript").any():
            click.echo("per-transcript rows, standard errors and every interval: --format csv", err=True)
        for note in (n for n in notes if n.startswith(("seen: ", "set aside: "))):
            click.echo(note, err=True)
    elif emit(table, fmt, title=result.title, out=out) is not None:
        click.echo(f"wrote {out}", err=True)


def _compact(table: Any) -> Any:
    """What fits a terminal: per-code and pooled rows, each coefficient once, kappa's interval.

    Per-transcript rows, standard errors and the other intervals are in ``--format csv|json``.
    """
    if table.empty:
        return table
    rows = table[table["level"] != "transcript"]
    keep = {"code": "code", "n_units": "units", "prevalence": "prevalence", "percent_agreement": "agree",
            "cohen_kappa": "kappa", "fleiss_kappa": "fleiss", "krippendorff_alpha": "alpha", "gwet_ac1": "AC1",
            "unitized_alpha": "u-alpha", "scott_pi": "pi", "brennan_prediger": "BP", "pabak": "PABAK"}
    compact = rows[[c for c in keep if c in rows.columns]].rename(columns=keep)
    if "cohen_kappa_ci_low" in rows.columns:
        compact.insert(compact.columns.get_loc("kappa") + 1, "kappa 95% CI",
                       [f"{lo:.2f} to {hi:.2f}" if lo == lo and hi == hi and flag != "too rare" else ""
                        for lo, hi, flag in zip(rows["cohen_kappa_ci_low"], rows["cohen_kappa_ci_high"],
                                                rows["flag"] if "flag" in rows.columns else [""] * len(rows))])
    if "flag" in rows.columns:
        compact["flag"] = rows["flag"]
    compact.attrs = dict(table.attrs)
    return compact


@click.command()
@_common
@click.option("--show-names", is_flag=True,
              help="Keep speakers' names (by default speakers appear by study id and names are redacted; on a shared "
                   "server only the lead may).")
@format_option(choices=("table", "csv", "json"))
@out_option()
def disagreements(coders: tuple[str, ...], unit: str, codes: tuple[str, ...], transcripts: tuple[str, ...],
                  scope: str, min_coverage: float, overlap: float, seen: str | None, all_seen: bool,
                  include_interviewer: bool, show_names: bool, fmt: str, out: Path | None) -> None:
    """List every disagreeing unit with its text and each coder's codes, for reconciliation.

    Example: mio-qual disagreements --coders A B --unit sentence --format csv --out to-discuss.csv
    """
    project = get_project()
    coder_list = split_values(coders)
    frame = project.disagreements(
        coders=coder_list, unit=unit, codes=split_values(codes) or None, scope=scope, min_coverage=min_coverage,
        overlap=overlap, transcripts=split_values(transcripts) or None, seen=_seen_rule(seen, all_seen),
        redact=not show_names, include_interviewer=include_interviewer)
    if fmt == "table" and len(frame) and "text" in frame.columns:
        frame = frame.copy()
        frame["text"] = [t if len(t) <= 120 else t[:117] + "..." for t in frame["text"].fillna("")]
    written = emit(frame, fmt, title=f"Disagreements of {', '.join(coder_list)} by {unit}: {len(frame)}", out=out)
    if written is not None:  # say where the list went, as `ratings disagreements` does
        click.echo(f"{len(frame)} disagreeing unit(s); wrote {written}", err=True)


@click.command("assign")
@coder_option(help="The coder given TRANSCRIPTS (and the sheet's rows without a coder).")
@click.argument("transcripts", nargs=-1)
@click.option("--sheet", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="An assignment sheet (.csv/.xlsx) with columns coder and transcript_id.")
@click.option("--withdraw", is_flag=True, help="Remove these assignments (all of --coder's when none is named).")
@format_option(choices=("table", "csv", "json"))
@out_option()
def assign(coder: str | None, transcripts: tuple[str, ...], sheet: Path | None, withdraw: bool, fmt: str,
           out: Path | None) -> None:
    """Record which transcripts a coder was given, so that agreement counts them as seen.

    A transcript a coder returned (a Word file, a coding sheet listing it, a .qdpx source)
    already counts as seen; an assignment covers one they were given and did not return,
    or returned in no file. Prints every assignment recorded.

    Example: mio-qual coding assign --coder casey INT01 INT02
    """
    if not coder and sheet is None:
        raise click.UsageError("name --coder (with TRANSCRIPTS) or give --sheet")
    if transcripts and not coder:
        raise click.UsageError("TRANSCRIPTS need --coder")
    frame = get_project().assign(coder or "", transcripts, sheet=None if sheet is None else str(sheet),
                                 withdraw=withdraw)
    emit(frame, fmt, title=f"Assignments: {len(frame)}", out=out)

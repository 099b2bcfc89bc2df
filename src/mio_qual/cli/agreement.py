"""``mio-qual agreement`` and ``mio-qual disagreements``: a thin face over mio_qual.agreement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import emit, format_option, get_project, out_option

_UNITS = ("sentence", "turn", "paragraph", "character", "span", "transcript", "continuum")
_STATS = ("percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1",
          "brennan_prediger", "pabak")


class _Command(click.Command):
    """Turns mio-qual errors into a one-line message and exit code 2 (1 for work failures)."""

    def invoke(self, ctx: click.Context) -> Any:
        from ..errors import MioQualError

        try:
            return super().invoke(ctx)
        except MioQualError as exc:
            root = ctx.find_root()
            if (root.obj or {}).get("debug"):
                raise
            error = click.ClickException(exc.one_line())
            error.exit_code = exc.exit_code
            raise error from None


class _ManyValues(click.Option):
    """A repeatable option that also takes several values after one flag: ``--coders A B C``.

    The words after the flag, up to the next option, are each passed to the option as if the
    flag had been repeated. (Relies on click's parser objects; if they change, the option still
    works as an ordinary repeatable one.)
    """

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        table = {**getattr(parser, "_long_opt", {}), **getattr(parser, "_short_opt", {})}
        parsed = next((table[name] for name in self.opts if name in table), None)
        if parsed is None or not hasattr(parsed, "process"):
            return
        original = parsed.process
        prefixes = tuple(getattr(parser, "_opt_prefixes", {"-", "--"}))

        def process(value: Any, state: Any) -> None:
            original(value, state)
            while state.rargs and not state.rargs[0].startswith(prefixes):
                original(state.rargs.pop(0), state)

        parsed.process = process


def _common(func: Any) -> Any:
    options = [
        click.option("--coders", "coders", required=True, multiple=True, cls=_ManyValues,
                     help="Coder layers to compare: --coders A B (or --coders A --coders B)."),
        click.option("--unit", type=click.Choice(_UNITS), default="sentence", show_default=True,
                     help="Unit of analysis; 'continuum' is Krippendorff's unitized alpha."),
        click.option("--codes", "codes", multiple=True, cls=_ManyValues,
                     help="Codes to analyse (default: all the coders used)."),
        click.option("--transcript", "transcripts", multiple=True, cls=_ManyValues,
                     help="Restrict to these transcripts."),
        click.option("--scope", type=click.Choice(("all", "coded")), default="all", show_default=True,
                     help="Character units: all text, or only text anyone coded."),
        click.option("--min-coverage", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                     help="Segment units: share of a unit a coding must cover (0 = any overlap)."),
        click.option("--overlap", "span_threshold", type=click.FloatRange(0, 1, min_open=True), default=0.9,
                     show_default=True, help="Span units: overlap share |A and B|/|A or B| for spans to agree."),
        click.option("--all-seen", is_flag=True,
                     help="Every coder saw every transcript any of them coded (not only those they coded in)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _split(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(v for v in value.replace(",", " ").split() if v)
    return out


@click.command(cls=_Command, context_settings={"ignore_unknown_options": False})
@_common
@click.option("--stat", "stats", multiple=True, type=click.Choice(_STATS), cls=_ManyValues,
              help="Coefficients to report (repeatable; default depends on the number of coders).")
@click.option("--boot", "n_boot", type=click.IntRange(0), default=0, show_default=True,
              help="Bootstrap replicates for kappa and alpha intervals (0: analytic intervals only).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95,
              show_default=True)
@click.option("--no-transcripts", is_flag=True, help="Leave out the per-transcript rows.")
@format_option(choices=("table", "csv", "json", "docx"))
@out_option()
def agreement(coders: tuple[str, ...], unit: str, codes: tuple[str, ...], transcripts: tuple[str, ...], scope: str,
              min_coverage: float, span_threshold: float, all_seen: bool, stats: tuple[str, ...], n_boot: int,
              seed: int, confidence: float, no_transcripts: bool, fmt: str, out: Path | None) -> None:
    """Inter-rater agreement per code, pooled and per transcript.

    Example: mio-qual agreement --coders A B --unit turn --stat cohen_kappa --stat gwet_ac1
    """
    from ..errors import InputError

    project = get_project()
    coder_list = _split(coders)
    if fmt == "docx":
        if out is None:
            raise InputError("a Word document cannot go to the terminal", hint="add --out agreement.docx")
        _write_docx(project, out, coder_list, unit, n_boot=n_boot, seed=seed, min_coverage=min_coverage)
        click.echo(f"wrote {out}", err=True)
        return
    table = project.agreement(
        coders=coder_list, unit=unit, codes=_split(codes) or None, stats=list(stats) or None, scope=scope,
        min_coverage=min_coverage, span_threshold=span_threshold, n_boot=n_boot, seed=seed, confidence=confidence,
        by_transcript=not no_transcripts, transcripts=_split(transcripts) or None,
        seen="any" if all_seen else "coded")
    if fmt == "table":
        table = _compact(table)
    title = f"Agreement of {', '.join(coder_list)} by {unit}"
    emit(table, fmt, title=title, out=out)
    set_aside = table.attrs.get("set_aside") if hasattr(table, "attrs") else None
    if set_aside and fmt == "table":
        for reason, count in set_aside.items():
            click.echo(f"set aside: {count:g} {reason}", err=True)


def _compact(table: Any) -> Any:
    """The columns that fit a terminal: values and flags, not every interval."""
    if table.empty:
        return table
    keep = ["level", "code", "transcript_id", "n_units", "prevalence"]
    stats = [c for c in table.columns if c in _STATS or c == "unitized_alpha"]
    keep += stats
    if "percent_agreement" in table.columns:
        keep += ["percent_agreement_ci_low", "percent_agreement_ci_high"]
    keep += [c for c in ("prevalence_index", "bias_index", "flag") if c in table.columns]
    compact = table[[c for c in keep if c in table.columns]].copy()
    compact.attrs = dict(table.attrs)
    return compact.rename(columns={"percent_agreement_ci_low": "pa_low", "percent_agreement_ci_high": "pa_high",
                                   "percent_agreement": "percent", "krippendorff_alpha": "alpha",
                                   "cohen_kappa": "kappa", "prevalence_index": "PI", "bias_index": "BI"})


def _write_docx(project: Any, out: Path, coders: list[str], unit: str, **options: Any) -> None:
    """The Word agreement report of the reports package (method paragraph, tables, chart, appendix)."""
    from ..errors import InputError

    try:
        from ..reports import agreement_report
    except ImportError:
        raise InputError("Word output of agreement is not available in this installation",
                         hint="use --format csv or json") from None
    agreement_report(project, out, coders=coders, unit=unit, **options)


@click.command(cls=_Command)
@_common
@click.option("--show-names", is_flag=True,
              help="Keep speakers' names (by default speakers appear by study id and names are redacted).")
@format_option(choices=("table", "csv", "json"))
@out_option()
def disagreements(coders: tuple[str, ...], unit: str, codes: tuple[str, ...], transcripts: tuple[str, ...],
                  scope: str, min_coverage: float, span_threshold: float, all_seen: bool, show_names: bool, fmt: str,
                  out: Path | None) -> None:
    """List every disagreeing unit with its text and each coder's codes, for reconciliation.

    Example: mio-qual disagreements --coders A B --unit sentence --format csv --out to-discuss.csv
    """
    project = get_project()
    coder_list = _split(coders)
    frame = project.disagreements(
        coders=coder_list, unit=unit, codes=_split(codes) or None, scope=scope, min_coverage=min_coverage,
        span_threshold=span_threshold, transcripts=_split(transcripts) or None, seen="any" if all_seen else "coded",
        redact=not show_names)
    if fmt == "table" and len(frame) and "text" in frame.columns:
        frame = frame.copy()
        frame["text"] = [t if len(t) <= 120 else t[:117] + "..." for t in frame["text"].fillna("")]
    emit(frame, fmt, title=f"Disagreements of {', '.join(coder_list)} by {unit}: {len(frame)}", out=out)

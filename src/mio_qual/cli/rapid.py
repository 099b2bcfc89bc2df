"""``mio-qual rapid``: rapid qualitative analysis with templated summaries and matrices.

Each command parses its options, makes one :class:`~mio_qual.project.Project` call
(``write_rapid_templates``, ``import_rapid``, ``rapid_summaries``, ``rapid_compare``,
``rapid_matrix``, ``rapid_coverage``) and shows or writes the result through the renderer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import click

from .common import coder_option, emit, escape, format_option, get_project, landing, out_option, say, values_option

_TEMPLATE = click.option("--template", default=None,
                         help="Summary template: a .yaml file or the name of one the project uses "
                              "(default: the project's, else the bundled CFIR staff-interview template).")


def _show(result: object, fmt: str, out: Path | None) -> None:
    """Show a result's first table on screen, or write the whole result to ``out``."""
    written = emit(result if fmt != "table" else result.tables[0], fmt, out=out)  # type: ignore[attr-defined]
    if written is not None:
        say(f"wrote {escape(written)}")


@click.group()
def rapid() -> None:
    """Rapid qualitative analysis: summary templates per transcript, matrices of cases x domains.

    \b
    Examples:
      mio-qual rapid templates INT02 INT03 --out to-summarize/ --summarizer kai
      mio-qual rapid compare --summarizers kai remy
      mio-qual rapid matrix --by clinic --out matrix.xlsx
    """


@rapid.command("templates")
@click.argument("transcripts", nargs=-1)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for one Word template per transcript.")
@_TEMPLATE
@click.option("--summarizer", default=None, help="Name written into each template (then import needs none).")
@values_option("--consensus-of", "consensus_of", help="Write consensus templates showing these two summarizers' "
                                                      "summaries: --consensus-of A B.")
@click.option("--force", is_flag=True, help="Replace templates that exist (a filled one would be lost).")
def templates_cmd(transcripts: Sequence[str], out: Path, template: str | None, summarizer: str | None,
                  consensus_of: Sequence[str], force: bool) -> None:
    """Write a summary template (.docx) per transcript: about table, one row per domain, the
    transcript with segment ids to cite (default: every transcript)."""
    with landing(folders=[out]):  # the template's registration and the files land together
        written = get_project().write_rapid_templates(out, list(transcripts), template=template,
                                                      summarizer=summarizer, consensus_of=list(consensus_of) or None,
                                                      force=force)
    say(f"wrote {len(written)} template(s) to {escape(out)}")


@rapid.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--summarizer", default=None, help="Whose summaries (default: the name in each file).")
@format_option("table", "csv", "json")
@out_option()
def import_cmd(files: Sequence[Path], summarizer: str | None, fmt: str, out: Path | None) -> None:
    """Import filled templates; a summarizer's summary of a transcript imported again replaces it.
    Quotes must be segment ids or words found in the transcript; every problem is listed."""
    result = get_project().import_rapid(files, summarizer=summarizer)
    emit(result.frame(), fmt, out=out, title="Rapid summaries imported")
    say(f"imported {result.n_files} summary file(s)")


@rapid.command("summaries")
@values_option("--summarizer", "summarizers", help="Only these summarizers.")
@click.option("--show-names", is_flag=True,
              help="Do not redact: summaries as written, names included (the lead's choice, made knowingly; refused "
                   "to a coder on a shared server). By default every name the project knows prints as [name].")
@format_option("table", "csv", "json", "xlsx")
@out_option()
def summaries_cmd(summarizers: Sequence[str], show_names: bool, fmt: str, out: Path | None) -> None:
    """List the stored summaries: summarizer, transcript, domain, summary (names redacted)."""
    emit(get_project().show_rapid_summaries(list(summarizers) or None, show_names=show_names), fmt, out=out,
         title="Rapid summaries")


@rapid.command("compare")
@values_option("--summarizers", "summarizers", required=True, minimum=2, help="Two summarizers: --summarizers A B.")
@_TEMPLATE
@format_option("table", "csv", "json", "xlsx", "docx")
@out_option()
def compare_cmd(summarizers: Sequence[str], template: str | None, fmt: str, out: Path | None) -> None:
    """Compare two summarizers per domain: who said a domain came up, word overlap, shared quotes,
    cells still without a consensus."""
    _show(get_project().rapid_compare(list(summarizers), template=template), fmt, out)


@rapid.command("matrix")
@click.option("--by", type=click.Choice(["transcript", "clinic", "agency", "role"]), default="transcript",
              show_default=True, help="Rows of the matrix.")
@click.option("--summarizer", default=None,
              help="Whose summaries (default: per transcript the consensus, else the only summarizer).")
@_TEMPLATE
@format_option("table", "csv", "json", "xlsx", "docx")
@out_option()
def matrix_cmd(by: str, summarizer: str | None, template: str | None, fmt: str, out: Path | None) -> None:
    """The matrix of cases x domains; each entry names the transcripts it comes from."""
    _show(get_project().rapid_matrix(by, summarizer=summarizer, template=template), fmt, out)


@rapid.command("coverage")
@coder_option(required=True, help="The coding layer to compare with (e.g. consensus).")
@click.option("--summarizer", default=None,
              help="Whose summaries (default: per transcript the consensus, else the only summarizer).")
@_TEMPLATE
@format_option("table", "csv", "json", "xlsx", "docx")
@out_option()
def coverage_cmd(coder: str, summarizer: str | None, template: str | None, fmt: str, out: Path | None) -> None:
    """Per construct and transcript: found by rapid analysis, by in-depth coding, by both or neither."""
    _show(get_project().rapid_coverage(coder, summarizer=summarizer, template=template), fmt, out)

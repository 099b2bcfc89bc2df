"""``mio-qual coding``: import, export, list and reconcile human coding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import console, emit, format_option, get_project

@click.group()
def coding() -> None:
    """Import, export, list and reconcile human coding (Word comments, spreadsheets, REFI-QDA)."""


def _codebook(names: tuple[str, ...]) -> Any:
    from ..coding.codes import load_codebook

    return load_codebook(list(names) if names else None)


@coding.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--coder", help="The coder's layer (required for Word files; sheets may have a coder column).")
@click.option("--codebook", "codebooks", multiple=True,
              help="Codebook name or file (repeatable; default: cfir2, cfir_outcomes and mio).")
@click.option("--transcript", "transcript_id", help="Transcript of files that name none.")
@click.option("--skip-problems", is_flag=True, help="Import what can be imported and list the rest.")
@format_option(choices=("table", "json"))
def import_cmd(files: tuple[Path, ...], coder: str | None, codebooks: tuple[str, ...], transcript_id: str | None,
               skip_problems: bool, fmt: str) -> None:
    """Import coding from FILES: Word comments (.docx), coding sheets (.csv/.xlsx), filled
    reconciliation sheets, or REFI-QDA projects (.qdpx). All files land together or none does."""
    from ..coding.importing import import_coding_files
    from .common import print_json

    project = get_project()
    result = import_coding_files(project, files, coder=coder, codebook=_codebook(codebooks),
                                 transcript_id=transcript_id, skip_problems=skip_problems)
    if fmt == "json":
        print_json(result.as_dict())
        return
    out = console()
    layers = result.layers
    into = f" into layer{'s' if len(layers) > 1 else ''} {', '.join(layers)}" if layers else ""
    out.print(f"imported {result.inserted} codings from {len(files)} file(s){into}; "
              f"replaced {result.removed} from earlier imports of the same files", highlight=False)
    for line in result.notes:
        out.print(f"  {line}")
    err = console(stderr=True)
    for line in result.skipped:
        err.print(f"[yellow]skipped[/]: {line}", markup=True, highlight=False)


@coding.command("export-docx")
@click.argument("transcript_ids", nargs=-1)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write <ID>.docx files into.")
@click.option("--with-suggestions", is_flag=True, help="Add auto-coder suggestions as comments to review.")
def export_docx_cmd(transcript_ids: tuple[str, ...], out: Path, with_suggestions: bool) -> None:
    """Write Word files for coding TRANSCRIPT_IDS (default: every transcript) into --out."""
    from ..coding.word import export_docx
    from ..exports import path_inside

    project = get_project()
    ids = list(transcript_ids) or list(project.texts())
    for tid in ids:
        project.text(tid)  # a clear error for an unknown id before anything is written
    screen = console()
    for tid in ids:  # the file name never leaves --out, whatever the id holds (the file carries the id)
        path = export_docx(project, tid, path_inside(out, tid, ".docx"), with_suggestions=with_suggestions)
        screen.print(f"wrote {path}")


@coding.command("export")
@click.option("--coder", required=True, help="The layer to export.")
@click.option("--origin", help="Only this origin (human, consensus, rules, model).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
              help="Default: from the --out file's extension.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_cmd(coder: str, origin: str | None, fmt: str | None, out: Path) -> None:
    """Write a coder's layer to a sheet (offsets, quote, codes, memo) that can be imported again."""
    from ..coding.spreadsheet import export_layer
    from ..errors import InputError

    project = get_project()
    if not project.store.connection.execute("SELECT 1 FROM codings WHERE coder = ? LIMIT 1", (coder,)).fetchone():
        raise InputError(f"coder {coder!r} has no codings", hint="see `mio-qual coding list`")
    if fmt is None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError("cannot tell the format from the file name", path=out, hint="pass --format csv or xlsx")
    path = export_layer(project, out, coder=coder, fmt=fmt, origin=origin)
    console().print(f"wrote {path}")


@coding.command("list")
@format_option()
def list_cmd(fmt: str) -> None:
    """The coding layers: coder, origin, codings, transcripts and codes covered."""
    import pandas as pd

    from ..coding.layers import layer_summary

    rows = layer_summary(get_project())
    frame = pd.DataFrame(rows, columns=["coder", "origin", "codings", "transcripts", "codes"])
    emit(frame, fmt, title="Coding layers")


@coding.command("delete")
@click.option("--coder", required=True, help="The layer to delete.")
@click.option("--origin", type=click.Choice(["human", "consensus", "rules", "model"]),
              help="Only this origin of the layer.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_cmd(coder: str, origin: str | None, yes: bool) -> None:
    """Delete a coder's layer (for example before importing it again under another file name).

    The deletion is recorded in the audit trail (`mio-qual log`).
    """
    from ..coding.layers import delete_layer

    project = get_project()
    count = project.store.connection.execute(
        "SELECT COUNT(*) FROM codings WHERE coder = ?" + (" AND origin = ?" if origin else ""),
        (coder, origin) if origin else (coder,)).fetchone()[0]
    if count == 0:
        from ..errors import InputError

        raise InputError(f"no codings in layer {coder!r}" + (f" with origin {origin}" if origin else ""),
                         path=project.folder, hint="see `mio-qual coding list`")
    if not yes:
        click.confirm(f"delete {count} codings of {coder}" + (f" ({origin})" if origin else "") + "?", abort=True)
    removed = delete_layer(project, coder, origin)
    console().print(f"deleted {removed} codings of {coder}" + (f" ({origin})" if origin else ""))


@coding.command("reconcile")
@click.option("--coders", nargs=2, required=True, help="Coder A and coder B.")
@click.option("--into", default="consensus", show_default=True, help="The consensus layer to build.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reconciliation sheet (.xlsx) and handout (.docx).")
@click.option("--unit", type=click.Choice(["span", "sentence", "paragraph", "turn"]), default="span",
              show_default=True, help="Compare passages, or units.")
@click.option("--min-overlap", "min_jaccard", type=click.FloatRange(0, 1, min_open=True), default=0.5,
              show_default=True, help="Least overlap (intersection / union) for the same code to count as agreed.")
def reconcile_cmd(coders: tuple[str, str], into: str, out: Path, unit: str, min_jaccard: float) -> None:
    """Put the codings two coders agree on into a consensus layer, and write their disagreements
    into a sheet to decide (then `mio-qual coding import` the filled sheet)."""
    from ..coding.reconcile import reconcile

    project = get_project()
    result = reconcile(project, coders=coders, into=into, unit=unit, out=out, min_jaccard=min_jaccard)
    screen = console()
    screen.print(f"{len(result.agreed)} agreed codings written to layer '{into}' (replacing {result.removed}); "
                 f"{len(result.rows)} passages to decide")
    for path in result.files:
        screen.print(f"wrote {path}")


# ---------------------------------------------------------------------------- REFI-QDA export
# (added by the REFI-QDA engineer; the logic lives in mio_qual.coding.refi_export)
@coding.command("export-qdpx")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .qdpx file to write.")
@click.option("--coder", "coders", multiple=True, help="Layer to export (repeatable; default: every layer).")
@click.option("--codebook", "codebooks", multiple=True,
              help="Codebook to list (repeatable; default: the codebooks the codings were made with).")
@click.option("--utf16", is_flag=True, help="Count positions in UTF-16 code units instead of code points.")
def export_qdpx_cmd(out: Path, coders: tuple[str, ...], codebooks: tuple[str, ...], utf16: bool) -> None:
    """Write the project (transcripts, codes, coders, clinics as cases, metadata as variables,
    codings) as a REFI-QDA project that NVivo, ATLAS.ti, MAXQDA or QualCoder can open."""
    from ..coding.refi import export_qdpx

    project = get_project()
    result = export_qdpx(project, out, coders=list(coders) or None,
                         codebook=_codebook(codebooks) if codebooks else None,
                         offsets="utf16" if utf16 else "codepoint")
    console().print(f"wrote {result.path}: {result.sources} transcripts, {result.codings} codings by "
                    f"{len(result.coders)} coder(s), {result.codes} codes, {result.cases} cases")

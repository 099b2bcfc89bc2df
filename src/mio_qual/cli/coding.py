"""``mio-qual coding``: import, export, list and reconcile human coding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .agreement import assign
from .common import (checked, coder_option, coders_option, deprecated_alias, emit, escape, force_option, format_option,
                     get_project, out_option, say, values_option)


@click.group()
def coding() -> None:
    """Import, export, list and reconcile human coding (Word comments, spreadsheets, REFI-QDA)."""


coding.add_command(assign)


@coding.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@coder_option(help="The coder's layer (required for Word files; sheets may have a coder column; a coder on a "
                   "server: their own by default).")
@click.option("--codebook", "codebooks", multiple=True,
              help="Codebook name or file (repeatable; default: the project's codebook, `mio-qual codebook use`, "
                   "else cfir2, cfir_outcomes and mio; with your own: --codebook cfir2 --codebook my-codebook.csv; "
                   "the first one named becomes the project's).")
@click.option("--transcript", "transcript_id", help="Transcript of files that name none.")
@click.option("--skip-problems", is_flag=True, help="Import what can be imported and list the rest.")
@click.option("--author", "authors", multiple=True, metavar="NAME",
              help="Word files several coders commented: only this author's comments, as Word shows the name "
                   "(repeatable; a file with comments by several authors is refused without it).")
@format_option(choices=("table", "json"))
def import_cmd(files: tuple[Path, ...], coder: str | None, codebooks: tuple[str, ...], transcript_id: str | None,
               skip_problems: bool, authors: tuple[str, ...], fmt: str) -> None:
    """Import coding from FILES: Word comments (.docx), coding sheets (.csv/.xlsx), filled
    reconciliation sheets, or REFI-QDA projects (.qdpx). All files land together or none does."""
    from .common import print_json

    result = get_project().import_codings(files, coder=coder, codebook=list(codebooks) or None,
                                          transcript_id=transcript_id, skip_problems=skip_problems,
                                          authors=authors)
    if fmt == "json":
        print_json(result.as_dict())
        return
    layers = result.layers
    into = f" into layer{'s' if len(layers) > 1 else ''} {', '.join(layers)}" if layers else ""
    if result.unchanged and not result.inserted and not result.removed:
        say(f"unchanged: the {result.unchanged} codings of {len(files)} file(s){escape(into)} are those the same "
            "file(s) brought before (nothing written)")
    else:
        say(f"imported {result.inserted} codings from {len(files)} file(s){escape(into)}; "
            + (_replaced(result) if result.removed else "replaced 0 from earlier imports of the same files")
            + (f"; {result.unchanged} unchanged (files identical to their earlier import)" if result.unchanged else ""))
    for line in result.notes:
        say(f"  {line}", markup=False)
    for line in result.skipped:
        say(f"[yellow]skipped[/]: {escape(line)}")


def _replaced(result: Any) -> str:
    """What the import replaced, and how to keep both: a coding file is known by its name (by design)."""
    names = sorted({Path(f["file"]).name for f in result.files if f.get("removed") and f.get("file")})
    which = f" ({', '.join(names[:5])}{', ...' if len(names) > 5 else ''})" if names else ""
    return escape(f"replaced {result.removed} codings that earlier imports of files with the same name{which} "
                  "brought (a coding file is known by its name, so its new version replaces the old; to keep both, "
                  "give the file another name or import it into another layer with --coder; `mio-qual log` "
                  "names the earlier file)")


@coding.command("export-docx")
@click.argument("transcript_ids", nargs=-1)
@out_option("Folder to write <ID>.docx files into.", required=True, folder=True)
@click.option("--with-suggestions", is_flag=True, help="Add auto-coder suggestions as comments to review.")
@force_option("Word files")
@click.option("--show-names", is_flag=True,
              help="Keep participants' names in the copy (default: [name], and a neutral id for an id holding a name; "
                   "on a shared server only the lead may).")
def export_docx_cmd(transcript_ids: tuple[str, ...], out: Path, with_suggestions: bool, force: bool,
                    show_names: bool) -> None:
    """Write Word files for coding TRANSCRIPT_IDS (default: every transcript) into --out.

    Names are redacted unless --show-names; comments on a redacted copy import back onto the stored text.
    """
    for path in get_project().export_word_files(out, transcript_ids, with_suggestions=with_suggestions, force=force,
                                                show_names=show_names):
        say(f"wrote {escape(path)}")


@coding.command("export")
@coder_option(required=True, help="The layer to export.")
@click.option("--origin", help="Only this origin (human, consensus, rules, model).")
@format_option("csv", "xlsx", default="csv")
@out_option("The sheet to write (.csv or .xlsx: its suffix sets the format).", required=True)
@click.option("--show-names", is_flag=True, help="Keep participants' names in quotes, memos and transcript ids "
                                                 "(by default [name] and neutral ids; the sheet imports back either way; "
                                                 "on a shared server only the lead may).")
def export_cmd(coder: str, origin: str | None, fmt: str, out: Path, show_names: bool) -> None:
    """Write a coder's layer to a sheet (offsets, quote, codes, memo) that can be imported again."""
    path = get_project().export_layer(out, coder, fmt=fmt, origin=origin, show_names=show_names)
    say(f"wrote {escape(path)}")


@coding.command("list")
@format_option()
def list_cmd(fmt: str) -> None:
    """The coding layers: coder, origin, codings, transcripts and codes covered."""
    emit(get_project().coding_layers(), fmt, title="Coding layers")


@coding.command("delete")
@coder_option(required=True, help="The layer to delete.")
@click.option("--origin", type=click.Choice(["human", "consensus", "rules", "model"]),
              help="Only this origin of the layer.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_cmd(coder: str, origin: str | None, yes: bool) -> None:
    """Delete a coder's layer (for example before importing it again under another file name).

    The deletion is recorded in the audit trail (`mio-qual log`).
    """
    what = f"{coder}" + (f" ({origin})" if origin else "")

    def confirm(count: int) -> bool:
        return yes or click.confirm(f"delete {count} codings of {what}?", abort=True)

    removed = get_project().delete_layer(coder, origin, confirm=confirm)
    say(f"deleted {removed} codings of {escape(what)}")


@coding.command("reconcile")
@coders_option(help="Coder A and coder B: --coders A B.")
@click.option("--into", default="consensus", show_default=True, help="The consensus layer to build.")
@out_option("Folder for the reconciliation sheet (.xlsx) and handout (.docx).", required=True, folder=True)
@click.option("--unit", type=click.Choice(["span", "sentence", "paragraph", "turn"]), default="span",
              show_default=True, help="Compare passages, or units.")
@click.option("--overlap", "overlap", type=checked("overlap"), default=None,
              help="Span units: least overlap |A and B|/|A or B| of the two passages for the same code to count as "
                   "agreed (as agreement's --overlap)  [default: 0.5]")
@deprecated_alias("--min-overlap", "--overlap", "overlap")
@click.option("--show-names", is_flag=True, help="Keep participants' names in the sheet and handout (redacted by default; "
                                                   "on a shared server only the lead may).")
@force_option("a reconciliation sheet and handout")
def reconcile_cmd(coders: tuple[str, ...], into: str, out: Path, unit: str, overlap: float | str | None,
                  show_names: bool, force: bool) -> None:
    """Put the codings two coders agree on into a consensus layer, and write their disagreements
    into a sheet to decide (then `mio-qual coding import` the filled sheet)."""
    # --overlap is checked already; the old --min-overlap comes as text: the same rule, the same words
    least = 0.5 if overlap is None else checked("overlap").convert(overlap, None, None)
    result = get_project().reconcile(coders=coders, into=into, unit=unit, out=out, overlap=least,
                                     show_names=show_names, force=force)
    say(f"{len(result.agreed)} agreed codings written to layer '{escape(into)}' (replacing {result.removed}); "
        f"{len(result.rows)} passages to decide")
    for coder, tids in result.not_seen.items():  # agreement's seen rule: not their disagreements
        say(f"set aside, not seen by {escape(coder)} (neither given nor coded; `mio-qual coding assign` if they"
            f" were): {escape(', '.join(tids))}")
    for path in result.files:
        say(f"wrote {escape(path)}")


# ---------------------------------------------------------------------------- REFI-QDA export
# (added by the REFI-QDA engineer; the logic lives in mio_qual.coding.refi_export)
@coding.command("export-qdpx")
@out_option("The .qdpx file to write.", required=True)
@values_option("--coders", "coders", help="Layers to export: --coders A B (default: every layer).")
@deprecated_alias("--coder", "--coders", "coders", several=True)
@click.option("--codebook", "codebooks", multiple=True,
              help="Codebook to list (repeatable; default: the codebooks the codings were made with).")
@click.option("--utf16", is_flag=True, help="Count positions in UTF-16 code units instead of code points.")
def export_qdpx_cmd(out: Path, coders: tuple[str, ...], codebooks: tuple[str, ...], utf16: bool) -> None:
    """Write the project (transcripts, codes, coders, clinics as cases, metadata as variables,
    codings) as a REFI-QDA project that NVivo, ATLAS.ti, MAXQDA or QualCoder can open."""
    result = get_project().export_qdpx(out, coders=list(coders) or None,
                                       codebook=list(codebooks) or None,
                                       offsets="utf16" if utf16 else "codepoint")
    say(f"wrote {escape(result.path)}: {result.sources} transcripts, {result.codings} codings by "
        f"{len(result.coders)} coder(s), {result.codes} codes, {result.cases} cases")

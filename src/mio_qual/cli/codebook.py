"""``mio-qual codebook``: list, show, validate and export codebooks; choose the project's (``use``);
map, merge and rename codes.

A thin face over :mod:`mio_qual.codebook`: each command calls the library and prints the
result with rich (tables) or as CSV/JSON for scripts. Bad input raises
:class:`mio_qual.errors.InputError`, which the main CLI turns into exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from .common import coder_option, console, emit, escape, format_option, get_project, out_option, print_json, say


@click.group("codebook")
def codebook() -> None:
    """Browse, check and export codebooks (CFIR 2022, CFIR outcomes, MIO codes, your own)."""


@codebook.command("list")
@click.option(
    "--codebook",
    "-c",
    "sources",
    multiple=True,
    metavar="NAME|FILE",
    help="List the codes of this codebook (repeat to combine). Without it: in a project, the codes it codes with"
         " (its own from `codebook use`, else the default cfir2 + cfir_outcomes + mio); outside one, the bundled"
         " codebooks.",
)
@click.option("--bundled", is_flag=True, help="List the bundled codebooks, even in a project.")
@format_option("table", "csv", "json", extra=("tree",))
def list_cmd(sources: tuple[str, ...], bundled: bool, fmt: str) -> None:
    """List the codes of the project's codebook or of the ones named with --codebook; outside a project, the bundled codebooks."""
    from ..codebook import bundled_overview, load_codebooks

    chosen = None if sources or bundled else _project_codebook()
    if not sources and chosen is None:
        rows = bundled_overview()
        if fmt == "json":
            print_json(rows)
        elif fmt == "csv":
            import pandas as pd

            emit(pd.DataFrame(rows), "csv")
        else:
            from rich.table import Table

            table = Table(title="Bundled codebooks")
            for col in ("name", "title", "codes", "domains", "constructs", "subconstructs", "codes (other)"):
                table.add_column(col, justify="right" if col not in ("name", "title") else "left")
            for r in rows:
                table.add_row(
                    escape(r["name"]), escape(r["title"]), str(r["codes"]), str(r["domain"]),
                    str(r["construct"]), str(r["subconstruct"]), str(r["code"]),
                )
            console().print(table)
        return

    cb = chosen or load_codebooks(list(sources))
    if fmt == "json":
        print_json([c.to_dict() for c in cb])
        return
    if fmt == "csv":
        from ..codebook import to_csv

        click.echo(to_csv(cb), nl=False)
        return
    if fmt == "tree":
        from rich.tree import Tree

        root = Tree(f"[bold]{escape(' + '.join(cb.names))}[/bold]  ({len(cb)} codes, version {cb.version})")
        nodes = {}
        for code, _depth in cb.walk():
            parent = nodes.get(code.parent, root)
            nodes[code.id] = parent.add(f"[bold]{escape(code.id)}[/bold]  {escape(code.name)}  [dim]{code.level}[/dim]")
        console().print(root)
        return
    from rich.table import Table

    table = Table(title=escape(f"{' + '.join(cb.names)}: {len(cb)} codes, version {cb.version}"), header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("level")
    table.add_column("name")
    table.add_column("refines")
    for code, depth in cb.walk():
        table.add_row(escape(code.id), code.level, escape("  " * depth + code.name), escape(", ".join(code.refines)))
    console().print(table)


@codebook.command("show")
@click.argument("label")
@click.option(
    "--codebook", "-c", "sources", multiple=True, metavar="NAME|FILE",
    help="Codebook(s) to look in (default: the project's codebook when in a project that chose one, else every "
         "bundled codebook).",
)
@format_option("table", "json", aliases={"text": "table"})
def show_cmd(label: str, sources: tuple[str, ...], fmt: str) -> None:
    """Show one code: LABEL may be its id (IS.J1), name or alias (Funding)."""
    from ..codebook import bundled_codebooks, load_codebooks

    chosen = None if sources else _project_codebook()
    cb = chosen or load_codebooks(list(sources) or list(bundled_codebooks()))
    code = cb[cb.resolve(label)]
    data = code.to_dict()
    data["ancestors"] = cb.ancestors(code.id)
    data["children"] = cb.children(code.id)
    data["refined_by"] = cb.refined_by(code.id)
    if fmt == "json":
        print_json(data)
        return
    from rich.table import Table

    table = Table(title=escape(f"{code.id}  {code.name}"), show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    path = " > ".join(f"{a} {cb.codes[a].name}" for a in reversed(cb.ancestors(code.id)))
    rows = [
        ("level", code.level),
        ("in", path),
        ("codebook", code.codebook),
        ("definition", code.definition),
        ("use when", code.use_when),
        ("not when", code.not_when),
        ("example", f"\u201c{code.example}\u201d" if code.example else ""),
        ("keywords", "; ".join(code.keywords)),
        ("aliases", "; ".join(code.aliases)),
        ("refines", ", ".join(f"{r} {cb.codes[r].name}" for r in code.refines)),
        ("children", ", ".join(cb.children(code.id))),
        ("refined by", ", ".join(cb.refined_by(code.id))),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, escape(value))
    console().print(table)


@codebook.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--with", "with_sources", multiple=True, metavar="NAME|FILE",
    help="Check FILE together with this codebook (for ids it refers to). Repeatable.",
)
@format_option("table", "json", aliases={"text": "table"})
def validate_cmd(file: Path, with_sources: tuple[str, ...], fmt: str) -> None:
    """Check a codebook file (.yaml, .csv, .xlsx, .qdc, .qdpx); list every problem with its line (or sheet and row)."""
    from ..codebook import load_codebooks, validate_codebook
    from ..codebook.problems import CodebookError

    problems = validate_codebook(file, with_sources=list(with_sources))
    if problems:
        if fmt == "json":
            print_json({"file": str(file), "ok": False, "problems": [p.to_dict() for p in problems]})
        raise CodebookError(problems)
    cb = load_codebooks([*with_sources, file])
    own = [c for c in cb if cb.infos.get(c.codebook) and cb.infos[c.codebook].path == str(file)]
    if fmt == "json":
        print_json({"file": str(file), "ok": True, "codes": len(own), "version": cb.version, "problems": []})
    else:
        click.echo(f"OK {file}: {len(own)} codes, no problems (version {cb.version})")


@codebook.command("export")
@click.argument("sources", nargs=-1, required=True, metavar="NAME|FILE...")
@format_option("csv", "docx", default="csv", extra=("qdc",))
@out_option("File to write: docx (coder's manual), csv (table) or qdc (REFI-QDA codebook). Without it csv and "
            "qdc go to standard output.", short=True)
def export_cmd(sources: tuple[str, ...], fmt: str, out: Path | None) -> None:
    """Export one or more codebooks (combined) as a Word manual, a CSV table or a .qdc file."""
    from ..codebook import load_codebooks, to_csv, to_qdc
    from ..reports.manual import codebook_manual

    cb = load_codebooks(list(sources))
    if out is None:
        if fmt == "docx":
            raise InputError("a Word manual cannot go to the terminal", hint="add --out manual.docx")
        if fmt == "csv":
            click.echo(to_csv(cb), nl=False)
        else:
            data = to_qdc(cb)
            assert data is not None
            sys.stdout.flush()
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is not None:
                buffer.write(data)
                buffer.flush()
            else:  # a text-only stream (some notebook or test harnesses)
                sys.stdout.write(data.decode("utf-8"))
        return
    if out.parent and not out.parent.exists():
        raise InputError("the folder for the output file does not exist", path=out.parent, hint="create it first")
    if fmt == "docx":
        codebook_manual(cb, out)
    elif fmt == "csv":
        to_csv(cb, out)
    else:
        to_qdc(cb, out)
    click.echo(f"wrote {len(cb)} codes ({' + '.join(cb.names)}) to {out} as {fmt}", err=True)


def _project_codebook() -> Any:
    """The codebook the project the command runs in codes with (its own, else the default), or None outside one.

    A project that chose none codes with the default combination: a coder asking `codebook list` for the codes
    to use got three rows about the bundled codebooks instead (newuser4).
    """
    from ..errors import InputError as _Missing

    try:
        project = get_project()
    except _Missing:
        return None
    return project.codebook_for()


@codebook.command("use")
@click.argument("sources", nargs=-1, metavar="[NAME|FILE...]")
@click.option("--keep-unknown", is_flag=True,
              help="Use it although stored codings have codes it lacks (they keep their codes; listed).")
@format_option("table", "json", aliases={"text": "table"})
def use_cmd(sources: tuple[str, ...], keep_unknown: bool, fmt: str) -> None:
    """Make a codebook the project's: every command that takes --codebook uses it when none is named.

    Name bundled codebooks and files (.yaml, .csv, .xlsx, .qdc, .qdpx) to combine, as --codebook
    does. Its codes are kept in the project (and the choice in `mio-qual log`), so the file may
    move or change later. A codebook lacking codes of stored codings is refused, listing them:
    map, rename or merge them first, or pass --keep-unknown. Without SOURCES: show the project's codebook.

    Example: mio-qual codebook use cfir2 cfir_outcomes my-codebook.yaml
    """
    from ..project.codebooks import DEFAULT_LABEL

    project = get_project()
    if not sources:
        chosen = project.project_codebook()
        if fmt == "json":
            print_json(chosen.as_dict() if chosen else {"label": DEFAULT_LABEL})
        else:
            click.echo(f"codebook: {chosen.line() if chosen else DEFAULT_LABEL}")
        return
    choice = project.use_codebook(list(sources), keep_unknown=keep_unknown)
    if fmt == "json":
        print_json({**choice.current.as_dict(), "previous": choice.previous, "unchanged": choice.unchanged,
                    "unknown_kept": choice.unknown})
        return
    for line in choice.lines():
        say(escape(line))


@codebook.command("map")
@coder_option(required=True, help="The layer to map (it is left as it is).")
@click.option("--mapping", "-m", required=True, metavar="NAME|FILE",
              help="A mapping sheet (.csv/.xlsx: from_code, to_code, review, note, status, source) or a "
                   "bundled one (cfir2009_cfir2: original CFIR to the updated CFIR).")
@click.option("--into", metavar="NAME", help="The layer written (default: CODER-MAPPING).")
@click.option("--codebook", "-c", "targets", multiple=True, metavar="NAME|FILE",
              help="The target codebook (default: the project's codebook, else cfir2). Repeatable.")
@click.option("--from-codebook", "sources", multiple=True, metavar="NAME|FILE",
              help="The codebook the layer was coded with (default: the one stored with its codings).")
@format_option("table", "csv", "json")
@out_option("Write the codings to review (one-to-many or marked rows) to this file.")
def map_cmd(coder: str, mapping: str, into: str | None, targets: tuple[str, ...], sources: tuple[str, ...],
            fmt: str, out: Path | None) -> None:
    """Copy a coder's layer into another codebook's codes with a mapping sheet.

    Codes the sheet does not name are not carried over and are listed; codings mapped to
    several codes are listed for review; codings mapped by rows the sheet marks as not checked
    against its published source (status column) are counted.

    Example: mio-qual codebook map --coder jordan --mapping cfir2009_cfir2 --into jordan-cfir2
    """
    result = get_project().map_layer(coder, mapping, into=into, codebook=list(targets) or None,
                                     from_codebook=list(sources) or None)
    for line in result.summary:
        say(escape(line))
    if not result.unmapped.empty:
        emit(result.unmapped, fmt, title="Codes the mapping sheet does not name (not carried over)")
    if out is not None:
        emit(result.review, fmt, out=out, title="Mapped codings to review")
        say(f"wrote {len(result.review)} coding(s) to review to {escape(out)}")


@codebook.command("merge")
@click.argument("codes", nargs=-1, required=True, metavar="CODE...")
@click.option("--into", required=True, metavar="CODE", help="The code they become (it may be one of them).")
@coder_option(help="Only in this layer (default: every layer).")
@click.option("--codebook", "-c", "books", multiple=True, metavar="NAME|FILE",
              help="Check that --into is a code of this codebook (default: the project's codebook, when "
                   "one was chosen). Repeatable.")
def merge_cmd(codes: tuple[str, ...], into: str, coder: str | None, books: tuple[str, ...]) -> None:
    """Merge codes in the project's codings (recorded in `mio-qual log`).

    Example: mio-qual codebook merge IS.J1 IS.J2 --into IS.J --coder jordan
    """
    done = get_project().merge_codes(list(codes), into, coder=coder, codebook=list(books) or None)
    say(f"{done['changed']} coding(s) now coded {escape(into)}; {done['duplicates_removed']} duplicate(s) removed")


@codebook.command("rename")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@coder_option(help="Only in this layer (default: every layer).")
@click.option("--codebook", "-c", "books", multiple=True, metavar="NAME|FILE",
              help="Check that NEW is a code of this codebook (default: the project's codebook, when one "
                   "was chosen). Repeatable.")
def rename_cmd(old: str, new: str, coder: str | None, books: tuple[str, ...]) -> None:
    """Give every coding of code OLD the code NEW (recorded in `mio-qual log`).

    Example: mio-qual codebook rename IS.J2 IS.J --coder casey
    """
    done = get_project().rename_code(old, new, coder=coder, codebook=list(books) or None)
    say(f"{done['changed']} coding(s) renamed to {escape(new)}; {done['duplicates_removed']} duplicate(s) removed")


__all__ = ["codebook"]

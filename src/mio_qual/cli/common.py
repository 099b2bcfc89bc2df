"""Pieces every CLI command shares: the project, options, messages and output.

Options (use these instead of writing the option again, so every command spells a concept the
same way):

- :func:`coders_option` (``--coders A B`` or ``--coders A --coders B``: several coding layers)
  and :func:`coder_option` (``--coder NAME``: one layer); :func:`values_option` for any other
  option taking several values (``--codes``, ``--transcript`` ...).
- :func:`format_option` (``--format``, one vocabulary: :data:`mio_qual.reports.render.FORMATS`,
  each command allowing a subset; without ``--format`` the type comes from ``--out``'s
  suffix) and :func:`out_option` (``--out FILE``).
- ``--project PATH`` and ``--debug`` belong to the ``mio-qual`` group and may be written before
  or after the command name (:mod:`mio_qual.cli.main` moves them); :func:`get_project` opens
  the project they name.

Output: data (tables, CSV, JSON) goes to stdout through :func:`emit`, which renders with
:func:`mio_qual.reports.render.render`; messages (what was done, warnings, notes) go to stderr
through :func:`say` and :func:`warn`, so that ``mio-qual ... --format csv > file.csv`` holds
only data.

This module imports only click at start-up; rich, pandas and the renderer are imported when a
command runs.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

import click

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project
    from ..result import Result, Table

#: The formats a command offers when it names none: the screen, CSV and JSON (a subset of
#: :data:`mio_qual.reports.render.FORMATS`, which this light module does not import).
DEFAULT_FORMATS = ("table", "csv", "json")


def console(stderr: bool = False) -> Any:
    """A rich console (imported lazily to keep start-up fast)."""
    import os

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def get_project(ctx: click.Context | None = None) -> "Project":
    """The project named by ``--project``, ``$MIO_QUAL_PROJECT`` or found from the current folder."""
    from ..project import Project

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    explicit = (root.obj or {}).get("project_path") if root.obj else None
    return Project.find(explicit)


class ManyValues(click.Option):
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


def split_values(values: Iterable[str], *, spaces: bool = True) -> list[str]:
    """Flatten option values that may also be comma- (and, with ``spaces``, space-) separated lists.

    Pass ``spaces=False`` for values that may hold spaces themselves (case and construct names).
    """
    out: list[str] = []
    for value in values:
        parts = value.replace(",", " ").split() if spaces else value.split(",")
        out.extend(v.strip() for v in parts if v.strip())
    return out


def escape(text: object) -> str:
    """Text (None as '') made safe to print with rich markup (rich imported lazily)."""
    from rich.markup import escape as rich_escape

    return rich_escape("" if text is None else str(text))


def values_option(*decls: str, help: str | None = None, required: bool = False, spaces: bool = True,
                  minimum: int = 0, **kwargs: Any) -> Callable:
    """An option taking several values: ``--codes A B``, ``--codes A --codes B`` or ``--codes A,B``.

    The command receives a tuple of the values, flattened and in order, with repeats removed.

    Parameters
    ----------
    *decls : str
        Click's option declarations, e.g. ``"--codes", "codes"``.
    help : str, optional
    required : bool
    spaces : bool
        Split a value at spaces as well as commas (pass False for names that hold spaces,
        such as case or construct names).
    minimum : int
        Refuse fewer values than this (a usage error, exit code 2).
    **kwargs
        Passed to :func:`click.option`.
    """

    def flatten(ctx: click.Context, param: click.Parameter, value: Sequence[str] | None) -> tuple[str, ...]:
        values = tuple(dict.fromkeys(split_values(value or (), spaces=spaces)))
        if values and len(values) < minimum:
            raise click.BadParameter(f"name at least {minimum} (got {', '.join(values)})", ctx=ctx, param=param)
        return values

    return click.option(*decls, multiple=True, cls=ManyValues, required=required, callback=flatten, help=help,
                        **kwargs)


def coders_option(*, required: bool = True, minimum: int = 2,
                  help: str = "Coder layers: --coders A B (or --coders A --coders B).") -> Callable:
    """``--coders A B``: several coding layers (the command receives a tuple of names).

    ``--coders a b``, ``--coders a --coders b`` and ``--coders a,b`` are the same. A command
    that takes one layer uses :func:`coder_option` instead.
    """
    return values_option("--coders", "coders", required=required, minimum=minimum, help=help)


def coder_option(*, required: bool = False, default: str | None = None,
                 help: str = "The coder's layer (one name).") -> Callable:
    """``--coder NAME``: one coding layer. Several layers are :func:`coders_option`'s ``--coders``."""
    return click.option("--coder", "coder", required=required, default=default, metavar="NAME", help=help,
                        show_default=default is not None)


def format_option(*formats: str, default: str = "table", choices: Iterable[str] | None = None,
                  extra: Iterable[str] = (), out_param: str = "out") -> Callable:
    """A ``--format`` option whose value, when not given, comes from ``--out``'s suffix.

    The command receives ``fmt`` as a resolved format name: the one given, else the one the
    ``--out`` file's suffix names (``.csv``, ``.json``, ``.xlsx``, ``.docx``, ``.png``,
    ``.txt`` for a table), else ``default``. A format that only files hold without ``--out``,
    a ``--format`` that contradicts the suffix, or a suffix naming a format the command does
    not offer is an :class:`~mio_qual.errors.InputError` (exit code 2, one line), raised before the
    command runs.

    Parameters
    ----------
    *formats : str
        The formats this command offers, from :data:`mio_qual.reports.render.FORMATS`
        (default :data:`DEFAULT_FORMATS`). ``choices=`` is the same, kept for existing callers.
    default : str
        The format when neither ``--format`` nor a known ``--out`` suffix names one.
    extra : iterable of str
        Formats outside the table vocabulary that only this command writes (``qdc``,
        ``tree``); an ``--out`` file whose suffix is ``.<name>`` selects one.
    out_param : str
        The name of the command's ``--out`` parameter.

    Examples
    --------
    >>> @click.command()
    ... @format_option("table", "csv", "xlsx")
    ... @out_option()
    ... def tables(fmt, out):
    ...     click.echo(fmt)
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(tables, ["--out", "t.xlsx"], standalone_mode=False).output
    'xlsx\\n'
    """
    allowed = tuple(formats) or tuple(choices or DEFAULT_FORMATS)
    extras = tuple(extra)
    if default not in allowed + extras:
        raise ValueError(f"default format {default!r} is not among {allowed + extras}")

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def resolved(*args: Any, **kwargs: Any) -> Any:
            kwargs["fmt"] = resolve_format(kwargs.get("fmt"), kwargs.get(out_param), allowed, default=default,
                                           extra=extras)
            return func(*args, **kwargs)

        shown = ", ".join(allowed + extras)
        return click.option("--format", "fmt", type=click.Choice(list(allowed + extras)), default=None,
                            help=f"Output format: {shown} (default: from --out's suffix, else {default}).")(resolved)

    return decorator


def resolve_format(fmt: str | None, out: str | Path | None, allowed: Sequence[str], *, default: str = "table",
                   extra: Sequence[str] = ()) -> str:
    """The format a command writes: ``fmt``, else ``out``'s suffix, else ``default``.

    Raises
    ------
    mio_qual.errors.InputError
        When the format cannot be written (see :func:`format_option`): exit code 2, one line.
    """
    if fmt in extra or (fmt is None and out is not None and Path(out).suffix.lower().lstrip(".") in extra):
        return fmt or Path(out).suffix.lower().lstrip(".")  # type: ignore[arg-type]
    from ..errors import InputError
    from ..reports.render import FORMATS, infer_format

    unknown = [f for f in allowed if f not in FORMATS]
    if unknown:  # a programming error: the vocabulary is the renderer's
        raise ValueError(f"formats {unknown} are not in mio_qual.reports.render.FORMATS; pass them as extra=")
    chosen = infer_format(fmt, out, default=default)
    if chosen not in allowed:
        raise InputError(f"this command does not write {chosen}", path=out,
                         hint=f"it writes {', '.join(allowed)}: choose one with --format or the file's suffix")
    return chosen


def out_option(help: str = "Write to this file instead of the screen (its suffix sets the format).") -> Callable:
    """An ``--out FILE`` option (the command receives a Path or None)."""
    return click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help)


def force_option(what: str = "files") -> Callable:
    """A ``--force`` flag: replace output files that exist (refused without it: a coder's work may be in them)."""
    return click.option("--force", is_flag=True,
                        help=f"Replace {what} already in --out (without it, existing files are refused: a coder's or "
                             "rater's filled work may be in them).")


# ---------------------------------------------------------------------------- messages and data
def say(message: str, *, markup: bool = True) -> None:
    """Tell the user something (what was done, where a file went) on stderr.

    ``message`` may hold rich markup (``[bold]...[/]``); pass text from files and users
    through :func:`escape` first, or ``markup=False``.
    """
    console(stderr=True).print(message, markup=markup)


def warn(message: str) -> None:
    """A warning on stderr: ``warning: message`` (the message is printed as plain text)."""
    console(stderr=True).print(f"[yellow]warning[/]: {escape(message)}")


def emit(data: "pd.DataFrame | Table | Result | Sequence[Table]", fmt: str = "table", *, title: str | None = None,
         out: Path | None = None, max_rows: int | None = None) -> Path | None:
    """Show or write data: a DataFrame, a :class:`~mio_qual.result.Table` or a :class:`~mio_qual.result.Result`.

    ``table`` without ``out`` prints rich tables on stdout (every table of a result, each
    with its notes); everything else is written by :func:`mio_qual.reports.render.render`
    (CSV and JSON on stdout when there is no ``out``, formula-like cells neutralized).

    Parameters
    ----------
    data : DataFrame, Table, Result or sequence of Table
    fmt : str
        A format of :data:`mio_qual.reports.render.FORMATS`.
    title : str, optional
        The title of a DataFrame's table (a Table or Result carries its own).
    out : Path, optional
        The file to write.
    max_rows : int, optional
        Rows shown on screen (the caption says how many there are).

    Returns
    -------
    Path or None
        The file written, if any.
    """
    from ..reports.render import render
    from ..result import Result, Table

    if isinstance(data, (Result, Table)):
        result = data
    elif isinstance(data, (list, tuple)):
        result = list(data)
    else:
        result = Table(data, title=title or "")
    if fmt == "table" and out is None:
        tables = [result] if isinstance(result, Table) else list(result.tables if isinstance(result, Result) else result)
        screen = console()
        for table in tables:
            screen.print(rich_table(table.frame, title=table.title or title, max_rows=max_rows))
            for note in table.notes:
                screen.print(f"[dim]{escape(note)}[/]")
        return None
    written = render(result, fmt=fmt, out=out, title=title)
    if out is None:
        sys.stdout.write(str(written))
        return None
    return Path(written)


def rich_table(frame: "pd.DataFrame", *, title: str | None = None, max_rows: int | None = None,
               wide: Iterable[str] = ("text", "quote", "excerpt")) -> Any:
    """A rich Table of a DataFrame; floats to 3 decimals, missing as blank.

    Columns named in ``wide`` take the spare width; the others keep their natural width.
    """
    from rich.table import Table

    wide = set(wide)
    table = Table(title=title, show_lines=False, header_style="bold", min_width=len(title or ""))
    for column in frame.columns:
        numeric = frame[column].dtype.kind in "if"
        if str(column) in wide:
            table.add_column(str(column), ratio=1, overflow="fold", min_width=30)
        else:
            table.add_column(str(column), justify="right" if numeric else "left", no_wrap=True,
                             min_width=min(len(str(column)), 16))
    rows = frame if max_rows is None else frame.head(max_rows)
    for values in rows.itertuples(index=False):
        table.add_row(*(_cell(v) for v in values))
    if max_rows is not None and len(frame) > max_rows:
        table.caption = f"{max_rows} of {len(frame)} rows shown; use --format csv for all"
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return f"{value:.3f}" if not value.is_integer() else f"{value:.0f}" if abs(value) < 1e15 else f"{value:.3g}"
    return escape(value)


def print_json(data: Any) -> None:
    """Print data as JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")

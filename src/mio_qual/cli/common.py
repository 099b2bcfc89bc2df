"""Pieces every CLI command shares: the project, options, messages and output.

Options (use these instead of writing the option again, so every command spells a concept the
same way):

- :func:`coders_option` (``--coders A B`` or ``--coders A --coders B``: several coding layers)
  and :func:`coder_option` (``--coder NAME``: one layer); :func:`values_option` for any other
  option taking several values (``--codes``, ``--transcripts`` ...).
- :func:`format_option` (``--format``, one vocabulary: :data:`mio_qual.reports.formats.FORMATS`,
  each command allowing a subset; without ``--format`` the type comes from ``--out``'s
  suffix) and :func:`out_option` (``--out FILE`` or ``--out FOLDER``).
- :func:`deprecated_alias` keeps an option's old name working (hidden, with a warning), and
  ``format_option(aliases=...)`` an old format name.
- ``--project PATH`` and ``--debug`` belong to the ``mio-qual`` group and may be written before
  or after the command name (:mod:`mio_qual.cli.main` moves them); :func:`get_project` opens
  the project they name.

Output: data (tables, CSV, JSON) goes to stdout through :func:`emit`, which renders with
:func:`mio_qual.reports.render.render`; messages (what was done, warnings, notes) go to stderr
through :func:`say` and :func:`warn`, so that ``mio-qual ... --format csv > file.csv`` holds
only data.

One transaction with its outputs: every command with :func:`out_option` runs inside a
:class:`Landing`: its store changes are held (:meth:`mio_qual.store.db.Store.held`) and its
files are written to temporary files (:mod:`mio_qual.atomicio`) until the command ends; then
the store commits and the files are renamed into place. If anything fails first, the store is
rolled back and no output file changes. ``report`` has its own ``--out`` and is wrapped with
:func:`lands`. A command writing to a folder given some other way wraps its work in
``with landing(folders=[out]):`` (``rapid templates``, ``demo``).

This module imports only click at start-up; rich, pandas and the renderer are imported when a
command runs.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

import click

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project
    from ..result import Result, Table

#: The formats a command offers when it names none: the screen, CSV and JSON (a subset of
#: :data:`mio_qual.reports.formats.FORMATS`, which this light module does not import).
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
    landing = _LANDING.get()
    if landing is None:
        return Project.find(explicit)
    return landing.project(lambda: Project.find(explicit))


# ---------------------------------------------------------------------------- one transaction with its outputs
_LANDING: "contextvars.ContextVar[Landing | None]" = contextvars.ContextVar("mio_qual_landing", default=None)


class Landing:
    """A command's store changes and output files, landing together or not at all.

    :func:`out_option` runs every command that writes files in one: the project the command
    opens (:func:`get_project`) holds its changes in one transaction
    (:meth:`mio_qual.store.db.Store.held`), and every file the command writes goes to a
    temporary file beside it (:mod:`mio_qual.atomicio`) held in one
    :class:`~mio_qual.atomicio.Batch`. When the command ends without an error the store
    commits first, then the files are renamed into place; a file that existed is replaced
    whole. A failure anywhere before that (a folder that cannot be written, a full disk, an
    error after the files, the commit) rolls the store back and removes the temporary files,
    so no output changes; an error among the renames puts back every file the batch had
    replaced. Files made in an output folder some other way (a new project's store) are
    removed, and folders the command made are removed when empty. An ``OSError`` becomes one
    line naming the file (exit 2; a full disk exit 1).

    Parameters
    ----------
    files : iterable of Path
        Output files (``--out FILE``).
    folders : iterable of Path
        Output folders (``--out FOLDER``).
    """

    def __init__(self, files: Iterable[Path] = (), folders: Iterable[Path] = ()) -> None:
        from ..atomicio import Batch

        self.files = [Path(f) for f in files]
        self.folders = [Path(f) for f in folders]
        self._project: Any = None
        self._stack = contextlib.ExitStack()
        self._batch = Batch()
        self._listed: dict[Path, set[Path]] = {}
        self._made: list[Path] = []

    def project(self, opener: Callable[[], "Project"]) -> "Project":
        """The command's project, opened once, its store held until the command ends."""
        if self._project is None:
            self._project = opener()
            self._stack.enter_context(self._project.store.held())
        return self._project

    def __enter__(self) -> "Landing":
        for target in [*self.files, *self.folders]:
            self._made += [p for p in _missing_folders(target.parent if target in self.files else target)
                           if p not in self._made]
        for folder in self.folders:
            self._listed[folder] = set(_files_under(folder))
        self._token = _LANDING.set(self)
        self._batch_token = self._batch.enter()
        return self

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        _LANDING.reset(self._token)
        self._batch.leave(self._batch_token)
        if exc is None:
            try:
                self._batch.prepare()  # a way back for every file replaced, made before the commit
            except BaseException as failure:
                kind, exc, tb = type(failure), failure, failure.__traceback__
        try:
            self._stack.__exit__(kind, exc, tb)  # commit, or roll back when the command failed
        except BaseException as failure:
            if exc is None:
                exc = failure
        if exc is None:
            try:
                self._batch.land()  # the store has committed: the files go into place
            except BaseException as failure:
                raise _not_landed(failure, self._project is not None) from failure
            return False
        self._batch.discard()
        self._take_back()
        known = _one_line(exc, self.files[0] if self.files else self.folders[0] if self.folders else None)
        if known is not None:
            raise known from None
        if kind is None:  # the commit failed
            raise exc
        return False

    def _take_back(self) -> None:
        """Remove files the command made outside :mod:`mio_qual.atomicio` and folders it made."""
        for folder, before in self._listed.items():
            for path in set(_files_under(folder)) - before:
                _unlink(path)
        for folder in sorted(self._made, key=lambda p: len(p.parts), reverse=True):
            for root, dirs, _files in sorted(os.walk(folder, topdown=False), key=lambda t: -len(t[0])):
                try:
                    os.rmdir(root)
                except OSError:
                    pass


def landing(files: Iterable[Path | None] = (), folders: Iterable[Path | None] = ()) -> Landing:
    """A :class:`Landing` for these outputs (None entries are left out): ``with landing([out]): ...``."""
    return Landing([f for f in files if f is not None], [f for f in folders if f is not None])


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet (outermost first)."""
    missing = []
    try:
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
    except OSError:
        return []
    return missing[::-1][:1]  # removing the outermost removes the rest


def _not_landed(exc: BaseException, stored: bool) -> Exception:
    """The error when the files could not be renamed into place after the store committed (every one put back)."""
    from ..errors import InputError

    if not isinstance(exc, Exception):
        return exc  # type: ignore[return-value]
    name = getattr(exc, "filename", None)
    saved = "the project's changes were saved, " if stored else ""
    return InputError(f"the output could not be put in place ({getattr(exc, 'strerror', None) or exc}); {saved}"
                      "every output file is as it was", path=name,
                      hint="check the folder's permissions, then write the outputs again")


def _files_under(folder: Path) -> list[Path]:
    try:
        if not folder.is_dir():
            return []
    except OSError:
        return []
    return [Path(root) / name for root, _dirs, names in os.walk(folder) for name in names]


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _one_line(exc: BaseException, target: Path | None) -> "Exception | None":
    """The one-line error for an OSError while a command wrote its files (None: leave ``exc`` as it is)."""
    if not isinstance(exc, OSError):
        return None
    from ..errors import InputError
    from ..store.health import user_error

    known = user_error(exc)
    if known is not None:
        if known.path is None and target is not None:
            known.path = str(target)
        return known
    name = exc.filename if exc.filename is not None else target
    return InputError(f"the output could not be written ({exc.strerror or exc}); nothing was changed", path=name,
                      hint="check the disk and the path, then run the command again")


def _landed(func: Callable, *, folder: bool, out_param: str = "out") -> Callable:
    """``func`` run inside a :class:`Landing` for its ``--out`` (see :func:`out_option`)."""
    if getattr(func, "_mio_qual_landed", False):
        return func

    @functools.wraps(func)
    def landed(*args: Any, **kwargs: Any) -> Any:
        out = kwargs.get(out_param)
        with landing(files=[] if folder else [out], folders=[out] if folder else []):
            return func(*args, **kwargs)

    landed._mio_qual_landed = True  # type: ignore[attr-defined]
    return landed


def lands(func: Callable) -> Callable:
    """Run a command whose ``--out FILE`` is its own option (not :func:`out_option`) in a :class:`Landing`.

    Put it just above the function, below the click decorators. Every file the command writes
    (a report and the documents and charts beside it) lands together or none does.
    """
    return _landed(func, folder=False)


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


class AliasChoice(click.Choice):
    """A choice that also takes old names of its values (shown nowhere, each with a warning).

    ``aliases`` maps an old name to the value it now has (``{"text": "table"}``); the choices
    shown in ``--help`` and in error messages are the current names only.
    """

    def __init__(self, choices: Sequence[str], aliases: dict[str, str]) -> None:
        super().__init__(list(choices))
        self.aliases = dict(aliases)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value in self.aliases:
            warn(f"{value!r} is an old name; use {self.aliases[value]!r}")
            value = self.aliases[value]
        return super().convert(value, param, ctx)


def checked(name: str) -> click.ParamType:
    """The click type of option ``name``: its rule in :data:`mio_qual.validation.RULES`, the Python words.

    A value the option does not take is refused with the :class:`~mio_qual.errors.InputError`
    the Python method raises (one line naming ``name= / --name`` and what it takes, exit 2), not
    click's usage message; ``--help`` still shows the choices or the range.

    Parameters
    ----------
    name : str
        The option's Python name (``"boot"``, ``"min_rated"``, ``"criterion"`` ...).

    Returns
    -------
    click.ParamType
    """
    from ..validation import RULES, refusal

    rule = RULES[name]

    def convert(value: Any) -> Any:
        if rule.kind != "choice" and isinstance(value, str):
            try:
                value = float(value) if rule.kind == "number" or not value.strip().lstrip("+-").isdigit() \
                    else int(value)
            except ValueError:
                raise refusal(name, value, rule) from None
        return rule.check(name, value)

    if rule.kind == "choice":
        class CheckedChoice(click.Choice):
            def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
                return convert(value)

        return CheckedChoice(list(rule.choices))
    base = click.IntRange if rule.kind == "whole" else click.FloatRange

    class CheckedRange(base):  # type: ignore[valid-type, misc]
        def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
            return convert(value)

    return CheckedRange(rule.low, rule.high, min_open=rule.low_open, max_open=rule.high_open)


def deprecated_alias(old: str, new: str, dest: str, *, several: bool = False, flag_value: Any = None,
                     spaces: bool = True) -> Callable:
    """Accept an option's old name, hidden from ``--help``, with a warning on stderr.

    The value given to ``old`` is passed to the command as ``dest`` (the parameter of the
    option ``new``): added to the values already there when ``several``, else used when
    ``new`` was not given. Keep an alias where the README of an earlier version or users'
    scripts may use the old name.

    Parameters
    ----------
    old, new : str
        The old and the current option names (``"--layer"``, ``"--coders"``).
    dest : str
        The command's parameter that ``new`` fills.
    several : bool
        The option takes several values (as :func:`values_option`).
    flag_value : optional
        ``old`` is a flag that sets ``dest`` to this value (``--no-transcripts`` ->
        ``by_transcript=False``), whatever ``new`` says.
    spaces : bool
        With ``several``: split values at spaces too (False for names that hold spaces, as
        :func:`values_option`).
    """
    hidden_name = "_alias_" + old.lstrip("-").replace("-", "_")

    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def merged(*args: Any, **kwargs: Any) -> Any:
            value = kwargs.pop(hidden_name, None)
            if value:
                warn(f"{old} is an old name of {new}; use {new}")
                if several:
                    kwargs[dest] = tuple(dict.fromkeys((*(kwargs.get(dest) or ()), *split_values(value, spaces=spaces))))
                elif flag_value is not None:
                    kwargs[dest] = flag_value
                elif kwargs.get(dest) in (None, ()):
                    kwargs[dest] = value
            return func(*args, **kwargs)

        if several:
            return click.option(old, hidden_name, multiple=True, cls=ManyValues, hidden=True)(merged)
        if flag_value is not None:
            return click.option(old, hidden_name, is_flag=True, default=False, hidden=True)(merged)
        return click.option(old, hidden_name, default=None, hidden=True)(merged)

    return decorator


def format_option(*formats: str, default: str = "table", choices: Iterable[str] | None = None,
                  extra: Iterable[str] = (), out_param: str = "out", aliases: dict[str, str] | None = None) -> Callable:
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
        The formats this command offers, from :data:`mio_qual.reports.formats.FORMATS`
        (default :data:`DEFAULT_FORMATS`). ``choices=`` is the same, kept for existing callers.
    default : str
        The format when neither ``--format`` nor a known ``--out`` suffix names one.
    extra : iterable of str
        Formats outside the table vocabulary that only this command writes (``qdc``,
        ``tree``); an ``--out`` file whose suffix is ``.<name>`` selects one.
    out_param : str
        The name of the command's ``--out`` parameter.
    aliases : dict, optional
        Old format names still accepted (hidden, with a warning): ``{"text": "table"}``.

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
        kind = AliasChoice(allowed + extras, aliases) if aliases else click.Choice(list(allowed + extras))
        return click.option("--format", "fmt", type=kind, default=None,
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
    from ..reports.formats import FORMATS, infer_format

    unknown = [f for f in allowed if f not in FORMATS]
    if unknown:  # a programming error: the vocabulary is the renderer's
        raise ValueError(f"formats {unknown} are not in mio_qual.reports.formats.FORMATS; pass them as extra=")
    chosen = infer_format(fmt, out, default=default)
    if chosen not in allowed:
        raise InputError(f"this command does not write {chosen}", path=out,
                         hint=f"it writes {', '.join(allowed)}: choose one with --format or the file's suffix")
    return chosen


def out_option(help: str = "Write to this file instead of the screen (its suffix sets the format).", *,
               required: bool = False, folder: bool = False, short: bool = False,
               default: Path | None = None) -> Callable:
    """An ``--out`` option (the command receives a Path, or None when it is not given).

    Parameters
    ----------
    help : str
    required : bool
    folder : bool
        ``--out`` names a folder the command writes several files into (else one file).
    short : bool
        Also accept ``-o``.
    default : Path, optional

    The command runs inside a :class:`Landing` for ``--out``: the store changes it makes and
    the files it writes land together, or nothing does.
    """
    decls = ("--out", "-o", "out") if short else ("--out", "out")
    kind = click.Path(file_okay=False, path_type=Path) if folder else click.Path(dir_okay=False, path_type=Path)
    option = click.option(*decls, type=kind, default=default, required=required, help=help,
                          show_default=default is not None)

    def decorator(func: Callable) -> Callable:
        return option(_landed(func, folder=folder))

    return decorator


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


Records = Sequence[dict[str, Any]]


def emit(data: "pd.DataFrame | Table | Result | Sequence[Table] | Records", fmt: str = "table", *,
         title: str | None = None, out: Path | None = None, max_rows: int | None = None,
         columns: Sequence[str] | None = None) -> Path | None:
    """Show or write data: a DataFrame, a :class:`~mio_qual.result.Table`, a :class:`~mio_qual.result.Result`
    or plain records (a list of dicts).

    ``table`` without ``out`` prints rich tables on stdout (every table of a result, each
    with its notes); everything else is written by :func:`mio_qual.reports.render.render`
    (CSV and JSON on stdout when there is no ``out``, formula-like cells neutralized).
    Records shown as a table never import pandas (the quick commands: ``status``, ``log``,
    ``transcripts list``); written in another format they become a DataFrame first.

    Parameters
    ----------
    data : DataFrame, Table, Result, sequence of Table, or list of dict
    fmt : str
        A format of :data:`mio_qual.reports.formats.FORMATS`.
    title : str, optional
        The title of a DataFrame's or the records' table (a Table or Result carries its own).
    out : Path, optional
        The file to write.
    max_rows : int, optional
        Rows shown on screen (the caption says how many there are).
    columns : sequence of str, optional
        Records only: the columns, in order (default: the keys of the first record).

    Returns
    -------
    Path or None
        The file written, if any.
    """
    if _is_records(data):
        records = list(data)  # type: ignore[arg-type]
        names = list(columns) if columns is not None else list(records[0]) if records else []
        if fmt == "table" and out is None:  # plain text: rich is not imported for a quick command
            shown = records if max_rows is None else records[:max_rows]
            caption = f"{max_rows} of {len(records)} rows shown; use --format csv for all" \
                if max_rows is not None and len(records) > max_rows else None
            sys.stdout.write(text_table(names, ([r.get(c) for c in names] for r in shown), title=title,
                                        numeric=_numeric_columns(names, records), caption=caption) + "\n")
            return None
        import pandas as pd

        data = pd.DataFrame.from_records(records, columns=names)
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
            screen.print(rich_table(table.frame, title=table.title or title, max_rows=max_rows, width=screen.width))
            for note in table.notes:
                screen.print(f"[dim]{escape(note)}[/]")
        return None
    written = render(result, fmt=fmt, out=out, title=title)
    if out is None:
        sys.stdout.write(str(written))
        return None
    return Path(written)


def _is_records(data: Any) -> bool:
    """True for a list or tuple of dicts (an empty list counts: nothing to show)."""
    return isinstance(data, (list, tuple)) and all(isinstance(row, dict) for row in data)


def _numeric_columns(columns: Sequence[str], records: Records) -> set[str]:
    """Columns whose values are all numbers (booleans and text are not), as a DataFrame's dtype would say."""
    return {c for c in columns
            if any(r.get(c) is not None for r in records)
            and all(isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool)
                    for r in records if r.get(c) is not None)}


def rich_table(frame: "pd.DataFrame", *, title: str | None = None, max_rows: int | None = None,
               wide: Iterable[str] = ("text", "quote", "excerpt", "note"), width: int | None = None) -> Any:
    """A rich Table of a DataFrame; floats to 3 decimals, missing as blank.

    Columns named in ``wide`` take the spare width; the others keep their natural width. Laid out
    for ``width`` characters (default :func:`screen_width`): columns that do not fit are named in
    the caption, never squeezed away (:func:`_table_of`).
    """
    rows = frame if max_rows is None else frame.head(max_rows)
    numeric = {str(c) for c in frame.columns if frame[c].dtype.kind in "if"}
    return _table_of([str(c) for c in frame.columns], rows.itertuples(index=False), len(frame), numeric,
                     title=title, max_rows=max_rows, wide=wide, width=width)


LONG_CELL = 30
"""A text column with a longer value wraps on screen instead of being cut short."""


def _table_of(columns: Sequence[str], rows: Iterable[Sequence[Any]], n_rows: int, numeric: set[str], *,
              title: str | None = None, max_rows: int | None = None,
              wide: Iterable[str] = ("text", "quote", "excerpt", "note"), width: int | None = None) -> Any:
    """The rich Table of :func:`rich_table` from column names and rows (at most ``max_rows`` shown).

    A table wider than ``width`` (default :func:`screen_width`) is laid out here, not by rich's last
    resort (which squeezes columns to nothing: an ``n`` column vanished at 100 columns): every column
    gets at least its least width (:func:`_fit_columns`: a number its widest value, text a few
    characters, wrapping or cut with "…"), the spare width goes to the short text columns, then to
    the wrapping ones; and
    when even the least widths do not fit, the last columns are left out and the caption names them
    and how to see them.
    """
    from itertools import islice

    from rich.table import Table

    wide = set(wide)
    cells = [[_cell(v) for v in values] for values in (rows if max_rows is None else islice(rows, max_rows))]
    kinds = ["wide" if c in wide else "number" if c in numeric
             else "wrap" if max((_cell_width(row[i]) for row in cells), default=0) > LONG_CELL else "short"
             for i, c in enumerate(columns)]
    values = [max((_cell_width(row[i]) for row in cells), default=0) for i in range(len(columns))]
    natural = [max(_cell_width(c), v) for c, v in zip(columns, values)]
    least = [max(v, min(len(c), 16)) if k == "number" else min(w, max({"short": 8, "wrap": 10, "wide": 12}[k],
                                                                          min(len(c), 16)))
             for c, k, v, w in zip(columns, kinds, values, natural)]
    width = width or screen_width()
    shown, widths = _fit_columns(kinds, natural, least, width)
    table = Table(title=title, show_lines=False, header_style="bold", min_width=min(len(title or ""), width))
    for i in shown:
        column, kind, fixed = columns[i], kinds[i], None if widths is None else widths[i]
        if kind == "wide":
            table.add_column(column, ratio=None if fixed else 1, overflow="fold", min_width=None if fixed else 30,
                             width=fixed)
        elif kind == "number":
            # a number is never cut to "2.7…": its column keeps the width of its widest value, and the
            # text columns beside it give way instead
            table.add_column(column, justify="right", no_wrap=True, width=fixed,
                             min_width=max([min(len(column), 16)] + [len(row[i]) for row in cells]))
        elif kind == "wrap":
            # long text (a base, a description) wraps before anything is cut
            table.add_column(column, justify="left", overflow="fold", width=fixed,
                             min_width=None if fixed else min(len(column), 16))
        else:
            table.add_column(column, justify="left", no_wrap=True, width=fixed,
                             min_width=None if fixed else min(len(column), 16))
    for row in cells:
        table.add_row(*(row[i] for i in shown))
    captions = []
    if max_rows is not None and n_rows > max_rows:
        captions.append(f"{max_rows} of {n_rows} rows shown; use --format csv for all")
    left_out = [columns[i] for i in range(len(columns)) if i not in shown]
    if left_out:
        captions.append(f"{len(left_out)} of {len(columns)} columns not shown at {width} characters wide: "
                        f"{', '.join(left_out)}; widen the terminal (or set COLUMNS), or use --format csv "
                        "or --out FILE for every column")
    if captions:
        table.caption = escape("; ".join(captions))
    return table


def _cell_width(text: str) -> int:
    """The width of a table cell's text on screen (its widest line; rich's escapes and wide characters counted
    as shown)."""
    if text.isascii() and "\\" not in text:
        return max((len(line) for line in text.splitlines()), default=0)
    from rich.text import Text

    return max((Text.from_markup(line).cell_len for line in text.splitlines()), default=0)


def _fit_columns(kinds: Sequence[str], natural: Sequence[int], least: Sequence[int],
                 width: int) -> tuple[list[int], list[int] | None]:
    """The columns shown and their widths (None: the table fits, rich lays it out) at ``width`` characters.

    ``least``: the narrowest each column may be (a number its widest value and most of its header,
    short text eight characters, cut with "…", wrapping text ten, a quote twelve; every header up to
    16 characters whole). Each column takes
    3 characters of borders and padding besides its text, and the table one more.
    """
    n = len(kinds)
    if sum(natural) + 3 * n + 1 <= width:
        return list(range(n)), None
    shown = list(range(n))
    while len(shown) > 1 and sum(least[i] for i in shown) + 3 * len(shown) + 1 > width:
        shown.pop()  # the last columns give way; the caption names them
    widths = list(least)
    spare = width - (sum(least[i] for i in shown) + 3 * len(shown) + 1)
    for i in (i for i in shown if kinds[i] == "short"):  # ids and names first, whole where they can be
        more = min(natural[i] - widths[i], max(spare, 0))
        widths[i] += more
        spare -= more
    wanting = {i: natural[i] - widths[i] for i in shown if kinds[i] in ("wrap", "wide") and natural[i] > widths[i]}
    total = sum(wanting.values())
    if spare > 0 and total:  # then the wrapping columns, in proportion to what each lacks
        given = {i: min(want, spare * want // total) for i, want in wanting.items()}
        for i in given:
            widths[i] += given[i]
        left = spare - sum(given.values())
        for i in wanting:  # what the rounding left, left to right
            more = min(natural[i] - widths[i], left)
            widths[i] += more
            left -= more
    return shown, widths


def _cell(value: Any, markup: bool = True) -> str:
    """A value as table text: floats to 3 decimals, missing as blank (escaped for rich unless ``markup``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return f"{value:.3f}" if not value.is_integer() else f"{value:.0f}" if abs(value) < 1e15 else f"{value:.3g}"
    return escape(value) if markup else str(value)


def screen_width() -> int:
    """The width tables are laid out for: $COLUMNS, else the terminal's, else 160 (a file or pipe)."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    return shutil.get_terminal_size((160, 24)).columns if sys.stdout.isatty() else 160


def text_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
               numeric: Iterable[str] = (), shrink: dict[str, int] | None = None, caption: str | None = None,
               width: int | None = None) -> str:
    """A table drawn with box characters as plain text (the look of the rich tables, without importing rich).

    The quick commands (``status``, ``log``, ``transcripts list``) print through it: importing rich
    costs about as much as everything else they do.

    Parameters
    ----------
    columns : sequence of str
    rows : iterable of sequences
        Values, formatted as :func:`rich_table` does (floats to 3 decimals, missing blank).
    title, caption : str, optional
        Centred above and below the table.
    numeric : iterable of str
        Columns aligned right.
    shrink : dict, optional
        Columns that give up width when the table is wider than the screen, with their shares
        (``{"command": 1, "detail": 2}``); their text wraps. Other columns keep their width.
    width : int, optional
        Default :func:`screen_width`.

    Examples
    --------
    >>> print(text_table(["what", "count"], [["transcripts", 16]], numeric=["count"]))
    ┏━━━━━━━━━━━━━┳━━━━━━━┓
    ┃ what        ┃ count ┃
    ┡━━━━━━━━━━━━━╇━━━━━━━┩
    │ transcripts │    16 │
    └─────────────┴───────┘
    """
    import textwrap

    width = width or screen_width()
    cells = [[_cell(v, markup=False) for v in row] for row in rows]
    widths = [max([len(c)] + [len(line) for row in cells for line in row[i].splitlines() or [""]])
              for i, c in enumerate(columns)]
    shares = {columns.index(c): share for c, share in (shrink or {}).items() if c in columns}
    excess = sum(widths) + 3 * len(columns) + 1 - width
    if excess > 0 and shares:
        room = sum(widths[i] for i in shares) - excess  # what the shrinking columns may still hold
        total = sum(shares.values())
        for i, share in shares.items():
            widths[i] = max(8, min(widths[i], room * share // total))
    numeric = set(numeric)

    def lines_of(i: int, text: str) -> list[str]:
        if i not in shares:
            return text.splitlines() or [""]
        return [part for line in text.splitlines() or [""]
                for part in textwrap.wrap(line, widths[i], break_on_hyphens=False) or [""]]

    def line(values: Sequence[str], left: str, middle: str, right: str, names: Sequence[str]) -> str:
        padded = [v.rjust(w) if n in numeric else v.ljust(w) for v, w, n in zip(values, widths, names)]
        return left + " " + f" {middle} ".join(padded) + " " + right

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    out = [rule("┏", "━", "┳", "┓"), line(list(columns), "┃", "┃", "┃", ["" for _ in columns]),
           rule("┡", "━", "╇", "┩")]
    for row in cells:
        wrapped = [lines_of(i, text) for i, text in enumerate(row)]
        for k in range(max(len(w) for w in wrapped) if wrapped else 0):
            out.append(line([w[k] if k < len(w) else "" for w in wrapped], "│", "│", "│", columns))
    out.append(rule("└", "─", "┴", "┘"))
    full = len(out[0])
    if title:
        out.insert(0, title.center(full).rstrip())
    if caption:
        out.append(caption.center(full).rstrip())
    return "\n".join(out)


def print_json(data: Any) -> None:
    """Print data as JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")

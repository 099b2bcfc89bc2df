"""Pieces every CLI command shares: finding the project, printing tables, output formats."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import click

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project

FORMATS = ("table", "csv", "json")


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


def format_option(default: str = "table", choices: Iterable[str] = FORMATS) -> Callable:
    """A ``--format`` option."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="Output format.")


def out_option() -> Callable:
    """An ``--out FILE`` option."""
    return click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Write to this file instead of the screen.")


def emit(frame: "pd.DataFrame", fmt: str = "table", *, title: str | None = None, out: Path | None = None,
         max_rows: int | None = None) -> None:
    """Print or write a DataFrame as a rich table, CSV or JSON.

    CSV and JSON go to stdout (or ``out``) with spreadsheet formulas neutralized in CSV; a
    table goes to the terminal.
    """
    if fmt == "csv":
        from ..exports import safe_frame

        text = safe_frame(frame).to_csv(index=False, lineterminator="\n")
        _write(text, out)
    elif fmt == "json":
        text = frame.to_json(orient="records", force_ascii=False, indent=2, date_format="iso") + "\n"
        _write(text, out)
    else:
        table = rich_table(frame, title=title, max_rows=max_rows)
        if out is not None:
            buffer = io.StringIO()
            from rich.console import Console

            Console(file=buffer, width=200).print(table)
            _write(buffer.getvalue(), out)
        else:
            console().print(table)


def rich_table(frame: "pd.DataFrame", *, title: str | None = None, max_rows: int | None = None,
               wide: Iterable[str] = ("text", "quote", "excerpt")) -> Any:
    """A rich Table of a DataFrame; floats to 3 decimals, missing as blank.

    Columns named in ``wide`` take the spare width; the others keep their natural width.
    """
    from rich.table import Table

    wide = set(wide)
    table = Table(title=title, show_lines=False, header_style="bold")
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


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


def print_json(data: Any) -> None:
    """Print data as JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")

"""The one renderer: analysis results as screen text, CSV, JSON, XLSX, Word tables and PNG charts.

Analyses return :class:`~mio_qual.result.Result` / :class:`~mio_qual.result.Table` objects;
:func:`render` writes them for every ``--format``/``--out`` of the CLI. Word tables are written
by :func:`add_table` in the house style of the reports (numbered captions, notes, landscape
pages for wide tables), so a table looks the same in ``--format docx`` and in a report; rating
cells are filled by valence in XLSX and Word.

Every text cell goes through :func:`mio_qual.exports.safe_cell` first, so that nothing a
participant said can run as a spreadsheet formula; rating cells such as ``+2`` are numbers to
a spreadsheet and are left as they are.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from ..atomicio import write_text
from ..errors import InputError
from ..exports import csv_text, safe_cell
from ..exports import write_csv as write_safe_csv
from ..result import Figure, Result, Table
from .formats import FORMATS, infer_format  # noqa: F401 (FORMATS: read here by callers too)
from .reproducible import save_stamped

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .builder import ReportBuilder

#: Fill colours by rating, hex RGB: a diverging red-blue scale (ColorBrewer RdBu, readable with red-green
#: colour blindness; Brewer & Harrower, colorbrewer2.org), amber for mixed (hatched on charts).
FILLS: dict[str, str] = {
    "-2": "B2182B", "-1": "F4A582", "0": "EEEEEE", "+1": "92C5DE", "+2": "2166AC", "X": "FEE08B",
}
#: Ratings whose fill is dark enough to need white text.
DARK = {"-2", "+2"}


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        try:
            value = value.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    return safe_cell(value) if isinstance(value, str) else value


def write_csv(frame: "pd.DataFrame", path: str | Path) -> Path:
    """Write ``frame`` as UTF-8 CSV, neutralized and quoted for every locale (:func:`mio_qual.exports.write_csv`)."""
    return write_safe_csv(frame, path)


def write_xlsx(tables: Table | Sequence[Table], path: str | Path, *, notes_sheet: bool = True) -> Path:
    """Write one or more tables to an ``.xlsx`` file, one sheet each, rating cells filled by valence.

    Parameters
    ----------
    tables : Table or sequence of Table
    path : str or Path
    notes_sheet : bool
        Add a ``notes`` sheet with each table's title and notes.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    docs = [tables] if isinstance(tables, Table) else list(tables)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for doc in docs:
        name = _sheet_name(doc.sheet, used)
        sheet = book.create_sheet(name)
        columns = [str(c) for c in doc.frame.columns]
        sheet.append([safe_cell(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        rating_idx = {i for i, c in enumerate(columns) if c in set(map(str, doc.rating_columns))}
        for values in doc.frame.itertuples(index=False):
            sheet.append([_cell_value(v) for v in values])
            row = sheet.max_row
            for i in rating_idx:
                cell = sheet.cell(row=row, column=i + 1)
                text = "" if cell.value is None else str(cell.value)
                if text in FILLS:
                    cell.fill = PatternFill("solid", start_color=FILLS[text], end_color=FILLS[text])
                    cell.alignment = Alignment(horizontal="center")
                    if text in DARK:
                        cell.font = Font(color="FFFFFF", bold=True)
        for i, column in enumerate(columns, start=1):
            lengths = [len(column)] + [len(str(v)) for v in doc.frame.iloc[:200, i - 1] if v is not None]
            width = min(max(lengths) + 2, 60)
            sheet.column_dimensions[get_column_letter(i)].width = max(width, 6)
            if width >= 60:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    if notes_sheet and any(doc.title or doc.notes for doc in docs):
        sheet = book.create_sheet(_sheet_name("notes", used))
        for doc in docs:
            if doc.title:
                sheet.append([safe_cell(doc.title)])
                sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            for note in doc.notes:
                sheet.append([safe_cell(note)])
            sheet.append([])
        sheet.column_dimensions["A"].width = 120
    save_stamped(book, path)
    return Path(path)


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "table"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def add_table(builder: "ReportBuilder", table: Table, *, caption: str | None = None, **layout: Any) -> int:
    """Write a :class:`~mio_qual.result.Table` into a Word document in the house style.

    The one way a table becomes Word, in a report and in ``--format docx`` alike: a numbered
    caption (the table's title), the table (rating cells filled by valence, landscape pages when
    it is too wide for a portrait page) and its notes under it.

    Parameters
    ----------
    builder : ReportBuilder
    table : Table
    caption : str, optional
        The caption, when it is not the table's title.
    **layout
        Passed on to :meth:`~mio_qual.reports.builder.ReportBuilder.table` (``widths``,
        ``number_format``, ``landscape`` ...).

    Returns
    -------
    int
        The table's number.
    """
    return builder.table(table.frame, caption or table.title or table.sheet, note=" ".join(table.notes) or None,
                         rating_columns=table.rating_columns, **layout)


def write_docx(tables: Table | Iterable[Table], path: str | Path, *, title: str | None = None,
               redactor: "Callable[[str], str] | None" = None) -> Path:
    """Write tables into a new Word document in the house style (:class:`~mio_qual.reports.builder.ReportBuilder`).

    Parameters
    ----------
    tables : Table or iterable of Table
    path : path
    title : str, optional
        A heading above the tables (and the document's title).
    redactor : callable, optional
        Applied to every text written.
    """
    from .builder import ReportBuilder

    docs = [tables] if isinstance(tables, Table) else list(tables)
    builder = ReportBuilder(title or (docs[0].title if docs else ""), redact=redactor)
    if title:
        builder.heading(title, 1)
    for doc in docs:
        add_table(builder, doc)
    return builder.save(path)


# ---------------------------------------------------------------------------- the one entry point
def _tables(result: Result | Table | Sequence[Table]) -> list[Table]:
    if isinstance(result, Result):
        return list(result.tables)
    if isinstance(result, Table):
        return [result]
    return list(result)


def render(result: Result | Table | Sequence[Table], *, fmt: str | None = None, out: str | Path | None = None,
           title: str | None = None) -> str | Path:
    """Write an analysis result in the house style, in any output format.

    Parameters
    ----------
    result : Result, Table or sequence of Table
        What an analysis returned.
    fmt : str, optional
        One of :data:`FORMATS`; inferred from ``out``'s suffix when not given (see
        :func:`infer_format`).
    out : path, optional
        The file to write. Without it, ``table``, ``csv`` and ``json`` are returned as text.
    title : str, optional
        A document title (Word).

    Returns
    -------
    str or Path
        The text (no ``out``) or the path written.
    """
    fmt = infer_format(fmt, out)
    tables = _tables(result)
    if fmt == "png":
        figures = result.figures if isinstance(result, Result) else []
        if not figures:
            raise InputError("this result has no figure to draw", path=out, hint="choose csv, xlsx or docx")
        from .charts import draw

        return draw(figures[0], Path(out))  # type: ignore[arg-type]
    if fmt == "xlsx":
        return write_xlsx(tables, Path(out))  # type: ignore[arg-type]
    if fmt == "docx":
        return write_docx(tables, Path(out), title=title or (result.title if isinstance(result, Result) else None))  # type: ignore[arg-type]
    main = tables[0]
    if fmt == "csv":
        text = csv_text(main.frame)
    elif fmt == "json":
        text = main.frame.to_json(orient="records", force_ascii=False, indent=2, date_format="iso") + "\n"
    else:
        text = to_text(main)
    if out is None:
        return text
    return write_text(out, text, encoding="utf-8")


def to_text(table: Table, width: int = 200) -> str:
    """A table, its title and notes as plain text (terminals, logs)."""
    import pandas as pd

    with pd.option_context("display.max_colwidth", 80, "display.width", width, "display.max_rows", 500,
                           "display.max_columns", 50):
        text = f"{table.title}\n{table.frame.to_string(index=False)}" if table.title else table.frame.to_string(index=False)
    return text + ("\n" + "\n".join(f"Note: {n}" for n in table.notes) if table.notes else "") + "\n"


__all__ = ["FILLS", "FORMATS", "Table", "Result", "Figure", "infer_format", "render", "to_text", "write_csv",
           "write_xlsx", "write_docx", "add_table"]

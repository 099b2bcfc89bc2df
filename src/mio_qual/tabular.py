"""Reading ``.csv`` and ``.xlsx`` tables: the file-level steps every table reader shares.

Three readers keep their own view of the cells: the study tables (manifest, roster) as text
(:mod:`mio_qual.transcripts.tables`), rating worksheets and quantitative files as typed cells
(:mod:`mio_qual.mixed.tables`) and coding sheets sheet by sheet
(:mod:`mio_qual.coding.spreadsheet`). What they have in common lives here: telling the format
from the suffix, bounding, decoding and splitting a CSV file, opening a workbook without ever
evaluating a formula, and naming columns and cells the way a spreadsheet program does.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Literal

from .errors import InputError

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

_HEADER_JUNK = re.compile(r"[\s\-]+")

MAX_ROWS = 1_000_000
"""Rows read from one sheet at most (Excel's own limit is 1,048,576)."""

MAX_COLUMNS = 1_000
"""Columns a study table, coding sheet or rating worksheet may have; wider is refused before it is read."""

MAX_SHARED_STRINGS_BYTES = 64 << 20
"""The largest unpacked shared-strings part of an ``.xlsx`` (every distinct text of the workbook)."""

MAX_SHEET_BYTES = 256 << 20
"""The largest unpacked worksheet part of an ``.xlsx``."""


def normalize_column(name: Any) -> str:
    """A column name as the readers compare it: ``'Transcript ID'`` -> ``'transcript_id'`` (None -> '')."""
    return _HEADER_JUNK.sub("_", str(name if name is not None else "").strip().lower()).strip("_")


def column_letter(index: int) -> str:
    """The spreadsheet letter of the 0-based column ``index``: 0 -> ``A``, 26 -> ``AA``.

    (:func:`openpyxl.utils.get_column_letter` does the same, but importing it loads all of
    openpyxl, which reading a CSV file never needs.)
    """
    letters = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell as text: '' for empty, dates as ISO dates, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def table_format(path: Path, *, what: str) -> Literal["csv", "xlsx"]:
    """``"csv"`` or ``"xlsx"`` from the file's suffix.

    Raises
    ------
    InputError
        If the file does not exist or its suffix is neither.
    """
    if not path.is_file():
        raise InputError(f"{what} not found", path=path, hint="check the path")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    raise InputError(f"a {what} must be a .csv or .xlsx file, not {suffix or 'a file without extension'}",
                     path=path, hint="save it from the spreadsheet program as .xlsx or CSV (UTF-8)")


def read_csv_rows(path: Path, *, what: str) -> list[tuple[int, list[str]]]:
    """The rows of a CSV (or tab-separated ``.tsv``) file with their 1-based row numbers.

    The file is refused before it is read when it is empty or larger than
    :data:`~mio_qual.transcripts.encoding.MAX_TABLE_BYTES`, decoded as the transcript readers
    decode text (:func:`~mio_qual.transcripts.encoding.decode_bytes`), and split on ``;``
    instead of ``,`` when its first line holds more semicolons than commas (as a spreadsheet
    program set to a European locale writes it). Cells are returned as written.

    Raises
    ------
    InputError
        Empty, too large, undecodable, or not valid CSV.
    """
    from .transcripts.encoding import MAX_TABLE_BYTES, check_file_size, decode_bytes

    check_file_size(path, limit=MAX_TABLE_BYTES, what=f"a {what}")
    text, _, _ = decode_bytes(path.read_bytes(), path=path)
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    else:
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"the {what} is not valid CSV ({exc})", path=path, hint="save it again as CSV (UTF-8)") \
            from None
    widest = max((len(row) for row in rows), default=0)
    if widest > MAX_COLUMNS:
        raise InputError(f"the {what} has a row of {widest:,} cells, more than the {MAX_COLUMNS:,} columns a table "
                         "may have", path=path, hint="delete the columns to the right of the table")
    return [(i + 1, row) for i, row in enumerate(rows)]


@contextmanager
def open_workbook(path: Path, *, what: str) -> Iterator[Any]:
    """An ``.xlsx`` workbook opened read-only, formulas as formulas (never a cached value), closed after.

    The file is first checked as a zip archive (:func:`mio_qual.safezip.open_zip`: member
    count and unpacked size bounded) before openpyxl sees it.

    Raises
    ------
    InputError
        A hostile or damaged archive, or a file openpyxl cannot read.
    """
    import openpyxl

    from .safezip import open_zip

    with open_zip(path, what=f"{what} .xlsx file") as archive:
        for info in archive.infolist():
            name = info.filename.lower()
            limit = (MAX_SHARED_STRINGS_BYTES if name.endswith("sharedstrings.xml")
                     else MAX_SHEET_BYTES if name.startswith("xl/worksheets/") else None)
            if limit is not None and info.file_size > limit:
                raise InputError(f"the {what} .xlsx file's part {info.filename} unpacks to "
                                 f"{info.file_size >> 20} MiB, more than the {limit >> 20} MiB a table may hold",
                                 path=path, hint="the file may be hostile; save the table again as a new .xlsx")
    try:
        # data_only=False: a formula cell gives its formula, never a cached or computed value.
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "cannot read"
        raise InputError(f"the {what} .xlsx file cannot be read ({exc.__class__.__name__})", path=path,
                         hint="open it in a spreadsheet program and save it again") from None
    try:
        for sheet in book.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                # The used range the file declares (it may claim A1:XFD1048576) is ignored:
                # rows are as long as their last cell, and only rows present are read.
                sheet.reset_dimensions()
        yield book
    finally:
        book.close()


def sheet_rows(sheet: Any, *, path: Path, what: str, values_only: bool = True,
               max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> Iterator[tuple[Any, ...]]:
    """The rows of a worksheet from :func:`open_workbook`, bounded in number and width.

    Empty rows the file skips come back as empty tuples (so row numbers stay the
    spreadsheet's); trailing empty cells are dropped.

    Raises
    ------
    InputError
        More than ``max_rows`` rows, or a filled cell beyond column ``max_columns``.
    """
    for n, row in enumerate(sheet.iter_rows(values_only=values_only), start=1):
        if n > max_rows:
            raise InputError(f"sheet {sheet.title!r} of the {what} has more than {max_rows:,} rows", path=path,
                             hint="split the table, or delete the empty rows below it")
        row = tuple(row)
        end = len(row)
        while end and (row[end - 1] if values_only else getattr(row[end - 1], "value", None)) is None:
            end -= 1
        if end > max_columns:
            raise InputError(f"sheet {sheet.title!r} of the {what} has a cell in column {column_letter(end - 1)} "
                             f"(row {n}), beyond the {max_columns:,} columns a table may have", path=path,
                             hint="delete the columns to the right of the table")
        yield row[:end]


def unique_columns(columns: list[str], *, path: Path, what: str, sheet: str | None = None) -> None:
    """Refuse a header naming one column twice (after :func:`normalize_column`): one would be dropped.

    Raises
    ------
    InputError
        Naming the repeated columns by letter.
    """
    seen: dict[str, int] = {}
    for i, name in enumerate(columns):
        if not name:
            continue
        if name in seen:
            where = f"sheet {sheet!r} of the {what}" if sheet else f"the {what}"
            raise InputError(f"{where} has two {name!r} columns ({column_letter(seen[name])} and "
                             f"{column_letter(i)}); one of them would be ignored", path=path,
                             hint="rename or delete one of them")
        seen[name] = i


__all__ = ["CSV_SUFFIXES", "XLSX_SUFFIXES", "MAX_COLUMNS", "MAX_ROWS", "cell_text", "column_letter",
           "normalize_column", "open_workbook", "read_csv_rows", "sheet_rows", "table_format", "unique_columns"]

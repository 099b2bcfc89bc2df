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


_MERGE_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3})(\d{1,7}):([A-Za-z]{1,3})(\d{1,7})"')
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")


def _column_index(letters: bytes) -> int:
    """The 0-based index of a column's letters: ``b'A'`` -> 0, ``b'AA'`` -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def merged_down(sheet: Any, *, path: Path, what: str) -> dict[int, list[tuple[int, int]]]:
    """The merged cells of an ``.xlsx`` worksheet that span rows: first row -> ``[(column, last row)]``.

    openpyxl's read-only worksheets do not report merged cells (they follow the rows in the
    sheet's XML), so the part is read again as a stream of bytes and its ``<mergeCell
    ref="C3:C8"/>`` entries picked out after the cell data; no XML is parsed. Columns are 0-based,
    rows 1-based. A sheet that is not a read-only worksheet of a file (none in mio-qual's
    readers) gives none.

    Raises
    ------
    InputError
        More than :data:`MAX_ROWS` merged ranges (a hostile file).
    """
    archive, part = getattr(getattr(sheet, "parent", None), "_archive", None), getattr(sheet, "_worksheet_path", None)
    if archive is None or part is None:
        return {}
    found: dict[int, list[tuple[int, int]]] = {}
    count = 0
    tail, after_data = b"", False
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            buffer = tail + chunk
            if not after_data:
                end = _SHEET_DATA_END.search(buffer)
                if end is None:
                    tail = buffer[-32:]
                    continue
                after_data, buffer = True, buffer[end.end():]
            last = 0
            for m in _MERGE_CELL.finditer(buffer):
                last = m.end()
                first_row, last_row = int(m.group(2)), int(m.group(4))
                if last_row > first_row:
                    count += 1
                    if count > MAX_ROWS:
                        raise InputError(f"sheet {sheet.title!r} of the {what} has more than {MAX_ROWS:,} merged "
                                         "cells", path=path, hint="unmerge the cells (the file may be hostile)")
                    found.setdefault(first_row, []).append((_column_index(m.group(1)), last_row))
            tail = buffer[max(last, len(buffer) - 512):]
    return found


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


class _FilledCell:
    """A cell inside a merged range, read as the range's first cell (its value and type) at its own place."""

    __slots__ = ("value", "data_type", "row", "column")

    def __init__(self, first: Any, row: int, column: int) -> None:
        self.value = getattr(first, "value", None)
        self.data_type = getattr(first, "data_type", "n")
        self.row, self.column = row, column + 1


def sheet_rows(sheet: Any, *, path: Path, what: str, values_only: bool = True,
               max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> Iterator[tuple[Any, ...]]:
    """The rows of a worksheet from :func:`open_workbook`, bounded in number and width.

    Empty rows the file skips come back as empty tuples (so row numbers stay the
    spreadsheet's); trailing empty cells are dropped. A cell merged over several rows (a clinic,
    transcript id or parent code typed once beside the rows it belongs to) is read in each of
    those rows that holds anything else, as the spreadsheet shows it; a range merged over several
    columns too gives its value to its first column only (see :func:`merged_down`).

    Raises
    ------
    InputError
        More than ``max_rows`` rows, or a filled cell beyond column ``max_columns``.
    """
    merges = merged_down(sheet, path=path, what=what)
    active: list[tuple[int, int, Any]] = []  # (column, last row, the range's first cell or value)
    for n, row in enumerate(sheet.iter_rows(values_only=values_only), start=1):
        if n > max_rows:
            raise InputError(f"sheet {sheet.title!r} of the {what} has more than {max_rows:,} rows", path=path,
                             hint="split the table, or delete the empty rows below it")
        row = tuple(row)
        if active:
            active = [a for a in active if a[1] >= n]
        if active and any(_filled(v if values_only else getattr(v, "value", None)) for v in row):
            # a row blank but for the merged box beside it stays blank
            cells = list(row)
            for column, _, first in active:
                if column >= len(cells):
                    cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = first if values_only else _FilledCell(first, n, column)
            row = tuple(cells)
        for column, last_row in merges.pop(n, ()):
            first = row[column] if column < len(row) else None
            if (first if values_only else getattr(first, "value", None)) is not None:
                active.append((column, last_row, first))
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


__all__ = ["CSV_SUFFIXES", "XLSX_SUFFIXES", "MAX_COLUMNS", "MAX_ROWS", "cell_text", "column_letter", "merged_down",
           "normalize_column", "open_workbook", "read_csv_rows", "sheet_rows", "table_format", "unique_columns"]

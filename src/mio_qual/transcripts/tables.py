"""Reading the small study tables (manifest, roster) from ``.csv`` or ``.xlsx``.

Both come back as a header (column names lower-cased, spaces and dashes as ``_``) and rows of
text cells with the row number a spreadsheet program would show (the header is row 1), so
that every error can say "row 7, column 'kind'".
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..safezip import open_zip
from .encoding import MAX_TABLE_BYTES, check_file_size, decode_bytes

_HEADER_JUNK = re.compile(r"[\s\-]+")


def normalize_column(name: str) -> str:
    """``'Transcript ID'`` -> ``'transcript_id'``."""
    return _HEADER_JUNK.sub("_", str(name).strip().lower()).strip("_")


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates as ISO dates, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: str | Path, *, what: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Read a ``.csv`` or ``.xlsx`` table.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the table is ("manifest", "roster"), for messages.

    Returns
    -------
    header : list of str
        Normalized column names.
    rows : list of (int, list of str)
        Spreadsheet row number and cell texts; blank rows are skipped.

    Raises
    ------
    InputError
        Missing file, unknown extension, unreadable content, no header.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} file not found", path=path, hint="check the path")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        check_file_size(path, limit=MAX_TABLE_BYTES, what=f"a {what}")
        text, _, _ = decode_bytes(path.read_bytes(), path=path)
        delimiter = "\t" if suffix == ".tsv" else ","
        if suffix != ".tsv":
            first = text.split("\n", 1)[0]
            if first.count(";") > first.count(",") and first.count(";") > 0:
                delimiter = ";"
        try:
            raw_rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise InputError(f"the {what} is not valid CSV ({exc})", path=path, hint="re-save it as CSV") from None
        numbered = [(i + 1, [c.strip() for c in row]) for i, row in enumerate(raw_rows)]
    elif suffix in (".xlsx", ".xlsm"):
        numbered = _read_xlsx(path, what)
    else:
        raise InputError(
            f"a {what} must be a .csv or .xlsx file, not {suffix or 'a file without extension'}",
            path=path,
            hint="save it from the spreadsheet as CSV (UTF-8) or .xlsx",
        )
    numbered = [(n, cells) for n, cells in numbered if any(c for c in cells)]
    _refuse_formulas(numbered, path, what)
    if not numbered:
        raise InputError(f"the {what} is empty", path=path, hint="its first row must name the columns")
    header_row, header = numbered[0]
    columns = [normalize_column(c) for c in header]
    rows = []
    for n, cells in numbered[1:]:
        if len(cells) < len(columns):
            cells = cells + [""] * (len(columns) - len(cells))
        elif len(cells) > len(columns) and any(cells[len(columns):]):
            raise InputError(
                f"row {n} has {len(cells)} cells but the header names {len(columns)} columns",
                path=path,
                line=n,
                hint="quote cells that contain commas, or add a column name",
            )
        rows.append((n, cells[: len(columns)]))
    return columns, rows


def _refuse_formulas(numbered: list[tuple[int, list[str]]], path: Path, what: str) -> None:
    """Refuse a cell holding a formula (text starting with ``=``): it is never evaluated.

    In a CSV file such a cell is what a spreadsheet program would run as a formula; in an
    ``.xlsx`` file it is a formula cell (read without its cached value).
    """
    for n, cells in numbered:
        for i, cell in enumerate(cells):
            if cell.startswith("="):
                column = ""
                k = i + 1
                while k:
                    k, r = divmod(k - 1, 26)
                    column = chr(65 + r) + column
                raise InputError(
                    f"row {n}, column {column} of the {what} holds a formula ({cell[:40]!r})",
                    path=path,
                    line=n,
                    hint="formulas are never evaluated; type the value itself (or paste values only)",
                )


def _read_xlsx(path: Path, what: str) -> list[tuple[int, list[str]]]:
    import openpyxl

    open_zip(path, what=f"{what} .xlsx file").close()
    try:
        # data_only=False: a formula cell gives its formula (refused), never a cached value
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise InputError(
            f"the {what} .xlsx file cannot be read ({exc.__class__.__name__})",
            path=path,
            hint="open it in a spreadsheet program and save it again",
        ) from None
    try:
        sheet = book.worksheets[0]
        out = []
        for i, row in enumerate(sheet.iter_rows(values_only=True)):
            out.append((i + 1, [cell_text(v) for v in row]))
        return out
    finally:
        book.close()

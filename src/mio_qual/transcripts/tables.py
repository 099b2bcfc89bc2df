"""Reading the small study tables (manifest, roster) from ``.csv`` or ``.xlsx``.

Both come back as a header (column names lower-cased, spaces and dashes as ``_``) and rows of
text cells with the row number a spreadsheet program would show (the header is row 1), so
that every error can say "row 7, column 'kind'".
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..tabular import cell_text, column_letter, normalize_column, open_workbook, read_csv_rows, sheet_rows, table_format

__all__ = ["read_table"]


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
    if table_format(path, what=f"{what} file") == "csv":
        numbered = [(n, [c.strip() for c in row]) for n, row in read_csv_rows(path, what=what)]
    else:
        numbered = _read_xlsx(path, what)
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
                raise InputError(
                    f"row {n}, column {column_letter(i)} of the {what} holds a formula ({cell[:40]!r})",
                    path=path,
                    line=n,
                    hint="formulas are never evaluated; type the value itself (or paste values only)",
                )


def _read_xlsx(path: Path, what: str) -> list[tuple[int, list[str]]]:
    with open_workbook(path, what=what) as book:
        rows = sheet_rows(book.worksheets[0], path=path, what=what)  # bounded rows and columns
        return [(i + 1, [cell_text(v) for v in row]) for i, row in enumerate(rows)]

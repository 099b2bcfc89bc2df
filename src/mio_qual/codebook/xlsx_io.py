"""Codebooks kept as Excel workbooks (``.xlsx``): :func:`read_xlsx_books`.

The sheet read is the one named ``codebook`` (any case and spacing), else the first sheet. It
has the columns of a CSV codebook (:data:`mio_qual.codebook.csv_io.COLUMNS`: ``id`` and ``name``
required, the header in its first non-empty row) and is read as the CSV reader reads its rows
(:func:`mio_qual.codebook.csv_io.books_from_rows`), so a codebook saved from Excel as CSV and
the same workbook give the same codebook and the same version.

The workbook goes through :mod:`mio_qual.tabular` like every other spreadsheet mio-qual reads:
checked as a zip archive first (member count and unpacked sizes bounded), opened read-only
with formulas as formulas (a formula cell is a problem on its row: it is never evaluated, and
its cached value is never used), rows and columns bounded. Problems name the file, the sheet
and the row (:attr:`mio_qual.codebook.problems.Problem.sheet`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import InputError
from .raw import BooksByName, RawBook

#: The sheet name preferred over the first sheet (compared after :func:`mio_qual.tabular.normalize_column`).
SHEET_NAME = "codebook"

_WHAT = "codebook"


def _sheet(book: Any) -> Any:
    from ..tabular import normalize_column

    for sheet in book.worksheets:
        if normalize_column(sheet.title) == SHEET_NAME:
            return sheet
    return book.worksheets[0]


def read_xlsx_books(path: str | Path) -> list[RawBook]:
    """Read a codebook workbook into raw books, one per value of the ``codebook`` column.

    Problems are recorded on the books (with sheet and row), never raised; a file that cannot
    be opened as a workbook (damaged, hostile, too large) is one problem naming the file.
    """
    from ..tabular import cell_text, open_workbook, sheet_rows
    from .csv_io import books_from_rows

    path = Path(path)
    try:
        with open_workbook(path, what=_WHAT) as book:
            if not book.worksheets:
                found = BooksByName(path)
                found.first.problem("bad-structure", "the workbook has no sheet")
                return [found.first]
            sheet = _sheet(book)
            found = BooksByName(path, sheet=sheet.title)
            kinds: dict[int, list[str]] = {}  # row -> data type of each cell ('f' for a formula)

            def rows() -> Iterator[tuple[int, list[str]]]:
                for n, row in enumerate(sheet_rows(sheet, path=path, what=_WHAT, values_only=False), start=1):
                    kinds[n] = [getattr(cell, "data_type", "n") for cell in row]
                    yield n, [cell_text(getattr(cell, "value", None)) for cell in row]

            numbered = rows()
            for n, header in numbered:
                if any(header):
                    return books_from_rows(found, header, numbered, header_line=n,
                                           formulas=lambda n, _cells: _formulas(kinds.pop(n, [])))
            found.first.problem("bad-structure", "the sheet is empty; its first row must name the columns "
                                "(id, name, ...)", 1)
            return [found.first]
    except InputError as exc:
        found = BooksByName(path)
        found.first.problem("syntax", exc.message + (f" ({exc.hint})" if exc.hint else ""))
        return [found.first]


def _formulas(kinds: Sequence[str]) -> list[int]:
    return [i for i, kind in enumerate(kinds) if kind == "f"]


__all__ = ["SHEET_NAME", "read_xlsx_books"]

"""Reading rating worksheets and quantitative files cell by cell, keeping where each cell was.

Unlike the manifest reader, these tables keep typed cells (numbers stay numbers, dates stay
dates), remember the sheet, row and column of every cell so that every problem can be named
exactly, and never evaluate a formula: an ``.xlsx`` cell holding a formula (or a CSV cell
starting with ``=``) comes back as a :class:`Formula`, which every reader reports as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import InputError
from ..tabular import cell_text, normalize_column, open_workbook, read_csv_rows, sheet_rows, table_format

MAX_PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula (never evaluated)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """A table read from one sheet of an ``.xlsx`` file or from a ``.csv`` file.

    Attributes
    ----------
    path : Path
    sheet : str or None
        The sheet's name (None for CSV).
    columns : list of str
        Normalized column names (lower case, spaces and dashes as ``_``).
    headers : list of str
        The column names as written.
    rows : list of (int, list)
        Spreadsheet row number (the header is row 1 when it is the first row) and cell values:
        str, int, float, datetime, None or :class:`Formula`. Blank rows are left out.
    """

    path: Path
    sheet: str | None
    columns: list[str]
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1

    def where(self, row: int, column: str | None = None) -> str:
        """``"sheet 'ratings', row 5, column 'rating'"`` (no sheet part for CSV)."""
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {self._header_of(column)!r}")
        return ", ".join(parts)

    def _header_of(self, column: str) -> str:
        try:
            return self.headers[self.columns.index(column)]
        except ValueError:
            return column

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Rows as ``(row number, {column: value})``."""
        for n, cells in self.rows:
            yield n, dict(zip(self.columns, cells))


@dataclass
class Problems:
    """Problems found in one file, collected so that all are reported at once."""

    path: Path
    items: list[tuple[int | None, str]] = field(default_factory=list)

    def add(self, message: str, line: int | None = None) -> None:
        """Record one problem (``line``: the row, for sorting and for the error's position)."""
        self.items.append((line, message))

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, what: str, hint: str) -> None:
        """Raise one :class:`InputError` naming every problem, if there are any."""
        if not self.items:
            return
        ordered = sorted(self.items, key=lambda item: (item[0] is None, item[0] or 0))
        messages = [m for _, m in ordered]
        shown = messages[:MAX_PROBLEMS_SHOWN]
        if len(messages) > len(shown):
            shown.append(f"... and {len(messages) - len(shown)} more")
        first_line, first = ordered[0]
        count = f"{len(messages)} bad cell{'s' if len(messages) != 1 else ''} in the {what}; nothing was imported"
        raise InputError(f"{count}. First: {first}", path=self.path, line=None, hint=hint, details=shown)


def _csv_cell(text: str) -> Any:
    text = text.strip()
    if text.startswith("="):
        return Formula(text)
    return text if text else None


def read_table(path: str | Path, *, what: str, sheet: str | Sequence[str] | None = None,
               header_contains: Sequence[str] = ()) -> Table:
    """Read a ``.csv``/``.tsv`` file or one sheet of an ``.xlsx`` file.

    Parameters
    ----------
    path : str or Path
    what : str
        What the table is (``"rating worksheet"``), for messages.
    sheet : str or sequence of str, optional
        The sheet to read (the first of these names that exists); default the first sheet.
    header_contains : sequence of str
        Normalized column names the header row must contain. The first row holding all of them
        is taken as the header (so a title row above the header is allowed); without this the
        first non-blank row is the header.

    Returns
    -------
    Table

    Raises
    ------
    InputError
        Missing or unreadable file, unknown extension, no header row.
    """
    path = Path(path)
    sheet_name: str | None
    if table_format(path, what=what) == "csv":
        numbered = [(n, [_csv_cell(c) for c in row]) for n, row in read_csv_rows(path, what=what)]
        sheet_name = None
    else:
        numbered, sheet_name = _read_xlsx(path, what, sheet)
    numbered = [(n, cells) for n, cells in numbered if any(_filled(c) for c in cells)]
    if not numbered:
        raise InputError(f"the {what} is empty", path=path, hint="its first row must name the columns")
    header_index = 0
    if header_contains:
        wanted = set(header_contains)
        for i, (_, cells) in enumerate(numbered[:50]):
            if wanted <= {normalize_column(c) for c in cells}:
                header_index = i
                break
        else:
            raise InputError(
                f"the {what} has no header row with the columns {', '.join(header_contains)}",
                path=path, hint="keep the worksheet's header row (do not rename its columns)")
    header_row, header_cells = numbered[header_index]
    for c in header_cells:
        if isinstance(c, Formula):
            raise InputError(f"the {what}'s header holds a formula ({c.text})", path=path, line=header_row,
                             hint="type the column names as text")
    headers = [str(c).strip() if c is not None else "" for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    columns = [normalize_column(h) for h in headers]
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise InputError(f"the {what} names the column {name!r} twice", path=path, line=header_row,
                             hint="give every column a distinct name")
        seen.add(name)
    rows: list[tuple[int, list[Any]]] = []
    for n, cells in numbered[header_index + 1:]:
        cells = list(cells)
        if len(cells) < len(columns):
            cells += [None] * (len(columns) - len(cells))
        elif len(cells) > len(columns) and any(_filled(c) for c in cells[len(columns):]):
            where = f"sheet {sheet_name!r}, " if sheet_name else ""
            raise InputError(f"{where}row {n} has cells beyond the {len(columns)} named columns", path=path,
                             line=n, hint="add a column name, or quote cells that contain commas")
        rows.append((n, cells[:len(columns)]))
    return Table(path=path, sheet=sheet_name, columns=columns, headers=headers, rows=rows, header_row=header_row)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_xlsx(path: Path, what: str, sheet: str | Sequence[str] | None) -> tuple[list[tuple[int, list[Any]]], str]:
    with open_workbook(path, what=what) as book:
        names = book.sheetnames
        if sheet is None:
            chosen = names[0]
        else:
            wanted = [sheet] if isinstance(sheet, str) else list(sheet)
            folded = {n.strip().casefold(): n for n in names}
            chosen = next((folded[w.casefold()] for w in wanted if w.casefold() in folded), None)
            if chosen is None:
                if isinstance(sheet, str):
                    raise InputError(f"the {what} has no sheet named {sheet!r}", path=path,
                                     hint="its sheets are: " + ", ".join(names))
                chosen = names[0]
        out: list[tuple[int, list[Any]]] = []
        for row in sheet_rows(book[chosen], path=path, what=what, values_only=False):  # bounded
            cells = []
            number = None
            for cell in row:
                if number is None and getattr(cell, "row", None) is not None:
                    number = cell.row
                cells.append(_xlsx_value(cell))
            if number is not None:
                out.append((number, cells))
        return out, chosen


def _xlsx_value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" or (value is not None and value.__class__.__name__ in
                                                   ("ArrayFormula", "DataTableFormula")):
        text = getattr(value, "text", value)
        return Formula(str(text if str(text).startswith("=") else f"={text}"))
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def as_text(value: Any) -> str:
    """A cell as plain text (dates ISO, whole floats without ``.0``); '' for empty."""
    if isinstance(value, Formula):
        return value.text
    text = cell_text(value)
    if text.startswith("'") and len(text) > 1 and text[1] in "=+-@":
        text = text[1:]  # undo the export's neutralizing quote
    return text



def read_yaml(path: str | Path, what: str, hint: str) -> Any:
    """A small YAML settings file (a link file, a scoring key) parsed safely, or an InputError naming it."""
    import yaml

    path = Path(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InputError(f"cannot read the {what} ({error.__class__.__name__})", path=path, hint=hint) from error


__all__ = ["Table", "Formula", "Problems", "read_table", "read_yaml", "as_text"]

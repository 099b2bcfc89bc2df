"""Codebooks as CSV tables: :func:`to_csv` and :func:`from_csv`.

Columns: ``id, parent, level, name, definition, use_when, not_when, example, keywords,
aliases, refines, codebook, guid, color, codable`` (list fields joined with ``"; "``). Only
``id`` and ``name`` are required on import; unknown columns are reported. ``codable`` is ``no``
for a code that only groups others (a QDA program's category folder, REFI-QDA
``isCodable="false"``) and empty otherwise; on import ``no``/``false``/``0``/``n`` mark such a
code, ``yes``/``true``/``1``/``y`` or an empty cell a codable one, anything else is a problem.
Cells that a spreadsheet would run as a formula (starting with ``= + - @``) are written with a
leading ``'`` (:func:`mio_qual.exports.safe_cell`), and that quote is removed again on import.
Files are written as UTF-8 with a byte-order mark so that Excel shows accents correctly;
on import UTF-8 (with or without the mark) is expected, with a cp1252 fallback for files
saved by older Windows programs, and ``,``, ``;`` or tab delimiters are recognised.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Sequence, Union

from .model import LIST_FIELDS, TEXT_FIELDS, Codebook
from .raw import BooksByName, RawBook, RawCode, read_file_bytes, split_list

COLUMNS: tuple[str, ...] = ("id", "parent", "level", "name", *TEXT_FIELDS, *LIST_FIELDS, "codebook", "guid", "color",
                             "codable")
_REQUIRED = ("id", "name")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAX_BYTES = 50_000_000

Target = Union[str, Path, IO[str], None]


_CODABLE = {"no": False, "false": False, "0": False, "n": False, "yes": True, "true": True, "1": True, "y": True}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

def _rows(cb: Codebook) -> list[list[str]]:
    from ..exports import safe_cell

    rows = []
    for code in cb.codes.values():
        d = code.to_dict()
        row = []
        for col in COLUMNS:
            value = d.get(col)
            if col == "codable":
                value = "" if value else "no"  # only the exception is written
            elif isinstance(value, list):
                value = "; ".join(value)
            row.append(safe_cell("" if value is None else str(value)))
        rows.append(row)
    return rows


def to_csv(cb: Codebook, path: Target = None) -> str | None:
    """Write ``cb`` as a CSV table, one row per code in codebook order.

    Parameters
    ----------
    cb : Codebook
    path : str, Path, text file object or None
        Where to write. A path gets UTF-8 with a byte-order mark; a file object gets the
        text as is; ``None`` returns the text instead.

    Returns
    -------
    str or None
        The CSV text when ``path`` is None.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_rows(cb))
    text = buffer.getvalue()
    if path is None:
        return text
    if hasattr(path, "write"):
        path.write(text)  # type: ignore[union-attr]
        return None
    from ..atomicio import write_text

    write_text(path, text, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
    return None


def _unneutralize(cell: str) -> str:
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell


def read_csv_books(path: str | Path) -> list[RawBook]:
    """Read a codebook CSV into raw books, one per value of the ``codebook`` column.

    Problems (unknown columns, missing required columns, undecodable text) are recorded on
    the books, never raised. Lines are the file lines where each row starts.
    """
    path = Path(path)
    found = BooksByName(path)
    first = found.first
    data = read_file_bytes(path, first, _MAX_BYTES)
    if data is None:
        return [first]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control is not None:  # no codebook text has them; exports to Word and XML would fail on them
        first.problem("encoding", f"the file holds a control character ({control.group()!r}); is it a codebook "
                      "table saved as CSV (UTF-8)?", text.count("\n", 0, control.start()) + 1)
        return [first]
    header_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(header_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        first.problem("bad-structure", "the file is empty; the first row must name the columns (id, name, ...)", 1)
        return [first]
    except csv.Error as exc:
        first.problem("syntax", f"CSV error: {exc}", 1)
        return [first]

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                first.problem("syntax", f"CSV error: {exc}", start)
                return
            line, start = start, reader.line_num + 1
            yield line, row

    return books_from_rows(found, header, rows())


def books_from_rows(found: BooksByName, header: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]], *,
                    header_line: int = 1,
                    formulas: Callable[[int, Sequence[str]], list[int]] | None = None) -> list[RawBook]:
    """The raw books of a codebook table, from its header and its rows (a CSV file or a sheet).

    Parameters
    ----------
    found : BooksByName
        Where the books go; problems are recorded on its first book (file, line or row).
    header : sequence of str
        The first row (column names, any case).
    header_line : int
        Its line or row number.
    rows : iterable of (int, sequence of str)
        Each later row with its line (CSV) or row number (sheet).
    formulas : callable, optional
        Given a row's number and cells, the indexes of its cells that are formulas (a sheet
        knows; default: cells starting with ``=``, as a CSV file can only show them).
    """
    first = found.first
    columns = [str(h).strip().casefold() for h in header]
    for col in columns:
        if col and col not in COLUMNS:
            first.problem("unknown-field", f"unknown column {col!r}; known columns: {', '.join(COLUMNS)}",
                          header_line)
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        first.problem("bad-structure", f"missing column(s) {', '.join(missing)}", header_line)
        return [first]
    for line, row in rows:
        if not any(str(cell).strip() for cell in row):
            continue
        row = [str(cell) for cell in row]
        values = {
            col: _unneutralize(cell.strip()) for col, cell in zip(columns, row) if col in COLUMNS and col != "codebook"
        }
        formula_at = [i for i in (formulas(line, row) if formulas is not None
                                  else (i for i, cell in enumerate(row) if cell.strip().startswith("=")))
                      if i < len(columns)]
        if formula_at:
            i = formula_at[0]
            first.problem("bad-value", f"column {columns[i]!r} holds a formula ({row[i].strip()[:40]!r}); "
                          "formulas are never evaluated: type the text itself", line)
            continue
        name_cell = row[columns.index("codebook")].strip() if "codebook" in columns and columns.index("codebook") < len(row) else ""
        raw = RawCode(line=line)
        for col, value in values.items():
            if not value:
                continue
            if col == "codable":
                flag = _CODABLE.get(value.casefold())
                if flag is None:
                    first.problem("bad-value", f"column 'codable' holds {value[:20]!r}; write no for a code that "
                                  "only groups others (it takes no codings), yes or nothing for any other", line)
                    continue
                raw.values[col] = flag
                raw.lines[col] = line
                continue
            raw.values[col] = split_list(value) if col in LIST_FIELDS else value
            raw.lines[col] = line
        found.book(name_cell).codes.append(raw)
    return found.books()


def from_csv(path: str | Path) -> Codebook:
    """Read a codebook CSV (as written by :func:`to_csv`, or made by hand) and check it.

    Raises
    ------
    mio_qual.errors.InputError
        Listing every problem with its line, if the table is not a valid codebook.
    """
    from .loader import load_codebooks

    return load_codebooks([Path(path)])

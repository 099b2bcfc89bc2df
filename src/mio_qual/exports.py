"""Writing files that people open in Excel, LibreOffice or Word, safely: cells, names, locales, existing files."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from .errors import InputError

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralize a cell that a spreadsheet program would run as a formula.

    Text starting with ``= + - @`` (or a tab or carriage return) is prefixed with a single
    quote, the convention OWASP recommends against CSV injection. Numbers are left alone, so
    ``-2`` stays a number, but the text ``"-2"`` is also left alone when it parses as a number.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        The value, or the text with a leading ``'`` where it could be read as a formula.

    Examples
    --------
    >>> safe_cell("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> safe_cell("-1"), safe_cell(-1), safe_cell("plain")
    ('-1', -1, 'plain')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell (and column name) passed through :func:`safe_cell`."""
    out = frame.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for column in out.columns:
        # pandas >= 3 gives text columns the "str" dtype rather than object
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(safe_cell)
    return out


_NEEDS_QUOTES = re.compile(r'[,;\t"\r\n]')
#: What splits a field in some locale (or reader) but is no reason for the csv module to quote it (and NUL,
#: which the csv reader refuses).
_ONLY_SOME_LOCALES_SPLIT = re.compile("[;\t\r\x00]")


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text safe in every delimiter locale: neutralized, and quoted where any locale would split.

    Cells go through :func:`safe_frame` (formula-like text gets a leading ``'``). A CSV file
    opened by a spreadsheet program set to a semicolon locale (much of Europe) or read as
    tab-separated is split on ``;`` or tab, not on ``,``: a memo such as
    ``see notes;=cmd|' /C calc'!A0`` written unquoted becomes two cells there, the second a
    live formula. So every field holding ``,``, ``;``, a tab, a quote or a line break is
    quoted (RFC 4180 quoting, which all three locales honour). Values are formatted as
    pandas formats them (``DataFrame.to_csv``); only the quoting differs.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    str
        The header and rows, ``\n`` line ends, no index.

    Examples
    --------
    >>> import pandas as pd
    >>> print(csv_text(pd.DataFrame({"memo": ["see notes;=cmd|' /C calc'!A0;", "=1+1", "plain"], "n": [1, 2, 3]})), end="")
    memo,n
    "see notes;=cmd|' /C calc'!A0;",1
    '=1+1,2
    plain,3
    """
    formatted = safe_frame(frame).to_csv(index=False, lineterminator="\n")
    if len(frame.columns) and _ONLY_SOME_LOCALES_SPLIT.search(formatted) is None:
        # pandas' csv writer (minimal quoting) quoted every field holding a comma, a quote or a line
        # break: with no semicolon, tab or carriage return anywhere, re-quoting would change nothing
        return formatted
    return _requoted(formatted)


def _requoted(formatted: str) -> str:
    """CSV text written by pandas, each field quoted where any locale would split it (:data:`_NEEDS_QUOTES`)."""
    import csv
    import io

    out = []
    for row in csv.reader(io.StringIO(formatted, newline="")):
        if row == [""]:  # one empty cell: quoted, or the row would read as a blank line
            out.append('""')
            continue
        out.append(",".join('"' + field.replace('"', '""') + '"' if _NEEDS_QUOTES.search(field) else field
                            for field in row))
    return "\n".join(out) + "\n" if out else ""


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as UTF-8 CSV through :func:`csv_text` (neutralized, quoted for every locale); return the path."""
    from .atomicio import write_text

    return write_text(path, csv_text(frame), encoding="utf-8", newline="")


def refuse_overwrite(paths: Iterable[str | Path], *, force: bool = False) -> None:
    """Refuse to write over files that exist, unless ``force``: a coder's filled work may be in them.

    Called before anything is written (or any change is made to the store), so a refused
    command leaves everything as it was. Files a user fills in and brings back (Word files to
    code, reconciliation sheets, rating worksheets) are checked this way.

    Parameters
    ----------
    paths : iterable of path
        Every file the command would write.
    force : bool
        Replace them (``--force``).

    Raises
    ------
    InputError
        Naming the first existing file and how many there are.
    """
    existing = [Path(p) for p in paths if Path(p).exists()]
    if existing and not force:
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise InputError(f"the output exists already{more}; it may hold a coder's filled work, so nothing was written",
                         path=existing[0], hint="pass --force to replace it, or choose another --out folder")


@contextmanager
def removed_on_failure(paths: Iterable[str | Path]) -> Iterator[None]:
    """If the block fails, remove those of ``paths`` it created (files there before are left).

    Files written through :mod:`mio_qual.atomicio` in the block land together when it ends
    (:func:`mio_qual.atomicio.batch`), or none does. Put it outside the store's transaction
    (``with removed_on_failure(paths), store.transaction():``) so that the files land after
    the commit: a command failing while it writes its files (a full disk, a folder it cannot
    write) leaves neither files nor store changes behind.
    """
    from .atomicio import batch

    paths = [Path(p) for p in paths]
    before = {p for p in paths if p.exists()}
    try:
        with batch():
            yield
    except BaseException:
        for path in paths:
            if path not in before:
                try:
                    path.unlink()
                except OSError:
                    pass
        raise


_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def safe_filename(name: str, default: str = "file") -> str:
    """A file name made from ``name`` (a transcript id, a coder) that cannot leave its folder.

    Every run of characters other than letters, digits, ``_``, ``.`` and ``-`` becomes ``_``
    (so no ``/``, ``\\`` or ``:``), leading dots are dropped (no ``..``, no hidden file),
    and the result is at most 120 characters.

    Examples
    --------
    >>> safe_filename("../../etc/passwd"), safe_filename("INT01"), safe_filename("..")
    ('etc_passwd', 'INT01', 'file')
    """
    cleaned = _UNSAFE_NAME.sub("_", name.strip()).lstrip("._")[:120]
    return cleaned or default


def path_inside(folder: str | Path, name: str, suffix: str = "") -> Path:
    """``folder / (safe_filename(name) + suffix)``, checked to lie inside ``folder``.

    Raises
    ------
    ValueError
        Never for a name made safe here; kept as a guard should the rule above change.
    """
    folder = Path(folder)
    path = folder / (safe_filename(name) + suffix)
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"{path} is not inside {folder}")
    return path

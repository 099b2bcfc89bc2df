"""Reading the Aim 2 logs (activity list, completion dates, strategies, adaptations,
facilitation contacts) from CSV or XLSX, checking every cell against a column specification.

Every log is a table with a header row. :func:`read_log` reads one, checks each cell (required,
type, allowed values, the project's clinics and agencies), collects every problem with its
sheet, row and column, and raises one :class:`~mio_qual.errors.InputError` listing them all, so
a bad file is corrected in one pass and nothing is stored from it.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..errors import InputError
from ..mixed.quant import parse_date
from ..mixed.tables import Formula, Problems, as_text, read_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


@dataclass(frozen=True)
class Column:
    """One column of a log.

    Attributes
    ----------
    name : str
        The normalized column name (lower case, underscores).
    kind : {"text", "date", "int", "number", "choice", "yesno"}
    required : bool
        A value must be given in every row.
    choices : tuple of str
        For ``choice``: the allowed values (matched case-insensitively, stored as written here).
    low : float, optional
        Smallest allowed value for ``int`` and ``number``.
    aliases : mapping
        Other spellings of a choice (``{"pre": "pre-implementation"}``).
    """

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Log:
    """A log read and checked: one dict per row, with the row number under ``"row"``."""

    name: str
    path: Path
    records: list[dict[str, Any]]


def _number(value: Any, integer: bool) -> float | int | str | None:
    if isinstance(value, bool):
        return f"{value!r} is not a number"
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = as_text(value).strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return f"{text!r} is not a number"
    if math.isnan(number) or math.isinf(number):
        return f"{number!r} is not a finite number"
    if integer:
        if not number.is_integer():
            return f"{number:g} is not a whole number"
        return int(number)
    return number


def _folded(column: Column) -> dict[str, str]:
    """A choice column's accepted spellings (case-folded) -> the value stored."""
    folded = {c.casefold(): c for c in column.choices}
    folded.update({k.casefold(): v for k, v in column.aliases.items()})
    return folded


def _cell(column: Column, value: Any, folded: Mapping[str, str] | None = None) -> tuple[Any, str | None]:
    """A cell's value (None when empty) and an error message (None when good); ``folded`` is
    :func:`_folded` of a choice column, computed once per column by the caller."""
    if isinstance(value, Formula):
        return None, f"holds a formula ({value.text}); formulas are never evaluated on import"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "is empty" if column.required else None
    if column.kind == "date":
        parsed = parse_date(value)
        return (None, parsed) if isinstance(parsed, str) else (parsed, None)
    if column.kind in ("int", "number"):
        parsed_number = _number(value, column.kind == "int")
        if isinstance(parsed_number, str):
            return None, parsed_number
        if column.low is not None and parsed_number is not None and parsed_number < column.low:
            return None, f"{parsed_number:g} is below {column.low:g}"
        return parsed_number, None
    text = value.strip() if isinstance(value, str) and not value.startswith("'") else as_text(value).strip()
    if column.kind == "yesno":
        if text.lower() in _TRUE:
            return True, None
        if text.lower() in _FALSE:
            return False, None
        return None, f"{text!r} is not yes or no"
    if column.kind == "choice":
        folded = folded if folded is not None else _folded(column)
        key = text.casefold()
        if key in folded:
            return folded[key], None
        close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)
        hint = f" (did you mean {folded[close[0]]!r}?)" if close else ""
        if len(column.choices) <= 12:
            hint = hint or f" (use one of: {', '.join(column.choices)})"
        hint = hint or f" (not one of the {len(column.choices)} allowed values)"
        return None, f"{text!r} is not an allowed value{hint}"
    return text, None


def read_log(path: str | Path, name: str, columns: Sequence[Column], *, sheet: str | None = None,
             clinics: Sequence[str] = (), agencies: Sequence[str] = (),
             agency_of: Mapping[str, str] | None = None,
             check: Callable[[dict[str, Any], Callable[[str, str], None]], None] | None = None,
             require_site: bool = True, unique: str | None = None) -> Log:
    """Read one log and check every cell.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.xlsx``.
    name : str
        What the log is (``"strategy log"``), for messages.
    columns : sequence of Column
        The columns the log may have; required ones must exist. Unknown columns are kept as text.
    sheet : str, optional
        The sheet of an ``.xlsx`` file (default the first).
    clinics, agencies : sequence of str
        The project's clinics and agencies (none: not checked).
    agency_of : mapping, optional
        Each clinic's agency: a missing agency is filled from it, a contradicting one is an error.
    check : callable, optional
        ``check(record, problem)`` for checks across a row's cells; ``problem(column, message)``
        records one problem.
    require_site : bool
        Every row must name a clinic or an agency (when the log has those columns).
    unique : str, optional
        A column whose values identify a row: a value used twice is a problem.

    Returns
    -------
    Log

    Raises
    ------
    InputError
        A missing required column, or every bad cell with its sheet, row and column.
    """
    path = Path(path)
    table = read_table(path, what=name, sheet=sheet)
    specs = {c.name: c for c in columns}
    missing = [c.name for c in columns if c.required and c.name not in table.columns]
    if missing:
        raise InputError(f"the {name} has no column {', '.join(missing)}", path=path, line=table.header_row,
                         hint="its columns are: " + ", ".join(table.headers))
    cells = [(column, specs.get(column, Column(column))) for column in table.columns if column]
    cells = [(column, spec, _folded(spec) if spec.kind == "choice" else None) for column, spec in cells]
    problems = Problems(path)
    seen: dict[Any, int] = {}
    known_clinics, known_agencies, owners = set(clinics), set(agencies), dict(agency_of or {})
    records: list[dict[str, Any]] = []
    for n, raw in table.records():
        record: dict[str, Any] = {"row": n}
        bad = False

        def problem(column: str, message: str, n: int = n) -> None:
            nonlocal bad
            problems.add(f"{table.where(n, column)}: {message}", n)
            bad = True

        for column, spec, folded in cells:
            value, message = _cell(spec, raw.get(column), folded)
            if message:
                problem(column, message if not message.startswith("is ") else f"the {column} {message}")
            record[column] = value
        for column in columns:
            if column.required and column.name not in record:
                record[column.name] = None
        clinic, agency = record.get("clinic"), record.get("agency")
        if clinic and known_clinics and clinic not in known_clinics:
            close = difflib.get_close_matches(clinic, sorted(known_clinics), n=1)
            problem("clinic", f"{clinic!r} is not a clinic of this project"
                    + (f" (did you mean {close[0]!r}?)" if close else f" (its clinics: {', '.join(sorted(known_clinics))})"))
        if agency and known_agencies and agency not in known_agencies:
            problem("agency", f"{agency!r} is not an agency of this project (its agencies: {', '.join(sorted(known_agencies))})")
        if clinic and agency and owners.get(clinic) and owners[clinic] != agency:
            problem("agency", f"clinic {clinic!r} belongs to {owners[clinic]!r}, not {agency!r}")
        if clinic and not agency and owners.get(clinic):
            record["agency"] = owners[clinic]
        if require_site and ("clinic" in specs or "agency" in specs) and not clinic and not agency:
            problem("clinic" if "clinic" in table.columns else "agency", "give the clinic or the agency")
        if check is not None and not bad:
            check(record, problem)
        if unique is not None and record.get(unique) is not None:
            key = record[unique]
            if key in seen:
                problem(unique, f"{key!r} is used twice (rows {seen[key]} and {n})")
            seen.setdefault(key, n)
        if not bad:
            records.append(record)
    problems.raise_if_any(name, "correct the cells listed (every problem is shown) and import the file again")
    if not records:
        raise InputError(f"the {name} has no data rows", path=path, hint="add rows below the header")
    return Log(name=name, path=path, records=records)


def log_table(log: "pd.DataFrame", columns: Sequence[str], sort: Sequence[str]) -> "pd.DataFrame":
    """A stored log with ``columns`` in order (missing ones empty, empty cells None), sorted by ``sort``."""
    import pandas as pd

    frame = log.reindex(columns=list(columns)) if len(log) else pd.DataFrame(columns=list(columns))
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.sort_values(list(sort), kind="stable").reset_index(drop=True)


__all__ = ["Column", "Log", "read_log", "log_table"]

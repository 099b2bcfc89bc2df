"""Quantitative outcomes: reading, checking and scoring files at mother, counselor, session, clinic level.

One table, :data:`MEASURES`, says what every known measure is: its level, its valid range,
whether it must be a whole number, and for scored measures the items it is scored from. The
readers recognise five kinds of file from their columns (:data:`KINDS`):

* ``fidelity``: one row per MIO session, adherence and competence ratings (1-5); scored
  ``fidelity`` is the session's mean of the two;
* ``fim_aim_iam``: one row per counselor (and ``wave``, when the file has that column: a file
  whose wave cell is blank in some rows and filled in others is refused, naming the rows), the 12
  items of the Feasibility of Intervention Measure, Acceptability of Intervention Measure and
  Intervention Appropriateness Measure (``fim_1`` ... ``iam_4``, 1-5); each scale is scored as the mean of its four items, and only
  when all four are present (Weiner et al. 2017);
* ``reach_adoption``: one row per clinic with eligible, enrolled, trained and delivering
  counts, and eligible_counselors (counselors who could deliver MIO, trained or not); reach =
  enrolled / eligible (RE-AIM; Glasgow, Vogt & Boles 1999) and adoption = delivering /
  eligible_counselors (Proctor et al. 2011), or delivering / trained in a file without
  eligible_counselors (then counselors never trained are outside the denominator);
* ``activities``: the Aim 2 implementation activity log (activity, agency or clinic, phase,
  date planned, date completed, tailored); each activity is scored completed (0/1), tailored
  (0/1) and delay in days, and :func:`mio_qual.mixed.aggregate.phase_summary` gives completion
  proportion and duration per phase;
* ``generic``: anything else, at a level the user names; every numeric column is a measure.

Every cell is checked (type, range, whole number, date), every problem is reported at once
with its sheet, row and column, and nothing is stored unless the whole file is good.

References
----------
Weiner, B. J., Lewis, C. C., Stanick, C., et al. (2017). Psychometric assessment of three
newly developed implementation outcome measures. *Implementation Science*, 12, 108.

Proctor, E., Silmere, H., Raghavan, R., et al. (2011). Outcomes for implementation research.
*Administration and Policy in Mental Health*, 38(2), 65-76.

Glasgow, R. E., Vogt, T. M., & Boles, S. M. (1999). Evaluating the public health impact of
health promotion interventions: the RE-AIM framework. *American Journal of Public Health*,
89(9), 1322-1327.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..errors import InputError
from .tables import Formula, Problems, Table, as_text, read_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LEVELS: tuple[str, ...] = ("mother", "session", "counselor", "activity", "clinic", "agency")


@dataclass(frozen=True)
class Measure:
    """One quantitative measure.

    Attributes
    ----------
    name : str
    level : str
        The unit one value describes (session, counselor, clinic ...).
    low, high : float or None
        Valid range (inclusive); None for no bound.
    integer : bool
        Values must be whole numbers (counts, Likert items).
    items : tuple of str
        For a scored measure, the columns it is scored from.
    description : str
    """

    name: str
    level: str
    low: float | None = None
    high: float | None = None
    integer: bool = False
    items: tuple[str, ...] = ()
    description: str = ""

    @property
    def scored(self) -> bool:
        """True for measures computed from items rather than read from a column."""
        return bool(self.items)

    def range_text(self) -> str:
        """``'1-5'``, ``'>= 0'`` or ``'any number'``."""
        fmt = lambda v: f"{v:g}"  # noqa: E731
        if self.low is not None and self.high is not None:
            return f"{fmt(self.low)}-{fmt(self.high)}"
        if self.low is not None:
            return f">= {fmt(self.low)}"
        if self.high is not None:
            return f"<= {fmt(self.high)}"
        return "any number"


def _items(scale: str) -> tuple[str, ...]:
    return tuple(f"{scale}_{i}" for i in range(1, 5))


_SCALE_NAMES = {"fim": "Feasibility of Intervention Measure", "aim": "Acceptability of Intervention Measure",
                "iam": "Intervention Appropriateness Measure"}

MEASURES: dict[str, Measure] = {m.name: m for m in [
    Measure("adherence", "session", 1, 5, description="MIO adherence rating of the session (1-5)"),
    Measure("competence", "session", 1, 5, description="MIO competence rating of the session (1-5)"),
    Measure("fidelity", "session", 1, 5, items=("adherence", "competence"),
            description="session fidelity: mean of adherence and competence"),
    *[Measure(item, "counselor", 1, 5, integer=True, description=f"{_SCALE_NAMES[s]} item {item[-1]} (1-5)")
      for s in ("fim", "aim", "iam") for item in _items(s)],
    *[Measure(s, "counselor", 1, 5, items=_items(s), description=f"{_SCALE_NAMES[s]}: mean of four items")
      for s in ("fim", "aim", "iam")],
    Measure("eligible", "clinic", 0, None, integer=True, description="mothers eligible for MIO"),
    Measure("enrolled", "clinic", 0, None, integer=True, description="mothers enrolled in MIO"),
    Measure("trained", "clinic", 0, None, integer=True, description="counselors trained in MIO"),
    Measure("delivering", "clinic", 0, None, integer=True, description="trained counselors delivering MIO"),
    Measure("eligible_counselors", "clinic", 0, None, integer=True,
            description="counselors eligible to deliver MIO, trained or not (adoption's denominator)"),
    Measure("reach", "clinic", 0, 1, items=("enrolled", "eligible"), description="enrolled / eligible (RE-AIM reach)"),
    Measure("adoption", "clinic", 0, 1, items=("delivering", "eligible_counselors"),
            description="delivering / eligible counselors (adoption); delivering / trained when the file does "
                        "not count eligible counselors"),
    Measure("completed", "activity", 0, 1, integer=True, items=("date_completed",),
            description="activity completed (1) or not (0); its clinic mean is the completion proportion"),
    Measure("tailored", "activity", 0, 1, integer=True, description="activity tailored to the site (1) or not (0)"),
    Measure("delay_days", "activity", None, None, items=("date_planned", "date_completed"),
            description="days from planned to completed date (negative: early)"),
]}

#: Outcome names people use for the stored measures (Proctor et al. 2011 outcome names).
ALIASES: dict[str, str] = {"feasibility": "fim", "acceptability": "aim", "appropriateness": "iam",
                           "completion": "completed", "penetration": "reach"}

#: Columns that identify or describe a row rather than measure something.
ID_COLUMNS = ("agency", "clinic", "counselor_id", "session_id", "mother_id", "unit_id", "activity_id", "id",
              "date", "session_date", "session_number", "phase", "activity", "date_planned", "date_completed",
              "notes", "note", "comment", "comments", "rater", "role", "wave")


@dataclass(frozen=True)
class Kind:
    """A kind of quantitative file: its level, id column and required columns."""

    name: str
    level: str
    id_column: str
    required: tuple[str, ...]
    signature: tuple[str, ...]
    description: str


KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("fidelity", "session", "session_id", ("session_id", "clinic", "adherence", "competence"),
         ("adherence", "competence"), "session-level MIO fidelity ratings"),
    Kind("fim_aim_iam", "counselor", "counselor_id", ("counselor_id", "clinic"), ("fim_1", "aim_1", "iam_1"),
         "counselor-level FIM/AIM/IAM item responses"),
    Kind("reach_adoption", "clinic", "clinic", ("clinic",), ("eligible", "enrolled", "trained", "delivering"),
         "clinic-level reach and adoption counts"),
    Kind("activities", "activity", "activity_id", ("activity", "phase", "date_planned", "date_completed", "tailored"),
         ("activity", "phase", "date_planned"), "implementation activity log (Aim 2)"),
    Kind("generic", "", "unit_id", (), (), "any table of numeric measures"),
]}

_ITEM = re.compile(r"^(fim|aim|iam)_?(?:q|item)?_?(\d+)$")
_TRUE = {"yes", "y", "true", "t", "1", "tailored"}
_FALSE = {"no", "n", "false", "f", "0", "not tailored", "standard"}


def measure(name: str) -> Measure | None:
    """The :class:`Measure` called ``name`` (or by an alias such as ``feasibility``), if known."""
    from ..validation import measure_name

    return MEASURES.get(measure_name(name))


def measure_table() -> "pd.DataFrame":
    """:data:`MEASURES` as a DataFrame: name, level, range, integer, items, description."""
    import pandas as pd

    return pd.DataFrame([(m.name, m.level, m.range_text(), m.integer, ", ".join(m.items), m.description)
                         for m in MEASURES.values()],
                        columns=["measure", "level", "range", "integer", "scored_from", "description"])


def _canonical_column(column: str) -> str:
    match = _ITEM.match(column)
    return f"{match.group(1)}_{int(match.group(2))}" if match else column


def detect_kind(columns: Sequence[str]) -> str:
    """The kind of a quantitative file from its (normalized) columns; ``generic`` if none fits."""
    present = {_canonical_column(c) for c in columns}
    if {"adherence", "competence"} & present and "session_id" in present:
        return "fidelity"
    if any(_ITEM.match(c) for c in columns):
        return "fim_aim_iam"
    if {"eligible", "enrolled", "trained", "delivering"} & present and "clinic" in present:
        return "reach_adoption"
    if {"activity", "phase"} <= present and ({"date_planned", "date_completed"} & present):
        return "activities"
    return "generic"


@dataclass
class QuantImport:
    """What :func:`import_quant` did."""

    dataset: str
    kind: str
    level: str
    path: Path
    rows: int = 0
    values: int = 0
    measures: list[str] = field(default_factory=list)
    replaced: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Row:
    row: int
    unit_id: str | None
    agency: str | None
    clinic: str | None
    values: dict[str, float | None]
    attributes: dict[str, Any]


def _number(value: Any) -> float | None | str:
    """A cell as a float, None for empty, or an error message."""
    if value is None:
        return None
    if isinstance(value, Formula):
        return f"holds a formula ({value.text}); formulas are never evaluated on import"
    if isinstance(value, bool):
        return f"{value!r} is not a number"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None if math.isnan(value) else f"{value!r} is not a finite number"
        return float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return f"{as_text(value)!r} is a date, not a number"
    text = str(value).strip().replace("\u2212", "-")
    if text.lower() in ("", "na", "n/a", "."):
        return None
    try:
        number = float(text.replace(",", "")) if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text) else float(text)
    except ValueError:
        return f"{text!r} is not a number"
    if math.isnan(number) or math.isinf(number):
        return f"{text!r} is not a finite number"
    return number


def parse_date(value: Any) -> _dt.date | None | str:
    """A cell as a date (YYYY-MM-DD text, or a spreadsheet date), None when empty, or an error message."""
    if value is None:
        return None
    if isinstance(value, Formula):
        return f"holds a formula ({value.text}); formulas are never evaluated on import"
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return _dt.date.fromisoformat(text[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", text) else \
            _dt.date.fromisoformat(text)
    except ValueError:
        return f"{text!r} is not a date (use YYYY-MM-DD)"


def _flag(value: Any) -> float | None | str:
    if value is None:
        return None
    if isinstance(value, Formula):
        return f"holds a formula ({value.text}); formulas are never evaluated on import"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        return float(value)
    if isinstance(value, bool):
        return float(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1.0
    if text in _FALSE:
        return 0.0
    if not text:
        return None
    return f"{str(value).strip()!r} is not yes or no"


def _check_value(m: Measure | None, number: float, ranges: Mapping[str, tuple[float | None, float | None]],
                 name: str) -> str | None:
    low, high = ranges.get(name, (m.low, m.high) if m else (None, None))
    integer = bool(m and m.integer)
    if integer and not float(number).is_integer():
        return f"{number:g} is not a whole number"
    if low is not None and number < low or high is not None and number > high:
        what = Measure(name, "", low, high).range_text()
        return f"{number:g} is outside {what}"
    return None


def read_quant(path: str | Path, *, kind: str | None = None, level: str | None = None,
               clinics: Sequence[str] = (), agencies: Sequence[str] = (),
               agency_of: Mapping[str, str] | None = None, sheet: str | None = None,
               measures: Sequence[str] | None = None,
               ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
               min_items: int = 4) -> tuple[list[_Row], Table, Kind, list[str], list[str]]:
    """Read and check a quantitative file (see the module docstring for the kinds).

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.xlsx``.
    kind : str, optional
        One of :data:`KINDS` (default: detected from the columns).
    level : str, optional
        For generic files: mother, session, counselor, clinic or agency.
    clinics, agencies : sequence of str
        The project's clinics and agencies, to check the file's against (none: not checked).
    agency_of : mapping, optional
        Each clinic's agency, to check the file's pairs and fill a missing agency.
    sheet : str, optional
        The sheet of an ``.xlsx`` file (default the first).
    measures : sequence of str, optional
        For generic files: the columns to read as measures (default: the mostly numeric ones).
    ranges : mapping, optional
        ``{column: (low, high)}`` valid ranges for columns the measure table does not know.
    min_items : int
        Items a FIM/AIM/IAM scale needs to be scored (default all four).

    Returns
    -------
    rows : list
        Validated rows with their scored values.
    table : Table
    kind : Kind
    measure_names : list of str
        The measures the rows carry, read and scored.
    warnings : list of str
        Rows whose scale could not be scored (too few items), and similar.

    Raises
    ------
    InputError
        Listing every bad cell with sheet, row and column; or a structural problem (a missing
        required column, an incomplete item set).
    """
    path = Path(path)
    table = read_table(path, what="quantitative file", sheet=sheet)
    table.columns = [_canonical_column(c) for c in table.columns]
    if len(set(table.columns)) != len(table.columns):
        raise InputError("two columns name the same item or measure", path=path, line=table.header_row,
                         hint="columns: " + ", ".join(table.headers))
    kind_name = kind or detect_kind(table.columns)
    if kind_name not in KINDS:
        raise InputError(f"unknown kind of quantitative file {kind_name!r}", path=path,
                         hint="use " + ", ".join(KINDS))
    spec = KINDS[kind_name]
    unit_level = spec.level or (level or "")
    if kind_name == "generic":
        if not unit_level:
            raise InputError("which level does each row describe?", path=path,
                             hint="pass --level mother, session, counselor, clinic or agency")
    if unit_level not in LEVELS:
        raise InputError(f"unknown level {unit_level!r}", path=path, hint="use " + ", ".join(LEVELS))
    ranges = dict(ranges or {})
    columns = set(table.columns)
    missing = [c for c in spec.required if c not in columns]
    if kind_name == "activities" and not ({"clinic", "agency"} & columns):
        missing.append("clinic or agency")
    if unit_level in ("mother", "session", "counselor", "clinic") and "clinic" not in columns:
        missing.append("clinic")
    if unit_level == "agency" and "agency" not in columns:
        missing.append("agency")
    if missing:
        raise InputError(f"the {spec.name} file has no column {', '.join(dict.fromkeys(missing))}", path=path,
                         line=table.header_row, hint="its columns are: " + ", ".join(table.headers))
    # item sets must be complete, and no scale has more than four items
    for scale in ("fim", "aim", "iam"):
        have = sorted(c for c in table.columns if c.startswith(scale + "_") and _ITEM.match(c))
        if have and set(have) != set(_items(scale)):
            extra = [c for c in have if c not in _items(scale)]
            lacking = [c for c in _items(scale) if c not in have]
            raise InputError(
                f"{scale.upper()} has 4 items (Weiner et al. 2017); the file has {', '.join(have)}"
                + (f", missing {', '.join(lacking)}" if lacking else "") + (f", extra {', '.join(extra)}" if extra else ""),
                path=path, line=table.header_row, hint=f"name the item columns {', '.join(_items(scale))}")
    id_column = spec.id_column if kind_name != "generic" else _generic_id(table.columns, unit_level)
    read_columns, attribute_columns = _split_columns(table, kind_name, measures)
    problems = Problems(path)
    warnings: list[str] = []
    known_clinics, known_agencies, agency_of = set(clinics), set(agencies), dict(agency_of or {})
    rows: list[_Row] = []
    seen_ids: dict[str, int] = {}
    waves: dict[bool, list[int]] = {True: [], False: []}  # rows with a wave, rows with the wave cell blank
    for n, record in table.records():
        values: dict[str, float | None] = {}
        attributes: dict[str, Any] = {}
        bad = False
        if "wave" in columns:
            waves[bool(as_text(record.get("wave")))].append(n)
        for column in attribute_columns:
            value = record.get(column)
            if isinstance(value, Formula):
                problems.add(f"{table.where(n, column)}: holds a formula ({value.text}); formulas are never "
                             "evaluated on import", n)
                bad = True
            elif value is not None and column not in ("clinic", "agency"):
                attributes[column] = as_text(value)
        clinic = as_text(record.get("clinic")) or None if "clinic" in columns else None
        agency = as_text(record.get("agency")) or None if "agency" in columns else None
        if clinic and known_clinics and clinic not in known_clinics:
            import difflib

            folded = {c.casefold(): c for c in sorted(known_clinics)}  # 'LAKESIDE' is close to 'Lakeside'
            close = [folded[c] for c in difflib.get_close_matches(clinic.casefold(), list(folded), n=1)]
            problems.add(f"{table.where(n, 'clinic')}: {clinic!r} is not a clinic of this project"
                         + (f" (did you mean {close[0]!r}?)" if close else f" (its clinics: {', '.join(sorted(known_clinics))})"), n)
            bad = True
        if agency and known_agencies and agency not in known_agencies:
            problems.add(f"{table.where(n, 'agency')}: {agency!r} is not an agency of this project "
                         f"(its agencies: {', '.join(sorted(known_agencies))})", n)
            bad = True
        if clinic and agency and agency_of.get(clinic) and agency_of[clinic] != agency:
            problems.add(f"{table.where(n, 'agency')}: clinic {clinic!r} belongs to {agency_of[clinic]!r}, not {agency!r}", n)
            bad = True
        if clinic and not agency:
            agency = agency_of.get(clinic)
        if unit_level in ("mother", "session", "counselor", "clinic") and not clinic:
            problems.add(f"{table.where(n, 'clinic')}: the clinic is empty", n)
            bad = True
        if kind_name == "activities" and not clinic and not agency:
            problems.add(f"{table.where(n, 'clinic')}: give the clinic or the agency the activity belongs to", n)
            bad = True
        unit = as_text(record.get(id_column)) if id_column in columns else ""
        if id_column in columns and not unit and unit_level not in ("clinic", "agency", "activity"):
            problems.add(f"{table.where(n, id_column)}: the id is empty", n)
            bad = True
        if unit_level == "clinic":
            unit = clinic or ""
        elif unit_level == "agency":
            unit = agency or ""
        elif kind_name == "activities" and not unit:
            unit = f"row{n}"
        if unit:
            key = f"{clinic or agency or ''}/{unit}" if unit_level not in ("clinic", "agency") else unit
            if "wave" in columns:  # one row per unit and wave
                key += f"/wave {as_text(record.get('wave'))}"
            if key in seen_ids and kind_name != "activities":
                problems.add(f"{table.where(n, id_column if id_column in columns else 'clinic')}: {unit!r} appears "
                             f"twice (rows {seen_ids[key]} and {n})", n)
                bad = True
            seen_ids.setdefault(key, n)
        for column in read_columns:
            number = _number(record.get(column))
            if isinstance(number, str):
                problems.add(f"{table.where(n, column)}: {number}", n)
                bad = True
                continue
            if number is not None:
                message = _check_value(MEASURES.get(column), number, ranges, column)
                if message:
                    problems.add(f"{table.where(n, column)}: {message}", n)
                    bad = True
                    continue
            values[column] = number
        if kind_name == "activities":
            bad |= _score_activity(table, n, record, values, attributes, problems)
        if bad:
            continue
        _score(kind_name, values, warnings, table, n, min_items, problems, unit)
        rows.append(_Row(n, unit or None, agency, clinic, values, attributes))
    problems.raise_if_any("quantitative file", "correct the cells listed (every problem is shown) and import the file again")
    if waves[True] and waves[False]:  # counting the blank ones as any wave would merge two waves silently
        blank = waves[False]
        named = [str(n) for n in blank[:10]] + ([f"{len(blank) - 10} more"] if len(blank) > 10 else [])
        shown = ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else named[0]
        sheet = f"sheet {table.sheet!r}, " if table.sheet is not None else ""
        raise InputError(f"{sheet}the wave cell is blank in {'row' if len(blank) == 1 else 'rows'} {shown} while "
                         f"{len(waves[True])} other {'row gives' if len(waves[True]) == 1 else 'rows give'} a wave; "
                         "nothing was imported", path=path,
                         hint="fill in each row's wave; a survey of one wave may leave the wave column out")
    if not rows:
        raise InputError("the quantitative file has no data rows", path=path, hint="add rows below the header")
    names = list(dict.fromkeys(name for r in rows for name in r.values))
    return rows, table, spec if kind_name != "generic" else Kind("generic", unit_level, id_column, (), (), ""), names, warnings


def _generic_id(columns: Sequence[str], level: str) -> str:
    for candidate in (f"{level}_id", "unit_id", "id"):
        if candidate in columns:
            return candidate
    return "clinic" if level == "clinic" else ("agency" if level == "agency" else f"{level}_id")


def _split_columns(table: Table, kind: str, measures: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """Columns read as numbers, and columns kept as text attributes."""
    if kind == "activities":
        return [], [c for c in table.columns if c]
    if measures:
        wanted = [c for c in measures]
        missing = [c for c in wanted if c not in table.columns]
        if missing:
            raise InputError(f"no column {missing[0]!r} in the file", path=table.path, line=table.header_row,
                             hint="its columns are: " + ", ".join(table.headers))
        return wanted, [c for c in table.columns if c not in wanted and c]
    numeric, text = [], []
    for i, column in enumerate(table.columns):
        if not column:
            continue
        if column in MEASURES:
            numeric.append(column)
            continue
        if column in ID_COLUMNS:
            text.append(column)
            continue
        cells = [cells[i] for _, cells in table.rows if cells[i] is not None]
        numbers = sum(not isinstance(_number(c), str) for c in cells if not isinstance(c, Formula))
        (numeric if cells and numbers * 2 >= len(cells) else text).append(column)
    return numeric, text


def _score_activity(table: Table, n: int, record: dict[str, Any], values: dict[str, float | None],
                    attributes: dict[str, Any], problems: Problems) -> bool:
    bad = False
    dates = {}
    for column in ("date_planned", "date_completed"):
        value = parse_date(record.get(column))
        if isinstance(value, str):
            problems.add(f"{table.where(n, column)}: {value}", n)
            bad = True
        else:
            dates[column] = value
            attributes[column] = value.isoformat() if value else None
    if not bad and dates.get("date_planned") is None:
        problems.add(f"{table.where(n, 'date_planned')}: the planned date is empty", n)
        bad = True
    if not as_text(record.get("activity")):
        problems.add(f"{table.where(n, 'activity')}: the activity is empty", n)
        bad = True
    if not as_text(record.get("phase")):
        problems.add(f"{table.where(n, 'phase')}: the phase is empty", n)
        bad = True
    flag = _flag(record.get("tailored"))
    if isinstance(flag, str):
        problems.add(f"{table.where(n, 'tailored')}: {flag}", n)
        bad = True
    if bad:
        return True
    values["completed"] = 1.0 if dates["date_completed"] else 0.0
    values["tailored"] = flag  # type: ignore[assignment]
    values["delay_days"] = float((dates["date_completed"] - dates["date_planned"]).days) if dates["date_completed"] else None
    attributes["tailored"] = {1.0: "yes", 0.0: "no"}.get(flag) if flag is not None else None  # type: ignore[arg-type]
    return False


def _score(kind: str, values: dict[str, float | None], warnings: list[str], table: Table, n: int, min_items: int,
           problems: Problems, unit: str | None = None) -> None:
    """Add scored measures to one row's values (in place)."""
    if "adherence" in values or "competence" in values:
        a, c = values.get("adherence"), values.get("competence")
        values["fidelity"] = (a + c) / 2 if a is not None and c is not None else None
    for scale in ("fim", "aim", "iam"):
        items = _items(scale)
        if items[0] not in values:
            continue
        given = [values[i] for i in items if values.get(i) is not None]
        if len(given) >= min_items:
            values[scale] = sum(given) / len(given)
        else:
            values[scale] = None
            if given:
                warnings.append(f"{table.where(n)}{' (' + unit + ')' if unit else ''}: {scale.upper()} has "
                                f"{len(given)} of {len(items)} items (needs {min_items}); not scored")
    # adoption's denominator: every counselor eligible to deliver (trained or not) when the file counts
    # them, else the trained ones (Proctor et al. 2011 define adoption over the eligible providers)
    staff = "eligible_counselors" if values.get("eligible_counselors") is not None else "trained"
    trained, eligible = values.get("trained"), values.get("eligible_counselors")
    if trained is not None and eligible is not None and trained > eligible:
        problems.add(f"{table.where(n, 'trained')}: trained ({trained:g}) is more than eligible_counselors "
                     f"({eligible:g})", n)
    for name, (num, den) in (("reach", ("enrolled", "eligible")), ("adoption", ("delivering", staff))):
        if num in values or den in values:
            top, bottom = values.get(num), values.get(den)
            if top is not None and bottom is not None:
                if top > bottom:
                    problems.add(f"{table.where(n, num)}: {num} ({top:g}) is more than {den} ({bottom:g})", n)
                    values[name] = None
                else:
                    values[name] = top / bottom if bottom else None
                    if not bottom:
                        warnings.append(f"{table.where(n, den)}: {den} is 0, so {name} is not defined")
            else:
                values[name] = None


def quant_records(rows: Sequence[_Row], level: str, dataset: str, source: str) -> list[tuple[Any, ...]]:
    """The ``quant`` table rows of a read file: one per unit and measure, other columns as JSON.

    Returns
    -------
    list of tuple
        (dataset, level, unit_id, agency, clinic, measure, value, source_file, row, attributes).
    """
    records = []
    for r in rows:
        attrs = json.dumps(r.attributes, sort_keys=True, ensure_ascii=False, default=str)
        for measure_name, value in r.values.items():
            records.append((dataset, level, r.unit_id, r.agency, r.clinic, measure_name, value, source, r.row, attrs))
    return records


__all__ = ["Measure", "MEASURES", "ALIASES", "KINDS", "LEVELS", "measure", "measure_table", "detect_kind",
           "read_quant", "quant_records", "QuantImport"]

"""Mapping codings from one codebook to another with a mapping sheet: :func:`read_mapping`,
:func:`map_codings`, :func:`bundled_mappings`.

A **mapping sheet** (``.csv`` or ``.xlsx``: the sheet named ``mapping``, else the first; formula
cells are refused, never evaluated) has one row per source code and target code:

``from_code``
    A code of the codebook the layer was coded with, by id, name or path (``Intervention
    Source``, ``CH.IS``, ``Intervention Characteristics > Intervention Source``); names are
    compared as :func:`~mio_qual.codebook.labels.normalize_label` compares them (case,
    spacing, ``&``/``and``).
``to_code``
    A code of the target codebook (id, name or alias). Several rows for one ``from_code``
    make a **one-to-many** mapping: each coding is copied to every target and listed for
    review, since a coder must decide which target the passage is about. An empty ``to_code``
    says the source code has no counterpart: its codings are not carried over, and are
    counted.
``review`` (optional)
    ``yes`` marks a row for review even when it is one-to-one.
``note`` (optional)
    Why the row maps as it does; shown beside each coding to review.
``status`` (optional)
    How far the row was checked against its published source: ``verified`` (checked against
    the source itself), ``supported`` (a secondary source by the same authors says so; the
    source itself was not seen), ``unverified`` (not checked). Empty when the sheet does not
    say. Every mapped coding carries its row's status, and the summary counts the codings
    that rest on rows not ``verified``, so a user is told when a published crosswalk was not
    checked row by row.
``source`` (optional)
    Where the row comes from (page, table or web page), shown beside the status.

A coding whose code is in no row is **unmapped**: it is not carried over, and the result
counts it by code, so nothing disappears unseen.

The bundled mapping ``cfir2009_cfir2`` maps the constructs of the original CFIR (Damschroder
et al. 2009) to the updated CFIR (Damschroder et al. 2022, which maps them in its Additional
file 4); the construct names are the frameworks' own, the notes are ours. Rows marked
``review`` (one-to-many, relocated or removed constructs) need a coder's decision per passage.
Only the first row could be checked against Additional file 4 itself (its first page was the
only part readable where we looked); 50 of 62 rows are ``supported`` by the CFIR team's pages on
cfirguide.org that name the original construct or carry its text, and the rest are ``unverified``: the
``status`` and ``source`` columns say which, and :func:`map_codings` reports how many
codings rest on rows that are not verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from ..errors import InputError, UnknownCodeError
from .labels import normalize_id, normalize_label

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Codebook

_COLUMNS = ("from_code", "to_code", "review", "note", "status", "source")
_YES = frozenset({"yes", "y", "true", "1", "x"})
#: The values of the ``status`` column ('' when the sheet does not say).
STATUSES = ("verified", "supported", "unverified")


@dataclass(frozen=True)
class MappingRow:
    """One row of a mapping sheet: a source label, a target id ('' for none), review flag, note."""

    source: str
    target: str
    review: bool = False
    note: str = ""
    line: int | None = None
    status: str = ""
    source_ref: str = ""


@dataclass
class CodeMapping:
    """A mapping sheet read and checked against the target codebook."""

    name: str
    rows: list[MappingRow]
    path: str | None = None

    def targets(self) -> dict[str, list[MappingRow]]:
        """Normalized source label -> its rows (in sheet order)."""
        out: dict[str, list[MappingRow]] = {}
        for row in self.rows:
            out.setdefault(normalize_label(row.source), []).append(row)
        return out

    def unchecked(self) -> list[MappingRow]:
        """The rows whose ``status`` says they were not checked against the source itself
        (``supported`` or ``unverified``); [] when the sheet has no status column."""
        return [r for r in self.rows if r.status in ("supported", "unverified")]


@dataclass
class MappedCodings:
    """What :func:`map_codings` did.

    Attributes
    ----------
    codings : pandas.DataFrame
        The mapped codings (the input's columns, ``code`` replaced by the target; plus
        ``from_code``, ``review`` and ``note``).
    unmapped : pandas.DataFrame
        One row per source code in no row of the sheet: ``code, name, codings``.
    dropped : pandas.DataFrame
        Source codes the sheet maps to nothing: ``code, name, codings``.
    review : pandas.DataFrame
        The mapped codings to review (one-to-many or marked): ``transcript_id, start, end,
        from_code, code, note, status``.
    unchecked : int
        Mapped codings that rest on rows whose ``status`` is ``supported`` or ``unverified``.
    """

    codings: "pd.DataFrame"
    unmapped: "pd.DataFrame"
    dropped: "pd.DataFrame"
    review: "pd.DataFrame"
    summary: list[str] = field(default_factory=list)
    unchecked: int = 0


def bundled_mappings() -> dict[str, Path]:
    """The mapping sheets shipped with mio-qual (``codebooks/mappings/*.csv``), by name."""
    from ._paths import bundled_dir

    folder = bundled_dir() / "mappings"
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in (".csv", ".xlsx")}


def read_mapping(source: str | Path, target: "Codebook") -> CodeMapping:
    """Read a mapping sheet (a file, or a bundled name such as ``cfir2009_cfir2``) and check its targets.

    Raises
    ------
    InputError
        A missing file, missing columns, or target codes the target codebook lacks (every bad
        row listed, with its row number).
    """
    from ..tabular import cell_text, normalize_column, open_workbook, read_csv_rows, sheet_rows, table_format

    bundled = bundled_mappings()
    path = bundled[str(source)] if isinstance(source, str) and source in bundled else Path(source)
    what = "mapping sheet"
    if not path.is_file():
        names = ", ".join(bundled) or "none"
        raise InputError(f"no mapping sheet {str(source)!r}", path=path,
                         hint=f"give a .csv or .xlsx file with from_code and to_code columns, or a bundled mapping "
                              f"({names})")
    place = "row"  # how problems name a row: "row 4" (CSV) or "sheet 'mapping' row 4"
    formulas: list[str] = []
    if table_format(path, what=what) == "csv":
        rows = read_csv_rows(path, what=what)
    else:
        with open_workbook(path, what=what) as book:
            sheet = next((ws for ws in book.worksheets if normalize_column(ws.title) == "mapping"), None)
            sheet = sheet or book.worksheets[0]
            place = f"sheet {sheet.title!r} row"
            rows = []
            for n, row in enumerate(sheet_rows(sheet, path=path, what=what, values_only=False), start=1):
                rows.append((n, [cell_text(getattr(c, "value", None)) for c in row]))
                formulas.extend(f"{place} {n}: cell {c.coordinate} holds a formula ({cell_text(c.value)[:40]!r}); "
                                "formulas are never evaluated: type the code itself"
                                for c in row if getattr(c, "data_type", "") == "f")
    if formulas:
        raise InputError(f"{len(formulas)} formula cell(s) in the mapping sheet; first: {formulas[0]}", path=path,
                         hint="type the codes as text", details=formulas)
    rows = [(n, cells) for n, cells in rows if any(str(c).strip() for c in cells)]
    if not rows:
        raise InputError("the mapping sheet is empty", path=path, hint="add from_code and to_code columns")
    header = [normalize_column(c) for c in rows[0][1]]
    missing = [c for c in _COLUMNS[:2] if c not in header]
    if missing:
        raise InputError(f"the mapping sheet has no {' or '.join(missing)} column", path=path, line=rows[0][0],
                         hint="name the columns from_code, to_code (review, note, status and source are optional)")
    at = {c: header.index(c) for c in _COLUMNS if c in header}
    out: list[MappingRow] = []
    problems: list[str] = []
    for n, cells in rows[1:]:
        def cell(column: str) -> str:
            i = at.get(column)
            return str(cells[i]).strip() if i is not None and i < len(cells) else ""

        source_label, target_label = cell("from_code"), cell("to_code")
        if not source_label:
            problems.append(f"{place} {n}: from_code is empty")
            continue
        target_id = ""
        if target_label:
            try:
                target_id = target.resolve(target_label)
            except UnknownCodeError as exc:
                problems.append(f"{place} {n}: to_code {target_label!r}: {exc.message}"
                                + (f" ({exc.hint})" if exc.hint else ""))
                continue
        status = cell("status").casefold()
        if status and status not in STATUSES:
            problems.append(f"{place} {n}: status {cell('status')!r} is not one of {', '.join(STATUSES)}")
            continue
        out.append(MappingRow(source_label, target_id, cell("review").casefold() in _YES, cell("note"), n,
                              status, cell("source")))
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the mapping sheet; first: {problems[0]}", path=path,
                         hint="fix the rows (targets must be codes of the target codebook)", details=problems)
    return CodeMapping(path.stem, out, str(path))


def _keys(code_id: str, names: Mapping[str, str], parents: Mapping[str, str | None]) -> list[str]:
    """The labels a coded code answers to in a mapping sheet: its id, name and path of names."""
    keys = [normalize_label(code_id), normalize_id(code_id)]
    name = names.get(code_id)
    if name:
        keys.append(normalize_label(name))
        chain, cur, seen = [name], parents.get(code_id), {code_id}
        while cur and cur not in seen:
            seen.add(cur)
            chain.append(names.get(cur) or cur)
            cur = parents.get(cur)
        keys.append(normalize_label(" > ".join(reversed(chain))))
    return keys


_REVIEW_COLUMNS = ("transcript_id", "start", "end", "from_code", "code", "note", "status")


def map_codings(codings: "pd.DataFrame", mapping: CodeMapping, *, names: Mapping[str, str] | None = None,
                parents: Mapping[str, str | None] | None = None) -> MappedCodings:
    """Map a layer's codings to the target codebook.

    Parameters
    ----------
    codings : pandas.DataFrame
        Columns ``transcript_id, start, end, code`` (and any others, carried along).
    mapping : CodeMapping
        From :func:`read_mapping`.
    names, parents : mapping, optional
        The source codebook's code names and parents by id, so that a sheet may name source
        codes by name or path.

    Returns
    -------
    MappedCodings
    """
    import pandas as pd

    names, parents = dict(names or {}), dict(parents or {})
    table = mapping.targets()
    rows_of: dict[str, list[MappingRow] | None] = {}
    for code in dict.fromkeys(codings["code"]):
        rows_of[code] = next((table[k] for k in _keys(code, names, parents) if k in table), None)
    out, review = [], []
    counts_unmapped: dict[str, int] = {}
    counts_dropped: dict[str, int] = {}
    records = codings.to_dict("records")
    for record in records:
        rows = rows_of[record["code"]]
        if rows is None:
            counts_unmapped[record["code"]] = counts_unmapped.get(record["code"], 0) + 1
            continue
        targets = [r for r in rows if r.target]
        if not targets:
            counts_dropped[record["code"]] = counts_dropped.get(record["code"], 0) + 1
            continue
        many = len({r.target for r in targets}) > 1
        for row in targets:
            mapped = {**record, "from_code": record["code"], "code": row.target, "review": many or row.review,
                      "note": row.note, "status": row.status}
            out.append(mapped)
            if mapped["review"]:
                review.append({k: mapped[k] for k in _REVIEW_COLUMNS})
    columns = [*codings.columns, "from_code", "review", "note", "status"]

    def counted(counts: dict[str, int]) -> "pd.DataFrame":
        return pd.DataFrame([{"code": c, "name": names.get(c, ""), "codings": n} for c, n in sorted(counts.items())],
                            columns=["code", "name", "codings"])

    mapped_frame = pd.DataFrame(out, columns=columns).drop_duplicates(["transcript_id", "start", "end", "code"])
    result = MappedCodings(mapped_frame, counted(counts_unmapped), counted(counts_dropped),
                           pd.DataFrame(review, columns=list(_REVIEW_COLUMNS)))
    status = mapped_frame["status"].value_counts().to_dict() if len(mapped_frame) else {}
    result.unchecked = int(status.get("supported", 0) + status.get("unverified", 0))
    result.summary = [
        f"{len(records)} coding(s) read, {len(mapped_frame)} written under the target codebook",
        f"{sum(counts_unmapped.values())} coding(s) of {len(counts_unmapped)} code(s) the sheet does not name "
        "(not carried over)",
        f"{sum(counts_dropped.values())} coding(s) of {len(counts_dropped)} code(s) the sheet maps to nothing",
        f"{len(review)} mapped coding(s) to review (one-to-many or marked)",
    ]
    if result.unchecked:
        result.summary.append(
            f"{result.unchecked} mapped coding(s) rest on rows of the sheet not checked against its published "
            f"source ({int(status.get('unverified', 0))} unverified, {int(status.get('supported', 0))} supported "
            "only by a secondary source); see the sheet's status and source columns before publishing results")
    return result


def recode_plan(codes: Iterable[str], into: str, known: "Codebook | None" = None) -> dict[str, str]:
    """The old -> new code map of a merge (several codes into one) or a rename (one code).

    Raises
    ------
    InputError
        No code given, a code merged into itself only, or ``into`` not in ``known``.
    """
    old = [c.strip() for c in codes if c and c.strip()]
    if not old or not into or not into.strip():
        raise InputError("name the code(s) to change and the code they become", hint="e.g. rename OLD NEW")
    if known is not None and into not in known:
        raise InputError(f"code {into!r} is not in the codebook", hint="add it to the codebook first, or use its id")
    plan = {c: into for c in old if c != into}
    if not plan:
        raise InputError(f"nothing to change: every code is already {into!r}")
    return plan


__all__ = ["STATUSES", "CodeMapping", "MappingRow", "MappedCodings", "bundled_mappings", "read_mapping", "map_codings",
           "recode_plan"]

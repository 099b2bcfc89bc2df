"""Coding in a spreadsheet: import rows of codings from ``.csv``/``.xlsx``, export a layer.

A coder's sheet has one row per coded passage. Columns (names are case- and
spacing-insensitive: ``Transcript ID`` is ``transcript_id``):

``transcript_id``
    The transcript. May be left out when ``segment_id`` names it, or when the file name or
    ``--transcript`` does (see :func:`mio_qual.coding.word.which_transcript`).
``code`` or ``codes``
    One or more codes (id, name or alias), several separated by ``;``.
where the passage is: **one** of
    ``segment_id`` (``INT01:t3`` a turn's speech, ``INT01:p4`` a paragraph, ``INT01:s12`` a
    sentence; ``t3`` alone with a ``transcript_id``), or ``start`` and ``end`` (code-point
    offsets into the canonical text, as ``mio-qual coding export`` writes them), or ``quote``
    (the words of the passage, found with :func:`mio_qual.coding.anchor.find_quote`). A quote
    given together with a segment id is looked for in (and near) that segment, which settles
    a quote that occurs more than once; a quote given with offsets must match the text at
    those offsets (a check against offset drift).
``coder`` (optional)
    The layer; default ``--coder``.
``memo`` (optional)
    A note kept with the coding.

Every problem of every row is reported at once with its sheet, row and column, and nothing is
written unless ``skip_problems`` is set. Formula cells are refused: a value computed by a
spreadsheet cannot be trusted to be what the coder saw, and this library never evaluates
formulas. A text cell starting with ``'=`` (or ``'+`` ``'-`` ``'@``) is read without its
quote, which is how :mod:`mio_qual.exports` protects such text on export.

A sheet with a ``decision`` column is a reconciliation sheet and goes to
:func:`mio_qual.coding.reconcile.read_decisions`.

:func:`read_coding_sheets` reads and checks the files and returns what to write;
:meth:`mio_qual.project.Project.import_coding_sheets` writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..errors import InputError
from ..tabular import (column_letter, normalize_column, open_workbook, read_csv_rows, sheet_rows, table_format,
                       unique_columns)
from .anchor import NormalizedText, QuoteError, find_quote, normalize
from .codes import parse_cell
from .layers import LayerWrite, WriteResult
from .model import Coding
from .word import TranscriptNames, which_transcript

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..codebook import Codebook
    from .reconcile import DecisionImport, Decisions

SPREADSHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")
_COLUMN_ALIASES = {
    "transcript": "transcript_id", "transcriptid": "transcript_id", "document": "transcript_id",
    "code": "codes", "codes": "codes", "code_id": "codes", "code_ids": "codes",
    "segment": "segment_id", "segment_id": "segment_id", "unit": "segment_id",
    "quote": "quote", "text": "quote", "excerpt": "quote", "passage": "quote",
    "start": "start", "end": "end", "coder": "coder", "memo": "memo", "note": "memo", "notes": "memo",
    "comment": "memo", "transcript_id": "transcript_id",
}
_SEGMENT = re.compile(r"^\s*(?:(?P<tid>.+?)\s*:\s*)?(?P<kind>[tps])\s*(?P<n>\d+)\s*$", re.I)
_KIND = {"t": "turn", "p": "paragraph", "s": "sentence"}
_PROTECTED = re.compile(r"^'[=+\-@\t\r]")


@dataclass
class Sheet:
    """One table read from a file: its name, normalized header and numbered rows of raw values."""

    name: str | None  # None for CSV
    header: list[str]
    letters: list[str]  # column letters (A, B, ...) for messages
    rows: list[tuple[int, list[Any]]]
    titles: list[str] = field(default_factory=list)  # the header cells as the file writes them, for messages

    def column(self, index: int) -> str:
        """Column ``index`` as a message names it: its letter and its header as written (``C 'Code'``)."""
        title = self.titles[index] if index < len(self.titles) else ""
        return f"{self.letters[index]} {title or self.header[index]!r}"


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return value is not None and "formula" in type(value).__name__.lower()


def read_sheets(path: str | Path) -> list[Sheet]:
    """Read every sheet of an ``.xlsx`` (or the one table of a ``.csv``) without evaluating anything.

    Values come back as the file stores them: formulas as their ``=...`` text (to be
    refused by the caller), numbers as numbers, blank rows dropped.
    """
    path = Path(path)
    raw: list[tuple[str | None, list[tuple[int, list[Any]]]]] = []
    if table_format(path, what="coding sheet") == "csv":
        raw.append((None, read_csv_rows(path, what="coding sheet")))
    else:
        with open_workbook(path, what="coding sheet") as book:
            hidden = [sheet.title for sheet in book.worksheets if getattr(sheet, "sheet_state", "visible") != "visible"]
            if hidden:  # a coder never saw what a hidden sheet holds
                raise InputError(f"the coding sheet has hidden sheet(s) {', '.join(map(repr, hidden))}; their rows "
                                 "would be imported unseen", path=path,
                                 hint="unhide them in the spreadsheet program to check them, or delete them")
            for sheet in book.worksheets:
                rows = sheet_rows(sheet, path=path, what="coding sheet")
                raw.append((sheet.title, [(i + 1, list(r)) for i, r in enumerate(rows)]))
    sheets = []
    for name, rows in raw:
        rows = [(n, r) for n, r in rows if any(v is not None and str(v).strip() for v in r)]
        if not rows:
            continue
        _, header_cells = rows[0]
        header = [normalize_column(c) for c in header_cells]
        unique_columns(header, path=path, what="coding sheet", sheet=name)
        titles = [" ".join(str(c).split()) if c is not None else "" for c in header_cells]
        sheets.append(Sheet(name, header, [column_letter(i) for i in range(len(header))], rows[1:], titles))
    return sheets


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if _PROTECTED.match(value):
            value = value[1:]
        return value or None
    if isinstance(value, float) and value != value:
        return None
    return value


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.0+)?\s*", value):
        return int(float(value))
    return None


@dataclass
class SheetImport:
    """What importing coding sheets did (:meth:`mio_qual.project.Project.import_coding_sheets`).

    ``files`` has one entry per (file, coder): file, coder, codings, removed. ``skipped`` holds
    the problems skipped with ``skip_problems``; ``decisions`` the result of any
    reconciliation sheets among the files; ``warnings`` what is worth a look though imported
    (codings of codes that are not codable).
    """

    files: list[dict[str, Any]] = field(default_factory=list)
    inserted: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    decisions: list[Any] = field(default_factory=list)
    #: Codings of files re-imported unchanged (nothing written for them).
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


class SheetTexts:
    """What placing sheet rows reads: transcript texts, their normalized forms and segment spans.

    Parameters
    ----------
    texts : mapping of str to str
        The canonical text of each transcript (read when a row names it).
    names : TranscriptNames
        The project's transcript ids and source file names.
    segments : mapping of str to pandas.DataFrame
        Each transcript's segments (kind, n, start, end, body_start), read when a row names
        a segment of it.
    aliases : mapping of str to str, optional
        Neutral id -> transcript id, for a sheet exported redacted (``T01`` for an id holding a name).
    """

    def __init__(self, texts: Mapping[str, str], names: TranscriptNames,
                 segments: Mapping[str, "pd.DataFrame"], aliases: Mapping[str, str] | None = None) -> None:
        self.aliases = {k: v for k, v in (aliases or {}).items() if k not in names.ids}
        self.texts = texts
        self.names = names
        self.ids = names.ids
        self.segments = segments
        self._norm: dict[str, NormalizedText] = {}
        self._spans: dict[str, dict[tuple[str, int], tuple[int, int]]] = {}

    def text(self, tid: str) -> str:
        """The canonical text of ``tid``."""
        return self.texts[tid]

    def norm(self, tid: str) -> NormalizedText:
        """The normalized text of ``tid`` (for finding quotes)."""
        if tid not in self._norm:
            self._norm[tid] = normalize(self.text(tid))
        return self._norm[tid]

    def segment(self, tid: str, kind: str, n: int) -> tuple[int, int] | None:
        """The span of a segment (a turn's speech, without its label), or None when there is none."""
        if tid not in self._spans:
            frame = self.segments[tid]
            self._spans[tid] = {
                (k, int(m)): (int(b) if k == "turn" and b is not None and b == b else int(s0), int(e0))
                for k, m, s0, e0, b in zip(frame["kind"], frame["n"], frame["start"], frame["end"],
                                            frame["body_start"])}
        return self._spans[tid].get((kind, n))


def read_sheet_codings(path: str | Path, codebook: "Codebook", texts: SheetTexts, coder: str | None = None,
                       transcript_id: str | None = None, sheets: list[Sheet] | None = None,
                       listed: set[str] | None = None) -> tuple[list[Coding], list[str]]:
    """Read a coder's sheet into codings: ``(codings, problems)``.

    Each problem is one line: ``file, sheet 'name', row 7, column C (quote): what is wrong
    (what to do)``. ``listed``, when given, receives every project transcript a row names,
    with or without codes (the transcripts the coder returned).
    """
    path = Path(path)
    sheets = read_sheets(path) if sheets is None else sheets
    problems: list[str] = []
    codings: list[Coding] = []
    usable = []
    for sheet in sheets:
        columns = [_COLUMN_ALIASES.get(c, _COLUMN_ALIASES.get(c.replace("_", ""), c)) for c in sheet.header]
        if "codes" in columns:
            usable.append((sheet, columns))
    if not usable:
        found = "; ".join(f"{s.name or 'CSV'}: {', '.join(c for c in s.header if c)}" for s in sheets) or "nothing"
        raise InputError("no sheet has a 'code' column", path=path,
                         hint=f"the columns are transcript_id, code, and segment_id or start/end or quote (found {found})")
    default_tid = None
    try:
        default_tid = which_transcript(path, {}, transcript_id, names=texts.names)
    except InputError:
        default_tid = None
    for sheet, columns in usable:
        where_sheet = f"{path.name}" + (f", sheet {sheet.name!r}" if sheet.name is not None else "")
        position = {}
        for i, c in enumerate(columns):
            position.setdefault(c, i)
        has_offsets = "start" in position or "end" in position
        if not ("segment_id" in position or has_offsets or "quote" in position):
            problems.append(f"{where_sheet}: no segment_id, start/end or quote column (add one of them to say "
                            "where each coding is)")
            continue
        for row_number, cells in sheet.rows:
            row_problems: list[str] = []

            def problem(column: str | None, message: str, hint: str = "") -> None:
                where = f"{where_sheet}, row {row_number}"
                if column is not None and column in position:
                    where += f", column {sheet.column(position[column])}"
                row_problems.append(f"{where}: {message}" + (f" ({hint})" if hint else ""))

            values: dict[str, Any] = {}
            for name, i in position.items():
                value = cells[i] if i < len(cells) else None
                if _is_formula(value):
                    problem(name, f"formula cell {str(value)[:40]!r}",
                            "formulas are never evaluated; paste the values instead (Paste Special > Values)")
                    value = None
                values[name] = _clean(value)
            if row_problems:
                problems.extend(row_problems)
                continue
            if not any(values.get(c) is not None for c in ("codes", "segment_id", "start", "end", "quote")):
                named = values.get("transcript_id")
                if listed is not None and named is not None and str(named).strip() in texts.ids:
                    listed.add(str(named).strip())  # a transcript returned without codings
                continue  # a row with only a memo or coder: nothing to import
            # --- transcript and segment
            tid = values.get("transcript_id")
            tid = str(tid).strip() if tid is not None else None
            tid = texts.aliases.get(tid, tid) if tid is not None else None  # a neutral id of a redacted sheet
            segment_span = None
            segment = values.get("segment_id")
            if segment is not None:
                match = _SEGMENT.match(str(segment))
                if not match:
                    problem("segment_id", f"{segment!r} is not a segment id",
                            "write it as INT01:t3 (turn), INT01:p4 (paragraph) or INT01:s12 (sentence)")
                else:
                    seg_tid = match.group("tid")
                    seg_tid = texts.aliases.get(seg_tid, seg_tid) if seg_tid else seg_tid
                    if seg_tid and tid and seg_tid != tid:
                        problem("segment_id", f"segment {segment!r} is not in transcript {tid!r}",
                                "correct the transcript_id or the segment id")
                    tid = tid or seg_tid
            tid = tid or default_tid
            if tid is None:
                problem("transcript_id", "no transcript given",
                        "fill transcript_id, use a segment id like INT01:t3, or pass --transcript ID")
                problems.extend(row_problems)
                continue
            if tid not in texts.ids:
                problem("transcript_id", f"no transcript {tid!r} in this project", "see `mio-qual transcripts list`")
                problems.extend(row_problems)
                continue
            if listed is not None:
                listed.add(tid)
            if segment is not None and match:
                kind, n = _KIND[match.group("kind").lower()], int(match.group("n"))
                segment_span = texts.segment(tid, kind, n)
                if segment_span is None:
                    problem("segment_id", f"{tid} has no {kind} {n}",
                            f"see `mio-qual transcripts show {tid} --unit {kind}`")
            # --- span
            span = None
            start, end, quote = values.get("start"), values.get("end"), values.get("quote")
            if start is not None or end is not None:
                s, e = _as_int(start), _as_int(end)
                size = len(texts.text(tid))
                if s is None:
                    problem("start", f"start {start!r} is not a whole number", "offsets are whole numbers from 0")
                if e is None:
                    problem("end", f"end {end!r} is not a whole number", "offsets are whole numbers from 0")
                if s is not None and e is not None:
                    if not 0 <= s < e <= size:
                        problem("end" if 0 <= s else "start", f"span {s}-{e} is not inside {tid} (length {size})",
                                "start must be less than end, and end at most the text's length")
                    else:
                        span = (s, e)
                        from .reconcile import _same_text  # [name] in a redacted sheet stands for any name

                        if quote is not None and not _same_text(str(quote), texts.text(tid)[s:e]):
                            problem("quote", f"the offsets {s}-{e} point at {texts.text(tid)[s:e][:60]!r}, "
                                    f"not at the quote", "the offsets may count line breaks or characters "
                                    "differently; leave start/end empty to place the row by its quote")
                            span = None
            elif quote is not None:
                try:
                    span = find_quote(texts.norm(tid), str(quote), near=segment_span)
                except QuoteError as exc:
                    problem("quote", exc.message, exc.hint or "")
                else:
                    if segment_span is not None and not (span[0] < segment_span[1] and span[1] > segment_span[0]):
                        problem("quote", f"the quote is at {span[0]}-{span[1]}, outside segment {segment}",
                                "correct the segment id, or leave it empty")
                        span = None
            elif segment_span is not None:
                span = segment_span
            elif segment is None:
                problem(None, "the row does not say where the coding is", "fill segment_id, start and end, or quote")
            # --- codes and coder
            ids, code_problems = parse_cell(codebook, values.get("codes"))
            for message in code_problems:
                problem("codes", message, "use code ids or names from the codebook, separated by ';'")
            row_coder = values.get("coder")
            row_coder = str(row_coder).strip() if row_coder is not None else coder
            if not row_coder:
                problem("coder", "no coder", "fill the coder column or pass --coder NAME")
            if row_problems:
                problems.extend(row_problems)
                continue
            memo = values.get("memo")
            memo = str(memo) if memo is not None else None
            for code in ids:
                codings.append(Coding(tid, span[0], span[1], code, row_coder, "human", memo=memo))
    return codings, problems


def _is_decision_sheet(sheets: list[Sheet]) -> bool:
    return any("decision" in sheet.header for sheet in sheets)


@dataclass
class CodingSheets:
    """Coding sheets read and checked, ready to be written.

    Attributes
    ----------
    batches : list of (path, codings)
        The codings of each coder's sheet.
    listed : dict of str to set of str
        The transcripts each sheet (by file name) names, with or without codes.
    decisions : list of Decisions
        The filled reconciliation sheets among the files.
    coder : str, optional
        The layer named for rows without a coder (and for an emptied sheet).
    skipped : list of str
        Problems passed over with ``skip_problems``.
    warnings : list of str
        Lines worth telling the user (codings of codes that are not codable).
    """

    batches: list[tuple[Path, list[Coding]]] = field(default_factory=list)
    decisions: list["Decisions"] = field(default_factory=list)
    coder: str | None = None
    skipped: list[str] = field(default_factory=list)
    listed: dict[str, set[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def writes(self, earlier: Mapping[str, Iterable[str]]) -> list[LayerWrite]:
        """One write per (file, layer).

        ``earlier`` gives, for each file name, the layers it brought (origin ``human``) in
        earlier imports: every one is replaced, even by no rows (an emptied sheet).
        """
        out = []
        for path, codings in self.batches:
            by_coder: dict[str, list[Coding]] = {layer: [] for layer in earlier.get(path.name, ())}
            if self.coder and not codings:
                by_coder.setdefault(self.coder, [])
            for c in codings:
                by_coder.setdefault(c.coder, []).append(c)
            for layer, rows in sorted(by_coder.items()):
                out.append(LayerWrite(rows, coder=layer, origin="human", source_file=path, replace="file",
                                      action="import coding sheet",
                                      covers=tuple(sorted(self.listed.get(path.name, ())))))
        return out

    def result(self, writes: list[LayerWrite], written: list[WriteResult],
               decided: list["DecisionImport"]) -> SheetImport:
        """What the import did, given what writing ``writes`` and each decision sheet did."""
        result = SheetImport(skipped=list(self.skipped), decisions=list(decided), warnings=list(self.warnings))
        for write, done in zip(writes, written):
            result.inserted += done.inserted
            result.removed += done.removed
            result.unchanged += done.unchanged
            result.files.append({"file": str(write.source_file), "coder": write.coder, "codings": done.inserted,
                                 "removed": done.removed, "unchanged": done.unchanged})
        return result


def read_coding_sheets(paths: Iterable[str | Path], codebook: "Codebook", texts: SheetTexts, *,
                       coder: str | None = None, skip_problems: bool = False,
                       transcript_id: str | None = None) -> CodingSheets:
    """Read coders' sheets (``.csv``/``.xlsx``) and filled reconciliation sheets, every file checked.

    Parameters
    ----------
    paths : iterable of path
    codebook : Codebook
    texts : SheetTexts
        The transcripts the rows are placed on.
    coder : str, optional
        The layer for rows without a ``coder`` cell.
    skip_problems : bool
        Keep the good rows and list the bad ones in ``skipped``.
    transcript_id : str, optional
        The transcript of rows that name none.

    Raises
    ------
    InputError
        Listing every problem in every file, with sheet, row and column.
    """
    from .importing import distinct_names, not_codable_warning
    from .reconcile import read_decisions

    problems: list[str] = []
    batches: list[tuple[Path, list[Coding]]] = []
    listed: dict[str, set[str]] = {}
    decision_files: list[tuple[Path, list[Sheet]]] = []
    paths = [Path(p) for p in paths]
    distinct_names(paths)  # a sheet is known by its name: two of one name would replace each other
    for path in paths:
        try:
            sheets = read_sheets(path)
            if _is_decision_sheet(sheets):
                decision_files.append((path, sheets))
                continue
            codings, file_problems = read_sheet_codings(path, codebook, texts, coder, transcript_id, sheets,
                                                        listed=listed.setdefault(path.name, set()))
        except InputError as exc:
            problems.append(exc.one_line())
            continue
        problems.extend(file_problems)
        batches.append((path, codings))
    if problems and not skip_problems:
        raise InputError(f"{len(problems)} problem(s) in the coding sheets, so nothing was imported; "
                         f"first: {problems[0]}",
                         hint="fix every problem listed (or pass --skip-problems to import the rest)",
                         details=problems)
    plan = CodingSheets(batches, coder=coder, skipped=problems, listed=listed)
    plan.warnings = [w for path, codings in batches if (w := not_codable_warning(codings, codebook, path.name))]
    for path, sheets in decision_files:
        plan.decisions.append(read_decisions(path, codebook, texts.texts, sheets=sheets))
    return plan


# ------------------------------------------------------------------------------ export
EXPORT_COLUMNS = ["transcript_id", "segment_id", "start", "end", "codes", "coder", "origin", "quote", "memo", "created"]


def layer_frame(codings: "pd.DataFrame") -> "pd.DataFrame":
    """A layer as the rows a coder's sheet has (re-importable: offsets plus the quote that checks them).

    ``codings`` is what :meth:`mio_qual.project.Project.codings` returns.
    """
    out = codings.rename(columns={"turn_id": "segment_id", "code": "codes", "text": "quote"})
    return out[EXPORT_COLUMNS].reset_index(drop=True)


def export_layer(codings: "pd.DataFrame", path: str | Path, fmt: str | None = None) -> Path:
    """Write a layer to ``.csv`` or ``.xlsx`` (cells that a spreadsheet would run are neutralized).

    ``codings`` is what :meth:`mio_qual.project.Project.codings` returns for the layer. The
    file has the columns of :data:`EXPORT_COLUMNS` and can be imported again (rows are placed
    by their offsets, checked against their quote).
    """
    from ..exports import safe_cell, write_csv

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    frame = layer_frame(codings)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(frame, path)
    elif fmt == "xlsx":
        import openpyxl
        from openpyxl.styles import Font

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "codings"
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in frame.itertuples(index=False):
            sheet.append([safe_cell(_plain(v)) for v in values])
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHIJ", (12, 14, 8, 8, 16, 12, 10, 80, 40, 22)):
            sheet.column_dimensions[letter].width = width
        from ..reports.reproducible import save_stamped

        save_stamped(book, path)  # openpyxl writes the time of saving: fixed, so the same layer gives the same bytes
    else:
        raise InputError(f"unknown format {fmt!r}", path=path, hint="use csv or xlsx")
    return path


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


__all__ = ["read_coding_sheets", "CodingSheets", "SheetTexts", "read_sheet_codings", "read_sheets", "export_layer", "layer_frame", "SheetImport",
           "Sheet", "EXPORT_COLUMNS", "SPREADSHEET_SUFFIXES"]

"""Reconciling two coders into a consensus layer (DESIGN.md, decision 3).

:func:`reconcile` compares two coders' layers code by code:

* **Agreed**: both coders applied the same code to overlapping text, and their passages
  overlap enough (Jaccard index of the characters covered, intersection over union, at least
  ``min_jaccard``, default 0.5). The consensus coding covers the **union** of the two
  passages (from the earlier start to the later end): what either coder saw as part of the
  passage stays in it, and boundaries never shrink to a fragment neither coder chose. These
  go straight into the consensus layer (origin ``consensus``), which is a new layer: the
  coders' own layers are never changed.
* **Disagreements**: a code only one coder applied there, or the same code with boundaries
  that overlap too little. Overlapping disagreements are grouped into one row per passage
  and written to a reconciliation sheet (``.xlsx``, to fill in) and a Word handout (``.docx``)
  with the columns id, transcript, turn, text, coder A codes, coder B codes, decision, note.

The **decision** cell takes ``keep A`` (or ``A``, or coder A's name), ``keep B``, ``both``,
``neither``, or ``code: X; Y`` (these codes on the row's whole passage). ``coding import`` of
the filled sheet (:func:`read_decisions`, written by
:meth:`mio_qual.project.Project.import_decisions`) adds the decided codings to the consensus layer;
rows left empty are counted as undecided and can be decided in a later import (importing the
same sheet again replaces what it brought before). Decisions of one coder pair may come on
several sheets: all count, a passage (transcript, start, end) once; a later sheet's decision on
a passage replaces the codings an earlier sheet's decision put there, a later sheet's empty row
keeps the earlier decision (see :meth:`mio_qual.project.Project.import_decisions` and
:func:`mio_qual.reports.methods.sheet_decisions`).

With ``unit="sentence"`` (or ``paragraph``, ``turn``) the comparison is made per unit
instead: a unit has a code for a coder when one of the coder's codings of it overlaps the
unit; agreed codes become consensus codings of the whole unit (a turn's speech, without its
label), and each unit with differing codes is one row.

Output is deterministic: rows are ordered by transcript and position and numbered ``D0001``...
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from ..errors import InputError
from .anchor import normalize
from .codes import parse_cell
from .layers import LayerWrite, WriteResult
from .model import Coding

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..codebook import Codebook
    from ..result import Table
    from .spreadsheet import Sheet

SHEET_COLUMNS = ["id", "transcript", "turn", "text", "coder A codes", "coder B codes", "decision", "note", "start",
                 "end", "a_codings", "b_codings"]
ABOUT_SHEET = "about"
MAX_CELL_TEXT = 32000
_SPAN_ITEM = re.compile(r"^\s*(?P<code>\S+)\s+(?P<start>\d+)-(?P<end>\d+)\s*$")
#: The memo :func:`read_decisions` gives a consensus coding decided on a sheet: ``reconciled: keep A (D0003)``.
DECISION_MEMO = re.compile(r"^reconciled: (?P<decision>.+) \((?P<row>[^()]*)\)$")

Interval = tuple[int, int]


@dataclass
class DisagreementRow:
    """One row of the reconciliation sheet."""

    id: str
    transcript_id: str
    turn_id: str | None
    start: int
    end: int
    text: str
    a: list[tuple[str, int, int]]  # (code, start, end) of coder A's disagreeing codings
    b: list[tuple[str, int, int]]
    note: str


@dataclass
class Reconciliation:
    """What :func:`reconcile` produced."""

    coders: tuple[str, str]
    into: str
    unit: str
    agreed: list[Coding] = field(default_factory=list)
    rows: list[DisagreementRow] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    inserted: int = 0
    removed: int = 0
    not_seen: dict[str, list[str]] = field(default_factory=dict)  # coder -> transcripts set aside (seen rule)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _covered(intervals: list[Interval]) -> int:
    return sum(e - s for s, e in intervals)


def _intersection(a: list[Interval], b: list[Interval]) -> int:
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            total += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _components(a: list[Interval], b: list[Interval]) -> list[tuple[list[Interval], list[Interval]]]:
    """Group the (merged) intervals of two coders into clusters connected by overlap."""
    items = sorted([(s, e, 0) for s, e in a] + [(s, e, 1) for s, e in b])
    groups: list[tuple[list[Interval], list[Interval], int]] = []
    for s, e, who in items:
        if groups and s < groups[-1][2]:
            group = groups[-1]
            group[who].append((s, e))
            groups[-1] = (group[0], group[1], max(group[2], e))
        else:
            pair: tuple[list[Interval], list[Interval]] = ([], [])
            pair[who].append((s, e))
            groups.append((pair[0], pair[1], e))
    return [(g[0], g[1]) for g in groups]


def _layer(codings: "pd.DataFrame") -> dict[str, dict[str, list[Interval]]]:
    """``{transcript: {code: [(start, end), ...]}}`` of a layer's codings, intervals sorted."""
    out: dict[str, dict[str, list[Interval]]] = {}
    for tid, code, start, end in sorted(zip(codings["transcript_id"], codings["code"], codings["start"],
                                            codings["end"])):
        out.setdefault(tid, {}).setdefault(code, []).append((int(start), int(end)))
    return out


def _by_transcript(segments: "pd.DataFrame", speech: bool) -> dict[str, list[tuple[int, int, int]]]:
    """``{transcript: [(n, start, end), ...]}`` sorted by start; ``speech`` starts turns at their body."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    bodies = segments["body_start"] if speech and "body_start" in segments.columns else [None] * len(segments)
    for tid, n, start, end, body in zip(segments["transcript_id"], segments["n"], segments["start"],
                                        segments["end"], bodies):
        begin = int(body) if body is not None and body == body else int(start)
        out.setdefault(tid, []).append((int(n), begin, int(end)))
    for rows in out.values():
        rows.sort(key=lambda r: r[1])
    return out


def _turns(rows: list[tuple[int, int, int]]) -> tuple[list[int], list[int], list[int]]:
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _turn_id(tid: str, turns: tuple[list[int], list[int], list[int]], offset: int) -> str | None:
    numbers, starts, ends = turns
    i = bisect_right(starts, offset) - 1
    if i >= 0 and offset < ends[i]:
        return f"{tid}:t{numbers[i]}"
    if i + 1 < len(starts):
        return f"{tid}:t{numbers[i + 1]}"
    return None


def _span_items(tid: str, a_codes: dict[str, list[Interval]], b_codes: dict[str, list[Interval]],
                min_jaccard: float, into: str) -> tuple[list[Coding], list[tuple[int, int, str, list, list, str]]]:
    agreed: list[Coding] = []
    items: list[tuple[int, int, str, list, list, str]] = []  # start, end, code, a intervals, b intervals, note
    for code in sorted(set(a_codes) | set(b_codes)):
        a = _merge(a_codes.get(code, ()))
        b = _merge(b_codes.get(code, ()))
        for ga, gb in _components(a, b):
            lo = min(s for s, _ in ga + gb)
            hi = max(e for _, e in ga + gb)
            if ga and gb:
                union = _covered(_merge(ga + gb))
                jaccard = _intersection(ga, gb) / union if union else 0.0
                if jaccard >= min_jaccard:
                    agreed.append(Coding(tid, lo, hi, code, into, "consensus"))
                    continue
                note = (f"{code}: boundaries differ (A {', '.join(f'{s}-{e}' for s, e in ga)}; "
                        f"B {', '.join(f'{s}-{e}' for s, e in gb)}; overlap {jaccard:.0%})")
            else:
                note = f"{code}: only {'A' if ga else 'B'}"
            items.append((lo, hi, code, ga, gb, note))
    return agreed, items


def _unit_items(tid: str, unit: str, units: list[tuple[int, int, int]], a_codes: dict[str, list[Interval]],
                b_codes: dict[str, list[Interval]], into: str
                ) -> tuple[list[Coding], list[tuple[int, int, str, list, list, str]]]:
    spans = [(s, e) for _n, s, e in units]
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]

    def units_of(intervals: list[Interval]) -> set[int]:
        found: set[int] = set()
        for s, e in intervals:
            i = bisect_right(ends, s)
            while i < len(spans) and starts[i] < e:
                found.add(i)
                i += 1
        return found

    agreed: list[Coding] = []
    items: list[tuple[int, int, str, list, list, str]] = []
    for code in sorted(set(a_codes) | set(b_codes)):
        ua, ub = units_of(a_codes.get(code, [])), units_of(b_codes.get(code, []))
        for i in sorted(ua | ub):
            s, e = spans[i]
            if s >= e:
                continue
            if i in ua and i in ub:
                agreed.append(Coding(tid, s, e, code, into, "consensus", unit=unit))
            else:
                who = "A" if i in ua else "B"
                items.append((s, e, code, [(s, e)] if i in ua else [], [(s, e)] if i in ub else [],
                              f"{code}: only {who}"))
    return agreed, items


def _group_rows(tid: str, text: str, items: list[tuple[int, int, str, list, list, str]],
                turns: tuple[list[int], list[int], list[int]]) -> list[DisagreementRow]:
    rows: list[DisagreementRow] = []
    items = sorted(items, key=lambda it: (it[0], it[1], it[2]))
    group: list[tuple[int, int, str, list, list, str]] = []
    hi = -1

    def flush() -> None:
        if not group:
            return
        lo = min(it[0] for it in group)
        end = max(it[1] for it in group)
        a = sorted((code, s, e) for _, _, code, ga, _, _ in group for s, e in ga)
        b = sorted((code, s, e) for _, _, code, _, gb, _ in group for s, e in gb)
        rows.append(DisagreementRow("", tid, _turn_id(tid, turns, lo), lo, end, text[lo:end], a, b,
                                    "; ".join(it[5] for it in sorted(group, key=lambda it: (it[2], it[0])))))

    for item in items:
        if group and item[0] >= hi:
            flush()
            group = []
        hi = max(hi, item[1]) if group else item[1]
        group.append(item)
    flush()
    return rows


def reconcile(a_codings: "pd.DataFrame", b_codings: "pd.DataFrame", texts: Mapping[str, str],
              turns: "pd.DataFrame", units: "pd.DataFrame | None" = None, *, coders: Sequence[str] = ("A", "B"),
              into: str = "consensus", unit: str = "span", min_jaccard: float = 0.5,
              given: Mapping[str, Iterable[str]] | None = None) -> Reconciliation:
    """Find the codings two coders agree on and list their disagreements.

    Parameters
    ----------
    a_codings, b_codings : pandas.DataFrame
        Coder A's and coder B's codings (transcript_id, code, start, end): their human and
        auto layers, never a consensus layer.
    texts : mapping of str to str
        The canonical text of each transcript coded.
    turns : pandas.DataFrame
        The turns of those transcripts (transcript_id, n, start, end): each row names its turn.
    units : pandas.DataFrame, optional
        For ``unit`` other than ``span``: the units compared (transcript_id, n, start, end and,
        for turns, body_start).
    coders : (str, str)
        Coder A's and coder B's names.
    into : str
        Name of the consensus layer (origin ``consensus``).
    unit : {"span", "sentence", "paragraph", "turn"}
        Compare passages (``span``) or units (see the module docstring).
    min_jaccard : float
        For ``unit="span"``: the least overlap (intersection over union of the characters the
        two coders covered with a code) for the code to count as agreed.
    given : mapping of str to iterable of str, optional
        The transcripts each coder was given (returned in a file or assigned:
        :meth:`mio_qual.project.Project.coverage`). With it, agreement's default seen rule
        (:data:`mio_qual.agreement.project_api.SEEN_RULES`, ``"given"``) decides what is a
        disagreement: a coder saw the transcripts they were given or coded in, and a transcript
        one coder did not see is set aside (listed in ``not_seen``), never that coder's
        disagreement. Without it every transcript either coder coded is compared.

    Returns
    -------
    Reconciliation
        With the agreed codings (:func:`consensus_write` says how to write them) and the rows
        of the reconciliation sheet.
    """
    check_reconcile(coders, into, unit, min_jaccard)
    a_name, b_name = coders
    layer_a, layer_b = _layer(a_codings), _layer(b_codings)
    for name, layer in ((a_name, layer_a), (b_name, layer_b)):
        if not layer:
            raise InputError(f"coder {name!r} has no codings in this project",
                             hint="see `mio-qual coding list` for the layers")
    result = Reconciliation((a_name, b_name), into, unit)
    turn_rows = _by_transcript(turns, speech=False)
    unit_rows = _by_transcript(units, speech=unit == "turn") if unit != "span" and units is not None else {}
    saw = None if given is None else {name: {str(t) for t in given.get(name, ())} | set(layer)
                                      for name, layer in ((a_name, layer_a), (b_name, layer_b))}
    for tid in sorted(set(layer_a) | set(layer_b)):
        a_codes, b_codes = layer_a.get(tid, {}), layer_b.get(tid, {})
        blind = [] if saw is None else [name for name in (a_name, b_name) if tid not in saw[name]]
        if blind:  # the same rule as agreement: units of a transcript a coder did not see are missing for them
            for name in blind:
                result.not_seen.setdefault(name, []).append(tid)
            continue
        if unit == "span":
            agreed, items = _span_items(tid, a_codes, b_codes, min_jaccard, into)
        else:
            agreed, items = _unit_items(tid, unit, unit_rows.get(tid, []), a_codes, b_codes, into)
        result.agreed.extend(sorted(agreed, key=lambda c: (c.start, c.end, c.code)))
        silent = b_name if not b_codes else a_name if not a_codes else None
        if silent is not None:  # likely not coded at all (not given, not yet done) rather than a disagreement
            items = [(*item[:5], f"{item[5]} ({silent} coded nothing in {tid})") for item in items]
        if items:
            result.rows.extend(_group_rows(tid, texts[tid], items, _turns(turn_rows.get(tid, []))))
    for number, row in enumerate(result.rows, start=1):
        row.id = f"D{number:04d}"
    return result


def check_reconcile(coders: Sequence[str], into: str, unit: str, min_jaccard: float) -> None:
    """Refuse a reconciliation that cannot be made (before any data is read)."""
    if isinstance(coders, str):
        raise InputError(f"coders takes a list of two layer names, not one string ({coders!r})",
                         hint="coders=['jordan', 'casey'] (on the command line: --coders jordan casey)")
    if len(coders) != 2 or coders[0] == coders[1]:
        raise InputError("reconcile needs two different coders", hint="pass --coders A B")
    if unit not in ("span", "sentence", "paragraph", "turn"):
        raise InputError(f"unknown unit {unit!r}", hint="use span, sentence, paragraph or turn")
    if into in coders:
        raise InputError(f"the consensus layer cannot be coder {into!r}'s own layer",
                         hint="choose another --into name, e.g. consensus")
    from ..validation import check_values

    check_values(overlap=min_jaccard)  # the same rule and words as agreement's overlap


def consensus_write(result: Reconciliation) -> LayerWrite:
    """The agreed codings as a write into the consensus layer.

    It replaces what an earlier reconcile of the same two coders on the same unit wrote
    there; decisions imported from sheets stay.
    """
    a, b = result.coders
    return LayerWrite(result.agreed, coder=result.into, origin="consensus", source_file=_source_name(a, b, result.unit),
                      replace="file", action="reconcile")


def _source_name(a: str, b: str, unit: str) -> str:
    """What the consensus layer records as the source of a reconcile: the same whichever coder is A.

    (Reconciling ``casey jordan`` after ``jordan casey`` replaces the earlier result instead
    of adding it a second time.)
    """
    first, second = sorted((a, b))
    return f"reconcile_{first}_{second}_{unit}"


def earlier_sources(result: Reconciliation) -> list[str]:
    """Source names an earlier reconcile of the same coders may have recorded (before the name was symmetric)."""
    a, b = result.coders
    current = _source_name(a, b, result.unit)
    return [name for name in (f"reconcile_{a}_{b}_{result.unit}", f"reconcile_{b}_{a}_{result.unit}")
            if name != current]


def _codings_cell(items: list[tuple[str, int, int]]) -> str:
    return "; ".join(f"{code} {s}-{e}" for code, s, e in items)


def _codes_cell(items: list[tuple[str, int, int]]) -> str:
    return "; ".join(dict.fromkeys(code for code, _, _ in items))


def sheet_rows(result: Reconciliation, redactor: Callable[[str], str] | None = None) -> list[list[Any]]:
    """The rows of the reconciliation sheet (without header), as written to ``.xlsx``.

    With ``redactor`` (:meth:`mio_qual.project.Project.redactor`) the text column has names replaced;
    importing the sheet reads the machine columns, and checks the text with ``[name]`` standing for any name.
    """
    out = []
    for row in result.rows:
        text = row.text if len(row.text) <= MAX_CELL_TEXT else row.text[:MAX_CELL_TEXT] + " [...]"
        text = redactor(text) if redactor is not None else text
        out.append([row.id, row.transcript_id, row.turn_id or "", text, _codes_cell(row.a), _codes_cell(row.b), "",
                    row.note, row.start, row.end, _codings_cell(row.a), _codings_cell(row.b)])
    return out


def file_stem(result: Reconciliation) -> str:
    """``reconcile_<A>_<B>``: the name of the sheet and the handout (coder names never lead out of a folder)."""
    from ..exports import safe_filename

    a, b = result.coders
    return f"reconcile_{safe_filename(a)}_{safe_filename(b)}"


def handout(result: Reconciliation, redactor: Callable[[str], str] | None = None) -> "Table":
    """The passages to discuss as a table for the meeting's Word handout (rendered by :mod:`mio_qual.reports.render`),
    names replaced by ``redactor`` when given."""
    import pandas as pd

    from ..result import Table

    a, b = result.coders
    columns = ["id", "transcript", "turn", "text", f"A: {a}", f"B: {b}", "decision"]
    frame = pd.DataFrame([[str(v) for v in values[:7]] for values in sheet_rows(result, redactor)], columns=columns)
    note = (f"{len(result.agreed)} codings agreed (in layer '{result.into}'); {len(result.rows)} passages to discuss "
            f"(unit: {result.unit}). Record each decision in reconcile_{a}_{b}.xlsx: keep A, keep B, both, neither, "
            "or code: ID; ID.")
    return Table(frame, title="Passages to discuss", notes=[note], sheet="decisions")


def write_sheet(result: Reconciliation, folder: str | Path, redactor: Callable[[str], str] | None = None) -> Path:
    """Write the reconciliation sheet ``reconcile_<A>_<B>.xlsx`` into ``folder`` and return its path.

    The sheet is written here rather than by the renderer because importing it back needs
    more than a table: the ``about`` sheet naming the coders and the consensus layer, the
    decision column's list of choices, and fixed document times (the same reconciliation
    gives the same file). ``redactor`` replaces names in the text column (see :func:`sheet_rows`).
    """
    import openpyxl
    from openpyxl.styles import Alignment as CellAlignment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..exports import safe_cell

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    a, b = result.coders
    xlsx = folder / f"{file_stem(result)}.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "decisions"
    sheet.append(SHEET_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in sheet_rows(result, redactor):
        sheet.append([safe_cell(v) for v in values])
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.fill = fill
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.alignment = CellAlignment(wrap_text=True, vertical="top")
    widths = {"A": 8, "B": 10, "C": 12, "D": 70, "E": 18, "F": 18, "G": 16, "H": 40, "I": 8, "J": 8, "K": 24, "L": 24}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    if result.rows:
        validation = DataValidation(type="list", formula1='"keep A,keep B,both,neither"', allow_blank=True,
                                    showErrorMessage=False)
        validation.promptTitle = "decision"
        validation.prompt = "keep A, keep B, both, neither, or code: ID; ID"
        sheet.add_data_validation(validation)
        validation.add(f"G2:G{len(result.rows) + 1}")
    about = book.create_sheet(ABOUT_SHEET)
    about.append(["key", "value"])
    for key, value in (("coder A", a), ("coder B", b), ("into", result.into), ("unit", result.unit),
                       ("rows", len(result.rows)), ("agreed codings", len(result.agreed)),
                       *((f"not seen by {coder}", ", ".join(tids) + " (set aside: not given to them, nothing coded;"
                          " `mio-qual coding assign` if they were)") for coder, tids in result.not_seen.items()),
                       ("how to decide", "keep A | keep B | both | neither | code: ID; ID  (empty: undecided)"),
                       ("then", "mio-qual coding import " + xlsx.name)):
        about.append([key, safe_cell(value)])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    _fixed_times(book.properties)
    from ..reports.reproducible import save_stamped

    save_stamped(book, xlsx)  # openpyxl writes the time of saving into the file: fixed, so reruns are identical
    return xlsx


def _fixed_times(properties: Any) -> None:
    from datetime import datetime

    fixed = datetime(2000, 1, 1)
    properties.created = fixed
    properties.modified = fixed


# ------------------------------------------------------------------------------ decisions
@dataclass
class DecisionImport:
    """What importing a filled reconciliation sheet did."""

    file: str
    into: str
    decided: int = 0
    undecided: int = 0
    inserted: int = 0
    removed: int = 0


def _same_text(shown: str, text: str) -> bool:
    """True when the sheet's text is the transcript's, ``[name]`` standing for any name (a redacted sheet)."""
    from ..deidentify import PLACEHOLDER

    shown, text = normalize(shown).text.strip(), normalize(text).text.strip()
    if PLACEHOLDER not in shown:
        return shown == text
    pattern = r".+?".join(re.escape(part) for part in shown.split(PLACEHOLDER))
    return re.fullmatch(pattern, text, re.DOTALL) is not None


def _parse_codings_cell(value: Any) -> list[tuple[str, int, int]] | None:
    if value is None or not str(value).strip():
        return []
    out = []
    for piece in str(value).split(";"):
        if not piece.strip():
            continue
        match = _SPAN_ITEM.match(piece)
        if not match:
            return None
        out.append((match.group("code"), int(match.group("start")), int(match.group("end"))))
    return out


def _passage(transcript: Any, start: Any, end: Any) -> list[Any]:
    """An undecided row's passage as ``[transcript, start, end]`` (as the sheet has them when not numbers)."""
    def number(value: Any) -> Any:
        return int(value) if isinstance(value, (int, float)) and value == value else value

    return [None if transcript is None else str(transcript), number(start), number(end)]


def _decide(decision: str, a_name: str, b_name: str) -> str | None:
    key = " ".join(decision.casefold().replace("_", " ").split())
    for prefix in ("keep ", "take ", "use "):
        if key.startswith(prefix):
            key = key[len(prefix):]
    if key in ("a", "coder a", a_name.casefold()):
        return "a"
    if key in ("b", "coder b", b_name.casefold()):
        return "b"
    if key in ("both", "a and b", "a+b", "all"):
        return "both"
    if key in ("neither", "none", "no code", "drop", "discard"):
        return "neither"
    if key.startswith("code"):
        return "code"
    return None


@dataclass
class Decisions:
    """The decisions of a filled reconciliation sheet, read and checked, ready to be written."""

    write: LayerWrite
    counts: DecisionImport

    def result(self, written: WriteResult) -> DecisionImport:
        """What the import did, given what writing :attr:`write` did."""
        c = self.counts
        return DecisionImport(c.file, c.into, c.decided, c.undecided, written.inserted, written.removed)


def read_decisions(path: str | Path, codebook: "Codebook", texts: Mapping[str, str], skip_problems: bool = False,
                   sheets: "list[Sheet] | None" = None) -> Decisions:
    """Read the decisions of a filled reconciliation sheet as codings of the consensus layer.

    Parameters
    ----------
    path : path
        The sheet :func:`write_sheet` wrote, with its decisions filled in.
    codebook : Codebook
        For ``code: X; Y`` decisions.
    texts : mapping of str to str
        The canonical text of each transcript (a row naming one it lacks is a problem).
    skip_problems : bool
        Keep the good rows.
    sheets : list of Sheet, optional
        The file's sheets, when already read.

    Raises
    ------
    InputError
        Listing every bad row (sheet, row, column).
    """
    from .spreadsheet import _clean, _is_formula, read_sheets

    path = Path(path)
    book = codebook
    sheets = read_sheets(path) if sheets is None else sheets
    about: dict[str, Any] = {}
    decisions = None
    for sheet in sheets:
        if sheet.name == ABOUT_SHEET:
            for _, cells in sheet.rows:
                if cells and cells[0] is not None:
                    about[str(cells[0]).strip().casefold()] = _clean(cells[1] if len(cells) > 1 else None)
        elif "decision" in sheet.header:
            decisions = sheet
    if decisions is None:
        raise InputError("no sheet with a 'decision' column", path=path, hint="use the sheet `coding reconcile` wrote")
    a_name = str(about.get("coder a") or "A")
    b_name = str(about.get("coder b") or "B")
    into = str(about.get("into") or "consensus")
    position = {name: i for i, name in enumerate(decisions.header)}
    for needed in ("id", "transcript", "decision", "start", "end", "a_codings", "b_codings"):
        if needed not in position:
            raise InputError(f"the reconciliation sheet has no {needed!r} column", path=path,
                             hint="use the sheet `coding reconcile` wrote, with its columns unchanged")
    where_sheet = f"{path.name}, sheet {decisions.name!r}" if decisions.name else path.name
    problems: list[str] = []
    codings: list[Coding] = []
    result = DecisionImport(str(path), into)
    passages: dict[str, list[list[Any]]] = {"decided": [], "undecided": []}  # [transcript, start, end] of each row
    for row_number, cells in decisions.rows:
        def value(name: str) -> Any:
            i = position[name]
            return cells[i] if i < len(cells) else None

        def problem(name: str, message: str, hint: str) -> None:
            problems.append(f"{where_sheet}, row {row_number}, column {decisions.column(position[name])}: {message} "
                            f"({hint})")

        raw_decision = value("decision")
        if _is_formula(raw_decision):
            problem("decision", "formula cell", "type the decision as text")
            continue
        decision = _clean(raw_decision)
        if decision is None:
            result.undecided += 1
            passages["undecided"].append(_passage(_clean(value("transcript")), _clean(value("start")),
                                                  _clean(value("end"))))
            continue
        kind = _decide(str(decision), a_name, b_name)
        if kind is None:
            problem("decision", f"unknown decision {str(decision)!r}",
                    "write keep A, keep B, both, neither, or code: ID; ID")
            continue
        tid = _clean(value("transcript"))
        start, end = _clean(value("start")), _clean(value("end"))
        a_items, b_items = _parse_codings_cell(_clean(value("a_codings"))), _parse_codings_cell(_clean(value("b_codings")))
        if tid is None or str(tid) not in texts:
            problem("transcript", f"no transcript {tid!r} in this project", "do not edit the transcript column")
            continue
        tid = str(tid)
        if a_items is None or b_items is None or not isinstance(start, (int, float)) or not isinstance(end, (int, float)):
            problem("a_codings" if a_items is None else "b_codings" if b_items is None else "start",
                    "the row's machine columns were changed", "do not edit columns start, end, a_codings, b_codings")
            continue
        start, end = int(start), int(end)
        if "text" in position and _clean(value("text")) is not None:
            shown = str(_clean(value("text")))
            if not shown.endswith(" [...]") and not _same_text(shown, texts[tid][start:end]):
                problem("text", "the transcript text here has changed since the sheet was made",
                        "run `mio-qual coding reconcile` again and decide on the new sheet")
                continue
        chosen: list[tuple[str, int, int]] = []
        if kind == "a":
            chosen = list(a_items)
        elif kind == "b":
            chosen = list(b_items)
        elif kind == "both":
            by_code: dict[str, list[Interval]] = {}
            for code, s, e in a_items + b_items:
                by_code.setdefault(code, []).append((s, e))
            chosen = [(code, s, e) for code in sorted(by_code) for s, e in _merge(by_code[code])]
        elif kind == "code":
            ids, code_problems = parse_cell(book, re.sub(r"^\s*code\s*[:=]?\s*", "", str(decision), flags=re.I))
            if code_problems:
                for message in code_problems:
                    problem("decision", message, "write code: followed by code ids or names separated by ';'")
                continue
            chosen = [(code, start, end) for code in ids]
        result.decided += 1
        passages["decided"].append([tid, start, end])
        for code, s, e in chosen:
            codings.append(Coding(tid, s, e, code, into, "consensus", memo=f"reconciled: {decision} ({value('id')})"))
    if problems and not skip_problems:
        raise InputError(f"{len(problems)} problem(s) in the reconciliation sheet, so nothing was imported; "
                         f"first: {problems[0]}", path=path, hint="fix every row listed", details=problems)
    # the study report's methods say both counts; the passages let them count a passage on several sheets once
    detail = {"decided": result.decided, "undecided": result.undecided, "coders": [a_name, b_name],
              "passages": passages}
    return Decisions(LayerWrite(codings, coder=into, origin="consensus", source_file=path, replace="file",
                                action="import reconciliation decisions", detail=detail), result)


__all__ = ["reconcile", "check_reconcile", "consensus_write", "earlier_sources", "read_decisions", "Decisions", "handout", "file_stem", "write_sheet", "sheet_rows", "Reconciliation", "DisagreementRow",
           "DecisionImport", "SHEET_COLUMNS", "DECISION_MEMO"]

"""Reading codings back as DataFrames: one row per coding, or a unit-by-code matrix.

:func:`codings` is what ``project.codings()`` returns; :func:`code_matrix` what
``project.code_matrix()`` returns. Both work transcript by transcript with binary search over
the (ordered, non-overlapping) segments, so their cost grows with the number of codings and
segments, never with their product.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Iterable, Sequence

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project

CODING_COLUMNS = ["coding_id", "transcript_id", "start", "end", "code", "coder", "origin", "created", "memo",
                  "codebook_version", "source_file", "probability", "evidence", "text", "turn_id",
                  "sentence_ids", "clinic", "speaker", "unit"]
UNITS = ("turn", "paragraph", "sentence", "transcript")
_PREFIX = {"turn": "t", "paragraph": "p", "sentence": "s"}


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def _where(coder: str | Sequence[str] | None, origin: str | Sequence[str] | None,
           transcript_id: str | Sequence[str] | None, code: str | Sequence[str] | None) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    for column, value in (("c.coder", coder), ("c.origin", origin), ("c.transcript_id", transcript_id),
                          ("c.code", code)):
        values = _as_list(value)
        if values is None:
            continue
        clauses.append(f"{column} IN ({','.join('?' * len(values))})" if values else "0")
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class _Segments:
    """The ordered, non-overlapping segments of one kind in one transcript."""

    def __init__(self, rows: list[tuple[int, int, int, str | None]]) -> None:
        rows.sort(key=lambda r: r[1])
        self.n = [r[0] for r in rows]
        self.starts = [r[1] for r in rows]
        self.ends = [r[2] for r in rows]
        self.speakers = [r[3] for r in rows]

    def overlapping(self, start: int, end: int) -> range:
        """Positions (in this list) of the segments that share at least one character with ``[start, end)``."""
        first = bisect_right(self.ends, start)  # ends are increasing: first segment ending after start
        last = bisect_left(self.starts, end)  # segments starting before end
        return range(first, max(first, last))

    def containing(self, offset: int) -> int | None:
        """Position of the segment holding ``offset``, else of the first one after it, else None."""
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return i
        return i + 1 if i + 1 < len(self.starts) else None


def _load_segments(project: "Project", transcript_ids: Iterable[str], kinds: Sequence[str]) -> dict:
    """``{(transcript_id, kind): _Segments}`` for the given transcripts."""
    ids = sorted(set(transcript_ids))
    out: dict[tuple[str, str], list] = {}
    connection = project.store.connection
    chunk = 500
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        marks = ",".join("?" * len(part))
        kind_marks = ",".join("?" * len(kinds))
        for tid, kind, n, start, end, speaker in connection.execute(
            f"SELECT transcript_id, kind, n, start, end, speaker FROM segments WHERE transcript_id IN ({marks})"
            f" AND kind IN ({kind_marks})", [*part, *kinds]
        ):
            out.setdefault((tid, kind), []).append((n, start, end, speaker))
    return {key: _Segments(rows) for key, rows in out.items()}


def codings(project: "Project", coder: str | Sequence[str] | None = None, origin: str | Sequence[str] | None = None,
            transcript_id: str | Sequence[str] | None = None, code: str | Sequence[str] | None = None) -> "pd.DataFrame":
    """Codings as a DataFrame, one row per coding, with the coded text and where it sits.

    Parameters
    ----------
    project : Project
    coder, origin, transcript_id, code : str or sequence of str, optional
        Keep only these layers, origins (human, consensus, rules, model), transcripts or codes.

    Returns
    -------
    pandas.DataFrame
        Columns: coding_id, transcript_id, start, end, code, coder, origin, created, memo,
        codebook_version, source_file, probability, evidence, text (the coded text),
        turn_id (the turn containing ``start``, e.g. ``INT01:t12``; the next turn when
        ``start`` falls between turns), sentence_ids (every sentence the coding overlaps,
        ``;``-joined), clinic, speaker (of that turn), unit (the unit an auto-coder worked on).
        Sorted by transcript, start, end, code, coder.
    """
    import pandas as pd

    where, params = _where(coder, origin, transcript_id, code)
    rows = project.store.connection.execute(
        "SELECT c.id, c.transcript_id, c.start, c.end, c.code, c.coder, c.origin, c.created, c.memo,"
        " c.codebook_version, c.source_file, c.probability, c.evidence,"
        " substr(t.text, c.start + 1, c.end - c.start), t.clinic, c.unit"
        " FROM codings c JOIN transcripts t ON t.id = c.transcript_id" + where
        + " ORDER BY c.transcript_id, c.start, c.end, c.code, c.coder, c.id", params).fetchall()
    segments = _load_segments(project, {r[1] for r in rows}, ("turn", "sentence"))
    records = []
    for (cid, tid, start, end, code_, coder_, origin_, created, memo, version, source, probability, evidence,
         text, clinic, unit) in rows:
        turn_id = speaker = None
        turns = segments.get((tid, "turn"))
        if turns is not None:
            i = turns.containing(start)
            if i is not None and turns.starts[i] < end:
                turn_id, speaker = f"{tid}:t{turns.n[i]}", turns.speakers[i]
        sentence_ids = ""
        sentences = segments.get((tid, "sentence"))
        if sentences is not None:
            sentence_ids = ";".join(f"{tid}:s{sentences.n[i]}" for i in sentences.overlapping(start, end))
        records.append((cid, tid, start, end, code_, coder_, origin_, created, memo, version, source, probability,
                        evidence, text, turn_id, sentence_ids, clinic, speaker, unit))
    frame = pd.DataFrame.from_records(records, columns=CODING_COLUMNS)
    if not len(frame):
        frame = frame.astype({"coding_id": "int64", "start": "int64", "end": "int64", "probability": "float64"})
    return frame


def code_matrix(project: "Project", unit: str = "turn", coder: str | Sequence[str] | None = None,
                codes: Sequence[str] | None = None, min_overlap: int = 1,
                origin: str | Sequence[str] | None = None,
                transcript_id: str | Sequence[str] | None = None) -> "pd.DataFrame":
    """Binary unit-by-code matrix: 1 where some coding of a code overlaps the unit.

    Parameters
    ----------
    project : Project
    unit : {"turn", "paragraph", "sentence", "transcript"}
        The unit of analysis (DESIGN.md, decision 5). Turns include the speaker label;
        paragraphs and sentences cover speech only.
    coder : str or sequence of str, optional
        Layers to use (their union); all layers when omitted.
    codes : sequence of str, optional
        The columns, in this order (a code nobody applied gives a column of zeros). Default:
        every code applied, sorted.
    min_overlap : int
        How many characters a coding must share with a unit for the unit to have the code.
        A unit shorter than ``min_overlap`` counts when the coding covers all of it.
    origin, transcript_id : str or sequence of str, optional
        Further filters.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment id (``INT01:t12``, ``INT01:p30``, ``INT01:s88`` or the transcript id
        for ``unit="transcript"``), one row for every unit of the transcripts in scope (every
        transcript unless ``transcript_id`` is given), one int8 column per code.
    """
    import numpy as np
    import pandas as pd

    if unit not in UNITS:
        raise InputError(f"unknown unit {unit!r}", hint="use " + ", ".join(UNITS))
    if min_overlap < 1:
        raise InputError("min_overlap must be at least 1 character")
    where, params = _where(coder, origin, transcript_id, codes)
    rows = project.store.connection.execute(
        "SELECT c.transcript_id, c.start, c.end, c.code FROM codings c" + where, params).fetchall()
    columns = list(dict.fromkeys(codes)) if codes is not None else sorted({r[3] for r in rows})
    column_of = {c: i for i, c in enumerate(columns)}
    ids = _as_list(transcript_id)
    if ids is None:
        ids = [r[0] for r in project.store.connection.execute("SELECT id FROM transcripts ORDER BY id")]
    if unit == "transcript":
        index = list(ids)
        position = {t: i for i, t in enumerate(index)}
        values = np.zeros((len(index), len(columns)), dtype=np.int8)
        for tid, start, end, code_ in rows:
            if tid in position and code_ in column_of and end - start >= min_overlap:
                values[position[tid], column_of[code_]] = 1
        frame = pd.DataFrame(values, index=pd.Index(index, name="segment_id"), columns=columns)
        return frame
    segments = _load_segments(project, ids, (unit,))
    index: list[str] = []
    offset: dict[str, int] = {}
    for tid in sorted(ids):
        seg = segments.get((tid, unit))
        offset[tid] = len(index)
        if seg is not None:
            index.extend(f"{tid}:{_PREFIX[unit]}{n}" for n in seg.n)
    values = np.zeros((len(index), len(columns)), dtype=np.int8)
    for tid, start, end, code_ in rows:
        seg = segments.get((tid, unit))
        if seg is None or code_ not in column_of or tid not in offset:
            continue
        j = column_of[code_]
        for i in seg.overlapping(start, end):
            shared = min(end, seg.ends[i]) - max(start, seg.starts[i])
            if shared >= min_overlap or (start <= seg.starts[i] and seg.ends[i] <= end):
                values[offset[tid] + i, j] = 1
    return pd.DataFrame(values, index=pd.Index(index, name="segment_id"), columns=columns)


__all__ = ["codings", "code_matrix", "CODING_COLUMNS", "UNITS"]

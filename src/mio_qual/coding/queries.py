"""Codings as DataFrames: one row per coding with where it sits, or a unit-by-code matrix.

:func:`annotate_codings` is what ``project.codings()`` returns; :func:`code_matrix` what
``project.code_matrix()`` returns. Both take the stored rows and segments as DataFrames and
work transcript by transcript with binary search over the (ordered, non-overlapping)
segments, so their cost grows with the number of codings and segments, never with their
product. Each transcript's text is sliced from one read of the texts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Mapping, Sequence

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

CODING_COLUMNS = ["coding_id", "transcript_id", "start", "end", "code", "coder", "origin", "created", "memo",
                  "codebook_version", "source_file", "probability", "evidence", "text", "turn_id",
                  "sentence_ids", "clinic", "speaker", "unit"]
UNITS = ("turn", "paragraph", "sentence", "transcript")
_PREFIX = {"turn": "t", "paragraph": "p", "sentence": "s"}


class Segments:
    """The ordered, non-overlapping segments of one kind in one transcript.

    Parameters
    ----------
    rows : list of (n, start, end, speaker)
    """

    def __init__(self, rows: list[tuple[int, int, int, str | None]]) -> None:
        rows = sorted(rows, key=lambda r: r[1])
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


def segments_by_transcript(frame: "pd.DataFrame") -> dict[str, Segments]:
    """``{transcript_id: Segments}`` from a frame with transcript_id, n, start, end and (optionally) speaker."""
    out: dict[str, list[tuple[int, int, int, str | None]]] = {}
    speakers = frame["speaker"] if "speaker" in frame.columns else [None] * len(frame)
    columns = (frame[c].tolist() for c in ("transcript_id", "n", "start", "end"))
    for tid, n, start, end, speaker in zip(*columns, speakers):
        out.setdefault(tid, []).append((int(n), int(start), int(end), speaker))
    return {tid: Segments(rows) for tid, rows in out.items()}


def annotate_codings(rows: "pd.DataFrame", texts: Mapping[str, str], turns: "pd.DataFrame",
                     sentences: "pd.DataFrame", clinics: Mapping[str, str | None]) -> "pd.DataFrame":
    """Codings with the coded text, their turn and sentences, clinic and speaker.

    Parameters
    ----------
    rows : pandas.DataFrame
        Stored codings (columns of :data:`mio_qual.store.codings.CODING_FIELDS`), sorted by
        transcript, start, end, code, coder and id.
    texts : mapping of str to str
        The canonical text of every transcript coded (each read once).
    turns, sentences : pandas.DataFrame
        Segments of the transcripts coded: transcript_id, n, start, end, speaker.
    clinics : mapping of str to str or None
        Each transcript's clinic.

    Returns
    -------
    pandas.DataFrame
        Columns: coding_id, transcript_id, start, end, code, coder, origin, created, memo,
        codebook_version, source_file, probability, evidence, text (the coded text),
        turn_id (the turn containing ``start``, e.g. ``INT01:t12``; the next turn when
        ``start`` falls between turns), sentence_ids (every sentence the coding overlaps,
        ``;``-joined), clinic, speaker (of that turn), unit (the unit an auto-coder worked on).
    """
    import pandas as pd

    turn_segments = segments_by_transcript(turns)
    sentence_segments = segments_by_transcript(sentences)
    records = []
    text = ""
    current = None
    for (cid, tid, start, end, code_, coder_, origin_, created, memo, version, source, probability, evidence,
         unit) in zip(*(rows[c].tolist() for c in rows.columns)):
        if tid != current:  # rows come sorted by transcript: each text is looked up once
            current, text = tid, texts[tid]
        turn_id = speaker = None
        seg = turn_segments.get(tid)
        if seg is not None:
            i = seg.containing(start)
            if i is not None and seg.starts[i] < end:
                turn_id, speaker = f"{tid}:t{seg.n[i]}", seg.speakers[i]
        sentence_ids = ""
        seg = sentence_segments.get(tid)
        if seg is not None:
            sentence_ids = ";".join(f"{tid}:s{seg.n[i]}" for i in seg.overlapping(start, end))
        records.append((cid, tid, start, end, code_, coder_, origin_, created, memo, version, source, probability,
                        evidence, text[start:end], turn_id, sentence_ids, clinics.get(tid), speaker, unit))
    frame = pd.DataFrame.from_records(records, columns=CODING_COLUMNS)
    if not len(frame):
        frame = frame.astype({"coding_id": "int64", "start": "int64", "end": "int64", "probability": "float64"})
    return frame


def check_matrix_options(unit: str, min_overlap: int) -> None:
    """Refuse an unknown unit or a ``min_overlap`` below one character."""
    if unit not in UNITS:
        raise InputError(f"unknown unit {unit!r}", hint="use " + ", ".join(UNITS))
    if min_overlap < 1:
        raise InputError("min_overlap must be at least 1 character")


def code_matrix(spans: "pd.DataFrame", transcript_ids: Sequence[str], segments: "pd.DataFrame | None",
                unit: str = "turn", codes: Sequence[str] | None = None, min_overlap: int = 1) -> "pd.DataFrame":
    """Binary unit-by-code matrix: 1 where some coding of a code overlaps the unit.

    Parameters
    ----------
    spans : pandas.DataFrame
        The codings to count: transcript_id, start, end, code.
    transcript_ids : sequence of str
        The transcripts in scope (their units are the rows).
    segments : pandas.DataFrame or None
        The units of those transcripts (transcript_id, n, start, end); None for
        ``unit="transcript"``.
    unit : {"turn", "paragraph", "sentence", "transcript"}
        The unit of analysis (DESIGN.md, decision 5). Turns include the speaker label;
        paragraphs and sentences cover speech only.
    codes : sequence of str, optional
        The columns, in this order (a code nobody applied gives a column of zeros). Default:
        every code applied, sorted.
    min_overlap : int
        How many characters a coding must share with a unit for the unit to have the code.
        A unit shorter than ``min_overlap`` counts when the coding covers all of it.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment id (``INT01:t12``, ``INT01:p30``, ``INT01:s88`` or the transcript id
        for ``unit="transcript"``), one row for every unit of the transcripts in scope, one
        int8 column per code.
    """
    import numpy as np
    import pandas as pd

    check_matrix_options(unit, min_overlap)
    rows = list(zip(*(spans[c].tolist() for c in ("transcript_id", "start", "end", "code"))))
    columns = list(dict.fromkeys(codes)) if codes is not None else sorted({r[3] for r in rows})
    column_of = {c: i for i, c in enumerate(columns)}
    if unit == "transcript":
        index = list(transcript_ids)
        position = {t: i for i, t in enumerate(index)}
        values = np.zeros((len(index), len(columns)), dtype=np.int8)
        for tid, start, end, code_ in rows:
            if tid in position and code_ in column_of and end - start >= min_overlap:
                values[position[tid], column_of[code_]] = 1
        return pd.DataFrame(values, index=pd.Index(index, name="segment_id"), columns=columns)
    by_transcript = segments_by_transcript(segments) if segments is not None else {}
    index: list[str] = []
    offset: dict[str, int] = {}
    for tid in sorted(transcript_ids):
        seg = by_transcript.get(tid)
        offset[tid] = len(index)
        if seg is not None:
            index.extend(f"{tid}:{_PREFIX[unit]}{n}" for n in seg.n)
    values = np.zeros((len(index), len(columns)), dtype=np.int8)
    for tid, start, end, code_ in rows:
        seg = by_transcript.get(tid)
        if seg is None or code_ not in column_of or tid not in offset:
            continue
        j = column_of[code_]
        for i in seg.overlapping(start, end):
            shared = min(end, seg.ends[i]) - max(start, seg.starts[i])
            if shared >= min_overlap or (start <= seg.starts[i] and seg.ends[i] <= end):
                values[offset[tid] + i, j] = 1
    return pd.DataFrame(values, index=pd.Index(index, name="segment_id"), columns=columns)


__all__ = ["annotate_codings", "code_matrix", "check_matrix_options", "segments_by_transcript", "Segments",
           "CODING_COLUMNS", "UNITS"]

"""Writing parsed transcripts into the store and reading them back as rows."""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..transcripts.model import Transcript
from .db import now_iso

CORE_METADATA = ("kind", "agency", "clinic", "participant_id", "role", "date", "interviewer")


@dataclass(frozen=True)
class MovedCodings:
    """What replacing a transcript's text did to the codings on it."""

    kept: int
    changed: int  # codings whose coded text differs after the move (listed in the audit trail)
    changed_codings: tuple[dict[str, Any], ...] = ()  # id, coder, code, old and new [start, end) of each


def existing_hash(connection: sqlite3.Connection, transcript_id: str) -> str | None:
    """The stored text hash of ``transcript_id``, or None when it is not in the project."""
    row = connection.execute("SELECT text_hash FROM transcripts WHERE id = ?", (transcript_id,)).fetchone()
    return row[0] if row else None


def _metadata_row(transcript: Transcript) -> dict[str, Any]:
    """The ``transcripts`` columns that hold metadata: one per :data:`CORE_METADATA` key, the rest as JSON."""
    extra = {k: _as_text(v) for k, v in transcript.metadata.items() if k not in CORE_METADATA}
    return {**{key: _as_text(transcript.metadata.get(key)) for key in CORE_METADATA},
            "attributes": json.dumps(extra, sort_keys=True, default=str)}


def _row(transcript: Transcript) -> dict[str, Any]:
    """Every ``transcripts`` column for ``transcript`` but ``id``, imported now."""
    return {
        "text": transcript.text, "text_hash": transcript.hash, "n_words": transcript.n_words,
        "source_path": transcript.source_path, "source_format": transcript.source_format,
        "encoding": transcript.encoding, "speaker_style": transcript.speaker_style, **_metadata_row(transcript),
        "warnings": json.dumps(transcript.warnings), "imported_at": now_iso(),
    }


def _update(connection: sqlite3.Connection, transcript_id: str, values: dict[str, Any]) -> None:
    """Set the columns named in ``values`` on one stored transcript."""
    connection.execute(f"UPDATE transcripts SET {', '.join(f'{column} = ?' for column in values)} WHERE id = ?",
                       (*values.values(), transcript_id))


def _as_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    if isinstance(value, (int, float, str)):
        return value if not isinstance(value, str) or value.strip() else None
    return str(value)


def insert_transcript(connection: sqlite3.Connection, transcript: Transcript) -> None:
    """Insert a transcript with its speakers, segments, notes and source map (no commit)."""
    row = {"id": transcript.id, **_row(transcript)}
    connection.execute(f"INSERT INTO transcripts ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                       tuple(row.values()))
    _insert_parts(connection, transcript)


def _insert_parts(connection: sqlite3.Connection, transcript: Transcript) -> None:
    tid = transcript.id
    connection.executemany(
        "INSERT INTO speakers (transcript_id, label, study_id, role) VALUES (?,?,?,?)",
        [(tid, s.label, s.study_id, s.role) for s in transcript.speakers],
    )
    rows = [(tid, "turn", t.n, t.start, t.end, t.n, None, t.speaker, t.body_start, t.start_time, t.end_time)
            for t in transcript.turns]
    speaker_of = {t.n: t.speaker for t in transcript.turns}
    rows += [(tid, "paragraph", p.n, p.start, p.end, p.turn_n, p.n, speaker_of.get(p.turn_n), None, None, None)
             for p in transcript.paragraphs]
    rows += [(tid, "sentence", s.n, s.start, s.end, s.turn_n, s.paragraph_n, speaker_of.get(s.turn_n), None, None, None)
             for s in transcript.sentences]
    connection.executemany(
        "INSERT INTO segments (transcript_id, kind, n, start, end, turn_n, paragraph_n, speaker, body_start,"
        " start_time, end_time) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    connection.executemany(
        "INSERT OR IGNORE INTO notes (transcript_id, start, end, kind, time) VALUES (?,?,?,?,?)",
        [(tid, n.start, n.end, n.kind, n.time) for n in transcript.notes],
    )
    connection.executemany(
        "INSERT INTO source_blocks (transcript_id, idx, start, end) VALUES (?,?,?,?)",
        [(tid, b.index, b.start, b.end) for b in transcript.source_blocks],
    )


def update_metadata(connection: sqlite3.Connection, transcript: Transcript) -> bool:
    """Update a stored transcript's metadata and speaker roles (its text is unchanged).

    Returns True when anything changed.
    """
    after = _metadata_row(transcript)
    before = connection.execute(f"SELECT {', '.join(after)} FROM transcripts WHERE id = ?", (transcript.id,)).fetchone()
    speakers_before = connection.execute(
        "SELECT label, study_id, role FROM speakers WHERE transcript_id = ? ORDER BY label", (transcript.id,)
    ).fetchall()
    speakers_after = sorted((s.label, s.study_id, s.role) for s in transcript.speakers)
    if tuple(before) == tuple(after.values()) and speakers_before == speakers_after:
        return False
    _update(connection, transcript.id, after)
    connection.execute("DELETE FROM speakers WHERE transcript_id = ?", (transcript.id,))
    connection.executemany(
        "INSERT INTO speakers (transcript_id, label, study_id, role) VALUES (?,?,?,?)",
        [(transcript.id, *row) for row in speakers_after],
    )
    return True


def replace_transcript(connection: sqlite3.Connection, transcript: Transcript) -> MovedCodings:
    """Replace a stored transcript's text, moving the codings on it to the new offsets.

    Each coding's start and end are carried through a character alignment of the old and new
    texts (``difflib.SequenceMatcher``). A coding whose coded text is the same afterwards is
    ``kept``; one whose text changed is kept at its moved offsets, counted as ``changed`` and
    listed in the audit trail, so nothing is dropped silently.
    """
    old_text = connection.execute("SELECT text FROM transcripts WHERE id = ?", (transcript.id,)).fetchone()[0]
    codings = connection.execute(
        "SELECT id, start, end, coder, code FROM codings WHERE transcript_id = ? ORDER BY id", (transcript.id,)
    ).fetchall()
    kept = changed = 0
    changed_codings: list[dict[str, Any]] = []
    if codings:
        mapper = _OffsetMapper(old_text, transcript.text)
        for coding_id, start, end, coder, code in codings:
            new_start, new_end = mapper.map(start), mapper.map(end)
            if new_end <= new_start:
                new_end = min(new_start + 1, len(transcript.text))
                new_start = max(0, new_end - 1)
            if transcript.text[new_start:new_end] == old_text[start:end]:
                kept += 1
            else:
                changed += 1
                changed_codings.append({"coding_id": coding_id, "coder": coder, "code": code,
                                        "was": [start, end], "now": [new_start, new_end]})
            connection.execute("UPDATE codings SET start = ?, end = ? WHERE id = ?", (new_start, new_end, coding_id))
    for table in ("speakers", "segments", "notes", "source_blocks"):
        connection.execute(f"DELETE FROM {table} WHERE transcript_id = ?", (transcript.id,))
    _update(connection, transcript.id, _row(transcript))
    _insert_parts(connection, transcript)
    return MovedCodings(kept=kept, changed=changed, changed_codings=tuple(changed_codings))


class _OffsetMapper:
    """Carries offsets in an old text to the matching places in a new one."""

    def __init__(self, old: str, new: str) -> None:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        self.opcodes = matcher.get_opcodes()

    def map(self, offset: int) -> int:
        for tag, i1, i2, j1, j2 in self.opcodes:
            if i1 <= offset < i2 or (offset == i2 and tag == "equal"):
                if tag == "equal":
                    return j1 + (offset - i1)
                return j1 if offset == i1 else j2
        return self.opcodes[-1][4] if self.opcodes else 0

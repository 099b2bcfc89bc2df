"""The transcripts tables: transcripts, speakers, segments, notes, source_blocks, private_names.

Functions take the :class:`~mio_qual.store.db.Store` first and never commit: the caller (a
:class:`~mio_qual.project.Project` method) holds the transaction. Writes go through
``executemany``; reads return pandas DataFrames, dicts or :class:`Transcript` objects. The SQL
is standard but for ``WITHOUT ROWID`` in the schema (``ON CONFLICT DO NOTHING`` is understood by
SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from .db import now_iso

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..transcripts.model import Transcript
    from .db import Store

CORE_METADATA = ("kind", "agency", "clinic", "participant_id", "role", "date", "interviewer")

_LISTING = ["transcript_id", "kind", "agency", "clinic", "participant_id", "role", "date", "interviewer",
            "n_words", "n_turns", "n_speakers", "speaker_style", "source_format", "source_path",
            "encoding", "text_hash", "imported_at"]
SEGMENT_COLUMNS = ["transcript_id", "n", "start", "end", "turn_n", "paragraph_n", "speaker", "study_id",
                   "speaker_role", "body_start", "start_time", "end_time", "clinic", "agency", "transcript_kind"]


@dataclass(frozen=True)
class MovedCodings:
    """What replacing a transcript's text did to the codings on it."""

    kept: int
    changed: int  # codings whose coded text differs after the move (listed in the audit trail)
    changed_codings: tuple[dict[str, Any], ...] = ()  # id, coder, code, old and new [start, end) of each


# ---------------------------------------------------------------------------------- writing
def existing_hash(store: "Store", transcript_id: str) -> str | None:
    """The stored text hash of ``transcript_id``, or None when it is not in the project."""
    row = store.connection.execute("SELECT text_hash FROM transcripts WHERE id = ?", (transcript_id,)).fetchone()
    return row[0] if row else None


def stored_turns(store: "Store", transcript_id: str) -> list[tuple[int, int, int, int | None, str]]:
    """The stored turns of one transcript as ``(n, start, end, body_start, speaker)``, in order."""
    return [tuple(row) for row in store.connection.execute(  # type: ignore[misc]
        "SELECT n, start, end, body_start, speaker FROM segments WHERE transcript_id = ? AND kind = 'turn'"
        " ORDER BY n", (transcript_id,))]


def _metadata_row(transcript: "Transcript") -> dict[str, Any]:
    """The ``transcripts`` columns that hold metadata: one per :data:`CORE_METADATA` key, the rest as JSON."""
    extra = {k: _as_text(v) for k, v in transcript.metadata.items() if k not in CORE_METADATA}
    return {**{key: _as_text(transcript.metadata.get(key)) for key in CORE_METADATA},
            "attributes": json.dumps(extra, sort_keys=True, default=str)}


def _row(transcript: "Transcript", text_hash: str | None = None, n_words: int | None = None) -> dict[str, Any]:
    """Every ``transcripts`` column for ``transcript`` but ``id``, imported now (``text_hash`` and
    ``n_words``, when the caller has them, are the transcript's own: not computed again)."""
    return {
        "text": transcript.text, "text_hash": text_hash or transcript.hash,
        "n_words": transcript.n_words if n_words is None else n_words,
        "source_path": transcript.source_path, "source_format": transcript.source_format,
        "encoding": transcript.encoding, "speaker_style": transcript.speaker_style, **_metadata_row(transcript),
        "warnings": json.dumps(transcript.warnings), "imported_at": now_iso(),
    }


def _update(store: "Store", transcript_id: str, values: dict[str, Any]) -> None:
    """Set the columns named in ``values`` on one stored transcript."""
    store.connection.execute(
        f"UPDATE transcripts SET {', '.join(f'{column} = ?' for column in values)} WHERE id = ?",
        (*values.values(), transcript_id))


def _as_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    if isinstance(value, (int, float, str)):
        return value if not isinstance(value, str) or value.strip() else None
    return str(value)


def insert_transcript(store: "Store", transcript: "Transcript", *, text_hash: str | None = None,
                      n_words: int | None = None) -> None:
    """Insert a transcript with its speakers, segments, notes and source map.

    ``text_hash`` and ``n_words``: the transcript's :attr:`~Transcript.hash` and
    :attr:`~Transcript.n_words` when the caller has computed them already.
    """
    row = {"id": transcript.id, **_row(transcript, text_hash, n_words)}
    store.connection.execute(f"INSERT INTO transcripts ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                             tuple(row.values()))
    _insert_parts(store, transcript)


def _insert_parts(store: "Store", transcript: "Transcript") -> None:
    connection = store.connection
    tid = transcript.id
    connection.executemany(
        "INSERT INTO speakers (transcript_id, label, study_id, role) VALUES (?,?,?,?)",
        [(tid, s.label, s.study_id, s.role) for s in transcript.speakers],
    )
    # one statement per kind, naming only the columns that kind fills (fewer values to bind per row:
    # sentences are most of the rows), in the order of the primary key (transcript, kind, n) so that
    # transcripts imported in id order append to the table's B-tree instead of splitting its pages
    speaker_of = {t.n: t.speaker for t in transcript.turns}
    _insert_rows(
        connection, "INSERT INTO segments (transcript_id, kind, n, start, end, turn_n, paragraph_n, speaker)",
        "(?,'paragraph',?,?,?,?,?,?)",
        [(tid, p.n, p.start, p.end, p.turn_n, p.n, speaker_of.get(p.turn_n)) for p in transcript.paragraphs],
    )
    _insert_rows(
        connection, "INSERT INTO segments (transcript_id, kind, n, start, end, turn_n, paragraph_n, speaker)",
        "(?,'sentence',?,?,?,?,?,?)",
        [(tid, s.n, s.start, s.end, s.turn_n, s.paragraph_n, speaker_of.get(s.turn_n)) for s in transcript.sentences],
    )
    _insert_rows(
        connection,
        "INSERT INTO segments (transcript_id, kind, n, start, end, turn_n, speaker, body_start, start_time, end_time)",
        "(?,'turn',?,?,?,?,?,?,?,?)",
        [(tid, t.n, t.start, t.end, t.n, t.speaker, t.body_start, t.start_time, t.end_time) for t in transcript.turns],
    )
    _insert_rows(
        connection, "INSERT INTO notes (transcript_id, start, end, kind, time)", "(?,?,?,?,?)",
        [(tid, n.start, n.end, n.kind, n.time) for n in transcript.notes], " ON CONFLICT DO NOTHING",
    )
    _insert_rows(
        connection, "INSERT INTO source_blocks (transcript_id, idx, start, end)", "(?,?,?,?)",
        [(tid, b.index, b.start, b.end) for b in transcript.source_blocks],
    )


_BLOCKS = (100, 10)  # rows per multi-row INSERT statement, largest first; the rest go one by one


def _insert_rows(connection: Any, head: str, row: str, rows: list[tuple], tail: str = "") -> None:
    """``head VALUES row, row, ... tail`` for ``rows``: blocks of 100 and 10 rows per statement, then
    ``executemany`` for the last few.

    A multi-row ``VALUES`` list (standard SQL, SQLite and PostgreSQL alike) stores the same rows
    as one statement per row with about half of SQLite's per-row work (the segments insert of
    benchmarks/import_corpus.py); each block size is one prepared statement, reused.
    """
    from itertools import chain

    done = 0
    for size in _BLOCKS:
        if len(rows) - done < size:
            continue
        sql = f"{head} VALUES {', '.join([row] * size)}{tail}"
        stop = len(rows) - (len(rows) - done) % size
        for i in range(done, stop, size):
            connection.execute(sql, list(chain.from_iterable(rows[i : i + size])))
        done = stop
    if done < len(rows):
        connection.executemany(f"{head} VALUES {row}{tail}", rows[done:])


def update_metadata(store: "Store", transcript: "Transcript") -> bool:
    """Update a stored transcript's metadata and speaker roles (its text is unchanged).

    Returns True when anything changed.
    """
    connection = store.connection
    after = _metadata_row(transcript)
    before = connection.execute(f"SELECT {', '.join(after)} FROM transcripts WHERE id = ?", (transcript.id,)).fetchone()
    speakers_before = connection.execute(
        "SELECT label, study_id, role FROM speakers WHERE transcript_id = ? ORDER BY label", (transcript.id,)
    ).fetchall()
    speakers_after = sorted((s.label, s.study_id, s.role) for s in transcript.speakers)
    if tuple(before) == tuple(after.values()) and speakers_before == speakers_after:
        return False
    _update(store, transcript.id, after)
    connection.execute("DELETE FROM speakers WHERE transcript_id = ?", (transcript.id,))
    connection.executemany(
        "INSERT INTO speakers (transcript_id, label, study_id, role) VALUES (?,?,?,?)",
        [(transcript.id, *row) for row in speakers_after],
    )
    return True


def update_turn_times(store: "Store", transcript: "Transcript") -> int:
    """Take the turn times ``transcript`` gives onto its stored turns (same text, same turns): a time the
    file gives replaces the stored one, a time it does not give leaves the stored one as it is. Nothing
    else moves (no offset, no coding). Returns how many turns' times changed."""
    connection = store.connection
    stored = connection.execute("SELECT n, start_time, end_time FROM segments WHERE transcript_id = ? AND kind = 'turn'"
                                " ORDER BY n", (transcript.id,)).fetchall()
    given = {t.n: (t.start_time, t.end_time) for t in transcript.turns}
    changes = []
    for n, start_time, end_time in stored:
        new_start, new_end = given.get(n, (None, None))
        new_start = start_time if new_start is None else new_start
        new_end = end_time if new_end is None else new_end
        if (new_start, new_end) != (start_time, end_time):
            changes.append((new_start, new_end, transcript.id, n))
    connection.executemany("UPDATE segments SET start_time = ?, end_time = ? WHERE transcript_id = ? AND kind = 'turn'"
                           " AND n = ?", changes)
    return len(changes)


def replace_transcript(store: "Store", transcript: "Transcript") -> MovedCodings:
    """Replace a stored transcript's text, moving the codings on it to the new offsets.

    Each coding's start and end are carried through :func:`mio_qual.offsets.align` of the old
    and new texts (O(n log n)). A coding whose coded text is the same afterwards is ``kept``;
    one whose text changed is kept at its moved offsets, counted as ``changed`` and listed in
    the audit trail, so nothing is dropped silently.
    """
    from ..offsets import align

    connection = store.connection
    old_text = connection.execute("SELECT text FROM transcripts WHERE id = ?", (transcript.id,)).fetchone()[0]
    codings = connection.execute(
        "SELECT id, start, end, coder, code FROM codings WHERE transcript_id = ? ORDER BY id", (transcript.id,)
    ).fetchall()
    new_text = transcript.text
    kept = 0
    changed_codings: list[dict[str, Any]] = []
    moves: list[tuple[int, int, int]] = []
    if codings:
        alignment = align(old_text, new_text)
        for coding_id, start, end, coder, code in codings:
            new_start, new_end = alignment.start(start), alignment.end(end)
            if new_end <= new_start:
                new_end = min(new_start + 1, len(new_text))
                new_start = max(0, new_end - 1)
            if new_text[new_start:new_end] == old_text[start:end]:
                kept += 1
            else:
                changed_codings.append({"coding_id": coding_id, "coder": coder, "code": code,
                                        "was": [start, end], "now": [new_start, new_end]})
            if (new_start, new_end) != (start, end):
                moves.append((new_start, new_end, coding_id))
        connection.executemany("UPDATE codings SET start = ?, end = ? WHERE id = ?", moves)
    for table in ("speakers", "segments", "notes", "source_blocks"):
        connection.execute(f"DELETE FROM {table} WHERE transcript_id = ?", (transcript.id,))
    _update(store, transcript.id, _row(transcript))
    _insert_parts(store, transcript)
    return MovedCodings(kept=kept, changed=len(changed_codings), changed_codings=tuple(changed_codings))


def add_private_names(store: "Store", names: Iterable[str], source: str) -> None:
    """Remember names that must never reach a report (roster names and aliases), with where they came from."""
    store.connection.executemany("INSERT INTO private_names (name, source) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                 [(name, source) for name in names])


# ---------------------------------------------------------------------------------- reading
def transcript_listing(store: "Store") -> "pd.DataFrame":
    """One row per transcript: id, metadata (attributes spread into columns), sizes, source, warnings."""
    import pandas as pd

    records = transcript_records(store)
    return pd.DataFrame.from_records(records, columns=None if records else _LISTING + ["warnings"])


def transcript_records(store: "Store") -> list[dict[str, Any]]:
    """:func:`transcript_listing` as plain records (one dict per transcript), without pandas."""
    rows = store.connection.execute(
        "SELECT t.id, t.kind, t.agency, t.clinic, t.participant_id, t.role, t.date, t.interviewer,"
        " t.n_words, (SELECT COUNT(*) FROM segments s WHERE s.transcript_id = t.id AND s.kind = 'turn'),"
        " (SELECT COUNT(*) FROM speakers p WHERE p.transcript_id = t.id), t.speaker_style, t.source_format,"
        " t.source_path, t.encoding, t.text_hash, t.imported_at, t.attributes, t.warnings"
        " FROM transcripts t ORDER BY t.id"
    ).fetchall()
    records = []
    for row in rows:
        record = dict(zip(_LISTING, row[:-2]))
        record.update(json.loads(row[-2]))
        record["warnings"] = "; ".join(json.loads(row[-1]))
        records.append(record)
    return records


def transcript_text(store: "Store", transcript_id: str) -> str | None:
    """The canonical text of one transcript, or None when it is not in the project."""
    row = store.connection.execute("SELECT text FROM transcripts WHERE id = ?", (transcript_id,)).fetchone()
    return row[0] if row else None


def transcript_texts(store: "Store", ids: Iterable[str] | None = None) -> dict[str, str]:
    """Every transcript's canonical text, by id (in id order); with ``ids``, those transcripts' only (ids not in
    the project are left out), read :data:`IDS_PER_QUERY` at a time."""
    if ids is None:
        return dict(store.connection.execute("SELECT id, text FROM transcripts ORDER BY id"))
    wanted = sorted(set(map(str, ids)))
    texts: dict[str, str] = {}
    for k in range(0, len(wanted), IDS_PER_QUERY):
        chunk = wanted[k:k + IDS_PER_QUERY]
        marks = ",".join("?" * len(chunk))
        texts.update(store.connection.execute(f"SELECT id, text FROM transcripts WHERE id IN ({marks}) ORDER BY id",
                                              chunk))
    return texts


IDS_PER_QUERY = 500
"""Transcript ids named in one ``IN (...)`` list (SQLite before 3.32 takes at most 999 parameters)."""


def transcript_sources(store: "Store") -> "pd.DataFrame":
    """Each transcript's ``transcript_id``, ``text_hash`` and ``source_path`` (for matching outside files)."""
    import pandas as pd

    rows = store.connection.execute("SELECT id, text_hash, source_path FROM transcripts ORDER BY id").fetchall()
    return pd.DataFrame.from_records(rows, columns=["transcript_id", "text_hash", "source_path"])


def segment_rows(store: "Store", kind: str, transcript_id: str | None = None) -> "pd.DataFrame":
    """Stored segments of one kind (turn, paragraph, sentence) with speaker and transcript facts.

    Columns: :data:`SEGMENT_COLUMNS`, ordered by transcript and number.
    """
    where, params = "s.kind = ?", [kind]
    if transcript_id is not None:
        where += " AND s.transcript_id = ?"
        params.append(transcript_id)
    cursor = store.connection.execute(
        "SELECT s.transcript_id, s.n, s.start, s.end, s.turn_n, s.paragraph_n, s.speaker, sp.study_id, sp.role,"
        " s.body_start, s.start_time, s.end_time, t.clinic, t.agency, t.kind"
        " FROM segments s JOIN transcripts t ON t.id = s.transcript_id"
        " LEFT JOIN speakers sp ON sp.transcript_id = s.transcript_id AND sp.label = s.speaker"
        f" WHERE {where} ORDER BY s.transcript_id, s.n",
        params,
    )
    return read_frame(cursor, SEGMENT_COLUMNS, shared=("transcript_id", "speaker", "study_id", "speaker_role",
                                                       "clinic", "agency", "transcript_kind"))


#: Columns of :func:`segment_units` (``turn_n`` for paragraphs and ``body_start`` for turns only).
UNIT_COLUMNS = ["transcript_id", "n", "start", "end", "turn_n", "body_start", "speaker", "study_id", "speaker_role",
                "is_interviewer"]

#: Rows converted to arrays at a time by :func:`read_frame` (bounds the Python objects alive at once).
BATCH_ROWS = 65536


def read_frame(cursor: Any, columns: list[str], categorical: Iterable[str] = (),
               shared: Iterable[str] = ()) -> "pd.DataFrame":
    """The rows of ``cursor`` as a DataFrame, read in batches, the ``categorical`` columns as categories.

    ``fetchall`` keeps a Python object for every value until the frame is built (hundreds of
    MiB for a few hundred thousand rows of text columns); batches of :data:`BATCH_ROWS` rows
    are converted one at a time, and repeated strings (transcript ids, codes, coders) become
    one category each instead of one string object per row. The ``shared`` columns keep their
    type, but equal strings in them are one object (the database hands out a new one per row).
    """
    import pandas as pd
    from pandas.api.types import union_categoricals

    categorical = [c for c in categorical if c in columns]
    positions = [columns.index(c) for c in shared if c in columns]
    seen: dict[Any, Any] = {}
    parts = []
    while rows := cursor.fetchmany(BATCH_ROWS):
        if positions:
            rows = [list(row) for row in rows]
            for row in rows:
                for i in positions:
                    row[i] = seen.setdefault(row[i], row[i])
        part = pd.DataFrame.from_records(rows, columns=columns)
        del rows
        for column in categorical:
            part[column] = part[column].astype("category")
        parts.append(part)
    if not parts:
        frame = pd.DataFrame.from_records([], columns=columns)
        return frame.astype({c: "category" for c in categorical})
    if len(parts) == 1:
        return parts[0]
    merged = {c: union_categoricals([p[c] for p in parts]) for c in categorical}
    frame = pd.concat([p.drop(columns=categorical) for p in parts], ignore_index=True)
    for column in frame.columns:      # a batch of NULLs only: the type one frame of every row would infer
        if len({str(p[column].dtype) for p in parts}) > 1:
            frame[column] = frame[column].astype(object).infer_objects()
    for column in categorical:
        frame[column] = pd.Categorical(merged[column])
    return frame[columns]


#: What :func:`read_columns` makes of a column: ``"int"`` (never NULL), ``"int?"`` (NULL allowed), ``"labels"``
#: (text: categories sorted) and ``"category"`` (text: categories as :func:`read_frame` orders them).
COLUMN_KINDS = ("int", "int?", "labels", "category")


def read_columns(cursor: Any, kinds: list[str]) -> list[Any]:
    """The rows of ``cursor`` as one array per column, read :data:`BATCH_ROWS` rows at a time.

    What :func:`read_frame` gives for these columns, without building a DataFrame per batch
    (pandas checks every row of a list of records, which costs more than converting it; a
    column is taken from a batch's records by one list comprehension, numbers into NumPy at C
    speed).

    Parameters
    ----------
    cursor : cursor
        Rows as tuples (sqlite3 or psycopg).
    kinds : list of str
        One of :data:`COLUMN_KINDS` per column: ``"int"``, a column that is never NULL
        (int64); ``"int?"``, integers that may be NULL, typed as pandas types a column of them
        (int64 without a NULL, float64 with NaN for NULL, object ``None`` where every value is
        NULL); ``"labels"``, text that may be NULL as a :class:`pandas.Categorical` with sorted
        categories (``pd.Categorical(values)``); ``"category"``, the same but with the
        categories of :func:`read_frame`'s categorical columns (sorted within each batch, the
        new ones of a later batch after those of earlier batches).

    Returns
    -------
    list
        One array (or Categorical) per column.
    """
    import numpy as np
    import pandas as pd

    unknown = [k for k in kinds if k not in COLUMN_KINDS]
    if unknown:
        raise ValueError(f"unknown column kind {unknown[0]!r}; use one of {COLUMN_KINDS}")
    parts: list[list[Any]] = [[] for _ in kinds]
    nulls = [[0, 0] for _ in kinds]             # for "int?": NULLs seen, values seen
    codes: list[dict[Any, int]] = [{} for _ in kinds]   # text -> its code (order of first appearance)
    batch_order: list[list[Any]] = [[] for _ in kinds]  # "category": categories in read_frame's order
    while rows := cursor.fetchmany(BATCH_ROWS):
        for i, kind in enumerate(kinds):
            values = [row[i] for row in rows]
            if kind == "int":
                parts[i].append(np.fromiter(values, dtype=np.int64, count=len(values)))
            elif kind == "int?":
                missing = sum(v is None for v in values)
                nulls[i][0] += missing
                nulls[i][1] += len(values) - missing
                parts[i].append(np.fromiter(values, dtype=np.int64, count=len(values)) if not missing else
                                np.array([np.nan if v is None else v for v in values], dtype=np.float64))
            else:
                index = codes[i]
                known = len(index)
                parts[i].append(np.array([-1 if v is None else index.setdefault(v, len(index)) for v in values],
                                         dtype=np.int64))
                if kind == "category":
                    batch_order[i].extend(sorted(list(index)[known:]))
        del rows
    out: list[Any] = []
    for i, kind in enumerate(kinds):
        if kind in ("int", "int?"):
            if nulls[i][0] and not nulls[i][1]:
                out.append(np.full(sum(p.size for p in parts[i]), None, dtype=object))
            elif nulls[i][0]:
                out.append(np.concatenate([p.astype(np.float64) for p in parts[i]]))
            else:
                out.append(np.concatenate(parts[i]) if parts[i] else np.empty(0, dtype=object))
            continue
        index = codes[i]
        names = sorted(index) if kind == "labels" else batch_order[i]
        place = np.full(len(index) + 1, -1, dtype=np.int64)   # first-appearance code -> code among ``names``
        place[[index[name] for name in names]] = np.arange(len(names))
        found = np.concatenate(parts[i]) if parts[i] else np.empty(0, dtype=np.int64)
        out.append(pd.Categorical.from_codes(place[found], categories=pd.Index(names)))
    return out


#: The segments of one kind (``?``), found through the primary key (transcript_id, kind, n) one transcript at a
#: time: only the rows of that kind are visited, and they come in (transcript, n) order. (``kind = ?`` alone scans
#: the segments of every kind and sorts each transcript's rows by number.) Every segment's transcript is in the
#: transcripts table (a foreign key), so no segment is left out.
_OF_KIND = "transcript_id IN (SELECT id FROM transcripts) AND kind = ?"


def segment_units(store: "Store", kind: str, team_roles: Iterable[str]) -> "pd.DataFrame":
    """Segments of one kind as units of analysis: only what agreement reads, in few bytes.

    Columns :data:`UNIT_COLUMNS`, ordered by transcript and number: the transcript id and the
    speaker's label, study id and role as categories, ``is_interviewer`` true where the role
    (lower-cased) is one of ``team_roles``; ``turn_n`` (which turn a paragraph is in: none
    before the first turn) for paragraphs only and ``body_start`` (where the speech starts,
    after the label) for turns only, the kinds whose units use them. The times and transcript
    facts of :func:`segment_rows` are left out.

    The rows carry no transcript id and no speaker facts: each transcript's segments come in one
    run (how many, from one grouping on the primary key), and study id and role are looked up
    once per distinct (transcript, speaker) in the speakers table. Where each transcript's
    segments are numbered without a gap (as the importer numbers them), their numbers come
    from the same grouping rather than from every row. (Every value fetched from the database
    is a Python object: 170,000 sentences of 800 interviews are a million of them.)
    """
    import numpy as np
    import pandas as pd

    roles = {str(r).lower() for r in team_roles}
    c = store.connection
    held = c.execute(f"SELECT transcript_id, COUNT(*), MIN(n), MAX(n) FROM segments WHERE {_OF_KIND}"
                     " GROUP BY transcript_id ORDER BY transcript_id", [kind]).fetchall()
    sizes = [size for _, size, _, _ in held]
    numbered = all(last - first + 1 == size for _, size, first, last in held)   # n runs without a gap
    extra = {"paragraph": "turn_n", "turn": "body_start"}.get(kind)
    columns = ["start", "end", "speaker"] + ([] if numbered else ["n"]) + ([extra] if extra else [])
    kinds = ["int", "int", "labels"] + ([] if numbered else ["int"]) + (["int?"] if extra else [])
    read = dict(zip(columns, read_columns(
        c.execute(f"SELECT {', '.join(columns)} FROM segments WHERE {_OF_KIND} ORDER BY transcript_id, n", [kind]),
        kinds)))
    ids = [tid for tid, _, _, _ in held]
    transcript = np.repeat(np.arange(len(ids), dtype=np.int64), sizes)
    if numbered:   # each transcript's first number, then one more per segment
        firsts = np.repeat(np.array([first for _, _, first, _ in held], dtype=np.int64), sizes)
        offsets = np.repeat(np.cumsum([0] + sizes[:-1]), sizes) if held else np.empty(0, dtype=np.int64)
        read["n"] = firsts + np.arange(len(transcript), dtype=np.int64) - offsets
    speaker = read["speaker"]
    facts = {(tid, label): (study_id, role) for tid, label, study_id, role in
             c.execute("SELECT transcript_id, label, study_id, role FROM speakers")}
    # one lookup per distinct (transcript, speaker): codes -1 (no speaker) shift to 0
    pair, first = np.unique(transcript * (len(speaker.categories) + 1) + speaker.codes + 1, return_inverse=True)
    labels = np.asarray(speaker.categories, dtype=object)
    found = [facts.get((ids[k // (len(labels) + 1)], labels[k % (len(labels) + 1) - 1]), (None, None))
             if k % (len(labels) + 1) else (None, None) for k in pair.tolist()]
    study_id = np.array([f[0] for f in found], dtype=object)[first]
    role = np.array([f[1] for f in found], dtype=object)[first]
    team = np.array([(f[1] or "").lower() in roles for f in found], dtype=bool)[first]
    out = pd.DataFrame({"transcript_id": pd.Categorical.from_codes(transcript, categories=ids)})
    for column in ("n", "start", "end", extra):
        if column:
            out[column] = read[column] if len(transcript) else np.empty(0, dtype=object)
    out["speaker"] = speaker
    out["study_id"] = pd.Categorical(study_id)
    out["speaker_role"] = pd.Categorical(role)
    out["is_interviewer"] = team
    return out


def turn_spans(store: "Store") -> "pd.DataFrame":
    """Where each turn is and who spoke it: columns transcript_id, start, end and speaker (the label), ordered
    by transcript and number, transcript id and speaker as categories.

    What the evidence reads to find each excerpt's speaker: :func:`segment_units` without the turn
    numbers, body starts and speaker facts (read like it, each transcript's turns in one run).
    """
    import numpy as np
    import pandas as pd

    c = store.connection
    held = c.execute(f"SELECT transcript_id, COUNT(*) FROM segments WHERE {_OF_KIND} GROUP BY transcript_id"
                     " ORDER BY transcript_id", ["turn"]).fetchall()
    cursor = c.execute(f"SELECT start, end, speaker FROM segments WHERE {_OF_KIND} ORDER BY transcript_id, n", ["turn"])
    frame = read_frame(cursor, ["start", "end", "speaker"])
    ids = [tid for tid, _ in held]
    transcript = np.repeat(np.arange(len(ids), dtype=np.int64), [n for _, n in held])
    out = pd.DataFrame({"transcript_id": pd.Categorical.from_codes(transcript, categories=ids)})
    for column in ("start", "end"):
        out[column] = frame[column].to_numpy() if len(frame) else frame[column]
    out["speaker"] = pd.Categorical(frame["speaker"])
    return out


def speaker_rows(store: "Store") -> "pd.DataFrame":
    """Every speaker label in every transcript with its study id and role."""
    import pandas as pd

    rows = store.connection.execute(
        "SELECT transcript_id, label, study_id, role FROM speakers ORDER BY transcript_id, label").fetchall()
    return pd.DataFrame.from_records(rows, columns=["transcript_id", "label", "study_id", "role"])


def note_rows(store: "Store") -> "pd.DataFrame":
    """Transcriber notes with their spans and text."""
    import pandas as pd

    rows = store.connection.execute(
        "SELECT n.transcript_id, n.start, n.end, n.kind, n.time, substr(t.text, n.start + 1, n.end - n.start)"
        " FROM notes n JOIN transcripts t ON t.id = n.transcript_id ORDER BY n.transcript_id, n.start").fetchall()
    return pd.DataFrame.from_records(rows, columns=["transcript_id", "start", "end", "kind", "time", "text"])


def private_names(store: "Store") -> set[str]:
    """Names that must never reach a report."""
    return {row[0] for row in store.connection.execute("SELECT name FROM private_names")}


def load_transcript(store: "Store", transcript_id: str) -> "Transcript | None":
    """Rebuild the :class:`~mio_qual.transcripts.model.Transcript` stored under ``transcript_id`` (None if absent)."""
    from ..transcripts.model import Note, Paragraph, Sentence, SourceBlock, Speaker, Transcript, Turn

    connection = store.connection
    meta = connection.execute(
        "SELECT kind, agency, clinic, participant_id, role, date, interviewer, attributes, source_path,"
        " source_format, encoding, speaker_style, warnings, text FROM transcripts WHERE id = ?", (transcript_id,)
    ).fetchone()
    if meta is None:
        return None
    metadata = {k: v for k, v in zip(CORE_METADATA, meta[:7]) if v is not None}
    metadata.update(json.loads(meta[7]))
    transcript = Transcript(id=transcript_id, text=meta[13], metadata=metadata, source_path=meta[8] or "",
                            source_format=meta[9] or "", encoding=meta[10] or "", speaker_style=meta[11] or "",
                            warnings=json.loads(meta[12]))
    for kind, n, start, end, turn_n, paragraph_n, speaker, body_start, t0, t1 in connection.execute(
        "SELECT kind, n, start, end, turn_n, paragraph_n, speaker, body_start, start_time, end_time"
        " FROM segments WHERE transcript_id = ? ORDER BY kind, n", (transcript_id,)
    ):
        if kind == "turn":
            transcript.turns.append(Turn(n, speaker, start, end, body_start, t0, t1))
        elif kind == "paragraph":
            transcript.paragraphs.append(Paragraph(n, turn_n or 0, start, end))
        else:
            transcript.sentences.append(Sentence(n, turn_n or 0, paragraph_n, start, end))
    transcript.speakers = [Speaker(*row) for row in connection.execute(
        "SELECT label, study_id, role FROM speakers WHERE transcript_id = ?", (transcript_id,))]
    order: dict[str, int] = {}
    for turn in transcript.turns:
        order.setdefault(turn.speaker, turn.n)
    transcript.speakers.sort(key=lambda s: order.get(s.label, 0))
    transcript.notes = [Note(*row) for row in connection.execute(
        "SELECT start, end, kind, time FROM notes WHERE transcript_id = ? ORDER BY start", (transcript_id,))]
    transcript.source_blocks = [SourceBlock(*row) for row in connection.execute(
        "SELECT idx, start, end FROM source_blocks WHERE transcript_id = ? ORDER BY idx", (transcript_id,))]
    return transcript

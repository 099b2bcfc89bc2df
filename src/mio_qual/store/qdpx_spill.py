"""A scratch database for a ``.qdpx`` import: its selections and placed codings on disk, not in memory.

A REFI-QDA project of 1.5 million selections held as columns took ~155 bytes a selection from
the parse to the writes (issue 21). :class:`Spill` keeps them in a private SQLite database
instead (``sqlite3.connect("")``: a temporary file SQLite removes on close, also when the
process is killed, since it is unlinked as soon as it is opened), with SQLite's bounded page
cache, so the import's memory does not grow with the number of selections. Rows go in and come
back in batches of :data:`BATCH` (never all at once).

The scratch database is the importer's own, separate from the project's store (SQLite or
PostgreSQL alike): filling it takes no lock on the project, so it is filled during the
lock-free preparation, and read back inside the write transaction.

Tables:

* ``selections``: one row per coding of a kept selection, as read from the file (its source's
  number, GUIDs, positions in the file and in the canonical text, code and user GUIDs, date,
  memo parts);
* ``placed``: one row per coding placed on a stored text, with everything a coding row and its
  REFI objects need, in the order the codings are written (grouped by transcript);
* ``known``: the keys of codings the project already holds from other files (to leave out);
* ``texts``: each source's text as the file holds it and its canonical text (NULL when the same),
  from the parse until it is placed (a first import of 800 sources held them all);
* ``transcripts``: the new transcripts a first import reads from the sources (text and segments,
  pickled: written by this process, read back by it), until the write stores them one by one;
* ``chunks``: one large source's selections as the parse reads them, a bounded chunk at a time
  (pickled the same way), until its offset convention is chosen and its rows are stored in
  ``selections``: no source's selections are held in memory at once.
"""

from __future__ import annotations

import pickle
import sqlite3
from itertools import islice
from typing import Any, Iterable, Iterator, Sequence

BATCH = 2_000
"""Rows sent to or read from the scratch database at a time."""

SELECTION_COLUMNS = ("source", "selection_guid", "coding_guid", "file_start", "file_end", "line", "start", "end",
                     "code", "user", "created", "description", "notes", "whole")
"""Columns of a row given to :meth:`Spill.add_selections` (``n`` is given by the order of insertion)."""

PLACED_COLUMNS = ("transcript_id", "start", "end", "code", "coder", "origin", "created", "memo",
                  "selection_guid", "coding_guid", "whole")
"""Columns of a row given to :meth:`Spill.add_placed` and read back by :meth:`Spill.placed`."""

_SCHEMA = (
    "CREATE TABLE selections (n INTEGER PRIMARY KEY, source INTEGER, selection_guid TEXT, coding_guid TEXT,"
    " file_start INTEGER, file_end INTEGER, line INTEGER, start INTEGER, end INTEGER, code TEXT, user TEXT,"
    " created TEXT, description TEXT, notes TEXT, whole INTEGER)",
    "CREATE TABLE placed (n INTEGER PRIMARY KEY, transcript_id TEXT, start INTEGER, end INTEGER, code TEXT,"
    " coder TEXT, origin TEXT, created TEXT, memo TEXT, selection_guid TEXT, coding_guid TEXT, whole INTEGER,"
    " dropped INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE known (transcript_id TEXT, start INTEGER, end INTEGER, code TEXT, coder TEXT)",
    "CREATE TABLE texts (source INTEGER PRIMARY KEY, raw TEXT, canonical TEXT)",
    "CREATE TABLE transcripts (n INTEGER PRIMARY KEY, id TEXT, text TEXT, data BLOB)",
    "CREATE INDEX transcripts_by_id ON transcripts (id)",
    "CREATE TABLE chunks (n INTEGER PRIMARY KEY, data BLOB)",
)


MEMORY_ROWS = 5_000
"""Rows kept in memory before the scratch database is made: a small import (most) never makes it
(each row costs a few microseconds more there), a large one holds at most this many rows of each
table in memory."""


TEXT_MEMORY = 4_000_000
"""Characters of source text (and new transcripts' text) kept in memory before the scratch database is
made: a corpus larger than this waits on disk, one source's text in memory at a time."""


class Spill:
    """The scratch database of one ``.qdpx`` import (see the module's description).

    Rows stay in lists while there are at most :data:`MEMORY_ROWS` selections (the same answers,
    computed in memory); past that every row moves to the scratch database, made then. Use it as
    a context manager, or call :meth:`close` (the file is removed).
    """

    def __init__(self) -> None:
        self.connection: sqlite3.Connection | None = None
        self.selections_added = 0
        self._selections: list[tuple[Any, ...]] = []  # in memory: row n at index n
        self._placed: list[tuple[Any, ...]] = []  # in memory: the placed rows
        self._dropped: set[int] = set()  # in memory: the placed rows left out, by index
        self._texts: dict[int, tuple[str, str | None]] = {}  # in memory: source -> (raw, canonical or None)
        self._transcripts: list[Any] = []  # in memory: the new transcripts
        self._held = 0  # characters of text held in memory
        self._chunks: dict[int, Any] = {}  # in memory: chunk number -> chunk
        self._chunk_rows = 0  # selections of the chunks held in memory
        self._chunks_added = 0

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def on_disk(self) -> bool:
        """Whether the rows are in the scratch database (else in memory)."""
        return self.connection is not None

    def _to_disk(self) -> sqlite3.Connection:
        connection = self.connection = sqlite3.connect("", isolation_level=None)
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for statement in _SCHEMA:
            connection.execute(statement)
        held, self._selections = self._selections, []
        self._insert("selections", ("n", *SELECTION_COLUMNS), ((n, *row) for n, row in enumerate(held)))
        placed, dropped, self._placed, self._dropped = self._placed, self._dropped, [], set()
        self._insert("placed", (*PLACED_COLUMNS, "dropped"), ((*row, int(k in dropped)) for k, row in enumerate(placed)))
        texts, self._texts, self._held = self._texts, {}, 0
        self._insert("texts", ("source", "raw", "canonical"), ((k, *pair) for k, pair in texts.items()))
        transcripts, self._transcripts = self._transcripts, []
        self._insert("transcripts", ("id", "text", "data"), ((t.id, t.text, _pack(t)) for t in transcripts))
        chunks, self._chunks, self._chunk_rows = self._chunks, {}, 0
        self._insert("chunks", ("n", "data"), ((n, _pickle(chunk)) for n, chunk in chunks.items()))
        return connection

    def close(self) -> None:
        """Close the scratch database (SQLite removes its file) and let go of the rows."""
        if self.connection is not None:
            self.connection.close()
        self._selections, self._placed, self._dropped = [], [], set()
        self._texts, self._transcripts, self._held = {}, [], 0
        self._chunks, self._chunk_rows = {}, 0

    def _insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        assert self.connection is not None
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        rows = iter(rows)
        total = 0
        with self.connection:  # one transaction per call: far faster than one per row
            self.connection.execute("BEGIN")
            while batch := list(islice(rows, BATCH)):
                self.connection.executemany(sql, batch)
                total += len(batch)
        return total

    def add_selections(self, rows: Iterable[Sequence[Any]]) -> tuple[int, int]:
        """Add rows of :data:`SELECTION_COLUMNS`; return the range of their numbers ``(first, stop)``."""
        first = self.selections_added
        rows = iter(rows)
        if self.connection is None:
            held = self._selections
            held.extend(islice(rows, MEMORY_ROWS + 1 - len(held)))
            self.selections_added = len(held)
            if len(held) <= MEMORY_ROWS:
                return first, self.selections_added
            self._to_disk()
        numbered = ((n, *row) for n, row in enumerate(rows, start=self.selections_added))
        self.selections_added += self._insert("selections", ("n", *SELECTION_COLUMNS), numbered)
        return first, self.selections_added

    def _hold(self, chars: int) -> bool:
        """Count ``chars`` more characters held in memory; True when they should go to disk instead."""
        if self.connection is not None:
            return True
        self._held += chars
        if self._held <= TEXT_MEMORY:
            return False
        self._to_disk()
        return True

    def add_text(self, source: int, raw: str, canonical: str) -> None:
        """Keep source ``source``'s text as the file holds it and its canonical text until :meth:`text`."""
        kept = None if canonical == raw else canonical
        if not self._hold(len(raw) + len(kept or "")):
            self._texts[source] = (raw, kept)
            return
        assert self.connection is not None
        self.connection.execute("INSERT INTO texts (source, raw, canonical) VALUES (?, ?, ?)", (source, raw, kept))

    def text(self, source: int) -> tuple[str, str]:
        """Source ``source``'s text as the file holds it, and its canonical text (see :meth:`add_text`)."""
        if self.connection is None:
            raw, canonical = self._texts[source]
        else:
            raw, canonical = self.connection.execute("SELECT raw, canonical FROM texts WHERE source = ?",
                                                     (source,)).fetchone()
        return raw, raw if canonical is None else canonical

    def add_transcript(self, transcript: Any) -> None:
        """Keep a new transcript (text and segments) until :meth:`transcripts` gives it back."""
        if not self._hold(len(transcript.text)):
            self._transcripts.append(transcript)
            return
        assert self.connection is not None
        self.connection.execute("INSERT INTO transcripts (id, text, data) VALUES (?, ?, ?)",
                                (transcript.id, transcript.text, _pack(transcript)))

    def transcript_text(self, transcript_id: str) -> str | None:
        """The text of the new transcript of this id (see :meth:`add_transcript`), or None."""
        if self.connection is None:
            return next((t.text for t in self._transcripts if t.id == transcript_id), None)
        row = self.connection.execute("SELECT text FROM transcripts WHERE id = ?", (transcript_id,)).fetchone()
        return None if row is None else row[0]

    def transcripts(self) -> Iterator[Any]:
        """The new transcripts in the order added, one at a time."""
        if self.connection is None:
            yield from self._transcripts
            return
        last = 0
        while row := self.connection.execute("SELECT n, data FROM transcripts WHERE n > ? ORDER BY n LIMIT 1",
                                              (last,)).fetchone():
            last = row[0]
            yield _unpack(row[1])

    def add_chunk(self, chunk: Any) -> int:
        """Keep a chunk of a source's selections (an object with a length: its number of selections)
        until :meth:`chunk` gives it back; return its number. Chunks are held in memory while they hold
        at most :data:`MEMORY_ROWS` selections, else wait in the scratch database."""
        n = self._chunks_added
        self._chunks_added += 1
        if self.connection is None:
            self._chunk_rows += len(chunk)
            if self._chunk_rows <= MEMORY_ROWS:
                self._chunks[n] = chunk
                return n
            self._to_disk()
        assert self.connection is not None
        self.connection.execute("INSERT INTO chunks (n, data) VALUES (?, ?)", (n, _pickle(chunk)))
        return n

    def chunk(self, n: int) -> Any:
        """Chunk ``n`` (see :meth:`add_chunk`): the object kept, or one equal to it read back."""
        if self.connection is None:
            return self._chunks[n]
        return pickle.loads(self.connection.execute("SELECT data FROM chunks WHERE n = ?", (n,)).fetchone()[0])

    def drop_chunks(self, numbers: Iterable[int]) -> None:
        """Let go of chunks once read for the last time."""
        if self.connection is None:
            for n in numbers:
                self._chunk_rows -= len(self._chunks.pop(n))
            return
        self.connection.executemany("DELETE FROM chunks WHERE n = ?", ((n,) for n in numbers))

    def count_transcripts(self) -> int:
        """How many new transcripts are kept."""
        if self.connection is None:
            return len(self._transcripts)
        return int(self.connection.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0])

    def selections(self, first: int, stop: int) -> Iterator[tuple[Any, ...]]:
        """The rows numbered ``first`` up to ``stop`` (:data:`SELECTION_COLUMNS`), in order."""
        if self.connection is None:
            yield from self._selections[first:stop]
            return
        sql = f"SELECT n, {', '.join(SELECTION_COLUMNS)} FROM selections WHERE n >= ? AND n < ? ORDER BY n LIMIT ?"
        while first < stop:
            rows = self.connection.execute(sql, (first, stop, BATCH)).fetchall()
            if not rows:
                return
            for row in rows:
                yield row[1:]
            first = rows[-1][0] + 1

    def pairs_of_several_users(self) -> Iterator[tuple[str, str, str | None]]:
        """``(selection GUID, coding GUID, user GUID)`` of every row whose GUID pair is also a row of
        another user (possible clashes between coders), in the order of the rows."""
        if self.connection is None:
            users: dict[tuple[str, str], set[str]] = {}
            for row in self._selections:
                users.setdefault((row[1], row[2]), set()).add(row[9] or "")
            yield from ((row[1], row[2], row[9]) for row in self._selections if len(users[row[1], row[2]]) > 1)
            return
        rows = self.connection.execute(
            "SELECT s.selection_guid, s.coding_guid, s.user FROM selections s JOIN"
            " (SELECT selection_guid, coding_guid FROM selections GROUP BY selection_guid, coding_guid"
            "  HAVING COUNT(DISTINCT COALESCE(user, '')) > 1) d"
            " ON s.selection_guid = d.selection_guid AND s.coding_guid = d.coding_guid ORDER BY s.n")
        while batch := rows.fetchmany(BATCH):
            yield from batch

    def add_placed(self, rows: Iterable[Sequence[Any]]) -> int:
        """Add rows of :data:`PLACED_COLUMNS` (numbered in the order given)."""
        if self.connection is None:
            before = len(self._placed)
            self._placed.extend(map(tuple, rows))
            return len(self._placed) - before
        return self._insert("placed", PLACED_COLUMNS, rows)

    def placed(self, coder: str | None = None, origin: str | None = None,
               dropped: bool = False) -> Iterator[tuple[Any, ...]]:
        """Placed rows (:data:`PLACED_COLUMNS`) in their order, of one layer and origin when given;
        those left out (:meth:`mark_known`) only with ``dropped``."""
        if self.connection is None:
            left_out = set() if dropped else self._dropped
            for k, row in enumerate(self._placed):
                if (coder is None or row[4] == coder) and (origin is None or row[5] == origin) and k not in left_out:
                    yield row
            return
        where, params = ["n > ?"], []
        if coder is not None:
            where.append("coder = ?")
            params.append(coder)
        if origin is not None:
            where.append("origin = ?")
            params.append(origin)
        if not dropped:
            where.append("dropped = 0")
        sql = f"SELECT n, {', '.join(PLACED_COLUMNS)} FROM placed WHERE {' AND '.join(where)} ORDER BY n LIMIT ?"
        last = -1
        while rows := self.connection.execute(sql, (last, *params, BATCH)).fetchall():
            for row in rows:
                yield row[1:]
            last = rows[-1][0]

    def layers(self) -> list[tuple[str, str]]:
        """The ``(coder, origin)`` pairs of the placed rows not left out."""
        if self.connection is None:
            left_out = self._dropped
            return list(dict.fromkeys((row[4], row[5]) for k, row in enumerate(self._placed) if k not in left_out))
        return self.connection.execute("SELECT DISTINCT coder, origin FROM placed WHERE dropped = 0").fetchall()

    def count(self, coder: str | None = None) -> int:
        """How many placed rows (of one layer when given) are not left out."""
        if self.connection is None:
            left_out = self._dropped
            return sum(1 for k, row in enumerate(self._placed) if k not in left_out and (coder is None or row[4] == coder))
        sql, params = "SELECT COUNT(*) FROM placed WHERE dropped = 0", []
        if coder is not None:
            sql += " AND coder = ?"
            params.append(coder)
        return int(self.connection.execute(sql, params).fetchone()[0])

    def drop_doubles(self) -> int:
        """Leave out every placed row equal to an earlier one not left out (same transcript, span, code,
        coder, origin and memo: :class:`mio_qual.coding.model.Coding`'s identity, which leaves out the
        date); return how many. On disk SQL finds them, so no transcript's codings are held to find
        them (issue 21); the writes then need no check for doubles."""
        if self.connection is None:
            first: dict[tuple[Any, ...], int] = {}
            before = len(self._dropped)
            for k, row in enumerate(self._placed):
                if k not in self._dropped and first.setdefault(row[:6] + (row[7],), k) != k:
                    self._dropped.add(k)
            return len(self._dropped) - before
        return self.connection.execute(
            "UPDATE placed SET dropped = 1 WHERE dropped = 0 AND n NOT IN (SELECT MIN(n) FROM placed WHERE dropped = 0"
            " GROUP BY transcript_id, start, end, code, coder, origin, memo)").rowcount

    def mark_known(self, known: Iterable[Sequence[Any]]) -> int:
        """Leave out the placed rows whose ``(transcript_id, start, end, code, coder)`` is in ``known``
        (read in batches; in memory, only the placed rows' keys are held); return how many."""
        if self.connection is None:
            by_key: dict[tuple[Any, ...], list[int]] | None = None  # made at the first known key (most have none)
            before = len(self._dropped)
            for key in known:
                if by_key is None:
                    by_key = {}
                    for k, row in enumerate(self._placed):
                        by_key.setdefault(row[:5], []).append(k)
                self._dropped.update(by_key.pop(tuple(key), ()))
            return len(self._dropped) - before
        self.connection.execute("DELETE FROM known")
        if not self._insert("known", ("transcript_id", "start", "end", "code", "coder"), known):
            return 0
        self.connection.execute("CREATE INDEX IF NOT EXISTS known_keys ON known (transcript_id, start, end, code, coder)")
        return self.connection.execute(
            "UPDATE placed SET dropped = 1 WHERE dropped = 0 AND EXISTS (SELECT 1 FROM known k WHERE"
            " k.transcript_id = placed.transcript_id AND k.start = placed.start AND k.end = placed.end"
            " AND k.code = placed.code AND k.coder = placed.coder)").rowcount


class _Rows:
    """A list of dataclass objects of one class, packed as the tuples of their fields."""

    def __init__(self, kind: type, rows: list[tuple[Any, ...]]) -> None:
        self.kind, self.rows = kind, rows

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Rows, (self.kind, self.rows))


def _pack(item: Any) -> bytes:
    """A dataclass (a new transcript) as pickled bytes, its lists of dataclass objects (turns, sentences ...)
    as tuples of their fields: pickling a tuple of ints is far quicker than an object with a ``__dict__``
    (a first import of 250 sources of 30,000 characters spent 1.5 CPU s in pickle the plain way).

    Only this process reads them back (:func:`_unpack`), from its own unlinked scratch file."""
    import dataclasses
    from operator import attrgetter

    state: dict[str, Any] = {}
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        if isinstance(value, list) and value and dataclasses.is_dataclass(value[0]) \
                and all(type(v) is type(value[0]) for v in value):
            names = [g.name for g in dataclasses.fields(value[0])]
            get = attrgetter(*names)
            value = _Rows(type(value[0]), [get(v) if len(names) > 1 else (get(v),) for v in value])
        state[f.name] = value
    return pickle.dumps((type(item), state), pickle.HIGHEST_PROTOCOL)


def _pickle(item: Any) -> bytes:
    """An object as pickled bytes (only this process reads them back, from its own unlinked scratch file)."""
    return pickle.dumps(item, pickle.HIGHEST_PROTOCOL)


def _unpack(data: bytes) -> Any:
    """The object :func:`_pack` packed (made again through its class, so equal to the one packed)."""
    kind, state = pickle.loads(data)
    return kind(**{name: [value.kind(*row) for row in value.rows] if isinstance(value, _Rows) else value
                   for name, value in state.items()})


__all__ = ["BATCH", "MEMORY_ROWS", "TEXT_MEMORY", "PLACED_COLUMNS", "SELECTION_COLUMNS", "Spill"]

"""The ``codings`` table: reading coder layers back, writing and removing them.

Every function takes the :class:`~mio_qual.store.Store` first and returns DataFrames or plain
values; writes take lists of records and run as one ``executemany``. Functions never commit:
the calling :class:`~mio_qual.project.Project` method holds the transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

#: Columns of :func:`read_codings`, in order.
CODING_FIELDS = ("id", "transcript_id", "start", "end", "code", "coder", "origin", "created", "memo",
                 "codebook_version", "source_file", "probability", "evidence", "unit")
_WRITTEN = CODING_FIELDS[1:]
_FILTERS = ("coder", "origin", "transcript_id", "code", "source_file")


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _where(filters: Mapping[str, str | Sequence[str] | None]) -> tuple[str, list[Any]]:
    """``WHERE`` clause and parameters keeping rows whose column is one of the values given."""
    clauses: list[str] = []
    params: list[Any] = []
    for column in _FILTERS:
        values = _as_list(filters.get(column))
        if values is None:
            continue
        clauses.append(f"{column} IN ({','.join('?' * len(values))})" if values else "1 = 0")
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def read_codings(store: "Store", *, coder: str | Sequence[str] | None = None,
                 origin: str | Sequence[str] | None = None, transcript_id: str | Sequence[str] | None = None,
                 code: str | Sequence[str] | None = None, columns: Sequence[str] = CODING_FIELDS,
                 ordered: bool = True, categories: bool = False,
                 source_file: str | Sequence[str] | None = None) -> "pd.DataFrame":
    """Codings as stored, one row each, sorted by transcript, start, end, code, coder and id.

    Parameters
    ----------
    store : Store
    coder, origin, transcript_id, code, source_file : str or sequence of str, optional
        Keep only rows whose column is one of these values (an empty sequence keeps none).
    columns : sequence of str
        Columns to read, from :data:`CODING_FIELDS`.
    ordered : bool
        Sort the rows (pass False when their order does not matter: sorting costs time).
    categories : bool
        Read the rows in batches and give ``transcript_id``, ``code``, ``coder`` and ``origin``
        as categories (one string per distinct value instead of one per row: what an analysis
        of hundreds of thousands of codings wants).

    Returns
    -------
    pandas.DataFrame
        One column per name in ``columns``.
    """
    from .transcripts import read_frame

    unknown = set(columns) - set(CODING_FIELDS)
    if unknown:
        raise ValueError(f"unknown coding columns: {sorted(unknown)}")
    where, params = _where({"coder": coder, "origin": origin, "transcript_id": transcript_id, "code": code,
                            "source_file": source_file})
    order = " ORDER BY transcript_id, start, end, code, coder, id" if ordered else ""
    cursor = store.connection.execute(f"SELECT {', '.join(columns)} FROM codings{where}{order}", params)
    repeated = ("transcript_id", "code", "coder", "origin", "codebook_version", "source_file", "unit")
    if categories:
        return read_frame(cursor, list(columns), categorical=repeated)
    return read_frame(cursor, list(columns), shared=repeated)


def coding_keys(store: "Store", *, coder: Sequence[str], other_than: str,
                batch: int = 10_000) -> Iterator[tuple[str, int, int, str, str]]:
    """``(transcript_id, start, end, code, coder)`` of the layers' codings not brought by the source
    file named ``other_than``, read ``batch`` rows at a time (never all at once: a re-import of a
    file of millions of codings compares with every one of them, issue 21)."""
    if not coder:
        return
    marks = ",".join("?" * len(coder))
    sql = (f"SELECT id, transcript_id, start, end, code, coder FROM codings WHERE coder IN ({marks})"
           " AND (source_file IS NULL OR source_file <> ?) AND id > ? ORDER BY id LIMIT ?")
    last = -1
    while rows := store.connection.execute(sql, [*coder, other_than, last, batch]).fetchall():
        for row in rows:
            yield row[1], int(row[2]), int(row[3]), row[4], row[5]
        last = rows[-1][0]


def source_counts(store: "Store", source_file: str) -> dict[str, int]:
    """How many codings the source file named ``source_file`` brought into each layer."""
    rows = store.connection.execute("SELECT coder, COUNT(*) FROM codings WHERE source_file = ? GROUP BY coder",
                                    (source_file,))
    return {coder: int(n) for coder, n in rows.fetchall()}


def source_codings(store: "Store", *, coder: str, source_file: str, columns: Sequence[str],
                   batch: int = 10_000) -> Iterator[tuple[Any, ...]]:
    """``columns`` (of :data:`CODING_FIELDS`) of the codings the source file named ``source_file`` brought
    into ``coder``'s layer, read ``batch`` rows at a time (a re-import compares them without holding them)."""
    unknown = set(columns) - set(CODING_FIELDS)
    if unknown:
        raise ValueError(f"unknown coding columns: {sorted(unknown)}")
    sql = (f"SELECT id, {', '.join(columns)} FROM codings WHERE coder = ? AND source_file = ? AND id > ?"
           " ORDER BY id LIMIT ?")
    last = -1
    while rows := store.connection.execute(sql, (coder, source_file, last, batch)).fetchall():
        for row in rows:
            yield row[1:]
        last = rows[-1][0]


def layer_codings(store: "Store", coder: Sequence[str]) -> "pd.DataFrame":
    """The codings of the layers ``coder`` as an analysis of many codings reads them.

    Columns transcript_id, start, end, code, coder, ordered by coder, transcript, start and id,
    with transcript_id, code and coder as categories. Each coder's codings of one transcript come
    in one run (how many, from one grouping on the ``codings_by_coder`` index), so the rows carry
    no transcript id and no coder: two of every coding's five values are never fetched (each
    value fetched is a Python object: 200,000 codings are a million of them).
    """
    import numpy as np
    import pandas as pd

    from .transcripts import read_columns

    where, params = _where({"coder": coder})
    runs = store.connection.execute(f"SELECT coder, transcript_id, COUNT(*) FROM codings{where}"
                                    " GROUP BY coder, transcript_id ORDER BY coder, transcript_id", params).fetchall()
    cursor = store.connection.execute(f"SELECT start, end, code FROM codings{where}"
                                      " ORDER BY coder, transcript_id, start, id", params)
    start, end, code = read_columns(cursor, ["int", "int", "category"])
    sizes = [n for _, _, n in runs]
    coders = list(dict.fromkeys(c for c, _, _ in runs))
    tids = list(dict.fromkeys(t for _, t, _ in runs))
    where_coder = {c: k for k, c in enumerate(coders)}
    where_tid = {t: k for k, t in enumerate(tids)}

    def in_run(codes: list[int]) -> "np.ndarray":
        return np.repeat(np.array(codes, dtype=np.int64), sizes)

    return pd.DataFrame({
        "transcript_id": pd.Categorical.from_codes(in_run([where_tid[t] for _, t, _ in runs]), categories=tids),
        "start": start, "end": end, "code": code,
        "coder": pd.Categorical.from_codes(in_run([where_coder[c] for c, _, _ in runs]), categories=coders)})


def coding_memos(store: "Store", coder: str | Sequence[str] | None = None,
                 columns: Sequence[str] = ("transcript_id", "code", "memo")) -> "pd.DataFrame":
    """The codings that carry a memo, in :func:`read_codings`' order: ``columns`` of :data:`CODING_FIELDS`.

    Reads the rows with a memo only (a report quoting memos, or reading the valence coders noted in
    them, needs nothing else).
    """
    import pandas as pd

    unknown = set(columns) - set(CODING_FIELDS)
    if unknown:
        raise ValueError(f"unknown coding columns: {sorted(unknown)}")
    where, params = _where({"coder": coder})
    where = (where + " AND" if where else " WHERE") + " memo IS NOT NULL"
    rows = store.connection.execute(f"SELECT {', '.join(columns)} FROM codings{where}"
                                    " ORDER BY transcript_id, start, end, code, coder, id", params).fetchall()
    return pd.DataFrame.from_records(rows, columns=list(columns))


BATCH = 10_000
"""Rows :func:`insert_codings` sends to the database at a time."""


def insert_codings(store: "Store", records: Iterable[Mapping[str, Any]]) -> int:
    """Insert codings (each a mapping with every column of :data:`CODING_FIELDS` but ``id``).

    ``records`` is read as it goes, :data:`BATCH` rows at a time, so a generator of millions of
    records is never held whole (issue 21).

    Returns
    -------
    int
        The number of rows inserted.
    """
    from itertools import islice
    from operator import itemgetter

    sql = f"INSERT INTO codings ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))})"
    every = itemgetter(*_WRITTEN)  # one C call for a record with every column (coding_records' records)

    def row(record: Mapping[str, Any]) -> tuple[Any, ...]:
        try:
            return every(record)
        except KeyError:  # a column left out is NULL
            return tuple(record.get(column) for column in _WRITTEN)

    rows = map(row, records)
    total = 0
    while batch := list(islice(rows, BATCH)):
        store.connection.executemany(sql, batch)
        total += len(batch)
    return total


def delete_codings(store: "Store", *, coder: str, origin: str | None = None, source_file: str | None = None) -> int:
    """Remove a coder's codings, optionally only one origin's or one source file's; return how many."""
    sql, params = "DELETE FROM codings WHERE coder = ?", [coder]
    if origin is not None:
        sql += " AND origin = ?"
        params.append(origin)
    if source_file is not None:
        sql += " AND source_file = ?"
        params.append(source_file)
    return store.connection.execute(sql, params).rowcount


def delete_coding_ids(store: "Store", ids: Sequence[int]) -> int:
    """Remove the codings with these ids; return how many."""
    total = 0
    ids = [int(i) for i in ids]
    for k in range(0, len(ids), 500):  # bounded statements, whatever the number of ids
        part = ids[k:k + 500]
        total += store.connection.execute(f"DELETE FROM codings WHERE id IN ({','.join('?' * len(part))})",
                                          part).rowcount
    return total


def recode(store: "Store", plan: Mapping[str, str], *, coder: str | None = None) -> tuple[int, int]:
    """Give codings new codes (``plan``: old code -> new code), in one coder's layer or all.

    A coding that becomes the same as another of its layer (same span, code, coder and origin,
    as when two merged codes were applied to one passage) is kept once.

    Returns
    -------
    (int, int)
        Codings changed, and duplicates removed after the change.
    """
    changed = 0
    for old, new in plan.items():
        sql, params = "UPDATE codings SET code = ? WHERE code = ?", [new, old]
        if coder is not None:
            sql += " AND coder = ?"
            params.append(coder)
        changed += store.connection.execute(sql, params).rowcount
    targets = sorted(set(plan.values()))
    marks = ", ".join("?" * len(targets))
    removed = store.connection.execute(
        f"DELETE FROM codings WHERE code IN ({marks}) AND id NOT IN (SELECT MIN(id) FROM codings WHERE code IN "
        f"({marks}) GROUP BY transcript_id, start, end, code, coder, origin)", [*targets, *targets]).rowcount
    return changed, removed


def count_codings(store: "Store", *, coder: str, origin: str | None = None) -> int:
    """How many codings a coder's layer holds (optionally of one origin)."""
    sql, params = "SELECT COUNT(*) FROM codings WHERE coder = ?", [coder]
    if origin is not None:
        sql += " AND origin = ?"
        params.append(origin)
    return int(store.connection.execute(sql, params).fetchone()[0])


def coders(store: "Store") -> list[str]:
    """Every coder with at least one coding, sorted."""
    return [row[0] for row in store.connection.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]


def coders_of_source(store: "Store", source_file: str, origin: str | None = None) -> set[str]:
    """The layers holding codings brought by the source file named ``source_file``."""
    sql, params = "SELECT DISTINCT coder FROM codings WHERE source_file = ?", [source_file]
    if origin is not None:
        sql += " AND origin = ?"
        params.append(origin)
    return {row[0] for row in store.connection.execute(sql, params)}


def layer_summary(store: "Store") -> "pd.DataFrame":
    """One row per (coder, origin): codings, transcripts and codes covered."""
    import pandas as pd

    rows = store.connection.execute(
        "SELECT coder, origin, COUNT(*), COUNT(DISTINCT transcript_id), COUNT(DISTINCT code) FROM codings"
        " GROUP BY coder, origin ORDER BY coder, origin").fetchall()
    return pd.DataFrame.from_records(rows, columns=["coder", "origin", "codings", "transcripts", "codes"])


__all__ = ["CODING_FIELDS", "read_codings", "coding_keys", "layer_codings", "insert_codings", "delete_codings", "delete_coding_ids", "count_codings",
           "coders", "coders_of_source", "layer_summary"]

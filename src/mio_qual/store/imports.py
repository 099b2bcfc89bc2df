"""The ``imports`` and ``coverage`` tables: which files were imported, and which transcripts each coder was given.

``coverage`` holds one row per (coder, transcript, kind, source): ``returned`` rows say that a
file a coder returned covered the transcript (a Word file of it, a coding sheet listing it, a
source of a ``.qdpx`` project), with or without codings in it; ``assigned`` rows are explicit
assignments (a command or an assignment sheet). Agreement reads them to decide which
transcripts a coder saw.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

#: Columns of :func:`read_coverage`, in order.
COVERAGE_FIELDS = ("coder", "transcript_id", "kind", "source", "origin", "at")


def record_import(store: "Store", *, kind: str, path: str, sha256: str, coder: str | None, n_items: int,
                  at: str) -> None:
    """Record one imported file (``kind`` is ``coding`` for coding files)."""
    store.connection.execute(
        "INSERT INTO imports (kind, path, sha256, coder, n_items, at) VALUES (?, ?, ?, ?, ?, ?)",
        (kind, path, sha256, coder, n_items, at))


def last_coding_import(store: "Store", *, coder: str, name: str) -> tuple[str, str] | None:
    """The path and SHA-256 of the coding file called ``name`` (in any folder) last imported into ``coder``'s layer."""
    pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.connection.execute(
        "SELECT path, sha256 FROM imports WHERE kind = 'coding' AND coder = ? AND path LIKE ? ESCAPE '\\'"
        " ORDER BY id DESC", (coder, pattern)).fetchall()
    return next(((str(p), str(h)) for p, h in rows if Path(p).name == name), None)


def replace_returned(store: "Store", *, coder: str, source: str, origin: str | None,
                     transcript_ids: Iterable[str], at: str) -> int:
    """Say that the file ``source`` a coder returned covered these transcripts (replacing what it said before).

    Returns
    -------
    int
        The number of transcripts recorded.
    """
    store.connection.execute("DELETE FROM coverage WHERE coder = ? AND kind = 'returned' AND source = ?",
                             (coder, source))
    rows = [(coder, tid, "returned", source, origin, at) for tid in sorted(set(transcript_ids))]
    store.connection.executemany(
        "INSERT INTO coverage (coder, transcript_id, kind, source, origin, at) VALUES (?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def delete_returned(store: "Store", *, coder: str, origin: str | None = None) -> int:
    """Forget the files a coder returned (those of one origin when given); assignments stay."""
    sql, params = "DELETE FROM coverage WHERE coder = ? AND kind = 'returned'", [coder]
    if origin is not None:
        sql += " AND origin = ?"
        params.append(origin)
    return store.connection.execute(sql, params).rowcount


def add_assignments(store: "Store", records: Iterable[tuple[str, str]], *, source: str, at: str) -> int:
    """Assign transcripts to coders: ``records`` are (coder, transcript_id) pairs; assigning twice is harmless."""
    rows = [(coder, tid, "assigned", source, None, at) for coder, tid in dict.fromkeys(records)]
    store.connection.executemany(
        "INSERT INTO coverage (coder, transcript_id, kind, source, origin, at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (coder, transcript_id, kind, source) DO UPDATE SET at = excluded.at", rows)
    return len(rows)


def remove_assignments(store: "Store", coder: str, transcript_ids: Sequence[str] | None = None) -> int:
    """Withdraw a coder's assignments (of these transcripts, or all); return how many rows went."""
    sql, params = "DELETE FROM coverage WHERE coder = ? AND kind = 'assigned'", [coder]
    if transcript_ids is not None:
        ids = list(transcript_ids)
        sql += f" AND transcript_id IN ({','.join('?' * len(ids))})" if ids else " AND 1 = 0"
        params.extend(ids)
    return store.connection.execute(sql, params).rowcount


def coders_on_record(store: "Store", names: Sequence[str]) -> set[str]:
    """Those of ``names`` the project has on record as coders without codings: given a transcript
    (returned in a file or assigned: ``coverage``) or named by an import (``imports``)."""
    names = list(names)
    if not names:
        return set()
    marks = ",".join("?" * len(names))
    rows = store.connection.execute(f"SELECT coder FROM coverage WHERE coder IN ({marks}) UNION "
                                    f"SELECT coder FROM imports WHERE coder IN ({marks})", names + names)
    return {row[0] for row in rows}


def read_coverage(store: "Store", coders: Sequence[str] | None = None) -> "pd.DataFrame":
    """Every coverage row (of these coders when given), sorted by coder, transcript, kind and source."""
    import pandas as pd

    sql, params = f"SELECT {', '.join(COVERAGE_FIELDS)} FROM coverage", []
    if coders is not None:
        names = list(coders)
        sql += f" WHERE coder IN ({','.join('?' * len(names))})" if names else " WHERE 1 = 0"
        params.extend(names)
    rows = store.connection.execute(sql + " ORDER BY coder, transcript_id, kind, source", params).fetchall()
    return pd.DataFrame.from_records(rows, columns=list(COVERAGE_FIELDS))


__all__ = ["COVERAGE_FIELDS", "record_import", "replace_returned", "delete_returned", "add_assignments",
           "remove_assignments", "coders_on_record", "read_coverage"]

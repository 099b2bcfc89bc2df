"""The ``ratings`` table: construct ratings, one row per rater, case kind, case and construct.

Functions take the :class:`~mio_qual.store.Store` and never commit: the caller (a
:class:`~mio_qual.project.Project` method) wraps writes in ``store.transaction()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

COLUMNS = ["rater", "case_kind", "case_id", "construct", "rating", "rationale", "quote", "source_file", "created"]


def _in(column: str, values: Sequence[str] | None, clauses: list[str], params: list[Any]) -> None:
    """Add ``column IN (...)`` to a WHERE clause (an empty list matches nothing)."""
    if values is None:
        return
    values = list(values)
    clauses.append(f"{column} IN ({','.join('?' * len(values))})" if values else "1 = 0")
    params.extend(values)


def read_ratings(store: "Store", *, rater: Sequence[str] | None = None, case_kind: str | None = None,
                 construct: Sequence[str] | None = None, case_id: Sequence[str] | None = None) -> "pd.DataFrame":
    """Stored ratings, filtered; None for a filter means every value.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, in the order the rows were written.
    """
    import pandas as pd

    clauses: list[str] = []
    params: list[Any] = []
    _in("rater", rater, clauses, params)
    _in("construct", construct, clauses, params)
    _in("case_id", case_id, clauses, params)
    if case_kind is not None:
        clauses.append("case_kind = ?")
        params.append(case_kind)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = store.connection.execute(f"SELECT {', '.join(COLUMNS)} FROM ratings{where} ORDER BY id", params).fetchall()
    return pd.DataFrame.from_records(rows, columns=COLUMNS)


def rater_names(store: "Store", case_kind: str | None = None) -> list[str]:
    """Every rater with ratings (of one case kind), sorted."""
    sql = "SELECT DISTINCT rater FROM ratings" + (" WHERE case_kind = ?" if case_kind else "") + " ORDER BY rater"
    return [r[0] for r in store.connection.execute(sql, (case_kind,) if case_kind else ())]


def write_ratings(store: "Store", rater: str,
                  records: Sequence[tuple[str, str, str, str | None, str | None, str | None]], *,
                  source_file: str | None, created: str, replace_case_kind: str | None = None) -> tuple[int, int]:
    """Write one rater's ratings, replacing what they replace.

    Parameters
    ----------
    store : Store
    rater : str
    records : sequence of (case_kind, case_id, construct, rating, rationale, quote)
    source_file : str, optional
        The file the ratings came from (its name). Ratings of the same case kinds that the same
        rater brought from this file before and that ``records`` no longer hold are removed.
    created : str
        ISO time stamp.
    replace_case_kind : str, optional
        Remove every rating of the rater for this case kind first (a layer rebuilt whole).

    Returns
    -------
    replaced : int
        Ratings of the rater that the records overwrote.
    removed : int
        Ratings removed.
    """
    connection = store.connection
    removed = 0
    if replace_case_kind is not None:
        removed = connection.execute("DELETE FROM ratings WHERE rater = ? AND case_kind = ?",
                                     (rater, replace_case_kind)).rowcount
    elif source_file is not None:
        keys = {(k, c, s) for k, c, s, *_ in records}
        kinds = {k for k, *_ in records}
        old = connection.execute("SELECT id, case_kind, case_id, construct FROM ratings WHERE rater = ? AND "
                                 "source_file = ?", (rater, source_file)).fetchall()
        # only ratings of the case kinds this file rates: an agency sheet named like a clinic sheet removes nothing
        gone = [(i,) for i, k, c, s in old if k in kinds and (k, c, s) not in keys]
        connection.executemany("DELETE FROM ratings WHERE id = ?", gone)
        removed = len(gone)
    existing = {tuple(k) for k in connection.execute(
        "SELECT case_kind, case_id, construct FROM ratings WHERE rater = ?", (rater,))}
    replaced = sum((k, c, s) in existing for k, c, s, *_ in records)
    connection.executemany(
        "INSERT INTO ratings (rater, case_kind, case_id, construct, rating, rationale, quote, source_file, created)"
        " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (rater, case_kind, case_id, construct) DO UPDATE SET"
        " rating = excluded.rating, rationale = excluded.rationale, quote = excluded.quote,"
        " source_file = excluded.source_file, created = excluded.created",
        [(rater, k, c, s, rating, why, quote, source_file, created) for k, c, s, rating, why, quote in records])
    return replaced, removed


__all__ = ["read_ratings", "rater_names", "write_ratings", "COLUMNS"]

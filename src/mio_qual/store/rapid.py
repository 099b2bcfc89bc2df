"""The rapid-analysis tables: summary templates, summaries per domain and their quotes.

Functions take the :class:`~mio_qual.store.Store` and never commit: the caller (a
:class:`~mio_qual.project.Project` method) wraps writes in ``store.transaction()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

SUMMARY_COLUMNS = ["summarizer", "transcript_id", "domain", "template", "summary", "source_file", "imported_at"]
QUOTE_COLUMNS = ["summarizer", "transcript_id", "domain", "n", "quote_start", "quote_end", "segment_id"]


def write_template(store: "Store", name: str, definition: str, at: str) -> bool:
    """Register (or update) a template's definition; True when it was new or changed."""
    row = store.connection.execute("SELECT definition FROM rapid_templates WHERE name = ?", (name,)).fetchone()
    if row is not None and row[0] == definition:
        return False
    store.connection.execute("DELETE FROM rapid_templates WHERE name = ?", (name,))
    store.connection.execute("INSERT INTO rapid_templates (name, definition, registered_at) VALUES (?, ?, ?)",
                             (name, definition, at))
    return True


def read_templates(store: "Store") -> dict[str, str]:
    """Every registered template: name -> definition (JSON)."""
    return dict(store.connection.execute("SELECT name, definition FROM rapid_templates ORDER BY name").fetchall())


def _where(filters: dict[str, Sequence[str] | None]) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, values in filters.items():
        if values is None:
            continue
        values = list(values)
        clauses.append(f"{column} IN ({','.join('?' * len(values))})" if values else "1 = 0")
        params.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def replace_summary(store: "Store", summarizer: str, transcript_id: str, summaries: Sequence[tuple[Any, ...]],
                    quotes: Sequence[tuple[Any, ...]]) -> int:
    """Replace one summarizer's summary of one transcript; returns how many domain rows it replaced.

    ``summaries`` rows follow :data:`SUMMARY_COLUMNS`, ``quotes`` rows :data:`QUOTE_COLUMNS`.
    """
    key = (summarizer, transcript_id)
    replaced = store.connection.execute(
        "SELECT COUNT(*) FROM rapid_summaries WHERE summarizer = ? AND transcript_id = ?", key).fetchone()[0]
    store.connection.execute("DELETE FROM rapid_quotes WHERE summarizer = ? AND transcript_id = ?", key)
    store.connection.execute("DELETE FROM rapid_summaries WHERE summarizer = ? AND transcript_id = ?", key)
    store.connection.executemany(
        f"INSERT INTO rapid_summaries ({', '.join(SUMMARY_COLUMNS)}) VALUES ({', '.join('?' * len(SUMMARY_COLUMNS))})",
        summaries)
    store.connection.executemany(
        f"INSERT INTO rapid_quotes ({', '.join(QUOTE_COLUMNS)}) VALUES ({', '.join('?' * len(QUOTE_COLUMNS))})",
        quotes)
    return int(replaced)


def _read(store: "Store", table: str, columns: list[str], order: str,
          filters: dict[str, Sequence[str] | None]) -> "pd.DataFrame":
    import pandas as pd

    where, params = _where(filters)
    rows = store.connection.execute(f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY {order}",
                                    params).fetchall()
    return pd.DataFrame.from_records(rows, columns=columns)


def read_summaries(store: "Store", *, summarizer: Sequence[str] | None = None,
                   transcript_id: Sequence[str] | None = None) -> "pd.DataFrame":
    """Stored summaries (one row per summarizer, transcript and domain), filtered."""
    return _read(store, "rapid_summaries", SUMMARY_COLUMNS, "transcript_id, summarizer",
                 {"summarizer": summarizer, "transcript_id": transcript_id})


def read_quotes(store: "Store", *, summarizer: Sequence[str] | None = None,
                transcript_id: Sequence[str] | None = None) -> "pd.DataFrame":
    """Stored rapid-analysis quotes (offsets into the transcript), filtered."""
    return _read(store, "rapid_quotes", QUOTE_COLUMNS, "transcript_id, summarizer, domain, n",
                 {"summarizer": summarizer, "transcript_id": transcript_id})


def delete_summaries(store: "Store", summarizer: str) -> int:
    """Remove one summarizer's summaries and quotes; returns the number of summary rows removed."""
    store.connection.execute("DELETE FROM rapid_quotes WHERE summarizer = ?", (summarizer,))
    return store.connection.execute("DELETE FROM rapid_summaries WHERE summarizer = ?", (summarizer,)).rowcount


__all__ = ["SUMMARY_COLUMNS", "QUOTE_COLUMNS", "write_template", "read_templates", "replace_summary",
           "read_summaries", "read_quotes", "delete_summaries"]

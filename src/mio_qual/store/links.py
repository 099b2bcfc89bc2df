"""The ``counselor_links`` table (a participant's study id -> counselor id, clinic, agency) and
the Aim 3 settings kept in ``meta`` (whether raters knew the outcomes).

Functions take the :class:`~mio_qual.store.Store` and never commit: the caller (a
:class:`~mio_qual.project.Project` method) wraps writes in ``store.transaction()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

LINK_COLUMNS = ["study_id", "counselor_id", "clinic", "agency", "source_file"]


def replace_counselor_links(store: "Store", records: Sequence[tuple[str, str, str | None, str | None]], *,
                            source_file: str | None) -> int:
    """Replace the whole link table with ``records`` (study_id, counselor_id, clinic, agency); returns rows removed."""
    connection = store.connection
    removed = connection.execute("DELETE FROM counselor_links").rowcount
    connection.executemany("INSERT INTO counselor_links (study_id, counselor_id, clinic, agency, source_file)"
                           " VALUES (?,?,?,?,?)", [(*r, source_file) for r in records])
    return max(removed, 0)


def read_counselor_links(store: "Store") -> "pd.DataFrame":
    """The link table, one row per study id, sorted by counselor and study id."""
    import pandas as pd

    rows = store.connection.execute(f"SELECT {', '.join(LINK_COLUMNS)} FROM counselor_links "
                                    "ORDER BY counselor_id, study_id").fetchall()
    return pd.DataFrame.from_records(rows, columns=LINK_COLUMNS)


def read_setting(store: "Store", key: str) -> str | None:
    """A project fact kept in ``meta`` (written with :func:`mio_qual.store.audit.set_meta`), or None."""
    row = store.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


__all__ = ["replace_counselor_links", "read_counselor_links", "read_setting", "LINK_COLUMNS"]

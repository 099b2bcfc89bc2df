"""The ``measure_items`` table: climate and counselor measure items, one row per respondent and item.

Functions take the :class:`~mio_qual.store.Store` and never commit: the caller (a
:class:`~mio_qual.project.Project` method) wraps writes in ``store.transaction()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

COLUMNS = ["instrument", "respondent_id", "agency", "clinic", "counselor_id", "item", "value", "source_file"]


def replace_instrument(store: "Store", instrument: str, records: Sequence[tuple], *, source_file: str | None) -> int:
    """Replace every item of ``instrument`` with ``records`` (respondent_id, agency, clinic, counselor_id, item,
    value); returns the rows removed."""
    connection = store.connection
    removed = connection.execute("DELETE FROM measure_items WHERE instrument = ?", (instrument,)).rowcount
    connection.executemany(f"INSERT INTO measure_items ({', '.join(COLUMNS)}) VALUES (?,?,?,?,?,?,?,?)",
                           [(instrument, *r, source_file) for r in records])
    return max(removed, 0)


def read_items(store: "Store", instrument: str | None = None) -> "pd.DataFrame":
    """Stored items (of one instrument), sorted by instrument, respondent and item."""
    import pandas as pd

    sql = f"SELECT {', '.join(COLUMNS)} FROM measure_items"
    params: tuple[str, ...] = ()
    if instrument is not None:
        sql += " WHERE instrument = ?"
        params = (instrument,)
    rows = store.connection.execute(sql + " ORDER BY instrument, respondent_id, item", params).fetchall()
    return pd.DataFrame.from_records(rows, columns=COLUMNS)


__all__ = ["replace_instrument", "read_items", "COLUMNS"]

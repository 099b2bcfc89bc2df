"""The ``quant`` table: quantitative values, one row per unit (session, counselor ...) and measure.

A unit's other columns (counselor id, date, phase ...) are kept as JSON in ``attributes``.
Functions take the :class:`~mio_qual.store.Store` and never commit.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from .ratings import _in

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

COLUMNS = ["dataset", "level", "unit_id", "agency", "clinic", "measure", "value", "source_file", "row"]


def read_quant(store: "Store", *, dataset: Sequence[str] | None = None, measure: Sequence[str] | None = None,
               clinic: Sequence[str] | None = None, level: str | None = None) -> "pd.DataFrame":
    """Stored values, filtered; None for a filter means every value.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` and each key of the rows' ``attributes`` (a column the table
        already has keeps its value). Sorted by dataset, row and insertion.
    """
    import pandas as pd

    clauses: list[str] = []
    params: list[Any] = []
    _in("dataset", dataset, clauses, params)
    _in("measure", measure, clauses, params)
    _in("clinic", clinic, clauses, params)
    if level is not None:
        clauses.append("level = ?")
        params.append(level)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = store.connection.execute(
        f"SELECT {', '.join(COLUMNS)}, attributes FROM quant{where} ORDER BY dataset, row, id", params).fetchall()
    records = []
    for r in rows:
        record = dict(zip(COLUMNS, r[:-1]))
        for key, value in json.loads(r[-1]).items():
            record.setdefault(key, value)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=None if records else COLUMNS)
    frame["value"] = frame["value"].astype(float)
    return frame


def measure_names(store: "Store") -> list[str]:
    """Every stored measure, sorted."""
    return sorted(r[0] for r in store.connection.execute("SELECT DISTINCT measure FROM quant"))


def replace_dataset(store: "Store", dataset: str, records: Sequence[tuple[Any, ...]]) -> int:
    """Replace a dataset whole with ``records``.

    Parameters
    ----------
    records : sequence of tuple
        (dataset, level, unit_id, agency, clinic, measure, value, source_file, row,
        attributes as JSON text).

    Returns
    -------
    int
        Values the dataset held before.
    """
    replaced = store.connection.execute("DELETE FROM quant WHERE dataset = ?", (dataset,)).rowcount
    store.connection.executemany(
        "INSERT INTO quant (dataset, level, unit_id, agency, clinic, measure, value, source_file, row, attributes)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)", records)
    return replaced


__all__ = ["read_quant", "measure_names", "replace_dataset", "COLUMNS"]

"""The ``impl_logs`` table: the Aim 2 logs, one row per log row.

A log is one of ``activities`` (the study's activity list), ``activity_dates``, ``strategies``,
``adaptations``, ``facilitation`` and ``events``. Each stored row keeps its checked cells as JSON in
``record`` (dates as ISO text), with its agency, clinic and source row beside it for filtering.
Functions take the :class:`~mio_qual.store.Store` and never commit.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

LOGS = ("activities", "activity_dates", "strategies", "adaptations", "facilitation", "events")


def _json_value(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return value


def replace_log(store: "Store", log: str, records: Sequence[Mapping[str, Any]], source_file: str) -> int:
    """Replace a log whole with ``records`` (dicts with ``row``, ``agency``, ``clinic`` and any
    other cells); returns the rows it held before."""
    replaced = store.connection.execute("DELETE FROM impl_logs WHERE log = ?", (log,)).rowcount
    store.connection.executemany(
        "INSERT INTO impl_logs (log, row, agency, clinic, record, source_file) VALUES (?,?,?,?,?,?)",
        [(log, r.get("row"), r.get("agency"), r.get("clinic"),
          json.dumps({k: _json_value(v) for k, v in r.items()}, sort_keys=True, ensure_ascii=False), source_file)
         for r in records])
    return max(replaced, 0)


def read_log(store: "Store", log: str, *, clinic: Sequence[str] | None = None) -> "pd.DataFrame":
    """A stored log as a DataFrame (one column per cell, ``row`` and ``source_file`` too), in file order."""
    import pandas as pd

    sql = "SELECT record, source_file FROM impl_logs WHERE log = ?"
    params: list[Any] = [log]
    if clinic is not None:
        sql += f" AND clinic IN ({', '.join('?' * len(clinic))})" if clinic else " AND 1 = 0"
        params += list(clinic)
    rows = store.connection.execute(sql + " ORDER BY row, id", params).fetchall()
    return pd.DataFrame.from_records([{**json.loads(record), "source_file": source} for record, source in rows])


def log_counts(store: "Store") -> dict[str, int]:
    """Rows stored per log."""
    return {log: n for log, n in store.connection.execute("SELECT log, COUNT(*) FROM impl_logs GROUP BY log")}


__all__ = ["LOGS", "replace_log", "read_log", "log_counts"]

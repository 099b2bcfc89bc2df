"""The ``audit`` and ``meta`` tables: who changed what, when, with which command; facts about the store.

Functions take the :class:`~mio_qual.store.db.Store` first and never commit (the caller holds
the transaction). :meth:`Store.audit <mio_qual.store.db.Store.audit>` is the short form of
:func:`record_audit` that every writer uses.
"""

from __future__ import annotations

import getpass
import json
import os
from typing import TYPE_CHECKING, Any

from .db import now_iso

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

AUDIT_COLUMNS = ["id", "at", "user", "command", "action", "target", "detail", "codebook_version"]


def current_user() -> str:
    """Who is making the change: ``$MIO_QUAL_USER``, else the login name."""
    try:
        return os.environ.get("MIO_QUAL_USER") or getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user database in some containers
        return "unknown"


def record_audit(store: "Store", action: str, target: str | None = None, detail: dict[str, Any] | None = None,
                 codebook_version: str | None = None, user: str | None = None) -> None:
    """Record a change in the audit trail (who, when, command, what, codebook version).

    Without ``codebook_version`` the entry gets the version of the codebook most recently
    registered in the project (the one in force when the change was made), if any.
    """
    if codebook_version is None:
        row = store.connection.execute(  # rowid (SQLite's insertion order) breaks ties within a second
            "SELECT version FROM codebooks ORDER BY added_at DESC, rowid DESC LIMIT 1").fetchone()
        codebook_version = row[0] if row else None
    store.connection.execute(
        "INSERT INTO audit (at, user, command, action, target, detail, codebook_version) VALUES (?,?,?,?,?,?,?)",
        (now_iso(), user or current_user(), store.command, action, target,
         json.dumps(detail or {}, sort_keys=True, default=str), codebook_version),
    )


def audit_records(store: "Store", limit: int | None = None) -> list[dict[str, Any]]:
    """The audit trail as plain records (keys :data:`AUDIT_COLUMNS`), newest first, without pandas."""
    sql = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit ORDER BY id DESC"
    params: tuple[int, ...] = ()
    if limit:
        sql += " LIMIT ?"
        params = (int(limit),)
    return [dict(zip(AUDIT_COLUMNS, row)) for row in store.connection.execute(sql, params).fetchall()]


def action_details(store: "Store", action: str) -> list[dict[str, Any]]:
    """The details of every audit entry of ``action``, oldest first (an unreadable detail as ``{}``)."""
    out = []
    for (detail,) in store.connection.execute("SELECT detail FROM audit WHERE action = ? ORDER BY id", (action,)):
        try:
            parsed = json.loads(detail or "{}")
        except ValueError:
            parsed = {}
        out.append(parsed if isinstance(parsed, dict) else {})
    return out


def read_audit(store: "Store", limit: int | None = None) -> "pd.DataFrame":
    """The audit trail, newest first (at most ``limit`` entries); columns :data:`AUDIT_COLUMNS`.

    Text columns hold None (never NaN) where an entry has no value, whatever pandas' default
    string type.
    """
    import pandas as pd

    frame = pd.DataFrame.from_records(audit_records(store, limit), columns=AUDIT_COLUMNS)
    text = [c for c in AUDIT_COLUMNS if c != "id"]
    frame[text] = frame[text].astype(object)
    return frame.where(frame.notna(), None)


def set_meta(store: "Store", key: str, value: str) -> None:
    """Store a fact about the project (``created``, ...), replacing an earlier value."""
    store.connection.execute("DELETE FROM meta WHERE key = ?", (key,))
    store.connection.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))


"""Copying a whole project between stores: SQLite to PostgreSQL (``project push``) and back (``project pull``).

The tables and their columns come from the one schema definition (an in-memory SQLite database
built from :data:`~mio_qual.store.schema.MIGRATIONS`), so a table another engineer adds is
copied without a change here. Rows are read in their order of insertion (``rowid``; primary key
order for SQLite's ``WITHOUT ROWID`` tables) inside one read snapshot, and written in batches:
PostgreSQL's ``COPY`` into a server, ``executemany`` into SQLite, all in one transaction of the
target, which is emptied first. Keys (coding ids, audit ids ...) keep their values; a server's
identity sequences then continue after the largest.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator

from .db import _split_sql
from .schema import MIGRATIONS

if TYPE_CHECKING:  # pragma: no cover
    from .db import Store

BATCH = 5000


@dataclass(frozen=True)
class TableShape:
    """One table of the schema: its name, columns in order, and the SQLite order of insertion."""

    name: str
    columns: tuple[str, ...]
    sqlite_order: str


@lru_cache(maxsize=1)
def schema_tables() -> tuple[TableShape, ...]:
    """Every table of the schema, in creation order (parents before the tables referring to them)."""
    memory = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS:
            for statement in _split_sql(script):
                memory.execute(statement)
        shapes = []
        for name, sql in memory.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall():
            info = memory.execute(f"PRAGMA table_info({name})").fetchall()
            columns = tuple(row[1] for row in info)
            key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
            order = ", ".join(key) if "WITHOUT ROWID" in sql.upper() else "rowid"
            shapes.append(TableShape(name, columns, order))
        return tuple(shapes)
    finally:
        memory.close()


def _is_server(store: "Store") -> bool:
    return getattr(store, "backend", "sqlite") == "postgresql"


@contextmanager
def _snapshot(store: "Store") -> Iterator[None]:
    """One consistent read view of ``store`` for the whole copy."""
    if _is_server(store):
        raw = store.connection.raw  # type: ignore[attr-defined]
        raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        raw = store.connection
        raw.execute("BEGIN")
    try:
        yield
    finally:
        raw.execute("COMMIT")


def _quoted(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def copy_project(source: "Store", target: "Store") -> dict[str, int]:
    """Replace everything ``target`` holds with what ``source`` holds; return rows copied per table.

    The caller holds no transaction on ``target``: the copy is one transaction there (all or
    nothing).
    """
    counts: dict[str, int] = {}
    with target.transaction(), _snapshot(source):
        if _is_server(target):
            from .team import set_audit_trigger

            set_audit_trigger(target, False)  # entries keep the user who made them
        for shape in reversed(schema_tables()):
            target.connection.execute(f"DELETE FROM {shape.name}")
        for shape in schema_tables():
            order = "rowid" if _is_server(source) else shape.sqlite_order
            cursor = source.connection.execute(f"SELECT {', '.join(shape.columns)} FROM {shape.name} ORDER BY {order}")
            counts[shape.name] = _write(target, shape, cursor)
        if _is_server(target):
            _continue_identities(target)
            set_audit_trigger(target, True)
    return counts


def _write(target: "Store", shape: TableShape, cursor: Any) -> int:
    n = 0
    if _is_server(target):
        raw = target.connection.raw  # type: ignore[attr-defined]
        with raw.cursor().copy(f"COPY {shape.name} ({_quoted(shape.columns)}) FROM STDIN") as copy:
            while rows := cursor.fetchmany(BATCH):
                for row in rows:
                    copy.write_row(row)
                n += len(rows)
        return n
    insert = (f"INSERT INTO {shape.name} ({_quoted(shape.columns)})"
              f" VALUES ({', '.join('?' * len(shape.columns))})")
    while rows := cursor.fetchmany(BATCH):
        target.connection.executemany(insert, rows)
        n += len(rows)
    return n


def _continue_identities(target: "Store") -> None:
    """Move each identity key's sequence past the largest key copied in."""
    raw = target.connection.raw  # type: ignore[attr-defined]
    for shape in schema_tables():
        if "id" not in shape.columns:
            continue
        sequence = raw.execute("SELECT pg_get_serial_sequence(%s, 'id')", (shape.name,)).fetchone()[0]
        if sequence:
            raw.execute(f"SELECT setval(%s, COALESCE((SELECT MAX(id) FROM {shape.name}), 0) + 1, false)",
                        (sequence,))


def table_rows(store: "Store") -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in insertion order (for comparing two copies of a project)."""
    out = {}
    for shape in schema_tables():
        order = "rowid" if _is_server(store) else shape.sqlite_order
        out[shape.name] = [tuple(row) for row in store.connection.execute(
            f"SELECT {', '.join(shape.columns)} FROM {shape.name} ORDER BY {order}").fetchall()]
    return out


__all__ = ["schema_tables", "copy_project", "table_rows", "TableShape"]

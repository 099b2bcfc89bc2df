"""Opening the one-file SQLite store, migrating it, and running each command as one transaction."""

from __future__ import annotations

import sqlite3
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError, MioQualError, WorkError
from .schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 60_000

CLI_COMMAND: str | None = None
"""The running ``mio-qual`` command line, set by the CLI for the audit trail (None outside the CLI)."""


def now_iso() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


class Store:
    """A project's SQLite file: WAL mode, foreign keys on, versioned schema.

    Use :meth:`transaction` for every change, so that a command lands whole or not at all
    (DESIGN.md, decision 6).

    Parameters
    ----------
    path : Path
        The database file.
    connection : sqlite3.Connection
        An open connection in autocommit mode (transactions are explicit).
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.connection = connection
        self._depth = 0
        self._held = False  # inside held(): transactions join one that commits when held() ends
        self._open = False  # held() began that transaction and has not committed it yet
        self.command = CLI_COMMAND or (
            " ".join(["mio-qual", *sys.argv[1:]]) if sys.argv and "mio-qual" in sys.argv[0] else "python")

    @classmethod
    def create(cls, path: str | Path) -> "Store":
        """Create a new store file at ``path``; refuse if one exists."""
        path = Path(path)
        if path.exists():
            raise InputError("a project store already exists here", path=path, hint="open it instead")
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = _connect(path)
        connection.execute("PRAGMA journal_mode = WAL")
        store = cls(path, connection)
        store.migrate()
        from .audit import set_meta

        with store.transaction():
            set_meta(store, "created", now_iso())
        return store

    @classmethod
    def open(cls, path: str | Path) -> "Store":
        """Open an existing store, migrating it to this library's schema if it is older."""
        path = Path(path)
        if not path.is_file():
            raise InputError("no project store here", path=path, hint="create one with `mio-qual init`")
        # The file is not opened with open(): closing any other descriptor of it drops every
        # POSIX lock this process holds on it, including those of a Store already open here,
        # and another process could then delete the WAL under that Store. SQLite itself says
        # when the file is not a database.
        from .health import check_connection, check_store_file

        check_store_file(path)  # empty, truncated or read-only: refused before SQLite touches it
        connection = _connect(path)
        try:
            version = check_connection(path, connection, schema_version=SCHEMA_VERSION)
            connection.execute("PRAGMA journal_mode = WAL")
        except BaseException:
            connection.close()
            raise
        store = cls(path, connection)
        if version < SCHEMA_VERSION:
            store.migrate()
        return store

    def migrate(self) -> None:
        """Apply every migration the store has not had yet, each in its own transaction."""
        version = self.connection.execute("PRAGMA user_version").fetchone()[0]
        for target in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in _split_sql(MIGRATIONS[target]):
                    self.connection.execute(statement)
                self.connection.execute(f"PRAGMA user_version = {target + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one ``BEGIN IMMEDIATE`` transaction (nested calls join the outer one).

        The write lock is taken at the start, so a concurrent writer waits (busy timeout)
        instead of failing half-way; on any exception everything is rolled back. Inside
        :meth:`held`, the block joins the command's transaction instead (as a savepoint, so
        that its failure undoes only its own changes), and nothing is committed before
        :meth:`held` ends.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.connection
            finally:
                self._depth -= 1
            return
        if self._held and self._open:
            yield from self._savepoint()
            return
        self._begin()
        self._depth = 1
        try:
            yield self.connection
        except BaseException as exc:
            self._depth = 0
            self._rollback()
            refusal = self._refusal(exc)
            if refusal is not None:
                raise refusal from None
            raise
        self._depth = 0
        if self._held:
            self._open = True  # committed when held() ends
        else:
            self._commit()

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        """A transaction() block inside a held transaction that is already open: a savepoint of it."""
        self.connection.execute("SAVEPOINT mio_qual_block")
        self._depth = 1
        try:
            yield self.connection
        except BaseException as exc:
            self._depth = 0
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK TO mio_qual_block")
                self.connection.execute("RELEASE mio_qual_block")
            else:  # the backend rolled everything back itself (I/O error, full disk)
                self._open = False
            refusal = self._refusal(exc)
            if refusal is not None:
                raise refusal from None
            raise
        self._depth = 0
        self.connection.execute("RELEASE mio_qual_block")

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold every change the block makes in one transaction, committed when the block ends.

        A command that writes files as well as the store runs inside it, with its files
        written before the block ends: if a file cannot be written, nothing the command
        changed in the store is kept either. The write lock is taken only at the block's
        first :meth:`transaction` (work done before it does not hold other writers back)
        and kept until the end; later :meth:`transaction` blocks become savepoints of the
        same transaction. Nested calls join the outer one.
        """
        if self._held:
            yield
            return
        self._held = True
        try:
            yield
        except BaseException:
            self._held = False
            if self._open:
                self._open = False
                self._rollback()
            raise
        self._held = False
        if self._open:
            self._open = False
            try:
                self._commit()
            except BaseException as exc:
                self._rollback()
                refusal = self._refusal(exc)
                if refusal is not None:
                    raise refusal from None
                raise

    def _commit(self) -> None:
        self.connection.execute("COMMIT")

    def _rollback(self) -> None:
        if self.connection.in_transaction:  # SQLite may already have rolled back (I/O error, full disk)
            self.connection.execute("ROLLBACK")

    def _refusal(self, exc: BaseException) -> MioQualError | None:
        """The error to show instead of ``exc`` when the backend refused a change (None: ``exc`` itself)."""
        return None

    def _begin(self) -> None:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise WorkError(
                        "the project is busy: another mio-qual command holds it",
                        path=self.path,
                        hint="wait for it to finish and try again",
                    ) from None
                time.sleep(0.05)

    def audit(self, action: str, target: str | None = None, detail: dict[str, Any] | None = None,
              codebook_version: str | None = None, user: str | None = None) -> None:
        """Record a change in the audit trail (see :func:`mio_qual.store.audit.record_audit`)."""
        from .audit import record_audit

        record_audit(self, action, target, detail, codebook_version, user)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]

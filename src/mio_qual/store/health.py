"""Is this file a healthy mio-qual store? Checks run when a store is opened, and plain messages for failures.

:class:`~mio_qual.store.db.Store` calls :func:`check_store_file` before it connects and
:func:`check_connection` right after, so that a project store that is empty (a zero-byte
file), truncated, not SQLite, damaged, written by a newer mio-qual, missing a table, or
read-only is refused with one line naming the file and what to do, before any command reads
or writes it. An empty file in particular is never initialised as a new project: that would
hide the loss of the real one (and several commands doing it at once race on the schema).

The checks on open are cheap (the file's size, SQLite's header through SQLite itself, the
list of tables): ``PRAGMA integrity_check`` reads the whole file, which is too slow for every
command on a large project, so damage found later, while a command reads a page, is turned
into the same kind of message by :func:`user_error`, which the CLI calls on any exception a
command did not expect (a full disk, a permission error, a symlink loop, nesting too deep).

The file is never opened with :func:`open` here: closing any other descriptor of an SQLite
file drops the POSIX locks this process holds on it (see the note in :mod:`mio_qual.store.db`).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, MioQualError, WorkError

SQLITE_HEADER_BYTES = 100
"""An SQLite database file is at least its 100-byte header (and in fact one page)."""

INTEGRITY_HINT = ("check it with `sqlite3 {path} 'PRAGMA integrity_check'` and restore the project folder from a "
                  "backup if it reports damage")

OPENED: list[Path] = []
"""Stores opened in this process (newest last): :func:`user_error` names the latest in its messages."""


def _hint(path: Path) -> str:
    return INTEGRITY_HINT.format(path=path)


def check_store_file(path: Path) -> None:
    """Refuse a store file that cannot be a mio-qual project before SQLite touches it.

    Raises
    ------
    InputError
        The file is empty, shorter than an SQLite header, or cannot be written (a read-only
        file or folder: every command records what it did, and SQLite needs to write its
        ``-wal`` and ``-shm`` files beside the store).
    """
    size = path.stat().st_size
    if size == 0:
        raise InputError("the project store is an empty file (0 bytes), not a mio-qual project", path=path,
                         hint="restore mio-qual.db from a backup; `mio-qual init` makes a new project only in a "
                              "folder without one")
    if size < SQLITE_HEADER_BYTES:
        raise InputError(f"not a mio-qual project store ({size} bytes: too short for an SQLite file; truncated?)",
                         path=path, hint=_hint(path))
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        which = "file" if not os.access(path, os.W_OK) else "folder"
        raise InputError(f"the project store is read-only (its {which} cannot be written)", path=path,
                         hint="give yourself write permission on the project folder and its mio-qual.db, or copy "
                              "the folder somewhere writable")


@lru_cache(maxsize=None)
def expected_tables(version: int) -> frozenset[str]:
    """The tables a store at schema ``version`` holds (its migrations run once in memory)."""
    from .schema import MIGRATIONS

    connection = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS[:version]:
            connection.executescript(script)
        return frozenset(row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        connection.close()


def check_connection(path: Path, connection: sqlite3.Connection, *, schema_version: int) -> int:
    """Check an open store: readable by SQLite, a known schema version, every table of it present.

    Parameters
    ----------
    path : Path
        The store file (for messages).
    connection : sqlite3.Connection
    schema_version : int
        The newest schema version this mio-qual knows.

    Returns
    -------
    int
        The store's schema version (``PRAGMA user_version``), to migrate from.

    Raises
    ------
    InputError
        Not an SQLite file, damaged, newer than this mio-qual, holding no mio-qual schema, or
        missing a table its version should have.
    """
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(exc):
            raise InputError("not a mio-qual project store (not an SQLite file)", path=path, hint=_hint(path)) from None
        raise InputError(f"the project store is damaged ({exc})", path=path, hint=_hint(path)) from None
    if version > schema_version:
        raise InputError(f"project store has schema version {version}, newer than this mio-qual ({schema_version})",
                         path=path, hint="upgrade mio-qual (pip install -U mio-qual)")
    if version == 0:
        raise InputError("not a mio-qual project store (an SQLite file without mio-qual's tables)"
                         if tables else "not a mio-qual project store (an empty SQLite database)",
                         path=path, hint="open the project folder that holds your mio-qual.db, or restore it from "
                                         "a backup")
    missing = sorted(expected_tables(version) - tables)
    if missing:
        raise InputError(f"the project store lacks the table(s) {', '.join(missing)} of schema version {version}",
                         path=path, hint=_hint(path))
    OPENED.append(path)
    return version


def _latest() -> Path | None:
    return OPENED[-1] if OPENED else None


def user_error(exc: BaseException) -> MioQualError | None:
    """The one-line error to show for an exception no command expected, or None when it is a bug.

    Covers what the machine or the files did rather than what mio-qual did wrong: a damaged
    store found while reading it, a full disk, a file or folder without permission, a path
    through a file (``--out FILE/sub``), a symlink loop, a file name that is not valid text,
    and nesting deeper than Python's recursion limit (a hostile document).

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    MioQualError or None
        An :class:`InputError` (exit 2) for bad input, a :class:`WorkError` (exit 1) for a
        full disk; None for anything else (an internal error to report).
    """
    store = _latest()
    if type(exc).__module__.startswith("psycopg"):  # team mode: the server went away mid-command
        from .postgres import lost_connection_error

        return lost_connection_error(exc, store)
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        if "full" in text:  # SQLITE_FULL: "database or disk is full"
            return WorkError("the disk is full; nothing was changed", path=store,
                             hint="free some space and run the command again")
        if "readonly" in text or "read-only" in text:
            return InputError("the project store cannot be written (read-only)", path=store,
                              hint="give yourself write permission on the project folder and its mio-qual.db")
        if "locked" in text or "busy" in text:
            return None
        if isinstance(exc, sqlite3.OperationalError) and "no such table" not in text and "malformed" not in text:
            return None
        return InputError(f"the project store is damaged ({text})", path=store, hint=_hint(store or Path("mio-qual.db")))
    if isinstance(exc, RecursionError):
        return InputError("the input nests too deeply to be read (thousands of levels)",
                          hint="the file may be hostile or damaged; re-save it from the program that made it")
    if isinstance(exc, UnicodeEncodeError) and "surrogate" in str(exc):
        name = exc.object if isinstance(exc.object, str) else None
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") if name else None
        return InputError("a file name is not valid text (invalid UTF-8)", path=shown,
                          hint="rename the file with plain characters")
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else store
        if exc.errno == errno.ENOSPC:
            return WorkError("the disk is full; nothing was changed", path=name,
                             hint="free some space and run the command again")
        if exc.errno == errno.ELOOP:
            return InputError("a symbolic link loops back on itself", path=name, hint="remove or fix the link")
        if exc.errno in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST):  # EEXIST: a folder made where a file is
            return InputError("a file stands where a folder is needed, or a folder where a file is needed",
                              path=name, hint="choose another output path")
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return InputError("permission denied", path=name, hint="choose a path you can write, or fix permissions")
        if exc.errno == errno.ENAMETOOLONG:
            return InputError("the file name is too long", path=name, hint="choose a shorter path")
        if exc.errno == errno.ENOENT and exc.filename is not None:
            return InputError("no such file or folder", path=name, hint="check the path")
    return None


__all__ = ["check_connection", "check_store_file", "expected_tables", "user_error", "INTEGRITY_HINT", "OPENED"]

"""Opening, finding and closing a project; its audit trail and summary."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..atomicio import write_text
from ..errors import InputError
from ..store import Store

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PROJECT_FILE = "mio-qual.db"
SERVER_FILE = "mio-qual.server.json"
"""The project file of a project kept on a PostgreSQL server: its database URL, no password."""
ENV_VAR = "MIO_QUAL_PROJECT"


def _read_server_file(path: Path) -> str:
    """The database URL a server project file points at."""
    try:
        url = json.loads(path.read_text(encoding="utf-8"))["database"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a mio-qual server project file ({exc})", path=path,
                         hint=f'it holds {{"database": "postgresql://USER@HOST:PORT/DB"}}') from None
    if not isinstance(url, str):
        raise InputError("not a mio-qual server project file (database is not a URL)", path=path)
    return url


def _open_server(file: Path) -> Store:
    from ..store.postgres import PostgresStore

    return PostgresStore.open(_read_server_file(file), file)


class ProjectBase:
    """A mio-qual project: a folder with one store (the part every capability builds on).

    The store is the SQLite file ``mio-qual.db`` in the folder, or, in team mode, a PostgreSQL
    database named by the folder's ``mio-qual.server.json``.

    Parameters
    ----------
    folder : Path
        The project folder.
    store : Store
        The open store.
    """

    def __init__(self, folder: Path, store: Store) -> None:
        self.folder = folder
        self.store = store
        self._once: dict[Any, Any] | None = None  # reads kept while a report gathers its inputs

    # ------------------------------------------------------------------ reading once per report
    @contextmanager
    def _reading_once(self) -> Iterator[None]:
        """While open, :meth:`_read_once` keeps what it read: a report gathering its inputs from many
        methods reads each input once (nothing may write to the store meanwhile)."""
        outer = self._once
        if outer is None:
            self._once = {}
        try:
            yield
        finally:
            if outer is None:
                self._once = None

    def _read_once(self, key: Any, read: Callable[[], Any]) -> Any:
        """``read()``, kept under ``key`` inside :meth:`_reading_once` (the value is shared: never change it)."""
        if self._once is None:
            return read()
        if key not in self._once:
            self._once[key] = read()
        return self._once[key]

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: str | Path, database: str | None = None) -> Any:
        """Create a project folder (made if needed) holding a new store.

        Parameters
        ----------
        path : str or Path
            The project folder.
        database : str, optional
            A ``postgresql://USER@HOST:PORT/DB`` URL (no password: libpq's ``PGPASSWORD``,
            ``~/.pgpass`` or a service file supply it). The folder's project file then points at
            that database: a new project is made there when it holds none, and an existing one
            is joined (a coder's setup). Default: an SQLite store in the folder.

        Returns
        -------
        Project
            The new project, open.

        Raises
        ------
        InputError
            When ``path`` is a file, or a project exists there already.
        """
        folder = Path(path)
        if folder.exists() and not folder.is_dir():
            raise InputError("cannot create a project: a file with this name exists", path=folder)
        if (folder / PROJECT_FILE).exists() or (folder / SERVER_FILE).exists():
            raise InputError("a mio-qual project already exists here", path=folder,
                             hint="use it, or choose another folder")
        if database is None:
            folder.mkdir(parents=True, exist_ok=True)
            return cls(folder, Store.create(folder / PROJECT_FILE))
        from ..store.postgres import PostgresStore

        store = PostgresStore.attach(database, folder / SERVER_FILE)  # connects before writing anything
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_text(folder / SERVER_FILE, json.dumps({"database": database}, indent=2) + "\n", encoding="utf-8")
        except BaseException:
            store.close()
            raise
        return cls(folder, store)

    @classmethod
    def open(cls, path: str | Path) -> Any:
        """Open a project from its folder, its ``mio-qual.db`` file or its ``mio-qual.server.json``.

        Parameters
        ----------
        path : str or Path
            The project folder, its ``mio-qual.db`` file or its ``mio-qual.server.json``.

        Returns
        -------
        Project
            The project, open.
        """
        path = Path(path)
        if path.name == SERVER_FILE and path.is_file():
            return cls(path.parent, _open_server(path))
        if path.is_dir() and (path / SERVER_FILE).is_file() and not (path / PROJECT_FILE).exists():
            return cls(path, _open_server(path / SERVER_FILE))
        db = path if path.suffix == ".db" or path.is_file() else path / PROJECT_FILE
        return cls(db.parent, Store.open(db))

    @classmethod
    def find(cls, explicit: str | Path | None = None, start: str | Path | None = None) -> Any:
        """Find the project the way git finds its repository.

        ``explicit`` (the ``--project`` option) wins, then ``$MIO_QUAL_PROJECT``, then the
        current folder and each of its parents.

        Parameters
        ----------
        explicit : str or Path, optional
            A project named by the caller (the ``--project`` option).
        start : str or Path, optional
            The folder the search starts in; default the current folder.

        Returns
        -------
        Project
            The project found, open.

        Raises
        ------
        InputError
            When no project is found.
        """
        if explicit:
            return cls.open(explicit)
        if os.environ.get(ENV_VAR):
            return cls.open(os.environ[ENV_VAR])
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / PROJECT_FILE).is_file() or (folder / SERVER_FILE).is_file():
                return cls.open(folder)
        raise InputError("no mio-qual project in this folder or its parents", path=here,
                         hint=f"run `mio-qual init PATH`, pass --project, or set ${ENV_VAR}")

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({str(self.folder)!r})"

    def push(self, database: str) -> dict[str, int]:
        """Copy the whole project into the empty PostgreSQL database at ``database``; rows per table.

        The copy is one transaction on the server (all or nothing) and keeps every key, offset,
        audit entry, model, rating and quant value as stored. This project stays as it is; the
        role that pushes becomes the project's lead on the server.

        Parameters
        ----------
        database : str
            A ``postgresql://USER@HOST:PORT/DB`` URL of an empty database (no password in it).

        Returns
        -------
        dict of str to int
            Rows copied, by table.
        """
        from ..store.postgres import PostgresStore
        from ..store.transfer import copy_project

        counts: dict[str, int] = {}
        target = PostgresStore.create(database, fill=lambda store: counts.update(copy_project(self.store, store)))
        target.close()
        return counts

    @classmethod
    def pull(cls, folder: str | Path, database: str) -> Any:
        """Copy the whole project in the PostgreSQL database at ``database`` into a new SQLite project at ``folder``.

        Run it as the lead (coders' roles see only what blinding lets them see). Nothing is
        left behind when the copy fails.

        Parameters
        ----------
        folder : str or Path
            Where the new SQLite project is made.
        database : str
            The ``postgresql://USER@HOST:PORT/DB`` URL of the server project.

        Returns
        -------
        Project
            The new local project, open.

        Raises
        ------
        InputError
            When the role connected is not the project's lead, or ``folder`` holds a project.
        """
        import shutil

        from ..store.postgres import PostgresStore
        from ..store.transfer import copy_project

        from ..store.team import require_lead

        folder = Path(folder)
        source = PostgresStore.open(database)
        try:
            require_lead(source)  # a coder's view is blinded: their copy would not be the project
            existed = folder.exists()
            project = cls.create(folder)
            try:
                copy_project(source, project.store)
            except BaseException:
                project.close()
                if existed:
                    for file in folder.glob(PROJECT_FILE + "*"):  # the store and its -wal, -shm files
                        file.unlink()
                else:
                    shutil.rmtree(folder)
                raise
        finally:
            source.close()
        return project

    def log(self, limit: int | None = None, *, show_names: bool = False) -> "pd.DataFrame":
        """The audit trail: every recorded change, newest first (at most ``limit`` entries).

        Columns: id, at, user, command, action, target, detail (JSON), codebook_version; an
        entry without a target or codebook version holds None there. The command, target and
        detail pass through the project's redactor (:meth:`redactor`; :func:`redact_log_entry`)
        unless ``show_names``: file names and transcript ids in them may carry participants' names.

        Parameters
        ----------
        limit : int, optional
            At most this many entries (the newest); all when omitted.
        show_names : bool
            Leave names in the command, target and detail (no redaction).

        Returns
        -------
        pandas.DataFrame
            One row per audit entry, newest first.
        """
        from ..store.audit import read_audit

        frame = read_audit(self.store, limit)
        if show_names or frame.empty:
            return frame
        records = self._redacted_records(frame.to_dict("records"))
        frame = frame.copy()
        for column in REDACTED_LOG_COLUMNS:  # object columns: None stays None (not NaN) whatever pandas' default
            frame[column] = frame[column].__class__([record[column] for record in records], index=frame.index,
                                                   dtype=object)
        return frame

    def log_records(self, limit: int | None = None, *, show_names: bool = False) -> list[dict[str, Any]]:
        """:meth:`log` as plain records (one dict per entry, same keys), without importing pandas.

        Parameters
        ----------
        limit : int, optional
            At most this many entries (the newest); all when omitted.
        show_names : bool
            Leave names in the command, target and detail (no redaction).

        Returns
        -------
        list of dict
            One dict per audit entry, newest first.
        """
        from ..store.audit import audit_records

        records = audit_records(self.store, limit)
        return records if show_names else self._redacted_records(records)

    def _redacted_records(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not records:
            return records
        redactor = self.redactor()  # type: ignore[attr-defined]
        return [redact_log_entry(record, redactor) for record in records]

    def _names_for_the_lead(self, what: str) -> None:
        """Refuse participants' names (``show_names``) to a coder on a shared server: only the lead asks for them.

        Every output quotes participants by study id and role with names redacted; the opt-in that
        keeps names is the lead's, used knowingly. A coder works on redacted copies (comments on a
        redacted Word copy import back onto the stored text). An SQLite project has one user, who
        is its lead.

        Parameters
        ----------
        what : str
            What was asked for, as the refusal names it (``"show a transcript"``).

        Raises
        ------
        InputError
            On a PostgreSQL project, when the connected role is not the lead.
        """
        if getattr(self.store, "backend", "sqlite") != "postgresql":
            return
        from ..store.team import require_lead

        require_lead(self.store, f"{what} with participants' names (--show-names)",
                     hint="leave out --show-names: names then print as [name], speakers as study id and role")

    def summary(self) -> dict[str, Any]:
        """Counts for a one-screen overview of the project (:func:`mio_qual.store.summary.counts`).

        Returns
        -------
        dict of str to Any
            Counts by kind (transcripts, codings, layers ...), as
            :func:`mio_qual.store.summary.counts` gives them.
        """
        from ..store.summary import counts

        return counts(self.store)


#: Audit columns that may quote names (file names, transcript ids, passages); the user is the
#: analyst's login, and the trail's purpose is to say who changed what.
REDACTED_LOG_COLUMNS = ("command", "target", "detail")
_PATH_WORD = None


def redact_log_entry(entry: dict[str, Any], redactor: Callable[[str], str]) -> dict[str, Any]:
    """A copy of one audit entry with its command, target and detail redacted.

    The detail is JSON (non-ASCII characters written as ``\\u`` escapes): its strings are
    decoded, redacted and written back, so ``Jos\\u00e9`` is matched as ``José``. A file name
    whose words (separated by ``_``, ``-`` or ``.``) contain a name, as ``Gwen_Harlow_notes.docx``
    or ``interviews/gwen-harlow/2.txt``, becomes ``[name]`` with its extension, since the redactor
    matches names as whole words only.

    Examples
    --------
    >>> from mio_qual.deidentify import make_redactor
    >>> entry = {"id": 1, "user": "kim", "command": "mio-qual import Gwen_Harlow.docx", "target": "Gwen_Harlow",
    ...          "detail": '{"file": "in/Jos\\u00e9 N\\u00fa\\u00f1ez.txt", "words": 12}'}
    >>> redact_log_entry(entry, make_redactor({"Gwen Harlow", "José Núñez"}))["detail"]
    '{"file": "in/[name].txt", "words": 12}'
    >>> redact_log_entry(entry, make_redactor({"Gwen Harlow"}))["command"]
    'mio-qual import [name].docx'
    """
    out = dict(entry)
    for column in REDACTED_LOG_COLUMNS:
        value = out.get(column)
        if not isinstance(value, str) or not value:
            continue
        if column == "detail":
            try:
                decoded = json.loads(value)
            except ValueError:
                out[column] = _redact_words(value, redactor)
                continue
            redacted = _redact_json(decoded, redactor)
            if redacted != decoded:  # else the entry is printed exactly as stored
                out[column] = json.dumps(redacted, sort_keys=True, default=str)
        else:
            out[column] = _redact_words(value, redactor)
    return out


def _redact_json(value: Any, redactor: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return _redact_words(value, redactor)
    if isinstance(value, list):
        return [_redact_json(v, redactor) for v in value]
    if isinstance(value, dict):
        return {_redact_words(str(k), redactor): _redact_json(v, redactor) for k, v in value.items()}
    return value


def _redact_words(text: str, redactor: Callable[[str], str]) -> str:
    """``redactor(text)``, then file-name-like words (``a_b``, ``a-b.c``) that contain a name with its parts spaced."""
    import re

    global _PATH_WORD
    if _PATH_WORD is None:
        _PATH_WORD = re.compile(r"[^\W_]+(?:[_.\-]+[^\W_]+)+")
    text = redactor(text)

    def one(match: "re.Match[str]") -> str:
        word = match.group(0)
        stem, dot, suffix = word.rpartition(".")
        if not dot or not suffix.isalnum() or len(suffix) > 5:
            stem, dot, suffix = word, "", ""
        spaced = re.sub(r"[_.\-]", " ", stem)
        if redactor(spaced) == spaced:
            return word
        return getattr(redactor, "placeholder", "[name]") + dot + suffix

    return _PATH_WORD.sub(one, text)

"""Opening, finding and closing a project; its audit trail and summary."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..store import Store

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PROJECT_FILE = "mio-qual.db"
ENV_VAR = "MIO_QUAL_PROJECT"


class ProjectBase:
    """A mio-qual project: a folder with one SQLite store (the part every capability builds on).

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

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: str | Path) -> Any:
        """Create a project folder (made if needed) holding a new store."""
        folder = Path(path)
        if folder.exists() and not folder.is_dir():
            raise InputError("cannot create a project: a file with this name exists", path=folder)
        if (folder / PROJECT_FILE).exists():
            raise InputError("a mio-qual project already exists here", path=folder,
                             hint="use it, or choose another folder")
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, Store.create(folder / PROJECT_FILE))

    @classmethod
    def open(cls, path: str | Path) -> Any:
        """Open a project from its folder or from its ``mio-qual.db`` file."""
        path = Path(path)
        db = path if path.suffix == ".db" or path.is_file() else path / PROJECT_FILE
        return cls(db.parent, Store.open(db))

    @classmethod
    def find(cls, explicit: str | Path | None = None, start: str | Path | None = None) -> Any:
        """Find the project the way git finds its repository.

        ``explicit`` (the ``--project`` option) wins, then ``$MIO_QUAL_PROJECT``, then the
        current folder and each of its parents.
        """
        if explicit:
            return cls.open(explicit)
        if os.environ.get(ENV_VAR):
            return cls.open(os.environ[ENV_VAR])
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / PROJECT_FILE).is_file():
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

    def log(self, limit: int | None = None) -> "pd.DataFrame":
        """The audit trail: every recorded change, newest first (at most ``limit`` entries).

        Columns: id, at, user, command, action, target, detail (JSON), codebook_version; an
        entry without a target or codebook version holds None there.
        """
        from ..store.audit import read_audit

        return read_audit(self.store, limit)

    def summary(self) -> dict[str, Any]:
        """Counts for a one-screen overview of the project (:func:`mio_qual.store.summary.counts`)."""
        from ..store.summary import counts

        return counts(self.store)

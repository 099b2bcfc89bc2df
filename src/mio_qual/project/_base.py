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
        """The audit trail: every recorded change, newest first."""
        import pandas as pd

        sql = "SELECT id, at, user, command, action, target, detail, codebook_version FROM audit ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = self.store.connection.execute(sql).fetchall()
        return pd.DataFrame.from_records(
            rows, columns=["id", "at", "user", "command", "action", "target", "detail", "codebook_version"])

    def summary(self) -> dict[str, Any]:
        """Counts for a one-screen overview of the project."""
        c = self.store.connection
        one = lambda sql: c.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "transcripts": one("SELECT COUNT(*) FROM transcripts"),
            "interviews": one("SELECT COUNT(*) FROM transcripts WHERE kind = 'interview'"),
            "focus_groups": one("SELECT COUNT(*) FROM transcripts WHERE kind = 'focus_group'"),
            "clinics": one("SELECT COUNT(DISTINCT clinic) FROM transcripts WHERE clinic IS NOT NULL"),
            "words": one("SELECT COALESCE(SUM(n_words), 0) FROM transcripts"),
            "turns": one("SELECT COUNT(*) FROM segments WHERE kind = 'turn'"),
            "sentences": one("SELECT COUNT(*) FROM segments WHERE kind = 'sentence'"),
            "speakers": one("SELECT COUNT(*) FROM speakers"),
            "codings": one("SELECT COUNT(*) FROM codings"),
            "coders": one("SELECT COUNT(DISTINCT coder) FROM codings"),
        }

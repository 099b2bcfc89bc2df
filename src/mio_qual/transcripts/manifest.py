"""The study manifest: one row per transcript with its file and study metadata.

Columns (names are case-insensitive, ``Transcript ID`` works too):

``transcript_id`` (required, unique), ``file`` (required: path relative to the manifest's
folder, or absolute), ``agency``, ``clinic``, ``participant_id``, ``role``, ``kind``
(``interview`` or ``focus_group``), ``date`` (``YYYY-MM-DD``), ``interviewer``. Any other
column is kept as metadata too. Blank cells are left out of the metadata, so that they
never hide a value the transcript itself carries (front matter): where both give a value,
the manifest wins.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from .tables import read_table

REQUIRED_COLUMNS = ("transcript_id", "file")
KNOWN_COLUMNS = (
    "transcript_id",
    "file",
    "agency",
    "clinic",
    "participant_id",
    "role",
    "kind",
    "date",
    "interviewer",
)
KINDS = ("interview", "focus_group")
_KIND_ALIASES = {"interview": "interview", "focus_group": "focus_group", "focusgroup": "focus_group", "fg": "focus_group"}


@dataclass(frozen=True)
class ManifestEntry:
    """One transcript listed in a manifest."""

    transcript_id: str
    file: Path
    metadata: dict[str, Any] = field(default_factory=dict)
    row: int = 0


def _key(path: str | Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:  # pragma: no cover - unresolvable paths
        return str(Path(path).absolute())


class Manifest:
    """The rows of a manifest file, with lookup by file and by transcript id."""

    def __init__(self, entries: list[ManifestEntry], path: Path | None = None) -> None:
        self.entries = entries
        self.path = path
        self._by_file = {_key(e.file): e for e in entries}
        self._by_id = {e.transcript_id: e for e in entries}

    def for_file(self, path: str | Path) -> ManifestEntry | None:
        """The entry whose file is ``path`` (compared as resolved paths), or None."""
        return self._by_file.get(_key(path))

    def for_id(self, transcript_id: str) -> ManifestEntry | None:
        """The entry with ``transcript_id``, or None."""
        return self._by_id.get(transcript_id)

    def __iter__(self) -> Iterator[ManifestEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Manifest({len(self.entries)} entries from {self.path})"


def normalize_kind(value: str) -> str | None:
    """``interview`` or ``focus_group`` for the spellings people use ("Focus Group", "FG"), else None."""
    return _KIND_ALIASES.get(value.strip().lower().replace(" ", "_").replace("-", "_"))


def _check_date(value: str) -> str | None:
    """ISO date text, or None when ``value`` is not a valid ``YYYY-MM-DD`` date."""
    text = value.strip()
    if len(text) >= 10 and text[10:11] in ("", "T", " "):
        try:
            return _dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    return None


def read_manifest(path: str | Path) -> Manifest:
    """Read a manifest (``.csv`` or ``.xlsx``) and check every row.

    Parameters
    ----------
    path : str or Path
        The manifest file. Relative ``file`` cells are resolved against its folder.

    Returns
    -------
    Manifest

    Raises
    ------
    InputError
        Naming the file, row and column of the first problem (all problems are listed in
        ``details``): a missing required column, an empty or duplicate ``transcript_id``, a
        ``file`` that does not exist or has an unsupported extension, a ``kind`` other than
        ``interview``/``focus_group``, a ``date`` that is not ``YYYY-MM-DD``.
    """
    from .reader import SUPPORTED_SUFFIXES

    path = Path(path)
    columns, rows = read_table(path, what="manifest")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            "the manifest has no " + " or ".join(repr(c) for c in missing) + " column",
            path=path,
            line=1,
            hint="its first row must name the columns: " + ", ".join(KNOWN_COLUMNS),
        )
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if duplicated:
        raise InputError(
            f"the manifest names column {duplicated[0]!r} twice", path=path, line=1, hint="rename or remove one"
        )
    folder = path.parent
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    entries: list[ManifestEntry] = []
    for n, cells in rows:
        row = dict(zip(columns, cells))
        row.pop("", None)
        tid = row.get("transcript_id", "").strip()
        file_cell = row.get("file", "").strip()
        bad = False
        if not tid:
            problems.append((n, "transcript_id", "transcript_id is empty"))
            bad = True
        elif tid in seen:
            problems.append((n, "transcript_id", f"transcript_id {tid!r} is also used in row {seen[tid]}"))
            bad = True
        else:
            seen[tid] = n
        file_path = Path(file_cell)
        if not file_cell:
            problems.append((n, "file", "file is empty"))
            bad = True
        else:
            if not file_path.is_absolute():
                file_path = folder / file_path
            if not file_path.is_file():
                problems.append((n, "file", f"file {file_cell!r} does not exist (looked in {folder})"))
                bad = True
            elif file_path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(
                    (n, "file", f"file {file_cell!r} is not a supported type ({', '.join(SUPPORTED_SUFFIXES)})")
                )
                bad = True
        kind = row.get("kind", "").strip()
        if kind:
            normalized = normalize_kind(kind)
            if normalized is None:
                problems.append((n, "kind", f"kind {kind!r} is not one of {', '.join(KINDS)}"))
                bad = True
            else:
                row["kind"] = normalized
        date = row.get("date", "").strip()
        if date:
            iso = _check_date(date)
            if iso is None:
                problems.append((n, "date", f"date {date!r} is not a date in YYYY-MM-DD form"))
                bad = True
            else:
                row["date"] = iso
        if bad:
            continue
        metadata = {k: v for k, v in row.items() if k not in ("transcript_id", "file") and v != ""}
        entries.append(ManifestEntry(tid, file_path, metadata, n))
    if problems:
        n, column, message = problems[0]
        details = [f"row {r}, column {c!r}: {m}" for r, c, m in problems[1:]]
        more = f" (and {len(details)} more problems)" if details else ""
        raise InputError(
            f"row {n}, column {column!r}: {message}{more}",
            path=path,
            line=n,
            hint="fix the manifest and run the command again",
            details=details,
        )
    return Manifest(entries, path)

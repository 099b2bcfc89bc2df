"""Opening zip containers (.docx, .xlsx, .qdpx) without trusting them.

Office files and REFI-QDA projects are zip archives. A hostile one can claim to hold
gigabytes (a zip bomb), thousands of members, or member names that climb out of a folder
(``../../etc``). :func:`open_zip` checks the archive's directory before anything is read.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .errors import InputError

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 1 << 30  # 1 GiB uncompressed in all
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MiB

DOCX_MAX_MEMBER_BYTES = 64 << 20
"""The largest part (a picture, an embedded file) of a Word transcript: python-docx loads every
part into memory, so a 22 MB file holding a 900 MiB picture peaked at 1.9 GB before this bound."""

DOCX_MAX_TOTAL_BYTES = 256 << 20
"""The most a Word transcript may unpack to."""


def check_member_name(name: str, *, path: str | Path) -> None:
    """Refuse a member name that is absolute or climbs out of the archive root."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise InputError(
            f"archive member {name!r} points outside the archive",
            path=path,
            hint="the file may be hostile; do not open it",
        )


def open_zip(
    path: str | Path,
    *,
    what: str = "archive",
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_member_bytes: int | None = None,
    member_bounds: dict[str, int] | None = None,
) -> zipfile.ZipFile:
    """Open a zip archive after checking its size, member count, ratios and names.

    Parameters
    ----------
    path : str or Path
        The archive.
    what : str
        What the archive should be (".docx file", "REFI-QDA project"), for messages.
    max_members, max_total_bytes : int
        Bounds on the number of members and their total uncompressed size.
    max_member_bytes : int, optional
        A bound on each member's uncompressed size (for readers that load every member).
    member_bounds : dict, optional
        Members bounded otherwise (``{"word/document.xml": 512 << 20}``: a part read as a
        stream); they count towards the total only beyond ``max_member_bytes``.

    Returns
    -------
    zipfile.ZipFile
        The open archive; the caller closes it.

    Raises
    ------
    InputError
        If the file is not a zip archive or breaks a bound.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"not a readable {what} ({exc.__class__.__name__})",
            path=path,
            hint=f"check that it is a complete {what}; re-save or re-export it",
        ) from None
    try:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise InputError(
                f"{what} has {len(infos)} members, more than the {max_members} allowed",
                path=path,
                hint="the file may be hostile or damaged",
            )
        total = 0
        for info in infos:
            check_member_name(info.filename, path=path)
            bound = (member_bounds or {}).get(info.filename, max_member_bytes)
            own = info.filename in (member_bounds or {}) and max_member_bytes is not None
            total += min(info.file_size, max_member_bytes) if own else info.file_size  # type: ignore[type-var]
            if bound is not None and info.file_size > bound:
                raise InputError(
                    f"{what} member {info.filename!r} unpacks to {info.file_size >> 20} MiB, more than the "
                    f"{bound >> 20} MiB allowed",
                    path=path,
                    hint="remove large pictures or embedded files (or save a copy without them) and try again",
                )
            if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise InputError(
                    f"{what} member {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}-fold (a zip bomb?)",
                    path=path,
                    hint="the file may be hostile; do not open it",
                )
        if total > max_total_bytes:
            raise InputError(
                f"{what} would unpack to {total / (1 << 20):.0f} MiB, more than the {max_total_bytes >> 20} MiB allowed",
                path=path,
                hint="the file may be hostile or too large to be a transcript",
            )
    except Exception:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, name: str, *, path: str | Path, limit: int = 64 << 20) -> bytes:
    """Read one member, refusing to inflate more than ``limit`` bytes whatever its header says.

    A member whose directory entry already declares more than ``limit`` bytes is refused
    before anything is inflated. Damaged data (a broken deflate stream, a CRC that does not
    match, a member shorter than its header says) is an :class:`InputError`, not a crash.
    """
    try:
        declared = archive.getinfo(name).file_size
    except KeyError:
        raise InputError(f"archive member {name!r} is missing", path=path, hint="the file may be damaged") from None
    if declared > limit:
        raise InputError(
            f"archive member {name!r} is larger than {limit >> 20} MiB", path=path, hint="the file may be hostile"
        )
    try:
        with archive.open(name) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise InputError(
            f"archive member {name!r} is damaged ({exc.__class__.__name__}: {exc})",
            path=path,
            hint="the file may be damaged or hostile; re-save or re-export it",
        ) from None
    if len(data) > limit:
        raise InputError(
            f"archive member {name!r} is larger than {limit >> 20} MiB", path=path, hint="the file may be hostile"
        )
    return data

"""Byte-identical Word and Excel files: the same project gives the same ``.docx``/``.xlsx``, so reruns can be diffed.

A ``.docx`` or ``.xlsx`` is a zip of XML parts. Two things in it change on every save even when
the content does not: each zip member's modification time, and the document properties
``dcterms:created``/``dcterms:modified`` (openpyxl sets ``modified`` to the moment of saving).
:func:`save_stamped` saves a workbook or document with both fixed (:func:`stamp` rewrites a file
already saved), following the reproducible-builds.org
convention: the time is ``SOURCE_DATE_EPOCH`` when that variable is set, else the time the
caller gives (a report passes the date of the project's latest change), else 1 January 2000.
Zip member times cannot be earlier than 1980 (the zip format's epoch).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..atomicio import replacing

FIXED = datetime(2000, 1, 1)
"""The time written when neither ``SOURCE_DATE_EPOCH`` nor the caller gives one."""

_CORE = "docProps/core.xml"
_STAMPED = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def source_date(when: datetime | None = None) -> datetime:
    """The time written into files: ``SOURCE_DATE_EPOCH`` when set, else ``when``, else :data:`FIXED` (naive UTC).

    Examples
    --------
    >>> source_date(datetime(2026, 5, 1, 12, 30)) if "SOURCE_DATE_EPOCH" not in os.environ else None
    datetime.datetime(2026, 5, 1, 12, 30)
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    if when is None:
        return FIXED
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when.replace(microsecond=0)


def stamp(path: str | Path, when: datetime | None = None) -> Path:
    """Rewrite the Office file at ``path`` with fixed zip times and document dates (see the module).

    Parameters
    ----------
    path : path
        A ``.docx`` or ``.xlsx`` file just written.
    when : datetime, optional
        The time to write (naive UTC), when ``SOURCE_DATE_EPOCH`` is not set.

    Returns
    -------
    Path
    """
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with replacing(path) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_stamped(archive, members, when)  # the with closes the zip, and its file, on any error
    return path


def save_stamped(document: Any, path: str | Path, when: datetime | None = None) -> Path:
    """Save an openpyxl ``Workbook`` or python-docx ``Document`` to ``path`` whole, with fixed times (:func:`stamp`).

    The package is built in memory and written to the disk once, through one zip file that is
    closed whatever happens. openpyxl and python-docx leave their own zip file open when a write
    fails (a full disk): its finalizer then writes again at some later garbage collection, and
    fails there as an "exception ignored" far from the command that caused it.

    Parameters
    ----------
    document : openpyxl.Workbook or docx.document.Document
        Anything with a ``save(file)`` that writes an Office package to a binary file object, or with a
        ``members()`` that gives the package's parts as ``(name, bytes)`` in order (nothing to unzip).
    path : path
        The ``.xlsx`` or ``.docx`` to write (through :func:`mio_qual.atomicio.replacing`).
    when : datetime, optional
        The time to write (naive UTC), when ``SOURCE_DATE_EPOCH`` is not set.

    Returns
    -------
    Path
    """
    buffer = io.BytesIO()
    with replacing(path) as temporary:
        if hasattr(document, "members"):
            members = list(document.members())
        else:
            document.save(buffer)
            with zipfile.ZipFile(buffer) as saved:
                members = [(info.filename, saved.read(info)) for info in saved.infolist()]
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:  # closed, its file too, on any error
            _add_stamped(archive, members, when)
    return Path(path)


def _add_stamped(archive: zipfile.ZipFile, members: list[tuple[str, bytes]], when: datetime | None) -> None:
    """Add ``members`` (name, bytes) to ``archive`` with the fixed times of :func:`source_date`."""
    moment = source_date(when)
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    zip_time = max(moment, datetime(1980, 1, 1)).timetuple()[:6]
    for name, data in members:
        if name == _CORE:
            text = _STAMPED.sub(lambda m: m.group(1) + iso + m.group(3), data.decode("utf-8"))
            data = text.encode("utf-8")
        fixed = zipfile.ZipInfo(name, date_time=zip_time)  # type: ignore[arg-type]
        fixed.compress_type = zipfile.ZIP_DEFLATED
        fixed.external_attr = 0o644 << 16
        archive.writestr(fixed, data)


__all__ = ["save_stamped", "stamp", "source_date", "FIXED"]

"""Byte-identical Word and Excel files: the same project gives the same ``.docx``/``.xlsx``, so reruns can be diffed.

A ``.docx`` or ``.xlsx`` is a zip of XML parts. Two things in it change on every save even when
the content does not: each zip member's modification time, and the document properties
``dcterms:created``/``dcterms:modified`` (openpyxl sets ``modified`` to the moment of saving).
:func:`stamp` rewrites a saved file with both fixed, following the reproducible-builds.org
convention: the time is ``SOURCE_DATE_EPOCH`` when that variable is set, else the time the
caller gives (a report passes the date of the project's latest change), else 1 January 2000.
Zip member times cannot be earlier than 1980 (the zip format's epoch).
"""

from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

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
    moment = source_date(when)
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    zip_time = max(moment, datetime(1980, 1, 1)).timetuple()[:6]
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with replacing(path) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == _CORE:
                text = _STAMPED.sub(lambda m: m.group(1) + iso + m.group(3), data.decode("utf-8"))
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=zip_time)  # type: ignore[arg-type]
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return path


__all__ = ["stamp", "source_date", "FIXED"]

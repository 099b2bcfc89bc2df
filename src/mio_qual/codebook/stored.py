"""A codebook as a project keeps it, and back: :func:`codebook_from_records`, :func:`info_records`,
:func:`source_records`.

A project keeps each codebook version it met as its codes' records (one JSON object per code,
the columns of :meth:`Codebook.to_frame`, in the ``codebooks`` table) and, for the codebook it
*uses* (``mio-qual codebook use``), what was named and the combined codebooks' titles. This
module turns those records back into the :class:`~mio_qual.codebook.Codebook` they came from,
with the same version (the records hold every field the version hashes), so a project
keeps working with its codebook when the file it was read from is moved, edited or gone.
Code groups (REFI-QDA sets) are not part of the version and are kept as the project's sets.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..errors import InputError
from .model import LIST_FIELDS, TEXT_FIELDS, Code, Codebook, CodebookInfo
from .raw import split_list


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _code(record: Mapping[str, Any]) -> Code:
    line = record.get("line")
    codable = record.get("codable")
    return Code(
        id=str(record["id"]),
        name=_text(record.get("name")),
        parent=_text(record.get("parent")) or None,
        level=_text(record.get("level")) or "code",
        **{f: _text(record.get(f)) for f in TEXT_FIELDS},
        **{f: tuple(split_list(_text(record.get(f)))) for f in LIST_FIELDS},
        codebook=_text(record.get("codebook")),
        line=int(line) if isinstance(line, (int, float)) and line == line else None,
        guid=_text(record.get("guid")),
        color=_text(record.get("color")),
        codable=codable is not False and _text(codable).casefold() not in ("false", "0", "no"),
    )


def codebook_from_records(records: Sequence[Mapping[str, Any]], infos: Iterable[Mapping[str, Any]] = ()) -> Codebook:
    """The :class:`Codebook` whose codes a project stored as ``records`` (see :func:`mio_qual.coding.layers.codebook_record`).

    Parameters
    ----------
    records : sequence of mapping
        One per code, in codebook order: ``id, parent, level, name, definition, use_when,
        not_when, example, keywords, aliases, refines`` (lists joined with ``"; "``),
        ``codebook, line, guid, color, codable``.
    infos : iterable of mapping, optional
        The combined codebooks (:func:`info_records`); without them each codebook is known by
        its name only.

    Returns
    -------
    Codebook
        Its version equals the stored codebook's when the records are unchanged.

    Raises
    ------
    InputError
        Records that are not a codebook's (a damaged store).
    """
    try:
        codes = [_code(r) for r in records]
        given = [CodebookInfo(name=str(i["name"]), title=_text(i.get("title")),
                              version_label=_text(i.get("version_label")), source=_text(i.get("source")),
                              path=_text(i.get("path")) or None, requires=tuple(i.get("requires") or ()))
                 for i in infos]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"the project's stored codebook cannot be read ({exc.__class__.__name__})",
                         hint="choose the codebook again: mio-qual codebook use FILE") from None
    known = {i.name for i in given}
    names = dict.fromkeys(c.codebook for c in codes if c.codebook and c.codebook not in known)
    return Codebook(codes, [*given, *(CodebookInfo(name=n) for n in names)])


def info_records(codebook: Codebook) -> list[dict[str, Any]]:
    """The combined codebooks' names, titles, version labels, sources, paths and requirements."""
    return [{"name": i.name, "title": i.title, "version_label": i.version_label, "source": i.source,
             "path": i.path, "requires": list(i.requires)} for i in codebook.infos.values()]


def source_records(sources: Sequence[Any]) -> list[dict[str, Any]]:
    """What was named as the codebook: each bundled name, or file with its absolute path and SHA-256.

    A :class:`Codebook` object (the Python API) is recorded by the names of the codebooks it combines.
    """
    from ._paths import bundled_codebooks

    bundled = bundled_codebooks()
    out: list[dict[str, Any]] = []
    for source in sources:
        if isinstance(source, Codebook):
            out.extend({"name": name, "path": None, "sha256": None} for name in source.infos)
            continue
        path = Path(source).expanduser()
        if isinstance(source, str) and source in bundled and not path.is_file():
            out.append({"name": source, "path": None, "sha256": None})
            continue
        try:
            digest: str | None = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = None
        out.append({"name": path.name, "path": str(path.resolve()), "sha256": digest})
    return out


def source_changed(source: Mapping[str, Any]) -> bool:
    """True when a file named as the codebook now holds other bytes than when it was chosen
    (False for a bundled name, or a file that is gone or unreadable)."""
    if not source.get("path") or not source.get("sha256"):
        return False
    try:
        return hashlib.sha256(Path(source["path"]).read_bytes()).hexdigest() != source["sha256"]
    except OSError:
        return False


__all__ = ["codebook_from_records", "info_records", "source_changed", "source_records"]

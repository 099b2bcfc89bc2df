"""The ``refi_objects`` table: what a REFI-QDA project brought that has no column of its own.

One row per object, ``(kind, key) -> (guid, detail)``:

* ``user``: key the coder (layer) name; users without codings are kept too;
* ``source``: key the transcript id;
* ``selection`` and ``coding``: key :func:`mio_qual.coding.refi_common.coding_key` of the
  coding (transcript, start, end, code, coder), the GUIDs of its ``PlainTextSelection`` and
  ``Coding``;
* ``whole``: a code applied to a whole source (key the coding's key; the coding spans the
  transcript's whole text);
* ``set``: key the set's name, detail the JSON of its member transcripts and codes;
* ``note``: a note (memo) other than a selection's: key its GUID, detail the JSON of its name,
  text, author, date and what it is attached to (codes, transcripts, the project), and the span it
  annotates when it is tied to a range of one transcript (``span``: transcript, start, end, and the GUID
  of its ``PlainTextSelection``);
* ``variable``: key the metadata column or attribute a REFI ``Variable`` filled, its GUID and the JSON
  of its name and ``Description``;
* ``project``: key ``project``, the JSON of the REFI project's own ``Description``.

Import writes them (:func:`put_objects`), export reads them (:func:`read_objects`) so that a
project exported again gives the objects their own GUIDs back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from .db import Store

#: The kinds of object kept.
KINDS = ("user", "source", "selection", "coding", "whole", "set", "note", "variable", "project")


def put_objects(store: "Store", rows: Iterable[tuple[str, str, str, str | None]]) -> int:
    """Keep ``(kind, key, guid, detail)`` rows, replacing a row of the same kind and key."""
    rows = list(dict(((r[0], r[1]), r) for r in rows).values())
    if not rows:
        return 0
    store.connection.executemany(
        "INSERT INTO refi_objects (kind, key, guid, detail) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (kind, key) DO UPDATE SET guid = excluded.guid, detail = excluded.detail", rows)
    return len(rows)


def read_objects(store: "Store", kind: str) -> dict[str, tuple[str, str | None]]:
    """Every object of one kind: key -> (guid, detail)."""
    rows = store.connection.execute("SELECT key, guid, detail FROM refi_objects WHERE kind = ?", (kind,))
    return {key: (guid, detail) for key, guid, detail in rows.fetchall()}


def objects_kept(store: "Store", rows: Iterable[tuple[str, str, str, str | None]], chunk: int = 500) -> bool:
    """Whether every ``(kind, key, guid, detail)`` row is kept already with the same GUID and detail
    (:func:`put_objects` would change nothing); the rows are looked up ``chunk`` keys at a time."""
    wanted: dict[str, dict[str, tuple[str, str | None]]] = {}
    for kind, key, guid, detail in rows:
        wanted.setdefault(kind, {})[key] = (guid, detail)
    for kind, objects in wanted.items():
        keys = list(objects)
        for first in range(0, len(keys), chunk):
            part = keys[first:first + chunk]
            found = store.connection.execute(
                f"SELECT key, guid, detail FROM refi_objects WHERE kind = ? AND key IN ({','.join('?' * len(part))})",
                [kind, *part]).fetchall()
            if len(found) != len(part) or any(objects[key] != (guid, detail) for key, guid, detail in found):
                return False
    return True


__all__ = ["KINDS", "objects_kept", "put_objects", "read_objects"]

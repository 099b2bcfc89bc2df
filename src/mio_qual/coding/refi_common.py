"""Pieces shared by the REFI-QDA project importer and exporter.

REFI-QDA (the Rotterdam Exchange Format Initiative's "QDA-XML" standard, version 1.0) moves a
whole project between NVivo, ATLAS.ti, MAXQDA, QualCoder and others as a ``.qdpx`` file: a zip
holding ``project.qde`` (XML in the namespace ``urn:QDA-XML:project:1.0``) and a ``sources/``
folder with the documents. This module holds what both directions need:

* :func:`parse_qde`: a hardened, streaming lxml parse (:class:`mio_qual.xmlsafe.iterparse`) of
  ``project.qde`` into small dataclasses (:class:`QdeProject`), refusing DTD entities (XXE,
  "billion laughs") with an :class:`~mio_qual.errors.InputError` that names the line. Each
  source's selections are kept as columns (:class:`Selections`) and each element is cleared
  once read, so memory follows the number of selections at about 110 bytes each (issue 20: the
  whole tree and a dataclass per selection took 3.3 KiB each; 1.5 million selections ran out
  of memory at 4 GB; issue 21: GUIDs packed, no ``Coding`` object per selection); with
  ``on_chunk`` a source's selections are handed over a bounded chunk at a time as they are read, so
  even one huge source is never held whole (the importer keeps the chunks in its scratch database);
* deterministic GUIDs (:func:`stable_guid`);
* offset conventions: REFI counts "characters" from 0 in a source's plain text, but tools
  disagree on what a character is (code points, UTF-16 code units) and on whether a line break
  ``\\r\\n`` counts as one or two. :func:`convert_positions` turns positions counted under one
  :class:`Convention` into code-point offsets of the LF text (:class:`PositionConverter`: the text
  scanned once, the positions converted a batch at a time);
* the maps from a source's positions to a transcript's come from :mod:`mio_qual.offsets`
  (:func:`~mio_qual.offsets.canonical_map`, :func:`~mio_qual.offsets.align`).
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Sequence, overload

from ..errors import InputError
from ..offsets import _astral, newline_offsets

NS = "urn:QDA-XML:project:1.0"
"""The REFI-QDA project namespace."""

GUID_NAMESPACE = uuid.UUID("6f1d3c52-8f0e-5b6a-9a47-3d1c2e9b7a10")
"""Namespace of the name-based (uuid5) GUIDs mio-qual writes, so that an export is deterministic."""

INTERNAL_PREFIX = "internal://"
EXTENSION_NOTE = "mio-qual extension"
"""Name of the project-level ``Note`` through which mio-qual carries what REFI-QDA 1.0 has no
element for. Its ``PlainTextContent`` is JSON: ``{"format": "mio-qual/1", "origins": {coding
GUID: origin}}``, the origin (``consensus``, ``rules``, ``model``) of every coding that is not
``human``. Other programs keep it as an ordinary note; mio-qual reads it back on import."""
EXTENSION_FORMAT = "mio-qual/1"
CASES_ATTRIBUTE = "refi_cases"
"""Transcript attribute holding the REFI cases a transcript belongs to (``"; "``-separated)."""

# Characters XML 1.0 cannot carry (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).


class OutsideArchiveError(InputError):
    """A ``.qdpx`` that points at a file outside itself: refused even with ``skip_problems``."""


def stable_guid(*parts: str) -> str:
    """A GUID derived from ``parts`` (uuid5 in :data:`GUID_NAMESPACE`): same input, same GUID.

    Examples
    --------
    >>> stable_guid("user", "AB") == stable_guid("user", "AB") != stable_guid("user", "CD")
    True
    """
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(parts)))


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def xsd_datetime(value: Any) -> str | None:
    """``value`` stripped when it is an xsd:dateTime (as REFI-QDA and the store write times), else None."""
    value = value.strip() if isinstance(value, str) else ""
    return value if _DATETIME.match(value) else None


def coding_key(transcript_id: str, start: int, end: int, code: str, coder: str) -> str:
    """The key a coding's REFI objects are kept under (:mod:`mio_qual.store.refi`): ``T1|12|40|IS.J2|kim``."""
    return f"{transcript_id}|{int(start)}|{int(end)}|{code}|{coder}"


def normalize_guid(guid: str | None) -> str | None:
    """Lower-case a GUID and drop the braces some tools write (``{...}``)."""
    if guid is None:
        return None
    return guid.strip().strip("{}").lower()



# ---------------------------------------------------------------------------- parsed project
@dataclass
class QdeUser:
    """A REFI ``User``: who made a selection or a coding."""

    guid: str
    name: str


@dataclass
class QdeCode:
    """A REFI ``Code`` (codes nest; ``parent`` is the enclosing code's GUID)."""

    guid: str
    name: str
    parent: str | None = None
    description: str = ""
    is_codable: bool = True
    notes: list[str] = field(default_factory=list)  # NoteRef target GUIDs (memos on the code)

    def path(self, codes: dict[str, "QdeCode"]) -> str:
        """The code's names from the root down, joined by ``/``."""
        names, seen, code = [], set(), self
        while code is not None and code.guid not in seen:
            seen.add(code.guid)
            names.append(code.name)
            code = codes.get(code.parent) if code.parent else None
        return "/".join(reversed(names))


@dataclass
class QdeCoding:
    """A REFI ``Coding``: one code applied to the enclosing selection (or source)."""

    guid: str
    code: str  # CodeRef target GUID
    user: str | None = None
    created: str | None = None
    notes: list[str] = field(default_factory=list)  # NoteRef target GUIDs


@dataclass
class QdeSelection:
    """A REFI ``PlainTextSelection``: ``[start, end)`` in the source's plain text."""

    guid: str
    start: int
    end: int
    name: str = ""
    description: str = ""
    user: str | None = None
    created: str | None = None
    codings: list[QdeCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: int | None = None
    whole: bool = False  # the source's own codings: codes applied to the whole source


_NONE = b"\xff"  # never the UTF-8 of a str: stands for None in a _Strings buffer
_LIMIT = 1 << 62  # positions beyond any text are clamped here (they fit no convention either way)


class _Strings:
    """Strings packed as UTF-8 in one buffer with their end offsets: 4 bytes a string beside its bytes.

    One buffer holds one source's strings (a ``project.qde`` is at most 512 MiB), so an offset fits
    4 bytes; a buffer outgrowing it would raise ``OverflowError``, never wrap.
    """

    __slots__ = ("_data", "_ends")

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("I")

    def append(self, value: str | None) -> None:
        self._data += _NONE if value is None else value.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str | None:
        raw = self._data[self._ends[i - 1] if i else 0:self._ends[i]]
        return None if raw == _NONE else raw.decode("utf-8", "surrogatepass")


class _Guids:
    """GUIDs in 16 bytes each when they are in the canonical form :func:`normalize_guid` gives (lower-case
    hex, ``8-4-4-4-12``), any other string (or None) kept as it is beside them."""

    __slots__ = ("_data", "_other")

    def __init__(self) -> None:
        self._data = bytearray()
        self._other: dict[int, str | None] = {}

    def append(self, value: str | None) -> None:
        if value is not None and len(value) == 36 and value[8] == value[13] == value[18] == value[23] == "-":
            digits = value.replace("-", "")
            try:
                packed = bytes.fromhex(digits)
            except ValueError:
                packed = b""
            if len(packed) == 16 and packed.hex() == digits:  # exactly what __getitem__ gives back
                self._data += packed
                return
        self._other[len(self._data) >> 4] = value
        self._data += bytes(16)

    def __len__(self) -> int:
        return len(self._data) >> 4

    def __getitem__(self, i: int) -> str | None:
        if i in self._other:
            return self._other[i]
        digits = self._data[i << 4:(i + 1) << 4].hex()
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


class _Pool:
    """Strings used many times (user and code GUIDs) kept once; a use is an int index, -1 for None."""

    __slots__ = ("index", "values")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def add(self, value: str | None) -> int:
        if value is None:
            return -1
        k = self.index.get(value)
        if k is None:
            k = self.index[value] = len(self.values)
            self.values.append(value)
        return k

    def get(self, k: int) -> str | None:
        return None if k < 0 else self.values[k]


class Selections(Sequence[QdeSelection]):
    """The selections of one source, kept as columns rather than one dataclass each.

    A selection with one coding takes about 110 bytes (its GUIDs in 16 bytes each, dates and
    names packed as UTF-8, positions in arrays, user and code GUIDs pooled); an import holds one
    source's at a time (:func:`parse_qde`'s ``on_source``; issues 20 and 21). Indexing gives a :class:`QdeSelection`
    built on the spot; the columns serve the loops over every selection
    (:func:`mio_qual.coding.refi_import.choose_convention` and the placing of codings).

    Attributes
    ----------
    starts, ends : array of int
        The positions as the file gives them.
    first : array of int
        The codings of selection ``i`` are ``first[i]`` up to ``first[i + 1]`` (see
        :meth:`coding_code`, :meth:`coding_user`, :meth:`coding_guid`).
    """

    def __init__(self, pool: _Pool | None = None) -> None:
        self._pool = pool if pool is not None else _Pool()
        self.guids, self.names, self.created = _Guids(), _Strings(), _Strings()
        self.starts, self.ends, self.lines, self.users = array("q"), array("q"), array("i"), array("i")
        self.descriptions: dict[int, str] = {}
        self.notes: dict[int, list[str]] = {}
        self.first = array("i", [0])
        self.coding_guids, self.coding_created = _Guids(), _Strings()
        self.coding_codes, self.coding_users = array("i"), array("i")
        self.coding_notes: dict[int, list[str]] = {}

    def __getstate__(self) -> dict[str, Any]:
        """The columns without the pool of code and user GUIDs (shared by a file's sources, and only
        growing: a chunk read back from the scratch database is given the live pool, :meth:`attach`)."""
        state = dict(self.__dict__)
        state["_pool"] = None
        return state

    def attach(self, pool: "_Pool") -> "Selections":
        """Give a chunk read back (pickled without its pool) the pool its indices point into; return it."""
        self._pool = pool
        return self

    @property
    def pool(self) -> "_Pool":
        """The pool of code and user GUIDs the columns' indices point into."""
        return self._pool

    @classmethod
    def of(cls, selections: Sequence[QdeSelection]) -> "Selections":
        """``selections`` as columns (the same object when it already is)."""
        if isinstance(selections, Selections):
            return selections
        out = cls()
        for selection in selections:
            out.append(selection)
        return out

    def append(self, selection: QdeSelection) -> None:
        """Add one selection (and its codings) at the end."""
        self.add(selection.guid, selection.start, selection.end, selection.name, selection.description,
                 selection.user, selection.created,
                 [(c.guid, c.code, c.user, c.created, c.notes) for c in selection.codings], selection.notes,
                 selection.line)

    def add(self, guid: str, start: int, end: int, name: str, description: str, user: str | None,
            created: str | None, codings: Sequence[tuple[str, str, str | None, str | None, list[str]]],
            notes: list[str], line: int | None) -> None:
        """Add one selection at the end, its codings given as ``(guid, code, user, created, notes)``."""
        i = len(self.starts)
        self.guids.append(guid)
        self.starts.append(max(-_LIMIT, min(_LIMIT, start)))
        self.ends.append(max(-_LIMIT, min(_LIMIT, end)))
        self.lines.append(line or 0)
        self.names.append(name)
        self.created.append(created)
        pool = self._pool
        self.users.append(pool.add(user))
        if description:
            self.descriptions[i] = description
        if notes:
            self.notes[i] = list(notes)
        for coding_guid, code, coding_user, coding_created, coding_notes in codings:
            if coding_notes:
                self.coding_notes[len(self.coding_codes)] = list(coding_notes)
            self.coding_guids.append(coding_guid)
            self.coding_codes.append(pool.add(code))
            self.coding_users.append(pool.add(coding_user))
            self.coding_created.append(coding_created)
        self.first.append(len(self.coding_codes))

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: int) -> QdeSelection: ...

    @overload
    def __getitem__(self, i: slice) -> list[QdeSelection]: ...

    def __getitem__(self, i: int | slice) -> QdeSelection | list[QdeSelection]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return QdeSelection(guid=self.guids[i] or "", start=self.starts[i], end=self.ends[i], name=self.names[i] or "",
                            description=self.descriptions.get(i, ""), user=self._pool.get(self.users[i]),
                            created=self.created[i], codings=self.codings(i), notes=list(self.notes.get(i, [])),
                            line=self.lines[i] or None)

    def __iter__(self) -> Iterator[QdeSelection]:
        return (self[i] for i in range(len(self)))

    def codings(self, i: int) -> list[QdeCoding]:
        """The codings of selection ``i``."""
        return [QdeCoding(guid=self.coding_guids[j] or "", code=self.coding_code(j), user=self.coding_user(j),
                          created=self.coding_created[j], notes=list(self.coding_notes.get(j, [])))
                for j in range(self.first[i], self.first[i + 1])]

    def coding_code(self, j: int) -> str:
        """The code GUID of coding ``j``."""
        return self._pool.get(self.coding_codes[j]) or ""

    def coding_user(self, j: int) -> str | None:
        """The ``creatingUser`` of coding ``j``."""
        return self._pool.get(self.coding_users[j])

    def user(self, i: int) -> str | None:
        """The ``creatingUser`` of selection ``i``."""
        return self._pool.get(self.users[i])


@dataclass
class QdeSource:
    """A REFI ``TextSource`` with its selections and variable values."""

    guid: str
    name: str
    plain_text_path: str | None = None
    plain_text_content: str | None = None
    selections: Sequence[QdeSelection] = field(default_factory=list)  # a Selections when parsed
    codings: list[QdeCoding] = field(default_factory=list)  # codes on the whole source
    variables: dict[str, Any] = field(default_factory=dict)  # variable GUID -> value
    user: str | None = None
    line: int | None = None
    notes: list[str] = field(default_factory=list)  # NoteRef target GUIDs (memos on the whole source)
    created: str | None = None
    description: str | None = None  # its own Description


@dataclass
class QdeVariable:
    """A REFI ``Variable`` (an attribute of sources or cases)."""

    guid: str
    name: str
    type: str = "Text"
    description: str = ""


@dataclass
class QdeCase:
    """A REFI ``Case``: a group of sources (or of selections) with variable values."""

    guid: str
    name: str
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class QdeSet:
    """A REFI ``Set``: a named group of sources and codes (document sets, code sets)."""

    guid: str
    name: str
    sources: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class QdeProject:
    """The parts of a ``project.qde`` that mio-qual reads."""

    name: str
    users: dict[str, QdeUser] = field(default_factory=dict)
    codes: dict[str, QdeCode] = field(default_factory=dict)
    sources: list[QdeSource] = field(default_factory=list)
    variables: dict[str, QdeVariable] = field(default_factory=dict)
    cases: list[QdeCase] = field(default_factory=list)
    notes: dict[str, QdeSource] = field(default_factory=dict)
    creating_user: str | None = None
    other_sources: int = 0  # picture, PDF, audio and video sources (not imported)
    sets: list[QdeSet] = field(default_factory=list)
    extension: dict[str, Any] = field(default_factory=dict)  # mio-qual's own note (EXTENSION_NOTE)
    note_refs: list[str] = field(default_factory=list)  # the project's own NoteRefs (notes on the whole project)
    description: str = ""  # the project's own Description


def _local(tag: Any) -> str:
    """An element's tag without its ``{namespace}``; ``""`` for a comment or processing instruction."""
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Any, name: str) -> Any | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: Any | None) -> str:
    return "" if element is None else (element.text or "")


def _int_attr(element: Any, name: str, *, path: str | Path, line: int | None) -> int:
    value = element.get(name)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(f"{_local(element.tag)} has {name}={value!r}, not a whole number", path=path, line=line,
                         hint="the project file is damaged; re-export it") from None


def _codings(element: Any) -> list[QdeCoding]:
    out = []
    for coding in _children(element, "Coding"):
        ref = _child(coding, "CodeRef")
        target = normalize_guid(ref.get("targetGUID")) if ref is not None else None
        if not target:
            continue
        out.append(QdeCoding(
            guid=normalize_guid(coding.get("guid")) or "", code=target,
            user=normalize_guid(coding.get("creatingUser")), created=coding.get("creationDateTime"),
            notes=[normalize_guid(n.get("targetGUID")) or "" for n in _children(coding, "NoteRef")]))
    return out


def _variable_values(element: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for vv in _children(element, "VariableValue"):
        ref = _child(vv, "VariableRef")
        if ref is None or not ref.get("targetGUID"):
            continue
        value: Any = None
        for child in vv:
            kind = _local(child.tag)
            if kind == "VariableRef":
                continue
            raw = (child.text or "").strip()
            if kind == "IntegerValue":
                try:
                    value = int(raw)
                except ValueError:
                    value = raw
            elif kind == "FloatValue":
                try:
                    value = float(raw)
                except ValueError:
                    value = raw
            elif kind == "BooleanValue":
                value = raw.lower() in ("true", "1")
            else:
                value = raw
        values[normalize_guid(ref.get("targetGUID")) or ""] = value
    return values


def _selection(element: Any, *, path: str | Path) -> QdeSelection:
    line = element.sourceline
    return QdeSelection(
        guid=normalize_guid(element.get("guid")) or "",
        start=_int_attr(element, "startPosition", path=path, line=line),
        end=_int_attr(element, "endPosition", path=path, line=line),
        name=element.get("name") or "",
        description=_text(_child(element, "Description")),
        user=normalize_guid(element.get("creatingUser")),
        created=element.get("creationDateTime"),
        codings=_codings(element),
        notes=[normalize_guid(n.get("targetGUID")) or "" for n in _children(element, "NoteRef")],
        line=line,
    )


def _read_selection(into: Selections, element: Any, *, path: str | Path) -> None:
    """Append the ``PlainTextSelection`` ``element`` to ``into``'s columns.

    What :func:`_selection` reads, written straight into the columns (the stream's hot path: no
    dataclass per selection and coding on the way).
    """
    get = element.get
    line = element.sourceline
    try:
        start = int(get("startPosition"))  # int() strips white space itself
    except (TypeError, ValueError):
        start = _int_attr(element, "startPosition", path=path, line=line)  # raises, naming the line
    try:
        end = int(get("endPosition"))
    except (TypeError, ValueError):
        end = _int_attr(element, "endPosition", path=path, line=line)
    description: str | None = None
    notes: list[str] = []
    pool = into._pool
    for child in element:
        kind = _local(child.tag)  # "" for a comment or processing instruction: matches no branch
        if kind == "Coding":
            target = coding_notes = None
            for grandchild in child:
                inner = _local(grandchild.tag)
                if inner == "CodeRef":
                    if target is None:
                        target = normalize_guid(grandchild.get("targetGUID")) or ""
                elif inner == "NoteRef":
                    (coding_notes := coding_notes or []).append(normalize_guid(grandchild.get("targetGUID")) or "")
            if target:  # what Selections.add does with each coding, without a tuple on the way
                if coding_notes:
                    into.coding_notes[len(into.coding_codes)] = coding_notes
                into.coding_guids.append(normalize_guid(child.get("guid")) or "")
                into.coding_codes.append(pool.add(target))
                into.coding_users.append(pool.add(normalize_guid(child.get("creatingUser"))))
                into.coding_created.append(child.get("creationDateTime"))
        elif kind == "Description":
            if description is None:
                description = child.text or ""
        elif kind == "NoteRef":
            notes.append(normalize_guid(child.get("targetGUID")) or "")
    into.add(normalize_guid(get("guid")) or "", start, end, get("name") or "", description or "",
             normalize_guid(get("creatingUser")), get("creationDateTime"), (), notes, line)


def _source(element: Any, *, path: str | Path, selections: Sequence[QdeSelection] | None = None) -> QdeSource:
    """A ``TextSource`` or ``Note``; ``selections`` when the stream has read them already."""
    source = QdeSource(
        guid=normalize_guid(element.get("guid")) or "",
        name=element.get("name") or "",
        plain_text_path=element.get("plainTextPath"),
        user=normalize_guid(element.get("creatingUser")),
        line=element.sourceline,
        notes=_note_refs(element),
        created=element.get("creationDateTime"),
        description=_text(_child(element, "Description")) or None,
    )
    content = _child(element, "PlainTextContent")
    if content is not None:
        source.plain_text_content = content.text or ""
    source.selections = selections if selections is not None else [
        _selection(sel, path=path) for sel in _children(element, "PlainTextSelection")]
    source.codings = _codings(element)
    source.variables = _variable_values(element)
    return source


def _note_refs(element: Any) -> list[str]:
    """The targets of an element's own ``NoteRef`` children."""
    return [normalize_guid(n.get("targetGUID")) or "" for n in _children(element, "NoteRef")]


_SOURCE_KINDS = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")
_SECTIONS = ("Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Sets")
_TAGS = [f"{{*}}{name}" for name in ("PlainTextSelection", *_SOURCE_KINDS, *_SECTIONS)]
"""What the stream hands over: selections and sources as they end, the other sections whole."""


def _project_of(root: Any, path: str | Path) -> QdeProject:
    if _local(root.tag) != "Project":
        raise InputError(f"project.qde has root element <{_local(root.tag)}>, not <Project>", path=path,
                         hint="this is not a REFI-QDA project; export a .qdpx project from the QDA program")
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace and namespace != NS:
        raise InputError(f"project.qde uses namespace {namespace!r}, not {NS!r}", path=path,
                         hint="only REFI-QDA project exchange 1.0 files can be read")
    return QdeProject(name=root.get("name") or "", creating_user=normalize_guid(root.get("creatingUserGUID")))


def _in_section(element: Any, root: Any, name: str) -> bool:
    """True when ``element`` is the section ``name`` directly under the root."""
    return element is not None and element.getparent() is root and _local(element.tag) == name


def _drop_done(element: Any, kinds: Sequence[str] | None = None) -> None:
    """Clear ``element`` and remove the siblings before it (of ``kinds`` only, when given): read already."""
    element.clear()
    parent = element.getparent()
    while parent is not None:
        previous = element.getprevious()
        if previous is None or (kinds is not None and _local(previous.tag) not in kinds):
            return
        parent.remove(previous)


def parse_qde(data: bytes | IO[bytes], *, path: str | Path, max_bytes: int | None = None,
              on_source: Callable[[QdeSource], None] | None = None,
              on_chunk: Callable[[Selections], None] | None = None, chunk: int = 4_000) -> QdeProject:
    """Parse ``project.qde`` (its bytes, or a binary stream such as an open zip member) into a :class:`QdeProject`.

    The document is read as a stream with the hardened parser (:class:`mio_qual.xmlsafe.iterparse`:
    entity and document type declarations, external references and nesting deeper than
    :data:`mio_qual.xmlsafe.MAX_DEPTH` are refused; malformed XML names its line). Each
    ``PlainTextSelection`` is packed into its source's :class:`Selections` and cleared as soon
    as it ends, each source and section once read, so the tree never holds the document.

    Parameters
    ----------
    data : bytes or binary file object
        The XML.
    path : str or Path
        The ``.qdpx`` file, for messages.
    max_bytes : int, optional
        Refuse a longer document (default :data:`mio_qual.xmlsafe.MAX_BYTES`).
    on_source : callable, optional
        Called with each ``TextSource`` as soon as it is read, its selections with it; they are
        let go of afterwards (the source is kept with an empty ``selections``), so a caller that
        stores what it needs holds one source's selections at a time (issue 21).
    on_chunk : callable, optional
        Called with each ``chunk`` selections of a ``TextSource`` as soon as they are read, and let
        go of: the source then hands ``on_source`` only the selections after its last chunk (all of
        them when it has no more than ``chunk``). A caller that stores the chunks holds at most
        ``chunk`` selections of even the largest source (issue 21).
    chunk : int
        Selections in a chunk (with ``on_chunk``).

    Raises
    ------
    InputError
        Hostile or malformed XML, a root other than ``Project``, or a selection position that is
        not a whole number.
    """
    from ..xmlsafe import MAX_BYTES, XMLRefused, iterparse, refusal_error

    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
    reader = iterparse(stream, tags=_TAGS, max_bytes=MAX_BYTES if max_bytes is None else max_bytes)
    project: QdeProject | None = None
    pool = _Pool()
    holder, selections = None, Selections(pool)  # the TextSource whose selections are being read
    try:
        for element in reader:
            root = reader.root
            if project is None:
                project = _project_of(root, path)
            kind = _local(element.tag)
            parent = element.getparent()
            if kind == "PlainTextSelection":
                if parent is not holder:
                    if _local(parent.tag) != "TextSource" or not _in_section(parent.getparent(), root, "Sources"):
                        continue  # inside a note or another kind of source: read with it
                    holder, selections = parent, Selections(pool)
                _read_selection(selections, element, path=path)
                _drop_done(element, ("PlainTextSelection",))
                if on_chunk is not None and len(selections) >= chunk:
                    on_chunk(selections)
                    selections = Selections(pool)
            elif kind in _SOURCE_KINDS:
                if not _in_section(parent, root, "Sources"):
                    continue
                if kind == "TextSource":
                    source = _source(element, path=path, selections=selections if holder is element else Selections(pool))
                    if on_source is not None:
                        on_source(source)
                        source.selections = []
                    project.sources.append(source)
                else:
                    project.other_sources += 1
                holder, selections = None, Selections(pool)
                _drop_done(element)
            elif parent is root:
                _section(project, kind, element, path)
                _drop_done(element, _SECTIONS)  # the project's own NoteRefs stay for the end
    except XMLRefused as exc:
        raise refusal_error(exc, path=path, what="project.qde",
                            damaged_hint="re-export the project from the QDA program") from None
    project = project if project is not None else _project_of(reader.root, path)
    project.note_refs = _note_refs(reader.root)
    project.description = _text(_child(reader.root, "Description"))
    return project


def _section(project: QdeProject, kind: str, element: Any, path: str | Path) -> None:
    """Read one section of the project (users, codebook, variables, cases, notes, sets) into ``project``."""
    if kind == "Users":
        for user in _children(element, "User"):
            guid = normalize_guid(user.get("guid")) or ""
            project.users[guid] = QdeUser(guid=guid, name=(user.get("name") or user.get("id") or guid).strip())
    elif kind == "CodeBook":
        codes_el = _child(element, "Codes")

        def walk(parent: Any, parent_guid: str | None) -> None:
            for code in _children(parent, "Code"):
                guid = normalize_guid(code.get("guid")) or ""
                project.codes[guid] = QdeCode(
                    guid=guid, name=(code.get("name") or "").strip(), parent=parent_guid,
                    description=_text(_child(code, "Description")),
                    is_codable=(code.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                    notes=_note_refs(code))
                walk(code, guid)

        if codes_el is not None:
            walk(codes_el, None)
    elif kind == "Variables":
        for var in _children(element, "Variable"):
            guid = normalize_guid(var.get("guid")) or ""
            project.variables[guid] = QdeVariable(guid=guid, name=(var.get("name") or guid).strip(),
                                                  type=var.get("typeOfVariable") or "Text",
                                                  description=_text(_child(var, "Description")))
    elif kind == "Cases":
        for case in _children(element, "Case"):
            project.cases.append(QdeCase(
                guid=normalize_guid(case.get("guid")) or "",
                name=(case.get("name") or case.get("guid") or "").strip(),
                sources=[normalize_guid(r.get("targetGUID")) or "" for r in _children(case, "SourceRef")],
                selections=[normalize_guid(r.get("targetGUID")) or "" for r in _children(case, "SelectionRef")],
                variables=_variable_values(case)))
    elif kind == "Notes":
        for note in _children(element, "Note"):
            parsed = _source(note, path=path)
            if parsed.name == EXTENSION_NOTE and parsed.plain_text_content:
                project.extension = _extension(parsed.plain_text_content)
                continue
            project.notes[parsed.guid] = parsed
    elif kind == "Sets":
        for item in _children(element, "Set"):
            project.sets.append(QdeSet(
                guid=normalize_guid(item.get("guid")) or "", name=(item.get("name") or "").strip(),
                sources=[normalize_guid(r.get("targetGUID")) or "" for r in _children(item, "MemberSource")],
                codes=[normalize_guid(r.get("targetGUID")) or "" for r in _children(item, "MemberCode")],
                description=_text(_child(item, "Description"))))


def _extension(content: str) -> dict[str, Any]:
    """mio-qual's extension note as data ({} when it is not JSON of the known format)."""
    import json

    try:
        data = json.loads(content)
    except ValueError:
        return {}
    return data if isinstance(data, dict) and data.get("format") == EXTENSION_FORMAT else {}


# ---------------------------------------------------------------------------- offset conventions
@dataclass(frozen=True)
class Convention:
    """How a tool counted positions in a source's text.

    ``unit`` is ``codepoint`` or ``utf16`` (UTF-16 code units: a character beyond U+FFFF
    counts two). ``newline`` says which text was counted: ``file``, the text as the archive
    holds it (a ``\\r\\n`` there counts two); ``lf``, the text with every ``\\r\\n`` read as one
    ``\\n``; ``crlf``, the text with every ``\\n`` counted as ``\\r\\n`` (a Windows tool that
    counted line breaks its own way in a file with LF line ends, or in XML content whose
    ``\\r`` the parser removed).
    """

    unit: str
    newline: str = "file"

    @property
    def label(self) -> str:
        """A short name, e.g. ``utf16``, ``codepoint+crlf``."""
        return self.unit + ("" if self.newline == "file" else f"+{self.newline}")


def conventions_for(raw: str) -> list[Convention]:
    """Conventions to try for a source, most likely first.

    Code points on the text as the file holds it come first, then UTF-16 code units, then the
    same two with the line breaks counted the other way (``lf`` when the file has ``\\r\\n``,
    ``crlf`` when it has a bare ``\\n``; both for mixed files).
    """
    out = [Convention("codepoint"), Convention("utf16")]
    if "\r\n" in raw:
        out += [Convention("codepoint", "lf"), Convention("utf16", "lf")]
    if "\n" in raw.replace("\r\n", ""):
        out += [Convention("codepoint", "crlf"), Convention("utf16", "crlf")]
    return out


def convert_positions(raw: str, positions: Sequence[int], convention: Convention) -> list[int | None]:
    """Turn positions counted under ``convention`` into code-point offsets of the LF text.

    Parameters
    ----------
    raw : str
        The source text as the archive holds it (decoded).
    positions : sequence of int
    convention : Convention

    Returns
    -------
    list of int or None
        Offsets into ``raw.replace("\\r\\n", "\\n")``; ``None`` where the position cannot be right
        under the convention: outside the text, inside a surrogate pair, or between the ``\\r``
        and ``\\n`` of a line break.

    Examples
    --------
    >>> convert_positions("a\\U0001F600b", [0, 3, 4], Convention("utf16"))
    [0, 2, 3]
    >>> convert_positions("ab\\ncd", [4, 6, 3], Convention("codepoint", "crlf"))
    [3, 5, None]
    >>> convert_positions("ab\\r\\ncd", [4, 6, 3], Convention("codepoint"))
    [3, 5, None]
    """
    return PositionConverter(raw, convention).convert(positions)


def _counted_as_stored(raw: str, convention: Convention) -> bool:
    """True when positions under ``convention`` are code points of ``raw`` itself: no line break to
    collapse or expand, and one unit a character."""
    return convention.newline != "crlf" and "\r\n" not in raw and (
        convention.unit == "codepoint" or raw.isascii() or max(raw) < "\U00010000")


class PositionConverter:
    """:func:`convert_positions` for one text and convention, the text scanned once.

    What the conversion needs of the text (its length, where its astral characters and line
    breaks are) is found when the converter is made; :meth:`convert` then costs a bisection a
    position, so the positions of one large source can be converted in batches without scanning
    its text again for each (issue 21: a source's selections are planned in bounded chunks).

    Attributes
    ----------
    convention : Convention
    key : tuple
        Equal for two converters of one text that give the same offsets for every position by
        construction (code points and UTF-16 units on a text without astral characters, any
        convention counted as stored).

    Examples
    --------
    >>> converter = PositionConverter("a\\U0001F600b\\r\\nc", Convention("utf16"))
    >>> converter.convert([0, 3, 4]), converter.convert([5, 6, 7, 9])
    ([0, 2, 3], [None, 4, 5, None])
    """

    def __init__(self, raw: str, convention: Convention) -> None:
        self.convention = convention
        self._fast = _counted_as_stored(raw, convention)
        self._pairs: list[int] = []  # where each \r\n of raw starts (newline "file")
        self._newlines: list[int] = []  # where each \n of the LF text is (newline "crlf")
        self._crlf_starts: list[int] = []  # ... and where it starts in the CRLF text
        self._astral: list[int] = []  # code points of the astral characters of the counted text (UTF-16)
        self._starts: list[int] = []  # ... and the UTF-16 units where they start
        if self._fast:
            self.size = len(raw)
            self.key: tuple[Any, ...] = ("as stored",)
            return
        text_lf = raw.replace("\r\n", "\n")
        if convention.newline == "file":
            counted = raw
            self._pairs = [m.start() for m in re.finditer("\r\n", raw)]
        elif convention.newline == "lf":
            counted = text_lf
        else:
            counted = text_lf.replace("\n", "\r\n")
            self._newlines = newline_offsets(text_lf)
            self._crlf_starts = [p + k for k, p in enumerate(self._newlines)]
        if convention.unit != "codepoint":
            self._astral = _astral(counted)
            self._starts = [a + k for k, a in enumerate(self._astral)]
        self.size = len(counted) + len(self._astral)
        self.key = ("utf16" if self._astral else "codepoint", convention.newline)

    def convert(self, positions: Sequence[int]) -> list[int | None]:
        """The positions as code-point offsets of the LF text (None where one cannot be right): what
        :func:`convert_positions` gives for the converter's text and convention."""
        size = self.size
        if self._fast:
            return [p if 0 <= p <= size else None for p in positions]
        astral, starts = self._astral, self._starts
        pairs, newlines, crlf_starts = self._pairs, self._newlines, self._crlf_starts
        newline = self.convention.newline
        out: list[int | None] = []
        for p in positions:
            if not 0 <= p <= size:
                out.append(None)
                continue
            c: int = p
            if starts:  # UTF-16 units to code points; inside a surrogate pair nothing is right
                c = p - bisect_left(starts, p)
                if c + bisect_left(astral, c) != p:
                    out.append(None)
                    continue
            if newline == "file":
                if pairs:  # \r\n collapsed to \n; between the \r and the \n nothing is right
                    k = bisect_right(pairs, c - 2)
                    if k < len(pairs) and pairs[k] + 1 == c:
                        out.append(None)
                        continue
                    c -= k
            elif newline == "crlf" and crlf_starts:  # each \n counted as \r\n: back to the LF text
                k = bisect_right(crlf_starts, c - 1)
                o = newlines[k - 1] if k and c == crlf_starts[k - 1] + 1 else c - k
                if o + bisect_right(newlines, o - 1) != c:
                    out.append(None)
                    continue
                c = o
            out.append(c)
        return out


def normalize_for_match(text: str) -> str:
    """NFC, whitespace runs to one space, trimmed: how selection names are compared with text."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def name_match(name: str, span_text: str) -> int:
    """How well a selection's ``name`` matches its text: 2 whole, 1 the start of it, 0 not.

    Several tools store the selected text, or its first words, as the selection's name; XML
    attribute normalization has turned its line breaks into spaces, so whitespace is compared
    loosely. A cut name ends with ``...``/``…``, or is at least 12 characters of the start.

    Examples
    --------
    >>> name_match("we had no room", "we had no\\nroom")
    2
    >>> name_match("we had no…", "we had no room at all"), name_match("room", "we had no room")
    (1, 0)
    """
    if name == span_text:  # the common case, without normalizing (only white space normalizes to nothing)
        return 0 if not name or name.isspace() else 2
    wanted = normalize_for_match(name)
    if not wanted:
        return 0
    got = normalize_for_match(span_text)
    if wanted == got:
        return 2
    for ellipsis in ("\u2026", "..."):
        if wanted.endswith(ellipsis):
            stem = wanted[: -len(ellipsis)].rstrip()
            return 1 if stem and got.startswith(stem) else 0
    return 1 if len(wanted) >= 12 and got.startswith(wanted) else 0


def name_matches(name: str, span_text: str) -> bool:
    """True when a selection's ``name`` is its text, whole or cut (see :func:`name_match`)."""
    return name_match(name, span_text) > 0

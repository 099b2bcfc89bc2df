"""REFI-QDA codebooks (``.qdc``): :func:`to_qdc`, :func:`from_qdc`, :func:`code_guid`.

A ``.qdc`` file is the REFI-QDA Codebook Exchange format (namespace
``urn:QDA-XML:codebook:1.0``): ``CodeBook > Codes > Code``, codes nested in codes, each
with ``guid``, ``name``, ``isCodable``, ``color`` and an optional ``Description``. NVivo,
ATLAS.ti, MAXQDA and others import and export it. The codebook of a REFI-QDA project
(``.qdpx``, or its ``project.qde``) is read the same way, so a project file can be named
wherever a codebook is.

How our codes map onto it:

* ``name`` is ``"<id> <name>"`` (``IS.J1 Funding``), so coders see the stable id in their
  QDA program and :meth:`Codebook.resolve` reads it back. A code that came from a QDA program
  (it has a GUID of its own) keeps its own name, and its colour or none, so a codebook taken in
  from NVivo or ATLAS.ti goes back to it unrenamed (the ``Id:`` line keeps the id).
* ``guid`` is the code's own GUID when it came from a QDA program (:attr:`Code.guid`), else a
  UUID-5 of a fixed namespace and the code id, so exports are deterministic and the same code
  keeps its guid across exports (and in ``.qdpx`` projects, via :func:`code_guid`).
* mio-qual's own domains are not codable (``isCodable="false"``), nor are codes whose
  :attr:`Code.codable` is False (category folders brought from a QDA program); every other
  code is (a top-level code from a QDA program keeps the flag that program gave it).
* ``Description`` holds the remaining fields as ``Label: value`` lines (``Id``, ``Level``,
  ``Codebook``, ``Definition``, ``Use when``, ``Not when``, ``Example``, ``Keywords``,
  ``Aliases``, ``Refines``, ``Color``, and ``Codable: no`` for a code that is not codable),
  which :func:`from_qdc` parses back.
* The codebook's code groups (:attr:`Codebook.sets`) are the ``Sets`` after the ``Codes``:
  one ``Set`` (``guid``, ``name``, ``Description``) per group with a ``MemberCode guid=...``
  per member, as the REFI-QDA codebook schema (``Codebook.xsd``) has them; ATLAS.ti writes its
  code groups so.

On import, codes from other programs (no ``Id:`` line, no id before the name) keep their
name, GUID, colour and place in the tree, and get an id made from their name, letters of
any script kept (``Staff turnover`` -> ``STAFF_TURNOVER``, ``Oltás típusa`` ->
``OLTÁS_TÍPUSA``); a name that several codes bear is placed under its parent's id
(``BARRIERS.STAFF`` beside ``FACILITATORS.STAFF``): codes are told apart by their place and
GUID, not by their name. A description without labels
becomes the definition. When the file gives no useful line numbers (NVivo writes the whole
document on one line), problems name the code by its path and GUID. ``isCodable="false"``
of a foreign code is kept (:attr:`Code.codable`; in mio-qual's own files the ``Codable:``
line says it). ``Sets`` are kept as the codebook's code groups (members named by ``guid``, or
``targetGUID`` as a project's sets name them; a project's sets without member codes, document
sets, are left to the project import); a member GUID the codebook does not hold is a problem. XML is parsed with :mod:`mio_qual.xmlsafe` (hardened lxml) only; a ``.qdpx`` is opened with
:func:`mio_qual.safezip.open_zip`.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO, Union

from .labels import ID_RE
from .model import Code, Codebook
from .raw import BooksByName, RawBook, RawCode, RawSet, read_file_bytes, split_list

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
#: Fixed namespace for code guids; never change it, or every exported guid changes.
GUID_NAMESPACE = uuid.UUID("6d1f3b1e-4c7a-5e0b-9a52-3f1c2d4e5a60")
_MAX_BYTES = 50_000_000
_PALETTE = ("#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#E15759", "#76B7B2", "#EDC948", "#9C755F")

# Description labels, in the order they are written, and the field each fills.
_LABELS: tuple[tuple[str, str], ...] = (
    ("Id", "id"),
    ("Level", "level"),
    ("Codebook", "codebook"),
    ("Definition", "definition"),
    ("Use when", "use_when"),
    ("Not when", "not_when"),
    ("Example", "example"),
    ("Keywords", "keywords"),
    ("Aliases", "aliases"),
    ("Refines", "refines"),
    ("Color", "color"),
    ("Codable", "codable"),
)
_LABEL_RE = re.compile(r"^(" + "|".join(re.escape(lbl) for lbl, _ in _LABELS) + r"):[ \t]?(.*)$")
_FIELD_OF = {lbl: f for lbl, f in _LABELS}
_LIST = {"keywords", "aliases", "refines"}
_SLUG_RE = re.compile(r"[\W_]+")
_MAX_QDE_BYTES = 512 << 20

Target = Union[str, Path, IO[bytes], None]


def code_guid(code_id: str) -> str:
    """The REFI-QDA guid derived from a code id: ``uuid5(GUID_NAMESPACE, code_id)``, as text."""
    return str(uuid.uuid5(GUID_NAMESPACE, code_id))


def set_guid(name: str) -> str:
    """The GUID written for a code group that has none of its own: ``uuid5`` of ``set:<name>``."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"set:{name}"))


def guid_of(code: Code) -> str:
    """The guid a code is written with: its own (from a QDA program), else :func:`code_guid`."""
    return code.guid or code_guid(code.id)


def _codable(code: Code) -> bool:
    """``isCodable`` as written: False for codes that are not codable and for mio-qual's own
    domains (a code from a QDA program, with its own GUID, keeps what that program said)."""
    return code.codable and (code.level != "domain" or bool(code.guid))


def _description(code: Code) -> str:
    """The ``Description`` of a code: ``Label: value`` lines. A code from a QDA program (a GUID of
    its own) has its own description first, as its program wrote it, and the lines below it, so
    the program shows its text where it was (read back as the definition: the text before the
    first label); unless a line of it looks like a label, then it is labelled too."""
    lines = [f"Id: {code.id}", f"Level: {code.level}", f"Codebook: {code.codebook}"]
    first = code.definition if code.guid and code.definition and not any(
        _LABEL_RE.match(line.strip()) for line in code.definition.split("\n")) else ""
    for label, fieldname in _LABELS[3:-1]:
        if first and fieldname == "definition":
            continue
        value = getattr(code, fieldname)
        if fieldname in _LIST:
            value = "; ".join(value)
        if value:
            lines.append(f"{label}: {value}")
    if not code.codable:
        lines.append("Codable: no")
    return "\n\n".join([first, "\n".join(lines)]) if first else "\n".join(lines)


def to_qdc(cb: Codebook, path: Target = None) -> bytes | None:
    """Write ``cb`` as a REFI-QDA codebook (``.qdc``).

    Parameters
    ----------
    cb : Codebook
    path : str, Path, binary file object or None
        Where to write; ``None`` returns the bytes instead.

    Returns
    -------
    bytes or None
        The UTF-8 XML document when ``path`` is None.
    """
    root = ET.Element(f"{{{QDC_NAMESPACE}}}CodeBook")
    codes_el = ET.SubElement(root, f"{{{QDC_NAMESPACE}}}Codes")
    colors: dict[str, str] = {rid: _PALETTE[i % len(_PALETTE)] for i, rid in enumerate(cb.roots())}

    def add(parent_el: ET.Element, code_id: str, color: str) -> None:
        code = cb.codes[code_id]
        foreign = bool(code.guid)  # from a QDA program: its own name, and no colour it did not have
        attrib = {"guid": guid_of(code), "name": code.name if foreign and code.name else code.label,
                  "isCodable": "true" if _codable(code) else "false"}
        if code.color or not foreign:
            attrib["color"] = code.color or color
        el = ET.SubElement(parent_el, f"{{{QDC_NAMESPACE}}}Code", attrib)
        ET.SubElement(el, f"{{{QDC_NAMESPACE}}}Description").text = _description(code)
        for child in cb.children(code_id):
            add(el, child, color)

    for rid in cb.roots():
        add(codes_el, rid, colors[rid])
    if cb.sets:
        sets_el = ET.SubElement(root, f"{{{QDC_NAMESPACE}}}Sets")
        for group in cb.sets:
            set_el = ET.SubElement(sets_el, f"{{{QDC_NAMESPACE}}}Set",
                                   {"guid": group.guid or set_guid(group.name), "name": group.name})
            if group.description:
                ET.SubElement(set_el, f"{{{QDC_NAMESPACE}}}Description").text = group.description
            for member in group.codes:
                ET.SubElement(set_el, f"{{{QDC_NAMESPACE}}}MemberCode", {"guid": guid_of(cb.codes[member])})
    ET.register_namespace("", QDC_NAMESPACE)
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    if path is None:
        return data
    if hasattr(path, "write"):
        path.write(data)  # type: ignore[union-attr]
        return None
    from ..atomicio import write_bytes

    write_bytes(path, data)  # type: ignore[arg-type]
    return None


# ------------------------------------------------------------------------------- reading
class _Node:
    __slots__ = ("tag", "attrib", "line", "children", "text")

    def __init__(self, tag: str, attrib: dict[str, str], line: int) -> None:
        self.tag = tag
        self.attrib = attrib
        self.line = line
        self.children: list[_Node] = []
        self.text: list[str] = []

    @property
    def local(self) -> str:
        return self.tag.rsplit("}", 1)[-1]

    def find(self, local: str) -> "_Node | None":
        return next((c for c in self.children if c.local == local), None)

    def findall(self, local: str) -> list["_Node"]:
        return [c for c in self.children if c.local == local]


_BULK = ("PlainTextSelection", "TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")
"""What a project's codebook reader leaves out as it streams ``project.qde`` (issue 20: 1.5M selections)."""


def _parse_xml(data: bytes | IO[bytes]) -> _Node:
    """Parse with :func:`mio_qual.xmlsafe.parse_bytes` (hardened lxml) into :class:`_Node` trees.

    A stream (``project.qde`` inside a ``.qdpx``) is read with :func:`mio_qual.xmlsafe.parse_stream`,
    its sources and selections left out as they are read.

    Raises :class:`~mio_qual.xmlsafe.XMLRefused` (a ``ValueError`` with the ``position``) for
    malformed or hostile XML.
    """
    from ..xmlsafe import parse_bytes, parse_stream

    root = parse_bytes(data) if isinstance(data, bytes) else parse_stream(data, drop=_BULK, max_bytes=_MAX_QDE_BYTES)
    top = _Node(root.tag, dict(root.attrib), root.sourceline or 0)
    stack = [(root, top)]
    while stack:  # no recursion: a deep tree is bounded by the parser, not by Python's stack
        element, node = stack.pop()
        if element.text:
            node.text.append(element.text)
        for child in element:
            twin = _Node(child.tag, dict(child.attrib), child.sourceline or 0)
            node.children.append(twin)
            stack.append((child, twin))
            if child.tail:  # text after a child belongs to this element, as ElementTree's builder had it
                node.text.append(child.tail)
    return top


def _parse_description(text: str) -> tuple[dict[str, str], bool]:
    """Split a Description into fields; returns (fields, labelled)."""
    fields: dict[str, list[str]] = {}
    current = "definition"
    labelled = False
    for line in text.replace("\r\n", "\n").split("\n"):
        m = _LABEL_RE.match(line.strip())
        if m:
            labelled = True
            current = _FIELD_OF[m.group(1)]
            fields.setdefault(current, []).append(m.group(2))
        else:
            fields.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in fields.items() if "\n".join(v).strip()}, labelled


def _slug(name: str) -> str:
    """An id made from a name, letters of every script kept: ``Oltás típusa`` -> ``OLTÁS_TÍPUSA``."""
    # upper case can decompose (``ᾶ`` -> ``Α`` + U+0342): compose again and drop the marks left over,
    # which an id cannot hold
    upper = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).upper())
    s = _SLUG_RE.sub("_", "".join(ch for ch in upper if not unicodedata.category(ch).startswith("M"))).strip("_")
    if not s or not s[0].isalpha():
        s = "C_" + s
    return s


def read_qdc_books(path: str | Path) -> list[RawBook]:
    """Read a ``.qdc``, or the codebook of a REFI-QDA project (``.qdpx`` or ``.qde``), into raw
    books, one per ``Codebook:``.

    Problems are recorded on the books, never raised (a ``.qdpx`` that is not a safe, readable
    zip raises :class:`~mio_qual.errors.InputError`).
    """
    path = Path(path)
    found = BooksByName(path)
    first = found.first
    if path.suffix.lower() == ".qdpx":
        qdpx_project_codebook(path, found)
        return found.books()
    else:
        data = read_file_bytes(path, first, _MAX_BYTES)
    if data is None:
        return [first]
    read_qdc_bytes(data, found)
    return found.books()


def qdpx_project_codebook(path: Path, found: BooksByName) -> None:
    """Read the codebook of the ``project.qde`` inside a ``.qdpx`` archive into ``found``, streaming
    the member out of the archive (bounded, safe unzip; never unpacked whole in memory).

    Raises
    ------
    InputError
        When the file is not a safe zip, holds no ``.qde``, or its data is damaged.
    """
    import zipfile
    import zlib

    from ..errors import InputError
    from ..safezip import open_zip

    with open_zip(path, what="REFI-QDA project") as archive:
        top = [n for n in archive.namelist() if "/" not in n.strip("/")]
        names = [n for n in top if n.lower() == "project.qde"] or [n for n in top if n.lower().endswith(".qde")]
        if len(names) != 1:
            raise InputError("the archive holds no project.qde", path=path,
                             hint="this is not a REFI-QDA project (.qdpx); export the project again from the QDA program")
        if archive.getinfo(names[0]).file_size > _MAX_QDE_BYTES:
            raise InputError(f"archive member {names[0]!r} is larger than {_MAX_QDE_BYTES >> 20} MiB", path=path,
                             hint="the file may be hostile")
        try:
            with archive.open(names[0]) as stream:
                read_qdc_bytes(stream, found)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise InputError(f"archive member {names[0]!r} is damaged ({exc.__class__.__name__}: {exc})", path=path,
                             hint="the file may be damaged or hostile; re-save or re-export it") from None


_ID_NAME_RE = re.compile(r"^(\S+)\s+(.*)$")


def _all_id_named(codes_el: _Node) -> bool:
    """Whether every ``<Code>`` under ``codes_el`` is labelled ``<id> <name>`` as mio-qual labels its own."""
    for el in codes_el.findall("Code"):
        m = _ID_NAME_RE.match((el.attrib.get("name") or "").strip())
        if not (m and ID_RE.match(m.group(1))) or not _all_id_named(el):
            return False
    return True


def read_qdc_bytes(data: bytes | IO[bytes], found: BooksByName) -> None:
    """Read the codes of a ``<CodeBook>`` or ``<Project>`` document into ``found``'s books."""
    first = found.first
    try:
        root = _parse_xml(data)
    except ValueError as exc:  # XMLRefused: malformed or hostile XML
        position = getattr(exc, "position", None)
        line = position[0] if isinstance(position, tuple) and position else None
        first.problem("syntax", f"not a readable XML file: {exc}", line)
        return
    if root is None:  # pragma: no cover - expat reports empty input as an error
        first.problem("bad-structure", "empty XML document")
        return
    codebook_el = root if root.local == "CodeBook" else root.find("CodeBook") if root.local == "Project" else None
    if codebook_el is None:
        first.problem(
            "bad-structure", f"root element is <{root.local}>; expected a REFI-QDA <CodeBook> (or a <Project>)", root.line
        )
        return
    codes_el = codebook_el.find("Codes")
    if codes_el is None:
        if root.local == "Project":  # a project without codes: an empty codebook
            found.book(None)
            return
        first.problem("bad-structure", "no <Codes> element in the <CodeBook>", codebook_el.line)
        return

    used_ids: set[str] = set()
    placed: list[tuple[RawCode, str, str]] = []  # (entry, path of names, guid)
    ids_of_guid: dict[str, str] = {}  # GUID (lower case) -> code id
    book_of: dict[str, str | None] = {}  # code id -> the Codebook: it was written for
    shared: dict[str, int] = {}  # how many codes bear each name (case-folded)

    def count(el: _Node) -> None:
        for child in el.findall("Code"):
            key = (child.attrib.get("name") or "").strip().casefold()
            shared[key] = shared.get(key, 0) + 1
            count(child)

    count(codes_el)
    # mio-qual labels its own codes "<id> <name>"; a program that keeps no descriptions (Taguette)
    # sends them back without the Id: line, so such a label is split. A code named "barriers.staff
    # time" in another program's file is not one of ours: a lower-case dotted first word is read as
    # an id only when every code of the file is labelled "<id> <name>".
    all_id_named = _all_id_named(codes_el)

    def walk(el: _Node, parent_id: str | None, nested: bool, parent_book: str | None, names: tuple[str, ...]) -> None:
        label = (el.attrib.get("name") or "").strip()
        desc_el = el.find("Description")
        fields, labelled = _parse_description("".join(desc_el.text) if desc_el is not None else "")
        code_id = fields.pop("id", "").strip()
        name = label
        m = _ID_NAME_RE.match(label)
        if code_id:  # the label is "<id> <name>" (ours), or the name alone (a QDA program's code; it may equal the id)
            if label.startswith(code_id + " "):
                name = label[len(code_id) + 1 :].strip()
        elif (m and "." in m.group(1) and ID_RE.match(m.group(1))
              and (all_id_named or m.group(1) == m.group(1).upper())):
            code_id, name = m.group(1), m.group(2).strip()
        else:
            base = _slug(label) if label else "CODE"
            if parent_id and shared.get(label.casefold(), 0) > 1:  # a name used elsewhere too: placed by parent
                base = f"{parent_id}.{base}"
            code_id, n = base, 2
            while code_id.casefold() in used_ids:
                code_id, n = f"{base}_{n}", n + 1
        used_ids.add(code_id.casefold())
        book_name = fields.pop("codebook", None) or parent_book
        raw = RawCode(line=el.line, nested_parent=parent_id, nested=nested)
        raw.values["id"] = code_id
        if name:
            raw.values["name"] = name
        for key, value in fields.items():
            raw.values[key] = split_list(value) if key in _LIST else value
        guid = (el.attrib.get("guid") or "").strip().strip("{}")
        if guid and not (labelled and guid.lower() == code_guid(code_id)):
            raw.values["guid"] = guid  # a GUID of the code's own, not the one derived from its id
        color = (el.attrib.get("color") or "").strip()
        if color and not labelled:  # mio-qual writes its own colours in the Color: line
            raw.values["color"] = color
        codable = raw.values.pop("codable", None)  # mio-qual's own files: the Codable: line
        if not labelled and (el.attrib.get("isCodable") or "").strip().casefold() in ("false", "0"):
            codable = False  # another program's category folder
        if codable is not None:
            raw.values["codable"] = codable
        for key in raw.values:
            raw.lines[key] = el.line
        found.book(book_name).codes.append(raw)
        here = (*names, label or code_id)
        placed.append((raw, " > ".join(here), guid))
        ids_of_guid[guid.lower()] = code_id
        book_of[code_id] = book_name
        for child in el.findall("Code"):
            walk(child, code_id, True, book_name, here)

    for el in codes_el.findall("Code"):
        walk(el, None, False, None, ())
    if len({raw.line for raw, _p, _g in placed}) < len(placed):  # several codes on one line
        for raw, names_path, guid in placed:
            raw.where = f"code {names_path!r}" + (f" (GUID {guid})" if guid else "")
    sets_el = codebook_el.find("Sets") if root.local == "CodeBook" else root.find("Sets")
    for item in sets_el.findall("Set") if sets_el is not None else []:
        _read_set(item, ids_of_guid, book_of, found, project=root.local == "Project")


def _read_set(item: _Node, ids_of_guid: dict[str, str], book_of: dict[str, str | None], found: BooksByName,
              *, project: bool) -> None:
    """One ``Set`` of codes into the book of its first member (a project's document sets skipped)."""
    members = [m for m in item.children if m.local == "MemberCode"]
    if project and not members:
        return
    name = (item.attrib.get("name") or "").strip() or (item.attrib.get("guid") or "").strip()
    codes: list[str] = []
    for member in members:
        guid = (member.attrib.get("guid") or member.attrib.get("targetGUID") or "").strip().strip("{}")
        code_id = ids_of_guid.get(guid.lower())
        if code_id is None:
            found.first.problem("unknown-member", f"set {name!r} names code GUID {guid or '(none)'}, which is not a "
                                                  "code of this codebook", member.line or item.line)
            continue
        codes.append(code_id)
    # the book of its first member; a set without members goes with the file's first codes
    book = book_of.get(codes[0]) if codes else next(iter(book_of.values()), None)
    desc = item.find("Description")
    found.book(book).sets.append(RawSet(name, (item.attrib.get("guid") or "").strip().strip("{}"), codes,
                                        "".join(desc.text).strip() if desc is not None else "", item.line))


def from_qdc(path: str | Path) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``), or a project's (``.qdpx``), and check it.

    Raises
    ------
    mio_qual.errors.InputError
        Listing every problem with its line, if the file is not a valid codebook.
    """
    from .loader import load_codebooks

    return load_codebooks([Path(path)])

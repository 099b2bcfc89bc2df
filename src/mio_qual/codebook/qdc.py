"""REFI-QDA codebooks (``.qdc``): :func:`to_qdc`, :func:`from_qdc`, :func:`code_guid`.

A ``.qdc`` file is the REFI-QDA Codebook Exchange format (namespace
``urn:QDA-XML:codebook:1.0``): ``CodeBook > Codes > Code``, codes nested in codes, each
with ``guid``, ``name``, ``isCodable`` and an optional ``Description``. NVivo, ATLAS.ti,
MAXQDA and others import and export it.

How our codes map onto it:

* ``name`` is ``"<id> <name>"`` (``IS.J1 Funding``), so coders see the stable id in their
  QDA program and :meth:`Codebook.resolve` reads it back.
* ``guid`` is a UUID-5 of a fixed namespace and the code id, so exports are deterministic and
  the same code keeps its guid across exports (and in ``.qdpx`` projects, via
  :func:`code_guid`).
* Domains are not codable (``isCodable="false"``); every other level is.
* ``Description`` holds the remaining fields as ``Label: value`` lines (``Id``, ``Level``,
  ``Codebook``, ``Definition``, ``Use when``, ``Not when``, ``Example``, ``Keywords``,
  ``Aliases``, ``Refines``), which :func:`from_qdc` parses back.

On import, codes from other programs (no ``Id:`` line, no id before the name) get an id made
from their name (``Staff turnover`` -> ``STAFF_TURNOVER``), and a description without labels
becomes the definition. ``isCodable`` and ``color`` are not imported. XML is parsed with
``defusedxml`` only.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO, Union

from .labels import ID_RE
from .model import Code, Codebook
from .raw import BooksByName, RawBook, RawCode, read_file_bytes, split_list

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
)
_LABEL_RE = re.compile(r"^(" + "|".join(re.escape(lbl) for lbl, _ in _LABELS) + r"):[ \t]?(.*)$")
_FIELD_OF = {lbl: f for lbl, f in _LABELS}
_LIST = {"keywords", "aliases", "refines"}
_SLUG_RE = re.compile(r"[^A-Za-z0-9]+")

Target = Union[str, Path, IO[bytes], None]


def code_guid(code_id: str) -> str:
    """The REFI-QDA guid of a code: ``uuid5(GUID_NAMESPACE, code_id)``, as text."""
    return str(uuid.uuid5(GUID_NAMESPACE, code_id))


def _description(code: Code) -> str:
    lines = [f"Id: {code.id}", f"Level: {code.level}", f"Codebook: {code.codebook}"]
    for label, fieldname in _LABELS[3:]:
        value = getattr(code, fieldname)
        if fieldname in _LIST:
            value = "; ".join(value)
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


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
        el = ET.SubElement(
            parent_el,
            f"{{{QDC_NAMESPACE}}}Code",
            {
                "guid": code_guid(code.id),
                "name": code.label,
                "isCodable": "false" if code.level == "domain" else "true",
                "color": color,
            },
        )
        ET.SubElement(el, f"{{{QDC_NAMESPACE}}}Description").text = _description(code)
        for child in cb.children(code_id):
            add(el, child, color)

    for rid in cb.roots():
        add(codes_el, rid, colors[rid])
    ET.register_namespace("", QDC_NAMESPACE)
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    if path is None:
        return data
    if hasattr(path, "write"):
        path.write(data)  # type: ignore[union-attr]
        return None
    Path(path).write_bytes(data)  # type: ignore[arg-type]
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


class _LineTreeBuilder:
    """A parser target that keeps the line where each element starts."""

    def __init__(self) -> None:
        self.parser = None
        self.stack: list[_Node] = []
        self.root: _Node | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        line = self.parser.parser.CurrentLineNumber if self.parser is not None else 0  # type: ignore[attr-defined]
        node = _Node(tag, dict(attrib), line)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        self.stack.pop()

    def data(self, data: str) -> None:
        if self.stack:
            self.stack[-1].text.append(data)

    def close(self) -> "_Node | None":
        return self.root


def _parse_xml(data: bytes) -> _Node | None:
    from defusedxml.ElementTree import DefusedXMLParser

    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    parser.feed(data)
    return parser.close()


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
    s = _SLUG_RE.sub("_", name).strip("_").upper()
    if not s or not s[0].isalpha():
        s = "C_" + s
    return s


def read_qdc_books(path: str | Path) -> list[RawBook]:
    """Read a ``.qdc`` (or a REFI-QDA project ``.qde``) into raw books, one per ``Codebook:``.

    Problems are recorded on the books, never raised.
    """
    path = Path(path)
    found = BooksByName(path)
    first = found.first
    data = read_file_bytes(path, first, _MAX_BYTES)
    if data is None:
        return [first]
    try:
        root = _parse_xml(data)
    except (ET.ParseError, LookupError, ValueError) as exc:  # syntax; unknown encoding; defusedxml's refusals
        position = getattr(exc, "position", None)
        line = position[0] if isinstance(position, tuple) and position else None
        first.problem("syntax", f"not a readable XML file: {exc}", line)
        return [first]
    if root is None:  # pragma: no cover - expat reports empty input as an error
        first.problem("bad-structure", "empty XML document")
        return [first]
    codebook_el = root if root.local == "CodeBook" else root.find("CodeBook") if root.local == "Project" else None
    if codebook_el is None:
        first.problem(
            "bad-structure", f"root element is <{root.local}>; expected a REFI-QDA <CodeBook> (or a <Project>)", root.line
        )
        return [first]
    codes_el = codebook_el.find("Codes")
    if codes_el is None:
        first.problem("bad-structure", "no <Codes> element in the <CodeBook>", codebook_el.line)
        return [first]

    used_ids: set[str] = set()

    def walk(el: _Node, parent_id: str | None, nested: bool, parent_book: str | None) -> None:
        label = (el.attrib.get("name") or "").strip()
        desc_el = el.find("Description")
        fields, labelled = _parse_description("".join(desc_el.text) if desc_el is not None else "")
        code_id = fields.pop("id", "").strip()
        name = label
        m = re.match(r"^(\S+)\s+(.*)$", label)
        if code_id:
            if label == code_id:
                name = ""
            elif label.startswith(code_id + " "):
                name = label[len(code_id) + 1 :].strip()
        elif m and "." in m.group(1) and ID_RE.match(m.group(1)):
            code_id, name = m.group(1), m.group(2).strip()
        else:
            base = _slug(label) if label else "CODE"
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
        for key in raw.values:
            raw.lines[key] = el.line
        found.book(book_name).codes.append(raw)
        for child in el.findall("Code"):
            walk(child, code_id, True, book_name)

    for el in codes_el.findall("Code"):
        walk(el, None, False, None)
    return found.books()


def from_qdc(path: str | Path) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``) and check it.

    Raises
    ------
    mio_qual.errors.InputError
        Listing every problem with its line, if the file is not a valid codebook.
    """
    from .loader import load_codebooks

    return load_codebooks([Path(path)])

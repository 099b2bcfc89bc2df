"""Exporting a project as a REFI-QDA project (``.qdpx``) that NVivo, ATLAS.ti, MAXQDA and
QualCoder can open.

The archive holds ``project.qde`` (QDA-XML 1.0, namespace ``urn:QDA-XML:project:1.0``) and one
``sources/<guid>.txt`` per transcript. In ``project.qde``:

* ``Users``: one ``User`` per coder layer exported;
* ``CodeBook``: every code of the codebook(s) the exported codings were made with, nested by
  parent, named ``"<id> <name>"`` (``IS.J1 Funding``) so the stable id travels with the code
  and comes back through :meth:`Codebook.resolve`; the definition is the ``Description``;
* ``Variables`` and ``Cases``: one case per clinic (transcripts without a clinic go to a case
  for their agency) with its ``agency`` and ``clinic``, plus any case a previous ``.qdpx``
  import recorded; each transcript's metadata (agency, clinic, kind, participant_id, role,
  date, interviewer and the manifest's other columns) as ``VariableValue`` of its source;
* ``Sources``: one ``TextSource`` per transcript, named by transcript id, its plain text the
  canonical text (UTF-8, no byte-order mark, ``\\n`` line ends, NFC); one
  ``PlainTextSelection`` per coding with ``creatingUser`` the coder's GUID, the coded text
  (shortened) as ``name``, the memo as ``Description`` and one ``Coding``/``CodeRef``.

GUIDs are name-based (uuid5), so exporting the same project twice gives the same file.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence
from xml.sax.saxutils import XMLGenerator

from ..errors import InputError
from ..offsets import cp_to_utf16
from ..store.transcripts import CORE_METADATA
from ..text import xml_safe
from .refi_common import CASES_ATTRIBUTE, NS, stable_guid

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook import Codebook
    from ..project import Project

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NAME_CHARS = 120


@dataclass
class ExportResult:
    """What :func:`export_qdpx` wrote."""

    path: str
    sources: int = 0
    codings: int = 0
    codes: int = 0
    coders: list[str] = field(default_factory=list)
    cases: int = 0


@dataclass
class _Code:
    id: str
    name: str
    parent: str | None
    definition: str = ""
    level: str = "code"
    codable: bool = True


def export_qdpx(
    project: "Project",
    path: str | Path,
    *,
    coders: Sequence[str] | None = None,
    codebook: "Codebook | None" = None,
    offsets: str = "codepoint",
    name: str | None = None,
) -> ExportResult:
    """Write the project's transcripts, codes, coders, cases and codings as a ``.qdpx`` file.

    Parameters
    ----------
    project : Project
    path : str or Path
        The file to write (replaced if it exists; written to a temporary file first).
    coders : sequence of str, optional
        Coder layers to export (default: every layer).
    codebook : Codebook, optional
        The codes to list. Default: the codebook versions stored with the exported codings
        (every code of them), plus any coded id they lack, at the top level.
    offsets : {"codepoint", "utf16"}
        How ``startPosition``/``endPosition`` count. REFI-QDA 1.0 counts "characters" of the
        plain text from 0 with the end exclusive, without saying whether a character is a
        Unicode code point or a UTF-16 code unit. mio-qual writes code points (its own
        offsets, DESIGN.md decision 1); ``utf16`` suits tools built on .NET or Java strings.
        The two differ only after characters beyond U+FFFF (emoji, some CJK). Line breaks
        are single ``\\n`` in the source files and count as one.
    name : str, optional
        The REFI project name (default: the project folder's name).

    Returns
    -------
    ExportResult

    Raises
    ------
    InputError
        An unknown coder, or an unknown ``offsets`` value.
    """
    if offsets not in ("codepoint", "utf16"):
        raise InputError(f"unknown offset convention {offsets!r}", hint="use codepoint or utf16")
    path = Path(path)
    connection = project.store.connection
    known = [row[0] for row in connection.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]
    if coders is None:
        layers = known
    else:
        layers = list(dict.fromkeys(coders))
        unknown = [c for c in layers if c not in known]
        if unknown:
            raise InputError(f"no codings by coder {unknown[0]!r} in this project", path=project.folder,
                             hint="coders with codings: " + (", ".join(known) or "none"))
    marks = ",".join("?" * len(layers))
    codes = _codes(project, layers, marks, codebook)
    result = ExportResult(path=str(path), coders=list(layers), codes=len(codes))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            transcripts = _transcripts(project)
            for tid, digest in transcripts:
                guid = stable_guid("source", tid, digest)
                text = project.text(tid)
                archive.writestr(_info(f"sources/{guid}.txt"), text.encode("utf-8"))
            with archive.open(_info("project.qde"), "w") as raw:
                stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                _write_qde(project, stream, layers, marks, codes, transcripts, offsets,
                           name or project.folder.name, result)
                stream.flush()
                stream.detach()
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return result


def _info(member: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _transcripts(project: "Project") -> list[tuple[str, str]]:
    return [tuple(row) for row in project.store.connection.execute(  # type: ignore[misc]
        "SELECT id, text_hash FROM transcripts ORDER BY id")]


# ---------------------------------------------------------------------------- codes
def _codes(project: "Project", layers: list[str], marks: str, codebook: "Codebook | None") -> list[_Code]:
    """Codes in codebook order, parents before children."""
    connection = project.store.connection
    used = connection.execute(
        f"SELECT code, codebook_version FROM codings WHERE coder IN ({marks}) GROUP BY code, codebook_version",
        layers).fetchall() if layers else []
    codes: dict[str, _Code] = {}
    if codebook is not None:
        for code in codebook.codes.values():
            codes[code.id] = _Code(code.id, code.name, code.parent, code.definition, code.level)
    else:
        versions = sorted({v for _c, v in used if v})
        for version in versions:
            row = connection.execute("SELECT content FROM codebooks WHERE version = ?", (version,)).fetchone()
            for record in json.loads(row[0]) if row else []:
                cid = str(record.get("id") or "")
                if cid and cid not in codes:
                    parent = record.get("parent") or None
                    codes[cid] = _Code(cid, str(record.get("name") or cid), parent,
                                       str(record.get("definition") or ""), str(record.get("level") or "code"))
    for code_id, _version in used:
        if code_id not in codes:
            codes[code_id] = _Code(code_id, code_id, None)
    for code in codes.values():
        if code.parent not in codes:
            code.parent = None
    ordered: list[_Code] = []
    children: dict[str | None, list[_Code]] = {}
    for code in codes.values():
        children.setdefault(code.parent, []).append(code)
    stack = list(reversed(children.get(None, [])))
    seen: set[str] = set()
    while stack:
        code = stack.pop()
        if code.id in seen:
            continue
        seen.add(code.id)
        ordered.append(code)
        stack.extend(reversed(children.get(code.id, [])))
    coded = {code_id for code_id, _version in used}
    for code in ordered:
        code.codable = code.level != "domain" or code.id in coded  # domains only when used
    return ordered


def code_label(code_id: str, name: str) -> str:
    """The REFI name of a code: ``"<id> <name>"``, or the id alone when the name adds nothing."""
    return code_id if not name or name == code_id else f"{code_id} {name}"


def code_guid(code_id: str) -> str:
    """The GUID of a code in REFI files: the one :func:`mio_qual.codebook.to_qdc` gives it too."""
    from ..codebook.qdc import code_guid as qdc_code_guid

    return qdc_code_guid(code_id)


# ---------------------------------------------------------------------------- XML
class _Writer:
    """A thin layer over :class:`XMLGenerator` that drops empty attributes and indents."""

    def __init__(self, stream: Any) -> None:
        self.xml = XMLGenerator(stream, encoding="utf-8", short_empty_elements=True)
        self.stream = stream
        self.depth = 0

    def _newline(self) -> None:
        self.xml.ignorableWhitespace("\n" + "  " * self.depth)

    def start(self, tag: str, attrs: dict[str, Any] | None = None) -> None:
        self._newline()
        clean = {k: xml_safe(str(v)) for k, v in (attrs or {}).items() if v is not None and v != ""}
        self.xml.startElement(tag, clean)
        self.depth += 1

    def end(self, tag: str, *, inline: bool = False) -> None:
        self.depth -= 1
        if not inline:
            self._newline()
        self.xml.endElement(tag)

    def empty(self, tag: str, attrs: dict[str, Any]) -> None:
        self.start(tag, attrs)
        self.end(tag, inline=True)

    def text(self, tag: str, value: str, attrs: dict[str, Any] | None = None) -> None:
        self.start(tag, attrs)
        self.xml.characters(xml_safe(value))
        self.end(tag, inline=True)


def _variable_type(values: Iterable[Any]) -> str:
    values = [v for v in values if v is not None and v != ""]
    if values and all(isinstance(v, bool) for v in values):
        return "Boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "Float"
    return "Text"


def _value_element(kind: str, value: Any) -> tuple[str, str]:
    if kind == "Boolean":
        return "BooleanValue", "true" if value else "false"
    if kind == "Integer":
        return "IntegerValue", str(int(value))
    if kind == "Float":
        return "FloatValue", repr(float(value))
    return "TextValue", str(value)


def _metadata(project: "Project") -> dict[str, dict[str, Any]]:
    """Metadata of every transcript (core columns and attributes), without empty values."""
    out: dict[str, dict[str, Any]] = {}
    for row in project.store.connection.execute(
            f"SELECT id, {', '.join(CORE_METADATA)}, attributes FROM transcripts ORDER BY id"):
        values = {k: v for k, v in zip(CORE_METADATA, row[1:-1]) if v is not None and v != ""}
        for key, value in json.loads(row[-1] or "{}").items():
            if value is not None and value != "" and key not in values:
                values[key] = value
        out[row[0]] = values
    return out


def _cases(metadata: dict[str, dict[str, Any]]) -> list[tuple[str, list[str], dict[str, Any]]]:
    """(name, transcript ids, variables) per case: clinics, agencies without a clinic, imported cases."""
    cases: dict[str, tuple[list[str], dict[str, Any]]] = {}
    for tid, values in metadata.items():
        clinic, agency = values.get("clinic"), values.get("agency")
        if clinic:
            members, variables = cases.setdefault(str(clinic), ([], {"clinic": clinic}))
            members.append(tid)
            if agency:
                variables.setdefault("agencies", set()).add(agency)
        elif agency:
            members, variables = cases.setdefault(f"{agency} (agency)", ([], {"agency": agency}))
            members.append(tid)
        for extra in str(values.get(CASES_ATTRIBUTE) or "").split(";"):
            extra = extra.strip()
            if extra:
                members, _variables = cases.setdefault(extra, ([], {}))
                if tid not in members:
                    members.append(tid)
    out = []
    for case_name in sorted(cases):
        members, variables = cases[case_name]
        agencies = variables.pop("agencies", set())
        if len(agencies) == 1:
            variables["agency"] = next(iter(agencies))
        out.append((case_name, members, variables))
    return out


def _write_qde(project: "Project", stream: Any, layers: list[str], marks: str, codes: list[_Code],
               transcripts: list[tuple[str, str]], offsets: str, project_name: str, result: ExportResult) -> None:
    from .. import __version__

    w = _Writer(stream)
    w.xml.startDocument()
    w.xml.startElement("Project", {"xmlns": NS, "name": xml_safe(project_name), "origin": f"mio-qual {__version__}"})
    w.depth = 1
    users = {coder: stable_guid("user", coder) for coder in layers}
    if users:
        w.start("Users")
        for coder, guid in users.items():
            w.empty("User", {"guid": guid, "name": coder})
        w.end("Users")
    guids = {code.id: code_guid(code.id) for code in codes}
    if codes:
        w.start("CodeBook")
        w.start("Codes")
        open_codes: list[str] = []
        for code in codes:
            while open_codes and open_codes[-1] != code.parent:
                w.end("Code")
                open_codes.pop()
            w.start("Code", {"guid": guids[code.id], "name": code_label(code.id, code.name),
                             "isCodable": "true" if code.codable else "false"})
            if code.definition:
                w.text("Description", code.definition)
            open_codes.append(code.id)
        while open_codes:
            w.end("Code")
            open_codes.pop()
        w.end("Codes")
        w.end("CodeBook")

    metadata = _metadata(project)
    names = sorted({k for values in metadata.values() for k in values if k != CASES_ATTRIBUTE})
    kinds = {n: _variable_type(values.get(n) for values in metadata.values()) for n in names}
    variable_guids = {n: stable_guid("variable", n) for n in names}
    if names:
        w.start("Variables")
        for n in names:
            w.empty("Variable", {"guid": variable_guids[n], "name": n, "typeOfVariable": kinds[n]})
        w.end("Variables")
    source_guids = {tid: stable_guid("source", tid, digest) for tid, digest in transcripts}
    cases = _cases(metadata)
    result.cases = len(cases)
    if cases:
        w.start("Cases")
        for case_name, members, variables in cases:
            w.start("Case", {"guid": stable_guid("case", case_name), "name": case_name})
            for key, value in sorted(variables.items()):
                if key in variable_guids:
                    _variable_value(w, variable_guids[key], kinds[key], value)
            for tid in members:
                w.empty("SourceRef", {"targetGUID": source_guids[tid]})
            w.end("Case")
        w.end("Cases")

    connection = project.store.connection
    if transcripts:
        w.start("Sources")
    used_guids: set[str] = set()
    for tid, digest in transcripts:
        guid = source_guids[tid]
        imported = connection.execute("SELECT imported_at FROM transcripts WHERE id = ?", (tid,)).fetchone()[0]
        w.start("TextSource", {"guid": guid, "name": tid, "plainTextPath": f"internal://{guid}.txt",
                               "creationDateTime": _datetime(imported)})
        rows = connection.execute(
            f"SELECT start, end, code, coder, created, memo FROM codings WHERE transcript_id = ? AND coder IN ({marks})"
            " ORDER BY start, end, coder, code, id", [tid, *layers]).fetchall() if layers else []
        if rows:
            text = project.text(tid)
            if offsets == "utf16":
                flat = cp_to_utf16(text, [o for r in rows for o in r[:2]])
                positions = list(zip(flat[0::2], flat[1::2]))
            else:
                positions = [(r[0], r[1]) for r in rows]
            for (start, end, code, coder, created, memo), (p0, p1) in zip(rows, positions):
                sel_guid = stable_guid("selection", tid, str(start), str(end), coder, code)
                k = 1
                while sel_guid in used_guids:
                    k += 1
                    sel_guid = stable_guid("selection", tid, str(start), str(end), coder, code, str(k))
                used_guids.add(sel_guid)
                snippet = " ".join(text[start:end].split())
                if len(snippet) > _NAME_CHARS:
                    snippet = snippet[: _NAME_CHARS - 1].rstrip() + "\u2026"
                w.start("PlainTextSelection", {"guid": sel_guid, "name": snippet, "startPosition": p0,
                                               "endPosition": p1, "creatingUser": users[coder],
                                               "creationDateTime": _datetime(created)})
                if memo:
                    w.text("Description", memo)
                w.start("Coding", {"guid": stable_guid("coding", sel_guid), "creatingUser": users[coder],
                                   "creationDateTime": _datetime(created)})
                w.empty("CodeRef", {"targetGUID": guids[code]})
                w.end("Coding")
                w.end("PlainTextSelection")
                result.codings += 1
        for key, value in sorted(metadata.get(tid, {}).items()):
            if key in variable_guids:
                _variable_value(w, variable_guids[key], kinds[key], value)
        w.end("TextSource")
        result.sources += 1
    if transcripts:
        w.end("Sources")
    w.depth = 0
    w._newline()
    w.xml.endElement("Project")
    w.xml.endDocument()
    stream.write("\n")


def _datetime(value: Any) -> str | None:
    """``value`` when it is an xsd:dateTime (what the store writes), else None (left out)."""
    return value if isinstance(value, str) and _DATETIME.match(value) else None


def _variable_value(w: _Writer, guid: str, kind: str, value: Any) -> None:
    element, text = _value_element(kind, value)
    w.start("VariableValue")
    w.empty("VariableRef", {"targetGUID": guid})
    w.text(element, text)
    w.end("VariableValue")


__all__ = ["export_qdpx", "ExportResult", "code_label", "code_guid"]

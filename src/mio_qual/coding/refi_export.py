"""Exporting a project as a REFI-QDA project (``.qdpx``) that NVivo, ATLAS.ti, MAXQDA and
QualCoder can open.

The archive holds ``project.qde`` (QDA-XML 1.0, namespace ``urn:QDA-XML:project:1.0``) and one
``sources/<guid>.txt`` per transcript. In ``project.qde``:

* ``Users``: one ``User`` per coder layer exported;
* ``CodeBook``: every code of the codebook(s) the exported codings were made with (and of the
  other codebooks kept in the project, codes nobody applied included), nested by parent; a
  code of ours is named ``"<id> <name>"`` (``IS.J1 Funding``) so the stable id travels with
  the code and comes back through :meth:`Codebook.resolve`; a code that came from a QDA
  program keeps its own name, GUID and colour; the definition is the ``Description``;
* ``Variables`` and ``Cases``: one case per clinic (transcripts without a clinic go to a case
  for their agency) with its ``agency`` and ``clinic``, plus any case a previous ``.qdpx``
  import recorded; each transcript's metadata (agency, clinic, kind, participant_id, role,
  date, interviewer and the manifest's other columns) as ``VariableValue`` of its source;
* ``Sources``: one ``TextSource`` per transcript, named by transcript id, its plain text the
  canonical text (UTF-8, no byte-order mark, ``\\n`` line ends, NFC); one
  ``PlainTextSelection`` per coding with ``creatingUser`` the coder's GUID, the coded text
  (shortened) as ``name``, the memo as ``Description`` and one ``Coding``/``CodeRef``.

GUIDs are name-based (uuid5), so exporting the same project twice gives the same file; objects
that came from a ``.qdpx`` get their own GUIDs back (users, sources, selections, codings), users
without codings are listed, codes applied to a whole source are written as the source's own
``Coding``, and sets are written again. The origin of codings that are not ``human``
(``consensus``, ``rules``, ``model``) travels in a project-level note named ``mio-qual
extension`` (:data:`~mio_qual.coding.refi_common.EXTENSION_NOTE`), which other programs keep as
a note and mio-qual reads back.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence
from xml.sax.saxutils import XMLGenerator

from ..errors import InputError
from ..offsets import cp_to_utf16
from ..text import xml_safe
from .refi_common import CASES_ATTRIBUTE, EXTENSION_FORMAT, EXTENSION_NOTE, NS, coding_key, stable_guid, xsd_datetime

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..codebook import Codebook

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_RGB = re.compile(r"^#[0-9A-Fa-f]{6}$")
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


@dataclass(frozen=True)
class QdpxSource:
    """A transcript as the export needs it: id, text hash, import time and metadata.

    ``metadata`` holds the study columns and attributes of the transcript (empty values are
    left out of the file).
    """

    transcript_id: str
    text_hash: str
    imported_at: str | None
    metadata: Mapping[str, Any]


@dataclass
class _Code:
    id: str
    name: str
    parent: str | None
    definition: str = ""
    level: str = "code"
    codable: bool = True
    guid: str = ""  # the code's own GUID from a QDA program ('' : derived from the id)
    color: str = ""

    @property
    def label(self) -> str:
        """The REFI name: a code from a QDA program keeps its own name, ours carry the id."""
        return self.name if self.guid and self.name else code_label(self.id, self.name)


def _text(value: Any) -> str:
    """A stored text field ('' for None and NaN)."""
    return value if isinstance(value, str) else ""


def export_layers(known: Sequence[str], coders: Sequence[str] | None, where: str | Path | None = None) -> list[str]:
    """The layers to export: ``coders`` (each must have codings), else every coder in ``known``.

    Raises
    ------
    InputError
        A coder without codings (``where`` is the project folder named in the message).
    """
    if coders is None:
        return list(known)
    layers = list(dict.fromkeys(coders))
    unknown = [c for c in layers if c not in known]
    if unknown:
        raise InputError(f"no codings by coder {unknown[0]!r} in this project", path=where,
                         hint="coders with codings: " + (", ".join(known) or "none"))
    return layers


def export_qdpx(
    path: str | Path,
    *,
    sources: Sequence[QdpxSource],
    texts: Mapping[str, str],
    codings: "pd.DataFrame",
    layers: Sequence[str],
    codebook: "Codebook | None" = None,
    stored_codebooks: Mapping[str, str] | None = None,
    offsets: str = "codepoint",
    name: str = "mio-qual",
    objects: Mapping[str, Mapping[str, tuple[str, str | None]]] | None = None,
) -> ExportResult:
    """Write transcripts, codes, coders, cases and codings as a ``.qdpx`` file.

    Parameters
    ----------
    path : str or Path
        The file to write (replaced if it exists; written to a temporary file first).
    sources : sequence of QdpxSource
        Every transcript, in the order written.
    texts : mapping of str to str
        The canonical text of each transcript (read one at a time).
    codings : pandas.DataFrame
        The codings of the exported layers (id, transcript_id, start, end, code, coder,
        created, memo, codebook_version).
    layers : sequence of str
        The coder layers exported (see :func:`export_layers`).
    codebook : Codebook, optional
        The codes to list. Default: the codebook versions stored with the exported codings
        (every code of them), plus any coded id they lack, at the top level.
    stored_codebooks : mapping of str to str, optional
        The stored content (JSON records) of the codebook versions the codings name.
    offsets : {"codepoint", "utf16"}
        How ``startPosition``/``endPosition`` count. REFI-QDA 1.0 counts "characters" of the
        plain text from 0 with the end exclusive, without saying whether a character is a
        Unicode code point or a UTF-16 code unit. mio-qual writes code points (its own
        offsets, DESIGN.md decision 1); ``utf16`` suits tools built on .NET or Java strings.
        The two differ only after characters beyond U+FFFF (emoji, some CJK). Line breaks
        are single ``\\n`` in the source files and count as one.
    name : str
        The REFI project name.
    objects : mapping, optional
        What earlier ``.qdpx`` imports kept (:mod:`mio_qual.store.refi`), by kind (``user``,
        ``source``, ``selection``, ``coding``, ``whole``, ``set``), then key, to ``(guid,
        detail)``: objects that came from a file get their own GUIDs back, users without
        codings are listed, whole-source codings are written as the source's own ``Coding``,
        and sets are written again.

    Returns
    -------
    ExportResult

    Raises
    ------
    InputError
        An unknown ``offsets`` value.
    """
    check_offsets(offsets)
    path = Path(path)
    layers = list(layers)
    codes = _codes(used_codes(codings), codebook, stored_codebooks or {})
    result = ExportResult(path=str(path), coders=list(layers), codes=len(codes))
    by_source: dict[str, list[tuple]] = {}
    origins = codings["origin"] if "origin" in codings else ["human"] * len(codings)
    for row in zip(codings["transcript_id"], codings["start"], codings["end"], codings["code"], codings["coder"],
                   codings["created"], codings["memo"], codings["id"], origins):
        memo = row[6] if isinstance(row[6], str) else None  # a missing memo reads as NaN
        by_source.setdefault(row[0], []).append((int(row[1]), int(row[2]), row[3], row[4], row[5], memo, row[7],
                                                 row[8]))
    for rows in by_source.values():
        rows.sort(key=lambda r: (r[0], r[1], r[3], r[2], r[6]))  # start, end, coder, code, id
    from ..atomicio import replacing

    with replacing(path) as temporary, zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source in sources:
            guid = _source_guid(source, objects or {})
            archive.writestr(_info(f"sources/{guid}.txt"), texts[source.transcript_id].encode("utf-8"))
        with archive.open(_info("project.qde"), "w") as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            _write_qde(stream, layers, codes, sources, texts, by_source, offsets, name, result, objects or {})
            stream.flush()
            stream.detach()
    return result


def used_codes(codings: "pd.DataFrame") -> list[tuple[str, str | None]]:
    """The distinct (code, codebook version) pairs of the codings, sorted (no version first)."""
    pairs = {(c, v if isinstance(v, str) else None) for c, v in zip(codings["code"], codings["codebook_version"])}
    return sorted(pairs, key=lambda cv: (cv[0], cv[1] is not None, cv[1] or ""))


def check_offsets(offsets: str) -> None:
    """Refuse an offset convention other than ``codepoint`` and ``utf16``."""
    if offsets not in ("codepoint", "utf16"):
        raise InputError(f"unknown offset convention {offsets!r}", hint="use codepoint or utf16")


def _info(member: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


# ---------------------------------------------------------------------------- codes
def _codes(used: list[tuple[str, str | None]], codebook: "Codebook | None",
           stored: Mapping[str, str]) -> list[_Code]:
    """Codes in codebook order, parents before children (``used``: the (code, version) pairs coded)."""
    codes: dict[str, _Code] = {}
    if codebook is not None:
        for code in codebook.codes.values():
            codes[code.id] = _Code(code.id, code.name, code.parent, code.definition, code.level, code.codable,
                                   guid=code.guid, color=code.color)
    else:
        used_versions = sorted({v for _c, v in used if v})
        versions = [*used_versions, *(v for v in stored if v not in used_versions)]
        for version in versions:
            content = stored.get(version)
            for record in json.loads(content) if content else []:
                cid = str(record.get("id") or "")
                if cid and cid not in codes:
                    parent = record.get("parent") or None
                    codes[cid] = _Code(cid, str(record.get("name") or cid), parent,
                                       str(record.get("definition") or ""), str(record.get("level") or "code"),
                                       record.get("codable") is not False,
                                       guid=_text(record.get("guid")), color=_text(record.get("color")))
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
        # our own domains only when used; a code the codebook says is not codable stays so
        code.codable = code.codable and (bool(code.guid) or code.level != "domain" or code.id in coded)
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


def _metadata(sources: Sequence[QdpxSource]) -> dict[str, dict[str, Any]]:
    """Metadata of every transcript (study columns and attributes), without empty values."""
    return {s.transcript_id: {k: v for k, v in s.metadata.items() if v is not None and v != ""} for s in sources}


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


def _source_guid(source: QdpxSource, objects: Mapping[str, Mapping[str, tuple[str, str | None]]]) -> str:
    """A transcript's source GUID: the one its ``.qdpx`` gave it, else one derived from its id and text."""
    kept = objects.get("source", {}).get(source.transcript_id)
    return kept[0] if kept else stable_guid("source", source.transcript_id, source.text_hash)


def _source_own(source: QdpxSource, objects: Mapping[str, Mapping[str, tuple[str, str | None]]]) -> dict[str, str]:
    """What a ``.qdpx`` said of the transcript's source: its own name, date, author GUID, description."""
    kept = objects.get("source", {}).get(source.transcript_id)
    return json.loads(kept[1]) if kept and kept[1] else {}


def _write_qde(stream: Any, layers: list[str], codes: list[_Code], sources: Sequence[QdpxSource],
               texts: Mapping[str, str], by_source: dict[str, list[tuple]], offsets: str, project_name: str,
               result: ExportResult, objects: Mapping[str, Mapping[str, tuple[str, str | None]]]) -> None:
    from .. import __version__

    w = _Writer(stream)
    w.xml.startDocument()
    w.xml.startElement("Project", {"xmlns": NS, "name": xml_safe(project_name), "origin": f"mio-qual {__version__}"})
    w.depth = 1
    kept_users = objects.get("user", {})
    users = {coder: kept_users[coder][0] if coder in kept_users else stable_guid("user", coder)
             for coder in [*layers, *sorted(set(kept_users) - set(layers))]}  # users without codings too
    exported_users = {guid.lower(): guid for guid in users.values()}  # a source's author is written if one
    kept_selections, kept_codings = objects.get("selection", {}), objects.get("coding", {})
    whole_keys = set(objects.get("whole", {}))
    not_human: dict[str, str] = {}
    if users:
        w.start("Users")
        for coder, guid in users.items():
            w.empty("User", {"guid": guid, "name": coder})
        w.end("Users")
    guids = {code.id: code.guid or code_guid(code.id) for code in codes}
    notes = _kept_notes(objects.get("note", {}))
    code_notes: dict[str, list[str]] = {}
    source_notes: dict[str, list[str]] = {}
    for guid, note in notes.items():
        for code_id in note.get("codes", []):
            code_notes.setdefault(code_id, []).append(guid)
        for tid in note.get("transcripts", []):
            source_notes.setdefault(tid, []).append(guid)
    if codes:
        w.start("CodeBook")
        w.start("Codes")
        open_codes: list[str] = []
        for code in codes:
            while open_codes and open_codes[-1] != code.parent:
                w.end("Code")
                open_codes.pop()
            w.start("Code", {"guid": guids[code.id], "name": code.label,
                             "isCodable": "true" if code.codable else "false",
                             "color": code.color if _RGB.match(code.color) else None})
            if code.definition:
                w.text("Description", code.definition)
            for note_guid in code_notes.get(code.id, []):
                w.empty("NoteRef", {"targetGUID": note_guid})
            open_codes.append(code.id)
        while open_codes:
            w.end("Code")
            open_codes.pop()
        w.end("Codes")
        w.end("CodeBook")

    metadata = _metadata(sources)
    names = sorted({k for values in metadata.values() for k in values if k != CASES_ATTRIBUTE})
    kinds = {n: _variable_type(values.get(n) for values in metadata.values()) for n in names}
    kept_variables = objects.get("variable", {})  # GUIDs and descriptions a .qdpx brought
    variable_guids = {n: kept_variables[n][0] if n in kept_variables else stable_guid("variable", n) for n in names}
    if names:
        w.start("Variables")
        for n in names:
            description = json.loads(kept_variables[n][1] or "{}").get("description") if n in kept_variables else None
            if description:
                w.start("Variable", {"guid": variable_guids[n], "name": n, "typeOfVariable": kinds[n]})
                w.text("Description", description)
                w.end("Variable")
            else:
                w.empty("Variable", {"guid": variable_guids[n], "name": n, "typeOfVariable": kinds[n]})
        w.end("Variables")
    source_guids = {s.transcript_id: _source_guid(s, objects) for s in sources}
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

    if sources:
        w.start("Sources")
    used_guids: set[str] = set()
    for source in sources:
        tid = source.transcript_id
        guid = source_guids[tid]
        own = _source_own(source, objects)
        own_user = (own.get("user") or "").lower()
        w.start("TextSource", {"guid": guid, "name": own.get("name") or tid, "plainTextPath": f"internal://{guid}.txt",
                               "creatingUser": exported_users.get(own_user),
                               "creationDateTime": xsd_datetime(own.get("created") or source.imported_at)})
        if own.get("description"):
            w.text("Description", own["description"])
        rows = by_source.get(tid, [])
        keys = [coding_key(tid, r[0], r[1], r[2], r[3]) for r in rows]
        spans = [(r, k) for r, k in zip(rows, keys) if k not in whole_keys]
        if spans:
            text = texts[tid]
            if offsets == "utf16":
                flat = cp_to_utf16(text, [o for r, _k in spans for o in r[:2]])
                positions = list(zip(flat[0::2], flat[1::2]))
            else:
                positions = [(r[0], r[1]) for r, _k in spans]
            for ((start, end, code, coder, created, memo, _id, origin), key), (p0, p1) in zip(spans, positions):
                sel_guid = kept_selections[key][0] if key in kept_selections else \
                    stable_guid("selection", tid, str(start), str(end), coder, code)
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
                                               "creationDateTime": xsd_datetime(created)})
                if memo:
                    w.text("Description", memo)
                coding_guid = kept_codings[key][0] if key in kept_codings else stable_guid("coding", sel_guid)
                _coding(w, coding_guid, users[coder], created, guids[code])
                w.end("PlainTextSelection")
                if origin != "human":
                    not_human[coding_guid] = origin
                result.codings += 1
        for (_s, _e, code, coder, created, _memo, _id, origin), key in zip(rows, keys):
            if key in whole_keys:  # a code applied to the whole source
                coding_guid = kept_codings[key][0] if key in kept_codings else stable_guid("coding", key)
                _coding(w, coding_guid, users[coder], created, guids[code])
                if origin != "human":
                    not_human[coding_guid] = origin
                result.codings += 1
        for note_guid in source_notes.get(tid, []):
            w.empty("NoteRef", {"targetGUID": note_guid})
        for key, value in sorted(metadata.get(tid, {}).items()):
            if key in variable_guids:
                _variable_value(w, variable_guids[key], kinds[key], value)
        w.end("TextSource")
        result.sources += 1
    if sources:
        w.end("Sources")
    if not_human or notes:
        w.start("Notes")
        for guid, note in notes.items():  # the notes a file brought, other than selection memos
            w.start("Note", {"guid": guid, "name": note.get("name") or None,
                             "creatingUser": users.get(note.get("user") or ""),
                             "creationDateTime": xsd_datetime(note["created"]) if note.get("created") else None})
            if note.get("text"):
                w.text("PlainTextContent", note["text"])
            span = note.get("span")
            if isinstance(span, dict) and span.get("transcript") in source_guids:  # an annotation of a range
                start, end = int(span["start"]), int(span["end"])
                if offsets == "utf16":
                    start, end = cp_to_utf16(texts[span["transcript"]], [start, end])
                w.empty("PlainTextSelection", {"guid": span.get("guid") or stable_guid("note-span", guid),
                                               "startPosition": start, "endPosition": end})
            w.end("Note")
        if not_human:  # the documented extension: origins REFI-QDA has no attribute for
            w.start("Note", {"guid": stable_guid("note", EXTENSION_NOTE), "name": EXTENSION_NOTE})
            w.text("PlainTextContent", json.dumps({"format": EXTENSION_FORMAT,
                                                   "origins": dict(sorted(not_human.items()))}, ensure_ascii=False))
            w.end("Note")
        w.end("Notes")
    _write_sets(w, objects.get("set", {}), source_guids, guids)
    project = objects.get("project", {}).get("project")
    description = json.loads(project[1] or "{}").get("description") if project else None
    if description:  # the REFI project's own Description, as a .qdpx brought it
        w.text("Description", description)
    for guid, note in notes.items():  # notes on the project as a whole
        if note.get("project"):
            w.empty("NoteRef", {"targetGUID": guid})
    w.depth = 0
    w._newline()
    w.xml.endElement("Project")
    w.xml.endDocument()
    stream.write("\n")


def _coding(w: _Writer, guid: str, user: str, created: Any, code_guid_: str) -> None:
    """One ``Coding`` element with its ``CodeRef``."""
    w.start("Coding", {"guid": guid, "creatingUser": user, "creationDateTime": xsd_datetime(created)})
    w.empty("CodeRef", {"targetGUID": code_guid_})
    w.end("Coding")


def _kept_notes(rows: Mapping[str, tuple[str, str | None]]) -> dict[str, dict[str, Any]]:
    """The notes a ``.qdpx`` brought (:mod:`mio_qual.store.refi`, kind ``note``): GUID -> detail, by GUID."""
    return {guid: json.loads(detail) if detail else {} for guid, detail in sorted(rows.values())}


def _write_sets(w: _Writer, sets: Mapping[str, tuple[str, str | None]], source_guids: Mapping[str, str],
                code_guids: Mapping[str, str]) -> None:
    """The sets a ``.qdpx`` brought (document sets, code sets), with the members still in the project."""
    if not sets:
        return
    w.start("Sets")
    for set_name, (guid, detail) in sorted(sets.items()):
        members = json.loads(detail) if detail else {}
        w.start("Set", {"guid": guid, "name": set_name})
        if members.get("description"):
            w.text("Description", members["description"])
        for code in members.get("codes", []):
            if code in code_guids:
                w.empty("MemberCode", {"targetGUID": code_guids[code]})
        for tid in members.get("transcripts", []):
            if tid in source_guids:
                w.empty("MemberSource", {"targetGUID": source_guids[tid]})
        w.end("Set")
    w.end("Sets")




def _variable_value(w: _Writer, guid: str, kind: str, value: Any) -> None:
    element, text = _value_element(kind, value)
    w.start("VariableValue")
    w.empty("VariableRef", {"targetGUID": guid})
    w.text(element, text)
    w.end("VariableValue")


__all__ = ["export_qdpx", "export_layers", "check_offsets", "used_codes", "QdpxSource", "ExportResult", "code_label",
           "code_guid"]

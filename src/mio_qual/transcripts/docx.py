"""Word transcripts (``.docx``), read with python-docx after the zip has been checked.

What becomes what:

* Body paragraphs become the canonical text, one Word paragraph per canonical paragraph,
  separated by a blank line (empty Word paragraphs contribute nothing). Speaker turns are then
  found in that text exactly as in a ``.txt`` file, so a turn that runs over several Word
  paragraphs stays one turn.
* Headings (``Title``, ``Subtitle``, ``Heading n`` styles or an outline level) become metadata:
  the first is ``title``, all of them ``headings``.
* A table laid out as a transcript (:func:`transcript_table`: a header naming a speaker column
  and a text column, or recurring short labels beside long text; a time column optional) is
  read as turns: each row becomes a paragraph ``Speaker (time): text`` (``Speaker: text``
  without a time), so the turns are found as in a text file. Title rows above the header
  (one cell spanning the table) are read as paragraphs before the turns; a table of the same
  width after a transcript table, whose speaker cells are empty or speakers of that table,
  continues it (a table split in two at a page break).
* Any other table whose rows all have two cells is a key/value table and its rows become
  metadata (keys normalized like manifest columns: ``Transcript ID`` -> ``transcript_id``).
  Other tables are kept as ``metadata["tables"]`` (lists of rows of cell texts), with a
  warning: their words are not in the transcript.
* Text boxes (``w:txbxContent``, once even when Word stores a fallback copy) are read as
  paragraphs after the paragraph that anchors them. Footnotes and endnotes are not speech: they
  are kept as ``metadata["footnotes"]`` (``"footnote 1: text"``, ``"endnote 1: text"``), in
  order, numbered as Word and LibreOffice show them by default (their XML ids are not: LibreOffice
  gives the first footnote id 2).
* Tracked changes are read as accepted: inserted text (``w:ins``, ``w:moveTo``) is kept,
  deleted text (``w:del``, ``w:moveFrom``) is dropped. Field codes are dropped, field results
  kept. Comments are not read here (see :mod:`mio_qual.coding`), but :func:`paragraph_text`
  reports where each comment range starts and ends inside the accepted text.

``SourceBlock.index`` is the 0-based position of a paragraph among the ``w:p`` children of
``w:body``, i.e. its index in :func:`body_paragraphs` (the same list as
``docx.Document(path).paragraphs``). Its span is the paragraph's canonical text (label
included); headings and empty paragraphs have ``start == end``. For a paragraph whose accepted
text is already canonical (the usual case: no trailing spaces, NFC) an offset ``k`` inside
the paragraph's accepted text is ``block.start + k`` in the transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..safezip import DOCX_MAX_MEMBER_BYTES, DOCX_MAX_TOTAL_BYTES, open_zip, read_member
from .encoding import check_file_size, check_line_lengths
from .model import SourceBlock
from .plain import TextSource, canonical_lines
from ..tabular import normalize_column
from ..xmlsafe import MAX_BYTES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_T, _TAB, _PTAB, _BR, _CR = (W + t for t in ("t", "tab", "ptab", "br", "cr"))
_NB_HYPHEN, _SOFT_HYPHEN, _SYM = W + "noBreakHyphen", W + "softHyphen", W + "sym"
_C_START, _C_END = W + "commentRangeStart", W + "commentRangeEnd"
_SKIP = frozenset(
    W + t
    for t in (
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "delInstrText",
        "pPr",
        "rPr",
        "fldData",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "drawing",
        "pict",
        "object",
        "tblPr",
        "trPr",
        "tcPr",
        "sectPr",
    )
) | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
_PSTYLE, _OUTLINE = W + "pStyle", W + "outlineLvl"
_DTD_MARKERS = tuple(m.encode(e) for m in ("<!DOCTYPE", "<!ENTITY") for e in ("utf-8", "utf-16-le", "utf-16-be"))
_VAL = W + "val"
_ID = W + "id"
_TXBX = W + "txbxContent"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

DOCX_MAX_BODY_BYTES = MAX_BYTES
"""The largest ``word/document.xml`` of a transcript (512 MiB): it is streamed, never held whole
(other parts keep :data:`mio_qual.safezip.DOCX_MAX_MEMBER_BYTES`)."""


@dataclass
class ParagraphText:
    """The accepted text of one Word paragraph and where comment ranges fall in it."""

    text: str
    comment_starts: dict[str, int] = field(default_factory=dict)
    comment_ends: dict[str, int] = field(default_factory=dict)


def paragraph_text(p: Any) -> ParagraphText:
    """Accepted text of a ``w:p`` element (tracked insertions kept, deletions dropped).

    Tabs become ``\\t``, line breaks ``\\n``. ``comment_starts``/``comment_ends`` map each
    comment id to the offset (in code points of the returned text) of its
    ``w:commentRangeStart``/``w:commentRangeEnd``.
    """
    parts: list[str] = []
    out = ParagraphText("")
    size = 0

    def walk(el: Any) -> None:
        nonlocal size
        for child in el:
            tag = child.tag
            if tag == _T:
                t = child.text or ""
                parts.append(t)
                size += len(t)
            elif tag in _SKIP or not isinstance(tag, str):
                continue
            elif tag in (_TAB, _PTAB):
                parts.append("\t")
                size += 1
            elif tag in (_BR, _CR):
                parts.append("\n")
                size += 1
            elif tag == _NB_HYPHEN:
                parts.append("-")
                size += 1
            elif tag == _SOFT_HYPHEN:
                continue
            elif tag == _SYM:
                code = child.get(W + "char")
                try:
                    ch = chr(int(code, 16)) if code else ""
                except ValueError:
                    ch = ""
                if ch and (ord(ch) < 0x20 or ch in "\ufffe\uffff" or 0xD800 <= ord(ch) <= 0xDFFF):
                    ch = ""  # not a character XML (so any export) can hold: no symbol a reader could see
                parts.append(ch)
                size += len(ch)
            elif tag == _C_START:
                out.comment_starts[child.get(_ID, "")] = size
            elif tag == _C_END:
                out.comment_ends[child.get(_ID, "")] = size
            elif tag in (_P, _TBL):  # nested content (text boxes): not part of this paragraph
                continue
            else:
                walk(child)

    walk(p)
    out.text = "".join(parts)
    return out


def body_paragraphs(body: Any) -> list[Any]:
    """The ``w:p`` children of ``w:body``, in order: their positions are ``SourceBlock.index``."""
    return [el for el in body if el.tag == _P]


def _cell_text(tc: Any) -> str:
    lines = [paragraph_text(p).text for p in tc if p.tag == _P]
    return canonical_lines("\n".join(lines)).strip()


def _table_rows(tbl: Any) -> list[list[str]]:
    rows = []
    for tr in tbl:
        if tr.tag != _TR:
            continue
        rows.append([_cell_text(tc) for tc in tr if tc.tag == _TC])
    return rows


_SPEAKER_HEADERS = frozenset({"speaker", "name", "who", "person", "participant", "role", "speaker name", "sprecher",
                              "locuteur", "hablante", "label"})
_TEXT_HEADERS = frozenset({"text", "transcript", "transcription", "content", "dialogue", "dialog", "utterance",
                           "speech", "what was said", "response", "comment", "texte", "texto"})
_HEADER_NOTE = re.compile(r"\s*[(\[][^)\]]*[)\]]")  # "(hh:mm:ss)", "[verbatim]" after a column's name
_TIME_HEADERS = frozenset({"time", "timestamp", "time stamp", "start", "start time", "timecode", "zeit", "temps"})


def transcript_table(rows: list[list[str]]) -> tuple[int, int, int | None, bool] | None:
    """Whether a Word table is a transcript: ``(speaker column, text column, time column, has header)``.

    A table is a transcript when its first row names a speaker column and a text column
    (``Speaker | Time | Text``, ``Name | Transcript``), or, without such a header, when it has
    at least three rows of the same width, a column of short labels of which one recurs (the
    first, or the second after a column of times), and a column of longer text. A time column
    is one whose cells are timestamps (:func:`mio_qual.transcripts.timecodes.parse_time`).
    """
    width = len(rows[0]) if rows else 0
    if width < 2 or any(len(r) != width for r in rows):
        return None
    # "Timestamp (hh:mm:ss)", "Speaker:" name their column too
    header = [_HEADER_NOTE.sub("", " ".join(c.casefold().split())).strip(":").strip() for c in rows[0]]
    speaker = next((i for i, h in enumerate(header) if h in _SPEAKER_HEADERS), None)
    text = next((i for i, h in enumerate(header) if h in _TEXT_HEADERS), None)
    time = next((i for i, h in enumerate(header) if h in _TIME_HEADERS), None)
    if speaker is not None and text is not None and speaker != text:
        if time is None:  # a time column under a header of its own wording: its cells say what it is
            time = _time_column(rows[1:], {speaker, text})
        return speaker, text, time, True
    if len(rows) < 3:
        return None
    first_time = _time_column(rows, set())
    label_col = 1 if first_time == 0 and width > 2 else 0  # "[00:00:03] | I: | text": times first
    labels = [r[label_col] for r in rows]
    if any(not label or len(label) > 40 or "\n" in label for label in labels):
        return None
    if max(labels.count(label) for label in labels) < 2:
        return None
    lengths = [sum(len(r[i]) for r in rows) for i in range(width)]
    text = max((i for i in range(width) if i != label_col), key=lambda i: lengths[i])
    if lengths[text] <= lengths[label_col]:
        return None
    return label_col, text, _time_column(rows, {label_col, text}), False


def _time_column(rows: list[list[str]], taken: set[int]) -> int | None:
    """The first column not in ``taken`` whose cells are timestamps (4 in 5 at least), or None."""
    from .timecodes import parse_time

    width = len(rows[0]) if rows else 0
    return next((i for i in range(width) if i not in taken and
                 sum(parse_time(r[i].strip("[]() ")) is not None for r in rows) >= 0.8 * len(rows)), None)


def _table_turns(rows: list[list[str]], layout: tuple[int, int, int | None, bool]) -> list[str]:
    """``Speaker (time): text`` for each row of a transcript table (header left out, empty rows too)."""
    from .timecodes import parse_time

    speaker, text, time, header = layout
    out = []
    for row in rows[1:] if header else rows:
        label, words = " ".join(row[speaker].split()).rstrip(":").rstrip(), row[text].strip()
        if not words:
            continue
        when = row[time].strip("[]() \n") if time is not None else ""
        if not label:
            out.append(words)
        elif when and ":" in when and parse_time(when) is not None:
            out.append(f"{label} ({when}): {words}")
        else:
            out.append(f"{label}: {words}")
    return out


def _text_boxes(p: Any) -> list[Any]:
    """The paragraphs of the text boxes anchored in a paragraph (a fallback copy read once)."""
    out = []
    for box in p.iter(_TXBX):
        if any(a.tag == _MC_FALLBACK for a in box.iterancestors()):
            continue
        out.extend(el for el in box.iter(_P))
    return out


def _notes(document: Any) -> list[str]:
    """Footnotes and endnotes as ``"footnote 1: text"``, in their parts' order (separators left out)."""
    from ..xmlsafe import parse

    out: list[str] = []
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if name not in ("/word/footnotes.xml", "/word/endnotes.xml"):
            continue
        _note_lines(parse(part.blob, path=name, what=name, damaged_hint="open it in Word and save it again"), out)
    return out


def _note_lines(root: Any, out: list[str]) -> None:
    """Append each real note of a footnotes or endnotes part to ``out`` as ``"footnote 1: text"``
    (separators left out; numbered in the part's order, which is the document's)."""
    kind = "endnote" if root.tag == W + "endnotes" else "footnote"
    n = 0
    for note in root:
        if note.get(W + "type") not in (None, "normal"):
            continue
        n += 1
        words = " ".join(" ".join(paragraph_text(p).text.split()) for p in note.iter(_P)).strip()
        if words:
            out.append(f"{kind} {n}: {words}")


def _is_key_value(rows: list[list[str]]) -> bool:
    return bool(rows) and all(len(r) == 2 and r[0] and len(r[0]) <= 60 and "\n" not in r[0] for r in rows)


def _heading_level(p: Any, style_names: dict[str, str]) -> bool:
    ppr = p.find(W + "pPr")
    if ppr is None:
        return False
    style = ppr.find(_PSTYLE)
    if style is not None:
        name = style_names.get(style.get(_VAL, ""), style.get(_VAL, "")).lower()
        if name.startswith("heading") or name in ("title", "subtitle"):
            return True
    outline = ppr.find(_OUTLINE)
    if outline is not None:
        try:
            return int(outline.get(_VAL, "9")) < 9
        except ValueError:
            return False
    return False


def _open_document(path: Path) -> Any:
    """Bound the zip, check the main part with :mod:`mio_qual.xmlsafe`, then open it with python-docx."""
    from ..xmlsafe import parse

    check_file_size(path)
    archive = open_zip(path, what=".docx file", max_member_bytes=DOCX_MAX_MEMBER_BYTES,
                       max_total_bytes=DOCX_MAX_TOTAL_BYTES)  # python-docx loads every part
    try:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise InputError(
                "not a Word document (the archive has no word/document.xml)",
                path=path,
                hint="open it in Word and save it as .docx",
            )
        # python-docx parses every XML part with lxml (entities unresolved); refuse any part
        # that declares a DTD at all, and parse the main part with hardened lxml to report
        # damage clearly.
        for name in sorted(names):
            if not name.endswith((".xml", ".rels")):
                continue
            data = read_member(archive, name, path=path, limit=DOCX_MAX_MEMBER_BYTES)
            if any(marker in data for marker in _DTD_MARKERS):
                raise InputError(
                    f"{name} declares a DTD or entities, which a Word document never needs",
                    path=path,
                    hint="the file may be hostile; do not open it",
                )
            if name == "word/document.xml":
                parse(data, path=path, what=name, damaged_hint="open it in Word and save it again")
    finally:
        archive.close()
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds on damaged packages
        raise InputError(
            f"the .docx file cannot be read ({exc.__class__.__name__})",
            path=path,
            hint="open it in Word and save it again",
        ) from None


class _Body:
    """Canonical text, blocks and metadata built from ``w:body``'s children, given one at a time."""

    def __init__(self, style_names: dict[str, str]) -> None:
        self.style_names = style_names
        self.metadata: dict[str, Any] = {}
        self.headings: list[str] = []
        self.parts: list[str] = []
        self.blocks: list[SourceBlock] = []
        self.pos = 0
        self.index = 0
        self.layout: tuple[int, int, int | None, bool] | None = None  # of the last transcript table
        self.width = 0
        self.labels: set[str] = set()  # its speakers
        self.warnings: list[str] = []

    def add_text(self, raw: str) -> tuple[int, int]:
        text = canonical_lines(raw).strip("\n")
        if not self.parts:  # the start of the canonical text: no BOM, no blank line (as canonicalize)
            text = text.lstrip("\ufeff\n")
        if not text.strip():
            return self.pos, self.pos
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def visit(self, elements: Any, top: bool) -> None:
        """Read body elements (``top``: children of ``w:body``, whose paragraphs are blocks)."""
        for el in elements:
            tag = el.tag
            if tag == _P:
                raw = paragraph_text(el).text
                if _heading_level(el, self.style_names):
                    heading = " ".join(raw.split())
                    if heading:
                        self.headings.append(heading)
                    span = (self.pos, self.pos)
                else:
                    span = self.add_text(raw)
                if top:
                    self.blocks.append(SourceBlock(self.index, span[0], span[1]))
                    self.index += 1
                for box_paragraph in _text_boxes(el):
                    self.add_text(paragraph_text(box_paragraph).text)
            elif tag == _TBL:
                self.table(_table_rows(el))
            elif tag == _SDT:
                content = el.find(_SDT_CONTENT)
                if content is not None:
                    self.visit(content, False)

    def table(self, rows: list[list[str]]) -> None:
        """A table's rows (cell texts): turns, key/value metadata, or kept as a table."""
        width = max((len(r) for r in rows), default=0)
        titles = 0  # rows above the header with one cell spanning the table: a title, read as text
        while titles < min(3, len(rows) - 1) and len(rows[titles]) == 1 < width:
            titles += 1
        layout = transcript_table(rows[titles:])
        if layout is None and self.layout is not None and all(len(r) == self.width for r in rows) \
                and all(not r[self.layout[0]] or r[self.layout[0]] in self.labels for r in rows):
            layout = (*self.layout[:3], False)  # the rest of the table above (split at a page break)
            titles = 0
        if layout is not None:
            for row in rows[:titles]:
                self.add_text(row[0])
            for line in _table_turns(rows[titles:], layout):
                self.add_text(line)
            self.layout, self.width = layout, width
            self.labels.update(r[layout[0]] for r in rows[titles + layout[3]:])
        elif _is_key_value(rows):
            for key, value in rows:
                k = normalize_column(key)
                if k and value:
                    self.metadata.setdefault(k, value)
        elif rows:
            self.metadata.setdefault("tables", []).append(rows)
            self.warnings.append(f"a table of {len(rows)} row(s) not laid out as a transcript (speaker and text "
                                 "columns) was kept as metadata['tables']; its words are not in the text")

    def stream(self, elements: Any) -> None:
        """Read ``(level, element)`` as :func:`_streamed` hands them over: body children, and table rows first."""
        import gc

        rows: list[list[str]] = []
        freeze = gc.isenabled() and not gc.get_freeze_count()  # nobody else froze objects in this process
        for n, (level, el) in enumerate(elements, start=1):
            if freeze and n % 50_000 == 0:
                # The text and blocks read so far stay for good: kept out of the collector's full
                # scans (which rescanned them all, again and again: 600,000 paragraphs took 7x the
                # time of 150,000); young garbage is collected first. read_docx unfreezes them.
                gc.collect(1)
                gc.freeze()
            if level == 3:  # a row of a table of the body, read as it comes (then dropped)
                rows.append([_cell_text(tc) for tc in el if tc.tag == _TC])
            elif el.tag == _TBL:
                self.table(rows)  # every row of a table of the body came above
                rows = []
            else:
                self.visit([el], True)

    def source(self, notes: list[str], path: Path) -> TextSource:
        if self.headings:
            self.metadata.setdefault("title", self.headings[0])
            self.metadata.setdefault("headings", self.headings)
        if notes:
            self.metadata.setdefault("footnotes", notes)
        text = "".join(self.parts)
        check_line_lengths(text, path=path)
        return TextSource(text, self.metadata, self.blocks, "docx", self.warnings, "docx")


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MAIN_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"}


def _part(archive: Any, name: str, path: Path) -> Any:
    """A small XML part (styles, notes, relationships) parsed with :mod:`mio_qual.xmlsafe`, or None when absent."""
    from ..xmlsafe import parse

    if name not in set(archive.namelist()):
        return None
    data = read_member(archive, name, path=path, limit=DOCX_MAX_MEMBER_BYTES)
    return parse(data, path=path, what=name, damaged_hint="open it in Word and save it again")


def _related(archive: Any, path: Path) -> list[tuple[str, str]]:
    """``(relationship type, part name)`` of the main part's relationships, in their order (as python-docx finds parts)."""
    import posixpath

    rels = _part(archive, "word/_rels/document.xml.rels", path)
    out = []
    for rel in (rels if rels is not None else ()):
        if rel.tag != _REL or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("word", target))
        out.append((rel.get("Type", "").rsplit("/", 1)[-1], name))
    return out


def _check_main_type(archive: Any, path: Path) -> None:
    """Refuse a package whose main part is not a Word document (a template, a macro-enabled file), as python-docx does."""
    types = _part(archive, "[Content_Types].xml", path)
    kind = None
    for entry in (types if types is not None else ()):
        if entry.tag == _CT + "Override" and entry.get("PartName", "").lower() == "/word/document.xml":
            kind = entry.get("ContentType")
        elif entry.tag == _CT + "Default" and entry.get("Extension", "").lower() == "xml" and kind is None:
            kind = entry.get("ContentType")
    if kind not in _MAIN_TYPES:
        raise InputError(f"not a Word document (its main part is {kind or 'of no declared type'})", path=path,
                         hint="open it in Word and save it as a Word Document (.docx)")


def _stream_notes(archive: Any, related: list[tuple[str, str]], path: Path) -> list[str]:
    """:func:`_notes` read from the archive: footnotes and endnotes as ``"footnote 1: text"``."""
    out: list[str] = []
    for kind, name in related:
        if kind not in ("footnotes", "endnotes") or name not in ("word/footnotes.xml", "word/endnotes.xml"):
            continue
        root = _part(archive, name, path)
        if root is not None:
            _note_lines(root, out)
    return out


def _stream_style_names(archive: Any, related: list[tuple[str, str]], path: Path) -> dict[str, str]:
    """Style id -> name, as python-docx's ``document.styles`` gives them (the names compared lower-cased)."""
    name = next((n for kind, n in related if kind == "styles"), None)
    root = _part(archive, name, path) if name else None
    names = {}
    for style in (root if root is not None else ()):
        if style.tag == W + "style":
            shown = style.find(W + "name")
            names[style.get(W + "styleId", "")] = (shown.get(_VAL, "") if shown is not None else "") or ""
    return names


def _streamed(element: Any, level: int) -> bool:
    """What the streaming reader takes as it comes: children of ``w:body``, and rows of its tables."""
    if level == 2:
        return True
    return level == 3 and element.tag == _TR and element.getparent().tag == _TBL


def read_docx(path: str | Path) -> TextSource:
    """Read a ``.docx`` transcript up to its canonical text (no speaker detection yet).

    The body is streamed (:func:`mio_qual.xmlsafe.iter_elements`): each paragraph of ``w:body``
    and each row of its tables is read when its end tag arrives and then dropped, so memory
    stays flat however long the transcript (python-docx builds the whole tree: 600,000 paragraphs took 1.5 GB).
    The result is the one :func:`read_docx_tree` gives (a test compares them on every Word
    file of the tests and the sample study).

    Raises
    ------
    InputError
        Not a zip, a zip bomb, not a Word document, damaged XML, a DTD in the XML.
    """
    import gc
    import zipfile
    import zlib

    from ..xmlsafe import iter_elements

    path = Path(path)
    check_file_size(path)
    archive = open_zip(path, what=".docx file", max_member_bytes=DOCX_MAX_MEMBER_BYTES,
                       max_total_bytes=DOCX_MAX_TOTAL_BYTES, member_bounds={"word/document.xml": DOCX_MAX_BODY_BYTES})
    try:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise InputError("not a Word document (the archive has no word/document.xml)", path=path,
                             hint="open it in Word and save it as .docx")
        _refuse_declarations(archive, names - {"word/document.xml"}, path)  # the main part: refused as it streams
        related = _related(archive, path)
        body = _Body(_stream_style_names(archive, related, path))
        frozen = gc.get_freeze_count()
        try:
            with archive.open("word/document.xml") as handle:
                body.stream(iter_elements(handle, path=path, what="word/document.xml", select=_streamed,
                                          damaged_hint="open it in Word and save it again"))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise InputError(f"archive member 'word/document.xml' is damaged ({exc.__class__.__name__}: {exc})",
                             path=path, hint="the file may be damaged or hostile; re-save or re-export it") from None
        finally:
            if not frozen and gc.get_freeze_count():
                gc.unfreeze()  # what _Body.stream froze
        _check_main_type(archive, path)  # after the body, so that damage there is what is reported (as before)
        notes = _stream_notes(archive, related, path)
    finally:
        archive.close()
    return body.source(notes, path)


def _refuse_declarations(archive: Any, names: Any, path: Path) -> None:
    """Refuse any XML part declaring a DTD or entities (a Word document never needs one)."""
    for name in sorted(names):
        if not name.endswith((".xml", ".rels")):
            continue
        data = read_member(archive, name, path=path, limit=DOCX_MAX_MEMBER_BYTES)
        if any(marker in data for marker in _DTD_MARKERS):
            raise InputError(f"{name} declares a DTD or entities, which a Word document never needs", path=path,
                             hint="the file may be hostile; do not open it")


def read_docx_tree(path: str | Path) -> TextSource:
    """:func:`read_docx` through python-docx's whole tree: the reference the streaming reader is checked against.

    It holds every element of the document in memory at once (about 2.5 KiB a paragraph);
    use :func:`read_docx`.
    """
    path = Path(path)
    document = _open_document(path)
    style_names = {}
    for style in document.styles:
        try:
            style_names[style.style_id] = style.name or ""
        except Exception:  # pragma: no cover - odd style parts
            continue
    body = _Body(style_names)
    body.visit(document.element.body, True)
    return body.source(_notes(document), path)

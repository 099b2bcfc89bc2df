"""Coding in Microsoft Word: export a transcript for coding, import the coder's comments.

Many qualitative coders code in Word: select a passage, add a comment naming the code. This
module makes that a first-class way of coding.

**The exported file** (:func:`export_docx`) holds a title, a small metadata table, a short
note on how to code, then the transcript: one Word paragraph per paragraph of the canonical
text (a line break inside a paragraph is a Word line break), each speaker label in bold. At
the start of each turn its id (``INT01:t12``) is shown in small grey text. **Turn ids are not
part of the text**: they are runs in the character style ``MIO Segment Id``, and the importer
leaves every run of that style out when it counts characters, so a comment that happens to
start on an id still starts at the turn's first character. The canonical text is exactly the
text of the ``MIO Transcript`` paragraphs, without the id runs, joined by blank lines. Custom
document properties (*File > Info > Properties > Advanced > Custom* in Word) record the
transcript id (``mio-qual transcript id``) and the SHA-256 of the text exported
(``mio-qual text hash``).

**Suggestions.** With ``with_suggestions=True`` every auto-coder suggestion on the transcript
(codings of origin ``rules`` or ``model``) becomes a comment by ``mio-qual suggestion``
reading ``SUGGESTION: IS.J2 (p=0.81)``. To accept one, delete the ``SUGGESTION:`` prefix (the
comment then reads ``IS.J2 (p=0.81)``; the probability is dropped on import and recorded as
evidence); to reject one, delete the comment. A comment still starting with ``SUGGESTION:``
is not imported and is counted as "not reviewed".

**Comments** (:func:`read_docx_comments`, written by
:meth:`mio_qual.project.Project.import_word_comments`) name one or more codes, then optionally a memo
(rules: :mod:`mio_qual.coding.codes`). Replies to a comment are added to its memo. The
comment's range (``w:commentRangeStart``/``w:commentRangeEnd`` in the body, read in document
order, through runs, hyperlinks, tracked insertions and fields, skipping deletions) is placed
on the canonical text:

* in an exported file, by counting characters of the ``MIO Transcript`` paragraphs;
* in an original transcript ``.docx`` (coded in place), through the Word reader's map from
  body paragraph to canonical text (:attr:`~mio_qual.transcripts.model.Transcript.source_blocks`);
* when the coder's text differs from the transcript (an edit, a retyped quote mark, a changed
  transcript), the two texts are aligned (:func:`mio_qual.coding.anchor.align`).

Word files are opened with :mod:`mio_qual.safezip` and every XML part is parsed with
:mod:`mio_qual.xmlsafe` (hardened lxml); python-docx is used only to write files.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping
from xml.sax.saxutils import escape

from ..errors import InputError
from ..text import text_hash, xml_safe
from .anchor import Alignment, align
from .codes import COMMENT_HINT, parse_comment
from .layers import LayerWrite, WriteResult
from .model import Coding

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    import pandas as pd

    from ..codebook import Codebook
    from ..transcripts.model import Transcript

TEXT_STYLE = "MIO Transcript"
ID_STYLE = "MIO Segment Id"
SUGGESTION_AUTHOR = "mio-qual suggestion"
SUGGESTION_PREFIX = "SUGGESTION:"
PROP_TRANSCRIPT = "mio-qual transcript id"
PROP_HASH = "mio-qual text hash"
PROP_FORMAT = "mio-qual export format"
EXPORT_FORMAT = "1"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_PROBABILITY = re.compile(r"\s*\(\s*p\s*=\s*([0-9]*\.?[0-9]+)\s*\)")
_SIMPLE_RUN_CONTENT = frozenset(W + t for t in ("rPr", "t", "tab", "br", "cr", "noBreakHyphen", "ptab"))


# =========================================================================== export
def _style_ids(document: "DocxDocument") -> tuple[str, str]:
    """Add (once) the paragraph style for transcript text and the character style for ids."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = document.styles
    names = {s.name for s in styles}
    if TEXT_STYLE not in names:
        text_style = styles.add_style(TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        text_style.base_style = styles["Normal"]
        text_style.paragraph_format.space_after = Pt(8)
    if ID_STYLE not in names:
        id_style = styles.add_style(ID_STYLE, WD_STYLE_TYPE.CHARACTER)
        id_style.font.size = Pt(7)
        id_style.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    return styles[TEXT_STYLE].style_id, styles[ID_STYLE].style_id


def _custom_properties_xml(props: dict[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(props.items(), start=2))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>').encode("utf-8")


def set_custom_properties(document: "DocxDocument", props: dict[str, str]) -> None:
    """Write text custom document properties (``docProps/custom.xml``), replacing any there."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    blob = _custom_properties_xml(props)
    for rel in package.rels.values():
        if rel.reltype == _CUSTOM_RT and not rel.is_external:
            rel.target_part._blob = blob  # noqa: SLF001 - python-docx has no API for custom properties
            return
    part = Part(PackURI("/docProps/custom.xml"), _CUSTOM_CT, blob, package)
    package.relate_to(part, _CUSTOM_RT)


def export_docx(transcript: "Transcript", path: str | Path, *, suggestions: "pd.DataFrame | None" = None,
                exported: datetime | None = None, redactor: "Callable[[str], str] | None" = None) -> Path:
    """Write a Word file for coding one transcript (layout in the module docstring).

    Parameters
    ----------
    transcript : Transcript
        The stored transcript (text, metadata, turns).
    path : path
        The ``.docx`` file to write (its folder is created).
    suggestions : pandas.DataFrame, optional
        Auto-coder suggestions (start, end, code, probability; sorted by start, end, code) to
        add as comments by ``mio-qual suggestion`` reading ``SUGGESTION: <code> (p=<probability>)``.
    exported : datetime, optional
        The export date shown in the file and stored as its creation time (default: now). The
        file's zip entries and document dates are fixed (:func:`mio_qual.reports.reproducible.stamp`:
        ``SOURCE_DATE_EPOCH``, else this date), so with a fixed date the file is byte-reproducible.
    redactor : callable, optional
        The project's redactor (:meth:`mio_qual.Project.redactor`): names in the text and the
        metadata become ``[name]`` and a transcript id holding a name its neutral id (in the
        title, the turn ids and the file's transcript property). Comments on such a copy are
        placed back on the stored text by alignment (:func:`read_comment_codings`); suggestions
        are moved onto the redacted text the same way. ``None`` writes the text as stored.

    Returns
    -------
    Path
        The file written.
    """
    import docx
    from docx.shared import Pt

    shown = redactor or (lambda value: value)
    transcript_id = shown(transcript.id)  # a neutral id when the stored one holds a name
    text = transcript.text
    path = Path(path)
    document = docx.Document()
    text_style, id_style = _style_ids(document)
    document.core_properties.title = f"{transcript_id} (mio-qual coding copy)"
    if exported is not None:
        document.core_properties.created = exported
        document.core_properties.modified = exported
        document.core_properties.last_modified_by = "mio-qual"
    document.add_heading(f"{transcript_id}: transcript for coding", level=0)
    meta = transcript.metadata
    rows = [("Transcript", transcript_id), ("Kind", meta.get("kind")), ("Agency", meta.get("agency")),
            ("Clinic", meta.get("clinic")), ("Participant", meta.get("participant_id")), ("Role", meta.get("role")),
            ("Date", meta.get("date")), ("Turns", str(len(transcript.turns))), ("Text SHA-256", transcript.hash[:16]),
            ("Exported", (exported or datetime.now(timezone.utc)).strftime("%Y-%m-%d"))]
    table = document.add_table(rows=0, cols=2)
    try:
        table.style = document.styles["Table Grid"]
    except KeyError:  # pragma: no cover - the default template has it
        pass
    for key, value in rows:
        if value is None or value == "":
            continue
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, shown(str(value))
    note = document.add_paragraph()
    note_run = note.add_run(
        "To code: select a passage and add a comment that starts with one or more codes (id, name or alias, "
        "separated by ';'); a memo may follow on a new line or after ' - '. Grey ids such as "
        f"{transcript_id}:t1 mark turns and are not part of the text. Do not edit the transcript text. "
        "Suggestions by 'mio-qual suggestion': delete 'SUGGESTION:' to accept one, delete the comment to reject it.")
    note_run.italic = True
    note_run.font.size = Pt(8)

    turns = sorted(transcript.turns, key=lambda t: t.start)
    ti = 0
    offset = 0
    written: list[str] = []  # the text as the copy shows it (redacted pieces), paragraph by paragraph
    for piece in text.split("\n\n"):
        shown_piece: list[str] = []
        end = offset + len(piece)
        paragraph = document.add_paragraph(style=TEXT_STYLE)
        cuts = {0, len(piece)}
        ids_at: dict[int, list[int]] = {}
        bold: list[tuple[int, int]] = []
        while ti < len(turns) and turns[ti].start < end:
            turn = turns[ti]
            if turn.start >= offset:
                a = turn.start - offset
                ids_at.setdefault(a, []).append(turn.n)
                cuts.add(a)
                label_end = offset + len(text[turn.start:turn.body_start].rstrip())
                b = min(label_end, end) - offset
                if b > a:
                    bold.append((a, b))
                    cuts.add(b)
            ti += 1
        ordered = sorted(cuts)
        for x, y in zip(ordered, ordered[1:] + [None]):
            for n in ids_at.get(x, ()):
                id_run = paragraph.add_run(f"{transcript_id}:t{n} ")
                id_run.style = document.styles[ID_STYLE]
            if y is None or y <= x:
                continue
            # cuts fall only at turn starts and label ends, never inside a name
            shown_piece.append(shown(piece[x:y]))
            run = paragraph.add_run(xml_safe(shown_piece[-1]))
            if any(a <= x and y <= b for a, b in bold):
                run.bold = True
        written.append("".join(shown_piece))
        offset = end + 2

    set_custom_properties(document, {PROP_TRANSCRIPT: transcript_id, PROP_HASH: transcript.hash,
                                     PROP_FORMAT: EXPORT_FORMAT})
    if suggestions is not None:
        shown_text = "\n\n".join(written)
        if shown_text != text:  # suggestions are offsets in the stored text: move them onto the copy's
            from ..offsets import align as align_texts

            moved = align_texts(text, shown_text)
            suggestions = suggestions.assign(start=[moved.start(int(v)) for v in suggestions["start"]],
                                             end=[moved.end(int(v)) for v in suggestions["end"]])
            suggestions = suggestions[suggestions["start"] < suggestions["end"]]
        _add_suggestions(document, suggestions, exported)
    from ..reports.reproducible import save_stamped

    save_stamped(document, path, exported)  # fixed zip times and document dates: the same export gives the same bytes
    return path


def _add_suggestions(document: "DocxDocument", suggestions: "pd.DataFrame", exported: datetime | None) -> int:
    from docx.oxml.ns import qn

    stamp = None
    if exported is not None:
        stamp = (exported.astimezone(timezone.utc) if exported.tzinfo else exported).strftime("%Y-%m-%dT%H:%M:%SZ")
    seen = set()
    runs = ExportRuns(document)  # the layout once per document, not once per suggestion (issue 21)
    for start, end, code, probability in zip(suggestions["start"], suggestions["end"], suggestions["code"],
                                             suggestions["probability"]):
        start, end = int(start), int(end)
        if (start, end, code) in seen:
            continue
        seen.add((start, end, code))
        known = probability is not None and probability == probability  # NaN: no probability
        label = f"{SUGGESTION_PREFIX} {code}" + (f" (p={probability:.2f})" if known else "")
        comment = document.add_comment(runs.runs_for(start, end), text=label, author=SUGGESTION_AUTHOR,
                                       initials="MQ")
        if stamp is not None:  # a fixed export date makes the comments' dates reproducible too
            comment._comment_elm.set(qn("w:date"), stamp)  # noqa: SLF001 - python-docx sets "now"
    return len(seen)


# --------------------------------------------------------------------------- placing runs
def _run_is_id(run_element: Any, id_style: str | None) -> bool:
    if id_style is None:
        return False
    rpr = run_element.find(W + "rPr")
    if rpr is None:
        return False
    style = rpr.find(W + "rStyle")
    return style is not None and style.get(W + "val") == id_style


def _text_runs(paragraph: "Paragraph", id_style: str | None) -> list["Run"]:
    return [r for r in paragraph.runs if not _run_is_id(r._r, id_style)]  # noqa: SLF001


def _split_run(run: "Run", k: int) -> "Run":
    """Split ``run`` after its ``k``-th character; return the new second run."""
    from docx.text.run import Run

    element = run._r  # noqa: SLF001
    if any(child.tag not in _SIMPLE_RUN_CONTENT for child in element):
        raise ValueError("cannot split a run holding more than text (a field, drawing or reference)")
    text = run.text
    twin = deepcopy(element)
    element.addnext(twin)
    run.text = text[:k]
    second = Run(twin, run._parent)  # noqa: SLF001
    second.text = text[k:]
    return second


def _cut(paragraph: "Paragraph", k: int, id_style: str | None) -> None:
    """Make sure a run boundary falls at character ``k`` of the paragraph's text."""
    position = 0
    for run in _text_runs(paragraph, id_style):
        size = len(run.text)
        if position < k < position + size:
            _split_run(run, k - position)
            return
        position += size
        if position >= k:
            return


def split_runs(paragraph: "Paragraph", start: int, end: int, *, id_style: str | None = None) -> list["Run"]:
    """Split runs so that characters ``[start, end)`` of ``paragraph`` are whole runs; return them.

    Characters are counted over the paragraph's direct runs (as ``Run.text`` gives them),
    leaving out runs in the character style whose id is ``id_style``. The returned runs can
    be passed to python-docx's ``Document.add_comment``.
    """
    if not 0 <= start < end:
        raise ValueError(f"empty or negative span {start}-{end}")
    _cut(paragraph, start, id_style)
    _cut(paragraph, end, id_style)
    chosen = []
    position = 0
    for run in _text_runs(paragraph, id_style):
        size = len(run.text)
        if size and start <= position and position + size <= end:
            chosen.append(run)
        position += size
    if position < end:
        raise ValueError(f"span {start}-{end} runs past the paragraph's {position} characters")
    return chosen


def _export_layout(document: "DocxDocument") -> tuple[list[tuple["Paragraph", int, int]], str | None]:
    """``[(paragraph, start, end)]`` of the transcript paragraphs of an exported document."""
    styles = {s.name: s.style_id for s in document.styles}
    text_id, id_style = styles.get(TEXT_STYLE), styles.get(ID_STYLE)
    layout = []
    offset = 0
    for paragraph in document.paragraphs:
        p_pr = paragraph._p.pPr  # noqa: SLF001
        if text_id is None or p_pr is None or p_pr.pStyle is None or p_pr.pStyle.val != text_id:
            continue
        size = sum(len(r.text) for r in _text_runs(paragraph, id_style))
        layout.append((paragraph, offset, offset + size))
        offset += size + 2
    return layout, id_style


class ExportRuns:
    """The text runs of an exported document, laid out once, for placing many comments.

    Holds each transcript paragraph's canonical span and, once a span reaches it, the
    paragraph's text runs with their offsets, kept up to date as runs are split. Placing a
    comment then costs the runs of the paragraphs it covers, not a pass over the whole
    document (which made ``export-docx --with-suggestions`` quadratic in suggestions).
    Comments added through python-docx between calls leave the text runs as they were
    (their markers and reference runs hold no text), so the layout stays valid.
    """

    def __init__(self, document: "DocxDocument") -> None:
        from bisect import bisect_right

        self._bisect = bisect_right
        layout, self.id_style = _export_layout(document)
        if not layout:
            raise ValueError("not a mio-qual export: no paragraphs in the 'MIO Transcript' style")
        self.paragraphs = [p for p, _s, _e in layout]
        self.starts = [s for _p, s, _e in layout]
        self.ends = [e for _p, _s, e in layout]
        self._runs: dict[int, tuple[list["Run"], list[int]]] = {}

    def _runs_of(self, k: int) -> tuple[list["Run"], list[int]]:
        if k not in self._runs:
            runs = [r for r in _text_runs(self.paragraphs[k], self.id_style) if r.text]
            offsets, position = [], 0
            for run in runs:
                offsets.append(position)
                position += len(run.text)
            self._runs[k] = (runs, offsets)
        return self._runs[k]

    def _cut(self, k: int, at: int) -> None:
        runs, offsets = self._runs_of(k)
        i = self._bisect(offsets, at) - 1
        if i < 0 or at == offsets[i]:
            return
        size = len(runs[i].text)
        if at < offsets[i] + size:
            runs.insert(i + 1, _split_run(runs[i], at - offsets[i]))
            offsets.insert(i + 1, at)

    def runs_for(self, start: int, end: int) -> list["Run"]:
        """The runs covering canonical ``[start, end)`` exactly, split as needed (see :func:`runs_for_span`)."""
        if not 0 <= start < end:
            raise ValueError(f"empty or negative span {start}-{end}")
        pieces: list["Run"] = []
        k = max(self._bisect(self.starts, start) - 1, 0)
        while k < len(self.paragraphs) and self.starts[k] < end:
            a, b = max(start, self.starts[k]) - self.starts[k], min(end, self.ends[k]) - self.starts[k]
            if a < b:
                self._cut(k, a)
                self._cut(k, b)
                runs, offsets = self._runs_of(k)
                first = self._bisect(offsets, a - 1) if a else 0
                for i in range(first, len(runs)):
                    if offsets[i] >= b:
                        break
                    if offsets[i] >= a:
                        pieces.append(runs[i])
            k += 1
        if not pieces:
            raise ValueError(f"span {start}-{end} covers no transcript text")
        return pieces


def runs_for_span(document: "DocxDocument", start: int, end: int) -> list["Run"]:
    """The runs of an exported document covering canonical ``[start, end)`` exactly (split as needed).

    ``start``/``end`` are offsets into the transcript's canonical text; the span may cross
    paragraphs. Pass the result to ``document.add_comment(runs, text=..., author=...)``. To
    place many comments on one document, make one :class:`ExportRuns` and call its
    :meth:`~ExportRuns.runs_for` for each.
    """
    return ExportRuns(document).runs_for(start, end)


# =========================================================================== import
@dataclass
class _Comment:
    id: str
    author: str
    text: str
    para_ids: list[str] = field(default_factory=list)
    parent: str | None = None  # id of the comment this one replies to


@dataclass
class _Paragraph:
    text: str
    styled: bool  # in the transcript paragraph style (exported files)
    body: bool = True  # a paragraph of the body itself (False: in a table cell)


@dataclass
class WordFile:
    """A Word file read for comments: its paragraphs, comments, anchors and properties."""

    path: Path
    paragraphs: list[_Paragraph]
    comments: dict[str, _Comment]
    starts: dict[str, tuple[int, int]]  # comment id -> (paragraph, char); paragraph may be len(paragraphs)
    ends: dict[str, tuple[int, int]]  # char -1 means "end of that paragraph"
    properties: dict[str, str]

    @property
    def is_export(self) -> bool:
        """True for a file written by :func:`export_docx`."""
        return PROP_TRANSCRIPT in self.properties

    def anchor_text(self, comment_id: str, limit: int = 80) -> str:
        """The text the comment is anchored on, as Word shows it (shortened)."""
        if comment_id not in self.starts or comment_id not in self.ends:
            return ""
        (k1, c1), (k2, c2) = self.starts[comment_id], self.ends[comment_id]
        parts = []
        for k in range(max(k1, 0), min(k2, len(self.paragraphs) - 1) + 1):
            t = self.paragraphs[k].text
            a = c1 if k == k1 else 0
            b = (len(t) if c2 < 0 else c2) if k == k2 else len(t)
            parts.append(t[a:b])
        text = " / ".join(p for p in parts if p).strip()
        return text if len(text) <= limit else text[:limit - 3] + "..."


def _parse_xml(data: bytes, name: str, path: Path) -> Any:
    from ..xmlsafe import parse

    return parse(data, path=path, what=name, damaged_hint="open it in Word and save it again")


def _strip_id_runs(element: Any, id_style: str) -> None:
    for parent in list(element.iter()):
        for child in list(parent):
            if child.tag == W + "r" and _run_is_id(child, id_style):
                parent.remove(child)


def read_word_file(path: str | Path) -> WordFile:
    """Read a ``.docx`` file's transcript paragraphs, comments, comment anchors and custom properties.

    Raises
    ------
    InputError
        Not a Word file, a zip bomb, damaged or hostile XML.
    """
    from ..safezip import open_zip, read_member
    from ..transcripts.docx import paragraph_text

    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise InputError("not a .docx file", path=path, hint="save it from Word as .docx (Word 2007 or later)")
    archive = open_zip(path, what=".docx file")
    try:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise InputError("not a Word document (no word/document.xml)", path=path,
                             hint="open it in Word and save it as .docx")
        parts = {name: _parse_xml(read_member(archive, name, path=path), name, path)
                 for name in ("word/document.xml", "word/comments.xml", "word/commentsExtended.xml",
                              "word/styles.xml", "docProps/custom.xml") if name in names}
    finally:
        archive.close()

    properties: dict[str, str] = {}
    custom = parts.get("docProps/custom.xml")
    if custom is not None:
        for prop in custom:
            name = prop.get("name")
            if name:
                properties[name] = "".join(prop.itertext()).strip()

    text_style = id_style = None
    styles = parts.get("word/styles.xml")
    if styles is not None:
        for style in styles.iter(W + "style"):
            name_el = style.find(W + "name")
            name = name_el.get(W + "val") if name_el is not None else None
            if name == TEXT_STYLE:
                text_style = style.get(W + "styleId")
            elif name == ID_STYLE:
                id_style = style.get(W + "styleId")

    body = parts["word/document.xml"].find(W + "body")
    paragraphs: list[_Paragraph] = []
    starts: dict[str, tuple[int, int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    for element in (body if body is not None else []):
        tag = element.tag
        if tag == W + "p":
            if id_style is not None:
                _strip_id_runs(element, id_style)
            result = paragraph_text(element)
            k = len(paragraphs)
            p_pr = element.find(W + "pPr")
            p_style = p_pr.find(W + "pStyle") if p_pr is not None else None
            styled = text_style is not None and p_style is not None and p_style.get(W + "val") == text_style
            paragraphs.append(_Paragraph(result.text, styled))
            for cid, c in result.comment_starts.items():
                starts.setdefault(cid, (k, c))
            for cid, c in result.comment_ends.items():
                ends[cid] = (k, c)
        elif tag == W + "tbl":
            # A transcript laid out as a table: comments sit in its cells' paragraphs, which
            # _original_placer finds in the transcript's text ("Speaker (time): text" lines).
            first = len(paragraphs)
            placed: set[str] = set()
            for cell_p in element.iter(W + "p"):
                if any(a.tag == W + "txbxContent" for a in cell_p.iterancestors()):
                    continue  # a text box's copy inside the cell
                result = paragraph_text(cell_p)
                k = len(paragraphs)
                paragraphs.append(_Paragraph(result.text, False, body=False))
                for cid, c in result.comment_starts.items():
                    starts.setdefault(cid, (k, c))
                for cid, c in result.comment_ends.items():
                    ends[cid] = (k, c)
                placed.update(result.comment_starts, result.comment_ends)
            for marker in element.iter(W + "commentRangeStart"):  # between cells: as between paragraphs
                if marker.get(W + "id", "") not in placed:
                    starts.setdefault(marker.get(W + "id", ""), (first, 0))
            for marker in element.iter(W + "commentRangeEnd"):
                if marker.get(W + "id", "") not in placed:
                    ends[marker.get(W + "id", "")] = (len(paragraphs) - 1, -1)
        else:
            # Markers between paragraphs or inside tables and content controls: a start
            # belongs to the next paragraph, an end to the previous one.
            for marker in element.iter(W + "commentRangeStart"):
                starts.setdefault(marker.get(W + "id", ""), (len(paragraphs), 0))
            for marker in element.iter(W + "commentRangeEnd"):
                ends[marker.get(W + "id", "")] = (len(paragraphs) - 1, -1)

    comments: dict[str, _Comment] = {}
    comments_xml = parts.get("word/comments.xml")
    if comments_xml is not None:
        for element in comments_xml.iter(W + "comment"):
            cid = element.get(W + "id", "")
            lines, para_ids = [], []
            for p in element.iter(W + "p"):
                lines.append(paragraph_text(p).text)
                if p.get(W14 + "paraId"):
                    para_ids.append(p.get(W14 + "paraId"))
            comments[cid] = _Comment(cid, element.get(W + "author", "") or "", "\n".join(lines).strip(), para_ids)
    extended = parts.get("word/commentsExtended.xml")
    if extended is not None and comments:
        parent_of = {ex.get(W15 + "paraId"): ex.get(W15 + "paraIdParent") for ex in extended.iter(W15 + "commentEx")}
        owner = {pid: c.id for c in comments.values() for pid in c.para_ids}
        for comment in comments.values():
            for pid in comment.para_ids[-1:]:
                parent = parent_of.get(pid)
                if parent and parent in owner and owner[parent] != comment.id:
                    comment.parent = owner[parent]
    return WordFile(path, paragraphs, comments, starts, ends, properties)


# --------------------------------------------------------------------------- placing comments
class _Placer:
    """Maps (paragraph, char) positions of a Word file to offsets in a working text."""

    def __init__(self, working_text: str, spans: list[tuple[int, int] | None],
                 local: list[Alignment | None]) -> None:
        self.working_text = working_text
        self.spans = spans  # per paragraph: its span in the working text, None when not text
        self.local = local  # per paragraph: alignment of its Word text onto its span (None: identical)
        n = len(spans)
        self._next_start = [len(working_text)] * (n + 1)
        for k in range(n - 1, -1, -1):
            self._next_start[k] = spans[k][0] if spans[k] is not None else self._next_start[k + 1]
        self._prev_end = [0] * (n + 1)
        for k in range(n):
            self._prev_end[k + 1] = spans[k][1] if spans[k] is not None else self._prev_end[k]

    def place(self, k: int, c: int, side: str, paragraphs: list[_Paragraph]) -> int:
        if k < 0:
            return 0
        if k >= len(self.spans):
            return len(self.working_text)
        span = self.spans[k]
        if span is None:
            return self._next_start[k] if side == "start" else self._prev_end[k]
        if c < 0:
            c = len(paragraphs[k].text)
        alignment = self.local[k]
        if alignment is None:
            return span[0] + min(c, span[1] - span[0])
        mapped = alignment.map_offset(c, side)
        if mapped is None:
            return span[1] if side == "start" else span[0]
        return span[0] + mapped


def _export_placer(word: WordFile) -> _Placer:
    styled = [p.styled for p in word.paragraphs]
    if not any(styled):  # styles lost (pasted into another document): use every paragraph of the body
        styled = [p.body for p in word.paragraphs]
    spans: list[tuple[int, int] | None] = []
    parts: list[str] = []
    offset = 0
    for paragraph, is_text in zip(word.paragraphs, styled):
        if not is_text:
            spans.append(None)
            continue
        if parts:
            offset += 2
        spans.append((offset, offset + len(paragraph.text)))
        parts.append(paragraph.text)
        offset += len(paragraph.text)
    return _Placer("\n\n".join(parts), spans, [None] * len(spans))


def _original_placer(word: WordFile, transcript_id: str) -> _Placer:
    from ..transcripts import read_transcript

    transcript = read_transcript(word.path, transcript_id=transcript_id, sentences=False)
    blocks = {b.index: (b.start, b.end) for b in transcript.source_blocks if b.end > b.start}
    spans: list[tuple[int, int] | None] = []
    local: list[Alignment | None] = []
    body_k = cursor = 0
    for paragraph in word.paragraphs:
        if paragraph.body:
            span = blocks.get(body_k)
            body_k += 1
        else:
            span = _cell_span(transcript.text, paragraph.text, cursor)
        if span is not None:
            cursor = span[1]
        spans.append(span)
        if span is None or transcript.text[span[0]:span[1]] == paragraph.text:
            local.append(None)
        else:
            local.append(align(paragraph.text, transcript.text[span[0]:span[1]]))
    return _Placer(transcript.text, spans, local)


def _cell_span(text: str, cell: str, cursor: int, reach: int = 120) -> tuple[int, int] | None:
    """Where a table cell's paragraph lies in a transcript's text: its first occurrence at or after
    ``cursor`` (the end of the paragraph placed before it) and no further than ``reach`` characters
    beyond what separates cells in the text (``Speaker (time): `` before a turn's words); None for a
    cell that is not in the text (a header row, an empty cell, a time written differently)."""
    from ..transcripts.plain import canonical_lines

    needle = canonical_lines(cell).strip()
    if not needle:
        return None
    at = text.find(needle, cursor, cursor + reach + len(needle))
    return (at, at + len(needle)) if at >= 0 else None


@dataclass
class DocxImport:
    """What importing Word comments did (:meth:`mio_qual.project.Project.import_word_comments`).

    Attributes
    ----------
    files : list of dict
        Per file: file, transcript_id, comments, codings, removed (codings the file brought
        before and replaced), aligned (whether its text had to be aligned).
    inserted, removed : int
        Codings written, and codings of earlier imports of the same files replaced.
    unchanged : int
        Codings of files re-imported unchanged (nothing written for them).
    skipped : list of str
        Problems skipped with ``skip_problems`` (one line each).
    suggestions_not_reviewed : int
        Suggestion comments still starting with ``SUGGESTION:``.
    suggestions_accepted : int
    replies : int
        Replies added to their comment's memo.
    warnings : list of str
    """

    files: list[dict[str, Any]] = field(default_factory=list)
    inserted: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    unchanged: int = 0
    suggestions_not_reviewed: int = 0
    suggestions_accepted: int = 0
    replies: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class TranscriptNames:
    """What :func:`which_transcript` matches file names against, loaded once per import."""

    ids: set[str]
    by_file: dict[str, str]  # case-folded name of the file each transcript was imported from -> id
    by_key: dict[str, str]  # case-folded id (or neutral id of a redacted copy) -> id
    aliases: dict[str, str] = field(default_factory=dict)  # neutral id -> id (an id holding a name)

    @classmethod
    def from_frame(cls, transcripts: "pd.DataFrame", aliases: Mapping[str, str] | None = None) -> "TranscriptNames":
        """Build from the project's transcripts (columns transcript_id and source_path).

        ``aliases`` maps the neutral ids a redacted copy shows (``T01`` for an id holding a
        name, :func:`mio_qual.deidentify.neutral_ids`) to the transcript ids.
        """
        rows = list(zip(transcripts["transcript_id"], transcripts["source_path"])) if len(transcripts) else []
        ids = {r[0] for r in rows}
        aliases = {k: v for k, v in (aliases or {}).items() if k not in ids and v in ids}
        by_key = {k.casefold(): v for k, v in aliases.items()}
        by_key.update({r[0].casefold(): r[0] for r in rows})
        return cls(ids, {Path(r[1]).name.casefold(): r[0] for r in rows if isinstance(r[1], str) and r[1]},
                   by_key, aliases)


def which_transcript(path: str | Path, properties: dict[str, str] | None = None, transcript_id: str | None = None,
                     *, names: TranscriptNames) -> str:
    """The transcript a coder's file belongs to.

    In order: the ``mio-qual transcript id`` custom property (an exported file); the file name
    equal to the name of the file the transcript was imported from; the file name's stem equal
    to a transcript id or starting with one followed by ``_``, ``-``, ``.`` or a space
    (``INT01.docx``, ``INT01_jordan.xlsx``; the longest such id wins); else ``transcript_id``
    (``--transcript``).

    Raises
    ------
    InputError
        When none applies, or the file's property names a transcript the project lacks or that
        contradicts ``transcript_id``.
    """
    path = Path(path)
    properties = properties or {}
    marked = properties.get(PROP_TRANSCRIPT)
    marked = names.aliases.get(marked, marked) if marked else marked  # a redacted copy names a neutral id
    if marked:
        if marked not in names.ids:
            raise InputError(f"the file was exported for transcript {marked!r}, which is not in this project",
                             path=path, hint="import the transcript first, or use the right project")
        if transcript_id and transcript_id != marked:
            raise InputError(f"the file was exported for transcript {marked!r}, not {transcript_id!r}", path=path,
                             hint="drop --transcript or name the right file")
        return marked
    by_name = names.by_file.get(path.name.casefold())
    if by_name is not None:
        return by_name
    stem = path.stem.casefold()
    if stem in names.by_key:
        return names.by_key[stem]
    for i in range(len(stem) - 1, 0, -1):  # longest prefix first
        if stem[i] in "_-. " and stem[:i] in names.by_key:
            return names.by_key[stem[:i]]
    if transcript_id:
        if transcript_id not in names.ids:
            raise InputError(f"no transcript {transcript_id!r} in this project", path=path,
                             hint="see `mio-qual transcripts list`")
        return transcript_id
    raise InputError("cannot tell which transcript this file belongs to", path=path,
                     hint="name it after the transcript id (e.g. INT01.docx) or pass --transcript ID")


def _comment_problem(word: WordFile, comment: _Comment, message: str, hint: str) -> str:
    anchor = word.anchor_text(comment.id)
    who = f" by {comment.author}" if comment.author else ""
    on = f" on {anchor!r}" if anchor else ""
    return f"{word.path.name}: comment {comment.id}{who}{on}: {message} ({hint})"


def _author_key(author: str) -> str:
    """An author name as ``--author`` matches it: case and surrounding spaces ignored."""
    return " ".join(author.split()).casefold()


def comment_authors(word: WordFile) -> dict[str, int]:
    """The authors of a Word file's comments (replies and mio-qual's suggestions aside), with counts.

    A comment without an author is not counted: there is nobody to tell it from.
    """
    counts: dict[str, int] = {}
    for comment in word.comments.values():
        if comment.parent is None and comment.author.strip() and comment.author != SUGGESTION_AUTHOR:
            counts[comment.author.strip()] = counts.get(comment.author.strip(), 0) + 1
    return counts


def _authors_error(word: WordFile, coder: str, counts: Mapping[str, int]) -> InputError:
    """The refusal of a file holding comments by several people, none chosen with ``--author``."""
    listed = ", ".join(f"{name}: {n}" for name, n in sorted(counts.items(), key=lambda kv: kv[0].casefold()))
    first = min(counts, key=str.casefold)
    return InputError(
        f"comments by {len(counts)} authors ({listed}) would all go into layer {coder!r}, and a layer is one "
        "coder's coding", path=word.path,
        hint=f"name whose comments are {coder}'s (--author {first!r} --coder {coder}) and import the file again "
             "for each other coder with their --author and --coder (from Python: authors=[...]); if every name "
             "is the same person's, repeat --author for each")


def read_comment_codings(path: str | Path, coder: str, codebook: "Codebook", *, texts: Mapping[str, str],
                         names: TranscriptNames, transcript_id: str | None = None,
                         authors: Iterable[str] = ()) -> tuple[str, list[Coding], list[str], dict[str, Any]]:
    """Read one Word file's comments as codings.

    ``texts`` holds the canonical text of each transcript (only the file's is read);
    ``names`` the transcript ids and source file names the file is matched against.
    ``authors``, when given, keeps only the comments of those authors (as Word records the
    comment's author; case and spacing ignored); mio-qual's suggestions and replies are kept
    as without it. Without ``authors``, a file whose comments come from more than one author
    is a problem: one coder's layer would silently hold another coder's coding.

    Returns
    -------
    (transcript_id, codings, problems, info)
        ``problems`` has one line per comment that cannot be imported; ``info`` counts
        suggestions not reviewed / accepted, replies, says whether the text was aligned, and
        maps each author of the file (``authors``) to their number of comments.

    Raises
    ------
    InputError
        The file names no transcript of the project, or (without ``authors``) its comments
        come from several authors.
    """
    word = read_word_file(path)
    tid = which_transcript(path, word.properties, transcript_id, names=names)
    wanted = {_author_key(a) for a in authors if a.strip()}
    counts = comment_authors(word)
    if not wanted and len(counts) > 1:
        raise _authors_error(word, coder, counts)
    canonical = texts[tid]
    info: dict[str, Any] = {"not_reviewed": 0, "accepted": 0, "replies": 0, "aligned": False, "comments": 0,
                            "warnings": [], "authors": counts}
    if word.is_export:
        placer = _export_placer(word)
        if word.properties.get(PROP_HASH) and word.properties[PROP_HASH] != text_hash(canonical):
            info["warnings"].append(f"{Path(path).name}: transcript {tid} changed since this file was exported; "
                                    "comments were aligned to the new text")
    else:
        placer = _original_placer(word, tid)
    aligned = None
    if placer.working_text != canonical:
        aligned = align(placer.working_text, canonical)
        info["aligned"] = True
    problems: list[str] = []
    codings: list[Coding] = []
    replies: dict[str, list[str]] = {}
    for comment in word.comments.values():
        if comment.parent is not None:
            replies.setdefault(comment.parent, []).append(
                (f"{comment.author}: " if comment.author else "") + comment.text)
            info["replies"] += 1
    for comment in sorted(word.comments.values(), key=lambda c: _id_key(c.id)):
        if comment.parent is not None:
            continue
        if wanted and comment.author != SUGGESTION_AUTHOR and _author_key(comment.author) not in wanted:
            continue  # another coder's comment in a shared file
        info["comments"] += 1
        text = comment.text
        evidence = None
        if text.lstrip().upper().startswith(SUGGESTION_PREFIX):
            info["not_reviewed"] += 1
            continue
        if comment.author == SUGGESTION_AUTHOR:
            match = _PROBABILITY.search(text)
            evidence = "accepted mio-qual suggestion" + (f" (p={match.group(1)})" if match else "")
            text = _PROBABILITY.sub("", text)
            info["accepted"] += 1
        if comment.id not in word.starts or comment.id not in word.ends:
            problems.append(_comment_problem(
                word, comment, "the comment is not anchored in the body text",
                "comment a passage of the transcript, not a header, footnote or text box"))
            continue
        (k1, c1), (k2, c2) = word.starts[comment.id], word.ends[comment.id]
        start = placer.place(k1, c1, "start", word.paragraphs)
        end = placer.place(k2, c2, "end", word.paragraphs)
        span = None
        if start < end:
            span = (start, end) if aligned is None else _map_span(aligned, placer.working_text, start, end)
            if span is not None and aligned is None:
                s, e = span
                while s < e and canonical[s].isspace():
                    s += 1
                while e > s and canonical[e - 1].isspace():
                    e -= 1
                span = (s, e) if s < e else None
        if span is None:
            problems.append(_comment_problem(
                word, comment, "cannot place the comment on the transcript text",
                "anchor it on the words of the transcript, not on the title, table or turn ids; "
                "if the text was edited, comment the unedited words"))
            continue
        parsed = parse_comment(codebook, text)
        if parsed.problem:
            problems.append(_comment_problem(word, comment, parsed.problem, COMMENT_HINT))
            continue
        memo_parts = [parsed.memo] if parsed.memo else []
        memo_parts.extend(replies.get(comment.id, []))
        memo = "\n".join(memo_parts) or None
        for code in parsed.codes:
            codings.append(Coding(tid, span[0], span[1], code, coder, "human", memo=memo, evidence=evidence))
    return tid, codings, problems, info


def _map_span(aligned: Alignment, working: str, start: int, end: int) -> tuple[int, int] | None:
    """Map a comment's span from the Word copy onto the stored text.

    On a redacted copy an edge that falls on a ``[name]`` takes the name's own edge in the
    stored text: a start there maps as the end of what precedes it, an end there as the start
    of what follows (the placeholder and the name share no characters to align on).
    """
    from ..deidentify import PLACEHOLDER

    if PLACEHOLDER not in working:
        return aligned.map_span(start, end)
    on_name_start = working.startswith(PLACEHOLDER, start)
    on_name_end = end >= len(PLACEHOLDER) and working.endswith(PLACEHOLDER, 0, end)
    return aligned.map_span(start, end, ("end" if on_name_start else "start", "start" if on_name_end else "end"))


def _id_key(comment_id: str) -> tuple[int, str]:
    return (int(comment_id), "") if comment_id.isdigit() else (1 << 60, comment_id)


@dataclass
class WordComments:
    """The comments of a batch of Word files, read and checked, ready to be written.

    Attributes
    ----------
    writes : list of LayerWrite
        One per file (replacing what the file brought before).
    files : list of (path, transcript_id, info)
        What each file held (see :func:`read_comment_codings`).
    skipped : list of str
        Problems passed over with ``skip_problems``.
    """

    writes: list[LayerWrite] = field(default_factory=list)
    files: list[tuple[Path, str, dict[str, Any]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def result(self, written: list[WriteResult]) -> DocxImport:
        """What the import did, given what writing each of :attr:`writes` did."""
        result = DocxImport(skipped=list(self.skipped))
        for (path, tid, info), done in zip(self.files, written):
            result.inserted += done.inserted
            result.removed += done.removed
            result.unchanged += done.unchanged
            result.suggestions_not_reviewed += info["not_reviewed"]
            result.suggestions_accepted += info["accepted"]
            result.replies += info["replies"]
            result.warnings.extend(info["warnings"])
            result.files.append({"file": str(path), "transcript_id": tid, "comments": info["comments"],
                                 "codings": done.inserted, "removed": done.removed, "unchanged": done.unchanged,
                                 "aligned": info["aligned"]})
        return result


def read_docx_comments(paths: Iterable[str | Path], coder: str, codebook: "Codebook", *, texts: Mapping[str, str],
                       names: TranscriptNames, skip_problems: bool = False,
                       transcript_id: str | None = None, authors: Iterable[str] = ()) -> WordComments:
    """Read the codes coders wrote as Word comments, every file checked before anything is written.

    Parameters
    ----------
    paths : iterable of path
        ``.docx`` files: files written by :func:`export_docx`, or original transcript files.
    coder : str
        The layer the codings go into (origin ``human``).
    codebook : Codebook
    texts : mapping of str to str
        The canonical text of each transcript (only those the files belong to are read).
    names : TranscriptNames
        The project's transcript ids and source file names (see :func:`which_transcript`).
    skip_problems : bool
        Keep what can be imported and list the problems in ``skipped``; otherwise any
        problem refuses the whole import.
    transcript_id : str, optional
        The transcript for files that name none (see :func:`which_transcript`).
    authors : iterable of str
        Keep only these authors' comments (a file several coders commented; see
        :func:`read_comment_codings`). Without it, a file with comments by more than one
        author is a problem; a name given that wrote no comment in any file is one too.

    Returns
    -------
    WordComments
        One :class:`LayerWrite` per file; importing a coder's file again replaces the codings
        that file brought before (the file is identified by its name).

    Raises
    ------
    InputError
        Listing every problem of every file (file, comment id and author, the text it is
        anchored on, what is wrong and what to do).
    """
    problems: list[str] = []
    plan = WordComments()
    from .importing import distinct_names, not_codable_warning

    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no Word files to import", hint="name one or more .docx files")
    distinct_names(paths)  # a file is known by its name: two of one name would replace each other
    authors = [a for a in authors if a.strip()]
    seen_authors: dict[str, int] = {}
    for path in paths:
        if not path.is_file():
            problems.append(f"{path}: no such file (check the path)")
            continue
        try:
            tid, codings, file_problems, info = read_comment_codings(
                path, coder, codebook, texts=texts, names=names, transcript_id=transcript_id, authors=authors)
        except InputError as exc:
            problems.append(exc.one_line())
            continue
        seen_authors.update(info["authors"])
        problems.extend(file_problems)
        folders = not_codable_warning(codings, codebook, path.name)
        if folders:
            info["warnings"].append(folders)
        plan.files.append((path, tid, info))
        plan.writes.append(LayerWrite(codings, coder=coder, origin="human", source_file=path, replace="file",
                                      action="import Word comments", covers=(tid,) if tid else ()))
    found = {_author_key(a) for a in seen_authors}
    missing = [a for a in authors if _author_key(a) not in found]
    if missing:  # never skipped: the files would replace the coder's codings with none
        raise InputError(f"no comment in these files is by {', '.join(map(repr, missing))}; their authors: "
                         f"{', '.join(sorted(seen_authors, key=str.casefold)) or 'none named'}",
                         hint="--author takes the name Word shows on the comment (case does not matter)")
    if problems and not skip_problems:
        raise InputError(
            f"{len(problems)} problem(s) in the Word comments, so nothing was imported; first: {problems[0]}",
            hint="fix every problem listed (or pass --skip-problems to import the rest)", details=problems)
    plan.skipped = problems
    return plan


__all__ = ["export_docx", "read_docx_comments", "WordComments", "read_comment_codings", "read_word_file", "which_transcript",
           "TranscriptNames",
           "runs_for_span", "split_runs", "ExportRuns", "set_custom_properties", "DocxImport", "WordFile", "TEXT_STYLE",
           "ID_STYLE", "SUGGESTION_AUTHOR", "SUGGESTION_PREFIX", "PROP_TRANSCRIPT", "PROP_HASH"]

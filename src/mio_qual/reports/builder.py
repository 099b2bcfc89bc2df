"""``ReportBuilder``: one way to write a Word report in the house style.

Every mio-qual document is written through this class, so every document shares the same
page setup, fonts, heading styles, numbered captions, table look and footer::

    from mio_qual.reports import ReportBuilder

    b = ReportBuilder(title="Agreement", redact=my_redactor)
    b.title_page("Inter-rater agreement", subtitle="MIO implementation study")
    b.toc()
    b.heading("Method")
    b.paragraph("Two coders coded **16 transcripts** ...")
    b.table(frame, "Agreement per code", number_format={"kappa": "{:.2f}"})
    b.figure("agreement.png", "Cohen's kappa per code with 95% intervals")
    with b.landscape_section():
        b.table(wide_frame, "Every disagreement")
    b.save("agreement.docx")

What the builder guarantees:

* **Captions are real Word captions.** "Table N." and "Figure N." are ``SEQ`` fields (with the
  right number already filled in), so Word's cross-references and list of tables work, and
  LibreOffice shows them as number-range fields.
* **Table of contents** is a ``TOC`` field. Its cached text already lists the headings (so the
  document reads well before any update); the document asks Word to update fields when it is
  opened, which adds page numbers.
* **Page numbers** ("Page N of M", ``PAGE``/``NUMPAGES`` fields) in every footer but the title
  page's.
* **Landscape sections** for wide tables: a new section on a new page, turned back to portrait
  for what follows; consecutive landscape content shares one section.
* **Redaction of everything written.** When the builder has a ``redact`` function, every piece
  of text (headings, paragraphs, quotes, table cells, captions) passes through it, so no roster
  name can reach the document by any path (DESIGN.md, decision 9).

Tables are written as WordprocessingML directly (not cell by cell through python-docx, whose
cell access is quadratic in the row count), so a table of thousands of rows costs
milliseconds.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph as _Paragraph

from ..atomicio import current
from ..text import xml_safe
from .reproducible import save_stamped, source_date
from .style import (FIGURE, HOUSE_STYLE, NOTE, QUOTE_SOURCE, TABLE_TEXT, TITLE_META, HouseStyle, apply_house_style,
                    text_width_cm)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from docx.text.paragraph import Paragraph

NumberFormat = str | Callable[[Any], str] | Mapping[str, str | Callable[[Any], str]] | None

#: What a missing value looks like in a table.
MISSING = "\u2013"
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BREAKS = re.compile(r" |(?<=[-/])")
_TWIPS_PER_CM = 566.929


_SECTPR = qn("w:sectPr")
#: Characters python-docx turns into elements of their own in a run (a tab, a line break).
_RUN_BREAKS = re.compile("[\t\r\n]")


def _append_run(p: Any, text: str, *, bold: bool = False) -> None:
    """Append to paragraph element ``p`` the run ``Paragraph.add_run(text)`` (``.bold = True``) appends.

    The same elements (``w:r``, ``w:rPr/w:b``, ``w:t`` kept verbatim when it starts or ends with
    white space), made in one step; text with a tab or a line break goes through python-docx, which
    turns those into ``w:tab``/``w:br``.
    """
    if _RUN_BREAKS.search(text):
        run = _Paragraph(p, None).add_run(text)
        if bold:
            run.bold = True
        return
    r = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        r.append(properties)
    if text:
        t = OxmlElement("w:t")
        t.text = text
        if len(text.strip()) < len(text):
            t.set(_XML_SPACE, "preserve")
        r.append(t)
    p.append(r)


_XML_SPACE = qn("xml:space")


@lru_cache(maxsize=4)
def _styled_template(style: HouseStyle) -> bytes:
    """python-docx's default document with ``style`` applied (:func:`apply_house_style`), saved once per process.

    Every builder opens a copy of these bytes: the same parts as ``Document()`` followed by
    ``apply_house_style``, without looking each style up in the style sheet again for every document.
    """
    document = Document()
    apply_house_style(document, style)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _Parts:
    """A python-docx document's package as its parts, for :func:`~mio_qual.reports.reproducible.save_stamped`.

    Saving through ``document.save`` compressed every part, and ``save_stamped`` then read each one
    back and compressed it again with fixed times. The parts, their order and their bytes are
    python-docx's own (its ``PackageWriter`` steps: content types, package relationships, then each
    part and its relationships), so the file written is the same, byte for byte, compressed once.
    """

    def __init__(self, document: Any) -> None:
        self.document = document

    def members(self) -> list[tuple[str, bytes]]:
        """The package's ``(member name, bytes)``, in the order python-docx writes them."""
        from docx.opc.pkgwriter import PackageWriter

        package = self.document.part.package
        parts = list(package.parts)
        for part in parts:  # what OpcPackage.save does before writing
            part.before_marshal()
        writer = _Collected()
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
        return writer.members


class _Collected:
    """The ``write(pack_uri, blob)`` python-docx's ``PackageWriter`` calls, keeping each member in a list."""

    def __init__(self) -> None:
        self.members: list[tuple[str, bytes]] = []

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.members.append((pack_uri.membername, blob))


def _xml_text(value: str) -> str:
    """Text made safe for an XML text node (control characters dropped)."""
    return escape(xml_safe(value, ""))


def _twips(cm: float) -> int:
    return int(round(cm * _TWIPS_PER_CM))


def add_field(paragraph: "Paragraph", instruction: str, cached: str = "", *, size: float | None = None) -> None:
    """Append a complex field (``PAGE``, ``SEQ Table``, ``TOC`` ...) to ``paragraph``.

    Parameters
    ----------
    paragraph : docx.text.paragraph.Paragraph
    instruction : str
        The field code, e.g. ``"SEQ Table \\* ARABIC"``.
    cached : str
        The result shown until the field is updated (Word and LibreOffice show it as is).
    size : float, optional
        Font size of the field's runs in points.
    """
    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        if size is not None:
            run.font.size = Pt(size)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    result = paragraph.add_run(cached)
    if size is not None:
        result.font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def format_value(value: Any, fmt: str | Callable[[Any], str] | None = None) -> str:
    """Format one table cell: missing as an en dash, floats to 2 decimals unless ``fmt`` says otherwise.

    Parameters
    ----------
    value : Any
    fmt : str or callable, optional
        A ``str.format`` pattern such as ``"{:.3f}"`` or ``"{:.0%}"``, or a function.

    Examples
    --------
    >>> format_value(0.81234), format_value(0.81234, "{:.3f}"), format_value(float("nan")), format_value(12)
    ('0.81', '0.812', '–', '12')
    """
    if value is None:
        return MISSING
    try:
        if value != value:  # NaN, NaT, pd.NA raise or compare unequal
            return MISSING
    except (TypeError, ValueError):
        if str(value) in ("<NA>", "NaT"):
            return MISSING
    if callable(fmt):
        return str(fmt(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isinf(value):
        return "\u221e" if value > 0 else "-\u221e"
    if fmt is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _no_negative_zero(fmt.format(value))
    if isinstance(value, float):
        return _no_negative_zero(f"{value:.2f}")
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return format_value(value.item(), fmt)
    return str(value)


def _no_negative_zero(text: str) -> str:
    """``'-0.00'`` -> ``'0.00'`` (a rounded tiny negative is not a negative number)."""
    return text[1:] if text.startswith("-") and not text.strip("-0.%") else text


def _is_numeric(series: "pd.Series") -> bool:
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return False
    if pd.api.types.is_numeric_dtype(series):
        return True
    values = series.dropna()
    return bool(len(values)) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


class ReportBuilder:
    """Build a Word document in the mio-qual house style.

    Parameters
    ----------
    title : str
        The document's title (document properties; the footer of every page but the first).
    style : HouseStyle
        The look (default: :data:`mio_qual.reports.style.HOUSE_STYLE`).
    redact : callable, optional
        Applied to every piece of text written into the document.
    as_of : datetime, optional
        The project's latest change: the title page's date and the document properties' times, so
        the same project gives a byte-identical file (:mod:`mio_qual.reports.reproducible`).

    Attributes
    ----------
    document : docx.document.Document
        The python-docx document being built.
    headings : list of (int, str)
        Every heading written, with its level, in order.
    captions : list of (str, int, str)
        ``("Table" | "Figure", number, caption)`` for every numbered caption.
    """

    def __init__(self, title: str = "", *, style: HouseStyle = HOUSE_STYLE,
                 redact: Callable[[str], str] | None = None, as_of: datetime | None = None) -> None:
        self.document = Document(BytesIO(_styled_template(style)))
        self._body = self.document._body  # the parent python-docx gives the paragraphs it adds to the body
        self.as_of = as_of
        self.style = style
        self._redact = redact
        self._cleaned: dict[str, str] = {}
        self._style_ids: dict[str, str] = {}
        self._landscape = False
        self.title = self.clean(title)
        self.headings: list[tuple[int, str]] = []
        self.captions: list[tuple[str, int, str]] = []
        self._counters = {"Table": 0, "Figure": 0}
        self._toc: tuple[Any, int, str] | None = None
        self._landscape_wanted = False
        self._has_title_page = False
        self._footer(self.document.sections[0])

    # ------------------------------------------------------------------ text
    def _style_id(self, name: str) -> str:
        """The style id of a style name, looked up once (python-docx searches the style sheet every time)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    def _toc_style_id(self, level: int) -> str | None:
        """The style id of Word's ``toc N`` style, None when the style sheet has none."""
        name = f"toc {level}"
        if name not in self._style_ids:
            try:
                self._style_ids[name] = self.document.styles[name].style_id
            except KeyError:
                return None
        return self._style_ids[name]

    def _add_paragraph(self, text: str = "", style: str | None = None) -> "Paragraph":
        """A new body paragraph with ``text`` in style ``style`` (a style name).

        The same XML as ``document.add_paragraph()`` + ``paragraph._p.style`` + ``add_run(text)``, built
        directly: python-docx looks for the body's ``w:sectPr`` among all its children on every paragraph
        and sets a run's text one character at a time.
        """
        p = OxmlElement("w:p")
        if style is not None and style != "Normal":
            properties = OxmlElement("w:pPr")
            properties.append(OxmlElement("w:pStyle", {qn("w:val"): self._style_id(style)}))
            p.append(properties)
        if text:
            _append_run(p, text)
        body = self.document.element.body
        last = body[-1] if len(body) else None
        if last is not None and last.tag == _SECTPR:
            last.addprevious(p)
        else:
            body.append(p)
        return _Paragraph(p, self._body)

    def clean(self, text: Any) -> str:
        """``text`` as a string, passed through the redaction function when there is one.

        The function is called once per distinct text (a table repeats its codes, roles and clinics in
        every row): it must give the same result for the same text, as a redactor does.
        """
        value = "" if text is None else str(text)
        if self._redact is not None and value and not value.replace(".", "", 1).lstrip("-").isdigit():
            cleaned = self._cleaned.get(value)
            if cleaned is None:
                cleaned = self._cleaned[value] = self._redact(value)
            value = cleaned
        return value

    @property
    def n_tables(self) -> int:
        """Number of numbered tables so far."""
        return self._counters["Table"]

    @property
    def n_figures(self) -> int:
        """Number of numbered figures so far."""
        return self._counters["Figure"]

    def _add_runs(self, paragraph: "Paragraph", text: str) -> None:
        """Add ``text`` to ``paragraph``, making ``**bold**`` parts bold."""
        p = paragraph._p
        position = 0
        for match in _BOLD.finditer(text):
            if match.start() > position:
                _append_run(p, text[position:match.start()])
            _append_run(p, match.group(1), bold=True)
            position = match.end()
        if position < len(text):
            _append_run(p, text[position:])

    # ------------------------------------------------------------------ page layout
    def _body_is_empty(self) -> bool:
        body = self.document.element.body
        return not any(child.tag in (qn("w:p"), qn("w:tbl")) for child in body)

    def _set_orientation(self, section: Any, landscape: bool) -> None:
        width, height = self.style.page_size
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Cm(height), Cm(width)) if landscape else (Cm(width), Cm(height))
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(self.style.margin_cm))

    def _landscape_now(self) -> bool:
        """Whether the current (last) section is landscape (tracked: python-docx rescans sections each time)."""
        return self._landscape

    def _ensure(self, landscape: bool | None = None) -> None:
        """Start a new section when the orientation wanted differs from the current one."""
        wanted = self._landscape_wanted if landscape is None else landscape
        if wanted == self._landscape_now():
            return
        if self._body_is_empty():
            self._set_orientation(self.document.sections[-1], wanted)
        else:
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            section.different_first_page_header_footer = False
            self._set_orientation(section, wanted)
        self._landscape = wanted

    @contextmanager
    def landscape_section(self) -> Iterator["ReportBuilder"]:
        """Write what the block adds on landscape pages (a new section), then return to portrait.

        Examples
        --------
        >>> b = ReportBuilder()
        >>> with b.landscape_section():
        ...     _ = b.heading("Wide tables")
        >>> b.document.sections[-1].orientation.name
        'LANDSCAPE'
        """
        previous = self._landscape_wanted
        self._landscape_wanted = True
        try:
            yield self
        finally:
            self._landscape_wanted = previous

    landscape = landscape_section

    def text_width_cm(self) -> float:
        """Width between the margins of the current section."""
        return self.style.text_width_cm(self._landscape_now())

    def _footer(self, section: Any) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.style = self.document.styles["Footer"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Page ")
        add_field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        add_field(paragraph, "NUMPAGES", "1")

    def page_break(self) -> None:
        """Continue on a new page."""
        self._ensure()
        self._add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # ------------------------------------------------------------------ blocks
    def title_page(self, title: str, subtitle: str | None = None, lines: Iterable[str] = (),
                   date: str | None = None) -> None:
        """A title page (no page number on it), followed by a page break.

        Parameters
        ----------
        title, subtitle : str
        lines : iterable of str
            Further lines under the subtitle (study, project, what the report covers).
        date : str, optional
            Shown last; default: the date of the builder's ``as_of`` (the project's latest change),
            so the same project gives the same document (no date without one).
        """
        self._ensure(False)
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_footer.paragraphs[0].text = ""
        spacer = self._add_paragraph()
        spacer.paragraph_format.space_before = Pt(120)
        self._add_paragraph(self.clean(title), style="Title")
        if subtitle:
            self._add_paragraph(self.clean(subtitle), style="Subtitle")
        gap = self._add_paragraph()
        gap.paragraph_format.space_before = Pt(36)
        for line in lines:
            paragraph = self._add_paragraph(style=TITLE_META)
            self._add_runs(paragraph, self.clean(line))
        when = date or (source_date(self.as_of).date().isoformat() if self.as_of is not None else None)
        line = f"Project as of {when}; written by mio-qual" if when else "Written by mio-qual"
        self._add_paragraph(self.clean(line), style=TITLE_META)
        if not self.title:
            self.title = self.clean(title)
        self._has_title_page = True
        self.page_break()

    def toc(self, title: str = "Contents", levels: int = 3) -> None:
        """A table of contents (a ``TOC`` field over heading levels 1..``levels``).

        The headings written afterwards are filled in as the field's cached text when the
        document is saved.
        """
        self._ensure()
        self._add_paragraph(self.clean(title), style="TOC Heading")
        placeholder = self._add_paragraph()
        self._toc = (placeholder, levels, title)

    def heading(self, text: str, level: int = 1) -> "Paragraph":
        """A heading (levels 1-3 appear in the table of contents)."""
        self._ensure()
        clean = self.clean(text)
        self.headings.append((level, clean))
        return self._add_paragraph(clean, style=f"Heading {level}")

    def paragraph(self, text: str, *, style: str | None = None, keep_with_next: bool = False) -> "Paragraph":
        """A paragraph of body text; ``**text**`` is set in bold.

        ``keep_with_next`` keeps it on the page of what follows (a sentence introducing a table).
        """
        self._ensure()
        paragraph = self._add_paragraph(style=style)
        self._add_runs(paragraph, self.clean(text))
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def note(self, text: str) -> "Paragraph":
        """A small italic note (what a table leaves out, why a section is empty...)."""
        return self.paragraph(text, style=NOTE)

    def bullets(self, items: Iterable[str], *, numbered: bool = False) -> None:
        """A bulleted (or numbered) list."""
        self._ensure()
        style = "List Number" if numbered else "List Bullet"
        for item in items:
            paragraph = self._add_paragraph(style=style)
            self._add_runs(paragraph, self.clean(item))

    def quote(self, text: str, source: str) -> None:
        """An indented quotation followed by its source (study id, role, where it is)."""
        self._ensure()
        body = " ".join(self.clean(text).split())
        self._add_paragraph(f"\u201c{body}\u201d", style="Quote")
        self._add_paragraph(f"\u2014 {self.clean(source)}", style=QUOTE_SOURCE)

    def _caption(self, kind: str, caption: str, *, keep_with_next: bool) -> int:
        self._counters[kind] += 1
        number = self._counters[kind]
        clean = self.clean(caption)
        paragraph = self._add_paragraph(style="Caption")
        paragraph.paragraph_format.keep_with_next = keep_with_next
        _append_run(paragraph._p, f"{kind} ", bold=True)
        add_field(paragraph, f"SEQ {kind} \\* ARABIC", str(number))
        for run in paragraph.runs[1:]:
            run.bold = True
        _append_run(paragraph._p, ". ", bold=True)
        _append_run(paragraph._p, clean)
        self.captions.append((kind, number, clean))
        return number

    def table(self, frame: "pd.DataFrame", caption: str, *, landscape: bool = False,
              number_format: NumberFormat = None, note: str | None = None,
              widths: Sequence[float] | None = None, index: bool = False,
              first_column_bold: bool = False, auto_landscape: bool = True,
              rating_columns: Sequence[str] = ()) -> int:
        """A numbered, captioned table of a DataFrame.

        Parameters
        ----------
        frame : pandas.DataFrame
        caption : str
            Caption text; "Table N." is put in front of it.
        landscape : bool
            Put the table (with its caption and note) on landscape pages.
        number_format : str, callable or mapping, optional
            How to write numbers: one ``str.format`` pattern for every numeric cell, a
            function, or a mapping from column name to either. Default: integers as they are,
            other numbers to 2 decimals; missing values as an en dash.
        note : str, optional
            A note under the table (abbreviations, what was left out).
        widths : sequence of float, optional
            Relative column widths; default from the length of the content.
        index : bool
            Include the frame's index as the first column.
        first_column_bold : bool
            Set the first column in bold (row labels).
        auto_landscape : bool
            Turn to landscape pages when the columns cannot fit across a portrait page without
            breaking words.
        rating_columns : sequence of str
            Columns holding construct ratings (``-2`` ... ``+2``, ``X``): their cells are filled by
            valence, as in the XLSX tables (:data:`mio_qual.reports.render.FILLS`).

        Returns
        -------
        int
            The table's number.
        """
        if index:
            frame = frame.reset_index()
        if frame.shape[1] == 0:
            raise ValueError(f"table {caption!r} has no columns")
        header, body, numeric = self._cells(frame, number_format)
        minimum, desired = self._measure(header, body, numeric)
        wide = auto_landscape and sum(minimum) > self.style.text_width_cm(False)
        self._ensure(True if (landscape or wide) else None)
        number = self._caption("Table", caption, keep_with_next=True)
        grid = self._column_widths(minimum, desired, numeric, widths)
        ratings = {str(c) for c in rating_columns}
        self._table_xml(header, body, numeric, grid, first_column_bold,
                        [str(c) in ratings for c in frame.columns])
        if note:
            self.note(note)
        else:
            spacer = self._add_paragraph()
            spacer.paragraph_format.space_after = Pt(2)
        return number

    def _fit_height(self, png: str | Path, width_cm: float) -> float:
        """The largest width at most ``width_cm`` at which the picture and its caption fit on one page."""
        try:
            from PIL import Image

            with Image.open(png) as image:
                pixels_wide, pixels_high = image.size
        except Exception:  # noqa: BLE001 - an unreadable size leaves the width as asked
            return width_cm
        page_width, page_height = self.style.page_size
        text_height = (page_width if self._landscape_now() else page_height) - 2 * self.style.margin_cm
        room = 0.85 * text_height  # leaves the caption (two or three lines) on the same page
        height = width_cm * pixels_high / max(pixels_wide, 1)
        return width_cm if height <= room else width_cm * room / height

    def figure(self, png: str | Path, caption: str, *, width_cm: float | None = None,
               landscape: bool = False) -> int:
        """A numbered figure: the picture, then "Figure N." and its caption.

        Parameters
        ----------
        png : path
            The image file.
        caption : str
        width_cm : float, optional
            Width on the page (default: the text width, at most 16 cm).
        landscape : bool
            Put the figure on a landscape page.

        Returns
        -------
        int
            The figure's number.
        """
        self._ensure(True if landscape else None)
        width = width_cm or min(self.text_width_cm(), 16.0 if not self._landscape_now() else 22.0)
        shown = current(png)  # while a command's files are held back (mio_qual.atomicio), a temporary file
        width = min(width, self._fit_height(shown, width))
        paragraph = self._add_paragraph(style=FIGURE)
        picture = paragraph.add_run().add_picture(str(shown), width=Cm(width))
        picture._inline.graphic.graphicData.pic.nvPicPr.cNvPr.name = Path(png).name  # the chart's name, not the temporary's
        return self._caption("Figure", caption, keep_with_next=False)

    # ------------------------------------------------------------------ tables as XML
    _CELL_PAD_CM = 2 * 70 / _TWIPS_PER_CM + 0.08  # the cell margins, and a little air
    #: Rows with a cell longer than this (characters) may break across pages.
    SPLIT_ROWS_LONGER_THAN = 350

    def _measure(self, header: list[str], body: list[list[str]], numeric: list[bool]) -> tuple[list[float], list[float]]:
        """Per column: the narrowest width that breaks no word (cm), and a comfortable width (cm)."""
        size, pad = self.style.table_size, self._CELL_PAD_CM
        minimum, desired = [], []
        for j, name in enumerate(header):
            # words are split on plain spaces only, so a non-breaking space keeps "0.63 (0.48, 0.78)" whole
            head_word = max((text_width_cm(w, size, True) for w in name.split(" ")), default=0.0)
            cells = [row[j] for row in body]
            if numeric[j]:
                longest = max((text_width_cm(t, size) for t in set(cells)), default=0.0)
                low = max(head_word, longest) + pad
                minimum.append(low)
                desired.append(low)
                continue
            # Word may break after a hyphen or slash, so those pieces count as words
            words = {w for text in cells for w in _BREAKS.split(text) if len(w) <= 24}
            longest_word = max((text_width_cm(w, size) for w in words), default=0.0)
            low = max(head_word, longest_word) + pad
            lengths = sorted(text_width_cm(t, size) for t in cells) or [0.0]
            typical = lengths[int(0.9 * (len(lengths) - 1))]
            minimum.append(low)
            desired.append(max(low, min(typical, 12.0) + pad, 0.6 * text_width_cm(name, size, True) + pad))
        return minimum, desired

    def _column_widths(self, minimum: list[float], desired: list[float], numeric: list[bool],
                       widths: Sequence[float] | None) -> list[int]:
        """Column widths in twips filling the text width: no word broken where it can be helped."""
        total = self.text_width_cm()
        if widths is not None:
            scale = total / max(sum(widths), 1e-9)
            desired = [max(w * scale, low) for w, low in zip(widths, minimum)]
        result = list(desired)
        if sum(result) > total:
            room = total - sum(minimum)
            slack = [d - low for d, low in zip(desired, minimum)]
            if room > 0 and sum(slack) > 0:
                result = [low + s * room / sum(slack) for low, s in zip(minimum, slack)]
            else:
                result = [low * total / sum(minimum) for low in minimum]
        elif sum(result) < total:
            growable = [j for j, n in enumerate(numeric) if not n] or list(range(len(result)))
            if widths is not None:
                growable = list(range(len(result)))
            extra = total - sum(result)
            base = sum(result[j] for j in growable) or 1.0
            for j in growable:
                result[j] += extra * result[j] / base
        twips = [max(_twips(w), _twips(0.6)) for w in result]
        twips[-1] -= sum(twips) - _twips(total)  # rounding: land exactly on the margin
        return twips

    def _cells(self, frame: "pd.DataFrame", number_format: NumberFormat) -> tuple[list[str], list[list[str]], list[bool]]:
        """Header, body cells as (redacted) text, and which columns are numeric."""
        columns = [str(c) for c in frame.columns]
        numeric = [_is_numeric(frame.iloc[:, j]) for j in range(frame.shape[1])]

        def fmt_for(column: str) -> str | Callable[[Any], str] | None:
            if isinstance(number_format, Mapping):
                return number_format.get(column)
            return number_format

        formats = [fmt_for(c) for c in columns]
        body: list[list[str]] = []
        for values in frame.itertuples(index=False, name=None):
            row = []
            for j, value in enumerate(values):
                fmt = formats[j]
                # text as it is (what format_value returns for a str, unless a function formats it)
                text = value if type(value) is str and not callable(fmt) else format_value(value, fmt)
                row.append(text if numeric[j] else self.clean(text))
            body.append(row)
        return [self.clean(c) for c in columns], body, numeric

    def _table_xml(self, header: list[str], body: list[list[str]], numeric: list[bool], grid: list[int],
                   first_column_bold: bool, rating: Sequence[bool] = ()) -> Table:
        from .render import DARK, FILLS

        s = self.style
        border = s.border_color
        table_style = self._style_id(TABLE_TEXT)
        parts = [
            f"<w:tbl {nsdecls('w')}><w:tblPr><w:tblW w:w=\"{sum(grid)}\" w:type=\"dxa\"/>",
            "<w:tblBorders>"
            f"<w:top w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"{border}\"/>"
            f"<w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"{border}\"/>"
            f"<w:insideH w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"D5DBE3\"/>"
            "</w:tblBorders>",
            "<w:tblLayout w:type=\"fixed\"/>",  # schema order: tblW, tblBorders, tblLayout, tblCellMar, tblLook
            "<w:tblCellMar><w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"70\" w:type=\"dxa\"/>"
            "<w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"70\" w:type=\"dxa\"/></w:tblCellMar>",
            "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\""
            " w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
            *(f"<w:gridCol w:w=\"{w}\"/>" for w in grid),
            "</w:tblGrid>",
        ]

        openings: dict[tuple[Any, ...], str] = {}
        texts: dict[str, str] = {}

        def cell(text: str, width: int, *, right: bool, bold: bool, fill: str | None, head: bool,
                 white: bool = False) -> str:
            # a column's cells share their properties and a table repeats its texts: each made once
            key = (width, right, bold, fill, head, white)
            opening = openings.get(key)
            if opening is None:
                props = f"<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
                if head:
                    props += (f"<w:tcBorders><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"0\""
                              f" w:color=\"{border}\"/></w:tcBorders>")
                if fill:
                    props += f"<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{fill}\"/>"
                if head:
                    props += "<w:vAlign w:val=\"bottom\"/>"
                ppr = f"<w:pStyle w:val=\"{table_style}\"/>"
                if right:
                    ppr += "<w:jc w:val=\"right\"/>"
                rpr = ("<w:b/>" if bold else "") + ("<w:color w:val=\"FFFFFF\"/>" if white else "")
                rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
                opening = openings[key] = f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr>{ppr}</w:pPr><w:r>{rpr}"
            runs = texts.get(text)
            if runs is None:
                lines = text.split("\n") if text else [""]
                runs = texts[text] = "<w:br/>".join(f"<w:t xml:space=\"preserve\">{_xml_text(line)}</w:t>"
                                                    for line in lines)
            return f"{opening}{runs}</w:r></w:p></w:tc>"

        parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
        for j, name in enumerate(header):
            parts.append(cell(name, grid[j], right=numeric[j], bold=True, fill=s.header_fill, head=True))
        parts.append("</w:tr>")
        for i, row in enumerate(body):
            fill = s.band_fill if (s.band_fill and i % 2 == 1) else None
            # short rows never split across pages; a row taller than a good part of a page may, or
            # every page holding one would be left half empty
            keep = max((len(t) for t in row), default=0) < self.SPLIT_ROWS_LONGER_THAN
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" if keep else "<w:tr>")
            for j, text in enumerate(row):
                if j < len(rating) and rating[j] and text in FILLS:
                    parts.append(cell(text, grid[j], right=numeric[j], bold=text in DARK or
                                      (first_column_bold and j == 0), fill=FILLS[text], head=False,
                                      white=text in DARK))
                    continue
                parts.append(cell(text, grid[j], right=numeric[j], bold=first_column_bold and j == 0,
                                  fill=fill, head=False))
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        element = parse_xml("".join(parts))
        body_element = self.document.element.body
        body_element.sectPr.addprevious(element) if body_element.sectPr is not None else body_element.append(element)
        return Table(element, self.document._body)

    # ------------------------------------------------------------------ saving
    def _fill_toc(self) -> None:
        if self._toc is None:
            return
        placeholder, levels, _ = self._toc
        entries = [(level, text) for level, text in self.headings if level <= levels]
        if not entries:
            entries = [(1, "(no headings)")]
        anchor = placeholder
        made: list[Any] = []
        for level, text in entries:
            paragraph = placeholder.insert_paragraph_before("")
            style = self._toc_style_id(level)
            if style is not None:
                paragraph._p.style = style
            made.append((paragraph, text))
        # field begin on the first entry, end on the last
        first, first_text = made[0]
        add_field_start(first, f'TOC \\o "1-{levels}" \\h \\z \\u')
        first.add_run(first_text)
        for paragraph, text in made[1:]:
            paragraph.add_run(text)
        last = made[-1][0]
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        last.add_run()._r.append(end)
        anchor._p.getparent().remove(anchor._p)
        self._toc = None

    def save(self, path: str | Path) -> Path:
        """Write the document to ``path`` (folders are created) and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fill_toc()
        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is None:
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            # CT_Settings is a sequence: updateFields goes before these (Word refuses misordered settings)
            later = {"hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                     "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                     "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
                     "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"}
            following = next((child for child in settings if isinstance(child.tag, str)
                              and child.tag.rsplit("}", 1)[-1] in later), None)
            if following is not None:
                following.addprevious(update)
            else:
                settings.append(update)
        properties = self.document.core_properties
        properties.title = self.title
        properties.author = "mio-qual"
        properties.last_modified_by = "mio-qual"
        properties.comments = "Written by mio-qual; participants are quoted by study id and role."
        properties.created = properties.modified = source_date(self.as_of)
        properties.revision = 1
        save_stamped(_Parts(self.document), path, self.as_of)  # compressed once, there
        return Path(path)


def add_field_start(paragraph: "Paragraph", instruction: str) -> None:
    """Append the ``begin``/instruction/``separate`` part of a field that ends elsewhere."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    paragraph.add_run()._r.append(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    paragraph.add_run()._r.append(separate)


__all__ = ["ReportBuilder", "add_field", "add_field_start", "format_value", "MISSING"]

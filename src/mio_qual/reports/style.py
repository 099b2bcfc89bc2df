"""The house style of every mio-qual report: fonts, heading styles, table look, page setup.

One :class:`HouseStyle` describes the look; :func:`apply_house_style` writes it into a
python-docx document's style sheet, so that Word's and LibreOffice's style panes show real
styles (Heading 1-3, Caption, Quote, TOC 1-3, Table Text, Note) that a PI can restyle in one
place. Tables get direct formatting (header shading, borders, repeated header row) rather
than a Word table style, because table styles with conditional formatting render differently
in LibreOffice; direct formatting looks the same in both.

Fonts default to Arial, which LibreOffice replaces with the metric-compatible Liberation Sans
where Arial is missing, so line breaks and page breaks fall in the same places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document
    from docx.styles.style import BaseStyle

#: Page sizes (width, height) in centimetres, portrait.
PAGE_SIZES: dict[str, tuple[float, float]] = {"letter": (21.59, 27.94), "a4": (21.0, 29.7)}


@dataclass(frozen=True)
class HouseStyle:
    """Everything that decides how a report looks.

    Attributes
    ----------
    body_font, heading_font : str
        Font families of body text and headings.
    body_size, table_size, caption_size : float
        Point sizes of body text, table text and captions.
    heading_sizes : tuple of float
        Point sizes of Heading 1, 2 and 3.
    title_size : float
        Point size of the title on the title page.
    heading_color : str
        Hex RGB colour of headings and captions' labels.
    header_fill : str
        Hex RGB shading of table header rows.
    band_fill : str
        Hex RGB shading of every other body row ('' for none).
    border_color : str
        Hex RGB colour of table rules.
    page : str
        ``"letter"`` or ``"a4"``.
    margin_cm : float
        Page margins on every side.
    """

    body_font: str = "Arial"
    heading_font: str = "Arial"
    body_size: float = 10.0
    table_size: float = 8.5
    caption_size: float = 9.0
    heading_sizes: tuple[float, float, float] = (15.0, 12.5, 11.0)
    title_size: float = 24.0
    heading_color: str = "1F3A5F"
    header_fill: str = "DCE4EF"
    band_fill: str = "F4F6F9"
    border_color: str = "8C9BB0"
    page: str = "letter"
    margin_cm: float = 2.3
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def page_size(self) -> tuple[float, float]:
        """Portrait (width, height) of the page in centimetres."""
        return PAGE_SIZES[self.page]

    def text_width_cm(self, landscape: bool = False) -> float:
        """Width available for text between the margins."""
        width, height = self.page_size
        return (height if landscape else width) - 2 * self.margin_cm


HOUSE_STYLE = HouseStyle()

#: Names of the paragraph styles the builder uses (created here when the template lacks them).
TABLE_TEXT = "Table Text"
NOTE = "Note"
QUOTE_SOURCE = "Quote Source"
FIGURE = "Figure"
TITLE_META = "Title Meta"


def _set_fonts(rpr: object, family: str) -> None:
    """Point every script slot of an ``rPr`` at ``family`` and drop theme-font references.

    Theme attributes (``w:asciiTheme``...) win over named fonts in Word, so they must go.
    """
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme") or attribute.endswith("theme"):
            del fonts.attrib[attribute]
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), family)


def _rpr(style: "BaseStyle") -> object:
    return style.element.get_or_add_rPr()


def _paragraph_style(document: "Document", name: str, base: str = "Normal") -> "BaseStyle":
    styles = document.styles
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
        return style


def _toc_style(document: "Document", level: int, style: HouseStyle) -> None:
    """Word's built-in ``toc N`` styles (LibreOffice shows them as Contents N)."""
    name = f"toc {level}"
    styles = document.styles
    existing = [s for s in styles if s.name == name]
    if existing:
        toc = existing[0]
    else:
        toc = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        toc.base_style = styles["Normal"]
        toc.element.set(qn("w:customStyle"), "0")
    toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
    toc.paragraph_format.space_after = Pt(2)
    toc.paragraph_format.space_before = Pt(4 if level == 1 else 0)
    toc.font.size = Pt(style.body_size)
    toc.font.bold = level == 1


def apply_house_style(document: "Document", style: HouseStyle = HOUSE_STYLE) -> None:
    """Write the house style into ``document``'s style sheet and first section.

    Parameters
    ----------
    document : docx.document.Document
        A document made from python-docx's default template.
    style : HouseStyle
        The look to apply.
    """
    styles = document.styles
    color = RGBColor.from_string(style.heading_color)

    # Document defaults: every run without a style falls back on these.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, style.body_font)

    normal = styles["Normal"]
    _set_fonts(_rpr(normal), style.body_font)
    normal.font.size = Pt(style.body_size)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    for level, size in enumerate(style.heading_sizes, start=1):
        heading = styles[f"Heading {level}"]
        _set_fonts(_rpr(heading), style.heading_font)
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = color
        fmt = heading.paragraph_format
        fmt.space_before = Pt({1: 18, 2: 12, 3: 9}[level])
        fmt.space_after = Pt({1: 6, 2: 4, 3: 3}[level])
        fmt.keep_with_next = True
        fmt.keep_together = True

    title = styles["Title"]
    _set_fonts(_rpr(title), style.heading_font)
    title.font.size = Pt(style.title_size)
    title.font.color.rgb = color
    title.font.bold = True
    # The default template draws a rule under the title; the title page looks cleaner without it.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    title.paragraph_format.space_after = Pt(12)

    subtitle = styles["Subtitle"]
    _set_fonts(_rpr(subtitle), style.heading_font)
    subtitle.font.size = Pt(style.heading_sizes[1] + 1)
    subtitle.font.italic = False
    subtitle.font.color.rgb = RGBColor(0x44, 0x4C, 0x58)

    caption = styles["Caption"]
    _set_fonts(_rpr(caption), style.body_font)
    caption.font.size = Pt(style.caption_size)
    caption.font.bold = False
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0x22, 0x22, 0x22)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(4)

    quote = styles["Quote"]
    _set_fonts(_rpr(quote), style.body_font)
    quote.font.italic = False
    quote.font.size = Pt(style.body_size)
    quote.font.color.rgb = RGBColor(0x26, 0x2B, 0x33)
    quote.paragraph_format.left_indent = Cm(0.8)
    quote.paragraph_format.right_indent = Cm(0.8)
    quote.paragraph_format.space_after = Pt(0)
    quote.paragraph_format.space_before = Pt(6)
    quote.paragraph_format.keep_with_next = True

    source = _paragraph_style(document, QUOTE_SOURCE)
    source.font.size = Pt(style.caption_size)
    source.font.color.rgb = RGBColor(0x55, 0x5D, 0x6B)
    source.paragraph_format.left_indent = Cm(0.8)
    source.paragraph_format.space_after = Pt(6)
    source.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    table_text = _paragraph_style(document, TABLE_TEXT)
    table_text.font.size = Pt(style.table_size)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.space_before = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0

    note = _paragraph_style(document, NOTE)
    note.font.size = Pt(style.caption_size)
    note.font.italic = True
    note.font.color.rgb = RGBColor(0x55, 0x5D, 0x6B)
    note.paragraph_format.space_before = Pt(2)

    figure = _paragraph_style(document, FIGURE)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.keep_with_next = True
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.space_after = Pt(0)

    meta = _paragraph_style(document, TITLE_META)
    meta.font.size = Pt(style.body_size + 1)
    meta.font.color.rgb = RGBColor(0x44, 0x4C, 0x58)
    meta.paragraph_format.space_after = Pt(2)

    for name in ("List Bullet", "List Number"):
        listed = styles[name]
        listed.paragraph_format.space_after = Pt(2)

    footer = styles["Footer"]
    footer.font.size = Pt(style.caption_size)
    footer.font.color.rgb = RGBColor(0x55, 0x5D, 0x6B)

    toc_heading = styles["TOC Heading"]
    _set_fonts(_rpr(toc_heading), style.heading_font)
    toc_heading.font.color.rgb = color
    toc_heading.font.size = Pt(style.heading_sizes[0])
    for level in (1, 2, 3):
        _toc_style(document, level, style)

    section = document.sections[0]
    width, height = style.page_size
    section.page_width, section.page_height = Cm(width), Cm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(style.margin_cm))
    section.footer_distance = Cm(1.0)
    section.header_distance = Cm(1.0)


# Advance widths (1/1000 em) of printable ASCII, 32..126, in Helvetica, whose metrics Arial and
# Liberation Sans share. Used to size table columns so that no word is broken.
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 "
    "556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 "
    "611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
_WIDTHS = {False: [int(w) for w in _REGULAR.split()], True: [int(w) for w in _BOLD.split()]}


@lru_cache(maxsize=1 << 16)
def text_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """Printed width of ``text`` in Arial at ``size_pt`` points, in centimetres (non-ASCII as 0.6 em).

    Examples
    --------
    >>> round(text_width_cm("Downtown", 8.5, bold=True), 2)
    1.52
    """
    table = _WIDTHS[bold]
    units = sum(table[ord(ch) - 32] if 32 <= ord(ch) <= 126 else 600 for ch in text)
    return units / 1000 * size_pt * 2.54 / 72

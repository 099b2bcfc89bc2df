"""The report builder: house style, captions as SEQ fields, TOC, page numbers, landscape, redaction."""

from __future__ import annotations

import io
import math
import re
import zipfile

import docx
import numpy as np
import pandas as pd
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from mio_qual.reports.builder import MISSING, ReportBuilder, format_value
from mio_qual.reports.style import HOUSE_STYLE, text_width_cm


def _png(path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    FigureCanvasAgg(figure)
    figure.add_subplot(1, 1, 1).plot([0, 1], [0, 1])
    figure.savefig(path)
    return path


def _xml(path, member="word/document.xml"):
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def _instructions(path, member="word/document.xml"):
    return [" ".join(t.split()) for t in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", _xml(path, member))]


@pytest.fixture()
def built(tmp_path):
    b = ReportBuilder("Test report", redact=lambda text: text.replace("Gwen", "[name]"))
    b.title_page("Test report", "Subtitle", ["Study: sample"])
    b.toc()
    b.heading("Introduction")
    b.paragraph("Plain text with **bold words** and Gwen in it.")
    b.heading("Details", 2)
    frame = pd.DataFrame({"code": ["IS.J1", "IS.J2", "MIO.SUPV"], "name": ["Funding", "Space", "Supervision by Gwen"],
                          "kappa": [0.81234, np.nan, -0.0001], "n": [10, 20, 30]})
    first = b.table(frame, "Agreement for Gwen's codes", note="A note.")
    with b.landscape_section():
        b.heading("Wide")
        second = b.table(frame, "Same table, landscape", number_format={"kappa": "{:.3f}"})
    b.heading("Back to portrait")
    b.quote("She said Gwen protects it.", "S01, counselor, Northside (INT01)")
    figure = b.figure(_png(tmp_path / "chart.png"), "A chart")
    path = b.save(tmp_path / "out" / "report.docx")
    return b, path, (first, second, figure)


def test_headings_tables_and_cells_read_back(built):
    b, path, (first, second, figure) = built
    assert (first, second, figure) == (1, 2, 1)
    document = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Introduction"), ("Heading 2", "Details"), ("Heading 1", "Wide"),
                        ("Heading 1", "Back to portrait")]
    assert len(document.tables) == 2
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["code", "name", "kappa", "n"]
    assert [c.text for c in table.rows[1].cells] == ["IS.J1", "Funding", "0.81", "10"]
    assert table.rows[2].cells[2].text == MISSING
    assert table.rows[3].cells[2].text == "0.00"  # a rounded tiny negative is not "-0.00"
    assert document.tables[1].rows[1].cells[2].text == "0.812"
    # the header row repeats on every page
    assert table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None


def test_captions_are_numbered_seq_fields(built):
    _, path, _ = built
    document = docx.Document(str(path))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Table 1. Agreement for [name]'s codes", "Table 2. Same table, landscape", "Figure 1. A chart"]
    instructions = _instructions(path)
    assert instructions.count("SEQ Table \\* ARABIC") == 2
    assert instructions.count("SEQ Figure \\* ARABIC") == 1


def test_toc_field_lists_the_headings_and_word_is_asked_to_update(built):
    _, path, _ = built
    instructions = _instructions(path)
    assert any(i.startswith('TOC \\o "1-3"') for i in instructions)
    document = docx.Document(str(path))
    toc = [p.text for p in document.paragraphs if p.style.name.startswith("toc")]
    assert toc == ["Introduction", "Details", "Wide", "Back to portrait"]
    assert 'w:updateFields w:val="true"' in _xml(path, "word/settings.xml")


def test_page_numbers_in_footer_and_not_on_the_title_page(built):
    _, path, _ = built
    document = docx.Document(str(path))
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert document.sections[0].different_first_page_header_footer
    assert document.sections[0].first_page_footer.paragraphs[0].text == ""
    for section in document.sections[1:]:
        assert not section.different_first_page_header_footer
        assert section.footer.is_linked_to_previous


def test_landscape_section_then_portrait_again(built):
    _, path, _ = built
    document = docx.Document(str(path))
    orientations = [s.orientation for s in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    wide = document.sections[1]
    assert wide.page_width > wide.page_height
    # the landscape table is as wide as the landscape text width (twips)
    grid = [int(c.get(qn("w:w"))) for c in document.tables[1]._tbl.tblGrid.findall(qn("w:gridCol"))]
    expected = HOUSE_STYLE.text_width_cm(landscape=True) * 566.929
    assert abs(sum(grid) - expected) <= 1
    grid0 = [int(c.get(qn("w:w"))) for c in document.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid0) - HOUSE_STYLE.text_width_cm() * 566.929) <= 1


def test_everything_written_is_redacted(built):
    _, path, _ = built
    text = "\n".join(_xml(path, name) for name in ("word/document.xml", "docProps/core.xml"))
    assert "Gwen" not in text
    assert text.count("[name]") >= 4  # paragraph, table cell, caption, quote


def test_house_style_fonts_have_no_theme_fonts(built):
    _, path, _ = built
    styles = _xml(path, "word/styles.xml")
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S).group(0)
    assert 'w:ascii="Arial"' in heading and "asciiTheme" not in heading
    document = docx.Document(str(path))
    assert document.styles["Normal"].font.name == "Arial"


def test_wide_table_turns_landscape_by_itself(tmp_path):
    b = ReportBuilder("wide")
    b.heading("Narrow")
    b.table(pd.DataFrame({"a": [1], "b": [2]}), "Narrow table")
    wide = pd.DataFrame({f"Participants{i}": [i] for i in range(10)})
    b.table(wide, "Ten long headers")
    b.paragraph("after")
    path = b.save(tmp_path / "wide.docx")
    document = docx.Document(str(path))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE,
                                                          WD_ORIENT.PORTRAIT]


def test_big_table_is_written_whole(tmp_path):
    frame = pd.DataFrame({"id": [f"U{i}" for i in range(3000)], "value": np.arange(3000) / 7})
    b = ReportBuilder("big")
    b.table(frame, "Three thousand rows")
    path = b.save(tmp_path / "big.docx")
    table = docx.Document(str(path)).tables[0]
    assert len(table.rows) == 3001
    assert table.rows[3000].cells[0].text == "U2999"
    assert table.rows[3000].cells[1].text == f"{2999 / 7:.2f}"


def test_control_characters_do_not_break_the_document(tmp_path):
    b = ReportBuilder("x")
    b.table(pd.DataFrame({"text": ["bell\x07 and form\x0c feed", "line one\nline two"]}), "Odd text")
    path = b.save(tmp_path / "odd.docx")
    cells = [r.cells[0].text for r in docx.Document(str(path)).tables[0].rows]
    assert cells[1] == "bell and form feed"
    assert cells[2] == "line one\nline two"


@pytest.mark.parametrize("value, fmt, expected", [
    (0.81234, None, "0.81"), (0.81234, "{:.3f}", "0.812"), (0.256, "{:.1%}", "25.6%"), (12, None, "12"),
    (float("nan"), None, MISSING), (None, None, MISSING), (pd.NA, None, MISSING), (True, None, "yes"),
    (np.float64(1.5), None, "1.50"), (np.int64(7), None, "7"), ("text", None, "text"),
    (-0.004, None, "0.00"), (-0.5, None, "-0.50"), (math.inf, None, "\u221e"),
])
def test_format_value(value, fmt, expected):
    assert format_value(value, fmt) == expected


def test_text_width_uses_arial_metrics():
    # Helvetica/Arial bold advance widths: D 722, o 611, w 778, n 611, t 333 (1/1000 em)
    units = 722 + 611 + 778 + 611 + 333 + 611 + 778 + 611
    assert text_width_cm("Downtown", 8.5, bold=True) == pytest.approx(units / 1000 * 8.5 / 72 * 2.54)
    assert text_width_cm("il", 10) < text_width_cm("WM", 10)


def test_xml_in_schema_order(built):
    _, path, _ = built
    document = _xml(path)
    table_properties = re.search(r"<w:tblPr>(.*?)</w:tblPr>", document).group(1)
    order = re.findall(r"<w:(tblW|tblBorders|tblLayout|tblCellMar|tblLook)\b", table_properties)
    assert order == ["tblW", "tblBorders", "tblLayout", "tblCellMar", "tblLook"]
    settings = re.findall(r"<w:(\w+)", _xml(path, "word/settings.xml"))
    assert settings.index("updateFields") < settings.index("compat")


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, i.compress_type, archive.read(i)) for i in archive.infolist()]


def test_saved_package_is_python_docx_own_parts_compressed_once(tmp_path, monkeypatch):
    from mio_qual.reports.builder import _Parts

    b = ReportBuilder("Parts", redact=lambda text: text)
    b.title_page("Parts", "of a package")
    b.toc()
    b.heading("A table")
    b.table(pd.DataFrame({"code": ["IS.J1", "IS.J2"], "kappa": [0.5, 0.75]}), "Two codes")
    b.figure(_png(tmp_path / "chart.png"), "A chart")
    own = io.BytesIO()
    b.document.save(own)  # python-docx's own package: the parts, their order and bytes
    ours = _Parts(b.document).members()
    assert ours == [(n, data) for n, _, data in _members(own.getvalue())]
    # saving compresses each part once (it was compressed by python-docx, read back and compressed again)
    made = []
    original = zipfile._get_compressor
    monkeypatch.setattr(zipfile, "_get_compressor", lambda *a: made.append(a) or original(*a))
    path = b.save(tmp_path / "parts.docx")
    written = _members(path.read_bytes())
    assert sum(kind == zipfile.ZIP_DEFLATED for kind, *_ in made) == len(written) == len(ours)
    assert {kind for _, kind, _ in written} == {zipfile.ZIP_DEFLATED}
    assert [n for n, _, _ in written] == [n for n, _ in ours]
    assert docx.Document(str(path)).tables[0].rows[2].cells[1].text == "0.75"


def test_cells_repeat_their_properties_and_text_exactly(tmp_path):
    # each column's cell properties and each distinct text are made once per table: every cell still carries
    # its own (banding alternates, rating fills by value, line breaks, escaping)
    frame = pd.DataFrame({"code": ["A<1>", "A<1>", "B & C", "A<1>"], "rating": ["+2", "-2", "+2", "0"],
                          "note": ["one\ntwo", "one\ntwo", "", "x"], "n": [1, 2, 1, 1]})
    b = ReportBuilder("cells")
    b.table(frame, "Repeats", rating_columns=["rating"], first_column_bold=True)
    path = b.save(tmp_path / "cells.docx")
    rows = docx.Document(str(path)).tables[0].rows
    assert [[c.text for c in r.cells] for r in rows[1:]] == [
        ["A<1>", "+2", "one\ntwo", "1"], ["A<1>", "-2", "one\ntwo", "2"], ["B & C", "+2", "", "1"],
        ["A<1>", "0", "x", "1"]]
    fills = [[c._tc.tcPr.find(qn("w:shd")) for c in r.cells] for r in rows[1:]]
    shade = [[None if f is None else f.get(qn("w:fill")) for f in row] for row in fills]
    assert shade[0][0] is None and shade[1][0] == shade[3][0] is not None  # bands on every other row
    assert shade[0][1] == shade[2][1] != shade[1][1]  # +2 and -2 filled by valence
    bold = [[c.paragraphs[0].runs[0].bold for c in r.cells] for r in rows[1:]]
    assert all(row[0] for row in bold) and not bold[0][3]

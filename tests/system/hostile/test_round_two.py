"""Hostile input, round two (issue 20): tables, XML and Word files that broke a promise.

Each case states the promise it checks: refused with a one-line message naming the file
(exit 2 through the CLI: :class:`InputError`), the project unchanged, and resources bounded
by a mechanism (rows read, columns, unpacked bytes, nesting depth) rather than by a time.
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mio_qual import tabular
from mio_qual.errors import InputError
from mio_qual.xmlsafe import MAX_DEPTH, XMLRefused, parse_bytes

from helpers import project_state
from helpers.coding import make_project


@pytest.fixture()
def small(tmp_path):
    project = make_project(tmp_path / "p")
    yield project
    project.close()


def one_line_naming(error: InputError, path: Path) -> bool:
    text = str(error)
    return "\n" not in text and str(path) in text


def rewrite_member(path: Path, name: str, change) -> None:
    """Rewrite one member of a zip (an .xlsx or .docx) through ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    members[name] = change(members[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)


def sheet(path: Path, rows, *, title="codings", hidden=()) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for name in hidden:
        other = book.create_sheet(name)
        other.append(["transcript_id", "segment_id", "code"])
        other.append(["T01", "T01:t1", "IS.J2"])
        other.sheet_state = "hidden"
    book.save(path)
    return path


# ---------------------------------------------------------------- declared used range
def test_a_declared_used_range_of_the_whole_sheet_reads_only_the_rows_present(tmp_path):
    """5 KB declaring A1:XFD1048576 made openpyxl pad every row to 16,384 cells and 1,048,576 rows."""
    path = sheet(tmp_path / "huge-range.xlsx", [["transcript_id", "segment_id", "code"], ["T01", "T01:t1", "IS.J2"]])
    rewrite_member(path, "xl/worksheets/sheet1.xml",
                   lambda data: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data))
    with tabular.open_workbook(path, what="coding sheet") as book:
        rows = list(tabular.sheet_rows(book.worksheets[0], path=path, what="coding sheet"))
    assert rows == [("transcript_id", "segment_id", "code"), ("T01", "T01:t1", "IS.J2")]


def test_a_cell_on_the_last_row_stops_reading_at_the_row_bound(tmp_path):
    """Rows the file skips are yielded one by one: the bound on rows read stops the walk."""
    path = sheet(tmp_path / "far.xlsx", [["transcript_id", "segment_id", "code"]])
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda data: data.replace(
        b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    with tabular.open_workbook(path, what="coding sheet") as book:
        rows = tabular.sheet_rows(book.worksheets[0], path=path, what="coding sheet", max_rows=1000)
        with pytest.raises(InputError, match="more than 1,000 rows") as caught:
            for _ in rows:
                pass
    assert one_line_naming(caught.value, path)


def test_a_cell_far_to_the_right_is_refused_before_a_row_of_16384_cells_is_used(tmp_path):
    path = sheet(tmp_path / "wide.xlsx", [["transcript_id", "segment_id", "code"]])
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda data: data.replace(
        b"</sheetData>", b'<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    with tabular.open_workbook(path, what="coding sheet") as book:
        with pytest.raises(InputError, match="column XFD"):
            list(tabular.sheet_rows(book.worksheets[0], path=path, what="coding sheet"))


def test_a_shared_strings_bomb_is_refused_from_the_archive_directory(tmp_path, monkeypatch):
    """The unpacked size of sharedStrings.xml is bounded before openpyxl reads a byte of it."""
    path = sheet(tmp_path / "strings.xlsx", [["transcript_id", "segment_id", "code"], ["T01", "T01:t1", "IS.J2"]])
    strings = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               b"<si><t>" + b"x" * 5000 + b"</t></si></sst>")
    with zipfile.ZipFile(path, "a") as archive:  # a parts list openpyxl ignores; the bound reads the directory
        archive.writestr("xl/sharedStrings.xml", strings)
    size = len(strings)
    monkeypatch.setattr(tabular, "MAX_SHARED_STRINGS_BYTES", size - 1)
    with pytest.raises(InputError, match="sharedStrings.xml unpacks to") as caught:
        with tabular.open_workbook(path, what="coding sheet"):
            pass
    assert one_line_naming(caught.value, path)
    monkeypatch.setattr(tabular, "MAX_SHARED_STRINGS_BYTES", size)
    with tabular.open_workbook(path, what="coding sheet"):
        pass


def test_a_manifest_of_100000_columns_is_refused_by_its_width(tmp_path):
    """It took 176 s (quadratic); the width bound refuses it after one read of the file."""
    path = tmp_path / "manifest.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "file"] + [f"x{i}" for i in range(100_000)])
        writer.writerow(["T01", "t01.txt"] + [""] * 100_000)
    with pytest.raises(InputError, match="more than the 1,000 columns") as caught:
        tabular.read_csv_rows(path, what="manifest")
    assert one_line_naming(caught.value, path)


# ---------------------------------------------------------------- coding sheets
def test_two_code_columns_are_refused_not_one_dropped(small, tmp_path):
    path = tmp_path / "casey.csv"
    path.write_text("transcript_id,segment_id,code,code\nT01,T01:t1,IS.J2,IS.A3\n")
    state = project_state(small.folder)
    with pytest.raises(InputError, match=r"two 'code' columns \(C and D\)") as caught:
        small.import_coding_sheets([path], coder="casey")
    assert one_line_naming(caught.value, path)
    assert project_state(small.folder) == state


def test_a_hidden_sheet_is_refused_naming_it(small, tmp_path):
    """Its rows would have been imported although the coder never saw them."""
    path = sheet(tmp_path / "casey.xlsx", [["transcript_id", "segment_id", "code"], ["T01", "T01:t2", "IS.J2"]],
                 hidden=["old"])
    state = project_state(small.folder)
    with pytest.raises(InputError, match="hidden sheet.*'old'") as caught:
        small.import_coding_sheets([path], coder="casey")
    assert one_line_naming(caught.value, path)
    assert project_state(small.folder) == state


# ---------------------------------------------------------------- XML
def test_nesting_deeper_than_the_bound_is_refused_not_a_recursion_error():
    deep = b"<a>" + b"<b>" * 5000 + b"</b>" * 5000 + b"</a>"
    with pytest.raises(XMLRefused, match="nested more than") as caught:
        parse_bytes(deep)
    assert caught.value.hostile
    ok = b"<a>" + b"<b>" * (MAX_DEPTH - 2) + b"</b>" * (MAX_DEPTH - 2) + b"</a>"
    assert parse_bytes(ok).tag == "a"


@pytest.mark.parametrize("doc, hostile", [
    (b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', True),
    (b'<!DOCTYPE a [<!ENTITY l0 "lol">' + b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10)
                                                    for i in range(1, 10)) + b"]><a>&l9;</a>", True),
    (b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>', True),
    (b"<a><b></a>", False),
    (b"", False),
])
def test_entities_dtds_and_damage_are_refused(doc, hostile):
    with pytest.raises(XMLRefused) as caught:
        parse_bytes(doc)
    assert caught.value.hostile is hostile


def test_5000_nested_hyperlinks_in_word_comments_are_a_clean_refusal(small, tmp_path):
    """Each case as a user meets it: a coded .docx, its body nested 5,000 w:hyperlink deep."""
    from mio_qual.coding.word import read_word_file

    path = tmp_path / "T01.docx"
    small.export_docx("T01", path)
    nest = b"<w:hyperlink>" * 5000 + b"<w:r><w:t>x</w:t></w:r>" + b"</w:hyperlink>" * 5000
    rewrite_member(path, "word/document.xml", lambda data: data.replace(b"</w:body>", b"<w:p>" + nest + b"</w:p></w:body>"))
    with pytest.raises(InputError, match="nested more than") as caught:
        read_word_file(path)
    assert one_line_naming(caught.value, path)


def test_5000_nested_codes_in_a_qdc_are_a_problem_not_a_crash(tmp_path):
    from mio_qual.codebook.qdc import read_qdc_books

    path = tmp_path / "deep.qdc"
    path.write_bytes(b'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                     + b'<Code guid="x" name="c" isCodable="true">' * 5000 + b"</Code>" * 5000 + b"</Codes></CodeBook>")
    books = read_qdc_books(path)
    problems = [p for book in books for p in book.problems]
    assert problems and "nested more than" in str(problems[0])


# ---------------------------------------------------------------- Word transcripts
def test_a_huge_picture_in_a_word_transcript_is_refused_from_the_archive_directory(tmp_path, monkeypatch):
    """A 22 MB .docx holding a 900 MiB picture imported at 1.9 GB peak: each part is now bounded unread."""
    import docx

    from mio_qual import safezip
    from mio_qual.transcripts import read_transcript

    path = tmp_path / "T02.docx"
    document = docx.Document()
    document.add_paragraph("INTERVIEWER: How is the room?")
    document.add_paragraph("P1: Quiet.")
    document.save(path)
    with zipfile.ZipFile(path, "a") as archive:  # a picture part of 3 MiB (stands for 900 MiB)
        archive.writestr("word/media/image1.png", bytes(range(256)) * (3 << 12))
    monkeypatch.setattr(safezip, "DOCX_MAX_MEMBER_BYTES", 2 << 20)
    from mio_qual.transcripts import docx as docx_reader

    monkeypatch.setattr(docx_reader, "DOCX_MAX_MEMBER_BYTES", 2 << 20)
    with pytest.raises(InputError, match="image1.png' unpacks to 3 MiB") as caught:
        read_transcript(path)
    assert one_line_naming(caught.value, path)
    monkeypatch.setattr(docx_reader, "DOCX_MAX_MEMBER_BYTES", 4 << 20)
    assert "Quiet." in read_transcript(path).text


# ---------------------------------------------------------------- the whole CLI, memory measured
def _range_bomb(path: Path, header: list[str], row: list[str]) -> Path:
    """5 KB declaring A1:XFD1048576, a cell far right and one on the last row (the issue's MemoryError file)."""
    sheet(path, [header, row])
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda data: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    return path


@pytest.mark.parametrize("args, header, row", [
    (["coding", "import", "{path}", "--coder", "ana"], ["transcript_id", "segment_id", "code"], ["T01", "T01:t1", "IS.J2"]),
    (["import", "--manifest", "{path}", "{folder}"], ["transcript_id", "file"], ["T01", "T01.txt"]),
    (["ratings", "import", "{path}", "--rater", "ana"], ["case_id", "construct", "rating"], ["north", "IS.J2", "+1"]),
    (["quant", "import", "{path}"], ["clinic", "measure", "value"], ["north", "fim", "4"]),
])
def test_a_declared_whole_sheet_range_is_refused_under_a_memory_bound(small, tmp_path, args, header, row):
    """MemoryError at 3 GB (coding import, import --manifest), hangs over 300 s (ratings, quant import)."""
    from helpers.hostile_run import run_cli_child

    path = _range_bomb(tmp_path / "bomb.xlsx", header, row)
    small.close()
    state = project_state(small.folder)
    args = [a.format(path=path, folder=tmp_path) for a in args]
    outcome = run_cli_child(small.folder, args, tmp_path / "rss")
    assert not outcome.hung
    assert outcome.returncode == 2, outcome.stderr
    first = outcome.stderr.splitlines()[0]  # one line (a list of problems may follow it)
    assert "bomb.xlsx" in first and "internal error" not in first and "Traceback" not in outcome.stderr
    assert outcome.peak_rss_mib < 1024
    assert project_state(small.folder) == state

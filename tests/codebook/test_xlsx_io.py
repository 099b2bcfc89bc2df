"""Codebooks kept as Excel workbooks: files written by LibreOffice and by openpyxl, compared with
the same table read as CSV and with the workbook's XML read by the standard library."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from helpers import REPO
from mio_qual.codebook import CodebookError, load_codebooks, to_csv, validate_codebook
from mio_qual.codebook.mapping import read_mapping

LIBREOFFICE = REPO / "tests" / "data" / "interop" / "libreoffice"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_cells(path: Path, sheet_xml: str) -> list[list[str]]:
    """The text of each row of one worksheet of an .xlsx, read with zipfile and ElementTree."""
    with zipfile.ZipFile(path) as archive:
        strings = ["".join(t.text or "" for t in si.iter(f"{MAIN}t"))
                   for si in ET.fromstring(archive.read("xl/sharedStrings.xml")).iter(f"{MAIN}si")]
        root = ET.fromstring(archive.read(sheet_xml))
    rows = []
    for row in root.iter(f"{MAIN}row"):
        cells: dict[int, str] = {}
        for c in row.iter(f"{MAIN}c"):  # empty cells are left out: place each by its reference (B3)
            column = ord(c.get("r", "A")[0]) - ord("A")
            v = c.find(f"{MAIN}v")
            text = "" if v is None else v.text or ""
            cells[column] = strings[int(text)] if c.get("t") == "s" else text
        rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    return rows


def test_a_codebook_written_by_libreoffice_is_read_from_its_codebook_sheet() -> None:
    path = LIBREOFFICE / "team_codebook.xlsx"
    cb = load_codebooks([path])
    # The first sheet is "About"; the codes are on the second, named Codebook (sheet2.xml).
    rows = sheet_cells(path, "xl/worksheets/sheet2.xml")
    header, body = rows[0], [r for r in rows[1:] if any(r)]
    expected = [dict(zip(header, r)) for r in body]
    assert [c.id for c in cb] == [r["id"] for r in expected]
    assert [c.name for c in cb] == [r["name"] for r in expected]
    assert [c.parent for c in cb] == [r["parent"] or None for r in expected]
    assert cb["SUPERVISION"].name == "Supervisión bilingüe"
    # Two paragraphs in a cell are one text, as in a CSV cell; lists split on ';'.
    assert cb["TURNOVER"].definition == "Clinicians leaving the clinic. Includes planned departures."
    assert cb["TURNOVER"].keywords == ("quit*", "left the clinic")
    assert cb["TURNOVER"].aliases == ("Leaving",)
    # codable: "no" and the number 0 are folders; "yes" and empty are codable.
    assert [c.id for c in cb if not c.codable] == ["STAFF", "WAIT"]
    assert cb.infos["team_codebook"].path == str(path)


def test_the_same_table_as_csv_gives_the_same_codebook_and_version(tmp_path: Path) -> None:
    path = LIBREOFFICE / "team_codebook.xlsx"
    cb = load_codebooks([path])
    out = tmp_path / "team_codebook.csv"
    to_csv(cb, out)
    back = load_codebooks([out])
    assert back.version == cb.version
    assert [c.to_dict() | {"line": None} for c in back] == [c.to_dict() | {"line": None} for c in cb]
    assert cb.resolve("space for sessions") == "ROOM"


def test_problems_in_a_libreoffice_workbook_name_the_sheet_and_row() -> None:
    path = LIBREOFFICE / "bad_codebook.xlsx"
    problems = validate_codebook(path)
    assert [(p.kind, p.sheet, p.line) for p in problems] == [
        ("bad-value", "Sheet1", 2),  # a formula
        ("bad-value", "Sheet1", 3),  # codable 'maybe'
        ("unknown-parent", "Sheet1", 3),  # STAFF's row was refused
        ("duplicate-id", "Sheet1", 5),  # 'room' after 'ROOM'
    ]
    formula = problems[0]
    assert "formula" in formula.message and "CONCATENATE" in formula.message
    assert "Who delivers" not in formula.message  # the value LibreOffice cached is never used
    assert str(formula).startswith(f"{path} (sheet 'Sheet1', row 2): ")
    assert "(sheet 'Sheet1', row 4)" in problems[3].message
    with pytest.raises(CodebookError) as info:
        load_codebooks([path])
    assert "first: sheet 'Sheet1', row 2:" in info.value.hint


def _workbook(path: Path, rows: list[list[object]], *, before: str | None = "Instructions",
              title: str = "Codebook") -> Path:
    book = openpyxl.Workbook()
    first = book.active
    if before:
        first.title = before
        first.append(["Notes for coders", "not a codebook"])
        sheet = book.create_sheet(title)
    else:
        first.title = title
        sheet = first
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_bundled_codebook_written_to_a_workbook_by_openpyxl_keeps_its_version(tmp_path: Path) -> None:
    cb = load_codebooks(["cfir2"])
    rows = list(csv.reader(io.StringIO(to_csv(cb))))
    path = _workbook(tmp_path / "cfir2 copy.xlsx", [[cell.lstrip("'") if cell.startswith("'=") else cell
                                                     for cell in row] for row in rows])
    back = load_codebooks([path])
    assert back.version == cb.version
    assert len(back) == len(cb)


def test_typed_cells_and_a_first_sheet_without_a_codebook_name(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "typed.xlsx", [
        [None],  # the header may come after an empty row
        ["ID", "Name", "Codable", "Keywords"],
        ["TOP", "Top", False, None],
        ["A1", 2024, True, "one; two"],
        ["A2", "Formula", None, "=A4"],
    ], before=None, title="Sheet1")
    problems = validate_codebook(path)
    assert [(p.kind, p.sheet, p.line) for p in problems] == [("bad-value", "Sheet1", 5)]
    assert "'keywords' holds a formula ('=A4')" in problems[0].message
    path.unlink()
    path = _workbook(path, [["ID", "Name", "Codable"], ["TOP", "Top", False], ["A1", 2024, True]],
                     before=None, title="Sheet1")
    cb = load_codebooks([path])
    assert [(c.id, c.name, c.codable) for c in cb] == [("TOP", "Top", False), ("A1", "2024", True)]


@pytest.mark.parametrize("data, expected", [
    (b"not a zip at all", "not a readable codebook .xlsx file"),
    (b"", "codebook .xlsx"),
])
def test_a_damaged_workbook_is_one_problem_naming_the_file(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "codes.xlsx"
    path.write_bytes(data)
    problems = validate_codebook(path)
    assert len(problems) == 1 and problems[0].path == str(path)
    assert expected in problems[0].message


def test_an_empty_sheet_and_missing_columns(tmp_path: Path) -> None:
    empty = _workbook(tmp_path / "empty.xlsx", [], before=None, title="Codebook")
    assert [(p.kind, p.sheet) for p in validate_codebook(empty)] == [("bad-structure", "Codebook")]
    no_name = _workbook(tmp_path / "no_name.xlsx", [["id", "label"], ["A", "a"]])
    kinds = [(p.kind, p.line) for p in validate_codebook(no_name)]
    assert kinds == [("unknown-field", 1), ("bad-structure", 1)]


def test_a_mapping_sheet_written_by_libreoffice_is_read_from_its_mapping_sheet() -> None:
    path = LIBREOFFICE / "team_to_cfir2.xlsx"
    mapping = read_mapping(path, load_codebooks(["cfir2"]))
    assert [(r.source, r.target, r.review) for r in mapping.rows] == [
        ("ROOM", "IS.J2", False), ("Waiting list", "IS.J", True), ("Staffing > Staff turnover", "", False)]
    assert [r.line for r in mapping.rows] == [2, 3, 4]


def test_a_mapping_sheet_with_a_formula_or_a_bad_target_names_sheet_and_row(tmp_path: Path) -> None:
    from mio_qual.errors import InputError

    cfir2 = load_codebooks(["cfir2"])
    path = _workbook(tmp_path / "map.xlsx", [["from_code", "to_code"], ["ROOM", "=B3"], ["WAIT", "IS.J"]],
                     title="Mapping")
    with pytest.raises(InputError) as info:
        read_mapping(path, cfir2)
    assert "sheet 'Mapping' row 2: cell B2 holds a formula ('=B3')" in str(info.value)
    path.unlink()
    path = _workbook(path, [["from_code", "to_code"], ["ROOM", "Nowhere at all"]], title="Mapping")
    with pytest.raises(InputError) as info:
        read_mapping(path, cfir2)
    assert "sheet 'Mapping' row 2: to_code 'Nowhere at all'" in str(info.value)


def test_a_parent_typed_once_in_a_merged_cell_is_every_row_s_parent() -> None:
    """A coordinator merged the parent column over the study codes (C3:C8, a blank row inside):
    LibreOffice keeps the value in C3 only, and every code below it was read as top-level."""
    path = LIBREOFFICE / "merged_parent_codebook.xlsx"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    merges = [m.get("ref") for m in ET.fromstring(xml).iter(f"{MAIN}mergeCell")]
    assert merges == ["C3:C8"]
    rows = sheet_cells(path, "xl/worksheets/sheet1.xml")
    assert [r[2] if len(r) > 2 else "" for r in rows[2:8]] == ["HV", "", "", "", "", ""]  # the file's own cells
    cb = load_codebooks(["cfir2", path])
    study = [c for c in cb if c.codebook == "merged_parent_codebook"]
    assert [(c.id, c.parent) for c in study] == [("HV", None), ("Rooms", "HV"), ("SCHED", "HV"), ("supv", "HV"),
                                                 ("TURNOVER", "HV"), ("CW", "HV")]  # the blank row 5 stays blank
    assert cb["supv"].refines == ("IS.K",)

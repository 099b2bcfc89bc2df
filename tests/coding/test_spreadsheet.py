"""Coding sheets (.csv/.xlsx): rows by segment id, offsets or quote; bad rows; formulas; export."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

from mio_qual.errors import InputError

from helpers import project_state
from helpers.coding import make_project


@pytest.fixture()
def small(tmp_path):
    project = make_project(tmp_path)
    yield project
    project.close()


def _memo(value):
    return None if pd.isna(value) else value


def _xlsx(path, header, rows, sheet="codings", extra_sheets=()):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    for name, cells in extra_sheets:
        other = book.create_sheet(name)
        for row in cells:
            other.append(row)
    book.save(path)
    return path


def test_rows_by_segment_id_offsets_and_quote(small, tmp_path):
    text = small.text("T01")
    sentences = small.sentences("T01")
    turns = small.turns("T01")
    s2 = sentences.iloc[1]
    t4 = turns.iloc[3]
    gwen = text.index("Gwen protects it")
    room = text.index("The room is great")
    path = _xlsx(tmp_path / "casey.xlsx",
                 ["Transcript ID", "Segment ID", "Start", "End", "Quote", "Codes", "Memo"],
                 [["T01", s2["segment_id"], None, None, None, "IS.J2", None],
                  [None, "T01:t4", None, None, None, "mio.supv; Space", "whole turn"],
                  ["T01", None, gwen, gwen + 16, "Gwen protects it", "IS.A3", None],
                  ["T01", None, None, None, 'the family room is "perfect" -- jose\u0301', "IS.J2", None],
                  ["T01", "t4", None, None, "the room", "IS.D2", "in the segment"]],
                 extra_sheets=[("notes", [["anything"], ["here"]])])
    result = small.import_coding_sheets([path], coder="casey")
    assert result.inserted == 6
    got = sorted((r.start, r.end, r.code, _memo(r.memo)) for r in small.codings(coder="casey").itertuples())
    family = text.index("The family room")
    want = sorted([
        (int(s2["start"]), int(s2["end"]), "IS.J2", None),
        (int(t4["body_start"]), int(t4["end"]), "MIO.SUPV", "whole turn"),  # a turn's speech, not its label
        (int(t4["body_start"]), int(t4["end"]), "IS.J2", "whole turn"),
        (gwen, gwen + 16, "IS.A3", None),
        (family, text.index(" painted"), "IS.J2", None),
        (room, room + 8, "IS.D2", "in the segment"),  # "the room" occurs twice; the segment decides
    ])
    assert got == want


def test_csv_rows_and_coder_column(small, tmp_path):
    text = small.text("T01")
    path = tmp_path / "T01_sheet.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["segment_id", "code", "coder", "quote"])
        writer.writerow(["T01:s1", "IS.J2", "ann", ""])
        writer.writerow(["", "IS.A3", "bob", "Gwen protects it"])  # transcript from the file name
    result = small.import_coding_sheets([path])
    assert {f["coder"]: f["codings"] for f in result.files} == {"ann": 1, "bob": 1}
    bob = small.codings(coder="bob").iloc[0]
    assert text[bob["start"]:bob["end"]] == "Gwen protects it"


def test_bad_rows_are_reported_with_sheet_row_and_column_and_nothing_is_written(small, tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", ["transcript_id", "segment_id", "code"], [["T01", "T01:s1", "IS.J2"]])
    small.import_coding_sheets([good], coder="casey")
    before = project_state(small.folder)
    bad = _xlsx(tmp_path / "bad.xlsx", ["transcript_id", "segment_id", "start", "end", "quote", "code"], [
        ["T01", "T01:x9", None, None, None, "IS.J2"],                 # row 2: not a segment id
        ["T01", None, 50, 20, None, "IS.J2"],                         # row 3: end before start
        ["T01", None, None, None, "the room", "IS.J2"],               # row 4: ambiguous quote
        ["T01", None, None, None, "no such words here", "IS.J2"],     # row 5: not found
        ["T99", "T99:s1", None, None, None, "IS.J2"],                 # row 6: unknown transcript
        ["T01", "T01:s1", None, None, None, "IS.J9; Spce"],           # row 7: two unknown codes
        ["T01", "T01:s1", None, None, None, None],                    # row 8: no code
        ["T01", "T01:s999", None, None, None, "IS.J2"],               # row 9: no such sentence
        ["T01", None, 0, 5, "wrong words", "IS.J2"],                  # row 10: offsets disagree with quote
    ])
    with pytest.raises(InputError) as info:
        small.import_coding_sheets([bad, good], coder="casey")
    details = info.value.details
    where = [d.split(":")[0] for d in details]
    assert where == [
        "bad.xlsx, sheet 'codings', row 2, column B 'segment_id'",
        "bad.xlsx, sheet 'codings', row 3, column D 'end'",
        "bad.xlsx, sheet 'codings', row 4, column E 'quote'",
        "bad.xlsx, sheet 'codings', row 5, column E 'quote'",
        "bad.xlsx, sheet 'codings', row 6, column A 'transcript_id'",
        "bad.xlsx, sheet 'codings', row 7, column F 'code'",
        "bad.xlsx, sheet 'codings', row 7, column F 'code'",
        "bad.xlsx, sheet 'codings', row 8, column F 'code'",
        "bad.xlsx, sheet 'codings', row 9, column B 'segment_id'",
        "bad.xlsx, sheet 'codings', row 10, column E 'quote'",
    ]
    assert "occurs 2 times" in details[2] and "did you mean" in details[5]
    assert project_state(small.folder) == before
    result = small.import_coding_sheets([bad, good], coder="casey", skip_problems=True)
    assert len(result.skipped) == 10 and (result.inserted, result.unchanged) == (0, 1)  # good.xlsx as before


def test_formula_cells_are_refused(small, tmp_path):
    path = _xlsx(tmp_path / "f.xlsx", ["transcript_id", "start", "end", "code"],
                 [["T01", 0, "=2+3", "IS.J2"], ["T01", 0, 5, '=CONCAT("IS.", "J2")']])
    with pytest.raises(InputError) as info:
        small.import_coding_sheets([path], coder="casey")
    assert [d.split(":")[0] for d in info.value.details] == ["f.xlsx, sheet 'codings', row 2, column C 'end'",
                                                             "f.xlsx, sheet 'codings', row 3, column D 'code'"]
    assert all("formula cell" in d for d in info.value.details)
    csv_path = tmp_path / "f.csv"
    csv_path.write_text("transcript_id,start,end,code\nT01,0,5,=HYPERLINK(\"x\")\n", encoding="utf-8")
    with pytest.raises(InputError, match="formula cell"):
        small.import_coding_sheets([csv_path], coder="casey")


def test_no_code_column_is_a_clear_error(small, tmp_path):
    path = _xlsx(tmp_path / "x.xlsx", ["transcript", "words"], [["T01", "hello"]])
    with pytest.raises(InputError, match="no sheet has a 'code' column"):
        small.import_coding_sheets([path], coder="casey")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_layer(small, tmp_path, fmt):

    text = small.text("T01")
    rows = [["T01", None, None, None, "Tell me", "IS.J2", "'=looks like a formula"],
            ["T01", None, None, None, "\u201cperfect\u201d \u2014 Jos\u00e9", "MIO.REC; IS.D2", "-dash memo"],
            ["T01", "T01:t4", None, None, None, "MIO.SUPV", None]]
    source = _xlsx(tmp_path / "in.xlsx", ["transcript_id", "segment_id", "start", "end", "quote", "codes", "memo"],
                   rows)
    small.import_coding_sheets([source], coder="casey")
    before = sorted((r.start, r.end, r.code, _memo(r.memo)) for r in small.codings(coder="casey").itertuples())
    out = small.export_layer(tmp_path / f"casey.{fmt}", coder="casey")
    if fmt == "xlsx":
        cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row]
        assert "'=looks like a formula" in cells and "'-dash memo" in cells  # neutralized, not formulas
    small.delete_layer("casey")
    small.import_coding_sheets([out], coder="casey")
    after = sorted((r.start, r.end, r.code, _memo(r.memo)) for r in small.codings(coder="casey").itertuples())
    assert after == before and len(after) == 4
    assert {m for *_, m in after} == {None, "=looks like a formula", "-dash memo"}
    assert text[before[0][0]:before[0][1]] in ("Tell me", "\u201cperfect\u201d \u2014 Jos\u00e9")


def test_an_emptied_sheet_imported_again_removes_what_it_brought(small, tmp_path):
    path = tmp_path / "T01_sheet.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["segment_id", "code", "coder"])
        writer.writerow(["T01:s1", "IS.J2", "ann"])
        writer.writerow(["T01:s1", "IS.A3", "bob"])
    small.import_coding_sheets([path])
    assert len(small.codings(coder="ann")) == 1 and len(small.codings(coder="bob")) == 1
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["segment_id", "code", "coder"])  # the coder deleted every row
    result = small.import_coding_sheets([path])
    assert result.removed == 2
    assert small.codings(coder="ann").empty and small.codings(coder="bob").empty


def test_a_bad_cell_names_its_column_by_the_header_the_file_has(small, tmp_path):
    # newuser2 B10: a sheet headed 'code' was told "column C (codes)", the reader's name for the role
    path = tmp_path / "casey.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Transcript ID", "Segment", " Code ", "Notes"])
        writer.writerow(["T01", "T01:s1", "MIO.SUPERV", ""])
        writer.writerow(["T99", "T99:s1", "IS.J2", ""])
    with pytest.raises(InputError) as info:
        small.import_coding_sheets([path], coder="casey")
    assert [d.split(": ")[0] for d in info.value.details] == ["casey.csv, row 2, column C 'Code'",
                                                               "casey.csv, row 3, column A 'Transcript ID'"]

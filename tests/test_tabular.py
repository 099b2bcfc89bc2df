"""mio_qual.tabular: what every .csv/.xlsx table reader shares (here: cells merged over rows)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from mio_qual.tabular import merged_down, open_workbook, sheet_rows


def _book(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["transcript_id", "code", "quote"],
                ["INT01", "IS.J2", "the rooms"],        # A2:A4 merged: INT01 for three rows
                [None, "IS.K", "supervision"],
                [None, "IS.A3", "the schedule"],
                ["INT02", "OS.E", "the caseworker"],     # A5:A7 merged, row 6 blank beside it
                [None, None, None],
                [None, "IND.A", "the director"],
                ["INT03", "IS.J1", "billing"],           # A8:B9 merged (openpyxl empties B8): first column only
                [None, None, "after the grant"]]:
        sheet.append(row)
    for ref in ("A2:A4", "A5:A7", "A8:B9", "C1:C1"):
        sheet.merge_cells(ref)
    book.save(path)
    return path


def test_a_cell_merged_over_rows_is_read_in_each_row_that_holds_anything(tmp_path: Path) -> None:
    path = _book(tmp_path / "coding.xlsx")
    with open_workbook(path, what="coding sheet") as book:
        sheet = book.worksheets[0]
        assert merged_down(sheet, path=path, what="coding sheet") == {2: [(0, 4)], 5: [(0, 7)], 8: [(0, 9)]}
        values = list(sheet_rows(sheet, path=path, what="coding sheet"))
        cells = list(sheet_rows(sheet, path=path, what="coding sheet", values_only=False))
    assert values == [("transcript_id", "code", "quote"), ("INT01", "IS.J2", "the rooms"),
                      ("INT01", "IS.K", "supervision"), ("INT01", "IS.A3", "the schedule"),
                      ("INT02", "OS.E", "the caseworker"), (), ("INT02", "IND.A", "the director"),
                      ("INT03", None, "billing"), ("INT03", None, "after the grant")]
    # as cells: the merged value at its own row (readers number rows from the cells) and type
    assert [[getattr(c, "value", None) for c in row] for row in cells] == [list(v) for v in values]
    assert [row[0].row for row in cells if row] == [1, 2, 3, 4, 5, 7, 8, 9]
    assert {row[0].data_type for row in cells if row} == {"s"}


def test_a_sheet_without_merged_cells_reads_as_before(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["a", None, "c"])
    book.active.append([None, None, None])
    book.active.append([1, 2])
    book.save(tmp_path / "plain.xlsx")
    with open_workbook(tmp_path / "plain.xlsx", what="table") as opened:
        sheet = opened.worksheets[0]
        assert merged_down(sheet, path=tmp_path / "plain.xlsx", what="table") == {}
        assert list(sheet_rows(sheet, path=tmp_path / "plain.xlsx", what="table")) == [("a", None, "c"), (), (1, 2)]

"""The rating worksheet's scale (Damschroder & Lowery 2013; X opt-in), its linked column and its quote column."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from mio_qual.mixed.worksheet import SCALE_TEXT, WORKSHEET_COLUMNS, scale_text
from mio_qual.reports.worksheet import write_worksheet
from helpers.mixed import write_ratings_csv


def test_the_scale_rates_mixed_evidence_zero_and_offers_x_only_when_asked(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert [v for v, _ in SCALE_TEXT] == ["+2", "+1", "0", "-1", "-2", "(empty)"]
    assert "mixed" in dict(SCALE_TEXT)["0"] and "Damschroder & Lowery 2013" in dict(SCALE_TEXT)["0"]
    assert [v for v, _ in scale_text(mixed_x=True)] == ["+2", "+1", "0", "-1", "-2", "X", "(empty)"]
    plain = load_workbook(write_worksheet(study.rating_worksheet(), tmp_path / "a", "lee", docx=False)[0])
    assert [v.formula1 for v in plain["ratings"].data_validations.dataValidation] == ['"-2,-1,0,+1,+2"']
    about = {r[0]: r[1] for r in plain["about"].iter_rows(values_only=True) if r and r[0]}
    assert "X" not in about and "Departure" not in about
    assert about["links"].startswith("Evidence: the coding of each construct itself")
    with_x = load_workbook(write_worksheet(study.rating_worksheet(mixed_x=True), tmp_path / "b", "lee",
                                           docx=False)[0])
    assert [v.formula1 for v in with_x["ratings"].data_validations.dataValidation] == ['"-2,-1,0,+1,+2,X"']
    about = {r[0]: r[1] for r in with_x["about"].iter_rows(values_only=True) if r and r[0]}
    assert "extension" in about["X"] and "do not use" in about["Departure"]
    linked = load_workbook(write_worksheet(study.rating_worksheet(links=True), tmp_path / "c", "lee", docx=False)[0])
    about = {r[0]: r[1] for r in linked["about"].iter_rows(values_only=True) if r and r[0]}
    assert about["MIO.SUPV -> IS.K"].startswith("Ongoing consultation and supervision")
    assert [c.value for c in linked["ratings"][1]] == WORKSHEET_COLUMNS


def test_x_is_named_in_the_note_and_the_import_error_only_when_offered(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """New-user walk: the about note and the import error offered "X (mixed)" on a worksheet made without X."""
    import pytest

    from mio_qual.errors import InputError

    for mixed_x, folder in ((False, "plain"), (True, "with-x")):
        path = write_worksheet(study.rating_worksheet(mixed_x=mixed_x), tmp_path / folder, "lee", docx=False)[0]
        book = load_workbook(path)
        about = {r[0]: r[1] for r in book["about"].iter_rows(values_only=True) if r and r[0]}
        assert ("X (mixed)" in about["Note"]) is mixed_x
        assert "use -2, -1, 0, +1, +2" in about["Note"]
        sheet = book["ratings"]
        sheet.cell(2, WORKSHEET_COLUMNS.index("rating") + 1).value = "+3"
        book.save(path)
        with pytest.raises(InputError) as error:
            study.import_ratings(path, "lee")
        expected = "(use -2, -1, 0, +1, +2, X (mixed) or leave" if mixed_x else "(use -2, -1, 0, +1, +2 or leave"
        assert expected in " ".join([str(error.value), *error.value.details])


def test_x_is_named_on_import_and_a_pinned_quote_round_trips(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = study.import_ratings(write_ratings_csv(tmp_path / "r.csv", {"IS.J2": {"north": "X", "west": "+1"}}),
                                  "lee")
    assert result.warnings and "extension to Damschroder & Lowery (2013)" in result.warnings[0]
    path = write_worksheet(study.rating_worksheet(), tmp_path / "ws", "kim", docx=False)[0]
    book = load_workbook(path)
    sheet = book["ratings"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if (row[header.index("case_id")].value, row[header.index("construct")].value) == ("north", "IS.J2"):
            row[header.index("rating")].value = "+2"
            row[header.index("quote")].value = "  a private   family room "
    book.save(path)
    assert study.import_ratings(path).warnings == []
    kim = study.ratings(raters="kim").set_index(["case_id", "construct"])
    assert kim.at[("north", "IS.J2"), "quote"] == "a private family room"
    assert kim["quote"].notna().sum() == 1

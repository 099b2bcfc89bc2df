"""Rating worksheets go through the project's one redactor (issue 19): a transcript id that holds a roster name
prints as a neutral id, --mask-sites prints clinics and agencies as stable labels, the filled worksheet imports
back to the real cases, and the same project writes the same bytes."""

from __future__ import annotations

import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from helpers.mixed import make_study
from helpers.reports import document_text

FOLLOW_UP = "I: Anything to add?\nR: Renata Solis kept the family room booked at north.\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("ws")
    p = make_study(root)
    extra = root / "extra"
    extra.mkdir()
    (extra / "Renata_Solis_followup.txt").write_text(FOLLOW_UP, encoding="utf-8")
    p.import_transcripts([extra / "Renata_Solis_followup.txt"])
    yield p
    p.close()


def _cells(path: Path) -> str:
    """Every text a worksheet shows: each cell of each sheet, or each paragraph and table cell of the document."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        text = "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    else:
        text = document_text(path)
    with zipfile.ZipFile(path) as package:  # and the document properties
        text += package.read("docProps/core.xml").decode("utf-8")
    return unicodedata.normalize("NFC", text)


def test_transcript_ids_with_names_are_neutral_and_import_back(project, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    files = project.write_rating_worksheets(tmp_path / "w", ["kim"], by="transcript").files
    assert {f.suffix for f in files} == {".xlsx", ".docx"}
    for path in files:
        text = _cells(path)
        assert "Renata" not in text and "Solis" not in text, path.name
    book = load_workbook(files[0])
    sheet = book["ratings"]
    header = [c.value for c in sheet[1]]
    ids = {row[header.index("case_id")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    label = project.masked_case_ids()["transcript"]
    assert list(label.values()) == ["Renata_Solis_followup"]
    (neutral,) = [k for k, v in label.items() if v == "Renata_Solis_followup"]
    assert neutral in ids and "Renata_Solis_followup" not in ids
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("case_id")].value == neutral:
            row[header.index("rating")].value = "+1"
    book.save(files[0])
    project.import_ratings(files[0], "kim")
    stored = project.ratings("kim", by="transcript")
    rated = stored[stored["rating"].notna()]
    assert set(rated["case_id"]) == {"Renata_Solis_followup"}


def test_mask_sites_labels_clinics_and_imports_back(project, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    files = project.write_rating_worksheets(tmp_path / "m", ["lee"], by="clinic", mask_sites=True).files
    for path in files:
        text = _cells(path).casefold()
        for site in ("north", "west", "east", "south", "river", "harbor", "renata"):
            assert site not in text, (path.name, site)
    book = load_workbook(files[0])
    sheet = book["ratings"]
    header = [c.value for c in sheet[1]]
    assert {row[header.index("case_id")] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "clinic A", "clinic B", "clinic C", "clinic D"}
    for row in sheet.iter_rows(min_row=2):
        row[header.index("rating")].value = "-1" if row[header.index("case_id")].value == "clinic B" else None
    book.save(files[0])
    project.import_ratings(files[0], "lee")
    stored = project.ratings("lee", by="clinic")
    assert set(stored.loc[stored["rating"].notna(), "case_id"]) == {"north"}  # sorted: east A, north B


def test_worksheets_are_byte_reproducible(project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = project.write_rating_worksheets(tmp_path / "a", ["kim"], by="clinic").files
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400 * 3)  # zip entries would carry another day
    second = project.write_rating_worksheets(tmp_path / "b", ["kim"], by="clinic").files
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name

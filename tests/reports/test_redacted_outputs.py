"""Every output goes through the project's one redactor: reconciliation sheet and handout, reports, name review."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mio_qual.coding.model import Coding

RAW = ("INTERVIEWER: How is supervision?\n\n"
       "jose: Supervision is protected. Gwen\u2019s rule. Gwen protects it. Hollis Tran runs the group in June.\n\n"
       "INTERVIEWER: Anyone else?\n\n"
       "jose: Margaret from Riverbend helps. Ask Dr. Okonkwo.\n")
# the roster as macOS may save it: decomposed accents, a straight apostrophe
ROSTER = unicodedata.normalize("NFD", "transcript_id,speaker_label,study_id,role,aliases\n"
                                      "*,jose,S01,counselor,\n"
                                      "*,Gwen Harlow,S02,supervisor,Gwen; O'Hara\n"
                                      "*,Hollis Tran,S03,director,Hollis; June\n")


@pytest.fixture()
def named(tmp_path: Path):
    from mio_qual import Project

    project = Project.create(tmp_path / "study")
    source = tmp_path / "Hollis_Tran_interview.txt"
    source.write_text(RAW, encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    project.import_transcripts([source], roster=roster)
    yield project
    project.close()


def _xml_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_project_redactor_names_ids_and_optional_sites(named) -> None:
    (tid,) = named.texts()
    assert tid == "Hollis_Tran_interview"
    redactor = named.redactor()
    assert "jose" in redactor.names  # a lower-case roster label with no alias is collected
    assert redactor(f"{tid}: Jose said Gwen\u2019s rule") == "T01: [name] said [name]\u2019s rule"
    assert named.redactor(mask_sites=False)("Riverbend") == "Riverbend"


def test_reconciliation_sheet_and_handout_are_redacted_and_import_back(named, tmp_path: Path) -> None:
    text = named.text("Hollis_Tran_interview")
    start = text.index("Gwen protects")
    end = start + len("Gwen protects it.")
    named.write_codings([Coding("Hollis_Tran_interview", start, end, "IS.J2", "ann")], coder="ann")
    named.write_codings([Coding("Hollis_Tran_interview", start, end, "IND.A", "bob")], coder="bob")
    result = named.reconcile(coders=("ann", "bob"), out=tmp_path / "rec")
    xlsx, docx = result.files
    book = openpyxl.load_workbook(xlsx)
    sheet = book["decisions"]
    assert sheet["D2"].value == "[name] protects it."
    assert "Gwen" not in _xml_text(docx) and "[name] protects it." in _xml_text(docx)
    sheet["G2"] = "keep B"
    book.save(xlsx)
    done = named.import_decisions(xlsx)  # the redacted text still identifies the passage
    assert (done.decided, done.inserted) == (1, 1)
    shown = named.reconcile(coders=("ann", "bob"), out=tmp_path / "rec2", show_names=True)
    assert openpyxl.load_workbook(shown.files[0])["decisions"]["D2"].value == "Gwen protects it."


def test_name_review_of_the_project(named) -> None:
    review = named.name_review().frame
    assert dict(zip(review["word"], review["why"])) == {
        "Okonkwo": "follows a title", "Margaret": "first name",
        "Riverbend": "capitalised mid-sentence (a name or a place?)", "June": "roster alias left as an ordinary word"}
    # "Anyone" opening a sentence was listed while the word list was the lemma table alone (session 6: fuller list)
    assert review.loc[review["word"] == "June", "example"].item() == "[name] runs the group in June."

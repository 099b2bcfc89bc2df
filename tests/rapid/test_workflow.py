"""Rapid analysis on a project: templates written, filled in Word, imported, replaced, refused."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import SAMPLE, project_state
from helpers.rapid import fill_template

from mio_qual.errors import InputError

FILLED = {"FIT": ("Fits the family focus.", "t38\nMIO is slow"), "PEOPLE": ("Director protects time.", "t10"),
          "OTHER": ("n/a", "")}


def _document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_a_template_per_transcript_with_segment_ids_and_no_names(two_transcripts, tmp_path):
    written = two_transcripts.write_rapid_templates(tmp_path / "out", summarizer="kai")
    assert sorted(p.name for p in written) == ["INT01_rapid_kai.docx", "INT06_rapid_kai.docx"]
    xml = _document_text(tmp_path / "out" / "INT01_rapid_kai.docx")
    assert "Renata" not in xml and "Gwen" not in xml  # roster names of INT01 are redacted
    assert "[name]" in xml and "t38" in xml and "S01 (counselor)" in xml
    assert "Need, fit and priority" in xml and "IS.E, IS.F, IS.G, IS.H" in xml


def test_filled_templates_come_back_with_their_quotes(two_transcripts, tmp_path):
    path, = two_transcripts.write_rapid_templates(tmp_path, ["INT01"], summarizer="kai")
    fill_template(path, FILLED)
    result = two_transcripts.import_rapid([path])
    assert result.frame()[["transcript_id", "summarizer", "filled", "quotes", "replaced"]].values.tolist() == \
        [["INT01", "kai", 3, 3, False]]
    quotes = two_transcripts.rapid_quotes("kai").set_index(["domain", "n"])
    assert quotes.loc[("FIT", 2), "text"] == "MIO is slow"
    assert quotes.loc[("FIT", 1), "segment_id"] == "INT01:t38"
    assert quotes.loc[("FIT", 1), "text"].startswith("It fits really well.")  # from the words, not the label
    stored = two_transcripts.rapid_summaries("kai").set_index("domain")["summary"]
    assert stored["FIT"] == "Fits the family focus." and stored["MIO"] == "" and len(stored) == 10


def test_importing_again_replaces_and_never_doubles(two_transcripts, tmp_path):
    path, = two_transcripts.write_rapid_templates(tmp_path, ["INT01"], summarizer="kai")
    fill_template(path, FILLED)
    two_transcripts.import_rapid([path])
    fill_template(path, {"FIT": ("Changed my mind.", "")})
    again = two_transcripts.import_rapid([path])
    assert again.files[0]["replaced"] is True
    stored = two_transcripts.rapid_summaries("kai")
    assert len(stored) == 10 and stored.set_index("domain").at["FIT", "summary"] == "Changed my mind."
    assert two_transcripts.rapid_quotes("kai").empty


def test_a_bad_file_leaves_the_project_as_it_was(two_transcripts, tmp_path):
    good, = two_transcripts.write_rapid_templates(tmp_path / "a", ["INT01"], summarizer="kai")
    bad, = two_transcripts.write_rapid_templates(tmp_path / "b", ["INT06"], summarizer="kai")
    fill_template(good, FILLED)
    fill_template(bad, {"FIT": ("Words nobody said.", "we had a swimming pool")}, drop="OTHER")
    before = project_state(two_transcripts.folder)
    with pytest.raises(InputError) as caught:
        two_transcripts.import_rapid([good, bad])
    assert "INT06_rapid_kai.docx" in str(caught.value)
    details = "\n".join(caught.value.details)
    assert "'we had a swimming pool' is not in transcript INT06" in details
    assert "domain row(s) missing: OTHER" in details
    assert project_state(two_transcripts.folder) == before


def test_two_files_for_one_summary_and_unknown_transcripts_are_refused(two_transcripts, tmp_path):
    path, = two_transcripts.write_rapid_templates(tmp_path / "a", ["INT01"], summarizer="kai")
    fill_template(path, FILLED)
    copy = tmp_path / "copy.docx"
    shutil.copyfile(path, copy)
    with pytest.raises(InputError, match="are both kai's summary of INT01"):
        two_transcripts.import_rapid([path, copy])
    with pytest.raises(InputError, match="not a rapid-analysis template"):
        two_transcripts.import_rapid([SAMPLE / "INT01_northside_counselor.docx"])
    from docx import Document

    document = Document(str(copy))
    document.tables[0].rows[0].cells[1].text = "INT99"
    document.save(str(copy))
    with pytest.raises(InputError, match="transcript 'INT99', which is not in this project"):
        two_transcripts.import_rapid([copy])


def test_a_filled_template_is_never_overwritten(two_transcripts, tmp_path):
    path, = two_transcripts.write_rapid_templates(tmp_path, ["INT01"], summarizer="kai")
    fill_template(path, FILLED)
    before = path.read_bytes()
    with pytest.raises(InputError, match="exist already"):
        two_transcripts.write_rapid_templates(tmp_path, ["INT01"], summarizer="kai")
    assert path.read_bytes() == before
    two_transcripts.write_rapid_templates(tmp_path, ["INT01"], summarizer="kai", force=True)
    assert path.read_bytes() != before


def test_the_sample_s_summaries_compare_and_feed_a_matrix(two_transcripts):
    files = sorted((SAMPLE / "rapid").glob("*.docx"))
    imported = two_transcripts.import_rapid([f for f in files if "consensus" not in f.name])
    assert imported.n_files == 4
    with pytest.raises(InputError, match="no consensus"):
        two_transcripts.rapid_matrix("clinic")
    compared = two_transcripts.rapid_compare(["kai", "remy"]).tables[0].frame.set_index("domain")
    assert compared.loc["OUTSIDE", ["both", "only_kai"]].tolist() == [1, 1]  # remy left INT01's outer setting empty
    assert compared.loc["OTHER", ["both", "only_remy"]].tolist() == [1, 1]  # kai wrote n/a for INT06
    assert compared["to_decide"].sum() == 20
    two_transcripts.import_rapid([f for f in files if "consensus" in f.name])
    assert two_transcripts.rapid_compare(["kai", "remy"]).tables[0].frame["to_decide"].sum() == 0
    wide = two_transcripts.rapid_matrix("clinic").tables[0].frame.set_index("clinic")
    assert wide.loc["downtown", "transcripts"] == "INT06"
    assert wide.loc["northside", "FIT Need, fit and priority"].startswith("[INT01] Strong fit")


def test_consensus_templates_show_both_summaries(two_transcripts, tmp_path):
    two_transcripts.import_rapid(sorted((SAMPLE / "rapid").glob("INT0?_rapid_[kr]*.docx")))
    written = two_transcripts.write_rapid_templates(tmp_path, consensus_of=["kai", "remy"])
    assert [p.name for p in written] == ["INT01_rapid_consensus.docx", "INT06_rapid_consensus.docx"]
    xml = _document_text(written[0])
    assert "Summaries so far" in xml and "kai: Sees MIO as the missing piece" in xml
    assert "remy: Counselor values MIO" in xml


def test_the_study_report_section_says_what_the_project_did(two_transcripts):
    from mio_qual.reports.builder import ReportBuilder
    from mio_qual.reports.rapid import rapid_method, write_rapid

    assert two_transcripts.rapid_report_data() is None
    files = sorted((SAMPLE / "rapid").glob("*.docx"))
    two_transcripts.import_rapid([f for f in files if "consensus" not in f.name])
    data = two_transcripts.rapid_report_data()
    assert data.matrix is None and "no consensus" in data.unsettled
    assert "by 2 summarizer(s); no consensus summary was written. No matrix is shown" in rapid_method(data)
    two_transcripts.import_rapid([f for f in files if "consensus" in f.name])
    two_transcripts.import_codings([SAMPLE / "coding" / "jordan" / "INT01.docx"], coder="jordan")
    data = two_transcripts.rapid_report_data("jordan")
    text = rapid_method(data)
    assert "summarised 2 transcript(s) under the 10 domains" in text
    assert "by 2 summarizer(s) and reconciled into a consensus summary per transcript" in text
    builder = ReportBuilder("study")
    write_rapid(builder, data)
    assert [c[2] for c in builder.captions] == [
        "Rapid analysis matrix by clinic", "Rapid summaries by domain: kai and remy",
        "Constructs found by rapid analysis and by coding (coding layer jordan)"]


def test_rapid_summaries_feed_the_rating_worksheets(two_transcripts, tmp_path):
    from openpyxl import load_workbook

    two_transcripts.import_codings([SAMPLE / "coding" / "jordan" / "INT01.docx"], coder="jordan")
    assert two_transcripts.rating_worksheet("clinic", coder="jordan").rapid_source == ""
    files = sorted((SAMPLE / "rapid").glob("*.docx"))
    two_transcripts.import_rapid([f for f in files if "consensus" not in f.name])
    unsettled = two_transcripts.rating_worksheet("clinic", coder="jordan")
    assert unsettled.rapid_source.startswith("rapid summaries not shown: transcript INT01 has summaries by kai, remy")
    assert (unsettled.rows["rapid_summaries"] == "").all()
    two_transcripts.import_rapid([f for f in files if "consensus" in f.name])
    sheet = two_transcripts.rating_worksheet("clinic", coder="jordan")
    rows = sheet.rows.set_index(["case_id", "construct"])["rapid_summaries"]
    resources = [c for c in rows.loc["northside"].index if c.startswith("IS.J")]
    assert resources and rows[("northside", resources[0])] == (
        "[INT01 RESOURCES] Protected weekly supervision, private family room, fixed MIO block, manageable caseload.")
    assert all(text.startswith("[INT06 ") for text in rows.loc["downtown"] if text)
    written = two_transcripts.write_rating_worksheets(tmp_path, ["lee"]).files
    about = dict(load_workbook(next(p for p in written if p.suffix == ".xlsx"))["about"].iter_rows(values_only=True))
    assert about["rapid analysis"].startswith("rapid-analysis summaries per transcript")


def test_an_id_holding_a_name_is_shown_neutral_and_imports_back(tmp_path):
    """A template of ``Hollis_Tran_interview`` is filed and headed under its neutral id; the
    filled file, citing segments by that id, imports onto the stored transcript."""
    from mio_qual import Project

    source = tmp_path / "src"
    source.mkdir()
    (source / "Hollis_Tran_interview.txt").write_text(
        "I: Tell me about supervision.\n\nR: Hollis Tran ran the group until March.\n\n"
        "I: And the room?\n\nR: The family room stayed booked.\n", encoding="utf-8")
    (source / "roster.csv").write_text("transcript_id,speaker_label,study_id,role,aliases\n"
                                       "Hollis_Tran_interview,I,IV1,interviewer,\n"
                                       "Hollis_Tran_interview,R,S90,counselor,Hollis Tran; Hollis\n",
                                       encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_transcripts([source / "Hollis_Tran_interview.txt"], roster=source / "roster.csv")
    neutral = project.redactor()("Hollis_Tran_interview")
    assert neutral != "Hollis_Tran_interview" and "Hollis" not in neutral
    path, = project.write_rapid_templates(tmp_path / "out", summarizer="kai")
    assert path.name == f"{neutral}_rapid_kai.docx"
    xml = _document_text(path)
    assert "Hollis" not in xml and f">{neutral}<" in xml  # the about table names the neutral id
    fill_template(path, {"FIT": ("Supervision was led by a counselor.", f"{neutral}:t2"),
                         "PEOPLE": ("The room was kept.", "t4")})
    result = project.import_rapid([path])
    assert result.frame()["transcript_id"].tolist() == ["Hollis_Tran_interview"]
    quotes = project.rapid_quotes("kai").set_index("domain")
    assert quotes.loc["FIT", "segment_id"] == "Hollis_Tran_interview:t2"
    assert quotes.loc["PEOPLE", "text"] == "The family room stayed booked."
    project.close()


def test_a_quote_copied_with_a_redacted_name_binds_to_the_name(two_transcripts, tmp_path):
    """The template shows [name] where the transcript has a roster name; a summarizer copies it with the
    placeholder. The quote binds to the transcript's offsets, the name's own span included."""
    import re

    path, = two_transcripts.write_rapid_templates(tmp_path, ["INT01"], summarizer="kai")
    text = two_transcripts.text("INT01")
    shown = two_transcripts.redactor()(text)
    at = shown.index("[name]")
    quote = " ".join(shown[max(0, at - 30):at + 30].split()[1:-1])  # whole words around the first placeholder
    assert "[name]" in quote
    fill_template(path, {"FIT": ("A name in it.", quote), "PEOPLE": ("n/a", ""), "OTHER": ("n/a", "")})
    two_transcripts.import_rapid([path])
    stored = two_transcripts.rapid_quotes("kai")
    start, end = int(stored["quote_start"].iloc[0]), int(stored["quote_end"].iloc[0])
    original = text[start:end]
    assert "[name]" not in original and re.search(r"\b(Renata|Gwen)", original)  # the roster's names of INT01
    assert " ".join(two_transcripts.redactor()(original).split()) == quote
    assert stored["text"].iloc[0] == two_transcripts.redactor()(original)  # shown redacted again


def test_listed_summaries_name_nobody_unless_the_lead_asks(two_transcripts, tmp_path):
    """`rapid summaries` printed what summarizers wrote, names included (session 7): now redacted like the matrix;
    --show-names lists them as written."""
    import csv
    import io

    from helpers.cli import run_captured

    path, = two_transcripts.write_rapid_templates(tmp_path, ["INT01"], summarizer="kai")
    fill_template(path, {"FIT": ("Renata Solis says it fits; Gwen agrees.", ""), "PEOPLE": ("n/a", ""),
                         "OTHER": ("n/a", "")})
    two_transcripts.import_rapid([path])
    listing = two_transcripts.show_rapid_summaries("kai")
    assert list(listing.columns) == ["summarizer", "transcript_id", "domain", "summary", "source_file"]
    shown = listing.set_index("domain")
    assert shown.at["FIT", "summary"] == "[name] says it fits; [name] agrees."
    named = two_transcripts.show_rapid_summaries("kai", show_names=True).set_index("domain")
    assert named.at["FIT", "summary"] == "Renata Solis says it fits; Gwen agrees."
    code, out, err = run_captured(two_transcripts.folder, "rapid", "summaries", "--format", "csv")
    assert code == 0, err
    rows = {r["domain"]: r["summary"] for r in csv.DictReader(io.StringIO(out))}
    assert rows["FIT"] == "[name] says it fits; [name] agrees." and "Renata" not in out and "Gwen" not in out
    code, out, _ = run_captured(two_transcripts.folder, "rapid", "summaries", "--format", "csv", "--show-names")
    assert code == 0 and "Renata Solis says it fits; Gwen agrees." in out

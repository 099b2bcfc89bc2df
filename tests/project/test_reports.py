"""Project.report: one clear error for an option the report kind does not take; the agreement method's counts."""

from __future__ import annotations

import pytest

from mio_qual import Project
from mio_qual.errors import InputError


def test_an_unknown_report_option_is_one_clear_error(tmp_path) -> None:
    # it used to be Python's TypeError from report_joint(); nothing may be written
    project = Project.create(tmp_path / "p")
    with pytest.raises(InputError, match=r"report\('joint'\) takes no option 'outcom' \(write outcome; it takes "):
        project.report("joint", tmp_path / "joint.docx", outcom="fidelity")
    with pytest.raises(InputError, match=r"report\('study'\) takes no option 'no_charts' \(write charts=False;"):
        project.report("study", tmp_path / "study.docx", no_charts=True)
    assert not list(tmp_path.glob("*.docx"))


def test_the_agreement_method_counts_only_transcripts_both_coders_saw(tmp_path) -> None:
    # a transcript only ann coded (bob never saw it) gives no unit; the method said "in the three transcripts"
    from helpers.agreement import make_coded_project

    from mio_qual.coding.model import Coding
    from mio_qual.reports.documents import agreement_method

    project = make_coded_project(tmp_path)
    (tmp_path / "INT03.txt").write_text("I: Anything else?\nR: The state pays late.\n", encoding="utf-8")
    project.import_transcripts([tmp_path / "INT03.txt"])
    start = project.text("INT03").index("The state pays late.")
    project.write_codings([Coding("INT03", start, start + 20, "OS.F", "ann")], coder="ann", source_file="INT03-ann")
    data = project.agreement_data(["ann", "bob"], unit="sentence")
    assert data.n_transcripts == 2
    assert "in the two transcripts the coders coded" in agreement_method(data)
    project.close()


def test_name_review_leaves_out_the_projects_own_clinics_and_agencies(tmp_path) -> None:
    # a coordinator's review list opened with 'Lakeside' and 'Millbrook', the study's clinics (from the manifest)
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "INT01.txt").write_text("I: Where do you work?\n\nR: Lakeside. Wrenna runs it. Millbrook has the "
                                      "room.\n", encoding="utf-8")
    (folder / "INT02.txt").write_text("I: And you?\n\nR: Harborview pays. Millbrook is near.\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("transcript_id,file,agency,clinic\nINT01,INT01.txt,Harborview,Lakeside\n"
                                         "INT02,INT02.txt,Harborview,Millbrook\n", encoding="utf-8")
    project = Project.create(tmp_path / "p")
    project.import_transcripts([folder], manifest=folder / "manifest.csv")
    words = project.name_review().frame["word"].tolist()
    assert "Wrenna" in words
    assert not {"Lakeside", "Millbrook", "Harborview"} & set(words)
    project.close()

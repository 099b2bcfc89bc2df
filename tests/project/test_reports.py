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


# ---------------------------------------------------------------- a study report reads each input once (issue 21)
def _study(folder, *, quant: bool = False, ratings: bool = False):
    from helpers.reports import make_study

    project = make_study(folder)
    if quant:
        path = folder / "reach.csv"
        path.write_text("clinic,agency,eligible,enrolled\nnorthside,riverbend,30,12\ndowntown,harbor,20,5\n",
                        encoding="utf-8")
        project.import_quant(path)
    if ratings:
        for rater, first in (("riley", "+1"), ("sam", "-1")):
            path = folder / f"ratings_{rater}.csv"
            path.write_text(f"case_id,construct,rating,rationale\nnorthside,IS.J1,{first},room\n"
                            "downtown,IS.J1,-1,none\n", encoding="utf-8")
            project.import_ratings(path, rater)
    return project


def _counting(monkeypatch, owner, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_study_report_asks_for_aim2_only_when_the_project_holds_some(tmp_path, monkeypatch) -> None:
    """Without outcomes, SIC activities or strategies the Aim 2 data would be empty tables the report drops: it is
    not computed; with an outcome dataset it is, once."""
    bare = _study(tmp_path / "bare")
    assert not bare._aim2_recorded()
    dropped = bare.aim2_data()  # what the report would have computed: the report's rule drops all of it
    assert not len(dropped.outcomes) and dropped.sic is None and dropped.strategies is None
    asked = _counting(monkeypatch, Project, "aim2_data")
    bare.report_study(tmp_path / "bare-out" / "study.docx", charts=False)
    assert asked == []
    bare.close()
    held = _study(tmp_path / "held", quant=True)
    assert held._aim2_recorded()
    sites = _counting(monkeypatch, Project, "_sites")
    held.report_study(tmp_path / "held-out" / "study.docx", charts=False)
    assert asked == [1]
    assert sites == [1]  # outcomes, RE-AIM, predictors and timelines share one reading of the clinics
    assert held.sites() == {"downtown": "harbor", "northside": "riverbend"}
    held.close()


def test_a_study_report_builds_its_redactor_once(tmp_path, monkeypatch) -> None:
    """The disagreements and the document share the report's redactor when the options are the same; the names
    it hides are read once however many redactors the options need."""
    from mio_qual import deidentify

    project = _study(tmp_path / "study")
    built = _counting(monkeypatch, deidentify, "make_redactor")
    named = _counting(monkeypatch, deidentify, "known_names")
    project.report_study(tmp_path / "out" / "study.docx", charts=False)
    assert built == [1] and named == [1]
    built.clear(); named.clear()
    project.report_study(tmp_path / "out2" / "study.docx", charts=False, redact=["toys"], mask_sites=True)
    assert built == [1, 1] and named == [1]  # the disagreements' (roster) and the document's (+ toys, sites)
    outside = project.redactor()
    assert outside is not project.redactor()  # outside a report each call builds its own
    assert outside("Renata met Gwen") == "[name] met Gwen"
    project.close()


def test_aim3_facts_in_a_study_report_come_from_the_facts_it_read(tmp_path, monkeypatch) -> None:
    """With ratings the report's Aim 3 methods facts use the layers' facts the report already grouped, and equal
    the facts read outside a report."""
    from mio_qual.store import summary

    project = _study(tmp_path / "study", ratings=True)
    outside = project.aim3_facts()
    grouped = _counting(monkeypatch, summary, "coding_facts")
    with project._reading_once():
        inside = project.aim3_facts()
        project.project_facts()
    assert grouped == [1]
    assert inside == outside
    grouped.clear()
    project.report_study(tmp_path / "out" / "study.docx", charts=False)
    assert grouped == [1]
    project.close()

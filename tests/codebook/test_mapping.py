"""Mapping a coding layer to another codebook with a mapping sheet; merging and renaming codes; the
CFIR 2009 -> CFIR 2022 crosswalk shipped as a mapping sheet."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mio_qual import Project
from mio_qual.codebook import load_codebooks
from mio_qual.codebook.mapping import bundled_mappings, read_mapping
from mio_qual.coding import Coding
from mio_qual.errors import InputError

#: The constructs and subconstructs of the original CFIR (Damschroder et al. 2009, Table 1), with
#: the two groups the CFIR's guide later added under Engaging (Key Stakeholders, Innovation Participants).
CFIR_2009 = [
    "Intervention Source", "Evidence Strength & Quality", "Relative Advantage", "Adaptability", "Trialability",
    "Complexity", "Design Quality & Packaging", "Cost",
    "Patient Needs & Resources", "Cosmopolitanism", "Peer Pressure", "External Policy & Incentives",
    "Structural Characteristics", "Networks & Communications", "Culture", "Implementation Climate",
    "Tension for Change", "Compatibility", "Relative Priority", "Organizational Incentives & Rewards",
    "Goals & Feedback", "Learning Climate", "Readiness for Implementation", "Leadership Engagement",
    "Available Resources", "Access to Knowledge & Information",
    "Knowledge & Beliefs about the Intervention", "Self-efficacy", "Individual Stage of Change",
    "Individual Identification with Organization", "Other Personal Attributes",
    "Planning", "Engaging", "Opinion Leaders", "Formally Appointed Internal Implementation Leaders", "Champions",
    "External Change Agents", "Key Stakeholders", "Innovation Participants", "Executing", "Reflecting & Evaluating",
]

OLD_BOOK = """\
codebook: cfir2009
title: Original CFIR (a study's own copy)
codes:
  - id: IC
    name: Intervention Characteristics
    children:
      - id: IC.A
        name: Intervention Source
      - id: IC.F
        name: Complexity
  - id: ISET
    name: Inner Setting
    children:
      - id: ISET.B
        name: Networks & Communications
  - id: OSET
    name: Outer Setting
    children:
      - id: OSET.C
        name: Peer Pressure
  - id: LOCAL
    name: A local code
"""


@pytest.fixture(scope="module")
def cfir2():
    return load_codebooks(["cfir2"])


def test_crosswalk_names_every_2009_construct_and_every_target_resolves(cfir2) -> None:
    path = bundled_mappings()["cfir2009_cfir2"]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted({r["from_code"] for r in rows}) == sorted(CFIR_2009)
    mapping = read_mapping("cfir2009_cfir2", cfir2)  # every target is a code of the updated CFIR
    assert len(mapping.rows) == len(rows)
    by_source: dict[str, set[str]] = {}
    for row in mapping.rows:
        by_source.setdefault(row.source, set()).add(row.target)
    # published renamings (construct names of both versions are facts)
    assert by_source["Intervention Source"] == {"INN.A"} and cfir2["INN.A"].name == "Innovation Source"
    assert by_source["Cosmopolitanism"] == {"OS.D"} and cfir2["OS.D"].name == "Partnerships & Connections"
    assert by_source["Executing"] == {"IP.G"} and cfir2["IP.G"].name == "Doing"
    assert by_source["Networks & Communications"] == {"IS.B", "IS.C"}
    # every one-to-many row is marked for review
    for row in mapping.rows:
        if len(by_source[row.source]) > 1:
            assert row.review, row
    # every row records where it comes from and how far it was checked
    assert all(row.status in ("verified", "supported", "unverified") and row.source for row in mapping.rows)
    # the one row checked against Additional file 4 itself (its first page: the Innovation
    # domain's first row, Intervention Source -> A. Innovation Source)
    assert [(r.source, r.target) for r in mapping.rows if r.status == "verified"] == [("Intervention Source", "INN.A")]
    assert "Add. file 4 p.1" in mapping.rows[0].source_ref
    # the counts README.md and codebooks/README.md state
    from collections import Counter
    assert Counter(r.status for r in mapping.rows) == {"verified": 1, "supported": 50, "unverified": 11}


def test_crosswalk_rows_supported_by_the_cfir_teams_construct_pages(cfir2) -> None:
    """Rows whose target construct's page on cfirguide.org (the CFIR team's own guide to the
    updated CFIR) names the original construct or carries its text; the page is the row's source."""
    rows = {(r.source, r.target): r for r in read_mapping("cfir2009_cfir2", cfir2).rows}
    expected = {
        ("Learning Climate", "IS.D4"): "Learning-Centeredness",  # moved under Culture
        ("Organizational Incentives & Rewards", "IS.H"): "Incentive Systems",
        ("Cosmopolitanism", "OS.D"): "Partnerships & Connections",
        ("External Policy & Incentives", "OS.G3"): "Performance-Measurement Pressure",  # public reporting
        ("Patient Needs & Resources", "IS.D2"): "Recipient-Centeredness",
        ("Self-efficacy", "IND.K"): "Capability",
        ("Champions", "IND.M"): "Motivation",  # championing as a behaviour
        ("Champions", "IND.E"): "Implementation Leads",
        # session 5: pages that carry the original construct's text (or say it was elaborated there)
        ("Evidence Strength & Quality", "INN.B"): "Innovation Evidence-Base",
        ("Relative Advantage", "INN.C"): "Innovation Relative Advantage",
        ("Adaptability", "INN.D"): "Innovation Adaptability",
        ("Trialability", "INN.E"): "Innovation Trialability",
        ("Complexity", "INN.F"): "Innovation Complexity",
        ("Design Quality & Packaging", "INN.G"): "Innovation Design",
        ("Peer Pressure", "OS.G2"): "Market Pressure",
        ("External Policy & Incentives", "OS.E"): "Policies & Laws",
        ("Structural Characteristics", "IS.A"): "Structural Characteristics",
        ("Networks & Communications", "IS.B"): "Relational Connections",
        ("Networks & Communications", "IS.C"): "Communications",
        ("Culture", "IS.D"): "Culture",
        ("Tension for Change", "IS.E"): "Tension for Change",
        ("Compatibility", "IS.F"): "Compatibility",
        ("Relative Priority", "IS.G"): "Relative Priority",
        ("Goals & Feedback", "IS.I"): "Mission Alignment",  # added: the page carries the 2009 goals text
        ("Available Resources", "IS.J"): "Available Resources",
        ("Access to Knowledge & Information", "IS.K"): "Access to Knowledge & Information",
        ("Patient Needs & Resources", "IND.I"): "Innovation Recipients",  # added
        ("Planning", "IP.D"): "Planning",
        ("Opinion Leaders", "IND.C"): "Opinion Leaders",
        ("External Change Agents", "IND.D"): "Implementation Facilitators",
        ("Executing", "IP.G"): "Doing",
        # session 6: the page carries the original Goals & Feedback text on feedback toward goals
        # (behaviour change models; the audit-and-feedback review with small to moderate effects)
        ("Goals & Feedback", "IP.H"): "Reflecting & Evaluating",
    }
    for (old, new), page in expected.items():
        row = rows[(old, new)]
        assert row.status == "supported" and f"'{page}" in row.source_ref, row
        assert cfir2[new].name == page
    # Champions no longer maps to team members (no source says so)
    assert ("Champions", "IND.F") not in rows
    # a 2009 parent maps to what its children map to, as the 2009 taxonomy groups them
    children = {"Implementation Climate": ["Tension for Change", "Compatibility", "Relative Priority",
                                           "Organizational Incentives & Rewards", "Goals & Feedback", "Learning Climate"],
                "Readiness for Implementation": ["Leadership Engagement", "Available Resources",
                                                 "Access to Knowledge & Information"]}
    for parent, kids in children.items():
        supported_kids = {new for (old, new), row in rows.items() if old in kids and row.status == "supported"}
        assert {new for (old, new) in rows if old == parent} == supported_kids, parent
        assert all(rows[(parent, new)].status == "supported" and "2009 taxonomy" in rows[(parent, new)].source_ref
                   for new in supported_kids)
    # what stays unverified: no page of the CFIR team carries the original text for these
    assert sorted(key for key, row in rows.items() if row.status == "unverified") == sorted([
        ("Cost", "INN.H"), ("Patient Needs & Resources", "IP.B2"), ("External Policy & Incentives", "OS.F"),
        ("Knowledge & Beliefs about the Intervention", "IND.M"),
        ("Individual Stage of Change", "IND.M"), ("Individual Identification with Organization", "IND.M"),
        ("Other Personal Attributes", "IND.J"), ("Other Personal Attributes", "IND.L"),
        ("Other Personal Attributes", "IND.M"), ("Key Stakeholders", "IP.F1"), ("Innovation Participants", "IP.F2")])


def test_map_reports_codings_resting_on_unchecked_rows(tmp_path: Path, cfir2) -> None:
    from mio_qual.codebook.mapping import map_codings
    import pandas as pd

    sheet = tmp_path / "map.csv"
    sheet.write_text("from_code,to_code,status,source\nA,IS.J1,verified,p. 3\nB,IS.J2,unverified,\n"
                     "C,IS.J3,supported,web page\n", encoding="utf-8")
    mapping = read_mapping(sheet, cfir2)
    assert [r.status for r in mapping.unchecked()] == ["unverified", "supported"]
    codings = pd.DataFrame({"transcript_id": ["T"] * 4, "start": [0, 5, 9, 12], "end": [4, 8, 11, 20],
                            "code": ["A", "B", "B", "C"]})
    result = map_codings(codings, mapping)
    assert result.unchecked == 3
    assert list(result.codings["status"]) == ["verified", "unverified", "unverified", "supported"]
    assert result.summary[-1].startswith("3 mapped coding(s) rest on rows of the sheet not checked")
    assert "2 unverified, 1 supported" in result.summary[-1]
    bad = tmp_path / "bad.csv"
    bad.write_text("from_code,to_code,status\nA,IS.J1,checked\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_mapping(bad, cfir2)
    assert "status 'checked'" in info.value.details[0]
    plain = tmp_path / "plain.csv"  # a sheet without a status column says nothing: no line
    plain.write_text("from_code,to_code\nA,IS.J1\n", encoding="utf-8")
    assert map_codings(codings.iloc[:1], read_mapping(plain, cfir2)).unchecked == 0


def make_project(tmp_path: Path) -> tuple[Project, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "INT01.txt").write_text("I: How was it?\n\nR: Complex. We never talk between teams, and the vendor "
                                      "is far away. Other clinics already run it.\n", encoding="utf-8")
    book = tmp_path / "cfir2009.yaml"
    book.write_text(OLD_BOOK, encoding="utf-8")
    project = Project.create(tmp_path / "p")
    project.import_transcripts([folder])
    return project, book


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_map_layer_with_the_crosswalk(tmp_path: Path) -> None:
    project, book = make_project(tmp_path)
    text = project.text("INT01")
    old = load_codebooks([book])
    codings = [Coding("INT01", *span(text, "Complex."), "IC.F", "kim"),
               Coding("INT01", *span(text, "We never talk between teams"), "ISET.B", "kim", memo="silos"),
               Coding("INT01", *span(text, "Other clinics already run it."), "OSET.C", "kim"),
               Coding("INT01", *span(text, "the vendor is far away"), "LOCAL", "kim")]
    project.write_codings(codings, coder="kim", codebook=old)
    result = project.map_layer("kim", "cfir2009_cfir2")  # names come from the codebook stored with the codings
    got = project.codings(coder="kim-cfir2009_cfir2")
    assert sorted(zip(got["code"], got["text"])) == [
        ("INN.F", "Complex."), ("IS.B", "We never talk between teams"), ("IS.C", "We never talk between teams"),
        ("OS.G2", "Other clinics already run it.")]
    assert list(got.loc[got["code"] == "IS.B", "memo"]) == ["silos"]
    assert result.unmapped.to_dict("records") == [{"code": "LOCAL", "name": "A local code", "codings": 1}]
    assert sorted(result.review["code"]) == ["IS.B", "IS.C"]
    # every mapped coding here rests on a row supported only by a secondary source (not checked
    # against Additional file 4 itself), and the user is told
    assert result.unchecked == 4 and "not checked against its published source" in result.summary[-1]
    assert len(project.codings(coder="kim")) == 4  # the source layer is left as it was
    assert "map layer" in set(project.log()["action"])
    again = project.map_layer("kim", "cfir2009_cfir2")  # mapping again replaces what it wrote
    assert len(project.codings(coder="kim-cfir2009_cfir2")) == len(again.codings) == 4


def test_mapping_sheet_problems_are_listed(tmp_path: Path, cfir2) -> None:
    sheet = tmp_path / "map.csv"
    sheet.write_text("from_code,to_code\nA,IS.J9\n,IS.J1\nB,Funding\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_mapping(sheet, cfir2)
    assert "2 problem(s)" in info.value.one_line()
    assert any("row 2" in d and "IS.J9" in d for d in info.value.details)
    assert any("row 3" in d and "from_code is empty" in d for d in info.value.details)


def test_merge_and_rename_codes_are_audited(tmp_path: Path) -> None:
    project, _book = make_project(tmp_path)
    text = project.text("INT01")
    both = span(text, "Complex.")
    project.write_codings([Coding("INT01", *both, "IS.J1", "kim"), Coding("INT01", *both, "IS.J3", "kim"),
                           Coding("INT01", *span(text, "Other clinics"), "IS.J3", "kim")], coder="kim")
    project.write_codings([Coding("INT01", *both, "IS.J1", "lee")], coder="lee")
    done = project.merge_codes(["IS.J1", "IS.J3"], "IS.J", coder="kim", codebook="cfir2")
    assert done == {"changed": 3, "duplicates_removed": 1}  # the passage coded with both is kept once
    assert sorted(project.codings(coder="kim")["code"]) == ["IS.J", "IS.J"]
    assert list(project.codings(coder="lee")["code"]) == ["IS.J1"]  # another layer is left alone
    assert project.rename_code("IS.J1", "IS.J2") == {"changed": 1, "duplicates_removed": 0}
    log = project.log()
    assert {"merge codes", "rename code"} <= set(log["action"])
    with pytest.raises(InputError):
        project.rename_code("IS.J1", "IS.J2")  # nothing left to rename
    with pytest.raises(InputError):
        project.merge_codes(["IS.J"], "NOT.A.CODE", codebook="cfir2")

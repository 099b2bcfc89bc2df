"""Every report on the bundled sample study, with both coders, the consensus, outcomes and ratings."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import pandas as pd
import pytest

from helpers import SAMPLE
from helpers.reports import document_text, find_table, headings, leaked, row_of

# ratings a team might give after reading the sample (README profiles: Northside high, Downtown low)
RATINGS = {
    "IS.J2": {"northside": "+2", "eastgate": "-1", "downtown": "-2", "westfield": "+1"},
    "IND.B": {"northside": "+2", "eastgate": "+1", "downtown": "-2", "westfield": "+1"},
    "OS.D": {"northside": "0", "eastgate": "0", "downtown": "-2", "westfield": "+2"},
    "IS.J1": {"northside": "+1", "eastgate": "+1", "downtown": "-2", "westfield": "X"},
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from mio_qual import Project

    folder = tmp_path_factory.mktemp("sample")
    project = Project.create(folder / "project")
    project.import_transcripts([SAMPLE])
    project.import_word_comments(sorted((SAMPLE / "coding" / "jordan").glob("*.docx")), coder="jordan")
    project.import_coding_sheets([SAMPLE / "coding" / "casey.xlsx"], coder="casey")
    project.reconcile(("jordan", "casey"), into="consensus")
    for path in sorted((SAMPLE / "quant").glob("*.csv")):
        project.import_quant(path)
    ratings = folder / "ratings.csv"
    with open(ratings, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_kind", "case_id", "construct", "rating", "rationale"])
        for construct, cells in RATINGS.items():
            for clinic, rating in cells.items():
                writer.writerow(["clinic", clinic, construct, rating, f"{construct} at {clinic}; Gwen said so"])
    project.import_ratings(ratings, rater="alex", by="clinic")
    out = folder / "reports"
    results = {kind: project.report(kind, out / f"{kind}.docx") for kind in
               ("codebook", "agreement", "themes", "joint", "study")}
    yield project, results
    project.close()


def test_no_roster_name_reaches_any_sample_report(sample):
    project, results = sample
    names = sorted(project.private_names())
    assert len(names) > 50
    for kind, result in results.items():
        assert leaked(document_text(result.path), names) == [], kind
        for companion in result.files[1:]:
            if companion.suffix == ".csv":
                assert leaked(companion.read_text(encoding="utf-8"), names) == [], companion
            if companion.suffix == ".xlsx":
                frame = pd.read_excel(companion, sheet_name=None, header=None)
                text = "\n".join(sheet.astype(str).to_csv() for sheet in frame.values())
                assert leaked(text, names) == [], companion


def test_sample_joint_report_orders_clinics_by_fidelity(sample):
    _, results = sample
    result = results["joint"]
    assert not result.absent
    document = docx.Document(str(result.path))
    assert [t for _, t in headings(document)] == ["Joint displays", "Case-ordered construct matrix",
                                                  "Side-by-side display", "Statistics by theme"]
    # fidelity per session is the mean of adherence and competence; each counselor's mean of their sessions
    # first, then the clinic mean of counselors (Aim 2's definition); clinics ordered by it, highest first
    sessions = pd.read_csv(SAMPLE / "quant" / "fidelity_sessions.csv")
    sessions["fidelity"] = (sessions["adherence"] + sessions["competence"]) / 2
    fidelity = sessions.groupby(["clinic", "counselor_id"])["fidelity"].mean().groupby("clinic").mean()
    order = list(fidelity.sort_values(ascending=False).index)
    matrix = find_table(document, "Construct")
    header = [c.text for c in matrix.rows[0].cells]
    assert header == ["Construct", "Name", *[c.title() for c in order], "Rated high", "Rated low", "Difference",
                      "Distinguishing"]
    first = [c.text for c in matrix.rows[1].cells]
    assert first[2:2 + len(order)] == [f"{fidelity[c]:.2f}" for c in order]
    space = row_of(matrix, "IS.J2")
    assert [space[c.title()] for c in order] == [RATINGS["IS.J2"][c] for c in order]
    assert result.n_figures == 1 and result.figures[0].name == "joint-heatmap.png"
    assert {p.suffix for p in result.files} == {".docx", ".png", ".csv", ".xlsx"}
    assert len(document.tables) == 4


def test_sample_study_report(sample):
    _, results = sample
    result = results["study"]
    document = docx.Document(str(result.path))
    top = [t for level, t in headings(document) if level == 1]
    assert top == ["About this report", "Methods", "Aim 2: implementation processes by clinic and agency",
                   "Aim 3: contextual determinants of fidelity and feasibility", "Reliability of the coding", "Limitations", "Appendices"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Reconciliation." in text and "jordan and casey" in text
    assert "Construct ratings." in text and "Quantitative data." in text
    assert "Themes are read from the consensus layer consensus." in text
    assert "Automatic suggestions" not in text or "rules" in text
    assert {"study-agreement.png", "study-code-frequency.png", "study-aim3-heatmap.png"} <= {p.name for p in result.figures}
    assert result.n_figures == len(result.figures)
    for png in result.figures:
        assert png.is_file() and png.stat().st_size > 10_000
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    numbers = [int(c.split()[1].rstrip(".")) for c in captions if c.startswith("Table ")]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == result.tables
    assert len(document.tables) == result.tables


def test_sample_agreement_and_themes(sample):
    project, results = sample
    document = docx.Document(str(results["agreement"].path))
    table = find_table(document, "Code")
    expected = project.agreement(["jordan", "casey"], unit="sentence")
    pooled = expected[expected["level"] == "pooled"].iloc[0]
    assert row_of(table, "(all codes)")["% agreement"] == f"{pooled['percent_agreement']:.1%}"
    themes = docx.Document(str(results["themes"].path))
    overview = find_table(themes, "Construct")
    assert [c.text for c in overview.rows[0].cells][1:5] == ["Downtown", "Eastgate", "Northside", "Westfield"]
    assert len(overview.rows) > 30

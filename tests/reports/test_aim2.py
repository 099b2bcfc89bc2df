"""The study report's Aim 2 section, written from the sample's logs and from an empty project."""

from __future__ import annotations

from pathlib import Path

from helpers import SAMPLE
from helpers.reports import find_table, headings, row_of


def _write(project, path: Path):  # type: ignore[no-untyped-def]
    import docx

    from mio_qual.reports.aim2 import write_aim2
    from mio_qual.reports.builder import ReportBuilder

    builder = ReportBuilder("Aim 2")
    pngs = write_aim2(builder, project.aim2_data(), lambda name: path.with_name(f"{path.stem}-{name}.png"))
    builder.save(path)
    return docx.Document(str(path)), pngs


def _import_sample(project) -> None:  # type: ignore[no-untyped-def]
    """The sample's quantitative files and implementation logs, imported into ``project``."""
    for path in sorted((SAMPLE / "quant").glob("*.csv")):
        project.import_quant(path)
    for log in ("activities", "activity_dates", "strategies", "adaptations", "facilitation", "events"):
        project.import_implementation(log, SAMPLE / "implementation" / f"{log}.csv")


def test_aim2_section_from_the_sample(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import_sample(project)
    document, pngs = _write(project, tmp_path / "aim2.docx")
    assert [text for level, text in headings(document) if level == 2] == [
        "Implementation outcomes", "Stages of Implementation Completion", "Implementation strategies and adaptations",
        "RE-AIM by clinic", "Predictors and outcomes", "Timelines"]
    assert [p.name for p in pngs] == [f"aim2-timeline-{c}.png" for c in ("downtown", "eastgate", "northside",
                                                                         "westfield")]
    outcomes = find_table(document, "Outcome")
    reach = row_of(outcomes, "Reach")  # the first reach row: Downtown, 13 of 40
    assert (reach["Site"], reach["Value"], reach["n"]) == ("downtown", "0.33", "40")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Descriptive only: four clinics" in text  # a count in running text: words below 10 (APA)
    cases = next(t for t in document.tables if [c.text for c in t.rows[0].cells][:3] == [
        "Agency", "Clinic", "Pre-implementation proportion"])
    header = [c.text for c in cases.rows[0].cells]
    assert header[2:] == ["Pre-implementation proportion", "Pre-implementation facilitation minutes",
                          "Facilitation minutes, all phases", "Reach", "Adoption", "Feasibility (FIM)", "Adherence", "Competence"]


def test_aim2_section_says_what_is_missing(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document, pngs = _write(project, tmp_path / "empty.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "no activity list" in text and "no strategy log" in text and "no facilitation log" in text
    assert pngs == []


def test_an_empty_predictor_matrix_says_what_is_missing(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """New-user walk: with outcomes but no activity list or facilitation log, "Table 4. Pre-implementation
    completion and facilitation dose against outcomes" was printed as headers over no row."""
    project.import_quant(SAMPLE / "quant" / "reach_adoption.csv")
    document, _ = _write(project, tmp_path / "no-logs.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Pre-implementation completion and facilitation dose against outcomes" not in text  # no empty table
    assert [t.rows[0].cells[0].text for t in document.tables].count("Predictor") == 0
    assert ("Pre-implementation completion and facilitation dose cannot be set against the outcomes yet: the project"
            " has neither an activity list with completion dates nor a facilitation log (add them with"
            " \u201cmio-qual implementation import activities FILE\u201d") in text
    # the cases table (the outcomes per clinic) is still shown
    assert find_table(document, "Agency") is not None
    # with a facilitation log and no outcome, the sentence names the outcomes instead
    import pandas as pd

    from mio_qual.reports.aim2 import no_matrix_sentence

    only_dose = pd.DataFrame({"clinic": ["a", "b"], "facilitation_minutes": [30.0, 0.0]})
    assert "no reach, adoption, FIM or fidelity value per clinic" in no_matrix_sentence(only_dose)


def test_reach_not_computable_stays_in_the_table_and_the_text(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # east's eligible count is blank: its reach row (and river's) vanished from the outcomes table without a word
    counts = tmp_path / "counts.csv"
    counts.write_text("clinic,agency,eligible,enrolled\nnorth,river,100,90\neast,river,,5\n", encoding="utf-8")
    project.import_quant(counts)
    document, _ = _write(project, tmp_path / "aim2.docx")
    outcomes = find_table(document, "Outcome")
    header = [c.text for c in outcomes.rows[0].cells]
    rows = [dict(zip(header, [c.text for c in row.cells])) for row in outcomes.rows[1:]]
    reach = {r["Site"]: r["Value"] for r in rows if r["Outcome"] == "Reach"}
    assert reach == {"east": "not computable", "north": "0.90", "river (agency)": "not computable"}
    text = "\n".join(p.text for p in document.paragraphs)
    assert ("Reach could not be computed for east (no eligible count for this clinic); the river agency (east lacks the "
            "eligible count, so the agency's clinics cannot all be pooled).") in text


def test_answers_without_a_wave_are_named_in_the_text(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, text in (("fim.csv", "counselor_id,clinic,wave,fim_1,fim_2,fim_3,fim_4\nc1,north,1,4,4,4,4\n"),
                       ("fim_late.csv", "counselor_id,clinic,fim_1,fim_2,fim_3,fim_4\nc2,north,2,2,2,2\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        project.import_quant(tmp_path / name)
    document, _ = _write(project, tmp_path / "aim2.docx")
    outcomes = find_table(document, "Outcome")
    waves = [(row.cells[1].text, row.cells[3].text) for row in outcomes.rows[1:] if row.cells[2].text == "north"]
    assert waves == [("not recorded", "2.00"), ("1", "4.00")]
    text = "\n".join(p.text for p in document.paragraphs)
    assert ("Some FIM answers were imported without a wave while others have one; they are shown as wave "
            "\u201cnot recorded\u201d, not counted in any wave") in text


def test_a_clinic_missing_from_the_counts_file_is_in_the_table_the_text_and_the_methods(tmp_path: Path) -> None:
    """south is a clinic of the project no reach file row names: it vanished from the table, and harbor's reach
    was west's alone."""
    from helpers.mixed import write_study
    from mio_qual import Project
    from mio_qual.reports.aim2 import outcomes_method

    project = Project.create(tmp_path / "study")
    project.import_transcripts([write_study(tmp_path / "files")])
    counts = tmp_path / "reach_adoption.csv"
    counts.write_text("clinic,agency,eligible,enrolled\nnorth,river,100,90\neast,river,10,1\nwest,harbor,20,10\n",
                      encoding="utf-8")
    project.import_quant(counts)
    fim = tmp_path / "fim.csv"
    fim.write_text("counselor_id,clinic,wave,fim_1,fim_2,fim_3,fim_4\nc1,north,3 months,4,4,4,4\n"
                   "c1,north,baseline,3,3,3,3\nc2,west,baseline,2,2,2,2\nc2,west,3 months,5,5,5,5\n"
                   "c3,east,baseline,1,1,1,1\nc3,east,3 months,1,1,1,1\nc4,south,baseline,2,2,2,2\n"
                   "c4,south,3 months,2,2,2,2\n", encoding="utf-8")
    project.import_quant(fim)
    document, _ = _write(project, tmp_path / "aim2.docx")
    outcomes = find_table(document, "Outcome")
    header = [c.text for c in outcomes.rows[1 - 1].cells]
    rows = [dict(zip(header, [c.text for c in row.cells])) for row in outcomes.rows[1:]]
    reach = {r["Site"]: r["Value"] for r in rows if r["Outcome"] == "Reach"}
    assert reach == {"east": "0.10", "north": "0.90", "south": "not computable", "west": "0.50",
                     "harbor (agency)": "not computable", "river (agency)": "0.83"}
    # waves by time since baseline (baseline first although the file gives 3 months first), said under the table
    assert [(r["Wave"], r["Value"]) for r in rows if r["Outcome"] == "Feasibility (FIM)" and r["Site"] == "north"] == [
        ("baseline", "3.00"), ("3 months", "4.00")]
    text = "\n".join(p.text for p in document.paragraphs)
    assert ("Reach could not be computed for south (no row for this clinic in reach_adoption.csv); the harbor agency "
            "(south has no row in reach_adoption.csv, so the agency's clinics cannot all be pooled).") in text
    assert ("FIM/AIM/IAM waves are ordered by time since baseline (baseline first; days, weeks, months and years "
            "compared as days): baseline, 3 months; the last, 3 months, stands for each clinic") in text
    method = outcomes_method(project.aim2_data())
    assert method.startswith("**Implementation outcomes.** Reach and feasibility were computed for each of the "
                             "project's four clinics (east, north, south and west), and pooled for an agency only "
                             "when every one of its clinics had the data")
    assert "This applies here to reach (see the outcomes table)." in method and "ordered by time since baseline" in method


def test_reaim_counts_are_whole_numbers_and_rates_keep_two_decimals(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import csv

    _import_sample(project)
    document, _ = _write(project, tmp_path / "aim2.docx")
    table = find_table(document, "Dimension")
    header = [c.text for c in table.rows[0].cells]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    with open(SAMPLE / "implementation" / "adaptations.csv", newline="", encoding="utf-8") as handle:
        logged = [row for row in csv.DictReader(handle)]
    for clinic in header[2:]:
        mine = sum(1 for row in logged if row["clinic"] == clinic)
        # a log's rows are its own n: '3', not '3.00 (n 3)'
        assert rows["adaptations logged"][header.index(clinic)] == str(mine)
        strategies = rows["strategies logged"][header.index(clinic)]
        assert strategies.isdigit()
        minutes = rows["facilitation minutes"][header.index(clinic)]
        assert "." not in minutes and minutes.split(" (n ")[0].isdigit()
    assert any("." in cell and "(n " in cell for cell in rows["mothers enrolled / eligible"][2:])  # a rate keeps 2 decimals


def test_a_reaim_cell_prints_a_count_whole_and_a_rate_with_its_n() -> None:
    from mio_qual.reports.aim2 import _reaim_cell

    assert _reaim_cell("strategies logged", 4.0, 4, "") == "4"
    assert _reaim_cell("adaptations with fidelity unknown", 1.0, 4, "") == "1 (n 4)"
    assert _reaim_cell("facilitation minutes", 315.0, 7, "") == "315 (n 7)"
    assert _reaim_cell("facilitation minutes", 22.5, 2, "") == "22.50 (n 2)"  # never rounded to a whole minute
    assert _reaim_cell("mothers enrolled / eligible", 1.0, 40, "") == "1.00 (n 40)"
    assert _reaim_cell("adoption", float("nan"), None, "not computable: no row") == "not computable: no row"

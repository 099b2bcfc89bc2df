"""The methods text of the reports says what the project did (reports/methods.py)."""

from __future__ import annotations

from pathlib import Path

from helpers.agreement import make_coded_project

from mio_qual.reports.methods import describe_reconciliation


def test_a_consensus_without_decisions_says_what_it_leaves_out(tmp_path: Path) -> None:
    project = make_coded_project(tmp_path)
    result = project.reconcile(["ann", "bob"], into="consensus", unit="sentence")
    assert len(result.rows) > 0  # the two layers disagree somewhere
    text = " ".join(describe_reconciliation(project.project_facts()))
    assert "A consensus layer was built from the coders' layers (consensus:" in text
    assert "No reconciliation decisions have been imported" in text
    assert "(consensus: one coding in one transcript). It came from comparing the layers of ann and bob (sentences" in text
    assert "were reconciled into" not in text
    project.close()


def test_undecided_rows_of_a_reconciliation_sheet_are_counted_in_methods_and_aim3(tmp_path: Path) -> None:
    """New-user walk: Methods said "18 codings came from reconciliation decisions", Aim 3 "the layers still
    differ in 22 places", and neither said that four rows of the sheet were left undecided."""
    import openpyxl

    from mio_qual.mixed.joint import DistinguishRule
    from mio_qual.reports.aim3 import Aim3Data, aim3_methods

    project = make_coded_project(tmp_path)
    result = project.reconcile(["ann", "bob"], into="consensus", unit="sentence", out=tmp_path / "rec")
    rows = len(result.rows)
    assert rows >= 3
    book = openpyxl.load_workbook(result.files[0])
    sheet = book["decisions"]
    sheet["G2"], sheet["G3"] = "keep A", "neither"  # the rest left blank: undecided
    book.save(result.files[0])
    done = project.import_decisions(result.files[0])
    assert (done.decided, done.undecided) == (2, rows - 2)
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    expected = words[rows] if rows < 10 else str(rows)
    undecided = "one was" if rows == 3 else f"{words[rows - 2] if rows < 12 else rows - 2} were"
    sentence = (f"Of the {expected} disagreements listed in reconcile_ann_bob.xlsx, two were decided and {undecided}"
                " left undecided: the codings of the undecided ones are not part of the consensus layer")
    methods = " ".join(describe_reconciliation(project.project_facts()))
    assert sentence in methods
    aim3 = " ".join(aim3_methods(Aim3Data("fidelity", project.aim3_facts(), DistinguishRule())))
    assert sentence in aim3
    assert "still differ in" not in aim3  # the same count, said once, the same way
    # all decided: said too (a default never hides, nor invents, an undecided row)
    for row in range(4, rows + 2):
        sheet[f"G{row}"] = "keep B"
    book.save(result.files[0])
    project.import_decisions(result.files[0])
    methods = " ".join(describe_reconciliation(project.project_facts()))
    assert f"Each of the {expected} disagreements listed in reconcile_ann_bob.xlsx was decided." in methods
    assert "left undecided" not in methods
    project.close()

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


def test_construct_ratings_methods_describe_each_kind_of_case_apart() -> None:
    """Audit (session 7): the methods text reported the raters' agreement on the agency ratings only (the
    alphabetically first kind: 10 ratings, 80% exact) as if it were the clinics' (85 ratings, 67%), said
    "30 constructs for each of six agency and clinics", and described X as the scale's mixed rating, where
    Damschroder & Lowery rate balanced mixed influence 0 (X is an opt-in extension)."""
    import pandas as pd

    from mio_qual.reports.methods import describe_ratings
    from mio_qual.store.summary import ProjectFacts

    rows = []
    # clinics c1, c2, three constructs; agency a1, one construct. Differences: c1/B (+1 vs 0), c2/C (rated vs not),
    # a1/G (-1 vs -2).
    kim = {("clinic", "c1", "A"): "+1", ("clinic", "c1", "B"): "+1", ("clinic", "c1", "C"): "-1",
           ("clinic", "c2", "A"): "0", ("clinic", "c2", "B"): "+2", ("clinic", "c2", "C"): "+1",
           ("agency", "a1", "G"): "-1"}
    lee = dict(kim)
    lee[("clinic", "c1", "B")], lee[("clinic", "c2", "C")], lee[("agency", "a1", "G")] = "0", None, "-2"
    for rater, given in (("kim", kim), ("lee", lee)):
        rows += [(rater, kind, case, construct, rating, "ratings.csv") for (kind, case, construct), rating in given.items()]
    rows += [("consensus", kind, case, construct, rating, "reconciliation.csv")
             for (kind, case, construct), rating in kim.items()]

    def table(kind: str, exact: float, n: int) -> pd.DataFrame:
        return pd.DataFrame({"statistic": ["percent_agreement", "within_one_point"], "value": [exact, 1.0],
                             "n_units": [n, n], "kind": [kind, kind]})

    facts = ProjectFacts(ratings=rows, rating_agreement=pd.concat([table("agency", 0.0, 1), table("clinic", 0.8, 5)]))
    text = describe_ratings(facts)[0]
    assert "each rated three CFIR constructs for each of two clinics and one CFIR construct for each of one agency" in text
    # clinic first, each with its own n (5 clinic ratings both gave: 4 of 5 equal)
    assert ("Between the raters, on the five clinic ratings both gave, exact agreement 80%, 100% of ratings within one "
            "point; on the one agency rating both gave, exact agreement 0%") in text
    assert "for the three ratings on which they differed (two clinic and one agency;" in text
    assert "0 for a neutral one or for positive and negative influences in balance" in text
    assert "X" not in text.replace("CFIR", "")          # no X rating: the extension is not described
    rows.append(("kim", "clinic", "c3", "A", "X", "ratings.csv"))
    assert "One rating use X (mixed, not weighed), an extension to the published scale" in describe_ratings(
        ProjectFacts(ratings=rows))[0]


def test_one_unit_set_aside_is_counted_in_the_singular() -> None:
    """New-user walk: "one units where a coder applied several codes" in the agreement methods."""
    from mio_qual.reports.methods import agreement_conventions

    text = agreement_conventions(["gwet_ac1"], set_aside={
        "units where a coder applied several codes (nominal table)": 1, "units seen by fewer than two coders": 13,
        "transcript(s) ben did not see": 1})
    assert ("Left out before the analysis: one unit where a coder applied several codes (nominal table); 13 units"
            " seen by fewer than two coders; one transcript ben did not see.") in text

"""Rating worksheets, importing ratings (every bad cell reported), matrices, agreement, consensus."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mio_qual.errors import InputError
from mio_qual.mixed.worksheet import WORKSHEET_COLUMNS
from mio_qual.reports.worksheet import write_worksheet
from helpers.mixed import write_ratings_csv


# ---------------------------------------------------------------------------- evidence and worksheets
def test_evidence_merges_overlapping_layers_and_names_speakers_by_study_id(study) -> None:  # type: ignore[no-untyped-def]
    frame = study.evidence("clinic")
    north = frame[(frame["case_id"] == "north") & (frame["construct"] == "IS.J2")]
    assert len(north) == 1  # jordan's and casey's overlapping spans are one excerpt
    row = north.iloc[0]
    assert row["coders"] == "casey;jordan"
    assert (row["speaker_id"], row["speaker_role"]) == ("S01", "counselor")
    assert row["text"] == "We have a private family room with a door. [name] made sure of it."
    # T5 has no clinic: it is no clinic's evidence
    assert "Space is tight" not in " ".join(frame["text"])
    # a construct's evidence is its own coding: without links no study-code excerpt reaches a construct
    assert not frame["via"].any() and "IS.K" not in set(frame["construct"])
    # with the reviewed links MIO.SUPV reaches IS.K only (IND.B and IND.D were removed on review), with its reason
    linked = study.evidence("clinic", links=True)
    via = linked[linked["via"]]
    assert set(via["code"]) == {"MIO.SUPV"}
    assert set(via["construct"]) == {"IS.K"}
    assert via["link_reason"].str.contains("access to knowledge").all()


def test_evidence_by_agency_role_and_transcript(study) -> None:  # type: ignore[no-untyped-def]
    agency = study.evidence("agency")
    assert sorted(set(agency["case_id"])) == ["harbor", "river"]
    harbor = agency[agency["case_id"] == "harbor"]
    # T2 IS.J2 (two coders, one span), T2 IS.A3, T4 IS.J2, T4 IS.A3, T4 MIO.SUPV, and the agency-level T5 IS.J2
    assert sorted(zip(harbor["transcript_id"], harbor["code"])) == [
        ("T2", "IS.A3"), ("T2", "IS.J2"), ("T4", "IS.A3"), ("T4", "IS.J2"), ("T4", "MIO.SUPV"), ("T5", "IS.J2")]
    role = study.evidence("role")
    assert set(role["case_id"]) == {"counselor", "supervisor", "agency_leader"}
    by_transcript = study.evidence("transcript")
    assert set(by_transcript["case_id"]) == {"T1", "T2", "T3", "T4", "T5"}


def test_worksheet_rows_and_counts(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = study.rating_worksheet("clinic")
    rows = sheet.rows
    # constructs coded directly and rateable: IS.A3, IS.J2 (MIO.SUPV is a study code, not rated)
    assert sorted(set(rows["construct"])) == ["IS.A3", "IS.J2"]
    assert list(rows.columns) == WORKSHEET_COLUMNS
    assert len(rows) == 8  # 2 constructs x 4 clinics
    east = rows[(rows["case_id"] == "east") & (rows["construct"] == "IS.J2")].iloc[0]
    assert (east["n_excerpts"], east["n_participants"], east["transcripts"]) == (2, 2, "T3")
    assert east["participants"] == "S03 (counselor); S04 (counselor)"
    north_a3 = rows[(rows["case_id"] == "north") & (rows["construct"] == "IS.A3")].iloc[0]
    assert (north_a3["n_excerpts"], north_a3["evidence"]) == (0, "")
    assert (rows["rating"] == "").all() and (rows["rationale"] == "").all()
    written = write_worksheet(sheet, tmp_path / "ws", "lee")
    assert [p.name for p in written] == ["ratings_lee.xlsx", "ratings_lee.docx"]
    book = load_workbook(written[0])
    assert book.sheetnames == ["ratings", "excerpts", "about"]
    assert [c.value for c in book["ratings"][1]] == WORKSHEET_COLUMNS
    assert book["about"]["B1"].value == "lee"
    evidence_cell = [c.value for c in book["ratings"]["L"] if c.value and "S03" in str(c.value)]
    assert evidence_cell and "[S03, counselor, T3]" in evidence_cell[0]


def test_worksheet_with_chosen_constructs_and_unknown_construct(study) -> None:  # type: ignore[no-untyped-def]
    sheet = study.rating_worksheet("clinic", constructs=["IS.K", "IS.J2"])
    assert list(dict.fromkeys(sheet.rows["construct"])) == ["IS.J2", "IS.K"]  # codebook order
    is_k = sheet.rows[(sheet.rows["construct"] == "IS.K") & (sheet.rows["case_id"] == "south")].iloc[0]
    assert (is_k["n_excerpts"], is_k["n_via"], is_k["codes"], is_k["evidence"]) == (0, 0, "", "")
    linked = study.rating_worksheet("clinic", constructs=["IS.K", "IS.J2"], links=True)
    is_k = linked.rows[(linked.rows["construct"] == "IS.K") & (linked.rows["case_id"] == "south")].iloc[0]
    assert (is_k["n_excerpts"], is_k["n_via"], is_k["codes"], is_k["evidence"]) == (0, 1, "via MIO.SUPV x1", "")
    assert is_k["linked_evidence"].startswith("[") and "(via MIO.SUPV:" in is_k["linked_evidence"]
    with pytest.raises(InputError, match="unknown construct 'IS.J9'"):
        study.rating_worksheet("clinic", constructs=["IS.J9"])


def _fill(path: Path, values: dict[tuple[str, str], tuple[object, str]]) -> Path:
    book = load_workbook(path)
    sheet = book["ratings"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = (row[header.index("case_id")].value, row[header.index("construct")].value)
        if key in values:
            row[header.index("rating")].value, row[header.index("rationale")].value = values[key]
    book.save(path)
    return path


def test_filled_worksheet_round_trip(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_worksheet(study.rating_worksheet(), tmp_path, "lee", docx=False)[0]
    _fill(path, {("north", "IS.J2"): ("+2", "own room"), ("east", "IS.J2"): ("-2", "shared room"),
                 ("south", "IS.J2"): (-1, "no room"), ("west", "IS.J2"): ("x", "small"),
                 ("north", "IS.A3"): (2, "protected")})
    result = study.import_ratings(path)  # rater from the 'about' sheet
    assert (result.rater, result.rows, result.rated, result.missing) == ("lee", 8, 5, 3)
    frame = study.ratings(raters="lee")
    got = {(r.case_id, r.construct): r.rating for r in frame.itertuples()}
    assert got[("west", "IS.J2")] == "X" and got[("south", "IS.J2")] == "-1" and got[("north", "IS.A3")] == "+2"
    assert got[("east", "IS.A3")] is None
    assert frame.loc[frame["construct"] == "IS.J2", "construct_name"].iloc[0] == "Space"
    with pytest.raises(InputError, match="written for rater 'lee', not 'kim'"):
        study.import_ratings(path, "kim")


def test_every_bad_cell_is_reported_with_sheet_row_and_column(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_worksheet(study.rating_worksheet(), tmp_path, "lee", docx=False)[0]
    book = load_workbook(path)
    sheet = book["ratings"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    # rows 2..9: east IS.A3, east IS.J2, north IS.A3, north IS.J2, south ..., west ...
    sheet.cell(row=2, column=col["rating"]).value = "+3"
    sheet.cell(row=3, column=col["rating"]).value = "=1+1"
    sheet.cell(row=4, column=col["construct"]).value = "IS.J9"
    sheet.cell(row=5, column=col["case_id"]).value = "nrth"
    sheet.cell(row=6, column=col["rating"]).value = "high"
    sheet.cell(row=7, column=col["rating"]).value = 1.5
    book.save(path)
    before = study.ratings()
    with pytest.raises(InputError) as caught:
        study.import_ratings(path)
    details = caught.value.details
    assert "6 bad cells" in str(caught.value)
    assert details[0] == ("sheet 'ratings', row 2, column 'rating': '+3' is not a rating (use -2, -1, 0, +1, +2 "
                          "or leave the cell empty (missing))")  # a worksheet without --mixed-x: X is not offered
    assert details[1].startswith("sheet 'ratings', row 3, column 'rating': holds a formula (=1+1)")
    assert details[2].startswith("sheet 'ratings', row 4, column 'construct': unknown construct 'IS.J9'")
    assert details[3] == "sheet 'ratings', row 5, column 'case_id': 'nrth' is not a clinic of this project (did you mean 'north'?)"
    assert details[4].startswith("sheet 'ratings', row 6, column 'rating': 'high' is not a rating")
    assert details[5].startswith("sheet 'ratings', row 7, column 'rating': 1.5 is not a rating")
    assert study.ratings().equals(before)  # nothing was imported


def test_csv_import_duplicates_and_reimport_replaces(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.csv"
    path.write_text("case_id,construct,rating,rationale\nnorth,IS.J2,+2,a\nnorth,IS.J2,+1,b\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        study.import_ratings(path, "lee")
    assert caught.value.details == ["row 3, column 'construct': north / IS.J2 is already rated in row 2"]
    path.write_text("case_id,construct,rating,rationale\nnorth,IS.J2,+2,a\nwest,IS.J2,+1,b\n", encoding="utf-8")
    assert study.import_ratings(path, "lee").rows == 2
    path.write_text("case_id,construct,rating,rationale\nnorth,IS.J2,+1,changed\n", encoding="utf-8")
    result = study.import_ratings(path, "lee")
    assert (result.replaced, result.removed) == (1, 1)  # west came from this file before and is gone now
    frame = study.ratings(raters="lee")
    assert frame[["case_id", "rating", "rationale"]].values.tolist() == [["north", "+1", "changed"]]


def test_consensus_is_a_reserved_rater_name(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_ratings_csv(tmp_path / "c.csv", {"IS.J2": {"north": "+2"}})
    with pytest.raises(InputError, match="consensus layer"):
        study.import_ratings(path, "consensus")


# ---------------------------------------------------------------------------- matrix, agreement, consensus
LEE = {"IS.J2": {"north": "+2", "west": "+1", "east": "0", "south": "-1"},
       "IS.A3": {"north": "X", "west": "", "east": "+2", "south": "-2"}}
KIM = {"IS.J2": {"north": "+2", "west": "+2", "east": "0", "south": "-2"},
       "IS.A3": {"north": "X", "west": "+1", "east": "+2", "south": "-2"}}


def _two_raters(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    study.import_ratings(write_ratings_csv(tmp_path / "lee.csv", LEE, "lee: "), "lee")
    study.import_ratings(write_ratings_csv(tmp_path / "kim.csv", KIM, "kim: "), "kim")


def test_construct_matrix_by_hand(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _two_raters(study, tmp_path)
    matrix = study.construct_matrix(by="clinic", rater="lee")
    assert list(matrix.index) == ["IS.A3", "IS.J2"]  # codebook order
    assert list(matrix.columns) == ["east", "north", "south", "west"]
    assert matrix.loc["IS.J2"].tolist() == ["0", "+2", "-1", "+1"]
    assert matrix.loc["IS.A3"].tolist() == ["+2", "X", "-2", None]
    numeric = study.construct_matrix(rater="lee", numeric=True, cases=["north", "west"])
    assert numeric.loc["IS.J2"].tolist() == [2.0, 1.0]
    assert math.isnan(numeric.at["IS.A3", "north"]) and math.isnan(numeric.at["IS.A3", "west"])
    with pytest.raises(InputError, match="several raters"):
        study.construct_matrix()


def test_rating_agreement_by_hand(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _two_raters(study, tmp_path)
    frame = study.rating_agreement(["lee", "kim"]).set_index("statistic")
    # units: 8 (case, construct); exact agreement where both rated: 7 units (lee left west IS.A3 empty)
    # agreeing: north J2, east J2, north A3 (X), east A3, south A3 = 5 of 7
    assert frame.at["percent_agreement", "value"] == pytest.approx(5 / 7)
    assert frame.at["percent_agreement", "n_units"] == 7
    # numeric pairs (X and missing out): J2 (2,2) (1,2) (0,0) (-1,-2); A3 (2,2) (-2,-2): all within one point
    assert frame.at["within_one_point", "value"] == 1.0
    assert frame.at["within_one_point", "n_units"] == 6
    # linear weighted kappa on -2..2 (k = 5, w = 1 - |i - j| / 4), by hand:
    # p_o = (1 + .75 + 1 + .75 + 1 + 1) / 6 = 5.5 / 6
    # lee margins: 2: 2/6, 1: 1/6, 0: 1/6, -1: 1/6, -2: 1/6; kim: 2: 3/6, 0: 1/6, -2: 2/6
    lee = {2: 2, 1: 1, 0: 1, -1: 1, -2: 1}
    kim = {2: 3, 0: 1, -2: 2}
    pe = sum(lee[i] * kim[j] * (1 - abs(i - j) / 4) for i in lee for j in kim) / 36
    po = 5.5 / 6
    assert frame.at["cohen_kappa_linear", "value"] == pytest.approx((po - pe) / (1 - pe))
    assert 0 < frame.at["krippendorff_alpha_ordinal", "value"] <= 1


def test_disagreements_and_consensus(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _two_raters(study, tmp_path)
    sheet = study.rating_disagreements(["kim", "lee"])
    assert sheet[["case_id", "construct", "kim", "lee"]].values.tolist() == [
        ["south", "IS.J2", "-2", "-1"], ["west", "IS.A3", "+1", None], ["west", "IS.J2", "+2", "+1"]]
    assert sheet["difference"].tolist()[0] == 1.0 and math.isnan(sheet["difference"].tolist()[1])
    with pytest.raises(InputError, match="3 disagreement"):
        study.build_consensus(["kim", "lee"])
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("case_id,construct,rating,rationale\nsouth,IS.J2,-2,cancelled supervision\n"
                         "west,IS.A3,+1,\nwest,IS.J2,+1,door but small\n", encoding="utf-8")
    result = study.build_consensus(["kim", "lee"], decisions=decisions)
    assert (result.agreed, result.decided, result.written) == (5, 3, 8)
    matrix = study.construct_matrix()  # consensus is now the default
    assert matrix.attrs["rater"] == "consensus"
    assert matrix.loc["IS.J2"].tolist() == ["0", "+2", "-2", "+1"]
    assert matrix.loc["IS.A3"].tolist() == ["+2", "X", "-2", "+1"]
    agreed = study.ratings(raters="consensus", cases="north", constructs="IS.J2").iloc[0]
    assert agreed["rationale"] == "agreed. kim: kim: IS.J2 at north | lee: lee: IS.J2 at north"
    assert study.ratings(raters="lee")["rating"].tolist().count("+1") == 1  # the raters' own layers are untouched


def test_consensus_allow_unresolved_and_bad_decisions(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _two_raters(study, tmp_path)
    result = study.build_consensus(["kim", "lee"], allow_unresolved=True)
    assert len(result.unresolved) == 3
    row = study.ratings(raters="consensus", cases="west", constructs="IS.J2").iloc[0]
    assert row["rating"] is None and row["rationale"] == "UNRESOLVED: kim +2, lee +1"
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,construct,rating\nwest,IS.J2,7\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        study.build_consensus(["kim", "lee"], decisions=bad)
    assert caught.value.details == ["row 2, column 'rating': '7' is not a rating (use -2, -1, 0, +1, +2 "
                                    "or leave the cell empty (missing))"]


def test_a_blank_decision_row_is_no_decision(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A reconciliation sheet with a row left blank was counted 'decided' (as missing) and the study report said
    every disagreement was decided (new-user walk); missing by decision needs a rationale."""
    _two_raters(study, tmp_path)
    sheet = study.rating_disagreements(["kim", "lee"])
    assert len(sheet) == 3
    decided = sheet.copy()
    decided.loc[0, ["rating", "rationale"]] = [decided.loc[0, "lee"], "lee's reading"]
    decided.loc[1, ["rating", "rationale"]] = ["", "too little evidence to rate"]  # missing, with a reason
    path = tmp_path / "decided.csv"
    decided.to_csv(path, index=False)  # row 2 (index 2) left blank
    with pytest.raises(InputError) as caught:
        study.build_consensus(["kim", "lee"], decisions=path)
    assert caught.value.message.startswith("1 disagreement(s) have no decision")
    assert len(caught.value.details) == 1
    result = study.build_consensus(["kim", "lee"], decisions=path, allow_unresolved=True)
    assert (result.decided, len(result.unresolved)) == (2, 1)
    row = decided.loc[1]
    missing = study.ratings(raters="consensus", cases=row["case_id"], constructs=row["construct"]).iloc[0]
    assert missing["rating"] is None and missing["rationale"] == "too little evidence to rate"


def test_consensus_rationale_is_given_once_when_the_raters_wrote_the_same(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = {"IS.J2": {"north": "+2"}}
    study.import_ratings(write_ratings_csv(tmp_path / "a.csv", table), "ann")
    study.import_ratings(write_ratings_csv(tmp_path / "b.csv", table), "bo")
    study.build_consensus(["ann", "bo"])
    assert study.ratings(raters="consensus")["rationale"].tolist() == ["agreed: IS.J2 at north"]


@pytest.mark.parametrize("seed", range(6))
def test_rating_agreement_equals_independent_implementations(seed: int) -> None:
    """Audit (session 7): the raters' agreement the methods text prints, against the krippendorff package (ordinal
    alpha with X and missing left out; nominal alpha with X a category of its own) and statsmodels (linearly
    weighted kappa on -2..+2 over the units both rated), on random ratings with missing cells and X."""
    import numpy as np
    import pandas as pd
    import krippendorff
    from statsmodels.stats.inter_rater import cohens_kappa

    from mio_qual.mixed.ratings import rating_agreement

    rng = np.random.default_rng(seed)
    values = ["-2", "-1", "0", "+1", "+2", "X", None]
    raters = ["kim", "lee", "max"]
    rows = []
    # correlated raters: a shared true rating, each rater off by -1/0/+1 now and then, some cells X or empty
    for case in ("north", "west", "east", "south"):
        for construct in range(12):
            truth = int(rng.integers(0, 5))
            for rater in raters:
                pick = min(4, max(0, truth + int(rng.choice([-1, 0, 0, 0, 1]))))
                value = values[pick] if rng.random() > 0.15 else values[int(rng.integers(5, 7))]
                rows.append({"rater": rater, "case_id": case, "construct": f"C{construct:02d}", "rating": value})
    frame = pd.DataFrame(rows)
    table = rating_agreement(frame, raters).set_index(["statistic", "raters"])
    wide = frame.pivot_table(index=["case_id", "construct"], columns="rater", values="rating", aggfunc="first",
                             dropna=False)[raters]
    code = {"-2": -2, "-1": -1, "0": 0, "+1": 1, "+2": 2}
    numeric = wide.apply(lambda c: c.map(lambda v: code.get(v, np.nan))).astype(float)
    ordinal = krippendorff.alpha(reliability_data=numeric.T.to_numpy(), level_of_measurement="ordinal",
                                 value_domain=[-2, -1, 0, 1, 2])
    assert table.loc[("krippendorff_alpha_ordinal", "kim & lee & max"), "value"] == pytest.approx(ordinal, abs=1e-12)
    nominal_codes = {**code, "X": 9}
    nominal = wide.apply(lambda c: c.map(lambda v: nominal_codes.get(v, np.nan))).astype(float)
    expected = krippendorff.alpha(reliability_data=nominal.T.to_numpy(), level_of_measurement="nominal")
    assert table.loc[("krippendorff_alpha_nominal", "kim & lee & max"), "value"] == pytest.approx(expected, abs=1e-12)
    for a, b in (("kim", "lee"), ("kim", "max"), ("lee", "max")):
        both = numeric[[a, b]].dropna()
        counts = np.zeros((5, 5))
        for x, y in both.to_numpy():
            counts[int(x) + 2, int(y) + 2] += 1
        assert table.loc[("cohen_kappa_linear", f"{a} & {b}"), "value"] == \
            pytest.approx(cohens_kappa(counts, wt="linear").kappa, abs=1e-12)
        assert table.loc[("within_one_point", f"{a} & {b}"), "value"] == \
            pytest.approx(float((abs(both[a] - both[b]) <= 1).mean()), abs=1e-15)
        labels = wide[[a, b]].dropna()
        assert table.loc[("percent_agreement", f"{a} & {b}"), "value"] == \
            pytest.approx(float((labels[a] == labels[b]).mean()), abs=1e-15)


def test_rating_agreement_notes_name_x_only_when_a_rater_gave_it() -> None:
    """New-user walk: the notes said "X (mixed) counted as a category" for worksheets that never offered X."""
    import pandas as pd

    from mio_qual.mixed.ratings import rating_agreement

    plain = pd.DataFrame({"case_id": ["north", "north", "west", "west"], "construct": ["IS.J2"] * 4,
                          "rater": ["kim", "lee"] * 2, "rating": ["+2", "+1", "-1", None]})
    notes = " ".join(rating_agreement(plain, ["kim", "lee"])["note"])
    assert "X" not in notes and "missing ratings left out" in notes
    mixed = plain.assign(rating=["+2", "X", "-1", None])
    notes = " ".join(rating_agreement(mixed, ["kim", "lee"])["note"])
    assert "X (mixed) counted as a category" in notes and "X (mixed) and missing ratings left out" in notes

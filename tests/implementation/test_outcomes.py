"""Implementation outcomes: hand-computed values a pooled or wrongly based statistic would miss."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from helpers.samples import write_file
from mio_qual.errors import InputError

FIDELITY = ("session_id,counselor_id,clinic,agency,date,adherence,competence\n"
            "s1,c1,north,river,2025-01-02,5,4\n"
            "s2,c1,north,river,2025-01-09,5,4\n"
            "s3,c1,north,river,2025-01-16,5,4\n"
            "s4,c2,north,river,2025-01-03,3,2\n"
            "s5,c3,east,river,2025-01-04,4,5\n")
COUNTS = ("clinic,agency,eligible,enrolled,trained,delivering,eligible_counselors\n"
          "north,river,100,90,6,6,8\n"
          "east,river,10,1,4,1,4\n")
FIM = ("counselor_id,clinic,agency,wave,fim_1,fim_2,fim_3,fim_4\n"
       "c1,north,river,1,4,4,4,4\n"
       "c1,north,river,2,5,5,5,5\n"
       "c2,north,river,1,2,2,2,2\n")


@pytest.fixture()
def outcomes(project, tmp_path: Path):  # type: ignore[no-untyped-def]
    for name, text in (("fidelity.csv", FIDELITY), ("counts.csv", COUNTS), ("fim.csv", FIM)):
        project.import_quant(write_file(tmp_path / name, text))
    frame = project.implementation_outcomes(benchmark=4)
    return project, frame.set_index(["level", "agency", frame["clinic"].fillna("-"), "outcome",
                                     frame["wave"].fillna("-")])


def test_fidelity_goes_counselor_then_clinic(outcomes) -> None:  # type: ignore[no-untyped-def]
    project, table = outcomes
    counselors = project.counselor_fidelity(benchmark=4).set_index("counselor_id")
    assert counselors.at["c1", "n_sessions"] == 3 and counselors.at["c1", "adherence"] == 5.0
    assert counselors.at["c2", "competence_at_benchmark"] == 0.0
    north = table.loc[("clinic", "river", "north", "adherence", "-")]
    # the mean of the two counselors' means, (5 + 3) / 2, not the mean of 4 pooled sessions (4.5)
    assert (north["value"], north["n"]) == (4.0, 2) and north["base"].startswith("counselors")
    share = table.loc[("clinic", "river", "north", "competence_at_benchmark", "-")]
    assert (share["value"], share["n"], share["base"]) == (0.75, 4, "rated sessions")
    agency = table.loc[("agency", "river", "-", "adherence", "-")]
    assert (agency["value"], agency["n"], agency["sd"]) == (4.0, 3, 1.0)  # counselors 5, 3 and 4


def test_adoption_counts_counselors_never_trained(outcomes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, table = outcomes
    north = table.loc[("clinic", "river", "north", "adoption", "-")]
    assert (north["value"], north["numerator"], north["denominator"]) == (0.75, 6, 8)  # 2 of 8 never trained
    assert north["base"] == "eligible counselors, trained or not"
    agency = table.loc[("agency", "river", "-", "adoption", "-")]
    assert agency["value"] == pytest.approx(7 / 12) and agency["n"] == 12 and "pooled over 2 clinics" in agency["base"]
    reach = table.loc[("agency", "river", "-", "reach", "-")]
    assert reach["value"] == pytest.approx(91 / 110) and reach["n"] == 110 and math.isnan(reach["sd"])
    assert "non-participants" in reach["note"]
    # without the eligible count the denominator is the trained counselors, and the row says so
    project.import_quant(write_file(tmp_path / "counts.csv", "clinic,eligible,enrolled,trained,delivering\nnorth,100,90,6,3\n"))
    rows = project.implementation_outcomes().query("outcome == 'adoption' and level == 'clinic'").set_index("clinic")
    row = rows.loc["north"]
    assert (row["value"], row["base"]) == (0.5, "trained counselors") and "never trained" in row["note"]
    # east, named by the fidelity file, has no row in the new counts file: shown, not dropped
    assert math.isnan(rows.at["east", "value"]) and rows.at["east", "note"] == ("not computable: no row for this "
                                                                               "clinic in counts.csv")
    with pytest.raises(InputError) as caught:
        project.import_quant(write_file(tmp_path / "bad.csv", "clinic,trained,delivering,eligible_counselors\nnorth,6,5,4\n"))
    assert caught.value.details == ["row 2, column 'trained': trained (6) is more than eligible_counselors (4)",
                                    "row 2, column 'delivering': delivering (5) is more than eligible_counselors (4)"]


def test_a_clinic_without_its_eligible_count_keeps_its_reach_row(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # east's eligible cell is blank: it had no reach row at all, and river's agency row vanished with it
    project.import_quant(write_file(tmp_path / "counts.csv", "clinic,agency,eligible,enrolled\n"
                                                             "north,river,100,90\neast,river,,5\nwest,lake,20,10\n"))
    table = project.implementation_outcomes().query("outcome == 'reach'")
    table = table.set_index([table["clinic"].fillna(table["agency"] + " (agency)")])
    assert sorted(table.index) == ["east", "lake (agency)", "north", "river (agency)", "west"]
    assert (table.at["north", "value"], table.at["west", "value"], table.at["lake (agency)", "value"]) == (0.9, 0.5, 0.5)
    east, river = table.loc["east"], table.loc["river (agency)"]
    assert math.isnan(east["value"]) and east["numerator"] == 5 and math.isnan(east["denominator"])
    assert east["note"] == "not computable: no eligible count for this clinic"
    assert math.isnan(river["value"]) and river["note"] == ("not computable: east lacks the eligible count, so the "
                                                            "agency's clinics cannot all be pooled")
    # the RE-AIM table carries the reason where the value would be
    reaim = project.reaim().query("clinic == 'east' and indicator == 'mothers enrolled / eligible'").iloc[0]
    assert math.isnan(reaim["value"]) and reaim["note"].startswith("not computable: no eligible count")


def test_feasibility_by_clinic_and_wave(outcomes) -> None:  # type: ignore[no-untyped-def]
    _, table = outcomes
    assert table.loc[("clinic", "river", "north", "fim", "1"), "value"] == 3.0  # c1 4, c2 2
    assert table.loc[("clinic", "river", "north", "fim", "1"), "n"] == 2
    assert table.loc[("clinic", "river", "north", "fim", "2"), "value"] == 5.0  # c1 again, a later wave
    assert table.loc[("clinic", "river", "north", "fim", "2"), "n"] == 1


def test_answers_without_a_wave_beside_waves_are_not_merged_into_wave_1(outcomes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a second FIM file without a wave column (c3 answered 1s): it was counted as wave 1, north's wave 1 became
    # (4 + 2 + 1) / 3 over 3 respondents
    from mio_qual.implementation.outcomes import WAVE_NOT_RECORDED, outcome_values

    project, _ = outcomes
    project.import_quant(write_file(tmp_path / "fim_late.csv", "counselor_id,clinic,agency,fim_1,fim_2,fim_3,fim_4\n"
                                                               "c3,north,river,1,1,1,1\n"))
    frame = project.implementation_outcomes().query("outcome == 'fim' and level == 'clinic'")
    # east answered no FIM survey: its rows say so in each recorded wave (not in the unrecorded group)
    east = frame[frame["clinic"] == "east"].set_index("wave")["note"].to_dict()
    assert east == {"1": "not computable: no wave 1 FIM answers for this clinic in fim.csv",
                    "2": "not computable: no wave 2 FIM answers for this clinic in fim.csv"}
    frame = frame[frame["clinic"] == "north"].set_index("wave")
    assert list(frame.index) == [WAVE_NOT_RECORDED, "1", "2"]  # the unrecorded wave first, never the "last" one
    assert (frame.at["1", "value"], frame.at["1", "n"]) == (3.0, 2)
    assert (frame.at[WAVE_NOT_RECORDED, "value"], frame.at[WAVE_NOT_RECORDED, "n"]) == (1.0, 1)
    assert frame.at[WAVE_NOT_RECORDED, "note"].startswith("wave not recorded") and frame.at["1", "note"] == ""
    # the RE-AIM table and the predictor matrix read the last recorded wave
    assert outcome_values(project.implementation_outcomes()).set_index("clinic").at["north", "fim"] == 5.0


def test_a_survey_without_a_wave_column_is_wave_1(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project.import_quant(write_file(tmp_path / "fim.csv", "counselor_id,clinic,fim_1,fim_2,fim_3,fim_4\n"
                                                          "c1,north,4,4,4,4\nc2,north,2,2,2,2\n"))
    row = project.implementation_outcomes().query("outcome == 'fim' and level == 'clinic'").iloc[0]
    assert (row["wave"], row["value"], row["n"], row["note"]) == ("1", 3.0, 2, "")


def test_aim2_and_the_joint_displays_share_one_clinic_fidelity_by_hand() -> None:
    """Aim 2 (counselor_fidelity, implementation_outcomes) and aggregate (joint displays, QCA, Aim 3) computed the
    counselor means in two places; a session without an id (a generic session file) was dropped by Aim 2's
    pivot and kept by aggregate. Now one definition (counselor_means), checked by hand:

    north: k1 sessions (5, 4), (3, 2) -> 4, 3; k2 (2, missing) -> 2, -; no counselor id (4, 5) -> 4, 5
           adherence (4 + 2 + 4) / 3 = 10/3 over 3 counselors; competence (3 + 5) / 2 = 4 over 2
    east:  k3 (3, -), (4, -) -> 3.5, -;  agency river adherence (4 + 2 + 4 + 3.5) / 4 = 3.375
    """
    import pandas as pd

    from mio_qual.implementation.outcomes import counselor_fidelity, implementation_outcomes
    from mio_qual.mixed.aggregate import aggregate

    sessions = [  # row, clinic, session id, counselor, adherence, competence
        (2, "north", "s1", "k1", 5.0, 4.0), (3, "north", None, "k1", 3.0, 2.0), (4, "north", "s3", "k2", 2.0, None),
        (5, "north", "s4", None, 4.0, 5.0), (6, "east", "s5", "k3", 3.0, None), (7, "east", "s6", "k3", 4.0, None)]
    quant = pd.DataFrame([{"dataset": "fidelity.csv", "level": "session", "agency": "river", "clinic": clinic,
                           "unit_id": sid, "row": row, "counselor_id": who, "date": None, "measure": measure,
                           "value": value}
                          for row, clinic, sid, who, adherence, competence in sessions
                          for measure, value in (("adherence", adherence), ("competence", competence))
                          if value is not None])
    counselors = counselor_fidelity(quant).set_index("counselor_id")
    assert counselors.loc["k1", ["n_sessions", "adherence", "competence"]].tolist() == [2, 4.0, 3.0]
    assert counselors.loc["(unknown)", ["n_sessions", "adherence", "competence"]].tolist() == [1, 4.0, 5.0]
    assert math.isnan(counselors.loc["k2", "competence"]) and counselors.loc["k3", "adherence"] == 3.5
    outcomes = implementation_outcomes(quant).set_index(["level", implementation_outcomes(quant)["clinic"].fillna("-"),
                                                         "outcome"])
    by_clinic = aggregate(quant, by="clinic").set_index(["clinic", "measure"])
    by_agency = aggregate(quant, by="agency").set_index(["agency", "measure"])
    for (clinic, measure), (value, n) in {("north", "adherence"): (10 / 3, 3), ("north", "competence"): (4.0, 2),
                                          ("east", "adherence"): (3.5, 1)}.items():
        aim2 = outcomes.loc[("clinic", clinic, measure)]
        assert aim2["value"] == pytest.approx(value) and aim2["n"] == n
        assert by_clinic.loc[(clinic, measure), "mean"] == pytest.approx(value)
        assert by_clinic.loc[(clinic, measure), "n"] == n
    assert outcomes.loc[("agency", "-", "adherence"), "value"] == pytest.approx(3.375)
    assert by_agency.loc[("river", "adherence"), "mean"] == pytest.approx(3.375)
    assert outcomes.loc[("agency", "-", "adherence"), "n"] == by_agency.loc[("river", "adherence"), "n"] == 4


def _four_clinics(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The helpers' four-clinic study (river: north, east; harbor: west, south), transcripts only."""
    from helpers.mixed import write_study
    from mio_qual import Project

    project = Project.create(tmp_path / "study")
    project.import_transcripts([write_study(tmp_path / "files")])
    return project


def test_a_clinic_missing_from_every_outcome_file_keeps_its_rows(tmp_path: Path) -> None:
    """south is a clinic of the project (its transcripts) that no outcome file names: it had no row at all (the
    RE-AIM table said "no data in the project"), and harbor's agency rows pooled west alone as the agency's."""
    project = _four_clinics(tmp_path)
    for name, text in (("counts.csv", "clinic,agency,eligible,enrolled,trained,delivering,eligible_counselors\n"
                                      "north,river,100,90,6,6,8\neast,river,10,1,4,1,4\nwest,harbor,20,10,4,2,4\n"),
                       ("fim.csv", "counselor_id,clinic,agency,fim_1,fim_2,fim_3,fim_4\n"
                                   "c1,north,river,4,4,4,4\nc3,east,river,2,2,2,2\nc5,west,harbor,3,3,3,3\n"),
                       ("fidelity.csv", "session_id,counselor_id,clinic,agency,date,adherence,competence\n"
                                        "s1,c1,north,river,2025-01-02,5,4\ns2,c3,east,river,2025-01-04,4,\n"
                                        "s3,c5,west,harbor,2025-01-05,3,3\n")):
        project.import_quant(write_file(tmp_path / name, text))
    table = project.implementation_outcomes()
    site = table["clinic"].fillna(table["agency"] + " (agency)")
    table = table.set_index([table["outcome"], site])
    for outcome, file in (("reach", "counts.csv"), ("adoption", "counts.csv"), ("fim", "fim.csv"),
                          ("adherence", "fidelity.csv"), ("adherence_at_benchmark", "fidelity.csv")):
        south, harbor = table.loc[(outcome, "south")], table.loc[(outcome, "harbor (agency)")]
        assert math.isnan(south["value"]) and math.isnan(harbor["value"]), outcome
        assert south["note"].startswith("not computable: no ") and south["note"].endswith(f"this clinic in {file}")
        assert harbor["note"].startswith("not computable: south has no ")
        assert harbor["note"].endswith(f"in {file}, so the agency's clinics cannot all be pooled")
    assert table.at[("reach", "south"), "note"] == "not computable: no row for this clinic in counts.csv"
    assert table.at[("fim", "south"), "note"] == "not computable: no FIM answers for this clinic in fim.csv"
    assert table.at[("adherence", "harbor (agency)"), "note"] == (
        "not computable: south has no adherence ratings in fidelity.csv, so the agency's clinics cannot all be pooled")
    # the clinics with data keep their values, and river (both clinics present) is pooled as before
    assert (table.at[("reach", "west"), "value"], table.at[("reach", "river (agency)"), "value"]) == (0.5, 91 / 110)
    assert (table.at[("fim", "river (agency)"), "value"], table.at[("fim", "river (agency)"), "n"]) == (3.0, 2)
    # east's session has no competence rating: its competence is not computable for that reason, and river with it
    assert table.at[("competence", "east"), "note"] == ("not computable: no competence ratings for this clinic in "
                                                        "fidelity.csv")
    assert math.isnan(table.at[("competence", "river (agency)"), "value"])
    assert table.at[("adherence", "river (agency)"), "value"] == 4.5
    # RE-AIM carries the reason where the value would be, the notes of the CLI table list every gap
    reaim = project.reaim().query("clinic == 'south' and dimension in ['Reach', 'Adoption'] "
                                  "and indicator != 'representativeness'")
    assert list(reaim["note"]) == ["not computable: no row for this clinic in counts.csv"] * 2
    notes = project.implementation_outcomes_result().tables[0].notes
    assert notes[0] == ("reach not computable for south: no row for this clinic in counts.csv; the harbor agency: "
                        "south has no row in counts.csv, so the agency's clinics cannot all be pooled.")
    # the predictor matrix's "n = 3 clinics" names the clinics it leaves out of a pair, and why
    assert project.predictor_matrix().notes[0].endswith(
        "Left out of the pairs that need the value: east (fidelity: competence); south (reach, adoption, feasibility "
        "(FIM), fidelity: adherence, fidelity: competence).")


def test_a_clinic_absent_from_a_later_wave_is_not_computable_in_that_wave(project, tmp_path: Path) -> None:
    project.import_quant(write_file(tmp_path / "fim.csv", "counselor_id,clinic,agency,wave,fim_1,fim_2,fim_3,fim_4\n"
                                                          "c1,north,river,baseline,4,4,4,4\n"
                                                          "c3,east,river,baseline,2,2,2,2\n"
                                                          "c1,north,river,6 months,5,5,5,5\n"))
    from mio_qual.implementation.outcomes import outcome_values

    table = project.implementation_outcomes().query("outcome == 'fim'")
    east = table[table["clinic"] == "east"].set_index("wave")
    assert math.isnan(east.at["6 months", "value"]) and east.at["6 months", "note"] == (
        "not computable: no 6 months FIM answers for this clinic in fim.csv")
    # the last wave (6 months) stands for each clinic: east has none there, so it is not compared with north's
    values = outcome_values(table).set_index("clinic")["fim"]
    assert values["north"] == 5.0 and math.isnan(values.get("east", math.nan))


@pytest.mark.parametrize(("waves", "order", "rule"), [
    (["2", "10", "1"], ["1", "2", "10"], "by number"),
    (["T2", "wave 1", "T3"], ["wave 1", "T2", "T3"], "by number"),
    (["12 months", "baseline", "6-month follow-up", "week 6"], ["baseline", "week 6", "6-month follow-up", "12 months"],
     "by time since baseline"),
    (["2026-03", "March 2025", "2025-11-15"], ["March 2025", "2025-11-15", "2026-03"], "by date"),
    # kinds mixed, or a label of no kind: the order of the files, never a comparison of a date with a number
    (["baseline", "2", "1"], ["baseline", "2", "1"], "in the order they first appear"),
    (["spring", "fall"], ["spring", "fall"], "in the order they first appear"),
])
def test_waves_follow_a_stated_study_order(waves: list[str], order: list[str], rule: str) -> None:
    """Labels that are not numbers sorted after numbered ones, alphabetically ('12 months' before '3 months', both
    after any number): the 'last wave' of RE-AIM could be the first one asked."""
    from mio_qual.implementation.outcomes import wave_order

    got, said = wave_order(waves)
    assert got == order and said.startswith(rule)


def test_the_last_wave_is_the_latest_in_study_order_and_the_notes_say_how(project, tmp_path: Path) -> None:
    from mio_qual.implementation.outcomes import outcome_values

    # 12 months is the latest wave although it sorts first as text and comes first in the file
    project.import_quant(write_file(tmp_path / "fim.csv", "counselor_id,clinic,agency,wave,fim_1,fim_2,fim_3,fim_4\n"
                                                          "c1,north,river,12 months,5,5,5,5\n"
                                                          "c1,north,river,baseline,2,2,2,2\n"
                                                          "c1,north,river,3 months,3,3,3,3\n"))
    table = project.implementation_outcomes()
    assert list(table.query("outcome == 'fim' and level == 'clinic'")["wave"]) == ["baseline", "3 months", "12 months"]
    assert outcome_values(table).set_index("clinic").at["north", "fim"] == 5.0
    notes = project.implementation_outcomes_result().tables[0].notes
    assert notes == ["FIM/AIM/IAM waves are ordered by time since baseline (baseline first; days, weeks, months and "
                     "years compared as days): baseline, 3 months, 12 months; the last, 12 months, stands for each "
                     "clinic in the RE-AIM table and the predictor matrix."]
    # labels of no single kind keep the order of the file (spring before fall), and the notes say so
    project.import_quant(write_file(tmp_path / "fim.csv", "counselor_id,clinic,agency,wave,fim_1,fim_2,fim_3,fim_4\n"
                                                          "c1,north,river,spring,2,2,2,2\nc1,north,river,fall,4,4,4,4\n"))
    table = project.implementation_outcomes()
    assert list(table.query("outcome == 'fim' and level == 'clinic'")["wave"]) == ["spring", "fall"]
    assert outcome_values(table).set_index("clinic").at["north", "fim"] == 4.0
    assert "in the order they first appear in the imported files" in project.implementation_outcomes_result().tables[0].notes[0]

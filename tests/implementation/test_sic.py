"""Stages of Implementation Completion: hand-computed scores, the agency rule, every bad cell."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from helpers.samples import write_file
from mio_qual.errors import InputError

LIST = ("activity_id,activity,stage,phase,level\n"
        "A1,Apply for the grant,1,pre-implementation,agency\n"
        "A2,Feasibility meeting,2,,clinic\n"
        "A3,Readiness plan,3,pre,clinic\n"
        "A4,Counselors trained,4,implementation,clinic\n"
        "A5,First session,6,implementation,clinic\n"
        "A6,Counselors certified,8,sustainability,clinic\n")
DATES = ("activity_id,agency,clinic,date_completed\n"
         "A1,river,,2024-01-10\n"
         "A2,river,north,2024-02-01\n"
         "A3,river,north,2024-03-01\n"
         "A4,river,north,2024-04-01\n"
         "A6,river,north,2025-01-01\n"
         "A2,river,east,2024-01-20\n"
         "A3,river,east,\n")


@pytest.fixture()
def sic_project(project, tmp_path: Path):  # type: ignore[no-untyped-def]
    project.import_implementation("activities", write_file(tmp_path / "list.csv", LIST))
    project.import_implementation("activity_dates", write_file(tmp_path / "dates.csv", DATES))
    return project


def test_phase_scores_by_hand(sic_project) -> None:  # type: ignore[no-untyped-def]
    phases = sic_project.sic("phase").set_index(["clinic", "phase"])
    north_pre = phases.loc[("north", "pre-implementation")]
    # A1 (the agency's date counts for north), A2, A3 all done: 3 / 3; 2024-01-10 .. 2024-03-01 = 51 days
    assert (north_pre["n_activities"], north_pre["n_completed"], north_pre["proportion"]) == (3, 3, 1.0)
    assert north_pre["duration_days"] == 51.0
    north_impl = phases.loc[("north", "implementation")]
    assert (north_impl["proportion"], north_impl["duration_days"]) == (0.5, 0.0)  # A4 done, A5 not: one date
    east_pre = phases.loc[("east", "pre-implementation")]
    assert east_pre["proportion"] == pytest.approx(2 / 3) and east_pre["duration_days"] == 10.0
    assert math.isnan(phases.loc[("east", "implementation"), "duration_days"])


def test_summary_stage_reached_and_agency_base(sic_project) -> None:  # type: ignore[no-untyped-def]
    summary = sic_project.sic().set_index("clinic")
    assert summary.at["north", "stage_reached"] == 8  # stage 6 skipped: the SIC does not assume order
    assert summary.at["east", "stage_reached"] == 2
    assert summary.at["north", "overall_proportion"] == pytest.approx(5 / 6)
    assert summary.at["north", "overall_days"] == 357.0  # 2024-01-10 .. 2025-01-01 (2024 is a leap year)
    assert summary.at["north", "sustainability_proportion"] == 1.0
    stages = sic_project.sic("stage").set_index(["clinic", "stage"])
    assert stages.loc[("east", 1), "proportion"] == 1.0  # the agency's activity counts for east too
    assert ("north", 5) not in stages.index  # no activity of stage 5 on the list
    agency = sic_project.sic("agency").set_index("score")
    assert agency.at["pre_implementation_proportion", "mean"] == pytest.approx((1 + 2 / 3) / 2)
    assert agency.at["pre_implementation_proportion", "n_clinics"] == 2
    assert set(agency["base"]) == {"clinics"}


def test_every_bad_cell_is_listed_and_nothing_stored(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write_file(tmp_path / "list.csv", "activity_id,activity,stage,phase,level\n"
                                      "A1,Grant,9,,agency\n"
                                      "A2,Plan,3,implementation,clinic\n"
                                      "A3,Train,4,,site\n"
                                      "A2,Again,2,,clinic\n"
                                      "A5,,two,,clinic\n")
    with pytest.raises(InputError) as caught:
        project.import_implementation("activities", bad)
    assert caught.value.details == [
        "row 2, column 'stage': 9 is not a SIC stage (1-8)",
        "row 3, column 'phase': stage 3 belongs to pre-implementation, not implementation",
        "row 4, column 'level': 'site' is not an allowed value (use one of: agency, clinic)",
        "row 5, column 'activity_id': 'A2' is used twice (rows 3 and 5)",
        "row 6, column 'activity': the activity is empty",
        "row 6, column 'stage': 'two' is not a number",
    ]
    assert not len(project.activity_list())
    project.import_implementation("activities", write_file(tmp_path / "ok.csv", LIST))
    dates = write_file(tmp_path / "dates.csv", "activity_id,agency,clinic,date_completed\n"
                                         "A9,river,north,2024-01-01\n"
                                         "A1,river,north,2024-01-01\n"
                                         "A2,river,,2024-01-01\n"
                                         "A3,river,north,01/02/2024\n"
                                         "A3,river,north,2024-02-01\n"
                                         "A3,river,north,2024-02-02\n")
    with pytest.raises(InputError) as caught:
        project.import_implementation("activity_dates", dates)
    assert caught.value.details == [
        "row 2, column 'activity_id': 'A9' is not on the activity list",
        "row 3, column 'clinic': A1 is an agency activity: leave the clinic empty and give the agency",
        "row 4, column 'clinic': A2 is a clinic activity: give the clinic",
        "row 5, column 'date_completed': '01/02/2024' is not a date (use YYYY-MM-DD)",
        "row 7, column 'activity_id': A3 at north is given twice (rows 6 and 7)",
    ]


def test_a_new_list_names_dates_it_no_longer_scores(sic_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shorter = write_file(tmp_path / "short.csv", "\n".join(LIST.splitlines()[:-2]) + "\n")  # A5 and A6 dropped
    result = sic_project.import_implementation("activities", shorter)
    assert result.warnings == ["1 stored completion date(s) name activities no longer on the list and are not "
                               "scored: A6"]  # A5 had no date
    assert sic_project.sic().set_index("clinic").at["north", "stage_reached"] == 4


def test_dates_need_the_list_first(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="no activity list"):
        project.import_implementation("activity_dates", write_file(tmp_path / "d.csv", DATES))


def test_a_clinic_without_a_date_of_its_own_is_named_not_silently_zero(tmp_path: Path) -> None:
    """west and south are clinics of the project the dates file never names: they scored 0 on every clinic activity
    with no word, as if nothing had been done (not logged and not done look the same)."""
    from helpers.mixed import write_study
    from mio_qual import Project

    project = Project.create(tmp_path / "study")
    project.import_transcripts([write_study(tmp_path / "files")])
    project.import_implementation("activities", write_file(tmp_path / "list.csv", LIST))
    project.import_implementation("activity_dates", write_file(tmp_path / "dates.csv", DATES))
    summary = project.sic().set_index("clinic")
    note = "no row for this clinic in dates.csv: its clinic activities count as not completed"
    assert summary["note"].to_dict() == {"east": "", "north": "", "south": note, "west": note}
    assert summary.at["west", "stage_reached"] == 0 and summary.at["west", "overall_proportion"] == 0.0
    assert set(project.sic("agency")["score"]) >= {"stage_reached"} and "note" not in set(project.sic("agency")["score"])
    result = project.sic_result()
    assert result.tables[0].notes[-1] == ("south and west have no row of their own in the activity dates: their "
                                          "clinic activities count as not completed (0), and so in the agency's mean; "
                                          "if they were done, add their dates and import the file again.")

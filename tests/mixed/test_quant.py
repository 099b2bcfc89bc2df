"""Quantitative outcomes: checks with row-level errors, scoring, and hand-computed aggregates."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mio_qual.errors import InputError
from mio_qual.mixed.aggregate import outcome_by_case, summarize_values
from mio_qual.mixed.quant import MEASURES, detect_kind, measure_table
from helpers.mixed import write_fidelity


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_fidelity_scored_and_aggregated_by_hand(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = study.import_quant(write_fidelity(tmp_path / "fidelity.csv"))
    assert (result.kind, result.level, result.rows, result.dataset) == ("fidelity", "session", 16, "fidelity")
    assert result.measures == ["adherence", "competence", "fidelity"]
    # the sessions pooled (named option): each session one value
    by_clinic = study.outcomes("clinic", measures="fidelity", pool="sessions").set_index("clinic")
    assert by_clinic["mean"].to_dict() == {"east": 3.0, "north": 4.5, "south": 2.0, "west": 4.0}
    # south fidelity: 2, 2, 2.5, 1.5 -> mean 2, SD sqrt((0 + 0 + .25 + .25) / 3), median 2
    assert by_clinic.at["south", "sd"] == pytest.approx(math.sqrt(0.5 / 3))
    assert by_clinic.at["south", "median"] == 2.0
    assert (by_clinic.at["south", "min"], by_clinic.at["south", "max"]) == (1.5, 2.5)
    assert by_clinic.at["north", "sd"] == 0.0
    assert set(by_clinic["level"]) == {"session"} and set(by_clinic["n"]) == {4}
    assert set(by_clinic["base"]) == {"sessions pooled (a counselor with more sessions weighs more)"}
    assert by_clinic.at["north", "agency"] == "river"  # filled from the transcripts' clinic -> agency
    # agency: river pools north (4.5 x4) and east (3.0 x4): mean 3.75, SD sqrt(8 * .5625 / 7)
    by_agency = study.outcomes("agency", measures="fidelity", pool="sessions").set_index("agency")
    assert by_agency.at["river", "mean"] == 3.75
    assert by_agency.at["river", "sd"] == pytest.approx(math.sqrt(8 * 0.5625 / 7))
    assert by_agency.at["river", "n"] == 8
    # adherence in north: 5, 4, 5, 4 -> 4.5; competence 4, 5, 4, 5 -> 4.5
    adherence = study.outcomes("clinic", measures="adherence", pool="sessions").set_index("clinic")
    assert adherence.at["north", "median"] == 4.5
    outcome = outcome_by_case(study.quant(), "fidelity")
    assert outcome["value"].sort_values(ascending=False).index.tolist() == ["north", "west", "east", "south"]


def test_clinic_fidelity_is_the_mean_of_counselor_means_by_hand(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One definition of clinic fidelity (Aim 2's): counselor means first, each counselor equal."""
    from mio_qual.implementation.outcomes import implementation_outcomes

    study.import_quant(_csv(tmp_path / "fidelity.csv", (
        "session_id,counselor_id,clinic,adherence,competence\n"
        "s1,na,north,5,5\n"
        "s2,na,north,5,5\n"
        "s3,na,north,4,4\n"
        "s4,nb,north,2,3\n"
        "s5,ea,east,3,3\n")))
    # north: counselor na 5, 5, 4 -> 14/3; nb 2.5; clinic (14/3 + 2.5) / 2 = 43/12 (pooled: 16.5 / 4 = 4.125)
    north = outcome_by_case(study.quant(), "fidelity").loc["north"]
    assert north["value"] == pytest.approx(43 / 12) and north["n"] == 2
    assert north["base"] == "counselors (each counselor's mean of rated sessions)"
    assert outcome_by_case(study.quant(), "fidelity", pool="sessions").at["north", "value"] == pytest.approx(4.125)
    table = study.outcomes("clinic", measures="fidelity").set_index("clinic")
    assert table.at["north", "mean"] == pytest.approx(43 / 12) and table.at["north", "level"] == "session -> counselor"
    # SD over the two counselor means: |14/3 - 2.5| / sqrt(2)
    assert table.at["north", "sd"] == pytest.approx((14 / 3 - 2.5) / math.sqrt(2))
    # agency river (north + east): the three counselors 14/3, 2.5, 3 -> 61/18 (pooled: 19.5 / 5 = 3.9)
    assert outcome_by_case(study.quant(), "fidelity", by="agency").at["river", "value"] == pytest.approx(61 / 18)
    assert outcome_by_case(study.quant(), "fidelity", by="agency", pool="sessions").at["river", "value"] == \
        pytest.approx(3.9)
    # the same as Aim 2's counselor -> clinic adherence (10/3) and competence (23/6), averaged
    aim2 = implementation_outcomes(study.quant())
    aim2 = aim2[(aim2["level"] == "clinic") & (aim2["clinic"] == "north")].set_index("outcome")["value"]
    assert aim2["adherence"] == pytest.approx(10 / 3) and aim2["competence"] == pytest.approx(23 / 6)
    assert north["value"] == pytest.approx((aim2["adherence"] + aim2["competence"]) / 2)
    with pytest.raises(InputError, match="cannot pool"):
        outcome_by_case(study.quant(), "fidelity", pool="visits")


def test_summarize_values_by_hand() -> None:
    s = summarize_values([1.0, 2.0, 3.0, 4.0, float("nan")])
    assert (s["n"], s["n_missing"], s["mean"], s["median"]) == (4, 1, 2.5, 2.5)
    assert s["sd"] == pytest.approx(math.sqrt(5 / 3))
    one = summarize_values([7.0])
    assert one["mean"] == 7.0 and math.isnan(one["sd"])
    assert summarize_values([])["n"] == 0


def test_bad_quant_rows_reported_with_row_and_column(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _csv(tmp_path / "bad.csv", (
        "session_id,clinic,adherence,competence\n"
        "s1,north,4,4\n"
        "s2,north,7,4\n"
        "s3,north,4,high\n"
        "s4,nrth,4,4\n"
        "s1,north,3,3\n"
        "s6,west,=A1+1,3\n"
        "s7,,3,3\n"
        "s8,west,0,5\n"))
    with pytest.raises(InputError) as caught:
        study.import_quant(path)
    assert caught.value.details == [
        "row 3, column 'adherence': 7 is outside 1-5",
        "row 4, column 'competence': 'high' is not a number",
        "row 5, column 'clinic': 'nrth' is not a clinic of this project (did you mean 'north'?)",
        "row 6, column 'session_id': 's1' appears twice (rows 2 and 6)",
        "row 7, column 'adherence': holds a formula (=A1+1); formulas are never evaluated on import",
        "row 8, column 'clinic': the clinic is empty",
        "row 9, column 'adherence': 0 is outside 1-5",
    ]
    assert "7 bad cells in the quantitative file; nothing was imported" in str(caught.value)
    assert len(study.quant()) == 0


def test_xlsx_errors_name_the_sheet_and_formulas_are_errors(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Clinic counts"
    sheet.append(["clinic", "eligible", "enrolled", "trained", "delivering"])
    sheet.append(["north", 30, 20, 6, 6])
    sheet.append(["west", "=B2*2", 10, 5, 4])
    sheet.append(["east", 10, 12, 5, 2.5])
    sheet.append(["south", -1, 0, 5, 2])
    book.save(tmp_path / "counts.xlsx")
    with pytest.raises(InputError) as caught:
        study.import_quant(tmp_path / "counts.xlsx")
    assert caught.value.details == [
        "sheet 'Clinic counts', row 3, column 'eligible': holds a formula (=B2*2); formulas are never evaluated on import",
        "sheet 'Clinic counts', row 4, column 'delivering': 2.5 is not a whole number",
        "sheet 'Clinic counts', row 5, column 'eligible': -1 is outside >= 0",
    ]


def test_reach_adoption_scored_and_checked(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = _csv(tmp_path / "reach.csv", "clinic,eligible,enrolled,trained,delivering\nnorth,40,30,6,6\n"
                                        "south,40,10,5,2\nwest,0,0,4,4\n")
    result = study.import_quant(good)
    assert result.kind == "reach_adoption" and result.level == "clinic"
    assert any("eligible is 0, so reach is not defined" in w for w in result.warnings)
    values = study.quant(measure=["reach", "adoption"]).set_index(["clinic", "measure"])["value"]
    assert values[("north", "reach")] == 0.75 and values[("south", "reach")] == 0.25
    assert values[("south", "adoption")] == 0.4 and math.isnan(values[("west", "reach")])
    by_agency = study.outcomes("agency", measures="reach").set_index("agency")
    # pooled counts of the clinics with a value (west's is undefined): n is the pooled denominator
    assert by_agency.at["harbor", "mean"] == 0.25 and by_agency.at["harbor", "n"] == 40
    assert by_agency.at["harbor", "n_missing"] == 1
    assert by_agency.at["harbor", "level"] == "clinic (pooled: enrolled / eligible)"
    assert by_agency.at["harbor", "base"] == "eligible (pooled counts of 1 clinic)"
    bad = _csv(tmp_path / "reach2.csv", "clinic,eligible,enrolled\nnorth,10,12\n")
    with pytest.raises(InputError) as caught:
        study.import_quant(bad)
    assert caught.value.details == ["row 2, column 'enrolled': enrolled (12) is more than eligible (10)"]


def test_fim_aim_iam_item_count_checked(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    header = "counselor_id,clinic," + ",".join(f"{s}_{i}" for s in ("fim", "aim", "iam") for i in range(1, 5))
    path = _csv(tmp_path / "fim.csv", header + "\n"
                "c1,north,5,4,4,5,5,5,5,5,4,4,4,4\n"
                "c2,north,3,,3,3,4,4,4,4,5,5,5,5\n"
                "c3,south,2,2,1,3,3,3,4,4,3,3,3,3\n")
    result = study.import_quant(path)
    assert result.kind == "fim_aim_iam" and result.level == "counselor"
    assert result.warnings == ["row 3 (c2): FIM has 3 of 4 items (needs 4); not scored"]
    values = study.quant(measure=["fim", "aim", "iam"]).set_index(["unit_id", "measure"])["value"]
    assert values[("c1", "fim")] == 4.5 and values[("c1", "iam")] == 4.0
    assert math.isnan(values[("c2", "fim")]) and values[("c2", "aim")] == 4.0
    assert values[("c3", "fim")] == 2.0
    summary = study.outcomes("clinic", measures="feasibility").set_index("clinic")  # alias of fim
    assert (summary.at["north", "n"], summary.at["north", "n_missing"], summary.at["north", "mean"]) == (1, 1, 4.5)
    # the scale names its items: a missing or extra item column is a structural error
    incomplete = _csv(tmp_path / "fim2.csv", "counselor_id,clinic,fim_1,fim_2,fim_4,fim_5\nc1,north,1,2,3,4\n")
    with pytest.raises(InputError, match="FIM has 4 items.*missing fim_3, extra fim_5"):
        study.import_quant(incomplete)
    out_of_range = _csv(tmp_path / "fim3.csv", header + "\nc1,north,5,4,4,6,5,5,5,5,4,4,4,4.5\n")
    with pytest.raises(InputError) as caught:
        study.import_quant(out_of_range)
    assert caught.value.details == ["row 2, column 'fim_4': 6 is outside 1-5",
                                    "row 2, column 'iam_4': 4.5 is not a whole number"]


def test_blank_waves_beside_given_ones_are_refused_and_no_wave_column_is_one_wave(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # rows 3 and 5 had no wave: counted as wave 1, they merged two waves silently
    from helpers import file_digest, project_state

    def state() -> tuple[str, str]:
        return file_digest(study.folder / "mio-qual.db"), project_state(study.folder)

    header = "counselor_id,clinic,wave,fim_1,fim_2,fim_3,fim_4\n"
    mixed = _csv(tmp_path / "fim_waves.csv", header + "c1,north,1,4,4,4,4\nc1,north,,5,5,5,5\nc2,north,2,2,2,2,2\n"
                                                      "c2,north,,3,3,3,3\n")
    before = state()
    with pytest.raises(InputError) as caught:
        study.import_quant(mixed)
    assert str(caught.value).splitlines()[0].startswith(f"{mixed}: the wave cell is blank in rows 3 and 5 while 2 other "
                                                         "rows give a wave; nothing was imported")
    assert "leave the wave column out" in caught.value.hint and state() == before
    # a survey without a wave column is one wave; a wave column left blank throughout says no more than that
    for name, text in (("fim_once.csv", "counselor_id,clinic,fim_1,fim_2,fim_3,fim_4\nc1,north,4,4,4,4\n"),
                       ("fim_blank.csv", header + "c1,north,,4,4,4,4\nc2,north,,2,2,2,2\n")):
        assert study.import_quant(_csv(tmp_path / name, text)).rows == text.count("\n") - 1


def test_item_column_spellings_are_recognised(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _csv(tmp_path / "fim.csv", "Counselor ID,Clinic,FIM1,FIM 2,fim-q3,FIM_item4\nc1,north,1,2,3,4\n")
    result = study.import_quant(path)
    assert "fim" in result.measures
    assert study.quant(measure="fim")["value"].tolist() == [2.5]


def test_activity_log_phase_completion_and_duration(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _csv(tmp_path / "acts.csv", (
        "agency,clinic,phase,activity,date_planned,date_completed,tailored\n"
        "river,north,Preparation,train,2025-01-10,2025-01-12,no\n"
        "river,north,Preparation,room,2025-01-20,2025-02-19,yes\n"
        "river,north,Implementation,record,2025-03-01,,no\n"
        "river,,Exploration,grant,2024-09-01,2024-09-05,no\n"
        "harbor,south,Preparation,bill,2025-01-10,,maybe\n"))
    with pytest.raises(InputError) as caught:
        study.import_quant(path)
    assert caught.value.details == ["row 6, column 'tailored': 'maybe' is not yes or no"]
    path.write_text(path.read_text().replace("maybe", "no").replace("2025-03-01", "2025-03-01"), encoding="utf-8")
    result = study.import_quant(path)
    assert result.kind == "activities" and result.measures == ["completed", "tailored", "delay_days"]
    phases = study.phases().set_index(["clinic", "phase"])
    prep = phases.loc[("north", "Preparation")]
    assert (prep["n_activities"], prep["n_completed"], prep["completion"], prep["tailored"]) == (2, 2, 1.0, 0.5)
    assert prep["mean_delay_days"] == 16.0  # 2 and 30 days late
    assert prep["duration_days"] == 38.0  # actual dates only: 2025-01-12 to 2025-02-19
    impl = phases.loc[("north", "Implementation")]
    assert impl["completion"] == 0.0 and math.isnan(impl["duration_days"])
    explore = phases.loc[("north", "Exploration")]  # the agency-wide activity counts for its clinic
    assert (explore["n_activities"], explore["completion"], explore["duration_days"]) == (1, 1.0, 0.0)
    agency = study.phases(by="agency").set_index(["agency", "phase"])
    assert agency.loc[("river", "Exploration"), "duration_days"] == 0.0  # one actual date
    completion = outcome_by_case(study.quant(), "completion")  # alias of the 'completed' measure
    assert completion.at["north", "value"] == pytest.approx(2 / 3) and completion.at["south", "value"] == 0.0


def test_bad_dates_and_missing_columns(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _csv(tmp_path / "acts.csv", "clinic,phase,activity,date_planned,date_completed,tailored\n"
                                       "north,Prep,train,10/01/2025,,no\n")
    with pytest.raises(InputError) as caught:
        study.import_quant(path)
    assert caught.value.details == ["row 2, column 'date_planned': '10/01/2025' is not a date (use YYYY-MM-DD)"]
    no_clinic = _csv(tmp_path / "f.csv", "session_id,adherence,competence\ns1,3,3\n")
    with pytest.raises(InputError, match="has no column clinic"):
        study.import_quant(no_clinic)


def test_generic_file_any_numeric_column(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _csv(tmp_path / "mothers.csv", "mother_id,clinic,sessions_attended,retained,note\n"
                                          "m1,north,12,1,fine\nm2,north,6,0,moved\nm3,south,3,0,\n")
    with pytest.raises(InputError, match="which level"):
        study.import_quant(path)
    result = study.import_quant(path, level="mother")
    assert (result.kind, result.level, result.measures) == ("generic", "mother", ["sessions_attended", "retained"])
    frame = study.quant(dataset="mothers")
    assert set(frame["unit_id"]) == {"m1", "m2", "m3"}
    assert frame.loc[frame["unit_id"] == "m2", "note"].iloc[0] == "moved"
    summary = study.outcomes("clinic", measures="sessions_attended").set_index("clinic")
    assert summary.at["north", "mean"] == 9.0 and summary.at["north", "level"] == "mother"
    ranged = _csv(tmp_path / "m2.csv", "mother_id,clinic,sessions_attended\nm1,north,14\n")
    with pytest.raises(InputError) as caught:
        study.import_quant(ranged, level="mother", ranges={"sessions_attended": (0, 12)})
    assert caught.value.details == ["row 2, column 'sessions_attended': 14 is outside 0-12"]
    typo = _csv(tmp_path / "m3.csv", "mother_id,clinic,sessions_attended\nm1,north,12\nm2,north,twelve\nm3,north,3\n")
    with pytest.raises(InputError) as caught:
        study.import_quant(typo, level="mother")
    assert caught.value.details == ["row 3, column 'sessions_attended': 'twelve' is not a number"]


def test_reimport_replaces_the_dataset(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_fidelity(tmp_path / "fidelity.csv")
    study.import_quant(path)
    again = study.import_quant(path)
    assert again.replaced == 48  # 16 sessions x 3 measures
    assert len(study.quant()) == 48


def test_measure_table_and_kind_detection() -> None:
    table = measure_table().set_index("measure")
    assert table.at["fim", "scored_from"] == "fim_1, fim_2, fim_3, fim_4"
    assert table.at["adherence", "range"] == "1-5" and table.at["eligible", "range"] == ">= 0"
    assert MEASURES["reach"].level == "clinic"
    assert detect_kind(["session_id", "clinic", "adherence", "competence"]) == "fidelity"
    assert detect_kind(["counselor_id", "clinic", "fim_1"]) == "fim_aim_iam"
    assert detect_kind(["clinic", "eligible", "enrolled"]) == "reach_adoption"
    assert detect_kind(["clinic", "activity", "phase", "date_planned"]) == "activities"
    assert detect_kind(["mother_id", "clinic", "x"]) == "generic"


def test_a_clinic_written_in_other_capitals_is_suggested_never_applied(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a coordinator's fidelity sheet: 'LAKESIDE' got no suggestion, only the list of clinics
    path = _csv(tmp_path / "case.csv", "session_id,clinic,adherence,competence\ns1,NORTH,4,4\ns2,West,3,3\n")
    with pytest.raises(InputError) as caught:
        study.import_quant(path)
    assert caught.value.details == [
        "row 2, column 'clinic': 'NORTH' is not a clinic of this project (did you mean 'north'?)",
        "row 3, column 'clinic': 'West' is not a clinic of this project (did you mean 'west'?)",
    ]
    assert len(study.quant()) == 0

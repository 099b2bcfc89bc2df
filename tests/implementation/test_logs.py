"""Strategy, adaptation and facilitation logs: every bad cell listed, queries, dose by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.samples import write_file
from mio_qual.errors import InputError
from mio_qual.implementation.strategies import ERIC

STRATEGIES = ("strategy_id,agency,clinic,date,end_date,eric,local_name,phase,actor,action,target,temporality,dose,"
              "outcome,justification\n"
              "S1,river,north,2025-01-10,,Provide clinical supervision,MIO hour,implementation,supervisor,"
              "reviews a recording,counselors,weekly from the first session,60 minutes a week,fidelity,"
              "supervision builds the skills the model needs\n"
              "S2,river,,2024-11-01,2025-03-01,access new funding,,pre-implementation,director,applies,funder,,,,\n")
ADAPTATIONS = ("adaptation_id,agency,clinic,date,phase,applies_to,strategy_id,what,nature,who,planned,fidelity,reason\n"
               "D1,river,north,2025-03-01,implementation,intervention,,content,shortening,supervisor,"
               "unplanned/reactive,consistent,IOP groups leave 45 minutes\n"
               "D2,river,north,2025-04-01,implementation,strategy,S1,context,substituting,director,"
               "planned/proactive,consistent,room booked\n")
FACILITATION = ("agency,clinic,date,phase,minutes,mode\n"
                "river,north,2024-12-01,pre-implementation,60,in person\n"
                "river,north,2025-02-01,implementation,45,video\n"
                "river,north,2025-03-01,implementation,30,phone\n"
                "river,east,2025-02-10,implementation,90,video\n"
                "river,,2025-01-05,pre-implementation,120,in person\n")


def test_eric_has_its_73_names() -> None:
    assert len(ERIC) == len(set(ERIC)) == 73  # Powell et al. 2015
    assert {"Facilitation", "Tailor strategies", "Make billing easier", "Provide clinical supervision"} <= set(ERIC)


def test_strategies_query_and_unspecified_elements(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = project.import_implementation("strategies", write_file(tmp_path / "s.csv", STRATEGIES))
    assert result.rows == 2
    north = project.strategies(clinic="north")  # S2 is agency-wide: it applies to north too
    assert north["strategy_id"].tolist() == ["S2", "S1"]
    assert north.set_index("strategy_id").at["S2", "eric"] == "Access new funding"  # the ERIC spelling
    assert north.set_index("strategy_id").at["S2", "unspecified"] == "temporality, dose, outcome, justification"
    assert north.set_index("strategy_id").at["S1", "unspecified"] == ""
    assert project.strategies(eric="provide clinical supervision")["strategy_id"].tolist() == ["S1"]
    assert project.strategies(phase="pre-implementation")["strategy_id"].tolist() == ["S2"]


def test_bad_strategy_and_adaptation_cells_all_listed(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write_file(tmp_path / "s.csv", "strategy_id,agency,clinic,date,end_date,eric\n"
                                   "S1,river,north,2025-01-10,2024-01-01,Facilitaton\n"
                                   "S2,river,north,soon,,Hold a party\n"
                                   "S1,,,2025-01-01,,Facilitation\n")
    with pytest.raises(InputError) as caught:
        project.import_implementation("strategies", bad)
    assert caught.value.details == [
        "row 2, column 'eric': 'Facilitaton' is not an allowed value (did you mean 'Facilitation'?)",
        "row 3, column 'date': 'soon' is not a date (use YYYY-MM-DD)",
        "row 3, column 'eric': 'Hold a party' is not an allowed value (not one of the 73 allowed values)",
        "row 4, column 'clinic': give the clinic or the agency",
        "row 4, column 'strategy_id': 'S1' is used twice (rows 2 and 4)",
    ]
    project.import_implementation("strategies", write_file(tmp_path / "ok.csv", STRATEGIES))
    bad = write_file(tmp_path / "a.csv", ADAPTATIONS.replace("S1,context", "S9,context").replace(
        "consistent,IOP", "sort of,IOP") + "D3,river,north,2025-05-01,,intervention,S1,content,,lead,planned,unknown,x\n")
    with pytest.raises(InputError) as caught:
        project.import_implementation("adaptations", bad)
    assert caught.value.details == [
        "row 2, column 'fidelity': 'sort of' is not an allowed value (use one of: consistent, inconsistent, unknown)",
        "row 3, column 'strategy_id': 'S9' is not in the project's strategy log",
        "row 4, column 'planned': 'planned' is not an allowed value (use one of: planned/proactive, planned/reactive, "
        "unplanned/reactive)",
    ]
    project.import_implementation("adaptations", write_file(tmp_path / "a2.csv", ADAPTATIONS))
    assert project.adaptations(applies_to="strategy")["strategy_id"].tolist() == ["S1"]
    assert project.adaptations(clinic="east").empty


def test_facilitation_dose_by_hand(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project.import_implementation("facilitation", write_file(tmp_path / "f.csv", FACILITATION))
    dose = project.facilitation_dose().set_index(["clinic", "phase"])
    assert (dose.loc[("north", "implementation"), "contacts"], dose.loc[("north", "implementation"), "minutes"]) == (2, 75.0)
    assert (dose.loc[("north", "all"), "contacts"], dose.loc[("north", "all"), "minutes"]) == (3, 135.0)
    # the agency meeting is not copied into the clinics; the agency's total adds it once
    agency = project.facilitation_dose(by="agency").set_index(["agency", "phase"])
    assert (agency.loc[("river", "all"), "contacts"], agency.loc[("river", "all"), "minutes"]) == (5, 345.0)
    with pytest.raises(InputError) as caught:
        project.import_implementation("facilitation", write_file(tmp_path / "g.csv", "clinic,date,phase,minutes\n"
                                                                                "north,2025-01-01,later,-5\n"))
    assert caught.value.details == [
        "row 2, column 'phase': 'later' is not an allowed value (use one of: pre-implementation, implementation, "
        "sustainability)",
        "row 2, column 'minutes': -5 is below 0",
    ]


def test_xlsx_log_with_a_formula_cell_is_refused_whole(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "contacts"
    sheet.append(["clinic", "agency", "date", "phase", "minutes"])
    sheet.append(["north", "river", "2025-01-02", "implementation", 60])
    sheet.append(["north", "river", "2025-01-09", "implementation", "=A1*2"])
    book.save(tmp_path / "contacts.xlsx")
    with pytest.raises(InputError) as caught:
        project.import_implementation("facilitation", tmp_path / "contacts.xlsx", sheet="contacts")
    assert caught.value.details == ["sheet 'contacts', row 3, column 'minutes': holds a formula (=A1*2); "
                                    "formulas are never evaluated on import"]
    assert project.implementation_log("facilitation").empty


def test_a_clinic_the_facilitation_log_never_names_keeps_a_row_of_no_contact(tmp_path: Path) -> None:
    """west and south, clinics of the project, had no row in the dose table (as if not in the study); the RE-AIM
    table and the predictor matrix counted them as 0 minutes. Now the table shows them: 0 contacts, none logged."""
    from helpers.mixed import write_study
    from mio_qual import Project

    project = Project.create(tmp_path / "study")
    project.import_transcripts([write_study(tmp_path / "files")])
    log = tmp_path / "facilitation.csv"
    log.write_text("contact_id,agency,clinic,date,phase,minutes\nF1,river,north,2025-01-02,implementation,60\n"
                   "F2,river,east,2025-01-03,implementation,30\nF3,harbor,,2025-01-04,implementation,90\n",
                   encoding="utf-8")
    project.import_implementation("facilitation", log)
    dose = project.facilitation_dose().set_index(["clinic", "phase"])
    assert sorted(dose.index) == [("east", "all"), ("east", "implementation"), ("north", "all"),
                                  ("north", "implementation"), ("south", "all"), ("west", "all")]
    west = dose.loc[("west", "all")]
    assert (west["contacts"], west["minutes"], west["base"]) == (0, 0.0, "contacts with the clinic (none logged)")
    agencies = project.facilitation_dose(by="agency").set_index(["agency", "phase"])
    assert agencies.at[("harbor", "all"), "minutes"] == 90.0  # the agency meeting, at agency level only
    reaim = project.reaim().query("indicator == 'facilitation minutes'").set_index("clinic")
    assert (reaim.at["west", "value"], reaim.at["north", "value"]) == (0.0, 60.0)

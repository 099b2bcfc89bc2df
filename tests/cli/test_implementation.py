"""The implementation commands end to end (in process through ``mio_qual.cli.main.cli``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from helpers import SAMPLE, project_state
from helpers.cli import run

FOLDER = SAMPLE / "implementation"


def test_import_and_show(project, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = project.folder
    for log in ("activities", "activity_dates", "facilitation"):
        assert run(["implementation", "import", log, str(FOLDER / f"{log}.csv")], folder) == 0
    capsys.readouterr()
    assert run(["implementation", "sic", "--view", "phase", "--format", "csv"], folder) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    downtown = {r["phase"]: r for r in rows if r["clinic"] == "downtown"}
    assert downtown["pre-implementation"]["n_completed"] == "4" and downtown["pre-implementation"]["n_activities"] == "9"
    assert run(["implementation", "dose", "--by", "agency", "--format", "json"], folder) == 0
    assert '"contacts"' in capsys.readouterr().out


def test_bad_log_exits_2_listing_cells_and_changes_nothing(project, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = project.folder
    assert run(["implementation", "import", "activities", str(FOLDER / "activities.csv")], folder) == 0
    before = project_state(folder)
    bad = tmp_path / "dates.csv"
    bad.write_text("activity_id,agency,clinic,date_completed\nT1,harbor,westfield,soon\nZZ,harbor,westfield,\n",
                   encoding="utf-8")
    assert run(["implementation", "import", "activity_dates", str(bad)], folder) == 2
    err = capsys.readouterr().err
    assert "2 bad cells" in err and "'soon' is not a date" in err and "'ZZ' is not on the activity list" in err
    assert project_state(folder) == before


def test_aim2_logs_print_names_as_name_unless_the_lead_asks(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Staff free text in the Aim 2 logs printed names as written (strategies, adaptations, the timeline's labels
    and PNG), while every other output redacts them. Roster names and aliases that are also words (Joy, Hope,
    June) are redacted where used as names; the ordinary words (joy, hope, the month June, Frank, bill) stay."""
    from helpers.mixed import write_study
    from mio_qual import Project

    files = write_study(tmp_path / "files")
    with open(files / "roster.csv", "a", encoding="utf-8") as handle:
        handle.write("*,,,,Joy Pemberton; Joy; Hope Vance; Hope; June Abbot; June\n")
    project = Project.create(tmp_path / "study")
    project.import_transcripts([files])
    logs = {
        "strategies": "strategy_id,agency,clinic,date,eric,local_name,actor,action\n"
                      "ST1,river,north,2025-01-10,Provide clinical supervision,Gwen's huddle,Gwen Harlow,"
                      "meets Joy and Renata weekly\n",
        "adaptations": "adaptation_id,agency,clinic,date,applies_to,what,who,planned,fidelity,reason,description\n"
                       "AD1,river,north,2025-02-03,intervention,content,counselor,planned/reactive,consistent,"
                       "Renata asked to move the group; we will hope for a bigger room by June 3,"
                       "Joy covered for Gwen Harlow; the mothers' joy was obvious\n",
        "events": "event_id,agency,clinic,date,kind,description\n"
                  "EV1,river,north,2025-03-01,turnover,Hope left. There is hope. In June; June ran it. Frank talk about "
                  "the bill\n"}
    for log, text in logs.items():
        path = tmp_path / f"{log}.csv"
        path.write_text(text, encoding="utf-8")
        project.import_implementation(log, path)
    expected = {"local_name": "[name]'s huddle", "actor": "[name]", "action": "meets [name] and [name] weekly",
                "reason": "[name] asked to move the group; we will hope for a bigger room by June 3",
                "description": "[name] covered for [name]; the mothers' joy was obvious"}
    strategy, adaptation = project.strategies().iloc[0], project.adaptations().iloc[0]
    for column in ("local_name", "actor", "action"):
        assert strategy[column] == expected[column]
    for column in ("reason", "description"):
        assert adaptation[column] == expected[column]
    assert project.implementation_log("events").at[0, "description"] == (
        "[name] left. There is hope. In June; [name] ran it. Frank talk about the bill")
    labels = set(project.timeline("north").frame["label"])
    assert {"[name]'s huddle", "[name] covered for [name]; the mothers' joy was obvious"} <= labels
    # the analyses read the logs as written; the lead asks for names knowingly
    assert project.strategies(show_names=True).at[0, "actor"] == "Gwen Harlow"
    assert project.implementation_log("events", show_names=True).at[0, "description"].startswith("Hope left.")
    folder = project.folder
    project.close()
    capsys.readouterr()
    for command in (["strategies"], ["adaptations"], ["timeline", "north"]):
        assert run(["implementation", *command, "--format", "csv"], folder) == 0
        out = capsys.readouterr().out
        assert "[name]" in out and not any(n in out for n in ("Gwen", "Renata", "Joy ", "Hope left")), command
        assert run(["implementation", *command, "--format", "csv", "--show-names"], folder) == 0
        assert any(n in capsys.readouterr().out for n in ("Gwen", "Renata")), command

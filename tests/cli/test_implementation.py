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

"""SIC scores of the bundled sample against base R (tests/data/oracles/aim2/sic.R): per clinic and phase the
activities listed and completed, the proportion, first and last dates and duration in days, and per clinic the
overall proportion and days and the stage reached. R is not needed here: the test reads sic.csv."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from helpers import SAMPLE

ORACLE = Path(__file__).resolve().parents[1] / "data" / "oracles" / "aim2" / "sic.csv"
LOGS = ("activities", "activity_dates")


def test_sic_matches_base_r(tmp_path: Path) -> None:
    from mio_qual import Project

    with ORACLE.open(encoding="utf-8", newline="") as handle:
        reference = {(r["clinic"], r["phase"]): r for r in csv.DictReader(handle)}
    assert len(reference) == 16
    project = Project.create(tmp_path / "project")
    try:
        project.import_quant(SAMPLE / "quant" / "reach_adoption.csv")  # the clinics and their agencies
        for log in LOGS:
            project.import_implementation(log, SAMPLE / "implementation" / f"{log}.csv")
        phases = project.sic("phase")
        summary = project.sic().set_index("clinic")
    finally:
        project.close()
    compared = 0
    for row in phases.to_dict("records"):
        ref = reference[(row["clinic"], row["phase"])]
        assert (int(row["n_activities"]), int(row["n_completed"])) == (int(ref["n_activities"]),
                                                                      int(ref["n_completed"])), ref
        assert row["proportion"] == pytest.approx(float(ref["proportion"]), abs=1e-12)
        for column in ("first_date", "last_date"):  # ISO dates; none (NaN) where nothing was completed
            shown = row[column] if isinstance(row[column], str) else ""
            assert shown == ref[column], (ref, column)
        days = row["duration_days"]
        assert (math.isnan(days) if not ref["duration_days"] else days == float(ref["duration_days"])), ref
        compared += 1
    assert compared == 12
    for (clinic, phase), ref in reference.items():
        if phase != "overall":
            continue
        assert summary.at[clinic, "overall_proportion"] == pytest.approx(float(ref["proportion"]), abs=1e-12)
        assert summary.at[clinic, "overall_days"] == float(ref["duration_days"])
        assert summary.at[clinic, "stage_reached"] == int(ref["stage_reached"])

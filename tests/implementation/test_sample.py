"""The bundled sample's Aim 2 logs: what the seeded script writes, clean imports, numbers that
agree with the transcripts, and the ordering the Aim 2 hypothesis is tested against."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers import REPO, SAMPLE
from helpers.samples import csv_rows, load_module

FOLDER = SAMPLE / "implementation"
LOGS = ("activities", "activity_dates", "strategies", "adaptations", "facilitation", "events")


def test_logs_are_what_the_seeded_script_writes() -> None:
    make = load_module(FOLDER / "make_implementation.py")
    rng = np.random.default_rng(make.SEED)
    for name, rows in (("activities", make.activities()), ("activity_dates", make.activity_dates()),
                       ("strategies", make.strategies()), ("adaptations", make.adaptations()),
                       ("facilitation", make.facilitation(rng)), ("events", make.events())):
        assert csv_rows(FOLDER / f"{name}.csv") == [{k: str(v) for k, v in row.items()} for row in rows], name


def _sentences(text: str) -> str:
    return " ".join(text.split())


def test_numbers_agree_with_the_transcripts() -> None:
    dates = csv_rows(FOLDER / "activity_dates.csv")
    training = {r["date_completed"] for r in dates if r["activity_id"] == "T1"}
    assert training == {"2024-10-23"}  # one date, October 2024
    fg01 = _sentences((SAMPLE / "FG01_northside_focusgroup.txt").read_text(encoding="utf-8"))
    assert "the first training cohort, so, the October before last" in fg01
    reach = {r["clinic"]: r for r in csv_rows(SAMPLE / "quant" / "reach_adoption.csv")}
    fg04 = _sentences((SAMPLE / "FG04_westfield_focusgroup.srt").read_text(encoding="utf-8"))
    assert "out of the thirty-one moms we enrolled" in fg04 and reach["westfield"]["enrolled"] == "31"
    trained = {c: int(r["trained"]) for c, r in reach.items()}
    assert trained == {"northside": 6, "eastgate": 6, "downtown": 5, "westfield": 5}  # FG02 "original six", INT10
    assert all(int(r["eligible_counselors"]) >= int(r["trained"]) for r in reach.values())
    # the first mother at Northside in January 2025 (FG01)
    assert {r["date_completed"] for r in dates if r["activity_id"] == "S1" and r["clinic"] == "northside"} == {
        "2025-01-07"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from mio_qual import Project

    project = Project.create(tmp_path_factory.mktemp("aim2") / "project")
    project.import_transcripts([SAMPLE])
    for path in sorted((SAMPLE / "quant").glob("*.csv")):
        project.import_quant(path)
    for log in LOGS:
        project.import_implementation(log, FOLDER / f"{log}.csv")
    yield project
    project.close()


def test_sample_pre_implementation_orders_the_clinics(sample) -> None:  # type: ignore[no-untyped-def]
    summary = sample.sic().set_index("clinic")
    pre = summary["pre_implementation_proportion"]
    assert pre["northside"] == pre["westfield"] == pytest.approx(8 / 9)
    assert pre["eastgate"] == pytest.approx(7 / 9) and pre["downtown"] == pytest.approx(4 / 9)
    assert summary.at["northside", "stage_reached"] == 8 and summary.at["downtown", "stage_reached"] == 6
    cases = sample.predictor_cases().set_index("clinic")
    assert cases["reach"].idxmin() == cases["adoption"].idxmin() == cases["fim"].idxmin() == "downtown"
    matrix = sample.predictor_matrix()
    assert "Descriptive only: four clinics" in matrix.notes[0]
    # the hypothesis is about facilitation before implementation: that dose is a predictor of its own, summed by
    # hand from the log's pre-implementation contacts with each clinic (agency meetings are the agency's), and the
    # dose over all phases (implementation contacts run alongside the outcomes) is labelled so (audit, s8)
    assert cases["pre_implementation_facilitation_minutes"].to_dict() == {
        "downtown": 45.0, "eastgate": 290.0, "northside": 315.0, "westfield": 315.0}
    assert cases["facilitation_minutes"].to_dict() == {
        "downtown": 190.0, "eastgate": 770.0, "northside": 915.0, "westfield": 925.0}
    predictors = set(matrix.tables[1].frame["predictor"])
    assert predictors == {"pre-implementation completion (SIC proportion)",
                          "facilitation dose, pre-implementation phase (minutes)",
                          "facilitation dose, all phases (minutes)"}
    assert "describes dose, not a predictor in time order" in matrix.notes[0]
    assert set(matrix.tables[1].frame["n_clinics"]) == {4}
    strategies = sample.strategies(clinic="westfield")
    assert "Develop resource sharing agreements" in set(strategies["eric"])
    assert sample.adaptations(fidelity="inconsistent")["clinic"].tolist() == ["downtown"]


def test_sample_timelines_and_reaim(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pngs = sample.write_timelines(tmp_path)
    assert [p.name for p in pngs] == [f"timeline_{c}.png" for c in ("downtown", "eastgate", "northside", "westfield")]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    lanes = set(sample.timeline("eastgate").frame["lane"])
    assert lanes == {"activities", "strategies", "adaptations", "facilitation", "events"}
    reaim = sample.reaim().set_index(["clinic", "indicator"])
    assert reaim.loc[("downtown", "counselors delivering / eligible"), "value"] == pytest.approx(2 / 7)
    assert reaim.loc[("downtown", "effect on mothers"), "note"].endswith("not in the project")
    sic = reaim.loc[("downtown", "SIC implementation activities completed")]
    assert (sic["value"], sic["n"]) == (0.75, 8)  # O1 and O2 not done of the eight stage 4-7 activities


def test_sample_cases_of_the_kendall_oracle_are_current(sample) -> None:  # type: ignore[no-untyped-def]
    """tests/data/oracles/stats/kendall.R computed tau-b on a copy of the sample's predictor cases: the copy must
    still be what the project gives, value for value, or the R reference values compare with stale data."""
    committed = csv_rows(REPO / "tests" / "data" / "oracles" / "stats" / "kendall_sample_cases.csv")
    cases = sample.predictor_cases()
    assert list(committed[0]) == list(cases.columns)
    assert [{k: v if isinstance(v, str) else repr(float(v)) for k, v in row.items()}
            for row in cases.to_dict("records")] == committed

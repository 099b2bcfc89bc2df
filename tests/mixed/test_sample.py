"""The bundled sample's quantitative files, rating worksheets, reconciliation and fit files."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import SAMPLE
from helpers.samples import csv_rows, load_module

QUANT = SAMPLE / "quant"
RATINGS = SAMPLE / "ratings"
ORDER = ["northside", "westfield", "eastgate", "downtown"]  # the profiles: high, moderately high, moderate, low


def test_quant_files_are_what_the_seeded_script_writes() -> None:
    make = load_module(QUANT / "make_quant.py")
    rng = np.random.default_rng(make.SEED)
    for name, rows in (("fidelity_sessions.csv", make.fidelity(rng)), ("fim_aim_iam.csv", make.fim_aim_iam(rng)),
                       ("reach_adoption.csv", make.reach_adoption()),
                       ("implementation_activities.csv", make.activities())):
        assert csv_rows(QUANT / name) == [{k: str(v) for k, v in row.items()} for row in rows], name


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from mio_qual import Project

    project = Project.create(tmp_path_factory.mktemp("sample") / "project")
    project.import_transcripts([SAMPLE])
    results = {path.name: project.import_quant(path) for path in sorted(QUANT.glob("*.csv"))}
    raters = [project.import_ratings(RATINGS / f"{name}.xlsx") for name in ("lee", "kim")]
    consensus = project.build_consensus(decisions=RATINGS / "reconciliation.csv")
    yield project, results, raters, consensus
    project.close()


def test_sample_quant_imports_cleanly_and_orders_clinics_as_the_profiles_say(sample) -> None:  # type: ignore[no-untyped-def]
    from mio_qual.mixed.aggregate import outcome_by_case

    project, results, _, _ = sample
    assert {r.kind for r in results.values()} == {"fidelity", "fim_aim_iam", "reach_adoption", "activities"}
    sessions = results["fidelity_sessions.csv"].rows
    assert 15 * 4 <= sessions <= 40 * 4
    # the one skipped FIM item is caught by the item count check
    assert results["fim_aim_iam.csv"].warnings == ["row 17 (DT-C6): FIM has 3 of 4 items (needs 4); not scored"]
    for outcome in ("fidelity", "adherence", "fim", "completion"):
        values = outcome_by_case(project.quant(), outcome)["value"]
        assert list(values.sort_values(ascending=False).index) == ORDER, outcome
    per_clinic = outcome_by_case(project.quant(), "fidelity", pool="sessions")
    assert all(15 <= n <= 40 for n in per_clinic["n"])
    counselors = outcome_by_case(project.quant(), "fidelity")  # counselor means first: n counts counselors
    assert all(3 <= n <= 8 for n in counselors["n"])
    reach = outcome_by_case(project.quant(), "reach")["value"]
    assert reach.idxmax() == "westfield" and reach.idxmin() == "downtown"  # the county referrals
    adoption = outcome_by_case(project.quant(), "adoption")["value"]
    # three of five trained counselors left; two newer ones are not yet trained: 2 of 7 eligible deliver
    assert adoption["downtown"] == pytest.approx(2 / 7)
    phases = project.phases().set_index(["clinic", "phase"])
    assert phases.loc[("northside", "Preparation"), "completion"] == 1.0
    assert phases.loc[("downtown", "Implementation"), "completion"] < 0.5


def test_eastgate_sessions_in_the_shared_group_room_score_lower(sample) -> None:  # type: ignore[no-untyped-def]
    project = sample[0]
    frame = project.quant(measure="adherence", clinic="eastgate")
    by_room = frame.groupby("room")["value"].mean()
    assert by_room["Group Room B"] < by_room["break room (locked, Fridays)"]


def test_two_raters_disagree_honestly_and_the_consensus_resolves_it(sample) -> None:  # type: ignore[no-untyped-def]
    project, _, raters, consensus = sample
    assert [r.rater for r in raters] == ["lee", "kim"]
    assert all(r.rows == raters[0].rows and r.rows % 4 == 0 for r in raters)  # every construct x four clinics
    agreement = project.rating_agreement(["lee", "kim"]).set_index("statistic")["value"]
    assert 0.5 < agreement["percent_agreement"] < 0.9  # they do disagree
    assert agreement["within_one_point"] == 1.0  # but never by more than a point
    assert consensus.unresolved == [] and consensus.decided > 0
    frame = project.ratings(raters=["lee", "kim"])
    assert frame["rationale"].notna().all()
    matrix = project.construct_matrix()
    assert matrix.attrs["rater"] == "consensus"
    assert matrix.loc["IS.J2", ORDER].tolist() == ["+2", "+1", "-2", "-1"]
    # re-rated on each construct's own coding: Westfield has no excerpt coded IS.A3 (its scheduling talk is
    # coded MIO.SCHED), so it is missing; single-participant evidence is rated weak, not strong
    assert matrix.loc["IS.A3", ORDER].tolist() == ["+1", None, "-1", "-1"]
    assert matrix.loc["OS.D", "westfield"] == "+2"
    # Damschroder & Lowery's scale: no X anywhere in the sample; balanced evidence is 0
    assert not (project.ratings()["rating"] == "X").any()


def test_sample_joint_displays_take_fit_from_the_analyst_only(sample) -> None:  # type: ignore[no-untyped-def]
    from mio_qual.mixed.joint import read_fit

    project = sample[0]
    ordered = project.joint_display("case-ordered", "fidelity")
    assert list(ordered.frame.columns[2:6]) == ORDER
    flags = ordered.data["flags"]["distinguishing"]
    assert flags["IS.J2"] == flags["OS.D"] == "distinguishing"
    # IS.A3 is rated in one high-fidelity clinic only: too few to flag under the default rule
    assert flags["IS.A3"] == "insufficient data"
    rated = ordered.data["flags"][["n_high", "n_low"]]
    assert (rated.loc[flags != "insufficient data"] >= 2).all().all()
    fit = read_fit(RATINGS / "fit.csv")
    display = project.joint_display("side-by-side", "fidelity", fit=RATINGS / "fit.csv")
    frame = display.frame.set_index("construct")
    # the analyst judged every row the display shows; nothing is suggested
    assert set(frame.index) <= set(fit) and (frame["fit_source"] == "analyst").all()
    assert frame["direction_summary"].str.contains(r"\(n = \d rated cases\)").all()
    without = project.joint_display("side-by-side", "fidelity").frame
    assert (without["fit"] == "").all() and (without["fit_source"] == "").all()
    assert project.joint_display("stats-by-theme", "fidelity").frame["n_units"].max() > 0


def test_sample_side_by_side_quotes_say_who_chose_them(sample) -> None:  # type: ignore[no-untyped-def]
    project = sample[0]
    consensus = project.ratings(raters="consensus").set_index(["case_id", "construct"])
    # lee pinned four quotes in her worksheet; the consensus carries them
    assert consensus["quote"].notna().sum() == 4
    display = project.joint_display("side-by-side", "fidelity", fit=RATINGS / "fit.csv", constructs=["IS.J2"])
    quotes = display.frame.at[0, "exemplar_quotes"].split("\n")
    assert quotes[0].startswith("\u201cOne of my moms said it was the first room in the building")
    # this project holds no codings: the pinned quotes are shown as pinned, nothing is chosen automatically
    assert quotes[0].endswith("(participant, northside; pinned by the analyst)")
    assert quotes[1].startswith("\u201cAnd the door opens") and "eastgate; pinned by the analyst" in quotes[1]
    assert len(quotes) == 2

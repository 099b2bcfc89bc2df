"""Properties of the SIC scores over random activity lists and dates, and the predictor matrix's
rank correlation against SciPy's (an independent implementation)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.implementation.reaim import predictor_matrix
from mio_qual.implementation.sic import activity_frame, clinic_completion, sic_phases, sic_summary

DAY0 = dt.date(2024, 1, 1)
OWNERS = {"north": "river", "east": "river", "south": "lake"}

activity = st.tuples(st.integers(1, 8), st.sampled_from(["agency", "clinic"]))
done = st.one_of(st.none(), st.integers(0, 900))


@settings(max_examples=60, deadline=None)
@given(st.lists(activity, min_size=1, max_size=12), st.data())
def test_sic_scores_are_bounded_and_agency_activities_are_shared(items, data) -> None:  # type: ignore[no-untyped-def]
    activities = activity_frame([{"activity_id": f"A{i}", "activity": f"a{i}", "stage": stage, "level": level,
                                  "row": i} for i, (stage, level) in enumerate(items)])
    rows = []
    for a in activities.itertuples(index=False):
        sites = sorted(set(OWNERS.values())) if a.level == "agency" else sorted(OWNERS)
        for site in sites:
            offset = data.draw(done)
            rows.append({"activity_id": a.activity_id, "agency": site if a.level == "agency" else OWNERS[site],
                         "clinic": None if a.level == "agency" else site,
                         "date_completed": None if offset is None else (DAY0 + dt.timedelta(days=offset)).isoformat()})
    completion = clinic_completion(activities, pd.DataFrame(rows), OWNERS)
    phases = sic_phases(completion)
    assert ((phases["proportion"] >= 0) & (phases["proportion"] <= 1)).all()
    assert (phases["duration_days"].dropna() >= 0).all()
    assert (phases["n_activities"].groupby(phases["clinic"]).sum() == len(activities)).all()  # one list for all
    summary = sic_summary(completion).set_index("clinic")
    for clinic in OWNERS:
        mine = completion[(completion["clinic"] == clinic) & completion["date"].notna()]
        assert summary.at[clinic, "stage_reached"] == (mine["stage"].max() if len(mine) else 0)
    # the two clinics of one agency share every agency activity's date
    shared = completion[completion["level"] == "agency"].pivot(index="activity_id", columns="clinic", values="date")
    if len(shared):
        assert shared["north"].equals(shared["east"])


@pytest.mark.filterwarnings("ignore:An input array is constant")  # SciPy's note on a constant column (rho NaN)
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=3, max_size=8))
def test_spearman_matches_scipy(pairs) -> None:  # type: ignore[no-untyped-def]
    from scipy.stats import spearmanr

    cases = pd.DataFrame(pairs, columns=["facilitation_minutes", "reach"]).astype(float)
    rho = predictor_matrix(cases).iloc[0]["spearman_rho"]
    expected = spearmanr(cases["facilitation_minutes"], cases["reach"]).statistic
    assert (math.isnan(rho) and math.isnan(expected)) or math.isclose(rho, expected, abs_tol=1e-12)

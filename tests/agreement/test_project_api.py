"""A coder who shares no transcript with the others, and chance agreement that rests on units rated once.

Newuser4 (session 8) compared three layers: two coders on two transcripts, a third on sixteen
others. Fleiss' kappa came out at -121.50 beside 95.7% agreement: Gwet's estimator for missing
ratings (Gwet 2014, ch. 2; irrCAC's ``fleiss.kappa.raw``) keeps a unit rated once in the
category shares, so 2,794 units only the third coder rated pushed chance agreement to 0.9996
for a code the third coder never used. The numbers below are that case, computed by hand.

Two coders rate 23 units; they disagree on one (coder 1 codes it, coder 2 does not) and agree
"not coded" on 22. A third coder rates 2,794 other units, all "not coded".

* observed agreement (units rated twice): p_a = 22/23 = 0.956522
* category shares over the 2,817 units rated once or more: pi_1 = (1/2) / 2817, pi_0 = 1 - pi_1
* chance agreement (Fleiss): p_e = pi_0^2 + pi_1^2 = 0.999645
* kappa = (p_a - p_e) / (1 - p_e) = -121.50

Without the third coder the units are the 23: pi_1 = 1/46, p_e = (45/46)^2 + (1/46)^2 and
kappa = (22/23 - p_e) / (1 - p_e) = -0.0222 (Scott's pi; Cohen's kappa 0: coder 2 never codes).
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from mio_qual.agreement import fleiss_kappa, gwet_ac1, krippendorff_alpha, percent_agreement
from mio_qual.agreement.project_api import isolated_coders

nan = float("nan")


def _newuser4_data(alone: int = 2794) -> np.ndarray:
    """Coders x units: the two coders' 23 units, then ``alone`` units only the third coder rated."""
    pair = np.zeros((3, 23))
    pair[0, 0] = 1.0
    pair[2, :] = nan
    third = np.full((3, alone), nan)
    third[2, :] = 0.0
    return np.concatenate([pair, third], axis=1)


def test_the_newuser4_fleiss_kappa_is_flagged_with_its_hand_computed_terms():
    data = _newuser4_data()
    pi1 = 0.5 / 2817
    p_e = (1 - pi1) ** 2 + pi1 ** 2
    estimate = (22 / 23 - p_e) / (1 - p_e)
    assert estimate == pytest.approx(-121.50, abs=0.005)
    result = fleiss_kappa(data)
    assert math.isnan(result.value) and not result.defined
    assert result.observed == pytest.approx(22 / 23, abs=1e-12)
    assert result.expected == pytest.approx(p_e, abs=1e-12)
    assert "not interpretable" in result.note and f"({estimate:.2f})" in result.note
    assert "p_e = 0.99965 counts units rated by one coder" in result.note and "46 ratings" in result.note
    # the other coefficients are shown: AC1's and percent agreement's chance terms do not approach 1
    assert percent_agreement(data).value == pytest.approx(22 / 23)
    assert not math.isnan(gwet_ac1(data).value)


def test_alpha_pairs_only_units_with_two_values_so_the_third_coder_changes_nothing():
    data = _newuser4_data()
    ours = krippendorff_alpha(data).value
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ours == pytest.approx(theirs, abs=1e-12)
    # nominal alpha with one disagreement among 46 values, one of them 1: 1 - (n - 1) * 2 / (2 * 45 * 1) = 0
    assert ours == pytest.approx(0.0, abs=1e-12)
    assert krippendorff_alpha(data[:2, :23]).value == pytest.approx(ours, abs=1e-12)


def test_without_units_rated_once_the_same_coders_give_scotts_pi():
    p_e = (45 / 46) ** 2 + (1 / 46) ** 2
    result = fleiss_kappa(_newuser4_data()[:2, :23])
    assert result.value == pytest.approx((22 / 23 - p_e) / (1 - p_e), abs=1e-12)
    assert result.value == pytest.approx(-0.0222, abs=5e-5)
    assert "not interpretable" not in result.note


def test_the_bound_by_hand_on_two_units():
    # unit 1 rated (0, 1), unit 2 rated 0 by coder 1 alone: pi_0 = (1/2 + 1) / 2 = 0.75, p_e = 0.625,
    # p_a = 0, estimate -0.625 / 0.375 = -1.667; N_2 = 2 ratings and 1 - p_e = 0.375 < 1/2: flagged
    flagged = fleiss_kappa([[0.0, 0.0], [1.0, nan]])
    assert math.isnan(flagged.value) and flagged.expected == pytest.approx(0.625)
    assert "(-1.67)" in flagged.note and "2 ratings" in flagged.note
    # a second unit rated twice (0, 0) and the lone rating a 1: pi_1 = (1/2 + 0 + 1) / 3 = 1/2, p_e = 1/2,
    # p_a = 1/2, kappa 0; N_2 = 4 and 1 - p_e = 1/2 >= 1/4: shown, Gwet's value
    shown = fleiss_kappa([[0.0, 0.0, 1.0], [1.0, 0.0, nan]])
    assert shown.value == pytest.approx(0.0, abs=1e-12) and shown.expected == pytest.approx(0.5)
    # Gwet's convention 'pairable' has no units rated once, so nothing to flag
    assert fleiss_kappa([[0.0, 0.0], [1.0, nan]], convention="pairable").value == pytest.approx(-1.0)


def test_complete_data_is_never_flagged_and_equals_statsmodels():
    rng = np.random.default_rng(81)
    compared = 0
    for _ in range(300):
        coders, units = int(rng.integers(2, 6)), int(rng.integers(2, 40))
        data = (rng.random((coders, units)) < rng.uniform(0.0, 0.08)).astype(float)   # rare codes
        counts, _ = aggregate_raters(data.T.astype(int))
        theirs = sm_fleiss_kappa(counts, method="fleiss") if counts.shape[1] > 1 else nan
        ours = fleiss_kappa(data, categories=[0.0, 1.0])
        assert "not interpretable" not in ours.note
        if np.isfinite(theirs):
            assert ours.value == pytest.approx(theirs, abs=1e-9)
            compared += 1
    assert compared > 100


def test_isolated_coders():
    assert isolated_coders({"a": {"T1"}, "b": {"T1", "T2"}, "c": {"T3", "T4"}}) == ["c"]
    assert isolated_coders({"a": {"T1"}, "b": {"T2"}}) == ["a", "b"]
    assert isolated_coders({"a": {"T1", "T2"}, "b": {"T2"}, "c": {"T1"}}) == []
    assert isolated_coders({"a": {"T1"}, "b": {"T1"}, "c": set()}) == ["c"]


def _three_coder_project(root):  # type: ignore[no-untyped-def]
    """T1, T2 coded by ann and bob; T3 by cy alone (cy never uses MIO.BILL, which ann and bob disagree on)."""
    from mio_qual import Project
    from mio_qual.coding.model import Coding

    text = "I: Tell me.\nR: Billing is hard. The room is small. We share it. Staff left.\n"
    files = []
    for name in ("T1", "T2", "T3"):
        path = root / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    project = Project.create(root / "study")
    project.import_transcripts(files)

    def at(tid, phrase, code, coder):
        start = text.index(phrase)
        return Coding(tid, start, start + len(phrase), code, coder, "human")

    project.write_codings([at("T1", "Billing is hard.", "MIO.BILL", "ann"), at("T1", "The room is small.", "IS.J2", "ann"),
                           at("T2", "The room is small.", "IS.J2", "ann")], coder="ann")
    project.write_codings([at("T1", "The room is small.", "IS.J2", "bob"), at("T2", "The room is small.", "IS.J2", "bob")],
                          coder="bob")
    project.write_codings([at("T3", "Staff left.", "IS.J2", "cy")], coder="cy")
    return project


def test_a_coder_sharing_no_transcript_is_named_and_left_out(tmp_path):
    project = _three_coder_project(tmp_path)
    try:
        three = project.agreement(["ann", "bob", "cy"], by_transcript=False)
        two = project.agreement(["ann", "bob"], by_transcript=False)
    finally:
        project.close()
    assert three.attrs["coders"] == ["ann", "bob"]
    assert set(three.attrs["left_out_coders"]) == {"cy"}
    assert "cy shares no transcript with the other coders compared (ann, bob)" in three.attrs["left_out_coders"]["cy"]
    left = [reason for reason in three.attrs["set_aside"] if "only cy saw (T3)" in reason]
    assert len(left) == 1 and three.attrs["set_aside"][left[0]] == 1.0
    assert "1 transcript(s) only cy saw (T3): cy shares no transcript" in three["left_out"].iloc[0]
    # every coefficient is the two coders' (two coders: Cohen's kappa and PABAK, as for any two coders)
    numbers = [c for c in two.columns if two[c].dtype.kind == "f"]
    assert "cohen_kappa" in numbers and "fleiss_kappa" not in three.columns
    assert three[numbers].equals(two[numbers])
    assert "did not see" not in three["left_out"].iloc[0]


def test_nobody_is_left_out_when_every_coder_shares_a_transcript(tmp_path):
    project = _three_coder_project(tmp_path)
    try:
        table = project.agreement(["ann", "bob", "cy"], by_transcript=False, seen="any")
    finally:
        project.close()
    assert "left_out_coders" not in table.attrs and table.attrs["coders"] == ["ann", "bob", "cy"]
    assert "fleiss_kappa" in table.columns


def test_the_result_title_names_the_coders_compared(tmp_path):
    from mio_qual.agreement.report import agreement_result

    project = _three_coder_project(tmp_path)
    try:
        table = project.agreement(["ann", "bob", "cy"], by_transcript=False)
    finally:
        project.close()
    result = agreement_result(table, ["ann", "bob", "cy"], "sentence")
    assert result.title == "Agreement of ann, bob by sentence" and result.data["coders"] == ["ann", "bob"]
    assert any(n.startswith("set aside: 1 transcript only cy saw (T3): cy shares no transcript")
               for n in result.tables[0].notes)


def test_two_pairs_sharing_no_transcript_are_pooled_and_said_to_be_groups(tmp_path):
    from mio_qual.agreement.report import agreement_result
    from mio_qual.coding.model import Coding

    project = _three_coder_project(tmp_path)
    try:
        text = project.text("T3")
        start = text.index("Staff left.")
        project.write_codings([Coding("T3", start, start + 11, "IS.J2", "dee", "human")], coder="dee")
        table = project.agreement(["ann", "bob", "cy", "dee"], by_transcript=False)
    finally:
        project.close()
    assert "left_out_coders" not in table.attrs
    assert table.attrs["coder_groups"] == [["ann", "bob"], ["cy", "dee"]]
    assert "fleiss_kappa" in table.columns and "only" not in table["left_out"].iloc[0]
    notes = agreement_result(table, table.attrs["coders"], "sentence").tables[0].notes
    assert "coders: the coders form 2 groups that share no transcript (ann and bob; cy and dee)" in " ".join(notes)
    # pooled over IS.J2: T1 and T2 (ann, bob) agree on one sentence each, T3 (cy, dee) on one: no unit rated once
    row = table[table["code"] == "IS.J2"].iloc[0]
    assert row["n_set_aside"] == 0 and row["percent_agreement"] == 1.0


def test_without_units_rated_once_fleiss_kappa_is_never_below_minus_one():
    # the bound the flag rests on (module docstring of _multirater): 1 - p_a <= 2 (1 - p_e) when every unit is
    # rated twice or more, whatever the number of coders per unit
    rng = np.random.default_rng(82)
    for _ in range(400):
        coders, units = int(rng.integers(2, 6)), int(rng.integers(1, 30))
        data = rng.integers(0, int(rng.integers(2, 4)), size=(coders, units)).astype(float)
        data[rng.random(data.shape) < 0.3] = nan
        data = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
        if not data.shape[1]:
            continue
        result = fleiss_kappa(data)
        assert "not interpretable" not in result.note
        assert math.isnan(result.value) or result.value >= -1.0 - 1e-12

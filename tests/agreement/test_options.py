"""convention= and boot_method= reach every coefficient of the agreement table; Conger's kappa is one of them;
the methods text says what was computed (issue 12)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mio_qual.agreement import conger_kappa, fleiss_kappa, gwet_ac1, krippendorff_alpha
from mio_qual.agreement.report import agreement_table
from mio_qual.agreement.units import reliability_data
from mio_qual.errors import InputError
from mio_qual.reports.methods import agreement_conventions, agreement_intervals

# three coders, one sentence per unit; coder C did not see transcript T2, so its units are
# rated by A and B only, and T3 by A only (rated once: Gwet's convention keeps it in chance terms)
SEGMENTS = pd.DataFrame({"transcript_id": ["T1"] * 4 + ["T2"] * 3 + ["T3"] * 2,
                         "segment_id": [f"s{i}" for i in range(9)],
                         "start": [0, 10, 20, 30, 0, 10, 20, 0, 10], "end": [9, 19, 29, 39, 9, 19, 29, 9, 19]})
CODINGS = pd.DataFrame({
    "transcript_id": ["T1", "T1", "T1", "T1", "T1", "T2", "T2", "T2", "T3"],
    "start": [0, 0, 10, 20, 30, 0, 10, 10, 0], "end": [5, 5, 15, 25, 35, 5, 15, 15, 5],
    "code": ["X"] * 9, "coder": ["A", "B", "A", "C", "B", "A", "A", "B", "A"]})
COVERAGE = {"A": ["T1", "T2", "T3"], "B": ["T1", "T2"], "C": ["T1"]}


def _data():
    return reliability_data(CODINGS, "sentence", segments=SEGMENTS, coders=["A", "B", "C"], coverage=COVERAGE)


@pytest.mark.parametrize("convention", ["gwet", "pairable"])
def test_the_convention_reaches_each_multirater_coefficient(convention):
    stats = ["percent_agreement", "fleiss_kappa", "gwet_ac1", "conger_kappa", "krippendorff_alpha"]
    row = agreement_table(_data(), stats=stats, by_transcript=False, convention=convention).iloc[0]
    ratings = _data().code("X").ratings
    assert row["fleiss_kappa"] == pytest.approx(fleiss_kappa(ratings, convention=convention).value, abs=1e-12)
    assert row["gwet_ac1"] == pytest.approx(gwet_ac1(ratings, convention=convention).value, abs=1e-12)
    assert row["conger_kappa"] == pytest.approx(conger_kappa(ratings, convention=convention).value, abs=1e-12)
    assert row["conger_kappa_se"] == pytest.approx(conger_kappa(ratings, convention=convention).se, abs=1e-12)
    assert row["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(ratings).value, abs=1e-12)


def test_the_two_conventions_differ_here():
    stats = ["gwet_ac1"]
    gwet = agreement_table(_data(), stats=stats, by_transcript=False).iloc[0]["gwet_ac1"]
    pairable = agreement_table(_data(), stats=stats, by_transcript=False, convention="pairable").iloc[0]["gwet_ac1"]
    assert abs(gwet - pairable) > 1e-3


def test_boot_method_reaches_alpha():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, 60)
    codings = []
    for coder in "ABC":
        noisy = np.where(rng.random(60) < 0.8, truth, 1 - truth)
        codings += [("T1", 10 * i, 10 * i + 5, "X", coder) for i in np.flatnonzero(noisy)]
    frame = pd.DataFrame(codings, columns=["transcript_id", "start", "end", "code", "coder"])
    segments = pd.DataFrame({"transcript_id": "T1", "segment_id": [f"s{i}" for i in range(60)],
                             "start": 10 * np.arange(60), "end": 10 * np.arange(60) + 9})
    data = reliability_data(frame, "sentence", segments=segments)
    ratings = data.code("X").ratings
    for method in ("units", "krippendorff"):
        row = agreement_table(data, stats=["krippendorff_alpha"], boot=200, seed=5, by_transcript=False,
                              boot_method=method).iloc[0]
        alone = krippendorff_alpha(ratings, boot=200, seed=5, boot_method=method)
        assert (row["krippendorff_alpha_ci_low"], row["krippendorff_alpha_ci_high"]) == pytest.approx(
            (alone.ci_low, alone.ci_high), abs=1e-12)
    with pytest.raises(InputError, match="unknown bootstrap method"):
        agreement_table(data, boot_method="percentile")
    with pytest.raises(InputError, match="unknown convention"):
        agreement_table(data, convention="listwise")


def test_the_methods_text_names_what_was_done():
    stats = ["percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1", "pabak"]
    plain = agreement_intervals(stats)
    assert plain.startswith("Intervals (95%, analytic): ") and "Gwet, 2014" in plain and "resamples" not in plain
    boot = agreement_intervals(stats, n_boot=1000, seed=4)
    assert "bias-corrected and accelerated (BCa) intervals (Efron, 1987) from 1,000 bootstrap resamples" in boot
    assert "percentile" not in boot
    kripp = agreement_intervals(stats, n_boot=1000, seed=4, boot_method="krippendorff")
    assert "Hayes & Krippendorff, 2007" in kripp and "too narrow" in kripp
    assert "kept in chance agreement" in agreement_conventions(stats)
    assert "departure from Gwet's convention" in agreement_conventions(stats, convention="pairable")
    said = agreement_conventions(stats, seen_rule="rule R", set_aside={"transcripts B did not see": 2})
    assert "by this rule: rule R." in said and "two transcripts B did not see" in said  # counts: words below 10

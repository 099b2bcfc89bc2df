"""The per-code agreement table, Project.agreement / disagreements and the CLI commands."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from mio_qual.agreement import cohen_kappa, gwet_ac1, krippendorff_alpha, percent_agreement
from mio_qual.agreement.report import POOLED, agreement_table, compress_columns, flag, unitized_table
from mio_qual.agreement.units import reliability_data
from mio_qual.errors import InputError

CODINGS = pd.DataFrame([
    ("T1", 0, 10, "X", "A"), ("T1", 2, 12, "X", "B"), ("T1", 20, 25, "Y", "B"),
    ("T2", 0, 5, "X", "A"), ("T1", 5, 8, "Y", "A"), ("T2", 1, 6, "X", "B"),
], columns=["transcript_id", "start", "end", "code", "coder"])
TEXTS = {"T1": "x" * 30, "T2": "y" * 10}
SEGMENTS = pd.DataFrame({"transcript_id": ["T1", "T1", "T1", "T2"], "segment_id": ["s1", "s2", "s3", "t1"],
                         "start": [0, 10, 20, 0], "end": [10, 20, 30, 10]})


def test_table_rows_match_the_coefficients_on_the_same_data():
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS)
    table = agreement_table(data)
    assert table["level"].tolist() == ["code", "code", "pooled", "nominal", "transcript", "transcript"]
    x = table[table["code"] == "X"].iloc[0]
    ratings = data.code("X").ratings                     # A: 1 0 0 1, B: 1 1 0 1
    assert x["percent_agreement"] == pytest.approx(0.75)
    assert x["cohen_kappa"] == pytest.approx(cohen_kappa(ratings).value)
    assert x["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(ratings).value)
    assert x["gwet_ac1"] == pytest.approx(gwet_ac1(ratings, categories=[0, 1]).value)
    assert x["prevalence"] == pytest.approx(5 / 8)
    assert x["prevalence_index"] == pytest.approx((2 - 1) / 4)
    assert x["bias_index"] == pytest.approx((0 - 1) / 4)
    assert x["n_units"] == 4
    pooled = table[table["level"] == "pooled"].iloc[0]
    stacked = np.concatenate([data.code("X").ratings, data.code("Y").ratings], axis=1)
    assert pooled["code"] == POOLED
    assert pooled["cohen_kappa"] == pytest.approx(cohen_kappa(stacked).value)
    t1 = table[(table["level"] == "transcript") & (table["transcript_id"] == "T1")].iloc[0]
    assert t1["percent_agreement"] == pytest.approx(percent_agreement(stacked[:, [0, 1, 2, 4, 5, 6]]).value)
    assert set(table["flag"]) <= {"reliable", "tentative", "unreliable", "too rare", ""}
    assert table["flag_convention"].iloc[0].startswith("krippendorff_alpha; Krippendorff (2004")


def test_character_table_uses_weights_and_scope():
    data = reliability_data(CODINGS, "character", texts=TEXTS)
    table = agreement_table(data, by_transcript=False)
    x = table[table["code"] == "X"].iloc[0]
    assert x["n_units"] == 40
    assert x["percent_agreement"] == pytest.approx((8 + 18 + 4 + 4) / 40)
    assert x["unit"] == "character (all text)"
    coded = agreement_table(reliability_data(CODINGS, "character", texts=TEXTS, scope="coded"), by_transcript=False)
    assert coded.iloc[0]["unit"] == "character (coded text)"
    assert coded.iloc[0]["percent_agreement"] < x["percent_agreement"]


def test_span_table_reports_only_percent_agreement():
    table = agreement_table(reliability_data(CODINGS, "span", overlap=0.6))
    assert table["percent_agreement"].notna().all()
    assert table["cohen_kappa"].isna().all()
    assert table["note"].str.contains("only percent agreement").all()
    assert (table["flag"] == "").all()


def test_statistics_choice_bootstrap_and_three_coders():
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS)
    table = agreement_table(data, stats=["gwet_ac1"], boot=200, seed=1, by_transcript=False)
    assert "percent_agreement" in table.columns and "cohen_kappa" not in table.columns
    assert table["gwet_ac1_ci_low"].notna().any()
    three = pd.concat([CODINGS, CODINGS.assign(coder="C")])
    data3 = reliability_data(three, "sentence", segments=SEGMENTS)
    table3 = agreement_table(data3)
    assert "fleiss_kappa" in table3.columns and "cohen_kappa" not in table3.columns
    assert "prevalence_index" not in table3.columns
    with pytest.raises(InputError):
        agreement_table(data3, stats=["cohen_kappa"])
    with pytest.raises(InputError):
        agreement_table(data, stats=["tau"])


def test_compress_columns_keeps_every_coefficient():
    rng = np.random.default_rng(0)
    r = rng.integers(0, 2, size=(2, 500)).astype(float)
    r[rng.random((2, 500)) < 0.1] = np.nan
    patterns, weights = compress_columns(r, np.ones(500))
    assert patterns.shape[1] <= 9 and weights.sum() == 500
    for f in (cohen_kappa, krippendorff_alpha, percent_agreement):
        assert f(patterns, counts=weights).value == pytest.approx(f(r).value)


def test_flag():
    assert [flag(v) for v in (0.8, 0.79, 0.667, 0.6, math.nan)] == ["reliable", "tentative", "tentative",
                                                                    "unreliable", ""]


def test_unitized_table():
    table = unitized_table(CODINGS, TEXTS)
    assert {"code", "pooled", "transcript"} == set(table["level"])
    assert table["unit"].eq("continuum").all()
    variants = table[table["code"].str.contains("2019")]
    assert len(variants) == 3 and variants["unitized_alpha"].isna().all()     # A's X and Y overlap


# ------------------------------------------------------------------ on a project (the commands: tests/cli/test_agreement.py)
def test_project_agreement_every_unit(coded_project):
    for unit in ("sentence", "turn", "paragraph", "character", "span", "transcript", "continuum"):
        table = coded_project.agreement(["ann", "bob"], unit=unit)
        assert set(table["code"]) >= {"MIO.TRAIN", "IS.J2", "MIO.BILL", "MIO.SUPV", POOLED}, unit
        assert len(table) > 0
    turns = coded_project.agreement(["ann", "bob"], unit="turn", by_transcript=False)
    train = turns[turns["code"] == "MIO.TRAIN"].iloc[0]
    assert train["percent_agreement"] == 1.0          # both coded the same answer turn
    supv = turns[turns["code"] == "MIO.SUPV"].iloc[0]
    assert supv["percent_agreement"] < 1.0


def test_project_disagreements(coded_project):
    frame = coded_project.disagreements(["ann", "bob"], unit="sentence")
    assert {"transcript_id", "segment_id", "text", "codes: ann", "codes: bob", "in_dispute"} <= set(frame.columns)
    assert any("Supervision was short." in t for t in frame["text"])
    assert (frame["n_in_dispute"] > 0).all()
    chars = coded_project.disagreements(["ann", "bob"], unit="character")
    assert "It went well. " in set(chars["text"])


def test_project_errors(coded_project):
    with pytest.raises(InputError, match="no coder .zoe. in this project"):
        coded_project.agreement(["ann", "zoe"])
    with pytest.raises(InputError):
        coded_project.agreement(["ann"])
    with pytest.raises(InputError):
        coded_project.agreement(["ann", "bob"], unit="word")


def test_set_aside_column_names_the_reasons():
    data = reliability_data(CODINGS.iloc[:5], "sentence", segments=SEGMENTS)     # B did not code in T2
    table = agreement_table(data, by_transcript=False)
    x = table[table["code"] == "X"].iloc[0]
    assert x["n_set_aside"] == 1 and "one coder only" in x["set_aside"]
    nominal = table[table["level"] == "nominal"].iloc[0]
    assert "several codes" in nominal["set_aside"]
    chars = agreement_table(reliability_data(CODINGS, "character", texts=TEXTS), by_transcript=False)
    assert chars["note"].str.contains("not independent").all()


def test_set_aside_notes_agree_in_number_with_their_count():
    from mio_qual.agreement.report import agreement_result

    data = reliability_data(CODINGS.iloc[:5], "sentence", segments=SEGMENTS)
    table = agreement_table(data, by_transcript=False)
    table.attrs["set_aside"] = {"units seen by fewer than two coders": 1.0,
                                "transcript(s) B did not see under the seen rule (T2)": 1.0,
                                "units where a coder applied several codes (nominal table)": 3.0}
    notes = [n for n in agreement_result(table, ["A", "B"], "sentence").tables[0].notes if n.startswith("set aside")]
    assert notes == ["set aside: 1 unit seen by fewer than two coders",
                     "set aside: 1 transcript B did not see under the seen rule (T2)",
                     "set aside: 3 units where a coder applied several codes (nominal table)"]


def test_project_seen_rule_and_docx(coded_project, tmp_path):
    # bob coded nothing in INT02 with MIO.SUPV, but coded INT02: both saw both transcripts either way
    table = coded_project.agreement(["ann", "bob"], unit="transcript", seen="any", by_transcript=False)
    assert table[table["code"] == "MIO.SUPV"].iloc[0]["n_units"] == 2
    with pytest.raises(InputError):
        coded_project.agreement(["ann", "bob"], seen="sometimes")
    pytest.importorskip("mio_qual.reports")
    from mio_qual.cli.main import _group

    out = tmp_path / "agreement.docx"
    result = CliRunner().invoke(_group, ["--project", str(coded_project.folder), "agreement", "--coders", "ann",
                                         "bob", "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.stat().st_size > 0
    result = CliRunner().invoke(_group, ["--project", str(coded_project.folder), "agreement", "--coders", "ann",
                                         "bob", "--format", "docx"])
    assert result.exit_code == 2


def test_disagreements_are_private_by_default(coded_project):
    frame = coded_project.disagreements(["ann", "bob"], unit="turn")
    assert "speaker" not in frame.columns
    assert not any(t.startswith(("R:", "I:")) for t in frame["text"])      # label left out of turn text
    shown = coded_project.disagreements(["ann", "bob"], unit="turn", redact=False)
    assert "speaker" in shown.columns


def test_a_code_too_rare_to_assess_is_flagged_so_never_reliable():
    # 60 sentences; both coders put R on the same 2 (alpha 1: "reliable" by the value alone) and C on the
    # same 6 with one more by B (alpha .92): R is coded in 2 units on average, fewer than MIN_CODED_UNITS
    from mio_qual.agreement.rarity import MIN_CODED_UNITS

    rows, segments = [], []
    for i in range(60):
        segments.append(("T1", f"s{i}", 10 * i, 10 * i + 10))
    for coder in ("A", "B"):
        rows += [("T1", 10 * i, 10 * i + 5, "R", coder) for i in (3, 40)]
        rows += [("T1", 10 * i, 10 * i + 5, "C", coder) for i in range(10, 16)]
    rows.append(("T1", 10 * 20, 10 * 20 + 5, "C", "B"))
    codings = pd.DataFrame(rows, columns=["transcript_id", "start", "end", "code", "coder"])
    segs = pd.DataFrame(segments, columns=["transcript_id", "segment_id", "start", "end"])
    table = agreement_table(reliability_data(codings, "sentence", segments=segs)).set_index("code")
    assert table.loc["R", "krippendorff_alpha"] == pytest.approx(1.0)
    assert table.loc["R", "prevalence"] * table.loc["R", "n_units"] == pytest.approx(2)
    assert 2 < MIN_CODED_UNITS
    assert table.loc["R", "flag"] == "too rare"
    assert table.loc["C", "prevalence"] * table.loc["C", "n_units"] == pytest.approx(6.5)
    assert table.loc["C", "flag"] == flag(table.loc["C", "krippendorff_alpha"]) == "reliable"
    assert table.loc[POOLED, "flag"] != "too rare"       # pooled rows read the value
    assert "too rare: a code coded in fewer than 5 units" in table["flag_convention"].iloc[0]

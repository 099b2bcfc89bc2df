"""Which transcripts a coder saw: what they were given, not only what they coded (issue 12).

Two transcripts with two participant sentences each. Coder A codes X on a sentence of each;
coder B codes X on T1's and returns T2 (a coding sheet listing it, or an assignment) without
a coding. Under the seen rule "given" T2 is a disagreement of omission: of the four sentences
A and B disagree on one (percent agreement 3/4, kappa (0.75 - 0.5) / 0.5 = 0.5 with A's
margins 2/4 and B's 1/4: p_e = 0.5 * 0.25 + 0.5 * 0.75 = 0.5). Under "coded" T2 is set aside
and the two agree on all of T1 (percent agreement 1).
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.agreement import make_seen_project
from mio_qual.agreement.project_api import SEEN_RULES, agreement_inputs
from mio_qual.errors import InputError


@pytest.fixture()
def study(tmp_path):
    project = make_seen_project(tmp_path)
    yield project
    project.close()


def _code_row(table: pd.DataFrame) -> pd.Series:
    return table[(table["level"] == "code") & (table["code"] == "X")].iloc[0]


def test_coded_rule_hides_the_omission_and_counts_what_it_set_aside(study):
    table = study.agreement(["A", "B"], seen="coded", by_transcript=False)
    row = _code_row(table)
    assert row["n_units"] == 2 and row["percent_agreement"] == 1.0
    assert table.attrs["seen_rule"] == SEEN_RULES["coded"]
    assert "1 transcript(s) B did not see under the seen rule (T2:" in row["left_out"]


def test_a_returned_sheet_without_codings_counts_as_seen(study, tmp_path):
    sheet = tmp_path / "b.csv"
    sheet.write_text("transcript_id,segment_id,codes\nT2,,\n", encoding="utf-8")
    study.import_coding_sheets([sheet], coder="B", codebook=None)
    assert study.coverage(["B"]) == {"B": ["T2"]}
    row = _code_row(study.agreement(["A", "B"], by_transcript=False))
    assert row["n_units"] == 4
    assert row["percent_agreement"] == pytest.approx(0.75)
    assert row["cohen_kappa"] == pytest.approx(0.5)
    assert "did not see" not in row["left_out"]


def test_an_assignment_counts_as_seen_and_can_be_withdrawn(study):
    given = study.assign("B", ["T2"])
    assert given[["coder", "transcript_id"]].values.tolist() == [["B", "T2"]]
    row = _code_row(study.agreement(["A", "B"], by_transcript=False))
    assert (row["n_units"], row["percent_agreement"]) == (4, pytest.approx(0.75))
    assert study.assign("B", ["T2"], withdraw=True).empty
    assert _code_row(study.agreement(["A", "B"], by_transcript=False))["n_units"] == 2
    with pytest.raises(InputError, match="no transcript 'T9'"):
        study.assign("B", ["T9"])


def test_an_assignment_sheet_names_coders_per_row(study, tmp_path):
    sheet = tmp_path / "assignments.csv"
    sheet.write_text("coder,transcript_id\nB,T2\n,T1\n", encoding="utf-8")
    frame = study.assign("A", sheet=str(sheet))
    assert sorted(map(tuple, frame[["coder", "transcript_id"]].values.tolist())) == [("A", "T1"), ("B", "T2")]
    sheet.write_text("coder,transcript_id\nB,T7\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2: no transcript 'T7'"):
        study.assign("A", sheet=str(sheet))


def test_any_rule_counts_every_transcript_as_seen(study):
    table = study.agreement(["A", "B"], seen="any", by_transcript=False)
    assert _code_row(table)["n_units"] == 4
    assert table.attrs["seen_rule"] == SEEN_RULES["any"]


def test_deleting_a_layer_forgets_what_its_files_covered(study, tmp_path):
    sheet = tmp_path / "b.csv"
    sheet.write_text("transcript_id,quote,codes\nT2,,\nT1,The room is small.,IS.J1\n", encoding="utf-8")
    study.import_coding_sheets([sheet], coder="B", codebook=None)
    assert study.coverage(["B"]) == {"B": ["T1", "T2"]}
    study.delete_layer("B")
    assert study.coverage(["B"]) == {}


def test_given_transcripts_join_the_analysis_only_for_the_coders_compared():
    codings = pd.DataFrame({"transcript_id": ["T1", "T1"], "start": [0, 0], "end": [5, 5], "code": ["X", "X"],
                            "coder": ["A", "B"]})
    segments = pd.DataFrame({"transcript_id": ["T1", "T2"], "segment_id": ["T1:s1", "T2:s1"], "start": [0, 0],
                             "end": [5, 5], "is_interviewer": [False, False]})
    inputs = agreement_inputs(codings, {"T1": "hello", "T2": "world"}, segments, ["A", "B"],
                              given={"A": ["T2"], "B": ["T2"], "C": ["T3"]})
    assert inputs.coverage == {"A": ["T2"], "B": ["T2"]}
    assert sorted(inputs.texts) == ["T1", "T2"]
    with pytest.raises(InputError, match="unknown seen rule"):
        agreement_inputs(codings, {}, segments, ["A", "B"], seen="some")

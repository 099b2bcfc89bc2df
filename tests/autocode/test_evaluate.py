"""Evaluation of suggestions against human coding (the commands: tests/cli/test_autocode.py)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from helpers.autocode import make_project, toy_codebook
from mio_qual.autocode.evaluate import TOO_FEW, binary_scores, score_table
from mio_qual.reports.render import render


def kappa_by_hand(tp: int, fp: int, fn: int, tn: int) -> float:
    """Cohen (1960) on a 2 x 2 table, written out."""
    n = tp + fp + fn + tn
    po = (tp + tn) / n
    pe = ((tp + fp) / n) * ((tp + fn) / n) + ((fn + tn) / n) * ((fp + tn) / n)
    return (po - pe) / (1 - pe)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    project = make_project(tmp_path_factory.mktemp("autocode-eval"))
    yield project
    project.close()


# ---------------------------------------------------------------------------- scores
def test_binary_scores_by_hand() -> None:
    s = binary_scores(np.array([1, 1, 0, 0, 1, 0]), np.array([1, 0, 0, 1, 1, 0]))
    assert (s["tp"], s["fp"], s["fn"], s["tn"]) == (2, 1, 1, 2)
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == pytest.approx(2 / 3)
    assert s["f1"] == pytest.approx(2 / 3)
    assert s["kappa"] == pytest.approx(kappa_by_hand(2, 1, 1, 2))  # p_o 4/6, p_e 1/2 -> 1/3
    assert s["kappa"] == pytest.approx(1 / 3)
    nothing = binary_scores(np.zeros(4), np.array([1, 0, 0, 0]))
    assert nothing["precision"] == 0.0 and nothing["recall"] == 0.0 and nothing["f1"] == 0.0


def test_score_table_marks_rare_codes_and_pools_the_rest() -> None:
    ref = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 1, 0], [1, 0, 0], [0, 0, 0]])
    pred = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 0], [0, 1, 0]])
    human = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]])
    table = score_table(pred, ref, ["A", "B", "C"], human=human, min_examples=2).set_index("code")
    assert table.at["C", "status"] == TOO_FEW and math.isnan(table.at["C", "f1"])
    assert table.at["C", "support"] == 1 and table.at["C", "predicted"] == 2
    a, b = table.loc["A"], table.loc["B"]
    assert (a.tp, a.fp, a.fn) == (2, 1, 1) and (b.tp, b.fp, b.fn) == (2, 1, 1)
    assert a.kappa == pytest.approx(kappa_by_hand(2, 1, 1, 2))
    assert a.kappa_human == pytest.approx(1.0) and b.kappa_human == pytest.approx(kappa_by_hand(2, 0, 1, 3))
    micro = table.loc["micro"]  # pooled over A and B only
    assert (micro.tp, micro.fp, micro.fn) == (4, 2, 2)
    assert micro.kappa == pytest.approx(kappa_by_hand(4, 2, 2, 4))
    assert micro.kappa_human == pytest.approx(kappa_by_hand(5, 0, 1, 6))
    macro = table.loc["macro"]
    assert macro.f1 == pytest.approx(2 / 3) and macro.kappa_human == pytest.approx((1 + b.kappa_human) / 2)


# ---------------------------------------------------------------------------- on a project
def test_rules_against_a_human_layer_beside_human_agreement(study) -> None:  # type: ignore[no-untyped-def]
    result = study.autocode_evaluate("rules", reference="ann", codebook=toy_codebook())
    assert result.human == "bob (human)" and result.n_transcripts == 6
    n = result.n_units
    assert n == len(study.sentences().query("~is_interviewer"))
    table = result.table.set_index("code")
    assert "OTHER" not in table.index  # nobody used it and it has no keywords
    zeb, rec = table.loc["ZEB"], table.loc["REC"]
    assert (zeb.support, zeb.tp, zeb.fp, zeb.fn, zeb.kappa) == (24, 24, 0, 0, pytest.approx(1.0))
    assert (rec.support, rec.tp, rec.fp, rec.fn) == (12, 8, 0, 4)  # "Recording the sessions" x 4 is no phrase match
    assert rec.recall == pytest.approx(8 / 12) and rec.precision == 1.0
    assert rec.kappa == pytest.approx(kappa_by_hand(8, 0, 4, n - 12))
    # bob: missed one zebra sentence, coded one extra sentence REC
    assert zeb.kappa_human == pytest.approx(kappa_by_hand(23, 0, 1, n - 24))
    assert rec.kappa_human == pytest.approx(kappa_by_hand(12, 1, 0, n - 13))
    assert table.at["micro", "tp"] == 32
    rare = study.autocode_evaluate("rules", reference="ann", codebook=toy_codebook(),
                                   min_examples=13).table.set_index("code")
    assert rare.at["REC", "status"] == TOO_FEW and math.isnan(rare.at["REC", "kappa"])


def test_a_stored_layer_against_the_reference_reproduces_human_agreement(study) -> None:  # type: ignore[no-untyped-def]
    result = study.autocode_evaluate("layer", layer="bob", reference="ann", human="", codebook=toy_codebook())
    table = result.table.set_index("code")
    assert result.human == ""
    assert table.at["ZEB", "kappa"] == pytest.approx(kappa_by_hand(23, 0, 1, result.n_units - 24))


def test_model_evaluation_is_out_of_fold_and_learns_the_toy_code(study) -> None:  # type: ignore[no-untyped-def]
    result = study.autocode_evaluate("model", reference="ann", codebook=toy_codebook(), n_splits=3)
    table = result.table.set_index("code")
    assert any("grouped by transcript" in note for note in result.notes)
    assert table.at["ZEB", "f1"] >= 0.9
    assert set(table.index) == {"ZEB", "REC", "micro", "macro"}


def test_evaluation_as_word(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import docx

    result = study.autocode_evaluate("rules", reference="ann", codebook=toy_codebook())
    path = render(result.result(), out=tmp_path / "eval.docx")
    document = docx.Document(str(path))
    table = document.tables[0]
    assert len(table.rows) == len(result.table) + 1
    assert [c.text for c in table.rows[1].cells][:3] == ["ZEB", "Zebra room", "scored"]

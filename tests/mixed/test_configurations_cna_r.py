"""Crisp-set coincidence analysis against the R package cna (Ambühl & Baumgartner) on 60 generated data sets.

``tests/data/oracles/cna/crisp_cna.R`` generated the data sets (3-5 factors, 6-30 cases, the outcome Y a random
sum of products with a few cases flipped) and wrote every msc and asf of cna 4.0.0's ``cna(d, outcome = "Y",
con, cov)`` at (con, cov) = (1, 1), (.8, .8) and (.75, .9), with consistency, coverage and complexity (versions in
``versions.json``; cna was built from its CRAN sources, the test needs no R). Compared: the sets of msc and asf
(each disjunction as a set of conjunctions, order free) and every number to 1e-12; below con = 1 also the asf
without cna's default selection (``asf.selection = "none"``, mio-qual's ``asf_selection="none"``); and for the
outcomes Y and A together every csf at (1, 1) and (.8, .8).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from mio_qual.mixed.configurations import cna

ORACLE = Path(__file__).resolve().parents[1] / "data" / "oracles" / "cna"


def _canon(condition: str) -> tuple[frozenset[frozenset[str]], str]:
    """``A*b + C <-> Y`` (or ``A*b->Y``) as ({{A, b}, {C}}, Y)."""
    text = condition.replace(" ", "")
    arrow = "<->" if "<->" in text else "->"
    left, right = text.split(arrow)
    return frozenset(frozenset(part.split("*")) for part in left.split("+")), right


def _canon_csf(condition: str) -> frozenset[tuple[frozenset[frozenset[str]], str]]:
    """``(A + b <-> Y)*(Y <-> C)`` as the set of its canonical asf."""
    return frozenset(_canon(part) for part in condition.replace(" ", "").strip("()").split(")*("))


def _datasets() -> dict[int, pd.DataFrame]:
    frame = pd.read_csv(ORACLE / "datasets.csv")
    return {int(n): block.set_index("case").drop(columns="set").dropna(axis=1, how="all").astype(int)
            for n, block in frame.groupby("set")}


def _results() -> dict[tuple[int, float, float], dict[str, dict]]:
    out: dict[tuple[int, float, float], dict[str, dict]] = defaultdict(
        lambda: {"msc": {}, "asf": {}, "asf_none": {}, "csf": {}, "status": {}})
    with (ORACLE / "results.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (int(row["set"]), float(row["con"]), float(row["cov"]))
            entry = out[key]
            if row["kind"] in ("none", "constant", "csf_none"):
                entry["status"][row["kind"]] = True
                continue
            canon = _canon_csf if row["kind"] == "csf" else _canon
            entry[row["kind"]][canon(row["condition"])] = (float(row["consistency"]), float(row["coverage"]),
                                                            int(row["complexity"]))
    return dict(out)


DATA = _datasets()
RESULTS = _results()


def test_the_generated_sets_cover_every_threshold_and_several_models() -> None:
    assert len(DATA) == 60 and {(con, cov) for _, con, cov in RESULTS} == {(1.0, 1.0), (0.8, 0.8), (0.75, 0.9)}
    assert sum(any(len(c) > 1 for c in entry["csf"]) for entry in RESULTS.values()) >= 15   # csf of two asf
    assert sum(len(entry["asf"]) > 1 for entry in RESULTS.values()) >= 10
    assert sum(bool(entry["status"].get("none")) for entry in RESULTS.values()) >= 5


@pytest.mark.parametrize("key", sorted(RESULTS), ids=lambda k: f"set{k[0]}-{k[1]:g}-{k[2]:g}")
def test_cna_matches_the_cna_package(key: tuple[int, float, float]) -> None:
    number, con, cov = key
    theirs = RESULTS[key]
    if theirs["status"].get("constant"):
        result = cna(DATA[number], "Y", con=con, cov=cov)
        assert not len(result.asf) and any("constant" in note for note in result.notes)
        return
    result = cna(DATA[number], "Y", con=con, cov=cov)
    assert result.complete
    for kind, frame in (("msc", result.msc), ("asf", result.asf)):
        ours = {_canon(r.condition): (r.consistency, r.coverage, int(r.complexity)) for r in frame.itertuples()}
        assert set(ours) == set(theirs[kind]), (key, kind)
        for condition, numbers in theirs[kind].items():
            got = ours[condition]
            assert got[2] == numbers[2] and got[:2] == pytest.approx(numbers[:2], abs=1e-12), (key, kind, condition)
    if con < 1:                                         # without the selection: every asf meeting the thresholds
        unselected = cna(DATA[number], "Y", con=con, cov=cov, asf_selection="none")
        ours = {_canon(r.condition): (r.consistency, r.coverage, int(r.complexity))
                for r in unselected.asf.itertuples()}
        assert set(ours) == set(theirs["asf_none"]), (key, "asf_none")
        set_aside = len(theirs["asf_none"]) - len(theirs["asf"])
        assert any(note.startswith(f"{set_aside} asf meeting") for note in result.notes) == (set_aside > 0)


def test_the_selection_of_cna_3_5_matters_on_some_sets() -> None:
    """cna's asf.selection = "cs" (default since 3.5) sets asf aside on some generated sets; mio-qual does the same
    (it did not before this check: it returned every asf meeting the thresholds, as cna before 3.5)."""
    differing = [key for key, entry in RESULTS.items() if key[1] < 1 and set(entry["asf_none"]) != set(entry["asf"])]
    assert len(differing) >= 5


def test_the_cli_passes_the_asf_selection(tmp_path: Path) -> None:
    """``mio-qual configurations cna --asf-selection none`` gives the asf of cna's asf.selection = "none"."""
    from click.testing import CliRunner

    from mio_qual.cli.main import _group

    key = next(k for k, e in RESULTS.items() if k[1] < 1 and set(e["asf_none"]) != set(e["asf"]))
    number, con, cov = key
    path = tmp_path / "cases.csv"
    DATA[number].to_csv(path, index_label="case")
    found = {}
    for selection in ("cs", "none"):
        out = tmp_path / f"{selection}.xlsx"
        run = CliRunner().invoke(_group, ["configurations", "cna", str(path), "--outcome", "Y", "--con", str(con),
                                            "--cov", str(cov), "--asf-selection", selection, "--out", str(out)])
        assert run.exit_code == 0, run.output
        asf = pd.read_excel(out, sheet_name="asf")
        found[selection] = {_canon(c) for c in asf["condition"]}
    assert found["cs"] == set(RESULTS[key]["asf"]) and found["none"] == set(RESULTS[key]["asf_none"])


CSF_KEYS = sorted(key for key, entry in RESULTS.items() if entry["csf"] or entry["status"].get("csf_none"))


@pytest.mark.parametrize("key", CSF_KEYS, ids=lambda k: f"set{k[0]}-{k[1]:g}")
def test_csf_of_two_outcomes_matches_the_cna_package(key: tuple[int, float, float]) -> None:
    """Outcomes Y and A together: every csf with its consistency, coverage and complexity. Where no combination of
    the two outcomes' asf is free of structural redundancy, cna hands back the asf themselves as its csf; mio-qual
    lists no csf and says why in a note (the asf are in their own table)."""
    number, con, cov = key
    theirs = RESULTS[key]["csf"]
    result = cna(DATA[number], ["Y", "A"], con=con, cov=cov)
    ours = {_canon_csf(r.condition): (r.consistency, r.coverage, int(r.complexity)) for r in result.csf.itertuples()}
    uncombined = bool(theirs) and all(len(c) == 1 for c in theirs) and len({next(iter(c))[1] for c in theirs}) > 1
    if uncombined:
        assert not ours and any("could not be combined" in note for note in result.notes)
        asf = {_canon(r.condition) for r in result.asf.itertuples()}
        assert {next(iter(c)) for c in theirs} == asf
        return
    assert set(ours) == set(theirs), key
    for condition, numbers in theirs.items():
        got = ours[condition]
        assert got[2] == numbers[2] and got[:2] == pytest.approx(numbers[:2], abs=1e-12), (key, condition)

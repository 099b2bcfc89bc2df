"""Crisp-set QCA against the R package QCA (Dusa) on 60 generated data sets.

``tests/data/oracles/qca/crisp_minimize.R`` generated the data sets (3-5 conditions, 6-30 cases, the outcome a
random sum of products with a few cases flipped) and wrote QCA 3.25.1's conservative (``include = ""``) and
parsimonious (``include = "?"``) models at consistency cut-offs 1 and 0.75 (``incl.cut = c(cut, 1e-9)``: rows
with no case showing the outcome are 0, rows between are contradictions, as mio-qual's default), with every
term's consistency (inclS), raw (covS) and unique coverage (covU) and every model's consistency and coverage
(versions in ``versions.json``; QCA was built from its sources, the test needs no R), and the distinct
intermediate models over QCA's conservative x parsimonious pairs for directional expectations fixed per data set
(column ``expectations``). Compared: the set of
models (each a set of prime implicants, order free), and every number of every model to 1e-12. One difference
of presentation: QCA gives no unique coverage for the only term of a model; mio-qual gives it by Ragin's (2006)
definition, which for one term is its raw coverage.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from mio_qual.errors import InputError
from mio_qual.mixed.configurations import minimize, qca_result, solutions_table, truth_table

ORACLE = Path(__file__).resolve().parents[1] / "data" / "oracles" / "qca"
Model = frozenset  # of frozensets of literals ("A", "~B")


def _datasets() -> dict[int, pd.DataFrame]:
    frame = pd.read_csv(ORACLE / "datasets.csv")
    out = {}
    for number, block in frame.groupby("set"):
        block = block.set_index("case").drop(columns="set").dropna(axis=1, how="all").astype(int)
        out[int(number)] = block
    return out


def _solutions() -> dict[tuple[int, float], dict[str, object]]:
    """(set, cut) -> {"status": ..., kind: {model: {"terms": {term: (incl, cov, covu)}, "solution": (incl, cov)}}}"""
    out: dict[tuple[int, float], dict[str, object]] = defaultdict(lambda: {"status": "ok"})
    with (ORACLE / "solutions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (int(row["set"]), float(row["cut"]))
            entry = out[key]
            if row["solution"] in ("none", "parsimonious error"):
                entry["status"] = row["solution"]
                continue
            if row["expectations"]:
                entry["expectations"] = [e.strip() for e in row["expectations"].split(",")]
            kind = entry.setdefault(row["solution"], {})
            model = kind.setdefault(row["model"], {"terms": {}, "solution": None})  # type: ignore[union-attr]
            numbers = tuple(float(row[c]) if row[c] else math.nan for c in ("inclS", "covS", "covU"))
            if " + " in row["term"] or model["solution"] is None and row["covU"] == "":
                model["solution"] = numbers[:2]
            else:
                model["terms"][_term(row["term"])] = numbers
    return dict(out)


def _term(text: str) -> frozenset[str]:
    return frozenset(text.split("*"))


DATA = _datasets()
SOLUTIONS = _solutions()


def test_the_generated_sets_cover_several_models_and_cut_offs() -> None:
    assert len(DATA) == 60 and {cut for _, cut in SOLUTIONS} == {1.0, 0.75}
    several = [key for key, entry in SOLUTIONS.items() if entry["status"] == "ok" and len(entry["parsimonious"]) > 1]
    assert len(several) >= 5                                  # more than one parsimonious model
    assert sum(entry["status"] == "ok" for entry in SOLUTIONS.values()) >= 100
    intermediate = [entry for entry in SOLUTIONS.values() if entry.get("intermediate")]
    assert len(intermediate) >= 60
    # the intermediate solution differs from both others somewhere (the easy counterfactuals matter)
    assert any(set(map(frozenset, (m["terms"] for m in e["intermediate"].values())))  # type: ignore[union-attr]
               - set(map(frozenset, (m["terms"] for m in e["conservative"].values())))  # type: ignore[union-attr]
               - set(map(frozenset, (m["terms"] for m in e["parsimonious"].values())))  # type: ignore[union-attr]
               for e in intermediate)


def _ours(frame: pd.DataFrame, cut: float, expectations: list[str] | None = None
          ) -> dict[str, dict[Model, dict[str, object]]]:
    tt = truth_table(frame, "Y", incl_cut=cut)
    kinds = ["conservative", "parsimonious", "intermediate"] if expectations else ["conservative", "parsimonious"]
    table = solutions_table(minimize(tt, kinds=kinds, expectations=expectations), frame, tt)
    out: dict[str, dict[Model, dict[str, object]]] = defaultdict(dict)
    for (kind, _), block in table.groupby(["solution", "model"], sort=False):
        solution = block[block["term"].str.contains("=>")].iloc[0]
        terms = {_term(r.term): (r.consistency, r.cov_raw, r.cov_unique) for r in block.itertuples()
                 if "=>" not in r.term}
        out[kind][frozenset(terms)] = {"terms": terms, "solution": (solution.consistency, solution.cov_raw)}
    return out


@pytest.mark.parametrize("key", sorted(SOLUTIONS), ids=lambda k: f"set{k[0]}-cut{k[1]:g}")
def test_minimize_matches_the_qca_package(key: tuple[int, float]) -> None:
    number, cut = key
    frame, theirs = DATA[number], SOLUTIONS[key]
    if theirs["status"] == "none":                               # no configuration has the outcome
        with pytest.raises(InputError):
            _ours(frame, cut)
        return
    expectations = theirs.get("expectations")
    ours = _ours(frame, cut, expectations)  # type: ignore[arg-type]
    for kind in ("conservative", "parsimonious", "intermediate"):
        if theirs["status"] == "parsimonious error" and kind != "conservative":
            continue
        if kind == "intermediate" and not expectations:
            continue
        models = {frozenset(m["terms"]): m for m in theirs[kind].values()}  # type: ignore[union-attr]
        assert set(ours[kind]) == set(models), (key, kind)
        for model, expected in models.items():
            got = ours[kind][model]
            for term, numbers in expected["terms"].items():
                if math.isnan(numbers[2]):
                    # QCA leaves the unique coverage of a model's only term empty; by Ragin's (2006) definition
                    # (solution coverage minus that of the solution without the term) it is the raw coverage
                    assert len(expected["terms"]) == 1, (key, kind, term)
                    numbers = (numbers[0], numbers[1], numbers[1])
                assert got["terms"][term] == pytest.approx(numbers, abs=1e-12), (key, kind, term)
            assert got["solution"] == pytest.approx(expected["solution"], abs=1e-12), (key, kind)


def test_a_table_without_negative_configurations_is_said_to_have_nothing_to_explain() -> None:
    """Where QCA stops ("all conditions are minimized"), mio-qual's parsimonious solution is the constant 1; the
    result says why and what to check instead of leaving it to the reader."""
    stopped = sorted({number for (number, _), entry in SOLUTIONS.items() if entry["status"] == "parsimonious error"})
    assert stopped
    for number in stopped:
        frame = DATA[number]
        result = qca_result(frame, "Y", kinds=["conservative", "parsimonious"])
        table = result.tables[0].frame
        assert (table[table["solution"] == "parsimonious"]["term"] == "1 => Y").any()
        assert any("No configuration is OUT 0" in note for note in result.notes)
    # and a table with negative configurations carries no such note
    assert not any("No configuration is OUT 0" in note for note in qca_result(DATA[2], "Y").notes)

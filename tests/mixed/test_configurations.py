"""Configurational analysis: csQCA with minimization and crisp-set CNA (mio_qual.mixed.configurations).

Published results (values, not text, carried over; data origins in tests/data/README.md):

* QCA package (Dusa), ``minimize`` documentation, Lipset crisp data ``LC`` (Rihoux & De Meur
  2009, p. 57): conservative, parsimonious and negated-outcome solutions with their
  consistency, raw and unique coverage; Lipset fuzzy data ``LF`` (Ragin 2009): the truth
  table at incl.cut 0.8 minimized to the conservative, parsimonious and intermediate
  solutions (directional expectations all present).
* cna package (Ambühl & Baumgartner) vignette, ``d.educate`` (Baumgartner 2009): the two csf
  of ``cna(d.educate)``, of ``d.educate[-1, ]``, and the csf at ``con = .8`` after adding the
  cases U*D*l*G*e and U*d*L*g*e, with their consistency and coverage.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import REPO
from mio_qual.cli.main import _group
from mio_qual.errors import InputError
from mio_qual.mixed.configurations import (EXPLORATORY, Rule, calibrate, cna, cna_result, minimize, qca_result,
                                           read_cases, robustness, solutions_table, truth_table)
from mio_qual.mixed.configurations.boolean import covers, format_term, prime_implicants, solve_chart
from mio_qual.mixed.configurations.cna import is_inus
from mio_qual.mixed.configurations.qca import TruthTable

DATA = REPO / "tests" / "data" / "configurations"


def lipset() -> pd.DataFrame:
    return pd.read_csv(DATA / "qca_LC.csv", index_col=0)


def educate() -> pd.DataFrame:
    return pd.read_csv(DATA / "cna_d_educate.csv", index_col=0)


def canon_sum(text: str) -> frozenset[frozenset[str]]:
    """A disjunction as a set of sets of literals, so that order does not matter."""
    return frozenset(frozenset(part.strip().split("*")) for part in text.split("+"))


def canon_csf(text: str) -> frozenset[tuple[str, frozenset[frozenset[str]]]]:
    """A csf (or asf) as a set of (outcome, disjunction)."""
    out = set()
    for asf in text.strip("()").split(")*("):
        lhs, rhs = asf.split("<->")
        out.add((rhs.strip(), canon_sum(lhs)))
    return frozenset(out)


def terms_of(table: pd.DataFrame, kind: str) -> frozenset[frozenset[str]]:
    rows = table[(table["solution"] == kind) & ~table["term"].str.contains("=>")]
    return frozenset(frozenset(t.split("*")) for t in rows["term"])


def solution_row(table: pd.DataFrame, kind: str) -> pd.Series:
    return table[(table["solution"] == kind) & table["term"].str.contains("=>")].iloc[0]


# ---------------------------------------------------------------------------- csQCA, published
def test_lipset_crisp_conservative_and_parsimonious_match_the_qca_package() -> None:
    data = lipset()
    tt = truth_table(data, "SURV")
    assert (len(tt.positive), len(tt.negative), len(tt.contradictions)) == (3, 6, 0)
    table = solutions_table(minimize(tt, kinds=["conservative", "parsimonious"]), data, tt)
    assert terms_of(table, "conservative") == {frozenset({"DEV", "~URB", "LIT", "STB"}),
                                               frozenset({"DEV", "LIT", "IND", "STB"})}
    by_term = {frozenset(r.term.split("*")): r for r in table.itertuples() if "=>" not in r.term}
    first = by_term[frozenset({"DEV", "~URB", "LIT", "STB"})]
    second = by_term[frozenset({"DEV", "LIT", "IND", "STB"})]
    assert (first.consistency, first.cov_raw, first.cov_unique) == (1.0, 0.5, 0.25)
    assert (second.consistency, second.cov_raw, second.cov_unique) == (1.0, 0.75, 0.5)
    assert tuple(solution_row(table, "conservative")[["consistency", "cov_raw"]]) == (1.0, 1.0)
    assert terms_of(table, "parsimonious") == {frozenset({"DEV", "STB"})}
    assert tuple(solution_row(table, "parsimonious")[["consistency", "cov_raw"]]) == (1.0, 1.0)


def test_lipset_crisp_negated_outcome_matches_the_qca_package() -> None:
    data = lipset()
    tt = truth_table(data, "~SURV")
    table = solutions_table(minimize(tt, kinds=["conservative", "parsimonious"]), data, tt)
    assert terms_of(table, "conservative") == {frozenset({"~DEV", "~URB", "~IND"}),
                                               frozenset({"DEV", "LIT", "IND", "~STB"})}
    pars = {frozenset(r.term.split("*")): r for r in table.itertuples()
            if r.solution == "parsimonious" and "=>" not in r.term}
    assert set(pars) == {frozenset({"~DEV"}), frozenset({"~STB"})}
    assert (pars[frozenset({"~DEV"})].cov_raw, pytest.approx(pars[frozenset({"~DEV"})].cov_unique)) == (0.8, 0.3)
    assert (pars[frozenset({"~STB"})].cov_raw, pytest.approx(pars[frozenset({"~STB"})].cov_unique)) == (0.7, 0.2)


def test_lipset_fuzzy_truth_table_gives_the_published_three_solutions() -> None:
    """The QCA package's truth table of LF (rows by membership above 0.5, OUT at fuzzy inclusion
    0.8) minimized here: conservative, parsimonious and intermediate (all conditions expected present)."""
    data = pd.read_csv(DATA / "qca_LF.csv", index_col=0)
    conditions = ["DEV", "URB", "LIT", "IND", "STB"]
    positive, negative = [], []
    for config in itertools.product((1, 0), repeat=5):
        member = pd.concat([data[c] if v else 1 - data[c] for c, v in zip(conditions, config)], axis=1).min(axis=1)
        if not (member > 0.5).any():
            continue
        inclusion = pd.concat([member, data["SURV"]], axis=1).min(axis=1).sum() / member.sum()
        (positive if inclusion >= 0.8 else negative).append(config)
    tt = TruthTable(pd.DataFrame(), conditions, "SURV", positive, negative, [])
    found = {s.kind: {frozenset(format_term(t, conditions, "qca").split("*")) for t in s.terms}
             for s in minimize(tt, expectations=conditions)}
    assert found["conservative"] == {frozenset({"DEV", "URB", "LIT", "IND", "STB"}),
                                     frozenset({"DEV", "~URB", "LIT", "~IND", "STB"})}
    assert found["parsimonious"] == {frozenset({"DEV", "~IND"}), frozenset({"URB", "STB"})}
    assert found["intermediate"] == {frozenset({"DEV", "URB", "LIT", "STB"}), frozenset({"DEV", "LIT", "~IND", "STB"})}


def test_contradictory_rows_are_flagged_and_left_out() -> None:
    data = pd.DataFrame({"A": [1, 1, 0, 0, 1], "B": [1, 1, 0, 1, 0], "Y": [1, 0, 0, 1, 1]}, index=list("vwxyz"))
    tt = truth_table(data, "Y")
    row = tt.frame[(tt.frame["A"] == 1) & (tt.frame["B"] == 1)].iloc[0]
    assert (row["OUT"], row["contradictory"], row["incl"], row["n"]) == ("C", True, 0.5, 2)
    assert (1, 1) in tt.contradictions and (1, 1) not in tt.positive
    assert truth_table(data, "Y", incl_cut=0.5).positive.count((1, 1)) == 1


# ---------------------------------------------------------------------------- CNA, published
def test_cna_educate_gives_the_two_published_csf() -> None:
    result = cna(educate())
    assert {canon_csf(c) for c in result.csf["condition"]} == {
        canon_csf("(L + G <-> E)*(U + D <-> L)"), canon_csf("(U + D + G <-> E)*(U + D <-> L)")}
    assert (result.csf["consistency"] == 1).all() and (result.csf["coverage"] == 1).all()
    without_first = cna(educate().iloc[1:])
    assert {canon_csf(c) for c in without_first.csf["condition"]} == {canon_csf(c) for c in result.csf["condition"]}


def test_cna_educate_with_an_incompatible_case_matches_the_vignette() -> None:
    data = pd.concat([educate(), pd.DataFrame([[1, 1, 0, 1, 0]], columns=list("UDLGE"), index=["X"])])
    result = cna(data, con=0.8)
    assert {canon_csf(c) for c in result.csf["condition"]} == {
        canon_csf("(L + G <-> E)*(U + D <-> L)"), canon_csf("(U + D + G <-> E)*(E <-> L)"),
        canon_csf("(U + D + G <-> E)*(U + D <-> L)")}
    assert result.csf["consistency"].round(3).tolist() == [0.857] * 3
    assert result.csf["coverage"].tolist() == [1.0] * 3


def test_cna_educate_with_a_non_cohering_case_matches_the_vignette() -> None:
    data = pd.concat([educate(), pd.DataFrame([[1, 0, 1, 0, 0]], columns=list("UDLGE"), index=["X"])])
    result = cna(data, con=0.8)
    assert {canon_csf(c) for c in result.csf["condition"]} == {
        canon_csf("(L + G <-> E)*(U + D <-> L)"), canon_csf("(U + D + G <-> E)*(U + D <-> L)")}
    assert result.csf["consistency"].tolist() == [0.875, 0.875]


def test_cna_notation_and_absent_outcomes() -> None:
    data = pd.DataFrame({"a": [1, 1, 0, 0], "Bee": [0, 1, 1, 0], "y": [0, 0, 0, 1]})
    result = cna(data, "~Y")
    assert result.asf["condition"].tolist() == ["A + BEE <-> y"]
    assert result.msc["condition"].tolist() == ["A -> y", "BEE -> y"]
    with pytest.raises(InputError):
        cna(pd.DataFrame({"A": [1, 0], "a": [0, 1]}), "A")


def test_robustness_counts_settings() -> None:
    data = pd.concat([educate(), pd.DataFrame([[1, 1, 0, 1, 0]], columns=list("UDLGE"), index=["X"])])
    table = robustness(data, ["E", "L"], grid=[1, 0.9, 0.8])
    rows = {canon_csf(r.condition): r for r in table.itertuples()}
    # its consistency 0.857 passes only the 0.8 setting; at coverage 0.8, L alone covers 6 of
    # the 7 E cases, so L + G is no longer minimally necessary
    chain = rows[canon_csf("(L + G <-> E)*(U + D <-> L)")]
    assert (chain.runs, chain.settings, chain.highest_con) == (2, "0.8/1, 0.8/0.9", 0.8)
    assert rows[canon_csf("(L <-> E)*(U + D <-> L)")].settings == "0.8/0.8"
    assert table["runs"].is_monotonic_decreasing


# ---------------------------------------------------------------------------- properties on random data
crisp_rows = st.lists(st.tuples(*[st.integers(0, 1)] * 5), min_size=4, max_size=14)


def _frame(rows: list[tuple[int, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["A", "B", "C", "D", "Y"])


def _literal_set(text: str) -> list[tuple[int, int]]:
    names = ["A", "B", "C", "D", "Y"]
    return [(names.index(x.upper()), int(x.isupper())) for x in text.split("*")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crisp_rows, st.sampled_from([1.0, 0.9, 0.75]), st.sampled_from([1.0, 0.9, 0.75]))
def test_every_asf_meets_the_thresholds_and_every_msc_is_minimal(rows: list, con: float, cov: float) -> None:
    data = _frame(rows)
    if data["Y"].nunique() < 2:
        return
    result = cna(data, "Y", con=con, cov=cov)
    y = data["Y"].tolist()
    points = [tuple(r) for r in data.itertuples(index=False)]
    for row in result.asf.itertuples():
        assert row.consistency >= con - 1e-9 and row.coverage >= cov - 1e-9
        terms = [tuple(_literal_set(t.strip())) for t in row.condition.split("<->")[0].split("+")]
        x = [int(any(covers(t, p) for t in terms)) for p in points]
        hit = sum(a and b for a, b in zip(x, y))
        assert hit / sum(x) == pytest.approx(row.consistency) and hit / sum(y) == pytest.approx(row.coverage)
        assert is_inus(terms)
    for row in result.msc.itertuples():
        t = _literal_set(row.condition.split("->")[0].strip())
        for i in range(len(t)):
            shorter = t[:i] + t[i + 1:]
            x = [int(covers(tuple(shorter), p)) for p in points]
            hit = sum(a and b for a, b in zip(x, y))
            assert not shorter or sum(x) == 0 or hit < (con - 1e-9) * sum(x), (row.condition, shorter)


def _brute_force_asf(data: pd.DataFrame, con: float, cov: float) -> set:
    """Every minimal INUS disjunction of minimally sufficient conjunctions, by full enumeration."""
    points = [tuple(r) for r in data.itertuples(index=False)]
    y = [p[4] for p in points]

    def cases(terms: tuple) -> list[int]:
        return [int(any(covers(t, p) for t in terms)) for p in points]

    varying = [f for f in range(4) if len({p[f] for p in points}) == 2]  # cna sets constant factors aside
    conjunctions = [tuple(zip(fs, vs)) for k in (1, 2, 3) for fs in itertools.combinations(varying, k)
                    for vs in itertools.product((1, 0), repeat=k)]

    def sufficient(t: tuple) -> bool:
        x = cases((t,))
        return sum(x) > 0 and sum(a and b for a, b in zip(x, y)) >= (con - 1e-9) * sum(x)

    msc = [t for t in conjunctions
           if sufficient(t) and not (len(t) > 1 and any(sufficient(t[:i] + t[i + 1:]) for i in range(len(t))))]
    found = set()
    for k in range(1, 5):
        for combo in itertools.combinations(msc, k):
            if sum(len(t) for t in combo) > 10:
                continue
            x = cases(combo)
            hit = sum(a and b for a, b in zip(x, y))
            if hit >= (cov - 1e-9) * sum(y) and hit >= (con - 1e-9) * sum(x) and is_inus(combo):
                if not any(f <= set(combo) for f in found):
                    found.add(frozenset(combo))

    def varies(f: frozenset) -> bool:  # cna's asf.selection = "cs": the outcome varies among the cases that fit
        x = cases(tuple(f))
        return any(a and b for a, b in zip(x, y)) and any(not a and not b for a, b in zip(x, y))

    return {frozenset(format_term(t, list("ABCDY")) for t in f) for f in found if varies(f)}


@settings(max_examples=40, deadline=None)
@given(crisp_rows, st.sampled_from([1.0, 0.8]))
def test_cna_asf_equal_a_brute_force_enumeration(rows: list, threshold: float) -> None:
    data = _frame(rows)
    if data["Y"].nunique() < 2:
        return
    result = cna(data, "Y", con=threshold, cov=threshold)
    ours = {frozenset(t.strip() for t in c.split("<->")[0].split("+")) for c in result.asf["condition"]}
    assert ours == _brute_force_asf(data, threshold, threshold)


@settings(max_examples=60, deadline=None)
@given(crisp_rows)
def test_every_solution_reproduces_the_observed_configurations(rows: list) -> None:
    data = _frame(rows)
    tt = truth_table(data, "Y")
    if not tt.positive:
        return
    for solution in minimize(tt, expectations=["A", "B", "~C"]):
        for config in tt.positive:
            assert any(covers(t, config) for t in solution.terms), (solution.kind, config)
        for config in tt.negative + tt.contradictions:
            assert not any(covers(t, config) for t in solution.terms), (solution.kind, config)
        if solution.kind == "conservative":
            assert not solution.simplifying
        for t in solution.terms:  # prime: no literal can go without covering an excluded configuration
            for i in range(len(t)):
                shorter = t[:i] + t[i + 1:]
                excluded = tt.negative + tt.contradictions
                if solution.kind != "parsimonious":
                    excluded = excluded + _remainders_outside(tt, solution)
                assert any(covers(shorter, c) for c in excluded)


def _remainders_outside(tt: TruthTable, solution) -> list:
    observed = set(tt.positive) | set(tt.negative) | set(tt.contradictions)
    return [c for c in itertools.product((0, 1), repeat=len(tt.conditions))
            if c not in observed and c not in solution.simplifying]


def test_chart_lists_every_minimal_cover() -> None:
    # the cyclic chart: four configurations, four implicants each covering two neighbours
    on = [(0, 0), (0, 1), (1, 1), (1, 0)]
    primes = prime_implicants(on[:3], [(1, 0)], 2, allowed=[])
    assert set(primes) == {((0, 0),), ((1, 1),)}
    cover = solve_chart([((0, 0),), ((1, 1),), ((0, 1), (1, 0))], [(0, 0), (0, 1), (1, 1)])
    assert cover.solutions == [(((0, 0),), ((1, 1),))] and cover.complete


# ---------------------------------------------------------------------------- calibration and results
def test_calibration_rules_drop_uncalibratable_cases_and_warn_on_circular_choice() -> None:
    data = pd.DataFrame({"IS.J2": ["+2", "-1", "X", "+1"], "IS.A": [2, 0, 1, None], "fidelity": [0.9, 0.4, 0.8, 0.85]},
                        index=["c1", "c2", "c3", "c4"])
    cal = calibrate(data, {"fidelity": "> 0.8"}, outcome="fidelity", conditions=["IS.J2", "IS.A"], default=">= 1",
                    chosen_by="distinguishing")
    assert cal.frame.to_dict("index") == {"c1": {"IS.J2": 1, "IS.A": 1, "fidelity": 1},
                                          "c2": {"IS.J2": 0, "IS.A": 0, "fidelity": 0}}
    assert cal.dropped == {"c3": ["IS.J2"], "c4": ["IS.A"]}
    assert cal.warnings and "circular" in cal.warnings[0]
    assert "IS.J2 >= 1" in cal.notes[0] and "fidelity > 0.8" in cal.notes[0]
    assert Rule.parse("agency == A").apply("A") == 1
    with pytest.raises(InputError):
        Rule.parse("fidelity about 3")
    with pytest.raises(InputError):
        calibrate(data, {}, outcome="fidelity", conditions=["IS.J2"])


def test_results_name_every_choice_and_say_exploratory_when_few() -> None:
    small = qca_result(educate(), "E", conditions=["U", "D", "G"], expectations=["U", "D", "G"])
    assert small.title.startswith(EXPLORATORY) and small.tables[0].notes[0].startswith(EXPLORATORY)
    assert any("given as crisp" in n for n in small.notes)
    large = qca_result(lipset(), "SURV")
    assert not large.title.startswith(EXPLORATORY)
    assert any("no directional expectations" in n for n in large.notes)
    result = cna_result(educate(), ["E", "L"], con=0.9, cov=0.9, grid=[1, 0.9])
    assert [t.sheet for t in result.tables] == ["csf", "asf", "msc", "robustness", "calibrated"]
    assert any("con = 0.9" in n and "maxstep = (3, 4, 10)" in n for n in result.notes)


# ---------------------------------------------------------------------------- command line
def test_cli_qca_and_cna_write_csv_and_word(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "qca.csv"
    done = runner.invoke(_group, ["configurations", "qca", str(DATA / "qca_LC.csv"), "--outcome", "SURV",
                                  "--expect", "DEV", "URB", "LIT", "IND", "STB", "--out", str(out)])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out)
    assert set(table["solution"]) == {"conservative", "parsimonious", "intermediate"}
    assert "DEV*LIT*STB" in set(table["term"])
    docx = tmp_path / "cna.docx"
    done = runner.invoke(_group, ["configurations", "cna", str(DATA / "cna_d_educate.csv"), "--outcome", "E", "L",
                                  "--grid", "1", "0.9", "--out", str(docx)])
    assert done.exit_code == 0, done.output
    from docx import Document

    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "EXPLORATORY" in text and "Calibration to crisp sets" in text and "maxstep" in text


def test_cli_bad_rule_is_a_usage_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(_group, ["configurations", "qca", str(DATA / "qca_LC.csv"), "--outcome", "SURV",
                                       "--rule", "SURV about 1"])
    assert done.exit_code == 2
    assert "COLUMN OP THRESHOLD" in done.output


def test_read_cases_reads_numbers_and_ratings(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("clinic,IS.J2,fidelity\nC1,+2,0.9\nC2,X,0.5\n", encoding="utf-8")
    frame = read_cases(path)
    assert frame.index.tolist() == ["C1", "C2"]
    assert frame.loc["C1", "IS.J2"] == 2 and frame.loc["C2", "IS.J2"] == "X" and frame.loc["C1", "fidelity"] == 0.9
    path.write_text("clinic,A\nC1,1\nC1,0\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_cases(path)


def test_every_source_a_configuration_note_names_is_a_citation_key_of_its_table():
    """Audit (session 7): the notes cited Ragin & Sonnett 2005, Dusa 2019, Marx & Dusa 2011, Baumgartner &
    Ambühl 2020 and Parkkinen & Baumgartner 2023, none of which was in mio_qual.citations (so no reference list
    could name them). Every 'Author(s) year' in a table's title and notes must be one of the table's sources."""
    import re

    import pandas as pd

    from mio_qual.citations import CITATIONS
    from mio_qual.mixed.configurations.analysis import cna_result, qca_result

    cases = pd.DataFrame({"A": [1, 1, 0, 0, 1, 0], "B": [1, 0, 1, 0, 1, 0], "Y": [1, 1, 0, 0, 1, 0]},
                         index=[f"c{i}" for i in range(6)])
    results = [qca_result(cases, "Y", rules={"A": ">= 1", "B": ">= 1", "Y": ">= 1"}),
               cna_result(cases, "Y", rules={"A": ">= 1", "B": ">= 1", "Y": ">= 1"}, grid=[1, 0.9])]
    cited = re.compile(r"([A-Z][a-z\u00fc]+(?: & [A-Z][a-z\u00fc]+)?),? \(?((?:19|20)\d\d)")
    checked = 0
    for result in results:
        for table in result.tables:
            if not table.sources:
                continue
            known = {(CITATIONS[key].authors.split(",")[0].split(" & ")[0], CITATIONS[key].year)
                     for key in table.sources}
            text = " ".join([table.title, *table.notes])
            for author, year in cited.findall(text):
                first = author.split(" & ")[0]
                assert (first, int(year)) in known or any(a == first for a, _ in known if _ == int(year)), \
                    (table.title, author, year)
                checked += 1
    assert checked >= 8

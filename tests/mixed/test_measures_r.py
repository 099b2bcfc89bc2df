"""rwg, rwg(j), r*wg(j), ICC(1) and ICC(2) against R: the packages multilevel (Bliese) and psych (Revelle).

The reference values were computed by ``tests/data/oracles/multilevel/within_group.R`` with R 4.2.2,
multilevel 2.7, psych 2.2.9 and lme4 1.1 (versions recorded in ``reference.json``) on the sample project's ICS,
ILS and EBPAS files and on two generated files (a 0-4 file in the ICS layout with edge cases, a 1-7
file with a reversed item). R is not needed here: the tests read ``reference.csv`` and recompute
everything with :mod:`mio_qual.mixed.measures`.

Tolerance: 1e-9, absolute for values up to 1 and relative above (|ours - R| <= 1e-9 max(1, |R|)). Both sides
compute the same closed forms in double precision (R prints 17 significant digits); anything above rounding
is a disagreement of definitions. The relative part is for ICC(2) = (MSB - MSW) / MSB when MSB is nearly 0:
in the generated file's agency split of educational support two agencies have almost the same mean, and
both R and mio-qual give about -7818 (they differ in the 13th digit, the rounding of MSB).
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from mio_qual.mixed.measures import INSTRUMENTS, Instrument, aggregate, icc1, icc2, read_items, read_key, rwg_j, score

ROOT = Path(__file__).resolve().parents[2]
ORACLE = ROOT / "tests" / "data" / "oracles" / "multilevel"
TOLERANCE = 1e-9


def _syn7_key() -> Instrument:
    return read_key(ORACLE / "synthetic7_key.yaml", "syn")


#: data set -> (file, instrument, item prefix)
DATASETS = {
    "sample_ics": (ROOT / "transcripts_sample" / "measures" / "ics.csv", lambda: INSTRUMENTS["ics"], "ics"),
    "sample_ils": (ROOT / "transcripts_sample" / "measures" / "ils.csv", lambda: INSTRUMENTS["ils"], "ils"),
    "sample_ebpas": (ROOT / "transcripts_sample" / "measures" / "ebpas.csv", lambda: INSTRUMENTS["ebpas"], "ebpas"),
    "synthetic5": (ORACLE / "synthetic5.csv", lambda: INSTRUMENTS["ics"], "ics"),
    "synthetic7": (ORACLE / "synthetic7.csv", _syn7_key, "syn"),
}


def _reference() -> dict[tuple[str, str], dict[tuple[str, str, str], float]]:
    """(dataset, by) -> {(scale, group, statistic): value}; NaN where R gave NA."""
    out: dict[tuple[str, str], dict[tuple[str, str, str], float]] = defaultdict(dict)
    with (ORACLE / "reference.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            value = float(row["value"]) if row["value"] else math.nan
            out[(row["dataset"], row["by"])][(row["scale"], row["group"], row["statistic"])] = value
    return dict(out)


REFERENCE = _reference()
META = json.loads((ORACLE / "reference.json").read_text(encoding="utf-8"))


def _items(dataset: str) -> tuple[pd.DataFrame, Instrument]:
    path, spec_of, prefix = DATASETS[dataset]
    spec = spec_of()
    found = read_items(path, spec, prefix=prefix)
    frame = pd.DataFrame.from_records(found.records,
                                      columns=["respondent_id", "agency", "clinic", "counselor_id", "item", "value"])
    return frame, spec


def _same(ours: float, theirs: float) -> bool:
    if math.isnan(theirs):
        return math.isnan(ours)
    return not math.isnan(ours) and abs(ours - theirs) <= TOLERANCE * max(1.0, abs(theirs))


def test_reference_records_r_and_package_versions() -> None:
    assert META["packages"]["multilevel"] == "2.7" and META["packages"]["psych"].startswith("2.")
    assert META["r_version"].startswith("R version 4.")
    assert set(META["files"]) == set(DATASETS)
    assert {dataset for dataset, _ in REFERENCE} == set(DATASETS)


@pytest.mark.parametrize("dataset,by", sorted(REFERENCE))
def test_aggregate_matches_multilevel(dataset: str, by: str) -> None:
    """n, mean, SD and rwg(j) per group and scale (multilevel::rwg.j, uniform null), ICC(1) and ICC(2) per
    scale (multilevel::ICC1 / ICC2 on aov): every value R gave, and no group R did not have."""
    items, spec = _items(dataset)
    table, _ = aggregate(items, spec, by=by)
    reference = REFERENCE[(dataset, by)]
    scales = {scale for scale, _, _ in reference if not scale.startswith("item")}
    assert set(table["scale"]) == scales
    compared = 0
    for scale in scales:
        part = table[table["scale"] == scale].set_index(by)
        groups = {group for s, group, stat in reference if s == scale and stat == "rwg_j"}
        assert set(part.index) == groups, (dataset, scale)
        for group in groups:
            for statistic in ("n", "mean", "sd", "rwg_j"):
                ours, theirs = float(part.loc[group, statistic]), reference[(scale, group, statistic)]
                assert _same(ours, theirs), (dataset, by, scale, group, statistic, ours, theirs)
                compared += 1
        for statistic in ("icc1", "icc2"):
            ours, theirs = float(part[statistic].iloc[0]), reference[(scale, "", statistic)]
            assert _same(ours, theirs), (dataset, by, scale, statistic, ours, theirs)
            compared += 1
    assert compared >= 4 * len(scales)


@pytest.mark.parametrize("dataset,by", sorted(REFERENCE))
def test_single_item_rwg_matches_multilevel(dataset: str, by: str) -> None:
    """rwg(j) of one item is the single-item rwg = 1 - s^2 / sigma^2_EU, truncated at 0 (multilevel::rwg)."""
    items, spec = _items(dataset)
    answered = items[items["value"].notna() & items[by].notna()]
    reference = REFERENCE[(dataset, by)]
    checked = 0
    for (scale, group, statistic), theirs in reference.items():
        if statistic != "rwg":
            continue
        item = int(scale.removeprefix("item"))
        values = answered[(answered["item"] == item) & (answered[by] == group)]["value"]
        value = float(values.iloc[0]) if len(values) else math.nan
        flipped = spec.low + spec.high - values if item in spec.reverse else values
        ours = rwg_j(pd.DataFrame({item: flipped.to_numpy()}), spec.options)
        assert _same(ours, theirs), (dataset, by, item, group, ours, theirs, value)
        checked += 1
    assert checked == spec.n_items * len({g for (_, g, s) in reference if s == "rwg"})


@pytest.mark.parametrize("dataset,by", sorted(REFERENCE))
def test_rwg_lindell_matches_multilevel(dataset: str, by: str) -> None:
    """r*wg(j) (Lindell, Brandt & Whitney 1999) per group and scale equals multilevel::rwg.j.lindell, negative
    values (more spread than the uniform null) and one-person groups (NA) included."""
    items, spec = _items(dataset)
    table, _ = aggregate(items, spec, by=by)
    reference = REFERENCE[(dataset, by)]
    compared = 0
    for (scale, group, statistic), theirs in reference.items():
        if statistic != "rwg_lindell":
            continue
        row = table[(table["scale"] == scale) & (table[by] == group)]
        assert len(row) == 1, (dataset, by, scale, group)
        ours = float(row["rwg_lindell"].iloc[0])
        assert _same(ours, theirs), (dataset, by, scale, group, ours, theirs)
        compared += 1
    assert compared == len(table)


def test_a_total_is_flagged_where_its_subscales_fail_though_its_own_rwg_j_passes() -> None:
    """The sample's eastgate answers the ICS with rwg(j) .89 over all 18 items (multilevel::rwg.j), while five of
    its six three-item subscales fall below .70 and r*wg(j) (multilevel::rwg.j.lindell) is .32: the total's rwg(j)
    passes only because it is stepped up by 18 items. The total is flagged there, and nowhere else."""
    reference = REFERENCE[("sample_ics", "clinic")]
    assert reference[("total", "eastgate", "rwg_j")] > 0.89 and reference[("total", "eastgate", "rwg_lindell")] < 0.32
    failing = sorted(s for (s, g, stat), v in reference.items() if g == "eastgate" and stat == "rwg_j" and v < 0.70)
    assert failing == ["educational_support", "focus", "recognition", "rewards", "selection_ebp"]
    items, spec = _items("sample_ics")
    table, warnings = aggregate(items, spec)
    totals = table[table["scale"] == "total"].set_index("clinic")["aggregation"]
    assert totals["eastgate"] == ("subscales rwg(j) < 0.70: focus, educational_support, recognition, rewards, "
                                  "selection_ebp")
    assert (totals.drop("eastgate") == "supported").all()
    assert any(w.startswith("ics total:") and "5 of 6 subscales; r*wg(j) of the total 0.32" in w for w in warnings)


def _balanced_parts(dataset: str, by: str, statistic: str) -> list[tuple[str, pd.DataFrame]]:
    """(scale, scores of the balanced subset R used) for each scale with a reference ``statistic``; never empty,
    so that a test looping over it cannot pass on no comparison."""
    items, spec = _items(dataset)
    scored = score(items, spec)
    parts = []
    for scale in sorted({s for s, _, stat in REFERENCE[(dataset, by)] if stat == statistic}):
        chosen = META["balanced_subsets"][f"{dataset}|{by}|{scale}"]
        parts.append((scale, scored[scored["scale"] == scale].set_index("respondent_id").loc[chosen]))
    assert parts, (dataset, by, statistic)
    return parts


@pytest.mark.parametrize("dataset,by", sorted(REFERENCE))
def test_icc_on_balanced_subsets_matches_psych_and_multilevel(dataset: str, by: str) -> None:
    """On the balanced subsets, ICC(1) and ICC(2) equal psych::ICC's ICC1 and ICC1k (Shrout & Fleiss's one-way
    ICC(1,1) and ICC(1,k)) and multilevel's ICC1 and ICC2."""
    reference = REFERENCE[(dataset, by)]
    for scale, part in _balanced_parts(dataset, by, "psych_icc1"):
        ours1, ours2 = icc1(part["score"], part[by]), icc2(part["score"], part[by])
        for ours, names in ((ours1, ("psych_icc1", "balanced_icc1")), (ours2, ("psych_icc1k", "balanced_icc2"))):
            for name in names:
                assert _same(ours, reference[(scale, "", name)]), (dataset, by, scale, name, ours)


@pytest.mark.parametrize("dataset,by", sorted(REFERENCE))
def test_icc1_on_balanced_subsets_matches_lme4_variance_components(dataset: str, by: str) -> None:
    """A third implementation: ICC(1) = tau00 / (tau00 + sigma^2) from lme4's REML fit of a random-intercept
    model. In a balanced one-way design REML and ANOVA estimates coincide while the ANOVA estimate is positive;
    when it is negative REML stops at tau00 = 0. Tolerance 1e-5: lme4's optimizer converges to about 1e-6."""
    reference = REFERENCE[(dataset, by)]
    for scale, part in _balanced_parts(dataset, by, "balanced_lme4_icc1"):
        ours, theirs = icc1(part["score"], part[by]), reference[(scale, "", "balanced_lme4_icc1")]
        assert abs(max(ours, 0.0) - theirs) <= 1e-5, (dataset, by, scale, ours, theirs)


def test_icc1_of_unequal_clinics_differs_from_lme4_as_documented() -> None:
    """With unequal clinic sizes the ANOVA ICC(1) (k = N / G, what mio-qual and multilevel report) is not the REML
    one; on the sample's ICS by clinic it is 0.01-0.02 lower on every scale (the README says they differ)."""
    reference = REFERENCE[("sample_ics", "clinic")]
    items, spec = _items("sample_ics")
    ours = aggregate(items, spec)[0].groupby("scale")["icc1"].first()
    gaps = [reference[(scale, "", "lme4_icc1")] - value for scale, value in ours.items()]
    assert len(gaps) == 7 and all(0.005 < gap < 0.025 for gap in gaps)


def test_edge_cases_of_the_synthetic_file_are_present() -> None:
    """The generated file exercises what it is meant to: a one-person group (no rwg(j)), full agreement
    (rwg(j) = 1), more spread than the uniform null (truncated to 0 by both), a respondent without a clinic and
    respondents with a missing item (left out of the scale, and the total, they belong to)."""
    reference = REFERENCE[("synthetic5", "clinic")]
    assert math.isnan(reference[("total", "s01", "rwg_j")]) and reference[("total", "s01", "n")] == 1
    assert reference[("total", "s03", "rwg_j")] == 1.0
    assert reference[("total", "s04", "rwg_j")] == 0.0
    items, spec = _items("synthetic5")
    table, _ = aggregate(items, spec)
    totals = table[table["scale"] == "total"].set_index("clinic")
    assert totals.loc["s04", "rwg_j"] == 0.0 and totals.loc["s03", "rwg_j"] == 1.0
    # s07 has 7 respondents, one without item 5: 6 in educational support and the total, 7 in focus
    scales = table[table["clinic"] == "s07"].set_index("scale")["n"]
    assert (scales["focus"], scales["educational_support"], scales["total"]) == (7, 6, 6)
    assert items[items["clinic"].isna()]["respondent_id"].unique().tolist() == ["s09-r12"]
    # s05 answered at random: its mean item variance lies above sigma^2_EU on some scale (truncation at 0) and
    # below it on another, so both branches of rwg(j) are compared with R
    s05 = table[table["clinic"] == "s05"]["rwg_j"]
    assert (s05 == 0).any() and (s05 > 0).any()


def test_project_round_trip_matches_multilevel(tmp_path: Path) -> None:
    """Through the store: import the sample's ICS file into a project and read its clinic summary."""
    from mio_qual.project import Project

    project = Project.create(tmp_path / "study")
    try:
        project.import_measure(DATASETS["sample_ics"][0], "ics")
        table, _ = project.measure_summary("ics")
    finally:
        project.close()
    reference = REFERENCE[("sample_ics", "clinic")]
    for row in table.itertuples():
        assert _same(float(row.rwg_j), reference[(row.scale, row.clinic, "rwg_j")])
        assert _same(float(row.icc1), reference[(row.scale, "", "icc1")])
        assert _same(float(row.icc2), reference[(row.scale, "", "icc2")])

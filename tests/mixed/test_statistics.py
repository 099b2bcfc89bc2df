"""Review of the mixed-methods statistics: hand-computed values that a wrong formula would miss."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mio_qual.mixed.aggregate import outcome_by_case


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_agency_reach_pools_counts(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # river: north 90 of 100 eligible enrolled, east 1 of 10. The agency's reach is the share of its
    # 110 eligible mothers who enrolled, 91 / 110, not the mean of the clinics' shares (0.9 + 0.1) / 2.
    # Adoption likewise: (6 + 1) / (6 + 4), not (1 + 0.25) / 2.
    study.import_quant(_csv(tmp_path / "reach.csv", "clinic,eligible,enrolled,trained,delivering\n"
                                                     "north,100,90,6,6\neast,10,1,4,1\n"))
    by_agency = study.outcomes("agency", measures=["reach", "adoption"]).set_index(["agency", "measure"])
    reach = by_agency.loc[("river", "reach")]
    assert reach["mean"] == pytest.approx(91 / 110)
    # one base: n is the pooled denominator (mothers); clinic spread belongs to the by-clinic table
    assert reach["n"] == 110 and math.isnan(reach["median"]) and math.isnan(reach["sd"])
    assert "pooled" in reach["level"]
    assert by_agency.loc[("river", "adoption"), "mean"] == pytest.approx(7 / 10)
    # the case value joint displays use by agency is the pooled share too
    assert outcome_by_case(study.quant(), "reach", by="agency").at["river", "value"] == pytest.approx(91 / 110)
    # by clinic nothing is pooled
    by_clinic = study.outcomes("clinic", measures="reach").set_index("clinic")
    assert by_clinic.at["east", "mean"] == pytest.approx(0.1)


def test_halves_never_split_tied_cases() -> None:
    import pandas as pd

    from mio_qual.mixed.joint import DistinguishRule

    # west and east have the same outcome: which of them is "high" would be decided by their order
    # in the table, so neither is in a group; north is high, south low
    tied = pd.Series({"north": 4.5, "west": 3.25, "east": 3.25, "south": 2.0})
    assert DistinguishRule().groups(tied) == (["north"], ["south"])
    assert DistinguishRule().groups(tied[["east", "north", "south", "west"]]) == (["north"], ["south"])
    # a construct rated +2 in west and -2 in east is then not "distinguishing" by the order of the rows
    # (one rated case per group is allowed here to show it; the default needs two)
    rule = DistinguishRule(min_rated=1)
    high, low = rule.groups(tied)
    scores = {"north": 0.0, "west": 2.0, "east": -2.0, "south": 0.0}
    assert rule.classify([scores[c] for c in high], [scores[c] for c in low]) == ("not distinguishing", 0.0)
    # without ties the halves are the upper and lower half; with an odd number the middle is left out
    assert DistinguishRule().groups(pd.Series({"a": 4.0, "b": 3.0, "c": 2.0, "d": 1.0})) == (["a", "b"], ["c", "d"])
    assert DistinguishRule().groups(pd.Series({"a": 4.0, "b": 3.0, "c": 2.0})) == (["a"], ["c"])
    # a tie between the last high case and the middle one also leaves the high case out
    assert DistinguishRule().groups(pd.Series({"a": 4.0, "b": 3.0, "c": 3.0, "d": 2.0, "e": 1.0})) == (
        ["a"], ["d", "e"])
    # extremes: the single highest and lowest, unless tied
    assert DistinguishRule(split="extremes").groups(tied) == (["north"], ["south"])
    assert DistinguishRule(split="extremes").groups(pd.Series({"a": 4.0, "b": 4.0, "c": 1.0})) == ([], ["c"])

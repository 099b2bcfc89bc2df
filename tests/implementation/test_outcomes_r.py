"""The Aim 2 outcomes table on the bundled sample against base R (tests/data/oracles/aim2/outcomes.R).

Reach, adoption, FIM/AIM/IAM, adherence and competence (each counselor's session mean first, then the clinic's
mean of counselors) and the share of sessions at the benchmark, per clinic and pooled per agency: value, n and
SD equal what R computes from the same files (1e-12). R is not needed here: the test reads outcomes.csv.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from helpers import SAMPLE

ORACLE = Path(__file__).resolve().parents[1] / "data" / "oracles" / "aim2"


def _reference() -> dict[tuple[str, str], tuple[float, int, float]]:
    with (ORACLE / "outcomes.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["outcome"], r["site"]): (float(r["value"]), int(r["n"]), float(r["sd"]) if r["sd"] else math.nan)
                for r in csv.DictReader(handle)}


def test_outcomes_table_matches_base_r(tmp_path: Path) -> None:
    from mio_qual import Project

    project = Project.create(tmp_path / "project")
    try:
        for path in sorted((SAMPLE / "quant").glob("*.csv")):
            project.import_quant(path)
        table = project.implementation_outcomes()
    finally:
        project.close()
    reference = _reference()
    assert len(reference) == 54
    compared = set()
    for row in table.to_dict("records"):
        site = row["clinic"] if row["level"] == "clinic" else f"agency:{row['agency']}"
        key = (row["outcome"], site)
        assert key in reference, key
        value, n, sd = reference[key]
        assert row["value"] == pytest.approx(value, abs=1e-12), key
        assert int(row["n"]) == n, key
        if math.isnan(sd):
            assert row["sd"] is None or math.isnan(row["sd"]), key
        else:
            assert row["sd"] == pytest.approx(sd, abs=1e-12), key
        compared.add(key)
    assert compared == set(reference)  # every value R gave, and no row R did not have

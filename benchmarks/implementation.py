"""Benchmarks of the Aim 2 scoring. Run: ``.venv/bin/python benchmarks/implementation.py [--quick]``.

Prints medians of several runs on seeded synthetic data, each beside a reference measured in
the same run on the same data:

1. Stages of Implementation Completion (:func:`mio_qual.implementation.sic.clinic_completion`,
   then the stage, phase and clinic scores) for many clinics x a 40-activity list, against a
   plain pandas merge and group-by computing the same per-phase proportions (the two must agree).
2. Reading and checking a facilitation log of many rows
   (:func:`mio_qual.implementation.facilitation.read_facilitation`: every cell checked) against
   ``pandas.read_csv`` of the same file (no checks).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from agreement import median_time  # the same timing (median of runs after a warm-up) as the other benchmarks

from mio_qual.implementation.facilitation import read_facilitation
from mio_qual.implementation.sic import activity_frame, clinic_completion, sic_phases, sic_stages, sic_summary

FIGURES: dict[str, Any] = {}
"""Figures for ``--json``."""
DAY0 = dt.date(2024, 1, 1)


def synthetic(clinics: int, activities: int, seed: int = 20261204) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """An activity list (a tenth agency-level), and dates for two clinics per agency, 80 % done."""
    rng = np.random.default_rng(seed)
    listing = activity_frame([{"activity_id": f"A{i:03d}", "activity": f"activity {i}", "stage": int(1 + i * 8 // activities),
                               "level": "agency" if i % 10 == 0 else "clinic", "row": i} for i in range(activities)])
    owners = {f"c{i:05d}": f"g{i // 2:05d}" for i in range(clinics)}
    rows = []
    for a in listing.itertuples(index=False):
        sites = sorted(set(owners.values())) if a.level == "agency" else list(owners)
        done = rng.random(len(sites)) < 0.8
        days = rng.integers(0, 700, size=len(sites))
        for site, d, day in zip(sites, done, days):
            rows.append({"activity_id": a.activity_id, "agency": site if a.level == "agency" else owners[site],
                         "clinic": None if a.level == "agency" else site,
                         "date_completed": (DAY0 + dt.timedelta(days=int(day))).isoformat() if d else None})
    return listing, pd.DataFrame(rows), owners


def reference_phases(listing: pd.DataFrame, dates: pd.DataFrame, owners: dict) -> pd.Series:
    """Per clinic and phase, the proportion completed, with pandas alone."""
    clinics = pd.DataFrame({"clinic": list(owners), "agency": list(owners.values())})
    grid = clinics.merge(listing[["activity_id", "phase", "level"]], how="cross")
    grid["site"] = np.where(grid["level"] == "agency", grid["agency"], grid["clinic"])
    done = dates.assign(site=dates["clinic"].fillna(dates["agency"]))[["activity_id", "site", "date_completed"]]
    merged = grid.merge(done, on=["activity_id", "site"], how="left")
    return merged["date_completed"].notna().groupby([merged["clinic"], merged["phase"]]).mean()


def sic_against_reference(clinics: int, activities: int, repeats: int) -> None:
    listing, dates, owners = synthetic(clinics, activities)

    def ours() -> pd.DataFrame:
        completion = clinic_completion(listing, dates, owners)
        sic_stages(completion)
        sic_summary(completion)
        return sic_phases(completion)

    seconds, phases = median_time(ours, repeats)
    reference_seconds, expected = median_time(lambda: reference_phases(listing, dates, owners), repeats)
    got = phases.set_index(["clinic", "phase"])["proportion"].sort_index()
    assert np.allclose(got.to_numpy(), expected.sort_index().to_numpy())
    rows = clinics * activities
    print(f"SIC, {clinics} clinics x {activities} activities ({rows:,} clinic-activities): {seconds:.3f} s "
          f"(stages, phases, summary); pandas merge + group-by of the phase proportions alone: "
          f"{reference_seconds:.3f} s; same proportions")
    FIGURES["sic"] = {"seconds": seconds, "reference_seconds": reference_seconds, "rows": rows}


def log_against_reference(n: int, repeats: int) -> None:
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facilitation.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["contact_id", "agency", "clinic", "date", "phase", "minutes", "mode"])
            for i in range(n):
                writer.writerow([f"F{i}", f"g{i % 50}", "", (DAY0 + dt.timedelta(days=int(rng.integers(700)))).isoformat(),
                                 "implementation", int(rng.integers(15, 120)), "video"])
        seconds, records = median_time(lambda: read_facilitation(path), repeats)
        reference_seconds, _ = median_time(lambda: pd.read_csv(path), repeats)
    assert len(records) == n
    print(f"facilitation log, {n:,} rows: read and every cell checked {seconds:.3f} s ({n / seconds:,.0f} rows/s); "
          f"pandas.read_csv without checks {reference_seconds:.3f} s")
    FIGURES["log"] = {"seconds": seconds, "reference_seconds": reference_seconds, "rows": n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer runs")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    sic_against_reference(200 if args.quick else 2000, 40, runs)
    log_against_reference(10_000 if args.quick else 100_000, runs)
    if args.json:
        import json

        args.json.write_text(json.dumps(FIGURES, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

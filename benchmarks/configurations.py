"""Benchmarks of configurational analysis. Run: ``.venv/bin/python benchmarks/configurations.py``.

Prints medians of several runs on seeded synthetic crisp data: an outcome produced by three
conjunctive paths over 12 conditions, with 10 % of the outcome values flipped (noise).

1. CNA (:func:`mio_qual.mixed.configurations.cna`) on 40 cases x 12 conditions at several
   consistency/coverage thresholds, with the search bound (maxstep (3, 4, 10), at most
   2,000,000 disjunctions tested and 2,000 asf kept per outcome) and whether it was reached.
2. The reference, measured in the same run on the same data: a brute-force enumeration of
   every disjunction of up to 3 minimally sufficient conjunctions, at 40 cases x 10
   conditions and con = cov = 0.8 (a size where it finishes in seconds), beside CNA with
   maxstep (3, 3, 9) on those data; the two must find the same asf.
3. csQCA on 40 cases x 12 conditions: truth table and the conservative, parsimonious and
   intermediate solutions (all conditions expected present).
"""

from __future__ import annotations

import argparse
import itertools
from typing import Any

import numpy as np
import pandas as pd
from agreement import median_time  # the same timing (median of runs after a warm-up) as the other benchmarks

FIGURES: dict[str, Any] = {}
"""Figures for ``--json``."""


def synthetic(cases: int, conditions: int, seed: int = 20261204) -> pd.DataFrame:
    """Crisp data whose outcome is A*B + C*d + E*F (over the first six conditions), 10 % flipped."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=(cases, conditions))
    y = (x[:, 0] & x[:, 1]) | (x[:, 2] & (1 - x[:, 3])) | (x[:, 4] & x[:, 5])
    y = np.where(rng.random(cases) < 0.10, 1 - y, y)
    frame = pd.DataFrame(x, columns=[f"C{i + 1:02d}" for i in range(conditions)])
    frame["Y"] = y
    return frame


def brute_force_asf(frame: pd.DataFrame, con: float, cov: float, max_disjuncts: int = 3) -> set[frozenset[str]]:
    """Every minimal INUS disjunction of minimally sufficient conjunctions (up to 3 values), by enumeration."""
    from mio_qual.mixed.configurations.boolean import covers, format_term
    from mio_qual.mixed.configurations.cna import is_inus

    names = list(frame.columns)
    points = [tuple(r) for r in frame.itertuples(index=False)]
    y = [p[-1] for p in points]
    k = len(names) - 1

    def cases(terms: tuple) -> list[int]:
        return [int(any(covers(t, p) for t in terms)) for p in points]

    def sufficient(t: tuple) -> bool:
        x = cases((t,))
        return sum(x) > 0 and sum(a and b for a, b in zip(x, y)) >= (con - 1e-9) * sum(x)

    conjunctions = [tuple(zip(fs, vs)) for size in (1, 2, 3) for fs in itertools.combinations(range(k), size)
                    for vs in itertools.product((1, 0), repeat=size)]
    msc = [t for t in conjunctions if sufficient(t) and not (len(t) > 1 and any(sufficient(t[:i] + t[i + 1:])
                                                                               for i in range(len(t))))]
    found: list[frozenset] = []
    for size in range(1, max_disjuncts + 1):
        for combo in itertools.combinations(msc, size):
            x = cases(combo)
            hit = sum(a and b for a, b in zip(x, y))
            if hit >= (cov - 1e-9) * sum(y) and hit >= (con - 1e-9) * sum(x) and is_inus(combo):
                if not any(f <= set(combo) for f in found):
                    found.append(frozenset(combo))
    return {frozenset(format_term(t, names) for t in f) for f in found}


def cna_speed(repeats: int, settings: list[tuple[float, float]]) -> None:
    from mio_qual.mixed.configurations import cna

    frame = synthetic(40, 12)
    print("1. CNA, 40 cases x 12 conditions, maxstep (3, 4, 10)")
    for con, cov in settings:
        seconds, result = median_time(lambda: cna(frame, "Y", con=con, cov=cov), repeats)
        print(f"   con {con:<4g} cov {cov:<4g}: {seconds:7.3f} s   msc {len(result.msc):4d}  asf {len(result.asf):5d}  "
              f"csf {len(result.csf):5d}  bound reached: {'yes' if not result.complete else 'no'}")
        FIGURES[f"cna_40x12_con{con:g}_cov{cov:g}_seconds"] = seconds


def reference(repeats: int, con: float, cov: float) -> None:
    from mio_qual.mixed.configurations import cna

    frame = synthetic(40, 10)
    print(f"2. reference at 40 cases x 10 conditions, con {con:g} cov {cov:g}, asf of up to 3 disjuncts")
    brute_seconds, brute = median_time(lambda: brute_force_asf(frame, con, cov), max(1, repeats // 2))
    ours_seconds, result = median_time(lambda: cna(frame, "Y", con=con, cov=cov, maxstep=(3, 3, 9)), repeats)
    ours = {frozenset(t.strip() for t in c.split("<->")[0].split("+")) for c in result.asf["condition"]}
    print(f"   brute-force enumeration: {brute_seconds:7.3f} s   asf {len(brute)}")
    print(f"   mio-qual cna:            {ours_seconds:7.3f} s   asf {len(ours)}   same asf: {ours == brute}   "
          f"speed-up x{brute_seconds / ours_seconds:,.0f}")
    FIGURES.update({"reference_40x10_brute_seconds": brute_seconds, "reference_40x10_cna_seconds": ours_seconds,
                    "reference_40x10_same_asf": ours == brute})


def qca_speed(repeats: int) -> None:
    from mio_qual.mixed.configurations import minimize, truth_table

    frame = synthetic(40, 12)
    names = [c for c in frame.columns if c != "Y"]
    print("3. csQCA, 40 cases x 12 conditions (4,096 configurations), incl.cut 0.8")

    def run() -> Any:
        tt = truth_table(frame, "Y", incl_cut=0.8)
        return tt, minimize(tt, expectations=names)

    seconds, (tt, solutions) = median_time(run, repeats)
    kinds = {k: sum(1 for s in solutions if s.kind == k) for k in ("conservative", "parsimonious", "intermediate")}
    print(f"   {seconds:7.3f} s   truth-table rows {len(tt.frame)}; solutions: {kinds}; "
          f"chart bound reached: {'yes' if any(not s.complete for s in solutions) else 'no'}")
    FIGURES["qca_40x12_seconds"] = seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (median reported)")
    parser.add_argument("--quick", action="store_true", help="one timed run, fewer threshold settings")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    settings = [(1.0, 1.0), (0.8, 0.8)] if args.quick else [(1.0, 1.0), (0.9, 0.9), (0.85, 0.85), (0.8, 0.8)]
    cna_speed(runs, settings)
    reference(runs, 0.8, 0.8)
    qca_speed(runs)
    if args.json:
        import json

        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(FIGURES, handle, indent=2)


if __name__ == "__main__":
    main()

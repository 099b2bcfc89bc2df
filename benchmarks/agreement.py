"""Benchmarks of the agreement layer. Run: ``.venv/bin/python benchmarks/agreement.py``.

Prints medians of several runs; the reference (the ``krippendorff`` package, a development
dependency only) is timed in the same run, on the same data, so the ratio is fair to both.

1. Nominal Krippendorff's alpha on 3 coders x 1,000,000 units and on 10 coders x 100,000
   units (10 % missing, 4 values): equality with ``krippendorff.alpha`` and speed-up.
2. Bootstrap intervals with 1,000 resamples on 20,000 units (2 coders): Krippendorff's
   algorithm and the units bootstrap for alpha, and the units bootstrap for Cohen's kappa.
3. Full per-code agreement for 60 codes x 200 transcripts x 2 coders (synthetic codings):
   spans to units and the per-code table, for sentence and character units, and per-code
   unitized alpha.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable

import numpy as np
import pandas as pd


def median_time(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls (after one warm-up call) and the last result."""
    result = func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


FIGURES: dict[str, Any] = {}
"""Figures for ``--json`` (read by benchmarks/run.py)."""


def alpha_against_reference(repeats: int) -> None:
    import krippendorff

    from mio_qual.agreement import krippendorff_alpha

    rng = np.random.default_rng(20240611)
    print("1. nominal alpha beside the krippendorff package (same data, same run)")
    for coders, units in ((3, 1_000_000), (10, 100_000)):
        data = rng.integers(0, 4, size=(coders, units)).astype(float)
        data[rng.random((coders, units)) < 0.10] = np.nan
        # agreement above chance, so that alpha is not near 0
        truth = rng.integers(0, 4, size=units).astype(float)
        copy = rng.random((coders, units)) < 0.7
        data = np.where(copy & ~np.isnan(data), truth[None, :], data)
        ours_t, ours = median_time(lambda: krippendorff_alpha(data).value, repeats)
        ref_t, ref = median_time(lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"),
                                 repeats)
        FIGURES[f"alpha_{coders}x{units}"] = {"seconds": ours_t, "reference_seconds": ref_t,
                                                "difference": abs(ours - ref)}
        print(f"   {coders:>2} coders x {units:>9,} units: alpha {ours:.12f}  |diff| {abs(ours - ref):.1e}  "
              f"mio-qual {ours_t * 1e3:7.1f} ms  krippendorff {ref_t * 1e3:7.1f} ms  speed-up {ref_t / ours_t:5.1f}x")


def bootstrap_timing(repeats: int) -> None:
    from mio_qual.agreement import bootstrap, bootstrap_alpha

    rng = np.random.default_rng(7)
    n = 20_000
    a = (rng.random(n) < 0.3).astype(float)
    b = np.where(rng.random(n) < 0.85, a, 1 - a)
    data = np.vstack([a, b])
    print("2. bootstrap intervals, 1,000 resamples, 20,000 units, 2 coders")
    for label, func in (
        ("alpha, Krippendorff's algorithm", lambda: bootstrap_alpha(data, boot=1000, seed=1)),
        ("alpha, units resampled", lambda: bootstrap_alpha(data, boot=1000, method="units", seed=1)),
        ("Cohen's kappa, units resampled", lambda: bootstrap("cohen_kappa", data, boot=1000, seed=1)),
        ("Gwet's AC1, units resampled", lambda: bootstrap("gwet_ac1", data, boot=1000, seed=1)),
    ):
        seconds, boot = median_time(func, repeats)
        print(f"   {label:<34} {seconds * 1e3:7.1f} ms   {boot.value:.4f} [{boot.ci_low:.4f}, {boot.ci_high:.4f}]")


def synthetic_study(n_codes: int = 60, n_transcripts: int = 200, sentences: int = 200, seed: int = 3
                    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Two coders who agree on most codings of a synthetic study, with sentences as units."""
    rng = np.random.default_rng(seed)
    seg_rows, cod_rows, lengths = [], [], {}
    codes = [f"C{i:02d}" for i in range(n_codes)]
    for t in range(n_transcripts):
        tid = f"T{t:03d}"
        cuts = np.cumsum(rng.integers(40, 160, size=sentences))
        starts = np.concatenate(([0], cuts[:-1] + 1))
        ends = cuts
        lengths[tid] = int(ends[-1] + 1)
        seg_rows.append(pd.DataFrame({"transcript_id": tid, "segment_id": [f"{tid}:s{i}" for i in range(sentences)],
                                      "start": starts, "end": ends}))
        n_codings = 120
        first = rng.integers(0, sentences - 3, size=n_codings)
        span = rng.integers(1, 4, size=n_codings)
        code = rng.integers(0, n_codes, size=n_codings)
        s, e = starts[first], ends[np.minimum(first + span - 1, sentences - 1)]
        for coder in ("A", "B"):
            keep = rng.random(n_codings) < 0.85
            jitter = rng.integers(-5, 6, size=n_codings) if coder == "B" else np.zeros(n_codings, dtype=int)
            other = np.where(rng.random(n_codings) < 0.1, rng.integers(0, n_codes, size=n_codings), code)
            cs = np.clip(s + jitter, 0, lengths[tid] - 2)[keep]
            ce = np.maximum(np.clip(e + jitter, 1, lengths[tid] - 1)[keep], cs + 1)
            cod_rows.append(pd.DataFrame({"transcript_id": tid, "start": cs, "end": ce,
                                          "code": np.array(codes)[other[keep] if coder == "B" else code[keep]],
                                          "coder": coder}))
    return pd.concat(cod_rows, ignore_index=True), pd.concat(seg_rows, ignore_index=True), lengths


def per_code_timing(repeats: int) -> None:
    from mio_qual.agreement.report import agreement_table
    from mio_qual.agreement.unitized import unitized_alpha_by_code
    from mio_qual.agreement.units import reliability_data

    codings, segments, lengths = synthetic_study()
    print(f"3. per-code agreement: 60 codes x 200 transcripts x 2 coders "
          f"({len(codings):,} codings, {len(segments):,} sentences, {sum(lengths.values()):,} characters)")
    for unit, kwargs in (("sentence", {"segments": segments}), ("character", {"texts": lengths})):
        def run(unit: str = unit, kwargs: dict = kwargs) -> pd.DataFrame:
            data = reliability_data(codings, unit, coders=["A", "B"], **kwargs)
            return agreement_table(data)

        seconds, table = median_time(run, repeats)
        FIGURES[f"per_code_{unit}"] = {"seconds": seconds, "rows": len(table), "codings": len(codings)}
        pooled = table[table["level"] == "pooled"].iloc[0]
        print(f"   {unit:<9} units: {seconds:6.2f} s for {len(table)} rows "
              f"(pooled kappa {pooled['cohen_kappa']:.3f}, alpha {pooled['krippendorff_alpha']:.3f})")
    seconds, result = median_time(lambda: unitized_alpha_by_code(codings, lengths, coders=["A", "B"]), repeats)
    print(f"   unitized alpha per code (Krippendorff 2004): {seconds:6.2f} s "
          f"(pooled u-alpha {result['(all codes)'].value:.3f})")
    seconds, _ = median_time(lambda: agreement_table(reliability_data(codings, "sentence", coders=["A", "B"],
                                                                      segments=segments), boot=1000), 1)
    print(f"   sentence units with 1,000-resample bootstrap intervals for every code: {seconds:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per figure (median reported)")
    parser.add_argument("--json", help="also write the figures here (read by benchmarks/run.py)")
    args = parser.parse_args()
    alpha_against_reference(args.repeats)
    bootstrap_timing(args.repeats)
    per_code_timing(max(1, args.repeats // 2))
    if args.json:
        import json

        FIGURES["repeats"] = args.repeats
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(FIGURES, handle, indent=2)


if __name__ == "__main__":
    main()

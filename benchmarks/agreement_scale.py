"""Agreement at dissemination scale: ``Project.agreement`` beside a plain pandas/numpy floor, with peak memory.

For each size (default 50, 200 and 800 transcripts) a project is generated once (cached in
``--cache``, never committed): interview transcripts of about 3,000 words (the sentences of
``benchmarks/corpus.py``), two coders ``A`` and ``B`` coding about 130 participant sentences
each per transcript with 42 codes (B agrees with A on about 80% of them), so that 800
transcripts hold about 200,000 codings. Then, each in a fresh process (so that peak RSS is its
own), in the same run:

* **mio-qual**: ``Project.open(...).agreement(["A", "B"], unit="sentence")``: the whole
  per-code table (percent agreement with its interval, Cohen's kappa, alpha, AC1, PABAK with
  their standard errors, pooled rows, the nominal table and one row per transcript);
* **floor**: the same per-code Cohen's kappas computed by hand with pandas and numpy: the
  codings and the participants' sentences read from the store with one query each, each
  coding mapped to the sentences it overlaps (``searchsorted`` on one line), one 2 x 2 table
  per code by ``bincount``, kappa from the table. No intervals, no other coefficient, no
  per-transcript rows: the least any agreement computation must do.

With ``--report`` the study report of each generated project is measured too, in the same run:

* **report**: ``Project.report_study(...)`` on a copy of the project (agreement with its
  disagreements, themes, codebook, methods, charts, and the appendices, all written);
* **floor**: the least work that produces the same documents, in two parts measured in one
  fresh process: python-docx writing the same content (every document the report wrote copied
  into a plain document: its paragraphs, its tables cell by cell, its pictures; ``plain_copy``
  of ``benchmarks/reports.py``), and matplotlib drawing the same charts from the same data (the
  inputs the report's chart functions were handed, recorded while it ran; ``draw_plain``), no
  computation at all. The ratio is given against the floor with charts and against python-docx
  alone. Both processes import python-docx and mio-qual before the clock; matplotlib is
  imported inside it in both (the report imports it when it draws, the floor when it draws).

Each figure is the median of ``--runs`` runs (wall time of the computation after the project
is opened; for the report also its CPU time, which a busy shared machine inflates less; peak
RSS of the whole process, Python and pandas included) and is printed beside the floor
measured in the same run; the per-code kappas of the two must agree to 1e-9. The peak MiB
each added transcript adds (between consecutive sizes) shows whether memory stays flat.

Run::

    .venv/bin/python benchmarks/agreement_scale.py                    # 50, 200, 800 transcripts
    .venv/bin/python benchmarks/agreement_scale.py --sizes 50 200 --runs 3
    .venv/bin/python benchmarks/agreement_scale.py --report --runs 3 --json agreement.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

N_CODES = 42
WORDS = 3000


def _text(rng: random.Random) -> str:
    from corpus import _turns

    lines = []
    for speaker, paragraphs in _turns(rng, WORDS):
        label = "INTERVIEWER" if speaker == 0 else "PARTICIPANT"
        lines.append(f"{label}: {paragraphs[0]}")
        lines.extend(paragraphs[1:])
    return "\n\n".join(lines) + "\n"


def build(folder: Path, n_transcripts: int, seed: int = 0) -> Path:
    """Generate (once) a project of ``n_transcripts`` interviews coded by A and B; return its folder."""
    import numpy as np

    from mio_qual import Project
    from mio_qual.coding.model import Coding
    from mio_qual.transcripts import read_text

    target = folder / f"agreement-{n_transcripts}-w{WORDS}"
    if (target / "done").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    project = Project.create(target / "project")
    rng = random.Random(seed)
    project.add_transcripts(read_text(_text(rng), transcript_id=f"T{i:04d}") for i in range(n_transcripts))
    sentences = project.segments("sentence", with_text=False)
    sentences = sentences[~sentences["is_interviewer"]]
    gen = np.random.default_rng(seed)
    codes = [f"C{k:02d}" for k in range(N_CODES)]
    prevalence = gen.dirichlet(np.ones(N_CODES))
    layers: dict[str, list[Coding]] = {"A": [], "B": []}
    for tid, group in sentences.groupby("transcript_id"):
        pick = gen.random(len(group)) < 0.65
        starts, ends = group["start"].to_numpy()[pick], group["end"].to_numpy()[pick]
        a = gen.choice(N_CODES, size=starts.size, p=prevalence)
        b = np.where(gen.random(starts.size) < 0.8, a, gen.choice(N_CODES, size=starts.size, p=prevalence))
        for s, e, ka, kb in zip(starts.tolist(), ends.tolist(), a.tolist(), b.tolist()):
            layers["A"].append(Coding(tid, s, e, codes[ka], "A", "human"))
            layers["B"].append(Coding(tid, s, e, codes[kb], "B", "human"))
    ids = sorted(set(sentences["transcript_id"]))
    for coder, rows in layers.items():
        project.write_codings(rows, coder=coder, covers=ids, action="benchmark coding")
    project.close()
    (target / "done").write_text(json.dumps({"codings": sum(map(len, layers.values()))}))
    return target


def run_ours(folder: Path) -> dict:
    """Time Project.agreement on the project in ``folder``."""
    from mio_qual import Project
    import mio_qual.agreement.project_api  # noqa: F401  (imported before the clock, as the floor imports pandas)

    project = Project.open(folder / "project")
    start = time.perf_counter()
    table = project.agreement(["A", "B"], unit="sentence")
    seconds = time.perf_counter() - start
    codes = table[table["level"] == "code"]
    return {"seconds": seconds, "kappa": dict(zip(codes["code"], codes["cohen_kappa"])), "rows": len(table)}


def run_floor(folder: Path) -> dict:
    """Per-code Cohen's kappas by hand with pandas and numpy, read from the same store."""
    import sqlite3

    import numpy as np
    import pandas as pd

    start = time.perf_counter()
    con = sqlite3.connect(folder / "project" / "mio-qual.db")
    cod = pd.read_sql_query("SELECT transcript_id, start, end, code, coder FROM codings WHERE coder IN ('A', 'B')",
                            con)
    seg = pd.read_sql_query(
        "SELECT s.transcript_id, s.start, s.end FROM segments s LEFT JOIN speakers sp"
        " ON sp.transcript_id = s.transcript_id AND sp.label = s.speaker WHERE s.kind = 'sentence'"
        " AND lower(coalesce(sp.role, '')) NOT IN ('interviewer', 'facilitator', 'moderator', 'note_taker')"
        " ORDER BY s.transcript_id, s.start", con)
    con.close()
    t_index = {t: i for i, t in enumerate(pd.unique(seg["transcript_id"]))}
    stride = int(max(seg["end"].max(), cod["end"].max())) + 1
    base_seg = seg["transcript_id"].map(t_index).to_numpy() * stride
    s_start, s_end = base_seg + seg["start"].to_numpy(), base_seg + seg["end"].to_numpy()
    base = cod["transcript_id"].map(t_index).to_numpy() * stride
    c_start, c_end = base + cod["start"].to_numpy(), base + cod["end"].to_numpy()
    lo = np.searchsorted(s_end, c_start, side="right")
    hi = np.searchsorted(s_start, c_end, side="left")
    n = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(cod)), n)
    unit = lo[owner] + np.arange(owner.size) - np.repeat(np.cumsum(n) - n, n)
    code_names, code = np.unique(cod["code"].to_numpy(), return_inverse=True)
    coder = (cod["coder"].to_numpy() == "B").astype(np.int64)
    n_units = len(seg)
    key = np.unique((code[owner] * 2 + coder[owner]) * n_units + unit)
    code_of, coder_of, unit_of = key // (2 * n_units), (key // n_units) % 2, key % n_units
    kappa = {}
    both = np.bincount(code_of * n_units + unit_of, minlength=len(code_names) * n_units)
    for k, name in enumerate(code_names):
        a = int(((code_of == k) & (coder_of == 0)).sum())
        b = int(((code_of == k) & (coder_of == 1)).sum())
        ab = int((both[k * n_units:(k + 1) * n_units] == 2).sum())
        table = np.array([[n_units - a - b + ab, b - ab], [a - ab, ab]], dtype=float) / n_units
        po = table[0, 0] + table[1, 1]
        pe = table.sum(axis=1) @ table.sum(axis=0)
        kappa[str(name)] = (po - pe) / (1 - pe)
    return {"seconds": time.perf_counter() - start, "kappa": kappa}


def run_report(folder: Path) -> dict:
    """Time the study report of the project in ``folder`` (on a copy), written into ``folder / "report"``."""
    import pickle
    import shutil

    from mio_qual import Project
    import mio_qual.reports.study  # noqa: F401  (imported before the clock, as the floor imports docx)
    from reports import ChartRecorder

    work = Path(tempfile.mkdtemp(prefix="mio-qual-report-"))
    try:
        shutil.copytree(folder / "project", work / "project")
        out = folder / "report"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        project = Project.open(work / "project")
        with ChartRecorder() as recorder:  # keeps a reference to each chart's data (no copy, nothing drawn)
            start, cpu = time.perf_counter(), time.process_time()
            result = project.report_study(out / "study.docx")
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        project.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (out / "charts.pickle").write_bytes(pickle.dumps(recorder.charts))
    documents = sorted(str(p) for p in result.files if p.suffix == ".docx")
    return {"seconds": seconds, "cpu_seconds": cpu, "documents": documents,
            "pictures": [str(p) for p in result.figures]}


def run_report_floor(folder: Path) -> dict:
    """python-docx writing the content of every document the report wrote (plain copies), then matplotlib
    drawing the same charts from the same data."""
    import pickle

    import docx  # noqa: F401  (imported before the clock)
    from reports import draw_plain, floor_copy

    out = folder / "report"
    documents = sorted(p for p in out.glob("*.docx") if not p.name.startswith("plain-"))
    pictures = sorted(p for p in out.glob("study-*.png"))
    charts = pickle.loads((out / "charts.pickle").read_bytes())
    start, cpu = time.perf_counter(), time.process_time()
    cells = floor_copy(documents, pictures, out)["cells"]
    docs = {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}
    start, cpu = time.perf_counter(), time.process_time()
    n_charts = draw_plain(charts, out)  # matplotlib imported here, as the report imports it when it draws
    drawn = {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}
    return {"seconds": docs["seconds"] + drawn["seconds"], "cpu_seconds": docs["cpu_seconds"] + drawn["cpu_seconds"],
            "docx_seconds": docs["seconds"], "docx_cpu_seconds": docs["cpu_seconds"],
            "charts_seconds": drawn["seconds"], "charts_cpu_seconds": drawn["cpu_seconds"],
            "documents": len(documents), "cells": cells, "charts": n_charts}


def _measure(mode: str, folder: Path) -> dict:
    """Run one measurement in a fresh process and return its figures with the peak RSS."""
    code = (f"import json, resource, sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r});"
            f"import agreement_scale as b; from pathlib import Path;"
            f"r = b.run_{mode}(Path({str(folder)!r}));"
            "r['peak_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; print(json.dumps(r))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 800])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "mio-qual-bench")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON to this file")
    parser.add_argument("--report", action="store_true", help="also measure the study report beside python-docx")
    args = parser.parse_args(argv)
    print(f"agreement --unit sentence, 2 coders, {N_CODES} codes; medians of {args.runs} runs, each in a fresh "
          "process; peak RSS of the process")
    print(f"{'transcripts':>11} {'codings':>8} | {'mio-qual s':>10} {'floor s':>8} {'ratio':>6} | "
          f"{'mio-qual MiB':>12} {'floor MiB':>9} | max |kappa diff|")
    rows = []
    for size in args.sizes:
        folder = build(args.cache, size)
        n_codings = json.loads((folder / "done").read_text())["codings"]
        ours = [_measure("ours", folder) for _ in range(args.runs)]
        floor = [_measure("floor", folder) for _ in range(args.runs)]
        t_ours = statistics.median(r["seconds"] for r in ours)
        t_floor = statistics.median(r["seconds"] for r in floor)
        m_ours = statistics.median(r["peak_mib"] for r in ours)
        m_floor = statistics.median(r["peak_mib"] for r in floor)
        diff = max(abs(ours[0]["kappa"][c] - floor[0]["kappa"][c]) for c in floor[0]["kappa"])
        print(f"{size:>11} {n_codings:>8,} | {t_ours:>10.2f} {t_floor:>8.2f} {t_ours / t_floor:>6.2f} | "
              f"{m_ours:>12.0f} {m_floor:>9.0f} | {diff:.1e}", flush=True)
        rows.append({"transcripts": size, "codings": n_codings, "seconds": t_ours, "floor_seconds": t_floor,
                     "peak_mib": m_ours, "floor_peak_mib": m_floor, "max_kappa_diff": diff})
    reports = []
    if args.report:
        print(f"\nreport study (every document and chart) beside its floor: python-docx writing the same content and"
              f" matplotlib drawing the same charts; medians of {args.runs} runs, each in a fresh process")
        print(f"{'transcripts':>11} | {'report s':>8} {'floor s':>7} {'ratio':>5} | "
              f"{'report CPU':>10} {'floor CPU':>9} "
              f"{'ratio':>5} {'docx CPU':>8} {'ratio':>5} | {'report MiB':>10} {'floor MiB':>9} | cells charts")
        for size in args.sizes:
            folder = build(args.cache, size)
            ours, floor = [], []
            for _ in range(args.runs):        # the floor copies what this run of the report wrote
                ours.append(_measure("report", folder))
                floor.append(_measure("report_floor", folder))
            med = {key: statistics.median(r[key] for r in ours) for key in ("seconds", "cpu_seconds", "peak_mib")}
            fl = {key: statistics.median(r[key] for r in floor) for key in
                  ("seconds", "cpu_seconds", "peak_mib", "docx_seconds", "docx_cpu_seconds", "charts_seconds",
                   "charts_cpu_seconds")}
            print(f"{size:>11} | {med['seconds']:>8.2f} {fl['seconds']:>7.2f} {med['seconds'] / fl['seconds']:>5.2f} | "
                  f"{med['cpu_seconds']:>10.2f} {fl['cpu_seconds']:>9.2f} "
                  f"{med['cpu_seconds'] / fl['cpu_seconds']:>5.2f} "
                  f"{fl['docx_cpu_seconds']:>8.2f} {med['cpu_seconds'] / fl['docx_cpu_seconds']:>5.2f} | "
                  f"{med['peak_mib']:>10.0f} {fl['peak_mib']:>9.0f} | {floor[0]['cells']:,} {floor[0]['charts']}",
                  flush=True)
            reports.append({"transcripts": size, "seconds": med["seconds"], "floor_seconds": fl["seconds"],
                            "cpu_seconds": med["cpu_seconds"], "floor_cpu_seconds": fl["cpu_seconds"],
                            "docx_floor_seconds": fl["docx_seconds"], "docx_floor_cpu_seconds": fl["docx_cpu_seconds"],
                            "charts_floor_seconds": fl["charts_seconds"],
                            "charts_floor_cpu_seconds": fl["charts_cpu_seconds"], "peak_mib": med["peak_mib"],
                            "floor_peak_mib": fl["peak_mib"], "documents": floor[0]["documents"],
                            "cells": floor[0]["cells"], "charts": floor[0]["charts"],
                            "load": os.getloadavg()[0]})
    for name, found in (("agreement", rows), ("report", reports)):
        if len(found) > 1:      # memory flat in corpus size: what each added transcript adds to the peak
            steps = []
            for a, b in zip(found, found[1:]):
                added = b["transcripts"] - a["transcripts"]
                steps.append(f"{a['transcripts']}->{b['transcripts']}: {(b['peak_mib'] - a['peak_mib']) / added:.3f} "
                             f"(floor {(b['floor_peak_mib'] - a['floor_peak_mib']) / added:.3f})")
            print(f"{name}: peak MiB per added transcript " + "; ".join(steps))
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "sizes": rows, "report": reports}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

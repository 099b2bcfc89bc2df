"""Run every benchmark and write one table: import, replace, rules, model, agreement, report generation.

Each benchmark script of this folder runs in its own process with its own flags (``--quick``
picks smaller inputs and fewer runs), writes its figures as JSON (``--json``), and this script
puts them in one table. Every figure is a median of several runs, and each sits beside a
reference measured in the same process on the same data, so that the ratio says something
on any machine:

====================  ===================================================  ==========================================
step                  mio-qual                                             reference
====================  ===================================================  ==========================================
import                ``Project.import_transcripts`` on generated corpora  reading the same text files and running
                      of 50, 200, 800 and 2,000 transcripts                spaCy's tokenizer over them (CPU seconds:
                      (readers, turns, sentences, one transaction)         the machine is shared)
replace               ``import --replace`` of a coded 1 MB transcript      ``difflib`` on the lines of the same texts
                      (alignment, codings moved, segments rewritten)
rules                 keyword rules (:class:`mio_qual.autocode.RuleCoder`)  spaCy's tokenizer on the same turns
model                 code suggester predictions                           spaCy's tokenizer on the same turns
agreement             nominal Krippendorff's alpha, 3 coders x 1M units    the ``krippendorff`` package
agreement per code    the per-code table, 60 codes x 200 transcripts       (none: no other tool computes it)
report generation     the study report with charts, on the sample          python-docx writing a plain document of
                                                                           the same paragraphs, tables and pictures,
                                                                           and matplotlib drawing the same charts
start-up              ``--help``, ``status``, ``log``, ``transcripts       ``python -c pass`` (and ``import pandas``
                      list`` on the demo project, each a fresh process     in the notes)
export-docx           ``coding export-docx --with-suggestions`` (layout    the same export laying the document out
                      computed once per document)                          again for every suggestion (same bytes)
agreement at scale    ``agreement --unit sentence`` on generated projects  a plain pandas/numpy script computing the
                      of 50, 200 and 800 transcripts, with peak RSS        same per-code Cohen's kappas
study report          ``report study`` on the same projects (when          python-docx writing the same content and
                      ``agreement_scale.py`` has ``--report``)             matplotlib drawing the same charts
qdpx re-import        ``import-qdpx`` of an exported, coded ``.qdpx``      importing the same texts from ``.txt``
                      into a project holding its texts                     (and, in the notes, storing the same
                                                                           codings alone)
qdpx first import     the same file into an empty project                  importing the texts, then storing the
                                                                           same codings (``write_codings``)
qdpx memory           importing a ``.qdpx`` of 200,000 and 1.5 million     (none; peak RSS beside the same child
                      selections (growth per added selection)              importing nothing)
====================  ===================================================  ==========================================

``speed`` is how many times faster mio-qual is than its reference (below 1: slower). Peak RSS is
each measuring process's own (``ru_maxrss`` or ``VmHWM``), mio-qual's beside the reference's.
Generated corpora and projects live in a temporary folder (``/tmp/mio-qual-bench``), never in
the repository.

    .venv/bin/python benchmarks/run.py --quick                  # 5-20 minutes on 2 cores
    .venv/bin/python benchmarks/run.py                          # full size (10M words): much longer
    .venv/bin/python benchmarks/run.py --quick --only model --runs 5

The table is printed and written as Markdown to ``--out`` (default ``benchmarks/results.md``),
with the machine, its load, the commit and each benchmark's command line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass
class Row:
    """One line of the table."""

    step: str
    what: str
    value: float | None = None  # mio-qual's figure
    unit: str = ""
    reference: float | None = None
    reference_what: str = ""
    higher_is_better: bool = True  # words/s: True; seconds: False
    runs: int = 0
    note: str = ""
    peak_mib: float | None = None  # peak RSS of the measuring process
    reference_peak_mib: float | None = None

    @property
    def speed(self) -> float | None:
        """How many times faster than the reference (None without one)."""
        if not self.value or not self.reference:
            return None
        return self.value / self.reference if self.higher_is_better else self.reference / self.value


@dataclass
class Benchmark:
    """A script of this folder, its flags, and how its JSON becomes rows."""

    name: str
    script: str
    quick: list[str]
    full: list[str]
    rows: Callable[[Any, int], list[Row]]
    repeat: bool = False  # the script measures once: run it --runs times and take medians
    runs_flag: str | None = "--runs"
    commands: list[str] = field(default_factory=list)


def _import_rows(data: dict, runs: int) -> list[Row]:
    rows = []
    for size in data["sizes"]:
        samples = size.get("rss_samples") or []
        growth = (f"; RSS {samples[0][1]:.0f} MiB after {samples[0][0]} files, {samples[-1][1]:.0f} MiB after "
                  f"{samples[-1][0]}" if len(samples) > 1 else "")
        rows.append(Row("import", f"{size['files']:,} transcripts, {size['words']:,} words", size["words_per_cpu_s"],
                        "words/CPU s", size["reference_words_per_cpu_s"], "read + spaCy tokenizer, text files", True,
                        size["runs"], f"wall {size['seconds']:.1f} s, "
                        f"{size['words_per_s'] / size['reference_words_per_s']:.2f}x the reference in wall time"
                        f"{growth}" + (f"; load {size['load']:.1f}" if "load" in size else ""),
                        size["peak_rss_mib"], size.get("reference_peak_rss_mib")))
    return rows


def _autocode_rows(runs_data: list[list[dict]], runs: int) -> list[Row]:
    by_stage: dict[str, list[dict]] = {}
    for run in runs_data:
        for stage in run:
            by_stage.setdefault(stage["stage"], []).append(stage)
    tokenizer = statistics.median(s["words_per_cpu_s"] for s in by_stage.get("tokenizer", [])) \
        if by_stage.get("tokenizer") else None
    rows = []
    for stage, step, what in (("rules", "rules", "keyword rules, every hit with offsets"),
                              ("model", "model", "code suggester predictions")):
        stages = by_stage.get(stage)
        if not stages:
            continue
        words = stages[0]["words"]
        peak = max(max((s.get("peak_rss_mb") or {}).values(), default=0) for s in stages)
        rows.append(Row(step, f"{what} on {words:,} words",
                        statistics.median(s["words_per_cpu_s"] for s in stages), "words/CPU s", tokenizer,
                        "spaCy tokenizer, same turns", True, len(stages), f"peak RSS {peak:.0f} MB"))
    return rows


def _agreement_rows(data: dict, runs: int) -> list[Row]:
    rows = []
    alpha = data.get("alpha_3x1000000")
    if alpha:
        rows.append(Row("agreement", "nominal alpha, 3 coders x 1,000,000 units", alpha["seconds"] * 1000, "ms",
                        alpha["reference_seconds"] * 1000, "krippendorff package", False, data["repeats"],
                        f"difference from the reference {alpha['difference']:.1e}"))
    per_code = data.get("per_code_sentence")
    if per_code:
        rows.append(Row("agreement per code", f"60 codes x 200 transcripts, {per_code['codings']:,} codings, sentences",
                        per_code["seconds"], "s", None, "(none)", False, max(1, data["repeats"] // 2),
                        f"{per_code['rows']} rows"))
    return rows


def _report_rows(data: dict, runs: int) -> list[Row]:
    if "cpu_seconds" not in data:  # reports.py before it measured the charts' floor
        return [Row("report generation", f"study report with charts ({data['tables']} tables, {data['kib']} KiB)",
                    data["seconds"], "s", data["reference_seconds"], "python-docx, same content", False, data["runs"],
                    f"without charts {data['no_charts_seconds']:.2f} s")]
    return [Row("report generation", f"study report on the sample, {data['documents']} documents, {data['figures']} "
                                     f"charts, {data['cells']:,} table cells (warm process)",
                data["cpu_seconds"], "CPU s", data["reference_cpu_seconds"],
                "python-docx writing the same content + matplotlib drawing the same charts", False, data["runs"],
                f"wall {data['seconds']:.2f} s vs {data['reference_seconds']:.2f} s; without charts "
                f"{data['no_charts_cpu_seconds']:.2f} CPU s vs python-docx alone {data['docx_floor_cpu_seconds']:.2f}")]


def _replace_rows(data: dict, runs: int) -> list[Row]:
    return [Row("replace", f"import --replace of a {data['chars']:,}-character transcript, {data['codings']:,} codings",
                data["seconds"], "s", data["line_diff_seconds"], "difflib on lines, same texts", False, data["runs"],
                f"old character mapper {data['old_mapper_seconds']:.1f} s at {data['reference_chars']:,} characters")]


def _startup_rows(data: dict, runs: int) -> list[Row]:
    return [Row("start-up", f"mio-qual {c['command']} on the demo project (target < {c['target']:.2f} s)",
                c["seconds"], "s", data["python_seconds"], "python -c pass", False, data["runs"],
                f"CPU {c['cpu_seconds']:.3f} s (python -c pass {data['python_cpu_seconds']:.3f} s, "
                f"import pandas {data['pandas_cpu_seconds']:.3f} s); target {'met' if c['met'] else 'NOT met'}")
            for c in data["commands"]]


def _word_rows(data: dict, runs: int) -> list[Row]:
    return [Row("export-docx", f"coding export-docx --with-suggestions, {data['words']:,} words, "
                               f"{data['suggestions']} suggestions", data["export_s"], "CPU s",
                data["export_reference_s"], "the same export laying out the document once per suggestion", False,
                data["runs"], f"same bytes: {'yes' if data['same_bytes'] else 'NO'}")]


def _agreement_scale_rows(data: dict, runs: int) -> list[Row]:
    rows = [Row("agreement at scale", f"agreement --unit sentence, {r['transcripts']} transcripts, "
                                      f"{r['codings']:,} codings", r["seconds"], "s", r["floor_seconds"],
                "plain pandas/numpy per-code Cohen's kappa", False, data["runs"],
                f"max |kappa difference| {r['max_kappa_diff']:.1e}", r["peak_mib"], r["floor_peak_mib"])
            for r in data["sizes"]]
    for r in data.get("report") or []:
        if "docx_floor_cpu_seconds" not in r:  # agreement_scale.py before it measured the charts' floor
            rows.append(Row("study report", f"report study, {r['transcripts']} transcripts ({r['documents']} documents,"
                                            f" {r['cells']:,} table cells)", r["seconds"], "s", r["floor_seconds"],
                            "python-docx writing the same content", False, data["runs"], "", r["peak_mib"],
                            r["floor_peak_mib"]))
            continue
        rows.append(Row("study report", f"report study, {r['transcripts']} transcripts ({r['documents']} documents, "
                                        f"{r['cells']:,} table cells, {r['charts']} charts; fresh process)",
                        r["cpu_seconds"], "CPU s", r["floor_cpu_seconds"],
                        "python-docx writing the same content + matplotlib drawing the same charts", False,
                        data["runs"], f"wall {r['seconds']:.2f} s vs {r['floor_seconds']:.2f} s; against python-docx "
                                      f"alone ({r['docx_floor_cpu_seconds']:.2f} CPU s) "
                                      f"{r['docx_floor_cpu_seconds'] / r['cpu_seconds']:.2f}x; load "
                                      f"{r.get('load', 0):.1f}", r["peak_mib"], r["floor_peak_mib"]))
    return rows


def _qdpx_reimport_rows(data: dict, runs: int) -> list[Row]:
    rows = [Row("qdpx re-import", f"import-qdpx of {data['transcripts']} sources, {data['chars']:,} characters, "
                                  f"{data['codings']:,} codings", data["reimport_qdpx_s"], "CPU s",
                data["import_texts_s"], "importing the same texts from .txt", False, data["runs"],
                f"load {data['load']:.1f}" + (f"; storing the same codings alone (write_codings) "
                                               f"{data['store_codings_s']:.3f} CPU s, same codings: "
                                               f"{'yes' if data['same_codings'] else 'NO'}"
                                               if "store_codings_s" in data else ""))]
    if "first_import_qdpx_s" in data:
        rows.append(Row("qdpx first import", f"import-qdpx of the same file into an empty project (texts and "
                                             f"{data['codings']:,} codings)", data["first_import_qdpx_s"], "CPU s",
                        data["import_texts_s"] + data["store_codings_s"],
                        "importing the texts, then storing the same codings", False, data["runs"],
                        f"load {data['load']:.1f}"))
    return rows


def _qdpx_large_rows(data: dict, runs: int) -> list[Row]:
    rows = []
    for size in data.get("sizes") or [data]:
        step = size.get("import") or {}
        if "error" in step or not step:
            rows.append(Row("qdpx memory", f"failed: {step.get('error', 'no import step')}"))
            continue
        floor = size.get("floor") or {}
        file = size["file"]
        rows.append(Row("qdpx memory", f"import-qdpx of {file['selections']:,} selections over {file['sources']} "
                                       f"sources ({file['zip_bytes'] / 2**20:.0f} MiB zipped)",
                        step["cpu_s"], "CPU s", None, "(none: peak RSS beside the same process importing nothing)",
                        False, 1,
                        f"parsing alone {size['read']['cpu_s']:.2f} CPU s" if "cpu_s" in size.get("read", {}) else "",
                        step.get("peak_mib"), floor.get("peak_mib")))
    growth = data.get("growth")
    if growth and rows:
        rows[-1].note += (f"; {growth['size_ratio']:.1f}x the selections: peak RSS {growth['peak_ratio']:.2f}x "
                          f"({growth['bytes_per_selection']:.0f} bytes per added selection), CPU "
                          f"{growth['cpu_ratio']:.2f}x")
    one = data.get("one_source")
    if one:
        step, floor, file = one.get("import") or {}, one.get("floor") or {}, one["file"]
        rows.append(Row("qdpx memory", f"failed: {step.get('error', 'no import step')}") if "error" in step or not step
                    else Row("qdpx memory", f"import-qdpx of {file['selections']:,} selections in ONE source "
                                            f"({file['zip_bytes'] / 2**20:.0f} MiB zipped)",
                             step["cpu_s"], "CPU s", None,
                             "(none: peak RSS beside the same process importing nothing)", False, 1,
                             (f"parsing alone {one['read']['cpu_s']:.2f} CPU s, {one['read']['peak_mib']:.0f} MiB"
                              if "cpu_s" in one.get("read", {}) else ""), step.get("peak_mib"), floor.get("peak_mib")))
    return rows


BENCHMARKS = [
    Benchmark("import", "import_corpus.py", ["--sizes", "50", "200", "800", "2000", "--runs", "3"],
              ["--sizes", "50", "200", "800", "2000", "--runs", "5"], _import_rows),
    Benchmark("replace", "replace.py", ["--runs", "1", "--reference-chars", "10000"], ["--runs", "3"], _replace_rows),
    Benchmark("autocode", "autocode.py", ["--words", "300000"], [], _autocode_rows, repeat=True, runs_flag=None),
    Benchmark("agreement", "agreement.py", ["--repeats", "3"], ["--repeats", "5"], _agreement_rows,
              runs_flag="--repeats"),
    Benchmark("reports", "reports.py", ["--runs", "3"], ["--runs", "5"], _report_rows),
    Benchmark("startup", "startup.py", ["--runs", "7"], ["--runs", "21"], _startup_rows),
    Benchmark("word", "word.py", ["--runs", "3"], ["--runs", "5", "--suggestions", "1000"], _word_rows),
    Benchmark("agreement_scale", "agreement_scale.py", ["--sizes", "50", "200", "800", "--runs", "1", "--report"],
              ["--sizes", "50", "200", "800", "--runs", "3", "--report"], _agreement_scale_rows),
    Benchmark("qdpx_reimport", "qdpx_reimport.py", ["--quick"], ["--runs", "5"], _qdpx_reimport_rows),
    Benchmark("qdpx_large", "qdpx_large.py", ["--selections", "200000", "1500000", "--one-source"],
              ["--selections", "200000", "750000", "1500000", "--one-source"],
              _qdpx_large_rows, runs_flag=None),
]
STEPS = {"import": "import", "replace": "replace", "rules": "autocode", "model": "autocode", "agreement": "agreement",
         "report": "reports", "startup": "startup", "export-docx": "word", "agreement-scale": "agreement_scale",
         "study-report": "agreement_scale", "qdpx-reimport": "qdpx_reimport", "qdpx-memory": "qdpx_large"}


def _supported(bench: Benchmark, args: list[str]) -> list[str]:
    """``args`` without the flags the script does not know yet (another engineer may be adding them)."""
    source = (HERE / bench.script).read_text(encoding="utf-8")
    return [a for a in args if not a.startswith("--") or f'"{a}"' in source]


def run_benchmark(bench: Benchmark, quick: bool, runs: int | None, workdir: Path) -> tuple[list[Row], str]:
    """Run one benchmark (several times when it measures once) and turn its JSON into rows."""
    args = _supported(bench, list(bench.quick if quick else bench.full))
    if runs is not None and bench.runs_flag:
        if bench.runs_flag in args:
            args[args.index(bench.runs_flag) + 1] = str(runs)
        else:
            args += [bench.runs_flag, str(runs)]
    times = (runs or 3) if bench.repeat else 1
    outputs = []
    for i in range(times):
        out = workdir / f"{bench.name}-{i}.json"
        command = [sys.executable, str(HERE / bench.script), *args, "--json", str(out)]
        bench.commands.append(" ".join(["python", f"benchmarks/{bench.script}", *args]))
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0 or not out.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return [Row(bench.name, f"failed: {last}")], done.stdout
        outputs.append(json.loads(out.read_text()))
        sys.stderr.write(f"  {bench.name}: run {i + 1} of {times} done\n")
    data = outputs if bench.repeat else outputs[0]
    return bench.rows(data, times), done.stdout


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("words/s", "words/CPU s"):
        return f"{value:,.0f} {unit}"
    if unit == "ms":
        return f"{value:,.1f} ms"
    return f"{value:,.2f} {unit}"


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def markdown(rows: list[Row], meta: dict[str, Any], commands: list[str]) -> str:
    """The results table as Markdown, with the machine, load, commit and the commands that produced it."""
    lines = ["# mio-qual benchmarks", "",
             f"{meta['date']} - commit {meta['commit']} - {meta['machine']} - "
             f"1-minute load average before/after {meta['load_before']} / {meta['load_after']} - "
             f"{'quick' if meta['quick'] else 'full'} mode - {meta['seconds']:.0f} s in all", "",
             "| step | measured | mio-qual (median) | reference (median, same run) | speed vs reference | runs "
             "| peak RSS MiB (mio-qual / reference) | notes |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        speed = f"{r.speed:.2f}x" if r.speed is not None else "-"
        reference = f"{_fmt(r.reference, r.unit)} ({r.reference_what})" if r.reference is not None else r.reference_what
        peak = "-" if r.peak_mib is None else f"{_mib(r.peak_mib)} / {_mib(r.reference_peak_mib)}"
        lines.append(f"| {r.step} | {r.what} | {_fmt(r.value, r.unit)} | {reference} | {speed} | {r.runs} | {peak} "
                     f"| {r.note} |")
    lines += ["", "Speed is how many times faster mio-qual is than the reference (below 1: slower). Rates are",
              "medians of the runs; times are median wall times unless the unit says CPU. On a shared machine",
              "the CPU figures are the ones to compare (each process's own CPU time; waiting for a core is",
              "not counted). Peak RSS is each measuring process's own.", "", "Commands:", ""]
    lines += [f"    {c}" for c in dict.fromkeys(commands)]
    return "\n".join(lines) + "\n"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs and fewer runs (minutes, not hours)")
    parser.add_argument("--runs", type=int, help="runs per figure (default: each benchmark's own, 3 for autocode)")
    parser.add_argument("--only", nargs="+", choices=sorted(STEPS), help="run only these steps")
    parser.add_argument("--out", type=Path, default=HERE / "results.md", help="Markdown file to write")
    args = parser.parse_args(argv)
    wanted = {STEPS[s] for s in args.only} if args.only else {b.name for b in BENCHMARKS}
    started = time.perf_counter()
    load_before = f"{os.getloadavg()[0]:.1f}"
    rows: list[Row] = []
    commands: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mio-bench-") as tmp:
        for bench in BENCHMARKS:
            if bench.name not in wanted:
                continue
            sys.stderr.write(f"{bench.name} ...\n")
            bench_rows, _ = run_benchmark(bench, args.quick, args.runs, Path(tmp))
            if args.only:
                bench_rows = [r for r in bench_rows if any(r.step.startswith(s) for s in args.only)] or bench_rows
            rows += bench_rows
            commands += bench.commands
    meta = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": _commit(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "load_before": load_before, "load_after": f"{os.getloadavg()[0]:.1f}",
            "quick": args.quick, "seconds": time.perf_counter() - started}
    text = markdown(rows, meta, commands)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(not r.what.startswith("failed") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

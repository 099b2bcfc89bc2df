"""Import throughput and memory: the generated 10-million-word corpus into a fresh project.

Each run happens in a child process (so its peak memory is its own): ``mio_qual.Project``
imports the whole corpus (readers, speaker turns, sentence segmentation, one SQLite
transaction). The child samples its resident memory after every 100 files, so one can see
whether memory grows with the corpus. The reference, measured in the same session, reads the
same text files with ``open().read()`` and runs spaCy's tokenizer over them (see
``benchmarks/corpus.py``).

    .venv/bin/python benchmarks/import_corpus.py                              # 2000 x 5000 words
    .venv/bin/python benchmarks/import_corpus.py --sizes 50 200 800 --runs 3  # quicker

Both are timed in wall seconds and in CPU seconds (the import's own process, the reference's);
the CPU ratio is the one to read on a shared machine. Corpora are generated into ``--cache``
(a temporary folder by default) and kept there for the next run; never committed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import _time_reference, ensure_corpus  # noqa: E402

CHILD = r"""
import json, sys, time
from pathlib import Path
from mio_qual import Project

folder, project_dir = Path(sys.argv[1]), Path(sys.argv[2])
samples = []

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")

def progress(done, total, path):
    if done % 100 == 0 or done == total:
        samples.append((done, round(rss_mib(), 1)))

project = Project.create(project_dir)
start, cpu = time.perf_counter(), time.process_time()
result = project.import_transcripts([folder], progress=progress)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
# VmHWM: this process's own peak (ru_maxrss would carry the parent's over fork and exec)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "words": result.n_words, "files": len(result.added),
                  "peak_rss_mib": peak, "rss_samples": samples,
                  "db_mib": (project_dir / "mio-qual.db").stat().st_size / 2**20}))
"""


def run_import(folder: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="mio-import-") as tmp:
        out = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(Path(tmp) / "project")],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(folder: Path, runs: int) -> dict:
    """``runs`` imports of the corpus in ``folder``, each followed by the reference; medians and peaks.

    The reference runs in this process (spaCy loaded, nothing else of mio-qual's but the pipeline
    builder), so its peak RSS is this process's so far (spaCy's string store grows with every new
    token it sees, over every size measured before).
    """
    imports, references, references_cpu = [], [], []
    for _ in range(runs):
        imports.append(run_import(folder))
        seconds, cpu, words = _time_reference(folder)
        references.append(words / seconds)
        references_cpu.append(words / cpu)
    seconds = statistics.median(r["seconds"] for r in imports)
    cpu = statistics.median(r["cpu_seconds"] for r in imports)
    words = imports[0]["words"]
    samples = imports[0]["rss_samples"]
    return {"runs": runs, "files": imports[0]["files"], "words": words, "seconds": seconds,
            "words_per_s": words / seconds,
            "reference_words_per_s": statistics.median(references), "cpu_seconds": cpu, "words_per_cpu_s": words / cpu,
            "reference_words_per_cpu_s": statistics.median(references_cpu),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in imports), "rss_samples": samples,
            "db_mib": imports[0]["db_mib"], "seconds_each": [r["seconds"] for r in imports],
            "reference_each": references, "load": os.getloadavg()[0],
            "reference_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def report(figures: dict) -> None:
    """Print one size's figures."""
    print(f"import: {figures['files']} transcripts, {figures['words']:,} words; median {figures['seconds']:.1f} s "
          f"over {figures['runs']} runs = {figures['words_per_s']:,.0f} words/s; CPU {figures['cpu_seconds']:.1f} s = "
          f"{figures['words_per_cpu_s']:,.0f} words/CPU-s")
    print(f"  reference (read + spaCy tokenizer, text formats only): {figures['reference_words_per_s']:,.0f} words/s, "
          f"{figures['reference_words_per_cpu_s']:,.0f} words/CPU-s; import/reference = "
          f"{figures['words_per_s'] / figures['reference_words_per_s']:.2f} (wall), "
          f"{figures['words_per_cpu_s'] / figures['reference_words_per_cpu_s']:.2f} (CPU); "
          f"load average {figures['load']:.1f}")
    samples = figures["rss_samples"]
    picks = ", ".join(f"{d}: {m:.0f}" for d, m in [samples[0], samples[len(samples) // 2], samples[-1]]) \
        if samples else "-"
    print(f"  peak RSS {figures['peak_rss_mib']:.0f} MiB; RSS while importing (files done: MiB) {picks}; "
          f"project file {figures['db_mib']:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time importing the generated corpus into a project.")
    parser.add_argument("--folder", type=Path,
                        help="corpus folder of one size (generated if absent or different); default: "
                             "--cache/corpus-<n>-<words>")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000], help="numbers of transcripts (default 2000)")
    parser.add_argument("--n", type=int, help="one number of transcripts (the same as --sizes N)")
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "mio-qual-bench",
                        help="where generated corpora are kept between runs (never in the repository)")
    parser.add_argument("--json", type=Path, help="also write the figures here (read by benchmarks/run.py)")
    args = parser.parse_args(argv)
    sizes = [args.n] if args.n else args.sizes
    if args.folder and len(sizes) > 1:
        parser.error("--folder holds one corpus: give one size")
    results = []
    for size in sizes:
        folder = args.folder or args.cache / f"corpus-{size}-{args.words}"
        ensure_corpus(folder, size, args.words, 0)
        results.append(measure(folder, args.runs))
        report(results[-1])
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "sizes": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

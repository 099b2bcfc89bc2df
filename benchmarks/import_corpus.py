"""Import throughput and memory: the generated 10-million-word corpus into a fresh project.

Each run happens in a child process (so its peak memory is its own): ``mio_qual.Project``
imports the whole corpus (readers, speaker turns, sentence segmentation, one SQLite
transaction). The child samples its resident memory after every 100 files, so one can see
whether memory grows with the corpus. The reference, measured in the same session, reads the
same text files with ``open().read()`` and runs spaCy's tokenizer over them (see
``benchmarks/corpus.py``).

    .venv/bin/python benchmarks/import_corpus.py                    # 2000 x 5000 words
    .venv/bin/python benchmarks/import_corpus.py --n 200 --runs 3   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import _time_reference, ensure_corpus  # noqa: E402

CHILD = r"""
import json, resource, sys, time
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
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "words": result.n_words, "files": len(result.added),
                  "peak_rss_mib": peak, "rss_samples": samples,
                  "db_mib": (project_dir / "mio-qual.db").stat().st_size / 2**20}))
"""


def run_import(folder: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="mio-import-") as tmp:
        out = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(Path(tmp) / "project")],
                             capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time importing the generated corpus into a project.")
    parser.add_argument("--folder", type=Path, help="corpus folder (generated if absent or different)")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here (read by benchmarks/run.py)")
    args = parser.parse_args(argv)

    tmp = None
    folder = args.folder
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="mio-corpus-")
        folder = Path(tmp.name)
    ensure_corpus(folder, args.n, args.words, 0)

    imports, references, references_cpu = [], [], []
    for _ in range(args.runs):
        imports.append(run_import(folder))
        seconds, cpu, words = _time_reference(folder)
        references.append(words / seconds)
        references_cpu.append(words / cpu)
    seconds = statistics.median(r["seconds"] for r in imports)
    cpu = statistics.median(r["cpu_seconds"] for r in imports)
    words = imports[0]["words"]
    rate, rate_cpu = words / seconds, words / cpu
    reference, reference_cpu = statistics.median(references), statistics.median(references_cpu)
    print(f"import: {imports[0]['files']} transcripts, {words:,} words; median {seconds:.1f} s over {args.runs} runs "
          f"= {rate:,.0f} words/s; CPU {cpu:.1f} s = {rate_cpu:,.0f} words/CPU-s")
    print(f"reference (read + spaCy tokenizer, text formats only): median {reference:,.0f} words/s, "
          f"{reference_cpu:,.0f} words/CPU-s; import/reference = {rate / reference:.2f} (wall), "
          f"{rate_cpu / reference_cpu:.2f} (CPU); load average {os.getloadavg()[0]:.1f}")
    peaks = ", ".join(f"{r['peak_rss_mib']:.0f}" for r in imports)
    print(f"peak RSS per run (MiB): {peaks}; "
          f"project file {imports[0]['db_mib']:.0f} MiB")
    samples = imports[0]["rss_samples"]
    if samples:
        picks = [samples[0], samples[len(samples) // 2], samples[-1]]
        print("RSS while importing (files done: MiB): " + ", ".join(f"{d}: {m:.0f}" for d, m in picks))
    if args.json:
        args.json.write_text(json.dumps({
            "runs": args.runs, "files": imports[0]["files"], "words": words, "seconds": seconds, "words_per_s": rate,
            "reference_words_per_s": reference, "cpu_seconds": cpu, "words_per_cpu_s": rate_cpu,
            "reference_words_per_cpu_s": reference_cpu, "peak_rss_mib": max(r["peak_rss_mib"] for r in imports),
            "rss_samples": imports[0]["rss_samples"],
            "seconds_each": [r["seconds"] for r in imports], "reference_each": references}, indent=2))
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

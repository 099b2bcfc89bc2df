"""Start-up of the quick commands: ``--help``, ``status``, ``log`` and ``transcripts list``.

Each command runs in a fresh interpreter (``python -m mio_qual.cli.main ...``, as the
``mio-qual`` script does), output to /dev/null, on the demo project. Two references run in the
same rounds, interleaved with the commands so that load on the machine falls on all of them
alike: ``python -c pass`` (the interpreter alone, the floor) and ``python -c "import pandas"``
(what a command pays when it loads pandas). Figures are medians of ``--runs`` rounds of wall
time.

Targets (issue 21): ``status``, ``log`` and ``transcripts list`` under 0.15 s; ``--help`` under
0.1 s. Which modules each command imports is checked by tests/cli/test_main.py (a property
that cannot depend on the machine); this script says how long it takes.

    .venv/bin/python benchmarks/startup.py                        # builds the demo project (minutes)
    .venv/bin/python benchmarks/startup.py --project my-study     # any existing project
    .venv/bin/python benchmarks/startup.py --runs 21 --json startup.json
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

ROOT = Path(__file__).resolve().parents[1]
#: (name, arguments after ``python``, target in seconds or None for a reference)
REFERENCES = [("python -c pass", ["-c", "pass"]), ("python -c 'import pandas'", ["-c", "import pandas"])]
COMMANDS = [("--help", ["--help"], 0.10), ("status", ["status"], 0.15), ("log", ["log"], 0.15),
            ("transcripts list", ["transcripts", "list"], 0.15)]


def run_once(arguments: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one ``python ARGUMENTS``, output to /dev/null.

    CPU time is the child's own (``os.wait4``): on a loaded machine it moves far less than the
    wall time, which includes waiting for a core.
    """
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"python {' '.join(arguments)} failed with exit code {child.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime


def build_demo(folder: Path) -> Path:
    """The demo project (``mio-qual demo``, without charts) in ``folder``; its project folder."""
    done = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "demo", "--out", str(folder), "--no-charts"],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"mio-qual demo failed: {done.stderr.strip().splitlines()[-1:]}")
    return folder / "project"


def measure(project: Path, runs: int, cache: Path) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of every reference and command, ``runs`` interleaved rounds (one warm-up round first).

    The warm-up round also compiles every module into ``cache`` (``PYTHONPYCACHEPREFIX``), as an
    installed package has its ``.pyc`` files; the measured rounds read them.
    """
    env = {**os.environ, "MIO_QUAL_PROJECT": str(project), "COLUMNS": "160", "PYTHONPYCACHEPREFIX": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are cached (here: in ``cache``)
    jobs = [(name, arguments) for name, arguments in REFERENCES]
    jobs += [(name, ["-m", "mio_qual.cli.main", *arguments]) for name, arguments, _ in COMMANDS]
    for _, arguments in jobs:  # warm the file cache and .pyc files
        run_once(arguments, env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in jobs}
    for _ in range(runs):
        for name, arguments in jobs:
            times[name].append(run_once(arguments, env))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the start-up of the quick commands.")
    parser.add_argument("--project", type=Path, help="project to run on (default: build the demo project)")
    parser.add_argument("--runs", type=int, default=11, help="rounds; the figures are medians")
    parser.add_argument("--json", type=Path, help="also write the figures here (read by benchmarks/run.py)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mio-startup-") as tmp:
        project = args.project if args.project is not None else build_demo(Path(tmp) / "demo")
        times = measure(project, args.runs, Path(tmp) / "pycache")
    wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    floor = REFERENCES[0][0]
    load = os.getloadavg()[0]
    print(f"median of {args.runs} rounds; 1-minute load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':<28}{'wall s':>8}{'x python':>9}{'CPU s':>8}{'x python':>9}  target (wall)")
    for name, _ in REFERENCES:
        print(f"{name:<28}{wall[name]:>8.3f}{wall[name] / wall[floor]:>9.1f}{cpu[name]:>8.3f}"
              f"{cpu[name] / cpu[floor]:>9.1f}  (reference)")
    results = []
    for name, _, target in COMMANDS:
        met = wall[name] < target
        print(f"mio-qual {name:<19}{wall[name]:>8.3f}{wall[name] / wall[floor]:>9.1f}{cpu[name]:>8.3f}"
              f"{cpu[name] / cpu[floor]:>9.1f}  < {target:.2f} s: {'met' if met else 'NOT met'}")
        results.append({"command": name, "seconds": wall[name], "cpu_seconds": cpu[name], "target": target,
                        "met": met})
    if args.json:
        args.json.write_text(json.dumps({
            "runs": args.runs, "load": load, "commands": results,
            "python_seconds": wall[floor], "python_cpu_seconds": cpu[floor],
            "pandas_seconds": wall[REFERENCES[1][0]], "pandas_cpu_seconds": cpu[REFERENCES[1][0]],
        }, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

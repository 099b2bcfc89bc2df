"""Helpers of the hostile-input suite: a base project worth protecting, and the CLI in a child.

The base project holds the bundled sample (16 transcripts), a coder's layer, two raters'
ratings and a quantitative dataset, so that "the project is unchanged" covers every table
an importer could touch. It is built once per session and copied for each case.

:func:`run_cli_child` runs one command in its own interpreter; :func:`run_cli_batch` runs many
in one interpreter (one start-up instead of a hundred), each through the same entry point,
with its own exit code, stderr and peak memory, and a watchdog for hangs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers import SAMPLE

# Runs the CLI exactly as `python -m mio_qual.cli.main` does, then writes the child's peak
# resident memory (KiB) to the file named by $MIO_HOSTILE_RSS. VmHWM, not ru_maxrss: Linux
# carries ru_maxrss over from the forking parent, VmHWM belongs to this program alone.
CHILD = r"""
import os, sys
from mio_qual.cli.main import cli
code = 0
try:
    cli(sys.argv[1:])
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["MIO_HOSTILE_RSS"], "w") as handle:
        handle.write(peak)
sys.exit(code)
"""

CHILD_TIMEOUT = float(os.environ.get("MIO_HOSTILE_TIMEOUT", 60))
"""Seconds before a child is killed as hung: far above any case's real run time."""


@dataclass
class Outcome:
    """What one CLI run did."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss_mib: float
    hung: bool = False


def run_cli_child(project: Path, args: list[str], rss_file: Path, cwd: Path | None = None) -> Outcome:
    """Run ``mio-qual --project PROJECT ARGS`` in a child process and measure its peak memory."""
    env = dict(os.environ, MIO_HOSTILE_RSS=str(rss_file), MIO_QUAL_USER="hostile", COLUMNS="200")
    env.pop("MIO_QUAL_PROJECT", None)
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, "--project", str(project), *args], capture_output=True,
                              text=True, env=env, timeout=CHILD_TIMEOUT, cwd=cwd)
    except subprocess.TimeoutExpired as exc:
        return Outcome(-9, _text(exc.stdout), _text(exc.stderr) + f"\n(hung: killed after {CHILD_TIMEOUT:.0f} s)",
                       float("nan"), hung=True)
    rss = float(rss_file.read_text()) / 1024 if rss_file.exists() else float("nan")
    return Outcome(done.returncode, done.stdout, done.stderr, rss)


# Runs many cases in one process, each exactly as `python -m mio_qual.cli.main ARGS` would
# (the same cli() entry, its exit code, its stderr), to pay the interpreter's start-up once.
# Before each case it writes the case's name to the progress file and resets the peak
# resident memory (writing 5 to /proc/self/clear_refs), so VmHWM afterwards is that case's
# own peak. Results go to the results file, one JSON line per case, as they finish.
BATCH = r"""
import contextlib, io, json, os, sys
from mio_qual.cli.main import cli

jobs = json.load(open(sys.argv[1]))
progress, results = sys.argv[2], sys.argv[3]

def peak_kib():
    with open("/proc/self/status") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

for job in jobs:
    with open(progress, "w") as handle:
        handle.write(job["name"])
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli(job["args"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    with open(results, "a") as handle:
        handle.write(json.dumps({"name": job["name"], "code": code, "stdout": out.getvalue()[-5000:],
                                 "stderr": err.getvalue()[-5000:], "peak_kib": peak_kib()}) + "\n")
"""


def run_cli_batch(jobs: list[tuple[str, list[str]]], workdir: Path, timeout_per_case: float = CHILD_TIMEOUT
                  ) -> dict[str, Outcome]:
    """Run ``(name, args)`` jobs through the CLI in one child process; a hung case is killed and skipped.

    A case still running after ``timeout_per_case`` seconds is reported as hung, and the
    remaining cases run in a new child.
    """
    import json
    import time

    env = dict(os.environ, MIO_QUAL_USER="hostile", COLUMNS="200")
    env.pop("MIO_QUAL_PROJECT", None)
    outcomes: dict[str, Outcome] = {}
    pending = list(jobs)
    round_ = 0
    while pending:
        round_ += 1
        job_file, progress, results = (workdir / f"batch{round_}.{x}" for x in ("json", "progress", "results"))
        job_file.write_text(json.dumps([{"name": n, "args": a} for n, a in pending]))
        log = workdir / f"batch{round_}.stderr"
        with open(log, "wb") as child_err:  # a file, not a pipe: a full pipe would stall the child
            child = subprocess.Popen([sys.executable, "-c", BATCH, str(job_file), str(progress), str(results)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=child_err, env=env,
                                     cwd=workdir)
        done_count, deadline = 0, time.monotonic() + timeout_per_case
        while child.poll() is None:
            time.sleep(0.05)
            count = len(results.read_text().splitlines()) if results.exists() else 0
            if count != done_count:
                done_count, deadline = count, time.monotonic() + timeout_per_case
            elif time.monotonic() > deadline:
                child.kill()
                break
        child.wait()
        for line in (results.read_text().splitlines() if results.exists() else []):
            r = json.loads(line)
            outcomes[r["name"]] = Outcome(r["code"], r["stdout"], r["stderr"], r["peak_kib"] / 1024)
        pending = [(n, a) for n, a in pending if n not in outcomes]
        if pending:  # the first one left is the one that hung (or killed the child)
            name, _ = pending.pop(0)
            stuck = progress.read_text() if progress.exists() else name
            note = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            outcomes[name] = Outcome(child.returncode if child.returncode else -9, "",
                                     f"(hung or crashed while running {stuck}; killed after "
                                     f"{timeout_per_case:.0f} s without progress)\n{note}", float("nan"), hung=True)
    return outcomes


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def build_base_project(folder: Path) -> Path:
    """A closed project: the sample transcripts, a coder's layer, two raters, an outcome dataset."""
    from mio_qual import Project

    project_dir = folder / "base"
    with Project.create(project_dir) as project:
        project.import_transcripts([SAMPLE])
        project.import_coding_sheets([SAMPLE / "coding" / "casey.xlsx"])
        for rater, first in (("riley", "+1"), ("sam", "-1")):
            ratings = folder / f"base_ratings_{rater}.csv"
            ratings.write_text(f"case_id,construct,rating,rationale\nnorthside,IS.J1,{first},room\n"
                               "eastgate,IS.J1,-1,none\n", encoding="utf-8")
            project.import_ratings(ratings, rater)
        project.import_quant(SAMPLE / "quant" / "reach_adoption.csv")
    return project_dir


def copy_project(base: Path, target: Path) -> Path:
    """A byte-for-byte copy of a closed project folder."""
    shutil.copytree(base, target)
    return target

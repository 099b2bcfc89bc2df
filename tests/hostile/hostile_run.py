"""Helpers of the hostile-input suite: a base project worth protecting, and the CLI in a child.

The base project holds the bundled sample (16 transcripts), a coder's layer, a rater's
ratings and a quantitative dataset, so that "the project is unchanged" covers every table
an importer could touch. It is built once per session and copied for each case.
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


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def build_base_project(folder: Path) -> Path:
    """A closed project holding the sample transcripts, codings, ratings and a quant dataset."""
    from mio_qual import Project
    from mio_qual.coding.spreadsheet import import_sheets
    from mio_qual.mixed.quant import import_quant
    from mio_qual.mixed.ratings import import_ratings

    project_dir = folder / "base"
    with Project.create(project_dir) as project:
        project.import_transcripts([SAMPLE])
        import_sheets(project, [SAMPLE / "coding" / "casey.xlsx"])
        ratings = folder / "base_ratings.csv"
        ratings.write_text("case_id,construct,rating,rationale\nnorthside,IS.J1,+1,room\neastgate,IS.J1,-1,none\n",
                           encoding="utf-8")
        import_ratings(project, ratings, "riley")
        import_quant(project, SAMPLE / "quant" / "reach_adoption.csv")
    return project_dir


def copy_project(base: Path, target: Path) -> Path:
    """A byte-for-byte copy of a closed project folder."""
    shutil.copytree(base, target)
    return target

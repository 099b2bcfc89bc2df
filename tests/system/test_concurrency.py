"""Several coders at once: four processes import coding sheets into one project concurrently.

Each worker is its own Python process that runs the real CLI entry point
(:func:`mio_qual.cli.main.cli`, what ``mio-qual`` runs) 25 times, one coding sheet per call,
for its own coder; all four also re-import one shared sheet into a shared layer twice, so
that concurrent "replace what this file brought before" runs race each other. Afterwards:

* every call exited 0 and no message mentions a locked or busy database (the store's
  ``BEGIN IMMEDIATE`` with a busy timeout makes writers queue instead of failing);
* each coder's layer holds exactly the rows of its 25 sheets: nothing lost, nothing doubled;
  the shared layer holds one copy of the shared sheet;
* the ``imports`` and ``audit`` tables have one row per call, and the file passes
  ``PRAGMA integrity_check``.

A last test holds the write lock longer than a (shortened) busy timeout and checks that the
waiting command fails with the one-line "project is busy" error, not a traceback.
"""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from helpers import project_state

CODERS = ("ana", "ben", "cai", "dee")
FILES_EACH = 25
ROWS_EACH = 12
SHARED_AT = (3, 17)  # calls at which each worker also imports the shared sheet

WORKER = r"""
import contextlib, io, json, sys, time
from mio_qual.cli.main import cli

project, coder, shared = sys.argv[1], sys.argv[2], sys.argv[3]
files = sys.argv[4:]
calls = []

def call(args, who):
    err = io.StringIO()
    start = time.time()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            cli(["--project", project, "coding", "import", *args, "--coder", who])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    calls.append({"args": args, "code": code, "stderr": err.getvalue(), "start": start, "end": time.time()})

for i, path in enumerate(files):
    call([path], coder)
    if i in (%s):
        call([shared], "shared")
print(json.dumps(calls))
""" % ", ".join(map(str, SHARED_AT))


def write_sheet(path: Path, rows: list[tuple[str, int, int, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "start", "end", "code", "memo"])
        for tid, start, end, code in rows:
            writer.writerow([tid, start, end, code, f"{path.stem} {start}"])


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A project with 8 transcripts, 25 sheets per coder and one shared sheet (all closed, on disk)."""
    from mio_qual import Project
    from mio_qual.codebook import load_codebooks

    root = tmp_path_factory.mktemp("concurrent")
    rng = random.Random(11)
    words = "room supervision schedule mothers session funding county reflective intake manual".split()
    sources = root / "transcripts"
    sources.mkdir()
    for i in range(8):
        turns = [f"{'INTERVIEWER' if t % 2 == 0 else 'PARTICIPANT'}: "
                 + " ".join(rng.choice(words) for _ in range(rng.randint(20, 60))) + "." for t in range(30)]
        (sources / f"C{i}.txt").write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    project_dir = root / "study"
    with Project.create(project_dir) as project:
        project.import_transcripts([sources])
        lengths = {tid: len(text) for tid, text in project.texts().items()}
    codes = sorted(load_codebooks(["cfir2"]).codes)[:40]
    sheets = root / "sheets"
    sheets.mkdir()
    expected: dict[str, Counter] = {}
    files: dict[str, list[str]] = {}

    def rows_for() -> list[tuple[str, int, int, str]]:
        out = []
        for _ in range(ROWS_EACH):
            tid = rng.choice(sorted(lengths))
            start = rng.randrange(0, lengths[tid] - 50)
            out.append((tid, start, start + rng.randint(5, 49), rng.choice(codes)))
        return out

    for coder in CODERS:
        files[coder] = []
        expected[coder] = Counter()
        for k in range(FILES_EACH):
            path = sheets / f"{coder}_{k:02d}.csv"
            rows = rows_for()
            write_sheet(path, rows)
            files[coder].append(str(path))
            expected[coder].update((tid, s, e, c, path.name) for tid, s, e, c in set(rows))
    shared = sheets / "shared.csv"
    shared_rows = rows_for()
    write_sheet(shared, shared_rows)
    expected["shared"] = Counter((tid, s, e, c, shared.name) for tid, s, e, c in set(shared_rows))
    return project_dir, files, str(shared), expected


def test_four_coders_importing_at_once_lose_and_double_nothing(study):
    project_dir, files, shared, expected = study
    env = dict(os.environ, MIO_QUAL_USER="worker", COLUMNS="200")
    env.pop("MIO_QUAL_PROJECT", None)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(project_dir), coder, shared, *files[coder]],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for coder in CODERS]
    calls = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        calls.extend(json.loads(out))
    assert len(calls) == len(CODERS) * (FILES_EACH + len(SHARED_AT))
    for call in calls:
        assert call["code"] == 0, call
        assert "locked" not in call["stderr"].lower() and "busy" not in call["stderr"].lower(), call
    # the calls really overlapped: some call of one worker ran while another worker's call did
    spans = sorted((c["start"], c["end"]) for c in calls)
    assert any(spans[i][1] > spans[i + 1][0] for i in range(len(spans) - 1))

    connection = sqlite3.connect(project_dir / "mio-qual.db")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for coder, wanted in expected.items():
            got = Counter(connection.execute(
                "SELECT transcript_id, start, end, code, source_file FROM codings WHERE coder = ?", (coder,)))
            assert got == wanted, coder
        # the shared sheet is the same file every time: only its first import writes (an import record and an
        # audit entry); the others find its codings already stored and write nothing
        n_writes = len(calls) - (len(CODERS) * len(SHARED_AT) - 1)
        assert connection.execute("SELECT COUNT(*) FROM imports WHERE kind = 'coding'").fetchone()[0] == n_writes
        audit = connection.execute(
            "SELECT user, command, target FROM audit WHERE action = 'import coding sheet'").fetchall()
        assert len(audit) == n_writes
        assert {row[0] for row in audit} == {"worker"}
        assert Counter(row[2] for row in audit) == {**{c: FILES_EACH for c in CODERS}, "shared": 1}
        assert all(row[1].startswith("mio-qual ") and "coding import" in row[1] for row in audit)
    finally:
        connection.close()


def test_a_writer_kept_waiting_too_long_gets_a_one_line_busy_error(study, monkeypatch, tmp_path):
    """Past the busy timeout the command gives up with WorkError (exit 1), leaving the project alone."""
    import shutil

    from mio_qual import Project
    from mio_qual.errors import WorkError
    from mio_qual.store import db

    project_dir, files, _, _ = study
    copy = tmp_path / "busy"
    shutil.copytree(project_dir, copy)
    before = project_state(copy)
    holder = sqlite3.connect(copy / "mio-qual.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
        with Project.open(copy) as project:
            with pytest.raises(WorkError) as info:
                project.import_coding_sheets([files["ana"][0]], coder="ana", codebook=["cfir2"])
        assert "busy" in str(info.value) and "\n" not in str(info.value)
        assert info.value.exit_code == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert project_state(copy) == before


LOCK_PROBE = r"""
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:  # SQLite's SHARED lock range on the main file (PENDING_BYTE + 2, 510 bytes)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002, 0)
    print("free")
except OSError:
    print("held")
"""


def test_opening_a_project_twice_in_one_process_keeps_the_first_ones_lock(tmp_path):
    """A second Project.open in a notebook must not drop the first one's lock on the file.

    Closing any descriptor of a file drops every POSIX lock the process holds on it. Store.open
    used to read the file's header with open(); with a Project already open in the process,
    that silently released its shared lock, and another process's last close could then
    delete the WAL under it (seen as 'disk I/O error', SQLITE_IOERR_SHORT_READ, with four
    concurrent coders).
    """
    from mio_qual import Project

    Project.create(tmp_path / "p").close()
    db = tmp_path / "p" / "mio-qual.db"

    def probe() -> str:
        return subprocess.run([sys.executable, "-c", LOCK_PROBE, str(db)], capture_output=True, text=True,
                              check=True).stdout.strip()

    first = Project.open(tmp_path / "p")
    try:
        first.transcripts()  # in WAL mode the shared lock is held between transactions
        assert probe() == "held"
        second = Project.open(tmp_path / "p")
        assert probe() == "held"
        second.close()
        assert probe() == "held"
    finally:
        first.close()
    assert probe() == "free"

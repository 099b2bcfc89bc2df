"""Crash safety: `mio-qual import` and `mio-qual coding import` killed (SIGKILL) at random moments.

A coder's lost session is days of work, so a command killed half-way (power cut, laptop lid,
``kill -9``) must leave the project as it was before the command or as it would be after it,
never in between. Each test prepares its inputs once, times one uninterrupted run of the
command, then 20 times starts the command on a fresh copy of the project and kills it with
SIGKILL after a random delay (seeded) spread over that run time. After every kill:

* ``PRAGMA integrity_check`` is ``ok`` and ``PRAGMA foreign_key_check`` finds nothing;
* every transcript is wholly present (its text hash, turns, paragraphs, sentences, speakers
  and source map exactly as an uninterrupted import leaves them) or wholly absent, and every
  imported coding file's codings are all there or none is; since a command is one
  transaction, it is all files or none, and the ``imports`` and ``audit`` rows agree;
* for the last kill, running the command again completes and gives the uninterrupted result.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

KILLS = 20
SEED = 20260424
N_TRANSCRIPTS = 60
WORDS = "supervision room schedule training mothers counselor session funding county reflective group intake " \
        "caseload director manual fidelity".split()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "mio_qual.cli.main", *args]


def run(*args: str) -> float:
    """Run a CLI command to completion; return its wall time."""
    start = time.perf_counter()
    done = subprocess.run(cli(*args), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def write_transcripts(folder: Path, n: int = N_TRANSCRIPTS, turns: int = 80, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        lines = []
        for t in range(turns):
            who = "INTERVIEWER" if t % 2 == 0 else "PARTICIPANT"
            sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15))).capitalize() + "."
                         for _ in range(rng.randint(1, 5))]
            lines.append(f"{who}: " + " ".join(sentences))
        (folder / f"T{i:03d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def transcript_state(db: Path) -> dict[str, tuple]:
    """Per transcript: hash and the size of every part an import writes."""
    connection = sqlite3.connect(db)
    try:
        out = {}
        for (tid, text_hash) in connection.execute("SELECT id, text_hash FROM transcripts"):
            counts = tuple(connection.execute(sql, (tid,)).fetchone()[0] for sql in (
                "SELECT COUNT(*) FROM segments WHERE transcript_id = ? AND kind = 'turn'",
                "SELECT COUNT(*) FROM segments WHERE transcript_id = ? AND kind = 'paragraph'",
                "SELECT COUNT(*) FROM segments WHERE transcript_id = ? AND kind = 'sentence'",
                "SELECT COUNT(*) FROM speakers WHERE transcript_id = ?",
                "SELECT COUNT(*) FROM source_blocks WHERE transcript_id = ?",
                "SELECT COUNT(*) FROM notes WHERE transcript_id = ?"))
            out[tid] = (text_hash, *counts)
        return out
    finally:
        connection.close()


def coding_state(db: Path) -> dict[str, list[tuple]]:
    """Per source file: its codings (transcript, start, end, code, coder), sorted."""
    connection = sqlite3.connect(db)
    try:
        out: dict[str, list[tuple]] = {}
        for row in connection.execute(
                "SELECT source_file, transcript_id, start, end, code, coder FROM codings ORDER BY id"):
            out.setdefault(row[0], []).append(row[1:])
        return {k: sorted(v) for k, v in out.items()}
    finally:
        connection.close()


def check_integrity(db: Path) -> tuple[int, int, int]:
    """Integrity and foreign keys; returns (imports rows by kind transcript, coding, audit rows)."""
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        one = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        return (one("SELECT COUNT(*) FROM imports WHERE kind = 'transcript'"),
                one("SELECT COUNT(*) FROM imports WHERE kind = 'coding'"),
                one("SELECT COUNT(*) FROM audit"))
    finally:
        connection.close()


def kill_runs(base: Path, args_for, duration: float, workdir: Path) -> list[tuple[Path, bool, float]]:
    """Start the command on 20 copies of ``base`` and SIGKILL each after a seeded random delay.

    Returns (project copy, killed while running, delay) per run. Two run at a time.
    """
    rng = random.Random(SEED)
    delays = [rng.uniform(0.05, 0.95 * duration) for _ in range(KILLS)]

    def one(i: int) -> tuple[Path, bool, float]:
        project = workdir / f"kill{i:02d}"
        shutil.copytree(base, project)
        process = subprocess.Popen(cli(*args_for(project)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delays[i])
        killed = process.poll() is None
        if killed:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=300)
        return project, killed, delays[i]

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, range(KILLS)))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Inputs once: transcripts, an empty project, the reference import, coding sheets, the reference coding."""
    root = tmp_path_factory.mktemp("crash")
    transcripts = root / "transcripts"
    write_transcripts(transcripts)
    empty = root / "empty"
    subprocess.run(cli("init", str(empty)), check=True, capture_output=True)
    imported = root / "imported"
    shutil.copytree(empty, imported)
    import_seconds = run("--project", str(imported), "import", str(transcripts))
    # a coding sheet per transcript: 60 sentences each, codes drawn from CFIR
    from mio_qual import Project
    from mio_qual.codebook import load_codebooks

    codes = sorted(load_codebooks(["cfir2"]).codes)[:60]
    sheets = root / "sheets"
    sheets.mkdir()
    rng = random.Random(SEED)
    with Project.open(imported) as project:
        sentences = project.sentences()
    for tid, group in sentences.groupby("transcript_id"):
        rows = group.sample(min(len(group), 60), random_state=1)
        with open(sheets / f"{tid}_ana.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["transcript_id", "start", "end", "code", "memo"])
            for row in rows.itertuples():
                writer.writerow([tid, row.start, row.end, rng.choice(codes), f"memo {row.n}"])
    sheet_files = sorted(str(p) for p in sheets.iterdir())
    coded = root / "coded"
    shutil.copytree(imported, coded)
    coding_seconds = run("--project", str(coded), "coding", "import", *sheet_files, "--coder", "ana")
    return {
        "root": root, "transcripts": transcripts, "empty": empty, "imported": imported, "coded": coded,
        "sheet_files": sheet_files, "import_seconds": import_seconds, "coding_seconds": coding_seconds,
        "reference_transcripts": transcript_state(imported / "mio-qual.db"),
        "reference_codings": coding_state(coded / "mio-qual.db"),
    }


def test_killed_transcript_import_leaves_each_transcript_whole_or_absent(prepared):
    reference = prepared["reference_transcripts"]
    assert len(reference) == N_TRANSCRIPTS
    workdir = prepared["root"] / "kill-import"
    workdir.mkdir()
    runs = kill_runs(prepared["empty"], lambda p: ("--project", str(p), "import", str(prepared["transcripts"])),
                     prepared["import_seconds"], workdir)
    outcomes = []
    for project, killed, delay in runs:
        db = project / "mio-qual.db"
        n_imports, _, n_audit = check_integrity(db)
        state = transcript_state(db)
        for tid, parts in state.items():  # each present transcript is whole
            assert parts == reference[tid], (tid, delay)
        assert len(state) in (0, N_TRANSCRIPTS), f"{len(state)} of {N_TRANSCRIPTS} transcripts after a kill at {delay:.2f} s"
        assert n_imports == len(state)
        assert n_audit == (1 if state else 0)
        assert killed or len(state) == N_TRANSCRIPTS
        outcomes.append((killed, bool(state)))
    assert sum(killed for killed, _ in outcomes) >= KILLS * 3 // 4, outcomes  # the kills hit running imports
    assert any(killed and not present for killed, present in outcomes), outcomes
    # the project is usable after a crash: the same import completes and gives the reference result
    last = runs[-1][0]
    run("--project", str(last), "import", str(prepared["transcripts"]))
    assert transcript_state(last / "mio-qual.db") == reference


def test_killed_coding_import_leaves_each_file_whole_or_absent(prepared):
    reference = prepared["reference_codings"]
    files = [Path(f).name for f in prepared["sheet_files"]]
    assert sorted(reference) == sorted(files) and all(len(v) == 60 for v in reference.values())
    transcripts = prepared["reference_transcripts"]
    workdir = prepared["root"] / "kill-coding"
    workdir.mkdir()
    runs = kill_runs(prepared["imported"],
                     lambda p: ("--project", str(p), "coding", "import", *prepared["sheet_files"], "--coder", "ana"),
                     prepared["coding_seconds"], workdir)
    outcomes = []
    for project, killed, delay in runs:
        db = project / "mio-qual.db"
        _, n_coding_imports, n_audit = check_integrity(db)
        assert transcript_state(db) == transcripts  # the transcripts are untouched
        state = coding_state(db)
        for name, rows in state.items():  # each imported file is whole
            assert rows == reference[name], (name, delay)
        assert len(state) in (0, len(files)), f"{len(state)} of {len(files)} files after a kill at {delay:.2f} s"
        assert n_coding_imports == len(state)
        assert n_audit == 1 + len(state)  # the transcript import, then one entry per file and coder
        assert killed or len(state) == len(files)
        outcomes.append((killed, bool(state)))
    assert sum(killed for killed, _ in outcomes) >= KILLS * 3 // 4, outcomes
    assert any(killed and not present for killed, present in outcomes), outcomes
    last = runs[-1][0]
    run("--project", str(last), "coding", "import", *prepared["sheet_files"], "--coder", "ana")
    assert coding_state(last / "mio-qual.db") == reference

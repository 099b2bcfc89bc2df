"""The store refuses what is not a healthy mio-qual store, and failures of the machine are one line.

Issue 20: a zero-byte mio-qual.db was silently re-initialised by `status` (and four commands
at once on it failed with "table meta already exists"); a damaged or truncated store, a
store missing a table, a full disk and a read-only store gave internal errors.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mio_qual.errors import InputError, WorkError
from mio_qual.store import health
from mio_qual.store.db import Store
from mio_qual.store.schema import SCHEMA_VERSION


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    """``mio-qual --project PROJECT ARGS`` in a child process."""
    env = dict(os.environ, COLUMNS="200")
    env.pop("MIO_QUAL_PROJECT", None)
    return subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "--project", str(project), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def one_line_naming(stderr: str, name: str) -> bool:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return len(lines) == 1 and name in lines[0] and "internal error" not in lines[0]


def test_a_zero_byte_store_is_refused_not_reinitialised(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    db = folder / "mio-qual.db"
    db.write_bytes(b"")
    done = run(folder, "status")
    assert done.returncode == 2, done.stderr
    assert one_line_naming(done.stderr, "mio-qual.db") and "empty file" in done.stderr
    assert db.stat().st_size == 0  # still the user's file, not a new empty project
    assert not Path(str(db) + "-wal").exists()


def test_four_commands_at_once_on_a_zero_byte_store_all_refuse_the_same_way(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "mio-qual.db").write_bytes(b"")
    env = dict(os.environ)
    env.pop("MIO_QUAL_PROJECT", None)
    children = [subprocess.Popen([sys.executable, "-m", "mio_qual.cli.main", "--project", str(folder), "status"],
                                 stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
                for _ in range(4)]
    outcomes = [(child.wait(timeout=120), child.stderr.read()) for child in children]
    assert all(code == 2 and "empty file" in err and "already exists" not in err for code, err in outcomes), outcomes
    assert (folder / "mio-qual.db").stat().st_size == 0


def test_truncated_and_damaged_stores_are_refused_with_integrity_check_advice(tmp_path):
    good = tmp_path / "good.db"
    Store.create(good).close()
    data = good.read_bytes()
    short = tmp_path / "short.db"
    short.write_bytes(data[:60])
    with pytest.raises(InputError, match="too short") as caught:
        Store.open(short)
    assert "integrity_check" in str(caught.value)
    damaged = tmp_path / "damaged.db"  # the header kept, the schema page overwritten
    damaged.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    with pytest.raises(InputError, match="damaged|not a mio-qual") as caught:
        Store.open(damaged)
    assert "integrity_check" in str(caught.value) and str(damaged) in str(caught.value)


def test_a_store_missing_a_table_is_refused(tmp_path):
    path = tmp_path / "p.db"
    Store.create(path).close()
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE ratings")
    connection.commit()
    connection.close()
    with pytest.raises(InputError, match="lacks the table.*ratings") as caught:
        Store.open(path)
    assert "integrity_check" in str(caught.value)


def test_an_sqlite_file_of_another_program_is_refused_not_migrated(tmp_path):
    path = tmp_path / "p.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE photos (id INTEGER)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(InputError, match="without mio-qual's tables"):
        Store.open(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused_with_advice(tmp_path):
    path = tmp_path / "p.db"
    Store.create(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    connection.commit()
    connection.close()
    with pytest.raises(InputError, match="newer") as caught:
        Store.open(path)
    assert "upgrade" in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_store_is_refused(tmp_path):
    path = tmp_path / "p.db"
    Store.create(path).close()
    path.chmod(0o444)
    try:
        with pytest.raises(InputError, match="read-only"):
            Store.open(path)
    finally:
        path.chmod(0o644)


def test_expected_tables_follow_the_migrations():
    assert {"meta", "transcripts", "codings", "audit"} <= health.expected_tables(1)
    assert health.expected_tables(SCHEMA_VERSION) >= health.expected_tables(1)
    assert health.expected_tables(0) == frozenset()


@pytest.mark.parametrize("exc, kind, words", [
    (OSError(errno.ENOSPC, "No space left on device", "out.xlsx"), WorkError, "disk is full"),
    (sqlite3.OperationalError("database or disk is full"), WorkError, "disk is full"),
    (OSError(errno.ELOOP, "Too many levels of symbolic links", "a/loop"), InputError, "loops"),
    (NotADirectoryError(errno.ENOTDIR, "Not a directory", "out.csv/sub"), InputError, "folder"),
    (PermissionError(errno.EACCES, "Permission denied", "/root/x"), InputError, "permission"),
    (RecursionError("maximum recursion depth exceeded"), InputError, "nests too deeply"),
    (sqlite3.DatabaseError("database disk image is malformed"), InputError, "damaged"),
    (UnicodeEncodeError("utf-8", "\udcff.txt", 0, 1, "surrogates not allowed"), InputError, "not valid text"),
])
def test_machine_failures_become_one_line_errors(exc, kind, words):
    error = health.user_error(exc)
    assert isinstance(error, kind) and words in str(error) and "\n" not in str(error)
    if getattr(exc, "filename", None):
        assert exc.filename in str(error)


def test_the_cli_names_the_file_for_a_path_through_a_file_and_a_bad_file_name(tmp_path):
    folder = tmp_path / "study"
    Store.create(folder / "mio-qual.db").close()
    (tmp_path / "afile").write_text("x")
    done = run(folder, "transcripts", "list", "--format", "csv", "--out", str(tmp_path / "afile" / "sub.csv"))
    assert done.returncode == 2 and one_line_naming(done.stderr, "afile"), done.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / os.fsdecode(b"x\xff.txt")).write_text("INTERVIEWER: Hello.\n\nP1: Hi.\n")
    done = run(folder, "import", str(bad))
    assert done.returncode == 2 and one_line_naming(done.stderr, "x\\xff"), done.stderr  # the id made from the name


def test_bugs_stay_internal_errors():
    assert health.user_error(KeyError("x")) is None
    assert health.user_error(sqlite3.OperationalError("database is locked")) is None
    assert health.user_error(sqlite3.OperationalError("near SELECT: syntax error")) is None

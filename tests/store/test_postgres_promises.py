"""The store's promises held on a real PostgreSQL server, and bad input refused.

Every command is one transaction; eight coders importing at once lose and double nothing and
see no "locked" or serialization error; a client killed in the middle of an import leaves
nothing; a wrong URL, a refused connection, an unsupported server or a newer schema give one
line, exit code 2, and nothing written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from helpers import SAMPLE
from helpers.mixed import write_study

from mio_qual import Project
from mio_qual.cli.main import _group
from mio_qual.store.transfer import table_rows

CODERS = [f"coder{i}" for i in range(1, 9)]
WORD_FILES = sorted((SAMPLE / "coding" / "jordan").glob("*.docx"))


def cli(*args: str, cwd: Path | None = None) -> subprocess.Popen:
    """Start ``mio-qual ARGS`` in its own process."""
    env = dict(os.environ, COLUMNS="200")
    env.pop("MIO_QUAL_PROJECT", None)
    return subprocess.Popen([sys.executable, "-m", "mio_qual.cli.main", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)


def admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True)


def test_eight_coders_importing_at_once_lose_and_double_nothing(pg_cluster, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    database = urlsplit(pg_url).path.lstrip("/")
    with Project.create(tmp_path / "lead", database=pg_url) as lead:
        for coder in CODERS:
            lead.add_coder(coder)
    # the lead's eight imports of the same transcripts at once: each transcript lands once
    runs = [cli("--project", str(tmp_path / "lead"), "import", str(SAMPLE)) for _ in range(8)]
    outcomes = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    assert [code for code, _ in outcomes] == [0] * 8, outcomes
    for coder in CODERS:
        Project.create(tmp_path / coder, database=pg_cluster.url_for(coder, database)).close()
    runs = [cli("--project", str(tmp_path / coder), "coding", "import", *map(str, WORD_FILES), "--coder", coder)
            for coder in CODERS]
    outcomes = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    assert [code for code, _ in outcomes] == [0] * 8, outcomes
    assert not any("locked" in err or "serializ" in err for _, err in outcomes)
    with Project.open(tmp_path / "lead") as lead:
        assert len(lead.transcripts()) == 16
        added = lead.log(0)
        assert (added["action"] == "import transcripts").sum() >= 1
        layers = lead.codings()
        sizes = layers.groupby("coder").size()
        assert sorted(sizes.index) == CODERS and sizes.nunique() == 1 and sizes.iloc[0] > 50
        # every coder's layer holds the same codings: nothing lost, nothing doubled
        first = layers[layers["coder"] == CODERS[0]][["transcript_id", "start", "end", "code"]].reset_index(drop=True)
        for coder in CODERS[1:]:
            mine = layers[layers["coder"] == coder][["transcript_id", "start", "end", "code"]].reset_index(drop=True)
            assert mine.equals(first), coder


def _import_waiting_inside_its_transaction(pg_url: str, tmp_path: Path) -> tuple:
    """A lead's project, a session locking ``segments`` and a ``mio-qual import`` of the sample that holds
    the writer lock and waits inside its transaction for that lock: (process, blocker, watcher, its pid row)."""
    Project.create(tmp_path / "lead", database=pg_url).close()
    blocker = admin(pg_url)
    blocker.execute("BEGIN")
    blocker.execute("LOCK TABLE segments IN ACCESS EXCLUSIVE MODE")  # the import stops at its first segment
    run = cli("--project", str(tmp_path / "lead"), "import", str(SAMPLE))
    watcher = admin(pg_url)
    deadline = time.monotonic() + 120
    while True:
        row = watcher.execute(
            "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory'"
            " AND l.granted WHERE a.application_name = 'mio-qual' AND a.wait_event_type = 'Lock'"
            " AND a.xact_start IS NOT NULL").fetchone()
        if row:
            return run, blocker, watcher, row
        assert run.poll() is None and time.monotonic() < deadline, "the import never reached the segments"
        time.sleep(0.05)


def test_a_client_killed_in_the_middle_of_an_import_leaves_nothing(pg_url: str, tmp_path: Path) -> None:
    run, blocker, watcher, row = _import_waiting_inside_its_transaction(pg_url, tmp_path)
    inserted = watcher.execute("SELECT n_tup_ins FROM pg_stat_xact_user_tables WHERE relname = 'transcripts'")
    run.kill()
    run.wait()
    blocker.execute("COMMIT")
    while watcher.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", row).fetchone():
        time.sleep(0.05)
    assert inserted is not None
    assert watcher.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 0
    assert watcher.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0
    with Project.open(tmp_path / "lead") as lead:  # the lock went with the client: the next import runs
        assert len(lead.import_transcripts([SAMPLE]).added) == 16
    blocker.close()
    watcher.close()


def test_a_server_ending_the_session_mid_import_is_one_line_and_changes_nothing(pg_url: str, tmp_path: Path) -> None:
    # the server restarting, or an administrator ending the session, in the middle of a command
    # was "error: internal error: AdminShutdown ... please report it", exit code 1
    run, blocker, watcher, row = _import_waiting_inside_its_transaction(pg_url, tmp_path)
    watcher.execute("SELECT pg_terminate_backend(%s)", row)
    _, err = run.communicate(timeout=120)
    blocker.execute("COMMIT")
    assert run.returncode == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "lost the connection to the database server at 127.0.0.1" in lines[0] and "internal error" not in err
    assert watcher.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 0
    assert watcher.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0
    blocker.close()
    watcher.close()


def test_a_wrong_password_names_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # libpq's last line, "password retrieved from file ...", was shown instead of the reason
    import psycopg

    def refuse(*args: object, **kwargs: object) -> None:
        raise psycopg.OperationalError(  # libpq's words when ~/.pgpass holds a wrong password
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  password '
            'authentication failed for user "riley"\npassword retrieved from file "/home/riley/.pgpass"')

    monkeypatch.setattr(psycopg, "connect", refuse)
    line = refused(["init", str(tmp_path / "p"), "--database", "postgresql://riley@127.0.0.1:5432/study"])
    assert ('cannot connect to the database server at 127.0.0.1:5432/study: password authentication failed for '
            'user "riley"') in line
    assert "retrieved" not in line and "ALTER ROLE" in line
    assert not (tmp_path / "p").exists()


def test_no_password_found_says_a_pgpass_line_must_match_the_database(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # newuser4: `init ... /trail` (the .pgpass line says trial) said only "check your password"
    import psycopg

    def refuse(*args: object, **kwargs: object) -> None:
        raise psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", port 5432 failed: '
                                       'fe_sendauth: no password supplied')

    monkeypatch.setattr(psycopg, "connect", refuse)
    line = refused(["init", str(tmp_path / "p"), "--database", "postgresql://priya@127.0.0.1:5432/trail"])
    assert "cannot connect to the database server at 127.0.0.1:5432/trail: no password supplied" in line
    assert "a ~/.pgpass line matching this host, port, database and user" in line
    assert not (tmp_path / "p").exists()


def test_a_command_failing_at_its_last_write_changes_nothing(pg_url: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from mio_qual.store.postgres import PostgresStore

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    with Project.create(tmp_path / "lead", database=pg_url) as lead:
        before = table_rows(lead.store)
        monkeypatch.setattr(PostgresStore, "audit", fail)  # the audit entry is a command's last write
        with pytest.raises(RuntimeError, match="disk full"):
            lead.import_transcripts([write_study(tmp_path / "files")])
        assert table_rows(lead.store) == before
        monkeypatch.undo()
        assert len(lead.import_transcripts([tmp_path / "files"]).added) == 5


def refused(args: list[str]) -> str:
    """Run the CLI in process; assert exit code 2 and one line of error; return it."""
    result = CliRunner().invoke(_group, args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith("error: ") and len(lines) <= 2, result.output  # the error, and maybe its hint
    return lines[0]


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://me@localhost/study", "not a PostgreSQL URL"),
    ("postgresql://me@localhost:port/study", "not a database URL"),
    ("postgresql://me:secret@localhost/study", "holds a password"),
])
def test_bad_urls_are_refused_before_connecting(url: str, message: str, tmp_path: Path) -> None:
    assert message in refused(["init", str(tmp_path / "p"), "--database", url])
    assert not (tmp_path / "p").exists()


def test_a_refused_connection_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    line = refused(["init", str(tmp_path / "p"), "--database", f"postgresql://me@127.0.0.1:{port}/study"])
    assert "cannot connect to the database server at 127.0.0.1" in line
    assert not (tmp_path / "p").exists()


def test_an_unsupported_server_is_refused(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mio_qual.store import postgres

    monkeypatch.setattr(postgres, "MIN_SERVER_VERSION", 990000)  # pretend this server is too old
    assert "is not supported (mio-qual needs 99 or newer)" in refused(["init", str(tmp_path / "p"), "--database", pg_url])
    assert not (tmp_path / "p").exists()
    with admin(pg_url) as connection:
        assert connection.execute("SELECT to_regclass('codings')").fetchone()[0] is None


def test_a_schema_from_a_newer_mio_qual_is_refused(pg_url: str, tmp_path: Path) -> None:
    Project.create(tmp_path / "lead", database=pg_url).close()
    with admin(pg_url) as connection:
        connection.execute("UPDATE mio_qual_schema SET version = version + 1")
    assert "newer than this mio-qual" in refused(["--project", str(tmp_path / "lead"), "status"])
    assert "newer than this mio-qual" in refused(["init", str(tmp_path / "coder"), "--database", pg_url])
    assert not (tmp_path / "coder").exists()


def test_push_and_pull_commands(pg_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    with Project.create(tmp_path / "local") as local:
        local.import_transcripts([write_study(tmp_path / "files")])
        before = table_rows(local.store)
    pushed = runner.invoke(_group, ["--project", str(tmp_path / "local"), "project", "push", "--database", pg_url])
    assert pushed.exit_code == 0, pushed.output
    assert runner.invoke(_group, ["init", str(tmp_path / "lead"), "--database", pg_url]).exit_code == 0
    pulled = runner.invoke(_group, ["--project", str(tmp_path / "lead"), "project", "pull", str(tmp_path / "back")])
    assert pulled.exit_code == 0, pulled.output
    with Project.open(tmp_path / "back") as back:
        assert table_rows(back.store) == before
    assert "already exists" in refused(["--project", str(tmp_path / "lead"), "project", "pull", str(tmp_path / "back")])

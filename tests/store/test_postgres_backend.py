"""The PostgreSQL backend against a real server: same results as SQLite, push and pull without loss.

The study is built twice through the same Project methods, once in SQLite and once on the
server, and every table must hold the same rows (times of day aside); a project pushed to a
server and pulled back must hold exactly the rows it had.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLE

from mio_qual import Project
from mio_qual.store.transfer import schema_tables, table_rows

TIME_COLUMNS = {"imported_at", "created", "at", "added_at"}


def build(project: Project) -> Project:
    """The sample study: transcripts, two coders' layers, ratings of two raters, outcomes, a model."""
    project.import_transcripts([SAMPLE])
    project.import_word_comments(sorted((SAMPLE / "coding" / "jordan").glob("*.docx")), "jordan")
    project.import_coding_sheets([SAMPLE / "coding" / "casey.xlsx"])
    project.import_ratings(SAMPLE / "ratings" / "kim.xlsx")
    project.import_ratings(SAMPLE / "ratings" / "lee.xlsx")
    project.import_quant(SAMPLE / "quant" / "reach_adoption.csv")
    project.import_quant(SAMPLE / "quant" / "fidelity_sessions.csv")
    project.autocode_train("jordan", name="m1")
    return project


def timeless(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows with every time-stamp column blanked (two builds differ only there).

    Rows of SQLite's ``WITHOUT ROWID`` tables come in key order there and in insertion order on
    the server: they are compared as sorted lists.
    """
    out = {}
    for shape in schema_tables():
        blank = [i for i, c in enumerate(shape.columns) if c in TIME_COLUMNS]
        out[shape.name] = [tuple(None if i in blank else v for i, v in enumerate(row)) for row in rows[shape.name]]
        if shape.sqlite_order != "rowid":
            out[shape.name].sort(key=repr)
    return out


@pytest.fixture(scope="module")
def sqlite_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite") / "study"
    build(Project.create(folder)).close()
    return folder


def test_the_same_study_on_a_server_holds_the_same_rows(sqlite_study: Path, pg_url: str, tmp_path: Path) -> None:
    server = build(Project.create(tmp_path / "team", database=pg_url))
    local = Project.open(sqlite_study)
    try:
        ours, theirs = timeless(table_rows(local.store)), timeless(table_rows(server.store))
        # the audit trail names the role on the server and the login locally; commands differ by path
        for rows in (ours, theirs):
            rows["audit"] = [(r[0], r[4], r[5]) for r in rows["audit"]]
            rows["meta"] = [key for key, _ in rows["meta"]]
        for table in ours:
            assert theirs[table] == ours[table], table
        assert len(ours["codings"]) > 100 and len(ours["segments"]) > 1000
        assert server.summary() == local.summary()
        pd_testing = pytest.importorskip("pandas.testing")
        pd_testing.assert_frame_equal(server.codings().drop(columns="created"),
                                      local.codings().drop(columns="created"))
        pd_testing.assert_frame_equal(server.agreement(["jordan", "casey"]), local.agreement(["jordan", "casey"]))
    finally:
        server.close()
        local.close()


def test_push_then_pull_gives_back_every_row(sqlite_study: Path, pg_url: str, tmp_path: Path) -> None:
    with Project.open(sqlite_study) as local:
        before = table_rows(local.store)
        counts = local.push(pg_url)
    assert counts["codings"] == len(before["codings"]) and counts["audit"] == len(before["audit"])
    with Project.pull(tmp_path / "back", pg_url) as pulled:
        after = table_rows(pulled.store)
        assert after == before  # keys, offsets, times, audit users, model weights, quant values
        assert pulled.store.connection.execute("PRAGMA foreign_key_check").fetchall() == []
    with Project.create(tmp_path / "lead", database=pg_url) as server:  # joins the pushed project
        assert table_rows(server.store) == before
        server.import_quant(SAMPLE / "quant" / "fim_aim_iam.csv")  # keys continue after the copied ones
        ids = [row[0] for row in server.store.connection.execute("SELECT id FROM quant ORDER BY id")]
        assert len(ids) == len(set(ids)) > len(before["quant"])


def test_push_refuses_a_database_holding_a_project_and_writes_nothing(sqlite_study: Path, pg_url: str,
                                                                       tmp_path: Path) -> None:
    from mio_qual.errors import InputError

    Project.create(tmp_path / "other", database=pg_url).close()
    with Project.open(tmp_path / "other") as server:
        before = table_rows(server.store)
    with Project.open(sqlite_study) as local, pytest.raises(InputError, match="already holds a mio-qual project"):
        local.push(pg_url)
    with Project.open(tmp_path / "other") as server:
        assert table_rows(server.store) == before


def test_batched_writes_take_what_insert_takes(pg_url: str, tmp_path: Path) -> None:
    """Many rows stream through COPY; values COPY cannot read (floats for integers) fall back to INSERT."""
    with Project.create(tmp_path / "p", database=pg_url) as project:
        store = project.store
        rows = [("d", "session", f"u{i}", None, "north", "m", i / 4, "f.csv", float(i), '{"tab":"a\\tb\\\\n"}')
                for i in range(60)]
        text_rows = [(*row[:8], i, row[9]) for i, row in enumerate(rows)]
        sql = ("INSERT INTO quant (dataset, level, unit_id, agency, clinic, measure, value, source_file, row,"
               " attributes) VALUES (?,?,?,?,?,?,?,?,?,?)")
        with store.transaction():
            store.connection.executemany(sql, rows)  # row is an INTEGER column: COPY refuses "1.0"
            store.connection.executemany(sql.replace("'d'", "'e'"), [("e", *r[1:]) for r in text_rows])
        stored = store.connection.execute("SELECT dataset, row, value, attributes FROM quant ORDER BY rowid").fetchall()
    assert [r[1] for r in stored] == list(range(60)) * 2 and all(isinstance(r[1], int) for r in stored)
    assert [r[2] for r in stored[:60]] == [i / 4 for i in range(60)]
    assert {r[3] for r in stored} == {'{"tab":"a\\tb\\\\n"}'}
    assert [r[0] for r in stored] == ["d"] * 60 + ["e"] * 60

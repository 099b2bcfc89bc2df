"""The codebooks and codebook_choices tables, on SQLite and on a PostgreSQL server: the project's
codebook is chosen, read back with its version, and reached by a store made before the table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import REPO

from mio_qual import Project
from mio_qual.codebook import load_codebooks
from mio_qual.coding import Coding
from mio_qual.store import codebooks as store_codebooks
from mio_qual.store.schema import MIGRATIONS, SCHEMA_VERSION

TEAM_XLSX = REPO / "tests" / "data" / "interop" / "libreoffice" / "team_codebook.xlsx"


def _exercise(project: Project) -> None:
    """Choose the team's codebook, code with it, read every stored fact back."""
    text = project.text("INT01")
    book = load_codebooks([TEAM_XLSX])
    assert store_codebooks.chosen_codebook(project.store) is None
    start = text.index("no room")
    project.write_codings([Coding("INT01", start, start + 7, "ROOM", "avery")], coder="avery", codebook=book)
    project.write_codings([Coding("INT01", start, start + 7, "ROOM", "blake"),
                           Coding("INT01", 0, 2, "WAIT", "blake")], coder="blake", codebook=book)
    choice = project.use_codebook([TEAM_XLSX])
    row = store_codebooks.chosen_codebook(project.store)
    assert row is not None and row["version"] == book.version == choice.current.version
    assert row["codes"] == 5 and row["how"] == "codebook use"
    assert json.loads(row["sources"])[0]["name"] == "team_codebook.xlsx"
    assert [i["name"] for i in json.loads(row["infos"])] == ["team_codebook"]
    assert store_codebooks.code_counts(project.store) == [("ROOM", "avery", 1), ("ROOM", "blake", 1),
                                                           ("WAIT", "blake", 1)]
    rebuilt = project.codebook_for()
    assert rebuilt.version == book.version
    assert [c.to_dict() for c in rebuilt] == [c.to_dict() for c in book]
    project.use_codebook(["cfir2"], keep_unknown=True)
    assert store_codebooks.chosen_codebook(project.store)["version"] == load_codebooks(["cfir2"]).version
    assert project.project_codebook().label == "cfir2"


def _project(folder: Path, database: str | None = None) -> Project:
    files = folder.parent / f"{folder.name}-files"
    files.mkdir()
    (files / "INT01.txt").write_text("I: Where?\n\nR: We had no room for sessions.\n", encoding="utf-8")
    project = Project.create(folder, database=database) if database else Project.create(folder)
    project.import_transcripts([files])
    return project


def test_the_projects_codebook_in_sqlite(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    try:
        _exercise(project)
    finally:
        project.close()


def test_the_projects_codebook_on_a_postgresql_server(pg_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path / "team", pg_url)
    try:
        _exercise(project)
    finally:
        project.close()


def test_a_store_made_before_the_table_gets_it_and_keeps_the_bundled_default(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p")
    project.close()
    db = tmp_path / "p" / "mio-qual.db"
    connection = sqlite3.connect(db)  # back to the schema of the last session (6): no codebook_choices
    connection.execute("DROP TABLE codebook_choices")
    connection.execute(f"PRAGMA user_version = {next(i for i, m in enumerate(MIGRATIONS) if 'codebook_choices' in m)}")
    connection.commit()
    connection.close()
    project = Project.open(tmp_path / "p")
    try:
        assert project.store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert project.project_codebook() is None
        assert project.codebook_for().names == ["cfir2", "cfir_outcomes", "mio"]
    finally:
        project.close()


def test_on_a_server_the_lead_chooses_and_coders_use_it(pg_cluster, pg_url: str, tmp_path: Path) -> None:
    from urllib.parse import urlsplit

    from mio_qual.errors import InputError

    database = urlsplit(pg_url).path.lstrip("/")
    lead = _project(tmp_path / "lead", pg_url)
    lead.add_coder("jordan")
    jordan = Project.create(tmp_path / "jordan", database=pg_cluster.url_for("jordan", database))
    try:
        with pytest.raises(InputError, match="only the project lead"):
            jordan.use_codebook([TEAM_XLSX])
        sheet = tmp_path / "jordan.csv"
        sheet.write_text("transcript_id,quote,code\nINT01,no room,ROOM\n", encoding="utf-8")
        done = jordan.import_codings([sheet], coder="jordan", codebook=[TEAM_XLSX])  # a coder's import adopts nothing
        assert done.inserted == 1 and any("its lead chooses it" in n for n in done.notes)
        assert jordan.project_codebook() is None
        lead.use_codebook([TEAM_XLSX])
        sheet.write_text("transcript_id,quote,code\nINT01,no room,Space for sessions\n", encoding="utf-8")
        again = jordan.import_codings([sheet], coder="jordan")  # no codebook named: the lead's choice
        # the code's name resolves to ROOM through the lead's codebook, so the file brings what it brought
        # before: nothing rewritten (an unknown name would have been refused)
        assert (again.inserted, again.unchanged) == (0, 1)
        assert jordan.codebook_for().version == load_codebooks([TEAM_XLSX]).version
    finally:
        jordan.close()
        lead.close()

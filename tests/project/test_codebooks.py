"""The project's codebook: chosen once (``codebook use`` or the first import that names one), used
by every command that takes ``--codebook`` when none is named, never orphaning codes silently."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import REPO, project_state
from helpers.cli import run_captured

from mio_qual import Project
from mio_qual.codebook import load_codebooks
from mio_qual.errors import InputError

TEAM_XLSX = REPO / "tests" / "data" / "interop" / "libreoffice" / "team_codebook.xlsx"
TEXT = ("I: Where do the sessions happen?\n\nR: We had no room for sessions, so we used the break room. "
        "Two clinicians quit in the spring. The waiting list grew.\n")


@pytest.fixture()
def study(tmp_path: Path) -> tuple[Path, Path]:
    """A project with one transcript, a copy of the team's LibreOffice codebook and two coders' sheets."""
    files = tmp_path / "files"
    files.mkdir()
    (files / "INT01.txt").write_text(TEXT, encoding="utf-8")
    project = Project.create(tmp_path / "p")
    project.import_transcripts([files])
    project.close()
    codes = tmp_path / "team codes.xlsx"
    shutil.copyfile(TEAM_XLSX, codes)
    for coder, rows in (("avery", [("no room for sessions", "ROOM"), ("Two clinicians quit", "Staff turnover")]),
                        ("blake", [("no room for sessions", "Space for sessions"), ("Two clinicians quit", "TURNOVER"),
                                   ("The waiting list grew", "SUPERVISION")])):
        lines = ["transcript_id,quote,code,coder"] + [f"INT01,{quote},{code},{coder}" for quote, code in rows]
        (tmp_path / f"{coder}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "p", codes


def test_the_first_import_naming_a_codebook_makes_it_the_projects_and_later_commands_need_none(study) -> None:
    folder, codes = study
    sheets = folder.parent
    code, _out, err = run_captured(folder, "coding", "import", sheets / "avery.csv", "--coder", "avery")
    assert code == 2 and "unknown code" in err and "mio-qual codebook use" in err  # bundled codebooks: ROOM unknown
    code, _out, err = run_captured(folder, "coding", "import", sheets / "avery.csv", "--coder", "avery",
                                   "--codebook", codes)
    assert code == 0, err
    assert "the project now uses codebook team codes.xlsx (5 codes" in err
    # no --codebook from now on: the import, the status line, show, export all use the team's
    code, _out, err = run_captured(folder, "coding", "import", sheets / "blake.csv", "--coder", "blake")
    assert code == 0, err
    assert "imported 3 codings" in err and "not the project's" not in err
    code, out, _ = run_captured(folder, "status")
    book = load_codebooks([codes])
    assert f"codebook: team codes.xlsx (5 codes, version {book.version}; chosen " in out
    assert "by coding import" in out
    code, out, _ = run_captured(folder, "codebook", "show", "space for sessions")
    assert code == 0 and "ROOM" in out and "Room for sessions" in out
    project = Project.open(folder)
    try:
        stored = project.codings()
        assert sorted(set(stored["code"])) == ["ROOM", "SUPERVISION", "TURNOVER"]
        assert set(stored["codebook_version"]) == {book.version}
        assert project.codebook_for().version == book.version
        assert "use codebook" in set(project.log()["action"])
    finally:
        project.close()
    code, out, err = run_captured(folder, "coding", "export-qdpx", "--out", folder.parent / "study.qdpx")
    assert code == 0, err


def test_the_stored_codebook_outlives_its_file_and_an_edit_is_reported(study) -> None:
    folder, codes = study
    project = Project.open(folder)
    try:
        choice = project.use_codebook([codes])
        assert choice.previous is None and choice.current.codes == 5 and not choice.unknown
        codes.unlink()  # the file is gone: the project still has its codes, with the same version
        book = project.codebook_for()
        assert book.version == choice.current.version and book.resolve("Leaving") == "TURNOVER"
        assert not book["STAFF"].codable and book["SUPERVISION"].name == "Supervisión bilingüe"
        shutil.copyfile(TEAM_XLSX, codes)
        with codes.open("ab") as handle:  # other bytes: as if a coder saved it again
            handle.write(b"\0")
        assert project.project_codebook().changed == ["team codes.xlsx"]
        assert "team codes.xlsx changed since" in project.project_codebook().line()
        elsewhere = codes.parent / "moved"
        elsewhere.mkdir()
        shutil.copyfile(TEAM_XLSX, elsewhere / codes.name)
        again = project.use_codebook([elsewhere / codes.name])  # the same codes from another file: same version
        assert again.current.version == choice.current.version and again.unchanged
        edited = project.use_codebook([codes])  # the edited file (same cells, other bytes): recorded anew
        assert edited.current.version == choice.current.version and not edited.unchanged
        assert project.project_codebook().changed == []
    finally:
        project.close()


def test_a_codebook_lacking_stored_codes_is_refused_until_mapped_or_kept(study) -> None:
    folder, codes = study
    sheets = folder.parent
    assert run_captured(folder, "coding", "import", sheets / "avery.csv", sheets / "blake.csv",
                        "--codebook", codes)[0] == 0
    before = project_state(folder)
    code, _out, err = run_captured(folder, "codebook", "use", "cfir2")
    assert code == 2 and project_state(folder) == before
    first = err.splitlines()[0]
    assert first.startswith("error: 5 coding(s) use 3 code(s) that codebook cfir2")
    assert "ROOM, SUPERVISION, TURNOVER; the project's codebook was not changed" in first
    assert "codebook map" in first and "--keep-unknown" in first
    assert "  ROOM: 1 coding(s) in layer avery, 1 coding(s) in layer blake" in err.splitlines()
    # map both layers in place onto the updated CFIR with a LibreOffice mapping sheet, then switch
    sheet = REPO / "tests" / "data" / "interop" / "libreoffice" / "team_to_cfir2.xlsx"
    code, _out, err = run_captured(folder, "codebook", "map", "--coder", "avery", "--mapping", sheet,
                                   "--codebook", "cfir2", "--into", "avery")
    assert code == 0, err
    before = project_state(folder)  # blake's SUPERVISION is not in the sheet: mapping in place would lose it
    code, _out, err = run_captured(folder, "codebook", "map", "--coder", "blake", "--mapping", sheet,
                                   "--codebook", "cfir2", "--into", "blake")
    assert code == 2 and project_state(folder) == before
    assert "1 coding(s) of 1 code(s) the mapping sheet does not name (SUPERVISION) would be lost" in err
    code, _out, err = run_captured(folder, "codebook", "use", "cfir2")
    assert code == 2 and "3 coding(s) use 3 code(s)" in err.splitlines()[0]  # blake's layer is as it was
    code, _out, err = run_captured(folder, "codebook", "use", "cfir2", "--keep-unknown")
    assert code == 0, err
    assert "the project now uses cfir2 (" in err
    project = Project.open(folder)
    try:
        assert sorted(set(project.codings(coder="avery")["code"])) == ["IS.J2"]  # TURNOVER maps to nothing
        entry = project.log().iloc[0]
        assert entry["action"] == "use codebook"
        assert json.loads(entry["detail"])["unknown_kept"] == {"ROOM": {"blake": 1}, "SUPERVISION": {"blake": 1},
                                                                "TURNOVER": {"blake": 1}}
        # rename is checked against the project's codebook
        with pytest.raises(InputError, match="'ROOM' is not in the codebook"):
            project.rename_code("IS.J2", "ROOM")
    finally:
        project.close()


def test_a_named_codebook_that_is_not_the_projects_is_used_for_that_command_and_said(study) -> None:
    folder, codes = study
    sheets = folder.parent
    project = Project.open(folder)
    try:
        project.use_codebook(["cfir2", codes])
    finally:
        project.close()
    code, _out, err = run_captured(folder, "coding", "import", sheets / "avery.csv", "--coder", "avery",
                                   "--codebook", codes)
    assert code == 0, err
    assert "checked against the codebook named (team_codes" in err and "not the project's (cfir2 + " in err
    code, out, _ = run_captured(folder, "codebook", "use", "--format", "json")
    assert json.loads(out)["label"] == "cfir2 + team codes.xlsx"


def test_an_import_does_not_adopt_a_codebook_that_would_orphan_earlier_codings(study) -> None:
    folder, codes = study
    project = Project.open(folder)
    try:
        text = project.text("INT01")
        start = text.index("The waiting list")
        from mio_qual.coding import Coding

        project.write_codings([Coding("INT01", start, start + 16, "IS.J1", "kim")], coder="kim",
                              codebook=load_codebooks(["cfir2"]))
    finally:
        project.close()
    code, _out, err = run_captured(folder, "coding", "import", folder.parent / "avery.csv", "--coder", "avery",
                                   "--codebook", codes)
    assert code == 0, err
    assert "the project keeps the bundled default codebook: 1 code(s) of its codings are not in" in err
    code, out, _ = run_captured(folder, "status", "--format", "json")
    assert json.loads(out)["codebook"]["label"].startswith("cfir2 + cfir_outcomes + mio (bundled")


def test_status_and_use_without_a_choice(tmp_path: Path) -> None:
    Project.create(tmp_path / "p").close()
    code, out, _ = run_captured(tmp_path / "p", "status")
    assert code == 0 and "codebook: cfir2 + cfir_outcomes + mio (bundled; the default); choose the team's own" in out
    code, out, _ = run_captured(tmp_path / "p", "codebook", "use")
    assert code == 0 and out.startswith("codebook: cfir2 + cfir_outcomes + mio (bundled")
    code, _out, err = run_captured(tmp_path / "p", "codebook", "use", tmp_path / "missing.xlsx")
    assert code == 2 and "missing.xlsx" in err


def test_a_filled_reconciliation_sheet_of_team_codes_imports_without_codebook(study) -> None:
    """The new user's case: coders coded with the team's codebook; `coding import
    reconcile_avery_blake.xlsx` used to fail with "code 'ROOM' is not in the codebook"."""
    import openpyxl

    folder, codes = study
    sheets = folder.parent
    assert run_captured(folder, "coding", "import", sheets / "avery.csv", sheets / "blake.csv",
                        "--codebook", codes)[0] == 0
    code, _out, err = run_captured(folder, "coding", "reconcile", "--coders", "avery", "blake",
                                   "--out", sheets / "reconcile")
    assert code == 0, err
    path = sheets / "reconcile" / "reconcile_avery_blake.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["decisions"]
    column = [c.value for c in sheet[1]].index("decision") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column, "code: Waiting list; ROOM")
    book.save(path)
    code, _out, err = run_captured(folder, "coding", "import", path)
    assert code == 0, err
    project = Project.open(folder)
    try:
        consensus = project.codings(coder="consensus")
        assert {"ROOM", "WAIT", "TURNOVER"} <= set(consensus["code"])
    finally:
        project.close()


def test_keyword_rules_use_the_projects_codebook(study) -> None:
    folder, codes = study
    code, _out, err = run_captured(folder, "codebook", "use", codes)
    assert code == 0, err
    code, _out, err = run_captured(folder, "autocode", "rules", "--unit", "sentence")
    assert code == 0, err
    project = Project.open(folder)
    try:
        rules = project.codings(coder="rules")
        # "room" and "quit*" are keywords of the team's ROOM and TURNOVER (tests/data/README.md)
        assert sorted(set(zip(rules["code"], rules["text"]))) == [
            ("ROOM", "We had no room for sessions, so we used the break room."),
            ("TURNOVER", "Two clinicians quit in the spring.")]
        assert set(rules["codebook_version"]) == {project.project_codebook().version}
    finally:
        project.close()


def test_adopting_on_a_first_import_reads_only_the_codings_stored_before_it(study, monkeypatch) -> None:
    """The orphan check runs before the import writes: a first import scans an empty table
    (a .qdpx of a million codings would otherwise be read back once more under the lock)."""
    from mio_qual.store import codebooks as store_codebooks

    folder, codes = study
    seen: list[int] = []
    original = store_codebooks.code_counts

    def counting(store):  # type: ignore[no-untyped-def]
        seen.append(store.connection.execute("SELECT COUNT(*) FROM codings").fetchone()[0])
        return original(store)

    monkeypatch.setattr(store_codebooks, "code_counts", counting)
    project = Project.open(folder)
    try:
        done = project.import_codings([folder.parent / "avery.csv", folder.parent / "blake.csv"], codebook=[codes])
        assert done.inserted == 5 and project.project_codebook() is not None
    finally:
        project.close()
    assert seen == [0]


def test_codebook_list_in_a_project_lists_the_projects_codebook(study) -> None:
    """New-user walk: `codebook list` listed the bundled codebooks though the project had chosen its own."""
    folder, codes = study
    # newuser4: a project that chose none codes with the default: its codes, not three rows about codebooks
    code, out, err = run_captured(folder, "codebook", "list", "--format", "csv")
    assert code == 0, err
    ids = [line.split(",")[0] for line in out.splitlines()[1:]]
    assert ids == [c.id for c in load_codebooks(["cfir2", "cfir_outcomes", "mio"])]
    assert "IS.J2" in ids and "MIO.SUPV" in ids
    code, _out, err = run_captured(folder, "codebook", "use", codes)
    assert code == 0, err
    code, out, err = run_captured(folder, "codebook", "list", "--format", "csv")
    assert code == 0, err
    ids = [line.split(",")[0] for line in out.splitlines()[1:]]
    assert ids == [c.id for c in load_codebooks([codes])]
    code, out, err = run_captured(folder, "codebook", "list", "--bundled", "--format", "json")
    assert code == 0, err
    assert {row["name"] for row in json.loads(out)} == {"cfir2", "cfir_outcomes", "mio"}

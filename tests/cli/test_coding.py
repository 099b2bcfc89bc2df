"""The `mio-qual coding` commands through click's test runner, and the bundled sample coding."""

from __future__ import annotations

import importlib.util
import json

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from mio_qual.cli.main import _group
from mio_qual.coding.word import runs_for_span

from helpers import SAMPLE, project_state
from helpers.coding import make_project


@pytest.fixture()
def small(tmp_path):
    project = make_project(tmp_path)
    yield project
    project.close()


def run(project, *args):
    return CliRunner().invoke(_group, ["--project", str(project.folder), "coding", *map(str, args)])


def test_export_docx_comment_import_list_export_and_reconcile(small, tmp_path):
    text = small.text("T01")
    result = run(small, "export-docx", "--out", tmp_path / "word")
    assert result.exit_code == 0, result.output
    path = tmp_path / "word" / "T01.docx"
    for coder, code in (("jordan", "IS.J2; MIO.REC"), ("casey", "IS.J2")):
        document = docx.Document(str(path))
        s = text.index("The room is great")
        document.add_comment(runs_for_span(document, s, s + 17), text=code, author=coder)
        target = tmp_path / coder / "T01.docx"
        target.parent.mkdir()
        document.save(str(target))
        result = run(small, "import", target, "--coder", coder, "--codebook", "cfir2", "--codebook", "mio")
        assert result.exit_code == 0, result.output
        assert "imported" in result.output
    listed = run(small, "list", "--format", "csv")
    assert listed.exit_code == 0
    assert listed.output.splitlines()[1:] == ["casey,human,1,1,1", "jordan,human,2,1,2"]
    out = tmp_path / "jordan.xlsx"
    result = run(small, "export", "--coder", "jordan", "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][7] == "The room is great"
    result = run(small, "reconcile", "--coders", "jordan", "casey", "--out", tmp_path / "rec")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rec" / "reconcile_jordan_casey.xlsx").is_file()
    assert "1 agreed codings" in result.output and "1 passages to decide" in result.output


def test_cli_errors_exit_2_and_leave_the_project_alone(small, tmp_path):
    result = run(small, "export-docx", "T01", "--out", tmp_path / "word")
    assert result.exit_code == 0
    document = docx.Document(str(tmp_path / "word" / "T01.docx"))
    text = small.text("T01")
    s = text.index("Gwen")
    document.add_comment(runs_for_span(document, s, s + 4), text="Spce", author="jordan")
    bad = tmp_path / "T01_bad.docx"
    document.save(str(bad))
    before = project_state(small.folder)
    result = run(small, "import", bad, "--coder", "jordan")
    assert result.exit_code == 2
    assert "nothing was imported" in result.output and "'Spce'" in result.output and "did you mean" in result.output
    assert "Traceback" not in result.output
    assert project_state(small.folder) == before
    result = run(small, "import", bad, "--coder", "jordan", "--skip-problems", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["inserted"] == 0
    assert run(small, "import", bad).exit_code == 2  # Word files need --coder
    notes = tmp_path / "notes.txt"
    notes.write_text("x", encoding="utf-8")
    assert run(small, "import", notes, "--coder", "x").exit_code == 2
    assert run(small, "export-docx", "T99", "--out", tmp_path / "w2").exit_code == 2
    assert run(small, "export", "--coder", "nobody", "--out", tmp_path / "n.csv").exit_code == 2
    assert run(small, "reconcile", "--coders", "a", "b", "--out", tmp_path / "r").exit_code == 2


def _builder():
    spec = importlib.util.spec_from_file_location("build_sample_coding",
                                                  SAMPLE / "coding" / "build_sample_coding.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_coding_imports_as_the_sources_intend():
    """jordan's Word files and casey's sheet, imported with the CLI, give every passage and code listed."""
    builder = _builder()
    assert sorted(p.stem for p in builder.WORD_DIR.glob("*.docx")) == sorted(
        s["transcript"] for s in builder.load_sources())
    assert builder.check(builder.load_sources()) == []


def test_delete_layer_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from mio_qual import Project
    from mio_qual.cli.main import _group
    from mio_qual.coding import Coding

    project = Project.create(tmp_path / "p")
    source = tmp_path / "T1.txt"
    source.write_text("I: How is it?\nR: The room is never free on Tuesdays.\n", encoding="utf-8")
    project.import_transcripts([source])
    project.write_codings([Coding("T1", 20, 28, "IS.J2", "ann")], coder="ann")
    project.write_codings([Coding("T1", 20, 28, "IS.J2", "bob")], coder="bob")
    project.close()
    runner = CliRunner()
    missing = runner.invoke(_group, ["--project", str(tmp_path / "p"), "coding", "delete", "--coder", "zed", "--yes"])
    assert missing.exit_code == 2
    done = runner.invoke(_group, ["--project", str(tmp_path / "p"), "coding", "delete", "--coder", "ann", "--yes"])
    assert done.exit_code == 0, done.output
    with Project.open(tmp_path / "p") as again:
        assert set(again.codings()["coder"]) == {"bob"}
        assert "delete layer" in set(again.log()["action"])


def test_python_api_imports_coding_files_like_the_cli(tmp_path):
    import csv

    import pytest

    from mio_qual import Project
    from mio_qual.errors import InputError

    project = Project.create(tmp_path / "p")
    source = tmp_path / "T1.txt"
    source.write_text("I: How is it?\nR: The room is never free on Tuesdays.\n", encoding="utf-8")
    project.import_transcripts([source])
    sheet = tmp_path / "T1_codes.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "quote", "code"])
        writer.writerow(["T1", "never free on Tuesdays", "IS.J2"])
    with pytest.raises(InputError, match="cannot import coding from a .pdf"):
        project.import_codings([tmp_path / "codes.pdf"], coder="ann")
    result = project.import_codings([sheet], coder="ann")
    assert (result.inserted, result.layers) == (1, ["ann"])
    row = project.codings(coder="ann").iloc[0]
    assert project.text("T1")[row["start"]:row["end"]] == "never free on Tuesdays"


def test_importing_the_same_coding_file_again_says_unchanged_and_writes_nothing(tmp_path):
    """B9: an identical re-import said 'imported 2 ...; replaced 2' and added an audit entry."""
    import csv

    from mio_qual import Project

    project = Project.create(tmp_path / "p")
    source = tmp_path / "T1.txt"
    source.write_text("I: How is it?\nR: The room is never free on Tuesdays. Staff change weekly.\n", encoding="utf-8")
    project.import_transcripts([source])
    sheet = tmp_path / "sage.csv"

    def write(code: str) -> None:
        with open(sheet, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["transcript_id", "quote", "code"])
            writer.writerow(["T1", "never free on Tuesdays", "IS.J2"])
            writer.writerow(["T1", "Staff change weekly", code])

    write("IS.J2")
    first = run(project, "import", sheet, "--coder", "sage")
    assert first.exit_code == 0 and "imported 2 codings" in first.output, first.output
    entries = len(project.log())
    state = project_state(project.folder)
    again = run(project, "import", sheet, "--coder", "sage")
    assert again.exit_code == 0, again.output
    assert "unchanged: the 2 codings of 1 file(s) into layer sage are those the same file(s) brought before" in \
        " ".join(again.output.split())
    assert "replaced" not in again.output
    assert len(project.log()) == entries and project_state(project.folder) == state  # no audit entry, no write
    result = project.import_codings([sheet], coder="sage")  # the Python API says it too
    assert (result.inserted, result.removed, result.unchanged) == (0, 0, 2)
    write("IS.A3")  # one code changed: the file's codings are replaced as before
    changed = run(project, "import", sheet, "--coder", "sage")
    assert "imported 2 codings" in changed.output and "replaced 2" in changed.output, changed.output
    assert sorted(project.codings(coder="sage")["code"]) == ["IS.A3", "IS.J2"]
    assert len(project.log()) == entries + 1
    project.close()


def test_a_different_file_of_the_same_name_replaces_and_says_how_many_and_how_to_keep_both(tmp_path):
    """newuser4: a coder's second round in another copy of INT21.docx replaced the first round's codings; the line said
    'replaced 7 from earlier imports of the same files' and neither which file nor how to keep both. The design stays
    (a file is known by its name); the line and the audit trail now say it."""

    from mio_qual import Project

    project = Project.create(tmp_path / "p")
    source = tmp_path / "T1.txt"
    source.write_text("I: How is it?\nR: The room is never free on Tuesdays. Staff change weekly.\n", encoding="utf-8")
    project.import_transcripts([source])
    first, second = tmp_path / "round1" / "sage.csv", tmp_path / "round2" / "sage.csv"
    for path, rows in ((first, ["T1,never free on Tuesdays,IS.J2", "T1,Staff change weekly,IS.A3"]),
                       (second, ["T1,Staff change weekly,OS.F"])):
        path.parent.mkdir()
        path.write_text("transcript_id,quote,code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert run(project, "import", first, "--coder", "sage").exit_code == 0
    done = run(project, "import", second, "--coder", "sage")
    said = " ".join(done.output.split())
    assert done.exit_code == 0 and ("imported 1 codings from 1 file(s) into layer sage; replaced 2 codings that earlier "
                                    "imports of files with the same name (sage.csv) brought") in said, said
    assert "to keep both, give the file another name or import it into another layer with --coder" in said
    assert list(project.codings(coder="sage")["code"]) == ["OS.F"]  # the design: replaced
    entry = project.log_records(1)[0]
    detail = json.loads(entry["detail"])
    assert entry["action"] == "import coding sheet" and detail["removed"] == 2
    assert detail["replaced_import"]["path"] == str(first) and detail["replaced_import"]["codings"] == 2
    assert detail["replaced_import"]["same_path"] is False and len(detail["replaced_import"]["sha256"]) == 64
    renamed = first.rename(first.with_name("sage-round1.csv"))  # keeping both: another file name
    kept = run(project, "import", renamed, "--coder", "sage")
    assert kept.exit_code == 0 and "replaced 0 " in kept.output and "keep both" not in kept.output
    assert sorted(project.codings(coder="sage")["code"]) == ["IS.A3", "IS.J2", "OS.F"]
    project.close()

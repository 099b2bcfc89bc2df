"""Acceptance checks of human-coding import found while using mio-qual as a new user."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mio_qual import Project
from mio_qual.cli.main import _group as cli

TEXT = "I: Where do you meet?\n\nR: We have no private room most days.\n"


def _project(tmp_path: Path) -> Path:
    source = tmp_path / "T1.txt"
    source.write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "study") as project:
        project.import_transcripts([source])
    return tmp_path / "study"


def _word_copy_commented(folder: Path, out: Path, comment: str) -> Path:
    """``coding export-docx`` of T1 into ``out``, with one comment ``comment`` on the turn about the room."""
    import docx

    assert CliRunner().invoke(cli, ["--project", str(folder), "coding", "export-docx", "--out", str(out)]).exit_code == 0
    document = docx.Document(str(out / "T1.docx"))
    paragraph = next(p for p in document.paragraphs if "private room" in p.text)
    document.add_comment(paragraph.runs[-1], text=comment, author="A")
    document.save(str(out / "T1.docx"))
    return out / "T1.docx"


def test_sheet_import_says_which_layer_the_codings_went_into(tmp_path: Path) -> None:
    """A sheet's coder column wins over --coder (rows without one use --coder); the summary line
    now names the layer, so codings do not land in another coder's layer unnoticed."""
    folder = _project(tmp_path)
    sheet = tmp_path / "export.csv"
    sheet.write_text("transcript_id,quote,codes,coder\nT1,private room,IS.J2,jordan\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(sheet), "--coder", "lee"])
    assert out.exit_code == 0, out.output
    assert "imported 1 codings from 1 file(s) into layer jordan;" in out.output
    with Project.open(folder) as project:
        rows = project.codings()
    assert rows["coder"].tolist() == ["jordan"] and rows["text"].tolist() == ["private room"]

    both = tmp_path / "both.csv"
    both.write_text("transcript_id,quote,codes,coder\nT1,private room,IS.J2,\nT1,Where do you meet?,MIO.SCHED,casey\n",
                    encoding="utf-8")
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(both), "--coder", "lee"])
    assert out.exit_code == 0, out.output
    assert "imported 2 codings from 1 file(s) into layers casey, lee;" in out.output


def test_word_and_sheet_together_name_both_layers(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    runner = CliRunner()
    _word_copy_commented(folder, tmp_path / "w", "IS.J2")
    sheet = tmp_path / "casey.csv"
    sheet.write_text("transcript_id,quote,codes,coder\nT1,Where do you meet?,MIO.SCHED,casey\n", encoding="utf-8")
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(tmp_path / "w" / "T1.docx"),
                              str(sheet), "--coder", "jordan"])
    assert out.exit_code == 0, out.output
    assert "imported 2 codings from 2 file(s) into layers casey, jordan;" in out.output



def test_a_word_lock_file_among_the_coded_files_is_skipped_with_a_note(tmp_path: Path) -> None:
    """A coder still has T1.docx open in Word: coded/*.docx names Word's lock file ~$T1.docx too.
    It is skipped with a note instead of refusing the whole import as a damaged .docx."""
    folder = _project(tmp_path)
    runner = CliRunner()
    _word_copy_commented(folder, tmp_path / "w", "IS.J2")
    lock = tmp_path / "w" / "~$T1.docx"  # what Word writes: the user's name padded, not a zip
    lock.write_bytes(b"\x06Jordan" + b" " * 47 + b"\x06\x00J\x00o\x00r\x00d\x00a\x00n\x00" + b"\x00" * 60)
    files = sorted(str(p) for p in (tmp_path / "w").glob("*.docx"))
    assert len(files) == 2
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", *files, "--coder", "jordan"])
    assert out.exit_code == 0, out.output
    assert "imported 1 codings" in out.output and "~$T1.docx: a lock file" in out.output
    with Project.open(folder) as project:
        assert project.codings()["code"].tolist() == ["IS.J2"]


FOLDERS_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti Win 23.4.0"><Codes>
<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Barriers" isCodable="false">
<Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Space" isCodable="true"/></Code>
<Code guid="aaaaaaaa-0000-0000-0000-000000000003" name="Meeting" isCodable="true"/></Codes>
<Sets><Set guid="bbbbbbbb-0000-0000-0000-000000000001" name="Rooms"><Description>where people meet</Description>
<MemberCode guid="aaaaaaaa-0000-0000-0000-000000000002"/><MemberCode guid="aaaaaaaa-0000-0000-0000-000000000003"/>
</Set></Sets></CodeBook>
"""


def _qde(path: Path):
    """The root element of a .qdpx's project.qde."""
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return ET.fromstring(archive.read("project.qde"))


def test_a_qdc_codebook_keeps_its_folders_and_code_groups_through_sheet_and_word_imports(tmp_path: Path) -> None:
    """Issue 16: codings of a category folder (isCodable="false") from a sheet or a Word file are
    imported with a warning naming file and code, as a .qdpx's are; the .qdc's code group is kept in
    the project and exported in the .qdpx, and comes back from it."""
    folder = _project(tmp_path)
    qdc = tmp_path / "folders.qdc"
    qdc.write_text(FOLDERS_QDC, encoding="utf-8")
    runner = CliRunner()
    _word_copy_commented(folder, tmp_path / "w", "Barriers")
    sheet = tmp_path / "casey.csv"
    sheet.write_text("transcript_id,quote,codes,coder\nT1,private room,Barriers; Space,casey\n"
                     "T1,Where do you meet?,Meeting,casey\n", encoding="utf-8")
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(tmp_path / "w" / "T1.docx"),
                              str(sheet), "--coder", "jordan", "--codebook", str(qdc)])
    assert out.exit_code == 0, out.output
    assert "imported 4 codings" in out.output
    for name in ("T1.docx", "casey.csv"):
        assert (f"{name}: 1 coding(s) are of 1 code(s) marked not codable (BARRIERS: they only group other codes)"
                in out.output)
    with Project.open(folder) as project:
        rows = project.codings()
    assert sorted(zip(rows["coder"], rows["code"], rows["text"])) == [
        ("casey", "BARRIERS", "private room"), ("casey", "MEETING", "Where do you meet?"),
        ("casey", "SPACE", "private room"), ("jordan", "BARRIERS", "We have no private room most days.")]

    # the code group is in the exported project, with the codes' own GUIDs, and the folder stays a folder
    export = tmp_path / "study.qdpx"
    assert runner.invoke(cli, ["--project", str(folder), "coding", "export-qdpx", "--out", str(export)]).exit_code == 0
    ns = {"q": "urn:QDA-XML:project:1.0"}
    root = _qde(export)
    codes = {c.get("name"): c for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    assert codes["Barriers"].get("isCodable") == "false" and codes["Space"].get("isCodable") == "true"
    sets = root.findall("q:Sets/q:Set", ns)
    assert [(s.get("name"), s.get("guid")) for s in sets] == [("Rooms", "bbbbbbbb-0000-0000-0000-000000000001")]
    assert [m.get("targetGUID") for m in sets[0].findall("q:MemberCode", ns)] == [
        "aaaaaaaa-0000-0000-0000-000000000002", "aaaaaaaa-0000-0000-0000-000000000003"]
    assert sets[0].findtext("q:Description", namespaces=ns) == "where people meet"

    # a fresh project importing that export with its own codebook keeps the group and warns on the folder
    again = tmp_path / "again"
    with Project.create(again):
        pass
    out = runner.invoke(cli, ["--project", str(again), "coding", "import", str(export), "--codebook", str(export)])
    assert out.exit_code == 0, out.output
    assert "marked not codable" in out.output and "BARRIERS" in out.output
    second = tmp_path / "again.qdpx"
    assert runner.invoke(cli, ["--project", str(again), "coding", "export-qdpx", "--out", str(second)]).exit_code == 0
    sets = _qde(second).findall("q:Sets/q:Set", ns)
    assert [(s.get("name"), s.get("guid"), [m.get("targetGUID") for m in s.findall("q:MemberCode", ns)])
            for s in sets] == [("Rooms", "bbbbbbbb-0000-0000-0000-000000000001",
                                ["aaaaaaaa-0000-0000-0000-000000000002", "aaaaaaaa-0000-0000-0000-000000000003"])]


def test_an_unknown_code_says_which_codebooks_were_used_and_how_to_add_ones_own(tmp_path: Path) -> None:
    """A coder's sheet of codes from the team's own codebook (ROOM) stopped with 'unknown code' and no word of
    --codebook (new-user walk): the hint names the codebooks checked and how to add one's own; with it, it lands."""
    folder = _project(tmp_path)
    sheet = tmp_path / "blake.csv"
    sheet.write_text("transcript_id,quote,code\nT1,no private room,ROOM\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(sheet), "--coder", "blake"])
    assert out.exit_code == 2
    assert "codes were checked against the codebooks cfir2, cfir_outcomes, mio;" in out.output
    assert "--codebook cfir2 --codebook my-codebook.csv" in out.output
    book = tmp_path / "mine.csv"
    book.write_text("id,name,refines\nROOM,Space for sessions,IS.J2\n", encoding="utf-8")
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(sheet), "--coder", "blake",
                              "--codebook", "cfir2", "--codebook", str(book)])
    assert out.exit_code == 0, out.output


ATLAS_26_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Trial" origin="ATLAS.ti 26.1.2 macOS" basePath="file:///Users/a/Documents">
<Users><User guid="AAAAAAAA-0000-0000-0000-000000000001" name="Coder A"/>
<User guid="AAAAAAAA-0000-0000-0000-000000000002" name="Coder B"/></Users>
<CodeBook><Codes><Code guid="CCCCCCCC-0000-0000-0000-000000000001" name="hello" isCodable="true"/>
<Code guid="CCCCCCCC-0000-0000-0000-000000000002" name="test" isCodable="true"/></Codes></CodeBook>
<Sources>
<VideoSource guid="DDDDDDDD-0000-0000-0000-000000000001" name="clip.MP4" path="relative:///DDDDDDDD-0000-0000-0000-000000000009.mov">
<VideoSelection guid="EEEEEEEE-0000-0000-0000-000000000001" name="29s" begin="29000" end="31000"
 creatingUser="AAAAAAAA-0000-0000-0000-000000000001"><Description>a comment</Description>
<Coding guid="FFFFFFFF-0000-0000-0000-000000000001" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
<CodeRef targetGUID="CCCCCCCC-0000-0000-0000-000000000001"/></Coding></VideoSelection>
<VideoSelection guid="EEEEEEEE-0000-0000-0000-000000000002" name="21s" begin="21477" end="21477"
 creatingUser="AAAAAAAA-0000-0000-0000-000000000001"><Description>zero length</Description></VideoSelection>
</VideoSource>
<TextSource guid="DDDDDDDD-0000-0000-0000-000000000002" name="INT01" plainTextPath="internal://DDDDDDDD-0000-0000-0000-000000000002.txt">
<PlainTextSelection guid="EEEEEEEE-0000-0000-0000-000000000003" name="q1" startPosition="3" endPosition="35"
 creatingUser="AAAAAAAA-0000-0000-0000-000000000002">
<Coding guid="FFFFFFFF-0000-0000-0000-000000000002" creatingUser="AAAAAAAA-0000-0000-0000-000000000002">
<CodeRef targetGUID="CCCCCCCC-0000-0000-0000-000000000002"/></Coding></PlainTextSelection></TextSource>
</Sources></Project>
"""


def test_an_atlas_ti_26_archive_whose_qde_is_named_after_the_project(tmp_path: Path) -> None:
    """ATLAS.ti 26 names the XML inside the archive after its project (Trial.qde, even in an archive
    saved as Project.qdpx; described by the conformance notes of Ornio-app/qdpx-toolkit, whose two
    real exports could not be fetched here), and exports video selections, a zero-length one
    included. The archive is read as the codebook and as a project: text codings land, both users
    are kept, the video source is reported, not refused."""
    import zipfile

    path = tmp_path / "Project.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Trial.qde", ATLAS_26_QDE)
        archive.writestr("sources/DDDDDDDD-0000-0000-0000-000000000002.txt", "I: We had no private room most days.\n")
    folder = tmp_path / "study"
    with Project.create(folder):
        pass
    out = CliRunner().invoke(cli, ["--project", str(folder), "coding", "import", str(path), "--codebook", str(path)])
    assert out.exit_code == 0, out.output
    assert "1 picture, PDF, audio or video source(s) were not imported" in out.output
    with Project.open(folder) as project:
        rows = project.codings()
    assert list(zip(rows["code"], rows["coder"], rows["text"])) == [("TEST", "Coder B", "We had no private room most days")]
    export = tmp_path / "again.qdpx"
    assert CliRunner().invoke(cli, ["--project", str(folder), "coding", "export-qdpx", "--out", str(export)]).exit_code == 0
    root = _qde(export)
    ns = "{urn:QDA-XML:project:1.0}"
    assert sorted(u.get("name") for u in root.iter(f"{ns}User")) == ["Coder A", "Coder B"]
    assert {c.get("guid"): c.get("name") for c in root.iter(f"{ns}Code")} == {
        "CCCCCCCC-0000-0000-0000-000000000001": "hello", "CCCCCCCC-0000-0000-0000-000000000002": "test"}


def test_a_reconciliation_sheet_note_counts_one_row_in_the_singular() -> None:
    """New-user walk: "1 rows undecided"."""
    from types import SimpleNamespace

    from mio_qual.coding.importing import CodingImport

    done = CodingImport()
    decision = SimpleNamespace(file="rec/decided.xlsx", into="reconciled", inserted=3, removed=0, decided=1,
                               undecided=1)
    more = SimpleNamespace(file="rec/other.xlsx", into="reconciled", inserted=0, removed=0, decided=4, undecided=0)
    done.add_sheets(SimpleNamespace(files=[], inserted=0, removed=0, skipped=[], unchanged=0, warnings=[],
                                    decisions=[decision, more]))
    assert done.notes == ["decided.xlsx: 1 decision, 1 row undecided", "other.xlsx: 4 decisions, 0 rows undecided"]

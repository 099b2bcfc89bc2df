"""REFI-QDA projects written by QDA programs, kept byte for byte as those programs wrote them (origin
and licence of each file: tests/data/README.md). What each file holds is read here with the standard
library's XML parser, independently of mio-qual's REFI reader."""

from __future__ import annotations

import csv
import io
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import REPO
from helpers.cli import run_captured
from mio_qual import Project
from mio_qual.codebook import load_codebooks

INTEROP = REPO / "tests" / "data" / "interop"
NVIVO15_MAC = INTEROP / "nvivo15_mac_project.qdpx"
Q = "{urn:QDA-XML:project:1.0}"


def project_xml(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".qde")]
        return ET.fromstring(archive.read(name))


def code_tree(root: ET.Element) -> set[tuple[str, str, str | None]]:
    """(GUID, name, parent GUID) of every code, GUIDs in lower case."""
    out: set[tuple[str, str, str | None]] = set()

    def walk(element: ET.Element, parent: str | None) -> None:
        for code in element.findall(f"{Q}Code"):
            out.add((code.get("guid").lower(), code.get("name"), parent))
            walk(code, code.get("guid").lower())

    walk(root.find(f"{Q}CodeBook/{Q}Codes"), None)
    return out


def users(root: ET.Element) -> set[tuple[str, str]]:
    return {(u.get("guid").lower(), u.get("name")) for u in root.findall(f"{Q}Users/{Q}User")}


def import_with_own_codebook(tmp_path: Path, path: Path) -> tuple[Path, str, str]:
    """A new project (CLI ``init``) with ``path`` imported under its own codebook: (project, stdout, stderr)."""
    project = tmp_path / "study"
    code, _, err = run_captured(project, "init", project)
    assert code == 0, err
    code, out, err = run_captured(project, "coding", "import", path, "--codebook", path)
    assert code == 0, err
    return project, out, err


def test_the_nvivo_file_is_what_the_readme_says() -> None:
    root = project_xml(NVIVO15_MAC)
    assert root.get("origin") == "NVivo for Mac 15.0.0"
    tree = code_tree(root)
    assert len(tree) == 262 and sum(1 for _, _, parent in tree if parent is None) == 3
    assert users(root) == {("1b0b1791-be46-4557-9957-7333544cfaf2", "chrisp"),
                           ("39633935-3331-3962-6632-373436373264", "cp")}
    assert not root.findall(f".//{Q}PlainTextSelection")


def test_nvivo_15_mac_project_is_a_codebook_with_its_tree_and_guids() -> None:
    want = code_tree(project_xml(NVIVO15_MAC))
    book = load_codebooks([NVIVO15_MAC])
    by_id = {c.id: c for c in book}
    got = {(c.guid.lower(), c.name, by_id[c.parent].guid.lower() if c.parent else None) for c in book}
    assert got == want
    assert all(book.by_guid(guid) for guid, _, _ in want)


def test_nvivo_15_mac_project_import_export_import_keeps_users_and_codes(tmp_path: Path) -> None:
    root = project_xml(NVIVO15_MAC)
    project, _, err = import_with_own_codebook(tmp_path, NVIVO15_MAC)
    # NVivo wrote its two sources as empty text files: said, not imported
    assert err.count("has no text; not imported") == 2
    out = tmp_path / "back.qdpx"
    code, _, err = run_captured(project, "coding", "export-qdpx", "--out", out)
    assert code == 0, err
    exported = project_xml(out)
    assert users(exported) == users(root)  # neither user has codings; both are kept
    assert code_tree(exported) == code_tree(root)  # every code, its name, GUID and place
    again = Project.create(tmp_path / "again")
    again.import_qdpx(out, codebook=out)
    second = tmp_path / "second.qdpx"
    again.export_qdpx(second)
    assert code_tree(project_xml(second)) == code_tree(root) and users(project_xml(second)) == users(root)


# --- QualCoder 4.0 Beta: its own REFI-QDA project export of a small project (tests/data/README.md) ---

QUALCODER = INTEROP / "qualcoder" / "interop_test.qdpx"


def qualcoder_selections(root: ET.Element) -> list[dict[str, str | int | None]]:
    """Every PlainTextSelection with its one Coding, as QualCoder wrote it."""
    out = []
    for sel in root.iter(f"{Q}PlainTextSelection"):
        (coding,) = sel.findall(f"{Q}Coding")
        description = sel.find(f"{Q}Description")
        out.append({"selection": sel.get("guid"), "coding": coding.get("guid"),
                    "start": int(sel.get("startPosition")), "end": int(sel.get("endPosition")),
                    "text": sel.get("name"), "user": sel.get("creatingUser"),
                    "code": coding.find(f"{Q}CodeRef").get("targetGUID"),
                    "created": sel.get("creationDateTime"),
                    "memo": description.text if description is not None else None})
    return out


def test_the_qualcoder_file_is_what_the_readme_says() -> None:
    root = project_xml(QUALCODER)
    assert root.get("origin") == "QualCoder 4.0 Beta"
    assert {name for _, name in users(root)} == {"ana", "ben"}
    tree = code_tree(root)
    assert {name for _, name, _ in tree} == {"Leadership", "Champion", "Barriers", "Cost", "Staff time"}
    # QualCoder's code category is a code that cannot be coded, its codes under it
    (barriers,) = [c for c in root.iter(f"{Q}Code") if c.get("name") == "Barriers"]
    assert barriers.get("isCodable") == "false" and len(barriers.findall(f"{Q}Code")) == 2
    (source,) = root.iter(f"{Q}TextSource")
    with zipfile.ZipFile(QUALCODER) as archive:
        raw = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://"))
    # QualCoder writes the text with a byte order mark and counts positions in code points from
    # the first character after it (the emoji is one position, two UTF-16 units)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    sels = qualcoder_selections(root)
    assert len(sels) == 6 and "\U0001f4aa" in text
    assert all(text[s["start"]:s["end"]] == s["text"] for s in sels)


def test_qualcoder_codings_land_on_their_words_with_their_coders_and_memos(tmp_path: Path) -> None:
    root = project_xml(QUALCODER)
    user_names = {guid: name for guid, name in users(root)}
    project = Project.create(tmp_path / "study")
    project.import_qdpx(QUALCODER, codebook=QUALCODER)
    book = load_codebooks([QUALCODER])
    got = project.codings()
    assert len(got) == 6 and set(got["transcript_id"]) == {"interview_01"}
    want = sorted((s["start"], s["end"], s["text"], user_names[s["user"]], s["code"], s["memo"] or "")
                  for s in qualcoder_selections(root))
    have = sorted((int(r.start), int(r.end), r.text, r.coder, book.get(r.code).guid.lower(),
                   r.memo if isinstance(r.memo, str) else "") for r in got.itertuples())
    assert have == want
    # the speaker labels of the interview are read from the text QualCoder exported
    assert set(got["speaker"]) == {"P01"}


def test_qualcoder_project_import_export_import_keeps_its_objects(tmp_path: Path) -> None:
    root = project_xml(QUALCODER)
    project, _, _ = import_with_own_codebook(tmp_path, QUALCODER)
    out = tmp_path / "back.qdpx"
    code, _, err = run_captured(project, "coding", "export-qdpx", "--out", out)
    assert code == 0, err
    exported = project_xml(out)
    assert users(exported) == users(root)
    assert code_tree(exported) == code_tree(root)
    codable = {c.get("guid"): c.get("isCodable") for c in root.iter(f"{Q}Code")}
    assert {c.get("guid"): c.get("isCodable") for c in exported.iter(f"{Q}Code")} == codable

    def kept(sels: list[dict]) -> set[tuple]:
        return {(s["selection"], s["coding"], s["start"], s["end"], s["text"], s["user"], s["code"], s["created"],
                 s["memo"]) for s in sels}

    assert kept(qualcoder_selections(exported)) == kept(qualcoder_selections(root))

    def source(root: ET.Element) -> tuple:
        (src,) = root.iter(f"{Q}TextSource")
        description = src.find(f"{Q}Description")
        return (src.get("guid"), src.get("name"), src.get("creatingUser"), src.get("creationDateTime"),
                description.text if description is not None else None)

    # the source's own name, author, date and description (they were replaced by the transcript id
    # and the time of the import, and the description dropped, before)
    assert source(root) == ("4584331a-91ff-431d-a65e-31276ecbb13b", "interview_01.txt",
                            "832bf58b-7faa-40fd-a2e7-2bdd4ce7f5de", "2026-12-04T12:00:00Z", "first interview")
    assert source(exported) == source(root)
    xmlschema = pytest.importorskip("xmlschema")
    with zipfile.ZipFile(out) as archive:
        xmlschema.XMLSchema(str(REPO / "tests" / "data" / "refi-qda" / "Project.xsd")).validate(
            archive.read("project.qde").decode("utf-8"))
    again = Project.create(tmp_path / "again")
    again.import_qdpx(out, codebook=out)
    second = tmp_path / "second.qdpx"
    again.export_qdpx(second)
    assert kept(qualcoder_selections(project_xml(second))) == kept(qualcoder_selections(root))
    assert users(project_xml(second)) == users(root) and code_tree(project_xml(second)) == code_tree(root)
    assert source(project_xml(second)) == source(root)


QUALCODER_CASES = INTEROP / "qualcoder" / "cases_and_notes.qdpx"


def test_qualcoder_cases_variables_and_notes(tmp_path: Path) -> None:
    """QualCoder's export of a project with a case, case and file variables, a journal and an
    annotation. Its case points at a GUID that is no source of the file (QualCoder 4.0 gives the
    SourceRef its rich-text file's GUID): said, not silently dropped; the file's own variable, the
    journal (text in a file of the archive) and the annotation come in and go back out."""
    root = project_xml(QUALCODER_CASES)
    (case,) = root.iter(f"{Q}Case")
    (ref,) = case.findall(f"{Q}SourceRef")
    (source,) = root.iter(f"{Q}TextSource")
    assert case.get("name") == "P01" and ref.get("targetGUID") != source.get("guid")
    with zipfile.ZipFile(QUALCODER_CASES) as archive:
        assert f"sources/{ref.get('targetGUID')}.txt" in archive.namelist()  # the file it means
    notes = {n.get("guid"): n for n in root.iter(f"{Q}Note")}
    journal = next(n for n in notes.values() if n.get("name") == "Reflexive memo")
    with zipfile.ZipFile(QUALCODER_CASES) as archive:
        journal_text = archive.read(journal.get("plainTextPath").replace("internal://", "sources/")).decode("utf-8-sig")
    assert journal_text == "Money came up before I asked about it."

    project, out, err = import_with_own_codebook(tmp_path, QUALCODER_CASES)
    said = " ".join((out + err).split())
    assert "case 'P01' refers to 1 source(s) not imported from the file" in said
    assert "values (role, years_in_post) are not kept" in said
    code, listed, err = run_captured(project, "transcripts", "list", "--format", "csv")
    assert code == 0, err
    (row,) = csv.DictReader(io.StringIO(listed))
    assert (row["transcript_id"], row["site"]) == ("interview_01", "Clinic A")  # the file variable
    back = tmp_path / "back.qdpx"
    code, _, err = run_captured(project, "coding", "export-qdpx", "--out", back)
    assert code == 0, err
    exported = project_xml(back)
    # the source's own variable, by name and value
    (src,) = exported.iter(f"{Q}TextSource")
    variables = {v.get("guid"): v.get("name") for v in exported.iter(f"{Q}Variable")}
    values = {variables[vv.find(f"{Q}VariableRef").get("targetGUID")]: vv.find(f"{Q}TextValue").text
              for vv in src.findall(f"{Q}VariableValue")}
    assert values == {"site": "Clinic A"}
    # the journal and the annotation keep their GUIDs, authors, dates and text
    out_notes = {n.get("guid"): n for n in exported.iter(f"{Q}Note")}
    for guid, note in notes.items():
        text = journal_text if note is journal else note.find(f"{Q}PlainTextContent").text
        kept = out_notes[guid]
        assert (kept.get("name"), kept.get("creatingUser"), kept.get("creationDateTime"),
                kept.find(f"{Q}PlainTextContent").text) == (note.get("name"), note.get("creatingUser"),
                                                          note.get("creationDateTime"), text)
    assert [r.get("targetGUID") for r in src.findall(f"{Q}NoteRef")] == [
        r.get("targetGUID") for r in source.findall(f"{Q}NoteRef")]


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_qualcoder_annotation_span_variable_descriptions_and_project_description_round_trip(
        tmp_path: Path, offsets: str) -> None:
    """Export lost the range a QualCoder annotation is tied to (its Note's PlainTextSelection), the
    variables' descriptions and the project's own Description (found in session 5). They now come in
    and go back out, schema-valid, and survive a second import/export."""
    root = project_xml(QUALCODER_CASES)
    (source,) = root.iter(f"{Q}TextSource")
    with zipfile.ZipFile(QUALCODER_CASES) as archive:
        raw = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8-sig")
    (annotation,) = [n for n in root.iter(f"{Q}Note") if n.find(f"{Q}PlainTextSelection") is not None]
    selection = annotation.find(f"{Q}PlainTextSelection")
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    annotated = raw[start:end]  # QualCoder counts code points after the BOM
    assert annotated == "Money, mostly"
    described = {v.get("name"): (v.get("guid"), (v.findtext(f"{Q}Description") or "")) for v in root.iter(f"{Q}Variable")}
    assert described["site"] == ("3e2d65bb-f947-42b3-a16a-aaa3025b5dea", "clinic of the interview")
    assert root.findtext(f"{Q}Description") == "Interop test project for mio-qual"

    project = Project.create(tmp_path / "p")
    project.import_qdpx(QUALCODER_CASES, codebook=QUALCODER_CASES)
    text = project.text("interview_01")
    for round_ in (1, 2):
        out = tmp_path / f"out{round_}.qdpx"
        project.export_qdpx(out, offsets=offsets)
        exported = project_xml(out)
        (note,) = [n for n in exported.iter(f"{Q}Note") if n.get("guid") == annotation.get("guid")]
        span = note.find(f"{Q}PlainTextSelection")
        assert span is not None and span.get("guid") == selection.get("guid")
        p0, p1 = int(span.get("startPosition")), int(span.get("endPosition"))
        exported_text = text if offsets == "codepoint" else text.encode("utf-16-le")
        got = exported_text[p0:p1] if offsets == "codepoint" else exported_text[2 * p0:2 * p1].decode("utf-16-le")
        assert got == annotated
        variables = {v.get("name"): (v.get("guid"), v.findtext(f"{Q}Description") or "") for v in exported.iter(f"{Q}Variable")}
        assert variables["site"] == described["site"]
        assert exported.findtext(f"{Q}Description") == "Interop test project for mio-qual"
        xmlschema = pytest.importorskip("xmlschema")
        with zipfile.ZipFile(out) as archive:
            xmlschema.XMLSchema(str(REPO / "tests" / "data" / "refi-qda" / "Project.xsd")).validate(
                archive.read("project.qde").decode("utf-8"))
        project.close()
        project = Project.create(tmp_path / f"again{round_}")  # the export imported anew gives it all back
        project.import_qdpx(out, codebook=out)
        assert project.text("interview_01") == text
    project.close()


def test_a_qualcoder_source_matched_to_a_stored_transcript_keeps_the_transcripts_id(tmp_path: Path) -> None:
    """The source's own name goes back out only when the transcript is named after it: matched by
    its text to a transcript stored as INT01, it is exported as INT01 (its author, date and
    description still its own)."""
    root = project_xml(QUALCODER)
    (source,) = root.iter(f"{Q}TextSource")
    with zipfile.ZipFile(QUALCODER) as archive:
        raw = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://"))
    project = tmp_path / "study"
    assert run_captured(project, "init", project)[0] == 0
    (tmp_path / "INT01.txt").write_bytes(raw)
    assert run_captured(project, "import", tmp_path / "INT01.txt")[0] == 0
    code, out, err = run_captured(project, "coding", "import", QUALCODER, "--codebook", QUALCODER)
    assert code == 0, err
    assert "1 matched to stored ones" in " ".join((out + err).split())
    back = tmp_path / "back.qdpx"
    assert run_captured(project, "coding", "export-qdpx", "--out", back)[0] == 0
    (exported,) = project_xml(back).iter(f"{Q}TextSource")
    assert (exported.get("guid"), exported.get("name"), exported.get("creatingUser"),
            exported.get("creationDateTime")) == (source.get("guid"), "INT01", source.get("creatingUser"),
                                                  source.get("creationDateTime"))
    assert exported.find(f"{Q}Description").text == "first interview"


def _store_dump(folder: Path) -> str:
    """Every table of a project's store as SQL, the times of the import (``now_iso``: ``+00:00``) masked."""
    import re
    import sqlite3

    connection = sqlite3.connect(folder / "mio-qual.db")
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "<now>", dump)


@pytest.mark.parametrize("path", [NVIVO15_MAC, QUALCODER, QUALCODER_CASES], ids=lambda p: p.name)
def test_a_real_file_read_a_selection_at_a_time_gives_the_same_project(tmp_path: Path, path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: a source's selections wait in the scratch database in chunks and are planned chunk by chunk
    (its offset convention scored over the chunks). With chunks of one selection, the files NVivo and
    QualCoder wrote give the same store, table by table (codings in code points, GUIDs, creators, dates,
    memos, notes, cases), as read whole."""
    from mio_qual.coding import refi_import
    from mio_qual.store import qdpx_spill

    whole = Project.create(tmp_path / "whole")
    whole.import_qdpx(path, codebook=path)
    whole.close()
    monkeypatch.setattr(refi_import, "CHUNK", 1)
    monkeypatch.setattr(qdpx_spill, "MEMORY_ROWS", 0)
    chunked = Project.create(tmp_path / "chunked")
    chunked.import_qdpx(path, codebook=path)
    chunked.close()
    assert _store_dump(tmp_path / "chunked") == _store_dump(tmp_path / "whole")

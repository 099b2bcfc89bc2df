"""REFI-QDA projects (.qdpx): round trips, export checked against the schema, and hand-built
files in the styles of NVivo, ATLAS.ti and MAXQDA."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from helpers import REPO, project_state
from mio_qual import Project
from mio_qual.coding import Coding
from mio_qual.errors import InputError

XSD = REPO / "tests" / "data" / "refi-qda" / "Project.xsd"  # shipped: see tests/data/README.md
NS = "urn:QDA-XML:project:1.0"

# Transcripts with everything that makes offsets drift: a BOM and CRLF, an emoji (two UTF-16
# units), a ZWJ family emoji, decomposed accents (NFD in the file, NFC in the canonical text),
# curly quotes and dashes, trailing spaces.
T1 = ("\ufeffINTERVIEWER: How did the first MIO sessions go?   \r\n\r\n"
      "PARTICIPANT: Honestly \U0001F600 we had no room. The \u201cfamily room\u201d was booked \u2014 every week.\r\n"
      "The cafe\u0301 down the hall was our office for a while.\r\n")
T2 = ("I: Tell me about supervision.\n\n"
      "R: Supervision is \u2018protected\u2019 \U0001F469\u200d\U0001F467 two hours, every Thursday. Nai\u0308ve me "
      "thought it would slip.\n\nI: And recording?\n\nR: Recording felt awkward at first \U0001F62C but now it's routine.\n")


@pytest.fixture(autouse=True, params=["in memory", "on disk", "chunks in memory", "chunks on disk"])
def spill_mode(request, monkeypatch):
    """Every test four times: the import's rows kept in memory (a small file) and in its scratch database
    (what a file of more than MEMORY_ROWS selections gets), and each source's selections read, scored and
    placed in chunks of two (what a source of more than CHUNK selections gets; issue 21): the same results
    every way."""
    from mio_qual.coding import refi_import
    from mio_qual.store import qdpx_spill

    if request.param.endswith("on disk"):
        monkeypatch.setattr(qdpx_spill, "MEMORY_ROWS", 0)
        monkeypatch.setattr(qdpx_spill, "TEXT_MEMORY", 0)  # texts and new transcripts wait on disk too
    if request.param.startswith("chunks"):
        monkeypatch.setattr(refi_import, "CHUNK", 2)
    return request.param


@pytest.fixture(scope="module")
def codebook():
    from mio_qual.codebook import load_codebooks

    return load_codebooks(["cfir2", "mio"])


def span(text: str, phrase: str) -> tuple[int, int]:
    phrase = unicodedata.normalize("NFC", phrase)
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture()
def coded(tmp_path, codebook):
    """A project with two tricky transcripts coded by two coders (with memos)."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "T1.txt").write_bytes(T1.encode("utf-8"))
    (folder / "T2.txt").write_bytes(T2.encode("utf-8"))
    (folder / "manifest.csv").write_text(
        "transcript_id,file,agency,clinic,participant_id,role,kind,years\n"
        "T1,T1.txt,riverbend,northside,S01,counselor,interview,6\n"
        "T2,T2.txt,harbor,downtown,S02,supervisor,interview,11\n", encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_transcripts([folder])
    t1, t2 = project.text("T1"), project.text("T2")
    ab = [
        Coding("T1", *span(t1, "\U0001F600 we had no room"), "IS.J2", "AB", memo="emoji inside"),
        Coding("T1", *span(t1, "\u201cfamily room\u201d"), "IS.J2", "AB"),
        Coding("T1", *span(t1, "cafe\u0301 down the hall"), "IS.A1", "AB", memo="accent & <markup>"),
        Coding("T2", *span(t2, "\u2018protected\u2019 \U0001F469\u200d\U0001F467 two hours"), "MIO.SUPV", "AB"),
        Coding("T2", *span(t2, "Recording felt awkward at first \U0001F62C"), "MIO.REC", "AB"),
    ]
    cd = [
        Coding("T1", *span(t1, "we had no room. The"), "IS.J2", "CD"),
        Coding("T2", *span(t2, "Nai\u0308ve me thought it would slip."), "MIO.SUPV", "CD", memo="line\nbreak"),
        Coding("T2", *span(t2, "Recording felt awkward"), "IS.A3", "CD"),
    ]
    project.write_codings(ab, coder="AB", codebook=codebook, source_file="AB.docx")
    project.write_codings(cd, coder="CD", codebook=codebook, source_file="CD.xlsx")
    yield project
    project.close()


def codings_of(project: Project) -> set[tuple]:
    rows = project.store.connection.execute(
        "SELECT c.transcript_id, c.start, c.end, c.code, c.coder, c.memo, substr(t.text, c.start + 1, c.end - c.start)"
        " FROM codings c JOIN transcripts t ON t.id = c.transcript_id").fetchall()
    return set(rows)


def qde_root(path: Path):
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as archive:
        return fromstring(archive.read("project.qde"))


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


# ---------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_round_trip_gives_identical_codings(coded, codebook, tmp_path, offsets):
    out = tmp_path / "study.qdpx"
    result = coded.export_qdpx(out, offsets=offsets)
    assert (result.sources, result.codings, sorted(result.coders)) == (2, 8, ["AB", "CD"])
    fresh = Project.create(tmp_path / "fresh")
    imported = fresh.import_qdpx(out, codebook=codebook)
    assert sorted(imported.added) == ["T1", "T2"]
    assert fresh.texts() == coded.texts()
    assert codings_of(fresh) == codings_of(coded)
    assert {s.convention for s in imported.sources} == {offsets}
    meta = fresh.transcripts().set_index("transcript_id")
    assert meta.loc["T1", "clinic"] == "northside" and meta.loc["T2", "role"] == "supervisor"
    assert meta.loc["T1", "refi_cases"] == "northside"
    assert {w.coder: w.inserted for w in imported.writes} == {"AB": 5, "CD": 3}


def test_reimport_matches_stored_transcripts_and_replaces_its_own_codings(coded, codebook, tmp_path):
    out = tmp_path / "study.qdpx"
    coded.export_qdpx(out, coders=["AB"])
    before = codings_of(coded)
    first = coded.import_qdpx(out, codebook=codebook)
    assert [s.match for s in first.sources] == ["text", "text"] and first.added == []
    # the same codings, brought by a file of another name, are recognised and not doubled
    assert first.n_codings == 0 and any("5 coding(s) are already in the project" in w for w in first.warnings)
    second = coded.import_qdpx(out, codebook=codebook)
    assert second.n_codings == 0
    assert codings_of(coded) == before
    assert coded.store.connection.execute(
        "SELECT COUNT(*) FROM transcripts").fetchone()[0] == 2
    # a coding added in the QDA program is new: only it comes in, and importing again replaces it
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde").decode("utf-8")
        members = {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}
    t2 = coded.text("T2")
    start, end = span(t2, "Tell me about supervision.")
    first_selection = qde.index("<PlainTextSelection")
    selection = qde[first_selection:qde.index("</PlainTextSelection>", first_selection) + len("</PlainTextSelection>")]
    fresh_guids = iter(f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 10))
    added = re.sub(r'guid="[^"]+"', lambda m: f'guid="{next(fresh_guids)}"', selection)
    added = re.sub(r'startPosition="\d+" endPosition="\d+"', f'startPosition="{start}" endPosition="{end}"', added)
    t2_source = qde.index(">", qde.index('name="T2"')) + 1
    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(edited, "w") as archive:
        archive.writestr("project.qde", qde[:t2_source] + added + qde[t2_source:])
        for name, data in members.items():
            archive.writestr(name, data)
    third = coded.import_qdpx(edited, codebook=codebook)
    assert third.n_codings == 1
    assert len(codings_of(coded)) == len(before) + 1


def test_the_same_file_imported_again_is_unchanged_and_writes_nothing(coded, codebook, tmp_path):
    """Issue 21 / B9 for .qdpx: an identical re-import replaced every coding and added an audit entry."""
    from click.testing import CliRunner

    from mio_qual.cli.main import _group as cli

    out = tmp_path / "study.qdpx"
    coded.export_qdpx(out)
    fresh = Project.create(tmp_path / "fresh")
    first = fresh.import_qdpx(out, codebook=codebook)
    assert first.n_codings == 8 and not first.unchanged
    entries, state = len(fresh.log()), project_state(fresh.folder)
    again = fresh.import_qdpx(out, codebook=codebook)
    assert again.unchanged and again.n_codings == 0
    assert {w.coder: (w.inserted, w.removed, w.unchanged) for w in again.writes} == {"AB": (0, 0, 5), "CD": (0, 0, 3)}
    assert "unchanged since its last import" in again.lines()[0]
    assert len(fresh.log()) == entries and project_state(fresh.folder) == state
    fresh.close()
    said = CliRunner().invoke(cli, ["--project", str(tmp_path / "fresh"), "coding", "import", str(out)])
    assert said.exit_code == 0, said.output
    assert "unchanged: the 8 codings of 1 file(s) into layers AB, CD are those the same file(s) brought before" \
        in " ".join(said.output.split()) and "replaced" not in said.output
    fresh = Project.open(tmp_path / "fresh")
    assert len(fresh.log()) == entries and project_state(fresh.folder) == state
    # what the file brought, changed in the project: the same file writes it back
    fresh.store.connection.execute("UPDATE codings SET memo = 'edited' WHERE coder = 'CD'")
    fresh.store.connection.commit()
    back = fresh.import_qdpx(out, codebook=codebook)
    assert not back.unchanged and {w.coder: (w.inserted, w.removed) for w in back.writes} == {"AB": (5, 5), "CD": (3, 3)}
    assert "edited" not in set(fresh.codings()["memo"].dropna())
    fresh.delete_layer("AB")
    assert not fresh.import_qdpx(out, codebook=codebook).unchanged and len(fresh.codings(coder="AB")) == 5
    fresh.close()


def test_a_file_differing_only_in_a_guid_or_a_note_is_written(coded, codebook, tmp_path):
    out = tmp_path / "study.qdpx"
    coded.export_qdpx(out)
    fresh = Project.create(tmp_path / "fresh")
    fresh.import_qdpx(out, codebook=codebook)
    with zipfile.ZipFile(out) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    qde = members["project.qde"].decode("utf-8")
    guid = re.search(r'<PlainTextSelection guid="([^"]+)"', qde).group(1)
    members["project.qde"] = qde.replace(guid, "00000000-0000-4000-8000-0000000000aa").encode("utf-8")
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    entries = len(fresh.log())
    result = fresh.import_qdpx(out, codebook=codebook)
    assert not result.unchanged and result.n_codings == 8 and len(fresh.log()) > entries
    assert fresh.import_qdpx(out, codebook=codebook).unchanged
    fresh.close()


def test_a_coding_twice_in_the_file_is_written_once_and_found_unchanged(coded, codebook, tmp_path):
    """The doubles are found in the scratch database (issue 21), not by holding a transcript's codings."""
    out = tmp_path / "study.qdpx"
    coded.export_qdpx(out, coders=["AB"])
    with zipfile.ZipFile(out) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    qde = members["project.qde"].decode("utf-8")
    first = qde.index("<PlainTextSelection")
    selection = qde[first:qde.index("</PlainTextSelection>", first) + len("</PlainTextSelection>")]
    fresh_guids = iter(f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 10))
    double = re.sub(r'guid="[^"]+"', lambda m: f'guid="{next(fresh_guids)}"', selection)
    members["project.qde"] = (qde[:first] + double + qde[first:]).encode("utf-8")
    doubled = tmp_path / "doubled.qdpx"
    with zipfile.ZipFile(doubled, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    fresh = Project.create(tmp_path / "fresh")
    result = fresh.import_qdpx(doubled, codebook=codebook)
    assert result.n_codings == 5 and len(fresh.codings()) == 5
    assert fresh.import_qdpx(doubled, codebook=codebook).unchanged
    fresh.close()


def test_coder_option_puts_every_coding_in_one_layer(coded, codebook, tmp_path):
    out = tmp_path / "study.qdpx"
    coded.export_qdpx(out)
    fresh = Project.create(tmp_path / "fresh")
    result = fresh.import_qdpx(out, codebook=codebook, coder="consensus-draft")
    assert [w.coder for w in result.writes] == ["consensus-draft"]
    layers = fresh.store.connection.execute("SELECT coder, COUNT(*) FROM codings GROUP BY coder").fetchall()
    assert layers == [("consensus-draft", 8)]  # AB's 5 and CD's 3 (no two share span and code)


# ---------------------------------------------------------------------------- export
def test_export_is_valid_against_the_refi_schema(coded, tmp_path):
    import xmlschema

    schema = xmlschema.XMLSchema(str(XSD))
    for offsets in ("codepoint", "utf16"):
        out = tmp_path / f"{offsets}.qdpx"
        coded.export_qdpx(out, offsets=offsets)
        with zipfile.ZipFile(out) as archive:
            schema.validate(archive.read("project.qde").decode("utf-8"))


def test_export_writes_code_points_into_canonical_utf8_files(coded, tmp_path):
    out = tmp_path / "study.qdpx"
    coded.export_qdpx(out)
    root = qde_root(out)
    t1 = coded.text("T1")
    with zipfile.ZipFile(out) as archive:
        for source in root.iter(q("TextSource")):
            member = "sources/" + source.get("plainTextPath").removeprefix("internal://")
            data = archive.read(member)
            assert data == coded.text(source.get("name")).encode("utf-8")  # no BOM, no CR, NFC
    source = next(s for s in root.iter(q("TextSource")) if s.get("name") == "T1")
    starts = sorted(int(sel.get("startPosition")) for sel in source.iter(q("PlainTextSelection")))
    assert t1.index("\U0001F600") in starts  # a code point offset, after the BOM was dropped
    users = {u.get("name"): u.get("guid") for u in root.iter(q("User"))}
    creators = {sel.get("creatingUser") for sel in source.iter(q("PlainTextSelection"))}
    assert creators == {users["AB"], users["CD"]}
    codes = {c.get("name") for c in root.iter(q("Code"))}
    assert {"IS.J2 Space", "MIO.REC Recording sessions for fidelity review", "IS Inner Setting"} <= codes
    inner = next(c for c in root.iter(q("Code")) if c.get("name") == "IS Inner Setting")
    assert "IS.J2 Space" in {c.get("name") for c in inner.iter(q("Code"))}  # nested under its domain
    cases = {c.get("name"): len(c.findall(q("SourceRef"))) for c in root.iter(q("Case"))}
    assert cases == {"downtown": 1, "northside": 1}


def test_export_is_deterministic_and_refuses_unknown_coders(coded, tmp_path):
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    coded.export_qdpx(a)
    coded.export_qdpx(b)
    assert a.read_bytes() == b.read_bytes()
    with pytest.raises(InputError, match="no codings by coder 'ZZ'"):
        coded.export_qdpx(tmp_path / "c.qdpx", coders=["ZZ"])
    assert not (tmp_path / "c.qdpx").exists()


def test_exported_codebook_codes_resolve_back(coded, codebook, tmp_path):
    out = tmp_path / "study.qdpx"
    coded.export_qdpx(out)
    for code in qde_root(out).iter(q("Code")):
        assert codebook.resolve(code.get("name")) == code.get("name").split(" ")[0]


# ---------------------------------------------------------------------------- hand-built files
def build_qdpx(path: Path, xml: str, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


NVIVO_TEXT = ("\ufeffInterviewer: What got in the way?\r\n\r\n"
              "Respondent: Space. \U0001F614 There is no private room; we use the group room.\r\n"
              "Respondent: And funding after the grant, nobody knows.\r\n"
              "Interviewer: Recording?\r\n"
              "Respondent: We record every session now \U0001F44D")


def nvivo_xml(text: str) -> str:
    """An NVivo-style project: UTF-16 positions counted on a CRLF file, upper-case GUIDs."""
    body = text.lstrip("\ufeff")  # NVivo counts from the first character after the BOM

    def sel(guid: str, phrase: str, user: str, code: str) -> str:
        a = u16(body[: body.index(phrase)])
        b = a + u16(phrase)
        return (f'<PlainTextSelection guid="{guid}" startPosition="{a}" endPosition="{b}" '
                f'creatingUser="{user}" creationDateTime="2025-05-01T10:00:00Z">'
                f'<Coding guid="{guid[:-3]}C01" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'
                f"</PlainTextSelection>")

    ana, chris = "AAAAAAAA-0000-0000-0000-000000000001", "AAAAAAAA-0000-0000-0000-000000000002"
    space, funding, rec = ("C0000000-0000-0000-0000-000000000003", "C0000000-0000-0000-0000-000000000004",
                           "C0000000-0000-0000-0000-000000000005")
    selections = "".join([
        sel("D0000000-0000-0000-0000-000000000001", "no private room; we use the group room.", ana, space),
        sel("D0000000-0000-0000-0000-000000000002", "funding after the grant", ana, funding),
        sel("D0000000-0000-0000-0000-000000000003", "Space. \U0001F614", chris, space),
        sel("D0000000-0000-0000-0000-000000000004", "record every session now \U0001F44D", chris, rec),
    ])
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="MIO NVivo" origin="NVivo 14" creatingUserGUID="{ana}">
  <Users><User guid="{ana}" name="Ana Bell"/><User guid="{chris}" name="Chris Dunn"/></Users>
  <CodeBook><Codes>
    <Code guid="C0000000-0000-0000-0000-000000000001" name="Inner Setting" isCodable="true">
      <Code guid="C0000000-0000-0000-0000-000000000002" name="Available Resources" isCodable="true">
        <Code guid="{space}" name="Space" isCodable="true"/>
        <Code guid="{funding}" name="Funding" isCodable="true"/>
      </Code>
    </Code>
    <Code guid="{rec}" name="Recording sessions for fidelity review" isCodable="true"/>
    <Code guid="C0000000-0000-0000-0000-000000000009" name="Not used anywhere" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="5E000000-0000-0000-0000-000000000001" name="INT77_westfield_counselor.docx"
        richTextPath="internal://5E000000-0000-0000-0000-000000000001.docx"
        plainTextPath="internal://5E000000-0000-0000-0000-000000000001.txt" creatingUser="{ana}">
      {selections}
    </TextSource>
  </Sources>
</Project>"""


def test_nvivo_style_utf16_offsets_on_a_crlf_source(project, codebook, tmp_path):
    path = build_qdpx(tmp_path / "nvivo.qdpx", nvivo_xml(NVIVO_TEXT), {
        "sources/5E000000-0000-0000-0000-000000000001.txt": NVIVO_TEXT.encode("utf-8"),
        "sources/5E000000-0000-0000-0000-000000000001.docx": b"PK not really a docx"})
    result = project.import_qdpx(path, codebook=codebook)
    assert result.added == ["INT77_westfield_counselor"]
    assert result.sources[0].convention == "utf16"
    text = project.text("INT77_westfield_counselor")
    got = {(r[0], r[1], text[r[2]:r[3]]) for r in project.store.connection.execute(
        "SELECT coder, code, start, end FROM codings")}
    assert got == {
        ("Ana Bell", "IS.J2", "no private room; we use the group room."),
        ("Ana Bell", "IS.J1", "funding after the grant"),
        ("Chris Dunn", "IS.J2", "Space. \U0001F614"),
        ("Chris Dunn", "MIO.REC", "record every session now \U0001F44D"),
    }
    assert result.codes == {"Space": "IS.J2", "Funding": "IS.J1",
                            "Recording sessions for fidelity review": "MIO.REC"}
    # turns were found by the ordinary reader
    assert project.transcript("INT77_westfield_counselor").turns


ATLAS_TEXT = ("Interviewer: How is supervision going?\n\n"
              "P3: Honestly it\u2019s the \u201cprotected\u201d time that keeps it alive. Our director, Rene\u0301e, "
              "guards it.\n\nP3: The cafe\u0301 down the hall is where we meet when the room is taken.\n")


def atlas_xml(text: str) -> str:
    """An ATLAS.ti-style project: code-point positions on an NFD file, quotation text as the
    selection name, the user on the selection only, braced GUIDs, a flat code list."""

    def sel(guid: str, phrase: str, code: str, name: str | None = None) -> str:
        a = text.index(phrase)
        return (f'<PlainTextSelection guid="{{{guid}}}" name="{name if name is not None else phrase}" '
                f'startPosition="{a}" endPosition="{a + len(phrase)}" creatingUser="{{11111111-2222-3333-4444-555555555555}}">'
                f'<Description>quotation comment</Description>'
                f'<Coding guid="{{{guid[:-2]}99}}"><CodeRef targetGUID="{{{code}}}"/></Coding></PlainTextSelection>')

    supv, space = "0A000000-0000-0000-0000-000000000001", "0A000000-0000-0000-0000-000000000002"
    selections = "".join([
        sel("0C000000-0000-0000-0000-000000000001", "the \u201cprotected\u201d time that keeps it alive", supv),
        sel("0C000000-0000-0000-0000-000000000002", "Our director, Rene\u0301e, guards it.", supv,
            "Our director, Rene\u0301e, g\u2026"),
        sel("0C000000-0000-0000-0000-000000000003", "cafe\u0301 down the hall", space),
    ])
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project name="MIO ATLAS" origin="ATLAS.ti 23" xmlns="urn:QDA-XML:project:1.0">
  <Users><User guid="{{11111111-2222-3333-4444-555555555555}}" name="dana"/></Users>
  <CodeBook><Codes>
    <Code guid="{{{supv}}}" name="MIO.SUPV MIO clinical supervision and consultation" isCodable="true" color="#ff0000"/>
    <Code guid="{{{space}}}" name="Space (IS.J2)" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{{0B000000-0000-0000-0000-000000000001}}" name="P3 interview"
        plainTextPath="internal://0B000000-0000-0000-0000-000000000001.txt">
      {selections}
    </TextSource>
  </Sources>
</Project>"""


def test_atlas_style_code_points_on_decomposed_accents(project, codebook, tmp_path):
    nfd = unicodedata.normalize("NFD", ATLAS_TEXT)
    assert nfd != unicodedata.normalize("NFC", nfd)
    path = build_qdpx(tmp_path / "atlas.qdpx", atlas_xml(nfd),
                      {"sources/0B000000-0000-0000-0000-000000000001.txt": nfd.encode("utf-8")})
    result = project.import_qdpx(path, codebook=codebook)
    assert result.added == ["P3_interview"]
    text = project.text("P3_interview")
    got = sorted((r[0], r[1], text[r[2]:r[3]], r[4]) for r in project.store.connection.execute(
        "SELECT coder, code, start, end, memo FROM codings"))
    assert got == [
        ("dana", "IS.J2", "café down the hall", "quotation comment"),
        ("dana", "MIO.SUPV", "Our director, Renée, guards it.", "quotation comment"),
        ("dana", "MIO.SUPV", "the \u201cprotected\u201d time that keeps it alive", "quotation comment"),
    ]


MAXQDA_TEXT = ("R: We lost three of five counselors this year.\n"
               "R: Caseworkers book visits on top of MIO sessions.\n"
               "R: Nobody can bill for the MIO hour")


def maxqda_xml(text: str) -> str:
    """A MAXQDA-style project: the text inline (PlainTextContent), positions counted with CRLF
    line breaks, no selection names, one user and no creatingUser, document variables and
    cases with case variables."""
    crlf = text.replace("\n", "\r\n")

    def sel(guid: str, phrase: str, code: str) -> str:
        a = crlf.index(phrase)
        return (f'<PlainTextSelection guid="{guid}" startPosition="{a}" endPosition="{a + len(phrase)}">'
                f'<Coding guid="{guid[:-1]}f"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')

    turn, cw, bill = ("ee000000-0000-0000-0000-000000000001", "ee000000-0000-0000-0000-000000000002",
                      "ee000000-0000-0000-0000-000000000003")
    role, clinic, agency, years = ("f0000000-0000-0000-0000-000000000001", "f0000000-0000-0000-0000-000000000002",
                                   "f0000000-0000-0000-0000-000000000003", "f0000000-0000-0000-0000-000000000004")
    src = "ab000000-0000-0000-0000-000000000001"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="MIO MAXQDA" origin="MAXQDA 2022">
  <Users><User guid="cc000000-0000-0000-0000-000000000001" name="Kim Lo"/></Users>
  <CodeBook><Codes>
    <Code guid="{turn}" name="Staff turnover and caseloads" isCodable="true"/>
    <Code guid="{cw}" name="Child-welfare involvement" isCodable="true"/>
    <Code guid="{bill}" name="Billing and reimbursement for MIO" isCodable="true"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{role}" name="Role" typeOfVariable="Text"/>
    <Variable guid="{clinic}" name="Clinic" typeOfVariable="Text"/>
    <Variable guid="{agency}" name="Agency" typeOfVariable="Text"/>
    <Variable guid="{years}" name="Years in role" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="ca000000-0000-0000-0000-000000000001" name="Downtown Clinic">
      <VariableValue><VariableRef targetGUID="{clinic}"/><TextValue>downtown</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{agency}"/><TextValue>harbor</TextValue></VariableValue>
      <SourceRef targetGUID="{src}"/>
    </Case>
    <Case guid="ca000000-0000-0000-0000-000000000002" name="Counselors">
      <SourceRef targetGUID="{src}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{src}" name="Downtown counselor 2">
      <PlainTextContent>{crlf}</PlainTextContent>
      {sel("5e000000-0000-0000-0000-000000000001", "three of five counselors", turn)}
      {sel("5e000000-0000-0000-0000-000000000002", "Caseworkers book visits", cw)}
      {sel("5e000000-0000-0000-0000-000000000003", "bill for the MIO hour", bill)}
      <VariableValue><VariableRef targetGUID="{role}"/><TextValue>counselor</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{years}"/><IntegerValue>4</IntegerValue></VariableValue>
    </TextSource>
  </Sources>
</Project>"""


def test_maxqda_style_inline_text_crlf_counting_cases_and_variables(project, codebook, tmp_path):
    path = build_qdpx(tmp_path / "maxqda.qdpx", maxqda_xml(MAXQDA_TEXT))
    result = project.import_qdpx(path, codebook=codebook)
    assert result.sources[0].convention == "codepoint+crlf"
    tid = "Downtown_counselor_2"
    text = project.text(tid)
    got = sorted((r[0], r[1], text[r[2]:r[3]]) for r in project.store.connection.execute(
        "SELECT coder, code, start, end FROM codings"))
    assert got == [("Kim Lo", "MIO.BILL", "bill for the MIO hour"),
                   ("Kim Lo", "MIO.CW", "Caseworkers book visits"),
                   ("Kim Lo", "MIO.TURN", "three of five counselors")]
    meta = project.transcripts().set_index("transcript_id").loc[tid]
    assert (meta["clinic"], meta["agency"], meta["role"]) == ("downtown", "harbor", "counselor")
    assert meta["Years in role"] == 4
    assert meta["refi_cases"] == "Counselors; Downtown Clinic"


# ---------------------------------------------------------------------------- matching stored transcripts
def test_source_matched_by_name_to_a_transcript_with_more_text(project, codebook, tmp_path):
    """NVivo's plain text of a Word file lacks the front matter mio-qual kept out of the
    canonical text; here the stored transcript has extra lines the .qdpx source lacks."""
    stored = "Title: Westfield interview\n\nI: What helps?\n\nR: The caseworkers come to sessions.\n\nI: Thanks."
    (tmp_path / "INT20.txt").write_text(stored, encoding="utf-8")
    project.import_transcripts([tmp_path / "INT20.txt"])
    source_text = "I: What helps?\r\n\r\nR: The caseworkers come to sessions.\r\n\r\nI: Thanks!"
    phrase = "caseworkers come to sessions"
    a = source_text.index(phrase)
    xml = f"""<?xml version="1.0"?>
<Project xmlns="{NS}" name="p"><Users><User guid="00000000-0000-0000-0000-0000000000aa" name="Lee"/></Users>
<CodeBook><Codes><Code guid="00000000-0000-0000-0000-0000000000c1" name="OS.D" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="00000000-0000-0000-0000-0000000000f1" name="INT20.docx">
<PlainTextContent>{source_text}</PlainTextContent>
<PlainTextSelection guid="00000000-0000-0000-0000-0000000000e1" startPosition="{a}" endPosition="{a + len(phrase)}">
<Coding guid="00000000-0000-0000-0000-0000000000e2"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c1"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="00000000-0000-0000-0000-0000000000e3" startPosition="{source_text.index('Thanks!')}"
  endPosition="{len(source_text)}">
<Coding guid="00000000-0000-0000-0000-0000000000e4"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c1"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    path = build_qdpx(tmp_path / "p.qdpx", xml)
    state = project_state(project.folder)
    with pytest.raises(InputError, match="'Thanks!' is not at the same place in transcript 'INT20'"):
        project.import_qdpx(path, codebook=codebook)
    assert project_state(project.folder) == state
    result = project.import_qdpx(path, codebook=codebook, skip_problems=True)
    assert result.sources[0].match == "id" and result.added == []
    assert len(result.skipped) == 1
    text = project.text("INT20")
    rows = project.store.connection.execute("SELECT code, start, end FROM codings").fetchall()
    assert [(c, text[s:e]) for c, s, e in rows] == [("OS.D", phrase)]


# ---------------------------------------------------------------------------- codes, coders, problems
def test_unknown_codes_are_listed_and_nothing_is_written(coded, codebook, tmp_path):
    xml = nvivo_xml(NVIVO_TEXT).replace('name="Space"', 'name="Room troubles"').replace(
        'name="Funding"', 'name="Money worries"')
    path = build_qdpx(tmp_path / "nvivo.qdpx", xml,
                      {"sources/5E000000-0000-0000-0000-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    state = project_state(coded.folder)
    with pytest.raises(InputError) as info:
        coded.import_qdpx(path, codebook=codebook)
    assert "2 code(s) applied in the project are not in the codebook" in str(info.value)
    assert any("'Room troubles'" in d for d in info.value.details)
    assert any("'Money worries'" in d for d in info.value.details)
    assert project_state(coded.folder) == state
    result = coded.import_qdpx(path, codebook=codebook, skip_problems=True)
    assert result.n_codings == 1 and len(result.skipped) == 2  # only the recording coding lands


def test_selection_without_user_needs_a_coder(project, codebook, tmp_path):
    xml = nvivo_xml(NVIVO_TEXT).replace('creatingUser="AAAAAAAA-0000-0000-0000-000000000002"', "")
    path = build_qdpx(tmp_path / "nvivo.qdpx", xml,
                      {"sources/5E000000-0000-0000-0000-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    with pytest.raises(InputError, match="2 coding.s. have no creatingUser.*pass --coder"):
        project.import_qdpx(path, codebook=codebook)
    assert project.transcripts().empty
    result = project.import_qdpx(path, codebook=codebook, coder="AB")
    assert [(w.coder, w.inserted) for w in result.writes] == [("AB", 4)]


def test_selection_off_the_end_is_a_problem(project, codebook, tmp_path):
    xml = nvivo_xml(NVIVO_TEXT).replace('endPosition="', 'endPosition="9', 1)
    path = build_qdpx(tmp_path / "nvivo.qdpx", xml,
                      {"sources/5E000000-0000-0000-0000-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    with pytest.raises(InputError, match=r"does not fit its text .* under any offset convention"):
        project.import_qdpx(path, codebook=codebook)
    assert project.transcripts().empty


# ---------------------------------------------------------------------------- CLI
def test_cli_export_then_import_into_a_fresh_project(coded, tmp_path):
    import subprocess
    import sys

    def run(*args: str, project: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "--project", str(project), *args],
                              capture_output=True, text=True)

    out = tmp_path / "cli.qdpx"
    done = run("coding", "export-qdpx", "--out", str(out), "--coder", "AB", project=coded.folder)
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr  # what was done is said on stderr (cli.common.say)
    assert "2 transcripts, 5 codings by 1 coder(s)" in " ".join(said.split())  # rich wraps lines
    Project.create(tmp_path / "fresh").close()
    done = run("coding", "import", str(out), "--format", "json", project=tmp_path / "fresh")
    assert done.returncode == 0, done.stderr
    assert '"inserted": 5' in done.stdout
    fresh = Project.open(tmp_path / "fresh")
    try:
        assert codings_of(fresh) == {row for row in codings_of(coded) if row[4] == "AB"}
    finally:
        fresh.close()
    state = project_state(tmp_path / "fresh")
    bad = build_qdpx(tmp_path / "bad.qdpx", '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project>&x;</Project>')
    done = run("coding", "import", str(bad), project=tmp_path / "fresh")
    assert done.returncode == 2 and "declares XML entities" in done.stderr and "Traceback" not in done.stderr
    assert project_state(tmp_path / "fresh") == state

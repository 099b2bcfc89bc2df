"""Lossless REFI-QDA round trip: import -> export -> import gives back users (also those without
codings), codes and their GUIDs, codings with creators and dates, cases, variables, sets, memos,
notes (free, on codes, on sources, on the project), whole-source codings and (through mio-qual's
extension note) coding origins."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mio_qual import Project
from mio_qual.coding import Coding
from mio_qual.coding.refi_common import EXTENSION_NOTE, parse_qde

NS = "urn:QDA-XML:project:1.0"
U_KIM, U_LEE, U_ANA = ("E0000000-0000-4000-8000-00000000000" + c for c in "123")
C_ROOT, C_ROOM, C_TIME, C_SITE = ("F0000000-0000-4000-8000-00000000000" + c for c in "1234")
S1, S2 = "B1000000-0000-4000-8000-000000000001", "B1000000-0000-4000-8000-000000000002"
V_ROLE = "A1000000-0000-4000-8000-000000000001"
N_CODE, N_SOURCE, N_FREE, N_PROJECT = ("9E000000-0000-4000-8000-00000000000" + c for c in "1234")
TEXT1 = "I: How is the space?\nR: We have no room on Tuesdays.\n"
TEXT2 = "I: And time?\nR: Time is short, always.\n"


def _pos(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def vendor_qde() -> str:
    r0, r1 = _pos(TEXT1, "no room on Tuesdays")
    t0, t1 = _pos(TEXT2, "Time is short")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="vendor" origin="MAXQDA 24">
 <Users><User guid="{U_KIM}" name="Kim"/><User guid="{U_LEE}" name="Lee"/><User guid="{U_ANA}" name="Ana"/></Users>
 <CodeBook><Codes>
  <Code guid="{C_ROOT}" name="Resources" isCodable="true" color="#123456">
   <Code guid="{C_ROOM}" name="Room" isCodable="true"><Description>Physical space.</Description>
    <NoteRef targetGUID="{N_CODE}"/></Code>
   <Code guid="{C_TIME}" name="Time" isCodable="true"/>
  </Code>
  <Code guid="{C_SITE}" name="Site visit" isCodable="true"/>
 </Codes></CodeBook>
 <Variables><Variable guid="{V_ROLE}" name="role" typeOfVariable="Text"/></Variables>
 <Cases><Case guid="C1000000-0000-4000-8000-000000000001" name="North clinic">
  <VariableValue><VariableRef targetGUID="{V_ROLE}"/><TextValue>counselor</TextValue></VariableValue>
  <SourceRef targetGUID="{S1}"/></Case></Cases>
 <Sources>
  <TextSource guid="{S1}" name="INT01.txt" plainTextPath="internal://{S1}.txt">
   <PlainTextSelection guid="D1000000-0000-4000-8000-000000000001" startPosition="{r0}" endPosition="{r1}"
      creatingUser="{U_KIM}" creationDateTime="2024-02-01T09:30:00Z">
    <Description>room booked by the other program</Description>
    <Coding guid="D2000000-0000-4000-8000-000000000001" creatingUser="{U_KIM}" creationDateTime="2024-02-01T09:30:00Z">
     <CodeRef targetGUID="{C_ROOM}"/></Coding>
   </PlainTextSelection>
   <Coding guid="D2000000-0000-4000-8000-000000000009" creatingUser="{U_LEE}" creationDateTime="2024-03-03T08:00:00Z">
    <CodeRef targetGUID="{C_SITE}"/></Coding>
   <NoteRef targetGUID="{N_SOURCE}"/>
  </TextSource>
  <TextSource guid="{S2}" name="INT02.txt" plainTextPath="internal://{S2}.txt">
   <PlainTextSelection guid="D1000000-0000-4000-8000-000000000002" startPosition="{t0}" endPosition="{t1}"
      creatingUser="{U_LEE}" creationDateTime="2024-02-02T10:00:00Z">
    <Coding guid="D2000000-0000-4000-8000-000000000002" creatingUser="{U_LEE}" creationDateTime="2024-02-02T10:00:00Z">
     <CodeRef targetGUID="{C_TIME}"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
 <Notes>
  <Note guid="{N_CODE}" name="About rooms" creatingUser="{U_ANA}" creationDateTime="2024-01-05T12:00:00Z">
   <PlainTextContent>Rooms are booked a week ahead.</PlainTextContent></Note>
  <Note guid="{N_SOURCE}" name="Interview context"><PlainTextContent>Held by phone.</PlainTextContent></Note>
  <Note guid="{N_FREE}" name="Ideas" creatingUser="{U_KIM}"><PlainTextContent>Compare with wave 2.</PlainTextContent></Note>
  <Note guid="{N_PROJECT}" name="Project log"><PlainTextContent>Codebook frozen in March.</PlainTextContent></Note>
 </Notes>
 <Sets><Set guid="5E000000-0000-4000-8000-000000000001" name="Wave 1"><MemberSource targetGUID="{S1}"/>
  <MemberSource targetGUID="{S2}"/></Set>
  <Set guid="5E000000-0000-4000-8000-000000000002" name="Barrier codes"><MemberCode targetGUID="{C_ROOM}"/></Set></Sets>
 <NoteRef targetGUID="{N_PROJECT}"/>
</Project>
"""


@pytest.fixture()
def vendor(tmp_path: Path) -> Path:
    path = tmp_path / "vendor.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", vendor_qde())
        archive.writestr(f"sources/{S1}.txt", TEXT1)
        archive.writestr(f"sources/{S2}.txt", TEXT2)
    return path


def objects(path: Path) -> dict:
    """What a .qdpx says, GUIDs and all, in a form to compare."""
    with zipfile.ZipFile(path) as archive:
        qde = parse_qde(archive.read("project.qde"), path=path)
    codes = {g: (c.name, qde.codes[c.parent].name if c.parent else None) for g, c in qde.codes.items()}
    users = {g: u.name for g, u in qde.users.items()}
    codings = set()
    for source in qde.sources:
        for sel in source.selections:
            for c in sel.codings:
                codings.add((source.guid, source.name.removesuffix(".txt"), sel.guid, c.guid, c.code,
                             users[c.user], c.created, sel.description or None))
        for c in source.codings:
            codings.add((source.guid, source.name.removesuffix(".txt"), "whole", c.guid, c.code, users[c.user],
                         c.created, None))
    sets = {s.name: (s.guid, sorted(s.sources), sorted(s.codes)) for s in qde.sets}
    notes = {g: (n.name, n.plain_text_content, users.get(n.user or ""), n.created,
                 sorted(c.guid for c in qde.codes.values() if g in c.notes),
                 sorted(s.guid for s in qde.sources if g in s.notes), g in qde.note_refs)
             for g, n in qde.notes.items()}
    return {"users": users, "codes": codes, "codings": codings, "sets": sets, "notes": notes}


def test_import_export_import_is_lossless(vendor: Path, tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p")
    first = project.import_qdpx(vendor, codebook=vendor)
    assert first.n_codings == 3
    got = project.codings()
    assert sorted(zip(got["coder"], got["code"], got["text"])) == [
        ("Kim", "ROOM", "no room on Tuesdays"), ("Lee", "SITE_VISIT", TEXT1.rstrip("\n")),  # the whole source
        ("Lee", "TIME", "Time is short")]
    assert list(got.loc[got["code"] == "ROOM", "memo"]) == ["room booked by the other program"]
    stored = project.store.connection.execute("SELECT code, created FROM codings ORDER BY code").fetchall()
    assert stored == [("ROOM", "2024-02-01T09:30:00Z"), ("SITE_VISIT", "2024-03-03T08:00:00Z"),
                      ("TIME", "2024-02-02T10:00:00Z")]
    meta = project.transcripts().set_index("transcript_id")
    assert meta.loc["INT01", "role"] == "counselor" and meta.loc["INT01", "refi_cases"] == "North clinic"

    out = tmp_path / "export.qdpx"
    project.export_qdpx(out)
    want, have = objects(vendor), objects(out)
    want_codings = {(g, t, s, c, code, u, d, m) for g, t, s, c, code, u, d, m in want["codings"]}
    assert have["codings"] == want_codings  # GUIDs, creators, dates, memos, the whole-source coding
    assert have["users"] == want["users"]  # Ana has no codings and is kept
    assert {g: v for g, v in have["codes"].items()} == want["codes"]  # names, GUIDs and tree
    assert have["sets"] == want["sets"]
    # notes other than selection memos: their GUIDs, names, texts, authors, dates and what they are on
    assert have["notes"] == want["notes"]
    assert want["notes"][N_CODE.lower()] == ("About rooms", "Rooms are booked a week ahead.", "Ana",
                                             "2024-01-05T12:00:00Z", [C_ROOM.lower()], [], False)
    assert want["notes"][N_SOURCE.lower()][5] == [S1.lower()] and want["notes"][N_PROJECT.lower()][6]
    assert want["notes"][N_FREE.lower()][4:] == ([], [], False)
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde").decode("utf-8")
    assert 'color="#123456"' in qde and "Physical space." in qde and "North clinic" in qde

    again = Project.create(tmp_path / "q")
    second = again.import_qdpx(out, codebook=out)
    assert second.n_codings == 3
    columns = ["transcript_id", "start", "end", "code", "coder", "memo"]
    assert again.codings()[columns].equals(project.codings()[columns])
    third = tmp_path / "again.qdpx"
    again.export_qdpx(third)
    assert objects(third) == have


def test_origin_survives_through_the_extension_note(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "INT01.txt").write_text(TEXT1, encoding="utf-8")
    project = Project.create(tmp_path / "p")
    project.import_transcripts([folder])
    text = project.text("INT01")
    room = _pos(text, "no room on Tuesdays")
    project.write_codings([Coding("INT01", *room, "IS.J2", "rules", origin="rules")], coder="rules", origin="rules")
    project.write_codings([Coding("INT01", *room, "IS.J2", "consensus", origin="consensus")], coder="consensus",
                          origin="consensus")
    project.write_codings([Coding("INT01", *room, "IS.J2", "kim")], coder="kim")
    out = tmp_path / "out.qdpx"
    project.export_qdpx(out)
    with zipfile.ZipFile(out) as archive:
        qde = parse_qde(archive.read("project.qde"), path=out)
    assert qde.extension["format"] == "mio-qual/1"
    assert sorted(qde.extension["origins"].values()) == ["consensus", "rules"]
    assert all(note.name != EXTENSION_NOTE for note in qde.notes.values())
    fresh = Project.create(tmp_path / "q")
    fresh.import_qdpx(out)
    layers = fresh.coding_layers().set_index("coder")["origin"].to_dict()
    assert layers == {"consensus": "consensus", "kim": "human", "rules": "rules"}


def test_export_validates_against_the_schema(vendor: Path, tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    from helpers import REPO

    project = Project.create(tmp_path / "p")
    project.import_qdpx(vendor, codebook=vendor)
    out = tmp_path / "export.qdpx"
    project.export_qdpx(out)
    schema = xmlschema.XMLSchema(str(REPO / "tests" / "data" / "refi-qda" / "Project.xsd"))
    with zipfile.ZipFile(out) as archive:
        schema.validate(archive.read("project.qde").decode("utf-8"))
    data = json.dumps(objects(out)["sets"])
    assert "Wave 1" in data


NOTE_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1,
                    max_size=40).map(str.strip).filter(bool)  # a note's text is read stripped


@st.composite
def vendor_notes(draw):
    """Notes as a QDA program writes them: free, or on codes, sources and the project."""
    notes = []
    for i in range(draw(st.integers(1, 5))):
        notes.append({"guid": f"9F000000-0000-4000-8000-{i:012d}", "name": draw(NOTE_TEXT), "text": draw(NOTE_TEXT),
                      "user": draw(st.sampled_from([None, U_KIM, U_ANA])),
                      "codes": draw(st.lists(st.sampled_from([C_ROOT, C_ROOM, C_TIME, C_SITE]), unique=True)),
                      "sources": draw(st.lists(st.sampled_from([S1, S2]), unique=True)),
                      "project": draw(st.booleans())})
    return notes


def with_notes(qde: str, notes: list[dict]) -> str:
    from xml.sax.saxutils import escape, quoteattr

    for code in (C_ROOT, C_ROOM, C_TIME, C_SITE):  # NoteRefs go after a code's Description, before its children
        refs = "".join(f'<NoteRef targetGUID="{n["guid"]}"/>' for n in notes if code in n["codes"])
        head = qde.index(f'<Code guid="{code}"')
        close = qde.index(">", head) + 1
        if qde[head:close].endswith("/>"):
            qde = qde[:close - 2] + f">{refs}</Code>" + qde[close:]
        else:
            after = qde.index("</Description>", close) + len("</Description>") if code == C_ROOM else close
            qde = qde[:after] + refs + qde[after:]
    for source in (S1, S2):  # after the source's codings
        refs = "".join(f'<NoteRef targetGUID="{n["guid"]}"/>' for n in notes if source in n["sources"])
        end = qde.index("</TextSource>", qde.index(f'<TextSource guid="{source}"'))
        qde = qde[:end] + refs + qde[end:]
    body = "".join(
        f'<Note guid="{n["guid"]}" name={quoteattr(n["name"])}'
        + (f' creatingUser="{n["user"]}"' if n["user"] else "")
        + f'><PlainTextContent>{escape(n["text"])}</PlainTextContent></Note>' for n in notes)
    qde = qde.replace(" <Notes>\n", f" <Notes>\n{body}\n", 1)  # beside the fixture's own notes
    project_refs = "".join(f'<NoteRef targetGUID="{n["guid"]}"/>' for n in notes if n["project"])
    return qde.replace("</Project>", project_refs + "</Project>")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(vendor_notes())
def test_notes_survive_import_export_import(tmp_path_factory, notes) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    from helpers import REPO

    folder = tmp_path_factory.mktemp("notes")
    path = folder / "vendor.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", with_notes(vendor_qde(), notes))
        archive.writestr(f"sources/{S1}.txt", TEXT1)
        archive.writestr(f"sources/{S2}.txt", TEXT2)
    want = objects(path)["notes"]
    assert {g: want[g] for g in (n["guid"].lower() for n in notes)} == {n["guid"].lower(): (n["name"], n["text"], {None: None, U_KIM: "Kim", U_ANA: "Ana"}[n["user"]], None,
                                         sorted(c.lower() for c in n["codes"]), sorted(s.lower() for s in n["sources"]),
                                         n["project"]) for n in notes}
    project = Project.create(folder / "p")
    project.import_qdpx(path, codebook=path)
    out = folder / "export.qdpx"
    project.export_qdpx(out)
    with zipfile.ZipFile(out) as archive:
        xmlschema.XMLSchema(str(REPO / "tests" / "data" / "refi-qda" / "Project.xsd")).validate(
            archive.read("project.qde").decode("utf-8"))
    assert objects(out)["notes"] == want
    again = Project.create(folder / "q")
    again.import_qdpx(out, codebook=out)
    third = folder / "third.qdpx"
    again.export_qdpx(third)
    assert objects(third)["notes"] == want

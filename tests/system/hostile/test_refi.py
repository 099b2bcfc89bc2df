"""Hostile and damaged .qdpx files: each is refused with a clear InputError and leaves the
project exactly as it was."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from helpers import project_state
from mio_qual import Project
from mio_qual.coding import Coding
from mio_qual.errors import InputError

NS = "urn:QDA-XML:project:1.0"
SOURCE = "5e000000-0000-0000-0000-000000000001"
TEXT = "I: What got in the way?\n\nR: No private room for sessions."


@pytest.fixture(scope="module")
def codebook():
    from mio_qual.codebook import load_codebooks

    return load_codebooks(["cfir2", "mio"])


@pytest.fixture()
def busy(tmp_path, codebook):
    """A project that already holds a transcript and codings, so 'unchanged' means something."""
    (tmp_path / "T1.txt").write_text(TEXT, encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_transcripts([tmp_path / "T1.txt"])
    text = project.text("T1")
    start = text.index("No private room")
    project.write_codings([Coding("T1", start, start + 15, "IS.J2", "AB")], coder="AB", codebook=codebook,
                  source_file="AB.docx")
    yield project
    project.close()


def qde(text_source: str, *, prolog: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
{prolog}<Project xmlns="{NS}" name="evil">
  <Users><User guid="aa000000-0000-0000-0000-000000000001" name="Eve"/></Users>
  <CodeBook><Codes><Code guid="cc000000-0000-0000-0000-000000000001" name="IS.J2" isCodable="true"/></Codes></CodeBook>
  <Sources>{text_source}</Sources>
</Project>"""


def source(path_attr: str = f'plainTextPath="internal://{SOURCE}.txt"', content: str = "") -> str:
    start = TEXT.index("No private room")
    return (f'<TextSource guid="{SOURCE}" name="T9" {path_attr}>{content}'
            f'<PlainTextSelection guid="5e000000-0000-0000-0000-0000000000a1" startPosition="{start}" '
            f'endPosition="{start + 15}"><Coding guid="5e000000-0000-0000-0000-0000000000a2">'
            f'<CodeRef targetGUID="cc000000-0000-0000-0000-000000000001"/></Coding></PlainTextSelection></TextSource>')


def archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def refused(project: Project, path: Path, codebook, match: str) -> InputError:
    state = project_state(project.folder)
    with pytest.raises(InputError, match=match) as info:
        project.import_qdpx(path, codebook=codebook, skip_problems=True)
    assert project_state(project.folder) == state
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)
    return info.value


def test_a_good_file_of_the_same_shape_is_imported(busy, codebook, tmp_path):
    """The control: without the attack, the same archive imports."""
    path = archive(tmp_path / "ok.qdpx", {"project.qde": qde(source()).encode(),
                                          f"sources/{SOURCE}.txt": TEXT.encode()})
    result = busy.import_qdpx(path, codebook=codebook)
    assert result.sources[0].match == "text" and result.n_codings == 1


def test_external_entity_is_refused(busy, codebook, tmp_path):
    xxe = qde(source(content="<Description>&x;</Description>"),
              prolog='<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')
    path = archive(tmp_path / "xxe.qdpx", {"project.qde": xxe.encode(), f"sources/{SOURCE}.txt": TEXT.encode()})
    error = refused(busy, path, codebook, "declares XML entities")
    assert "root:" not in str(error)


def test_billion_laughs_is_refused(busy, codebook, tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    prolog = f'<!DOCTYPE Project [<!ENTITY l0 "lol">{lol}]>\n'
    path = archive(tmp_path / "lol.qdpx", {"project.qde": qde(source(content="<Description>&l9;</Description>"),
                                                               prolog=prolog).encode(),
                                           f"sources/{SOURCE}.txt": TEXT.encode()})
    refused(busy, path, codebook, "declares XML entities")


def test_zip_slip_member_is_refused(busy, codebook, tmp_path):
    path = archive(tmp_path / "slip.qdpx", {"project.qde": qde(source()).encode(),
                                            f"sources/{SOURCE}.txt": TEXT.encode(), "../evil.txt": b"pwned"})
    refused(busy, path, codebook, "'../evil.txt' points outside the archive")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_high_ratio_member_is_refused(busy, codebook, tmp_path):
    path = archive(tmp_path / "bomb.qdpx", {"project.qde": qde(source()).encode(),
                                            f"sources/{SOURCE}.txt": TEXT.encode() + b" " * (8 << 20)})
    refused(busy, path, codebook, "expands .*-fold")


def test_member_declaring_a_huge_size_is_refused(busy, codebook, tmp_path):
    path = archive(tmp_path / "huge.qdpx", {"project.qde": qde(source()).encode(),
                                            f"sources/{SOURCE}.txt": TEXT.encode()})
    data = bytearray(path.read_bytes())
    # Rewrite the uncompressed size in the central directory entry of the source file.
    central = data.find(b"PK\x01\x02", data.find(f"sources/{SOURCE}.txt".encode()) + 1)
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_len].decode() == f"sources/{SOURCE}.txt":
            struct.pack_into("<I", data, central + 24, 0xFFFF0000)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    refused(busy, path, codebook, "expands|would unpack to")


@pytest.mark.parametrize("reference", [
    "file:///etc/passwd", "/etc/passwd", "relative://../secrets.txt", "C:\\Windows\\win.ini",
    "internal://../../etc/passwd",
])
def test_plain_text_path_outside_the_archive_is_refused(busy, codebook, tmp_path, reference):
    path = archive(tmp_path / "outside.qdpx", {"project.qde": qde(source(f'plainTextPath="{reference}"')).encode()})
    refused(busy, path, codebook, "outside the archive")


def test_malformed_xml_names_its_line(busy, codebook, tmp_path):
    broken = qde(source()).replace("</Sources>", "</Source>")
    path = archive(tmp_path / "broken.qdpx", {"project.qde": broken.encode(), f"sources/{SOURCE}.txt": TEXT.encode()})
    error = refused(busy, path, codebook, "not well-formed XML")
    assert error.line == broken[: broken.index("</Source>")].count("\n") + 1


@pytest.mark.parametrize("members, match", [
    ({"readme.txt": b"hello"}, "holds no project.qde"),
    ({"project.qde": b"<Codebook xmlns='urn:QDA-XML:codebook:1.0'/>"}, "not <Project>"),
    ({"project.qde": qde(source()).replace('startPosition="', 'startPosition="x').encode()}, "not a whole number"),
])
def test_damaged_projects_are_refused(busy, codebook, tmp_path, members, match):
    refused(busy, archive(tmp_path / "bad.qdpx", members), codebook, match)


def test_not_a_zip_is_refused(busy, codebook, tmp_path):
    path = tmp_path / "fake.qdpx"
    path.write_bytes(b"<Project/>")
    refused(busy, path, codebook, "not a readable REFI-QDA project")


def test_missing_internal_file_is_a_skippable_problem(busy, codebook, tmp_path):
    path = archive(tmp_path / "missing.qdpx", {"project.qde": qde(source()).encode()})
    state = project_state(busy.folder)
    with pytest.raises(InputError, match="missing from the archive"):
        busy.import_qdpx(path, codebook=codebook)
    assert project_state(busy.folder) == state
    result = busy.import_qdpx(path, codebook=codebook, skip_problems=True)
    assert result.n_codings == 0 and "missing from the archive" in result.skipped[0]


def test_a_source_the_reader_refuses_is_named_by_its_qdpx(busy, codebook, tmp_path):
    from mio_qual.transcripts.encoding import MAX_LINE_CHARS

    long_line = "R: " + "x" * (MAX_LINE_CHARS + 10)
    path = archive(tmp_path / "long.qdpx", {"project.qde": qde(source()).encode(),
                                            f"sources/{SOURCE}.txt": long_line.encode()})
    error = refused(busy, path, codebook, "characters long")
    assert f"{path}!T9" in str(error) and "mio-qual-qdpx-" not in str(error)


# ---------------------------------------------------------------------------- issue 20: users
def _two_users(second_selection_user: str, users: str) -> bytes:
    start = TEXT.index("No private room")
    selection = ('<PlainTextSelection guid="5e000000-0000-0000-0000-0000000000a1" startPosition="{s}" endPosition="{e}" '
                 'creatingUser="{u}"><Coding guid="5e000000-0000-0000-0000-0000000000a2" creatingUser="{u}">'
                 '<CodeRef targetGUID="cc000000-0000-0000-0000-000000000001"/></Coding></PlainTextSelection>')
    body = (selection.format(s=start, e=start + 15, u="aa000000-0000-0000-0000-000000000001")
            + selection.format(s=start, e=start + 10, u=second_selection_user))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="two">
  <Users>{users}</Users>
  <CodeBook><Codes><Code guid="cc000000-0000-0000-0000-000000000001" name="IS.J2" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{SOURCE}" name="T9" plainTextPath="internal://{SOURCE}.txt">{body}</TextSource></Sources>
</Project>""".encode()


@pytest.mark.parametrize("memory_rows", [None, 0])
def test_two_users_sharing_a_selection_guid_are_refused_not_merged(busy, codebook, tmp_path, monkeypatch, memory_rows):
    """Both users' codings went into one layer. Found in memory, and in the import's scratch database
    (``memory_rows=0``: what a file of more than MEMORY_ROWS selections gets)."""
    if memory_rows is not None:
        from mio_qual.store import qdpx_spill

        monkeypatch.setattr(qdpx_spill, "MEMORY_ROWS", memory_rows)
    users = ('<User guid="aa000000-0000-0000-0000-000000000001" name="Eve"/>'
             '<User guid="aa000000-0000-0000-0000-000000000002" name="Sam"/>')
    path = archive(tmp_path / "clash.qdpx", {"project.qde": _two_users("aa000000-0000-0000-0000-000000000002", users),
                                             f"sources/{SOURCE}.txt": TEXT.encode()})
    error = refused(busy, path, codebook, "shared by codings of different users")
    assert "Eve, Sam" in str(error)
    result = busy.import_qdpx(path, codebook=codebook, coder="merged")  # named as one layer: allowed
    assert result.n_codings == 2


def test_a_user_without_a_name_is_a_problem_naming_the_file(busy, codebook, tmp_path):
    users = '<User name=""/>'
    qde = _two_users("", users).replace(b' creatingUser="aa000000-0000-0000-0000-000000000001"', b"")
    path = archive(tmp_path / "nameless.qdpx", {"project.qde": qde.replace(b' creatingUser=""', b""),
                                                f"sources/{SOURCE}.txt": TEXT.encode()})
    state = project_state(busy.folder)
    with pytest.raises(InputError, match="User without a name") as info:
        busy.import_qdpx(path, codebook=codebook)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert project_state(busy.folder) == state

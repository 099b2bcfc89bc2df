"""A REFI-QDA project's own codebook: `.qdpx` and `.qdc` accepted wherever a codebook is, codes
told apart by place and GUID, ids that keep their letters, codes without codings kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers import project_state
from mio_qual import Project
from mio_qual.codebook import load_codebooks, to_qdc
from mio_qual.codebook.problems import CodebookError
from mio_qual.errors import InputError

NS = "urn:QDA-XML:project:1.0"
USER = "1F2E3D4C-0000-4000-8000-00000000AAAA"
USER2 = "1F2E3D4C-0000-4000-8000-00000000BBBB"
G = {  # code GUIDs, as NVivo writes them (upper case)
    "barriers": "A0000000-0000-4000-8000-000000000001",
    "barriers_staff": "A0000000-0000-4000-8000-000000000002",
    "facilitators": "A0000000-0000-4000-8000-000000000003",
    "facilitators_staff": "A0000000-0000-4000-8000-000000000004",
    "oltas": "A0000000-0000-4000-8000-000000000005",
    "unused": "A0000000-0000-4000-8000-000000000006",
}
TEXT = "I: What got in the way?\nR: We lost two staff in March, but the new staff were keen.\n"


def _span(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def nvivo_qde(*, extra_code: str = "") -> str:
    """A project.qde on one line (as NVivo writes it): two codes named Staff under different
    parents, an accented name, a code nobody applied, two users (one without codings)."""
    b0, b1 = _span("We lost two staff in March")
    f0, f1 = _span("the new staff were keen")
    o0, o1 = _span("What got in the way?")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<Project xmlns="{NS}" name="nvivo-like" origin="NVivo 14">',
        f'<Users><User guid="{USER}" name="Kim"/><User guid="{USER2}" name="Lee"/></Users>',
        "<CodeBook><Codes>",
        f'<Code guid="{G["barriers"]}" name="Barriers" isCodable="true" color="#FF0000">'
        "<Description>Things in the way.</Description>",
        f'<Code guid="{G["barriers_staff"]}" name="Staff" isCodable="true"/></Code>',
        f'<Code guid="{G["facilitators"]}" name="Facilitators" isCodable="true" color="#00AA00">',
        f'<Code guid="{G["facilitators_staff"]}" name="Staff" isCodable="true"/></Code>',
        f'<Code guid="{G["oltas"]}" name="Oltás típusa" isCodable="true"/>',
        f'<Code guid="{G["unused"]}" name="Nobody used this" isCodable="true"><Description>Kept.</Description></Code>',
        extra_code,
        "</Codes></CodeBook>",
        '<Sources><TextSource guid="B0000000-0000-4000-8000-000000000001" name="INT01.txt" '
        'plainTextPath="internal://INT01.txt">',
        f'<PlainTextSelection guid="C0000000-0000-4000-8000-000000000001" startPosition="{b0}" endPosition="{b1}" '
        f'creatingUser="{USER}"><Coding guid="D0000000-0000-4000-8000-000000000001" creatingUser="{USER}" '
        f'creationDateTime="2024-03-05T10:11:12Z"><CodeRef targetGUID="{G["barriers_staff"]}"/></Coding>'
        "</PlainTextSelection>",
        f'<PlainTextSelection guid="C0000000-0000-4000-8000-000000000002" startPosition="{f0}" endPosition="{f1}" '
        f'creatingUser="{USER}"><Coding guid="D0000000-0000-4000-8000-000000000002" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{G["facilitators_staff"]}"/></Coding></PlainTextSelection>',
        f'<PlainTextSelection guid="C0000000-0000-4000-8000-000000000003" startPosition="{o0}" endPosition="{o1}" '
        f'creatingUser="{USER}"><Coding guid="D0000000-0000-4000-8000-000000000003" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{G["oltas"]}"/></Coding></PlainTextSelection>',
        "</TextSource></Sources></Project>",
    ]
    return "\n".join(parts[:1]) + "\n" + "".join(parts[1:])


def write_qdpx(path: Path, qde: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        archive.writestr("sources/INT01.txt", TEXT.encode("utf-8"))
    return path


@pytest.fixture()
def nvivo(tmp_path: Path) -> Path:
    return write_qdpx(tmp_path / "nvivo.qdpx", nvivo_qde())


def test_qdpx_read_as_a_codebook(nvivo: Path) -> None:
    cb = load_codebooks([nvivo])
    by_guid = {c.guid.upper(): c for c in cb}
    assert len(cb) == 6
    b_staff, f_staff = by_guid[G["barriers_staff"]], by_guid[G["facilitators_staff"]]
    assert b_staff.name == f_staff.name == "Staff" and b_staff.id != f_staff.id
    assert cb.path_of(b_staff.id) == "Barriers > Staff" and cb.path_of(f_staff.id) == "Facilitators > Staff"
    assert cb.by_guid("{" + G["facilitators_staff"].lower() + "}") == f_staff.id
    assert by_guid[G["barriers"]].color == "#FF0000" and by_guid[G["barriers"]].definition == "Things in the way."
    assert by_guid[G["oltas"]].id == "OLTÁS_TÍPUSA"  # letters kept, not C_1_OLT_S_T_PUSA
    assert cb.resolve("Barriers > Staff") == b_staff.id
    assert cb.resolve("Oltás típusa") == "OLTÁS_TÍPUSA"


def test_qdc_round_trip_keeps_guids_and_colours(nvivo: Path, tmp_path: Path) -> None:
    cb = load_codebooks([nvivo])
    out = tmp_path / "back.qdc"
    to_qdc(cb, out)
    back = load_codebooks([out])
    assert [(c.id, c.name, c.parent, c.guid, c.color, c.definition) for c in back] == \
        [(c.id, c.name, c.parent, c.guid, c.color, c.definition) for c in cb]


def test_one_line_file_names_code_path_and_guid(tmp_path: Path) -> None:
    bad = f'<Code guid="A0000000-0000-4000-8000-000000000009" name="Bad;name" isCodable="true"/>'
    path = write_qdpx(tmp_path / "bad.qdpx", nvivo_qde(extra_code=bad))
    with pytest.raises(CodebookError) as info:
        load_codebooks([path])
    details = "\n".join(info.value.details)
    assert "code 'Bad;name' (GUID A0000000-0000-4000-8000-000000000009)" in details
    assert ":2:" not in details  # not "line 2", which says nothing in a one-line file


def test_import_without_codebook_says_how_to_use_its_own(nvivo: Path, tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p")
    before = project_state(project.folder)
    with pytest.raises(InputError) as info:
        project.import_qdpx(nvivo)
    message = info.value.one_line()
    assert "\n" not in message and "--codebook" in message and "nvivo.qdpx" in message
    assert "at 'Barriers > Staff', GUID a0000000-0000-4000-8000-000000000002" in " ".join(info.value.details)
    assert project_state(project.folder) == before


def test_import_with_its_own_codebook_and_round_trip(nvivo: Path, tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p")
    result = project.import_qdpx(nvivo, codebook=nvivo)
    assert result.n_codings == 3
    cb = load_codebooks([nvivo])
    got = project.codings()
    b_staff = cb.by_guid(G["barriers_staff"])
    f_staff = cb.by_guid(G["facilitators_staff"])
    assert dict(zip(got["code"], got["text"])) == {
        b_staff: "We lost two staff in March", f_staff: "the new staff were keen",
        "OLTÁS_TÍPUSA": "What got in the way?"}
    out = tmp_path / "export.qdpx"
    project.export_qdpx(out)
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde").decode("utf-8")
    for guid in G.values():  # every code, the unused one too, keeps its GUID
        assert guid.lower() in qde.lower()
    assert 'name="Staff"' in qde and "Nobody used this" in qde and "#FF0000" in qde
    back = load_codebooks([out])
    assert {(c.guid.upper(), c.name, back.path_of(c.id)) for c in back} >= {
        (G["barriers_staff"], "Staff", "Barriers > Staff"), (G["unused"], "Nobody used this", "Nobody used this")}
    again = Project.create(tmp_path / "q")
    again.import_qdpx(out, codebook=out)
    assert sorted(again.codings()["text"]) == sorted(got["text"])


def test_codes_of_a_project_without_codings_are_not_dropped_silently(tmp_path: Path) -> None:
    qde = nvivo_qde()
    start = qde.index("<PlainTextSelection")
    qde = qde[:start] + qde[qde.index("</TextSource>"):]  # the MAXQDA case: codes, no codings
    path = write_qdpx(tmp_path / "uncoded.qdpx", qde)
    project = Project.create(tmp_path / "p")
    result = project.import_qdpx(path)
    assert any(w.startswith("6 of the project's 6 codes are not in the codebook") and "--codebook" in w
               for w in result.warnings)
    project.import_qdpx(path, codebook=path)
    out = tmp_path / "out.qdpx"
    project.export_qdpx(out)
    back = load_codebooks([out])
    assert {c.guid.upper() for c in back} == set(G.values())  # every code kept though none was applied


def test_cli_import_without_codebook_says_how_to_use_its_own(nvivo: Path, tmp_path: Path) -> None:
    """The README's words for a new user: the CLI keeps the .qdpx's advice (found on a real NVivo 12
    project, where ``coding import`` printed only the generic 'fix every problem listed')."""
    from helpers.cli import run_captured

    project = tmp_path / "p"
    assert run_captured(project, "init", project)[0] == 0
    code, _, err = run_captured(project, "coding", "import", nvivo)
    assert code == 2
    first = err.strip().splitlines()[0]
    assert f"pass --codebook '{nvivo}'" in first
    code, _, err = run_captured(project, "coding", "import", nvivo, "--codebook", nvivo)
    assert code == 0, err


def test_category_folders_stay_not_codable_and_codings_of_them_warn(tmp_path: Path) -> None:
    """isCodable="false" (a category folder) is kept through import and export; REFI-QDA does not
    say what to do with codings of such a code, so they are imported as they are, with a warning."""
    qde = nvivo_qde().replace('name="Barriers" isCodable="true"', 'name="Barriers" isCodable="false"')
    qde = qde.replace('name="Oltás típusa" isCodable="true"', 'name="Oltás típusa" isCodable="false"')
    path = write_qdpx(tmp_path / "folders.qdpx", qde)
    project = Project.create(tmp_path / "p")
    result = project.import_qdpx(path, codebook=path)
    assert result.n_codings == 3  # nothing dropped
    (warning,) = [w for w in result.warnings if "not codable" in w]
    assert warning.startswith("1 coding(s) are of 1 code(s) marked not codable") and "OLTÁS_TÍPUSA" in warning
    out = tmp_path / "export.qdpx"
    project.export_qdpx(out)
    with zipfile.ZipFile(out) as archive:
        exported = archive.read("project.qde").decode("utf-8")
    assert f'guid="{G["barriers"].lower()}"' in exported.lower()
    back = load_codebooks([out])
    codable = {c.name: c.codable for c in back}
    assert codable["Barriers"] is False and codable["Oltás típusa"] is False
    assert codable["Staff"] is True and codable["Facilitators"] is True

"""Codebooks written by other QDA programs, as those programs wrote them (origin and licence of each
file: tests/data/README.md)."""

from __future__ import annotations

import pytest

from helpers import REPO
from mio_qual.codebook import load_codebooks, to_qdc, validate_codebook
from mio_qual.codebook.problems import CodebookError

DATA = REPO / "tests" / "data" / "interop"


def test_atlasti_23_codebook() -> None:
    cb = load_codebooks([DATA / "atlasti23_codebook.qdc"])
    (code,) = list(cb)
    assert (code.name, code.guid, code.color, code.definition) == (
        "code1", "1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294", "#46AA00", "description")
    assert cb.by_guid("1ff58b12-6f6f-4b0c-8be5-bbdc91f55294") == code.id
    assert code.codable  # isCodable="true"
    # the ATLAS.ti code group, a Set of the CodeBook, is kept with the codebook
    (group,) = cb.sets
    assert (group.name, group.guid, group.description, group.codes) == (
        "code group 1", "ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0", "kategorie 1", (code.id,))


def test_atlasti_23_codebook_round_trip(tmp_path) -> None:
    cb = load_codebooks([DATA / "atlasti23_codebook.qdc"])
    out = tmp_path / "again.qdc"
    to_qdc(cb, out)
    back = load_codebooks([out])
    assert [(c.name, c.guid, c.color, c.definition) for c in back] == [(c.name, c.guid, c.color, c.definition)
                                                                       for c in cb]
    assert back.sets == cb.sets and back.version == cb.version
    # written back as ATLAS.ti wrote it: codable, the group's MemberCode naming the code's GUID
    text = out.read_text(encoding="utf-8")
    assert 'isCodable="true"' in text and '<MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" />' in text
    # its own name, and its own description first (ATLAS.ti shows it as it was), mio-qual's lines below
    assert 'name="code1"' in text and "<Description>description\n\nId: CODE1\n" in text


def test_truncated_atlasti_export_is_one_problem_with_its_line() -> None:
    path = DATA / "atlasti23_codebook_truncated.qdc"
    (problem,) = validate_codebook(path)
    assert problem.kind == "syntax" and problem.line == 18
    with pytest.raises(CodebookError) as info:
        load_codebooks([path])
    assert "\n" not in str(info.value)


def _tree(root, ns: str) -> list[tuple[str, str, str | None, str | None]]:
    """(GUID, name, colour, parent GUID) of every Code, read with ElementTree."""
    out = []

    def walk(el, parent):
        for code in el.findall(f"{ns}Code"):
            out.append((code.get("guid").upper(), code.get("name"), code.get("color"), parent))
            walk(code, code.get("guid").upper())

    walk(root.find(f"{ns}CodeBook/{ns}Codes") if root.find(f"{ns}CodeBook") is not None else root.find(f"{ns}Codes"),
         None)
    return out


def test_nvivo_15_codebook_goes_back_to_a_qdc_with_its_own_names(tmp_path) -> None:
    """The NVivo for Mac 15 project's 262 codes written as a .qdc keep NVivo's names, GUIDs, tree
    and (absent) colours, so NVivo reads back the codebook it wrote, not codes renamed 'ID name'."""
    import xml.etree.ElementTree as ET
    import zipfile

    source = DATA / "nvivo15_mac_project.qdpx"
    with zipfile.ZipFile(source) as archive:
        nvivo = _tree(ET.fromstring(archive.read("project.qde")), "{urn:QDA-XML:project:1.0}")
    assert len(nvivo) == 262 and all(colour is None for _, _, colour, _ in nvivo)
    cb = load_codebooks([source])
    out = tmp_path / "nvivo.qdc"
    to_qdc(cb, out)
    assert _tree(ET.parse(out).getroot(), "{urn:QDA-XML:codebook:1.0}") == nvivo
    back = load_codebooks([out])
    assert [(c.id, c.name, c.parent, c.guid) for c in back] == [(c.id, c.name, c.parent, c.guid) for c in cb]
    assert back.version == cb.version


def _taguette_codes() -> list[tuple[str, str, str]]:
    """(GUID, name, isCodable) of every Code of the Taguette codebook, read with ElementTree."""
    import xml.etree.ElementTree as ET

    ns = "{urn:QDA-XML:codebook:1.0}"
    root = ET.parse(DATA / "taguette" / "codebook.qdc").getroot()
    assert root.tag == f"{ns}CodeBook" and root.get("origin") == "Taguette 1.5.2"
    assert root.find(f"{ns}Codes/{ns}Code/{ns}Code") is None  # Taguette writes a flat list
    return [(c.get("guid"), c.get("name"), c.get("isCodable")) for c in root.iter(f"{ns}Code")]


def test_taguette_codebook_keeps_every_tag_whole() -> None:
    """Taguette's tags, some with dots and spaces ("barriers.staff time"), are codes of their own
    names: not read as mio-qual's "<id> <name>" labels (which split it into id "barriers.staff" and
    name "time" before)."""
    import uuid

    expected = _taguette_codes()
    assert len(expected) == 8
    # Taguette derives each GUID from the tag's name (uuid5 in its own namespace): the file is what
    # Taguette wrote for these names
    taguette_ns = uuid.UUID("51B2B2B7-27EB-4ECB-9D56-E75B0A0496C2")
    assert all(guid == str(uuid.uuid5(taguette_ns, name)).upper() for guid, name, _ in expected)
    cb = load_codebooks([DATA / "taguette" / "codebook.qdc"])
    assert [(c.guid, c.name, c.parent, c.codable) for c in cb] == [
        (guid, name, None, codable == "true") for guid, name, codable in expected]
    assert "barriers.staff time" in [c.name for c in cb] and 'R&D <pilot> "first"' in [c.name for c in cb]
    assert len({c.id for c in cb}) == 8
    assert validate_codebook(DATA / "taguette" / "codebook.qdc") == []
    for guid, name, _ in expected:
        assert cb.get(cb.by_guid(guid.lower())).name == name


def test_taguette_codebook_round_trip(tmp_path) -> None:
    cb = load_codebooks([DATA / "taguette" / "codebook.qdc"])
    out = tmp_path / "again.qdc"
    to_qdc(cb, out)
    back = load_codebooks([out])
    assert [(c.id, c.name, c.guid, c.codable) for c in back] == [(c.id, c.name, c.guid, c.codable) for c in cb]
    assert back.version == cb.version
    import xml.etree.ElementTree as ET

    ns = "{urn:QDA-XML:codebook:1.0}"
    # Taguette reads back its own tags under their own names and GUIDs
    assert [(c.get("guid"), c.get("name")) for c in ET.parse(out).getroot().iter(f"{ns}Code")] == [
        (guid, name) for guid, name, _ in _taguette_codes()]


def test_own_codes_keep_their_ids_through_a_program_that_drops_descriptions(tmp_path) -> None:
    """A program that keeps no descriptions (Taguette imports a .qdc as bare tag names) sends
    mio-qual's codes back as "<id> <name>" labels only: the ids come back from the labels."""
    import xml.etree.ElementTree as ET

    cb = load_codebooks(["cfir2"])
    out = tmp_path / "cfir2.qdc"
    to_qdc(cb, out)
    ns = "urn:QDA-XML:codebook:1.0"
    ET.register_namespace("", ns)
    tree = ET.parse(out)
    for parent in tree.getroot().iter():
        for desc in parent.findall(f"{{{ns}}}Description"):
            parent.remove(desc)
    tree.write(tmp_path / "bare.qdc", encoding="utf-8", xml_declaration=True)
    back = load_codebooks([tmp_path / "bare.qdc"])
    dotted = [c for c in cb if "." in c.id]
    assert dotted and {c.id: c.name for c in back if "." in c.id} == {c.id: c.name for c in dotted}


QUALCODER_QDC = DATA / "qualcoder" / "Codebook-interop_test.qdc"


def _qualcoder_codes(path) -> list[tuple]:
    """(GUID, name, colour, parent GUID, isCodable, description) of every Code, read with ElementTree."""
    import xml.etree.ElementTree as ET

    ns = "{urn:QDA-XML:codebook:1.0}"
    out = []

    def walk(el, parent):
        for code in el.findall(f"{ns}Code"):
            desc = code.find(f"{ns}Description")
            out.append((code.get("guid").lower(), code.get("name"), code.get("color") or "", parent,
                        code.get("isCodable"), desc.text if desc is not None else ""))
            walk(code, code.get("guid").lower())

    walk(ET.parse(path).getroot().find(f"{ns}Codes"), None)
    return out


def test_qualcoder_codebook_with_its_byte_order_mark() -> None:
    """QualCoder writes its .qdc with a UTF-8 byte order mark; its code categories are codes that
    cannot be coded, with their codes under them."""
    assert QUALCODER_QDC.read_bytes().startswith(b"\xef\xbb\xbf<?xml")
    want = _qualcoder_codes(QUALCODER_QDC)
    assert len(want) == 5 and [c[1] for c in want if c[4] == "false"] == ["Barriers"]
    assert validate_codebook(QUALCODER_QDC) == []
    cb = load_codebooks([QUALCODER_QDC])
    by_id = {c.id: c for c in cb}
    got = [(c.guid.lower(), c.name, c.color, by_id[c.parent].guid.lower() if c.parent else None,
            "true" if c.codable else "false", c.definition) for c in cb]
    assert got == want


def test_qualcoder_codebook_round_trip(tmp_path) -> None:
    cb = load_codebooks([QUALCODER_QDC])
    out = tmp_path / "again.qdc"
    to_qdc(cb, out)
    # QualCoder reads back its own codes: names, GUIDs, colours, tree and codability; each code's
    # own description first (mio-qual's labelled lines follow it)
    again = _qualcoder_codes(out)
    original = _qualcoder_codes(QUALCODER_QDC)
    assert [c[:5] for c in again] == [c[:5] for c in original]
    assert all(a[5].startswith(o[5]) for a, o in zip(again, original))
    back = load_codebooks([out])
    assert [(c.id, c.name, c.parent, c.guid, c.color, c.codable, c.definition) for c in back] == [
        (c.id, c.name, c.parent, c.guid, c.color, c.codable, c.definition) for c in cb]
    assert back.version == cb.version

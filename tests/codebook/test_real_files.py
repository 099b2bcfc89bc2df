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

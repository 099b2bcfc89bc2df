"""REFI-QDA codebooks (.qdc): code groups (``Sets``), codes that must not receive codings
(``isCodable="false"``), kept on import and written back; round trips checked with hypothesis
and against the REFI-QDA schema."""

from __future__ import annotations

import unicodedata
import uuid
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import REPO
from mio_qual.codebook import CodebookError, load_codebooks, to_qdc, validate_codebook
from mio_qual.codebook.labels import normalize_label
from mio_qual.codebook.qdc import QDC_NAMESPACE

PROJECT_XSD = REPO / "tests" / "data" / "refi-qda" / "Project.xsd"  # shipped: see tests/data/README.md

FOLDERS = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Barriers" isCodable="false" color="#FF0000">
      <Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Staff" isCodable="true"/>
      <Code guid="aaaaaaaa-0000-0000-0000-000000000003" name="Money" isCodable="true"/>
    </Code>
    <Code guid="aaaaaaaa-0000-0000-0000-000000000004" name="Quotes" isCodable="true"/>
  </Codes>
  <Sets>
    <Set guid="bbbbbbbb-0000-0000-0000-000000000001" name="Resources">
      <Description>What the clinics lack</Description>
      <MemberCode guid="aaaaaaaa-0000-0000-0000-000000000003"/>
      <MemberCode guid="aaaaaaaa-0000-0000-0000-000000000002"/>
    </Set>
    <Set guid="bbbbbbbb-0000-0000-0000-000000000002" name="Empty group"/>
  </Sets>
</CodeBook>
"""


def codebook_schema():
    """The REFI-QDA codebook schema: the project schema's code types in the codebook namespace,
    with the ``Sets`` a ``CodeBook`` may hold after its ``Codes`` (``Set``: ``Description``,
    ``MemberCode`` naming a code by its ``guid`` attribute), as REFI's Codebook.xsd defines them."""
    xmlschema = pytest.importorskip("xmlschema")
    xsd = PROJECT_XSD.read_text(encoding="utf-8").replace("urn:QDA-XML:project:1.0", QDC_NAMESPACE)
    xsd = xsd.replace(
        '<xsd:element name="Project" type="ProjectType">',
        '<xsd:element name="CodeBook" type="QdcCodeBookType"/>\n'
        '<xsd:complexType name="QdcCodeBookType"><xsd:sequence>'
        '<xsd:element name="Codes" type="CodesType"/>'
        '<xsd:element name="Sets" type="QdcSetsType" minOccurs="0"/></xsd:sequence>'
        '<xsd:attribute name="origin" type="xsd:string"/></xsd:complexType>\n'
        '<xsd:complexType name="QdcSetsType"><xsd:sequence>'
        '<xsd:element name="Set" type="QdcSetType" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>\n'
        '<xsd:complexType name="QdcSetType"><xsd:sequence>'
        '<xsd:element name="Description" type="xsd:string" minOccurs="0"/>'
        '<xsd:element name="MemberCode" type="QdcMemberCodeType" minOccurs="0" maxOccurs="unbounded"/>'
        '</xsd:sequence><xsd:attribute name="guid" type="GUIDType" use="required"/>'
        '<xsd:attribute name="name" type="xsd:string" use="required"/></xsd:complexType>\n'
        '<xsd:complexType name="QdcMemberCodeType">'
        '<xsd:attribute name="guid" type="GUIDType" use="required"/></xsd:complexType>\n'
        '<xsd:element name="Project" type="ProjectType">',
    )
    return xmlschema.XMLSchema(xsd)


@pytest.fixture(scope="module")
def schema():
    return codebook_schema()


def test_folders_and_code_groups_are_kept(tmp_path: Path, schema) -> None:
    path = tmp_path / "nvivo.qdc"
    path.write_text(FOLDERS, encoding="utf-8")
    schema.validate(str(path))  # the fixture itself is a valid REFI-QDA codebook
    cb = load_codebooks([path])
    assert [(c.id, c.codable) for c in cb] == [("BARRIERS", False), ("STAFF", True), ("MONEY", True),
                                               ("QUOTES", True)]
    resources, empty = cb.sets
    assert (resources.name, resources.guid, resources.description, resources.codes) == (
        "Resources", "bbbbbbbb-0000-0000-0000-000000000001", "What the clinics lack", ("MONEY", "STAFF"))
    assert (empty.name, empty.codes) == ("Empty group", ())
    out = tmp_path / "again.qdc"
    to_qdc(cb, out)
    schema.validate(str(out))
    text = out.read_text(encoding="utf-8")
    assert 'name="Barriers" isCodable="false"' in text and "Codable: no" in text  # its own name, not 'BARRIERS Barriers'
    back = load_codebooks([out])
    assert [c.to_dict() | {"line": None} for c in back] == [c.to_dict() | {"line": None} for c in cb]
    assert back.sets == cb.sets and back.version == cb.version


def test_not_codable_enters_the_version_only_when_false(tmp_path: Path) -> None:
    cb = load_codebooks(["cfir2"])
    path = tmp_path / "folder.yaml"
    path.write_text("codebook: t\ncodes:\n  - id: A\n    name: Alpha\n    codable: false\n"
                    "    children:\n      - id: A.B\n        name: Beta\n", encoding="utf-8")
    folder = load_codebooks([path])
    assert not folder["A"].codable and folder["A.B"].codable
    path.write_text(path.read_text(encoding="utf-8").replace("    codable: false\n", ""), encoding="utf-8")
    assert load_codebooks([path]).version != folder.version
    # the bundled codebooks keep the versions they had: every code is codable
    assert all(c.codable for c in cb)
    assert "codable" in cb.to_frame().columns


def test_a_set_naming_an_unknown_code_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.qdc"
    path.write_text(FOLDERS.replace('<MemberCode guid="aaaaaaaa-0000-0000-0000-000000000003"/>',
                                    '<MemberCode guid="cccccccc-0000-0000-0000-000000000009"/>'), encoding="utf-8")
    (problem,) = validate_codebook(path)
    assert problem.kind == "unknown-member" and "cccccccc-0000-0000-0000-000000000009" in problem.message
    assert problem.line == 13
    with pytest.raises(CodebookError):
        load_codebooks([path])


def test_a_projects_code_sets_become_the_codebooks_groups(tmp_path: Path) -> None:
    codes = FOLDERS[FOLDERS.index("  <Codes>"):FOLDERS.index("  <Sets>")]
    project = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p">\n<CodeBook>\n'
        + codes + "</CodeBook>\n<Sets>\n"
        '<Set guid="bbbbbbbb-0000-0000-0000-000000000001" name="Resources">'
        '<MemberCode targetGUID="aaaaaaaa-0000-0000-0000-000000000003"/>'
        '<MemberCode targetGUID="aaaaaaaa-0000-0000-0000-000000000002"/></Set>\n'
        '<Set guid="bbbbbbbb-0000-0000-0000-000000000002" name="Documents">'
        '<MemberSource targetGUID="dddddddd-0000-0000-0000-000000000001"/></Set>\n</Sets>\n</Project>\n')
    path = tmp_path / "project.qde"
    path.write_text(project, encoding="utf-8")
    cb = load_codebooks([path])
    assert [(s.name, s.codes) for s in cb.sets] == [("Resources", ("MONEY", "STAFF"))]  # document set left out
    assert not cb["BARRIERS"].codable


# ----------------------------------------------------------------------------- hypothesis
#: Code names of any script; not ';' (it separates labels in a codebook) nor '.' (``A.B name``
#: reads as an id and a name, as mio-qual writes its own codes); NFC, as codebooks keep names.
NAMES = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs"), include_characters="-'()&/,!?"),
                min_size=1, max_size=12).map(lambda s: unicodedata.normalize("NFC", " ".join(s.split()))).filter(bool)


@st.composite
def foreign_codebooks(draw):
    """A codebook as another QDA program writes it: a tree of codes (GUIDs, names of any script,
    codable or not, colours), and sets of codes."""
    count = draw(st.integers(1, 12))
    parents = [None] + [draw(st.integers(-1, i - 1)) for i in range(1, count)]
    # names told apart as labels (a name two codes share is a codebook problem of its own,
    # tested in tests/codebook/test_io.py)
    names = draw(st.lists(NAMES, min_size=count, max_size=count, unique_by=normalize_label))
    codes = []
    for i in range(count):
        parent = parents[i] if parents[i] is not None and parents[i] >= 0 else None
        codes.append({"guid": str(uuid.UUID(int=i + 1)), "name": names[i], "parent": parent,
                      "codable": draw(st.booleans()), "color": draw(st.sampled_from(["", "#12AB34", "#ABC"]))})
    sets = []
    for j in range(draw(st.integers(0, 3))):
        members = draw(st.lists(st.integers(0, count - 1), unique=True, max_size=count))
        sets.append({"guid": str(uuid.UUID(int=1000 + j)), "name": draw(NAMES), "members": members,
                     "description": draw(st.sampled_from(["", "a group"]))})
    return codes, sets


def write_foreign(codes, sets) -> str:
    def element(i: int) -> str:
        c = codes[i]
        attrs = f'guid="{c["guid"]}" name={quoteattr(c["name"])} isCodable="{str(c["codable"]).lower()}"'
        if c["color"]:
            attrs += f' color="{c["color"]}"'
        inner = "".join(element(k) for k, d in enumerate(codes) if d["parent"] == i)
        return f"<Code {attrs}>{inner}</Code>"

    body = "".join(element(i) for i, c in enumerate(codes) if c["parent"] is None)
    groups = "".join(
        f'<Set guid="{s["guid"]}" name={quoteattr(s["name"])}>'
        + (f"<Description>{s['description']}</Description>" if s["description"] else "")
        + "".join(f'<MemberCode guid="{codes[m]["guid"]}"/>' for m in s["members"]) + "</Set>" for s in sets)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{QDC_NAMESPACE}"><Codes>{body}</Codes>'
            + (f"<Sets>{groups}</Sets>" if sets else "") + "</CodeBook>\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(foreign_codebooks())
def test_import_export_import_is_lossless(tmp_path_factory, schema, book) -> None:
    codes, sets = book
    folder = tmp_path_factory.mktemp("qdc")
    first = folder / "first.qdc"
    first.write_text(write_foreign(codes, sets), encoding="utf-8")
    cb = load_codebooks([first])
    # what the file said is what the codebook holds
    by_guid = {c.guid: c for c in cb}
    assert [(by_guid[c["guid"]].name, by_guid[c["guid"]].codable) for c in codes] == [
        (c["name"], c["codable"]) for c in codes]
    assert [(s.name, s.codes) for s in cb.sets] == [
        (g["name"], tuple(by_guid[codes[m]["guid"]].id for m in g["members"])) for g in sets]
    again = folder / "again.qdc"
    to_qdc(cb, again)
    schema.validate(str(again))
    back = load_codebooks([again])
    assert [c.to_dict() | {"line": None} for c in back] == [c.to_dict() | {"line": None} for c in cb]
    assert back.sets == cb.sets and back.version == cb.version


@pytest.mark.parametrize("name, expected", [
    ("Oltás típusa", "OLTÁS_TÍPUSA"),
    ("ᾶ", "Α"),  # upper case decomposes to Α + U+0342; the mark is dropped (hypothesis found it)
    ("ǰ x", "J_X"),  # ǰ has no precomposed capital: J + caron
    ("ß", "SS"),
    ("3 barriers", "C_3_BARRIERS"),
])
def test_ids_made_from_names_are_valid_ids(name, expected):
    from mio_qual.codebook.labels import ID_RE
    from mio_qual.codebook.qdc import _slug

    assert _slug(name) == expected and ID_RE.match(expected)

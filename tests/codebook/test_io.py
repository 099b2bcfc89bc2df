"""Exports and imports: CSV and REFI-QDA .qdc round trips, the Word manual."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest

from helpers import REPO
from mio_qual.codebook import (
    QDC_NAMESPACE,
    AmbiguousCodeError,
    Codebook,
    CodebookError,
    code_guid,
    from_csv,
    from_qdc,
    load_codebooks,
    to_csv,
    to_qdc,
    validate_codebook,
)
from mio_qual.codebook.qdc import GUID_NAMESPACE
from mio_qual.reports.manual import codebook_manual

PROJECT_XSD = REPO / "tests" / "data" / "refi-qda" / "Project.xsd"  # shipped: see tests/data/README.md


@pytest.fixture(scope="module")
def full() -> Codebook:
    return load_codebooks(["cfir2", "cfir_outcomes", "mio"])


def same_codes(a: Codebook, b: Codebook) -> None:
    assert [(c.id, c.name, c.parent) for c in a] == [(c.id, c.name, c.parent) for c in b]
    strip = lambda c: {**c.to_dict(), "line": None}  # noqa: E731
    assert [strip(c) for c in a] == [strip(c) for c in b]
    assert a.version == b.version


# ----------------------------------------------------------------------------- CSV
def test_csv_round_trip(tmp_path: Path, full: Codebook) -> None:
    path = tmp_path / "codes.csv"
    to_csv(full, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,parent,level,name,")
    back = from_csv(path)
    same_codes(full, back)
    assert back.names == ["cfir2", "cfir_outcomes", "mio"]
    # line of each row is the file line where the row starts (header is line 1)
    assert back["INN"].line == 2 and back["INN.A"].line == 3


def test_csv_text_and_columns(full: Codebook) -> None:
    text = to_csv(full)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:4] == ["id", "parent", "level", "name"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["IS.J1"]["parent"] == "IS.J" and by_id["IS.J1"]["level"] == "subconstruct"
    assert by_id["IND.H.K"]["level"] == "code"
    assert by_id["MIO.TRAIN"]["refines"] == "IS.K; IND.H.K"  # list fields joined (MIO.BILL has one link since issue 13)


def test_csv_neutralizes_formulas_and_reads_them_back(tmp_path: Path) -> None:
    src = tmp_path / "f.yaml"
    src.write_text(
        "codebook: f\ncodes:\n"
        "  - id: A\n    name: \"=HYPERLINK(1)\"\n    definition: \"+1 more\"\n"
        "    example: \"-- a dash quote\"\n    use_when: \"@mention\"\n",
        encoding="utf-8",
    )
    cb = load_codebooks([src])
    text = to_csv(cb)
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert row["name"] == "'=HYPERLINK(1)"
    assert row["definition"] == "'+1 more"
    assert row["example"] == "'-- a dash quote"
    assert row["use_when"] == "'@mention"
    out = tmp_path / "f.csv"
    to_csv(cb, out)
    same_codes(cb, from_csv(out))


def test_csv_from_a_spreadsheet(tmp_path: Path) -> None:
    # semicolon-delimited, cp1252, flat with parents, extra blank row, unknown column
    text = 'ID;Parent;Name;Keywords;Colour\r\nT;;Top;;\r\n;;;;\r\nT.1;T;Caf\xe9 talk;"coffee; caf*";red\r\n'
    path = tmp_path / "sheet.csv"
    path.write_bytes(text.encode("cp1252"))
    problems = validate_codebook(path)
    assert [(p.kind, p.line) for p in problems] == [("unknown-field", 1)]
    path.write_bytes(text.replace(";Colour", "").replace(";red", "").replace(";;;;", ";;;").encode("cp1252"))
    cb = from_csv(path)
    assert cb["T.1"].name == "Café talk"
    assert cb["T.1"].keywords == ("coffee", "caf*")
    assert cb["T.1"].line == 4
    assert cb["T"].level == "domain" and cb["T.1"].level == "construct"


def test_csv_keeps_a_category_folder_not_codable(tmp_path: Path) -> None:
    # a QDA program's category folder (isCodable="false") goes through CSV and back: still not
    # codable, the same version, and the .qdc written from the CSV says isCodable="false" again
    qdc = tmp_path / "folders.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo"><Codes>'
        '<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Barriers" isCodable="false">'
        '<Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Staff turnover" isCodable="true"/></Code>'
        '</Codes></CodeBook>\n', encoding="utf-8")
    cb = load_codebooks([qdc])
    assert [(c.name, c.codable) for c in cb] == [("Barriers", False), ("Staff turnover", True)]
    out = tmp_path / "folders.csv"
    to_csv(cb, out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["name"], r["codable"]) for r in rows] == [("Barriers", "no"), ("Staff turnover", "")]
    back = from_csv(out)
    same_codes(cb, back)
    assert not back["BARRIERS"].codable and back["STAFF_TURNOVER"].codable
    assert 'name="Barriers" isCodable="false"' in to_qdc(back).decode("utf-8")  # its own name
    # a hand-made sheet may write yes/no in any case; anything else is a problem on its row
    out.write_text("id,name,parent,codable\nB,Barriers,,No\nB.1,Staff,B,YES\nB.2,Space,B,maybe\n", encoding="utf-8")
    problems = validate_codebook(out)
    assert [(p.kind, p.line) for p in problems] == [("bad-value", 4)]
    assert "codable" in problems[0].message and "maybe" in problems[0].message
    out.write_text("id,name,parent,codable\nB,Barriers,,No\nB.1,Staff,B,YES\n", encoding="utf-8")
    assert [(c.id, c.codable) for c in from_csv(out)] == [("B", False), ("B.1", True)]


def test_csv_problems_have_row_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('id,name,parent\nA,Alpha,\n"B","Beta\nwith a line break",A\nC,,Z\n', encoding="utf-8")
    problems = validate_codebook(path)
    assert [(p.kind, p.line) for p in problems] == [("missing-name", 5), ("unknown-parent", 5)]


# ----------------------------------------------------------------------------- REFI-QDA .qdc
def test_qdc_round_trip(tmp_path: Path, full: Codebook) -> None:
    path = tmp_path / "codes.qdc"
    to_qdc(full, path)
    back = from_qdc(path)
    same_codes(full, back)


def test_qdc_is_deterministic_and_well_formed(full: Codebook) -> None:
    from defusedxml.ElementTree import fromstring

    data = to_qdc(full)
    assert data == to_qdc(full)
    root = fromstring(data)
    ns = {"q": QDC_NAMESPACE}
    assert root.tag == f"{{{QDC_NAMESPACE}}}CodeBook"
    top = root.findall("q:Codes/q:Code", ns)
    assert [c.get("name") for c in top][:5] == [
        "INN Innovation",
        "OS Outer Setting",
        "IS Inner Setting",
        "IND Individuals",
        "IP Implementation Process",
    ]
    assert {c.get("isCodable") for c in top[:5]} == {"false"}
    all_codes = root.iter(f"{{{QDC_NAMESPACE}}}Code")
    by_name = {c.get("name"): c for c in all_codes}
    funding = by_name["IS.J1 Funding"]
    assert funding.get("isCodable") == "true"
    assert funding.get("guid") == str(uuid.uuid5(GUID_NAMESPACE, "IS.J1")) == code_guid("IS.J1")
    assert len(by_name) == len(full)
    assert len({c.get("guid") for c in by_name.values()}) == len(full)


def test_qdc_validates_against_refi_schema(tmp_path: Path, full: Codebook) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    # The codebook schema is the project schema's CodeBook type in the codebook namespace.
    xsd = PROJECT_XSD.read_text(encoding="utf-8").replace("urn:QDA-XML:project:1.0", QDC_NAMESPACE)
    xsd = xsd.replace(
        '<xsd:element name="Project" type="ProjectType">',
        '<xsd:element name="CodeBook" type="CodeBookType"/>\n<xsd:element name="Project" type="ProjectType">',
    )
    schema = xmlschema.XMLSchema(xsd)
    path = tmp_path / "codes.qdc"
    to_qdc(full, path)
    schema.validate(str(path))


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="11111111-1111-1111-1111-111111111111" name="Barriers" isCodable="true">
      <Description>Things in the way.</Description>
      <Code guid="22222222-2222-2222-2222-222222222222" name="Staff turnover" isCodable="true"/>
      <Code guid="33333333-3333-3333-3333-333333333333" name="IS.J2 Space" isCodable="true"/>
    </Code>
    <Code guid="44444444-4444-4444-4444-444444444444" name="Staff turnover" isCodable="true"/>
  </Codes>
</CodeBook>
"""


def test_qdc_from_another_program(tmp_path: Path) -> None:
    path = tmp_path / "nvivo export.qdc"
    path.write_text(FOREIGN, encoding="utf-8")
    cb = from_qdc(path)
    # a name two codes bear is placed under its parent's id (codes are told apart by place)
    assert list(cb.codes) == ["BARRIERS", "BARRIERS.STAFF_TURNOVER", "IS.J2", "STAFF_TURNOVER"]
    assert cb["BARRIERS"].definition == "Things in the way."
    assert cb["BARRIERS.STAFF_TURNOVER"].parent == "BARRIERS"
    assert cb["IS.J2"].name == "Space" and cb["IS.J2"].parent == "BARRIERS"
    assert cb["STAFF_TURNOVER"].parent is None
    assert cb["BARRIERS.STAFF_TURNOVER"].line == 6
    assert cb.names == ["nvivo_export"]
    # the repeated name is fine in the tree, ambiguous as a bare label, clear as a path
    with pytest.raises(AmbiguousCodeError) as info:
        cb.resolve("staff turnover")
    assert info.value.suggestions == ["BARRIERS.STAFF_TURNOVER", "STAFF_TURNOVER"]
    assert cb.resolve("Barriers\\Staff turnover") == "BARRIERS.STAFF_TURNOVER"


def test_qdc_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdc"
    bad.write_text('<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n<Code name="x"\n', "utf-8")
    (problem,) = validate_codebook(bad)
    assert problem.kind == "syntax" and problem.line is not None and problem.line >= 4
    wrong = tmp_path / "wrong.qdc"
    wrong.write_text('<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>\n', "utf-8")
    (problem,) = validate_codebook(wrong)
    assert problem.kind == "bad-structure"
    bomb = tmp_path / "bomb.qdc"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="11111111-1111-1111-1111-111111111111" '
        'name="&b;" isCodable="true"/></Codes></CodeBook>\n',
        "utf-8",
    )
    (problem,) = validate_codebook(bomb)
    assert problem.kind == "syntax"
    with pytest.raises(CodebookError):
        from_qdc(bomb)


# ----------------------------------------------------------------------------- Word manual
def test_docx_manual_headings(tmp_path: Path) -> None:
    import docx

    cb = load_codebooks(["cfir2", "mio"])
    path = tmp_path / "manual.docx"
    codebook_manual(cb, path)
    doc = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    by_style: dict[str, list[str]] = {}
    for style, text in headings:
        by_style.setdefault(style, []).append(text)
    assert len(by_style["Title"]) == 1
    assert by_style["Heading 1"] == [
        "INN  Innovation",
        "OS  Outer Setting",
        "IS  Inner Setting",
        "IND  Individuals",
        "IP  Implementation Process",
        "Mothering from the Inside Out (MIO) study codes",
    ]
    h2 = by_style["Heading 2"]
    assert len(h2) == 48 + 12  # CFIR constructs, then the MIO codes
    assert "IS.J  Available Resources" in h2 and "MIO.REC  Recording sessions for fidelity review" in h2
    h3 = by_style["Heading 3"]
    assert len(h3) == 19 + 36
    assert "IS.J1  Funding" in h3 and "IND.H.K  Innovation Deliverers: Capability" in h3
    # the entry under IS.J1 gives its guidance
    texts = [p.text for p in doc.paragraphs]
    at = texts.index("IS.J1  Funding")
    entry = texts[at + 1 : at + 8]
    assert entry[0].startswith("Definition: ")
    assert any(t.startswith("Not when: ") and "OS.F" in t for t in entry)
    assert any(t.startswith("Example: \u201c") for t in entry)
    assert any(t.startswith("Keywords: ") and "budget" in t for t in entry)

"""Every XML parse written in mio-qual goes through mio_qual.xmlsafe (issue 21: one safe, fast parser).

A scan of the source: no module but xmlsafe.py imports a parser (lxml, xml.dom, xml.parsers.expat,
xml.sax beyond its writing helpers, defusedxml) or calls ElementTree's parsing functions (building
and writing trees with ElementTree stays allowed: codebook/qdc.py writes .qdc files that way).
Libraries that read their own formats (python-docx after xmlsafe has checked the package,
openpyxl through defusedxml) are outside this rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mio_qual

SRC = Path(mio_qual.__file__).resolve().parent
PARSER_MODULES = ("lxml", "xml.dom", "xml.parsers", "defusedxml", "xml.sax")
WRITING_ONLY = ("xml.sax.saxutils",)
ELEMENTTREE_PARSING = {"parse", "fromstring", "fromstringlist", "iterparse", "XML", "XMLParser", "XMLPullParser",
                       "XMLID"}


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out, etree_names = [], set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
            etree_names |= {alias.asname or alias.name for alias in node.names if alias.name == "xml.etree.ElementTree"}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "xml.etree.ElementTree":
                out += [f"from xml.etree.ElementTree import {a.name}" for a in node.names if a.name in ELEMENTTREE_PARSING]
            if node.module == "xml.etree":
                etree_names |= {a.asname or a.name for a in node.names if a.name == "ElementTree"}
        for name in names:
            if name.startswith(PARSER_MODULES) and not name.startswith(WRITING_ONLY):
                out.append(f"imports {name} (line {node.lineno})")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in ELEMENTTREE_PARSING and isinstance(node.value, ast.Name)
                and node.value.id in etree_names):
            out.append(f"calls {node.value.id}.{node.attr} (line {node.lineno})")
    return out


def test_no_xml_parser_outside_xmlsafe():
    found = {str(p.relative_to(SRC)): o for p in sorted(SRC.rglob("*.py")) if p.name != "xmlsafe.py"
             for o in [_offences(p)] if o}
    assert found == {}


def test_the_scan_sees_a_parser(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import xml.etree.ElementTree as ET\nfrom lxml import etree\nET.fromstring('<a/>')\n"
                      "from xml.sax.saxutils import escape\nET.SubElement(ET.Element('a'), 'b')\n", encoding="utf-8")
    assert _offences(sample) == ["imports lxml (line 2)", "calls ET.fromstring (line 3)"]

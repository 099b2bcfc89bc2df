"""REFI-QDA projects written by QDA programs, kept byte for byte as those programs wrote them (origin
and licence of each file: tests/data/README.md). What each file holds is read here with the standard
library's XML parser, independently of mio-qual's REFI reader."""

from __future__ import annotations

import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

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
    project = tmp_path / "study"
    code, _, err = run_captured(project, "init", project)
    assert code == 0, err
    code, _, err = run_captured(project, "coding", "import", NVIVO15_MAC, "--codebook", NVIVO15_MAC)
    assert code == 0, err
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

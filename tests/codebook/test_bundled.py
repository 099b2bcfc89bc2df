"""Bundled codebook content, label resolution, tree navigation and the version hash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import REPO
from mio_qual.codebook import (
    AmbiguousCodeError,
    Codebook,
    bundled_codebooks,
    bundled_dir,
    load_codebooks,
)
from mio_qual.errors import InputError, UnknownCodeError


# The framework's construct names (facts, Damschroder et al. 2022, Implementation Science 17:75).
CFIR_NAMES = {
    "INN": "Innovation",
    "INN.A": "Innovation Source",
    "INN.B": "Innovation Evidence-Base",
    "INN.C": "Innovation Relative Advantage",
    "INN.D": "Innovation Adaptability",
    "INN.E": "Innovation Trialability",
    "INN.F": "Innovation Complexity",
    "INN.G": "Innovation Design",
    "INN.H": "Innovation Cost",
    "OS": "Outer Setting",
    "OS.A": "Critical Incidents",
    "OS.B": "Local Attitudes",
    "OS.C": "Local Conditions",
    "OS.D": "Partnerships & Connections",
    "OS.E": "Policies & Laws",
    "OS.F": "Financing",
    "OS.G": "External Pressure",
    "OS.G1": "Societal Pressure",
    "OS.G2": "Market Pressure",
    "OS.G3": "Performance-Measurement Pressure",
    "IS": "Inner Setting",
    "IS.A": "Structural Characteristics",
    "IS.A1": "Physical Infrastructure",
    "IS.A2": "Information Technology Infrastructure",
    "IS.A3": "Work Infrastructure",
    "IS.B": "Relational Connections",
    "IS.C": "Communications",
    "IS.D": "Culture",
    "IS.D1": "Human Equality-Centeredness",
    "IS.D2": "Recipient-Centeredness",
    "IS.D3": "Deliverer-Centeredness",
    "IS.D4": "Learning-Centeredness",
    "IS.E": "Tension for Change",
    "IS.F": "Compatibility",
    "IS.G": "Relative Priority",
    "IS.H": "Incentive Systems",
    "IS.I": "Mission Alignment",
    "IS.J": "Available Resources",
    "IS.J1": "Funding",
    "IS.J2": "Space",
    "IS.J3": "Materials & Equipment",
    "IS.K": "Access to Knowledge & Information",
    "IND": "Individuals",
    "IND.A": "High-level Leaders",
    "IND.B": "Mid-level Leaders",
    "IND.C": "Opinion Leaders",
    "IND.D": "Implementation Facilitators",
    "IND.E": "Implementation Leads",
    "IND.F": "Implementation Team Members",
    "IND.G": "Other Implementation Support",
    "IND.H": "Innovation Deliverers",
    "IND.I": "Innovation Recipients",
    "IND.J": "Need",
    "IND.K": "Capability",
    "IND.L": "Opportunity",
    "IND.M": "Motivation",
    "IP": "Implementation Process",
    "IP.A": "Teaming",
    "IP.B": "Assessing Needs",
    "IP.B1": "Assessing Needs: Innovation Deliverers",
    "IP.B2": "Assessing Needs: Innovation Recipients",
    "IP.C": "Assessing Context",
    "IP.D": "Planning",
    "IP.E": "Tailoring Strategies",
    "IP.F": "Engaging",
    "IP.F1": "Engaging: Innovation Deliverers",
    "IP.F2": "Engaging: Innovation Recipients",
    "IP.G": "Doing",
    "IP.H": "Reflecting & Evaluating",
    "IP.H1": "Reflecting & Evaluating: Implementation",
    "IP.H2": "Reflecting & Evaluating: Innovation",
    "IP.I": "Adapting",
}
ROLES = "ABCDEFGHI"
CHARS = {"J": "Need", "K": "Capability", "L": "Opportunity", "M": "Motivation"}


@pytest.fixture(scope="module")
def cfir() -> Codebook:
    return load_codebooks("cfir2")


@pytest.fixture(scope="module")
def full() -> Codebook:
    return load_codebooks(["cfir2", "cfir_outcomes", "mio"])


# ----------------------------------------------------------------------------- bundled files
def test_bundled_codebooks_found() -> None:
    books = bundled_codebooks()
    assert list(books) == ["cfir2", "cfir_outcomes", "mio"]
    assert all(p.is_file() and p.parent == bundled_dir() for p in books.values())


def test_cfir2_counts(cfir: Codebook) -> None:
    assert len(cfir.by_level("domain")) == 5
    assert len(cfir.by_level("construct")) == 48
    assert len(cfir.by_level("subconstruct")) == 19
    assert len(cfir.by_level("code")) == 36
    assert len(cfir) == 5 + 48 + 19 + 36
    assert cfir.roots() == ["INN", "OS", "IS", "IND", "IP"]


def test_cfir2_constructs_per_domain(cfir: Codebook) -> None:
    per_domain = {d: [c for c in cfir.children(d) if cfir[c].level == "construct"] for d in cfir.roots()}
    assert {d: len(v) for d, v in per_domain.items()} == {"INN": 8, "OS": 7, "IS": 11, "IND": 13, "IP": 9}
    assert cfir.children("OS.G") == ["OS.G1", "OS.G2", "OS.G3"]
    assert cfir.children("IS.A") == ["IS.A1", "IS.A2", "IS.A3"]
    assert cfir.children("IS.D") == ["IS.D1", "IS.D2", "IS.D3", "IS.D4"]
    assert cfir.children("IS.J") == ["IS.J1", "IS.J2", "IS.J3"]
    for construct in ("IP.B", "IP.F", "IP.H"):
        assert cfir.children(construct) == [f"{construct}1", f"{construct}2"]


def test_cfir2_names_are_the_frameworks(cfir: Codebook) -> None:
    names = {cid: cfir[cid].name for cid in CFIR_NAMES}
    assert names == CFIR_NAMES
    construct_level = [c.id for c in cfir if c.level in ("domain", "construct", "subconstruct")]
    assert sorted(construct_level) == sorted(CFIR_NAMES)


def test_role_by_characteristic_matrix(cfir: Codebook) -> None:
    for role in ROLES:
        kids = cfir.children(f"IND.{role}")
        assert kids == [f"IND.{role}.{c}" for c in CHARS]
        for c, char_name in CHARS.items():
            code = cfir[f"IND.{role}.{c}"]
            assert code.level == "code"
            assert code.parent == f"IND.{role}"
            assert code.name == f"{CFIR_NAMES[f'IND.{role}']}: {char_name}"
            assert cfir.domain_of(code.id) == "IND"


def test_every_construct_is_fully_documented(full: Codebook) -> None:
    id_in_text = re.compile(r"\b(?:INN|OS|IS|IND|IP|MIO|OUT)(?:\.[A-Z0-9_]+)+\b")
    for code in full:
        if code.codebook == "cfir2" and code.level == "code":
            fields = ("definition", "use_when", "not_when", "example")
        else:
            fields = ("definition", "use_when", "not_when")
        for f in fields:
            assert getattr(code, f).strip(), f"{code.id} has no {f}"
        if code.level in ("construct", "subconstruct") or code.codebook == "mio":
            assert code.example, code.id
            assert 4 <= len(code.keywords) <= 12, (code.id, len(code.keywords))
        # every id a not_when points to exists (wildcards like OUT.ANT.* aside)
        for ref in id_in_text.findall(code.not_when.replace(".*", "")):
            assert ref in full, f"{code.id} not_when points to unknown {ref}"


def test_bundled_labels_are_unique(full: Codebook) -> None:
    from mio_qual.codebook import normalize_label

    owners: dict[str, set[str]] = {}
    for code in full:
        for label in (code.name, *code.aliases):
            owners.setdefault(normalize_label(label), set()).add(code.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_sample_code_ids_resolve(full: Codebook) -> None:
    table = (REPO / "docs" / "sample-codes.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z]+(?:\.[A-Z0-9]+)+) \| (.+?) \|$", table, flags=re.M)
    assert len(rows) >= 42
    for cid, name in rows:
        assert cid in full, cid
        assert full[cid].name == name
        assert full.resolve(name) == cid


def test_sample_coding_sources_use_known_codes(full: Codebook) -> None:
    folder = REPO / "transcripts_sample" / "coding" / "source"
    files = sorted(folder.glob("*.yaml"))
    if not files:
        pytest.skip("no sample coding sources")
    used: set[str] = set()
    for f in files:
        for seg in yaml.safe_load(f.read_text(encoding="utf-8")).get("segments", []):
            for layer in ("a", "b"):
                used.update(seg.get(layer) or [])
    assert used, "sample coding sources hold no codes"
    assert sorted(c for c in used if c not in full) == []


def test_mio_codes_refine_cfir(full: Codebook) -> None:
    mio = [c for c in full if c.codebook == "mio"]
    expected = {"MIO.RF", "MIO.TRAIN", "MIO.SUPV", "MIO.REC", "MIO.SCHED", "MIO.CW", "MIO.BILL", "MIO.TURN", "MIO.ADAPT"}
    assert expected <= {c.id for c in mio}
    for code in mio:
        assert code.refines, code.id
        assert all(full[r].codebook == "cfir2" for r in code.refines)
        assert code.parent is None and code.level == "code"
        assert full.domain_of(code.id) is None
    assert "MIO.BILL" in full.refined_by("OS.F")


def test_loading_mio_brings_in_cfir2() -> None:
    cb = load_codebooks("mio")
    assert cb.names == ["cfir2", "mio"]
    assert "IS.J1" in cb and "MIO.REC" in cb


def test_outcomes_codebook() -> None:
    cb = load_codebooks("cfir_outcomes")
    assert cb.children("OUT.ANT") == ["OUT.ANT.ADOPTABILITY", "OUT.ANT.IMPLEMENTABILITY", "OUT.ANT.SUSTAINABILITY"]
    assert cb.children("OUT.ACT") == ["OUT.ACT.ADOPTION", "OUT.ACT.IMPLEMENTATION", "OUT.ACT.SUSTAINMENT"]
    assert [cb[c].name for c in cb.children("OUT.ACT")] == ["Adoption", "Implementation", "Sustainment"]
    assert cb.resolve("sustainability") == "OUT.ANT.SUSTAINABILITY"
    assert cb.domain_of("OUT.ACT.SUSTAINMENT") == "OUT"


# ----------------------------------------------------------------------------- resolution
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("IS.J1", "IS.J1"),
        (" is . j1 ", "IS.J1"),
        ("  available resources: funding ", "IS.J1"),
        ("Available Resources : Funding", "IS.J1"),
        ("funding", "IS.J1"),
        ("Budget", "IS.J1"),  # alias
        ("IS.J1 Funding", "IS.J1"),
        ("IS.J1: Funding", "IS.J1"),
        ("Funding (IS.J1)", "IS.J1"),
        ("IS.J2 - no room for sessions", "IS.J2"),
        ("Culture: Recipient-Centeredness", "IS.D2"),
        ("recipient centeredness", "IS.D2"),
        ("Partnerships and Connections", "OS.D"),
        ("innovation evidence base", "INN.B"),
        ("Innovation Deliverers", "IND.H"),
        ("Engaging: Innovation Deliverers", "IP.F1"),
        ("Implementation Process\\Engaging\\Innovation Deliverers", "IP.F1"),
        ("Assessing Needs > Innovation Recipients", "IP.B2"),
        ("IND \\ Innovation Deliverers \\ Capability", "IND.H.K"),
        ("IP Implementation Process\\IP.F Engaging\\IP.F2 Engaging: Innovation Recipients", "IP.F2"),
        ("innovation deliverers: capability", "IND.H.K"),
        ("Scheduling", "MIO.SCHED"),
        ("reflective functioning", "MIO.RF"),
    ],
)
def test_resolve(full: Codebook, label: str, expected: str) -> None:
    assert full.resolve(label) == expected


def test_resolve_unknown_suggests_but_never_guesses(full: Codebook) -> None:
    with pytest.raises(UnknownCodeError) as info:
        full.resolve("Fundng")
    assert info.value.suggestions[0] == "IS.J1"
    assert isinstance(info.value, InputError)
    with pytest.raises(UnknownCodeError) as info:
        full.resolve("IS.J9")
    assert "IS.J1" in info.value.suggestions
    with pytest.raises(UnknownCodeError) as info:
        full.resolve("quantum chromodynamics")
    assert info.value.suggestions == []
    for empty in ("", "   "):
        with pytest.raises(UnknownCodeError):
            full.resolve(empty)


def test_resolve_conflicting_id_and_name_is_ambiguous(full: Codebook) -> None:
    with pytest.raises(AmbiguousCodeError) as info:
        full.resolve("IS.J1 Space")
    assert info.value.suggestions == ["IS.J1", "IS.J2"]
    assert "ambiguous" in str(info.value)


def test_getitem_is_exact(full: Codebook) -> None:
    assert full["IS.J1"].name == "Funding"
    with pytest.raises(UnknownCodeError) as info:
        full["is.j1"]
    assert info.value.suggestions == ["IS.J1"]
    with pytest.raises(InputError):
        full["NOPE"]


_codes = load_codebooks(["cfir2", "cfir_outcomes", "mio"])


@settings(max_examples=200, deadline=None)
@given(
    code=st.sampled_from(list(_codes.codes.values())),
    which=st.sampled_from(["id", "name", "alias"]),
    case=st.sampled_from(["upper", "lower", "title", "same"]),
    pad=st.tuples(st.sampled_from(["", " ", "\t", "  "]), st.sampled_from(["", " ", "\n"])),
    squeeze=st.booleans(),
)
def test_resolve_property(code, which: str, case: str, pad: tuple[str, str], squeeze: bool) -> None:
    label = {"id": code.id, "name": code.name, "alias": code.aliases[0] if code.aliases else code.name}[which]
    label = {"upper": label.upper(), "lower": label.lower(), "title": label.title(), "same": label}[case]
    if squeeze:
        label = label.replace(" ", "   ")
    assert _codes.resolve(pad[0] + label + pad[1]) == code.id


def test_find_codes(full: Codebook) -> None:
    found = full.find_codes("IS.J2; scheduling, MIO.REC")
    assert found == ["IS.J2", "MIO.SCHED", "MIO.REC"]
    assert found.problems == []
    found = full.find_codes("IS.J2 - no room; memo to self, IS.Z9; see IS.A1 and IS.B\nIS.J2")
    assert list(found) == ["IS.J2", "IS.A1", "IS.B"]
    assert len(found.problems) == 2
    assert "memo to self" in found.problems[0]
    assert "IS.Z9" in found.problems[1]
    assert full.find_codes("Innovation Deliverers: Capability") == ["IND.H.K"]
    assert full.find_codes("") == [] and full.find_codes("  ").problems == []
    with pytest.raises(UnknownCodeError) as info:
        full.find_codes("IS.J1; fundng", strict=True)
    assert info.value.label == "fundng" and info.value.suggestions[0] == "IS.J1"


# ----------------------------------------------------------------------------- tree
def test_tree_navigation(full: Codebook) -> None:
    assert full.ancestors("IND.H.K") == ["IND.H", "IND"]
    assert full.ancestors("INN") == []
    assert full.domain_of("IS.J1") == "IS"
    assert full.domain_of("IS") == "IS"
    assert full.children("IND")[:2] == ["IND.A", "IND.B"]
    assert full.descendants("IS.J") == ["IS.J1", "IS.J2", "IS.J3"]
    assert len(full.descendants("IND")) == 13 + 36
    walked = [c.id for c, _ in full.walk()]
    assert sorted(walked) == sorted(full.codes)
    assert walked.index("IS.J") < walked.index("IS.J1")
    with pytest.raises(UnknownCodeError):
        full.children("IS.Q")


def test_to_frame(full: Codebook) -> None:
    frame = full.to_frame()
    assert list(frame.columns[:4]) == ["id", "parent", "level", "name"]
    assert list(frame["id"]) == list(full.codes)
    row = frame.set_index("id").loc["MIO.TRAIN"]
    assert row["refines"] == "IS.K; IND.H.K"  # list fields joined (MIO.BILL has one link since issue 13)
    assert frame.set_index("id").loc["IS.J1", "parent"] == "IS.J"
    # 48 CFIR constructs + OUT.ANT, OUT.ACT, OUT.INN, OUT.REACH
    assert (frame["level"] == "construct").sum() == 48 + 4
    assert frame["line"].notna().all()


# ----------------------------------------------------------------------------- version
BASE = """\
codebook: tiny
title: Tiny
codes:
  - id: A
    name: Alpha
    definition: First domain.
    children:
      - id: A.1
        name: One
        keywords: [one thing, first*]
      - id: A.2
        name: Two
"""

REORDERED = """\
title:    Tiny
codes:
- children:
  - name: Two
    id: A.2
  - keywords:
      - one   thing
      - first*
    id: A.1
    name: One
  definition: >-
    First
    domain.
  name: Alpha
  id: A
codebook: tiny
"""


def _load_text(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Codebook:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_codebooks([path])


def test_version_stable_under_layout(tmp_path: Path) -> None:
    a = _load_text(tmp_path, BASE, "a.yaml")
    b = _load_text(tmp_path, REORDERED, "b.yaml")
    assert re.fullmatch(r"[0-9a-f]{16}", a.version)
    assert a.version == b.version
    assert load_codebooks("cfir2").version == load_codebooks("cfir2").version


@pytest.mark.parametrize(
    "edit",
    [
        ("First domain.", "First  domain, edited."),
        ("name: Two", "name: Deux"),
        ("[one thing, first*]", "[one thing, second*]"),
        ("      - id: A.2\n", "      - id: A.3\n"),
    ],
)
def test_version_changes_with_content(tmp_path: Path, edit: tuple[str, str]) -> None:
    changed = BASE.replace(*edit)
    assert changed != BASE
    assert _load_text(tmp_path, BASE, "a.yaml").version != _load_text(tmp_path, changed, "b.yaml").version


def test_bundled_codebooks_are_built_once_per_process_while_their_files_stay_the_same(tmp_path, monkeypatch):
    """Issue 21: every small .qdpx re-import read and checked the three default codebooks again
    (17-22 ms). Built once, the same object comes back; a changed file is read again; a file named
    by path is always read."""
    import os
    import shutil

    from mio_qual.codebook import loader

    folder = tmp_path / "bundled"
    folder.mkdir()
    for name, path in loader.bundled_codebooks().items():
        shutil.copy(path, folder / path.name)
    copies = {p.stem: p for p in sorted(folder.iterdir())}
    monkeypatch.setattr(loader, "bundled_codebooks", lambda: dict(copies))
    monkeypatch.setattr(loader, "_BUILT", {})
    first = loader.load_codebooks(["cfir2", "mio"])
    assert loader.load_codebooks(["cfir2", "mio"]) is first
    assert loader.load_codebooks(["cfir2"]) is not first  # other names, another build
    stat = copies["mio"].stat()
    os.utime(copies["mio"], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = loader.load_codebooks(["cfir2", "mio"])
    assert again is not first and again.version == first.version
    assert loader.load_codebooks([copies["mio"]]) is not loader.load_codebooks([copies["mio"]])

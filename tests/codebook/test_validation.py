"""Every kind of codebook problem is reported, with its file and line, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from mio_qual.codebook import CodebookError, Problem, load_codebooks, parse_keyword, validate_codebook
from mio_qual.codebook.keywords import KeywordSyntaxError
from mio_qual.codebook.problems import PROBLEM_KINDS
from mio_qual.errors import InputError


def write(tmp_path: Path, text: str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def kinds_and_lines(problems: list[Problem]) -> list[tuple[str, int | None]]:
    return [(p.kind, p.line) for p in problems]


HEAD = "codebook: t\ncodes:\n"  # lines 1-2; entries start on line 3


# (name, YAML text, expected (kind, line) problems). Line numbers counted by hand.
CASES = [
    (
        "syntax",
        HEAD + "  - id: A\n    name: [unclosed\n",
        [("syntax", 5)],
    ),
    (
        "unknown-field",
        HEAD + "  - id: A\n    name: Alpha\n    defintion: typo\n",
        [("unknown-field", 5)],
    ),
    (
        "unknown-field-top",
        "codebook: t\ntitel: T\ncodes:\n  - id: A\n    name: Alpha\n",
        [("unknown-field", 2)],
    ),
    (
        "duplicate-key",
        HEAD + "  - id: A\n    name: Alpha\n    name: Again\n",
        [("duplicate-key", 5)],
    ),
    (
        "missing-id",
        HEAD + "  - id: A\n    name: Alpha\n  - name: Nameless\n",
        [("missing-id", 5)],
    ),
    (
        "bad-id",
        HEAD + "  - id: IS J1\n    name: Spaces\n",
        [("bad-id", 3)],
    ),
    (
        "bad-id-number",
        HEAD + "  - id: 1.10\n    name: A float\n",
        [("bad-id", 3)],
    ),
    (
        "duplicate-id",
        HEAD + "  - id: A\n    name: Alpha\n  - id: B\n    name: Beta\n  - id: a\n    name: Gamma\n",
        [("duplicate-id", 7)],
    ),
    (
        "missing-name",
        HEAD + "  - id: A\n    definition: no name here\n",
        [("missing-name", 3)],
    ),
    (
        "bad-value",
        HEAD + "  - id: A\n    name: Alpha\n    keywords: 5\n    definition: [a, list]\n",
        [("bad-value", 5), ("bad-value", 6)],
    ),
    (
        "bad-level",
        HEAD + "  - id: A\n    name: Alpha\n    level: theme\n",
        [("bad-level", 5)],
    ),
    (
        "bad-keyword",
        HEAD + "  - id: A\n    name: Alpha\n    keywords:\n      - fine words\n      - re*\n      - \"(regex)\"\n",
        [("bad-keyword", 7), ("bad-keyword", 8)],
    ),
    (
        "unknown-parent",
        HEAD + "  - id: A\n    name: Alpha\n  - id: A.1\n    name: One\n    parent: AA\n",
        [("unknown-parent", 7)],
    ),
    (
        "parent-conflict",
        HEAD
        + "  - id: A\n    name: Alpha\n  - id: B\n    name: Beta\n    children:\n"
        + "      - id: B.1\n        name: One\n        parent: A\n",
        [("parent-conflict", 10)],
    ),
    (
        "unknown-refines",
        HEAD + "  - id: A\n    name: Alpha\n    refines:\n      - A\n      - IS.Q9\n",
        [("unknown-refines", 6), ("unknown-refines", 7)],
    ),
    (
        "cycle",
        HEAD
        + "  - id: A\n    name: Alpha\n    parent: C\n  - id: B\n    name: Beta\n    parent: A\n"
        + "  - id: C\n    name: Gamma\n    parent: B\n  - id: D\n    name: Fine\n",
        [("cycle", 5)],
    ),
    (
        "ambiguous-label",
        HEAD + "  - id: A\n    name: Alpha\n  - id: B\n    name: Beta\n    aliases: [alpha]\n",
        [("ambiguous-label", 7)],
    ),
    (
        "ambiguous-name-same-parent",
        HEAD + "  - id: A\n    name: Alpha\n    children:\n      - id: A.1\n        name: Staff\n"
        + "      - id: A.2\n        name: staff\n  - id: B\n    name: Beta\n    children:\n"
        + "      - id: B.1\n        name: Staff\n",
        [("ambiguous-label", 9)],
    ),
    (
        "ambiguous-alias-is-an-id",
        HEAD + "  - id: A\n    name: Alpha\n  - id: B\n    name: Beta\n    aliases: [a]\n",
        [("ambiguous-label", 7)],
    ),
    (
        "unknown-requires",
        "codebook: t\nrequires: [no_such_book]\ncodes:\n  - id: A\n    name: Alpha\n",
        [("unknown-requires", 2)],
    ),
    (
        "bad-structure",
        "- id: A\n  name: Alpha\n",
        [("bad-structure", 1)],
    ),
    (
        "bad-structure-entry",
        HEAD + "  - just a string\n  - id: A\n    name: Alpha\n",
        [("bad-structure", 3)],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_kind_with_line(tmp_path: Path, name: str, text: str, expected: list) -> None:
    path = write(tmp_path, text)
    problems = validate_codebook(path)
    assert kinds_and_lines(problems) == expected
    assert all(p.path == str(path) for p in problems)
    with pytest.raises(CodebookError) as info:
        load_codebooks([path])
    assert isinstance(info.value, InputError)
    assert info.value.problems == problems
    assert len(info.value.details) == len(expected)
    for detail, (_kind, line) in zip(info.value.details, expected):
        assert detail.startswith(f"{path}:{line}: ")


def test_problem_kinds_are_all_covered() -> None:
    covered = {kind for _n, _t, expected in CASES for kind, _l in expected}
    covered |= {"encoding", "duplicate-codebook"}  # tested below
    covered |= {"unknown-member"}  # a .qdc set naming no code: tests/codebook/test_qdc.py
    assert covered == set(PROBLEM_KINDS)


def test_encoding_problem(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"codebook: t\ncodes:\n  - id: A\n    name: Caf\xe9\n")
    assert kinds_and_lines(validate_codebook(path)) == [("encoding", 4)]


def test_duplicate_codebook_name(tmp_path: Path) -> None:
    a = write(tmp_path, "codebook: same\ncodes:\n  - id: A\n    name: Alpha\n", "a.yaml")
    b = write(tmp_path, "codebook: same\ncodes:\n  - id: B\n    name: Beta\n", "b.yaml")
    with pytest.raises(CodebookError) as info:
        load_codebooks([a, b])
    assert kinds_and_lines(info.value.problems) == [("duplicate-codebook", 1)]
    assert info.value.problems[0].path == str(b)


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    text = (
        "codebook: many\n"  # 1
        "codes:\n"  # 2
        "  - id: A\n"  # 3
        "    name: Alpha\n"  # 4
        "    colour: red\n"  # 5 unknown field
        "  - id: A\n"  # 6 duplicate id
        "    name: Again\n"  # 7
        "  - id: B\n"  # 8
        "    parent: Q\n"  # 9 unknown parent
        "    keywords: [ok, '*bad']\n"  # 10 bad keyword; missing name at 8
    )
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        load_codebooks([path])
    err = info.value
    assert kinds_and_lines(err.problems) == [
        ("unknown-field", 5),
        ("duplicate-id", 6),
        ("missing-name", 8),
        ("unknown-parent", 9),
        ("bad-keyword", 10),
    ]
    first_line = str(err)
    assert "\n" not in first_line
    assert first_line.startswith(f"{path}: 5 problems in codebook")
    assert "first defined at" in err.details[1] and f"{path}:3" in err.details[1]
    assert "parent 'Q' of B is not a code" in err.details[3]


def test_problems_across_two_files(tmp_path: Path) -> None:
    base = write(tmp_path, "codebook: base\ncodes:\n  - id: A\n    name: Alpha\n", "base.yaml")
    ext = write(
        tmp_path,
        "codebook: ext\ncodes:\n  - id: X\n    name: Ex\n    parent: A\n    refines: [A, B]\n",
        "ext.yaml",
    )
    # alone, the extension's parent and refines are unknown; with the base only B is
    assert kinds_and_lines(validate_codebook(ext)) == [("unknown-parent", 5), ("unknown-refines", 6), ("unknown-refines", 6)]
    assert kinds_and_lines(validate_codebook(ext, with_sources=[base])) == [("unknown-refines", 6)]


def test_unknown_field_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "  - id: A\n    name: Alpha\n    use_wehn: typo\n")
    (problem,) = validate_codebook(path)
    assert "use_when" in problem.message


def test_missing_or_odd_sources(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_codebooks(["no_such_codebook"])
    assert "cfir2" in (info.value.hint or "")
    with pytest.raises(InputError):
        load_codebooks([tmp_path / "missing.yaml"])
    odd = tmp_path / "codes.txt"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_codebooks([odd])
    assert ".qdc" in (info.value.hint or "")
    with pytest.raises(InputError):
        load_codebooks([])


@pytest.mark.parametrize("name", ["cfir2", "cfir_outcomes", "mio"])
def test_bundled_codebooks_are_valid(name: str) -> None:
    assert validate_codebook(name) == []


# ----------------------------------------------------------------------------- keyword syntax
@pytest.mark.parametrize(
    ("pattern", "terms", "exclude"),
    [
        ("fidelity", [("fidelity", False)], []),
        ("Protected  Time", [("protected", False), ("time", False)], []),
        ("record* session*", [("record", True), ("session", True)], []),
        ("child welfare !league !sport*", [("child", False), ("welfare", False)], [("league", False), ("sport", True)]),
        ("buy-in", [("buy-in", False)], []),
        ("materials & equipment", [("materials", False), ("&", False), ("equipment", False)], []),
    ],
)
def test_keyword_parse(pattern: str, terms: list, exclude: list) -> None:
    parsed = parse_keyword(pattern)
    assert [(t.text, t.prefix) for t in parsed.terms] == terms
    assert [(t.text, t.prefix) for t in parsed.exclude] == exclude


@pytest.mark.parametrize(
    "pattern",
    ["", "   ", "re*", "*cord", "rec*ord", "!only", "word !ex more", "a (b)", "x;y", "quote\"d", "buy-in*", "-lead",
     "one two three four five six seven eight nine", "!"],
)
def test_keyword_rejects(pattern: str) -> None:
    with pytest.raises(KeywordSyntaxError):
        parse_keyword(pattern)


# ---------------------------------------------------------------------------- long chains of parents (issue 20)
class _CountingParents(dict):
    """A parent map that counts its lookups (the work of walking chains of parents)."""

    lookups = 0

    def get(self, key, default=None):
        type(self).lookups += 1
        return super().get(key, default)


def _chain(n: int, *, loop: bool = False) -> str:
    lines = [HEAD]
    for i in range(n):
        parent = f"    parent: C{i - 1}\n" if i else ("    parent: C%d\n" % (n - 1) if loop else "")
        lines.append(f"  - id: C{i}\n    name: Code {i}\n{parent}")
    return "".join(lines)


@pytest.mark.parametrize("n", [300, 1200])
def test_a_chain_of_parents_is_walked_a_bounded_number_of_times_per_code(tmp_path, monkeypatch, n):
    """validate took 7.9 s at 1,000 chained codes and over 240 s at 3,000 (cubic): chains are walked once."""
    from mio_qual.codebook import build

    original = build._Checker.__init__

    def counting_init(self, books):
        original(self, books)
        self.parent_of = _CountingParents()

    monkeypatch.setattr(build._Checker, "__init__", counting_init)
    _CountingParents.lookups = 0
    assert validate_codebook(write(tmp_path, _chain(n))) == []
    assert _CountingParents.lookups <= 6 * n
    book = load_codebooks([write(tmp_path, _chain(n), "ok.yaml")])
    assert [book.codes[f"C{i}"].level for i in (0, 1, 2, 3)] == ["domain", "construct", "subconstruct", "code"]
    assert book.codes[f"C{n - 1}"].parent == f"C{n - 2}"


def test_a_long_loop_of_parents_is_reported_once_at_its_first_code(tmp_path):
    problems = validate_codebook(write(tmp_path, _chain(500, loop=True)))
    cycles = [p for p in problems if p.kind == "cycle"]
    assert len(cycles) == 1 and cycles[0].line == 5 and cycles[0].code_id == "C0"  # its parent: line
    assert cycles[0].message.startswith("parents form a cycle: C0 -> C499 -> C498")


def test_a_csv_id_equal_to_a_cfir_name_is_blamed_on_the_csv(tmp_path: Path) -> None:
    """A team's spreadsheet codebook with a code SPACE (refining IS.J2, named "Space" in cfir2) was reported
    at line 631 of the bundled cfir2.yaml, a file the user cannot change (new-user walk): the problem is the
    later file's id; and a CSV, which has no requires:, is told how to load cfir2 with it."""
    path = write(tmp_path, "id,name,refines\nROOM,Rooms,IS.J2\nSPACE,Space for sessions,IS.J2\n", "mine.csv")
    (problem,) = validate_codebook(path, with_sources=["cfir2"])
    assert (problem.kind, Path(problem.path).name, problem.line) == ("ambiguous-label", "mine.csv", 3)
    assert problem.message == "id SPACE is the name of IS.J2 ('Space', codebook cfir2); choose another id"
    alone = validate_codebook(path)
    assert [p.kind for p in alone] == ["unknown-refines", "unknown-refines"]
    assert alone[0].message.endswith("(validate with --with cfir2, import with --codebook cfir2 --codebook FILE)")

"""The house rules of the code base, checked on the source (DESIGN.md, decision 10).

- SQL runs only in ``mio_qual.store``.
- Nothing below :class:`~mio_qual.project.Project` receives or imports it: analyses take
  DataFrames and result objects, and ``Project`` composes the store with them.
- Analysis packages compute; they do not write Word, Excel or PNG files (the renderer in
  ``mio_qual.reports`` does).
- Tests mirror src/: a test file sits in the folder of the package it tests (tests/system/ for
  whole-package checks), is named after what it tests, never after who wrote it, and imports no
  other test file.

Each ``..._PENDING`` set lists the files that still break a rule while the architecture issue is
worked on; a file leaves the set when it is fixed, and the test fails if a listed file no longer
breaks the rule (so the set only shrinks) or if any other file starts to.
"""

from __future__ import annotations

import re

import pytest

from helpers import REPO

SRC = REPO / "src" / "mio_qual"

#: A DB-API call (a matplotlib layout engine's ``LayoutEngine().execute(figure)`` is not one).
SQL_CALL = re.compile(r"(?<!LayoutEngine\(\))\.(execute|executemany|executescript)\(|\bcursor\(\)")
PROJECT_IMPORT = re.compile(r"^\s*(from\s+(\.+|mio_qual\.)project\b|from\s+(\.\.|mio_qual)\s+import\s+Project\b"
                            r"|import\s+mio_qual\.project\b)", re.M)
RENDERING_IMPORT = re.compile(r"^\s*(import|from)\s+(docx|openpyxl|matplotlib)\b", re.M)

# Above the project: may use it.
ABOVE_PROJECT = ("project/", "cli/", "demo.py", "__init__.py")
ANALYSIS_PACKAGES = ("agreement/", "mixed/", "autocode/", "implementation/")

SQL_PENDING: set[str] = set()
PROJECT_PENDING: set[str] = set()
RENDERING_PENDING: set[str] = set()


def _sources() -> dict[str, str]:
    return {path.relative_to(SRC).as_posix(): path.read_text(encoding="utf-8") for path in SRC.rglob("*.py")}


def _code(text: str) -> str:
    """The text without docstring examples and comments, so that prose about SQL is not counted."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith((">>>", "...", "#"))]
    return "\n".join(lines)


def _check(breaking: set[str], pending: set[str], rule: str) -> None:
    new = sorted(breaking - pending)
    fixed = sorted(pending - breaking)
    assert not new, f"{rule}: {new}"
    assert not fixed, f"these files follow the rule now; take them out of the pending set: {fixed}"


def test_sql_only_in_store() -> None:
    breaking = {name for name, text in _sources().items()
                if not name.startswith("store/") and SQL_CALL.search(_code(text))}
    _check(breaking, SQL_PENDING, "SQL outside mio_qual.store")


def test_nothing_below_project_imports_it() -> None:
    breaking = {name for name, text in _sources().items()
                if not name.startswith(ABOVE_PROJECT) and PROJECT_IMPORT.search(text)}
    _check(breaking, PROJECT_PENDING, "imports Project below it")


def test_analyses_do_not_render() -> None:
    breaking = {name for name, text in _sources().items()
                if name.startswith(ANALYSIS_PACKAGES) and RENDERING_IMPORT.search(text)}
    _check(breaking, RENDERING_PENDING, "an analysis package imports docx, openpyxl or matplotlib")


@pytest.mark.parametrize("pattern, text", [
    (SQL_CALL, "connection.execute('SELECT 1')"),
    (PROJECT_IMPORT, "    from ..project import Project"),
    (RENDERING_IMPORT, "from docx import Document"),
])
def test_the_rules_see_what_they_look_for(pattern: re.Pattern, text: str) -> None:
    assert pattern.search(text)


def test_a_chart_layout_engine_is_not_sql() -> None:
    assert not SQL_CALL.search("    ConstrainedLayoutEngine().execute(figure)")
    assert SQL_CALL.search("store.connection.execute(sql)") and SQL_CALL.search("engine.execute(figure)")


# ------------------------------------------------------------------------------ the tests' layout
TESTS = REPO / "tests"
#: Folders of tests that mirror no package of src/: whole-package checks, and the benchmarks'
#: own code (benchmarks/ at the top of the repository).
NOT_MIRRORED = ("system", "benchmarks")
#: Test files named after who wrote them or why, not after what they test.
AUTHOR_NAMES = re.compile(r"^test_(review|acceptance)_|_(review|acceptance)\.py$")


def layout_problems(test_files: list[str], packages: set[str], modules: set[str]) -> list[str]:
    """What is wrong with where the test files sit and how they are named.

    Parameters
    ----------
    test_files
        Paths of test files relative to tests/, with "/" separators ("agreement/test_kappa.py").
    packages
        Packages of src/mio_qual relative to it ("agreement", "mixed/configurations").
    modules
        Top-level modules of src/mio_qual ("text", "offsets").

    Returns
    -------
    list of str
        One line per problem: a file named after its author or purpose, a file in a folder that
        mirrors no package, a top-level test file named after no top-level module.
    """
    problems = []
    for name in test_files:
        folder, _, base = name.rpartition("/")
        if AUTHOR_NAMES.search(base):
            problems.append(f"{name}: named after who wrote it; name it after the module or topic")
        if not folder:
            if base.removeprefix("test_").removesuffix(".py") not in modules:
                problems.append(f"{name}: a top-level test file is named after a top-level module")
        elif folder.split("/")[0] not in NOT_MIRRORED and folder not in packages:
            problems.append(f"{name}: {folder}/ mirrors no package of src/mio_qual (nor tests/system)")
    return problems


def test_test_files_mirror_src_and_are_named_after_what_they_test() -> None:
    test_files = sorted(path.relative_to(TESTS).as_posix() for path in TESTS.rglob("test_*.py")
                        if "data" not in path.relative_to(TESTS).parts[:1])
    packages = {path.parent.relative_to(SRC).as_posix() for path in SRC.rglob("__init__.py")} - {"."}
    modules = {path.stem for path in SRC.glob("*.py")}
    assert len(test_files) > 50
    assert layout_problems(test_files, packages, modules) == []


def test_test_files_do_not_import_each_other() -> None:
    """Shared builders live in the package tests/helpers/ (importlib mode cannot import test files)."""
    importing = re.compile(r"^\s*(from|import)\s+(test_\w+|conftest)\b", re.M)
    offenders = sorted(path.relative_to(TESTS).as_posix() for path in TESTS.rglob("*.py")
                       if importing.search(path.read_text(encoding="utf-8")))
    assert offenders == []
    assert [path.relative_to(TESTS).as_posix() for path in TESTS.rglob("__init__.py")] == ["helpers/__init__.py"]


@pytest.mark.parametrize("name, problem", [
    ("agreement/test_review_stats_units.py", "named after who wrote it"),
    ("agreement/test_acceptance_kappa.py", "named after who wrote it"),
    ("nowhere/test_kappa.py", "mirrors no package"),
    ("test_kappa.py", "top-level test file"),
])
def test_the_layout_rule_sees_what_it_looks_for(name: str, problem: str) -> None:
    problems = layout_problems([name], {"agreement"}, {"text"})
    assert len(problems) == 1 and problem in problems[0]
    assert layout_problems(["agreement/test_kappa.py", "system/hostile/test_fuzz.py", "test_text.py"],
                           {"agreement"}, {"text"}) == []

"""The house rules of the code base, checked on the source (DESIGN.md, decision 10).

- SQL runs only in ``mio_qual.store``.
- Nothing below :class:`~mio_qual.project.Project` receives or imports it: analyses take
  DataFrames and result objects, and ``Project`` composes the store with them.
- Analysis packages compute; they do not write Word, Excel or PNG files (the renderer in
  ``mio_qual.reports`` does).

Each ``..._PENDING`` set lists the files that still break a rule while the architecture issue is
worked on; a file leaves the set when it is fixed, and the test fails if a listed file no longer
breaks the rule (so the set only shrinks) or if any other file starts to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mio_qual"

SQL_CALL = re.compile(r"\.(execute|executemany|executescript)\(|\bcursor\(\)")
PROJECT_IMPORT = re.compile(r"^\s*(from\s+(\.+|mio_qual\.)project\b|from\s+(\.\.|mio_qual)\s+import\s+Project\b"
                            r"|import\s+mio_qual\.project\b)", re.M)
RENDERING_IMPORT = re.compile(r"^\s*(import|from)\s+(docx|openpyxl|matplotlib)\b", re.M)

# Above the project: may use it.
ABOVE_PROJECT = ("project/", "cli/", "demo.py", "__init__.py")
ANALYSIS_PACKAGES = ("agreement/", "mixed/", "autocode/")

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

"""Every example in the docstrings of ``mio_qual`` runs and prints what it says.

The examples are found in the installed package (not by path), so this works the same on an
editable install and on the wheel CI installs. Each module with examples is one test; an
example that needs a project or files it cannot have is marked ``# doctest: +SKIP`` in place.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import mio_qual

PACKAGE = Path(mio_qual.__file__).resolve().parent
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_with_examples() -> list[str]:
    """Modules whose source holds a ``>>>`` prompt (read as text: nothing is imported)."""
    return sorted(_module_name(path) for path in PACKAGE.rglob("*.py")
                  if ">>>" in path.read_text(encoding="utf-8"))


MODULES = modules_with_examples()


def test_examples_are_found():
    # the package has dozens of documented examples: an empty list means the finder broke
    assert len(MODULES) >= 20, MODULES
    assert "mio_qual.reports.formats" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module, name) if t.examples]
    assert tests, f"{name} has '>>>' in its source but no example doctest can find"
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, "".join(report)

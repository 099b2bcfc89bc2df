"""Lazy package namespaces (mio_qual._lazy): a module loads what it uses, not its whole package."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: module imported in a fresh interpreter -> libraries it must not load (what its package's other
#: modules need: issue 21 found `autocode rules` loading scikit-learn through the package init)
LIGHT = {
    "mio_qual.autocode.rules": ("sklearn",),
    "mio_qual.reports.render": ("docx", "matplotlib", "openpyxl"),
    "mio_qual.reports.formats": ("pandas", "numpy"),
    "mio_qual.codebook": ("pandas", "numpy", "yaml"),
    "mio_qual.transcripts": ("pandas", "numpy", "spacy", "docx"),
    "mio_qual.coding": ("pandas", "numpy"),
    "mio_qual.mixed": ("pandas", "numpy"),
    "mio_qual.reports": ("pandas", "numpy", "docx"),
}


def _loaded(module: str) -> set[str]:
    code = f"import sys, {module}\nprint(','.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.strip().split(","))


@pytest.mark.parametrize("module", list(LIGHT))
def test_a_module_loads_only_what_it_uses(module: str) -> None:
    loaded = _loaded(module)
    assert "mio_qual" in loaded
    assert loaded & set(LIGHT[module]) == set()


def test_every_public_name_is_there_and_comes_from_its_module() -> None:
    import importlib

    for package in ("agreement", "autocode", "codebook", "coding", "mixed", "reports", "transcripts"):
        module = importlib.import_module(f"mio_qual.{package}")
        assert module.__all__ and set(module.__all__) <= set(dir(module))
        for name in module.__all__:
            value = getattr(module, name)
            assert getattr(value, "__module__", module.__name__).startswith(module.__name__), (package, name)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        importlib.import_module("mio_qual.reports").nothing  # noqa: B018


def test_a_name_that_is_also_its_module_is_the_name() -> None:
    # autocode.evaluate is a function in the module autocode/evaluate.py: importing the module
    # later must not replace the function on the package
    code = ("import mio_qual.autocode as a, mio_qual.autocode.evaluate\n"
            "from mio_qual.autocode import evaluate\nprint(callable(evaluate) and not hasattr(evaluate, '__path__')"
            " and type(evaluate).__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "function"

"""Reading the bundled sample's generator scripts and CSV files, and writing small test files."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType


def load_module(path: Path) -> ModuleType:
    """A generator script (``make_quant.py`` ...) loaded as a module, without running its main."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as dicts of text."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_file(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` and return the path."""
    path.write_text(text, encoding="utf-8")
    return path

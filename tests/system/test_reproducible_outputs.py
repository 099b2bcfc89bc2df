"""Every .docx and .xlsx the CLI writes is byte-reproducible (issue 19): the same project, a different wall clock,
the same bytes.

Each command runs twice on the demo project, the second time with the clock three days on
(``time.time``, which zip entries and the libraries' "now" read) and ``SOURCE_DATE_EPOCH`` unset,
and every Word and Excel file the two runs wrote is compared byte for byte. The reports have
their own test (tests/reports/test_reproducible.py); these are the other writers: coders' Word
copies with suggestions, coding sheets, the reconciliation sheet and handout, rating worksheets
(Aim 3), rapid-analysis templates, and the tables every command renders to .xlsx/.docx (Aim 2's
RE-AIM table, joint displays, agreement, rating matrix, name review).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from helpers.cli import exit_code, run_captured

COMMANDS: dict[str, list[str]] = {
    "coding-sheet": ["coding", "export", "--coder", "jordan", "--out", "{out}/jordan.xlsx"],
    "word": ["coding", "export-docx", "INT01", "FG02", "--with-suggestions", "--out", "{out}/word"],
    "reconcile": ["coding", "reconcile", "--coders", "jordan", "casey", "--out", "{out}/reconcile", "--force"],
    "worksheets": ["ratings", "worksheet", "--raters", "kim", "--out", "{out}/ratings"],
    "rapid": ["rapid", "templates", "INT01", "INT02", "--out", "{out}/rapid"],
    "joint": ["joint", "--display", "side-by-side", "--out", "{out}/joint.xlsx"],
    "joint-docx": ["joint", "--display", "case-ordered", "--out", "{out}/joint.docx"],
    "agreement": ["agreement", "--coders", "jordan", "casey", "--out", "{out}/agreement.xlsx"],
    "reaim": ["implementation", "reaim", "--out", "{out}/reaim.xlsx"],
    "reaim-docx": ["implementation", "reaim", "--out", "{out}/reaim.docx"],
    "matrix": ["ratings", "matrix", "--out", "{out}/matrix.xlsx"],
    "names": ["report", "names", "--out", "{out}/names.xlsx"],
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reproducible")
    assert exit_code(["demo", "--out", str(root / "demo"), "--no-charts"]) == 0
    return root / "demo" / "project"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_same_project_same_bytes(project: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    real = time.time
    for run, shift in (("a", 0), ("b", 3 * 86_400)):
        monkeypatch.setattr(time, "time", lambda shift=shift: real() + shift)
        args = [a.format(out=tmp_path / run) for a in COMMANDS[name]]
        code, _, err = run_captured(project, *args)
        assert code == 0, err
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.suffix in (".docx", ".xlsx"))
    second = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.suffix in (".docx", ".xlsx"))
    assert first and first == second
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes(), relative

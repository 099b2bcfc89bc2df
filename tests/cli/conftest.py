"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.agreement import make_coded_project
from helpers.mixed import make_study


@pytest.fixture()
def study(tmp_path: Path):
    """The four-clinic project of ``helpers.mixed`` with transcripts and two coding layers."""
    project = make_study(tmp_path)
    yield project
    project.close()


@pytest.fixture()
def coded_project(tmp_path: Path):
    """Two transcripts coded by ``ann`` and ``bob`` (``helpers.agreement``)."""
    project = make_coded_project(tmp_path)
    yield project
    project.close()

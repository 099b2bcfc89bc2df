"""Fixtures of the agreement tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.agreement import make_coded_project


@pytest.fixture()
def coded_project(tmp_path: Path):
    """Two transcripts coded by ``ann`` and ``bob`` (``helpers.agreement``)."""
    project = make_coded_project(tmp_path)
    yield project
    project.close()

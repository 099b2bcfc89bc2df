"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def project(tmp_path: Path):
    """A new, empty project."""
    from mio_qual import Project

    p = Project.create(tmp_path / "study")
    yield p
    p.close()

"""Fixtures of the hostile-input suite (helpers in ``hostile_run``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import file_digest, project_state
from helpers.hostile_run import build_base_project


@pytest.fixture(scope="session")
def base_project(tmp_path_factory) -> tuple[Path, str, str]:
    """(folder, bytes digest, content digest) of the closed base project."""
    folder = tmp_path_factory.mktemp("hostile-base")
    project_dir = build_base_project(folder)
    db = project_dir / "mio-qual.db"
    assert not Path(str(db) + "-wal").exists() or Path(str(db) + "-wal").stat().st_size == 0
    return project_dir, file_digest(db), project_state(project_dir)



"""A small project for the rapid-analysis tests: two sample transcripts, built once per session and copied per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLE
from helpers.rapid import two_transcript_folder


@pytest.fixture(scope="session")
def _two_transcripts_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed project folder holding INT01 and INT06 (with the sample's manifest and roster), built once."""
    from mio_qual import Project

    folder = tmp_path_factory.mktemp("rapid")
    source = two_transcript_folder(folder / "transcripts")
    project = Project.create(folder / "study")
    project.import_transcripts([source], manifest=source / "manifest.csv", roster=SAMPLE / "roster.csv")
    project.close()
    return folder / "study"


@pytest.fixture()
def two_transcripts(_two_transcripts_folder: Path, tmp_path: Path):
    """A fresh copy of the two-transcript project for one test."""
    import shutil

    from mio_qual import Project

    folder = tmp_path / "study"
    shutil.copytree(_two_transcripts_folder, folder)
    project = Project.open(folder)
    yield project
    project.close()

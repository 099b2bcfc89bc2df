"""Project.report: one clear error for an option the report kind does not take."""

from __future__ import annotations

import pytest

from mio_qual import Project
from mio_qual.errors import InputError


def test_an_unknown_report_option_is_one_clear_error(tmp_path) -> None:
    # it used to be Python's TypeError from report_joint(); nothing may be written
    project = Project.create(tmp_path / "p")
    with pytest.raises(InputError, match=r"report\('joint'\) takes no option 'outcom' \(write outcome; it takes "):
        project.report("joint", tmp_path / "joint.docx", outcom="fidelity")
    with pytest.raises(InputError, match=r"report\('study'\) takes no option 'boot' \(write n_boot=...;"):
        project.report("study", tmp_path / "study.docx", boot=100)
    assert not list(tmp_path.glob("*.docx"))

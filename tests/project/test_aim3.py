"""Project.case_matrix: a row naming an instrument or scale the project lacks is refused, not left empty."""

from __future__ import annotations

import pytest
from helpers import SAMPLE

from mio_qual import Project
from mio_qual.errors import InputError


def test_a_row_of_an_unknown_scale_or_instrument_is_refused(tmp_path) -> None:
    # 'ics:totl' gave a row of empty cells; 'nope:x' said "no bundled scoring key for 'nope'"
    project = Project.create(tmp_path / "p")
    project.import_measure(SAMPLE / "measures" / "ics.csv", "ics")
    project.import_quant(SAMPLE / "quant" / "fidelity_sessions.csv")
    with pytest.raises(InputError, match=r"row 'ics:totl': the instrument has no scale 'totl' \(use one of focus, "):
        project.case_matrix(rows=["ics:totl"])
    with pytest.raises(InputError, match=r"row 'nope:x': no items of instrument 'nope' were imported \(.*: ics "):
        project.case_matrix(rows=["nope:x"])
    assert project.case_matrix(rows=["ics:total"]).loc["ics:total"].notna().all()
    project.close()

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


def test_counselor_display_refuses_unknown_construct_ids_with_close_ones(tmp_path) -> None:
    # constructs=["NOPE"] made a column "n NOPE" of zeros without a word
    project = Project.create(tmp_path / "p")
    project.import_counselor_links(SAMPLE / "measures" / "counselor_links.csv")
    with pytest.raises(InputError, match=r"unknown constructs 'MIO.SUPERV', 'NOPE': .*did you mean MIO.SUPV"):
        project.counselor_display(constructs=["MIO.SUPERV", "NOPE"])
    assert "n MIO.SUPV" in project.counselor_display(constructs=["MIO.SUPV"]).columns
    project.close()

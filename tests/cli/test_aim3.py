"""``mio-qual aim3``: links, measures with their aggregation warnings, the matrix, the blinding setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import SAMPLE
from helpers.cli import run


def test_aim3_commands_on_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mio_qual import Project

    project = Project.create(tmp_path / "p")
    project.import_transcripts([SAMPLE])
    project.import_quant(SAMPLE / "quant" / "fidelity_sessions.csv")
    project.close()
    folder = tmp_path / "p"
    measures = SAMPLE / "measures"
    assert run(["aim3", "links", str(measures / "counselor_links.csv")], folder) == 0
    assert run(["aim3", "measure", str(measures / "ics.csv"), "--instrument", "ics"], folder) == 0
    capsys.readouterr()
    assert run(["aim3", "measures", "--instrument", "ics", "--format", "csv"], folder) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "instrument,scale,clinic,n,mean,sd,rwg_j,rwg_lindell,icc1,icc2,aggregation"
    assert sum(line.startswith("ics,total,") for line in lines) == 4
    assert "below rwg(j) 0.70 in eastgate" in captured.err
    assert "ics: item numbering assumed, not verified" in captured.err  # the ICS key's numbering is assumed
    assert run(["aim3", "matrix", "--rows", "ics:total", "--format", "csv"], folder) == 0
    captured = capsys.readouterr()
    rows = captured.out.splitlines()
    assert rows[0] == "row,northside,westfield,eastgate,downtown" and rows[2].startswith("ics:total,")
    # the means of a clinic whose staff do not agree are printed all the same: the matrix says so (audit, s8)
    assert "ics:total: the clinic mean may not stand for its staff at eastgate (subscales rwg(j) < 0.70: focus" \
        in captured.err.replace("\n", " ")
    assert run(["aim3", "counselors", "--format", "csv"], folder) == 0
    assert len(capsys.readouterr().out.splitlines()) == 22  # header and 21 linked counselors
    assert run(["aim3", "blinding", "blind"], folder) == 0
    assert Project.open(folder).raters_knew_outcomes() is False
    # the TCU ORC has no bundled key: asked for, it says how to give one (exit 2)
    assert run(["aim3", "measures", "--instrument", "orc"], folder) == 2
    assert "scoring key" in capsys.readouterr().err

"""The ratings, quant and joint commands end to end (in-process through ``mio_qual.cli.main.cli``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers.cli import run
from helpers.mixed import write_fidelity


def _fill(path: Path, values: dict[tuple[str, str], str]) -> None:
    book = load_workbook(path)
    sheet = book["ratings"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = (row[header.index("case_id")].value, row[header.index("construct")].value)
        row[header.index("rating")].value = values.get(key, "")
        row[header.index("rationale")].value = f"because {key}"
    book.save(path)


LEE = {("north", "IS.J2"): "+2", ("west", "IS.J2"): "+1", ("east", "IS.J2"): "-1", ("south", "IS.J2"): "-2",
       ("north", "IS.A3"): "+2", ("west", "IS.A3"): "-1", ("east", "IS.A3"): "0", ("south", "IS.A3"): "-2"}
KIM = {**LEE, ("west", "IS.A3"): "X", ("east", "IS.J2"): "-2"}


def test_ratings_and_joint_commands(study, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    folder = study.folder
    out = tmp_path / "ws"
    assert run(["ratings", "worksheet", "--by", "clinic", "--raters", "lee", "kim", "--out", str(out)],
               folder) == 0
    assert sorted(p.name for p in out.iterdir()) == ["ratings_kim.docx", "ratings_kim.xlsx", "ratings_lee.docx",
                                                     "ratings_lee.xlsx"]
    assert "8 rows (2 constructs x 4 clinics)" in capsys.readouterr().err
    _fill(out / "ratings_lee.xlsx", LEE)
    _fill(out / "ratings_kim.xlsx", KIM)
    assert run(["ratings", "import", str(out / "ratings_lee.xlsx"), str(out / "ratings_kim.xlsx")], folder) == 0
    assert "lee: 8 rows, 8 rated, 0 missing" in capsys.readouterr().err
    assert run(["ratings", "agreement", "--format", "csv"], folder) == 0
    agreement = capsys.readouterr().out
    assert "percent_agreement,kim & lee,0.75," in agreement  # 6 of 8 identical
    # on screen the long 'note' column wraps; it squeezed the value columns to nothing (new-user walk)
    assert run(["ratings", "agreement"], folder) == 0
    screen = capsys.readouterr().out
    assert "0.750" in screen and " value " in screen
    sheet = tmp_path / "disagreements.csv"
    assert run(["ratings", "disagreements", "--out", str(sheet)], folder) == 0
    lines = sheet.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and lines[0].endswith(",difference,rating,rationale")
    # the team agrees on -1 for both: fill the last two columns (rating, rationale)
    filled = [lines[0]] + [line.rsplit(",", 2)[0] + ",-1,agreed" for line in lines[1:]]
    sheet.write_text("\n".join(filled) + "\n", encoding="utf-8")
    assert run(["ratings", "consensus", "--decisions", str(sheet)], folder) == 0
    assert "6 agreed, 2 decided" in capsys.readouterr().err
    assert run(["ratings", "matrix", "--format", "csv"], folder) == 0
    matrix = capsys.readouterr().out.splitlines()
    assert matrix[0] == "construct,name,east,north,south,west"
    assert matrix[1] == "IS.A3,Work Infrastructure,0,+2,-2,-1"

    assert run(["quant", "import", str(write_fidelity(tmp_path / "fidelity.csv"))], folder) == 0
    assert "16 rows" in capsys.readouterr().err
    assert run(["joint", "--outcome", "fidelity", "--display", "case-ordered", "--format", "csv"], folder) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "construct,name,north,west,east,south,n_high,n_low,difference,distinguishing"
    # IS.A3: mean(high: north +2, west -1) 0.5 - mean(low: east 0, south -2) -1 = 1.5
    assert rows[2] == "IS.A3,Work Infrastructure,+2,-1,0,-2,2,2,+1.5,weakly distinguishing"
    assert rows[3] == "IS.J2,Space,+2,+1,-1,-2,2,2,+3.0,distinguishing"
    for display, fmt in (("case-ordered", "xlsx"), ("side-by-side", "docx"), ("stats-by-theme", "xlsx"),
                         ("case-ordered", "png")):
        target = tmp_path / f"{display}.{fmt}"
        assert run(["joint", "--display", display, "--format", fmt, "--out", str(target)], folder) == 0
        assert target.stat().st_size > 1000
    capsys.readouterr()
    assert run(["joint", "--display", "side-by-side"], folder) == 0
    assert "Side-by-side joint display" in capsys.readouterr().out
    assert run(["joint", "--display", "side-by-side", "--format", "csv"], folder) == 0
    out = capsys.readouterr().out
    assert "rho = +1.00 (n = 4 rated cases)" in out and "suggested" not in out and "confirmation" not in out
    assert run(["joint", "--display", "stats-by-theme", "--format", "png", "--out", str(tmp_path / "h.png")],
               folder) == 2
    assert "heatmap" in capsys.readouterr().err


def test_bad_cells_exit_2_with_every_cell_listed(study, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from helpers import project_state

    path = tmp_path / "r.csv"
    path.write_text("case_id,construct,rating\nnorth,IS.J2,+4\nwest,IS.J2,ok\n", encoding="utf-8")
    before = project_state(study.folder)
    assert run(["ratings", "import", str(path), "--rater", "lee"], study.folder) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: {path}: 2 bad cells in the rating worksheet; nothing was imported. First: row 2")
    # X is offered only by a worksheet written with --mixed-x; a plain CSV's hint does not name it
    assert err[1] == ("  row 2, column 'rating': '+4' is not a rating (use -2, -1, 0, +1, +2 or leave the "
                      "cell empty (missing))")
    assert err[2].startswith("  row 3, column 'rating': 'ok' is not a rating")
    quant = tmp_path / "q.csv"
    quant.write_text("session_id,clinic,adherence,competence\ns1,north,6,3\n", encoding="utf-8")
    assert run(["quant", "import", str(quant)], study.folder) == 2
    assert "  row 2, column 'adherence': 6 is outside 1-5" in capsys.readouterr().err.splitlines()
    assert project_state(study.folder) == before


def test_quant_summary_phases_and_measures(study, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert run(["quant", "import", str(write_fidelity(tmp_path / "fidelity.csv")), "--dataset", "fid"], study.folder) == 0
    capsys.readouterr()
    assert run(["quant", "summary", "--by", "agency", "--measures", "fidelity", "--format", "csv"], study.folder) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "agency,measure,level,base,n,n_missing,mean,sd,median,min,max,dataset"
    # default: counselor means first (harbor's four counselors), then the agency mean of counselors
    assert lines[1].startswith("harbor,fidelity,session -> counselor,"
                               "counselors (each counselor's mean of rated sessions),4,0,3.0,")
    assert run(["quant", "summary", "--by", "agency", "--measures", "fidelity", "--format", "csv", "--pool",
                "sessions"], study.folder) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("harbor,fidelity,session,sessions pooled (a counselor with more sessions weighs more),"
                               "8,0,3.0,")
    assert run(["quant", "measures", "--format", "csv"], study.folder) == 0
    assert "fim,counselor,1-5,False,\"fim_1, fim_2, fim_3, fim_4\"" in capsys.readouterr().out


def test_joint_takes_the_separation_criterion(study, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`--criterion separation` flags by the pattern of ratings, not a mean difference (mixed/joint.py)."""
    import csv

    from helpers.mixed import write_ratings_csv

    study.import_quant(write_fidelity(tmp_path / "fidelity.csv"))  # north 4.5, west 4.0 high; east 3.0, south 2.0 low
    study.import_ratings(write_ratings_csv(tmp_path / "r.csv", {
        "IS.J2": {"north": "+2", "west": "+1", "east": "-1", "south": "-2"},   # separated, high positive
        "IS.A3": {"north": "+1", "west": "+1", "east": "0", "south": "+1"},    # overlap
        "IS.B": {"north": "+1", "west": "+1", "east": "0", "south": "0"},      # separated; mean difference only 1
    }), "consensus_team")
    study.close()
    out = tmp_path / "case.csv"
    assert run(["joint", "--criterion", "separation", "--out", str(out)], study.folder) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        flags = {row["construct"]: row["distinguishing"] for row in csv.DictReader(handle) if row["construct"]}
    assert flags == {"IS.A3": "not distinguishing", "IS.B": "distinguishing", "IS.J2": "distinguishing"}
    assert run(["joint", "--out", str(out)], study.folder) == 0  # the difference rule: IS.B is weak
    with out.open(encoding="utf-8", newline="") as handle:
        assert {row["construct"]: row["distinguishing"] for row in csv.DictReader(handle)}["IS.B"] == \
            "weakly distinguishing"

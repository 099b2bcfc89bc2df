"""``mio-qual codebook map|merge|rename`` on a project: what they write, say and refuse."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mio_qual.cli.main import _group


def run(project, *args):
    return CliRunner().invoke(_group, ["--project", str(project.folder), "codebook", *map(str, args)])


def test_map_writes_a_layer_and_the_codings_to_review(coded_project, tmp_path: Path) -> None:
    sheet = tmp_path / "map.csv"
    sheet.write_text("from_code,to_code,review,note\nIS.J2,IS.J,,space is a kind of resource\n"
                     "MIO.BILL,OS.F,,\nMIO.BILL,IS.J1,,billing touches both\n", encoding="utf-8")
    review = tmp_path / "review.csv"
    done = run(coded_project, "map", "--coder", "ann", "--mapping", sheet, "--into", "ann-mapped", "--out", review)
    assert done.exit_code == 0, done.output
    codes = sorted(coded_project.codings(coder="ann-mapped")["code"])
    assert codes == ["IS.J", "IS.J1", "OS.F"]  # MIO.TRAIN and MIO.SUPV are in no row: not carried over
    assert sorted(line.split(",")[4] for line in review.read_text().splitlines()[1:]) == ["IS.J1", "OS.F"]


def test_merge_and_rename(coded_project) -> None:
    done = run(coded_project, "merge", "MIO.TRAIN", "MIO.SUPV", "--into", "MIO.TRAIN", "--coder", "ann")
    assert done.exit_code == 0, done.output
    assert sorted(coded_project.codings(coder="ann")["code"]) == ["IS.J2", "MIO.BILL", "MIO.TRAIN", "MIO.TRAIN"]
    done = run(coded_project, "rename", "IS.J2", "IS.J", "--codebook", "cfir2")
    assert done.exit_code == 0, done.output
    assert "IS.J2" not in set(coded_project.codings()["code"])
    refused = run(coded_project, "rename", "IS.J2", "IS.J")
    assert refused.exit_code == 2 and "no codings of IS.J2" in refused.output
    unknown = run(coded_project, "rename", "IS.J", "NOT.A.CODE", "--codebook", "cfir2")
    assert unknown.exit_code == 2


def test_map_tells_when_rows_were_not_checked_against_their_source(coded_project, tmp_path: Path) -> None:
    sheet = tmp_path / "map.csv"
    sheet.write_text("from_code,to_code,status,source\nIS.J2,IS.J,verified,p. 2\nMIO.BILL,OS.F,unverified,\n"
                     "MIO.TRAIN,IS.K,supported,guide\n", encoding="utf-8")
    done = run(coded_project, "map", "--coder", "ann", "--mapping", sheet, "--into", "ann-mapped")
    assert done.exit_code == 0, done.output
    assert ("2 mapped coding(s) rest on rows of the sheet not checked against its published source "
            "(1 unverified, 1 supported only by a secondary source)") in done.output
    review = tmp_path / "review.csv"  # the status travels with each coding to review
    sheet.write_text("from_code,to_code,review,status\nMIO.BILL,OS.F,yes,unverified\n", encoding="utf-8")
    done = run(coded_project, "map", "--coder", "ann", "--mapping", sheet, "--into", "ann-b", "--out", review)
    assert done.exit_code == 0, done.output
    assert review.read_text().splitlines()[1].endswith(",unverified")

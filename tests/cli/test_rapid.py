"""``mio-qual rapid`` end to end, in process: templates, import, compare, matrix, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SAMPLE, project_state
from helpers.cli import exit_code
from helpers.rapid import two_transcript_folder
from openpyxl import load_workbook



def run(*args: str) -> int:
    return exit_code(list(args))


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    source = two_transcript_folder(tmp_path / "transcripts")
    assert run("init", str(tmp_path / "study")) == 0
    assert run("--project", str(tmp_path / "study"), "import", str(source), "--manifest",
               str(source / "manifest.csv"), "--roster", str(SAMPLE / "roster.csv")) == 0
    return tmp_path / "study"


def test_the_rapid_commands(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = str(folder)
    assert run("rapid", "templates", "--out", str(tmp_path / "t"), "--summarizer", "kai", "--project", p) == 0
    assert sorted(f.name for f in (tmp_path / "t").iterdir()) == ["INT01_rapid_kai.docx", "INT06_rapid_kai.docx"]
    capsys.readouterr()
    assert run("rapid", "templates", "INT01", "--out", str(tmp_path / "t"), "--project", p,
               "--summarizer", "kai") == 2
    assert "exist already" in capsys.readouterr().err
    kai_remy = sorted((SAMPLE / "rapid").glob("*_rapid_[kr]*.docx"))
    assert run("--project", p, "rapid", "import", *map(str, kai_remy), "--format", "csv") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "file,transcript_id,summarizer,template,filled,quotes,replaced"
    assert "INT01_rapid_remy.docx,INT01,remy,cfir-staff-interview,9,8,False" in out
    assert run("--project", p, "rapid", "compare", "--summarizers", "kai", "remy", "--format", "csv") == 0
    rows = {line.split(",")[0]: line for line in capsys.readouterr().out.splitlines()}
    assert rows["OUTSIDE"].split(",")[2:7] == ["2", "1", "1", "0", "0"]
    assert run("--project", p, "rapid", "matrix", "--by", "clinic") == 2
    assert "has summaries by kai, remy and no consensus" in capsys.readouterr().err
    assert run("--project", p, "rapid", "matrix", "--by", "clinic", "--summarizer", "kai",
               "--out", str(tmp_path / "m.xlsx")) == 0
    book = load_workbook(tmp_path / "m.xlsx")
    assert {"matrix", "entries"} <= set(book.sheetnames)
    header = [c.value for c in book["matrix"][1]]
    assert header[:3] == ["clinic", "transcripts", "MIO MIO as an innovation"]
    assert run("--project", p, "coding", "import", str(SAMPLE / "coding" / "jordan" / "INT01.docx"), "--coder",
               "jordan") == 0
    capsys.readouterr()
    assert run("--project", p, "rapid", "coverage", "--coder", "jordan", "--summarizer", "kai", "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "construct,both,coding only,rapid only (domain),neither"
    assert len(lines) == 1 + sum(len(d["constructs"]) for d in _default_domains())


def test_a_bad_summary_file_exits_2_and_changes_nothing(folder: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    before = project_state(folder)
    not_a_template = SAMPLE / "INT01_northside_counselor.docx"
    assert run("--project", str(folder), "rapid", "import", str(not_a_template), "--summarizer", "kai") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "INT01_northside_counselor.docx" in err[0] and "rapid templates" in err[0]
    fake = tmp_path / "INT01_rapid_kai.docx"
    fake.write_text("not a Word file", encoding="utf-8")
    assert run("--project", str(folder), "rapid", "import", str(fake)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(fake) in err[0]
    assert project_state(folder) == before


def _default_domains() -> list[dict]:
    import yaml

    from mio_qual.rapid.template import DEFAULT_TEMPLATE

    return yaml.safe_load(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))["domains"]

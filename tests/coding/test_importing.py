"""Acceptance checks of human-coding import found while using mio-qual as a new user."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mio_qual import Project
from mio_qual.cli.main import _group as cli

TEXT = "I: Where do you meet?\n\nR: We have no private room most days.\n"


def _project(tmp_path: Path) -> Path:
    source = tmp_path / "T1.txt"
    source.write_text(TEXT, encoding="utf-8")
    with Project.create(tmp_path / "study") as project:
        project.import_transcripts([source])
    return tmp_path / "study"


def test_sheet_import_says_which_layer_the_codings_went_into(tmp_path: Path) -> None:
    """A sheet's coder column wins over --coder (rows without one use --coder); the summary line
    now names the layer, so codings do not land in another coder's layer unnoticed."""
    folder = _project(tmp_path)
    sheet = tmp_path / "export.csv"
    sheet.write_text("transcript_id,quote,codes,coder\nT1,private room,IS.J2,jordan\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(sheet), "--coder", "lee"])
    assert out.exit_code == 0, out.output
    assert "imported 1 codings from 1 file(s) into layer jordan;" in out.output
    with Project.open(folder) as project:
        rows = project.codings()
    assert rows["coder"].tolist() == ["jordan"] and rows["text"].tolist() == ["private room"]

    both = tmp_path / "both.csv"
    both.write_text("transcript_id,quote,codes,coder\nT1,private room,IS.J2,\nT1,Where do you meet?,MIO.SCHED,casey\n",
                    encoding="utf-8")
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(both), "--coder", "lee"])
    assert out.exit_code == 0, out.output
    assert "imported 2 codings from 1 file(s) into layers casey, lee;" in out.output


def test_word_and_sheet_together_name_both_layers(tmp_path: Path) -> None:
    import docx

    folder = _project(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["--project", str(folder), "coding", "export-docx", "--out", str(tmp_path / "w")]).exit_code == 0
    document = docx.Document(str(tmp_path / "w" / "T1.docx"))
    paragraph = next(p for p in document.paragraphs if "private room" in p.text)
    document.add_comment(paragraph.runs[-1], text="IS.J2", author="A")
    document.save(str(tmp_path / "w" / "T1.docx"))
    sheet = tmp_path / "casey.csv"
    sheet.write_text("transcript_id,quote,codes,coder\nT1,Where do you meet?,MIO.SCHED,casey\n", encoding="utf-8")
    out = runner.invoke(cli, ["--project", str(folder), "coding", "import", str(tmp_path / "w" / "T1.docx"),
                              str(sheet), "--coder", "jordan"])
    assert out.exit_code == 0, out.output
    assert "imported 2 codings from 2 file(s) into layers casey, jordan;" in out.output

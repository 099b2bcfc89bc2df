"""Acceptance checks of transcript import found while using mio-qual on new files as a new user."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mio_qual import Project
from mio_qual.cli.main import _group as cli


def _folder_with_manifest(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text("INTERVIEWER: How is it going?\n\nPARTICIPANT: Fine.\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ntranscript_id: B1\n---\n\nI: Hello?\n\nR: Hi there.\n", encoding="utf-8")
    (folder / "README.txt").write_text("notes about the folder", encoding="utf-8")
    (folder / "manifest.csv").write_text("transcript_id,file,kind\nA1,a.txt,interview\n", encoding="utf-8")
    return folder


def test_file_in_manifest_folder_but_not_in_manifest_is_named_in_a_warning(project: Project, tmp_path: Path) -> None:
    folder = _folder_with_manifest(tmp_path / "tx")
    result = project.import_transcripts([folder])
    assert result.added == ["A1"]
    # b.md is left out (the manifest decides), but no longer silently; README files are not transcripts
    assert [name for name, _ in result.warnings] == ["b.md"]
    assert "not listed in the manifest manifest.csv" in result.warnings[0][1]


def test_cli_prints_the_unlisted_file(tmp_path: Path) -> None:
    folder = _folder_with_manifest(tmp_path / "tx")
    Project.create(tmp_path / "study").close()
    runner = CliRunner()
    out = runner.invoke(cli, ["--project", str(tmp_path / "study"), "import", str(folder)])
    assert out.exit_code == 0, out.output
    assert "imported 1 new" in out.output
    assert "b.md: not listed in the manifest" in out.output


def test_every_listed_file_no_warning(project: Project, tmp_path: Path) -> None:
    folder = _folder_with_manifest(tmp_path / "tx")
    (folder / "manifest.csv").write_text("transcript_id,file\nA1,a.txt\nB1,b.md\n", encoding="utf-8")
    result = project.import_transcripts([folder])
    assert sorted(result.added) == ["A1", "B1"]
    assert result.warnings == []

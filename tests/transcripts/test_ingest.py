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


def test_replace_lists_the_codings_whose_text_changed_in_the_log(project: Project, tmp_path: Path) -> None:
    """README: codings whose text changed are counted on screen and *listed* in `mio-qual log`."""
    import json

    source = tmp_path / "T1.txt"
    source.write_text("I: Where do you meet?\n\nR: We have no private room most days.\n", encoding="utf-8")
    project.import_transcripts([source])
    text = project.text("T1")
    room = text.index("private room")
    meet = text.index("Where do you meet?")
    rows = [(room, room + len("private room"), "IS.J2", "jordan"), (meet, meet + 18, "MIO.SCHED", "casey")]
    for start, end, code, coder in rows:
        project.store.connection.execute(
            "INSERT INTO codings (transcript_id, start, end, code, coder, origin, created)"
            " VALUES ('T1', ?, ?, ?, ?, 'human', 'x')", (start, end, code, coder))
    ids = dict(project.store.connection.execute("SELECT code, id FROM codings"))
    source.write_text("I: So, where do you meet?\n\nR: We have no private office most days.\n", encoding="utf-8")
    result = project.import_transcripts([source], replace=True)
    new = project.text("T1")
    # 'Where do you meet?' becomes 'where do you meet?' (lower case w): changed; so is 'private room'
    assert result.codings_moved["T1"] == (0, 2)
    moved = {c["code"]: c for c in result.codings_changed["T1"]}
    assert moved["IS.J2"]["coding_id"] == ids["IS.J2"] and moved["IS.J2"]["coder"] == "jordan"
    assert moved["IS.J2"]["was"] == [room, room + 12]
    s, e = moved["IS.J2"]["now"]
    assert new[s:e] == "private office"
    detail = json.loads(project.log()["detail"].iloc[0])
    assert {c["coding_id"] for c in detail["codings_changed"]["T1"]} == {ids["IS.J2"], ids["MIO.SCHED"]}


def test_replace_with_unchanged_coded_text_lists_nothing(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "T1.txt"
    source.write_text("I: Where do you meet?\n\nR: We have no private room.\n", encoding="utf-8")
    project.import_transcripts([source])
    start = project.text("T1").index("private room")
    project.store.connection.execute(
        "INSERT INTO codings (transcript_id, start, end, code, coder, origin, created)"
        " VALUES ('T1', ?, ?, 'IS.J2', 'jordan', 'human', 'x')", (start, start + 12))
    source.write_text("I: Where do you usually meet?\n\nR: We have no private room.\n", encoding="utf-8")
    result = project.import_transcripts([source], replace=True)
    assert result.codings_moved["T1"] == (1, 0) and result.codings_changed == {}


def test_captions_with_cues_but_no_text_are_refused(project: Project, tmp_path: Path) -> None:
    """A text file with no text is refused; an SRT/VTT whose cues are all empty used to import as a
    0-word transcript with two contradictory warnings."""
    import pytest

    from mio_qual.errors import InputError

    srt = tmp_path / "blank.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\n<i></i>\n", encoding="utf-8")
    vtt = tmp_path / "blank.vtt"
    vtt.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Jane Doe></v>\n", encoding="utf-8")
    for path in (srt, vtt):
        with pytest.raises(InputError, match="no caption text"):
            project.import_transcripts([path])
    assert project.transcripts().empty


def test_import_warnings_reach_stderr_with_csv_and_json_output(tmp_path: Path) -> None:
    """`import --format csv|json` used to drop every warning (cp1252 guess, no turns found...)."""
    source = tmp_path / "T1.txt"
    source.write_bytes("I: Caf\u00e9 \u201cnow\u201d?\n\nR: Yes.\n".encode("cp1252"))
    for i, fmt in enumerate(("csv", "json")):
        folder = tmp_path / f"study{i}"
        Project.create(folder).close()
        out = CliRunner().invoke(cli, ["--project", str(folder), "import", str(source), "--format", fmt])
        assert out.exit_code == 0, out.output
        assert "T1" in out.stdout and "warning" not in out.stdout
        assert "warning: T1: not valid UTF-8" in out.stderr


def test_front_matter_kind_is_spelled_as_the_manifest_spells_it(project: Project, tmp_path: Path) -> None:
    """`kind: focus group` in front matter was stored as written, so `status` and the report's
    methods did not count the transcript as a focus group (a manifest normalizes it)."""
    fg = tmp_path / "fg.md"
    fg.write_text("---\ntranscript_id: FG9\nkind: Focus Group\n---\n\nFacilitator: Welcome.\n\nParticipant 1: Hi.\n",
                  encoding="utf-8")
    odd = tmp_path / "odd.md"
    odd.write_text("---\nkind: group chat\ndate: 03/14/2024\n---\n\nI: Hello?\n\nR: Hi.\n", encoding="utf-8")
    result = project.import_transcripts([fg, odd])
    frame = project.transcripts().set_index("transcript_id")
    assert frame.loc["FG9", "kind"] == "focus_group"
    assert project.summary()["focus_groups"] == 1
    assert frame.loc["odd", "kind"] == "group chat"  # kept as written, but not silently
    messages = [m for tid, m in result.warnings if tid == "odd"]
    assert any("kind 'group chat'" in m for m in messages)
    assert any("date '03/14/2024'" in m for m in messages)
    assert not [m for tid, m in result.warnings if tid == "FG9"]


def test_front_matter_kind_overridden_by_the_manifest_gives_no_warning(project: Project, tmp_path: Path) -> None:
    (tmp_path / "odd.md").write_text("---\nkind: group chat\n---\n\nI: Hello?\n\nR: Hi.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("transcript_id,file,kind\nX1,odd.md,interview\n", encoding="utf-8")
    result = project.import_transcripts([tmp_path])
    assert result.warnings == []
    assert project.transcripts()["kind"].tolist() == ["interview"]


def test_reimport_with_a_speaker_pattern_finds_the_turns_again(project: Project, tmp_path: Path) -> None:
    """Re-importing unchanged text with --speaker-pattern said 'updated metadata of 1' but kept
    the old single-speaker turn, while the speakers table got the new labels."""
    source = tmp_path / "zoom_cc.txt"
    source.write_text("[Alex Romero] 14:02:03\nOkay, we are recording.\n[Priya N] 14:02:09\nSure, go ahead.\n",
                      encoding="utf-8")
    project.import_transcripts([source])
    assert project.turns()["speaker"].tolist() == ["UNKNOWN"]
    start = project.text("zoom_cc").index("Sure")
    project.store.connection.execute(
        "INSERT INTO codings (transcript_id, start, end, code, coder, origin, created)"
        " VALUES ('zoom_cc', ?, ?, 'IS.J2', 'a', 'human', 'x')", (start, start + 4))
    result = project.import_transcripts(
        [source], speaker_pattern=r"^\[(?P<speaker>[^\]]+)\] (?P<time>\d\d:\d\d:\d\d)$")
    assert result.metadata_updated == ["zoom_cc"]
    turns = project.turns()
    assert turns["speaker"].tolist() == ["Alex Romero", "Priya N"]
    assert turns["start_time"].tolist() == [14 * 3600 + 2 * 60 + 3, 14 * 3600 + 2 * 60 + 9]
    assert any("speaker turns found again: 2 turns, were 1" in m for _, m in result.warnings)
    codings = project.codings()
    assert codings["text"].tolist() == ["Sure"] and codings["turn_id"].tolist() == ["zoom_cc:t2"]
    again = project.import_transcripts(
        [source], speaker_pattern=r"^\[(?P<speaker>[^\]]+)\] (?P<time>\d\d:\d\d:\d\d)$")
    assert again.unchanged == ["zoom_cc"] and again.warnings == []


def test_log_table_stays_readable_with_a_long_detail(tmp_path: Path) -> None:
    """`mio-qual log` squeezed id, time, user and action to zero width when an entry's detail
    (e.g. a 20-transcript import) was long."""
    folder = tmp_path / "tx"
    folder.mkdir()
    for i in range(30):
        (folder / f"INTERVIEW_NUMBER_{i:03d}.txt").write_text(f"I: Question {i}?\n\nR: Answer {i}.\n",
                                                             encoding="utf-8")
    with Project.create(tmp_path / "study") as project:
        project.import_transcripts([folder])
    out = CliRunner().invoke(cli, ["--project", str(tmp_path / "study"), "log"], env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert max(len(line) for line in lines) <= 100
    row = next(line for line in lines if line.replace(" ", "").startswith("│1│"))
    cells = [cell.strip() for cell in row.split("│")]
    assert "import transcripts" in cells
    assert any(len(cell) == 19 and cell[4] == "-" and cell[13] == ":" for cell in cells)  # the time, whole

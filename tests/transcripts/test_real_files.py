"""Transcripts written by the programs researchers record with, kept byte for byte as those programs
wrote them (origin and licence of each file: tests/data/README.md). What each file says is counted
here by a plain reading of its lines, independently of mio-qual's readers."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from helpers import REPO
from helpers.cli import run, run_captured
from mio_qual import Project
from mio_qual.transcripts import read_transcript

INTEROP = REPO / "tests" / "data" / "interop"
ZOOM = INTEROP / "zoom" / "meeting_saved_closed_caption.txt"


def zoom_entries(path: Path) -> list[tuple[str, int, str]]:
    """(speaker, seconds since midnight, text) of each entry of a Zoom saved-captions file.

    The file is a run of blocks ``[Name] HH:MM:SS`` / text lines / a blank line; read here line by
    line with nothing but the standard library.
    """
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    entries: list[tuple[str, int, str]] = []
    head = re.compile(r"\[(?P<who>[^\]]+)\] (?P<h>\d\d):(?P<m>\d\d):(?P<s>\d\d)")
    i = 0
    while i < len(lines):
        m = head.fullmatch(lines[i])
        if m is None:
            assert lines[i] == "", f"line {i + 1} is neither a heading nor blank: {lines[i]!r}"
            i += 1
            continue
        body = []
        i += 1
        while i < len(lines) and lines[i] != "":
            body.append(lines[i])
            i += 1
        entries.append((m["who"], int(m["h"]) * 3600 + int(m["m"]) * 60 + int(m["s"]), "\n".join(body)))
    return entries


def test_the_zoom_file_is_what_the_readme_says() -> None:
    entries = zoom_entries(ZOOM)
    assert len(entries) == 722
    assert {who for who, _, _ in entries} == {"Experimenter", "G3P1", "G3P2"}
    assert b"\r\n" in ZOOM.read_bytes() and "…" in ZOOM.read_text(encoding="utf-8")


def test_zoom_saved_captions_every_entry_is_a_turn_with_its_speaker_time_and_words() -> None:
    want = zoom_entries(ZOOM)
    t = read_transcript(ZOOM, sentences=False)
    assert t.speaker_style == "zoom-captions"
    got = [(turn.speaker, turn.start_time, t.text[turn.body_start:turn.end]) for turn in t.turns]
    assert len(got) == len(want)
    for (who, seconds, body), (speaker, start, text) in zip(want, got):
        assert (speaker, start) == (who, seconds)
        assert text == unicodedata.normalize("NFC", body).strip()
    assert sorted(s.label for s in t.speakers) == ["Experimenter", "G3P1", "G3P2"]


def test_import_a_folder_of_zoom_captions_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    (folder / ZOOM.name).write_bytes(ZOOM.read_bytes())
    project = tmp_path / "study"
    assert run(["init", str(project)], project) == 0
    assert run(["import", str(folder)], project) == 0
    code, out, _ = run_captured(project, "transcripts", "list", "--format", "csv")
    assert code == 0
    header, row = out.strip().splitlines()
    listed = dict(zip(header.split(","), row.split(",")))
    want = zoom_entries(ZOOM)
    assert (listed["n_turns"], listed["n_speakers"], listed["speaker_style"]) == (
        str(len(want)), "3", "zoom-captions")
    turns = Project.open(project).transcript(listed["transcript_id"]).turns
    assert [(turn.speaker, turn.start_time) for turn in turns] == [(who, s) for who, s, _ in want]

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


def test_import_a_folder_of_real_files_from_the_command_line(tmp_path: Path) -> None:
    """``mio-qual import FOLDER`` as the README says, on the real Zoom and YouTube files as named."""
    folder = tmp_path / "recordings"
    folder.mkdir()
    for path in [*(INTEROP / "zoom").iterdir(), YOUTUBE_SBV]:
        (folder / path.name).write_bytes(path.read_bytes())
    project = tmp_path / "study"
    assert run(["init", str(project)], project) == 0
    code, _, err = run_captured(project, "import", folder)
    assert code == 0, err
    code, out, _ = run_captured(project, "transcripts", "list", "--format", "csv")
    assert code == 0
    header, *rows = out.strip().splitlines()
    listed = {row["transcript_id"]: row for row in (dict(zip(header.split(","), r.split(","))) for r in rows)}
    captions = zoom_entries(ZOOM)
    vtt_turns = zoom_turns(vtt_cues(ZOOM_VTT))
    assert {(r["n_turns"], r["n_speakers"], r["speaker_style"]) for r in listed.values()} == {
        (str(len(captions)), "3", "zoom-captions"),
        (str(len(vtt_turns)), str(len({w or "UNKNOWN" for w, *_ in vtt_turns})), "vtt-label"),
        ("1", "1", "vtt-plain"), ("1", "1", "sbv-plain")}
    (captions_id,) = [tid for tid, r in listed.items() if r["speaker_style"] == "zoom-captions"]
    turns = Project.open(project).transcript(captions_id).turns
    assert [(turn.speaker, turn.start_time) for turn in turns] == [(who, s) for who, s, _ in captions]


# ---------------------------------------------------------------- Zoom cloud recording, WebVTT
ZOOM_VTT = INTEROP / "zoom" / "GMT20240124-202901_Recording.transcript.vtt"
ZOOM_CC = INTEROP / "zoom" / "GMT20240124-202901_Recording.cc.vtt"


def stamp_seconds(stamp: str) -> float:
    """``H:MM:SS.mmm`` (WebVTT and .sbv) in seconds, read by hand."""
    h, m, s = stamp.split(":")
    sec, ms = s.split(".")
    return (int(h) * 3_600_000 + int(m) * 60_000 + int(sec) * 1000 + int(ms)) / 1000


def vtt_cues(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of a WebVTT file: blocks after the header, read by hand."""
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    cues = []
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        (timing,) = [i for i, line in enumerate(lines) if " --> " in line]
        start, end = lines[timing].split(" --> ")
        cues.append((stamp_seconds(start), stamp_seconds(end.split()[0]), "\n".join(lines[timing + 1:])))
    return cues


def zoom_turns(cues: list[tuple[float, float, str]]) -> list[tuple[str | None, float, float, str]]:
    """Turns as Zoom's transcript means them: cues of one labelled speaker in a row make one turn; a
    cue whose text does not start with ``Name: `` has no speaker (None) and stands alone."""
    turns: list[list] = []
    for start, end, text in cues:
        m = re.match(r"([^:\n]+): (.*)", text, re.S)
        who, words = (m[1], m[2]) if m else (None, text)
        if turns and who is not None and turns[-1][0] == who:
            turns[-1][2] = end
            turns[-1][3] += " " + words
        else:
            turns.append([who, start, end, words])
    return [tuple(t) for t in turns]


def test_zoom_cloud_transcript_vtt_turns_speakers_and_times() -> None:
    cues = vtt_cues(ZOOM_VTT)
    assert len(cues) == 102
    want = zoom_turns(cues)
    t = read_transcript(ZOOM_VTT, sentences=False)
    assert (t.source_format, t.speaker_style) == ("vtt", "vtt-label")
    got = [(turn.speaker, turn.start_time, turn.end_time, t.text[turn.body_start:turn.end]) for turn in t.turns]
    assert [(w or "UNKNOWN", s, e) for w, s, e, _ in want] == [g[:3] for g in got]
    assert [" ".join(words.split()) for *_, words in want] == [" ".join(g[3].split()) for g in got]
    # the one cue Zoom left without a name is its own turn, said in a warning, not glued to a neighbour
    assert sum(1 for w, *_ in want if w is None) == 1
    assert any("no speaker label" in w for w in t.warnings)


def test_zoom_closed_captions_without_names_are_one_speaker_said_in_a_warning() -> None:
    cues = vtt_cues(ZOOM_CC)
    assert len(cues) == 100 and b"\r\n" in ZOOM_CC.read_bytes()
    t = read_transcript(ZOOM_CC, sentences=False)
    (turn,) = t.turns
    assert (turn.start_time, turn.end_time) == (cues[0][0], cues[-1][1])
    assert " ".join(t.text[turn.body_start:turn.end].split()) == " ".join(" ".join(c[2] for c in cues).split())
    assert any("no speaker labels" in w for w in t.warnings)


# ---------------------------------------------------------------- YouTube captions, .sbv
YOUTUBE_SBV = INTEROP / "youtube" / "captions.sbv"


def sbv_cues(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of a YouTube ``.sbv`` file (``H:MM:SS.mmm,H:MM:SS.mmm`` then text)."""
    cues = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        timing, *lines = block.split("\n")
        start, end = timing.split(",")
        cues.append((stamp_seconds(start), stamp_seconds(end), " ".join(lines)))
    return cues


def test_youtube_auto_captions_sbv_with_rolling_cues() -> None:
    cues = sbv_cues(YOUTUBE_SBV)
    assert len(cues) == 58
    # YouTube's automatic captions roll: most cues start before the previous one ends
    assert sum(1 for a, b in zip(cues, cues[1:]) if b[0] < a[1]) == 53
    t = read_transcript(YOUTUBE_SBV, sentences=False)
    assert (t.source_format, t.speaker_style) == ("sbv", "sbv-plain")
    (turn,) = t.turns  # no names in the file: one speaker, said in a warning
    assert (turn.start_time, turn.end_time) == (cues[0][0], max(end for _, end, _ in cues))
    assert t.text[turn.body_start:turn.end].split() == " ".join(text for *_, text in cues).split()
    assert any("no speaker labels" in w for w in t.warnings)

"""Transcripts as other tools write them: Teams' written-out times, Zoom's saved captions, YouTube
.sbv, WhisperX-style diarization JSON, `R :` labels, Word lock and hidden files in a folder."""

from __future__ import annotations

import json
from pathlib import Path

from mio_qual import Project
from mio_qual.transcripts import read_transcript
from mio_qual.transcripts.timecodes import parse_time


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def speech(t) -> list[tuple[str, str]]:
    return [(turn.speaker, t.text[turn.body_start:turn.end]) for turn in t.turns]


def test_teams_written_out_times(tmp_path: Path) -> None:
    text = ("Jordan Lee   0 minutes 3 seconds\nHow did the first sessions go?\n\n"
            "Sam Rivera   1 minute 12 seconds\nWe had no room.\n\n"
            "Jordan Lee   1 hour 2 minutes 5 seconds\nAnd now?\n")
    t = read_transcript(write(tmp_path, "teams.txt", text), sentences=False)
    assert t.speaker_style == "teams-spoken"
    assert speech(t) == [("Jordan Lee", "How did the first sessions go?"), ("Sam Rivera", "We had no room."),
                         ("Jordan Lee", "And now?")]
    assert [turn.start_time for turn in t.turns] == [3.0, 72.0, 3725.0]
    assert parse_time("2 minutes") == 120.0 and parse_time("minutes") is None


def test_zoom_saved_captions_txt(tmp_path: Path) -> None:
    text = ("[Jordan Lee] 14:02:11\nThanks for joining.\n\n[Sam Rivera] 14:02:15\nHappy to.\n\n"
            "[Jordan Lee] 14:02:20\nLet's start.\n")
    t = read_transcript(write(tmp_path, "GMT20240301-140000_Recording.cc.txt", text), sentences=False)
    assert t.speaker_style == "zoom-captions"
    assert speech(t) == [("Jordan Lee", "Thanks for joining."), ("Sam Rivera", "Happy to."),
                         ("Jordan Lee", "Let's start.")]
    assert t.turns[1].start_time == 14 * 3600 + 2 * 60 + 15


def test_label_with_a_space_before_the_colon(tmp_path: Path) -> None:
    text = "I : Comment ça se passe ?\n\nR : Très bien.\n\nI : Et la supervision ?\n\nR : Chaque jeudi.\n"
    t = read_transcript(write(tmp_path, "fr.txt", text), sentences=False)
    assert [s for s, _ in speech(t)] == ["I", "R", "I", "R"]
    assert speech(t)[1] == ("R", "Très bien.")


def test_youtube_sbv(tmp_path: Path) -> None:
    text = ("0:00:01.000,0:00:03.500\nJordan: Welcome back.\n\n0:00:03.500,0:00:06.000\nSam: Thanks,\ngood to be here.\n"
            "\n0:00:06.000,0:00:07.000\nJordan: Great.\n")
    t = read_transcript(write(tmp_path, "talk.sbv", text), sentences=False)
    assert t.source_format == "sbv" and t.speaker_style == "sbv-label"
    assert speech(t) == [("Jordan", "Welcome back."), ("Sam", "Thanks, good to be here."), ("Jordan", "Great.")]
    assert (t.turns[1].start_time, t.turns[1].end_time) == (3.5, 6.0)


def test_whisperx_diarization_json(tmp_path: Path) -> None:
    data = {"segments": [
        {"start": 0.5, "end": 2.0, "text": " Tell me about the clinic.", "speaker": "SPEAKER_00", "words": []},
        {"start": 2.1, "end": 4.0, "text": " It is busy & small.", "speaker": "SPEAKER_01"},
        {"start": 4.0, "end": 5.0, "text": " Really busy.", "speaker": "SPEAKER_01"},
        {"start": 5.2, "end": 6.0, "text": " Mm.", }],
        "word_segments": []}
    t = read_transcript(write(tmp_path, "int.json", json.dumps(data)), sentences=False)
    assert t.source_format == "json"
    assert speech(t) == [("SPEAKER_00", "Tell me about the clinic."), ("SPEAKER_01", "It is busy & small. Really busy."),
                         ("UNKNOWN", "Mm.")]
    assert (t.turns[1].start_time, t.turns[1].end_time) == (2.1, 5.0)  # two cues of one speaker, one turn


def test_lock_and_hidden_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    write(folder, "INT01.txt", "I: How is it?\n\nR: Fine.\n")
    (folder / "~$INT01.docx").write_bytes(b"\x00garbage lock file")
    (folder / "._INT01.txt").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    project = Project.create(tmp_path / "p")
    result = project.import_transcripts([folder])
    assert result.added == ["INT01"]
    warned = dict(result.warnings)
    assert "Word lock file" in warned["~$INT01.docx"] and "hidden file" in warned["._INT01.txt"]
    # the lock file named by a shell pattern (files/*: the shell leaves out hidden files, not
    # lock files) is skipped the same way, so one open document does not stop the import
    again = Project.create(tmp_path / "q")
    result = again.import_transcripts(sorted(p for p in folder.iterdir() if not p.name.startswith(".")))
    assert result.added == ["INT01"]
    assert "Word lock file" in dict(result.warnings)["~$INT01.docx"]


def test_a_services_own_closing_line_is_nobodys_turn(tmp_path: Path) -> None:
    """Otter's plain-text export ends with "Transcribed by https://otter.ai" (as in the podcast
    transcripts public repositories hold), and Teams writes "<name> stopped transcription": both
    were read as the last speaker's words. The turn now ends before them; the line stays in the
    text (offsets never move)."""
    otter = write(tmp_path, "otter.txt", "Sidney  0:02  \nWelcome to the show.\n\nTaylor  0:10  \n"
                                         "Thanks for having me.\n\nSidney  55:21  \nThank you so much.\n\n"
                                         "Transcribed by https://otter.ai\n")
    t = read_transcript(otter, sentences=False)
    assert speech(t)[-1] == ("Sidney", "Thank you so much.")
    assert [turn.start_time for turn in t.turns] == [2.0, 10.0, 3321.0]
    assert t.text.endswith("Transcribed by https://otter.ai")
    teams = write(tmp_path, "teams.txt", "Jane Doe started transcription\n\nJane Doe   0:03\nHello everyone.\n\n"
                                         "John Smith   0:10\nHi. We had no private room again.\n\n"
                                         "Jane Doe stopped transcription\n\nJane Doe   2:05\nWe are back.\n")
    t = read_transcript(teams, sentences=False)
    assert speech(t) == [("Jane Doe", "Hello everyone."), ("John Smith", "Hi. We had no private room again."),
                         ("Jane Doe", "We are back.")]
    # a participant's own last line that ends so, unpunctuated, is their words, not the service's
    said = write(tmp_path, "said.txt", "Jane Doe   0:03\nHello everyone.\n\nJohn Smith   0:10\nThe recorder broke\n"
                                       "and then we stopped transcription\n\nJane Doe   2:05\nWe are back.\n")
    assert speech(read_transcript(said, sentences=False))[1] == (
        "John Smith", "The recorder broke\nand then we stopped transcription")
    initial = write(tmp_path, "initial.txt", teams.read_text(encoding="utf-8").replace(
        "Jane Doe stopped", "Jane Q. Doe stopped"))  # a name with an initial is still the service's line
    assert speech(read_transcript(initial, sentences=False)) == speech(t)

"""Every file of the bundled sample study reads with the right convention and sane structure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO
from mio_qual.offsets import is_canonical
from mio_qual.transcripts import read_manifest, read_roster, read_transcript, read_transcripts

SAMPLE = REPO / "transcripts_sample"

# file -> (speaker_style, encoding or None for "any")
EXPECTED = {
    "INT01_northside_counselor.docx": ("label-colon", "docx"),
    "INT02_northside_director.txt": ("label-colon", "utf-8-sig"),
    "INT03_eastgate_counselor.vtt": ("vtt-label", "utf-8"),
    "INT04_eastgate_supervisor.txt": ("otter", "utf-8"),
    "INT05_downtown_counselor.srt": ("srt-diarized", "utf-8"),
    "INT06_downtown_supervisor.txt": ("rev", "utf-16-le"),
    "INT07_westfield_counselor.md": ("label-colon", "utf-8"),
    "INT08_westfield_director.docx": ("bracket-time", "docx"),
    "INT09_riverbend_leader.vtt": ("vtt-voice", "utf-8"),
    "INT10_harbor_leader.txt": ("label-colon", "cp1252"),
    "INT11_eastgate_counselor2.txt": ("otter", "utf-8"),
    "INT12_downtown_director.docx": ("label-colon", "docx"),
    "FG01_northside_focusgroup.txt": ("label-colon", "utf-8"),
    "FG02_eastgate_focusgroup.vtt": ("vtt-label", "utf-8"),
    "FG03_downtown_focusgroup.docx": ("label-colon", "docx"),
    "FG04_westfield_focusgroup.srt": ("srt-diarized", "utf-8"),
}


def _sample(name: str) -> Path:
    path = SAMPLE / name
    if not path.exists():
        pytest.skip(f"sample file {name} is not written yet (another engineer is producing it)")
    return path


@pytest.fixture(scope="module")
def roster():
    if not (SAMPLE / "roster.csv").exists():
        pytest.skip("transcripts_sample/roster.csv is not written yet")
    return read_roster(SAMPLE / "roster.csv")


@pytest.fixture(scope="module")
def manifest():
    if not (SAMPLE / "manifest.csv").exists():
        pytest.skip("transcripts_sample/manifest.csv is not written yet")
    return read_manifest(SAMPLE / "manifest.csv")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_file_reads(name, roster, manifest):
    path = _sample(name)
    entry = manifest.for_file(path)
    assert entry is not None, f"{name} is not in the manifest"
    t = read_transcript(path, transcript_id=entry.transcript_id, metadata=entry.metadata, roster=roster)
    t.check_spans()
    assert is_canonical(t.text)
    style, encoding = EXPECTED[name]
    assert t.speaker_style == style
    assert t.encoding == encoding
    assert t.id == name.split("_")[0]
    assert len(t.turns) > 20
    assert len(t.speakers) > 1
    assert t.sentences and t.paragraphs
    # Every detected speaker is one the roster knows: no sentence fragment became a speaker.
    unknown = [s.label for s in t.speakers if s.study_id is None]
    assert unknown == []
    # No paragraph of speech starts with another speaker's label (a missed turn).
    known = sorted((e.speaker_label for e in roster if e.transcript_id in ("*", t.id)), key=len, reverse=True)
    label_start = re.compile("(?:" + "|".join(re.escape(k) for k in known) + r")(?: \([\d:.]+\))?:\s")
    for p in t.paragraphs:
        if p.turn_n:
            assert not label_start.match(t.text[p.start : p.end]), t.text[p.start : p.start + 60]
    # Manifest metadata is merged in and wins.
    assert t.metadata["kind"] == entry.metadata["kind"]
    assert t.metadata["date"] == entry.metadata["date"]
    if "clinic" in entry.metadata:
        assert t.metadata["clinic"] == entry.metadata["clinic"]
    # Notes are listed and lie in speech.
    assert t.notes
    for note in t.notes:
        assert any(p.turn_n and p.start <= note.start < note.end <= p.end for p in t.paragraphs), note


def test_int01_word_metadata_table_and_title(roster):
    t = read_transcript(_sample("INT01_northside_counselor.docx"), roster=roster, sentences=False)
    assert t.id == "INT01"  # from the Word metadata table
    assert t.metadata["transcript_id"] == "INT01"
    assert t.metadata["title"].startswith("INT01")
    assert not t.text.startswith("INT01")  # the heading is metadata, not text
    # One turn runs over several Word paragraphs.
    assert any(sum(1 for p in t.paragraphs if p.turn_n == turn.n) > 1 for turn in t.turns)


def test_focus_group_speakers_stay_separate(roster):
    t = read_transcript(_sample("FG01_northside_focusgroup.txt"), roster=roster, sentences=False)
    assert {s.label for s in t.speakers} == {"Facilitator"} | {f"Participant {i}" for i in range(1, 6)}
    t = read_transcript(_sample("FG04_westfield_focusgroup.srt"), roster=roster, sentences=False)
    assert len(t.speakers) >= 6
    assert all(s.label.startswith("SPEAKER_") for s in t.speakers)


def test_whole_sample_streams(manifest, roster):
    for entry in manifest.entries:
        _sample(entry.file.name)
    transcripts = list(read_transcripts(manifest.entries, roster=roster))
    assert [t.id for t in transcripts] == [e.transcript_id for e in manifest.entries]
    assert sum(t.n_words for t in transcripts) > 20_000

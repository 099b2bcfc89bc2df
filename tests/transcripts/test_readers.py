"""Transcript readers: every speaker convention on small fixtures, with exact expectations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO
from mio_qual.errors import InputError
from mio_qual.offsets import is_canonical
from mio_qual.transcripts import Transcript, read_transcript, read_transcripts
from mio_qual.transcripts.roster import Roster, RosterEntry

DATA = REPO / "tests" / "data" / "readers"


def speech(t: Transcript) -> list[tuple[str, str]]:
    """(speaker, speech text) per turn."""
    return [(turn.speaker, t.text[turn.body_start : turn.end]) for turn in t.turns]


def labels(t: Transcript) -> list[str]:
    """The label part of each turn, as the canonical text writes it."""
    return [t.text[turn.start : turn.body_start] for turn in t.turns]


def para_texts(t: Transcript) -> list[tuple[int, str]]:
    return [(p.turn_n, t.text[p.start : p.end]) for p in t.paragraphs]


def read(name: str, **kwargs) -> Transcript:
    t = read_transcript(DATA / name, **kwargs)
    t.check_spans()
    assert is_canonical(t.text)
    return t


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- label-colon
def test_label_colon_i_r_with_header_and_false_labels():
    t = read("label_colon.txt")
    assert t.speaker_style == "label-colon"
    assert t.id == "label_colon"
    assert speech(t) == [
        ("I", "Thanks for doing this. Note: we are recording."),
        ("R", "Sure. At 10:30 I have a group, so I need to leave by then.\nNote: that is a hard stop."),
        ("I", "Understood."),
        ("R", "The first thing is space.\n\nWe do not have a room with a door."),
    ]
    assert labels(t) == ["I: ", "R: ", "I: ", "R: "]
    # The header (title line and "Date:" line) is turn 0, not a speaker.
    assert para_texts(t)[0] == (0, "Interview INT99, 3 March 2026\nDate: 2026-03-03")
    # A turn over two paragraphs stays one turn with two paragraphs.
    assert [p for p in para_texts(t) if p[0] == 4] == [
        (4, "The first thing is space."),
        (4, "We do not have a room with a door."),
    ]
    assert [(s.label, s.role) for s in t.speakers] == [("I", "interviewer"), ("R", "participant")]
    assert t.turns[0].start == t.text.index("I: Thanks")
    assert t.warnings == []


def test_label_colon_focus_group_names_speaking_once():
    t = read("focus_group.txt")
    assert t.speaker_style == "label-colon"
    assert [turn.speaker for turn in t.turns] == [
        "Facilitator", "Participant 1", "Tasha", "Participant 2", "Roberto", "Facilitator", "Participant 1"
    ]
    assert [s.label for s in t.speakers] == ["Facilitator", "Participant 1", "Tasha", "Participant 2", "Roberto"]
    assert [s.role for s in t.speakers] == ["facilitator", "participant", None, "participant", None]
    assert speech(t)[4] == ("Roberto", "Me too (laughs).")
    assert [(n.kind, t.text[n.start : n.end]) for n in t.notes] == [("crosstalk", "[crosstalk]"), ("laughter", "(laughs)")]


def test_consecutive_turns_of_one_speaker_stay_separate(tmp_path):
    path = write(tmp_path, "x.txt", "I: One.\n\nI: Two.\n\nR: Three.\n")
    t = read_transcript(path)
    assert speech(t) == [("I", "One."), ("I", "Two."), ("R", "Three.")]


def test_label_on_its_own_line_speech_below(tmp_path):
    path = write(tmp_path, "x.txt", "INTERVIEWER:\nHow long have you been here?\n\nPARTICIPANT:\nSix years.\n")
    t = read_transcript(path)
    t.check_spans()
    assert speech(t) == [("INTERVIEWER", "How long have you been here?"), ("PARTICIPANT", "Six years.")]
    assert labels(t) == ["INTERVIEWER:\n", "PARTICIPANT:\n"]


def test_times_and_urls_are_not_labels(tmp_path):
    text = (
        "Interviewer: When do groups start?\n"
        "10:30: that is when the first group starts, see https://example.org for the schedule.\n\n"
        "Participant: Ok.\n"
    )
    t = read_transcript(write(tmp_path, "x.txt", text))
    assert [turn.speaker for turn in t.turns] == ["Interviewer", "Participant"]


def test_a_word_colon_that_recurs_inside_speech_needs_to_look_like_a_label(tmp_path):
    # "So" recurs at line starts but is a stop word; long phrases are not labels either.
    text = (
        "I: First question.\n\nR: Well.\nSo: we start.\nSo: we end.\n"
        "And the thing about the room that nobody tells you: it is loud.\n\nI: Thanks.\n"
    )
    t = read_transcript(write(tmp_path, "x.txt", text))
    assert [turn.speaker for turn in t.turns] == ["I", "R", "I"]


def test_a_single_name_before_the_first_turn_is_not_a_speaker(tmp_path):
    text = "Clinic: Northside\n\nI: Hello.\n\nR: Hi.\n\nI: Bye.\n"
    t = read_transcript(write(tmp_path, "x.txt", text))
    assert [turn.speaker for turn in t.turns] == ["I", "R", "I"]
    assert para_texts(t)[0] == (0, "Clinic: Northside")


def test_roster_labels_count_as_known(tmp_path):
    text = "Moderator: Hi.\n\nZed Quorum: Hello there.\n"
    # Without the roster "Zed Quorum" speaks once; a single known label makes it ambiguous.
    path = write(tmp_path, "x.txt", text)
    assert [turn.speaker for turn in read_transcript(path).turns] == ["Moderator"]
    roster = Roster([RosterEntry("x", "Zed Quorum", "S9", "counselor")])
    t = read_transcript(path, roster=roster)
    assert [turn.speaker for turn in t.turns] == ["Moderator", "Zed Quorum"]
    assert t.speaker("Zed Quorum").study_id == "S9"
    assert t.speaker("Zed Quorum").role == "counselor"
    assert t.speaker("Moderator").role == "facilitator"


def test_indented_labels(tmp_path):
    t = read_transcript(write(tmp_path, "x.txt", "  I: Hello.\n\n  R: Hi there.\n"))
    assert speech(t) == [("I", "Hello."), ("R", "Hi there.")]
    assert labels(t) == ["I: ", "R: "]


# --------------------------------------------------------------------------- markdown
def test_markdown_bold_labels_and_front_matter():
    t = read("markdown_bold.md")
    assert t.speaker_style == "markdown-bold"
    assert t.id == "MD01"
    assert t.metadata == {"transcript_id": "MD01", "clinic": "eastgate", "date": "2026-03-10"}
    assert speech(t) == [
        ("Interviewer", "How is supervision going?"),
        ("P3", "It is fine.\nMostly fine."),
        ("Interviewer", "And space?"),
        ("P3", "We share a room."),
    ]
    assert labels(t) == ["**Interviewer:** ", "**P3:** ", "**Interviewer**: ", "**P3:** "]
    assert t.text.startswith("# Interview notes\n\n**Interviewer:**")
    assert para_texts(t)[0] == (0, "# Interview notes")
    # Lines 0-5 are front matter and a blank line: empty blocks; line 6 is the heading.
    assert [(b.index, b.start, b.end) for b in t.source_blocks[:7]] == [(i, 0, 0) for i in range(6)] + [(6, 0, 17)]
    assert t.text[t.source_blocks[10].start : t.source_blocks[10].end] == "**P3:** It is fine."


def test_manifest_metadata_wins_over_front_matter():
    t = read("markdown_bold.md", metadata={"clinic": "westfield", "kind": "interview"}, transcript_id="X1")
    assert t.id == "X1"
    assert t.metadata["clinic"] == "westfield"
    assert t.metadata["kind"] == "interview"
    assert t.metadata["date"] == "2026-03-10"


# --------------------------------------------------------------------------- otter / teams
def test_otter_label_line_then_speech():
    t = read("otter.txt")
    assert t.speaker_style == "otter"
    assert speech(t) == [
        ("Morgan Ellery", "Alright, we're recording."),
        ("Corinne Vale", "No, it's fine.\n\nI blocked it twice."),
        ("Morgan Ellery", "Last question."),
    ]
    assert [turn.start_time for turn in t.turns] == [3.0, 10.0, 3723.0]
    assert labels(t) == ["Morgan Ellery  0:03\n", "Corinne Vale  0:10\n", "Morgan Ellery  1:02:03\n"]
    # The turn starts at the label line; the first paragraph at the first speech line.
    assert t.turns[1].start == t.text.index("Corinne Vale")
    assert [p.turn_n for p in t.paragraphs] == [1, 2, 2, 3]


# --------------------------------------------------------------------------- rev / bracketed time
def test_rev_time_in_parentheses_same_or_next_line():
    t = read("rev.txt")
    assert t.speaker_style == "rev"
    assert speech(t) == [
        ("Tamsin Okafor", "Okay, we're recording."),
        ("Lionel Ashby", "Yeah. (laughs) I have a group at three."),
        ("Tamsin Okafor", "Thanks."),
    ]
    assert [turn.start_time for turn in t.turns] == [1.0, 9.0, 62.5]
    assert [(n.kind, t.text[n.start : n.end]) for n in t.notes] == [("laughter", "(laughs)")]


def test_bracket_time_compact_layout():
    t = read("bracket_time.txt")
    assert t.speaker_style == "bracket-time"
    assert speech(t) == [
        ("Tamsin Okafor", "Okay, we're recording."),
        ("Hollis Tran", "I see it. Go ahead."),
        ("Tamsin Okafor", "And how did Westfield come to take on MIO? [inaudible 00:01:20]"),
    ]
    assert [turn.start_time for turn in t.turns] == [1.0, 10.0, 74.0]
    assert labels(t)[1] == "[00:00:10] Hollis Tran: "
    note = t.notes[0]
    assert (note.kind, note.time, t.text[note.start : note.end]) == ("inaudible", 80.0, "[inaudible 00:01:20]")


# --------------------------------------------------------------------------- captions
def test_zoom_vtt_merges_cues_of_one_speaker():
    t = read("zoom.vtt")
    assert t.speaker_style == "vtt-label"
    assert t.text == (
        "Morgan Ellery: Okay, it says we're recording.\n\n"
        "Marisol Beck: Yeah, I can hear you. (laughs) That's a theme, you'll see.\n\n"
        "Morgan Ellery: That's fine."
    )
    assert [(turn.speaker, turn.start_time, turn.end_time) for turn in t.turns] == [
        ("Morgan Ellery", 2.3, 6.1),
        ("Marisol Beck", 8.385, 21.641),
        ("Morgan Ellery", 23.301, 32.253),
    ]
    assert len(t.paragraphs) == 3
    # One source block per cue, covering that cue's speech.
    assert [t.text[b.start : b.end] for b in t.source_blocks] == [
        "Okay, it says we're recording.",
        "Yeah, I can hear you.",
        "(laughs) That's a theme, you'll see.",
        "That's fine.",
    ]
    assert [b.index for b in t.source_blocks] == [0, 1, 2, 3]


def test_teams_vtt_voice_spans_tags_and_entities():
    t = read("teams.vtt")
    assert t.speaker_style == "vtt-voice"
    assert speech(t) == [
        ("Morgan Ellery", "Can you hear me?"),
        ("Bernadette Quill", "I can. Loud & clear. Go ahead."),
        ("Morgan Ellery", "Great."),
    ]
    assert [(turn.start_time, turn.end_time) for turn in t.turns] == [(1.0, 4.0), (4.5, 12.0), (12.5, 15.0)]


def test_srt_diarized_labels():
    t = read("diarized.srt")
    assert t.speaker_style == "srt-diarized"
    assert speech(t) == [
        ("SPEAKER_00", "Okay, the recorder's going."),
        ("SPEAKER_01", "Yeah, no, it's fine. It's a Tuesday thing."),
        ("SPEAKER_00", "(laughs) Let's start."),
    ]
    assert labels(t) == ["SPEAKER_00: ", "SPEAKER_01: ", "SPEAKER_00: "]
    assert (t.turns[1].start_time, t.turns[1].end_time) == (11.541, 20.122)


def test_srt_without_labels_is_one_speaker():
    t = read("plain.srt")
    assert t.speaker_style == "srt-plain"
    assert speech(t) == [("SPEAKER", "We started in January. It went well.")]
    assert any("no speaker labels" in w for w in t.warnings)
    assert [t.text[s.start : s.end] for s in t.sentences] == ["We started in January.", "It went well."]


def test_srt_speaker_colon_without_brackets_and_unlabelled_cue_is_its_own_turn(tmp_path):
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nSPEAKER_00: Hello.\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nstill me.\n\n"
        "3\n00:00:03,000 --> 00:00:04,500\nSPEAKER_01: Hi.\n"
    )
    t = read_transcript(write(tmp_path, "x.srt", text))
    t.check_spans()
    assert t.speaker_style == "srt-diarized"
    # issue 16: a cue without a label is not given to the previous speaker
    assert speech(t) == [("SPEAKER_00", "Hello."), ("UNKNOWN", "still me."), ("SPEAKER_01", "Hi.")]
    assert (t.turns[0].start_time, t.turns[0].end_time) == (1.0, 2.0)
    assert any("1 cue(s) carry no speaker label" in w for w in t.warnings)


def test_vtt_in_a_txt_file_is_read_as_captions(tmp_path):
    path = tmp_path / "zoom.txt"
    path.write_bytes((DATA / "zoom.vtt").read_bytes())
    t = read_transcript(path)
    assert t.speaker_style == "vtt-label"
    assert len(t.turns) == 3


# --------------------------------------------------------------------------- custom pattern
def test_custom_speaker_pattern(tmp_path):
    text = "JANE >> Hello there.\nMore from Jane.\n\nBOB >> Hi.\n"
    t = read_transcript(write(tmp_path, "x.txt", text), speaker_pattern=r"(?P<speaker>[A-Z]+) >> ")
    t.check_spans()
    assert t.speaker_style == "custom"
    assert speech(t) == [("JANE", "Hello there.\nMore from Jane."), ("BOB", "Hi.")]


def test_custom_speaker_pattern_with_time(tmp_path):
    text = "<12:03> Ana | Hello.\n<12:09> Ben | Hi.\n"
    t = read_transcript(
        write(tmp_path, "x.txt", text), speaker_pattern=r"<(?P<time>[\d:]+)> (?P<speaker>\w+) \| "
    )
    assert speech(t) == [("Ana", "Hello."), ("Ben", "Hi.")]
    assert [turn.start_time for turn in t.turns] == [723.0, 729.0]


def test_custom_speaker_pattern_in_captions(tmp_path):
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n(Ana) Hello.\n\n00:00:02.000 --> 00:00:03.000\n(Ben) Hi.\n"
    t = read_transcript(write(tmp_path, "x.vtt", text), speaker_pattern=r"\((?P<speaker>\w+)\) ")
    assert t.speaker_style == "custom"
    assert speech(t) == [("Ana", "Hello."), ("Ben", "Hi.")]


@pytest.mark.parametrize("pattern", [r"(?P<who>\w+):", r"(unclosed"])
def test_bad_speaker_pattern(tmp_path, pattern):
    with pytest.raises(InputError):
        read_transcript(write(tmp_path, "x.txt", "A: b\n"), speaker_pattern=pattern)


# --------------------------------------------------------------------------- no turns
def test_no_turns_gives_unknown_speaker_and_warning():
    t = read("no_turns.txt")
    assert t.speaker_style == "single-speaker"
    assert [(turn.speaker, turn.start, turn.body_start, turn.end) for turn in t.turns] == [
        ("UNKNOWN", 0, 0, len(t.text))
    ]
    assert len(t.paragraphs) == 2
    assert any("no speaker turns" in w for w in t.warnings)


def test_no_turns_strict_is_an_error():
    with pytest.raises(InputError, match="no speaker turns"):
        read_transcript(DATA / "no_turns.txt", strict=True)


# --------------------------------------------------------------------------- notes
def test_notes_kinds_and_times(tmp_path):
    text = (
        "I: Tell me. [inaudible 00:12:03] And (laughs) then [crosstalk].\n\n"
        "R: Sure [pause] well (inaudible) and [unclear] and [laughter] and [phone rings] "
        "and (which was fine) and [a link](http://x).\n"
    )
    t = read_transcript(write(tmp_path, "x.txt", text))
    found = [(n.kind, n.time, t.text[n.start : n.end]) for n in t.notes]
    assert found == [
        ("inaudible", 723.0, "[inaudible 00:12:03]"),
        ("laughter", None, "(laughs)"),
        ("crosstalk", None, "[crosstalk]"),
        ("pause", None, "[pause]"),
        ("inaudible", None, "(inaudible)"),
        ("inaudible", None, "[unclear]"),
        ("laughter", None, "[laughter]"),
        ("other", None, "[phone rings]"),
    ]


def test_notes_never_in_labels():
    t = read("bracket_time.txt")
    # "[00:00:01]" belongs to the label, not to speech.
    assert all(t.text[n.start : n.end] != "[00:00:01]" for n in t.notes)
    assert len(t.notes) == 1


# --------------------------------------------------------------------------- sentences, ids, streaming
def test_sentences_inside_paragraphs_and_notes_stay_whole():
    t = read("rev.txt")
    assert [t.text[s.start : s.end] for s in t.sentences] == [
        "Okay, we're recording.",
        "Yeah.",
        "(laughs) I have a group at three.",
        "Thanks.",
    ]
    assert [s.turn_n for s in t.sentences] == [1, 2, 2, 3]


def test_sentences_can_be_skipped():
    t = read_transcript(DATA / "rev.txt", sentences=False)
    assert t.sentences == []


def test_read_transcripts_streams_in_order_with_same_result_as_one_by_one():
    names = ["label_colon.txt", "otter.txt", "zoom.vtt", "diarized.srt", "markdown_bold.md"]
    streamed = list(read_transcripts([DATA / n for n in names], batch_words=5))
    assert [t.source_path for t in streamed] == [str(DATA / n) for n in names]
    for t in streamed:
        single = read_transcript(t.source_path)
        assert (t.id, t.text, t.turns, t.paragraphs, t.sentences, t.notes) == (
            single.id, single.text, single.turns, single.paragraphs, single.sentences, single.notes
        )


def test_read_transcripts_with_manifest_entries(tmp_path):
    from mio_qual.transcripts import ManifestEntry

    entry = ManifestEntry("INT99", DATA / "label_colon.txt", {"clinic": "northside"})
    (t,) = list(read_transcripts([entry]))
    assert t.id == "INT99"
    assert t.metadata == {"clinic": "northside"}


def test_segment_ids():
    t = read("otter.txt")
    assert t.segment_id("turn", 2) == "otter:t2"
    assert t.segment_id("sentence", 4) == "otter:s4"


def test_source_blocks_map_every_line_of_a_text_file():
    t = read("label_colon.txt")
    lines = (DATA / "label_colon.txt").read_text(encoding="utf-8").split("\n")[:-1]
    assert [b.index for b in t.source_blocks] == list(range(len(lines)))
    for block, line in zip(t.source_blocks, lines):
        assert t.text[block.start : block.end] == line


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
def test_every_fixture_is_canonical_and_consistent(name):
    t = read(name)
    assert t.turns and t.paragraphs
    for turn in t.turns:
        assert not t.text[turn.body_start : turn.end].startswith((" ", "\n"))
    for s in t.sentences:
        assert t.text[s.start : s.end] == t.text[s.start : s.end].strip()
    assert re.fullmatch(r"[a-z0-9-]+", t.speaker_style)


def test_lowercase_recurring_words_are_not_labels(tmp_path):
    text = "I: Question.\n\nR: Answer.\nmom: she came.\nmom: she left.\nsupervision 10:30\n\nsupervision 10:30\nmore\n"
    t = read_transcript(write(tmp_path, "x.txt", text))
    assert [turn.speaker for turn in t.turns] == ["I", "R"]
    assert t.speaker_style == "label-colon"


def test_otter_name_and_time_inside_speech_is_not_a_turn(tmp_path):
    text = (
        "Morgan Ellery  0:03\nWhen is group?\n\n"
        "Corinne Vale  0:10\nIt is on\nTuesday 10:30\nusually.\n\n"
        "Morgan Ellery  0:20\nThanks.\n"
    )
    t = read_transcript(write(tmp_path, "x.txt", text))
    assert [turn.speaker for turn in t.turns] == ["Morgan Ellery", "Corinne Vale", "Morgan Ellery"]
    assert speech(t)[1] == ("Corinne Vale", "It is on\nTuesday 10:30\nusually.")


def test_bracketed_note_at_cue_start_is_not_a_speaker(tmp_path):
    text = (
        "1\r\n00:00:01,000 --> 00:00:02,000\r\n[SPEAKER_00]: Hello.\r\n\r\n"
        "2\r\n00:00:02,000 --> 00:00:03,000\r\n[inaudible]: and so on.\r\n\r\n"
        "3\r\n00:00:03,000 --> 00:00:04,000\r\n[SPEAKER_01]: Hi.\r\n"
    )
    t = read_transcript(write(tmp_path, "x.srt", text))
    assert speech(t) == [("SPEAKER_00", "Hello."), ("UNKNOWN", "[inaudible]: and so on."), ("SPEAKER_01", "Hi.")]
    assert [(n.kind, t.text[n.start : n.end]) for n in t.notes] == [("inaudible", "[inaudible]")]


def test_f4_time_marks_at_the_end_of_turns_give_their_times(tmp_path):
    """f4/f5transkript (common in qualitative research) types '#hh:mm:ss-t#' where a turn ends; the
    marks were plain text and the turns had no times."""
    text = ("I: Okay, the recorder is on. Could you describe your work? #00:00:03-1#\n\n"
            "B: I'm a counselor in the women's program. #00:00:15-8#\n\n"
            "I: What gets in the way, #hashtag or not? #01:02:03#\n\n"
            "B: Space, mostly. #see notes#\n\n"
            "I: Thank you. #01:02:49-25#\n")
    t = read_transcript(write(tmp_path, "INT04.txt", text))
    t.check_spans()
    assert t.text == text.strip("\n")  # the marks stay in the text as typed
    assert [(turn.speaker, turn.start_time, turn.end_time) for turn in t.turns] == [
        ("I", None, 3.1), ("B", 3.1, 15.8), ("I", 15.8, 3723.0), ("B", None, None), ("I", None, 3769.25)]

"""Round trips: random turns written in each convention read back as the same turns."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mio_qual.offsets import is_canonical
from mio_qual.transcripts import read_transcript
from mio_qual.transcripts.roles import is_convention_label

WORDS = st.sampled_from(
    ["the", "room", "supervision", "mom", "we", "café", "niño", "straße", "ok,", "so.", "why?", "yes!",
     "(laughs)", "[crosstalk]", "[inaudible 00:12:03]", "😀", "“quoted”", "it’s", "10:30", "a-b", "naïve"]
)
LINE = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
PARAGRAPH = st.lists(LINE, min_size=1, max_size=2).map("\n".join)
LABELS = ["Interviewer", "P3", "Participant 2", "R", "Jane Doe", "Dr. Ng", "José Núñez", "SPEAKER_01"]


@st.composite
def conversations(draw, *, alternate: bool = False, paragraphs: bool = True):
    """A list of (label, [paragraphs], seconds) turns; every name-like label occurs at least twice."""
    n = draw(st.integers(min_value=2, max_value=8))
    labels = [draw(st.sampled_from(LABELS)) for _ in range(n)]
    for label in list(labels):
        if not is_convention_label(label) and labels.count(label) < 2:
            labels.append(label)
    if alternate:  # captions merge consecutive cues of one speaker: keep neighbours distinct
        out = [labels[0]]
        for label in labels[1:]:
            if label != out[-1]:
                out.append(label)
        if len(out) == 1:
            out.append("Interviewer" if out[0] != "Interviewer" else "R")
        for label in set(out):
            if not is_convention_label(label) and out.count(label) < 2:
                out.append("Interviewer" if out[-1] != "Interviewer" else "R")
                out.append(label)
        labels = out
    turns = []
    time = 0
    for label in labels:
        if paragraphs:
            paras = draw(st.lists(PARAGRAPH, min_size=1, max_size=3))
        else:
            paras = [draw(LINE)]
        time += draw(st.integers(min_value=1, max_value=4000))
        turns.append((label, paras, time))
    return turns


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def render_text(style: str, turns) -> str:
    blocks = []
    for label, paras, sec in turns:
        body = "\n\n".join(paras)
        if style == "label-colon":
            blocks.append(f"{label}: {body}")
        elif style == "markdown-bold":
            blocks.append(f"**{label}:** {body}")
        elif style == "otter":
            blocks.append(f"{label}  {sec // 60}:{sec % 60:02d}\n{body}")
        elif style == "rev":
            blocks.append(f"{label} ({_clock(sec)}):\n{body}")
        elif style == "bracket-time":
            blocks.append(f"[{_clock(sec)}] {label}: {body}")
        elif style == "label-bracket-time":  # detected as "rev": the time in brackets after the label
            blocks.append(f"{label} [{_clock(sec)}]: {body}")
    return "\n\n".join(blocks) + "\n"


def _check(t, turns, *, times: bool, joined: str = "\n\n") -> None:
    t.check_spans()
    assert is_canonical(t.text)
    got = [(turn.speaker, t.text[turn.body_start : turn.end]) for turn in t.turns]
    assert got == [(label, joined.join(paras)) for label, paras, _ in turns]
    if times:
        assert [turn.start_time for turn in t.turns] == [float(sec) for _, _, sec in turns]
    # Paragraph texts are the generated paragraphs, in order, each in its turn.
    if joined == "\n\n":
        assert [t.text[p.start : p.end] for p in t.paragraphs] == [p for _, paras, _ in turns for p in paras]
    for s in t.sentences:
        assert t.text[s.start : s.end].strip() == t.text[s.start : s.end]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(turns=conversations(), style=st.sampled_from(["label-colon", "markdown-bold", "otter", "rev", "bracket-time"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "crlf"]))
def test_text_conventions_round_trip(turns, style, encoding):
    text = render_text(style, turns)
    if encoding == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    elif encoding == "utf-16":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.txt"
        path.write_bytes(data)
        t = read_transcript(path)
    assert t.speaker_style == style
    _check(t, turns, times=style in ("otter", "rev", "bracket-time"))
    assert t.text == text.strip("\n")


@SETTINGS
@given(turns=conversations())
def test_label_then_bracketed_time_round_trips(turns):
    """``COUNSELOR [00:00:11]: text`` (a coordinator's Word transcript) was one turn of UNKNOWN."""
    text = render_text("label-bracket-time", turns)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.txt"
        path.write_text(text, encoding="utf-8")
        t = read_transcript(path)
    assert t.speaker_style == "rev"
    _check(t, turns, times=True)


def _vtt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def render_captions(style: str, turns) -> tuple[str, list[tuple[float, float]]]:
    """Each turn split into cues of up to 4 words; returns the file text and each turn's (start, end)."""
    out = ["WEBVTT", ""] if style != "srt" else []
    spans = []
    k = 0
    for label, paras, sec in turns:
        words = paras[0].split(" ")
        chunks = [" ".join(words[i : i + 4]) for i in range(0, len(words), 4)]
        t0 = float(sec)
        first = t0
        for chunk in chunks:
            k += 1
            start, end = t0, t0 + 0.5
            t0 = end
            if style == "vtt-voice":
                body = f"<v {label}>{chunk.replace('&', '&amp;')}</v>"
            elif style == "vtt-label":
                body = f"{label}: {chunk}"
            else:
                body = f"[{label}]: {chunk}"
            if style == "srt":
                stamp = f"{_vtt_time(start)} --> {_vtt_time(end)}".replace(".", ",")
                out += [str(k), stamp, body, ""]
            else:
                out += [str(k), f"{_vtt_time(start)} --> {_vtt_time(end)}", body, ""]
        spans.append((first, t0))
    return "\n".join(out), spans


@SETTINGS
@given(turns=conversations(alternate=True, paragraphs=False), style=st.sampled_from(["vtt-voice", "vtt-label", "srt"]))
def test_caption_conventions_round_trip(turns, style):
    # Caption cue times must increase; make each turn start after the previous one's cues.
    fixed, clock = [], 0
    for label, paras, _ in turns:
        fixed.append((label, paras, clock))
        clock += 10 + len(paras[0].split()) // 4 + 1
    text, spans = render_captions(style, fixed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("t.srt" if style == "srt" else "t.vtt")
        path.write_text(text, encoding="utf-8")
        t = read_transcript(path)
    _check(t, fixed, times=False, joined=" ")
    assert [(turn.start_time, turn.end_time) for turn in t.turns] == spans
    assert t.speaker_style == {"srt": "srt-diarized", "vtt-voice": "vtt-voice", "vtt-label": "vtt-label"}[style]
    # The canonical text is the Label: speech layout.
    assert t.text == "\n\n".join(f"{label}: {paras[0]}" for label, paras, _ in fixed)
    # Every cue's block covers exactly that cue's words.
    assert all(b.start < b.end for b in t.source_blocks)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(turns=conversations())
def test_docx_round_trip(turns):
    import docx

    document = docx.Document()
    for label, paras, _ in turns:
        for k, para in enumerate(paras):
            document.add_paragraph(f"{label}: {para}" if k == 0 else para)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.docx"
        document.save(str(path))
        t = read_transcript(path)
    _check(t, turns, times=False)
    # The Word paragraph map: one block per Word paragraph, each the paragraph's text.
    expected = [f"{label}: {p}" if k == 0 else p for label, paras, _ in turns for k, p in enumerate(paras)]
    assert [t.text[b.start : b.end] for b in t.source_blocks] == expected

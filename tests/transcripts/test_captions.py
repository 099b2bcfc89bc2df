"""Captions: the fast WebVTT scan gives exactly webvtt-py's cues, or hands the file over."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import REPO
from mio_qual.transcripts import read_transcript
from mio_qual.transcripts.captions import _vtt_cues_full, _vtt_cues_simple

DATA = REPO / "tests" / "data" / "readers"
SAMPLE = REPO / "transcripts_sample"


def _vtt_files() -> list[Path]:
    return sorted(DATA.glob("*.vtt")) + sorted(SAMPLE.glob("*.vtt"))


def test_fast_scan_matches_webvtt_py_on_real_files():
    files = _vtt_files()
    assert len(files) >= 2
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        fast = _vtt_cues_simple(text)
        assert fast is not None, path
        assert fast == _vtt_cues_full(text, path), path


def test_style_blocks_go_to_webvtt_py(tmp_path):
    text = (
        "WEBVTT\n\nSTYLE\n::cue { color: red }\n\n"
        "00:00:01.000 --> 00:00:02.000\n<v Ana>Hello.</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Ben>Hi.</v>\n"
    )
    assert _vtt_cues_simple(text) is None
    path = tmp_path / "styled.vtt"
    path.write_text(text, encoding="utf-8")
    t = read_transcript(path)
    assert t.text == "Ana: Hello.\n\nBen: Hi."


TIMES = st.sampled_from(
    ["00:00:01.000", "00:01.500", "01:02:03.004", "0:00:01.000", "00:00:61.000", "00:00:01.5", "123:00:00.000"]
)
PAYLOAD_LINE = st.sampled_from(
    ["Ana: hello", "<v Ben>hi</v>", "  ", "plain words", "a --> b", "NOTE inside", "&amp; more", "\t"]
)


@st.composite
def vtt_documents(draw) -> str:
    parts = [draw(st.sampled_from(["WEBVTT", "WEBVTT - title", "WEBVTT\nKind: captions", "WEBVTTX"]))]
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        kind = draw(st.sampled_from(["cue", "cue", "cue", "note", "junk"]))
        if kind == "note":
            parts.append(draw(st.sampled_from(["NOTE a comment", "NOTE\nmulti\nline", "NOTES are not notes"])))
        elif kind == "junk":
            parts.append(draw(st.sampled_from(["just text", "1\n2", "-->"])))
        else:
            lines = []
            if draw(st.booleans()):
                lines.append(draw(st.sampled_from(["1", "cue-7", "id with spaces"])))
            settings_text = draw(st.sampled_from(["", " align:start", " line:0 position:10%"]))
            lines.append(f"{draw(TIMES)} --> {draw(TIMES)}{settings_text}")
            lines += draw(st.lists(PAYLOAD_LINE, min_size=0, max_size=3))
            parts.append("\n".join(lines))
    sep = draw(st.sampled_from(["\n\n", "\n\n\n"]))
    text = sep.join(parts) + draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


@settings(max_examples=300, deadline=None)
@given(text=vtt_documents())
def test_fast_scan_agrees_with_webvtt_py(text):
    fast = _vtt_cues_simple(text)
    if fast is not None:
        assert fast == _vtt_cues_full(text, Path("x.vtt"))

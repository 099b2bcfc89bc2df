"""Captions: the fast WebVTT scan gives exactly webvtt-py's cues, or hands the file over."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import REPO
from mio_qual.transcripts import read_transcript
from mio_qual.transcripts.captions import _srt_cues_full, _srt_cues_simple, _vtt_cues_full, _vtt_cues_simple

DATA = REPO / "tests" / "data" / "readers"
SAMPLE = REPO / "transcripts_sample"


@pytest.mark.parametrize("suffix,simple,full,newlines", [
    (".vtt", _vtt_cues_simple, _vtt_cues_full, False),  # webvtt-py
    (".srt", _srt_cues_simple, _srt_cues_full, True),  # the srt package, on text with \n line ends
])
def test_fast_scan_matches_the_full_parser_on_real_files(suffix, simple, full, newlines):
    files = sorted(DATA.glob(f"*{suffix}")) + sorted(SAMPLE.glob(f"*{suffix}"))
    assert len(files) >= 2
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        if newlines:
            text = text.replace("\r\n", "\n")
        fast = simple(text)
        assert fast is not None, path
        assert fast == full(text, path), path


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


# ------------------------------------------------------------ SubRip: the fast scan is srt.parse
GOOD_SRT_TIMES = st.sampled_from(["00:00:01,000", "00:01:02,500", "01:02:03,004", "123:00:00,999"])
ODD_SRT_TIMES = st.sampled_from(["0:00:01,000", "00:00:01.000", "00:00:01,5", "00:00:61,000", "1234567:00:00,000",
                                 "\u0660\u0660:00:01,000"])
GOOD_SRT_LINES = st.sampled_from(["[SPEAKER_00]: hello", "Ana: hi there", "plain words", "2 buses", "<i>tag</i>"])
ODD_SRT_LINES = st.sampled_from(["12", "-3.5", "  ", "", "a --> b", "00:00:05,000 --> 00:00:06,000", "\t", "7 "])


@st.composite
def srt_documents(draw) -> str:
    """Mostly well-formed SubRip text, with now and then one of the oddities the srt package tolerates."""
    odd = draw(st.integers(min_value=0, max_value=3)) == 0  # a quarter of the documents may hold oddities

    def pick(good, bad):
        return draw(bad) if odd and draw(st.integers(min_value=0, max_value=4)) == 0 else draw(good)

    blocks = []
    for n in range(1, draw(st.integers(min_value=0, max_value=6)) + 1):
        lines = [pick(st.just(str(n)), st.sampled_from(["", "x", "7a", str(n + 10)]))]
        arrow = pick(st.just(" --> "), st.sampled_from(["-->", " -> ", " -->  "]))
        lines.append(f"{pick(GOOD_SRT_TIMES, ODD_SRT_TIMES)}{arrow}{pick(GOOD_SRT_TIMES, ODD_SRT_TIMES)}"
                     f"{pick(st.just(''), st.just(' X1:10'))}")
        lines += [pick(GOOD_SRT_LINES, ODD_SRT_LINES) for _ in range(draw(st.integers(min_value=1, max_value=3)))]
        blocks.append("\n".join(line for line in lines))
    sep = pick(st.just("\n\n"), st.sampled_from(["\n\n\n", "\n"]))
    return pick(st.just(""), st.sampled_from(["\n", " "])) + sep.join(blocks) + pick(
        st.sampled_from(["", "\n", "\n\n"]), st.just("\n\n\n"))


@pytest.mark.parametrize("documents,simple,full,name", [
    (vtt_documents(), _vtt_cues_simple, _vtt_cues_full, "x.vtt"),  # webvtt-py
    (srt_documents(), _srt_cues_simple, _srt_cues_full, "x.srt"),  # srt.parse
])
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_fast_scan_agrees_with_the_full_parser(documents, simple, full, name, data):
    """Whatever the fast scan accepts, the full parser reads to the same cues (and does not refuse)."""
    text = data.draw(documents)
    fast = simple(text)
    if fast is not None:
        assert fast == full(text, Path(name))

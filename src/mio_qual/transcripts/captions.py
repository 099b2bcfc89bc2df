"""Caption files: WebVTT (``.vtt``, parsed with webvtt-py), SubRip (``.srt``, with ``srt``),
YouTube's SubViewer captions (``.sbv``) and diarization JSON (``.json``, as WhisperX and similar
tools write it: ``{"segments": [{"start", "end", "text", "speaker"}, ...]}``).

Plain WebVTT files (header, ``NOTE`` blocks, cues) are scanned directly, which gives the same
cues as webvtt-py several times faster; any other WebVTT file goes through webvtt-py. Plain
SubRip files are scanned directly too (the same cues as ``srt.parse``); any other goes through
``srt``.

Speakers come from, in order: a WebVTT voice span (``<v Jane Doe>text</v>``, Teams), a
bracketed label (``[SPEAKER_00]: text``, diarization tools), or a ``Label: text`` prefix (Zoom;
accepted by the rules of :mod:`mio_qual.transcripts.speakers`), or a JSON segment's
``speaker``. In a file with labels, a cue without one is its own turn of speaker ``UNKNOWN``
(it is not added to the previous speaker's turn: nobody knows who said it, and a warning counts
such cues); in a file with no labels at all everything is said by ``SPEAKER``.

Consecutive cues of one speaker merge into one turn with one paragraph (cue texts joined by a
space; a cue's own line breaks are display wrapping and become spaces too). The canonical
text renders each turn as ``Label: speech`` and separates turns by a blank line. The turn's
``start_time`` is its first cue's start and ``end_time`` its last cue's end. Each cue gets a
:class:`~mio_qual.transcripts.model.SourceBlock` (index = 0-based cue position) covering its
speech.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

from ..errors import InputError
from .encoding import check_line_lengths, read_text_file
from .model import SourceBlock, Turn
from .notes import note_kind
from .speakers import LABEL, accepted_labels, compile_speaker_pattern, normalize_label

_VOICE = re.compile(r"<v(?:\.[^\s>]*)*(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>|\{\\[^}]*\}")
_BRACKET_LABEL = re.compile(r"\[(?P<speaker>[^\[\]\n]{1,40})\](?P<colon>[ \t]*:)?[ \t]*")
_COLON_LABEL = re.compile(rf"(?P<speaker>{LABEL}):(?:[ \t]+|$)")
UNKNOWN = "UNKNOWN"
"""The speaker of a cue without a label in a file whose other cues have one."""
_DIARIZED = re.compile(r"(?:SPEAKER|Speaker|spk|SPK)[ _-]?\d{1,3}")


@dataclass
class CaptionSource:
    """A caption file rendered to canonical text with complete turns."""

    text: str
    turns: list[Turn]
    style: str
    source_blocks: list[SourceBlock]
    encoding: str
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    format: str = "vtt"


@dataclass(slots=True)
class _Piece:
    cue: int
    start: float | None
    end: float | None
    speaker: str | None
    text: str
    candidate: str | None = None  # a Label: prefix waiting for acceptance
    rest: str = ""  # the text after that prefix


def _clean(text: str) -> str:
    """Cue text without tags and entities, whitespace collapsed, NFC."""
    if "<" in text or "{" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = " ".join(text.split())
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        text = " ".join(text.replace("\u200b", " ").replace("\ufeff", "").split())
    return text


def _split_voices(raw: str) -> list[tuple[str | None, str]]:
    """Split raw cue text at ``<v Name>`` spans: (voice or None, raw text) pieces."""
    if "<v" not in raw:
        return [(None, raw)]
    pieces: list[tuple[str | None, str]] = []
    pos = 0
    voice: str | None = None
    for m in _VOICE.finditer(raw):
        if m.start() > pos and raw[pos : m.start()].strip(" \t\n</v>"):
            pieces.append((voice, raw[pos : m.start()]))
        voice = normalize_label(unicodedata.normalize("NFC", html.unescape(m.group(1) or ""))) or None
        pos = m.end()
    pieces.append((voice, raw[pos:]))
    return pieces


_FAST_TIMING = re.compile(
    r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})[ \t]+-->[ \t]+(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})(?:[ \t][^\n]*)?"
)


def _ms(h: str | None, m: str, s: str, ms: str) -> int:
    return ((int(h) if h else 0) * 3600 + int(m) * 60 + int(s)) * 1000 + int(ms)


def _vtt_cues_simple(text: str) -> list[tuple[float, float, str]] | None:
    """Cues of a plain WebVTT file, or None when the file needs the full parser.

    webvtt-py builds objects for every cue's settings and timestamps, which makes it the
    slowest step of reading a long Zoom or Teams transcript. Most exported files are simple:
    a ``WEBVTT`` header, ``NOTE`` blocks, and cues made of an optional identifier, a
    well-formed timing line and text. For those this scan gives the same cues as webvtt-py
    (tests compare them); anything else (``STYLE``/``REGION`` blocks, odd timings, a stray
    ``-->``) returns None and webvtt-py parses the file.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith("WEBVTT"):
        return None
    blocks = text.rstrip("\n").split("\n\n")
    if "-->" in blocks[0]:
        return None
    cues: list[tuple[float, float, str]] = []
    match = _FAST_TIMING.fullmatch
    for block in blocks[1:]:
        if not block:
            continue
        if block[0] == "\n":
            block = block.lstrip("\n")
            if not block:
                continue
        lines = block.split("\n")
        m = match(lines[0])
        if m is not None:
            payload = lines[1:]
        elif len(lines) > 1 and "-->" not in lines[0] and (m := match(lines[1])) is not None:
            payload = lines[2:]
        elif lines[0].startswith("NOTE") and (len(lines[0]) == 4 or lines[0][4] in " \t") and "-->" not in block:
            continue
        else:
            return None
        if "-->" in "\n".join(payload):
            return None
        g = m.groups()
        start, end = _ms(*g[:4]), _ms(*g[4:])
        cues.append((start / 1000, end / 1000, "\n".join(payload)))
    return cues


def _vtt_cues(text: str, path: Path) -> list[tuple[float, float, str]]:
    simple = _vtt_cues_simple(text)
    if simple is not None:
        return simple
    return _vtt_cues_full(text, path)


def _vtt_cues_full(text: str, path: Path) -> list[tuple[float, float, str]]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        vtt = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise InputError(
            f"not a valid WebVTT file ({exc})",
            path=path,
            hint="it must start with a WEBVTT line; re-export the captions or rename the file",
        ) from None
    return [
        (c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000, "\n".join(c.lines))
        for c in vtt.captions
    ]


# ASCII digits, as srt reads them; more hours than this go to srt, which refuses what timedelta cannot hold
_SRT_TIME = r"([0-9]{2,6}):([0-9][0-9]):([0-9][0-9]),([0-9]{3})"
_SRT_TIMING = re.compile(rf"{_SRT_TIME} --> {_SRT_TIME}")
# a cue line the srt package might read as the next cue's number (a cue without its blank line)
_SRT_NUMBER_LIKE = re.compile(r"\s*(?:-?[0-9]+\.?[0-9]*)?\s*")


def _srt_cues_simple(text: str) -> list[tuple[float, float, str]] | None:
    """Cues of a plain SubRip file (``\\n`` line ends), or None when the file needs the ``srt`` package.

    Plain means: blocks one blank line apart, each a cue number, a ``hh:mm:ss,mmm -->
    hh:mm:ss,mmm`` line and at least one line of text, none of which is blank, holds ``-->`` or
    looks like a cue number (the package's rules for damaged files then come into play). For
    those this scan gives the same cues as ``srt.parse`` (tests compare them) without a
    ``timedelta`` and a ``Subtitle`` object per cue.
    """
    if not text[:1].isdigit() or text.endswith("\n\n\n"):
        return None
    cues: list[tuple[float, float, str]] = []
    timing = _SRT_TIMING.fullmatch
    number_like = _SRT_NUMBER_LIKE.fullmatch
    for block in text.rstrip("\n").split("\n\n"):
        lines = block.split("\n")
        if len(lines) < 3 or not lines[0].isdigit() or not lines[0].isascii():
            return None
        m = timing(lines[1])
        if m is None:
            return None
        payload = lines[2:]
        for line in payload:
            if "-->" in line or number_like(line):
                return None
        g = m.groups()
        cues.append((_ms(*g[:4]) / 1000, _ms(*g[4:]) / 1000, "\n".join(payload)))
    return cues


def _srt_cues(text: str, path: Path) -> list[tuple[float, float, str]]:
    simple = _srt_cues_simple(text)
    if simple is not None:
        return simple
    return _srt_cues_full(text, path)


def _srt_cues_full(text: str, path: Path) -> list[tuple[float, float, str]]:
    import srt

    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, srt.TimestampParseError, ValueError, OverflowError) as exc:
        raise InputError(
            f"not a valid SRT file ({exc.__class__.__name__}: {str(exc)[:120]})",
            path=path,
            hint="each cue needs a number, a 'hh:mm:ss,mmm --> hh:mm:ss,mmm' line and text",
        ) from None
    return [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subs]


_SBV_TIMING = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})\.(\d{3}),(\d{1,2}):(\d{2}):(\d{2})\.(\d{3})$")


def _sbv_cues(text: str, path: Path) -> list[tuple[float, float, str]]:
    """Cues of a YouTube ``.sbv`` file: a ``h:mm:ss.mmm,h:mm:ss.mmm`` line, then text, blocks apart."""
    cues = []
    for n, block in enumerate(text.strip("\n").split("\n\n"), start=1):
        lines = block.strip("\n").split("\n")
        if not lines or not lines[0].strip():
            continue
        m = _SBV_TIMING.match(lines[0].strip())
        if m is None:
            raise InputError(f"cue {n} of the SBV file does not start with a 'h:mm:ss.mmm,h:mm:ss.mmm' line",
                             path=path, hint="re-download the captions from YouTube Studio")
        g = m.groups()
        cues.append((_ms(*g[:4]) / 1000, _ms(*g[4:]) / 1000, "\n".join(lines[1:])))
    return cues


def _json_cues(text: str, path: Path) -> list[tuple[float, float, str]]:
    """Cues of a diarization JSON file (WhisperX style): each segment's text under its speaker's label."""
    import json

    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not a JSON file ({exc})", path=path, hint="export the transcript again") from None
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list) or not all(isinstance(seg, dict) for seg in segments):
        raise InputError("the JSON file has no list of segments", path=path,
                         hint='expected {"segments": [{"start": 0.0, "end": 2.5, "text": "...", "speaker": "SPEAKER_00"}]}')
    cues = []
    for n, seg in enumerate(segments, start=1):
        try:
            start, end = float(seg.get("start") or 0.0), float(seg.get("end") or 0.0)
        except (TypeError, ValueError):
            raise InputError(f"segment {n} of the JSON file has a start or end that is not a number", path=path,
                             hint="export the transcript again") from None
        words = str(seg.get("text") or "").strip()
        speaker = seg.get("speaker")
        label = f"<v {html.escape(str(speaker).strip())}>" if speaker not in (None, "") else ""
        cues.append((start, end, label + html.escape(words, quote=False)))
    return cues


_CUE_READERS = {"vtt": _vtt_cues, "srt": _srt_cues, "sbv": _sbv_cues, "json": _json_cues}


def read_captions(
    path: str | Path,
    *,
    known_labels: Collection[str] = (),
    speaker_pattern: str | re.Pattern[str] | None = None,
    fmt: str | None = None,
) -> CaptionSource:
    """Read a ``.vtt``, ``.srt``, ``.sbv`` or diarization ``.json`` file into canonical text and merged turns.

    Parameters
    ----------
    path : str or Path
        The caption file.
    known_labels : collection of str
        Roster labels for this transcript (accepted as speakers even if they occur once).
    speaker_pattern : str or re.Pattern, optional
        A regex with a ``speaker`` group matched at the start of each cue's text instead of
        the built-in conventions.
    fmt : {"vtt", "srt", "sbv", "json"}, optional
        Force the format (default: from the extension).

    Raises
    ------
    InputError
        Unreadable bytes, malformed captions, or a file without cues or without any cue text.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lower().lstrip(".")
    raw, encoding, warnings = read_text_file(path)
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    check_line_lengths(raw, path=path)
    cues = _CUE_READERS[fmt](raw, path)
    if not cues:
        raise InputError(
            f"the {fmt.upper()} file has no cues", path=path, hint="check that the export finished"
        )
    pieces, labelled = _pieces(cues, known_labels, speaker_pattern)
    has_voice = any("<v" in raw_text for _, _, raw_text in cues) and labelled
    if speaker_pattern is not None:
        style = "custom"
    elif not labelled:
        style = f"{fmt}-plain"
    elif has_voice:
        style = "vtt-voice"
    else:
        spoken = {p.speaker for p in pieces if p.speaker and p.speaker != UNKNOWN}
        diarized = all(_DIARIZED.fullmatch(s) for s in spoken) or any(
            p.candidate == "[" for p in pieces
        )
        style = f"{fmt}-diarized" if diarized else f"{fmt}-label"
    if not labelled:
        warnings.append("no speaker labels in the captions: all speech is attributed to 'SPEAKER'")
    unknown = sum(1 for p in pieces if p.speaker == UNKNOWN and p.text)
    if labelled and unknown:
        warnings.append(f"{unknown} cue(s) carry no speaker label: each is a turn of speaker {UNKNOWN!r} (reports "
                        f"count it as a participant of its own; when you know who spoke, a roster row for the label "
                        f"{UNKNOWN} in this transcript gives it their study id and role)")
    text, turns, blocks = _render(pieces, len(cues))
    if not text:
        raise InputError(
            f"the {fmt.upper()} file has cues but no caption text", path=path, hint="check that the export finished"
        )
    return CaptionSource(text, turns, style, blocks, encoding, warnings, {}, fmt)


def _pieces(
    cues: list[tuple[float, float, str]],
    known: Collection[str],
    speaker_pattern: str | re.Pattern[str] | None,
) -> tuple[list[_Piece], bool]:
    """Cue pieces with their speakers, and whether any cue carried a label."""
    pieces: list[_Piece] = []
    custom = compile_speaker_pattern(speaker_pattern) if speaker_pattern is not None else None
    bracketed_labels: dict[str, Any] = {}
    colon_labels: dict[str, str] = {}
    for i, (start, end, raw_text) in enumerate(cues):
        for voice, part in _split_voices(raw_text):
            clean = _clean(part)
            piece = _Piece(i, start, end, voice, clean)
            if voice is None and clean:
                if custom is not None:
                    m = custom.match(clean)
                    if m and m.group("speaker") and m.group("speaker").strip():
                        piece.speaker = normalize_label(m.group("speaker"))
                        piece.text = clean[m.end() :].strip()
                else:
                    m = _BRACKET_LABEL.match(clean)
                    label = None
                    if m:  # the verdict on a bracketed label is the same every time it recurs
                        label = bracketed_labels.get(m.group(0), _UNSEEN)
                        if label is _UNSEEN:
                            label = bracketed_labels[m.group(0)] = _bracketed_label(m)
                    if label is not None:
                        piece.speaker = label
                        piece.text = clean[m.end() :].strip()
                        piece.candidate = "["
                    else:
                        m = _COLON_LABEL.match(clean)
                        if m:
                            said = m.group("speaker")
                            piece.candidate = colon_labels.get(said) or colon_labels.setdefault(
                                said, normalize_label(said))
                            piece.rest = clean[m.end() :].strip()
            pieces.append(piece)
    candidates = [(k, p.candidate) for k, p in enumerate(pieces) if p.candidate not in (None, "[")]
    if candidates:
        flags = accepted_labels([c for _, c in candidates], known=known)
        for (k, label), ok in zip(candidates, flags):
            if ok:
                pieces[k].speaker = label
                pieces[k].text = pieces[k].rest
    labelled = any(p.speaker for p in pieces)
    for p in pieces:
        if not p.speaker:
            p.speaker = UNKNOWN if labelled else "SPEAKER"
    return pieces, labelled


_UNSEEN = object()


def _bracketed_label(m: re.Match[str]) -> str | None:
    """The speaker of a ``[label]`` cue opening, or None when it is a transcriber's note or no label."""
    bracketed = m.group("speaker").strip()
    if note_kind(bracketed) == "other" and (m.group("colon") or _DIARIZED.fullmatch(bracketed)):
        return normalize_label(m.group("speaker"))
    return None


def _render(pieces: list[_Piece], n_cues: int) -> tuple[str, list[Turn], list[SourceBlock]]:
    """Merge consecutive pieces of one speaker and render ``Label: speech`` turns.

    Pieces without speech are left out (their cue gets an empty block where the text stands).
    """
    spoken = [p for p in pieces if p.text]
    parts: list[str] = []
    pos = 0
    turns: list[Turn] = []
    cue_spans: list[list[int] | None] = [None] * n_cues
    i = 0
    n = len(spoken)
    while i < n:
        speaker = spoken[i].speaker or "SPEAKER"
        j = i
        while j < n and spoken[j].speaker == speaker:
            j += 1
        if parts:
            parts.append("\n\n")
            pos += 2
        turn_start = pos
        parts.append(speaker)
        parts.append(":")
        pos += len(speaker) + 1
        body_start = pos + 1
        for p in spoken[i:j]:
            parts.append(" ")
            pos += 1
            parts.append(p.text)
            span = cue_spans[p.cue]
            if span is None:
                cue_spans[p.cue] = [pos, pos + len(p.text)]
            else:
                span[1] = pos + len(p.text)
            pos += len(p.text)
        turns.append(Turn(len(turns) + 1, speaker, turn_start, pos, body_start, spoken[i].start, spoken[j - 1].end))
        i = j
    blocks = []
    last = 0
    for k, span in enumerate(cue_spans):
        if span is None:
            blocks.append(SourceBlock(k, last, last))
        else:
            blocks.append(SourceBlock(k, span[0], span[1]))
            last = span[1]
    return "".join(parts), turns, blocks

"""Finding speaker turns in a text transcript, whatever convention the transcriber used.

Each convention is a *detector*: a line pattern that marks the start of a turn. All detectors
run over the whole canonical text; the one whose accepted labels explain the most lines wins,
and its name becomes ``Transcript.speaker_style``:

``label-colon``
    ``INTERVIEWER: text``, ``I: text``, ``P3: text``, ``Participant 2: text``, ``Tasha: text``,
    also with a space before the colon (``R : text``, as French typing has it).
``markdown-bold``
    ``**Interviewer:** text`` or ``**Interviewer**: text``.
``otter``
    ``Jane Doe  0:03`` alone on a line, speech on the lines below (Otter.ai, Microsoft Teams).
``rev``
    ``Jane Doe (00:01:02):`` with speech on the same line or below (Rev.com and similar), also
    with the time in square brackets (``COUNSELOR [00:01:02]: text``, as many transcribers type it).
``bracket-time``
    ``[00:01:02] Jane Doe: text``.
``zoom-captions``
    ``[Jane Doe] 14:02:11`` alone on a line, speech below (Zoom's saved captions, ``.txt``).
``teams-spoken``
    ``Jane Doe   3 minutes 5 seconds`` alone on a line, speech below (a Teams transcript
    with the time written out).
``custom``
    A user's regular expression with a named group ``speaker`` (and optionally ``time``).

A colon after the first words of a line is not enough to make a speaker label: speech says
"Note: ..." and clocks say "10:30". A candidate label is accepted when it is a known
convention (``Interviewer``, ``R``, ``P3``, ``SPEAKER_00``...), is in the roster for the
transcript, or recurs and starts with a capital letter (and is not a word such as "Note",
"Date" or "So"). A name that speaks only once (common in focus groups) is accepted when
it looks like a name, comes after the first accepted turn, and sits where the other turns
sit (after a blank line when they do), provided two labels are accepted otherwise (one, when
label lines carry timestamps). Labels are at most four words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat
from typing import Collection, Sequence

from ..errors import InputError
from .roles import is_convention_label
from .timecodes import SPOKEN_TIME_PATTERN, TIME_PATTERN, parse_time

_FIRST_WORD = r"[^\W\d_][\w.'’&-]*"
_LATER_WORD = r"[\w.'’&-]+"
_PAREN = r"(?: \([^\d()\n][^()\n]{0,30}\))?"
LABEL = rf"{_FIRST_WORD}(?: {_LATER_WORD}){{0,3}}{_PAREN}"
_LAZY_LABEL = rf"{_FIRST_WORD}(?: {_LATER_WORD}){{0,3}}?"  # fewest words: the time takes the rest
_T = TIME_PATTERN.replace("{1,2}", "{1,3}", 1)
_AFTER = r"(?=[ \t]|$)"

DETECTORS: dict[str, re.Pattern[str]] = {
    # Most specific first: on a tie in the number of lines explained, the earlier one wins.
    "rev": re.compile(
        rf"^[ \t]*(?P<speaker>{LABEL})[ \t]*[(\[](?P<time>{_T})[)\]](?::{_AFTER}|[ \t]*$)", re.MULTILINE
    ),
    "bracket-time": re.compile(
        rf"^[ \t]*[\[(](?P<time>{_T})[\])][ \t]*(?:-[ \t]*)?(?P<speaker>{LABEL}):{_AFTER}", re.MULTILINE
    ),
    "zoom-captions": re.compile(rf"^[ \t]*\[(?P<speaker>{LABEL})\][ \t]+(?P<time>{_T})[ \t]*$", re.MULTILINE),
    "otter": re.compile(rf"^[ \t]*(?P<speaker>{LABEL})[ \t]+(?P<time>{_T})[ \t]*$", re.MULTILINE),
    "teams-spoken": re.compile(rf"^[ \t]*(?P<speaker>{_LAZY_LABEL})[ \t]+(?P<time>{SPOKEN_TIME_PATTERN})[ \t]*$",
                               re.MULTILINE),
    "markdown-bold": re.compile(
        rf"^[ \t]*\*\*(?P<speaker>{LABEL})(?::\*\*|\*\*:){_AFTER}", re.MULTILINE
    ),
    "label-colon": re.compile(rf"^[ \t]*(?P<speaker>{LABEL})[ \t]?:{_AFTER}", re.MULTILINE),
}
# Styles whose label line carries a timestamp: the line shape itself is strong evidence.
_TIMED = frozenset({"rev", "bracket-time", "otter", "zoom-captions", "teams-spoken"})

MAX_LABEL_CHARS = 40

# Words that start "Word: text" lines without being speakers.
_NOT_SPEAKERS = frozenset(
    """
    note notes nb ps re fyi date time duration location place site setting clinic agency
    interview transcript transcription title subject topic question questions answer
    example e.g i.e summary update reminder warning important tip step attendees present
    absent recorded recording audio file files session length start end comment comments
    well so yes no yeah okay ok and but or because also then now first second third
    honestly basically like um uh hmm anyway again really actually quote quotes
    """.split()
)


@dataclass(frozen=True)
class TurnMark:
    """Where a turn starts in the canonical text, as a detector found it.

    ``start`` is where the turn's label begins, ``speech`` the offset just after the label
    (speech starts there or on a later line).
    """

    label: str
    start: int
    speech: int
    time: float | None = None


@dataclass
class Detection:
    """The chosen detector's result."""

    style: str
    marks: list[TurnMark]


def normalize_label(label: str) -> str:
    """A speaker label as an identity: inner whitespace collapsed, ends stripped."""
    return " ".join(label.replace("\ufeff", "").split())


def _name_like(label: str) -> bool:
    words = label.split()
    if not 1 <= len(words) <= 3 or words[0].lower().strip(".") in _NOT_SPEAKERS:
        return False
    return all(w[0].isupper() for w in words if w[0].isalpha())


def _block_start(text: str, pos: int) -> bool:
    """True when the line at ``pos`` is the text's first line or follows a blank line."""
    line_start = text.rfind("\n", 0, pos) + 1
    return line_start == 0 or (line_start >= 2 and text[line_start - 2] == "\n")


def accepted_labels(
    labels: Sequence[str],
    *,
    known: Collection[str] = (),
    timed: bool = False,
    at_block: Sequence[bool] | None = None,
) -> list[bool]:
    """Which candidate labels (one per candidate line or cue, in order) are speaker labels.

    Parameters
    ----------
    labels : sequence of str
        Normalized candidate labels.
    known : collection of str
        Labels known to be speakers (roster).
    timed : bool
        True when each candidate line also carried a timestamp (strong evidence: one
        accepted label suffices to accept name-like labels that occur once).
    at_block : sequence of bool, optional
        Whether each candidate starts a block (follows a blank line); None when every
        candidate does (caption cues).
    """
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    known_folded = {normalize_label(k).casefold() for k in known}

    def solid(label: str) -> bool:
        if len(label) > MAX_LABEL_CHARS:
            return False
        if is_convention_label(label) or label.casefold() in known_folded:
            return True
        if label.split()[0].lower().strip(".") in _NOT_SPEAKERS or not label[0].isupper():
            return False
        return counts[label] >= 2

    verdict = {label: solid(label) for label in counts}
    accepted = [verdict[label] for label in labels]
    # A label line that carries a timestamp is strong evidence: one recurring label is enough
    # to trust name-like labels that occur once; otherwise two are needed.
    if sum(accepted) >= (1 if timed else 2):
        first = accepted.index(True)
        blocky = False
        if at_block is not None:
            solid_blocks = [b for b, ok in zip(at_block, accepted) if ok]
            blocky = sum(solid_blocks) >= 0.8 * len(solid_blocks)
        for i, label in enumerate(labels):
            if accepted[i] or i < first or len(label) > MAX_LABEL_CHARS or not _name_like(label):
                continue
            if not blocky or (at_block is not None and at_block[i]):
                accepted[i] = True
    return accepted


def _accept(
    style: str, text: str, matches: list[re.Match[str]], known: Collection[str]
) -> list[re.Match[str]]:
    """The matches whose labels pass the rules in the module docstring."""
    if not matches:
        return []
    labels = [normalize_label(m.group("speaker")) for m in matches]
    at_block = [_block_start(text, m.start()) for m in matches]
    flags = accepted_labels(labels, known=known, timed=style in _TIMED, at_block=at_block)
    return [m for m, ok in zip(matches, flags) if ok]


def _marks(matches: list[re.Match[str]]) -> list[TurnMark]:
    """Turn marks from accepted matches: the turn starts at the label (indentation skipped)."""
    out = []
    for m in matches:
        start, s = m.start(), m.string
        while start < m.end() and s[start] in " \t":
            start += 1
        time = m.groupdict().get("time")
        out.append(TurnMark(normalize_label(m.group("speaker")), start, m.end(), parse_time(time) if time else None))
    return out


def compile_speaker_pattern(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    """Compile a user's speaker regex, anchored at line starts.

    Raises
    ------
    InputError
        If the pattern does not compile or has no ``speaker`` group.
    """
    source = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
    flags = pattern.flags & ~re.UNICODE if isinstance(pattern, re.Pattern) else 0
    try:
        compiled = re.compile(rf"^(?:{source})", flags | re.MULTILINE)
    except re.error as exc:
        raise InputError(
            f"the speaker pattern {source!r} is not a valid regular expression ({exc})",
            hint="see https://docs.python.org/3/library/re.html",
        ) from None
    if "speaker" not in compiled.groupindex:
        raise InputError(
            f"the speaker pattern {source!r} has no group named 'speaker'",
            hint=r"name the label group, e.g. '(?P<speaker>[A-Z][a-z]+) >> '",
        )
    return compiled


def detect_turns(
    text: str,
    *,
    known_labels: Collection[str] = (),
    speaker_pattern: str | re.Pattern[str] | None = None,
) -> Detection:
    """Find the turn starts in a canonical text.

    Parameters
    ----------
    text : str
        Canonical text.
    known_labels : collection of str
        Labels known to be speakers here (from the roster): accepted even if they occur once.
    speaker_pattern : str or re.Pattern, optional
        Use this regular expression instead of detecting (style ``custom``). It must have a
        named group ``speaker`` and may have ``time``; it is matched at line starts and the
        rest of the line after the match is speech.

    Returns
    -------
    Detection
        Style and turn marks (an empty list when no convention explains any line).
    """
    if speaker_pattern is not None:
        compiled = compile_speaker_pattern(speaker_pattern)
        matches = [m for m in compiled.finditer(text) if m.group("speaker") and m.group("speaker").strip()]
        return Detection("custom", _marks(matches))
    best_style, best = "", []
    starts = _line_starts(text)
    clock = _DIGIT_COLON.search(text) is not None  # searched once for the four clock-time styles
    for style, pattern in DETECTORS.items():
        if style in _TIMED and not _has_time_hint(style, text, clock):
            continue
        if style == "markdown-bold" and "**" not in text:
            continue
        matches = _accept(style, text, _line_matches(pattern, text, starts), known_labels)
        if len(matches) > len(best):
            best_style, best = style, matches
    return Detection(best_style, _marks(best))


def _line_starts(text: str) -> list[int]:
    """Where the text's non-empty lines start."""
    starts = []
    pos = 0
    for line in text.split("\n"):
        if line:
            starts.append(pos)
        pos += len(line) + 1
    return starts


def _line_matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a detector: each match starts at a line start (``^``)
    and stays on its line (no detector matches a line break), and none fits an empty line, so
    trying the non-empty lines' starts finds the same matches without searching every offset."""
    match = pattern.match
    return [m for m in map(match, repeat(text), starts) if m is not None]


_DIGIT_COLON = re.compile(r"\d:\d")


def _has_time_hint(style: str, text: str, clock: bool) -> bool:
    """Whether ``text`` can hold the label lines of a timed ``style`` (``clock``: it holds ``d:d``)."""
    if style == "teams-spoken":
        return "second" in text or "minute" in text
    if style == "zoom-captions" and "[" not in text:
        return False
    if style == "rev":
        return ("(" in text or "[" in text) and clock
    return clock

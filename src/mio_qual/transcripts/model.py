"""The in-memory shape of a parsed transcript.

A :class:`Transcript` owns one canonical text (see :mod:`mio_qual.offsets`); everything else
(turns, paragraphs, sentences, transcriber notes, source blocks) is a half-open
``[start, end)`` span of code-point offsets into it, the way a spaCy ``Span`` points into its
``Doc``. Turn, paragraph and sentence numbers start at 1 and give the stable segment ids
``<transcript>:t<n>``, ``<transcript>:p<n>`` and ``<transcript>:s<n>``.

Layout of the canonical text: the body of the transcript only (front matter, Word title
headings and metadata tables become metadata). Each turn starts with its speaker label as
the file wrote it (caption formats, which have no such line, get ``Label: ``); paragraphs
are separated by a blank line. A turn's span covers its label; paragraph and sentence spans
cover speech only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..text import count_words, text_hash

INTERVIEWER_ROLES = frozenset({"interviewer", "facilitator", "moderator", "note_taker"})


@dataclass(frozen=True)
class Speaker:
    """A speaker label as it appears in one transcript, and who it stands for."""

    label: str
    study_id: str | None = None
    role: str | None = None

    @property
    def is_interviewer(self) -> bool:
        """True for the study team's side of the conversation (interviewer, facilitator...)."""
        return (self.role or "").lower() in INTERVIEWER_ROLES


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted contribution.

    ``start``/``end`` cover the whole turn including its label; ``body_start`` is where the
    speech begins. Times are seconds from the start of the recording, when the file gives them.
    """

    n: int
    speaker: str
    start: int
    end: int
    body_start: int
    start_time: float | None = None
    end_time: float | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of speech (label excluded) inside turn ``turn_n`` (0 when outside any turn)."""

    n: int
    turn_n: int
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence of speech, never crossing a paragraph boundary."""

    n: int
    turn_n: int
    paragraph_n: int
    start: int
    end: int


@dataclass(frozen=True)
class Note:
    """A transcriber note kept in the text, e.g. ``[inaudible 00:12:03]``, ``[crosstalk]``, ``(laughs)``."""

    start: int
    end: int
    kind: str  # inaudible, crosstalk, laughter, pause, other
    time: float | None = None


@dataclass(frozen=True)
class SourceBlock:
    """Where a block of the source file (a line, a Word paragraph, a caption cue) landed.

    ``index`` is the block's 0-based position in the source (line number - 1 for text files,
    paragraph index in the Word body, cue index for captions); ``start``/``end`` its span in the
    canonical text, with ``start == end`` for a block that contributes no text.
    """

    index: int
    start: int
    end: int


@dataclass
class Transcript:
    """A parsed transcript: canonical text plus the spans that point into it.

    Attributes
    ----------
    id : str
        Study transcript id (from the manifest, front matter, or the file name stem).
    text : str
        Canonical text.
    turns, paragraphs, sentences, notes : list
        Spans into ``text`` (sentences are filled by :func:`mio_qual.transcripts.segment.add_sentences`).
    speakers : list of Speaker
        One entry per distinct label, in order of first appearance.
    metadata : dict
        Study metadata (agency, clinic, participant_id, role, kind, date, interviewer) and
        any other manifest columns or front-matter keys.
    source_path, source_format, encoding : str
        Where it came from and how it was decoded.
    speaker_style : str
        The speaker-turn convention the reader found (e.g. ``label-colon``, ``otter``,
        ``rev``, ``vtt-voice``, ``srt-diarized``, ``single-speaker``, ``custom``).
    source_blocks : list of SourceBlock
        Map from the source file's blocks to canonical offsets (used by Word comment import).
    warnings : list of str
        Things the user should know (encoding fallback, no turns found...).
    """

    id: str
    text: str
    turns: list[Turn] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    source_path: str = ""
    source_format: str = ""
    encoding: str = "utf-8"
    speaker_style: str = ""
    source_blocks: list[SourceBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical text: with ``id``, the transcript's identity."""
        return text_hash(self.text)

    @property
    def n_words(self) -> int:
        """Number of whitespace-delimited words in the canonical text."""
        return count_words(self.text)

    def span_text(self, start: int, end: int) -> str:
        """The text of ``[start, end)``."""
        return self.text[start:end]

    def segment_id(self, kind: str, n: int) -> str:
        """Stable id of a segment: ``<id>:t<n>`` (turn), ``:p<n>`` (paragraph), ``:s<n>`` (sentence)."""
        prefix = {"turn": "t", "paragraph": "p", "sentence": "s"}[kind]
        return f"{self.id}:{prefix}{n}"

    def speaker(self, label: str) -> Speaker:
        """The :class:`Speaker` entry for ``label``."""
        for speaker in self.speakers:
            if speaker.label == label:
                return speaker
        raise KeyError(label)

    def check_spans(self) -> None:
        """Assert the structural invariants (used by tests and after every reader).

        Turns are ordered, non-overlapping and inside the text; every paragraph lies inside its
        turn's body; every sentence inside its paragraph.
        """
        size = len(self.text)
        last = 0
        for turn in self.turns:
            assert last <= turn.start <= turn.body_start <= turn.end <= size, turn
            last = turn.end
        turns = {t.n: t for t in self.turns}
        paragraphs = {p.n: p for p in self.paragraphs}
        for p in self.paragraphs:
            assert 0 <= p.start < p.end <= size, p
            if p.turn_n:
                t = turns[p.turn_n]
                assert t.body_start <= p.start and p.end <= t.end, (p, t)
        for s in self.sentences:
            p = paragraphs[s.paragraph_n]
            assert p.start <= s.start < s.end <= p.end, (s, p)

"""Paragraphs and sentences: the smaller units of a transcript, as spans of its canonical text.

Paragraphs come from the layout: inside a turn's speech, a blank line starts a new paragraph
(the canonical text has no trailing spaces, so a blank line is exactly ``\\n\\n``). Text before
the first turn (a title line, an interviewer's header) forms paragraphs of turn 0.

Sentences come from spaCy's rule-based sentencizer (:func:`mio_qual.nlp.get_nlp` with
``lemmatize=False``) run over each paragraph of speech on its own, so that a sentence never
crosses a paragraph (or a turn). Paragraphs of many transcripts go through ``nlp.pipe`` in one
stream, which is what makes segmentation fast. Turn-0 paragraphs (headers, not speech) get no
sentences.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, Sequence

from .model import Paragraph, Sentence, Transcript, Turn

_BLANK_LINES = re.compile(r"\n\n+")
_WS = " \t\n\r\u00a0"
_OPENERS = "([{\u201c\u2018\u00bf\u00a1"


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Paragraph spans inside ``text[start:end]``: runs of non-blank lines, surrounding whitespace trimmed.

    Examples
    --------
    >>> paragraph_spans("a b\\nc\\n\\n  d")
    [(0, 5), (9, 10)]
    """
    if end is None:
        end = len(text)
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _BLANK_LINES.finditer(text, start, end):
        _trimmed(text, pos, m.start(), spans)
        pos = m.end()
    _trimmed(text, pos, end, spans)
    return spans


def _trimmed(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s] in _WS:
        s += 1
    while e > s and text[e - 1] in _WS:
        e -= 1
    if s < e:
        out.append((s, e))


def build_paragraphs(text: str, turns: Sequence[Turn]) -> list[Paragraph]:
    """Paragraphs of ``text``: turn-0 paragraphs before the first turn, then each turn's speech."""
    paragraphs: list[Paragraph] = []
    n = 0
    head_end = turns[0].start if turns else len(text)
    for s, e in paragraph_spans(text, 0, head_end):
        n += 1
        paragraphs.append(Paragraph(n, 0, s, e))
    for turn in turns:
        for s, e in paragraph_spans(text, turn.body_start, turn.end):
            n += 1
            paragraphs.append(Paragraph(n, turn.n, s, e))
    return paragraphs


def _speech_texts(transcripts: Sequence[Transcript]) -> Iterator[str]:
    for t in transcripts:
        text = t.text
        for p in t.paragraphs:
            if p.turn_n:
                yield text[p.start : p.end]


def add_sentences(transcripts: Iterable[Transcript], *, batch_size: int = 512) -> None:
    """Fill ``.sentences`` of each transcript (replacing what was there).

    Every paragraph of speech is one spaCy document, so a sentence never crosses a
    paragraph. Sentence spans are trimmed of surrounding whitespace and numbered from 1 per
    transcript.

    Parameters
    ----------
    transcripts : iterable of Transcript
        Transcripts whose ``paragraphs`` are set.
    batch_size : int
        Documents per ``nlp.pipe`` batch.
    """
    from ..nlp import get_nlp

    transcripts = list(transcripts)
    nlp = get_nlp(lemmatize=False)
    docs = nlp.pipe(_speech_texts(transcripts), batch_size=batch_size)
    for t in transcripts:
        text = t.text
        sentences: list[Sentence] = []
        n = 0
        for p in t.paragraphs:
            if not p.turn_n:
                continue
            doc = next(docs)
            base = p.start
            spans = [(base + sent.start_char, base + sent.end_char) for sent in doc.sents]
            for i, (s, e) in enumerate(spans):
                while s < e and text[s] in _WS:
                    s += 1
                while e > s and text[e - 1] in _WS:
                    e -= 1
                # The sentencizer keeps punctuation after a full stop with the sentence it ends,
                # opening brackets included ("Yeah. (laughs) I..." -> "Yeah. (" + "laughs) I...").
                # Give a trailing opening bracket to the next sentence instead.
                if i + 1 < len(spans) and e - s > 1 and text[e - 1] in _OPENERS:
                    k = e - 1
                    while k > s and text[k - 1] in _OPENERS:
                        k -= 1
                    if text[k - 1] in _WS:
                        spans[i + 1] = (k, spans[i + 1][1])
                        e = k
                        while e > s and text[e - 1] in _WS:
                            e -= 1
                if s < e:
                    n += 1
                    sentences.append(Sentence(n, p.turn_n, p.n, s, e))
        t.sentences = sentences

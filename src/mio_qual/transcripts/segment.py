"""Paragraphs and sentences: the smaller units of a transcript, as spans of its canonical text.

Paragraphs come from the layout: inside a turn's speech, a blank line starts a new paragraph
(the canonical text has no trailing spaces, so a blank line is exactly ``\\n\\n``). Text before
the first turn (a title line, an interviewer's header) forms paragraphs of turn 0.

Sentences are those of spaCy's rule-based sentencizer (:func:`mio_qual.nlp.get_nlp` with
``lemmatize=False``) run over each paragraph of speech on its own, so that a sentence never
crosses a paragraph (or a turn). :class:`SentenceSplitter` finds the same boundaries without a
spaCy document per paragraph: only the chunks around sentence-final characters go through
spaCy's tokenizer, once per distinct chunk. Turn-0 paragraphs (headers, not speech) get no
sentences.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

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


_NON_SPACE = re.compile(r"\S*")
_SPACE = re.compile(r"\s*")
_CACHE_LIMIT = 100_000
# what a chunk does to a sentencizer entering it without and with a pending sentence-final token:
# (starts inside it, pending on leaving it) without, then the same with
_Effect = tuple[tuple[int, ...], bool, tuple[int, ...], bool]


class SentenceSplitter:
    """spaCy's rule-based sentencizer, applied without building a spaCy document per paragraph.

    The sentencizer (``spacy.pipeline.Sentencizer``) starts a sentence at the first token
    that is neither punctuation nor sentence-final (``.``, ``!``, ``?`` and its other
    ``punct_chars``) after a sentence-final token. spaCy's tokenizer cuts text at whitespace
    and tokenizes each whitespace-delimited chunk on its own; a whitespace run other than one
    plain space is a token of its own (not punctuation). So only the chunks holding a
    sentence-final character, and the chunks right after them, matter: one regex pass finds the
    sentence-final characters, their chunks go through spaCy's own tokenizer (once per distinct
    chunk, cached), and from there the splitter walks forward to the first token that is not
    punctuation. A following chunk that starts with a letter or digit starts with a word; any
    other is tokenized too. The boundaries are the sentencizer's, without a ``Token`` object per
    word (tests/transcripts/test_segment.py checks them against ``nlp.pipe`` on random text).
    """

    def __init__(self) -> None:
        from ..nlp import get_nlp

        nlp = get_nlp(lemmatize=False)
        self._tokenizer = nlp.tokenizer
        self._final = frozenset(nlp.get_pipe("sentencizer").punct_chars)
        # a class of the ASCII ones searches much faster than one holding characters beyond U+FFFF
        self._find_ascii = re.compile("[" + "".join(re.escape(c) for c in sorted(self._final) if c.isascii()) + "]+")
        self._find_any = re.compile("[" + "".join(re.escape(c) for c in sorted(self._final)) + "]+")
        self._chunks: dict[str, _Effect] = {}

    def _effect(self, chunk: str) -> _Effect:
        """What the whitespace-free ``chunk`` does to the sentencizer's state (see ``_Effect``)."""
        effect = self._chunks.get(chunk)
        if effect is None:
            if len(self._chunks) >= _CACHE_LIMIT:  # memory stays bounded on any corpus
                self._chunks.clear()
            tokens = [(t.idx, t.text in self._final, t.is_punct) for t in self._tokenizer(chunk)]
            parts: list = []
            for pending in (False, True):
                starts = []
                for idx, final, punct in tokens:
                    if final:
                        pending = True
                    elif pending and not punct:
                        starts.append(idx)
                        pending = False
                parts += [tuple(starts), pending]
            effect = self._chunks[chunk] = tuple(parts)  # type: ignore[assignment]
        return effect  # type: ignore[return-value]

    def starts(self, paragraph: str) -> list[int]:
        """Offsets in ``paragraph`` where the sentencizer starts a sentence (0 first)."""
        starts = [0]
        n = len(paragraph)
        done = 0  # the text before this is dealt with
        find = self._find_ascii if paragraph.isascii() else self._find_any
        for match in find.finditer(paragraph):
            i = match.start()
            if i < done:
                continue
            while i > done and not paragraph[i - 1].isspace():  # back to the start of the chunk
                i -= 1
            pending = False
            while True:
                end = _NON_SPACE.match(paragraph, i).end()
                effect = self._effect(paragraph[i:end])
                inside, pending = (effect[2], effect[3]) if pending else (effect[0], effect[1])
                starts.extend(i + offset for offset in inside)
                done = end
                if not pending:
                    break
                after = _SPACE.match(paragraph, end).end()
                if after == end:  # the end of the paragraph
                    break
                if after - end != 1 or paragraph[end] != " ":  # a whitespace token: not punctuation
                    starts.append(end + 1 if paragraph[end] == " " else end)
                    break
                if after == n:
                    break
                i = after
                if paragraph[i].isalnum():  # a chunk starting with a letter or digit starts with a word
                    starts.append(i)
                    break
        return starts

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Sentence spans of the paragraph ``text[start:end]``, trimmed of surrounding whitespace."""
        cuts = [start + offset for offset in self.starts(text[start:end])]
        cuts.append(end)
        spans = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]
        out: list[tuple[int, int]] = []
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
                out.append((s, e))
        return out


def add_sentences(transcripts: Iterable[Transcript], splitter: SentenceSplitter | None = None) -> None:
    """Fill ``.sentences`` of each transcript (replacing what was there).

    Sentences are those of spaCy's rule-based sentencizer run over each paragraph of speech on
    its own (see :class:`SentenceSplitter`), so a sentence never crosses a paragraph. Sentence
    spans are trimmed of surrounding whitespace and numbered from 1 per transcript.

    Parameters
    ----------
    transcripts : iterable of Transcript
        Transcripts whose ``paragraphs`` are set.
    splitter : SentenceSplitter, optional
        One to reuse across calls (it caches tokenized chunks); a new one by default.
    """
    splitter = splitter or SentenceSplitter()
    for t in transcripts:
        text = t.text
        sentences: list[Sentence] = []
        n = 0
        for p in t.paragraphs:
            if not p.turn_n:
                continue
            for s, e in splitter.spans(text, p.start, p.end):
                n += 1
                sentences.append(Sentence(n, p.turn_n, p.n, s, e))
        t.sentences = sentences

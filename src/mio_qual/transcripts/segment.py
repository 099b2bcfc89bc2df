"""Paragraphs and sentences: the smaller units of a transcript, as spans of its canonical text.

Paragraphs come from the layout: inside a turn's speech, a blank line starts a new paragraph
(the canonical text has no trailing spaces, so a blank line is exactly ``\\n\\n``). Text before
the first turn (a title line, an interviewer's header) forms paragraphs of turn 0.

Sentences are those of spaCy's rule-based sentencizer (:func:`mio_qual.nlp.get_nlp` with
``lemmatize=False``) run over each paragraph of speech on its own, so that a sentence never
crosses a paragraph (or a turn). :class:`SentenceSplitter` finds the same boundaries without a
spaCy document per paragraph: only the chunks around sentence-final characters are tokenized,
once per distinct chunk, and the common ones without loading spaCy at all. Turn-0 paragraphs
(headers, not speech) get no sentences.
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

# The sentence-final characters of spaCy's rule-based sentencizer (its default ``punct_chars``,
# spacy 3.8), as code points; tests/transcripts/test_segment.py checks they are still spaCy's.
SENTENCE_FINAL = frozenset(
    "!.?\u0589\u061f\u06d4\u0700\u0701\u0702\u07f9\u0964\u0965\u104a\u104b\u1362\u1367\u1368\u166e"
    "\u1735\u1736\u1803\u1809\u1944\u1945\u1aa8\u1aa9\u1aaa\u1aab\u1b5a\u1b5b\u1b5e\u1b5f\u1c3b"
    "\u1c3c\u1c7e\u1c7f\u203c\u203d\u2047\u2048\u2049\u2e2e\u2e3c\u3002\ua4ff\ua60e\ua60f\ua6f3"
    "\ua6f7\ua876\ua877\ua8ce\ua8cf\ua92f\ua9c8\ua9c9\uaa5d\uaa5e\uaa5f\uaaf0\uaaf1\uabeb\ufe52"
    "\ufe56\ufe57\uff01\uff0e\uff1f\uff61\U00010a56\U00010a57\U00011047\U00011048\U000110be\U000110bf"
    "\U000110c0\U000110c1\U00011141\U00011142\U00011143\U000111c5\U000111c6\U000111cd\U000111de"
    "\U000111df\U00011238\U00011239\U0001123b\U0001123c\U000112a9\U0001144b\U0001144c\U000115c2"
    "\U000115c3\U000115c9\U000115ca\U000115cb\U000115cc\U000115cd\U000115ce\U000115cf\U000115d0"
    "\U000115d1\U000115d2\U000115d3\U000115d4\U000115d5\U000115d6\U000115d7\U00011641\U00011642"
    "\U0001173c\U0001173d\U0001173e\U00011a42\U00011a43\U00011a9b\U00011a9c\U00011c41\U00011c42"
    "\U00016a6e\U00016a6f\U00016af5\U00016b37\U00016b38\U00016b44\U0001bc9f\U0001da88"
)
# Shapes of chunk whose tokens are known without spaCy's tokenizer (tests/transcripts/test_segment.py
# checks each against it, around every one of its English special cases and on random chunks):
# - a word (ASCII letters, perhaps joined by hyphens or apostrophes: "buy-in", "wasn't") and one
#   ".", "?" or "!" the tokenizer splits off (a full stop after a lower-case letter or two capitals),
#   perhaps opened by a bracket, quote or ellipsis and closed by a quote: the opening, the word's
#   tokens, the mark, the quote; unless the word's last part and the mark are a special case that
#   keeps its full stop ("Dr.", "vs.", "x-a.": one token) or the word ends in a special case whose
#   last piece does ("wed." is "we" + "d.": left to spaCy);
# - an opening bracket, quote or ellipsis, then a word (perhaps closed by a bracket or quote);
# - a word, then an ellipsis (not sentence-final: "..." is no ``punct_chars`` token);
# - a capital letter and a full stop ("B."), perhaps opened as above: one token, not sentence-final.
_WORD_MARK = re.compile(r"[A-Za-z]*(?:[a-z]|[A-Z][A-Z])\.|[A-Za-z]+[?!]")  # a plain word and its mark
_W = r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*"
_LEAD = r"[(\[]|[\"\u201c]|\.{2,}"
_ENDING = re.compile(rf"({_LEAD})?({_W})((?<=[a-z])\.|(?<=[A-Z][A-Z])\.|[?!])[\"\u201d]?")
_OPENING = re.compile(rf"[(\[]{_W}[)\]]?|[\"\u201c]{_W}[\"\u201d]?|(\.{{2,}}){_W}")
_TRAILING_DOTS = re.compile(rf"{_W}\.{{2,}}")
_INITIAL = re.compile(rf"({_LEAD})?[A-Z]\.")  # "B.": one token, not sentence-final
_KEEPS_STOP = frozenset(
    "Adm. Ak. Ala. Apr. Ariz. Ark. Aug. Bros. Calif. Co. Colo. Conn. Corp. Dec. Del. Dr. Feb. Fla. Ga. Gen. "
    "Gov. Ia. Id. Ill. Inc. Ind. Jan. Jr. Jul. Jun. Kan. Kans. Ky. La. Ltd. Mar. Mass. Md. Messrs. Mich. "
    "Minn. Miss. Mo. Mont. Mr. Mrs. Ms. Mt. Neb. Nebr. Nev. Nov. Oct. Okla. Ore. Pa. Prof. Rep. Rev. Sen. "
    "Sep. Sept. St. Tenn. Va. Wash. Wis. a. b. c. co. d. e. f. g. h. i. j. k. l. m. n. o. p. q. r. s. t. "
    "u. v. vs. w. x. y. z.".split()
)
_LONGEST_KEEP = max(map(len, _KEEPS_STOP))
# special cases split into pieces the last of which keeps a following full stop ("wed." is "we" + "d.")
_SPLIT_KEEPING_STOP = frozenset(
    "Hed Hes Howd Hows I'ma Id Im Ima Itd I\u2019ma Shes Thatd Thats Thered Theres Thesed Theyd Thisd Thiss Thosed "
    "Wed Whatd Whats Whend Whens Whered Wheres Whod Whos Whyd Whys Youd hed hes howd hows i'ma id im ima itd "
    "i\u2019ma shes thatd thats thered theres thesed theyd thisd thiss thosed wed whatd whats whend whens whered "
    "wheres whod whos whyd whys youd".split()
)
_OPENS = ((), False, (1,), False)  # an opening bracket or quote, then a word
_WORD = ((), False, (0,), False)  # words and no sentence-final token


def _plain_effect(chunk: str) -> _Effect | None:
    """``SentenceSplitter._effect`` of a chunk of the shapes above; None for any other."""
    m = _ENDING.fullmatch(chunk)
    if m is not None:
        opener, word, mark = m.groups()
        part = word.rpartition("-")[2]  # the last token but the mark (hyphens split, apostrophes do not)
        if mark == "." and part in _SPLIT_KEEPING_STOP:
            return None
        at = len(opener) if opener else 0  # the word's first token
        if part + mark in _KEEPS_STOP:  # a word keeping its stop: no sentence-final token
            return ((), False, (at,), False)
        return ((), True, (at,), True)
    m = _OPENING.fullmatch(chunk)
    if m is not None:
        return _OPENS if m.group(1) is None else ((), False, (len(m.group(1)),), False)
    if _TRAILING_DOTS.fullmatch(chunk):
        return _WORD
    m = _INITIAL.fullmatch(chunk)
    if m is not None:
        return ((), False, (len(m.group(1) or ""),), False)
    return None


def _walk(tokens: list[tuple[int, bool, bool]]) -> _Effect:
    """The sentencizer over ``(offset, sentence-final, punctuation)`` tokens, entered without and with
    a pending sentence-final token."""
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
    return tuple(parts)  # type: ignore[return-value]


class SentenceSplitter:
    """spaCy's rule-based sentencizer, applied without building a spaCy document per paragraph.

    The sentencizer (``spacy.pipeline.Sentencizer``) starts a sentence at the first token
    that is neither punctuation nor sentence-final (``.``, ``!``, ``?`` and its other
    ``punct_chars``) after a sentence-final token. spaCy's tokenizer cuts text at whitespace
    and tokenizes each whitespace-delimited chunk on its own; a whitespace run other than one
    plain space is a token of its own (not punctuation). So only the chunks holding a
    sentence-final character, and the chunks right after them, matter: one regex pass finds the
    sentence-final characters, the tokens of their chunks are found (once per distinct chunk,
    cached), and from there the splitter walks forward to the first token that is not
    punctuation. A following chunk that starts with a letter or digit starts with a word; the
    tokens of any other are found too. The common chunks ("word.", "MIO?", "buy-in.", "wasn't.",
    "skin.\u201d", "(laughs)", "um...") have tokens known without spaCy; any other goes through
    spaCy's own tokenizer, loaded on first use (an import whose sentence ends are all of the
    common shapes never loads spaCy; the sample study needs it for 2 chunks). The boundaries are the
    sentencizer's, without a ``Token`` object per word (tests/transcripts/test_segment.py checks
    them against ``nlp.pipe`` on random text, and the shapes decided without spaCy against its
    tokenizer).
    """

    def __init__(self) -> None:
        self._tokenizer = None  # spaCy's, loaded only for a chunk _plain_effect cannot decide
        self._final = SENTENCE_FINAL
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
            effect = self._chunks[chunk] = _plain_effect(chunk) or self._tokenizer_effect(chunk)
        return effect

    def _tokenizer_effect(self, chunk: str) -> _Effect:
        """``_effect`` from spaCy's tokenizer (loaded on first use) and the sentencizer's rule."""
        if self._tokenizer is None:
            from ..nlp import get_nlp

            self._tokenizer = get_nlp(lemmatize=False).tokenizer
        tokens = [(t.idx, t.text in self._final, t.is_punct) for t in self._tokenizer(chunk)]
        return _walk(tokens)

    def starts(self, paragraph: str) -> list[int]:
        """Offsets in ``paragraph`` where the sentencizer starts a sentence (0 first)."""
        starts = [0]
        n = len(paragraph)
        done = 0  # the text before this is dealt with
        find = self._find_ascii if paragraph.isascii() else self._find_any
        word_mark = _WORD_MARK.fullmatch
        for match in find.finditer(paragraph):
            i = match.start()
            if i < done:
                continue
            # The common case first: a plain "word." chunk after a space, then one space and a
            # letter or digit (or the paragraph's end); the same answer as the walk below.
            mark_end = match.end()
            chunk_start = paragraph.rfind(" ", done, i) + 1
            if (mark_end - i == 1 and (mark_end == n or paragraph[mark_end] == " ")
                    and word_mark(paragraph, chunk_start, mark_end)
                    and (mark_end - chunk_start > _LONGEST_KEEP or paragraph[chunk_start:mark_end] not in _KEEPS_STOP)
                    and (paragraph[i] != "." or paragraph[chunk_start:i].rpartition("-")[2] not in _SPLIT_KEEPING_STOP)):
                # ("wed." is "we" + "d.", "hes." "he" + "s.": no sentence-final token, left to the walk below)
                if mark_end == n:
                    break
                if mark_end + 1 < n and paragraph[mark_end + 1].isalnum():
                    starts.append(mark_end + 1)
                    done = mark_end
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

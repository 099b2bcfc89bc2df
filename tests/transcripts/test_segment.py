"""Paragraph and sentence segmentation."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import ORTH

from helpers import REPO
from mio_qual.nlp import get_nlp
from mio_qual.transcripts import read_manifest, read_transcripts
from mio_qual.transcripts.model import Paragraph, Transcript, Turn
from mio_qual.transcripts.segment import (
    _ENDING,
    _KEEPS_STOP,
    _SPLIT_KEEPING_STOP,
    _WORD_MARK,
    SENTENCE_FINAL,
    SentenceSplitter,
    _plain_effect,
    add_sentences,
    build_paragraphs,
    paragraph_spans,
)


def test_paragraph_spans_split_on_blank_lines_and_trim():
    text = "first line\nsecond line\n\n\n  indented para\n\nlast"
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["first line\nsecond line", "indented para", "last"]


def test_paragraph_spans_in_a_region():
    text = "Label: one\n\ntwo\n\nOther: three"
    start = len("Label: ")
    end = text.index("\n\nOther")
    assert [text[s:e] for s, e in paragraph_spans(text, start, end)] == ["one", "two"]


def _transcript(text: str, turns: list[Turn]) -> Transcript:
    t = Transcript(id="x", text=text, turns=turns)
    t.paragraphs = build_paragraphs(text, turns)
    return t


def test_build_paragraphs_header_is_turn_zero():
    text = "Header line\n\nA: Hello there.\n\nSecond para.\n\nB: Yes."
    a = text.index("A:")
    b = text.index("B:")
    turns = [Turn(1, "A", a, b - 2, a + 3), Turn(2, "B", b, len(text), b + 3)]
    t = _transcript(text, turns)
    assert [(p.n, p.turn_n, text[p.start : p.end]) for p in t.paragraphs] == [
        (1, 0, "Header line"),
        (2, 1, "Hello there."),
        (3, 1, "Second para."),
        (4, 2, "Yes."),
    ]


def test_sentences_never_cross_paragraphs_and_skip_headers():
    # Without the paragraph break, "no full stop here" and "Next" would be one sentence.
    text = "Title. Of the file\n\nA: One. Two three\n\nno full stop here\n\nNext one. Last"
    a = text.index("A:")
    t = _transcript(text, [Turn(1, "A", a, len(text), a + 3)])
    add_sentences([t])
    t.check_spans()
    assert [(s.n, s.paragraph_n, text[s.start : s.end]) for s in t.sentences] == [
        (1, 2, "One."),
        (2, 2, "Two three"),
        (3, 3, "no full stop here"),
        (4, 4, "Next one."),
        (5, 4, "Last"),
    ]
    assert all(s.turn_n == 1 for s in t.sentences)


def test_opening_bracket_goes_with_the_next_sentence():
    text = "A: Yeah. (laughs) I know. Sure. [crosstalk] Then “Quote.” Done."
    t = _transcript(text, [Turn(1, "A", 0, len(text), 3)])
    add_sentences([t])
    assert [text[s.start : s.end] for s in t.sentences] == [
        "Yeah.",
        "(laughs) I know.",
        "Sure.",
        "[crosstalk] Then “Quote.”",
        "Done.",
    ]


def test_batch_equals_one_at_a_time():
    texts = ["A: One. Two.\n\nThree.", "B: Four! Five? Six", "C: Seven."]
    batch = [_transcript(x, [Turn(1, x[0], 0, len(x), 3)]) for x in texts]
    add_sentences(batch)
    for x, t in zip(texts, batch):
        single = _transcript(x, [Turn(1, x[0], 0, len(x), 3)])
        add_sentences([single])
        assert single.sentences == t.sentences
    assert [len(t.sentences) for t in batch] == [3, 3, 1]


def test_add_sentences_replaces_previous_sentences():
    text = "A: One. Two."
    t = _transcript(text, [Turn(1, "A", 0, len(text), 3)])
    add_sentences([t])
    add_sentences([t])
    assert [s.n for s in t.sentences] == [1, 2]


WORD = st.sampled_from(["a", "bb", "ccc.", "d?", "e!", "(f)", "[g]", "“h”", "i,", "😀", "x\ny"])


@settings(max_examples=80, deadline=None)
@given(paragraphs=st.lists(st.lists(WORD, min_size=1, max_size=20).map(" ".join), min_size=1, max_size=6))
def test_sentences_tile_each_paragraph(paragraphs):
    """Sentences lie in order inside their paragraph and cover all its non-space characters."""
    body = "\n\n".join(paragraphs)
    text = "A: " + body
    t = _transcript(text, [Turn(1, "A", 0, len(text), 3)])
    add_sentences([t])
    t.check_spans()
    by_paragraph: dict[int, list] = {}
    for s in t.sentences:
        by_paragraph.setdefault(s.paragraph_n, []).append(s)
    assert [s.n for s in t.sentences] == list(range(1, len(t.sentences) + 1))
    for p in t.paragraphs:
        sents = by_paragraph.get(p.n, [])
        assert sents, p
        covered = "".join(text[s.start : s.end] for s in sents)
        assert "".join(covered.split()) == "".join(text[p.start : p.end].split())
        assert all(a.end <= b.start for a, b in zip(sents, sents[1:]))
    assert isinstance(t.paragraphs[0], Paragraph)


# ------------------------------------------------------------ the splitter is spaCy's sentencizer
def _sentencizer_starts(paragraph: str) -> list[int]:
    """Sentence starts of spaCy's own pipeline (tokenizer + rule-based sentencizer) on one paragraph."""
    return [sent.start_char for sent in get_nlp(lemmatize=False)(paragraph).sents]


def _sentencizer_sentences(transcript: Transcript) -> list[tuple[int, int, int]]:
    """(paragraph, start, end) of each sentence as the pipeline used to find them: ``nlp.pipe`` per paragraph."""
    nlp = get_nlp(lemmatize=False)
    speech = [p for p in transcript.paragraphs if p.turn_n]
    splitter = SentenceSplitter()
    out = []
    for p, doc in zip(speech, nlp.pipe(transcript.text[p.start : p.end] for p in speech)):
        # the same trimming and bracket rule, fed spaCy's starts
        starts = [sent.start_char for sent in doc.sents]
        splitter.starts = lambda _paragraph, starts=starts: starts  # type: ignore[method-assign]
        out += [(p.n, s, e) for s, e in splitter.spans(transcript.text, p.start, p.end)]
    return out


# pieces that exercise the tokenizer: abbreviations and other special cases, numbers, ellipses,
# brackets and quotes around full stops, non-ASCII sentence-final marks (one beyond U+FFFF),
# emoticons, whitespace that makes tokens of its own (tab, no-break space, line separator...)
PIECES = ["a", "Bb", "word", "ok.", "Dr.", "e.g.", "U.S.", "a.m.", "etc.", "3.5", "No.", "5.", "...", "..",
          "?!", "!", "?", ".", ",", "(laughs)", "(", ")", "[inaudible]", "]", '"', "“", "”", "'", "’s", "don't",
          ":)", ":-(", "--", "-", "_", "__x", "$5", "½", "l'", "Mr.Smith", "end.Next", "ok.)", "(ok.)", "「",
          "。", "！", "？", "।", "𑅃", "‼", "word。", "x\u2028y", "é.", "x\u0301.", "#", "@me", "http://a.b/c.",
          "gonna", "can't.", "Ca.", "\u00a0", "\t", "\n", "  ", " \n ", "\x1c", "\u3000", "\x85", "\u2029"]
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map(
    lambda parts: "".join(p + (" " if i % 3 else "") for i, p in enumerate(parts)).strip(" \t\n\r\u00a0"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph=TEXT | st.text(alphabet=st.sampled_from(list("ab .!?()'\"“”,;:-_\n\t\u00a0\x1c\u2028。…$1")),
                                min_size=1, max_size=60).map(lambda x: x.strip(" \t\n\r\u00a0")))
def test_splitter_starts_are_the_sentencizers(paragraph):
    """For any paragraph, the splitter starts sentences exactly where spaCy's sentencizer does."""
    if not paragraph:
        return
    assert SentenceSplitter().starts(paragraph) == _sentencizer_starts(paragraph)


def test_splitter_cache_gives_the_same_starts():
    splitter = SentenceSplitter()
    paragraph = "Yes. (laughs) No. Dr. Who? e.g. this... That!\tThen. 。Next"
    first = splitter.starts(paragraph)
    assert splitter.starts(paragraph) == first == _sentencizer_starts(paragraph)


def test_sample_study_sentences_are_the_sentencizers():
    """Every bundled sample transcript: the same sentences as ``nlp.pipe`` over its paragraphs."""
    folder = REPO / "transcripts_sample"
    transcripts = list(read_transcripts(read_manifest(folder / "manifest.csv").entries))
    assert len(transcripts) >= 16
    for t in transcripts:
        assert [(s.paragraph_n, s.start, s.end) for s in t.sentences] == _sentencizer_sentences(t), t.id


# ------------------------------------------------------------ chunks decided without spaCy
def test_sentence_final_characters_are_the_sentencizers():
    assert SENTENCE_FINAL == frozenset(get_nlp(lemmatize=False).get_pipe("sentencizer").punct_chars)


def test_special_cases_of_the_plain_shapes_are_all_listed():
    """Every special case of spaCy's English tokenizer shaped like "word." is one the splitter knows keeps
    its full stop, and none ends in a mark after an apostrophe or hyphen."""
    rules = get_nlp(lemmatize=False).tokenizer.rules
    assert {key for key in rules if _WORD_MARK.fullmatch(key)} == _KEEPS_STOP
    assert {key for key in rules if _ENDING.fullmatch(key)} == _KEEPS_STOP
    split = {key for key, pieces in rules.items() if re.fullmatch(r"[A-Za-z]+(?:['’][A-Za-z]+)*", key)
             and len(pieces) > 1 and pieces[-1][ORTH] + "." in _KEEPS_STOP}
    assert split == _SPLIT_KEEPING_STOP


#: contexts around each special case: alone, with a mark, in a compound, after an opening, before a quote
CONTEXTS = ["{}", "{}.", "{}?", "{}!", "x-{}", "x-{}.", "x'{}.", "{}-x.", "{}s.", "({}", "({})", '"{}', "“{}”", "...{}", "{}...",
            '{}."', "{}?”", "{}-y.", "{}'s."]


def test_plain_shapes_have_the_tokenizers_effect_around_every_special_case():
    """Where the splitter decides a chunk without spaCy, around any special case of spaCy's English
    tokenizer (contractions, abbreviations, emoticons), it decides as the tokenizer does."""
    splitter = _TokenizerOnly()
    checked = 0
    for key in get_nlp(lemmatize=False).tokenizer.rules:
        for context in CONTEXTS:
            chunk = context.format(key)
            if any(c.isspace() for c in chunk):
                continue
            effect = _plain_effect(chunk)
            if effect is not None:
                checked += 1
                assert effect == splitter._tokenizer_effect(chunk), chunk
    assert checked > 2000


class _TokenizerOnly(SentenceSplitter):
    """The splitter as it was before the plain shapes: every chunk through spaCy's tokenizer."""

    def _effect(self, chunk):
        return self._tokenizer_effect(chunk)


LETTERS = st.text(alphabet=st.sampled_from(list("abcxyzABCXYZ")), min_size=1, max_size=6)
#: words, joined by hyphens or apostrophes, and pieces of special cases ("Dr", "n't", "vs", "'s", "a")
WORD = st.lists(LETTERS | st.sampled_from(["Dr", "n't", "n’t", "vs", "co", "'s", "’s", "a", "I", "Ma'am", "can",
                                          "o'clock", "gon", "na", "B", "MIO", "wed", "Hes", "ima", "I'ma"]),
                min_size=1, max_size=3).flatmap(
    lambda parts: st.lists(st.sampled_from(["-", "'", "’", ""]), min_size=len(parts) - 1,
                           max_size=len(parts) - 1).map(
        lambda joins: "".join(p + j for p, j in zip(parts, joins + [""]))))
PLAIN_CHUNK = (st.tuples(WORD, st.sampled_from([".", "?", "!", "..", "...", "...."]),
                         st.sampled_from(["", '"', "”", "’", ")"])).map("".join)
               | st.tuples(st.sampled_from(["(", "[", '"', "“", "...", "..", "'"]), WORD,
                           st.sampled_from(["", ")", "]", '"', "”", "."])).map("".join)
               | st.sampled_from(sorted(_KEEPS_STOP)))


@settings(max_examples=400, deadline=None)
@given(chunk=PLAIN_CHUNK)
def test_plain_shapes_have_the_tokenizers_effect(chunk):
    effect = _plain_effect(chunk)
    if effect is not None:
        assert effect == _TokenizerOnly()._tokenizer_effect(chunk)


PLAIN_PIECES = ["word.", "MIO.", "MIO?", "OK.", "I.", "B.", "ok!", "Tuesday.", "(laughs)", "(laughs", "[pause]",
                "[inaudible", "Dr.", "co.", "Co.", "vs.", "a.", "so", "I", "(", "“h”", "x-b.", "can't.", "...", ",",
                "\t", "\n", "  ", "buy-in.", "wasn’t.", "triggers.\"", "skin.”", "this?”", '"We', "“We", "um...",
                "...I", "don't...", "x-Dr.", 'Dr."', "mid-twenties?", "wed.", "hes.", "Im.", "x-whats.", "thats?"]


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(PLAIN_PIECES), min_size=1, max_size=25))
def test_splitter_equals_the_tokenizer_only_splitter(parts):
    """The plain shapes change no start: the same as the splitter sending every chunk through spaCy."""
    paragraph = " ".join(parts).strip(" \t\n\r\u00a0")
    if paragraph:
        assert SentenceSplitter().starts(paragraph) == _TokenizerOnly().starts(paragraph)
        assert SentenceSplitter().starts(paragraph) == _sentencizer_starts(paragraph)


def test_contractions_without_apostrophe_keep_their_full_stop():
    """spaCy's tokenizer splits "wed." into "we" + "d." and "hes." into "he" + "s.", and "d." and "s." keep the
    full stop: no sentence ends there (the fast path for "word." chunks used to start one; found in review)."""
    for paragraph in ["I think wed. Then we left.", "So hes. Then we left.", "It is im. Then", "I said Thats. Then"]:
        assert SentenceSplitter().starts(paragraph) == _sentencizer_starts(paragraph) == [0], paragraph


def test_importing_plain_transcripts_does_not_load_spacy(tmp_path):
    (tmp_path / "T1.txt").write_text("Interviewer: How did it go? (laughs)\n\nParticipant: Fine. We met MIO.\n"
                                     "Dr. Who came. [inaudible] Then it ended!\n", encoding="utf-8")
    code = ("import sys; from mio_qual import Project; p = Project.create(sys.argv[1]);"
            "r = p.import_transcripts([sys.argv[2]]); assert r.added == ['T1'];"
            "print(len(p.sentences()), 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "project"), str(tmp_path / "T1.txt")],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["6", "False"]


def test_capital_initials_and_leads_have_the_tokenizers_effect():
    splitter = _TokenizerOnly()
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        for lead in ("", "(", "[", '"', "“", "..", "..."):
            chunk = f"{lead}{letter}."
            assert _plain_effect(chunk) == splitter._tokenizer_effect(chunk), chunk


def test_sample_study_needs_spacy_for_almost_no_chunk():
    """The bundled sample (contractions, hyphenated words, quotes, ellipses): all but a few chunks
    around sentence ends are decided without spaCy's tokenizer, and its sentences stay spaCy's."""
    folder = REPO / "transcripts_sample"
    splitter = SentenceSplitter()
    asked: list[str] = []
    original = splitter._tokenizer_effect
    splitter._tokenizer_effect = lambda chunk: asked.append(chunk) or original(chunk)  # type: ignore[method-assign]
    transcripts = list(read_transcripts(read_manifest(folder / "manifest.csv").entries, sentences=False))
    add_sentences(transcripts, splitter)
    assert len(asked) <= 5, asked
    for t in transcripts:
        assert [(s.paragraph_n, s.start, s.end) for s in t.sentences] == _sentencizer_sentences(t), t.id

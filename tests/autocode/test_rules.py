"""Keyword rules: what they hit, what the negation and exclusion filters drop, and the layer they write."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers.autocode import NEGATED, make_project, toy_codebook

from mio_qual.autocode import KeywordMatcher, RuleCoder
from mio_qual.errors import InputError

KEYWORDS = {
    "IS.A3": ["protected time"],
    "MIO.REC": ["record* session*", "recorder"],
    "MIO.CW": ["child welfare !league"],
    "OS.B": ["county !fair*"],
    "INN.B": ["study", "come from", "evidence-based", "data show*"],
    "SEE": ["see*"],
    "OS.D": ["other agenc*"],
}


@pytest.fixture(scope="module")
def matcher() -> KeywordMatcher:
    return KeywordMatcher(KEYWORDS)


def found(matcher: KeywordMatcher, text: str) -> list[tuple[str, str]]:
    return [(h.code, h.text) for h in matcher.match(text)]


# ---------------------------------------------------------------------------- what rules hit
@pytest.mark.parametrize("text, expected", [
    ("We had Protected Times on Fridays.", [("IS.A3", "Protected Times")]),  # case and plural
    ("The Studies came from Yale.", [("INN.B", "Studies"), ("INN.B", "came from")]),  # lemma of a verb
    ("An evidence-based model.", [("INN.B", "evidence-based")]),  # several tokens in one word
    ("The data shows it.", [("INN.B", "data shows")]),  # prefix inside a phrase
    ("Other Agencies and other agency staff.", [("OS.D", "Other Agencies"), ("OS.D", "other agency")]),
    ("Recording sessions and the recorder.", [("MIO.REC", "Recording sessions"), ("MIO.REC", "recorder")]),
])
def test_rules_hit_lemma_case_and_prefix_variants(matcher: KeywordMatcher, text: str, expected: list) -> None:
    assert found(matcher, text) == expected


def test_a_prefix_is_a_prefix_of_the_word_not_of_its_lemma(matcher: KeywordMatcher) -> None:
    # "saw" has the lemma "see" but does not start with "see": see* must not match it
    assert found(matcher, "I saw it, and seeing it helped.") == [("SEE", "seeing")]


def test_a_phrase_must_be_contiguous(matcher: KeywordMatcher) -> None:
    assert found(matcher, "time was protected") == []
    assert found(matcher, "protected, time") == []


def test_hit_offsets_point_at_the_matched_words(matcher: KeywordMatcher) -> None:
    text = "Well.  We have the recorder, and\nwe record sessions weekly."
    for hit in matcher.match(text):
        assert text[hit.start:hit.end] == hit.text
    assert [h.start for h in matcher.match(text)] == [text.index("recorder"), text.index("record sessions")]


# ---------------------------------------------------------------------------- negation
@pytest.mark.parametrize("text", [
    "We never had protected time.",
    "We do not have protected time.",
    "We don't record sessions.",  # n't carries the norm "not"
    "We can't record sessions.",
    "Without protected time it fails.",
    "There was no protected time.",
    "NOT protected time.",
])
def test_negated_hits_are_dropped_with_the_reason(matcher: KeywordMatcher, text: str) -> None:
    hits, dropped = matcher.explain(text)
    assert hits == []
    assert [d.reason for d in dropped] == ["negated"]


@pytest.mark.parametrize("text", [
    "No, protected time was never a problem.",  # the comma closes the clause
    "We did not stop. protected time helps.",  # a new sentence
    "Not once did we lose the protected time.",  # negator more than 3 tokens back
    "not\nprotected time",  # a line break
])
def test_negation_stops_at_clause_sentence_and_window_limits(matcher: KeywordMatcher, text: str) -> None:
    assert found(matcher, text) == [("IS.A3", text[text.lower().index("protected"):][:14])]


def test_a_window_of_zero_keeps_negated_hits() -> None:
    keep = KeywordMatcher(KEYWORDS, negation_window=0)
    assert found(keep, "We never had protected time.") == [("IS.A3", "protected time")]
    wide = KeywordMatcher(KEYWORDS, negation_window=6)
    assert found(wide, "Not once did we lose the protected time.") == []


def test_negation_never_reaches_into_the_previous_text(matcher: KeywordMatcher) -> None:
    assert [[h.code for h in hits] for hits in matcher.pipe(["we do not", "protected time"])] == [[], ["IS.A3"]]


# ---------------------------------------------------------------------------- exclusions
def test_excluded_phrases_are_dropped_only_in_their_sentence(matcher: KeywordMatcher) -> None:
    text = "Child welfare called. The child welfare league met."
    hits, dropped = matcher.explain(text)
    assert [(h.code, h.start) for h in hits] == [("MIO.CW", 0)]
    assert [(d.code, d.start, d.reason) for d in dropped] == [("MIO.CW", 26, "excluded:league")]


def test_prefix_exclusions(matcher: KeywordMatcher) -> None:
    hits, dropped = matcher.explain("The county fairground was busy. The county called.")
    assert [h.start for h in hits] == [36]
    assert [d.reason for d in dropped] == ["excluded:fair*"]


def test_without_sentence_splitting_the_whole_text_is_the_sentence(matcher: KeywordMatcher) -> None:
    text = "Child welfare called. The league met."
    assert found(matcher, text) == [("MIO.CW", "Child welfare")]
    assert matcher.match(text, split_sentences=False) == []


# ---------------------------------------------------------------------------- streaming
@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([
    "We never had protected time.", "Recording sessions and the recorder.", "", "not", "child welfare league",
    "The Studies came from Yale.", "see saw seeing", "protected time", "  county fair  ", "Other agencies."]),
    max_size=12), st.integers(min_value=20, max_value=400))
def test_streaming_in_batches_gives_the_same_hits_as_one_text_at_a_time(texts: list[str], batch: int) -> None:
    matcher = _shared()
    assert list(matcher.pipe(texts, batch_chars=batch)) == [matcher.match(t) for t in texts]


_SHARED: list[KeywordMatcher] = []


def _shared() -> KeywordMatcher:
    if not _SHARED:
        _SHARED.append(KeywordMatcher(KEYWORDS))
    return _SHARED[0]


def test_new_words_seen_after_compiling_still_match_prefixes() -> None:
    m = KeywordMatcher({"X": ["zorb* session*"]})
    assert found(m, "Zorbification sessions.") == [("X", "Zorbification sessions")]
    assert found(m, "zorbs sessional") == [("X", "zorbs sessional")]


def test_a_bad_keyword_is_an_input_error_naming_the_code() -> None:
    with pytest.raises(InputError, match="MIO.REC"):
        KeywordMatcher({"MIO.REC": ["re*"]})


# ---------------------------------------------------------------------------- on a project
def test_rule_coder_codes_staff_sentences_with_evidence(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    try:
        codings = RuleCoder(toy_codebook()).code(project.segments("sentence", with_text=False), project.texts(),
                                                 unit="sentence")
        sentences = project.sentences().set_index("segment_id")
        interviewer = sentences[sentences["is_interviewer"]]
        assert codings and all(c.origin == "rules" and c.unit == "sentence" for c in codings)
        # interviewer questions mention both topics, and are skipped
        assert not {(c.transcript_id, c.start) for c in codings} & set(
            zip(interviewer["transcript_id"], interviewer["start"]))
        text = {tid: project.text(tid) for tid in project.texts()}
        for c in codings:
            coded = text[c.transcript_id][c.start:c.end]
            assert NEGATED not in coded  # "never record sessions" is negated
            if c.code == "ZEB":
                assert "zebra" in coded.lower() and '[zebra*]' in c.evidence
        assert sum(c.code == "ZEB" for c in codings) == 24
        # 12 recording sentences, of which 4 read "Recording the sessions": not the phrase "record* session*"
        assert sum(c.code == "REC" for c in codings) == 8
        with_interviewer = RuleCoder(toy_codebook()).code(project.segments("sentence", with_text=False),
                                                          project.texts(), skip_interviewer=False)
        assert len(with_interviewer) == len(codings) + 6 * 4 * 2  # each question mentions both topics
    finally:
        project.close()


def test_turn_units_get_one_coding_per_code_on_the_speech(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    try:
        codings = RuleCoder(toy_codebook()).code(project.segments("sentence", with_text=False), project.texts(),
                                                 unit="turn", units=project.segments("turn", with_text=False))
        turns = project.turns()
        staff = turns[~turns["is_interviewer"]]
        spans = set(zip(staff["transcript_id"], staff["body_start"], staff["end"]))
        assert {(c.transcript_id, c.start, c.end) for c in codings} <= spans
        assert sum(c.code == "ZEB" for c in codings) == len(staff)
        assert len({(c.transcript_id, c.start, c.code) for c in codings}) == len(codings)
    finally:
        project.close()


def test_apply_rules_writes_the_rules_layer_and_replaces_it(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    try:
        first = project.autocode_rules(toy_codebook())
        layer = project.codings(coder="rules")
        assert first.inserted == len(layer) == 24 + 8
        assert set(layer["origin"]) == {"rules"} and set(layer["unit"]) == {"sentence"}
        assert layer["evidence"].str.contains(r'^".+" \[', regex=True).all()
        again = project.autocode_rules(toy_codebook(), unit="turn")
        assert again.removed == 32 and len(project.codings(coder="rules")) == again.inserted
        assert len(project.codings(coder="ann")) == 36  # human layers untouched
    finally:
        project.close()

"""Speaker detection: the detectors tried at line starts find exactly what a search of the whole text finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.transcripts.speakers import DETECTORS, _line_matches, _line_starts

LINES = st.sampled_from([
    "Interviewer: How did it go?", "R: Fine.", "  P3 : indented", "**Ana:** bold", "**Ana**: bold",
    "Jane Doe  0:03", "Jane Doe (00:01:02):", "Jane Doe (00:01:02)", "[00:01:02] Jane Doe: text",
    "[Jane Doe] 14:02:11", "Jane Doe   3 minutes 5 seconds", "Note: not a speaker", "10:30 is a time",
    "plain speech, no label", "", "", "\t", "Maria (laughing): yes", "A B C D E: five words", "é: accent",
    "SPEAKER_00: hi", "(00:01) Ana: x", "Ana 1:02:03.5", "COUNSELOR [00:00:11]: text", "Ana [1:02]",
])


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINES, min_size=1, max_size=12))
def test_line_matches_are_the_whole_text_search(lines):
    text = "\n".join(lines)
    starts = _line_starts(text)
    for style, pattern in DETECTORS.items():
        expected = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in _line_matches(pattern, text, starts)] == expected, style

"""Plain text: canonical lines are the same as the regex-only rules give, in the fast paths too."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.transcripts.plain import canonical_lines

_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0\u200b]+$", re.MULTILINE)


def _canonical_lines_by_regex(raw: str) -> str:
    """canonical_lines as it was before its fast paths (every rule a regex over the whole text)."""
    text = raw.replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text.lstrip("\ufeff")
    if "\r" in text or _LINE_BREAKS.search(text):
        text = _LINE_BREAKS.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _TRAILING_SPACE.sub("", text)


@settings(max_examples=500, deadline=None)
@given(raw=st.lists(st.sampled_from(list("ab \t\n\r\x0b\x0c\x85\u2028\u2029\u00a0\u200b\ufeff\x00\u00e9")
                                    + ["e\u0301"]), max_size=40).map("".join))
def test_canonical_lines_equal_the_regex_rules(raw):
    assert canonical_lines(raw) == _canonical_lines_by_regex(raw)

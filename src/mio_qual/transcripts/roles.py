"""The role of a speaker label: from the roster when it knows the label, else from convention.

Transcribers label the study team and the people interviewed in a handful of standard ways
(``Interviewer``, ``I``, ``INT``, ``Facilitator``, ``Moderator`` / ``R``, ``P3``,
``Participant 2``, ``Respondent``). Anything else (a name, ``SPEAKER_01``) has no role until a
roster gives it one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .roster import Roster

_NUM = r"(?:[ _-]?\d{1,3})?"
_CONVENTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"(?:interviewer|int|iv|i|q){_NUM}", re.I), "interviewer"),
    (re.compile(rf"(?:co-?)?(?:facilitator|moderator){_NUM}", re.I), "facilitator"),
    (re.compile(rf"(?:note[ -]?taker){_NUM}", re.I), "note_taker"),
    (
        re.compile(
            rf"(?:participant|respondent|interviewee|r|a|p|resp){_NUM}|p\d{{1,3}}",
            re.I,
        ),
        "participant",
    ),
)
_GENERIC = re.compile(r"(?:speaker|spk|unknown)(?:[ _-]?\d{1,3})?|unknown speaker", re.I)


def _norm(label: str) -> str:
    return " ".join(label.split()).strip("*[]() :")


def convention_role(label: str) -> str | None:
    """Role implied by a conventional label, or None.

    Examples
    --------
    >>> convention_role("INTERVIEWER"), convention_role("I"), convention_role("Interviewer 1")
    ('interviewer', 'interviewer', 'interviewer')
    >>> convention_role("Moderator"), convention_role("P3"), convention_role("Participant 2")
    ('facilitator', 'participant', 'participant')
    >>> convention_role("Tasha") is None, convention_role("SPEAKER_00") is None
    (True, True)
    """
    text = _norm(label)
    for pattern, role in _CONVENTIONS:
        if pattern.fullmatch(text):
            return role
    return None


def is_convention_label(label: str) -> bool:
    """True for labels transcribers use by convention (roles, ``SPEAKER_00``, ``Speaker 1``).

    Such labels are accepted as speaker labels even when they occur once, and they are never
    personal names (so they are not redacted).
    """
    text = _norm(label)
    return convention_role(text) is not None or _GENERIC.fullmatch(text) is not None


def speaker_role(transcript_id: str | None, label: str, roster: "Roster | None" = None) -> str | None:
    """Role of ``label`` in a transcript: the roster's when it lists the label, else the convention's."""
    if roster is not None:
        entry = roster.lookup(transcript_id, label)
        if entry is not None and entry.role:
            return entry.role
    return convention_role(label)

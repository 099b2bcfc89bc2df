"""A coding: one code applied by one coder to one span of one transcript (DESIGN.md, decision 3)."""

from __future__ import annotations

from dataclasses import dataclass, field

ORIGINS = ("human", "consensus", "rules", "model")


@dataclass(frozen=True)
class Coding:
    """One code on ``[start, end)`` of a transcript's canonical text.

    Attributes
    ----------
    transcript_id : str
    start, end : int
        Half-open code-point offsets into the canonical text.
    code : str
        A code id of the codebook (e.g. ``IS.J1``).
    coder : str
        The layer: a person's name or initials, ``consensus``, or an auto-coder's name.
    origin : str
        ``human``, ``consensus``, ``rules`` or ``model``.
    memo : str, optional
        The coder's note (a Word comment's text beyond the code names, a spreadsheet memo...).
    probability : float, optional
        A model's probability for its suggestion.
    evidence : str, optional
        What made an auto-coder suggest it (matched phrase, top features).
    unit : str, optional
        The unit an auto-coder worked on (sentence, turn...).
    created : str, optional
        When the coding was made (xsd:dateTime), when the file it came from says so (a REFI-QDA
        ``creationDateTime``); the time of the import otherwise. Not part of its identity.
    """

    transcript_id: str
    start: int
    end: int
    code: str
    coder: str
    origin: str = "human"
    memo: str | None = None
    probability: float | None = None
    evidence: str | None = None
    unit: str | None = None
    created: str | None = field(default=None, compare=False)

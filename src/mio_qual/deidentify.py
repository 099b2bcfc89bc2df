"""Keeping names out of quotes: :func:`redact`, :func:`known_names` and :func:`make_redactor`.

DESIGN.md, decision 9: reports quote participants by study id and role, never by name, and
names from the speaker roster are redacted in quotes. The roster's names and aliases are kept
in the store's ``private_names`` table at import (see :meth:`mio_qual.project.Project.private_names`);
speaker labels that look like names are added here, so a project imported without a roster
still has its name-like labels redacted. :meth:`mio_qual.project.Project.names_to_redact` and
:meth:`mio_qual.project.Project.redactor` gather a project's names and call these functions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

PLACEHOLDER = "[name]"


@lru_cache(maxsize=64)
def _pattern(names: tuple[str, ...], ignore_case: bool) -> re.Pattern[str] | None:
    cleaned = sorted({" ".join(n.split()) for n in names if n and n.strip()}, key=lambda n: (-len(n), n))
    if not cleaned:
        return None
    # Whole words: no letter, digit or underscore directly before or after the name. Spaces
    # inside a name match any run of whitespace, so a name broken over a line still matches.
    alternatives = [r"\s+".join(re.escape(part) for part in name.split(" ")) for name in cleaned]
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", flags)


def redact(text: str, names: Iterable[str], *, placeholder: str = PLACEHOLDER, ignore_case: bool = True) -> str:
    """Replace every whole-word occurrence of a name in ``text`` with ``[name]``.

    Longer names are tried first, so ``Gwen Harlow`` becomes one ``[name]`` rather than two.
    Matching ignores case (``GWEN`` and ``gwen`` are redacted too), which errs on the side of
    privacy: a name that is also an ordinary word (``Joy``) is redacted wherever the word occurs.

    Parameters
    ----------
    text : str
        A quote.
    names : iterable of str
        Names and aliases to hide.
    placeholder : str
        What replaces a name.
    ignore_case : bool
        Match names regardless of case (default).

    Returns
    -------
    str

    Examples
    --------
    >>> redact("Gwen Harlow protects it; gwen's rule, Ms. Harlow says.", ["Gwen", "Gwen Harlow", "Ms. Harlow"])
    "[name] protects it; [name]'s rule, [name] says."
    >>> redact("Gwendolyn is not Gwen.", ["Gwen"])
    'Gwendolyn is not [name].'
    """
    pattern = _pattern(tuple(sorted(set(names))), ignore_case)
    if pattern is None or not text:
        return text
    return pattern.sub(placeholder, text)


def known_names(private_names: Iterable[str], speaker_labels: Iterable[str] = ()) -> set[str]:
    """Names to redact from a project's quotes.

    The roster names and aliases the project kept at import (``private_names``), and every
    speaker label that looks like a personal name
    (:func:`mio_qual.transcripts.roster.looks_like_name`: not ``Interviewer``, ``P3`` or
    ``SPEAKER_00``).

    Parameters
    ----------
    private_names : iterable of str
        The roster's names and aliases.
    speaker_labels : iterable of str
        The speaker labels of the transcripts.

    Returns
    -------
    set of str

    Examples
    --------
    >>> sorted(known_names(["Renata Solis"], ["Jane Doe", "INTERVIEWER", "P3", "SPEAKER_00"]))
    ['Jane Doe', 'Renata Solis']
    """
    from .transcripts.roster import looks_like_name

    names = set(private_names)
    for label in speaker_labels:
        if label and looks_like_name(label):
            names.add(" ".join(label.split()))
    return names


def make_redactor(names: Iterable[str], extra: Iterable[str] = ()) -> Callable[[str], str]:
    """A function that replaces each of ``names`` and ``extra`` with ``[name]``.

    Everything that quotes a participant (reports, joint displays, worksheets, disagreement
    lists) redacts through this one function, given the project's :func:`known_names`.

    Examples
    --------
    >>> make_redactor({"Gwen"}, ["Ms.  Harlow"])("Gwen met Ms. Harlow.")
    '[name] met [name].'
    """
    names = set(names)
    names.update(" ".join(str(n).split()) for n in extra if str(n).strip())
    frozen = tuple(sorted(names))

    def redactor(text: str) -> str:
        return redact(text, frozen)

    return redactor


__all__ = ["redact", "known_names", "make_redactor", "PLACEHOLDER"]

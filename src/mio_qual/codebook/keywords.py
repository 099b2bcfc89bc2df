"""Keyword patterns: the small language codebooks use to signal a code in staff talk.

Each code may list ``keywords``; the rule-based auto-coder (``mio_qual.autocode``) compiles
them with the shared spaCy pipeline (:func:`mio_qual.nlp.get_nlp`) and suggests the code
wherever a pattern matches. This module defines and checks the syntax; it does not match.

Syntax
------
A pattern is one to eight *words* separated by spaces, optionally followed by exclusions::

    fidelity                  one word
    protected time            a phrase: the words must appear next to each other, in order
    record*                   a word ending in * matches any token that starts with "record"
    child welfare !league     an exclusion: drop the match if "league" is in the same sentence

Rules, exactly:

* **Phrase.** The words must match a contiguous run of tokens, in order. The auto-coder
  tokenizes each word with the same tokenizer as the transcript, so a word such as
  ``evidence-based`` or ``don't`` stands for the several tokens spaCy makes of it, all of
  which must appear in sequence.
* **Case and lemma.** Matching ignores case and inflection: a plain word matches a token when
  their lower-case forms are equal, or when the lemma of the lower-cased token equals the
  lemma of the word (so ``study`` matches "Studies", ``come from`` matches "came from").
* **Prefix.** A trailing ``*`` makes the word match one token whose lower-case text starts
  with the part before the ``*`` (``supervis*`` matches "supervisor", "supervision"). The
  part before ``*`` must be at least three letters or digits, with no punctuation.
* **Exclusion.** ``!word`` (or ``!word*``) placed after the phrase discards a match when any
  token of the same sentence matches that word by the rules above. Several exclusions may be
  given; each is a single word.
* **Characters.** Words are letters and digits, joined inside a word by ``- ' ’ & . /``
  (``buy-in``, ``other's``, ``r&d``). A lone ``&`` is allowed as a word. Anything else
  (quotes, brackets, regular-expression characters, ``;`` or ``,``) is an error.

Patterns are stored and compared in lower case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WORDS = 8
MIN_PREFIX = 3

_WORD_RE = re.compile(r"^[^\W_]+(?:[-'’&./][^\W_]+)*$")
_STEM_RE = re.compile(r"^[^\W_]+$")


class KeywordSyntaxError(ValueError):
    """A keyword pattern that breaks the syntax described in this module."""


@dataclass(frozen=True)
class KeywordTerm:
    """One word of a pattern.

    Attributes
    ----------
    text : str
        The word in lower case, without the trailing ``*``.
    prefix : bool
        True if the word ended in ``*`` (match tokens starting with ``text``).
    """

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class KeywordPattern:
    """A parsed keyword pattern.

    Attributes
    ----------
    raw : str
        The pattern as written (whitespace collapsed).
    terms : tuple of KeywordTerm
        The phrase, in order.
    exclude : tuple of KeywordTerm
        Words whose presence in the sentence cancels a match.
    """

    raw: str
    terms: tuple[KeywordTerm, ...]
    exclude: tuple[KeywordTerm, ...] = ()


def _parse_word(word: str, pattern: str) -> KeywordTerm:
    prefix = word.endswith("*")
    stem = word[:-1] if prefix else word
    if "*" in stem:
        raise KeywordSyntaxError(f"keyword {pattern!r}: '*' may only end a word")
    if stem == "&" and not prefix:
        return KeywordTerm("&")
    if not stem:
        raise KeywordSyntaxError(f"keyword {pattern!r}: '*' needs a word before it")
    if prefix:
        if not _STEM_RE.match(stem):
            raise KeywordSyntaxError(
                f"keyword {pattern!r}: {word!r} - put '*' only on a plain word of letters or digits"
            )
        if len(stem) < MIN_PREFIX:
            raise KeywordSyntaxError(
                f"keyword {pattern!r}: {word!r} - at least {MIN_PREFIX} letters must come before '*'"
            )
    elif not _WORD_RE.match(stem):
        bad = next((ch for ch in stem if not (ch.isalnum() or ch in "-'’&./")), None)
        what = f"unsupported character {bad!r}" if bad else f"{word!r} must start and end with a letter or digit"
        raise KeywordSyntaxError(f"keyword {pattern!r}: {what}")
    return KeywordTerm(stem.casefold(), prefix)


def parse_keyword(pattern: str) -> KeywordPattern:
    """Parse one keyword pattern.

    Parameters
    ----------
    pattern : str
        The pattern, e.g. ``"record*"`` or ``"child welfare !league"``.

    Returns
    -------
    KeywordPattern

    Raises
    ------
    KeywordSyntaxError
        With a message naming the pattern and what is wrong with it.

    Examples
    --------
    >>> p = parse_keyword("Record* sessions !criminal")
    >>> [(t.text, t.prefix) for t in p.terms], [t.text for t in p.exclude]
    ([('record', True), ('sessions', False)], ['criminal'])
    """
    if not isinstance(pattern, str):
        raise KeywordSyntaxError(f"keyword {pattern!r} is not text")
    words = pattern.split()
    if not words:
        raise KeywordSyntaxError("empty keyword")
    raw = " ".join(words)
    terms: list[KeywordTerm] = []
    exclude: list[KeywordTerm] = []
    for word in words:
        if word.startswith("!"):
            if len(word) == 1:
                raise KeywordSyntaxError(f"keyword {raw!r}: '!' needs a word after it")
            exclude.append(_parse_word(word[1:], raw))
        else:
            if exclude:
                raise KeywordSyntaxError(
                    f"keyword {raw!r}: exclusions ('!word') must come after the phrase words"
                )
            terms.append(_parse_word(word, raw))
    if not terms:
        raise KeywordSyntaxError(f"keyword {raw!r} has only exclusions; give at least one word to match")
    if len(terms) > MAX_WORDS:
        raise KeywordSyntaxError(f"keyword {raw!r} has {len(terms)} words; use at most {MAX_WORDS}")
    return KeywordPattern(raw, tuple(terms), tuple(exclude))


def keyword_problem(pattern: object) -> str | None:
    """Return what is wrong with ``pattern``, or None if it is a valid keyword pattern."""
    try:
        parse_keyword(pattern)  # type: ignore[arg-type]
    except KeywordSyntaxError as exc:
        return str(exc)
    return None

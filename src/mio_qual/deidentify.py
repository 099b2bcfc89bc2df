"""Keeping names out of every output: :class:`Redactor`, :func:`redact`, :func:`known_names` and :func:`name_review`.

DESIGN.md, decision 9: outputs quote participants by study id and role, never by name, and
names from the speaker roster are redacted. The roster's names and aliases are kept in the
store's ``private_names`` table at import (see :meth:`mio_qual.project.Project.private_names`);
speaker labels that look like names are added here (a lower-case label too), so a project
imported without a roster still has its name-like labels redacted.
:meth:`mio_qual.project.Project.redactor` gathers a project's names and builds the one
:class:`Redactor` that reports, worksheets, reconciliation documents and exports pass text through.

How a name is matched (our rules; each is tested):

- as a whole word: no letter or digit directly before or after it;
- whatever the Unicode form: a roster saved decomposed (NFD, as macOS writes file names and
  some editors text) matches a transcript saved composed (NFC) and the reverse, and accents
  are optional both ways (``José Núñez`` matches ``Jose Nunez``);
- in any case (``GWEN``, ``gwen``), with straight and curly apostrophes interchangeable
  (``O'Brien`` matches ``O’Brien``), possessives kept outside the placeholder
  (``[name]’s``), any run of white space (a line break) between the parts of a name, and the
  full stop after a title optional (``Ms Harlow``);
- an alias that is also an ordinary English word (``June``, ``Joy``, ``Will``, ``Grace``:
  :func:`is_common_word`) only where it is used as a name: capitalised, not a month in a date
  (``in June``, ``June 3``), and not a sentence-initial word followed by a pronoun or article
  (``Will you``, ``Hope the``). Occurrences left alone are listed by :func:`name_review`.

Transcript ids that contain a name (``Hollis_Tran_interview``, taken from a file name) are
replaced by a neutral id (:func:`neutral_ids`), and clinic and agency names can be masked
with stable labels (:func:`site_labels`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PLACEHOLDER = "[name]"

APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"
HYPHENS = "-\u2010\u2011\u2012\u2013"
_MARKS = "\u0300-\u036f"
MONTHS = frozenset("january february march april may june july august september october november december".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_DATE_BEFORE = frozenset(("in", "since", "until", "till", "through", "last", "next", "this", "early", "late", "mid",
                          "before", "after", "during", "every", "each", "by", "of", "around", "from", "on", "that",
                          "the"))
_ORDINARY_AFTER = frozenset(("i", "you", "we", "they", "he", "she", "it", "this", "that", "these", "those", "the",
                             "a", "an", "your", "our", "my", "their", "his", "her", "its", "all", "everyone",
                             "someone", "there", "not", "be"))


# ------------------------------------------------------------------------------ matching
def normalize_name(name: str) -> str:
    """A name in NFC with its white space collapsed (how every name is compared).

    Examples
    --------
    >>> normalize_name("Jose\\u0301  Nu\\u0301n\\u0303ez") == "Jos\\u00e9 N\\u00fa\\u00f1ez"
    True
    """
    return " ".join(unicodedata.normalize("NFC", str(name)).split())


def fold(text: str) -> str:
    """``text`` without accents, case or apostrophe variants: the key two spellings of a name share.

    Examples
    --------
    >>> fold("O\\u2019Bri\\u00e9n"), fold("o'brien")
    ("o'brien", "o'brien")
    """
    decomposed = unicodedata.normalize("NFD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = re.sub(f"[{re.escape(APOSTROPHES)}]", "'", bare)
    return " ".join(bare.casefold().split())


@lru_cache(maxsize=1)
def _letter_variants() -> dict[str, str]:
    """Each base Latin letter -> every precomposed letter (Latin-1 to Latin Extended-B, Latin Extended Additional)
    whose canonical decomposition starts with it."""
    variants: dict[str, list[str]] = {}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            ch = chr(code)
            base = unicodedata.normalize("NFD", ch)[0]
            if base != ch and base.isascii() and base.isalpha():
                variants.setdefault(base, []).append(ch)
    return {base: base + "".join(chars) for base, chars in variants.items()}


def _separator_pattern(ch: str, apostrophe: str, hyphen: str) -> str | None:
    """The pattern of a character that joins a name's parts (white space, apostrophe, hyphen, a title's full stop),
    given the patterns of an apostrophe and a hyphen; None for any other character."""
    if ch.isspace():
        return r"\s+"
    if ch in APOSTROPHES:
        return apostrophe
    if ch in HYPHENS:
        return hyphen
    if ch == ".":
        return r"\.?"
    return None


def _char_pattern(ch: str) -> str:
    joint = _separator_pattern(ch, f"[{re.escape(APOSTROPHES)}]", rf"[{re.escape(HYPHENS)}]\s*")
    if joint is not None:
        return joint
    base = unicodedata.normalize("NFD", ch)[0]
    letters = _letter_variants().get(base)
    if letters is None:
        return re.escape(ch)
    # the letter with or without an accent, composed or followed by combining marks
    return f"[{letters}][{_MARKS}]*"


def name_pattern(name: str) -> str:
    """The regular expression (without word boundaries) that matches ``name`` however it is written.

    Examples
    --------
    >>> bool(re.fullmatch(name_pattern("O'Brien"), "O\\u2019Brien"))
    True
    >>> pattern = name_pattern("Jos\\u00e9")
    >>> bool(re.fullmatch(pattern, "Jose\\u0301")), bool(re.fullmatch(pattern, "Jose"))
    (True, True)
    """
    name = normalize_name(name)
    return "".join(_char_pattern(ch) for ch in name)


_LEFT = r"(?<!\w)"
_RIGHT = rf"(?![\w{_MARKS}])"


@lru_cache(maxsize=64)
def _compiled(names: tuple[str, ...], ignore_case: bool) -> re.Pattern[str] | None:
    """The reference matcher: one alternation of :func:`name_pattern` (longest name first), as regular expression.

    Compiling its accent classes takes a tenth of a second for sixty names, so the redactor
    matches through :class:`_Matcher`, which finds exactly the same spans (a hypothesis test in
    tests/reports/test_deidentify_matcher.py compares the two); this pattern remains the
    definition, and the fallback for the rare texts and names the fast matcher cannot map.
    """
    cleaned = _ordered(names)
    if not cleaned:
        return None
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(_LEFT + "(?:" + "|".join(name_pattern(n) for n in cleaned) + ")" + _RIGHT, flags)


def _ordered(names: Iterable[str]) -> list[str]:
    return sorted({normalize_name(n) for n in names if n and str(n).strip()}, key=lambda n: (-len(n), n))


# ---------------------------------------------------------------- the fast matcher
# The reference pattern spends its compile time on character classes: every letter of every name
# becomes ``[eèéêë…][\u0300-\u036f]*``, and with IGNORECASE the regex compiler works out the case
# variants of each class again for each letter. The fast matcher maps the TEXT instead, one
# character to one character (so offsets do not move): every letter the reference class of a base
# letter matches becomes one private-use stand-in for that base, every combining mark becomes
# U+0300, every apostrophe ' and every hyphen -. Each name then needs only literal characters,
# compiled in about a millisecond. Which letters a class matches is exactly what the regex engine
# says: tests/reports/test_deidentify_matcher.py checks the table below against the reference
# classes on every Unicode code point.
_STAND_IN = 0xE000
"""Private-use stand-ins: U+E000 + ord(base) for the letters of a base, U+E100 + ord(base) for the
few lower-case letters with no single-letter capital (ẖ, ǰ, ẗ, ẘ, ẙ), which only a lower-case base
matches when case is ignored."""
_STAND_INS = re.compile("[\ue000-\ue1ff]")
_LETTER_APOSTROPHE = "\ue000"
"""Stand-in of U+02BC, the one apostrophe that is a letter (a word character at a name's edge)."""
_IOTA_LIKE = "\u0399\u03b9\u1fbe"
"""Letters that the reference's combining-mark class matches when case is ignored (they are case
variants of U+0345, a combining mark); a text or name holding one goes to the reference pattern."""
_LETTER_RANGES = ((0x00, 0x250), (0x1E00, 0x1F00), (0x2126, 0x212C))


def _stand_in(base: str, lower_only: bool = False) -> str:
    return chr(_STAND_IN + (0x100 if lower_only else 0) + ord(base))


def _forms(ch: str) -> set[str]:
    """``ch`` and the one-character case forms the regex engine treats as the same letter."""
    out = {ch}
    for form in (ch.lower(), ch.upper(), ch.casefold()):
        if len(form) == 1:
            out.add(form)
    if ch == "\u0130":  # İ: the engine's simple lower-case mapping is i
        out.add("i")
    if ch in "\u0131\u017f":  # ı, ſ: the engine's own equivalences of i and s
        out.add("is"[ch == "\u017f"])
    if ch == "\u1e9b":  # ẛ: equivalent to ṡ
        out.add("\u1e61")
    return out


@lru_cache(maxsize=2)
def _text_map(ignore_case: bool) -> dict[int, str]:
    """``str.translate`` table of the fast matcher (see above)."""
    variants = _letter_variants()
    member = {ch: base for base, letters in variants.items() for ch in letters}
    table: dict[int, str] = {}
    for start, end in _LETTER_RANGES:
        for code in range(start, end):
            ch = chr(code)
            if not ignore_case:
                if ch in member:
                    table[code] = _stand_in(member[ch])
                continue
            bases = {member[f] for f in _forms(ch) if f in member}
            if ch.lower() != ch and len(ch.lower()) == 1:  # a capital matches what its lower case matches
                bases |= {member[f] for f in _forms(ch.lower()) if f in member}
            if not bases:
                continue
            lower = {b.lower() for b in bases}
            (base,) = lower
            # matched by the lower-case base only: a lower-case letter whose capital is not one letter
            only_lower = all(b.islower() for b in bases) and any(b.isupper() for b in variants if b.lower() == base)
            table[code] = _stand_in(base, only_lower)
    for code in range(0x300, 0x370):
        table[code] = "\u0300"
    for ch in APOSTROPHES:  # the modifier letter apostrophe is a word character: its own stand-in
        table[ord(ch)] = _LETTER_APOSTROPHE if ch.isalpha() else "'"
    for ch in HYPHENS:
        table[ord(ch)] = "-"
    return table


@lru_cache(maxsize=1)
def _lower_only_bases() -> frozenset[str]:
    """Base letters with letters that only the lower-case base's class matches (ẖ for h)."""
    return frozenset(chr(ord(v) - _STAND_IN - 0x100) for v in _text_map(True).values() if ord(v) >= _STAND_IN + 0x100)


def _fast_char(ch: str, ignore_case: bool) -> str | None:
    """The pattern of one character of a name against the mapped text; None when the fast matcher cannot map it."""
    joint = _separator_pattern(ch, f"['{_LETTER_APOSTROPHE}]", r"-\s*")
    if joint is not None:
        return joint
    base = unicodedata.normalize("NFD", ch)[0]
    variants = _letter_variants()
    if base in variants:
        if not ignore_case:
            return _stand_in(base) + "\u0300*"
        lower = base.lower()
        if base.islower() and lower in _lower_only_bases():
            return f"[{_stand_in(lower)}{_stand_in(lower, True)}]\u0300*"
        return _stand_in(lower) + "\u0300*"
    if ord(ch) in _text_map(ignore_case) or (ignore_case and ch in _IOTA_LIKE) or _STAND_INS.match(ch):
        return None  # a character the mapping changes, matched literally by the reference: leave it to it
    return re.escape(ch)


class _Matcher:
    """Finds the spans the reference pattern (:func:`_compiled`) finds, without compiling its classes.

    Parameters
    ----------
    names : tuple of str
        The names, any form.
    ignore_case : bool
    """

    def __init__(self, names: tuple[str, ...], ignore_case: bool) -> None:
        self.names = names
        self.ignore_case = ignore_case
        self.empty = not _ordered(names)
        self._parts: list[str] | None = []
        for name in _ordered(names):
            chars = [_fast_char(ch, ignore_case) for ch in name]
            if any(c is None for c in chars):
                self._parts = None
                break
            self._parts.append("".join(chars))  # type: ignore[arg-type, union-attr]
        self.pattern = self._compile(with_marks=False)

    def _compile(self, with_marks: bool) -> re.Pattern[str] | None:
        """The alternation; ``with_marks``: letters followed by any combining marks (parsing the ``\u0300*``
        after every letter is most of the compile time, so that pattern is made only for a text that has marks)."""
        if self._parts is None or self.empty:
            return None
        parts = self._parts if with_marks else [p.replace("\u0300*", "") for p in self._parts]
        word = r"\w\ue000-\ue1ff"
        return re.compile(rf"(?<![{word}])(?:" + "|".join(parts) + rf")(?![{word}\u0300])",
                          re.IGNORECASE if self.ignore_case else 0)

    @cached_property
    def marked(self) -> re.Pattern[str] | None:
        """The pattern for texts with combining marks."""
        return self._compile(with_marks=True)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of every match in ``text``, left to right, as ``re.finditer`` of the reference gives them."""
        if self.empty:
            return []
        if self.pattern is None or _STAND_INS.search(text) or (self.ignore_case and any(c in text for c in _IOTA_LIKE)):
            reference = _compiled(self.names, self.ignore_case)
            return [m.span() for m in reference.finditer(text)] if reference is not None else []
        mapped = text.translate(_text_map(self.ignore_case))
        pattern = self.marked if "\u0300" in mapped else self.pattern
        return [m.span() for m in pattern.finditer(mapped)]  # type: ignore[union-attr]

    def sub(self, text: str, replace: Callable[[int, int], str]) -> str:
        """``text`` with each span replaced by ``replace(start, end)``."""
        spans = self.spans(text)
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out.append(text[last:start])
            out.append(replace(start, end))
            last = end
        out.append(text[last:])
        return "".join(out)


@lru_cache(maxsize=64)
def _matcher(names: tuple[str, ...], ignore_case: bool) -> _Matcher:
    return _Matcher(names, ignore_case)


@lru_cache(maxsize=1)
def _lemma_table_json() -> bytes:
    """The JSON text of spaCy's English lemma lookup table (spacy-lookups-data, already a dependency for the
    lemmatizer; it lists common words, not personal names), found without importing the package."""
    return _lookups_json("en_lemma_lookup")


def _lookups_json(table: str) -> bytes:
    """The JSON text of one table of spacy-lookups-data (``en_lemma_lookup``, ``en_lemma_index`` ...)."""
    import gzip
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("spacy_lookups_data")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:  # pragma: no cover - a dependency
        raise ModuleNotFoundError("spacy_lookups_data")
    return gzip.decompress((Path(folders[0]) / "data" / f"{table}.json.gz").read_bytes())


@lru_cache(maxsize=1)
def _review_words() -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """The fuller English word list of :func:`name_review`'s "no English word" rules, and the regular inflections.

    The lemma table alone lacks many ordinary words ("Occasionally", "Accurate", "Same", "Anyone"),
    so a sentence opening with one was listed as a possible name. Added here, all from packages
    mio-qual already depends on, nothing downloaded: WordNet's adjectives, adverbs and verbs as
    spacy-lookups-data ships them (``en_lemma_index``: about 21,000, 3,800 and 8,700 lemmas),
    spaCy's English stop words (pronouns and function words: "anyone", "wherever"), and spaCy's
    regular suffix rules (``en_lemma_rules``: "walk-ins" -> "walk-in"). WordNet's nouns are left out
    on purpose: they hold proper names (Freya, Lotte, Unai), and a name must stay listed. Census first
    names and surnames are checked before this list, so a name that is also a dictionary word
    ("Morgan") is still listed.
    """
    import json

    from spacy.lang.en.stop_words import STOP_WORDS

    index = json.loads(_lookups_json("en_lemma_index"))
    rules = json.loads(_lookups_json("en_lemma_rules"))
    words = set(_english_words()) | set(STOP_WORDS)
    for pos in ("adj", "adv", "verb"):  # not "noun": WordNet's nouns include personal names
        words.update(w.casefold() for w in index.get(pos, []))
    suffixes = {(suffix, base) for pos in ("noun", "verb", "adj") for suffix, base in rules.get(pos, []) if suffix}
    return frozenset(words), tuple(sorted(suffixes, key=lambda r: -len(r[0])))


def _review_english(key: str) -> bool:
    """True when ``key`` (folded) is an English word of :func:`_review_words`, a regular inflection of one, or a
    hyphenated compound of such words ("forty-four", "walk-ins", "spanish-speaking").

    Examples
    --------
    >>> [_review_english(w) for w in ("occasionally", "anyone", "accurate", "forty-four", "wrenna", "freya")]
    [True, True, True, True, False, False]
    """
    words, suffixes = _review_words()
    if key in words:
        return True
    if any(key.endswith(suffix) and len(key) > len(suffix) + 1 and key[:-len(suffix)] + base in words
           for suffix, base in suffixes):
        return True
    parts = key.split("-")
    return len(parts) > 1 and all(parts) and all(_review_english(part) for part in parts)


@lru_cache(maxsize=2)
def _lexeme_table(table: str) -> bytes:
    return _lookups_json(table)


@lru_cache(maxsize=4096)
def _lexeme(table: str, word: str) -> float | None:
    """``word``'s value in a spaCy lexeme table of spacy-lookups-data (``en_lexeme_prob``: the log probability of
    the word as written, case kept; ``en_lexeme_cluster``: its Brown cluster), None when the table lacks it. Found by
    a byte search (the tables hold a million entries; parsing one takes a second, a search a few milliseconds)."""
    if not word or '"' in word or "\\" in word:
        return None
    raw = _lexeme_table(table)
    at = raw.find(b'"' + word.encode("utf-8") + b'":')
    if at < 0:
        return None
    value = re.match(rb"-?[0-9.]+(?:e-?[0-9]+)?", raw[at + len(word.encode("utf-8")) + 3:at + 64])
    return float(value.group(0)) if value else None


_INTERJECTIONS = "Yeah"
"""spaCy's Brown clusters (``en_lexeme_cluster``) put the capitalised interjections of speech together (Oh, Yeah,
Well, Hey, Ah, Wow, Hi, Yes, Sure ...): a sentence-initial census name in the cluster of ``Yeah`` ("Oh, a lot of
our moms") is read as one."""


def _interjection(word: str) -> bool:
    """True for a capitalised word that spaCy's Brown clusters put with the interjections (``Oh``, ``Well``)."""
    cluster = _lexeme("en_lexeme_cluster", word)
    return cluster is not None and cluster == _lexeme("en_lexeme_cluster", _INTERJECTIONS)


def _mostly_lower(word: str) -> bool:
    """True for a word that English text writes in lower case more often than capitalised (spaCy's ``en_lexeme_prob``:
    ``Audio`` opens a sentence, ``audio`` is the usual form); False for a word the table lacks (``Wrenna``)."""
    lower, capital = _lexeme("en_lexeme_prob", word.lower()), _lexeme("en_lexeme_prob", word)
    return lower is not None and (capital is None or lower >= capital)


_NAME_AFTER = frozenset(("said", "says", "told", "tells", "asked", "asks", "thinks", "thought", "wants", "wanted",
                         "called", "calls", "texted", "emailed", "mentioned", "explained", "replied", "runs", "ran"))


def _name_context(text: str, end: int, first_name: bool) -> bool:
    """True when a sentence-initial word reads as a name by what follows it: a possessive (``Tom's``), a verb of
    saying (``Will said``), or, after a first name, a surname (``Mark Oduya``, ``Tom Baker``: a capitalised word that
    is a census surname or no English word; not ``Ask Dr.``)."""
    following = text[end:end + 40]
    if re.match(f"[{re.escape(APOSTROPHES)}]s(?!\\w)", following):
        return True
    nxt = re.match(r"[ \t]+([^\W\d_]+)", following)
    if not nxt:
        return False
    word, key = nxt.group(1), fold(nxt.group(1))
    if key in _NAME_AFTER:
        return True
    return first_name and word[:1].isupper() and not word.isupper() and key not in _TITLES and \
        (key in _census_names()[1] or not _review_english(key))


_SECOND_PERSON = frozenset(("you", "your", "yours", "yourself", "yourselves", "you're", "you've", "you'll", "you'd",
                            "y'all", "ya"))
#: Words that open a spoken sentence before a comma as a discourse marker or a term of address, not a name
#: ("See, you have to ...", "Man, you should have seen it", "Honey, can you ..."), census names though some are.
_NOT_ADDRESSED = frozenset(("see", "look", "listen", "say", "well", "now", "right", "okay", "ok", "sure", "yes", "no",
                            "so", "like", "man", "boy", "girl", "lord", "god", "gosh", "wait", "hey", "again", "also",
                            "still", "anyway", "alright", "honestly", "seriously", "actually", "mind", "honey", "dear",
                            "baby", "babe", "buddy", "love", "sweetie", "sir", "madam", "guys", "folks", "everyone",
                            "everybody", "mom", "mama", "dad", "doc", "coach", "boss", "friend", "friends", "kid",
                            "kids", "ladies", "gentlemen", "please", "thanks", "sorry", "true", "fine", "good",
                            "great", "cool", "nice", "oh", "ah", "aw", "wow", "huh", "hmm", "um", "uh"))
_AUXILIARIES = frozenset(("is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should",
                          "may", "might", "must", "does", "did", "do"))


def _addressed(text: str, end: int, key: str) -> bool:
    """True when a sentence-opening word is followed by a vocative comma and a clause spoken to someone: a second-person
    word in it (``Sandy, can you come?``) or a request opening it (``Will, please sit``, ``Grace, come in``); never a
    discourse marker or term of address (``Well, you know``, ``See, you have to``, ``Honey, can you``) nor a word
    spaCy's Brown clusters put with the interjections.

    Examples
    --------
    >>> [_addressed(t, 5, t[:5].lower()) for t in ("Sandy, can you come?", "Sandy, come in.", "Sandy, the beach.")]
    [True, True, False]
    """
    comma = re.match(r"[ \t]*,[ \t]*", text[end:end + 4])
    if not comma or key in _NOT_ADDRESSED or _interjection(text[end - len(key):end]):
        return False
    clause = re.split(r"[.?!;:\n]", text[end + comma.end():end + comma.end() + 160], maxsplit=1)[0]
    words = [w.casefold() for w in re.findall(f"[^\\W\\d_][^\\W\\d_{re.escape(APOSTROPHES)}]*", clause)]
    words = [w.replace("\u2019", "'") for w in words]
    if not words:
        return False
    if any(w in _SECOND_PERSON for w in words):
        return True
    first = clause.lstrip()
    if not first[:1].islower():
        return False  # "Sandy, Mark and I ...": a list, not a request
    if words[0] in ("please", "let", "let's", "thanks", "thank"):
        return True
    # an imperative: a verb in its base form, not followed by an auxiliary ("Summer, school is out")
    return words[0] in _verbs() and not _stop_word(words[0]) and (len(words) == 1 or words[1] not in _AUXILIARIES)


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    """WordNet's verb lemmas as spacy-lookups-data ships them (``en_lemma_index``): the base forms of English verbs."""
    import json

    return frozenset(w.casefold() for w in json.loads(_lookups_json("en_lemma_index")).get("verb", []))


def _stop_word(key: str) -> bool:
    """True for one of spaCy's English stop words (pronouns and function words: ``you``, ``he``, ``so``)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return key in STOP_WORDS


def _in_capitalised_phrase(text: str, start: int) -> bool:
    """True when the word at ``start`` follows a capitalised ordinary English word that is no census name
    (``Group Room``, ``Family Grace Center``): part of a title-case phrase, not a person's name."""
    previous = re.search(r"([^\W\d_]+)[ \t]+$", text[max(0, start - 40):start])
    if not previous or not previous.group(1)[:1].isupper() or previous.group(1).isupper():
        return False
    key = fold(previous.group(1))
    first, last = _census_names()
    return key not in first and key not in last and _review_english(key)


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Lower-case English words and their inflections: the keys and values of the lemma table."""
    import json

    table = json.loads(_lemma_table_json())
    return frozenset(table) | frozenset(table.values())


def _english_among(keys: Iterable[str]) -> set[str]:
    """The ``keys`` (folded one-word names) that are English words: ``key in _english_words()`` for each, without
    parsing the table's million entries (a tenth of a second; a quick command has not the time). A word of ASCII
    letters is in the table exactly when the JSON text holds it as a whole string, ``"key"`` not preceded by a
    backslash: one regular-expression pass finds them all."""
    keys = set(keys)
    ascii_keys = sorted(k for k in keys - set(_ENGLISH_CACHE) if k.isascii() and k.isalpha())
    if ascii_keys:
        raw = _lemma_table_json()
        pattern = re.compile(rb'"(' + b"|".join(k.encode("ascii") for k in ascii_keys) + rb')"')
        hits = {m.group(1).decode("ascii") for m in pattern.finditer(raw) if raw[m.start() - 1:m.start()] != b"\\"}
        for key in ascii_keys:
            _ENGLISH_CACHE[key] = key in hits
    for key in keys - set(_ENGLISH_CACHE):
        _ENGLISH_CACHE[key] = key in _english_words()
    return {k for k in keys if _ENGLISH_CACHE[k]}


_ENGLISH_CACHE: dict[str, bool] = {}


def _common_names(names: Iterable[str]) -> set[str]:
    """The names that :func:`is_common_word` calls common words, looked up together."""
    keys = {n: fold(n) for n in names}
    candidates = {n: k for n, k in keys.items() if " " not in k and k.isalpha()}
    english = _english_among(k for k in candidates.values() if k not in MONTHS and k not in WEEKDAYS)
    return {n for n, k in candidates.items() if k in MONTHS or k in WEEKDAYS or k in english}


def is_common_word(name: str) -> bool:
    """True for a one-word name that is also an ordinary English word, a month or a weekday.

    Such aliases are matched only where they are used as a name (see the module's rules).

    Examples
    --------
    >>> is_common_word("June"), is_common_word("Joy"), is_common_word("Will"), is_common_word("Gwen")
    (True, True, True, False)
    >>> is_common_word("Renata Solis")
    False
    """
    key = fold(name)
    if " " in key or not key.isalpha():
        return False
    return bool(_common_names([name]))


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?:\n"


def _mid_sentence(text: str, start: int) -> bool:
    """True when the word at ``start`` follows a word or a comma in the same sentence."""
    before = text[:start].rstrip(" \t")
    return bool(before) and (before[-1].isalnum() or before[-1] in ",;")


def _used_as_word(text: str, start: int, end: int) -> bool:
    """True when a common-word alias at ``text[start:end]`` reads as the ordinary word (or a date), not a name."""
    word = text[start:end]
    if not word[:1].isupper():
        return True
    key = fold(word)
    previous = re.findall(r"[^\W\d_]+", text[max(0, start - 20):start])
    following = text[end:end + 24]
    if key in MONTHS or key in WEEKDAYS:
        if previous and previous[-1].casefold() in _DATE_BEFORE:
            return True
        if re.match(r"\s*(?:\d|,\s*\d)", following) or re.search(r"\d\s*(?:st|nd|rd|th)?\s*$", text[:start]):
            return True
    if _sentence_start(text, start):
        nxt = re.match(r"\s+([^\W\d_]+)", following)
        if nxt and nxt.group(1).casefold() in _ORDINARY_AFTER:
            return True
    return False


# ------------------------------------------------------------------------------ the redactor
@dataclass(frozen=True)
class Redactor:
    """The one function every output passes text through: names to ``[name]``, ids and sites to neutral labels.

    Parameters
    ----------
    names : frozenset of str
        Names and aliases to hide (any form of them, see the module's rules).
    replacements : tuple of (str, str)
        Literal strings replaced first, as whole words ignoring case: transcript ids that contain
        a name (:func:`neutral_ids`), and site names when sites are masked (:func:`site_labels`).
    placeholder : str
        What replaces a name.
    ignore_case : bool
        Match names that are not common words regardless of case (default).
    phrases : frozenset of str
        Names and phrases matched wherever they occur, in any case, even when they are ordinary
        words (what a user lists in a ``--redact`` file).

    Examples
    --------
    >>> r = Redactor(frozenset({"Gwen Harlow", "Gwen", "June"}), (("Hollis_Tran_interview", "T03"),))
    >>> r("GWEN said June set it up in June; see Hollis_Tran_interview.")
    '[name] said [name] set it up in June; see T03.'
    """

    names: frozenset[str] = frozenset()
    replacements: tuple[tuple[str, str], ...] = ()
    placeholder: str = PLACEHOLDER
    ignore_case: bool = True
    phrases: frozenset[str] = frozenset()
    _words: tuple[tuple[str, ...], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {normalize_name(n) for n in self.names if n and str(n).strip()}
        phrases = {normalize_name(n) for n in self.phrases if n and str(n).strip()}
        # one-word names may be common words (June); which are is looked up only when a text holds one
        one_word = {n for n in names - phrases if " " not in fold(n) and fold(n).isalpha()}
        object.__setattr__(self, "_words", (tuple(sorted((names | phrases) - one_word)), tuple(sorted(one_word))))

    @cached_property
    def _split(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(names matched everywhere, common-word aliases matched only where used as a name)."""
        others, one_word = self._words
        common = tuple(sorted(_common_names(one_word)))
        return tuple(sorted(set(others) | (set(one_word) - set(common)))), common

    @property
    def common_words(self) -> tuple[str, ...]:
        """The aliases matched only where used as a name."""
        return self._split[1]

    def _replace_literals(self, text: str) -> str:
        for old, new in self.replacements:
            if old and old.casefold() in text.casefold():
                text = re.sub(r"(?<![^\W_])" + re.escape(old) + r"(?![^\W_])", lambda _m, n=new: n, text,
                              flags=re.IGNORECASE)
        return text

    def __call__(self, text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        text = self._replace_literals(text)
        others, one_word = self._words
        if "_split" not in self.__dict__ and (not one_word or not _matcher(one_word, True).spans(text)):
            # no one-word name anywhere (in any case): leaving them out of the alternation changes nothing
            plain_only = _matcher(others, self.ignore_case).sub(text, lambda _s, _e: self.placeholder)
            if not one_word or not _matcher(one_word, True).spans(plain_only):
                return plain_only
        plain, common = self._split
        text = _matcher(plain, self.ignore_case).sub(text, lambda _s, _e: self.placeholder)
        if common:
            found = text
            text = _matcher(common, True).sub(
                found, lambda s, e: found[s:e] if _used_as_word(found, s, e) else self.placeholder)
        return text

    def frame(self, frame: "pd.DataFrame") -> "pd.DataFrame":
        """A copy of ``frame`` with every text cell and column name redacted (:func:`redact_frame`)."""
        return redact_frame(frame, self)

    def left_as_words(self, text: str) -> list[str]:
        """The common-word aliases in ``text`` that were left alone because they read as ordinary words."""
        if not self.common_words or not text:
            return []
        return [text[s:e] for s, e in _matcher(self.common_words, True).spans(text)
                if text[s:s + 1].isupper() and _used_as_word(text, s, e)]


def redact_frame(frame: "pd.DataFrame", redactor: Callable[[str], str]) -> "pd.DataFrame":
    """A copy of ``frame`` with every text cell (and column name) passed through ``redactor``."""
    out = frame.copy()
    out.columns = [redactor(c) if isinstance(c, str) else c for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(lambda v: redactor(v) if isinstance(v, str) else v)
    return out


def redact(text: str, names: Iterable[str], *, placeholder: str = PLACEHOLDER, ignore_case: bool = True) -> str:
    """Replace every occurrence of a name in ``text`` with ``[name]`` (the matching rules are the module's).

    Longer names are tried first, so ``Gwen Harlow`` becomes one ``[name]`` rather than two.

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
    >>> redact("Gwen Harlow protects it; gwen\\u2019s rule, Ms Harlow says.", ["Gwen", "Gwen Harlow", "Ms. Harlow"])
    '[name] protects it; [name]\\u2019s rule, [name] says.'
    >>> redact("Gwendolyn is not Gwen.", ["Gwen"])
    'Gwendolyn is not [name].'
    >>> redact("In June, June Abernathy joined; June ran it.", ["June", "June Abernathy"])
    'In June, [name] joined; [name] ran it.'
    """
    return _cached_redactor(tuple(sorted(set(map(str, names)))), placeholder, ignore_case)(text)


@lru_cache(maxsize=32)
def _cached_redactor(names: tuple[str, ...], placeholder: str, ignore_case: bool) -> Redactor:
    return Redactor(frozenset(names), placeholder=placeholder, ignore_case=ignore_case)


def name_like_label(label: str) -> bool:
    """True for a speaker label that may be a person's name, in any case (``Tasha``, ``jose``, ``GWEN``).

    Examples
    --------
    >>> name_like_label("jose"), name_like_label("Interviewer"), name_like_label("speaker_01"), name_like_label("p3")
    (True, False, False, False)
    """
    from .transcripts.roster import looks_like_name

    text = " ".join(str(label).split())
    return bool(text) and looks_like_name(text[:1].upper() + text[1:])


def known_names(private_names: Iterable[str], speaker_labels: Iterable[str] = ()) -> set[str]:
    """Names to redact from a project's outputs.

    The roster names and aliases the project kept at import (``private_names``), and every
    speaker label that looks like a personal name in any case (:func:`name_like_label`: not
    ``Interviewer``, ``P3`` or ``SPEAKER_00``), each in NFC. A label made only of English words
    none of which is a first name or surname of the census lists (``COUNSELOR``, ``Clinic
    Director``) names a role, not a person, and is left out: redacted, it would turn every
    "Counselor" of a report into ``[name]``. ``June`` or ``Baker`` are names too and stay in.

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
    >>> sorted(known_names(["Renata Solis", "COUNSELOR"], ["Jane Doe", "INTERVIEWER", "P3", "SPEAKER_00", "tasha",
    ...                                                   "COUNSELOR"]))
    ['Jane Doe', 'Renata Solis', 'tasha']
    """
    names = {normalize_name(n) for n in private_names if str(n).strip()}
    labels = {normalize_name(label) for label in speaker_labels if label and name_like_label(label)}
    _english_among({fold(w) for label in labels for w in re.findall(r"[^\W\d_]+", label)})  # one pass for all labels
    roles = {label for label in labels if _role_words(label)}  # also kept among the private names at import
    return (names - roles) | (labels - roles)


def _role_words(label: str) -> bool:
    """True for a label of English words none of which is a census first name or surname (``Supervisor``)."""
    words = [fold(w) for w in re.findall(r"[^\W\d_]+", label)]
    if not words or set(words) - _english_among(words):
        return False
    return not any(_in_census(w) for w in words)


def _in_census(word: str) -> bool:
    """``word`` (folded) is a first name or surname of the census lists (:func:`_census_names`), looked up in the
    lists' text: a few words (a project's role labels, on every ``mio-qual log``) need no 0.1 s of set building."""
    if not word.isascii() or not word.isalpha():
        return False
    key = "\n" + word.upper() + " "
    return any(key in text for text in _census_texts())


@lru_cache(maxsize=1)
def _census_texts() -> tuple[str, ...]:
    """The three census lists as text, each starting with a newline (one name per line, upper case, then figures)."""
    from pathlib import Path

    import names as names_package

    folder = Path(names_package.__file__).parent
    return tuple("\n" + (folder / f).read_text(encoding="ascii")
                 for f in ("dist.male.first", "dist.female.first", "dist.all.last"))


def neutral_ids(transcript_ids: Iterable[str], names: Iterable[str]) -> dict[str, str]:
    """A neutral id (``T01``, ``T02`` ...) for each transcript id that contains a name.

    A file name's separators (``_``, ``-``, ``.``) count as spaces, so ``Hollis_Tran_interview``
    contains ``Hollis Tran``. The number is the id's place among all ids sorted, so the same
    project always gives the same neutral ids.

    Examples
    --------
    >>> neutral_ids(["INT01", "Hollis_Tran_interview", "gwen-2"], ["Hollis Tran", "Gwen"])
    {'Hollis_Tran_interview': 'T01', 'gwen-2': 'T03'}
    """
    ids = sorted({str(t) for t in transcript_ids})
    redactor = _cached_redactor(tuple(sorted(set(map(str, names)))), PLACEHOLDER, True)
    width = max(2, len(str(len(ids))))
    out = {}
    for n, tid in enumerate(ids, start=1):
        spaced = re.sub(r"[_\-.]+", " ", tid)
        if PLACEHOLDER in redactor(spaced) and PLACEHOLDER not in spaced:
            label = f"T{n:0{width}d}"
            out[tid] = label if label not in ids else f"{label}-anon"
    return out


def site_labels(clinics: Iterable[str], agencies: Iterable[str] = ()) -> dict[str, str]:
    """Stable labels for site names: ``clinic A``, ``clinic B`` ... and ``agency A`` ... in sorted order.

    Examples
    --------
    >>> site_labels(["northside", "eastgate"], ["Harbor Services"])
    {'eastgate': 'clinic A', 'northside': 'clinic B', 'Harbor Services': 'agency A'}
    """
    out: dict[str, str] = {}
    for kind, values in (("clinic", clinics), ("agency", agencies)):
        for n, value in enumerate(sorted({str(v).strip() for v in values if v and str(v).strip()})):
            letters = ""
            k = n
            while True:
                letters = chr(ord("A") + k % 26) + letters
                k = k // 26 - 1
                if k < 0:
                    break
            out.setdefault(value, f"{kind} {letters}")
    return out


def make_redactor(names: Iterable[str], extra: Iterable[str] = (), *,
                  replacements: Mapping[str, str] | None = None) -> Redactor:
    """The :class:`Redactor` of ``names``, ``extra`` (phrases matched wherever they occur, even ordinary words)
    and literal ``replacements`` (longest first).

    Examples
    --------
    >>> make_redactor({"Gwen"}, ["Ms.  Harlow"])("Gwen met Ms. Harlow.")
    '[name] met [name].'
    """
    phrases = frozenset(normalize_name(n) for n in extra if str(n).strip())
    pairs = sorted((replacements or {}).items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return Redactor(frozenset(normalize_name(n) for n in names if str(n).strip()), tuple(pairs), phrases=phrases)


# ------------------------------------------------------------------------------ names to review
_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "nurse", "coach", "pastor", "officer", "judge")
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|[" + re.escape(APOSTROPHES) + r"](?=[^\W\d_])|-(?=[^\W\d_]))*")


@lru_cache(maxsize=1)
def _census_names() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames of the US Census Bureau's 1990 name frequency lists.

    The ``names`` package (PyPI, MIT licence) ships the three lists unchanged.
    """
    from pathlib import Path

    import names as names_package

    folder = Path(names_package.__file__).parent

    def read(*files: str) -> frozenset[str]:
        out = set()
        for file in files:
            for line in (folder / file).read_text(encoding="ascii").splitlines():
                if line.strip():
                    out.add(line.split()[0].casefold())
        return frozenset(out)

    return read("dist.male.first", "dist.female.first"), read("dist.all.last")


def name_review(texts: Mapping[str, str], names: Iterable[str], *, ignore: Iterable[str] = ()) -> "pd.DataFrame":
    """Capitalised words that may be personal names but are not on the roster, for an analyst to review.

    A word is listed when it is capitalised, not a roster name or alias, not an ordinary
    English word (:func:`is_common_word`), and either a first name or surname of the US
    Census Bureau's 1990 name lists (the ``names`` package ships them), follows a title
    (``Ms``, ``Dr``, ``Coach`` ...), or is unknown to the English word list (capitalised in
    mid-sentence, or opening a sentence: an unlisted name often opens one; the list is the lemma
    table with WordNet's adjectives, adverbs and verbs and spaCy's stop words, :func:`_review_words`; a
    sentence-opening word that English text writes in lower case more often, ``Audio``, is a word: spaCy's
    ``en_lexeme_prob``). Aliases that are common words and were left alone as ordinary words
    (``in June``) are listed too, so every unredacted use is seen once.

    A census name that is also an ordinary word (``Tom``, ``Will``, ``Grace``) is listed only where it is
    used as a name: capitalised in mid-sentence (``Keisha and Tom``; not inside a capitalised phrase of
    ordinary words, ``Group Room B``), after a title, or opening a sentence with a possessive, a verb of
    saying or a surname after it (``Grace's office``, ``Carol runs it``, ``Mark Oduya``), or a first name
    addressing someone: a comma, then a clause with ``you`` or a request (``Sandy, can you come?``, ``Will,
    please sit``; :func:`_addressed`; not a discourse marker, ``Well, you know``, ``See, you``); never a stop
    word opening a sentence otherwise (``You``, ``He's``). A census name opening a sentence that spaCy's Brown clusters
    (``en_lexeme_cluster``) put with the interjections (``Oh, a lot of our moms``) is not listed there.
    All lookups come with spacy-lookups-data; no model is downloaded.

    Parameters
    ----------
    texts : mapping of str to str
        Transcript id -> text.
    names : iterable of str
        The names already redacted (roster names, aliases, name-like labels).
    ignore : iterable of str
        Words never to list (code names, place names the analyst has cleared).

    Returns
    -------
    DataFrame
        Columns ``word``, ``why``, ``occurrences``, ``transcripts``, ``example`` (the first
        occurrence in its sentence, other names redacted), most frequent first.
    """
    import pandas as pd

    redactor = make_redactor(names)
    first, last = _census_names()
    known = {fold(part) for n in redactor.names for part in n.split()}
    skip = {fold(w) for w in ignore}
    found: dict[str, dict[str, object]] = {}

    def note(word: str, why: str, tid: str, text: str, start: int, end: int) -> None:
        entry = found.setdefault(fold(word), {"word": word, "why": why, "occurrences": 0, "transcripts": set(),
                                               "example": ""})
        entry["occurrences"] = int(entry["occurrences"]) + 1  # type: ignore[call-overload]
        entry["transcripts"].add(tid)  # type: ignore[union-attr]
        if not entry["example"]:
            left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
            right_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
            right = min(right_candidates) + 1 if right_candidates else len(text)
            sentence = " ".join(text[left:right].split())[:200]
            entry["example"] = redactor(sentence)

    lower_words: set[str] = set()
    normalized = {tid: unicodedata.normalize("NFC", text or "") for tid, text in texts.items()}
    for text in normalized.values():
        lower_words.update(m.group(0) for m in re.finditer(r"(?<!\w)[a-z][a-z]+(?!\w)", text))
    for tid, text in normalized.items():
        for match in _TOKEN.finditer(text):
            word = re.split(f"[{re.escape(APOSTROPHES)}]", match.group(0))[0]
            key = fold(word)
            if not word[:1].isupper() or len(word) < 2 or word.isupper() or key in known or key in skip \
                    or key in _TITLES:
                continue
            if key in MONTHS or key in WEEKDAYS or key.rstrip("s") in WEEKDAYS:
                continue
            census = "first name" if key in first else "surname" if key in last else ""
            ordinary = is_common_word(word) or (bool(census) and _review_english(key))
            if key in lower_words and not (census and ordinary):  # "will" in lower case does not clear "asked Will"
                continue
            start, end = match.start(), match.start() + len(word)
            previous = re.findall(r"[^\W\d_]+", text[max(0, start - 8):start])
            if previous and previous[-1].casefold() in _TITLES and (census or not ordinary):
                why = "follows a title"
            elif ordinary:  # Tom, Will, Grace: a name only where used as one
                if not census:
                    continue
                if _mid_sentence(text, start):
                    if _in_capitalised_phrase(text, start):
                        continue  # "Group Room B": a capitalised phrase of ordinary words, a place's name
                    why = f"{census}, also a word, capitalised mid-sentence"
                elif _sentence_start(text, start) and not _stop_word(key) and \
                        _name_context(text, end, census == "first name"):  # not "You mentioned", "He's"
                    why = f"{census}, also a word, used as a name"
                elif census == "first name" and _sentence_start(text, start) and _addressed(text, end, key):
                    why = "first name, also a word, addressed by name (a comma, then you or a request)"
                else:
                    continue
            elif census:
                if _sentence_start(text, start) and not _mid_sentence(text, start) and _interjection(word):
                    continue  # "Oh, a lot of our moms": the interjection, not the surname
                why = census
            elif _mid_sentence(text, start) and not _review_english(key):
                why = "capitalised mid-sentence (a name or a place?)"
            elif not _review_english(key) and not _mostly_lower(word):  # "Wrenna, our supervisor, ..." opens a turn
                why = "opens a sentence and is no English word (a name?)"
            else:
                continue
            note(word, why, tid, text, start, end)
        for word in redactor.left_as_words(text):
            pos = text.find(word)
            note(word, "roster alias left as an ordinary word", tid, text, pos, pos + len(word))
    rows = [{**v, "transcripts": ", ".join(sorted(v["transcripts"]))} for v in found.values()]  # type: ignore[arg-type]
    frame = pd.DataFrame(rows, columns=["word", "why", "occurrences", "transcripts", "example"])
    return frame.sort_values(["occurrences", "word"], ascending=[False, True], kind="stable").reset_index(drop=True)


__all__ = ["Redactor", "redact", "redact_frame", "known_names", "make_redactor", "name_review", "neutral_ids", "site_labels",
           "is_common_word", "name_like_label", "normalize_name", "fold", "name_pattern", "PLACEHOLDER"]

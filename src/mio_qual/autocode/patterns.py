"""Codebook keyword patterns compiled into one spaCy phrase matcher.

The keyword syntax (phrases, ``word*`` prefixes, ``!word`` exclusions) is defined in
:mod:`mio_qual.codebook.keywords`; this module makes it run fast on the shared tokenizer.

How matching works
------------------
The codebook says a plain word matches a token when the lemma of the lower-cased token equals
the lemma of the word. Both sides are reduced to one *key*: the lookup lemma
(``spacy-lookups-data``'s English ``lemma_lookup`` table, the one the lemmatizer of
:func:`mio_qual.nlp.get_nlp` uses) of the lower-cased text. The key depends on the word type
only, never on the token in context, so it is computed once per vocabulary entry and stored as
the lexeme's ``NORM`` in a private blank English pipeline (the tokenizer is the one
:func:`mio_qual.nlp.get_nlp` uses). Tokens then carry their keys with no per-token Python, and
one :class:`spacy.matcher.PhraseMatcher` on ``NORM`` finds every pattern.

A prefix word ``stem*`` matches any token whose lower-cased text starts with ``stem``. The
private vocabulary records, once per word type, the longest keyword stem the word starts with
(in the lexeme's ``PREFIX`` attribute, which nothing else in that pipeline reads), and the
keys of the words seen so far that start with each stem. A pattern with prefix words is
entered in the phrase matcher once for each combination of those keys, and grows as new words
appear (checked before each batch is matched). Because two words can share a key without both
starting with the stem ("saw" and "seeing" share ``see``), every such match is then confirmed
on the tokens' stems. spaCy's token :class:`~spacy.matcher.Matcher` is not used: with the
170-odd prefix patterns of the bundled codebooks it runs about a hundred times slower than the
tokenizer.

Texts are matched in batches joined into one doc, and the work per match (finding each
text, confirming prefixes, negation, offsets) is done by numpy for the whole batch; on the
generated 10-million-word corpus the rule coder runs at about half the speed of spaCy's
tokenizer alone, with flat memory (``benchmarks/autocode.py``).

Tokenizer exceptions keep their own norms (``n't`` has the norm ``not``, ``ca`` in "can't" the
norm ``can``), which the negation check relies on.

Filters applied to every match
------------------------------
* **Exclusion** (``!word`` in the pattern): the match is dropped when any token of its sentence
  matches an exclusion word.
* **Negation** (behaviour of the rule coder, not of the keyword syntax): the match is dropped
  when one of the ``negation_window`` tokens before its first token (default 3) is a negator
  (``no``, ``not``, ``never``, ``n't``, ``without``, ``cannot`` by default). The look-back
  stops at clause punctuation (``, ; : ( ) [ ] -- . ! ?``) and at line breaks, so in "No,
  protected time was never a problem" the "No," does not cancel "protected time". Set the
  window to 0 to keep negated mentions, which CFIR coding often wants: "we have no funding" is
  still talk about Funding, with a negative valence.

A *sentence* is the whole text when the caller gives sentence units
(``split_sentences=False``, what the project rule coder does with its stored sentences);
otherwise it runs between sentence-final punctuation tokens (the punctuation set of spaCy's
``Sentencizer``) or line breaks, found only around a match that has exclusions.
"""

from __future__ import annotations

from itertools import product
from itertools import chain as _chain_iter
from itertools import repeat as _repeat
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

#: Words that cancel a keyword hit shortly after them (compared on their lemma keys; the
#: tokenizer gives ``n't`` the key ``not``).
DEFAULT_NEGATORS: frozenset[str] = frozenset({"no", "not", "never", "without", "cannot"})
#: Tokens before a hit inspected for a negator.
DEFAULT_NEGATION_WINDOW = 3
#: Tokens that end the negation look-back.
CLAUSE_PUNCT: frozenset[str] = frozenset({",", ";", ":", "(", ")", "[", "]", "--", "—", "–", ".", "!", "?",
                                          "...", "…"})
#: Whitespace tokens holding a line break end a clause and a sentence (they all get the key "\n").
_BREAKS = ("\n",)
#: Separator put between the texts of one batch.
_SEPARATOR = "\n\n"


class Hit(NamedTuple):
    """One keyword match that survived the exclusion and negation filters.

    Attributes
    ----------
    code : str
        The code whose keyword matched.
    pattern : str
        The keyword pattern as the codebook wrote it.
    start, end : int
        Character offsets of the matched words in the text given to the matcher.
    text : str
        The matched words as they appear in the text.
    """

    code: str
    pattern: str
    start: int
    end: int
    text: str


_new_hit = tuple.__new__  # builds Hit tuples in bulk (map) without a Python call per hit


class Dropped(NamedTuple):
    """A match removed by a filter (for diagnostics and tests)."""

    code: str
    pattern: str
    start: int
    end: int
    text: str
    reason: str  # "negated" or "excluded:<word>"


_chain = _chain_iter.from_iterable


class _Rows:
    """The hits of one batch of texts as columns; Hit tuples are made per text when asked for.

    Making them only when a text's hits are taken lets them die young when the caller drops
    them (a run of millions of hits then never fills Python's oldest GC generation).
    """

    __slots__ = ("n", "codes", "raws", "starts", "ends", "a0", "a1", "joined", "first")

    def __init__(self, n: int) -> None:
        self.n = n
        self.first: list[int] | None = None

    def hits(self, u: int) -> list[Hit]:
        """The hits of text ``u`` of the batch."""
        if self.first is None:
            return []
        lo, hi = self.first[u], self.first[u + 1]
        if lo == hi:
            return []
        return list(map(_new_hit, _repeat(Hit), zip(
            self.codes[lo:hi], self.raws[lo:hi], self.starts[lo:hi], self.ends[lo:hi],
            map(self.joined.__getitem__, map(slice, self.a0[lo:hi], self.a1[lo:hi])))))


class _Pattern(NamedTuple):
    code: str
    raw: str
    spec: tuple[tuple[bool, Any], ...]  # per token: (False, norm hash) or (True, stem text)
    exclude: tuple[tuple[tuple[bool, Any], ...], ...]  # each exclusion word as a token spec
    exclude_words: tuple[str, ...]  # the exclusion words as written (for the drop reason)


def lemma_table() -> Any:
    """The English lookup lemma table of the shared pipeline (:func:`mio_qual.nlp.get_nlp`)."""
    from ..nlp import get_nlp

    return get_nlp(lemmatize=True).get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


def _sentence_punct() -> frozenset[str]:
    from spacy.pipeline.sentencizer import Sentencizer

    return frozenset(Sentencizer.default_punct_chars)


class KeywordMatcher:
    """All keyword patterns of a codebook, compiled for fast matching.

    Parameters
    ----------
    keywords : Codebook or mapping of code id to sequence of str
        A :class:`~mio_qual.codebook.Codebook` (its codes' ``keywords`` are used) or a plain
        ``{code: [pattern, ...]}`` mapping.
    negation_window : int
        Tokens before a hit searched for a negator (0 turns the negation filter off).
    negators : iterable of str
        Negator words (compared on their lemma keys).
    codes : sequence of str, optional
        Only compile these codes' keywords.

    Raises
    ------
    InputError
        When a keyword pattern breaks the syntax (names the code and the pattern).

    Examples
    --------
    >>> m = KeywordMatcher({"IS.A3": ["protected time"], "MIO.REC": ["record* session*"]})
    >>> [(h.code, h.text) for h in m.match("We had protected time. They recorded sessions.")]
    [('IS.A3', 'protected time'), ('MIO.REC', 'recorded sessions')]
    >>> m.match("We never had protected time.")
    []
    """

    def __init__(self, keywords: Any, *, negation_window: int = DEFAULT_NEGATION_WINDOW,
                 negators: Iterable[str] = DEFAULT_NEGATORS, codes: Sequence[str] | None = None) -> None:
        from ..codebook.keywords import KeywordSyntaxError, parse_keyword

        if negation_window < 0:
            raise InputError("the negation window must be 0 or more tokens")
        mapping = _keyword_mapping(keywords)
        wanted = set(codes) if codes is not None else None
        parsed: list[tuple[str, Any]] = []
        for code, patterns in mapping.items():
            if wanted is not None and code not in wanted:
                continue
            for raw in patterns:
                try:
                    parsed.append((code, parse_keyword(raw)))
                except KeywordSyntaxError as exc:
                    raise InputError(f"code {code}: {exc}", hint="fix the keyword in the codebook") from None
        self.negation_window = int(negation_window)
        self._stems = {t.text for _, p in parsed for t in (*p.terms, *p.exclude) if t.prefix}
        self._pending: list[str] = []  # new words that start with a stem, not yet in the matcher
        self.nlp = self._build_nlp()
        strings = self.nlp.vocab.strings
        self.negators = frozenset(strings.add(self._norm_of(w)) for w in negators)
        self._clause = frozenset(strings.add(self._norm_of(p)) for p in (*CLAUSE_PUNCT, *_BREAKS))
        self._sent_end = frozenset(strings.add(self._norm_of(p)) for p in _sentence_punct())
        self._breaks = frozenset(strings.add(self._norm_of(p)) for p in _BREAKS)
        self._compile(parsed)

    # ------------------------------------------------------------------ the private pipeline
    def _build_nlp(self) -> "Language":
        import spacy
        from spacy.attrs import NORM, PREFIX

        table = lemma_table()
        stems = self._stems
        by_length = sorted({len(s) for s in stems}, reverse=True)
        pending = self._pending

        def norm_key(text: str) -> str:
            if text.isspace():  # runs of whitespace: a line break, or just space
                return "\n" if "\n" in text else " "
            low = text.lower()
            return table.get(low, low)

        def stem_key(text: str) -> str:
            low = text.lower()
            for n in by_length:
                if low[:n] in stems:
                    pending.append(text)
                    return low[:n]
            return ""

        nlp = spacy.blank("en")
        nlp.max_length = 50_000_000
        getters = nlp.vocab.lex_attr_getters
        getters[NORM] = norm_key
        getters[PREFIX] = stem_key
        for lexeme in list(nlp.vocab):
            lexeme.norm_ = norm_key(lexeme.orth_)
            lexeme.prefix_ = stem_key(lexeme.orth_)
        self._norm_of = norm_key
        self._stem_of = stem_key
        return nlp

    def _word_spec(self, word: str) -> list[tuple[bool, Any]]:
        """Token spec of one plain pattern word (several tokens when the tokenizer splits it)."""
        from spacy.attrs import NORM

        doc = self.nlp.make_doc(word)
        return [(False, int(v)) for v in doc.to_array([NORM])] if len(doc) else []

    def _compile(self, parsed: list[tuple[str, Any]]) -> None:
        import numpy as np
        from spacy.attrs import NORM
        from spacy.matcher import PhraseMatcher

        vocab = self.nlp.vocab
        self.matcher = PhraseMatcher(vocab, attr=NORM)
        self.patterns: list[_Pattern] = []
        self._key_of: dict[int, int] = {}  # match key hash -> pattern index
        self._keys: list[str] = []
        self._by_stem: dict[str, list[tuple[int, int]]] = {}  # stem -> (pattern, position)
        self._stem_keys: dict[str, set[int]] = {s: set() for s in self._stems}  # stem -> norm hashes seen
        for code, p in parsed:
            spec: list[tuple[bool, Any]] = []
            for term in p.terms:
                if term.prefix:
                    spec.append((True, term.text))
                else:
                    spec.extend(self._word_spec(term.text))
            exclude = tuple(((True, t.text),) if t.prefix else tuple(self._word_spec(t.text)) for t in p.exclude)
            words = tuple(t.text + ("*" if t.prefix else "") for t in p.exclude)
            index = len(self.patterns)
            self.patterns.append(_Pattern(code, p.raw, tuple(spec), exclude, words))
            key = f"p{index}"
            self._keys.append(key)
            self._key_of[vocab.strings.add(key)] = index
            for j, (is_stem, value) in enumerate(spec):
                if is_stem:
                    self._by_stem.setdefault(value, []).append((index, j))
            if not any(is_stem for is_stem, _ in spec):
                self.matcher.add(key, [self._norm_doc([h for _, h in spec])])
        # prefix-word slots, flattened: pattern p owns slots [first[p], first[p] + count[p])
        stems_sorted = sorted(self._stems)
        self._stem_hashes = np.array(sorted(vocab.strings.add(t) for t in stems_sorted), dtype=np.uint64)
        stem_row = {t: i for i, t in enumerate(stems_sorted)}
        column = {int(h): i for i, h in enumerate(self._stem_hashes.tolist())}
        self._accepts = np.zeros((max(len(stems_sorted), 1), max(len(column), 1)), dtype=bool)
        for t in stems_sorted:
            for other in stems_sorted:
                if other.startswith(t):
                    self._accepts[stem_row[t], column[vocab.strings.add(other)]] = True
        first, counts, position, slot_stem = [], [], [], []
        for p in self.patterns:
            first.append(len(position))
            mine = [(j, value) for j, (is_stem, value) in enumerate(p.spec) if is_stem]
            counts.append(len(mine))
            position.extend(j for j, _ in mine)
            slot_stem.extend(stem_row[v] for _, v in mine)
        self._slot_first = np.array(first, dtype=np.int64)
        self._slot_count = np.array(counts, dtype=np.int64)
        self._slot_position = np.array(position, dtype=np.int64)
        self._slot_stem = np.array(slot_stem, dtype=np.int64)
        self._code_array = np.array([p.code for p in self.patterns] + [""], dtype=object)[:-1]
        self._raw_array = np.array([p.raw for p in self.patterns] + [""], dtype=object)[:-1]
        self._has_exclusion = np.array([bool(p.exclude) for p in self.patterns], dtype=bool)
        keys = sorted(self._key_of)
        self._key_sorted = np.array(keys, dtype=np.uint64)
        self._key_index = np.array([self._key_of[k] for k in keys], dtype=np.int64)
        self._code_of = [p.code for p in self.patterns]
        self._raw_of = [p.raw for p in self.patterns]
        self._negator_array = np.array(sorted(self.negators), dtype=np.uint64)
        self._clause_array = np.array(sorted(self._clause), dtype=np.uint64)
        self._expand()

    def _norm_doc(self, norms: Sequence[int]) -> "Doc":
        """A pattern doc whose tokens carry the given NORM hashes."""
        import numpy as np
        from spacy.attrs import NORM
        from spacy.tokens import Doc

        strings = self.nlp.vocab.strings
        doc = Doc(self.nlp.vocab, words=[strings[h] for h in norms])
        doc.from_array([NORM], np.array([[h] for h in norms], dtype="uint64"))
        return doc

    def _expand(self) -> None:
        """Enter the patterns with prefix words for the keys of words seen since the last call."""
        strings = self.nlp.vocab.strings
        while self._pending:
            words, self._pending[:] = list(self._pending), []
            fresh: dict[str, set[int]] = {}
            for word in words:
                low = word.lower()
                key = strings.add(self._norm_of(word))
                for stem in self._stems:
                    if low.startswith(stem) and key not in self._stem_keys[stem]:
                        self._stem_keys[stem].add(key)
                        fresh.setdefault(stem, set()).add(key)
            for stem, keys in fresh.items():
                for index, j in self._by_stem.get(stem, ()):
                    spec = self.patterns[index].spec
                    choices = [sorted(keys) if k == j else sorted(self._stem_keys[v]) if is_stem else [v]
                               for k, (is_stem, v) in enumerate(spec)]
                    docs = [self._norm_doc(combo) for combo in product(*choices)]
                    if docs:
                        self.matcher.add(self._keys[index], docs)

    # ------------------------------------------------------------------ introspection
    @property
    def codes(self) -> list[str]:
        """Codes that have at least one compiled pattern, in codebook order."""
        return list(dict.fromkeys(p.code for p in self.patterns))

    def __len__(self) -> int:
        return len(self.patterns)

    def key(self, word: str) -> str:
        """The lemma key a word is compared on (lookup lemma of its lower-cased text)."""
        return self._norm_of(word)

    # ------------------------------------------------------------------ matching
    def match(self, text: str, *, split_sentences: bool = True) -> list[Hit]:
        """Hits in one text, in text order (see :meth:`pipe`)."""
        return self._batch([text], split_sentences, None).hits(0)

    def explain(self, text: str, *, split_sentences: bool = True) -> tuple[list[Hit], list[Dropped]]:
        """Hits in one text, and the matches the exclusion and negation filters removed."""
        dropped: list[list[Dropped]] = [[]]
        hits = self._batch([text], split_sentences, dropped).hits(0)
        return hits, dropped[0]

    def pipe(self, texts: Iterable[str], *, split_sentences: bool = True,
             batch_chars: int = 200_000) -> Iterator[list[Hit]]:
        """Hits for each text (a list per text, in text order), streamed.

        Texts are tokenized and matched in batches of about ``batch_chars`` characters, joined
        into one doc by blank lines (no match, negation look-back or sentence crosses from one
        text into the next), so that numpy does the per-hit work of a whole batch at once.
        Memory stays flat however many texts come in.

        Parameters
        ----------
        texts : iterable of str
        split_sentences : bool
            Find sentence ends inside each text (True) or treat each text as one sentence
            (False: the caller gives sentence units).
        batch_chars : int
            Characters per batch.
        """
        batch: list[str] = []
        size = 0
        for text in texts:
            batch.append(text)
            size += len(text) + 2
            if size >= batch_chars:
                rows = self._batch(batch, split_sentences, None)
                yield from map(rows.hits, range(len(batch)))
                batch, size = [], 0
        if batch:
            rows = self._batch(batch, split_sentences, None)
            yield from map(rows.hits, range(len(batch)))

    def _batch(self, texts: list[str], split_sentences: bool, dropped: list[list[Dropped]] | None) -> "_Rows":
        import numpy as np
        from spacy.attrs import IDX, NORM, PREFIX

        out = _Rows(len(texts))
        if dropped is not None:
            dropped[:] = [[] for _ in texts]
        joined = _SEPARATOR.join(texts)
        doc = self.nlp.tokenizer(joined)
        if self._pending:
            self._expand()
        raw = self.matcher(doc)
        if not raw:
            return out
        table = doc.to_array([NORM, PREFIX, IDX])
        norm = table[:, 0]
        idx = table[:, 2]
        text_starts = np.cumsum([0] + [len(t) + len(_SEPARATOR) for t in texts[:-1]], dtype=np.int64)
        count = len(raw)
        flat = np.fromiter(_chain(raw), dtype=np.uint64, count=3 * count).reshape(count, 3)
        pattern = self._key_index[np.searchsorted(self._key_sorted, flat[:, 0])]
        start = flat[:, 1].astype(np.int64)
        end = flat[:, 2].astype(np.int64)
        hit_unit = np.searchsorted(text_starts, idx[start].astype(np.int64), side="right") - 1

        # prefix words: the key matched; check that each such token really starts with its stem
        slots = self._slot_count[pattern]
        if slots.any():
            rows = np.repeat(np.arange(count), slots)
            first = np.repeat(self._slot_first[pattern], slots)
            slot = first + (np.arange(len(rows)) - np.repeat(np.cumsum(slots) - slots, slots))
            token = start[rows] + self._slot_position[slot]
            stem_id = np.searchsorted(self._stem_hashes, table[token, 1])
            stem_id[stem_id >= len(self._stem_hashes)] = 0
            found = self._stem_hashes[stem_id] == table[token, 1]
            good = found & self._accepts[self._slot_stem[slot], stem_id]
            keep = np.ones(count, dtype=bool)
            keep[rows[~good]] = False
        else:
            keep = np.ones(count, dtype=bool)
        real = keep.copy() if dropped is not None else keep  # real pattern matches, before the filters
        reason = [""] * count if dropped is not None else None

        # exclusions: only patterns that have them, one sentence at a time
        excl = np.flatnonzero(keep & self._has_exclusion[pattern])
        if len(excl):
            unit = (np.searchsorted(text_starts, idx.astype(np.int64), side="right") - 1).tolist()
            norms, stems = norm.tolist(), table[:, 1].tolist()
            for i in excl.tolist():
                lo, hi = self._sentence(norms, unit, int(start[i]), int(end[i]), split_sentences)
                why = self._excluded(self.patterns[pattern[i]], norms, stems, lo, hi)
                if why is not None:
                    keep[i] = False
                    if reason is not None:
                        reason[i] = why

        # negation: a negator among the `window` tokens before the hit, same text, same clause
        if self.negation_window:
            alive = keep.copy()
            negated = np.zeros(count, dtype=bool)
            text_start = text_starts[hit_unit].astype(np.uint64)
            for k in range(1, self.negation_window + 1):
                t = np.maximum(start - k, 0)
                ok = alive & (start - k >= 0) & (idx[t] >= text_start)
                before = norm[t]
                ok &= ~np.isin(before, self._clause_array)
                is_negator = np.isin(before, self._negator_array)
                negated |= ok & is_negator
                alive = ok & ~is_negator
            if reason is not None:
                for i in np.flatnonzero(negated).tolist():
                    reason[i] = "negated"
            keep &= ~negated

        base = text_starts[hit_unit]
        c0 = idx[start].astype(np.int64)
        # a match ends where the next token starts, less the one space spaCy keeps on a token
        # (runs of spaces or line breaks are tokens of their own)
        after = np.append(idx, np.uint64(len(joined))).astype(np.int64)[end]
        chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        c1 = after - (chars[np.maximum(after - 1, 0)] == 32)
        order = np.lexsort((pattern, c1, c0))  # c0 orders texts too (offsets are in the joined text)
        kept = order[keep[order]]
        if len(kept):
            a0, a1 = c0[kept], c1[kept]
            rows = _Rows(len(texts))
            rows.codes = self._code_array[pattern[kept]].tolist()
            rows.raws = self._raw_array[pattern[kept]].tolist()
            rows.starts = (a0 - base[kept]).tolist()
            rows.ends = (a1 - base[kept]).tolist()
            rows.a0, rows.a1, rows.joined = a0.tolist(), a1.tolist(), joined
            rows.first = np.searchsorted(hit_unit[kept], np.arange(len(texts) + 1)).tolist()
            out = rows
        if dropped is not None and reason is not None:
            codes, raws = self._code_of, self._raw_of
            for i in order[real[order] & ~keep[order]].tolist():
                u, p = int(hit_unit[i]), int(pattern[i])
                a, b = int(c0[i] - base[i]), int(c1[i] - base[i])
                dropped[u].append(Dropped(codes[p], raws[p], a, b, texts[u][a:b], reason[i]))
        return out

    # ------------------------------------------------------------------ filters
    def _sentence(self, norm: list[int], unit: list[int], start: int, end: int, split: bool) -> tuple[int, int]:
        """Token range ``[lo, hi)`` of the sentence holding tokens ``[start, end)``.

        Never leaves the text the tokens are in. Punctuation is its own lemma key, so sentence
        ends are found on the keys; a line break also ends a sentence.
        """
        u = unit[start]
        n = len(norm)
        lo, hi = start, end
        if not split:
            while lo > 0 and unit[lo - 1] == u:
                lo -= 1
            while hi < n and unit[hi] == u:
                hi += 1
            return lo, hi
        ends, breaks = self._sent_end, self._breaks

        def begins(i: int) -> bool:  # a sentence starts at token i
            before = norm[i - 1]
            return unit[i - 1] != u or before in breaks or (before in ends and norm[i] not in ends)

        while lo > 0 and not begins(lo):
            lo -= 1
        while hi < n and unit[hi] == u and not begins(hi):
            hi += 1
        return lo, hi

    def _excluded(self, pattern: _Pattern, norm: list[int], stem: list[int], lo: int, hi: int) -> str | None:
        """``"excluded:<word>"`` when an exclusion word occurs in tokens ``[lo, hi)``, else None."""
        strings = self.nlp.vocab.strings
        for words, label in zip(pattern.exclude, pattern.exclude_words):
            n = len(words)
            for i in range(lo, hi - n + 1):
                for j, (is_stem, value) in enumerate(words):
                    if is_stem:
                        if not strings[stem[i + j]].startswith(value) if stem[i + j] else True:
                            break
                    elif norm[i + j] != value:
                        break
                else:
                    return "excluded:" + label
        return None


def _keyword_mapping(keywords: Any) -> dict[str, list[str]]:
    """``{code: [patterns]}`` from a Codebook or a mapping."""
    if isinstance(keywords, Mapping):
        return {str(code): [p] if isinstance(p, str) else list(p) for code, p in keywords.items()}
    codes = getattr(keywords, "codes", None)
    if codes is None:
        raise InputError("expected a codebook or a mapping of code ids to keyword patterns")
    return {code.id: list(code.keywords) for code in codes.values() if code.keywords}


__all__ = ["KeywordMatcher", "Hit", "Dropped", "lemma_table", "DEFAULT_NEGATORS", "DEFAULT_NEGATION_WINDOW",
           "CLAUSE_PUNCT"]

"""Code ids and human labels: their syntax, normalization and the lookup index.

Resolution (:meth:`LabelIndex.resolve`) turns whatever a coder typed into a code id, or
fails with suggestions; it never guesses. In order, a label may be:

1. an id (``is.j1``, `` IS . J1 ``), compared case-insensitively;
2. a name or alias (``Funding``, ``partnerships and connections``), compared after
   :func:`normalize_label`; then a qualified name ``<parent name>: <name>`` that codebooks
   get for free (``Available Resources: Funding``, ``Culture: Recipient-Centeredness``);
3. a hierarchy path as QDA programs write it (``Implementation Process\\Engaging\\Innovation
   Deliverers``, with ``\\``, ``>`` or ``::`` between levels), where the path decides
   between codes that share a last segment;
4. an id followed or preceded by free text (``IS.J1 Funding``, ``IS.J2 - no room``,
   ``Funding (IS.J1)``): the id wins, unless the text names a *different* code, which is an
   error.

A label that matches two codes at the same step is ambiguous and raises too.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..errors import UnknownCodeError

# A letter of any script (``\w`` less digits and underscore), and any word character.
_LETTER = r"[^\W\d_]"
_WORD = r"\w"
#: An id: letters (of any script), digits and underscores, dot-separated, starting with a
#: letter (``IS.J1``, ``OLTÁS_TÍPUSA``).
ID_RE = re.compile(rf"^{_LETTER}{_WORD}*(?:\.{_WORD}+)*$")
#: Dotted id-like tokens inside free text (``IS.J2``, ``MIO.REC``); bare words are not ids here.
ID_TOKEN_RE = re.compile(rf"(?<![\w.]){_LETTER}{_WORD}*(?:\.{_WORD}+)+(?![\w])")
_ID_PREFIX_RE = re.compile(rf"^\s*({_LETTER}{_WORD}*(?:\s*\.\s*{_WORD}+)*)(?:\s*[:\-–—|]\s*|\s+)(.+)$", re.S)
_ID_SUFFIX_RE = re.compile(rf"^(.+?)\s*[(\[]\s*({_LETTER}{_WORD}*(?:\s*\.\s*{_WORD}+)*)\s*[)\]]\s*$", re.S)
_PATH_SPLIT_RE = re.compile(r"\s*(?:\\|>|::)\s*")
_DASHES = "-‐‑‒–—_"
_SEPARATORS_RE = re.compile(r"[;,\n|]")


def normalize_id(text: str) -> str:
    """Case-fold an id and drop spaces around its dots: ``' is . j1 '`` -> ``'is.j1'``."""
    return re.sub(r"\s*\.\s*", ".", unicodedata.normalize("NFKC", text).strip()).casefold()


def normalize_label(text: str) -> str:
    """Normalize a human label for comparison.

    Unicode NFKC, case-folded; ``&`` read as ``and``; hyphens, dashes and underscores read as
    spaces; curly quotes straightened; spacing around ``:`` made uniform; runs of whitespace
    collapsed; surrounding quotes and trailing ``. , ;`` dropped.

    Examples
    --------
    >>> normalize_label("  Available   Resources :funding ")
    'available resources: funding'
    >>> normalize_label("Partnerships & Connections") == normalize_label("partnerships and connections")
    True
    """
    s = unicodedata.normalize("NFKC", text).casefold()
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = s.replace("&", " and ")
    for dash in _DASHES:
        s = s.replace(dash, " ")
    s = re.sub(r"\s*:\s*", ": ", s)
    s = " ".join(s.split())
    s = s.strip("\"' ").rstrip(".,; ").strip()
    return s


@dataclass
class _Entry:
    code_id: str
    name: str
    parent: str | None
    aliases: tuple[str, ...]


class AmbiguousCodeError(UnknownCodeError):
    """A label that matches more than one code; ``suggestions`` lists them all."""

    def __init__(self, label: str, candidates: Sequence[str], *, why: str = "") -> None:
        super().__init__(label, suggestions=list(candidates))
        self.message = f"ambiguous code label {label!r}" + (f" ({why})" if why else "")
        self.hint = "it could be " + " or ".join(candidates) + "; write the id instead"
        self.args = (self.one_line(),)


@dataclass
class LabelIndex:
    """Lookup tables from normalized labels to code ids.

    Build it with :meth:`build`; :class:`~mio_qual.codebook.model.Codebook` keeps one.
    """

    ids: dict[str, str] = field(default_factory=dict)  # normalized id -> id
    names: dict[str, list[str]] = field(default_factory=dict)  # names and aliases
    qualified: dict[str, list[str]] = field(default_factory=dict)  # "parent name: name"
    short: dict[str, list[str]] = field(default_factory=dict)  # "X" of "Parent: X" (paths only)
    entries: dict[str, _Entry] = field(default_factory=dict)
    _labels_cache: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, codes: Iterable[tuple[str, str, str | None, Sequence[str]]]) -> "LabelIndex":
        """Index ``(id, name, parent_id, aliases)`` tuples, given parents before or after children."""
        index = cls()
        for code_id, name, parent, aliases in codes:
            index.entries[code_id] = _Entry(code_id, name, parent, tuple(aliases))
            index.ids.setdefault(normalize_id(code_id), code_id)
        for entry in index.entries.values():
            for label in (entry.name, *entry.aliases):
                _add(index.names, normalize_label(label), entry.code_id)
            parent = index.entries.get(entry.parent) if entry.parent else None
            if parent is not None:
                own = normalize_label(entry.name)
                pname = normalize_label(parent.name)
                if own.startswith(pname + ": "):
                    _add(index.short, own[len(pname) + 2 :], entry.code_id)
                else:
                    for plabel in (parent.name, *parent.aliases):
                        for label in (entry.name, *entry.aliases):
                            _add(index.qualified, f"{normalize_label(plabel)}: {normalize_label(label)}", entry.code_id)
        return index

    # ----------------------------------------------------------------- lookups
    def labels_of(self, code_id: str) -> frozenset[str]:
        """Every normalized label (id, name, aliases, short name, ``id name``) of a code."""
        cached = self._labels_cache.get(code_id)
        if cached is None:
            cached = self._labels_cache[code_id] = frozenset(self._compute_labels(code_id))
        return cached

    def _compute_labels(self, code_id: str) -> set[str]:
        entry = self.entries[code_id]
        out = {normalize_id(code_id), normalize_label(entry.name)}
        out.update(normalize_label(a) for a in entry.aliases)
        out.update(k for k, v in self.short.items() if code_id in v)
        out.add(f"{normalize_id(code_id)} {normalize_label(entry.name)}")
        return out

    def _ancestors(self, code_id: str) -> list[str]:
        out: list[str] = []
        seen = {code_id}
        cur = self.entries[code_id].parent
        while cur and cur in self.entries and cur not in seen:
            out.append(cur)
            seen.add(cur)
            cur = self.entries[cur].parent
        return out

    def _by_label(self, key: str) -> list[str]:
        """Ids whose name/alias (tier 1) or else qualified name (tier 2) is ``key``."""
        hits = self.names.get(key) or self.qualified.get(key) or []
        return list(dict.fromkeys(hits))

    def exact(self, label: str) -> str | None:
        """The id ``label`` names as an id, name, alias or qualified name; None otherwise
        (also when ambiguous). No id-with-text or path rules."""
        if not isinstance(label, str):
            return None
        found = self._id_of(label)
        if found:
            return found
        hits = self._by_label(normalize_label(label))
        return hits[0] if len(hits) == 1 else None

    def _id_of(self, text: str) -> str | None:
        return self.ids.get(normalize_id(text))

    def resolve(self, label: str) -> str:
        """Return the id ``label`` denotes, following the rules in the module docstring.

        Raises
        ------
        UnknownCodeError
            No code matches; ``suggestions`` holds close matches (never applied).
        AmbiguousCodeError
            Several codes match; ``suggestions`` holds all of them.
        """
        if not isinstance(label, str) or not label.strip():
            raise UnknownCodeError(str(label) if label is not None else "", [])
        found = self._id_of(label)
        if found:
            return found
        key = normalize_label(label)
        hits = self._by_label(key)
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise AmbiguousCodeError(label, hits)
        if _PATH_SPLIT_RE.search(label):
            result = self._resolve_path(label)
            if result is not None:
                return result
        result = self._resolve_id_with_text(label)
        if result is not None:
            return result
        raise UnknownCodeError(label, self.suggest(label))

    def _resolve_id_with_text(self, label: str) -> str | None:
        for regex, id_group, text_group in ((_ID_PREFIX_RE, 1, 2), (_ID_SUFFIX_RE, 2, 1)):
            m = regex.match(label)
            if not m:
                continue
            code_id = self._id_of(m.group(id_group))
            if code_id is None:
                continue
            rest = normalize_label(m.group(text_group))
            if not rest:
                return code_id
            others = [c for c in self._by_label(rest) if c != code_id]
            if rest in self.labels_of(code_id) or not others:
                return code_id
            raise AmbiguousCodeError(
                label, [code_id, *others], why=f"the id says {code_id} but the text names {', '.join(others)}"
            )
        return None

    def _resolve_path(self, label: str) -> str | None:
        segments = [s for s in _PATH_SPLIT_RE.split(label.strip()) if s.strip()]
        if len(segments) < 2:
            return None
        last = segments[-1]
        direct = self._id_of(last)
        if direct is None:
            m = _ID_PREFIX_RE.match(last) or None
            if m and self._id_of(m.group(1)):
                direct = self._resolve_id_with_text(last)
        if direct is not None:
            return direct
        key = normalize_label(last)
        pool = set(self.names.get(key, ())) | set(self.short.get(key, ())) | set(self.qualified.get(key, ()))
        keys_before = [normalize_label(s) for s in segments[:-1]]
        ids_before = [normalize_id(s) for s in segments[:-1]]
        matches = []
        for cid in sorted(pool):
            chain = list(reversed(self._ancestors(cid)))  # root first
            pos = 0
            ok = True
            for nkey, nid in zip(keys_before, ids_before):
                while pos < len(chain) and not ({nkey, nid} & self.labels_of(chain[pos])):
                    pos += 1
                if pos == len(chain):
                    ok = False
                    break
                pos += 1
            if ok:
                matches.append(cid)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise AmbiguousCodeError(label, matches)
        return None

    def suggest(self, label: str, n: int = 5) -> list[str]:
        """Up to ``n`` ids whose id, name or alias is close to ``label`` (difflib ratio >= 0.6)."""
        key = normalize_label(label)
        candidates: dict[str, list[str]] = {}
        for table in (self.names, self.qualified, self.short):
            for k, ids in table.items():
                candidates.setdefault(k, []).extend(ids)
        for nid, cid in self.ids.items():
            candidates.setdefault(nid, []).append(cid)
        out: list[str] = []
        probes = [key, normalize_id(label)]
        for probe in probes:
            for match in difflib.get_close_matches(probe, list(candidates), n=n * 2, cutoff=0.6):
                for cid in candidates[match]:
                    if cid not in out:
                        out.append(cid)
        if not out and key:
            words = f" {key} "
            for k, ids in candidates.items():
                if words in f" {k} " or f" {k} " in words:
                    for cid in ids:
                        if cid not in out:
                            out.append(cid)
        return out[:n]


def _add(table: dict[str, list[str]], key: str, code_id: str) -> None:
    if not key:
        return
    bucket = table.setdefault(key, [])
    if code_id not in bucket:
        bucket.append(code_id)


def find_labels(text: str, index: LabelIndex) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """Find every code named in a free-text comment; see :meth:`Codebook.find_codes`.

    Text without separators is resolved as one label; otherwise it is split on
    ``; , | newline`` (unless the whole text is exactly one code's name) and each piece is
    resolved. A piece that is not a label but mentions dotted ids
    (``see IS.J2 and IS.A1``) contributes those ids.

    Returns
    -------
    (ids, problems)
        Ids in order of first mention (no repeats), and for each piece or id-like token that
        named no code a tuple ``(piece, message, suggested ids)``.
    """
    ids: list[str] = []
    problems: list[tuple[str, str, list[str]]] = []
    if not isinstance(text, str) or not text.strip():
        return ids, problems
    if not _SEPARATORS_RE.search(text):
        try:
            return [index.resolve(text.strip())], problems
        except UnknownCodeError:
            pass
    else:
        whole = index.exact(text.strip())
        if whole is not None:  # a name that itself contains a comma
            return [whole], problems
    roots = {nid.split(".")[0] for nid in index.ids}
    for piece in re.split(r"[;,\n|]+", text):
        piece = piece.strip().strip(".").strip()
        if not piece:
            continue
        try:
            cid = index.resolve(piece)
        except AmbiguousCodeError as exc:
            problems.append((piece, f"{piece!r}: {exc.message} ({exc.hint})", exc.suggestions))
            continue
        except UnknownCodeError as exc:
            tokens = ID_TOKEN_RE.findall(piece)
            hits = [index.ids.get(normalize_id(t)) for t in tokens]
            if any(hits):
                for t, cid in zip(tokens, hits):
                    if cid is not None:
                        if cid not in ids:
                            ids.append(cid)
                    elif normalize_id(t).split(".")[0] in roots:
                        sugg = index.suggest(t)
                        problems.append(
                            (t, f"{t!r} is not a code id" + (f" (did you mean {' or '.join(sugg)}?)" if sugg else ""), sugg)
                        )
                continue
            problems.append((piece, f"{piece!r}: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""), exc.suggestions))
            continue
        if cid not in ids:
            ids.append(cid)
    return ids, problems

"""The codebook objects analysts work with: :class:`Code` and :class:`Codebook`."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from ..errors import UnknownCodeError
from .labels import LabelIndex, find_labels

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The levels a code can have, from the top of the tree down.
LEVELS: tuple[str, ...] = ("domain", "construct", "subconstruct", "code")

#: Text fields of a code, in the order manuals and tables show them.
TEXT_FIELDS: tuple[str, ...] = ("definition", "use_when", "not_when", "example")
#: List fields of a code.
LIST_FIELDS: tuple[str, ...] = ("keywords", "aliases", "refines")


def normalize_text(value: str | None) -> str:
    """Tidy a text field: NFC, lines stripped, single line breaks read as spaces, blank lines
    kept as paragraph breaks (``\\n\\n``)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        words = line.split()
        if words:
            current.extend(words)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


@dataclass(frozen=True)
class Code:
    """One code of a codebook.

    Attributes
    ----------
    id : str
        Stable id (``IS.J1``); codings, ratings and reports refer to codes by id.
    name : str
        Human name (``Funding``).
    parent : str or None
        Id of the parent code, None at the top of the tree.
    level : str
        ``'domain'``, ``'construct'``, ``'subconstruct'`` or ``'code'``.
    definition, use_when, not_when, example : str
        Coding guidance ('' when not given).
    keywords : tuple of str
        Keyword patterns (syntax: :mod:`mio_qual.codebook.keywords`).
    aliases : tuple of str
        Other names the code answers to.
    refines : tuple of str
        Ids of codes (usually CFIR constructs) this code specializes.
    codebook : str
        Name of the codebook that defines the code.
    line : int or None
        Line in the source file where the entry starts.
    guid : str
        The code's GUID in a QDA program's project or codebook (REFI-QDA), kept so that the
        code keeps its identity through import and export; '' when it has none of its own
        (exports then derive one from the id, :func:`mio_qual.codebook.code_guid`).
    color : str
        Its colour in the QDA program (``#RRGGBB``), '' when none.
    codable : bool
        False for a code that only groups others and must not receive codings (REFI-QDA
        ``isCodable="false"``: a category folder of NVivo, MAXQDA or ATLAS.ti). Written back
        as such; importing codings of such a code warns. It enters the version hash only when
        False, so every codable code keeps its version.
    """

    id: str
    name: str
    parent: str | None = None
    level: str = "code"
    definition: str = ""
    use_when: str = ""
    not_when: str = ""
    example: str = ""
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    refines: tuple[str, ...] = ()
    codebook: str = ""
    line: int | None = None
    guid: str = ""
    color: str = ""
    codable: bool = True

    @property
    def label(self) -> str:
        """``'<id> <name>'``, the form exports and QDA programs show."""
        return f"{self.id} {self.name}"

    def to_dict(self) -> dict[str, object]:
        """Plain-data form; lists become lists."""
        return {
            "id": self.id,
            "parent": self.parent,
            "level": self.level,
            "name": self.name,
            "definition": self.definition,
            "use_when": self.use_when,
            "not_when": self.not_when,
            "example": self.example,
            "keywords": list(self.keywords),
            "aliases": list(self.aliases),
            "refines": list(self.refines),
            "codebook": self.codebook,
            "line": self.line,
            "guid": self.guid,
            "color": self.color,
            "codable": self.codable,
        }


@dataclass(frozen=True)
class CodebookInfo:
    """Metadata of one codebook file that went into a :class:`Codebook`."""

    name: str
    title: str = ""
    version_label: str = ""
    source: str = ""
    path: str | None = None
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeSet:
    """A named group of codes kept with a codebook (REFI-QDA ``Set`` of ``MemberCode``: an
    ATLAS.ti code group, an NVivo or MAXQDA code set).

    Attributes
    ----------
    name : str
    guid : str
        Its GUID in the QDA program ('' when it has none).
    codes : tuple of str
        Ids of its member codes, in file order.
    description : str
    """

    name: str
    guid: str = ""
    codes: tuple[str, ...] = ()
    description: str = ""


class FoundCodes(list):
    """The ids :meth:`Codebook.find_codes` found (a list), plus ``problems``: one message per
    piece of the text that named no code."""

    def __init__(self, ids: Iterable[str] = (), problems: Iterable[str] = ()) -> None:
        super().__init__(ids)
        self.problems: list[str] = list(problems)

    @property
    def ids(self) -> list[str]:
        """The ids as a plain list."""
        return list(self)

    def __repr__(self) -> str:
        return f"FoundCodes({list(self)!r}, problems={self.problems!r})"


class Codebook:
    """One or more codebooks combined: a tree of :class:`Code` objects with lookups.

    Build one with :func:`mio_qual.codebook.load_codebooks`; the constructor trusts that its
    input has been checked (unique ids, known parents, no cycles).

    Parameters
    ----------
    codes : iterable of Code
        In codebook order.
    infos : iterable of CodebookInfo
        The codebooks that were combined, in load order.
    sets : iterable of CodeSet
        Groups of codes the codebook file defines (REFI-QDA ``Sets``). They travel with the
        codebook (``.qdc`` export) but are not part of its version: grouping codes does not
        change what a coding means.
    """

    def __init__(self, codes: Iterable[Code], infos: Iterable[CodebookInfo] = (),
                 sets: Iterable[CodeSet] = ()) -> None:
        self.codes: dict[str, Code] = {c.id: c for c in codes}
        self.sets: tuple[CodeSet, ...] = tuple(sets)
        self.infos: dict[str, CodebookInfo] = {i.name: i for i in infos}
        self._children: dict[str | None, list[str]] = {}
        for code in self.codes.values():
            self._children.setdefault(code.parent, []).append(code.id)
        self._index = LabelIndex.build((c.id, c.name, c.parent, c.aliases) for c in self.codes.values())
        self.version: str = _version(self.codes.values(), self.infos.values())
        self._by_guid: dict[str, str] = {c.guid.strip("{}").lower(): c.id for c in self.codes.values() if c.guid}

    # ----------------------------------------------------------------- container
    def __getitem__(self, code_id: str) -> Code:
        try:
            return self.codes[code_id]
        except (KeyError, TypeError):
            raise self._unknown(code_id) from None

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"Codebook({', '.join(self.infos) or '-'}: {len(self.codes)} codes, version {self.version})"

    def get(self, code_id: str, default: Code | None = None) -> Code | None:
        """The code with this exact id, or ``default``."""
        return self.codes.get(code_id, default)

    def by_guid(self, guid: str | None) -> str | None:
        """The id of the code whose REFI-QDA GUID is ``guid`` (braces and case ignored), or None."""
        if not guid:
            return None
        return self._by_guid.get(guid.strip().strip("{}").lower())

    def path_of(self, code_id: str, sep: str = " > ") -> str:
        """The code's names from the top of the tree down: ``'Inner Setting > Available Resources'``."""
        return sep.join(self.codes[c].name or c for c in [*reversed(self.ancestors(code_id)), code_id])

    @property
    def names(self) -> list[str]:
        """Names of the combined codebooks, in load order."""
        return list(self.infos)

    def _unknown(self, code_id: object) -> UnknownCodeError:
        label = str(code_id)
        try:
            suggestions = [self._index.resolve(label)]
        except UnknownCodeError as exc:
            suggestions = exc.suggestions
        return UnknownCodeError(label, suggestions)

    # ----------------------------------------------------------------- labels
    def resolve(self, label: str) -> str:
        """Return the id of the code ``label`` names.

        Accepts an id (any case and spacing), a name or alias (case-, spacing-, hyphen- and
        ``&``/``and``-insensitive), ``<parent name>: <name>``, a QDA hierarchy path, or an id
        with text around it (``IS.J1 Funding``, ``Funding (IS.J1)``). Full rules:
        :mod:`mio_qual.codebook.labels`.

        Raises
        ------
        mio_qual.errors.UnknownCodeError
            If no code matches (``suggestions`` lists close matches, never applied) or more
            than one does (:class:`~mio_qual.codebook.labels.AmbiguousCodeError`).

        Examples
        --------
        >>> from mio_qual.codebook import load_codebooks
        >>> cb = load_codebooks(["cfir2"])
        >>> cb.resolve("  available resources: funding ")
        'IS.J1'
        """
        return self._index.resolve(label)

    def suggest(self, label: str, n: int = 5) -> list[str]:
        """Ids of up to ``n`` codes whose labels are close to ``label``."""
        return self._index.suggest(label, n)

    def find_codes(self, text: str, *, strict: bool = False) -> FoundCodes:
        """Every code named in a free-text comment such as ``"IS.J2; scheduling, MIO.REC"``.

        Parameters
        ----------
        text : str
            A comment or cell; labels separated by ``;``, ``,``, ``|`` or new lines.
        strict : bool
            Raise :class:`~mio_qual.errors.UnknownCodeError` at the first piece that names
            no code instead of listing it in ``problems``.

        Returns
        -------
        FoundCodes
            A list of ids in order of first mention; ``.problems`` lists the pieces that
            named no code (empty when all was understood).
        """
        ids, problems = find_labels(text, self._index)
        if strict and problems:
            piece, _message, suggestions = problems[0]
            raise UnknownCodeError(piece, suggestions)
        return FoundCodes(ids, [message for _piece, message, _s in problems])

    # ----------------------------------------------------------------- tree
    def children(self, code_id: str | None) -> list[str]:
        """Ids of the direct children of ``code_id`` (``None``: the top-level codes)."""
        if code_id is not None:
            self[code_id]
        return list(self._children.get(code_id, []))

    def roots(self) -> list[str]:
        """Ids of the top-level codes, in codebook order."""
        return self.children(None)

    def descendants(self, code_id: str) -> list[str]:
        """Ids of every code below ``code_id``, depth first in codebook order."""
        out: list[str] = []
        stack = list(reversed(self.children(code_id)))
        while stack:
            cid = stack.pop()
            out.append(cid)
            stack.extend(reversed(self._children.get(cid, [])))
        return out

    def ancestors(self, code_id: str) -> list[str]:
        """Ids from the parent of ``code_id`` up to the top (nearest first)."""
        out: list[str] = []
        cur = self[code_id].parent
        while cur is not None and cur not in out:
            out.append(cur)
            cur = self.codes[cur].parent if cur in self.codes else None
        return out

    def domain_of(self, code_id: str) -> str | None:
        """Id of the domain ``code_id`` belongs to (itself if it is a domain), or None.

        Codes outside the domain tree (such as the MIO codes, which sit at the top and
        ``refine`` CFIR constructs instead) have no domain.
        """
        for cid in [code_id, *self.ancestors(code_id)]:
            if self.codes[cid].level == "domain":
                return cid
        return None

    def depth(self, code_id: str) -> int:
        """0 for a top-level code, 1 for its children, and so on."""
        return len(self.ancestors(code_id))

    def walk(self) -> Iterator[tuple[Code, int]]:
        """Yield ``(code, depth)`` depth first, each parent before its children."""
        stack = [(cid, 0) for cid in reversed(self.roots())]
        while stack:
            cid, d = stack.pop()
            yield self.codes[cid], d
            stack.extend((c, d + 1) for c in reversed(self._children.get(cid, [])))

    def by_level(self, level: str) -> list[str]:
        """Ids of the codes at ``level``, in codebook order."""
        return [c.id for c in self.codes.values() if c.level == level]

    def refined_by(self, code_id: str) -> list[str]:
        """Ids of the codes that name ``code_id`` in their ``refines``."""
        self[code_id]
        return [c.id for c in self.codes.values() if code_id in c.refines]

    # ----------------------------------------------------------------- tables
    def to_frame(self) -> "pd.DataFrame":
        """One row per code in codebook order.

        Columns: ``id, parent, level, name, definition, use_when, not_when, example,
        keywords, aliases, refines, codebook, line, guid, color, codable``; list fields are
        joined with ``"; "``.
        """
        import pandas as pd

        columns = ["id", "parent", "level", "name", *TEXT_FIELDS, *LIST_FIELDS, "codebook", "line", "guid", "color",
                   "codable"]
        rows = []
        for code in self.codes.values():
            row = code.to_dict()
            for f in LIST_FIELDS:
                row[f] = "; ".join(row[f])  # type: ignore[arg-type]
            rows.append(row)
        frame = pd.DataFrame(rows, columns=columns)
        frame["line"] = frame["line"].astype("Int64")
        return frame


def canonical_content(codes: Iterable[Code], infos: Iterable[CodebookInfo] = ()) -> str:
    """The content :attr:`Codebook.version` hashes, as canonical JSON.

    Only the codes count: each code's id, name, parent, level, texts, keywords, aliases,
    refines and codebook name, its GUID and colour when it has them and ``codable`` when it is
    False (a code without them hashes as before they existed). Codes are sorted by id, list items sorted, texts normalized
    (:func:`normalize_text`). Source lines, file paths, key order, YAML layout, the order of
    entries and the codebooks' titles, version labels and citations do not count, so a
    codebook exported to CSV or .qdc and read back keeps its version. (``infos`` is accepted
    for symmetry and ignored.)
    """
    payload = [
        {
            "id": c.id,
            "name": normalize_text(c.name),
            "parent": c.parent,
            "level": c.level,
            **{f: normalize_text(getattr(c, f)) for f in TEXT_FIELDS},
            **{f: sorted(normalize_text(x) for x in getattr(c, f)) for f in LIST_FIELDS},
            "codebook": c.codebook,
            **({"guid": c.guid} if c.guid else {}),
            **({"color": c.color} if c.color else {}),
            **({"codable": False} if not c.codable else {}),
        }
        for c in sorted(codes, key=lambda c: c.id)
    ]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _version(codes: Iterable[Code], infos: Iterable[CodebookInfo]) -> str:
    digest = hashlib.sha256(canonical_content(codes, infos).encode("utf-8")).hexdigest()
    return digest[:16]

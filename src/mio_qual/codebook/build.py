"""Checking read codebooks and building a :class:`~.model.Codebook` from them.

:func:`check_books` looks at every entry of every book and returns all problems at once;
:func:`build_codebook` raises them together or returns the combined codebook.
"""

from __future__ import annotations

import difflib
from typing import Sequence

from .keywords import keyword_problem
from .labels import ID_RE, normalize_id, normalize_label
from .model import LEVELS, LIST_FIELDS, TEXT_FIELDS, Code, Codebook, CodebookInfo, CodeSet, normalize_text
from .problems import Problem, raise_problems
from .raw import RawBook, RawCode

_DEPTH_LEVELS = ("domain", "construct", "subconstruct")


class _Checker:
    def __init__(self, books: Sequence[RawBook]) -> None:
        self.books = list(books)
        self.problems: list[Problem] = []
        # id -> (book, raw) for entries with a usable id, first definition wins
        self.entries: dict[str, tuple[RawBook, RawCode]] = {}
        self.folded: dict[str, str] = {}  # normalized id -> id
        self.valid: list[tuple[RawBook, RawCode, str]] = []  # entries with a valid, unique id
        self.parent_of: dict[str, str | None] = {}

    def add(self, book: RawBook, kind: str, message: str, line: int | None, code_id: str | None = None) -> None:
        self.problems.append(Problem(kind, message, book.path, line, code_id, book.sheet))

    # ------------------------------------------------------------------ passes
    def run(self) -> list[Problem]:
        for book in self.books:
            self.problems.extend(book.problems)
        self.check_books()
        for book in self.books:
            for raw in book.codes:
                self.check_id(book, raw)
        for book, raw, cid in self.valid:
            self.check_fields(book, raw, cid)
        for book, raw, cid in self.valid:
            self.check_links(book, raw, cid)
        self.check_cycles()
        self.check_labels()
        self.check_guids()
        self.problems = [self._placed(p) for p in self.problems]
        self.problems.sort(key=lambda p: (self._book_order(p.path), p.line or 0))
        return self.problems

    def _placed(self, problem: Problem) -> Problem:
        """A problem about a code of a file that gives no useful line (a REFI-QDA file written
        on one line) names the code's place instead: its path and GUID."""
        entry = self.entries.get(problem.code_id or "")
        where = entry[1].where if entry is not None else None
        if not where:
            return problem
        return Problem(problem.kind, f"{where}: {problem.message}", problem.path, None, problem.code_id, problem.sheet)

    def check_guids(self) -> None:
        """Two codes may not share a GUID (it is their identity in QDA programs)."""
        seen: dict[str, str] = {}
        for book, raw, cid in self.valid:
            guid = _text_value(raw.values.get("guid")).strip("{}").lower()
            if not guid:
                continue
            if guid in seen:
                self.add(book, "duplicate-id", f"GUID {guid} of {cid} is also the GUID of {seen[guid]}",
                         raw.line_of("guid"), cid)
                continue
            seen[guid] = cid

    def _book_order(self, path: str | None) -> int:
        for i, book in enumerate(self.books):
            if book.path == path:
                return i
        return len(self.books)

    def check_books(self) -> None:
        by_name: dict[str, RawBook] = {}
        for book in self.books:
            first = by_name.get(book.name)
            if first is not None and first.path != book.path:
                self.add(
                    book,
                    "duplicate-codebook",
                    f"codebook name {book.name!r} is already used by {first.path}; rename one",
                    book.line,
                )
            by_name.setdefault(book.name, book)
        for book in self.books:
            for name in book.requires:
                if name not in by_name:
                    self.add(
                        book,
                        "unknown-requires",
                        f"requires codebook {name!r}, which is neither loaded nor bundled; load it too",
                        book.requires_line,
                    )

    def check_id(self, book: RawBook, raw: RawCode) -> None:
        value = raw.values.get("id")
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(book, "missing-id", "entry has no id; add e.g. 'id: IS.J1'", raw.line)
            return
        if not isinstance(value, str):
            self.add(book, "bad-id", f"id {value!r} is not text; put it in quotes", raw.line_of("id"))
            return
        cid = value.strip()
        if not ID_RE.match(cid):
            self.add(
                book,
                "bad-id",
                f"id {cid!r} must be letters, digits and '_' in dot-separated parts starting with a letter (e.g. IS.J1)",
                raw.line_of("id"),
                cid,
            )
            return
        key = normalize_id(cid)
        if key in self.folded:
            first_book, first_raw = self.entries[self.folded[key]]
            same = "" if self.folded[key] == cid else f" (as {self.folded[key]!r}; ids ignore case)"
            self.add(
                book,
                "duplicate-id",
                f"duplicate id {cid!r}{same}: first defined at "
                + (f"{first_book.path} (sheet {first_book.sheet!r}, row {first_raw.line})" if first_book.sheet
                   else f"{first_book.path}:{first_raw.line}"),
                raw.line_of("id"),
                cid,
            )
            return
        self.folded[key] = cid
        self.entries[cid] = (book, raw)
        self.valid.append((book, raw, cid))

    def check_fields(self, book: RawBook, raw: RawCode, cid: str) -> None:
        name = raw.values.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            self.add(book, "missing-name", f"code {cid} has no name", raw.line_of("name"), cid)
        elif not isinstance(name, str):
            self.add(book, "bad-value", f"name of {cid} must be text; put it in quotes", raw.line_of("name"), cid)
        elif ";" in name:
            self.add(book, "bad-value", f"name of {cid} may not contain ';' (it separates labels)", raw.line_of("name"), cid)
        for f in TEXT_FIELDS:
            v = raw.values.get(f)
            if v is not None and not isinstance(v, str):
                self.add(book, "bad-value", f"{f} of {cid} must be text; put it in quotes", raw.line_of(f), cid)
        level = raw.values.get("level")
        if level is not None and level not in LEVELS:
            self.add(
                book,
                "bad-level",
                f"level {level!r} of {cid} is not one of {', '.join(LEVELS)}",
                raw.line_of("level"),
                cid,
            )
        for f in LIST_FIELDS:
            items = _as_list(raw.values.get(f))
            if items is None:
                self.add(book, "bad-value", f"{f} of {cid} must be a list of text", raw.line_of(f), cid)
                continue
            for i, item in enumerate(items):
                if not isinstance(item, str) or not item.strip():
                    self.add(
                        book, "bad-value", f"{f} of {cid}: item {item!r} must be non-empty text", raw.line_of(f, i), cid
                    )
                elif f == "keywords":
                    why = keyword_problem(item)
                    if why:
                        self.add(book, "bad-keyword", f"{cid}: {why}", raw.line_of(f, i), cid)
                elif f == "aliases" and ";" in item:
                    self.add(book, "bad-value", f"alias {item!r} of {cid} may not contain ';'", raw.line_of(f, i), cid)
        parent = raw.values.get("parent")
        if parent is not None and not isinstance(parent, str):
            self.add(book, "bad-value", f"parent of {cid} must be an id; put it in quotes", raw.line_of("parent"), cid)

    def _suggest(self, ref: str) -> str:
        close = difflib.get_close_matches(ref, list(self.entries), n=2, cutoff=0.6)
        return f"; did you mean {' or '.join(close)}?" if close else ""

    def _lookup(self, ref: str) -> str | None:
        return self.folded.get(normalize_id(ref))

    def check_links(self, book: RawBook, raw: RawCode, cid: str) -> None:
        explicit = raw.values.get("parent")
        explicit = explicit.strip() if isinstance(explicit, str) and explicit.strip() else None
        parent: str | None = None
        if explicit is not None:
            found = self._lookup(explicit)
            if found is None:
                self.add(
                    book,
                    "unknown-parent",
                    f"parent {explicit!r} of {cid} is not a code{self._suggest(explicit)}",
                    raw.line_of("parent"),
                    cid,
                )
            elif raw.nested and raw.nested_parent is not None and found != raw.nested_parent:
                self.add(
                    book,
                    "parent-conflict",
                    f"{cid} is nested under {raw.nested_parent} but says parent: {explicit}; keep one",
                    raw.line_of("parent"),
                    cid,
                )
                parent = raw.nested_parent
            else:
                parent = found
        elif raw.nested_parent is not None:
            parent = self._lookup(raw.nested_parent)
        self.parent_of[cid] = parent
        for i, ref in enumerate(_as_list(raw.values.get("refines")) or []):
            if not isinstance(ref, str) or not ref.strip():
                continue
            found = self._lookup(ref.strip())
            if found is None:
                self.add(
                    book,
                    "unknown-refines",
                    f"{cid} refines {ref.strip()!r}, which is not a code{self._suggest(ref.strip())}"
                    + ("" if book.requires else "; load the codebook that defines it (" + (
                        "add requires:" if str(book.path or "").lower().endswith((".yaml", ".yml"))
                        else "validate with --with cfir2, import with --codebook cfir2 --codebook FILE") + ")"),
                    raw.line_of("refines", i),
                    cid,
                )
            elif found == cid:
                self.add(book, "unknown-refines", f"{cid} refines itself", raw.line_of("refines", i), cid)

    def check_cycles(self) -> None:
        """Report each cycle of parents once, at its first code in file order (linear in the codes).

        Each code's chain of parents is walked once: a walk stops at a code already walked
        (issue 20: walking every chain from every code was cubic for a long chain).
        """
        order = {cid: i for i, (_book, _raw, cid) in enumerate(self.valid)}
        done: set[str] = set()
        loops: list[set[str]] = []
        for _book, _raw, cid in self.valid:
            path: list[str] = []
            on_path: set[str] = set()
            cur: str | None = cid
            while cur is not None and cur not in done and cur not in on_path:
                path.append(cur)
                on_path.add(cur)
                cur = self.parent_of.get(cur)
            if cur is not None and cur in on_path:
                loops.append(set(path[path.index(cur):]))
            done.update(path)
        reports = []
        for members in loops:
            first = min((m for m in members if m in order), key=order.__getitem__, default=None)
            if first is None:
                continue
            loop, cur = [first], self.parent_of.get(first)
            while cur != first:
                loop.append(cur)
                cur = self.parent_of.get(cur)
            reports.append((order[first], loop))
        for index, loop in sorted(reports):
            book, raw, cid = self.valid[index]
            self.add(
                book,
                "cycle",
                "parents form a cycle: " + " -> ".join([*loop, loop[0]]) + "; one of them must have another parent",
                raw.line_of("parent"),
                cid,
            )

    def check_labels(self) -> None:
        """Labels must let :meth:`Codebook.resolve` tell codes apart.

        An alias may not be another code's id, name or alias, and a name may not be another
        code's id or alias. Two codes may share a name only under different parents (QDA
        programs allow ``Barriers > Staff`` beside ``Facilitators > Staff``; a hierarchy
        path tells them apart, the bare name is reported as ambiguous when used).
        """
        names: dict[str, list[tuple[str, str | None]]] = {}  # label -> [(id, parent)]
        aliases: dict[str, str] = {}
        entries: list[tuple[RawBook, str, str, int | None, bool]] = []
        for book, raw, cid in self.valid:
            name = raw.values.get("name")
            if isinstance(name, str):
                entries.append((book, cid, name, raw.line_of("name"), False))
            for i, alias in enumerate(_as_list(raw.values.get("aliases")) or []):
                if isinstance(alias, str):
                    entries.append((book, cid, alias, raw.line_of("aliases", i), True))
        for book, cid, label, line, is_alias in entries:
            key = normalize_label(label)
            if not key:
                continue
            as_id = self.folded.get(normalize_id(label))
            if as_id is not None and as_id != cid:
                what = "alias" if is_alias else "name"
                id_book, id_raw = self.entries[as_id]
                if self.books.index(id_book) > self.books.index(book):  # the later file's id is the one to change
                    self.add(id_book, "ambiguous-label", f"id {as_id} is the {what} of {cid} ({label!r}, codebook "
                             f"{book.name}); choose another id", id_raw.line_of("id"), as_id)
                else:
                    self.add(book, "ambiguous-label", f"{what} {label!r} of {cid} is the id of {as_id}; choose another",
                             line, cid)
                continue
            parent = self.parent_of.get(cid)
            if is_alias:
                others = [o for o, _p in names.get(key, []) if o != cid]
                other_alias = aliases.get(key)
                if other_alias is not None and other_alias != cid:
                    others.append(other_alias)
                if others:
                    self.add(
                        book,
                        "ambiguous-label",
                        f"alias {label!r} of {cid} is also a label of {others[0]}; aliases must be unique",
                        line,
                        cid,
                    )
                    continue
                aliases.setdefault(key, cid)
            else:
                other_alias = aliases.get(key)
                same_parent = [o for o, p in names.get(key, []) if o != cid and p == parent]
                if other_alias is not None and other_alias != cid:
                    self.add(
                        book, "ambiguous-label", f"name {label!r} of {cid} is an alias of {other_alias}", line, cid
                    )
                    continue
                if same_parent:
                    self.add(
                        book,
                        "ambiguous-label",
                        f"name {label!r} of {cid} is also the name of {same_parent[0]}, under the same parent; "
                        "rename one",
                        line,
                        cid,
                    )
                    continue
                names.setdefault(key, []).append((cid, parent))

    # ------------------------------------------------------------------ build
    def codes(self) -> list[Code]:
        """The checked entries as :class:`Code` objects, in file order (call after :meth:`run`)."""

        depths: dict[str, int] = {}

        def depth_of(cid: str) -> int:  # memoized: linear over a chain of parents, not quadratic
            path, cur = [], cid
            while cur is not None and cur not in depths and cur not in path:
                path.append(cur)
                cur = self.parent_of.get(cur)
            d = depths.get(cur, 0) if cur is not None else -1
            for code in reversed(path):
                d += 1
                depths[code] = d
            return depths[cid]

        out: list[Code] = []
        for book, raw, cid in self.valid:
            v = raw.values
            level = v.get("level")
            if level is None:
                d = depth_of(cid)
                level = _DEPTH_LEVELS[d] if d < len(_DEPTH_LEVELS) else "code"
            lists = {
                f: tuple(dict.fromkeys(normalize_text(x) for x in (_as_list(v.get(f)) or [])))
                for f in LIST_FIELDS
            }
            lists["keywords"] = tuple(dict.fromkeys(" ".join(k.split()).casefold() for k in lists["keywords"]))
            lists["refines"] = tuple(self.folded[normalize_id(r)] for r in lists["refines"])
            out.append(
                Code(
                    guid=_text_value(v.get("guid")),
                    color=_text_value(v.get("color")),
                    codable=_codable(v.get("codable")),
                    id=cid,
                    name=normalize_text(v.get("name")),  # type: ignore[arg-type]
                    parent=self.parent_of.get(cid),
                    level=str(level),
                    **{f: normalize_text(v.get(f)) for f in TEXT_FIELDS},  # type: ignore[arg-type]
                    **lists,
                    codebook=book.name,
                    line=raw.line,
                )
            )
        return out


def _text_value(value: object) -> str:
    """A plain text field (guid, color): stripped text, '' when absent."""
    return str(value).strip() if value is not None else ""


def _codable(value: object) -> bool:
    """``codable`` as read: absent or anything but false/no/0 -> True."""
    if isinstance(value, bool):
        return value
    return value is None or str(value).strip().casefold() not in ("false", "no", "0", "n")


def _as_list(value: object) -> list[object] | None:
    """A list field's items: None/absent -> [], a single text -> [text], else the list; None if malformed."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def check_books(books: Sequence[RawBook]) -> list[Problem]:
    """Every problem in ``books``, taken together (ids, parents and refines may cross books)."""
    return _Checker(books).run()


def build_codebook(books: Sequence[RawBook]) -> Codebook:
    """Check ``books`` and combine them into one :class:`~.model.Codebook`.

    Raises
    ------
    CodebookError
        (an :class:`~mio_qual.errors.InputError`) listing every problem, if there are any.
    """
    checker = _Checker(books)
    raise_problems(checker.run())
    infos = []
    seen: set[str] = set()
    for book in books:
        if book.name in seen:
            continue
        seen.add(book.name)
        infos.append(
            CodebookInfo(
                name=book.name,
                title=book.title,
                version_label=book.version_label,
                source=normalize_text(book.source),
                path=book.path,
                requires=tuple(book.requires),
            )
        )
    codes = checker.codes()
    ids = {c.id for c in codes}
    sets = [CodeSet(s.name, s.guid, tuple(c for c in s.codes if c in ids), s.description)
            for book in books for s in book.sets]
    return Codebook(codes, infos, sets)

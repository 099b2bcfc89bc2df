"""The project's codebook and the codebook tools on its codings.

**The project's codebook** (:meth:`CodebooksMixin.use_codebook`, :meth:`CodebooksMixin.project_codebook`,
:meth:`CodebooksMixin.codebook_for`): a project remembers the codebook its team codes with, so
no command needs ``--codebook`` again. It is chosen with ``mio-qual codebook use FILE ...``, or
by the first ``coding import`` that names one (when the codings already in the project all fit
it); its codes are kept in the store (the ``codebooks`` table, by version) and the choice in
``codebook_choices`` and the audit trail, so it keeps working when the file is moved or edited.
Every command that takes ``--codebook`` uses it when none is named; without a choice they use
the bundled ``cfir2``, ``cfir_outcomes`` and ``mio`` as before. A ``--codebook`` that differs is
used for that command only, and the command says so. A new codebook that lacks codes of stored
codings is refused, listing them, until they are mapped, renamed or merged (or
``keep_unknown``): codes are never orphaned silently.

**Codebook tools**: map a layer to another codebook with a mapping sheet
(:meth:`CodebooksMixin.map_layer`), merge codes (:meth:`CodebooksMixin.merge_codes`) and
rename a code (:meth:`CodebooksMixin.rename_code`). Every change is one transaction and an
entry in the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..deprecation import renamed
from ..errors import InputError
from ..store import codebooks as store_codebooks
from ..store import codings as store_codings
from ..store import now_iso
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook import Codebook
    from ..codebook.mapping import MappedCodings

#: How the bundled default is named when the project has chosen no codebook.
DEFAULT_LABEL = "cfir2 + cfir_outcomes + mio (bundled; the default)"
_SHOWN_UNKNOWN = 8  # unknown codes named in the one-line error (all are in its details)


@dataclass
class ProjectCodebook:
    """The codebook a project uses (:meth:`CodebooksMixin.project_codebook`).

    Attributes
    ----------
    version : str
        Its version (:attr:`mio_qual.codebook.Codebook.version`).
    sources : list of dict
        What was named: ``name`` (a bundled name or a file name), ``path`` and ``sha256`` of a file.
    codes : int
    chosen_at : str
        ISO time of the choice.
    how : str
        The command that chose it (``codebook use``, ``coding import``).
    changed : list of str
        Files named as the codebook whose bytes changed since (the project keeps the version it chose).
    """

    version: str
    sources: list[dict[str, Any]]
    codes: int
    chosen_at: str
    how: str
    changed: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``'cfir2 + team_codes.xlsx'``: what was named, joined."""
        return " + ".join(str(s.get("name")) for s in self.sources) or "(unnamed)"

    def line(self) -> str:
        """One line for ``status``: what, how many codes, version, when and how chosen, files changed since."""
        text = (f"{self.label} ({self.codes} codes, version {self.version}; chosen {self.chosen_at[:10]} "
                f"by {self.how})")
        if self.changed:
            text += (f"; {', '.join(self.changed)} changed since: `mio-qual codebook use` it again to take the "
                     "new version")
        return text

    def as_dict(self) -> dict[str, Any]:
        """Plain data (``status --format json``)."""
        return {"label": self.label, "version": self.version, "codes": self.codes, "chosen_at": self.chosen_at,
                "how": self.how, "sources": self.sources, "changed_since": self.changed}


@dataclass
class CodebookChoice:
    """What :meth:`CodebooksMixin.use_codebook` did.

    Attributes
    ----------
    current : ProjectCodebook
    previous : str or None
        The version used before (None: the bundled default).
    unknown : dict of str to int
        Codes of stored codings the codebook lacks (kept as they are, with ``keep_unknown``),
        with their number of codings.
    unchanged : bool
        The same version was already the project's (nothing recorded).
    """

    current: ProjectCodebook
    previous: str | None
    unknown: dict[str, int]
    unchanged: bool = False

    def lines(self) -> list[str]:
        """What to tell the user."""
        if self.unchanged:
            return [f"the project already uses {self.current.line()}"]
        out = [f"the project now uses {self.current.line()}",
               "commands that take --codebook use it when none is named"]
        if self.unknown:
            out.append(f"{sum(self.unknown.values())} coding(s) of {len(self.unknown)} code(s) it lacks keep their "
                       f"codes: {', '.join(sorted(self.unknown))}")
        return out


def _unknown_codes(counts: Sequence[tuple[str, str, int]], book: "Codebook") -> dict[str, dict[str, int]]:
    """Codes of stored codings ``book`` lacks: code -> layer -> codings."""
    out: dict[str, dict[str, int]] = {}
    for code, coder, n in counts:
        if code not in book.codes:
            out.setdefault(code, {})[coder] = n
    return out


def _orphans_error(unknown: dict[str, dict[str, int]], book: "Codebook") -> InputError:
    """The refusal of a codebook that lacks codes of stored codings: each code with its layers."""
    total = sum(sum(layers.values()) for layers in unknown.values())
    codes = sorted(unknown)
    more = f" and {len(codes) - _SHOWN_UNKNOWN} more" if len(codes) > _SHOWN_UNKNOWN else ""
    details = [f"{code}: " + ", ".join(f"{n} coding(s) in layer {coder}" for coder, n in sorted(unknown[code].items()))
               for code in codes]
    return InputError(
        f"{total} coding(s) use {len(codes)} code(s) that codebook {' + '.join(book.infos)} (version {book.version}) "
        f"lacks: {', '.join(codes[:_SHOWN_UNKNOWN])}{more}; the project's codebook was not changed",
        hint="map the layers first (mio-qual codebook map --coder X --mapping SHEET.xlsx --codebook NEW --into X), "
             "rename or merge the codes (mio-qual codebook rename OLD NEW --codebook NEW), or pass --keep-unknown "
             "to keep those codings as they are",
        details=details)


class CodebooksMixin(ProjectBase):
    """The project's codebook; mapping, merging and renaming codes in the project's codings."""

    # ------------------------------------------------------------------ the project's codebook
    def project_codebook(self) -> ProjectCodebook | None:
        """The codebook the project uses, or None when none was chosen (the bundled default applies).

        Reads only the store (no pandas): ``status`` shows it.

        Returns
        -------
        ProjectCodebook or None
            The chosen codebook, or None when none was chosen.
        """
        from ..codebook.stored import source_changed

        row = store_codebooks.chosen_codebook(self.store)
        if row is None:
            return None
        sources = json.loads(row["sources"] or "[]")
        return ProjectCodebook(str(row["version"]), sources, int(row["codes"]), str(row["chosen_at"]),
                               str(row["how"]), [str(s["name"]) for s in sources if source_changed(s)])

    def _stored_codebook(self, version: str, infos: str | None = None) -> "Codebook":
        from ..codebook.stored import codebook_from_records

        content = store_codebooks.codebook_contents(self.store, [version]).get(version)
        if content is None:
            raise InputError(f"the project's codebook {version} is not in the store", path=self.folder,
                             hint="choose the codebook again: mio-qual codebook use FILE")
        try:
            records = json.loads(content)
            info = json.loads(infos or "[]")
        except ValueError:
            raise InputError(f"the project's codebook {version} cannot be read", path=self.folder,
                             hint="choose the codebook again: mio-qual codebook use FILE") from None
        return codebook_from_records(records, info)

    def codebook_for(self, codebook: Any = None) -> "Codebook":
        """The codebook a command uses: the one named, else the project's, else the bundled default.

        Parameters
        ----------
        codebook : Codebook, str, path or sequence of them, optional
            Named for this command (``--codebook``): used as given, the project's codebook is
            not changed.

        Returns
        -------
        Codebook
            Without ``codebook``: the project's codebook (rebuilt from the store with its
            version, whether or not its file is still there) when one was chosen, else
            ``cfir2``, ``cfir_outcomes`` and ``mio``.
        """
        from ..coding.codes import load_codebook

        if codebook is not None:
            return load_codebook(codebook)
        row = store_codebooks.chosen_codebook(self.store)
        if row is None:
            return load_codebook(None)
        return self._stored_codebook(str(row["version"]), row["infos"])

    def codebook_note(self, book: "Codebook") -> str | None:
        """A line saying that ``book`` (named for one command) is not the project's codebook, or None.

        Parameters
        ----------
        book : Codebook
            The codebook a command was given.

        Returns
        -------
        str or None
            The line, or None when ``book`` is the project's codebook or none was chosen.
        """
        chosen = self.project_codebook()
        if chosen is None or chosen.version == book.version:
            return None
        return (f"checked against the codebook named ({' + '.join(book.infos) or 'given'}, version {book.version}), "
                f"not the project's ({chosen.label}, version {chosen.version}); to make it the project's: "
                "mio-qual codebook use FILE ...")

    def use_codebook(self, sources: Any, *, keep_unknown: bool = False, how: str = "codebook use") -> CodebookChoice:
        """Make a codebook the project's: commands use it when no ``--codebook`` is named.

        Parameters
        ----------
        sources : str, path, Codebook or a sequence of them
            Bundled names and files (``.yaml``, ``.csv``, ``.xlsx``, ``.qdc``, ``.qdpx``),
            combined as ``--codebook`` combines them.
        keep_unknown : bool
            Accept a codebook that lacks codes of stored codings: those codings keep their
            codes (and the version they were made with); the codes are listed in the result and
            the audit trail.
        how : str
            The command recorded with the choice.

        Returns
        -------
        CodebookChoice

        Raises
        ------
        InputError
            An invalid codebook (every problem listed); or, without ``keep_unknown``, codes of
            stored codings it lacks (each with its layers and codings), and nothing changes; on
            a server, a coder's role (the project lead chooses: only the lead sees every layer).
        """
        from ..codebook import Codebook
        from ..coding.codes import load_codebook

        named = [sources] if isinstance(sources, (str, Path, Codebook)) else list(sources)
        if not named:
            raise InputError("no codebook named", hint="mio-qual codebook use FILE (or a bundled name such as cfir2)")
        if any(isinstance(s, Codebook) for s in named):
            if len(named) > 1:
                raise InputError("give one Codebook object, or bundled names and files to combine",
                                 hint="combine them first with mio_qual.codebook.load_codebooks")
            book = named[0]
        else:
            book = load_codebook(named)
        with self.store.transaction():
            return self._choose(book, named, keep_unknown=keep_unknown, how=how)

    def _is_lead(self) -> bool:
        """True on a local project, and for the project lead on a server (a coder's role sees
        only their own layers, so cannot tell which codes a new codebook would orphan)."""
        if getattr(self.store, "backend", "sqlite") != "postgresql":
            return True
        from ..store.team import require_lead

        try:
            require_lead(self.store)  # type: ignore[arg-type]
        except InputError:
            return False
        return True

    def _choose(self, book: "Codebook", named: Sequence[Any], *, keep_unknown: bool, how: str,
                unknown: dict[str, dict[str, int]] | None = None) -> CodebookChoice:
        """Record ``book`` as the project's codebook; call inside a transaction (``unknown``: the
        stored codes it lacks, when the caller knows them)."""
        from ..codebook.stored import info_records, source_records

        if not self._is_lead():
            from ..store.team import require_lead

            require_lead(self.store)  # type: ignore[arg-type]  # its refusal names the lead
        before = self.project_codebook()
        if unknown is None:
            unknown = _unknown_codes(store_codebooks.code_counts(self.store), book)
        if unknown and not keep_unknown:
            raise _orphans_error(unknown, book)
        flat = {code: sum(layers.values()) for code, layers in unknown.items()}
        sources = source_records(named)
        if before is not None and before.version == book.version and                 [s.get("sha256") for s in before.sources] == [s.get("sha256") for s in sources]:
            return CodebookChoice(before, before.version, flat, unchanged=True)
        self._keep_codebook(book)  # type: ignore[attr-defined]
        at = now_iso()
        store_codebooks.choose_codebook(self.store, version=book.version, sources=json.dumps(sources),
                                        infos=json.dumps(info_records(book)), codes=len(book), chosen_at=at, how=how)
        self.store.audit("use codebook", target=" + ".join(str(s["name"]) for s in sources),
                         codebook_version=book.version,
                         detail={"sources": sources, "codes": len(book),
                                 "previous": before.version if before else None, "unknown_kept": unknown})
        current = ProjectCodebook(book.version, sources, len(book), at, how)
        return CodebookChoice(current, before.version if before else None, flat)

    def _adopt_named(self, book: "Codebook", named: Sequence[Any], how: str) -> Callable[[], str | None]:
        """For an import that named ``book``: call at the start of its transaction, before it writes.

        The function returned, called after the writes, makes ``book`` the project's codebook
        when none was chosen and every coding stored *before* the import fits it (the import's
        own codings were checked against it, so a first import of a million codings scans
        none), or says why a named codebook that is not the project's was used. It returns the
        line to show, or None.
        """
        chosen = self.project_codebook()
        if chosen is not None:
            note = self.codebook_note(book)
            return lambda: note
        if not self._is_lead():
            return lambda: ("the project has no codebook of its own yet: its lead chooses it (mio-qual codebook use "
                            "...); name the codebook on each import until then")
        unknown = _unknown_codes(store_codebooks.code_counts(self.store), book)
        if unknown:
            label = " + ".join(str(s) if not hasattr(s, "infos") else " + ".join(s.infos) for s in named)
            kept = (f"the project keeps the bundled default codebook: {len(unknown)} code(s) of its codings are not "
                    f"in {label} ({', '.join(sorted(unknown)[:_SHOWN_UNKNOWN])}); to use it anyway: mio-qual "
                    "codebook use ... --keep-unknown")
            return lambda: kept

        def adopt() -> str:
            choice = self._choose(book, named, keep_unknown=False, how=how, unknown={})
            return (f"the project now uses codebook {choice.current.line()}; later commands use it without "
                    "--codebook (change it with `mio-qual codebook use`)")

        return adopt

    def _code_names(self, versions: Sequence[str]) -> tuple[dict[str, str], dict[str, str | None]]:
        """Names and parents of the codes of the stored codebook versions (earlier versions first)."""
        names: dict[str, str] = {}
        parents: dict[str, str | None] = {}
        for content in store_codebooks.codebook_contents(self.store, list(versions)).values():
            for record in json.loads(content):
                cid = str(record.get("id") or "")
                if cid and cid not in names:
                    names[cid] = str(record.get("name") or "")
                    parents[cid] = record.get("parent") or None
        return names, parents

    @renamed(source_codebook="from_codebook")
    def map_layer(self, coder: str, mapping: str | Path, *, into: str | None = None, codebook: Any = None,
                  from_codebook: Any = None) -> "MappedCodings":
        """Copy a coder's layer into another codebook's codes through a mapping sheet.

        Parameters
        ----------
        coder : str
            The layer to map (it is left as it is).
        mapping : str or Path
            A mapping sheet (``.csv``/``.xlsx``, see :mod:`mio_qual.codebook.mapping`) or a
            bundled mapping's name (``cfir2009_cfir2``: the original CFIR to the updated one).
        into : str, optional
            The layer written (default ``<coder>-<mapping name>``); what an earlier mapping
            wrote there is replaced. ``into=coder`` maps the layer in place, refused when the
            sheet does not name some of its codes (their codings would be lost).
        codebook : Codebook or codebook names, optional
            The target codebook (default: the project's codebook when one was chosen, else the
            updated CFIR, ``cfir2``).
        from_codebook : Codebook or codebook names, optional
            The codebook the layer was coded with, so that the sheet may name its codes by
            name or path (default: the codebook versions stored with the layer's codings;
            ``--from-codebook``; was ``source_codebook``, which works until 0.2.0 with a
            DeprecationWarning).

        Returns
        -------
        MappedCodings
            The mapped codings, the codes the sheet does not name (not carried over, counted),
            those it maps to nothing, the codings to review (one-to-many or marked rows), and
            how many mapped codings rest on rows the sheet marks as not checked against its
            source (``unchecked``; its summary says so).

        Raises
        ------
        InputError
            A layer without codings, a bad mapping sheet (every bad row listed).
        """
        from ..coding.codes import load_codebook
        from ..coding.model import Coding
        from ..codebook.mapping import map_codings, read_mapping

        target = load_codebook(codebook if codebook is not None
                               else self.codebook_for() if self.project_codebook() is not None else "cfir2")
        sheet = read_mapping(mapping, target)
        rows = store_codings.read_codings(self.store, coder=coder)
        if rows.empty:
            raise InputError(f"no codings in layer {coder!r}", path=self.folder, hint="see `mio-qual coding list`")
        if from_codebook is not None:
            book = load_codebook(from_codebook)
            names = {c.id: c.name for c in book}
            parents = {c.id: c.parent for c in book}
        else:
            names, parents = self._code_names(sorted({v for v in rows["codebook_version"] if isinstance(v, str)}))
        result = map_codings(rows, sheet, names=names, parents=parents)
        layer = into or f"{coder}-{sheet.name}"
        if layer == coder and not result.unmapped.empty:  # mapped in place: codes the sheet forgot would be lost
            codes = list(result.unmapped["code"])
            raise InputError(
                f"{int(result.unmapped['codings'].sum())} coding(s) of {len(codes)} code(s) the mapping sheet does not "
                f"name ({', '.join(codes[:8])}{' ...' if len(codes) > 8 else ''}) would be lost from layer {coder!r}",
                path=sheet.path, hint="name them in the sheet (an empty to_code drops a code on purpose), or map into "
                                      "another layer (--into NAME)")
        frame = result.codings
        with self.store.transaction():
            for origin in sorted(set(frame["origin"])) or ["human"]:
                part = frame[frame["origin"] == origin]
                codings = [Coding(r.transcript_id, int(r.start), int(r.end), r.code, layer, origin,
                                  r.memo if isinstance(r.memo, str) else None, created=r.created)
                           for r in part.itertuples(index=False)]
                self.write_codings(codings, coder=layer, origin=origin, codebook=target,  # type: ignore[attr-defined]
                                   replace="layer", action=f"map layer {coder} with {sheet.name}")
            self.store.audit("map layer", target=layer, codebook_version=target.version, detail={
                "from": coder, "mapping": sheet.path, "written": int(len(frame)),
                "unmapped": dict(zip(result.unmapped["code"], map(int, result.unmapped["codings"]))),
                "dropped": dict(zip(result.dropped["code"], map(int, result.dropped["codings"]))),
                "to_review": int(len(result.review)), "unchecked_codings": int(result.unchecked)})
        return result

    def _recode(self, plan: dict[str, str], coder: str | None, action: str) -> dict[str, int]:
        with self.store.transaction():
            changed, removed = store_codings.recode(self.store, plan, coder=coder)
            if not changed:
                raise InputError(f"no codings of {', '.join(sorted(plan))}" + (f" in layer {coder!r}" if coder else ""),
                                 path=self.folder, hint="see `mio-qual coding list`; codes are named by id")
            self.store.audit(action, target=coder, detail={"codes": plan, "changed": changed,
                                                           "duplicates_removed": removed})
        return {"changed": changed, "duplicates_removed": removed}

    def rename_code(self, old: str, new: str, *, coder: str | None = None, codebook: Any = None) -> dict[str, int]:
        """Give every coding of code ``old`` the code ``new`` (in one layer, or all); audited.

        ``codebook`` (default: the project's codebook, when one was chosen) must hold ``new``. Returns the number of codings changed and
        of duplicates removed (a passage coded with both codes is kept once).

        Parameters
        ----------
        old, new : str
            The code renamed and its new id.
        coder : str, optional
            One layer; every layer when omitted.
        codebook : codebook or source, optional
            The codebook that must hold ``new``; default the project's (unchecked when none was chosen).

        Returns
        -------
        dict of str to int
            ``changed`` (codings recoded) and ``duplicates_removed``.

        Raises
        ------
        InputError
            When no coding has code ``old`` (in ``coder``'s layer), or the codebook lacks ``new``.
        """
        from ..codebook.mapping import recode_plan

        plan = recode_plan([old], new, self._check_book(codebook))
        return self._recode(plan, coder, "rename code")

    def _check_book(self, codebook: Any) -> "Codebook | None":
        """The codebook a rename or merge target is checked against: the one named, else the project's (if chosen)."""
        if codebook is None and self.project_codebook() is None:
            return None
        return self.codebook_for(codebook)

    def merge_codes(self, codes: Sequence[str], into: str, *, coder: str | None = None,
                    codebook: Any = None) -> dict[str, int]:
        """Merge several codes into one (``into`` may be one of them) in one layer or all; audited.

        ``codebook`` (default: the project's codebook, when one was chosen) must hold ``into``.

        Returns the number of codings changed and of duplicates removed.

        Parameters
        ----------
        codes : sequence of str
            The codes merged.
        into : str
            The code they become.
        coder : str, optional
            One layer; every layer when omitted.
        codebook : codebook or source, optional
            The codebook that must hold ``into``; default the project's (unchecked when none was chosen).

        Returns
        -------
        dict of str to int
            ``changed`` (codings recoded) and ``duplicates_removed``.

        Raises
        ------
        InputError
            When no coding has one of ``codes`` (in ``coder``'s layer), or the codebook lacks ``into``.
        """
        from ..codebook.mapping import recode_plan

        plan = recode_plan(codes, into, self._check_book(codebook))
        return self._recode(plan, coder, "merge codes")

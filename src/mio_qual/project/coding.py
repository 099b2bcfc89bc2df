"""Coding layers in a project: the Project methods that import, read, reconcile and export codings.

Each method reads what it needs from the store (codings through :mod:`mio_qual.store.codings`,
transcripts through the transcript methods), hands it to the functions of
:mod:`mio_qual.coding` (which take data and return codings, problems and results), and
writes what they return in one transaction.
"""

from __future__ import annotations

from collections import ChainMap, OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace as replaced
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

from ..deprecation import renamed
from ..errors import InputError, unknown_names
from ..store import codebooks as store_codebooks
from ..store import codings as store_codings
from ..store import imports as store_imports
from ..store import refi as store_refi
from ..store import now_iso
from ..store import transcripts as store_transcripts
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    import pandas as pd

    from ..codebook import Codebook
    from ..coding.importing import CodingImport
    from ..coding.layers import LayerWrite, ReplaceMode, WriteResult
    from ..coding.model import Coding
    from ..coding.reconcile import DecisionImport, Decisions, Reconciliation
    from ..coding.refi_export import ExportResult
    from ..coding.refi_import import RefiImportResult
    from ..coding.spreadsheet import SheetImport
    from ..coding.word import DocxImport

_V = TypeVar("_V")

_SEGMENT_KINDS = ("turn", "paragraph", "sentence")
_FEW = 64  # up to this many transcripts, read their segments one by one rather than the whole project's


class _Loaded(Mapping[str, _V]):
    """A read-only mapping over stored transcripts whose values are read when first asked for.

    The most recently read values are kept (``keep`` of them), so a caller going through
    every transcript holds only a few texts at a time.
    """

    def __init__(self, keys: Iterable[str], load: Callable[[str], _V], keep: int = 64) -> None:
        self._keys = list(dict.fromkeys(keys))
        self._known = set(self._keys)
        self._load = load
        self._keep = keep
        self._recent: OrderedDict[str, _V] = OrderedDict()

    def __getitem__(self, key: str) -> _V:
        if key not in self._known:
            raise KeyError(key)
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        value = self._load(key)
        self._recent[key] = value
        if len(self._recent) > self._keep:
            self._recent.popitem(last=False)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass
class _PreparedQdpx:
    """A ``.qdpx`` import ready to write (:meth:`CodingMixin._prepare_qdpx`), and the project state it was read from."""

    plan: Any  # QdpxPlan
    book: Any  # Codebook
    state: tuple[tuple[str, str, Any], ...]
    new: list[str]  # ids of the transcripts to add (kept in the plan's scratch database)
    placed: Any  # refi_import.Placed: the codings, made when written
    arguments: dict[str, Any]  # to prepare it again


def _named(codebook: Any) -> list[Any]:
    """A ``codebook`` argument as the list of what was named."""
    return list(codebook) if isinstance(codebook, (list, tuple)) else [codebook]


@contextmanager
def _released(prepared: Mapping[Path, "_PreparedQdpx"]) -> Iterator[None]:
    """Remove the prepared imports' scratch databases when the block ends, however it ends."""
    try:
        yield
    finally:
        for each in prepared.values():
            each.plan.release()


def _source_state(sources: "pd.DataFrame") -> tuple[tuple[str, str, Any], ...]:
    """What a prepared import depends on: every transcript's id, text hash and source path."""
    return tuple(sorted((str(t), str(h), p if isinstance(p, str) else None)
                        for t, h, p in zip(sources["transcript_id"], sources["text_hash"], sources["source_path"])))


class CodingMixin(ProjectBase):
    """Coding layers: importing, querying, reconciling and exporting codings."""

    # ------------------------------------------------------------------ data for the coding functions
    def _sources(self) -> "pd.DataFrame":
        """Every transcript's id, text hash and source path."""
        return store_transcripts.transcript_sources(self.store)

    def _stored_texts(self, sources: "pd.DataFrame | None" = None) -> Mapping[str, str]:
        """Every transcript's text, read when first used (``sources``: what :meth:`_sources` returns)."""
        frame = self._sources() if sources is None else sources
        return _Loaded(frame["transcript_id"], self.text)

    def _segments_of(self, transcript_id: str) -> "pd.DataFrame":
        """One transcript's turns, paragraphs and sentences: kind, n, start, end, body_start."""
        import pandas as pd

        frames = []
        for kind in _SEGMENT_KINDS:
            frame = self.segments(kind, transcript_id, with_text=False)
            frames.append(pd.DataFrame({"kind": kind, "n": frame["n"], "start": frame["start"], "end": frame["end"],
                                        "body_start": frame["body_start"] if kind == "turn" else None}))
        return pd.concat(frames, ignore_index=True)

    def _segments_for(self, kind: str, transcript_ids: Sequence[str] | None, one_by_one: bool = False) -> "pd.DataFrame":
        """Segments of one kind of these transcripts (every transcript when None).

        ``one_by_one`` reads each transcript's on its own (for a few transcripts of a large
        project) instead of reading the whole project's and keeping theirs.
        """
        import pandas as pd

        if transcript_ids is not None and one_by_one and len(transcript_ids) <= _FEW:
            frames = [self.segments(kind, tid, with_text=False) for tid in transcript_ids]
            return pd.concat(frames, ignore_index=True) if frames else self.segments(kind, "", with_text=False)
        frame = self.segments(kind, with_text=False)
        return frame if transcript_ids is None else frame[frame["transcript_id"].isin(set(transcript_ids))]

    def _write_layer(self, write: "LayerWrite", codebook: "Codebook | None") -> "WriteResult":
        return self.write_codings(write.codings, coder=write.coder, origin=write.origin,
                                  source_file=write.source_file, codebook=codebook, replace=write.replace,
                                  action=write.action, covers=write.covers, grouped=write.grouped,
                                  detail=write.detail, unique=write.unique)

    # ------------------------------------------------------------------ reading
    def _check_coders(self, coders: str | Sequence[str] | None, known: Iterable[str] | None = None) -> None:
        """Refuse coder (layer) names given explicitly that the project does not hold.

        The getters' rule for names (as :meth:`_check_transcript_ids` for ids): ``None`` means
        every layer, and a layer the caller names must exist, as a layer with codings or a coder
        on record without any (given transcripts, returned empty or assigned, or whose files were
        imported and emptied since), or ``consensus`` (the default layer of :meth:`reconcile`,
        empty until a reconciliation); else one
        :class:`~mio_qual.errors.InputError` names it with close matches, rather than an empty
        table. ``known``: the layers with codings when the caller has read them already. In team
        mode a coder asking for a layer they may not read is told so (blinding), not "unknown".
        """
        if coders is None:
            return
        names = [coders] if isinstance(coders, str) else [str(c) for c in coders]
        have = set(store_codings.coders(self.store) if known is None else known)
        missing = [n for n in names if n not in have and n != "consensus"]  # reconcile's layer: empty until then
        if not missing:
            return
        if getattr(self.store, "backend", "sqlite") == "postgresql":  # before coverage, which a coder reads whole
            from ..store import team

            team.refuse_hidden(self.store, missing)  # type: ignore[arg-type]
        have.update(store_imports.coders_on_record(self.store, missing))
        error = unknown_names("coder", missing, sorted(have), listing="mio-qual coding list", path=self.folder)
        if error is not None:
            raise error

    def codings(self, coder: str | Sequence[str] | None = None, origin: str | Sequence[str] | None = None,
                transcript_id: str | Sequence[str] | None = None,
                code: str | Sequence[str] | None = None) -> "pd.DataFrame":
        """Codings as a DataFrame, one row per coding, with the coded text and where it sits.

        Parameters
        ----------
        coder, origin, transcript_id, code : str or sequence of str, optional
            Keep only these layers, origins (human, consensus, rules, model), transcripts or codes.

        Returns
        -------
        pandas.DataFrame
            Columns of :data:`mio_qual.coding.queries.CODING_COLUMNS` (see
            :func:`mio_qual.coding.queries.annotate_codings`), then ``study_id`` and
            ``speaker_role`` of the turn the coding starts in (how reports quote a speaker; the
            ``speaker`` label is the transcript's own and may be a name), sorted by transcript,
            start, end, code, coder.

        Raises
        ------
        InputError
            When a transcript id or a coder named is not in the project (close ones suggested).
        """
        from ..coding.queries import annotate_codings

        self._check_transcript_ids(transcript_id)  # type: ignore[attr-defined]
        self._check_coders(coder)
        rows = store_codings.read_codings(self.store, coder=coder, origin=origin, transcript_id=transcript_id,
                                          code=code)
        ids = sorted(set(rows["transcript_id"]))
        few = transcript_id is not None and len(ids) <= _FEW
        texts = {tid: self.text(tid) for tid in ids} if few else self.texts()
        turns = self._segments_for("turn", ids, one_by_one=few)
        clinics = dict(zip(turns["transcript_id"], turns["clinic"]))  # every transcript has a turn
        frame = annotate_codings(rows, texts, turns, self._segments_for("sentence", ids, one_by_one=few), clinics)
        who = turns.set_index("segment_id")[["study_id", "speaker_role"]]
        return frame.join(who, on="turn_id")

    def code_matrix(self, unit: str = "turn", coder: str | Sequence[str] | None = None,
                    codes: Sequence[str] | None = None, min_overlap: int = 1,
                    origin: str | Sequence[str] | None = None,
                    transcript_id: str | Sequence[str] | None = None,
                    include_interviewer: bool = False) -> "pd.DataFrame":
        """Binary unit-by-code matrix: 1 where some coding of a code overlaps the unit.

        Its rows are the units :meth:`agreement` compares by default: participants' speech only
        (no interviewer-side turns, paragraphs or sentences, no paragraphs before the first
        turn), so that its counts match agreement's units; ``include_interviewer=True`` keeps
        every unit, as agreement's option of that name does.

        Parameters
        ----------
        unit : {"turn", "paragraph", "sentence", "transcript"}
            The unit of analysis (DESIGN.md, decision 5).
        coder : str or sequence of str, optional
            Layers to use (their union); all layers when omitted.
        codes : sequence of str, optional
            The columns, in this order; default: every code applied, sorted.
        min_overlap : int
            Characters a coding must share with a unit (see :func:`mio_qual.coding.queries.code_matrix`).
        origin, transcript_id : str or sequence of str, optional
            Further filters; every transcript's units are rows unless ``transcript_id`` is given.
        include_interviewer : bool
            Keep the interviewer side's units (and paragraphs before the first turn) as rows.
            Default False, as in :meth:`agreement`. No effect for ``unit="transcript"``.

        Returns
        -------
        pandas.DataFrame
            Indexed by segment id, one int8 column per code.

        Raises
        ------
        InputError
            When a transcript id or a coder named is not in the project (close ones suggested).
        """
        from ..coding.queries import check_matrix_options, code_matrix

        check_matrix_options(unit, min_overlap)
        self._check_transcript_ids(transcript_id)  # type: ignore[attr-defined]
        self._check_coders(coder)
        spans = store_codings.read_codings(self.store, coder=coder, origin=origin, transcript_id=transcript_id,
                                           code=codes, columns=("transcript_id", "start", "end", "code"),
                                           ordered=False)
        if transcript_id is None:
            ids = sorted(self._sources()["transcript_id"])
        else:
            ids = [transcript_id] if isinstance(transcript_id, str) else list(transcript_id)
        segments = None if unit == "transcript" else self._segments_for(unit, ids, one_by_one=transcript_id is not None)
        if segments is not None and not include_interviewer:
            from ..agreement.project_api import not_speech

            segments = segments[~not_speech(segments, unit)]
        return code_matrix(spans, ids, segments, unit=unit, codes=codes, min_overlap=min_overlap)

    def coding_layers(self) -> "pd.DataFrame":
        """The coding layers: coder, origin, codings, transcripts and codes covered.

        Returns
        -------
        pandas.DataFrame
            One row per layer.
        """
        return store_codings.layer_summary(self.store)

    # ------------------------------------------------------------------ writing
    def register_codebook(self, codebook: "Codebook") -> str:
        """Keep a copy of ``codebook`` in the store (once per version) and return its version.

        Parameters
        ----------
        codebook : Codebook
            The codebook to keep.

        Returns
        -------
        str
            Its version (:attr:`mio_qual.codebook.Codebook.version`).
        """
        with self.store.transaction():
            self._keep_codebook(codebook)
        return codebook.version

    def _keep_codebook(self, codebook: "Codebook") -> None:
        """Keep a codebook version in the store, and its code groups as the project's sets (a
        ``.qdc``'s groups travel with it into :meth:`export_qdpx`); call inside a transaction."""
        from ..coding.importing import codebook_set_rows
        from ..coding.layers import codebook_record

        store_codebooks.add_codebook(self.store, **codebook_record(codebook), added_at=now_iso())
        if codebook.sets:
            store_refi.put_objects(self.store, codebook_set_rows(codebook, store_refi.read_objects(self.store, "set")))

    def write_codings(self, codings: Iterable["Coding"], *, coder: str, origin: str = "human",
                      source_file: str | Path | None = None, codebook: "Codebook | None" = None,
                      replace: "ReplaceMode" = "file", action: str = "import codings",
                      covers: Iterable[str] | None = None, grouped: bool = False,
                      detail: "Mapping[str, Any] | None" = None, unique: bool = False) -> "WriteResult":
        """Check codings and write them into ``coder``'s layer in one transaction.

        Parameters
        ----------
        codings : iterable of Coding
            All must have ``coder`` and ``origin`` equal to the arguments.
        coder, origin : str
            The layer written.
        source_file : path, optional
            The file the codings came from. Its name (not its folder) identifies it, so
            importing a coder's file again replaces what that file brought before; the file is
            recorded among the project's imports.
        codebook : Codebook, optional
            When given, every code must be in it and its version is stored with each coding.
        replace : {"file", "layer", "none"}
            ``file``: first remove this coder's codings from the same source file; ``layer``:
            first remove every coding of this coder with this origin; ``none``: only add.
        action : str
            Text for the audit trail.
        covers : iterable of str, optional
            Transcripts the coder was given and returned, with or without codings in them
            (recorded for agreement's "seen" rule, with the transcripts of the codings, for a
            source file or when given).
        grouped : bool
            ``codings`` come grouped by transcript: they are checked and written as they stream
            (:class:`mio_qual.coding.layers.CheckedCodings`), never held in a list (a ``.qdpx``
            import of millions of codings).
        detail : mapping, optional
            More for the audit trail's entry (see :attr:`mio_qual.coding.layers.LayerWrite.detail`).
        unique : bool
            With ``grouped``: the codings come without doubles (see
            :attr:`mio_qual.coding.layers.LayerWrite.unique`), so none is held to find them.

        Returns
        -------
        WriteResult

        Raises
        ------
        InputError
            Listing every problem (see :func:`mio_qual.coding.layers.check_codings`); nothing
            is written.
        """
        from ..coding.layers import CheckedCodings, WriteResult, check_codings, coding_records, file_sha256

        texts = self._stored_texts()
        unique: "Iterable[Coding]"
        if grouped:
            unique = checked = CheckedCodings(codings, coder=coder, origin=origin, texts=texts, codebook=codebook,
                                              source_file=source_file, unique=unique)
        else:
            rows = list(codings)
            lengths = {tid: len(texts[tid]) for tid in {c.transcript_id for c in rows} if tid in texts}
            unique = check_codings(rows, coder=coder, origin=origin, lengths=lengths, codebook=codebook,
                                   source_file=source_file)
        source_name = Path(source_file).name if source_file is not None else None
        with self.store.transaction():
            version = None
            if codebook is not None:
                self._keep_codebook(codebook)
                version = codebook.version
            if replace == "file" and source_name is not None and not grouped:
                unique = list(unique)
                same = self._same_as_stored(unique, coder=coder, source_name=source_name, version=version)
                if same:  # the same file again: nothing to write, nothing for the audit trail
                    covered = set(covers or ()) | {c.transcript_id for c in unique}
                    had = store_imports.read_coverage(self.store, [coder])
                    had = had[(had["kind"] == "returned") & (had["source"] == source_name)]
                    if set(had["transcript_id"]) != covered:  # the transcripts it lists changed (the seen rule)
                        store_imports.replace_returned(self.store, coder=coder, source=source_name, origin=origin,
                                                       transcript_ids=covered, at=now_iso())
                    return WriteResult(coder=coder, inserted=0, removed=0, source_file=source_name, unchanged=same)
            replaced: dict[str, Any] = {}
            if replace == "file" and source_name is not None:
                removed = store_codings.delete_codings(self.store, coder=coder, source_file=source_name)
                earlier = store_imports.last_coding_import(self.store, coder=coder, name=source_name) if removed else None
                if earlier is not None:  # by design a file is known by its name: say which file's codings went
                    replaced = {"replaced_import": {"path": earlier[0], "sha256": earlier[1], "codings": removed,
                                                    "same_path": earlier[0] == str(source_file)}}
            elif replace == "layer":
                removed = store_codings.delete_codings(self.store, coder=coder, origin=origin)
            else:
                removed = 0
            created = now_iso()
            inserted = store_codings.insert_codings(self.store, coding_records(
                unique, created=created, codebook_version=version, source_name=source_name))
            written = set(checked.transcripts) if grouped else {c.transcript_id for c in unique}
            if source_name is not None:
                store_imports.record_import(self.store, kind="coding", path=str(source_file),
                                            sha256=file_sha256(source_file), coder=coder, n_items=inserted,
                                            at=created)
            if source_name is not None or covers is not None:
                if replace == "layer":
                    store_imports.delete_returned(self.store, coder=coder, origin=origin)
                covered = set(covers if covers is not None else ()) | written
                store_imports.replace_returned(self.store, coder=coder, source=source_name or action, origin=origin,
                                               transcript_ids=covered, at=created)
            self.store.audit(action, target=coder, codebook_version=version, detail={
                "origin": origin, "source_file": source_name, "inserted": inserted, "removed": removed, **replaced,
                "transcripts": sorted(written), **(detail or {})})
        return WriteResult(coder=coder, inserted=inserted, removed=removed, source_file=source_name)

    def _same_as_stored(self, codings: "list[Coding]", *, coder: str, source_name: str,
                        version: str | None) -> int:
        """How many codings ``codings`` are when they equal those ``source_name`` brought into the
        layer before (same spans, codes, memos, origin, codebook version ...), else 0."""
        from ..coding.layers import coding_records

        if not codings:
            return 0
        fields = ("transcript_id", "start", "end", "code", "origin", "memo", "codebook_version", "probability",
                  "evidence", "unit")
        stored = store_codings.read_codings(self.store, coder=coder, source_file=source_name, columns=fields,
                                            ordered=False)
        if len(stored) != len(codings):
            return 0

        def key(row: "Mapping[str, Any]") -> tuple[str, ...]:
            return tuple("" if row[f] is None or row[f] != row[f] else str(row[f]) for f in fields)

        new = sorted(key(r) for r in coding_records(codings, created="", codebook_version=version,
                                                    source_name=source_name))
        old = sorted(key(r) for r in stored.to_dict("records"))
        return len(codings) if new == old else 0

    def delete_layer(self, coder: str, origin: str | None = None,
                     confirm: Callable[[int], bool] | None = None) -> int:
        """Remove a coder's layer (optionally only one origin); recorded in the audit trail.

        Parameters
        ----------
        coder : str
        origin : str, optional
        confirm : callable, optional
            Called with the number of codings about to be deleted; nothing is deleted unless
            it returns True (the CLI asks the user).

        Returns
        -------
        int
            The number of codings removed (0 when ``confirm`` declined).

        Raises
        ------
        InputError
            When the layer holds no codings; in team mode, a coder naming another coder's layer.
        """
        if getattr(self.store, "backend", "sqlite") == "postgresql":  # the server would delete nothing, silently
            from ..store import team

            team.require_own_or_lead(self.store, [coder], "delete the layer of")
        count = store_codings.count_codings(self.store, coder=coder, origin=origin)
        if count == 0:
            raise InputError(f"no codings in layer {coder!r}" + (f" with origin {origin}" if origin else ""),
                             path=self.folder, hint="see `mio-qual coding list`")
        if confirm is not None and not confirm(count):
            return 0
        with self.store.transaction():
            removed = store_codings.delete_codings(self.store, coder=coder, origin=origin)
            store_imports.delete_returned(self.store, coder=coder, origin=origin)
            self.store.audit("delete layer", target=coder, detail={"origin": origin, "removed": removed})
        return removed

    # ------------------------------------------------------------------ importing
    def import_codings(self, paths: Iterable[str | Path], *, coder: str | None = None, codebook: Any = None,
                       transcript_id: str | None = None, skip_problems: bool = False,
                       authors: Iterable[str] = ()) -> "CodingImport":
        """Import Word comments, coding sheets, filled reconciliation sheets and ``.qdpx`` files in one transaction.

        Parameters
        ----------
        paths : iterable of path
        coder : str, optional
            The layer (required for Word files; a sheet's coder column wins; for ``.qdpx`` it
            overrides the project's users). A coder connected to a server has one layer, their
            own: it is the default (said in ``notes``); the lead names the layer.
        codebook : Codebook or codebook names, optional
            Default: the project's codebook (:meth:`use_codebook`), else
            :data:`mio_qual.codebook.DEFAULT_CODEBOOKS`.
        transcript_id : str, optional
            The transcript of files that name none.
        skip_problems : bool
            Import what can be imported and list the rest in ``skipped``.
        authors : iterable of str
            Word files: only the comments of these authors (a file several coders commented);
            see :meth:`import_word_comments`.

        Returns
        -------
        CodingImport

        Raises
        ------
        InputError
            Listing every problem in every file; nothing is written.
        """
        from ..coding.importing import CodingImport, problem_lines, problems_error, sort_by_kind

        own = self._own_layer() if coder is None else None
        coder = own or coder
        by_kind = sort_by_kind(paths, coder)
        book = self.codebook_for(codebook)  # type: ignore[attr-defined]
        result = CodingImport()
        result.skip_locks(by_kind["lock"])
        problems: list[str] = []
        hints: list[str | None] = []  # what a .qdpx's own error advises (how to use its codebook)
        prepared: dict[Path, Any] = {}  # .qdpx files read and placed before the write lock (issue 20)
        refused: dict[Path, InputError] = {}
        for path in by_kind["qdpx"]:
            try:
                prepared[path] = self._prepare_qdpx(path, book, coder=coder, skip_problems=skip_problems,
                                                    origin="human")
            except InputError as exc:
                refused[path] = exc
        with self.store.transaction(), _released(prepared):
            # a codebook named becomes the project's if there is none yet (checked before the writes)
            adopt = None if codebook is None else self._adopt_named(  # type: ignore[attr-defined]
                book, _named(codebook), "coding import")
            if by_kind["docx"]:
                try:
                    result.add_word(self.import_word_comments(by_kind["docx"], coder or "", book,
                                                              skip_problems=skip_problems,
                                                              transcript_id=transcript_id, authors=authors))
                except InputError as exc:
                    problems.extend(problem_lines(exc))
            if by_kind["sheet"]:
                try:
                    result.add_sheets(self.import_coding_sheets(by_kind["sheet"], coder, book,
                                                                skip_problems=skip_problems,
                                                                transcript_id=transcript_id))
                except InputError as exc:
                    problems.extend(problem_lines(exc))
            for path in by_kind["qdpx"]:
                try:
                    if path in refused:
                        raise refused[path]
                    result.add_qdpx(path, self._write_qdpx(prepared[path]))
                except InputError as exc:  # name the .qdpx in each problem: several files may be listed
                    problems.extend(problem_lines(exc, path))
                    hints.append(exc.hint)
            if problems:
                raise problems_error(problems, hints, codebooks=getattr(book, "infos", {}))
            note = adopt() if adopt is not None else None
            if note:
                result.notes.append(note)
        if own:
            result.notes.insert(0, f"layer {own}: your own (you are connected as coder {own}, and a coder writes "
                                   "only their own layer; --coder was not given)")
        result.finish(coder if by_kind["docx"] else None)
        if result.inserted:
            result.notes.extend(filter(None, map(self.layer_name_note, result.layers)))
        return result

    def _own_layer(self) -> str | None:
        """On a server, the connected coder's role (their one layer); None locally and for the lead."""
        if getattr(self.store, "backend", "sqlite") != "postgresql":
            return None
        from ..store.team import own_layer

        return own_layer(self.store)  # type: ignore[arg-type]

    def layer_name_note(self, layer: str) -> str | None:
        """A warning when a layer's name is one the redactor hides (a coder named in the roster), else None.

        Coders are often the study's interviewers, and a roster that lists an interviewer's name as an
        alias makes every output print that coder's layer as ``[name]`` ("[name] applied 12 codings").

        Parameters
        ----------
        layer : str
            A coding layer's name (on a server, the coder's role).

        Returns
        -------
        str or None
        """
        shown = self.redactor()(layer)  # type: ignore[attr-defined]
        if shown == layer:
            return None
        return (f"layer {layer!r} is also a name the project redacts (a roster name or alias): reports, sheets and "
                f"the log print it as {shown!r}; name coders' layers by initials or a code instead (on a server: "
                "their role's name)")

    def import_word_comments(self, paths: Iterable[str | Path], coder: str, codebook: Any = None, *,
                             skip_problems: bool = False, transcript_id: str | None = None,
                             authors: Iterable[str] = ()) -> "DocxImport":
        """Import the codes coders wrote as Word comments, all files in one transaction.

        Parameters
        ----------
        paths : iterable of path
            ``.docx`` files written by :meth:`export_docx`, or original transcript files.
        coder : str
            The layer the codings go into (origin ``human``).
        codebook : Codebook or codebook names, optional
            Default: the project's codebook (:meth:`use_codebook`), else
            :data:`mio_qual.codebook.DEFAULT_CODEBOOKS`.
        skip_problems : bool
            Import what can be imported and list the problems in ``skipped``.
        transcript_id : str, optional
            The transcript for files that name none.
        authors : iterable of str
            Only the comments of these authors (as Word records them; case ignored). A file
            whose comments come from several authors is refused without it, since one layer
            would hold several coders' coding.

        Returns
        -------
        DocxImport

        Raises
        ------
        InputError
            Listing every problem of every file (see :func:`mio_qual.coding.word.read_docx_comments`);
            nothing is written.
        """
        from ..coding.word import TranscriptNames, read_docx_comments

        book = self.codebook_for(codebook)  # type: ignore[attr-defined]
        sources = self._sources()
        plan = read_docx_comments(paths, coder, book, texts=self._stored_texts(sources),
                                  names=TranscriptNames.from_frame(
                                      sources, self.masked_case_ids()["transcript"]),  # type: ignore[attr-defined]
                                  skip_problems=skip_problems,
                                  transcript_id=transcript_id, authors=authors)
        with self.store.transaction():
            written = [self._write_layer(write, book) for write in plan.writes]
        return plan.result(written)

    def import_coding_sheets(self, paths: Iterable[str | Path], coder: str | None = None, codebook: Any = None, *,
                             skip_problems: bool = False, transcript_id: str | None = None) -> "SheetImport":
        """Import coders' sheets (``.csv``/``.xlsx``) and filled reconciliation sheets in one transaction.

        Parameters
        ----------
        paths : iterable of path
        coder : str, optional
            The layer for rows without a ``coder`` cell.
        codebook : Codebook or codebook names, optional
            Default: the project's codebook (:meth:`use_codebook`), else
            :data:`mio_qual.codebook.DEFAULT_CODEBOOKS`.
        skip_problems : bool
            Import the good rows and list the bad ones in ``skipped``.
        transcript_id : str, optional
            The transcript of rows that name none.

        Returns
        -------
        SheetImport

        Raises
        ------
        InputError
            Listing every problem in every file, with sheet, row and column; nothing is written.
        """
        from ..coding.spreadsheet import SheetTexts, read_coding_sheets
        from ..coding.word import TranscriptNames

        book = self.codebook_for(codebook)  # type: ignore[attr-defined]
        sources = self._sources()
        texts = SheetTexts(self._stored_texts(sources), TranscriptNames.from_frame(sources),
                           _Loaded(sources["transcript_id"], self._segments_of),
                           aliases=self.masked_case_ids()["transcript"])  # type: ignore[attr-defined]
        plan = read_coding_sheets(paths, book, texts, coder=coder, skip_problems=skip_problems,
                                  transcript_id=transcript_id)
        with self.store.transaction():
            earlier = {path.name: store_codings.coders_of_source(self.store, path.name, origin="human")
                       for path, _codings in plan.batches}
            writes = plan.writes(earlier)
            written = [self._write_layer(write, book) for write in writes]
            decided = [self._write_decisions(decisions, book) for decisions in plan.decisions]
        return plan.result(writes, written, decided)

    def import_decisions(self, path: str | Path, codebook: Any = None, *,
                         skip_problems: bool = False) -> "DecisionImport":
        """Add the decisions of a filled reconciliation sheet to the consensus layer.

        Importing the same sheet again replaces what it brought. Another sheet of the same coder
        pair adds to it: where it decides a passage an earlier sheet decided, the earlier
        decision's codings there are replaced (the latest decision stands); a row it leaves empty
        keeps what an earlier sheet decided.

        Parameters
        ----------
        path : path
            The sheet :meth:`reconcile` wrote, with its decision cells filled.
        codebook : Codebook or codebook names, optional
            For ``code: X; Y`` decisions; default: the project's codebook, else
            :data:`mio_qual.codebook.DEFAULT_CODEBOOKS`.
        skip_problems : bool
            Import the good rows.

        Returns
        -------
        DecisionImport
            What the import did: decisions read, codings inserted and removed.

        Raises
        ------
        InputError
            Listing every bad row (sheet, row, column); nothing is written.
        """
        from ..coding.reconcile import read_decisions

        book = self.codebook_for(codebook)  # type: ignore[attr-defined]
        decisions = read_decisions(path, book, self._stored_texts(), skip_problems=skip_problems)
        with self.store.transaction():
            return self._write_decisions(decisions, book)

    def _write_decisions(self, decisions: "Decisions", book: "Codebook") -> "DecisionImport":
        """Write a filled sheet's decisions into the consensus layer, the latest decision of a passage standing.

        Several sheets of one coder pair all count (a team may split a sheet, or decide in a
        second meeting on a copy); where this sheet decides a passage that another sheet of the
        pair decided before, the codings that sheet put in the passage are removed first, so the
        layer holds one decision per passage, the latest imported. A passage this sheet leaves
        undecided keeps what another sheet decided. (Importing the same sheet again replaces
        what it brought, as for every file.) :func:`mio_qual.reports.methods.sheet_decisions`
        counts by the same rule. Call inside a transaction.
        """
        from ..store.audit import action_details

        write = decisions.write
        detail = dict(write.detail or {})
        decided = (detail.get("passages") or {}).get("decided") or []
        name = Path(str(write.source_file)).name
        pair = sorted(detail.get("coders") or [])
        others = sorted({str(d.get("source_file")) for d in action_details(self.store, write.action)
                         if sorted(d.get("coders") or []) == pair and d.get("source_file") not in (None, name)})
        if decided and others:
            held = store_codings.read_codings(self.store, coder=write.coder, origin="consensus", source_file=others,
                                              transcript_id=sorted({str(p[0]) for p in decided}),
                                              columns=("id", "transcript_id", "start", "end"), ordered=False)
            spans: dict[str, list[tuple[int, int]]] = {}
            for tid, start, end in decided:
                spans.setdefault(str(tid), []).append((int(start), int(end)))
            overridden = [int(i) for i, tid, s, e in zip(held["id"], held["transcript_id"], held["start"],
                                                         held["end"])
                          if any(a <= s and e <= b for a, b in spans.get(tid, ()))]
            if overridden:
                store_codings.delete_coding_ids(self.store, overridden)
                detail["overridden"] = len(overridden)
                write = replaced(write, detail=detail)
        result = decisions.result(self._write_layer(write, book))
        result.removed += int(detail.get("overridden", 0))
        return result

    def import_qdpx(self, path: str | Path, *, codebook: Any = None, coder: str | None = None,
                    skip_problems: bool = False, origin: str = "human") -> "RefiImportResult":
        """Import the sources, codings, users, cases and variables of a REFI-QDA project in one transaction.

        Parameters
        ----------
        path : str or Path
            The ``.qdpx`` file.
        codebook : Codebook or codebook names, optional
            Every code applied in the file must resolve to one of its codes; default: the
            project's codebook, else :data:`mio_qual.codebook.DEFAULT_CODEBOOKS`. Name the ``.qdpx`` itself (or a
            ``.qdc``) to use the project's own codes, with their hierarchy, descriptions,
            colours and GUIDs. The codebook is kept in the project, codes nobody applied
            included, and :meth:`export_qdpx` writes it back.
        coder : str, optional
            Put every coding into this coder's layer; default: one layer per REFI ``User``.
        skip_problems : bool
            Skip and list codings and sources that cannot be imported (see
            :func:`mio_qual.coding.refi_import.read_qdpx`).
        origin : str
            Origin of the codings written (``human`` or ``consensus``).

        Returns
        -------
        RefiImportResult

        Raises
        ------
        InputError
            Hostile, damaged or unusable input, listing every problem found; nothing is written.
        """

        book = self.codebook_for(codebook)  # type: ignore[attr-defined]
        prepared = self._prepare_qdpx(path, book, coder=coder, skip_problems=skip_problems, origin=origin)
        with self.store.transaction(), _released({Path(path): prepared}):
            # a codebook named becomes the project's if there is none yet (checked before the writes)
            adopt = None if codebook is None else self._adopt_named(  # type: ignore[attr-defined]
                book, _named(codebook), "coding import")
            result = self._write_qdpx(prepared)
            note = adopt() if adopt is not None else None
            if note:
                result.warnings.append(note)
            return result

    def _prepare_qdpx(self, path: str | Path, book: "Codebook", *, coder: str | None, skip_problems: bool,
                      origin: str) -> "_PreparedQdpx":
        """Everything of a ``.qdpx`` import that only reads: the file parsed and checked, its sources
        matched, new transcripts read, every selection placed on its stored text (the alignment of a
        changed source included). Run before the write transaction, so the write lock is held only
        for the writes (issue 20: 127 s under the lock for one changed 176,000-character source)."""
        from ..coding.refi_import import match_sources, new_transcripts, place_codings, read_qdpx

        plan = read_qdpx(path, codebook=book, coder=coder, skip_problems=skip_problems, origin=origin)
        try:
            sources = self._sources()
            match_sources(plan, sources)
            new = new_transcripts(plan)
            texts = ChainMap(_Loaded(new, plan.spill.transcript_text), self._stored_texts(sources))
            return _PreparedQdpx(plan, book, _source_state(sources), new, place_codings(plan, texts),
                                 dict(path=path, coder=coder, skip_problems=skip_problems, origin=origin))
        except BaseException:
            plan.release()  # the scratch database of its selections
            raise

    def _write_qdpx(self, prepared: "_PreparedQdpx") -> "RefiImportResult":
        """Write a prepared ``.qdpx`` import; call inside ``self.store.transaction()``.

        The preparation read the project without the lock, so it is checked first: when a
        transcript was added, removed or changed meanwhile (its text hash), the file is prepared
        again, now under the lock, so nothing is placed on a text that is no longer there.
        """
        if _source_state(self._sources()) != prepared.state:
            prepared.plan.release()
            prepared = self._prepare_qdpx(book=prepared.book, **prepared.arguments)
        try:
            return self._write_prepared(prepared)
        finally:
            prepared.plan.release()

    def _write_prepared(self, prepared: "_PreparedQdpx") -> "RefiImportResult":
        """The writes of :meth:`_write_qdpx`, the project state checked. A file that would change nothing
        (the same file imported again: :meth:`_qdpx_unchanged`) writes nothing, not even to the audit trail."""
        from ..coding.layers import WriteResult
        from ..coding.refi_import import (
            audit_detail,
            batches,
            drop_known,
            layer_writes,
            merge_metadata,
            metadata_sources,
            refi_objects,
        )

        plan, book, placed = prepared.plan, prepared.book, prepared.placed
        result = plan.result
        if prepared.new:
            added = self.add_transcripts(plan.spill.transcripts())  # type: ignore[attr-defined]  # one at a time
            result.added.extend(added.added)
            result.warnings.extend(f"{tid}: {message}" for tid, message in added.warnings)
        stored = {tid: self.transcript(tid) for tid in metadata_sources(plan)}
        updates = merge_metadata(plan, stored)
        drop_known(plan, placed, store_codings.coding_keys(self.store, coder=placed.coders, other_than=plan.path.name))
        placed.drop_doubles()
        before = store_codings.source_counts(self.store, plan.path.name)
        writes = layer_writes(plan, placed, set(before))
        if not prepared.new and not updates and self._qdpx_unchanged(plan, book, placed, writes, before):
            layers = dict.fromkeys(w.coder for w in writes)
            result.writes.extend(WriteResult(coder=layer, inserted=0, removed=0, source_file=plan.path.name,
                                             unchanged=before[layer]) for layer in layers)
            result.unchanged = True
            return result
        for transcript in updates:
            if store_transcripts.update_metadata(self.store, transcript):
                result.metadata_updated.append(transcript.id)
        if plan.own_codebook:  # the file's own codes are kept, those nobody applied too
            self._keep_codebook(book)
        for rows in batches(refi_objects(plan)):  # a large project's rows never held at once
            store_refi.put_objects(self.store, rows)
        for write in writes:  # codings made from the columns as they are written
            result.writes.append(self._write_layer(write, book))
        self.store.audit("import REFI-QDA project", target=plan.path.name, codebook_version=book.version,
                         detail=audit_detail(result))
        return result

    def _qdpx_unchanged(self, plan: Any, book: "Codebook", placed: Any, writes: "Sequence[LayerWrite]",
                        before: Mapping[str, int]) -> bool:
        """Whether a ``.qdpx`` import would change nothing: every layer it writes holds exactly the codings
        the same file brought before (counted first, then compared by digest:
        :func:`mio_qual.coding.refi_import.unchanged_layer`), the same transcripts are recorded as
        returned, its codebook (and the codebook's sets) and every REFI object (GUIDs, notes, sets,
        sources) are kept already. Nothing is held: the rows are compared as they are read."""
        from ..coding.importing import codebook_set_rows
        from ..coding.refi_import import batches, refi_objects, unchanged_layer

        name = plan.path.name
        layers = list(dict.fromkeys(w.coder for w in writes))
        if set(before) - set(layers) or any(placed.count(layer) != before.get(layer, 0)
                                                           for layer in layers):
            return False
        kept = bool(layers) or plan.own_codebook  # the codebook is kept by a write, or as the file's own
        if kept and not store_codebooks.codebook_contents(self.store, [book.version]):
            return False
        if kept and book.sets and not store_refi.objects_kept(
                self.store, codebook_set_rows(book, store_refi.read_objects(self.store, "set"))):
            return False
        coverage = store_imports.read_coverage(self.store, layers)
        coverage = coverage[(coverage["kind"] == "returned") & (coverage["source"] == name)]
        for write in writes:
            if set(coverage.loc[coverage["coder"] == write.coder, "transcript_id"]) != set(write.covers):
                return False
        if not all(store_refi.objects_kept(self.store, rows) for rows in batches(refi_objects(plan))):
            return False
        return all(unchanged_layer(placed, layer, lambda columns, layer=layer: store_codings.source_codings(
            self.store, coder=layer, source_file=name, columns=columns), book.version) for layer in layers)

    # ------------------------------------------------------------------ reconciling
    @renamed(min_jaccard="overlap")
    def reconcile(self, coders: Sequence[str] = ("A", "B"), into: str = "consensus", unit: str = "span",
                  out: str | Path | None = None, overlap: float = 0.5, codebook: Any = None,
                  write: bool = True, show_names: bool = False, force: bool = False) -> "Reconciliation":
        """Build the consensus layer from two coders' agreements and list their disagreements.

        Which transcripts each coder saw follows agreement's default rule (``seen="given"``): those
        they returned or were assigned (:meth:`coverage`) or coded in; a transcript one coder did
        not see is set aside (``not_seen`` of the result), not listed as their disagreement.

        Parameters
        ----------
        coders : (str, str)
            Coder A and coder B (their human and auto layers; never the consensus layer).
        into : str
            Name of the consensus layer (origin ``consensus``).
        unit : {"span", "sentence", "paragraph", "turn"}
            Compare passages (``span``) or units (see :mod:`mio_qual.coding.reconcile`).
        out : path, optional
            Folder for ``reconcile_<A>_<B>.xlsx`` (the sheet to fill) and ``.docx`` (the handout).
        overlap : float
            For ``unit="span"``: the least overlap |A and B| / |A or B| (Jaccard) of the two
            coders' passages for a code to count as agreed, as agreement's ``overlap`` (``--overlap``;
            was ``min_jaccard``, which works until 0.2.0 with a DeprecationWarning).
        codebook : Codebook or names, optional
            Checked against the agreed codes (not checked when omitted).
        write : bool
            Write the agreed codings into the consensus layer (replacing what an earlier
            reconcile of the same two coders wrote there; decisions imported from sheets stay).
        show_names : bool
            Keep participants' names in the sheet and handout (by default they pass through
            :meth:`redactor`, like every other output; on a shared server the lead's choice alone).
        force : bool
            Replace a sheet and handout already in ``out`` (refused otherwise: a filled sheet
            holds the team's decisions).

        Returns
        -------
        Reconciliation
        """
        from ..coding.codes import load_codebook
        from ..coding.reconcile import (check_reconcile, consensus_write, earlier_sources, file_stem, handout, reconcile,
                                        write_sheet)
        from ..exports import refuse_overwrite, removed_on_failure
        from ..reports.render import write_docx

        check_reconcile(coders, into, unit, overlap)
        if show_names and out is not None:
            self._names_for_the_lead("write the reconciliation sheet")
        self._check_coders(coders)
        columns = ("transcript_id", "code", "start", "end")
        own = ("human", "rules", "model")
        a = store_codings.read_codings(self.store, coder=coders[0], origin=own, columns=columns)
        b = store_codings.read_codings(self.store, coder=coders[1], origin=own, columns=columns)
        ids = sorted(set(a["transcript_id"]) | set(b["transcript_id"]))
        result = reconcile(a, b, self._stored_texts(), self._segments_for("turn", ids),
                           None if unit == "span" else self._segments_for(unit, ids), coders=coders, into=into,
                           unit=unit, min_jaccard=overlap, given=self.coverage(coders))  # type: ignore[attr-defined]
        outputs = [Path(out) / f"{file_stem(result)}{suffix}" for suffix in (".xlsx", ".docx")] if out else []
        refuse_overwrite(outputs, force=force)
        # One transaction with the files: a failure writing them rolls the consensus layer back.
        with removed_on_failure(outputs), self.store.transaction():
            if write:
                book = load_codebook(codebook) if codebook is not None else None
                legacy = sum(store_codings.delete_codings(self.store, coder=into, source_file=name)
                             for name in earlier_sources(result))
                written = self._write_layer(consensus_write(result), book)
                result.inserted, result.removed = written.inserted, written.removed + legacy
            if out is not None:
                a, b = result.coders
                redactor = None if show_names else self.redactor()  # type: ignore[attr-defined]
                result.files = [write_sheet(result, out, redactor),
                                write_docx(handout(result, redactor), outputs[1],
                                           title=f"Reconciliation: {a} (A) and {b} (B)")]
        return result

    # ------------------------------------------------------------------ exporting
    def export_docx(self, transcript_id: str, path: str | Path, *, with_suggestions: bool = False,
                    suggestion_coders: Sequence[str] | None = None, exported: "datetime | None" = None,
                    show_names: bool = False) -> Path:
        """Write a Word file for coding one transcript (see :func:`mio_qual.coding.word.export_docx`).

        Parameters
        ----------
        transcript_id : str
        path : path
            The ``.docx`` file to write (its folder is created).
        with_suggestions : bool
            Add the auto-coder's suggestions (codings of origin ``rules`` or ``model``) as
            comments to accept or reject.
        suggestion_coders : sequence of str, optional
            Only suggestions from these layers (default: every rules/model layer).
        exported : datetime, optional
            The date shown in the file (default: the project's latest change, so the same project
            exports the same bytes).
        show_names : bool
            Write names as stored. By default the copy passes through :meth:`redactor` (names
            become ``[name]``, a transcript id holding a name its neutral id); comments on it are
            placed back on the stored text when imported. On a shared server names are the
            lead's choice alone (a coder is refused).

        Returns
        -------
        Path
            The file written.
        """
        from ..coding.word import export_docx

        if show_names:
            self._names_for_the_lead("write a Word copy of a transcript")
        exported = exported or self._last_change()  # type: ignore[attr-defined]

        suggestions = None
        if with_suggestions:
            suggestions = store_codings.read_codings(
                self.store, transcript_id=transcript_id, origin=("rules", "model"),
                coder=list(suggestion_coders) if suggestion_coders else None,
                columns=("start", "end", "code", "probability"))
        redactor = None if show_names else self.redactor()  # type: ignore[attr-defined]
        return export_docx(self.transcript(transcript_id), path, suggestions=suggestions, exported=exported,
                           redactor=redactor)

    def export_word_files(self, out: str | Path, transcript_ids: Sequence[str] = (), *,
                          with_suggestions: bool = False, force: bool = False,
                          show_names: bool = False) -> list[Path]:
        """Write ``<ID>.docx`` for coding each transcript (default: every one) into the folder ``out``.

        Every id is checked before anything is written; a file name never leaves ``out``,
        whatever the id holds (the file carries the id). A file already there is refused
        unless ``force`` (a coder may have commented it).

        Parameters
        ----------
        out : str or Path
            The folder written to (made if needed).
        transcript_ids : sequence of str
            The transcripts; every transcript when empty.
        with_suggestions : bool
            Add the autocode suggestions to each file (see :meth:`export_docx`).
        force : bool
            Overwrite files already there.
        show_names : bool
            Keep names; by default each file name and text pass through :meth:`redactor`.

        Returns
        -------
        list of Path
            The files written, in the order of ``transcript_ids``.

        Raises
        ------
        InputError
            When an id names no transcript, or a file exists and ``force`` is False; nothing is written.
        """
        from ..exports import path_inside, refuse_overwrite

        if show_names:
            self._names_for_the_lead("write Word copies of transcripts")

        known = list(self._sources()["transcript_id"])
        ids = list(transcript_ids) or known
        for tid in ids:
            if tid not in known:
                self.text(tid)  # the project's error for an unknown id
        shown = (lambda tid: tid) if show_names else self.redactor()  # type: ignore[attr-defined]
        paths = [path_inside(Path(out), shown(tid), ".docx") for tid in ids]  # a neutral id names the file
        refuse_overwrite(paths, force=force)
        return [self.export_docx(tid, path, with_suggestions=with_suggestions, show_names=show_names)
                for tid, path in zip(ids, paths)]

    def export_layer(self, path: str | Path, coder: str | Sequence[str], *, fmt: str | None = None,
                     origin: str | Sequence[str] | None = None,
                     transcript_id: str | Sequence[str] | None = None, show_names: bool = False) -> Path:
        """Write a coder's layer to a ``.csv`` or ``.xlsx`` sheet that can be imported again.

        Parameters
        ----------
        path : path
        coder : str or sequence of str
            The layer(s); each must hold codings.
        fmt : {"csv", "xlsx"}, optional
            Default: from ``path``'s extension.
        origin, transcript_id : str or sequence of str, optional
            Only these origins or transcripts.
        show_names : bool
            Keep names in quotes, memos and ids; by default they pass through :meth:`redactor`
            (``[name]``, neutral ids), and the sheet still imports back (``[name]`` stands for
            the text at the row's offsets, a neutral id for its transcript). On a shared server
            names are the lead's choice alone (a coder is refused).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        InputError
            A coder without codings, or a format that cannot be told.
        """
        from ..coding.spreadsheet import export_layer

        if show_names:
            self._names_for_the_lead("export a coding layer")
        path = Path(path)
        for name in [coder] if isinstance(coder, str) else list(coder):
            if not store_codings.count_codings(self.store, coder=name):
                raise InputError(f"coder {name!r} has no codings", hint="see `mio-qual coding list`")
        if fmt is None and path.suffix.lower() not in (".csv", ".xlsx"):
            raise InputError("cannot tell the format from the file name", path=path, hint="pass --format csv or xlsx")
        codings = self.codings(coder=coder, origin=origin, transcript_id=transcript_id)
        if not show_names:
            from ..deidentify import redact_frame

            keep = [c for c in codings.columns if c not in ("transcript_id", "turn_id", "text", "memo")]
            redacted = redact_frame(codings.drop(columns=keep), self.redactor())  # type: ignore[attr-defined]
            codings = codings.assign(**{c: redacted[c] for c in redacted.columns})
        return export_layer(codings, path, fmt=fmt)

    def export_qdpx(self, path: str | Path, *, coders: Sequence[str] | None = None, codebook: Any = None,
                    offsets: str = "codepoint", name: str | None = None) -> "ExportResult":
        """Write the project as a REFI-QDA project (``.qdpx``) that other QDA programs open.

        Parameters
        ----------
        path : str or Path
        coders : sequence of str, optional
            Coder layers to export (default: every layer).
        codebook : Codebook or codebook names, optional
            The codes to list (default: the codebook versions stored with the codings, then
            every other codebook kept in the project, such as one a ``.qdpx`` brought with
            codes nobody applied; a code keeps its GUID, colour and name from the QDA program
            it came from).
        offsets : {"codepoint", "utf16"}
            How positions count (see :func:`mio_qual.coding.refi_export.export_qdpx`).
        name : str, optional
            The REFI project name (default: the project folder's name).

        Returns
        -------
        ExportResult
        """
        from ..coding.codes import load_codebook
        from ..coding.refi_export import QdpxSource, check_offsets, export_layers, export_qdpx, used_codes

        check_offsets(offsets)
        layers = export_layers(store_codings.coders(self.store), coders, where=self.folder)
        codings = store_codings.read_codings(self.store, coder=layers)
        used = sorted({v for _c, v in used_codes(codings) if v})
        versions = [*used, *(v for v in store_codebooks.codebook_versions(self.store) if v not in used)]
        transcripts = self.transcripts()
        sources = [QdpxSource(tid, digest, imported, self.transcript(tid).metadata)
                   for tid, digest, imported in zip(transcripts["transcript_id"], transcripts["text_hash"],
                                                    transcripts["imported_at"])]
        return export_qdpx(path, sources=sources, texts=self._stored_texts(transcripts), codings=codings,
                           layers=layers, codebook=load_codebook(codebook) if codebook is not None else None,
                           stored_codebooks=store_codebooks.codebook_contents(self.store, versions),
                           offsets=offsets, name=name or self.folder.name,
                           objects={kind: store_refi.read_objects(self.store, kind) for kind in store_refi.KINDS})

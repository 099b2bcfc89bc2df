"""Importing a REFI-QDA project (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA, QualCoder or mio-qual.

What lands where
----------------
* **Codes** are looked up in the codebook by GUID first (:meth:`Codebook.by_guid`: a codebook
  read from this very ``.qdpx``, or from a ``.qdc`` of the same program, knows every code by
  its place and GUID, so two codes of one name under different parents stay apart), then with
  :meth:`Codebook.resolve` (id, name, alias, ``id name``, or the REFI code path
  ``Parent > Child`` when the name alone is ambiguous). The codebook is the authority on
  codes (DESIGN.md, decision 4): to take the file's own codes, name the file as the codebook
  (``codebook="project.qdpx"``, ``--codebook project.qdpx``). A code that is used by a coding
  but matches no codebook code is an error that lists every such code by its path and GUID
  and says how to use the file's own codebook; with ``skip_problems=True`` its codings are
  skipped and listed instead.
* **Sources** (``TextSource``) become transcripts. A source matches a stored transcript when
  its canonical text is identical (same hash), else when its name (with or without an
  extension) is a transcript id or the file name a transcript was imported from; the
  selections are then carried onto the stored text through an alignment and each one's text is
  checked. Any other source is imported as a new transcript (:func:`new_transcripts`, read
  with :func:`mio_qual.transcripts.read_text`), so speaker turns are found.
* **Selections** (``PlainTextSelection`` with ``Coding``/``CodeRef``) become codings. REFI
  positions count characters of the source's plain text from 0, but tools disagree on what
  a character is; see :func:`choose_convention`. Positions are converted once, here, to
  code-point offsets of the canonical text (DESIGN.md, decision 1).
* **Users** are coders: each coding goes to the layer named by the ``User`` of its
  ``creatingUser`` (the coding's, else the selection's; a project with a single user needs
  none). ``coder=`` puts every coding into one layer instead. Codings are written per coder
  (:func:`layer_writes`) with ``replace="file"``, so importing the same file again replaces
  what it brought before.
* **Variables and cases** become transcript metadata: a variable named like a study column
  (agency, clinic, kind, participant_id, role, date, interviewer) fills that column, others
  become attributes; case variables apply to the case's sources, a source's own values win.
  Case membership is kept in the attribute ``refi_cases`` (``"; "``-separated names); a case
  that groups selections rather than sources is reported, not kept. Stored values are never
  overwritten; a differing value is reported as a warning. Codes applied to a whole source
  become codings of the whole text. Notes other than selection memos (free notes, notes on
  codes, on whole sources and on the project) are kept with what they are attached to and
  exported back; a note tied to a range of its source (an annotation: a ``Note`` with its own
  ``PlainTextSelection``) keeps that range, carried onto the stored text as selections are.
  Variables keep their GUIDs and descriptions, the project its own ``Description``.
* **The same file again** changes nothing and writes nothing (``RefiImportResult.unchanged``). Picture/PDF/audio/video sources are reported, not imported.

Safety: the archive is opened with :func:`mio_qual.safezip.open_zip` and read member by member
with a size bound; ``project.qde`` is parsed with :mod:`mio_qual.xmlsafe` (hardened lxml: no entities, no
DTD, no external references, bounded nesting); only ``internal://`` source files inside the archive are read; any other
``plainTextPath`` (``file://``, ``relative://``, an absolute path) is refused. Everything is
one transaction: on any error the project is left as it was.
"""

from __future__ import annotations

import re
import urllib.parse
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..errors import InputError, UnknownCodeError
from ..offsets import IdentityMap, align, canonical_map
from ..safezip import check_member_name, open_zip, read_member
from ..text import text_hash
from .layers import LayerWrite, WriteResult
from .model import ORIGINS, Coding
from .refi_common import (
    CASES_ATTRIBUTE,
    Selections,
    INTERNAL_PREFIX,
    OutsideArchiveError,
    Convention,
    PositionConverter,
    QdeProject,
    QdeSelection,
    QdeSet,
    QdeSource,
    coding_key,
    conventions_for,
    convert_positions,
    name_match,
    normalize_for_match,
    normalize_guid,
    parse_qde,
    xsd_datetime,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..codebook import Codebook
    from ..store.qdpx_spill import Spill
    from ..transcripts.model import Transcript

MAX_QDE_BYTES = 512 << 20
"""Largest ``project.qde`` read (512 MiB)."""
MAX_SOURCE_BYTES = 200 << 20
"""Largest source text file read (200 MiB, the transcript readers' own bound)."""
CHUNK = 4_000
"""Selections of one source held in memory at a time: a larger source's wait in the scratch database in
chunks of this many while it is read, and are planned chunk by chunk (issue 21)."""
_SOURCE_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".pdf", ".md", ".vtt", ".srt", ".odt", ".html", ".htm")


@dataclass
class SourceReport:
    """What happened to one REFI source."""

    guid: str
    name: str
    transcript_id: str | None = None
    match: str = ""  # "text", "id", "file name", "new" or "skipped"
    convention: str = ""  # the offset convention chosen, e.g. "utf16+crlf"
    selections: int = 0
    codings: int = 0


@dataclass
class RefiImportResult:
    """What importing a ``.qdpx`` file did (:meth:`mio_qual.project.Project.import_qdpx`)."""

    path: str
    sources: list[SourceReport] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # transcripts imported from the project
    writes: list[WriteResult] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # REFI code name -> codebook id (used codes)
    metadata_updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # problems skipped with skip_problems=True
    warnings: list[str] = field(default_factory=list)
    #: The file would change nothing (the same file imported again): nothing was written, not even
    #: to the audit trail; each write says how many codings are unchanged.
    unchanged: bool = False

    @property
    def n_codings(self) -> int:
        """Number of codings written (all coders)."""
        return sum(w.inserted for w in self.writes)

    def lines(self) -> list[str]:
        """A short human summary, one line per fact (for the CLI)."""
        out = [f"{len(self.sources)} source(s): {len(self.added)} imported as new transcripts, "
               f"{sum(1 for s in self.sources if s.match not in ('new', 'skipped'))} matched to stored ones"
               + ("; unchanged since its last import: nothing written" if self.unchanged else "")]
        for w in self.writes:
            out.append(f"coder {w.coder}: {w.unchanged} coding(s) unchanged" if self.unchanged else
                       f"coder {w.coder}: {w.inserted} coding(s) written, {w.removed} replaced")
        return out


@dataclass
class _Planned:
    """A source on its way in. Its text (as the file holds it, and canonical) and its codings wait in the
    scratch database (:meth:`Spill.text <mio_qual.store.qdpx_spill.Spill.text>` of ``index``; ``rows``: the
    range of their numbers in :meth:`Spill.selections <mio_qual.store.qdpx_spill.Spill.selections>`);
    ``hash`` is the canonical text's (to match a stored transcript)."""

    source: QdeSource
    report: SourceReport
    index: int
    hash: str
    rows: tuple[int, int] = (0, 0)
    convention: Convention | None = None  # how the file counted its positions (also its notes' spans)
    variables: dict[str, Any] = field(default_factory=dict)
    cases: list[str] = field(default_factory=list)


@dataclass
class QdpxPlan:
    """A ``.qdpx`` file read and checked: its sources on their way in, codes and coders resolved.

    :meth:`mio_qual.project.Project.import_qdpx` matches the sources to stored transcripts
    (:func:`match_sources`), imports the new ones, places the selections on the stored texts
    (:func:`place_codings`), updates metadata (:func:`merge_metadata`) and writes the layers
    (:func:`layer_writes`). The selections and placed codings wait in a scratch database on disk
    (``spill``, :class:`mio_qual.store.qdpx_spill.Spill`), never all in memory (issue 21);
    :meth:`release` removes it.
    """

    path: Path
    result: RefiImportResult
    planned: list[_Planned]
    code_map: dict[str, str | None]
    layers: list[str]  # the layers codings go to
    users: list[str]
    note_texts: dict[str, str]
    codebook: "Codebook"
    coder: str | None
    origin: str
    skip_problems: bool
    spill: "Spill"
    layer_of: dict[str | None, int | str] = field(default_factory=dict)  # user GUID -> index into layers, or why unknown
    problems: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # coding GUID -> origin (mio-qual's extension)
    user_guids: dict[str, str] = field(default_factory=dict)  # user name -> GUID
    sets: list[QdeSet] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)  # notes other than selection memos (_kept_notes)
    own_codebook: bool = False  # the codebook knows the file's codes by GUID (read from it, or its program's)
    variables: list[tuple[str, str, str, str]] = field(default_factory=list)  # (key, GUID, name, description)
    description: str = ""  # the project's own Description

    def problem(self, message: str) -> None:
        """Record a problem (skipped and listed with ``skip_problems``)."""
        (self.result.skipped if self.skip_problems else self.problems).append(message)

    def layer(self, user: str | None) -> int:
        """The index into :attr:`layers` of a coding made by ``user`` (-1: its coder is unknown)."""
        if self.coder is not None:
            return 0
        layer = self.layer_of.get(user, -1)
        return layer if isinstance(layer, int) else -1

    def release(self) -> None:
        """Remove the scratch database (once everything is written, or on an error)."""
        self.spill.close()


@dataclass
class _Seen:
    """What the parse's sources tell beyond their rows: codes and users of the kept codings (with
    counts, in the order first met) and the notes that are memos of selections or codings."""

    codes: dict[str, int] = field(default_factory=dict)
    users: dict[str | None, int] = field(default_factory=dict)
    memo_notes: set[str] = field(default_factory=set)


def read_qdpx(path: str | Path, *, codebook: "Codebook", coder: str | None = None, skip_problems: bool = False,
              origin: str = "human", spill: "Spill | None" = None) -> QdpxPlan:
    """Read a REFI-QDA project's sources, codings, users, cases and variables, and check them.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` file.
    codebook : Codebook
        Every code applied in the file must resolve to one of its codes.
    coder : str, optional
        Put every coding into this coder's layer, whoever made it in the file. Default: one
        layer per REFI ``User`` (by name).
    skip_problems : bool
        Skip (and list in the result) codings with unknown codes, selections outside their
        source or whose text is not in the matched transcript, and unreadable sources, instead
        of refusing the whole file. Hostile content (entities, zip bombs, paths outside the
        archive) is refused either way.
    origin : str
        Origin of the codings written (``human`` or ``consensus``).
    spill : Spill, optional
        The scratch database the selections go to as each source is read (default: a new one;
        :meth:`QdpxPlan.release` removes it).

    Returns
    -------
    QdpxPlan

    Raises
    ------
    InputError
        Hostile, damaged or unusable input, listing every problem found.
    """
    from ..store.qdpx_spill import Spill

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", path=path, hint="check the path of the .qdpx file")
    result = RefiImportResult(path=str(path))
    problems: list[str] = []

    def problem(message: str) -> None:
        (result.skipped if skip_problems else problems).append(message)

    spill = Spill() if spill is None else spill
    try:
        return _read(path, codebook, coder, skip_problems, origin, spill, result, problems, problem)
    except BaseException:
        spill.close()
        raise


def _read(path: Path, codebook: "Codebook", coder: str | None, skip_problems: bool, origin: str, spill: "Spill",
          result: RefiImportResult, problems: list[str], problem: Any) -> QdpxPlan:
    planned: list[_Planned] = []
    seen = _Seen()
    with open_zip(path, what="REFI-QDA project") as archive:
        qde_member = _find_qde(archive, path)

        chunks: list[tuple[int, int]] = []  # (number in the spill, selections) of the source being read

        def on_chunk(columns: Selections) -> None:  # a large source's selections wait on disk, a chunk at a time
            _memo_notes(seen, columns)
            chunks.append((spill.add_chunk(columns), len(columns)))

        def on_source(source: QdeSource) -> None:  # each source planned and its rows stored as it is read
            columns = Selections.of(source.selections)
            _memo_notes(seen, columns)
            seen.memo_notes.update(g for c in source.codings for g in c.notes)
            selections = _SourceSelections(spill, list(chunks), columns)
            chunks.clear()
            try:
                plan = _plan_source(archive, source, selections, path, result, problem, spill, len(planned), seen)
            finally:
                selections.release()
            if plan is not None:
                planned.append(plan)

        qde = _parse_member(archive, qde_member, path, on_source, on_chunk)
        if qde.other_sources:
            result.warnings.insert(0, f"{qde.other_sources} picture, PDF, audio or video source(s) were not "
                                      "imported: mio-qual works on text")
        note_texts = _note_texts(archive, qde, path)
    code_map = _resolve_codes(qde, seen.codes, codebook, path, result, problem, skip_problems)
    layers, layer_of = _coders(qde, seen.users, coder, problem, path, spill)
    _apply_cases(qde, planned, result)
    if problems:
        raise _problems_error(problems, path)
    own = any(codebook.by_guid(guid) for guid in qde.codes)
    if not own and qde.codes:
        strangers = sum(1 for c in qde.codes.values()
                        if _resolve_one(codebook, c.name, c.path(qde.codes).replace("/", " > "))[0] is None)
        if strangers:
            result.warnings.append(f"{strangers} of the project's {len(qde.codes)} codes are not in the codebook and "
                                   f"were not kept; to keep its own codebook pass --codebook {str(path)!r}")
    origins = {normalize_guid(g) or "": str(o) for g, o in (qde.extension.get("origins") or {}).items()}
    return QdpxPlan(path, result, planned, code_map, layers, [u.name for u in qde.users.values()], note_texts,
                    codebook, coder, origin, skip_problems, spill, layer_of=layer_of, origins=origins,
                    user_guids={u.name: u.guid for u in qde.users.values()}, sets=qde.sets,
                    own_codebook=own, notes=_kept_notes(qde, note_texts, seen.memo_notes),
                    variables=[(key, v.guid, v.name, v.description.strip()) for v in qde.variables.values()
                               if (key := _metadata_key(v.name)) is not None],
                    description=qde.description.strip())


def _kept_notes(qde: QdeProject, texts: Mapping[str, str], memos: set[str]) -> list[dict[str, Any]]:
    """The project's notes that are not memos of selections or codings (``memos``: those become coding
    memos): free notes, notes on codes, on whole sources and on the project, each with what it is
    attached to (GUIDs, resolved by :func:`refi_objects`)."""
    out = []
    for guid, note in qde.notes.items():
        if guid in memos:
            continue
        user = qde.users.get(note.user or "")
        kept = {"guid": guid, "name": note.name, "text": texts.get(guid, ""),
                "user": user.name if user else None, "created": note.created,
                "codes": [c.guid for c in qde.codes.values() if guid in c.notes],
                "sources": [s.guid for s in qde.sources if guid in s.notes],
                "project": guid in qde.note_refs}
        if len(note.selections) == 1 and len(kept["sources"]) == 1:  # an annotation: a note on a range of its source
            selection = note.selections[0]
            kept["file_span"] = (selection.start, selection.end, selection.guid)
        out.append(kept)
    return out


def place_codings(plan: QdpxPlan, texts: Mapping[str, str]) -> "Placed":
    """Place each selection on its stored transcript.

    ``texts`` holds the stored canonical text of each matched transcript. The codings are read
    back from the scratch database one batch at a time, placed, and stored there again
    (:meth:`~mio_qual.store.qdpx_spill.Spill.add_placed`), grouped by transcript, as they will
    be written; :class:`Placed` makes the codings of a layer as they are written (issue 21:
    memory flat in the number of selections).

    Raises
    ------
    InputError
        When a selection's text is not at the same place in the stored transcript (unless
        ``skip_problems``).
    """
    coders: dict[str, None] = {}
    annotations: dict[str, list[dict[str, Any]]] = {}  # source GUID -> its notes on a range of it
    for note in plan.notes:
        if "file_span" in note:
            annotations.setdefault(note["sources"][0], []).append(note)
    groups: dict[str, list[_Planned]] = {}  # sources of one transcript together, otherwise in the file's order
    for planned in plan.planned:
        if planned.report.transcript_id is not None:
            groups.setdefault(planned.report.transcript_id, []).append(planned)
    dates: dict[str | None, str | None] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for tid, members in groups.items():
            stored = texts[tid]
            for planned in members:
                canonical = plan.spill.text(planned.index)[1]
                same = stored == canonical  # matched by text: every span is where it was, its text too
                mapping = IdentityMap() if same else align(canonical, stored)
                for note in annotations.get(planned.source.guid, ()):
                    _place_annotation(plan, planned, note, tid, stored, mapping)
                last: tuple[Any, ...] | None = None  # the selection in hand (its codings come one after another)
                new_start = new_end = 0
                good = False
                for (_source, sguid, cguid, fstart, fend, line, start, end, code, user, raw_created, description,
                     notes, whole) in plan.spill.selections(*planned.rows):
                    if (sguid, line, fstart, fend, whole) != last:
                        last = (sguid, line, fstart, fend, whole)
                        new_start, new_end = (0, len(stored)) if whole else (mapping.start(start), mapping.end(end))
                        good = bool(whole) or new_end > new_start and (same or normalize_for_match(
                            stored[new_start:new_end]) == normalize_for_match(canonical[start:end]))
                        if not good:
                            where = _where_selection(planned.source, QdeSelection(
                                guid=sguid, start=fstart, end=fend, line=line or None), plan.path)
                            plan.problem(f"{where}: its text {_clip(canonical[start:end])!r} is not at the "
                                         f"same place in transcript {tid!r}")
                    if not good:
                        continue
                    layer = plan.layer(user)
                    mapped = plan.code_map.get(code)
                    if layer < 0 or mapped is None:
                        continue
                    origin = plan.origins.get(cguid, plan.origin)
                    created = dates.get(raw_created)  # one string per distinct date, not one per coding
                    if created is None and raw_created not in dates:
                        created = dates[raw_created] = xsd_datetime(raw_created)
                        if len(dates) > 4096:
                            dates.clear()
                    coder = plan.layers[layer]
                    coders[coder] = None
                    planned.report.codings += 1
                    yield (tid, new_start, new_end, mapped, coder, origin if origin in ORIGINS else plan.origin,
                           created, _memo(description, notes, plan.note_texts), sguid, cguid, whole)

    plan.spill.add_placed(rows())
    if plan.problems:
        raise _problems_error(plan.problems, plan.path)
    return Placed(plan, list(coders))


def _place_annotation(plan: QdpxPlan, planned: _Planned, note: dict[str, Any], tid: str, stored: str,
                      mapping: Any) -> None:
    """Carry a note's span (an annotation: a ``Note`` with its own ``PlainTextSelection``, as QualCoder
    writes them) onto the stored transcript as a selection is carried, counted as the source's selections
    are counted; a span that does not fit stays a note on the whole source, said in a warning."""
    start, end, guid = note["file_span"]
    raw, _canonical = plan.spill.text(planned.index)
    convention = planned.convention or conventions_for(raw)[0]
    lf_start, lf_end = convert_positions(raw, [start, end], convention)
    if lf_start is not None and lf_end is not None and lf_end > lf_start:
        _text, cmap = canonical_map(raw.replace("\r\n", "\n"))
        cstart, cend = cmap.start(lf_start), cmap.end(lf_end)
        new_start, new_end = mapping.start(cstart), mapping.end(cend)
        if 0 <= new_start < new_end <= len(stored):
            note["span"] = {"transcript": tid, "start": new_start, "end": new_end, "guid": guid}
            return
    plan.result.warnings.append(f"note {note['name'] or note['guid']!r}: its span {start}-{end} does not fit source "
                                f"{planned.source.name!r}; kept as a note on the whole source")


class Placed:
    """The codings of a ``.qdpx`` placed on the stored texts (:func:`place_codings`), made one at a time
    from the scratch database.

    Attributes
    ----------
    coders : list of str
        The layers that received codings, in the order first met.
    """

    def __init__(self, plan: QdpxPlan, coders: list[str]) -> None:
        self.plan = plan
        self.coders = coders

    def codings(self, layer: str | None = None, origin: str | None = None) -> Iterator[Coding]:
        """The codings (of one layer and origin when given), grouped by transcript, those dropped left out."""
        rows = self.plan.spill.placed(layer, origin)
        if self.plan.spill.on_disk:  # one string per distinct value, not one per row read back
            rows = _shared(rows)
        for tid, start, end, code, coder, kind, created, memo, *_guids in rows:
            yield Coding(transcript_id=tid, start=start, end=end, code=code, coder=coder, origin=kind, memo=memo,
                         created=created)

    def count(self, layer: str | None = None) -> int:
        """How many codings (of one layer when given) are written, those dropped left out."""
        return self.plan.spill.count(layer)

    def drop_doubles(self) -> int:
        """Leave out each coding equal to one before it (the same coding twice in the file is written once,
        as :func:`mio_qual.coding.layers.check_codings` writes it), found in the scratch database; call
        after :func:`drop_known` and before the writes (:func:`layer_writes` says the codings are unique)."""
        return self.plan.spill.drop_doubles()

    def origins(self) -> dict[str, set[str]]:
        """The origins of each layer's codings (those dropped left out)."""
        out: dict[str, set[str]] = {}
        for layer, origin in self.plan.spill.layers():
            out.setdefault(layer, set()).add(origin)
        return out


def _shared(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Placed rows with their transcript, code, coder, origin and date as one string per distinct value."""
    strings: dict[Any, Any] = {}
    keep = strings.setdefault
    for tid, start, end, code, coder, kind, created, *rest in rows:
        if len(strings) > 4096:
            strings.clear()
        yield (keep(tid, tid), start, end, keep(code, code), keep(coder, coder), keep(kind, kind), keep(created, created),
               *rest)


def layer_writes(plan: QdpxPlan, placed: Placed, before: set[str]) -> list[LayerWrite]:
    """One write per layer: the file's users (or ``coder``), and every layer the file brought before
    (``before``), replacing what the same file brought. Each write's codings are made as they are
    written, grouped by transcript (``LayerWrite.grouped``)."""
    origins = placed.origins()
    layers = set(origins)
    if plan.coder is not None:
        layers.add(plan.coder)
    else:
        layers.update(plan.users)
    writes = []
    sources = tuple(p.report.transcript_id for p in plan.planned if p.report.transcript_id is not None)
    for layer in sorted(layers):
        if layer not in origins and layer not in before:
            continue
        for k, origin in enumerate(sorted(origins.get(layer, ())) or [plan.origin]):
            writes.append(LayerWrite(_LayerCodings(placed, layer, origin), coder=layer, origin=origin,  # type: ignore[arg-type]
                                     source_file=plan.path, replace="file" if k == 0 else "none",
                                     action="import REFI-QDA project", covers=sources, grouped=True,
                                     unique=True))
    return writes


class _LayerCodings:
    """The codings of one layer and origin, made each time they are iterated."""

    def __init__(self, placed: Placed, layer: str, origin: str) -> None:
        self.placed, self.layer, self.origin = placed, layer, origin

    def __iter__(self) -> Iterator[Coding]:
        return self.placed.codings(self.layer, self.origin)


def drop_known(plan: QdpxPlan, placed: Placed, stored: Iterable[tuple[str, int, int, str, str]]) -> int:
    """Leave out codings the project already holds from another file (a ``.qdpx`` exported from this
    project and imported under another name brings the same codings back: they are not doubled).

    ``stored`` gives ``(transcript_id, start, end, code, coder)`` of the layers' codings brought by
    other files than this one (read in batches: :func:`mio_qual.store.codings.coding_keys`); they
    are compared in the scratch database, never held. Returns the number left out (also said in
    the result's warnings).
    """
    dropped = plan.spill.mark_known(stored)
    if dropped:
        plan.result.warnings.append(f"{dropped} coding(s) are already in the project (brought by another file); "
                                    "they were not added again")
    return dropped


def codings_digest(rows: Iterable[Sequence[Any]]) -> tuple[int, int]:
    """How many rows, and the sum (modulo 2**128) of each row's 128-bit BLAKE2b digest: the same for
    the same rows in any order, different (but with a chance of 2**-128) for other rows. An import
    compares the codings it would write with those stored this way, holding neither."""
    import hashlib

    count = total = 0
    for row in rows:
        text = "\x1f".join("" if v is None or v != v else str(v) for v in row)
        total += int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "little")
        count += 1
    return count, total % (1 << 128)


def unchanged_layer(placed: Placed, layer: str, stored: Callable[[Sequence[str]], Iterable[Sequence[Any]]],
                    version: str | None) -> bool:
    """Whether ``layer``'s codings from the file are those the same file brought before (``stored(columns)``
    reads those, see :func:`mio_qual.store.codings.source_codings`): same spans, codes, origins, memos and
    codebook version (what :meth:`~mio_qual.project.Project.write_codings` compares for other coding
    files), and the same dates when the file dates every coding."""
    columns = ("transcript_id", "start", "end", "code", "origin", "memo", "codebook_version", "probability",
               "evidence", "unit", "created")
    dated = True

    def mine() -> Iterator[tuple[Any, ...]]:
        nonlocal dated
        for c in placed.codings(layer):
            dated &= c.created is not None
            yield (c.transcript_id, c.start, c.end, c.code, c.origin, c.memo, version, None, None, None, c.created)

    new = codings_digest(mine())
    if not dated:  # a coding without a date in the file was stored with the time of its import: dates not compared
        new = codings_digest(row[:-1] for row in mine())
    return new == codings_digest(row if dated else row[:-1] for row in stored(columns))


def refi_objects(plan: QdpxPlan) -> Iterator[tuple[str, str, str, str | None]]:
    """What the project keeps of the file's own objects (:mod:`mio_qual.store.refi`): the GUIDs of its
    users (also those without codings), sources, selections and codings, whole-source codings,
    its sets with their member transcripts and codes, and its notes other than selection memos
    (free notes, notes on codes, sources and the project) with what they are attached to.

    Rows are made as they are asked for (a project of 1.5 million selections has three million),
    read back from the scratch database; write them in batches (:func:`batches`).
    """
    import json

    for tid, start, end, code, coder, _origin, _created, _memo_text, selection_guid, coding_guid, whole \
            in plan.spill.placed(dropped=True):
        key = coding_key(tid, start, end, code, coder)
        if selection_guid:
            yield ("selection", key, selection_guid, None)
        if coding_guid:
            yield ("coding", key, coding_guid, None)
        if whole:
            yield ("whole", key, coding_guid, None)
    rows: list[tuple[str, str, str, str | None]] = []
    if plan.coder is None:
        rows += [("user", name, guid, None) for name, guid in plan.user_guids.items() if name]
    by_source = {}
    for planned in plan.planned:
        if planned.report.transcript_id is not None:
            src = planned.source  # its own name, date, author and description, given back on export
            tid = planned.report.transcript_id
            # its name only if the transcript is named after it (not a stored transcript of another id)
            name = src.name if planned.report.match == "new" or tid in _name_candidates(src.name) else None
            own = {k: v for k, v in (("name", name), ("created", src.created), ("user", src.user),
                                     ("description", src.description)) if v}
            rows.append(("source", tid, src.guid, json.dumps(own, ensure_ascii=False) if own else None))
            by_source[planned.source.guid] = planned.report.transcript_id
    for item in plan.sets:
        members = {"transcripts": [by_source[g] for g in item.sources if g in by_source],
                   "codes": [c for c in (plan.codebook.by_guid(g) for g in item.codes) if c],
                   "description": item.description}
        rows.append(("set", item.name or item.guid, item.guid, json.dumps(members, ensure_ascii=False)))
    for note in plan.notes:
        detail = {"name": note["name"], "text": note["text"], "user": note["user"], "created": note["created"],
                  "codes": [c for c in (plan.codebook.by_guid(g) or plan.code_map.get(g) for g in note["codes"]) if c],
                  "transcripts": [by_source[g] for g in note["sources"] if g in by_source],
                  "project": note["project"]}
        if "span" in note:
            detail["span"] = note["span"]
        rows.append(("note", note["guid"], note["guid"], json.dumps(detail, ensure_ascii=False)))
    for key, guid, name, description in plan.variables:  # their GUIDs and descriptions, given back on export
        rows.append(("variable", key, guid, json.dumps({"name": name, "description": description}, ensure_ascii=False)))
    if plan.description:
        rows.append(("project", "project", "", json.dumps({"description": plan.description}, ensure_ascii=False)))
    yield from rows


def batches(rows: Iterable[Any], size: int = 10_000) -> Iterator[list[Any]]:
    """``rows`` in lists of at most ``size`` (to write a long stream of rows without holding it)."""
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def audit_detail(result: RefiImportResult) -> dict[str, Any]:
    """What the audit trail records of an import."""
    return {"sources": [(s.name, s.transcript_id, s.match, s.convention) for s in result.sources],
            "added": result.added, "skipped": result.skipped, "warnings": result.warnings}


# ---------------------------------------------------------------------------- reading the archive
def _find_qde(archive: zipfile.ZipFile, path: Path) -> str:
    names = [n for n in archive.namelist() if "/" not in n.strip("/")]
    for name in names:
        if name.lower() == "project.qde":
            return name
    qde = [n for n in names if n.lower().endswith(".qde")]
    if len(qde) == 1:
        return qde[0]
    raise InputError("the archive holds no project.qde", path=path,
                     hint="this is not a REFI-QDA project (.qdpx); export the project again from the QDA program")


def _parse_member(archive: zipfile.ZipFile, member: str, path: Path,
                  on_source: Callable[[QdeSource], None] | None = None,
                  on_chunk: Callable[[Selections], None] | None = None) -> QdeProject:
    """Parse ``project.qde`` as it streams out of the archive (never unpacked whole in memory).

    Raises
    ------
    InputError
        A member declaring (or inflating to) more than :data:`MAX_QDE_BYTES`, damaged
        compressed data, or XML :func:`~mio_qual.coding.refi_common.parse_qde` refuses.
    """
    if archive.getinfo(member).file_size > MAX_QDE_BYTES:
        raise InputError(f"archive member {member!r} is larger than {MAX_QDE_BYTES >> 20} MiB", path=path,
                         hint="the file may be hostile")
    try:
        with archive.open(member) as stream:
            return parse_qde(stream, path=path, max_bytes=MAX_QDE_BYTES, on_source=on_source, on_chunk=on_chunk,
                             chunk=CHUNK)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"archive member {member!r} is damaged ({exc.__class__.__name__}: {exc})", path=path,
                         hint="the file may be damaged or hostile; re-save or re-export it") from None


def _member_for(archive: zipfile.ZipFile, reference: str, *, path: Path, where: str) -> str | None:
    """The archive member an ``internal://`` reference names, or None when it is missing.

    Raises
    ------
    InputError
        When the reference is not ``internal://`` (no file outside the archive is ever read),
        or its name climbs out of the ``sources`` folder.
    """
    ref = reference.strip()
    if not ref.lower().startswith(INTERNAL_PREFIX):
        raise OutsideArchiveError(
            f"{where} refers to {ref!r}, a file outside the archive; mio-qual reads only internal:// sources",
            path=path, hint="in the QDA program, export the project with its sources embedded")
    name = ref[len(INTERNAL_PREFIX):]
    candidates = list(dict.fromkeys([name, urllib.parse.unquote(name)]))
    for candidate in candidates:
        try:
            check_member_name(candidate, path=path)
        except InputError:
            raise OutsideArchiveError(f"{where} refers to {ref!r}, outside the archive", path=path,
                                      hint="the file may be hostile; do not open it") from None
    members = {m.lower(): m for m in archive.namelist()}
    for candidate in candidates:
        for key in (f"sources/{candidate}", candidate):
            key = key.replace("\\", "/")
            if key in archive.NameToInfo:
                return key
            if key.lower() in members:
                return members[key.lower()]
    return None


def _read_text(archive: zipfile.ZipFile, source: QdeSource, *, path: Path, where: str) -> str | None:
    """The plain text of a source or note, decoded; None when it has none."""
    from ..transcripts.encoding import decode_bytes

    if source.plain_text_path:
        member = _member_for(archive, source.plain_text_path, path=path, where=where)
        if member is None:
            raise InputError(f"{where}: its text file {source.plain_text_path!r} is missing from the archive",
                             path=path, hint="re-export the project from the QDA program")
        data = read_member(archive, member, path=path, limit=MAX_SOURCE_BYTES)
        if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            return ""
        text, _encoding, _warnings = decode_bytes(data, path=f"{path}!{member}")
        return text
    if source.plain_text_content is not None:
        return source.plain_text_content.lstrip("\ufeff")
    return None


def _note_texts(archive: zipfile.ZipFile, qde: QdeProject, path: Path) -> dict[str, str]:
    out = {}
    for guid, note in qde.notes.items():
        try:
            text = _read_text(archive, note, path=path, where=f"note {note.name or guid}")
        except OutsideArchiveError:
            raise
        except InputError:
            continue
        if text and text.strip():
            out[guid] = text.strip()
    return out


def _where_selection(source: QdeSource, selection: QdeSelection, path: Path) -> str:
    """How messages name a selection: its positions, source and GUID (a line says little in the
    one-line files NVivo writes), and its line when the file has several."""
    if selection.whole:
        return f"the codes applied to the whole of source {source.name!r}"
    where = [f"GUID {selection.guid}"] if selection.guid else []
    if selection.line and selection.line > 2:
        where.append(f"line {selection.line}")
    return f"selection {selection.start}-{selection.end} in source {source.name!r}" + (
        f" ({', '.join(where)})" if where else "")


def _clip(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


# ---------------------------------------------------------------------------- offsets
def choose_convention(raw: str, selections: Sequence[QdeSelection]) -> tuple[Convention | None, list[int | None]]:
    """Find how a tool counted the positions of one source's selections.

    The candidates (:func:`~mio_qual.coding.refi_common.conventions_for`) are code points and
    UTF-16 code units, each with line breaks counted as in the file and the other way. The
    winner has, in order of precedence: the most selections whose ``name`` is their whole
    text, then the start of it (several tools store the selected text, or its first words,
    there); the most selections that fit (inside the
    text, not splitting a surrogate pair or a ``\\r\\n``); the most selection edges on word
    boundaries (coders select whole words, and a wrong convention shifts edges into words);
    then the earliest candidate.

    Parameters
    ----------
    raw : str
        The source's text as the archive holds it (decoded).
    selections : sequence of QdeSelection

    Returns
    -------
    convention : Convention or None
        None when there are no selections.
    positions : list of int or None
        ``[start0, end0, start1, end1, ...]`` as code-point offsets of the LF text
        (``raw`` with ``\\r\\n`` made ``\\n``); None where a position does not fit.
    """
    if not selections:
        return None, []
    columns = Selections.of(selections)
    converter = _choose_converter(raw, lambda: iter((columns,)))
    assert converter is not None
    return converter.convention, converter.convert(_wanted(columns))


def _wanted(columns: Selections) -> list[int]:
    """``[start0, end0, start1, end1, ...]`` as the file gives them."""
    return [p for pair in zip(columns.starts, columns.ends) for p in pair]


def _choose_converter(raw: str, chunks: Callable[[], Iterator[Selections]]) -> PositionConverter | None:
    """:func:`choose_convention` over a source's selections given a chunk at a time (``chunks()`` gives
    them again for each candidate scored): the converter of the winner, None without selections.

    Each candidate is scored over every chunk before the next is tried, so the choice is the one
    every selection at once gives (issue 21: a source's selections are never all in memory); a
    candidate giving the same offsets as an earlier one by construction (the same
    :attr:`PositionConverter.key`) could only tie, and ties go to the earlier, so it is not scored.
    """
    text_lf = raw.replace("\r\n", "\n")
    best_key: tuple[int, ...] | None = None
    best: PositionConverter | None = None
    keys: set[tuple[Any, ...]] = set()
    for order, convention in enumerate(conventions_for(raw)):
        converter = PositionConverter(raw, convention)
        if converter.key in keys:
            continue
        keys.add(converter.key)
        n = named = fits = whole = cut = edges = 0
        for columns in chunks():
            converted = converter.convert(_wanted(columns))
            size = len(columns)
            n += size
            for k in range(size):
                start, end = converted[2 * k], converted[2 * k + 1]
                if start is None or end is None or end < start:
                    continue
                fits += 1
                edges += _on_boundary(text_lf, start) + _on_boundary(text_lf, end)
            names = columns.names
            for k in range(size):
                name = names[k]
                if not name:
                    continue
                named += 1
                start, end = converted[2 * k], converted[2 * k + 1]
                if start is None or end is None or end < start:
                    continue
                quality = name_match(name, text_lf[start:end])
                whole += quality == 2
                cut += quality == 1
        if not n:
            return None
        key = (whole, cut, fits, edges, -order)
        if best_key is None or key > best_key:
            best_key, best = key, converter
        # No candidate can score more than every name whole, every selection fitting and every edge on a
        # word boundary; a candidate that does wins (later ones could only tie, and ties go to the earlier).
        if key[:4] == (named, 0, n, 2 * n):
            break
    return best


def _on_boundary(text: str, offset: int) -> int:
    """1 when ``offset`` does not cut a word (letters or digits on both sides), else 0."""
    if offset <= 0 or offset >= len(text):
        return 1
    return 0 if (text[offset - 1].isalnum() and text[offset].isalnum()) else 1


class _SourceSelections:
    """One source's selections as the parse handed them over: the chunks waiting in the scratch database
    (``stored``: number and size of each) and the selections read after the last of them (``last``)."""

    def __init__(self, spill: "Spill", stored: list[tuple[int, int]], last: Selections) -> None:
        self.spill, self.stored, self.last = spill, stored, last

    def __len__(self) -> int:
        return sum(size for _n, size in self.stored) + len(self.last)

    def chunks(self) -> Iterator[Selections]:
        """The chunks in the file's order, one at a time (read back from the scratch database)."""
        pool = self.last.pool
        for n, _size in self.stored:
            yield self.spill.chunk(n).attach(pool)
        if len(self.last) or not self.stored:
            yield self.last

    def release(self) -> None:
        """Let go of the chunks in the scratch database."""
        self.spill.drop_chunks(n for n, _size in self.stored)
        self.stored = []


def _memo_notes(seen: _Seen, columns: Selections) -> None:
    """Note the notes that are memos of these selections or their codings."""
    seen.memo_notes.update(g for refs in [*columns.notes.values(), *columns.coding_notes.values()] for g in refs)


def _plan_source(archive: zipfile.ZipFile, source: QdeSource, selections: _SourceSelections, path: Path,
                 result: RefiImportResult, problem: Any, spill: "Spill", index: int, seen: _Seen) -> _Planned | None:
    """Plan one source as the parse hands it over: read its text, choose its offset convention, and
    store one row per coding of each selection kept (in canonical offsets) in ``spill``, its selections
    read a chunk at a time."""
    where = f"source {source.name or source.guid!r}" + (f" (line {source.line})" if source.line else "")
    count = len(selections)
    report = SourceReport(guid=source.guid, name=source.name, selections=count)
    result.sources.append(report)
    try:
        raw = _read_text(archive, source, path=path, where=where)
    except OutsideArchiveError:
        raise
    except InputError as exc:
        report.match = "skipped"
        problem(exc.message)
        return None
    if raw is None or not raw.strip():
        report.match = "skipped"
        if count:
            problem(f"{where} has no text but {count} selection(s)")
        else:
            result.warnings.append(f"{where} has no text; not imported")
        return None
    canonical, cmap = canonical_map(raw.replace("\r\n", "\n"))
    identity = isinstance(cmap, IdentityMap)
    plan = _Planned(source=source, report=report, index=index, hash=text_hash(canonical))
    spill.add_text(index, raw, canonical)  # until placed (and read as a new transcript): not held meanwhile
    converter = _choose_converter(raw, selections.chunks) if count else None
    convention = converter.convention if converter is not None else None
    report.convention = convention.label if convention else ""
    codes, users = seen.codes, seen.users

    def rows() -> Iterator[tuple[Any, ...]]:
        for columns in selections.chunks() if converter is not None else ():
            positions = converter.convert(_wanted(columns))
            memos = bool(columns.descriptions or columns.notes or columns.coding_notes)
            first = columns.first
            for k in range(len(columns)):
                start, end = positions[2 * k], positions[2 * k + 1]
                if start is None or end is None or end < start:
                    problem(f"{_where_selection(source, columns[k], path)} does not fit its text ({len(raw)} "
                            "characters) under any offset convention")
                    continue
                if end == start:
                    result.warnings.append(f"{_where_selection(source, columns[k], path)} is empty; skipped")
                    continue
                cstart, cend = (start, end) if identity else (cmap.start(start), cmap.end(end))
                if cend <= cstart:
                    result.warnings.append(f"{_where_selection(source, columns[k], path)} covers only white space; "
                                           "skipped")
                    continue
                description = notes = None
                if memos:
                    description = columns.descriptions.get(k, "").strip() or None
                    notes = "\n".join([*columns.notes.get(k, []), *(g for j in range(first[k], first[k + 1])
                                                                     for g in columns.coding_notes.get(j, []))]) or None
                guid, user, created = columns.guids[k] or "", columns.user(k), columns.created[k]
                fstart, fend, line = columns.starts[k], columns.ends[k], columns.lines[k]
                for j in range(first[k], first[k + 1]):
                    code, coding_user = columns.coding_code(j), columns.coding_user(j) or user
                    codes[code] = codes.get(code, 0) + 1
                    users[coding_user] = users.get(coding_user, 0) + 1
                    yield (index, guid, columns.coding_guids[j] or "", fstart, fend, line, cstart, cend, code,
                           coding_user, columns.coding_created[j] or created, description, notes, 0)
        notes = "\n".join(g for c in source.codings for g in c.notes) or None
        for c in source.codings:  # codes applied to the whole source: a coding of the whole text
            coding_user = c.user or source.user
            codes[c.code] = codes.get(c.code, 0) + 1
            users[coding_user] = users.get(coding_user, 0) + 1
            yield (index, "", c.guid or "", 0, len(canonical), source.line or 0, 0, len(canonical), c.code,
                   coding_user, c.created, None, notes, 1)

    plan.rows = spill.add_selections(rows())
    plan.convention = convention
    return plan


# ---------------------------------------------------------------------------- codes and coders
def _resolve_codes(qde: QdeProject, used: dict[str, int], codebook: "Codebook", path: Path,
                   result: RefiImportResult, problem: Any, skip_problems: bool) -> dict[str, str]:
    """The codebook's code for each code GUID used (``used``: how many codings use it)."""
    code_map: dict[str, str] = {}
    unknown: list[str] = []
    for guid in sorted(used, key=lambda g: (qde.codes[g].name if g in qde.codes else "", g)):
        code = qde.codes.get(guid)
        if code is None:
            unknown.append(f"code GUID {guid} (used {used[guid]} time(s)) is not in the file's CodeBook")
            continue
        found = codebook.by_guid(guid)
        why = ""
        if found is None:
            found, why = _resolve_one(codebook, code.name, code.path(qde.codes).replace("/", " > "))
        if found is None:
            place = code.path(qde.codes).replace("/", " > ")
            at = f"at {place!r}, " if place != code.name else ""
            unknown.append(f"code {code.name!r} ({at}GUID {guid}, used {used[guid]} time(s)): {why}")
        else:
            code_map[guid] = found
            result.codes[code.name] = found
    if unknown and not skip_problems:
        raise InputError(
            f"{len(unknown)} code(s) applied in the project are not in the codebook, so nothing was imported; "
            f"first: {unknown[0]}", path=path,
            hint=f"to use the project's own codebook pass --codebook {str(path)!r} (or add the codes to yours, "
                 "or pass --skip-problems)", details=unknown)
    for message in unknown:
        problem(message + "; its codings were skipped")
    # REFI-QDA's isCodable="false" marks a code for structure only; the standard does not say what
    # an importer does with codings of one, so they are kept (the file is its program's own
    # record) and counted in a warning.
    folders = {g: found for g, found in code_map.items()
               if not qde.codes[g].is_codable or not getattr(codebook.get(found), "codable", True)}
    if folders:
        ids = sorted(set(folders.values()))
        result.warnings.append(
            f"{sum(used[g] for g in folders)} coding(s) are of {len(ids)} code(s) marked not codable "
            f"(isCodable=\"false\": {', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''}); imported as they are: "
            "check them, or make the codes codable in the codebook")
    return code_map


def _resolve_one(codebook: "Codebook", name: str, code_path: str) -> tuple[str | None, str]:
    why = "no code has this id or name"
    for label in (name, code_path):
        if not label:
            continue
        try:
            found = codebook.resolve(label)
        except UnknownCodeError as exc:
            why = exc.message + (f" ({exc.hint})" if exc.hint else "")
            continue
        return (found if isinstance(found, str) else getattr(found, "id")), ""
    return None, why


def _coders(qde: QdeProject, users: dict[str | None, int], coder: str | None, problem: Any, path: Path,
            spill: "Spill") -> tuple[list[str], dict[str | None, int | str]]:
    """The list of layers, and the layer (an index into it) of the codings of each user GUID in
    ``users`` (the codings' users, with counts, in the order first met), or why it is unknown.

    One (selection GUID, coding GUID) coded by two users is refused, never merged; the pairs coded
    by several users are found in the scratch database (``spill``), not in memory.
    """
    if coder is not None and not coder.strip():
        raise InputError("the coder name is empty", hint="pass --coder NAME")
    if coder is not None:
        return [coder], {}
    single = next(iter(qde.users.values())).name if len(qde.users) == 1 else None
    names: list[str] = []
    index: dict[str, int] = {}
    layer_of: dict[str | None, int | str] = {}
    missing: dict[str, int] = {}
    for guid, n in users.items():
        name = (qde.users[guid].name if guid and guid in qde.users else single if not guid else None)
        layer: int | str
        if name:
            layer = index.setdefault(name, len(names))
            if layer == len(names):
                names.append(name)
        else:
            layer = ("a User without a name" if name == "" else
                     f"user {guid} (not among the project's Users)" if guid else "no creatingUser")
            missing[layer] = missing.get(layer, 0) + n
        layer_of[guid] = layer
    for key, n in sorted(missing.items()):
        problem(f"{n} coding(s) have {key}, so their coder is unknown (pass --coder NAME)")
    clashes = _clashes(spill, layer_of, names) if len(names) > 1 else {}  # one layer: nothing to clash with
    if clashes:
        (selection_guid, _coding), layers = next(iter(clashes.items()))
        raise InputError(f"{len(clashes)} selection GUID(s) are shared by codings of different users (first: "
                         f"{selection_guid} by {', '.join(sorted(layers))}); their codings cannot be told apart",
                         path=path, hint="GUIDs must be unique; re-export the project from the QDA program, or "
                                         "pass --coder NAME to import it as one layer")
    return names, layer_of


def _clashes(spill: "Spill", layer_of: Mapping[str | None, int | str],
             names: list[str]) -> dict[tuple[str, str], set[str]]:
    """(selection GUID, coding GUID) pairs coded in two layers, in the order the second layer was met.

    The scratch database gives the rows whose pair was coded by several users (few: none in a
    sound file); two users of one name are one layer, so the layers are compared here.
    """
    seen: dict[tuple[str, str], int] = {}
    clashes: dict[tuple[str, str], set[str]] = {}
    for selection_guid, coding_guid, user in spill.pairs_of_several_users():
        layer = layer_of.get(user, -1)
        if not isinstance(layer, int) or layer < 0:
            continue
        key = (selection_guid, coding_guid)
        if seen.setdefault(key, layer) != layer:
            clashes.setdefault(key, {names[seen[key]]}).add(names[layer])
    return clashes


def _memo(description: str | None, refs: str | None, notes: dict[str, str]) -> str | None:
    """A coding's memo: its selection's description, then the texts of the notes (``refs``, one GUID a
    line) on the selection and its codings, each once."""
    if description is None and refs is None:
        return None  # a selection without memos (most)
    parts = [description] if description else []
    for guid in refs.split("\n") if refs else ():
        if guid in notes and notes[guid] not in parts:
            parts.append(notes[guid])
    return "\n\n".join(parts) or None


# ---------------------------------------------------------------------------- cases and variables
def _metadata_key(name: str) -> str | None:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    if key in ("transcript_id", "id", "file"):
        return None
    from ..store.transcripts import CORE_METADATA

    return key if key in CORE_METADATA else name.strip()


def _apply_cases(qde: QdeProject, planned: list[_Planned], result: RefiImportResult) -> None:
    by_guid = {plan.source.guid: plan for plan in planned}
    names = {guid: var.name for guid, var in qde.variables.items()}
    for case in sorted(qde.cases, key=lambda c: c.name):
        if case.selections:
            result.warnings.append(f"case {case.name!r} groups {len(case.selections)} selection(s); membership by "
                                   "selection is not kept (only whole sources)")
        missing = [guid for guid in case.sources if guid not in by_guid]
        if missing:  # QualCoder 4.0 points SourceRef at its rich-text file's GUID, not the TextSource's
            values = sorted(names.get(g, g) for g in case.variables)
            result.warnings.append(
                f"case {case.name!r} refers to {len(missing)} source(s) not imported from the file "
                f"(SourceRef {', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}); for those, its membership"
                + (f" and values ({', '.join(values)})" if values else "") + " are not kept")
        for guid in case.sources:
            plan = by_guid.get(guid)
            if plan is None:
                continue
            plan.cases.append(case.name)
            for var_guid, value in case.variables.items():
                key = _metadata_key(names.get(var_guid, var_guid))
                if key is None or value is None or value == "":
                    continue
                if key in plan.variables and plan.variables[key] != value:
                    result.warnings.append(f"source {plan.source.name!r}: cases disagree on {key!r}; "
                                           f"kept {plan.variables[key]!r}")
                    continue
                plan.variables[key] = value
    for plan in planned:
        for var_guid, value in plan.source.variables.items():
            key = _metadata_key(names.get(var_guid, var_guid))
            if key is not None and value is not None and value != "":
                plan.variables[key] = value
        if plan.cases:
            plan.variables[CASES_ATTRIBUTE] = "; ".join(dict.fromkeys(plan.cases))


def merge_metadata(plan: QdpxPlan, transcripts: Mapping[str, "Transcript"]) -> list["Transcript"]:
    """Add the file's variables and cases to the matched transcripts' metadata.

    ``transcripts`` holds the stored transcript of each matched source with variables. A
    value already set is kept (and the difference is warned about); cases are merged.

    Returns
    -------
    list of Transcript
        The transcripts whose metadata changed (to be stored).
    """
    out = []
    result = plan.result
    for planned in plan.planned:
        tid = planned.report.transcript_id
        if tid is None or not planned.variables:
            continue
        transcript = transcripts[tid]
        changed = False
        for key, value in planned.variables.items():
            current = transcript.metadata.get(key)
            if key == CASES_ATTRIBUTE and current:
                merged = "; ".join(dict.fromkeys([*str(current).split("; "), *str(value).split("; ")]))
                changed |= merged != current
                transcript.metadata[key] = merged
            elif current is None or current == "":
                transcript.metadata[key] = value
                changed = True
            elif str(current) != str(value):
                result.warnings.append(f"transcript {tid!r}: kept its {key} {current!r}; the project says {value!r}")
        if changed:
            out.append(transcript)
    return out


def metadata_sources(plan: QdpxPlan) -> list[str]:
    """The matched transcripts the file brings variables or cases for."""
    return [p.report.transcript_id for p in plan.planned if p.report.transcript_id is not None and p.variables]


# ---------------------------------------------------------------------------- transcripts
_ID_UNSAFE = re.compile(r"[^\w.\-]+")


def _name_candidates(name: str) -> list[str]:
    name = name.strip()
    out = [name]
    stem = name
    for suffix in _SOURCE_SUFFIXES:
        if name.lower().endswith(suffix):
            stem = name[: -len(suffix)]
            break
    out.append(stem)
    return [c for c in dict.fromkeys(out) if c]


def match_sources(plan: QdpxPlan, stored: "pd.DataFrame") -> None:
    """Match each source to a stored transcript (same text, id, or file name), or give it a new id.

    ``stored`` has the project's transcripts (transcript_id, text_hash, source_path).
    """
    _match_transcripts(plan.planned, plan.result, stored)


def _match_transcripts(planned: list[_Planned], result: RefiImportResult, stored: "pd.DataFrame") -> None:
    rows = list(zip(stored["transcript_id"], stored["text_hash"], stored["source_path"])) if len(stored) else []
    by_hash: dict[str, list[str]] = {}
    by_file: dict[str, str] = {}
    ids = set()
    for tid, digest, source_path in rows:
        ids.add(tid)
        by_hash.setdefault(digest, []).append(tid)
        if isinstance(source_path, str) and source_path:
            base = PurePosixPath(str(source_path).replace("\\", "/")).name
            by_file.setdefault(base.lower(), tid)
            by_file.setdefault(base.rsplit(".", 1)[0].lower(), tid)
    taken: set[str] = set(ids)
    for plan in planned:
        candidates = _name_candidates(plan.source.name)
        same_text = sorted(by_hash.get(plan.hash, []))
        if same_text:
            preferred = [c for c in candidates if c in same_text]
            plan.report.transcript_id, plan.report.match = (preferred or same_text)[0], "text"
            continue
        hit = next((c for c in candidates if c in ids), None)
        if hit is not None:
            plan.report.transcript_id, plan.report.match = hit, "id"
            continue
        hit = next((by_file[c.lower()] for c in candidates if c.lower() in by_file), None)
        if hit is not None:
            plan.report.transcript_id, plan.report.match = hit, "file name"
            continue
        base = _ID_UNSAFE.sub("_", candidates[-1] if candidates else "").strip("._") or f"source-{plan.source.guid[:8]}"
        new_id, n = base, 2
        while new_id in taken:
            new_id, n = f"{base}-{n}", n + 1
        if new_id != base:
            result.warnings.append(f"source {plan.source.name!r} imported as {new_id!r} ({base!r} was taken)")
        taken.add(new_id)
        plan.report.transcript_id, plan.report.match = new_id, "new"


def new_transcripts(plan: QdpxPlan) -> list[str]:
    """The sources that matched no stored transcript, read as new transcripts and kept in the scratch
    database one at a time (:meth:`Spill.transcripts <mio_qual.store.qdpx_spill.Spill.transcripts>`): a
    first import of a large corpus never holds its transcripts at once (issue 21).

    Each source's text goes through :func:`mio_qual.transcripts.read_text`, so its speaker
    turns, paragraphs and sentences are found as for a ``.txt`` file; messages name the source
    in the ``.qdpx``. Store them with :meth:`mio_qual.project.Project.add_transcripts`.

    Returns
    -------
    list of str
        Their transcript ids.

    Raises
    ------
    InputError
        When a source cannot be read as a transcript, naming every one that cannot.
    """
    from ..transcripts import read_text

    out: list[str] = []
    errors: list[InputError] = []
    for planned in plan.planned:
        if planned.report.match != "new":
            continue
        source = planned.source
        try:
            transcript = read_text(plan.spill.text(planned.index)[0], transcript_id=planned.report.transcript_id,
                                   source_format="qdpx", source_path=f"{plan.path}!{source.plain_text_path or source.name}",
                                   where=f"{plan.path}!{source.name or source.guid}")
        except InputError as exc:
            errors.append(exc)
            continue
        plan.spill.add_transcript(transcript)
        out.append(transcript.id)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise _problems_error([e.one_line() for e in errors], plan.path)
    return out


def _problems_error(problems: list[str], path: Path) -> InputError:
    return InputError(f"{len(problems)} problem(s) in the project, so nothing was imported; first: {problems[0]}",
                      path=path, hint="fix them in the QDA program, or pass --skip-problems to import the rest",
                      details=problems)


__all__ = ["read_qdpx", "QdpxPlan", "match_sources", "new_transcripts", "place_codings", "merge_metadata",
           "metadata_sources", "layer_writes", "drop_known", "refi_objects", "codings_digest", "unchanged_layer", "batches", "audit_detail", "choose_convention", "RefiImportResult", "SourceReport"]

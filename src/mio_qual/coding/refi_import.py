"""Importing a REFI-QDA project (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA, QualCoder or mio-qual.

What lands where
----------------
* **Codes** are looked up in the codebook with :meth:`Codebook.resolve` (id, name, alias,
  ``id name``, or the REFI code path ``Parent > Child`` when the name alone is ambiguous).
  The codebook is the authority on codes (DESIGN.md, decision 4): a ``.qdpx`` never adds
  codes. A code that is used by a coding but matches no codebook code is an error that lists
  every such code; with ``skip_problems=True`` its codings are skipped and listed instead.
  Codes nobody applied (category folders such as "Inner Setting") are ignored.
* **Sources** (``TextSource``) become transcripts. A source matches a stored transcript when
  its canonical text is identical (same hash), else when its name (with or without an
  extension) is a transcript id or the file name a transcript was imported from; the
  selections are then carried onto the stored text through an alignment and each one's text is
  checked. Any other source is imported as a new transcript through the ordinary readers
  (:meth:`Project.import_transcripts` on a temporary ``.txt``), so speaker turns are found.
* **Selections** (``PlainTextSelection`` with ``Coding``/``CodeRef``) become codings. REFI
  positions count characters of the source's plain text from 0, but tools disagree on what
  a character is; see :func:`choose_convention`. Positions are converted once, here, to
  code-point offsets of the canonical text (DESIGN.md, decision 1).
* **Users** are coders: each coding goes to the layer named by the ``User`` of its
  ``creatingUser`` (the coding's, else the selection's; a project with a single user needs
  none). ``coder=`` puts every coding into one layer instead. Codings are written with
  :func:`~mio_qual.coding.layers.write_codings` per coder with ``replace="file"``, so
  importing the same file again replaces what it brought before.
* **Variables and cases** become transcript metadata: a variable named like a study column
  (agency, clinic, kind, participant_id, role, date, interviewer) fills that column, others
  become attributes; case variables apply to the case's sources, a source's own values win.
  Case membership is kept in the attribute ``refi_cases`` (``"; "``-separated names); a case
  that groups selections rather than sources is reported, not kept. Stored values are never
  overwritten; a differing value is reported as a warning. Codes applied to a whole source,
  notes other than selection memos, and picture/PDF/audio/video sources are reported, not
  imported.

Safety: the archive is opened with :func:`mio_qual.safezip.open_zip` and read member by member
with a size bound; ``project.qde`` is parsed with defusedxml (no entities, no external
references); only ``internal://`` source files inside the archive are read; any other
``plainTextPath`` (``file://``, ``relative://``, an absolute path) is refused. Everything is
one transaction: on any error the project is left as it was.
"""

from __future__ import annotations

import csv
import re
import tempfile
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError, UnknownCodeError
from ..offsets import align, canonical_map
from ..safezip import check_member_name, open_zip, read_member
from ..text import text_hash
from .layers import WriteResult, write_codings
from .model import Coding
from .refi_common import (
    CASES_ATTRIBUTE,
    INTERNAL_PREFIX,
    OutsideArchiveError,
    Convention,
    QdeProject,
    QdeSelection,
    QdeSource,
    conventions_for,
    convert_positions,
    name_match,
    normalize_for_match,
    parse_qde,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook import Codebook
    from ..project import Project

MAX_QDE_BYTES = 512 << 20
"""Largest ``project.qde`` read (512 MiB)."""
MAX_SOURCE_BYTES = 200 << 20
"""Largest source text file read (200 MiB, the transcript readers' own bound)."""
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
    """What :func:`import_qdpx` did."""

    path: str
    sources: list[SourceReport] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # transcripts imported from the project
    writes: list[WriteResult] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # REFI code name -> codebook id (used codes)
    metadata_updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # problems skipped with skip_problems=True
    warnings: list[str] = field(default_factory=list)

    @property
    def n_codings(self) -> int:
        """Number of codings written (all coders)."""
        return sum(w.inserted for w in self.writes)

    def lines(self) -> list[str]:
        """A short human summary, one line per fact (for the CLI)."""
        out = [f"{len(self.sources)} source(s): {len(self.added)} imported as new transcripts, "
               f"{sum(1 for s in self.sources if s.match not in ('new', 'skipped'))} matched to stored ones"]
        for w in self.writes:
            out.append(f"coder {w.coder}: {w.inserted} coding(s) written, {w.removed} replaced")
        return out


@dataclass
class _Planned:
    """A source on its way in: raw text, canonical text and selections in canonical offsets."""

    source: QdeSource
    report: SourceReport
    raw: str
    canonical: str
    spans: list[tuple[QdeSelection, int, int]] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    cases: list[str] = field(default_factory=list)


def import_qdpx(
    project: "Project",
    path: str | Path,
    *,
    codebook: "Codebook",
    coder: str | None = None,
    skip_problems: bool = False,
    origin: str = "human",
) -> RefiImportResult:
    """Import the sources, codings, users, cases and variables of a REFI-QDA project.

    Parameters
    ----------
    project : Project
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

    Returns
    -------
    RefiImportResult

    Raises
    ------
    InputError
        Hostile, damaged or unusable input, listing every problem found; nothing is written.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", path=path, hint="check the path of the .qdpx file")
    result = RefiImportResult(path=str(path))
    problems: list[str] = []

    def problem(message: str) -> None:
        (result.skipped if skip_problems else problems).append(message)

    with open_zip(path, what="REFI-QDA project") as archive:
        qde_member = _find_qde(archive, path)
        qde = parse_qde(read_member(archive, qde_member, path=path, limit=MAX_QDE_BYTES), path=path)
        planned = _plan_sources(archive, qde, path, result, problem)
        note_texts = _note_texts(archive, qde, path)
    code_map = _resolve_codes(qde, planned, codebook, path, result, problem, skip_problems)
    coders = _coders(qde, planned, coder, problem)
    _apply_cases(qde, planned, result)
    if problems:
        raise _problems_error(problems, path)

    from ..store import transcripts as store_transcripts

    store = project.store
    with store.transaction() as connection:
        _match_transcripts(project, planned, result)
        _import_new(project, planned, path, result)
        codings_by_coder: dict[str, list[Coding]] = {}
        for plan in planned:
            if plan.report.transcript_id is None:
                continue
            stored = project.text(plan.report.transcript_id)
            mapping = align(plan.canonical, stored)
            for selection, start, end in plan.spans:
                new_start, new_end = mapping.start(start), mapping.end(end)
                where = _where_selection(plan.source, selection, path)
                if new_end <= new_start or (
                        normalize_for_match(stored[new_start:new_end]) != normalize_for_match(plan.canonical[start:end])):
                    problem(f"{where}: its text {_clip(plan.canonical[start:end])!r} is not at the same place in "
                            f"transcript {plan.report.transcript_id!r}")
                    continue
                memo = _memo(selection, note_texts)
                for coding in selection.codings:
                    code_id = code_map.get(coding.code)
                    layer = coders.get((selection.guid, coding.guid))
                    if code_id is None or layer is None:
                        continue
                    codings_by_coder.setdefault(layer, []).append(Coding(
                        transcript_id=plan.report.transcript_id, start=new_start, end=new_end, code=code_id,
                        coder=layer, origin=origin, memo=memo))
                    plan.report.codings += 1
        if problems:
            raise _problems_error(problems, path)
        _store_metadata(project, planned, result, store_transcripts)
        layers = set(codings_by_coder)
        if coder is not None:
            layers.add(coder)
        else:
            layers.update(u.name for u in qde.users.values())
        before = {row[0] for row in connection.execute(
            "SELECT DISTINCT coder FROM codings WHERE source_file = ?", (path.name,))}
        for layer in sorted(layers):
            rows = codings_by_coder.get(layer, [])
            if not rows and layer not in before:
                continue
            result.writes.append(write_codings(
                project, rows, coder=layer, origin=origin, source_file=path, codebook=codebook,
                replace="file", action="import REFI-QDA project"))
        store.audit("import REFI-QDA project", target=path.name, codebook_version=codebook.version, detail={
            "sources": [(s.name, s.transcript_id, s.match, s.convention) for s in result.sources],
            "added": result.added, "skipped": result.skipped, "warnings": result.warnings})
    return result


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
    line = f" (line {selection.line})" if selection.line else ""
    return f"selection {selection.start}-{selection.end} in source {source.name!r}{line}"


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
    text_lf = raw.replace("\r\n", "\n")
    wanted = [p for s in selections for p in (s.start, s.end)]
    best_key: tuple | None = None
    best: tuple[Convention | None, list[int | None]] = (None, [])
    for order, convention in enumerate(conventions_for(raw)):
        converted = convert_positions(raw, wanted, convention)
        fits = whole = cut = edges = 0
        for k, selection in enumerate(selections):
            start, end = converted[2 * k], converted[2 * k + 1]
            if start is None or end is None or end < start:
                continue
            fits += 1
            quality = name_match(selection.name, text_lf[start:end]) if selection.name else 0
            whole += quality == 2
            cut += quality == 1
            edges += _on_boundary(text_lf, start) + _on_boundary(text_lf, end)
        key = (whole, cut, fits, edges, -order)
        if best_key is None or key > best_key:
            best_key, best = key, (convention, converted)
    return best


def _on_boundary(text: str, offset: int) -> int:
    """1 when ``offset`` does not cut a word (letters or digits on both sides), else 0."""
    if offset <= 0 or offset >= len(text):
        return 1
    return 0 if (text[offset - 1].isalnum() and text[offset].isalnum()) else 1


def _plan_sources(archive: zipfile.ZipFile, qde: QdeProject, path: Path, result: RefiImportResult,
                  problem: Any) -> list[_Planned]:
    planned = []
    if qde.other_sources:
        result.warnings.append(f"{qde.other_sources} picture, PDF, audio or video source(s) were not imported: "
                               "mio-qual works on text")
    for source in qde.sources:
        where = f"source {source.name or source.guid!r}" + (f" (line {source.line})" if source.line else "")
        report = SourceReport(guid=source.guid, name=source.name, selections=len(source.selections))
        result.sources.append(report)
        try:
            raw = _read_text(archive, source, path=path, where=where)
        except OutsideArchiveError:
            raise
        except InputError as exc:
            report.match = "skipped"
            problem(exc.message)
            continue
        if raw is None or not raw.strip():
            report.match = "skipped"
            if source.selections:
                problem(f"{where} has no text but {len(source.selections)} selection(s)")
            else:
                result.warnings.append(f"{where} has no text; not imported")
            continue
        if source.codings:
            result.warnings.append(f"{where}: {len(source.codings)} code(s) applied to the whole source were not "
                                   "imported (mio-qual codes spans of text)")
        canonical, cmap = canonical_map(raw.replace("\r\n", "\n"))
        plan = _Planned(source=source, report=report, raw=raw, canonical=canonical)
        convention, positions = choose_convention(raw, source.selections)
        report.convention = convention.label if convention else ""
        for k, selection in enumerate(source.selections):
            start, end = positions[2 * k], positions[2 * k + 1]
            here = _where_selection(source, selection, path)
            if start is None or end is None or end < start:
                problem(f"{here} does not fit its text ({len(raw)} characters) under any offset convention")
                continue
            if end == start:
                result.warnings.append(f"{here} is empty; skipped")
                continue
            cstart, cend = cmap.start(start), cmap.end(end)
            if cend <= cstart:
                result.warnings.append(f"{here} covers only white space; skipped")
                continue
            plan.spans.append((selection, cstart, cend))
        planned.append(plan)
    return planned


# ---------------------------------------------------------------------------- codes and coders
def _resolve_codes(qde: QdeProject, planned: list[_Planned], codebook: "Codebook", path: Path,
                   result: RefiImportResult, problem: Any, skip_problems: bool) -> dict[str, str]:
    used: dict[str, int] = {}
    for plan in planned:
        for selection, _s, _e in plan.spans:
            for coding in selection.codings:
                used[coding.code] = used.get(coding.code, 0) + 1
    code_map: dict[str, str] = {}
    unknown: list[str] = []
    for guid in sorted(used, key=lambda g: (qde.codes[g].name if g in qde.codes else "", g)):
        code = qde.codes.get(guid)
        if code is None:
            unknown.append(f"code GUID {guid} (used {used[guid]} time(s)) is not in the file's CodeBook")
            continue
        found, why = _resolve_one(codebook, code.name, code.path(qde.codes).replace("/", " > "))
        if found is None:
            unknown.append(f"code {code.name!r} (used {used[guid]} time(s)): {why}")
        else:
            code_map[guid] = found
            result.codes[code.name] = found
    if unknown and not skip_problems:
        raise InputError(
            f"{len(unknown)} code(s) applied in the project are not in the codebook, so nothing was imported; "
            f"first: {unknown[0]}", path=path,
            hint="add them to the codebook (or rename them in the QDA program), or pass --skip-problems",
            details=unknown)
    for message in unknown:
        problem(message + "; its codings were skipped")
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


def _coders(qde: QdeProject, planned: list[_Planned], coder: str | None, problem: Any) -> dict[tuple[str, str], str]:
    """Layer of every (selection GUID, coding GUID)."""
    if coder is not None and not coder.strip():
        raise InputError("the coder name is empty", hint="pass --coder NAME")
    single = next(iter(qde.users.values())).name if len(qde.users) == 1 else None
    out: dict[tuple[str, str], str] = {}
    missing: dict[str, int] = {}
    for plan in planned:
        for selection, _s, _e in plan.spans:
            for coding in selection.codings:
                if coder is not None:
                    out[(selection.guid, coding.guid)] = coder
                    continue
                guid = coding.user or selection.user
                if guid and guid in qde.users:
                    out[(selection.guid, coding.guid)] = qde.users[guid].name
                elif not guid and single:
                    out[(selection.guid, coding.guid)] = single
                else:
                    key = f"user {guid} (not among the project's Users)" if guid else "no creatingUser"
                    missing[key] = missing.get(key, 0) + 1
    for key, n in sorted(missing.items()):
        problem(f"{n} coding(s) have {key}, so their coder is unknown (pass --coder NAME)")
    return out


def _memo(selection: QdeSelection, notes: dict[str, str]) -> str | None:
    parts = [selection.description.strip()] if selection.description.strip() else []
    for guid in [*selection.notes, *(n for c in selection.codings for n in c.notes)]:
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


def _store_metadata(project: "Project", planned: list[_Planned], result: RefiImportResult,
                    store_transcripts: Any) -> None:
    connection = project.store.connection
    for plan in planned:
        tid = plan.report.transcript_id
        if tid is None or not plan.variables:
            continue
        transcript = project.transcript(tid)
        changed = False
        for key, value in plan.variables.items():
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
        if changed and store_transcripts.update_metadata(connection, transcript):
            result.metadata_updated.append(tid)


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


def _match_transcripts(project: "Project", planned: list[_Planned], result: RefiImportResult) -> None:
    rows = project.store.connection.execute("SELECT id, text_hash, source_path FROM transcripts").fetchall()
    by_hash: dict[str, list[str]] = {}
    by_file: dict[str, str] = {}
    ids = set()
    for tid, digest, source_path in rows:
        ids.add(tid)
        by_hash.setdefault(digest, []).append(tid)
        if source_path:
            base = PurePosixPath(str(source_path).replace("\\", "/")).name
            by_file.setdefault(base.lower(), tid)
            by_file.setdefault(base.rsplit(".", 1)[0].lower(), tid)
    taken: set[str] = set(ids)
    for plan in planned:
        candidates = _name_candidates(plan.source.name)
        same_text = sorted(by_hash.get(text_hash(plan.canonical), []))
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


def _import_new(project: "Project", planned: list[_Planned], path: Path, result: RefiImportResult) -> None:
    new = [plan for plan in planned if plan.report.match == "new"]
    if not new:
        return
    with tempfile.TemporaryDirectory(prefix="mio-qual-qdpx-") as folder:
        files, manifest = [], Path(folder) / "manifest.csv"
        with open(manifest, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["transcript_id", "file"])
            for k, plan in enumerate(new):
                file = Path(folder) / f"source{k:05d}.txt"
                file.write_text(plan.raw, encoding="utf-8", newline="")
                files.append(file)
                writer.writerow([plan.report.transcript_id, file.name])
        try:
            imported = project.import_transcripts(files, manifest=manifest)
        except InputError as exc:
            # Name the source in the .qdpx, not the temporary file it was read from.
            names = {str(file): f"{path}!{plan.source.name or plan.source.guid}" for file, plan in zip(files, new)}

            def where(text: str) -> str:
                for file, name in names.items():
                    text = text.replace(file, name)
                return text

            raise InputError(where(exc.message), path=where(exc.path) if exc.path else path, line=exc.line,
                             hint=exc.hint, details=[where(d) for d in exc.details]) from None
        result.warnings.extend(f"{tid}: {message}" for tid, message in imported.warnings)
        connection = project.store.connection
        for k, plan in enumerate(new):
            tid = plan.report.transcript_id
            connection.execute("UPDATE transcripts SET source_path = ?, source_format = 'qdpx' WHERE id = ?",
                               (f"{path}!{plan.source.plain_text_path or plan.source.name}", tid))
            result.added.append(tid)


def _problems_error(problems: list[str], path: Path) -> InputError:
    return InputError(f"{len(problems)} problem(s) in the project, so nothing was imported; first: {problems[0]}",
                      path=path, hint="fix them in the QDA program, or pass --skip-problems to import the rest",
                      details=problems)


__all__ = ["import_qdpx", "choose_convention", "RefiImportResult", "SourceReport"]

"""Transcripts in a project: importing them and reading them back as DataFrames."""

from __future__ import annotations

import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ..errors import InputError
from ..store import now_iso
from ..store import transcripts as store_transcripts
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..transcripts.model import Transcript

SENTENCE_BATCH = 64


@dataclass
class ImportResult:
    """What an import did, transcript by transcript."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    metadata_updated: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    codings_moved: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> (kept, changed)
    codings_changed: dict[str, list[dict]] = field(default_factory=dict)  # id -> the codings now on changed text
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (transcript id, message)
    n_words: int = 0
    #: Transcripts of unchanged text and turns whose turn times the file gave anew: id -> turns whose times changed.
    times_updated: dict[str, int] = field(default_factory=dict)

    @property
    def n_files(self) -> int:
        """Number of transcripts the import looked at."""
        return len(self.added) + len(self.unchanged) + len(self.metadata_updated) + len(self.replaced)


ProgressCallback = Callable[[int, int, str], None]


class TranscriptsMixin(ProjectBase):
    """Importing transcripts and reading them (turns, sentences, speakers, notes)."""

    # ------------------------------------------------------------------ import
    def import_transcripts(
        self,
        paths: Iterable[str | Path],
        *,
        manifest: str | Path | None = None,
        roster: str | Path | None = None,
        speaker_pattern: str | None = None,
        replace: bool = False,
        strict: bool = False,
        progress: ProgressCallback | None = None,
    ) -> ImportResult:
        """Import transcript files (and folders of them) in one transaction.

        Parameters
        ----------
        paths : iterable of path
            Files, or folders whose supported files are imported. A folder holding
            ``manifest.csv``/``manifest.xlsx`` or ``roster.csv``/``roster.xlsx`` uses them when
            none is given, and then imports only the files its manifest lists.
        manifest, roster : path, optional
            Study metadata per transcript; speaker labels to study ids and roles.
        speaker_pattern : str, optional
            Regex with a named group ``speaker`` (and optionally ``time``) overriding detection.
        replace : bool
            Allow new text under an existing id; codings on it are moved (see
            :func:`mio_qual.store.transcripts.replace_transcript`).
        strict : bool
            Refuse transcripts in which no speaker turns can be found.
        progress : callable, optional
            Called as ``progress(done, total, path)``.

        Returns
        -------
        ImportResult

        Raises
        ------
        InputError
            When any file cannot be imported; then nothing is imported. On a shared server, when
            the connected role is a coder: the lead imports every site's transcripts.
        """
        if getattr(self.store, "backend", "sqlite") == "postgresql":
            from ..store.team import require_lead

            require_lead(self.store, "import transcripts",
                         hint="send the files, with their manifest and roster, to the lead, who imports them "
                              "(mio-qual import); then code them from your project (coding export-docx, coding import)")
        from ..transcripts import add_sentences, read_manifest, read_roster, read_transcript
        from ..transcripts.reader import skip_reason
        from ..transcripts.segment import SentenceSplitter

        jobs, manifest_obj, roster_obj, unlisted = self._plan_import(paths, manifest, roster, read_manifest,
                                                                      read_roster)
        result = ImportResult()
        for file in unlisted:
            why = skip_reason(file)
            result.warnings.append((file.name, f"{why}: skipped" if why else
                                    f"not listed in the manifest {Path(manifest_obj.path).name}, "
                                    "so not imported (add a row for it, or import it by name)"))
        problems: list[InputError] = []
        total = len(jobs)
        splitter = SentenceSplitter()  # one for the whole import: its cache of chunks spans the batches

        def read_all() -> Iterator[tuple["Transcript", str]]:
            """The files' transcripts with their files' SHA-256, sentences segmented a batch at a time."""
            batch: list[tuple["Transcript", str]] = []
            for done, (path, transcript_id, metadata) in enumerate(jobs, start=1):
                try:
                    transcript = read_transcript(
                        path, transcript_id=transcript_id, speaker_pattern=speaker_pattern,
                        roster=roster_obj, metadata=metadata, strict=strict, sentences=False,
                    )
                except InputError as exc:
                    problems.append(exc)
                else:
                    batch.append((transcript, _file_sha256(path)))
                if progress:
                    progress(done, total, str(path))
                if len(batch) >= SENTENCE_BATCH or (batch and done == total):
                    add_sentences([t for t, _ in batch], splitter)
                    yield from batch
                    batch = []

        with self.store.transaction(), _older_objects_left_alone():
            self._ingest(read_all(), replace, result, problems)
            if problems:
                raise _combined(problems, "transcripts")
            if roster_obj is not None:
                store_transcripts.add_private_names(self.store, sorted(roster_obj.names()), str(roster))
            self._audit_import(result, manifest)
        return result

    def add_transcripts(self, transcripts: Iterable["Transcript"], *, replace: bool = False) -> ImportResult:
        """Ingest transcripts held in memory, in one transaction (the step every import ends with).

        The same rules as :meth:`import_transcripts`: a transcript whose id and text are in the
        project already is unchanged (or gets its new metadata and speaker turns); new text
        under a stored id is refused unless ``replace``, and then the codings on it move with
        their text. Build the transcripts with :func:`mio_qual.transcripts.read_text` (text in
        memory) or :func:`mio_qual.transcripts.read_transcript` (a file).

        Parameters
        ----------
        transcripts : iterable of Transcript
            With their sentences (``read_text`` and ``read_transcript`` segment them by default).
        replace : bool
            Allow new text under an existing id.

        Returns
        -------
        ImportResult

        Raises
        ------
        InputError
            When any transcript cannot be stored; then none is.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from mio_qual.project import Project
        >>> from mio_qual.transcripts import read_text
        >>> project = Project.create(pathlib.Path(tempfile.mkdtemp()) / "study")
        >>> result = project.add_transcripts([read_text("I: Hello?\\nR: Hi.", transcript_id="T1")])
        >>> result.added, project.turns("T1")["speaker"].tolist()
        (['T1'], ['I', 'R'])
        """
        result = ImportResult()
        problems: list[InputError] = []
        with self.store.transaction():
            self._ingest(((t, t.hash) for t in transcripts), replace, result, problems)
            if problems:
                raise _combined(problems, "transcripts")
            self._audit_import(result, None)
        return result

    def _audit_import(self, result: ImportResult, manifest: str | Path | None) -> None:
        if not (result.added or result.replaced or result.metadata_updated):
            return  # a no-op import leaves no trace
        self.store.audit("import transcripts", detail={
            "added": result.added, "replaced": result.replaced,
            "metadata_updated": result.metadata_updated, "codings_moved": result.codings_moved,
            **({"turn_times": result.times_updated} if result.times_updated else {}),
            "codings_changed": result.codings_changed,
            "manifest": str(manifest) if manifest else None,
        })

    def _plan_import(self, paths: Iterable[str | Path], manifest: Any, roster: Any,
                     read_manifest: Callable, read_roster: Callable
                     ) -> tuple[list[tuple[Path, str | None, dict]], Any, Any, list[Path]]:
        """The files to read (path, id, metadata), the manifest and roster, and the supported files
        left out because they sit in the manifest's folder without a row in it."""
        import zipfile

        from ..transcripts import SUPPORTED_SUFFIXES
        from ..transcripts.reader import skip_reason

        paths = [Path(p) for p in paths]
        folders = [p for p in paths if p.is_dir()]
        if manifest is None:
            manifest = _first_existing(folders, ("manifest.csv", "manifest.xlsx"))
        if roster is None:
            roster = _first_existing(folders, ("roster.csv", "roster.xlsx"))
        manifest_obj = read_manifest(manifest) if manifest else None
        roster_obj = read_roster(roster) if roster else None
        files: list[Path] = []
        unlisted: list[Path] = []
        for path in paths:
            if path.is_dir():
                in_folder = sorted(f for f in path.iterdir() if f.suffix.lower() in SUPPORTED_SUFFIXES
                                   and not f.name.lower().startswith("readme"))
                unlisted.extend(f for f in in_folder if skip_reason(f))  # lock and hidden files: warned about
                in_folder = [f for f in in_folder if not skip_reason(f)]
                if manifest_obj is not None and Path(manifest).resolve().parent == path.resolve():
                    files.extend(entry.file for entry in manifest_obj.entries)
                    listed = {entry.file.resolve() for entry in manifest_obj.entries}
                    unlisted.extend(f for f in in_folder if f.resolve() not in listed)
                else:
                    files.extend(in_folder)
            elif path.name.startswith("~$") and path.is_file() and not zipfile.is_zipfile(path):
                unlisted.append(path)  # a Word lock file caught by a shell pattern (folder/*.docx): warned about
            elif path.exists():
                files.append(path)
            else:
                raise InputError("no such file", path=path, hint="check the path")
        if not files and manifest_obj is not None and not paths:
            files = [entry.file for entry in manifest_obj.entries]
        if not files:
            raise InputError("no transcript files to import", path=", ".join(map(str, paths)) or ".",
                             hint="name files or a folder with .txt .md .docx .vtt .srt files")
        jobs: list[tuple[Path, str | None, dict]] = []
        seen: dict[str, Path] = {}
        for file in dict.fromkeys(f.resolve() for f in files):
            entry = manifest_obj.for_file(file) if manifest_obj is not None else None
            transcript_id = entry.transcript_id if entry else None
            key = transcript_id or file.stem
            if key in seen:
                raise InputError(f"two files would be imported as transcript {key!r}", path=file,
                                 hint=f"the other is {seen[key]}; give them distinct ids in the manifest")
            seen[key] = file
            jobs.append((file, transcript_id, dict(entry.metadata) if entry else {}))
        return jobs, manifest_obj, roster_obj, unlisted

    def _ingest(self, items: Iterable[tuple["Transcript", str]], replace: bool, result: ImportResult,
                problems: list[InputError]) -> None:
        """Store each ``(transcript, sha256 of its source)``: added, unchanged, metadata updated or replaced."""
        from ..store.imports import record_import

        for transcript, digest in items:
            where = transcript.source_path or transcript.id
            stored = store_transcripts.existing_hash(self.store, transcript.id)
            for warning in transcript.warnings:
                result.warnings.append((transcript.id, warning))
            text_hash = transcript.hash  # each computed once (a hash and a split of the whole text)
            if stored == text_hash:
                before = store_transcripts.stored_turns(self.store, transcript.id)
                after = [(t.n, t.start, t.end, t.body_start, t.speaker) for t in transcript.turns]
                if before != after:
                    # same text, turns found differently (a speaker pattern or roster given this time):
                    # store the new turns; every coding stays on its characters
                    store_transcripts.replace_transcript(self.store, transcript)
                    result.metadata_updated.append(transcript.id)
                    result.warnings.append((transcript.id, f"speaker turns found again: {len(after)} turns, "
                                                           f"were {len(before)} (turn ids may now point elsewhere)"))
                else:
                    # same text, same turns: times the file gives that the project lacks (a reader that
                    # learned a convention since, f4's '#00:01:12-3#') are taken; no offset moves
                    timed = store_transcripts.update_turn_times(self.store, transcript)
                    if timed:
                        result.times_updated[transcript.id] = timed
                    if store_transcripts.update_metadata(self.store, transcript) or timed:
                        result.metadata_updated.append(transcript.id)
                    else:
                        result.unchanged.append(transcript.id)
                continue
            if stored is not None and not replace:
                problems.append(InputError(
                    f"transcript {transcript.id!r} is already in the project with different text", path=where,
                    hint="pass --replace to replace it (codings on it are moved to the new text)"))
                continue
            n_words = transcript.n_words
            if stored is None:
                store_transcripts.insert_transcript(self.store, transcript, text_hash=text_hash, n_words=n_words)
                result.added.append(transcript.id)
            else:
                moved = store_transcripts.replace_transcript(self.store, transcript)
                result.replaced.append(transcript.id)
                result.codings_moved[transcript.id] = (moved.kept, moved.changed)
                if moved.changed_codings:
                    result.codings_changed[transcript.id] = list(moved.changed_codings)
            result.n_words += n_words
            record_import(self.store, kind="transcript", path=where, sha256=digest, coder=None, n_items=1,
                          at=now_iso())

    # ------------------------------------------------------------------ reading
    def transcripts(self) -> "pd.DataFrame":
        """One row per transcript: id, metadata (attributes spread into columns), sizes, source.

        Returns
        -------
        pandas.DataFrame
            One row per transcript (no rows in an empty project).
        """
        if self._once is not None:  # a report: its sections ask again and again (Aim 2's sites, the evidence ...)
            return self._read_once("transcripts", lambda: store_transcripts.transcript_listing(self.store)).copy()
        return store_transcripts.transcript_listing(self.store)

    def transcript_records(self) -> list[dict[str, Any]]:
        """:meth:`transcripts` as plain records (one dict per transcript), without importing pandas.

        Returns
        -------
        list of dict
            One dict per transcript, keys as the columns of :meth:`transcripts`.
        """
        return store_transcripts.transcript_records(self.store)

    def text(self, transcript_id: str) -> str:
        """The canonical text of one transcript.

        Parameters
        ----------
        transcript_id : str
            The transcript's id.

        Returns
        -------
        str
            The text every coding's character offsets refer to.

        Raises
        ------
        InputError
            When ``transcript_id`` names no transcript of the project (close ids suggested).
        """
        text = store_transcripts.transcript_text(self.store, transcript_id)
        if text is None:
            raise self._unknown_transcript(transcript_id)
        return text

    def _unknown_transcript(self, *transcript_ids: str) -> InputError:
        """One error naming the unknown ids, with the project's ids closest to the first."""
        import difflib

        known = [row["transcript_id"] for row in store_transcripts.transcript_records(self.store)]
        close = difflib.get_close_matches(transcript_ids[0], known, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        names = ", ".join(map(repr, transcript_ids))
        return InputError(f"no transcript{'s' if len(transcript_ids) > 1 else ''} {names} in this project",
                          path=self.folder, hint=hint + "see `mio-qual transcripts list`")

    def _check_transcript_ids(self, transcript_ids: str | Iterable[str] | None) -> None:
        """Refuse transcript ids given explicitly that the project does not hold.

        The one rule of the getters (:meth:`text`, :meth:`turns`, :meth:`codings` ...): an id
        the caller names must exist, else one :class:`~mio_qual.errors.InputError` names every
        unknown id and suggests close ones; ``None`` means every transcript.
        """
        if transcript_ids is None:
            return
        ids = [transcript_ids] if isinstance(transcript_ids, str) else [str(t) for t in transcript_ids]
        unknown = [t for t in dict.fromkeys(ids) if store_transcripts.existing_hash(self.store, t) is None]
        if unknown:
            raise self._unknown_transcript(*unknown)

    def texts(self) -> dict[str, str]:
        """Every transcript's canonical text, by id.

        Returns
        -------
        dict of str to str
            Transcript id -> text.
        """
        return store_transcripts.transcript_texts(self.store)

    def segments(self, kind: str, transcript_id: str | None = None, with_text: bool = True) -> "pd.DataFrame":
        """Turns, paragraphs or sentences as a DataFrame.

        The getters share one rule for ids: ``None`` means every transcript, and a transcript id
        the caller names must be in the project (an unknown one raises, it never gives an empty
        table); :meth:`text`, :meth:`transcript`, :meth:`codings` and :meth:`code_matrix`
        follow it too.

        Parameters
        ----------
        kind : {"turn", "paragraph", "sentence"}
            The segment kind.
        transcript_id : str, optional
            One transcript; every transcript when omitted.
        with_text : bool
            Add a ``text`` column with each segment's text.

        Returns
        -------
        pandas.DataFrame
            Columns: transcript_id, segment_id, n, start, end, turn_n, paragraph_n (not for
            turns), body_start (turns only), speaker, study_id, speaker_role, is_interviewer,
            start_time, end_time, clinic, agency, kind (interview or focus_group) and, with
            ``with_text``, text.

        Raises
        ------
        InputError
            When ``kind`` is not one of the three, or ``transcript_id`` names no transcript of
            the project (close ids suggested).
        """
        import pandas as pd

        from ..transcripts.model import INTERVIEWER_ROLES

        if kind not in ("turn", "paragraph", "sentence"):
            raise InputError(f"unknown unit {kind!r}", hint="use turn, paragraph or sentence")
        self._check_transcript_ids(transcript_id)
        prefix = {"turn": "t", "paragraph": "p", "sentence": "s"}[kind]
        frame = store_transcripts.segment_rows(self.store, kind, transcript_id)
        frame.insert(1, "segment_id", frame["transcript_id"] + f":{prefix}" + frame["n"].astype(str))
        frame["is_interviewer"] = frame["speaker_role"].fillna("").str.lower().isin(INTERVIEWER_ROLES)
        if kind != "turn":
            frame = frame.drop(columns=["body_start"])
        if kind == "turn":
            frame = frame.drop(columns=["paragraph_n"])
        if with_text and len(frame):
            texts = self.texts() if transcript_id is None else {transcript_id: self.text(transcript_id)}
            frame["text"] = [texts[t][s:e] for t, s, e in zip(frame["transcript_id"], frame["start"], frame["end"])]
        elif with_text:
            frame["text"] = pd.Series(dtype=object)
        return frame

    def show_segments(self, transcript_id: str, unit: str = "turn", *, show_names: bool = False) -> "pd.DataFrame":
        """One transcript's segments to show or export (``mio-qual transcripts show``): names redacted by default.

        Every text cell (the text, a speaker label that is a name, a transcript id holding a name)
        passes through :meth:`redactor`, so participants appear by study id and role (DESIGN.md,
        decision 9). :meth:`segments` is the analyses' unredacted reading of the same rows.

        Parameters
        ----------
        transcript_id : str
            The transcript.
        unit : {"turn", "paragraph", "sentence"}
            The segments shown.
        show_names : bool
            Keep names as stored (the lead's explicit choice; refused to a coder on a shared server).

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`segments`, text cells redacted unless ``show_names``.

        Raises
        ------
        InputError
            When the transcript or unit is unknown, or a coder on a server asks for names.
        """
        if show_names:
            self._names_for_the_lead("show a transcript")
        self.text(transcript_id)  # an unknown id is refused before the unit is looked at
        frame = self.segments(unit, transcript_id)
        return frame if show_names else self.redactor().frame(frame)  # type: ignore[attr-defined]

    def turns(self, transcript_id: str | None = None) -> "pd.DataFrame":
        """Speaker turns (see :meth:`segments`); ``start`` includes the label, ``body_start`` the speech.

        Parameters
        ----------
        transcript_id : str, optional
            One transcript; every transcript when omitted.

        Returns
        -------
        pandas.DataFrame
            One row per segment, columns as :meth:`segments` gives them.

        Raises
        ------
        InputError
            When ``transcript_id`` names no transcript of the project (close ids suggested).
        """
        return self.segments("turn", transcript_id)

    def paragraphs(self, transcript_id: str | None = None) -> "pd.DataFrame":
        """Paragraphs of speech (see :meth:`segments`).

        Parameters
        ----------
        transcript_id : str, optional
            One transcript; every transcript when omitted.

        Returns
        -------
        pandas.DataFrame
            One row per segment, columns as :meth:`segments` gives them.

        Raises
        ------
        InputError
            When ``transcript_id`` names no transcript of the project (close ids suggested).
        """
        return self.segments("paragraph", transcript_id)

    def sentences(self, transcript_id: str | None = None) -> "pd.DataFrame":
        """Sentences of speech (see :meth:`segments`).

        Parameters
        ----------
        transcript_id : str, optional
            One transcript; every transcript when omitted.

        Returns
        -------
        pandas.DataFrame
            One row per segment, columns as :meth:`segments` gives them.

        Raises
        ------
        InputError
            When ``transcript_id`` names no transcript of the project (close ids suggested).
        """
        return self.segments("sentence", transcript_id)

    def speakers(self) -> "pd.DataFrame":
        """Every speaker label in every transcript with its study id and role.

        Returns
        -------
        pandas.DataFrame
            One row per transcript and speaker label.
        """
        return store_transcripts.speaker_rows(self.store)

    def notes(self) -> "pd.DataFrame":
        """Transcriber notes ([inaudible], [crosstalk], (laughs) ...) with their spans and text.

        Returns
        -------
        pandas.DataFrame
            One row per note.
        """
        return store_transcripts.note_rows(self.store)

    def private_names(self) -> set[str]:
        """Names that must never reach a report: roster names and aliases kept at import.

        Returns
        -------
        set of str
        """
        return store_transcripts.private_names(self.store)

    def transcript(self, transcript_id: str) -> "Transcript":
        """Rebuild the :class:`~mio_qual.transcripts.model.Transcript` stored under ``transcript_id``.

        Parameters
        ----------
        transcript_id : str
            The transcript's id.

        Returns
        -------
        Transcript
            With its turns, paragraphs, sentences, notes and metadata.

        Raises
        ------
        InputError
            When ``transcript_id`` names no transcript of the project (close ids suggested).
        """
        transcript = store_transcripts.load_transcript(self.store, transcript_id)
        if transcript is None:
            raise self._unknown_transcript(transcript_id)
        return transcript


@contextmanager
def _older_objects_left_alone() -> Iterator[None]:
    """Keep the objects that exist now out of the garbage collector's passes until the block ends.

    An import makes millions of short-lived objects, and every full collection would also walk
    each object of the libraries already loaded (spaCy, when the caller has loaded it, holds
    hundreds of thousands): :func:`gc.freeze` leaves those out, :func:`gc.unfreeze` puts them
    back. About a tenth of an import's CPU time with spaCy loaded; nothing measurable when the
    import runs without it (benchmarks/import_corpus.py). Nothing is done when the caller froze
    objects already (their freeze is theirs to undo).
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _first_existing(folders: Sequence[Path], names: Sequence[str]) -> Path | None:
    for folder in folders:
        for name in names:
            if (folder / name).is_file():
                return folder / name
    return None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _combined(problems: list[InputError], what: str) -> InputError:
    """One error for many problems: the first line names the first file; the rest follow."""
    if len(problems) == 1:
        return problems[0]
    first = problems[0]
    return InputError(
        f"{len(problems)} {what} could not be imported, so none was; first: {first.one_line()}",
        hint="fix the files listed and run the command again",
        details=[p.one_line() for p in problems],
    )

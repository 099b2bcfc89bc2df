"""Transcripts in a project: importing them and reading them back as DataFrames."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from ..errors import InputError
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
            When any file cannot be imported; then nothing is imported.
        """
        from ..transcripts import add_sentences, read_manifest, read_roster, read_transcript

        jobs, manifest_obj, roster_obj, unlisted = self._plan_import(paths, manifest, roster, read_manifest,
                                                                      read_roster)
        result = ImportResult()
        for file in unlisted:
            result.warnings.append((file.name, f"not listed in the manifest {Path(manifest_obj.path).name}, "
                                               "so not imported (add a row for it, or import it by name)"))
        problems: list[InputError] = []
        total = len(jobs)
        batch: list[tuple[Path, "Transcript"]] = []

        def flush(connection: Any) -> None:
            if not batch:
                return
            add_sentences([t for _, t in batch])
            for path, transcript in batch:
                self._store_one(connection, path, transcript, replace, result, problems)
            batch.clear()

        with self.store.transaction() as connection:
            for done, (path, transcript_id, metadata) in enumerate(jobs, start=1):
                try:
                    transcript = read_transcript(
                        path, transcript_id=transcript_id, speaker_pattern=speaker_pattern,
                        roster=roster_obj, metadata=metadata, strict=strict, sentences=False,
                    )
                except InputError as exc:
                    problems.append(exc)
                else:
                    batch.append((path, transcript))
                    if len(batch) >= SENTENCE_BATCH:
                        flush(connection)
                if progress:
                    progress(done, total, str(path))
            flush(connection)
            if problems:
                raise _combined(problems, "transcripts")
            if roster_obj is not None:
                connection.executemany(
                    "INSERT OR IGNORE INTO private_names (name, source) VALUES (?, ?)",
                    [(name, str(roster)) for name in sorted(roster_obj.names())])
            if not (result.added or result.replaced or result.metadata_updated):
                return result  # a no-op import leaves no trace
            self.store.audit("import transcripts", detail={
                "added": result.added, "replaced": result.replaced,
                "metadata_updated": result.metadata_updated, "codings_moved": result.codings_moved,
                "codings_changed": result.codings_changed,
                "manifest": str(manifest) if manifest else None,
            })
        return result

    def _plan_import(self, paths: Iterable[str | Path], manifest: Any, roster: Any,
                     read_manifest: Callable, read_roster: Callable
                     ) -> tuple[list[tuple[Path, str | None, dict]], Any, Any, list[Path]]:
        """The files to read (path, id, metadata), the manifest and roster, and the supported files
        left out because they sit in the manifest's folder without a row in it."""
        from ..transcripts import SUPPORTED_SUFFIXES

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
                if manifest_obj is not None and Path(manifest).resolve().parent == path.resolve():
                    files.extend(entry.file for entry in manifest_obj.entries)
                    listed = {entry.file.resolve() for entry in manifest_obj.entries}
                    unlisted.extend(f for f in in_folder if f.resolve() not in listed)
                else:
                    files.extend(in_folder)
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

    def _store_one(self, connection: Any, path: Path, transcript: "Transcript", replace: bool,
                   result: ImportResult, problems: list[InputError]) -> None:
        stored = store_transcripts.existing_hash(connection, transcript.id)
        for warning in transcript.warnings:
            result.warnings.append((transcript.id, warning))
        if stored == transcript.hash:
            before = connection.execute(
                "SELECT n, start, end, body_start, speaker FROM segments WHERE transcript_id = ? AND kind = 'turn'"
                " ORDER BY n", (transcript.id,)).fetchall()
            after = [(t.n, t.start, t.end, t.body_start, t.speaker) for t in transcript.turns]
            if [tuple(row) for row in before] != after:
                # same text, turns found differently (a speaker pattern or roster given this time):
                # store the new turns; every coding stays on its characters
                store_transcripts.replace_transcript(connection, transcript)
                result.metadata_updated.append(transcript.id)
                result.warnings.append((transcript.id, f"speaker turns found again: {len(after)} turns, "
                                                       f"were {len(before)} (turn ids may now point elsewhere)"))
                return
            if store_transcripts.update_metadata(connection, transcript):
                result.metadata_updated.append(transcript.id)
            else:
                result.unchanged.append(transcript.id)
            return
        if stored is not None and not replace:
            problems.append(InputError(
                f"transcript {transcript.id!r} is already in the project with different text", path=path,
                hint="pass --replace to replace it (codings on it are moved to the new text)"))
            return
        if stored is None:
            store_transcripts.insert_transcript(connection, transcript)
            result.added.append(transcript.id)
        else:
            moved = store_transcripts.replace_transcript(connection, transcript)
            result.replaced.append(transcript.id)
            result.codings_moved[transcript.id] = (moved.kept, moved.changed)
            if moved.changed_codings:
                result.codings_changed[transcript.id] = list(moved.changed_codings)
        result.n_words += transcript.n_words
        connection.execute(
            "INSERT INTO imports (kind, path, sha256, n_items, at) VALUES ('transcript', ?, ?, 1, datetime('now'))",
            (str(path), _file_sha256(path)),
        )

    # ------------------------------------------------------------------ reading
    def transcripts(self) -> "pd.DataFrame":
        """One row per transcript: id, metadata (attributes spread into columns), sizes, source."""
        import pandas as pd

        rows = self.store.connection.execute(
            "SELECT t.id, t.kind, t.agency, t.clinic, t.participant_id, t.role, t.date, t.interviewer,"
            " t.n_words, (SELECT COUNT(*) FROM segments s WHERE s.transcript_id = t.id AND s.kind = 'turn'),"
            " (SELECT COUNT(*) FROM speakers p WHERE p.transcript_id = t.id), t.speaker_style, t.source_format,"
            " t.source_path, t.encoding, t.text_hash, t.imported_at, t.attributes, t.warnings"
            " FROM transcripts t ORDER BY t.id"
        ).fetchall()
        columns = ["transcript_id", "kind", "agency", "clinic", "participant_id", "role", "date", "interviewer",
                   "n_words", "n_turns", "n_speakers", "speaker_style", "source_format", "source_path",
                   "encoding", "text_hash", "imported_at"]
        records = []
        for row in rows:
            record = dict(zip(columns, row[:-2]))
            record.update(json.loads(row[-2]))
            record["warnings"] = "; ".join(json.loads(row[-1]))
            records.append(record)
        frame = pd.DataFrame.from_records(records, columns=None if records else columns + ["warnings"])
        return frame

    def text(self, transcript_id: str) -> str:
        """The canonical text of one transcript."""
        row = self.store.connection.execute("SELECT text FROM transcripts WHERE id = ?", (transcript_id,)).fetchone()
        if row is None:
            raise InputError(f"no transcript {transcript_id!r} in this project", path=self.folder,
                             hint="see `mio-qual transcripts list`")
        return row[0]

    def texts(self) -> dict[str, str]:
        """Every transcript's canonical text, by id."""
        return dict(self.store.connection.execute("SELECT id, text FROM transcripts ORDER BY id"))

    def segments(self, kind: str, transcript_id: str | None = None, with_text: bool = True) -> "pd.DataFrame":
        """Turns, paragraphs or sentences as a DataFrame.

        Columns: transcript_id, segment_id, n, start, end, turn_n, paragraph_n, speaker,
        study_id, speaker_role, is_interviewer, start_time, end_time, clinic, agency, kind
        (interview or focus_group) and, with ``with_text``, text.
        """
        import pandas as pd

        from ..transcripts.model import INTERVIEWER_ROLES

        if kind not in ("turn", "paragraph", "sentence"):
            raise InputError(f"unknown unit {kind!r}", hint="use turn, paragraph or sentence")
        prefix = {"turn": "t", "paragraph": "p", "sentence": "s"}[kind]
        where, params = "s.kind = ?", [kind]
        if transcript_id is not None:
            where += " AND s.transcript_id = ?"
            params.append(transcript_id)
        rows = self.store.connection.execute(
            "SELECT s.transcript_id, s.n, s.start, s.end, s.turn_n, s.paragraph_n, s.speaker, sp.study_id, sp.role,"
            " s.body_start, s.start_time, s.end_time, t.clinic, t.agency, t.kind"
            " FROM segments s JOIN transcripts t ON t.id = s.transcript_id"
            " LEFT JOIN speakers sp ON sp.transcript_id = s.transcript_id AND sp.label = s.speaker"
            f" WHERE {where} ORDER BY s.transcript_id, s.n",
            params,
        ).fetchall()
        columns = ["transcript_id", "n", "start", "end", "turn_n", "paragraph_n", "speaker", "study_id",
                   "speaker_role", "body_start", "start_time", "end_time", "clinic", "agency", "transcript_kind"]
        frame = pd.DataFrame.from_records(rows, columns=columns)
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

    def turns(self, transcript_id: str | None = None) -> "pd.DataFrame":
        """Speaker turns (see :meth:`segments`); ``start`` includes the label, ``body_start`` the speech."""
        return self.segments("turn", transcript_id)

    def paragraphs(self, transcript_id: str | None = None) -> "pd.DataFrame":
        """Paragraphs of speech (see :meth:`segments`)."""
        return self.segments("paragraph", transcript_id)

    def sentences(self, transcript_id: str | None = None) -> "pd.DataFrame":
        """Sentences of speech (see :meth:`segments`)."""
        return self.segments("sentence", transcript_id)

    def speakers(self) -> "pd.DataFrame":
        """Every speaker label in every transcript with its study id and role."""
        import pandas as pd

        rows = self.store.connection.execute(
            "SELECT transcript_id, label, study_id, role FROM speakers ORDER BY transcript_id, label").fetchall()
        return pd.DataFrame.from_records(rows, columns=["transcript_id", "label", "study_id", "role"])

    def notes(self) -> "pd.DataFrame":
        """Transcriber notes ([inaudible], [crosstalk], (laughs) ...) with their spans and text."""
        import pandas as pd

        rows = self.store.connection.execute(
            "SELECT n.transcript_id, n.start, n.end, n.kind, n.time, substr(t.text, n.start + 1, n.end - n.start)"
            " FROM notes n JOIN transcripts t ON t.id = n.transcript_id ORDER BY n.transcript_id, n.start").fetchall()
        return pd.DataFrame.from_records(rows, columns=["transcript_id", "start", "end", "kind", "time", "text"])

    def private_names(self) -> set[str]:
        """Names that must never reach a report: roster names and aliases kept at import."""
        return {row[0] for row in self.store.connection.execute("SELECT name FROM private_names")}

    def transcript(self, transcript_id: str) -> "Transcript":
        """Rebuild the :class:`~mio_qual.transcripts.model.Transcript` stored under ``transcript_id``."""
        from ..transcripts.model import Note, Paragraph, Sentence, SourceBlock, Speaker, Transcript, Turn

        connection = self.store.connection
        text = self.text(transcript_id)
        meta = connection.execute(
            "SELECT kind, agency, clinic, participant_id, role, date, interviewer, attributes, source_path,"
            " source_format, encoding, speaker_style, warnings FROM transcripts WHERE id = ?", (transcript_id,)
        ).fetchone()
        metadata = {k: v for k, v in zip(store_transcripts.CORE_METADATA, meta[:7]) if v is not None}
        metadata.update(json.loads(meta[7]))
        transcript = Transcript(id=transcript_id, text=text, metadata=metadata, source_path=meta[8] or "",
                                source_format=meta[9] or "", encoding=meta[10] or "", speaker_style=meta[11] or "",
                                warnings=json.loads(meta[12]))
        for kind, n, start, end, turn_n, paragraph_n, speaker, body_start, t0, t1 in connection.execute(
            "SELECT kind, n, start, end, turn_n, paragraph_n, speaker, body_start, start_time, end_time"
            " FROM segments WHERE transcript_id = ? ORDER BY kind, n", (transcript_id,)
        ):
            if kind == "turn":
                transcript.turns.append(Turn(n, speaker, start, end, body_start, t0, t1))
            elif kind == "paragraph":
                transcript.paragraphs.append(Paragraph(n, turn_n or 0, start, end))
            else:
                transcript.sentences.append(Sentence(n, turn_n or 0, paragraph_n, start, end))
        transcript.speakers = [Speaker(*row) for row in connection.execute(
            "SELECT label, study_id, role FROM speakers WHERE transcript_id = ?", (transcript_id,))]
        order = {}
        for turn in transcript.turns:
            order.setdefault(turn.speaker, turn.n)
        transcript.speakers.sort(key=lambda s: order.get(s.label, 0))
        transcript.notes = [Note(*row) for row in connection.execute(
            "SELECT start, end, kind, time FROM notes WHERE transcript_id = ? ORDER BY start", (transcript_id,))]
        transcript.source_blocks = [SourceBlock(*row) for row in connection.execute(
            "SELECT idx, start, end FROM source_blocks WHERE transcript_id = ? ORDER BY idx", (transcript_id,))]
        return transcript



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

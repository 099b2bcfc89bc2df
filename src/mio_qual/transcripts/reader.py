"""Reading transcript files into :class:`~mio_qual.transcripts.model.Transcript` objects.

:func:`read_transcript` picks the reader by extension, finds the speaker turns, builds
paragraphs, lists transcriber notes, resolves speakers through the roster and (by default)
segments sentences; :func:`read_text` does the same for a transcript held in memory.
:func:`read_transcripts` does the same for many files as a stream, segmenting sentences
for a batch of transcripts at a time through one ``nlp.pipe`` call.

Transcript id: the ``transcript_id`` argument, else the ``transcript_id`` (or ``id``) in the
file's own metadata (front matter, Word metadata table), else the file name without its
extension.

Metadata: the file's own metadata (front matter, Word headings and metadata table) updated
with the ``metadata`` argument (usually a manifest row): where both give a value, the
argument (the manifest) wins.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from ..errors import InputError
from .captions import UNKNOWN, read_captions
from .docx import read_docx
from .encoding import check_text
from .manifest import KINDS, Manifest, ManifestEntry, _check_date, normalize_kind
from .model import SourceBlock, Speaker, Transcript, Turn
from .notes import find_notes
from .plain import TextSource, read_plain, text_to_source
from .roles import convention_role
from .roster import Roster
from .segment import add_sentences, build_paragraphs
from .speakers import TurnMark, detect_turns

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".sbv", ".json")
CAPTION_SUFFIXES = (".vtt", ".srt", ".sbv", ".json")
UNKNOWN_SPEAKER = UNKNOWN

_UNSUPPORTED_HINTS = {
    ".doc": "open it in Word and save it as .docx",
    ".rtf": "open it in Word and save it as .docx",
    ".odt": "save it as .docx",
    ".pdf": "export the transcript as .docx or .txt",
}
_WS = " \t\n"
#: A line a transcription service writes after the speech, which is nobody's words: Otter's footer,
#: Teams' "Jane Doe stopped transcription". A turn ends before it. The name is one to five words, each
#: capitalised (an initial may carry its stop), so a participant's own unpunctuated line such as "and then
#: we stopped transcription" stays their words.
_SERVICE_LINE = re.compile(r"[ \t]*(?:Transcribed by https?://otter\.ai"
                           r"|(?:[^\W\d_a-z][\w'\u2019.-]*[ \t]+){1,5}stopped transcription)[ \t]*")


def skip_reason(path: str | Path) -> str | None:
    """Why a file met in a folder is not a transcript to import, or None when it may be one.

    Word's lock files (``~$INT01.docx``, left while a document is open) and hidden files
    (``.INT01.txt``, ``._INT01.docx`` from macOS) are skipped with a warning rather than read.
    """
    name = Path(path).name
    if name.startswith("~$"):
        return "a Word lock file (the document is open, or Word did not close cleanly)"
    if name.startswith("."):
        return "a hidden file"
    return None


def _check_path(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        what = f"'{path.suffix}'" if path.suffix else "a file without extension"
        raise InputError(
            f"cannot read {what} files",
            path=path,
            hint=_UNSUPPORTED_HINTS.get(suffix, "supported: " + ", ".join(SUPPORTED_SUFFIXES)),
        )
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path and the manifest's file column")
    if not path.is_file():
        raise InputError("not a file", path=path, hint="give a transcript file (or a folder to the CLI)")
    return suffix


#: f4/f5transkript's time mark, typed at the end of each turn: ``#00:01:12-3#`` (hh:mm:ss, then tenths).
_F4_TIME = re.compile(r"#(\d{1,2}):([0-5]\d):([0-5]\d)(?:[-.,](\d{1,3}))?#")


def _f4_end_time(text: str, body: int, end: int) -> float | None:
    """The time of an f4 mark closing ``text[body:end]`` (the moment the turn ends), if there is one."""
    match = None
    for match in _F4_TIME.finditer(text, max(body, end - 16), end):
        pass
    if match is None or match.end() != end:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + (int(fraction) / 10 ** len(fraction) if fraction else 0)


def turns_from_marks(text: str, marks: list[TurnMark]) -> list[Turn]:
    """Complete turns from turn starts: each runs to the next turn's start (trailing blank lines excluded,
    and a last line a transcription service adds: Otter's "Transcribed by https://otter.ai", Teams'
    "... stopped transcription").

    The speech (``body_start``) begins after the label and its spaces, or on the first
    non-blank line below the label when nothing follows it on its line. A turn whose label
    carries no time but which ends with an f4/f5transkript time mark (``R: ... #00:01:12-3#``,
    the moment it ends) gets that as its end time, and the next such turn starts there; the
    mark stays in the text, as typed.
    """
    turns: list[Turn] = []
    ended: float | None = None  # the previous turn's f4 end time
    size = len(text)
    for i, mark in enumerate(marks):
        nxt = marks[i + 1].start if i + 1 < len(marks) else size
        end = nxt
        while end > mark.speech and text[end - 1] in _WS:
            end -= 1
        line = text.rfind("\n", mark.speech, end) + 1
        if line > mark.speech and _SERVICE_LINE.fullmatch(text, line, end):  # the service's line is no speech
            end = line
            while end > mark.speech and text[end - 1] in _WS:
                end -= 1
        end = max(end, mark.start)
        body = mark.speech
        while body < end and text[body] in " \t":
            body += 1
        if body < end and text[body] == "\n":
            while body < end and text[body] in _WS:
                body += 1
        body = min(body, end)
        stop = _f4_end_time(text, body, end) if mark.time is None else None
        turns.append(Turn(i + 1, mark.label, mark.start, end, body,
                          mark.time if mark.time is not None else ended if stop is not None else None, stop))
        ended = stop
    return turns


def _speakers(turns: list[Turn], transcript_id: str, roster: Roster | None) -> list[Speaker]:
    seen: dict[str, Speaker] = {}
    for turn in turns:
        if turn.speaker in seen:
            continue
        entry = roster.lookup(transcript_id, turn.speaker) if roster is not None else None
        if entry is not None:
            role = entry.role or convention_role(turn.speaker)
            seen[turn.speaker] = Speaker(turn.speaker, entry.study_id, role)
        else:
            seen[turn.speaker] = Speaker(turn.speaker, None, convention_role(turn.speaker))
    return list(seen.values())


def _own_id(metadata: Mapping[str, Any]) -> str | None:
    for key in ("transcript_id", "id"):
        value = metadata.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def _checked_own_metadata(meta: Mapping[str, Any], warnings: list[str]) -> dict[str, Any]:
    """The file's own metadata with ``kind`` spelled as a manifest would have it (``Focus Group`` is
    ``focus_group``); a kind or date a manifest would refuse is kept as written, with a warning."""
    checked = dict(meta)
    kind = checked.get("kind")
    if kind not in (None, ""):
        normalized = normalize_kind(str(kind))
        if normalized is None:
            warnings.append(f"kind {kind!r} in the file's own metadata is not one of {', '.join(KINDS)} "
                            "(give the kind in a manifest)")
        else:
            checked["kind"] = normalized
    date = checked.get("date")
    if date not in (None, "") and _check_date(str(date)) is None:
        warnings.append(f"date {date!r} in the file's own metadata is not a YYYY-MM-DD date")
    return checked


def _sniff_vtt(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(16)
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT")


def _read_one(
    path: str | Path,
    *,
    transcript_id: str | None,
    speaker_pattern: str | re.Pattern[str] | None,
    roster: Roster | None,
    metadata: Mapping[str, Any] | None,
    strict: bool,
) -> Transcript:
    path = Path(path)
    suffix = _check_path(path)
    if suffix == ".txt" and _sniff_vtt(path):
        suffix = ".vtt"
    if suffix in CAPTION_SUFFIXES:
        tid = transcript_id or path.stem
        known = roster.labels_for(tid) if roster is not None else ()
        cap = read_captions(path, known_labels=known, speaker_pattern=speaker_pattern, fmt=suffix[1:])
        return _assemble(cap.text, cap.turns, cap.style, tid, cap.metadata, cap.source_blocks, cap.encoding,
                         cap.warnings, cap.format, path=path, roster=roster, metadata=metadata, strict=strict)
    src: TextSource = read_docx(path) if suffix == ".docx" else read_plain(path)
    return _from_source(src, path=path, transcript_id=transcript_id or _own_id(src.metadata) or path.stem,
                        speaker_pattern=speaker_pattern, roster=roster, metadata=metadata, strict=strict)


def _from_source(src: TextSource, *, path: str | Path, transcript_id: str, speaker_pattern: str | re.Pattern[str] | None,
                 roster: Roster | None, metadata: Mapping[str, Any] | None, strict: bool) -> Transcript:
    """A transcript from a text-bearing source: its turns detected, then :func:`_assemble`."""
    if not src.text.strip():
        raise InputError(
            "the file has no transcript text" + (" after its front matter" if src.metadata and src.format != "docx" else ""),
            path=path,
            hint="check that the export finished",
        )
    known = roster.labels_for(transcript_id) if roster is not None else ()
    detection = detect_turns(src.text, known_labels=known, speaker_pattern=speaker_pattern)
    turns = turns_from_marks(src.text, detection.marks)
    return _assemble(src.text, turns, detection.style, transcript_id, src.metadata, src.source_blocks, src.encoding,
                     src.warnings, src.format, path=path, roster=roster, metadata=metadata, strict=strict)


def _assemble(text: str, turns: list[Turn], style: str, tid: str, own_meta: Mapping[str, Any],
              blocks: list[SourceBlock], encoding: str, warnings: list[str], fmt: str, *, path: str | Path,
              roster: Roster | None, metadata: Mapping[str, Any] | None, strict: bool) -> Transcript:
    """Put a transcript together: a single-speaker fallback, merged metadata, paragraphs, notes, speakers."""
    if not turns:
        if strict:
            raise InputError(
                "no speaker turns found",
                path=path,
                hint="label each turn (e.g. 'Interviewer: ...') or pass a speaker pattern",
            )
        warnings.append(f"no speaker turns found: the whole text is one turn of speaker {UNKNOWN_SPEAKER!r}")
        turns = [Turn(1, UNKNOWN_SPEAKER, 0, len(text), 0)]
        style = "single-speaker"
    given = {k for k, v in (metadata or {}).items() if v is not None and v != ""}  # the manifest wins on these
    merged: dict[str, Any] = _checked_own_metadata({k: v for k, v in own_meta.items() if k not in given}, warnings)
    if metadata:
        merged.update({k: v for k, v in metadata.items() if v is not None and v != ""})
    paragraphs = build_paragraphs(text, turns)
    return Transcript(
        id=str(tid),
        text=text,
        turns=turns,
        paragraphs=paragraphs,
        notes=find_notes(text, paragraphs),
        speakers=_speakers(turns, str(tid), roster),
        metadata=merged,
        source_path=str(path),
        source_format=fmt,
        encoding=encoding,
        speaker_style=style,
        source_blocks=blocks,
        warnings=warnings,
    )


def read_text(
    text: str,
    *,
    transcript_id: str,
    source_format: str = "txt",
    source_path: str = "",
    where: str | None = None,
    speaker_pattern: str | re.Pattern[str] | None = None,
    roster: Roster | None = None,
    metadata: Mapping[str, Any] | None = None,
    strict: bool = False,
    sentences: bool = True,
) -> Transcript:
    """Read a transcript held in memory, as a ``.txt`` or ``.md`` file would hold it (decoded).

    The text is checked, canonicalized, stripped of its front matter and segmented exactly as
    :func:`read_transcript` does for a text file: the same turns, paragraphs, notes and
    sentences come out.

    Parameters
    ----------
    text : str
        The transcript (any line ends, NFC or not; a YAML front-matter block is read as metadata).
    transcript_id : str
        The study id (it wins over an id in the front matter).
    source_format : str
        Recorded as the transcript's ``source_format`` (e.g. ``qdpx`` for a REFI-QDA source).
    source_path : str
        Where the text came from, recorded with the transcript (e.g. ``study.qdpx!INT01.txt``).
    where : str, optional
        How error messages name the text (default: ``source_path``, else the id).
    speaker_pattern, roster, metadata, strict, sentences
        As for :func:`read_transcript`.

    Returns
    -------
    Transcript

    Raises
    ------
    InputError
        Empty or binary-looking text, a control character, a line too long; with ``strict``, no turns.

    Examples
    --------
    >>> t = read_text("I: How is it going?\\r\\nR: Fine.", transcript_id="T1", sentences=False)
    >>> t.text, [turn.speaker for turn in t.turns], t.speaker_style
    ('I: How is it going?\\nR: Fine.', ['I', 'R'], 'label-colon')
    """
    where = where or source_path or transcript_id
    src = text_to_source(check_text(text.lstrip("\ufeff"), path=where), path=where, fmt=source_format,
                         encoding="utf-8", warnings=[])
    transcript = _from_source(src, path=where, transcript_id=transcript_id, speaker_pattern=speaker_pattern,
                              roster=roster, metadata=metadata, strict=strict)
    transcript.source_path = source_path
    if sentences:
        add_sentences([transcript])
    return transcript


def read_transcript(
    path: str | Path,
    *,
    transcript_id: str | None = None,
    speaker_pattern: str | re.Pattern[str] | None = None,
    roster: Roster | None = None,
    metadata: Mapping[str, Any] | None = None,
    strict: bool = False,
    sentences: bool = True,
) -> Transcript:
    """Read one transcript file.

    Parameters
    ----------
    path : str or Path
        A ``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt``, ``.sbv`` (YouTube) or diarization
        ``.json`` (WhisperX style) file.
    transcript_id : str, optional
        The study id; default: the file's own ``transcript_id``/``id`` metadata, else its stem.
    speaker_pattern : str or re.Pattern, optional
        A regex with a named group ``speaker`` (and optionally ``time``) matched at the start
        of lines (cues, for captions); the rest of the line is speech. Replaces detection.
    roster : Roster, optional
        Gives study ids and roles to speaker labels, and tells detection which labels are speakers.
    metadata : mapping, optional
        Study metadata (a manifest row); it wins over the file's own metadata.
    strict : bool
        Raise instead of warning when no speaker turns are found.
    sentences : bool
        Segment sentences (the slowest step; skip it when only turns are needed).

    Returns
    -------
    Transcript
        With ``check_spans()`` holding.

    Raises
    ------
    InputError
        Unsupported or missing file, empty, binary, undecodable, too large, a line too long,
        a damaged or hostile ``.docx``, malformed captions; with ``strict``, no turns.
    """
    transcript = _read_one(
        path,
        transcript_id=transcript_id,
        speaker_pattern=speaker_pattern,
        roster=roster,
        metadata=metadata,
        strict=strict,
    )
    if sentences:
        add_sentences([transcript])
    return transcript


def read_transcripts(
    paths: Iterable[str | Path | ManifestEntry],
    *,
    transcript_id: str | None = None,
    speaker_pattern: str | re.Pattern[str] | None = None,
    roster: Roster | None = None,
    metadata: Mapping[str, Any] | None = None,
    strict: bool = False,
    sentences: bool = True,
    manifest: Manifest | None = None,
    batch_words: int = 200_000,
) -> Iterator[Transcript]:
    """Read many transcripts as a stream (same options as :func:`read_transcript`).

    Items of ``paths`` may be :class:`ManifestEntry` objects (their id and metadata are used);
    with ``manifest``, a plain path listed in it gets its entry's id and metadata too.
    ``transcript_id`` and ``metadata`` apply to every file (so ``transcript_id`` only makes
    sense for a single file). Sentences are segmented for batches of about ``batch_words``
    words at a time; transcripts come out in input order. An unreadable file raises
    :class:`InputError` when the stream reaches it.
    """
    batch: list[Transcript] = []
    words = 0
    for item in paths:
        tid, meta = transcript_id, dict(metadata or {})
        if isinstance(item, ManifestEntry):
            path: Path = item.file
            tid = item.transcript_id
            meta.update(item.metadata)
        else:
            path = Path(item)
            entry = manifest.for_file(path) if manifest is not None else None
            if entry is not None:
                tid = entry.transcript_id
                meta.update(entry.metadata)
        transcript = _read_one(
            path, transcript_id=tid, speaker_pattern=speaker_pattern, roster=roster, metadata=meta, strict=strict
        )
        if not sentences:
            yield transcript
            continue
        batch.append(transcript)
        words += len(transcript.text) // 6
        if words >= batch_words:
            add_sentences(batch)
            yield from batch
            batch, words = [], 0
    if batch:
        add_sentences(batch)
        yield from batch

"""Checking codings before they go into a coder's layer: validated, all-or-nothing, never duplicated.

Every importer (Word comments, spreadsheets, REFI-QDA, reconciliation) and every auto-coder
ends in :meth:`mio_qual.project.Project.write_codings`, which checks the codings here
(:func:`check_codings`: spans inside the transcript, codes in the codebook, the layer named
right), turns them into store records (:func:`coding_records`) and writes them through
:mod:`mio_qual.store.codings` in one transaction. Importers describe what to write as
:class:`LayerWrite` objects, so they never touch the store themselves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Literal, Mapping

from ..errors import InputError
from .model import ORIGINS, Coding

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook import Codebook

ReplaceMode = Literal["file", "layer", "none"]


@dataclass(frozen=True)
class WriteResult:
    """What writing one layer did."""

    coder: str
    inserted: int
    removed: int
    source_file: str | None
    #: Codings of a re-imported file identical to those it brought before: nothing was written
    #: (inserted and removed are 0) and nothing was added to the audit trail.
    unchanged: int = 0


@dataclass(frozen=True)
class LayerWrite:
    """Codings an importer asks to write into one layer.

    Attributes
    ----------
    codings : list of Coding
        All with ``coder`` and ``origin`` equal to the attributes below.
    coder, origin : str
        The layer.
    source_file : path, optional
        The file the codings came from. Its name (not its folder) identifies it, so importing
        a coder's file again replaces what that file brought before.
    replace : {"file", "layer", "none"}
        ``file``: first remove this coder's codings from the same source file; ``layer``: first
        remove every coding of this coder with this origin; ``none``: only add.
    action : str
        Text for the audit trail.
    covers : tuple of str
        Transcripts the source file covered, with or without codings (a Word file's
        transcript, those a sheet lists, a ``.qdpx`` project's sources): the coder saw them.
    grouped : bool
        ``codings`` come grouped by transcript and are made as they are iterated (a ``.qdpx``
        of millions of selections): they are checked and written as they stream
        (:class:`CheckedCodings`), never held as a list.
    unique : bool
        ``codings`` come without doubles (the importer left them out: a ``.qdpx``'s scratch
        database finds them with SQL), so no transcript's codings are held to find them.
    detail : dict
        More for the audit trail's entry (a reconciliation sheet's decided and undecided rows).
    """

    codings: list[Coding] = field(default_factory=list)
    coder: str = ""
    origin: str = "human"
    source_file: str | Path | None = None
    replace: ReplaceMode = "file"
    action: str = "import codings"
    covers: tuple[str, ...] = ()
    grouped: bool = False
    detail: dict[str, Any] = field(default_factory=dict)
    unique: bool = False

    @property
    def source_name(self) -> str | None:
        """The source file's name (what identifies it in the store), or None."""
        return Path(self.source_file).name if self.source_file is not None else None


def check_codings(codings: Iterable[Coding], *, coder: str, origin: str, lengths: Mapping[str, int],
                  codebook: "Codebook | None" = None, source_file: str | Path | None = None) -> list[Coding]:
    """Check codings for one layer and return them without duplicates, in their order.

    Parameters
    ----------
    codings : iterable of Coding
        All must have ``coder`` and ``origin`` equal to the arguments.
    coder, origin : str
        The layer written.
    lengths : mapping of str to int
        The length of each transcript's canonical text (a transcript it lacks is not in the
        project).
    codebook : Codebook, optional
        When given, every code must be in it.
    source_file : path, optional
        Named in the error message.

    Returns
    -------
    list of Coding
        The codings, the same coding given twice counted once.

    Raises
    ------
    InputError
        Listing every problem (unknown transcript, span outside the text, unknown code,
        wrong coder/origin).
    """
    _check_layer(coder, origin)
    rows = list(codings)
    problems: list[str] = []
    for i, c in enumerate(rows, start=1):
        problems += _coding_problems(i, c, coder, origin, lengths.get(c.transcript_id), codebook)
    if problems:
        raise _codings_error(problems, source_file)
    return list(dict.fromkeys(rows))  # the same coding twice in one file counts once


def _check_layer(coder: str, origin: str) -> None:
    if origin not in ORIGINS:
        raise InputError(f"unknown origin {origin!r}", hint=f"use one of {', '.join(ORIGINS)}")
    if not coder or not coder.strip():
        raise InputError("a coder name is required", hint="pass --coder NAME")


def _coding_problems(i: int, c: Coding, coder: str, origin: str, length: int | None,
                     codebook: "Codebook | None") -> list[str]:
    """What is wrong with the ``i``-th coding (1-based) of a layer; ``length``: its transcript's, None if absent."""
    problems = []
    if c.coder != coder or c.origin != origin:
        problems.append(f"belongs to layer {c.coder}/{c.origin}, not {coder}/{origin}")
    if length is None:
        problems.append(f"transcript {c.transcript_id!r} is not in the project")
    elif not (0 <= c.start < c.end <= length):
        problems.append(f"span lies outside the transcript (length {length})")
    if codebook is not None and c.code not in codebook.codes:
        problems.append(f"code {c.code!r} is not in the codebook")
    if problems:  # where, only when something is wrong (most codings are fine)
        where = f"coding {i} ({c.transcript_id} {c.start}-{c.end} {c.code})"
        problems = [f"{where}: {p}" for p in problems]
    return problems


def _codings_error(problems: list[str], source_file: str | Path | None) -> InputError:
    source_name = Path(source_file).name if source_file is not None else None
    return InputError(f"{len(problems)} problem(s) in the codings" + (f" from {source_name}" if source_name else "")
                      + f"; nothing was written. First: {problems[0]}", path=source_file, details=problems)


class CheckedCodings:
    """Codings grouped by transcript, checked as :func:`check_codings` checks them while they stream past.

    Iterating yields each coding once (the same coding again in its transcript is left out, as
    :func:`check_codings` leaves it out), holding only the codings of the transcript in hand; a
    problem stops the yielding, and the end of the stream raises the :class:`InputError` listing
    every problem that :func:`check_codings` would raise. Iterate inside the transaction that
    writes them (the error rolls the writes back). ``count`` and ``transcripts`` say what was
    yielded.

    Parameters
    ----------
    codings : iterable of Coding
        Grouped by transcript (the codings of one transcript one after another).
    coder, origin : str
    texts : mapping of str to str
        The stored texts (their lengths bound the spans).
    codebook : Codebook, optional
    source_file : path, optional
    unique : bool
        The codings come without doubles (the caller left them out): none is held to find them.

    Raises
    ------
    ValueError
        When a transcript's codings come back after another's (not grouped: a caller's mistake).
    """

    def __init__(self, codings: Iterable[Coding], *, coder: str, origin: str, texts: Mapping[str, str],
                 codebook: "Codebook | None" = None, source_file: str | Path | None = None,
                 unique: bool = False) -> None:
        _check_layer(coder, origin)
        self._unique = unique
        self._codings, self._coder, self._origin = codings, coder, origin
        self._texts, self._codebook, self._source_file = texts, codebook, source_file
        self.count = 0
        self.transcripts: list[str] = []

    def __iter__(self) -> Iterator[Coding]:
        problems: list[str] = []
        seen: dict[Coding, None] = {}
        current: str | None = None
        length: int | None = None
        done: set[str] = set()
        for i, c in enumerate(self._codings, start=1):
            if c.transcript_id != current or not self.transcripts:
                if c.transcript_id in done:
                    raise ValueError(f"codings of transcript {c.transcript_id!r} are not grouped together")
                done.add(c.transcript_id)
                current, seen = c.transcript_id, {}
                length = len(self._texts[current]) if current in self._texts else None
                self.transcripts.append(current)
            problems += _coding_problems(i, c, self._coder, self._origin, length, self._codebook)
            if problems or c in seen:
                continue
            if not self._unique:
                seen[c] = None
            self.count += 1
            yield c
        if problems:
            raise _codings_error(problems, self._source_file)


def coding_records(codings: Iterable[Coding], *, created: str, codebook_version: str | None,
                   source_name: str | None) -> Iterator[dict[str, Any]]:
    """The store records of checked codings (see :func:`mio_qual.store.codings.insert_codings`), made one
    at a time (a layer of 750,000 codings held as dicts took 300 MiB more, issue 20)."""
    return ({"transcript_id": c.transcript_id, "start": c.start, "end": c.end, "code": c.code, "coder": c.coder,
             "origin": c.origin, "created": c.created or created, "memo": c.memo, "codebook_version": codebook_version,
             "source_file": source_name, "probability": c.probability, "evidence": c.evidence, "unit": c.unit}
            for c in codings)


def codebook_record(codebook: "Codebook") -> dict[str, str]:
    """What the store keeps of a codebook: its version, the names combined and its codes as JSON."""
    frame = codebook.to_frame()
    return {"version": codebook.version,
            "names": ",".join(sorted({code.codebook for code in codebook.codes.values()})),
            "content": frame.to_json(orient="records", force_ascii=False)}


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, or ``""`` when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


__all__ = ["check_codings", "CheckedCodings", "coding_records", "codebook_record", "file_sha256", "LayerWrite", "WriteResult",
           "ReplaceMode"]

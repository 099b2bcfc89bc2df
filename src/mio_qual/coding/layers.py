"""Writing codings into a coder's layer: validated, all-or-nothing, never duplicated.

Every importer (Word comments, spreadsheets, REFI-QDA) and every auto-coder ends in
:func:`write_codings`, so the rules live in one place: spans must lie inside the transcript,
codes must be in the codebook, the codebook version is recorded with each coding, importing the
same source file again replaces what came from it, and the audit trail records the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal

from ..errors import InputError
from ..store import now_iso
from .model import ORIGINS, Coding

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook import Codebook
    from ..project import Project

ReplaceMode = Literal["file", "layer", "none"]


@dataclass(frozen=True)
class WriteResult:
    """What :func:`write_codings` did."""

    coder: str
    inserted: int
    removed: int
    source_file: str | None


def register_codebook(project: "Project", codebook: "Codebook") -> str:
    """Keep a copy of ``codebook`` in the store (once per version) and return its version."""
    connection = project.store.connection
    frame = codebook.to_frame()
    content = frame.to_json(orient="records", force_ascii=False)
    names = ",".join(sorted({code.codebook for code in codebook.codes.values()}))
    connection.execute(
        "INSERT OR IGNORE INTO codebooks (version, names, content, added_at) VALUES (?,?,?,?)",
        (codebook.version, names, content, now_iso()),
    )
    return codebook.version


def write_codings(
    project: "Project",
    codings: Iterable[Coding],
    *,
    coder: str,
    origin: str = "human",
    source_file: str | Path | None = None,
    codebook: "Codebook | None" = None,
    replace: ReplaceMode = "file",
    action: str = "import codings",
) -> WriteResult:
    """Validate codings and write them into ``coder``'s layer in one transaction.

    Parameters
    ----------
    project : Project
    codings : iterable of Coding
        All must have ``coder`` and ``origin`` equal to the arguments.
    coder, origin : str
        The layer written.
    source_file : path, optional
        The file the codings came from. Its name (not its folder) identifies it, so importing
        a coder's file again replaces what that file brought before.
    codebook : Codebook, optional
        When given, every code must be in it and its version is stored with each coding.
    replace : {"file", "layer", "none"}
        ``file``: first remove this coder's codings from the same source file; ``layer``: first
        remove every coding of this coder with this origin; ``none``: only add.
    action : str
        Text for the audit trail.

    Raises
    ------
    InputError
        Listing every problem (unknown transcript, span outside the text, unknown code,
        wrong coder/origin); nothing is written.
    """
    if origin not in ORIGINS:
        raise InputError(f"unknown origin {origin!r}", hint=f"use one of {', '.join(ORIGINS)}")
    if not coder or not coder.strip():
        raise InputError("a coder name is required", hint="pass --coder NAME")
    source_name = Path(source_file).name if source_file is not None else None
    rows = list(codings)
    connection = project.store.connection
    lengths = dict(connection.execute("SELECT id, length(text) FROM transcripts"))
    problems: list[str] = []
    for i, c in enumerate(rows, start=1):
        where = f"coding {i} ({c.transcript_id} {c.start}-{c.end} {c.code})"
        if c.coder != coder or c.origin != origin:
            problems.append(f"{where}: belongs to layer {c.coder}/{c.origin}, not {coder}/{origin}")
        if c.transcript_id not in lengths:
            problems.append(f"{where}: transcript {c.transcript_id!r} is not in the project")
        elif not (0 <= c.start < c.end <= lengths[c.transcript_id]):
            problems.append(f"{where}: span lies outside the transcript (length {lengths[c.transcript_id]})")
        if codebook is not None and c.code not in codebook.codes:
            problems.append(f"{where}: code {c.code!r} is not in the codebook")
    if problems:
        raise InputError(
            f"{len(problems)} problem(s) in the codings" + (f" from {source_name}" if source_name else "")
            + f"; nothing was written. First: {problems[0]}",
            path=source_file, details=problems)
    with project.store.transaction():
        version = register_codebook(project, codebook) if codebook is not None else None
        if replace == "file" and source_name is not None:
            removed = connection.execute("DELETE FROM codings WHERE coder = ? AND source_file = ?",
                                         (coder, source_name)).rowcount
        elif replace == "layer":
            removed = connection.execute("DELETE FROM codings WHERE coder = ? AND origin = ?",
                                         (coder, origin)).rowcount
        else:
            removed = 0
        created = now_iso()
        unique = list(dict.fromkeys(rows))  # the same coding twice in one file counts once
        connection.executemany(
            "INSERT INTO codings (transcript_id, start, end, code, coder, origin, created, memo, codebook_version,"
            " source_file, probability, evidence, unit) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(c.transcript_id, c.start, c.end, c.code, coder, origin, created, c.memo, version, source_name,
              c.probability, c.evidence, c.unit) for c in unique],
        )
        if source_name is not None:
            connection.execute(
                "INSERT INTO imports (kind, path, sha256, coder, n_items, at) VALUES ('coding', ?, ?, ?, ?, ?)",
                (str(source_file), _sha256(source_file), coder, len(unique), created))
        project.store.audit(action, target=coder, codebook_version=version, detail={
            "origin": origin, "source_file": source_name, "inserted": len(unique), "removed": removed,
            "transcripts": sorted({c.transcript_id for c in unique})})
    return WriteResult(coder=coder, inserted=len(unique), removed=removed, source_file=source_name)


def _sha256(path: str | Path) -> str:
    import hashlib

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def delete_layer(project: "Project", coder: str, origin: str | None = None) -> int:
    """Remove a coder's layer (optionally only one origin); recorded in the audit trail."""
    with project.store.transaction() as connection:
        if origin is None:
            removed = connection.execute("DELETE FROM codings WHERE coder = ?", (coder,)).rowcount
        else:
            removed = connection.execute("DELETE FROM codings WHERE coder = ? AND origin = ?",
                                         (coder, origin)).rowcount
        project.store.audit("delete layer", target=coder, detail={"origin": origin, "removed": removed})
    return removed


def layer_summary(project: "Project") -> list[dict]:
    """Coders with their origin, coding count, transcripts and codes covered."""
    rows = project.store.connection.execute(
        "SELECT coder, origin, COUNT(*), COUNT(DISTINCT transcript_id), COUNT(DISTINCT code) FROM codings"
        " GROUP BY coder, origin ORDER BY coder, origin").fetchall()
    return [dict(zip(["coder", "origin", "codings", "transcripts", "codes"], r)) for r in rows]


__all__ = ["write_codings", "register_codebook", "delete_layer", "layer_summary", "WriteResult"]

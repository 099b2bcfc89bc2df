"""One entry point for importing coding files of any kind, all in one transaction.

:func:`import_coding_files` sorts files by kind (Word comments, coding or reconciliation
sheets, REFI-QDA projects), runs each importer, gathers every problem across every file, and
lands all of them or none. The CLI's ``coding import`` and :meth:`Project.import_codings`
both call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

DOCX = (".docx",)
SHEETS = (".csv", ".xlsx", ".xlsm")
QDPX = (".qdpx",)


@dataclass
class CodingImport:
    """What an import of coding files did.

    ``files`` has one dict per file (file, coder or coders, codings, removed); ``skipped``
    lists problems passed over with ``skip_problems``; ``notes`` are lines worth telling the user.
    """

    files: list[dict[str, Any]] = field(default_factory=list)
    inserted: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {"files": self.files, "inserted": self.inserted, "removed": self.removed,
                "skipped": self.skipped, "notes": self.notes, "layers": self.layers}

    def _add(self, files: Iterable[dict[str, Any]], inserted: int, removed: int, skipped: Iterable[str] = ()) -> None:
        self.files.extend(files)
        self.inserted += inserted
        self.removed += removed
        self.skipped.extend(skipped)


def sort_by_kind(paths: Iterable[str | Path]) -> dict[str, list[Path]]:
    """Group coding files into ``docx``, ``sheet`` and ``qdpx``; refuse any other kind."""
    by_kind: dict[str, list[Path]] = {"docx": [], "sheet": [], "qdpx": []}
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        kind = "docx" if suffix in DOCX else "sheet" if suffix in SHEETS else "qdpx" if suffix in QDPX else None
        if kind is None:
            raise InputError(f"cannot import coding from a {suffix or 'file without extension'} file", path=path,
                             hint="use .docx (Word comments), .csv/.xlsx (coding sheet) or .qdpx (REFI-QDA)")
        by_kind[kind].append(path)
    return by_kind


def import_coding_files(project: "Project", paths: Iterable[str | Path], *, coder: str | None = None,
                        codebook: Any = None, transcript_id: str | None = None,
                        skip_problems: bool = False) -> CodingImport:
    """Import Word comments, coding sheets, filled reconciliation sheets and ``.qdpx`` projects.

    Parameters
    ----------
    project : Project
    paths : iterable of path
    coder : str, optional
        The layer (required for Word files; a sheet's coder column wins; for ``.qdpx`` it
        overrides the project's users).
    codebook : Codebook, optional
        Default: the bundled cfir2, cfir_outcomes and mio.
    transcript_id : str, optional
        The transcript of files that name none.
    skip_problems : bool
        Import what can be imported and list the rest in ``skipped``.

    Raises
    ------
    InputError
        Listing every problem in every file; nothing is written.
    """
    from .codes import load_codebook

    by_kind = sort_by_kind(paths)
    if by_kind["docx"] and not coder:
        raise InputError("a coder name is required for Word files", hint="pass --coder NAME, e.g. --coder jordan")
    book = codebook if codebook is not None and not isinstance(codebook, (list, tuple, str)) \
        else load_codebook(list(codebook) if isinstance(codebook, (list, tuple)) else codebook)
    result = CodingImport()
    problems: list[str] = []
    with project.store.transaction():
        if by_kind["docx"]:
            _word(project, by_kind["docx"], coder, book, transcript_id, skip_problems, result, problems)
        if by_kind["sheet"]:
            _sheets(project, by_kind["sheet"], coder, book, transcript_id, skip_problems, result, problems)
        for path in by_kind["qdpx"]:
            _qdpx(project, path, coder, book, skip_problems, result, problems)
        if problems:
            raise InputError(f"{len(problems)} problem(s), so nothing was imported; first: {problems[0]}",
                             hint="fix every problem listed (or pass --skip-problems to import the rest)",
                             details=problems)
    result.layers = sorted(({coder} if by_kind["docx"] and coder else set())
                           | {f["coder"] for f in result.files if f.get("coder")}
                           | {c for f in result.files for c in f.get("coders", ())})
    return result


def _word(project: "Project", paths: list[Path], coder: str | None, book: Any, transcript_id: str | None,
          skip_problems: bool, result: CodingImport, problems: list[str]) -> None:
    from .word import import_docx_comments

    try:
        done = import_docx_comments(project, paths, coder, book, skip_problems=skip_problems,
                                    transcript_id=transcript_id)
    except InputError as exc:
        problems.extend(exc.details or [exc.one_line()])
        return
    result._add(done.files, done.inserted, done.removed, done.skipped)
    result.notes.extend(done.warnings)
    if done.suggestions_not_reviewed:
        result.notes.append(f"{done.suggestions_not_reviewed} suggestions not reviewed "
                            "(comments still starting with SUGGESTION:)")
    if done.suggestions_accepted:
        result.notes.append(f"{done.suggestions_accepted} suggestions accepted")
    if done.replies:
        result.notes.append(f"{done.replies} replies added to their comment's memo")


def _sheets(project: "Project", paths: list[Path], coder: str | None, book: Any, transcript_id: str | None,
            skip_problems: bool, result: CodingImport, problems: list[str]) -> None:
    from .spreadsheet import import_sheets

    try:
        done = import_sheets(project, paths, coder, book, skip_problems=skip_problems, transcript_id=transcript_id)
    except InputError as exc:
        problems.extend(exc.details or [exc.one_line()])
        return
    result._add(done.files, done.inserted, done.removed, done.skipped)
    for decision in done.decisions:
        result._add([{"file": decision.file, "coder": decision.into, "codings": decision.inserted,
                      "removed": decision.removed}], decision.inserted, decision.removed)
        result.notes.append(f"{Path(decision.file).name}: {decision.decided} decisions, "
                            f"{decision.undecided} rows undecided")


def _qdpx(project: "Project", path: Path, coder: str | None, book: Any, skip_problems: bool,
          result: CodingImport, problems: list[str]) -> None:
    from .refi import import_qdpx

    try:
        done = import_qdpx(project, path, codebook=book, coder=coder, skip_problems=skip_problems)
    except InputError as exc:  # name the .qdpx in each problem: several files may be listed
        problems.extend([d if path.name in d else f"{path}: {d}" for d in exc.details] or [exc.one_line()])
        return
    result._add([{"file": str(path), "codings": done.n_codings, "coders": [w.coder for w in done.writes],
                  "transcripts_added": done.added}],
                done.n_codings, sum(w.removed for w in done.writes), done.skipped)
    result.notes.extend(done.lines()[:1] + done.warnings)

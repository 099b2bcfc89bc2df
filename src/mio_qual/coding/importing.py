"""Importing coding files of any kind together: sorting them, choosing the codebook, merging results.

:meth:`mio_qual.project.Project.import_codings` sorts the files by kind (:func:`sort_by_kind`:
Word comments, coding or reconciliation sheets, REFI-QDA projects), runs each importer,
gathers every problem across every file (:meth:`CodingImport.problems_error`), and lands all
of them or none; the pieces it merges are here, so that what an import reports is decided in
one place. The CLI's ``coding import`` calls that method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook import Codebook
    from .model import Coding
    from .refi_import import RefiImportResult
    from .spreadsheet import SheetImport
    from .word import DocxImport

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
    #: Codings of files re-imported unchanged: identical to what they brought before, so nothing
    #: was written for them and the audit trail has no entry.
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {"files": self.files, "inserted": self.inserted, "removed": self.removed, "unchanged": self.unchanged,
                "skipped": self.skipped, "notes": self.notes, "layers": self.layers}

    def _add(self, files: Iterable[dict[str, Any]], inserted: int, removed: int, skipped: Iterable[str] = ()) -> None:
        self.files.extend(files)
        self.inserted += inserted
        self.removed += removed
        self.skipped.extend(skipped)

    def add_word(self, done: "DocxImport") -> None:
        """Count what an import of Word comments did."""
        self._add(done.files, done.inserted, done.removed, done.skipped)
        self.unchanged += done.unchanged
        self.notes.extend(done.warnings)
        if done.suggestions_not_reviewed:
            self.notes.append(f"{done.suggestions_not_reviewed} suggestions not reviewed "
                              "(comments still starting with SUGGESTION:)")
        if done.suggestions_accepted:
            self.notes.append(f"{done.suggestions_accepted} suggestions accepted")
        if done.replies:
            self.notes.append(f"{done.replies} replies added to their comment's memo")

    def add_sheets(self, done: "SheetImport") -> None:
        """Count what an import of coding and reconciliation sheets did."""
        self._add(done.files, done.inserted, done.removed, done.skipped)
        self.unchanged += done.unchanged
        self.notes.extend(done.warnings)
        for decision in done.decisions:
            self._add([{"file": decision.file, "coder": decision.into, "codings": decision.inserted,
                        "removed": decision.removed}], decision.inserted, decision.removed)
            self.notes.append(f"{Path(decision.file).name}: {decision.decided} decision"
                              f"{'' if decision.decided == 1 else 's'}, {decision.undecided} row"
                              f"{'' if decision.undecided == 1 else 's'} undecided")

    def add_qdpx(self, path: Path, done: "RefiImportResult") -> None:
        """Count what an import of one ``.qdpx`` file did."""
        self._add([{"file": str(path), "codings": done.n_codings, "coders": [w.coder for w in done.writes],
                    "transcripts_added": done.added}],
                  done.n_codings, sum(w.removed for w in done.writes), done.skipped)
        self.unchanged += sum(w.unchanged for w in done.writes)
        self.notes.extend(done.lines()[:1] + done.warnings)

    def skip_locks(self, paths: Iterable[Path]) -> None:
        """Note the lock files skipped (see :func:`sort_by_kind`)."""
        self.notes.extend(f"{Path(p).name}: a lock file (the document is open in Word, or Word did not close "
                          "cleanly): skipped; close the document and import again if its coding was not saved"
                          for p in paths)

    def finish(self, word_coder: str | None) -> None:
        """Name the layers written (``word_coder``: the layer of the Word files, if any)."""
        self.layers = sorted(({word_coder} if word_coder else set())
                             | {f["coder"] for f in self.files if f.get("coder")}
                             | {c for f in self.files for c in f.get("coders", ())})


def problem_lines(exc: InputError, path: Path | None = None) -> list[str]:
    """The lines of an importer's error; with ``path`` (a ``.qdpx``), each names the file."""
    if path is None:
        return list(exc.details) or [exc.one_line()]
    return [d if path.name in d else f"{path}: {d}" for d in exc.details] or [exc.one_line()]


def problems_error(problems: list[str], hints: Iterable[str | None] = (), codebooks: Iterable[str] = ()) -> InputError:
    """One error listing every problem of every file.

    ``hints``: the advice of the files' own errors (a ``.qdpx`` whose codes are not in the
    codebook says how to use its own codebook); kept, so the advice reaches the user.
    ``codebooks``: the names of the codebooks the codes were checked against; when a code is
    unknown, the hint names them and says how to add one's own (a new user's codebook is not
    loaded unless named, also when importing a reconciliation sheet of codes from it).
    """
    advice = list(dict.fromkeys(h for h in hints if h))
    books = list(codebooks)
    if books and not advice and any("unknown code" in p or "is not in the codebook" in p for p in problems):
        advice.append(f"codes were checked against the codebooks {', '.join(books)}; for codes of your own codebook "
                      "name every codebook the coding uses: --codebook cfir2 --codebook my-codebook.csv (once: the "
                      "project remembers it; or mio-qual codebook use cfir2 my-codebook.csv)")
    return InputError(f"{len(problems)} problem(s), so nothing was imported; first: {problems[0]}",
                      hint="; ".join(advice) or "fix every problem listed (or pass --skip-problems to import the rest)",
                      details=problems)


def not_codable_warning(codings: Iterable["Coding"], codebook: "Codebook", where: str) -> str | None:
    """A warning naming the codings of codes the codebook marks not codable (:attr:`Code.codable`
    False: a QDA program's category folder), or None when there are none.

    They are imported as they are, as a ``.qdpx``'s are (REFI-QDA defines ``isCodable`` but not
    what an importer does with codings of such a code): the coder put them there, and the warning
    says so, so a folder coded by mistake is seen before agreement or reports count it.
    """
    counts: dict[str, int] = {}
    for coding in codings:
        code = codebook.get(coding.code)
        if code is not None and not code.codable:
            counts[coding.code] = counts.get(coding.code, 0) + 1
    if not counts:
        return None
    ids = sorted(counts)
    return (f"{where}: {sum(counts.values())} coding(s) are of {len(ids)} code(s) marked not codable "
            f"({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''}: they only group other codes); imported as "
            "they are: move them to a code below, or make the codes codable in the codebook")


def codebook_set_rows(codebook: "Codebook", kept: Mapping[str, tuple[str, str | None]]
                      ) -> list[tuple[str, str, str, str | None]]:
    """The code groups of ``codebook`` (:attr:`Codebook.sets`: ATLAS.ti code groups, NVivo and
    MAXQDA code sets of a ``.qdc`` or ``.qdpx``) as the project's sets (:mod:`mio_qual.store.refi`,
    kind ``set``: ``(kind, name, guid, detail)`` rows), so that a codebook's groups are kept with it
    and :meth:`mio_qual.project.Project.export_qdpx` writes them back.

    ``kept`` holds the sets already in the project (name -> (guid, detail)); a set of the same name
    keeps its member transcripts (a document set brought by a ``.qdpx``) and its GUID when the
    codebook's has none; its member codes and description are the codebook's.
    """
    import json

    rows = []
    for item in codebook.sets:
        guid, detail = kept.get(item.name, ("", None))
        before = json.loads(detail) if detail else {}
        members = {"transcripts": before.get("transcripts", []), "codes": list(item.codes),
                   "description": item.description or before.get("description", "")}
        rows.append(("set", item.name, item.guid or guid, json.dumps(members, ensure_ascii=False)))
    return rows


def distinct_names(paths: Iterable[str | Path]) -> None:
    """Refuse two different files of the same name in one import.

    The store knows a coder's file by its name (importing it again replaces what it brought
    before), so the second ``codes.csv`` of ``a/codes.csv b/codes.csv`` would silently replace
    the first one's codings. The same file named twice, or two copies with the same bytes, pass.

    Raises
    ------
    InputError
        Naming both files.
    """
    from .layers import file_sha256

    seen: dict[str, Path] = {}
    for path in map(Path, paths):
        key = path.name.casefold()
        other = seen.setdefault(key, path)
        if other is path or other.resolve() == path.resolve() or file_sha256(other) == file_sha256(path):
            continue
        raise InputError(f"two different files of the same name in one import ({other} and {path}); the second "
                         "would replace the first one's codings", path=path,
                         hint="rename one of them (e.g. after its coder) and import again")


def sort_by_kind(paths: Iterable[str | Path], coder: str | None = None) -> dict[str, list[Path]]:
    """Group coding files into ``docx``, ``sheet`` and ``qdpx``; refuse any other kind, and two files of one name.

    Word files need a ``coder`` (they name none). Lock files (``~$T1.docx``, left by Word while a
    coder has the file open, which a pattern such as ``coded/*.docx`` names) are put under ``lock``
    to be skipped with a note (:meth:`CodingImport.skip_locks`), not read as coding files.
    """
    import zipfile

    paths = list(paths)
    distinct_names(paths)
    by_kind: dict[str, list[Path]] = {"docx": [], "sheet": [], "qdpx": [], "lock": []}
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        if path.name.startswith(("~$", ".~lock.")) and path.is_file() and not zipfile.is_zipfile(path):
            by_kind["lock"].append(path)  # Word's or LibreOffice's lock file, caught by coded/*.docx
            continue
        kind = "docx" if suffix in DOCX else "sheet" if suffix in SHEETS else "qdpx" if suffix in QDPX else None
        if kind is None:
            raise InputError(f"cannot import coding from a {suffix or 'file without extension'} file", path=path,
                             hint="use .docx (Word comments), .csv/.xlsx (coding sheet) or .qdpx (REFI-QDA)")
        by_kind[kind].append(path)
    if by_kind["docx"] and not coder:
        raise InputError("a coder name is required for Word files", hint="pass --coder NAME, e.g. --coder jordan")
    return by_kind


__all__ = ["CodingImport", "codebook_set_rows", "distinct_names", "not_codable_warning", "sort_by_kind",
           "problem_lines", "problems_error"]

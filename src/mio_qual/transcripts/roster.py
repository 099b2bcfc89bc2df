"""The speaker roster: who each speaker label stands for, without putting names in reports.

Columns: ``transcript_id`` (``*`` or blank: the row applies to every transcript),
``speaker_label`` (required: the label as the transcript writes it), ``study_id``, ``role``,
``aliases`` (other names and forms of the name, separated by ``;``, used for redaction). A row
with no label, study id or role but with aliases names people who are mentioned and never
speak (a supervisor, a colleague who left): their names are redacted like the others'.
A row for a specific transcript wins over a ``*`` row for the same label. Labels match
exactly first, then ignoring case and repeated spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from .model import Speaker
from .roles import is_convention_label
from .tables import read_table

ANY_TRANSCRIPT = "*"
_NAME_LIKE = re.compile(r"[^\W\d_]")


def _fold(label: str) -> str:
    return " ".join(label.split()).casefold()


def looks_like_name(label: str) -> bool:
    """True for a label that may be a person's name (not ``Interviewer``, ``P3``, ``SPEAKER_00``).

    Examples
    --------
    >>> looks_like_name("Tasha"), looks_like_name("Jane Doe"), looks_like_name("INTERVIEWER")
    (True, True, False)
    >>> looks_like_name("SPEAKER_01"), looks_like_name("P12")
    (False, False)
    """
    text = " ".join(label.split())
    if not text or is_convention_label(text) or not _NAME_LIKE.search(text):
        return False
    return text[0].isupper() and not any(ch.isdigit() for ch in text)


@dataclass(frozen=True)
class RosterEntry:
    """One roster row."""

    transcript_id: str  # '*' for every transcript
    speaker_label: str
    study_id: str | None
    role: str | None
    aliases: tuple[str, ...] = ()
    row: int = 0


class Roster:
    """Speaker labels mapped to study ids and roles, per transcript or for all transcripts."""

    def __init__(self, entries: list[RosterEntry], path: Path | None = None,
                 mentioned: tuple[str, ...] = ()) -> None:
        self.entries = entries
        self.path = path
        self.mentioned = mentioned  # names of people who never speak (rows with aliases only)
        self._exact: dict[tuple[str, str], RosterEntry] = {}
        self._folded: dict[tuple[str, str], RosterEntry] = {}
        self._labels: dict[str, set[str]] = {}
        for e in entries:
            self._labels.setdefault(e.transcript_id, set()).add(e.speaker_label)
            self._exact.setdefault((e.transcript_id, e.speaker_label), e)
            self._folded.setdefault((e.transcript_id, _fold(e.speaker_label)), e)

    def entry(self, transcript_id: str | None, label: str) -> RosterEntry | None:
        """The roster row for ``label`` in ``transcript_id`` (specific rows before ``*`` rows)."""
        label = " ".join(label.split())
        folded = _fold(label)
        for tid in ((transcript_id,) if transcript_id else ()) + (ANY_TRANSCRIPT,):
            found = self._exact.get((tid, label)) or self._folded.get((tid, folded))
            if found is not None:
                return found
        return None

    def lookup(self, transcript_id: str | None, label: str) -> Speaker | None:
        """The :class:`Speaker` for ``label`` in ``transcript_id``, or None when the roster lacks it."""
        e = self.entry(transcript_id, label)
        if e is None:
            return None
        return Speaker(" ".join(label.split()), e.study_id, e.role)

    def labels_for(self, transcript_id: str | None) -> set[str]:
        """Labels the roster knows for ``transcript_id`` (its own rows and the ``*`` rows)."""
        labels = set(self._labels.get(ANY_TRANSCRIPT, ()))
        if transcript_id:
            labels |= self._labels.get(transcript_id, set())
        return labels

    def names(self) -> set[str]:
        """Every label that looks like a personal name, every alias, and the names of people mentioned
        (rows with aliases only), for redacting quotes."""
        out: set[str] = set(self.mentioned)
        for e in self.entries:
            if looks_like_name(e.speaker_label):
                out.add(e.speaker_label)
            out.update(a for a in e.aliases if a)
        return out

    def __iter__(self) -> Iterator[RosterEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Roster({len(self.entries)} entries from {self.path})"


def _role(value: str) -> str | None:
    value = "_".join(value.strip().lower().split())
    return value or None


def read_roster(path: str | Path) -> Roster:
    """Read a speaker roster (``.csv`` or ``.xlsx``).

    Raises
    ------
    InputError
        Naming the file, row and column: no ``speaker_label`` column, an empty label (on a row
        that is not a list of names mentioned), or the same label twice for the same transcript.
    """
    path = Path(path)
    columns, rows = read_table(path, what="roster")
    if "speaker_label" not in columns:
        raise InputError(
            "the roster has no 'speaker_label' column",
            path=path,
            line=1,
            hint="its first row must name the columns: transcript_id, speaker_label, study_id, role, aliases",
        )
    entries: list[RosterEntry] = []
    mentioned: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for n, cells in rows:
        row = dict(zip(columns, cells))
        tid = row.get("transcript_id", "").strip() or ANY_TRANSCRIPT
        label = " ".join(row.get("speaker_label", "").split())
        aliases = tuple(a.strip() for a in re.split(r"[;|]", row.get("aliases", "")) if a.strip())
        if not label and aliases and not row.get("study_id", "").strip() and not row.get("role", "").strip():
            mentioned.extend(aliases)  # people named in the talk who never speak
            continue
        if not label:
            raise InputError(
                f"row {n}, column 'speaker_label': the label is empty",
                path=path,
                line=n,
                hint="give the label as the transcript writes it (a row naming people who never speak has "
                     "only aliases: no label, study_id or role)",
            )
        key = (tid, _fold(label))
        if key in seen:
            raise InputError(
                f"row {n}, column 'speaker_label': {label!r} is already listed for "
                f"{'every transcript' if tid == ANY_TRANSCRIPT else tid} in row {seen[key]}",
                path=path,
                line=n,
                hint="keep one row per label and transcript",
            )
        seen[key] = n
        entries.append(
            RosterEntry(tid, label, row.get("study_id", "").strip() or None, _role(row.get("role", "")), aliases, n)
        )
    return Roster(entries, path, tuple(mentioned))

"""A small four-clinic project shared by the mixed-methods tests (``helpers.mixed``).

Four clinics in two agencies (north and east of river; west and south of harbor), one
transcript each plus an agency-level interview, two coders (jordan, casey), and fidelity
sessions whose clinic means are easy to compute by hand: north 4.5, west 4.0, east 3.0,
south 2.0.
"""

from __future__ import annotations

import csv
from pathlib import Path

TRANSCRIPTS = {
    "T1": ("north", "river", "interview", (
        "I: Tell me about the room.\n"
        "R: We have a private family room with a door. Gwen made sure of it.\n"
        "I: And supervision?\n"
        "R: Supervision happens every Wednesday. Nobody cancels it.\n")),
    "T2": ("west", "harbor", "interview", (
        "I: Tell me about the room.\n"
        "R: The room is small but it has a door.\n"
        "I: And supervision?\n"
        "R: Supervision gets squeezed, honestly.\n")),
    "T3": ("east", "river", "focus_group", (
        "Facilitator: Tell me about the room.\n"
        "Participant 1: We use the shared group room and people walk in.\n"
        "Participant 2: Someone always walks in for the projector.\n"
        "Facilitator: And supervision?\n"
        "Participant 1: Supervision is every other week.\n")),
    "T4": ("south", "harbor", "interview", (
        "I: Tell me about the room.\n"
        "R: There is no room for MIO here.\n"
        "I: And supervision?\n"
        "R: Supervision was cancelled seven months out of nine.\n")),
    "T5": ("", "harbor", "interview", (
        "I: How do you see the clinics?\n"
        "R: Space is tight everywhere in the agency.\n")),
}
ROSTER = [
    ("T1", "I", "IV1", "interviewer", ""), ("T1", "R", "S01", "counselor", "Renata Solis; Renata"),
    ("T2", "I", "IV1", "interviewer", ""), ("T2", "R", "S02", "counselor", ""),
    ("T3", "Facilitator", "IV1", "facilitator", ""), ("T3", "Participant 1", "S03", "counselor", ""),
    ("T3", "Participant 2", "S04", "counselor", ""),
    ("T4", "I", "IV1", "interviewer", ""), ("T4", "R", "S05", "supervisor", ""),
    ("T5", "I", "IV1", "interviewer", ""), ("T5", "R", "S06", "agency_leader", ""),
    ("*", "Gwen Harlow", "S07", "clinic_director", "Gwen"),
]
# (transcript, phrase, code, coder)
CODINGS = [
    ("T1", "We have a private family room with a door. Gwen made sure of it.", "IS.J2", "jordan"),
    ("T1", "private family room with a door", "IS.J2", "casey"),  # overlaps jordan's: one excerpt
    ("T1", "Supervision happens every Wednesday. Nobody cancels it.", "MIO.SUPV", "jordan"),
    ("T2", "The room is small but it has a door.", "IS.J2", "jordan"),
    ("T2", "The room is small but it has a door.", "IS.J2", "casey"),
    ("T2", "Supervision gets squeezed, honestly.", "IS.A3", "casey"),
    ("T3", "We use the shared group room and people walk in.", "IS.J2", "jordan"),
    ("T3", "Someone always walks in for the projector.", "IS.J2", "casey"),
    ("T3", "Supervision is every other week.", "IS.A3", "jordan"),
    ("T4", "There is no room for MIO here.", "IS.J2", "jordan"),
    ("T4", "Supervision was cancelled seven months out of nine.", "IS.A3", "jordan"),
    ("T4", "Supervision was cancelled seven months out of nine.", "MIO.SUPV", "casey"),
    ("T5", "Space is tight everywhere in the agency.", "IS.J2", "jordan"),
]
# clinic -> list of (adherence, competence); fidelity = session mean of the two
SESSIONS = {
    "north": [(5, 4), (4, 5), (5, 4), (4, 5)],   # fidelity 4.5 each -> mean 4.5, SD 0
    "west": [(4, 4), (5, 3), (3, 5), (4, 4)],    # 4.0 each -> mean 4.0
    "east": [(3, 3), (4, 2), (2, 4), (3, 3)],    # 3.0 each -> mean 3.0
    "south": [(2, 2), (1, 3), (3, 2), (2, 1)],   # 2, 2, 2.5, 1.5 -> mean 2.0, SD 0.408
}
CLINICS_BY_OUTCOME = ["north", "west", "east", "south"]


def write_study(folder: Path) -> Path:
    """Write the transcripts, manifest and roster into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "file", "agency", "clinic", "participant_id", "role", "kind"])
        for tid, (clinic, agency, kind, text) in TRANSCRIPTS.items():
            (folder / f"{tid}.txt").write_text(text, encoding="utf-8")
            writer.writerow([tid, f"{tid}.txt", agency, clinic, "", "counselor", kind])
    with open(folder / "roster.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "speaker_label", "study_id", "role", "aliases"])
        writer.writerows(ROSTER)
    return folder


def add_codings(project) -> None:  # type: ignore[no-untyped-def]
    """Write the two coders' layers."""
    from mio_qual.codebook import load_codebooks
    from mio_qual.coding import Coding

    codebook = load_codebooks(["cfir2", "mio"])
    layers: dict[str, list] = {}
    for tid, phrase, code, coder in CODINGS:
        text = project.text(tid)
        start = text.index(phrase)
        layers.setdefault(coder, []).append(Coding(tid, start, start + len(phrase), code, coder))
    for coder, rows in layers.items():
        project.write_codings(rows, coder=coder, codebook=codebook)


def write_fidelity(path: Path, sessions: dict | None = None) -> Path:
    """Write a fidelity file from :data:`SESSIONS`."""
    agency = {c: a for _, (c, a, _, _) in TRANSCRIPTS.items() if c}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["session_id", "counselor_id", "clinic", "agency", "date", "adherence", "competence"])
        for clinic, rows in (sessions or SESSIONS).items():
            for i, (a, c) in enumerate(rows, start=1):
                writer.writerow([f"{clinic[:2]}{i}", f"{clinic[:2]}-c{i % 2}", clinic, agency[clinic],
                                 f"2025-05-0{i}", a, c])
    return path


def write_ratings_csv(path: Path, table: dict[str, dict[str, str]], rater_note: str = "") -> Path:
    """A rating CSV from ``{construct: {clinic: rating}}``."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_kind", "case_id", "construct", "rating", "rationale"])
        for construct, cells in table.items():
            for clinic, rating in cells.items():
                writer.writerow(["clinic", clinic, construct, rating, f"{rater_note}{construct} at {clinic}"])
    return path


def make_study(root: Path):  # type: ignore[no-untyped-def]
    """The four-clinic project with transcripts and two coding layers, under ``root``."""
    from mio_qual import Project

    folder = write_study(root / "files")
    project = Project.create(root / "study")
    project.import_transcripts([folder])
    add_codings(project)
    return project

"""A small labelled study made inside the tests (shared by the autocode tests: ``helpers.autocode``).

Six interviews (T1..T6). Staff turns mix filler sentences with sentences about a zebra room
(code ZEB: a separable toy code, every ZEB sentence says "zebra") and about recording
sessions (code REC, found by keyword rules). Coder ``ann`` codes exactly those sentences;
coder ``bob`` agrees except for one ZEB sentence he missed and one filler sentence he coded REC.
Interviewer turns mention both topics and are never coded.
"""

from __future__ import annotations

import random
from pathlib import Path

FILLER = [
    "The intake forms took most of the morning.",
    "Our team met on Tuesday to talk about the new schedule.",
    "Parking near the clinic is hard in winter.",
    "I have worked here for about six years now.",
    "The waiting room needs new chairs.",
    "Lunch breaks are short on busy days.",
    "The phones were down for an hour last week.",
    "Most mothers come in by bus.",
]
ZEBRA = [
    "The zebra room has soft chairs for the moms.",
    "We painted zebra stripes on the wall of that room.",
    "Kids love the zebra poster by the door.",
    "The zebra room is quiet enough for sessions.",
]
RECORD = [
    "We record sessions so the supervisor can listen later.",
    "Recording the sessions felt strange at first.",
    "The recorder sits on the table during the visit.",
]
NEGATED = "We never record sessions with fathers present."
#: The ZEB and REC codes as a codebook file (YAML), for the commands that take --codebook.
TOY_YAML = """\
codebook: toy
title: Toy codebook for tests
codes:
  - id: ZEB
    name: Zebra room
    keywords: [zebra*]
  - id: REC
    name: Recording sessions
    keywords: [record* session*, recorder]
"""


def make_transcripts(folder: Path, n: int = 6, seed: int = 0) -> list[Path]:
    """Write ``n`` label-colon transcripts and return their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in range(1, n + 1):
        turns = []
        for k in range(4):
            turns.append("Interviewer: Tell me about the zebra room and how you record sessions?")
            sentences = rng.sample(FILLER, 3)
            sentences.insert(1, ZEBRA[(t + k) % len(ZEBRA)])
            if k % 2 == 0:
                sentences.append(RECORD[(t + k) % len(RECORD)])
            if k == 3:
                sentences.append(NEGATED)
            turns.append(f"P{t}: " + " ".join(sentences))
        path = folder / f"T{t}.txt"
        path.write_text("\n\n".join(turns) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def toy_codebook():  # type: ignore[no-untyped-def]
    """Two codes: ZEB (keyword zebra*) and REC (record* session*, recorder)."""
    from mio_qual.codebook import Code, Codebook

    return Codebook([
        Code("ZEB", "Zebra room", level="code", keywords=("zebra*",)),
        Code("REC", "Recording sessions", level="code", keywords=("record* session*", "recorder")),
        Code("OTHER", "Something no one codes", level="code"),
    ])


def code_humans(project) -> None:  # type: ignore[no-untyped-def]
    """Write the two human layers ``ann`` and ``bob`` (sentence spans)."""
    from mio_qual.coding import Coding

    sentences = project.sentences()
    staff = sentences[~sentences["is_interviewer"]]
    ann, bob = [], []
    missed_zebra = False
    extra_rec = False
    for row in staff.itertuples():
        codes = []
        if "zebra" in row.text.lower():
            codes.append("ZEB")
        if row.text in RECORD:
            codes.append("REC")
        for code in codes:
            ann.append(Coding(row.transcript_id, row.start, row.end, code, "ann"))
            if code == "ZEB" and not missed_zebra and row.transcript_id == "T2":
                missed_zebra = True
                continue
            bob.append(Coding(row.transcript_id, row.start, row.end, code, "bob"))
        if not codes and not extra_rec and row.transcript_id == "T3":
            extra_rec = True
            bob.append(Coding(row.transcript_id, row.start, row.end, "REC", "bob"))
    book = toy_codebook()
    project.write_codings(ann, coder="ann", origin="human", codebook=book)
    project.write_codings(bob, coder="bob", origin="human", codebook=book)


def make_project(root: Path):  # type: ignore[no-untyped-def]
    """A project with the six transcripts and both human layers."""
    from mio_qual import Project

    project = Project.create(root / "study")
    project.import_transcripts(make_transcripts(root / "files"))
    code_humans(project)
    return project

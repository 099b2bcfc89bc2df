"""A two-interview project coded by ``ann`` and ``bob`` for the agreement tests (``helpers.agreement``)."""

from __future__ import annotations

from pathlib import Path


def make_coded_project(root: Path,  # type: ignore[no-untyped-def]
                       extra: dict[str, list[tuple[str, str, str]]] | None = None):
    """Two transcripts (INT01, INT02) and two layers that agree on some codes and not on others.

    ``extra`` adds codings to a coder's layer: ``{coder: [(transcript, phrase, code), ...]}``.
    """
    from mio_qual import Project
    from mio_qual.coding.model import Coding

    folder = root / "files"
    folder.mkdir()
    (folder / "INT01.txt").write_text(
        "I: How did the training go?\nR: It went well. We liked the role plays. Supervision was short.\n"
        "I: And the room?\nR: We had no private room. Sessions were interrupted.\n", encoding="utf-8")
    (folder / "INT02.txt").write_text(
        "I: Tell me about funding.\nR: Billing is the problem. We cannot bill MIO time.\n", encoding="utf-8")
    project = Project.create(root / "study")
    project.import_transcripts([folder / "INT01.txt", folder / "INT02.txt"])
    texts = project.texts()

    def span(tid, phrase):
        start = texts[tid].index(phrase)
        return tid, start, start + len(phrase)

    layers = {
        "ann": [("INT01", "We liked the role plays.", "MIO.TRAIN"), ("INT01", "Supervision was short.", "MIO.SUPV"),
                ("INT01", "We had no private room.", "IS.J2"), ("INT02", "We cannot bill MIO time.", "MIO.BILL")],
        "bob": [("INT01", "It went well. We liked the role plays.", "MIO.TRAIN"),
                ("INT01", "Sessions were interrupted.", "IS.J2"), ("INT02", "Billing is the problem.", "MIO.BILL")],
    }
    for coder, rows in (extra or {}).items():
        layers[coder] = layers.get(coder, []) + list(rows)
    for coder, rows in layers.items():
        project.write_codings([Coding(*span(t, p), code, coder) for t, p, code in rows], coder=coder)
    return project


SEEN_TEXT = "INTERVIEWER: Tell me.\n\nPARTICIPANT: The room is small. We share it.\n"


def make_seen_project(root: Path):  # type: ignore[no-untyped-def]
    """Transcripts T1 and T2 (two participant sentences each): A codes X on the first sentence of each
    and returned both; B codes X on T1's and was given T2 by no record yet (``agreement/test_seen.py``)."""
    from mio_qual import Project
    from mio_qual.coding.model import Coding

    project = Project.create(root / "study")
    for name in ("T1", "T2"):
        (root / f"{name}.txt").write_text(SEEN_TEXT, encoding="utf-8")
    project.import_transcripts([root / "T1.txt", root / "T2.txt"])
    first = SEEN_TEXT.index("The room")
    x = [Coding(t, first, first + 8, "X", "A", "human") for t in ("T1", "T2")]
    project.write_codings(x, coder="A", covers=["T1", "T2"], action="test")
    project.write_codings([Coding("T1", first, first + 8, "X", "B", "human")], coder="B", action="test")
    return project

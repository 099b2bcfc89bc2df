"""A one-transcript project whose text breaks offsets every way (``helpers.coding``)."""

from __future__ import annotations

from pathlib import Path

# A transcript with everything that breaks offsets: CRLF line ends, an emoji (two UTF-16
# units), a decomposed accent (NFD in the file, NFC in the canonical text) and curly quotes.
RAW = (
    "INTERVIEWER: How is the room? \U0001F600 Tell me.\r\n\r\n"
    "PARTICIPANT: The family room is \u201cperfect\u201d \u2014 Jose\u0301 painted it. \U0001F3A8 "
    "We have two hours every week.\r\n\r\n"
    "INTERVIEWER: And supervision?\r\n\r\n"
    "PARTICIPANT: Supervision is protected. Gwen protects it. The room is great.\r\n"
)


def make_project(folder: Path, name: str = "T01", raw: str = RAW):
    """A project holding one transcript ``name`` written from ``raw`` (a .txt file)."""
    from mio_qual import Project

    project = Project.create(folder / "study")
    source = folder / f"{name}.txt"
    source.write_bytes(raw.encode("utf-8"))
    project.import_transcripts([source])
    return project

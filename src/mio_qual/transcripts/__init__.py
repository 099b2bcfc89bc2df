"""Transcript readers: files of every common format to one canonical :class:`Transcript`.

>>> from mio_qual.transcripts import read_transcript, read_manifest, read_roster
>>> # t = read_transcript("INT02.txt", roster=read_roster("roster.csv"))
>>> # t.speaker_style, t.turns[0].speaker, t.text[t.turns[0].body_start:t.turns[0].end]

Modules, one job each: :mod:`.encoding` (bytes to text), :mod:`.frontmatter`,
:mod:`.speakers` (turn conventions), :mod:`.plain` (txt/md), :mod:`.docx`, :mod:`.captions`
(vtt/srt), :mod:`.notes` (transcriber notes), :mod:`.segment` (paragraphs, sentences),
:mod:`.manifest`, :mod:`.roster`, :mod:`.roles`, :mod:`.reader` (putting them together).
"""

from __future__ import annotations

from .manifest import Manifest, ManifestEntry, read_manifest
from .model import Note, Paragraph, Sentence, SourceBlock, Speaker, Transcript, Turn
from .reader import SUPPORTED_SUFFIXES, read_transcript, read_transcripts
from .roster import Roster, RosterEntry, read_roster
from .segment import add_sentences

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Manifest",
    "ManifestEntry",
    "Note",
    "Paragraph",
    "Roster",
    "RosterEntry",
    "Sentence",
    "SourceBlock",
    "Speaker",
    "Transcript",
    "Turn",
    "add_sentences",
    "read_manifest",
    "read_roster",
    "read_transcript",
    "read_transcripts",
]

"""Transcript readers: files of every common format to one canonical :class:`Transcript`.

>>> from mio_qual.transcripts import read_transcript, read_text, read_manifest, read_roster
>>> # t = read_transcript("INT02.txt", roster=read_roster("roster.csv"))
>>> # t.speaker_style, t.turns[0].speaker, t.text[t.turns[0].body_start:t.turns[0].end]

Formats: ``.txt`` and ``.md`` (UTF-8 with or without BOM, UTF-16 with BOM, cp1252 with a
warning; optional YAML front matter), ``.docx`` (headings and metadata tables become metadata,
tracked changes read as accepted), ``.vtt`` and ``.srt`` (consecutive cues of one speaker
merge into one turn).

Speaker conventions are detected, and the one found is ``Transcript.speaker_style``:
``label-colon`` (``I: ...``, ``Participant 2: ...``, ``Tasha: ...``), ``markdown-bold``
(``**Interviewer:** ...``), ``otter`` (``Jane Doe  0:03`` on its own line, Otter and Teams),
``rev`` (``Jane Doe (00:01:02): ...``), ``bracket-time`` (``[00:01:02] Jane Doe: ...``),
``vtt-voice`` (``<v Jane Doe>``), ``vtt-label`` (Zoom ``Jane Doe: ...`` cues),
``srt-diarized`` (``[SPEAKER_00]: ...``), ``srt-label``, ``vtt-plain``/``srt-plain`` (no
labels: speaker ``SPEAKER``), ``custom`` (a ``speaker_pattern``), ``single-speaker`` (nothing
found: speaker ``UNKNOWN`` and a warning, or an error with ``strict``).

Transcript id: the ``transcript_id`` argument (the manifest's), else ``transcript_id``/``id``
in the file's front matter or Word metadata table, else the file name's stem. Metadata: the
file's own (front matter, Word title and metadata table) updated with the ``metadata`` argument
(the manifest row); **where both give a value, the manifest wins**.

Modules, one job each: :mod:`.encoding` (bytes to text), :mod:`.frontmatter`,
:mod:`.speakers` (turn conventions), :mod:`.plain` (txt/md), :mod:`.docx`, :mod:`.captions`
(vtt/srt), :mod:`.notes` (transcriber notes), :mod:`.segment` (paragraphs, sentences),
:mod:`.manifest`, :mod:`.roster`, :mod:`.roles`, :mod:`.tables` (csv/xlsx),
:mod:`.timecodes`, :mod:`.reader` (putting them together).
"""

from __future__ import annotations

from .._lazy import attach

# public name -> its module, imported on first use (mio_qual._lazy: light imports, fast CLI start)
__getattr__, __dir__, __all__ = attach(__name__, {
    ".manifest": ["Manifest", "ManifestEntry", "read_manifest"],
    ".model": ["Note", "Paragraph", "Sentence", "SourceBlock", "Speaker", "Transcript", "Turn"],
    ".reader": ["SUPPORTED_SUFFIXES", "read_text", "read_transcript", "read_transcripts", "skip_reason"],
    ".roster": ["Roster", "RosterEntry", "read_roster"],
    ".segment": ["add_sentences"],
})

"""Word transcripts written by LibreOffice (7.4, ``soffice --headless --convert-to docx`` of the
``.fodt`` beside each file in tests/data/interop/libreoffice/): tables with speaker and time columns
as transcription services lay them out, text boxes, footnotes and endnotes. What each file holds is
read here with the standard library (zipfile, ElementTree) and compared with what mio-qual reads."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from helpers import REPO
from mio_qual.transcripts import read_transcript

FILES = REPO / "tests" / "data" / "interop" / "libreoffice"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _words(p: ET.Element) -> str:
    return "".join(t.text or "" for t in p.iter(W + "t"))


def body_tables(path: Path) -> list[list[list[str]]]:
    """Each table of the body: rows of cells, each cell its paragraphs joined by a line break."""
    with zipfile.ZipFile(path) as archive:
        body = ET.fromstring(archive.read("word/document.xml")).find(W + "body")
    return [[["\n".join(_words(p) for p in tc.findall(W + "p")) for tc in tr.findall(W + "tc")]
             for tr in tbl.findall(W + "tr")] for tbl in body.findall(W + "tbl")]


def seconds(stamp: str) -> float:
    h, m, s = (int(x) for x in stamp.strip("[]").split(":"))
    return float(h * 3600 + m * 60 + s)


def turns_of(path: Path) -> list[tuple[str, float | None, str]]:
    """(speaker, start time, words) of each turn mio-qual reads, the label left out."""
    t = read_transcript(path, sentences=False)
    return [(turn.speaker, turn.start_time, t.text[turn.body_start:turn.end]) for turn in t.turns]


def test_a_table_with_a_title_row_a_header_of_its_own_words_and_a_page_break() -> None:
    path = FILES / "table_transcript.docx"
    first, second = body_tables(path)
    # what LibreOffice wrote: a title row of one cell spanning three, a header whose time column is
    # "Timestamp (hh:mm:ss)", a row without a speaker, and the table's rest as a second table
    assert [len(r) for r in first] == [1, 3, 3, 3, 3, 3, 3] and [len(r) for r in second] == [3, 3]
    assert first[1] == ["Speaker", "Timestamp (hh:mm:ss)", "Text"]
    want: list[tuple[str, float | None, str]] = []
    for speaker, stamp, text in first[2:] + second:
        if not speaker:  # the same speaker goes on
            who, when, before = want[-1]
            want[-1] = (who, when, before + "\n\n" + text)
        else:
            want.append((speaker, seconds(stamp), text))
    assert len(want) == 6 and sum("\n" in text for _, _, text in want) == 2
    assert turns_of(path) == want
    t = read_transcript(path, sentences=False)
    assert t.text.startswith(first[0][0] + "\n\n")  # the title row is text before the first turn
    assert t.metadata["title"] == "Staff interview INT21" and "tables" not in t.metadata
    assert t.warnings == []


def test_a_table_without_header_times_first_in_brackets_and_labels_with_colons() -> None:
    path = FILES / "table_no_header.docx"
    (rows,) = body_tables(path)
    assert all(re.fullmatch(r"\[\d\d:\d\d:\d\d\]", r[0]) and r[1] in ("I:", "R:") for r in rows)
    assert turns_of(path) == [(r[1].rstrip(":"), seconds(r[0]), r[2]) for r in rows]


def test_text_boxes_once_footnotes_and_endnotes_numbered_as_shown() -> None:
    path = FILES / "boxes_and_notes.docx"
    with zipfile.ZipFile(path) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        notes = {kind: [_words(n) for n in ET.fromstring(archive.read(f"word/{kind}s.xml"))
                        if n.get(W + "type") in (None, "normal")]
                 for kind in ("footnote", "endnote")}
        ids = [n.get(W + "id") for n in ET.fromstring(archive.read("word/footnotes.xml"))
               if n.get(W + "type") in (None, "normal")]
    box = "Note to coder: the clinic moved buildings in April."
    assert document.count(box) == 2  # LibreOffice wrote the box twice (DrawingML and its VML fallback)
    assert ids == ["2", "3"]  # the ids are not the numbers the reader sees (1 and 2)
    t = read_transcript(path, sentences=False)
    assert t.text.count(box) == 1
    assert t.metadata["footnotes"] == ([f"footnote {n}: {text}" for n, text in enumerate(notes["footnote"], 1)]
                                       + [f"endnote {n}: {text}" for n, text in enumerate(notes["endnote"], 1)])
    assert len(t.metadata["footnotes"]) == 3
    assert [s for s, _, _ in turns_of(path)] == ["INTERVIEWER", "PARTICIPANT", "INTERVIEWER", "PARTICIPANT"]
    assert not any("first month was March" in text for _, _, text in turns_of(path))  # notes are not speech

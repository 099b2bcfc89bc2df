"""Word transcripts: headings and tables as metadata, tracked changes, the paragraph map."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from mio_qual.offsets import is_canonical
from mio_qual.transcripts import read_transcript
from mio_qual.transcripts.docx import body_paragraphs, paragraph_text


def _run(text: str, deleted: bool = False):
    r = OxmlElement("w:r")
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    return r


def _tracked(tag: str, text: str, rid: int):
    el = OxmlElement(tag)
    el.set(qn("w:id"), str(rid))
    el.set(qn("w:author"), "Coder A")
    el.append(_run(text, deleted=(tag == "w:del")))
    return el


def _comment_mark(tag: str, cid: int):
    el = OxmlElement(tag)
    el.set(qn("w:id"), str(cid))
    return el


def build(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("INT42 Eastgate counselor interview", level=1)  # paragraph 0
    table = d.add_table(rows=0, cols=2)
    for key, value in [("Transcript ID", "INT42"), ("Clinic", "Eastgate Clinic"), ("Interview date", "2026-03-10")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value
    grid = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["a", "b", "c"], ["1", "2", "3"]]):
        for c, value in enumerate(row):
            grid.rows[r].cells[c].text = value
    d.add_paragraph("INTERVIEWER: How is the room situation?")  # 1
    d.add_paragraph("")  # 2: empty
    p = d.add_paragraph("PARTICIPANT: We ")  # 3: tracked changes
    p._p.append(_tracked("w:del", "never ", 1))
    p._p.append(_tracked("w:ins", "sometimes ", 2))
    p._p.append(_run("get the family room."))
    d.add_paragraph("It has a door.   ")  # 4: same turn, trailing spaces
    d.add_heading("Section two", level=2)  # 5: heading mid-document
    p = d.add_paragraph("INTERVIEWER: And ")  # 6: comment range + line break + tab
    p._p.append(_comment_mark("w:commentRangeStart", 7))
    p._p.append(_run("supervision"))
    p._p.append(_comment_mark("w:commentRangeEnd", 7))
    r = OxmlElement("w:r")
    r.append(OxmlElement("w:br"))
    p._p.append(r)
    p._p.append(_run("second\tline?"))
    p = d.add_paragraph("PARTICIPANT: ")  # 7: wholly deleted speech after the label
    p._p.append(_tracked("w:del", "Nothing to say.", 3))
    d.add_paragraph("PARTICIPANT: It happens (laughs) on Tuesdays.")  # 8
    d.save(str(path))
    return path


@pytest.fixture()
def word(tmp_path):
    t = read_transcript(build(tmp_path / "int42.docx"))
    t.check_spans()
    assert is_canonical(t.text)
    return t


def test_text_is_body_paragraphs_without_headings_and_tables(word):
    assert word.text == (
        "INTERVIEWER: How is the room situation?\n\n"
        "PARTICIPANT: We sometimes get the family room.\n\n"
        "It has a door.\n\n"
        "INTERVIEWER: And supervision\nsecond\tline?\n\n"
        "PARTICIPANT:\n\n"
        "PARTICIPANT: It happens (laughs) on Tuesdays."
    )


def test_metadata_from_headings_and_tables(word):
    assert word.id == "INT42"
    assert word.metadata["transcript_id"] == "INT42"
    assert word.metadata["clinic"] == "Eastgate Clinic"
    assert word.metadata["interview_date"] == "2026-03-10"
    assert word.metadata["title"] == "INT42 Eastgate counselor interview"
    assert word.metadata["headings"] == ["INT42 Eastgate counselor interview", "Section two"]
    assert word.metadata["tables"] == [[["a", "b", "c"], ["1", "2", "3"]]]


def test_turns_across_word_paragraphs(word):
    speech = [(t.speaker, word.text[t.body_start : t.end]) for t in word.turns]
    assert speech == [
        ("INTERVIEWER", "How is the room situation?"),
        ("PARTICIPANT", "We sometimes get the family room.\n\nIt has a door."),
        ("INTERVIEWER", "And supervision\nsecond\tline?"),
        ("PARTICIPANT", ""),
        ("PARTICIPANT", "It happens (laughs) on Tuesdays."),
    ]
    assert word.speaker_style == "label-colon"
    assert [p.turn_n for p in word.paragraphs] == [1, 2, 2, 3, 5]
    assert [(n.kind, word.text[n.start : n.end]) for n in word.notes] == [("laughter", "(laughs)")]


def test_source_blocks_map_word_paragraph_indexes(tmp_path, word):
    document = docx.Document(str(tmp_path / "int42.docx"))
    assert len(word.source_blocks) == len(document.paragraphs) == 9
    assert [b.index for b in word.source_blocks] == list(range(9))
    texts = [word.text[b.start : b.end] for b in word.source_blocks]
    assert texts == [
        "",  # heading
        "INTERVIEWER: How is the room situation?",
        "",  # empty paragraph
        "PARTICIPANT: We sometimes get the family room.",
        "It has a door.",
        "",  # heading
        "INTERVIEWER: And supervision\nsecond\tline?",
        "PARTICIPANT:",
        "PARTICIPANT: It happens (laughs) on Tuesdays.",
    ]
    # body_paragraphs() is the same list python-docx calls .paragraphs.
    assert [p for p in body_paragraphs(document.element.body)] == [p._p for p in document.paragraphs]


def test_comment_anchor_offsets_map_into_the_canonical_text(tmp_path, word):
    document = docx.Document(str(tmp_path / "int42.docx"))
    p6 = paragraph_text(document.paragraphs[6]._p)
    assert p6.text == "INTERVIEWER: And supervision\nsecond\tline?"
    block = word.source_blocks[6]
    start = block.start + p6.comment_starts["7"]
    end = block.start + p6.comment_ends["7"]
    assert word.text[start:end] == "supervision"


def test_accepted_text_of_tracked_changes(tmp_path):
    document = docx.Document(str(build(tmp_path / "x.docx")))
    assert paragraph_text(document.paragraphs[3]._p).text == "PARTICIPANT: We sometimes get the family room."
    assert paragraph_text(document.paragraphs[7]._p).text == "PARTICIPANT: "


def test_docx_with_bracket_time_turns(tmp_path):
    d = docx.Document()
    for line in ["[00:00:01] Ana Ruiz: Hello.", "[00:00:05] Ben Cole: Hi.", "[00:01:00] Ana Ruiz: Bye."]:
        d.add_paragraph(line)
    path = tmp_path / "bt.docx"
    d.save(str(path))
    t = read_transcript(path)
    t.check_spans()
    assert t.speaker_style == "bracket-time"
    assert [(x.speaker, x.start_time) for x in t.turns] == [("Ana Ruiz", 1.0), ("Ben Cole", 5.0), ("Ana Ruiz", 60.0)]

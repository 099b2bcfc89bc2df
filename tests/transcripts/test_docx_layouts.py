"""Word transcripts laid out as tables (speaker, time and text columns), with text boxes and footnotes.

The files are built here part by part (WordprocessingML as Word writes it), so that each layout
is exactly the one tested."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from mio_qual.transcripts import read_transcript
from mio_qual.transcripts.docx import transcript_table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
V_NS = "urn:schemas-microsoft-com:vml"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def para(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def table(rows: list[list[str]]) -> str:
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


def build(path: Path, body: str, footnotes: str | None = None) -> Path:
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
             '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
             'document.main+xml"/>'
             + ('<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.wordprocessingml.footnotes+xml"/>' if footnotes else "") + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships">'
                + ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/footnotes" Target="footnotes.xml"/>' if footnotes else "") + "</Relationships>")
    document = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}" xmlns:mc="{MC_NS}" '
                f'xmlns:wps="{WPS_NS}" xmlns:v="{V_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/_rels/document.xml.rels", doc_rels)
        archive.writestr("word/document.xml", document)
        if footnotes:
            archive.writestr("word/footnotes.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes '
                                                   f'xmlns:w="{W_NS}">{footnotes}</w:footnotes>')
    docx.Document(str(path))  # python-docx opens what we built
    return path


def speech(t) -> list[tuple[str, str, float | None]]:
    return [(turn.speaker, t.text[turn.body_start:turn.end], turn.start_time) for turn in t.turns]


def test_table_with_speaker_time_and_text_columns(tmp_path: Path) -> None:
    rows = [["Speaker", "Time", "Text"],
            ["Interviewer", "00:00:05", "How did the first sessions go?"],
            ["Dana Reyes", "00:00:09", "We had no room, honestly."],
            ["Interviewer", "00:01:10", "And supervision?"],
            ["Dana Reyes", "00:01:14", "Every Thursday."]]
    path = build(tmp_path / "table.docx", para("Interview INT07") + table(rows))
    t = read_transcript(path, sentences=False)
    assert speech(t) == [("Interviewer", "How did the first sessions go?", 5.0),
                         ("Dana Reyes", "We had no room, honestly.", 9.0),
                         ("Interviewer", "And supervision?", 70.0), ("Dana Reyes", "Every Thursday.", 74.0)]
    assert "tables" not in t.metadata


def test_table_without_header_is_recognised_by_its_recurring_labels(tmp_path: Path) -> None:
    rows = [["I", "Tell me about the clinic and how the week usually runs."],
            ["R", "Busy. We see most clients on Tuesdays and Wednesdays."],
            ["I", "And the room for sessions?"],
            ["R", "Booked by the group program most weeks."]]
    path = build(tmp_path / "plain.docx", table(rows))
    t = read_transcript(path, sentences=False)
    assert [(s, w) for s, w, _ in speech(t)] == [(r[0], r[1]) for r in rows]


@pytest.mark.parametrize("rows, expected", [
    ([["Transcript ID", "INT01"], ["Clinic", "north"], ["Date", "2024-01-02"]], None),  # metadata table
    ([["Name", "Transcript"], ["A", "hello"]], (0, 1, None, True)),
    ([["Who", "When", "Said"], ["A", "0:01", "x"]], None),  # 'Said' names no text column
])
def test_which_tables_are_transcripts(rows, expected) -> None:
    assert transcript_table(rows) == expected


def test_text_boxes_read_once_and_footnotes_kept_as_metadata(tmp_path: Path) -> None:
    box = (f"<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>"
           f"{para('R: The room note was in a text box.')}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
           f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{para('R: The room note was in a text box.')}"
           f"</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    body = (para("I: What happened with the room?") + box + para("I: Thanks.")
            + "<w:p><w:r><w:t>R: Fine</w:t></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r></w:p>")
    notes = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="2"><w:p><w:r><w:t>Participant laughed.</w:t></w:r></w:p></w:footnote>')
    path = build(tmp_path / "boxes.docx", body, footnotes=notes)
    t = read_transcript(path, sentences=False)
    assert [(s, w) for s, w, _ in speech(t)] == [("I", "What happened with the room?"),
                                                 ("R", "The room note was in a text box."), ("I", "Thanks."),
                                                 ("R", "Fine")]
    assert t.text.count("text box") == 1
    assert t.metadata["footnotes"] == ["footnote 1: Participant laughed."]  # as Word numbers it, not its id 2

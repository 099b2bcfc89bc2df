"""The streaming Word reader (issue 20): the text python-docx's tree gives, in flat memory.

``read_docx`` streams ``word/document.xml`` (each paragraph or table of the body read when its
end tag arrives, then dropped); ``read_docx_tree`` reads the same body through python-docx's
whole tree. Both must give the same canonical text, blocks and metadata (hence the same
turns) on every Word file of the tests and the sample study, and on a document holding every
construct the reader treats specially. The memory case reads 600,000 paragraphs in a child
process (python-docx's tree took 1.5 GB on the issue's file).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from mio_qual.transcripts import read_transcript
from mio_qual.transcripts.docx import read_docx, read_docx_tree

from helpers import REPO, SAMPLE
from helpers.samples import load_module

WORD_FILES = sorted([*(REPO / "tests" / "data").rglob("*.docx"), *SAMPLE.rglob("*.docx")])


def _same(path: Path) -> None:
    streamed, tree = read_docx(path), read_docx_tree(path)
    assert streamed.text == tree.text
    assert streamed.source_blocks == tree.source_blocks
    assert streamed.metadata == tree.metadata


@pytest.mark.parametrize("path", WORD_FILES, ids=[p.name for p in WORD_FILES])
def test_the_streaming_reader_reads_every_word_file_as_the_tree_reader_does(path):
    _same(path)


def test_there_are_word_files_to_compare():
    assert len(WORD_FILES) >= 20


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
V_NS = "urn:schemas-microsoft-com:vml"

# Every construct the reader treats specially, as Word writes it: a heading by style and one
# by outline level, a key/value table, a transcript table, another table, a text box with its
# VML fallback (read once), tracked insertions, deletions and moves, a complex field (code
# dropped, result kept), a simple field, a hyperlink, a content control, symbols, breaks,
# tabs and hyphens, footnote and endnote references, and a nested table in a cell.
BODY = f"""<w:document xmlns:w="{W_NS}" xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}" xmlns:v="{V_NS}"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>INT77 interview</w:t></w:r></w:p>
<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>An outline heading</w:t></w:r></w:p>
<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>Transcript ID</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>INT77</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Clinic</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Northside</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t xml:space="preserve">INTERVIEWER: Tell me </w:t></w:r><w:del w:id="1" w:author="A"><w:r><w:delText>never </w:delText></w:r></w:del><w:ins w:id="2" w:author="A"><w:r><w:t>about</w:t></w:r></w:ins><w:moveFrom w:id="3" w:author="A"><w:r><w:t> moved away</w:t></w:r></w:moveFrom><w:moveTo w:id="4" w:author="A"><w:r><w:t> the room</w:t></w:r></w:moveTo><w:r><w:t>?</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">P1: It is on </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE \\@ "dddd" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Tuesday</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t xml:space="preserve"> page 3</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve">, see </w:t></w:r><w:hyperlink r:id="rId99"><w:r><w:t>the plan</w:t></w:r></w:hyperlink><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">P1: Co</w:t></w:r><w:r><w:softHyphen/><w:t>ordination</w:t><w:noBreakHyphen/><w:t>wise</w:t><w:tab/><w:t>fine</w:t><w:br/><w:t>next line </w:t><w:sym w:font="Wingdings" w:char="F04A"/><w:sym w:char="0001"/><w:endnoteReference w:id="2"/></w:r>
<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>BOX: text in a box</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>BOX: text in a box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>INTERVIEWER: Inside a content control?</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>k</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>v</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:sdtContent></w:sdt>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Speaker</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Time</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Text</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Interviewer</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>00:01:05</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>And supervision?</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>P1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>00:01:09</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Protected, </w:t></w:r></w:p><w:p><w:r><w:t>every week.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p/>
<w:p><w:r><w:t xml:space="preserve">INTERVIEWER: Thank you.   </w:t></w:r></w:p>
<w:sectPr/></w:body></w:document>"""

NOTES = """<w:{kind}s xmlns:w="{ns}"><w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>
<w:{kind} w:id="{n}"><w:p><w:r><w:t>A {kind} about </w:t></w:r><w:ins w:id="9" w:author="A"><w:r><w:t>the plan</w:t></w:r></w:ins></w:p></w:{kind}></w:{kind}s>"""


def _blank_with(path: Path, change) -> Path:
    """A .docx from python-docx's blank document, each part's bytes passed through ``change(name, data)``."""
    blank = path.with_name("blank.docx")
    docx.Document().save(blank)
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, change(item.filename, source.read(item.filename)))
        for name, data in change(None, None) or ():
            target.writestr(name, data)
    return path


def every_construct(path: Path) -> Path:
    """A .docx from python-docx's blank document with :data:`BODY` and a footnote and an endnote part."""

    def change(name, data):
        if name is None:  # the parts to add
            return [(f"word/{kind}s.xml", NOTES.format(kind=kind, ns=W_NS, n=n))
                    for n, kind in enumerate(("footnote", "endnote"), start=1)]
        if name == "word/document.xml":
            return BODY.encode("utf-8")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b"".join(
                f'<Override PartName="/word/{k}s.xml" ContentType="application/vnd.openxmlformats-officedocument'
                f'.wordprocessingml.{k}s+xml"/>'.encode() for k in ("footnote", "endnote")) + b"</Types>")
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", b"".join(
                f'<Relationship Id="rIdN{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/{k}s" Target="{k}s.xml"/>'.encode() for k in ("footnote", "endnote"))
                + b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  b'relationships/hyperlink" Target="https://example.org/plan" TargetMode="External"/>'
                + b"</Relationships>")
        return data

    return _blank_with(path, change)


def test_every_construct_is_read_the_same_way_by_both_readers(tmp_path):
    path = every_construct(tmp_path / "INT77.docx")
    _same(path)
    source = read_docx(path)
    # what each construct became (so that "the same" is not "the same nothing")
    assert source.metadata["title"] == "INT77 interview" and source.metadata["clinic"] == "Northside"
    assert source.metadata["footnotes"] == ["footnote 1: A footnote about the plan", "endnote 1: A endnote about the plan"]
    assert source.metadata["tables"] == [[["a", "b", "c"]]]  # a table nested in a cell is not read
    assert "INTERVIEWER: Tell me about the room?" in source.text
    assert "P1: It is on Tuesday page 3, see the plan." in source.text
    assert "Coordination-wise\tfine\nnext line \uf04a" in source.text
    assert source.text.count("BOX: text in a box") == 1
    assert "Interviewer (00:01:05): And supervision?" in source.text
    assert "P1 (00:01:09): Protected,\nevery week." in source.text
    assert source.text.endswith("INTERVIEWER: Thank you.")
    turns = read_transcript(path).turns
    assert [t.speaker for t in turns][:3] == ["INTERVIEWER", "P1", "P1"]


def test_a_document_type_declaration_in_the_streamed_body_is_refused(tmp_path):
    from mio_qual.errors import InputError

    path = every_construct(tmp_path / "INT77.docx")
    hostile = tmp_path / "hostile.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]>' + data.replace(b"Thank you", b"&e;")
            target.writestr(item, data)
    with pytest.raises(InputError, match="DTD") as caught:
        read_docx(hostile)
    assert str(hostile) in caught.value.one_line()


def test_the_stream_holds_a_bounded_window_of_the_body_however_long_it_is():
    """The mechanism: paragraphs handed over are dropped; the body holds only what the parser read ahead.

    lxml parses in chunks, so a few hundred paragraphs past the one handed over may be in the
    tree already; the window is the same for 20,000 and 200,000 paragraphs.
    """
    import io

    from mio_qual.xmlsafe import iter_children

    def window(n: int) -> int:
        body = "".join(f"<w:p><w:r><w:t>P{i % 3}: words {i}</w:t></w:r></w:p>" for i in range(n))
        data = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()
        held, seen = 0, 0
        for element in iter_children(io.BytesIO(data), path="x.docx", what="word/document.xml", depth=2):
            held = max(held, len(element.getparent()))
            assert element.findtext(f"{{{W_NS}}}r/{{{W_NS}}}t") == f"P{seen % 3}: words {seen}"
            seen += 1
        assert seen == n
        return held

    small, large = window(20_000), window(200_000)
    assert large <= small + 50 and large < 2_000, (small, large)


def _body_docx(path: Path, body: str) -> Path:
    """A .docx from python-docx's blank document with ``body`` as the content of ``w:body``."""
    document = f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()
    return _blank_with(path, lambda name, data: document if name == "word/document.xml" else data)


def _row(*cells: str) -> str:
    return "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in cells) + "</w:tr>"


def test_the_rows_of_a_long_transcript_table_are_read_as_they_come(tmp_path, monkeypatch):
    """A table of 5,000 rows (15,000 cells, 60,000 elements) read with room for 1,000 elements at a time."""
    from mio_qual import xmlsafe

    rows = "".join(_row("Interviewer" if i % 2 == 0 else "P1", f"00:{i // 60 % 60:02d}:{i % 60:02d}",
                        f"words of turn {i}") for i in range(5_000))
    path = _body_docx(tmp_path / "table.docx", f"<w:tbl>{_row('Speaker', 'Time', 'Text')}{rows}</w:tbl>")
    expected = read_docx(path)
    monkeypatch.setattr(xmlsafe, "MAX_PENDING", 1_000)
    source = read_docx(path)
    assert source.text == expected.text == read_docx_tree(path).text
    assert source.text.count("Interviewer (00:") == 2_500 and source.text.endswith("P1 (00:23:19): words of turn 4999")


def test_one_huge_paragraph_is_refused_before_it_fills_memory(tmp_path, monkeypatch):
    """What the stream cannot hand over in pieces (one paragraph of 30,000 runs) is bounded, naming the file."""
    from mio_qual import xmlsafe
    from mio_qual.errors import InputError

    runs = "".join(f"<w:r><w:t>w{i} </w:t></w:r>" for i in range(30_000))
    path = _body_docx(tmp_path / "huge.docx", f"<w:p><w:r><w:t>P1: </w:t></w:r>{runs}</w:p>")
    assert read_docx(path).text.startswith("P1: w0 w1")  # under the default bound it is read
    monkeypatch.setattr(xmlsafe, "MAX_PENDING", 10_000)
    with pytest.raises(InputError, match="more than 10,000 elements in one place") as caught:
        read_docx(path)
    assert caught.value.path == str(path)


def test_content_after_the_end_of_the_document_is_damage_not_silence(tmp_path):
    from mio_qual.errors import InputError

    path = _body_docx(tmp_path / "extra.docx", "<w:p><w:r><w:t>P1: hello</w:t></w:r></w:p>")
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data += b"<w:p>more</w:p>" * 1000
            target.writestr(item, data)
    with pytest.raises(InputError, match="damaged"):
        read_docx(damaged)
    with pytest.raises(InputError, match="damaged"):
        read_docx_tree(damaged)


def test_six_hundred_thousand_paragraphs_are_read_in_flat_memory(tmp_path):
    """The issue's case: 600,000 paragraphs (python-docx's tree: 1.5 GB; 1,681 MiB measured here)."""
    hardening = load_module(REPO / "benchmarks" / "hardening.py")
    path = hardening.big_docx(tmp_path / "big.docx", 600_000)
    child = ("import sys\nfrom mio_qual.transcripts.docx import read_docx\nsource = read_docx(sys.argv[1])\n"
             "peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
             "print(len(source.source_blocks), peak // 1024)")
    done = subprocess.run([sys.executable, "-c", child, str(path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    blocks, peak_mib = map(int, done.stdout.split())
    assert blocks == 600_000
    assert peak_mib < 500, f"peak {peak_mib} MiB"

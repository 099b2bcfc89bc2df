"""Encodings and bad input: every way a file can be wrong gets a one-line InputError."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.errors import InputError
from mio_qual.transcripts import SUPPORTED_SUFFIXES, read_transcript
from mio_qual.transcripts import encoding as enc

TEXT = (
    "Interviewer: Café “supervision” – how’s it going? Naïve question… ½\r\n"
    "\r\n"
    "Participant: Fine. [inaudible 00:01:02] We’re ok.\r\n"
)


def _read(path: Path):
    t = read_transcript(path, sentences=False)
    t.check_spans()
    return t


@pytest.fixture()
def utf8_version(tmp_path):
    path = tmp_path / "utf8.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return _read(path)


@pytest.mark.parametrize(
    "name,data,encoding",
    [
        ("bom8", codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        ("le", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        ("be", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        ("cp", TEXT.encode("cp1252"), "cp1252"),
        ("nobom16", TEXT.encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_encodings_give_the_same_canonical_text(tmp_path, utf8_version, name, data, encoding):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    t = _read(path)
    assert t.encoding == encoding
    assert t.text == utf8_version.text
    assert t.turns == utf8_version.turns
    assert t.notes == utf8_version.notes
    assert "\r" not in t.text and "\ufeff" not in t.text


def test_utf8_text_is_as_written(utf8_version):
    assert utf8_version.text == TEXT.replace("\r\n", "\n").strip()
    assert utf8_version.encoding == "utf-8"
    assert utf8_version.warnings == []


def test_cp1252_fallback_warns(tmp_path):
    path = tmp_path / "cp.txt"
    path.write_bytes(TEXT.encode("cp1252"))
    t = _read(path)
    assert any("cp1252" in w for w in t.warnings)


def test_utf16_captions(tmp_path):
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Olá, tudo bem?</v>\n"
    path = tmp_path / "x.vtt"
    path.write_bytes(codecs.BOM_UTF16_LE + vtt.encode("utf-16-le"))
    t = _read(path)
    assert t.text == "Ana: Olá, tudo bem?"


def test_nfc_normalization(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("I: Cafe\u0301?\n\nR: Oui.\n", encoding="utf-8")
    t = _read(path)
    assert t.text == "I: Café?\n\nR: Oui."


def test_decode_bytes_directly():
    assert enc.decode_bytes(b"abc")[:2] == ("abc", "utf-8")
    assert enc.decode_bytes(codecs.BOM_UTF8 + b"abc")[:2] == ("abc", "utf-8-sig")
    text, encoding, warnings = enc.decode_bytes("é".encode("cp1252"))
    assert (text, encoding) == ("é", "cp1252") and warnings


# --------------------------------------------------------------------------- bad input
def _error(path: Path, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        read_transcript(path, **kwargs)
    error = info.value
    message = str(error)
    assert "\n" not in message
    assert str(path) in message
    assert error.hint
    assert error.exit_code == 2
    return error


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_empty_file(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert "empty" in _error(path).message


@pytest.mark.parametrize("content", [b"   \n\n \r\n", codecs.BOM_UTF8 + b"\n"])
def test_blank_file(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    assert "empty" in _error(path).message


def test_front_matter_only(tmp_path):
    path = tmp_path / "fm.md"
    path.write_text("---\nclinic: x\n---\n\n", encoding="utf-8")
    assert "no transcript text" in _error(path).message


def test_bad_front_matter(tmp_path):
    path = tmp_path / "fm.md"
    path.write_text("---\nclinic: [unclosed\n---\nI: hi\n", encoding="utf-8")
    error = _error(path)
    assert "front matter" in error.message and error.line is not None


@pytest.mark.parametrize(
    "data",
    [
        b"I: hello\x00\x01\x02\x03 world" * 50,  # NUL bytes, not UTF-16
        bytes(range(1, 32)) * 100,  # mostly control characters
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",  # a PDF
        b"PK\x03\x04" + b"\x00" * 40,  # a zip with a .txt name
    ],
)
def test_binary_file_with_text_extension(tmp_path, data):
    path = tmp_path / "binary.txt"
    path.write_bytes(data)
    assert "looks like" in _error(path).message


def test_undecodable_file(tmp_path):
    # 0x81 is invalid in UTF-8 (as a lead byte) and undefined in cp1252.
    path = tmp_path / "bad.txt"
    path.write_bytes(b"I: caf\x81 au lait\n\nR: ok\n")
    assert "not UTF-8, UTF-16 or cp1252" in _error(path).message


def test_unknown_extension(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF")
    error = _error(path)
    assert "'.pdf'" in error.message
    path = tmp_path / "notes.xyz"
    path.write_text("I: hi")
    assert "supported: .txt, .md, .docx, .vtt, .srt" in str(_error(path))


def test_missing_file(tmp_path):
    assert "not found" in _error(tmp_path / "missing.txt").message


def test_file_over_200_mb(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: no 200 MB written to disk
        handle.truncate(enc.MAX_FILE_BYTES + 1)
    assert "MiB" in _error(path).message


def test_line_over_a_million_characters(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("I: short\n\nR: " + "a" * (enc.MAX_LINE_CHARS + 1) + "\n", encoding="utf-8")
    error = _error(path)
    assert error.line == 3 and "characters long" in error.message


def test_long_but_allowed_line(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("I: short\n\nR: " + "word " * 150_000 + "end.\n", encoding="utf-8")
    t = _read(path)
    assert len(t.turns) == 2


def test_corrupt_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"this is not a zip archive at all")
    assert "docx" in _error(path).message


def test_zip_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "not a Word document" in _error(path).message


def test_docx_with_damaged_xml(tmp_path):
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>unclosed")
    assert "damaged" in _error(path).message


def test_docx_with_entities_is_refused(tmp_path):
    path = tmp_path / "laughs.docx"
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", xml)
    assert "DTD" in _error(path).message


def test_docx_zip_bomb(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<a/>")
        z.writestr("word/media/big.bin", b"\x00" * (64 << 20))  # 64 MiB of zeros, ~64 KiB compressed
    assert "zip bomb" in _error(path).message


def test_malformed_captions(tmp_path):
    path = tmp_path / "x.vtt"
    path.write_text("not a webvtt file\n\n00:01 --> 00:02\nhi\n")
    assert "WebVTT" in _error(path).message
    path = tmp_path / "x.srt"
    path.write_text("1\nnot a time\nhello\n")
    assert "SRT" in _error(path).message


def test_check_line_lengths_names_the_line():
    text = "ok\n" * 3 + "x" * (enc.MAX_LINE_CHARS + 5)
    with pytest.raises(InputError) as info:
        enc.check_line_lengths(text, path="f.txt")
    assert info.value.line == 4


def test_errors_are_one_line_with_file(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_transcript(path)
    assert str(info.value).startswith(str(path) + ": ")


def test_docx_with_a_dtd_in_another_part_is_refused(tmp_path):
    import docx

    path = tmp_path / "ok.docx"
    document = docx.Document()
    document.add_paragraph("I: hello")
    document.save(str(path))
    hostile = tmp_path / "hostile.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "e">]>', 1)
            dst.writestr(info, data)
    assert "DTD" in _error(hostile).message
    assert read_transcript(path, sentences=False).turns  # the untouched file reads


FRAGMENTS = st.sampled_from(
    [b"I: ", b"R: ", b"Jane Doe  0:03\n", b"[00:01:02] Ann: ", b"Bo (00:00:01):", b"**P1:** ", b"\n", b"\n\n",
     b"WEBVTT\n\n", b"00:00:01.000 --> 00:00:02.000\n", b"1\n00:00:01,000 --> 00:00:02,000\n", b"<v Ann>",
     b"</v>", b"[inaudible 00:12:03]", b"(laughs)", b"---\n", b"key: value\n", b"\r\n", b"\xc3\xa9", b"\xe9",
     b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"text words. More.", b"\t", b"  ", b"\x0c", b"\xe2\x80\xa8"]
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(FRAGMENTS, min_size=1, max_size=25), suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt"]))
def test_any_bytes_give_a_transcript_or_an_input_error(tmp_path_factory, parts, suffix):
    """Whatever the bytes, reading ends in a consistent transcript or a clean InputError."""
    from mio_qual.offsets import is_canonical

    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(b"".join(parts))
    try:
        t = read_transcript(path)
    except InputError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return
    t.check_spans()
    assert is_canonical(t.text)
    assert t.turns
    for b in t.source_blocks:
        assert 0 <= b.start <= b.end <= len(t.text)


def test_srt_with_an_impossible_time(tmp_path):
    path = tmp_path / "x.srt"
    path.write_text("1\n99999999999:00:00,000 --> 99999999999:00:01,000\nhello\n")
    assert "SRT" in _error(path).message

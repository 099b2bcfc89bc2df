"""Turning the bytes of a text transcript into a string, or refusing them with a reason.

Transcripts arrive as UTF-8 (with or without a byte-order mark), UTF-16 from Windows tools
(usually with a BOM), and cp1252 from older Word "save as text". :func:`decode_bytes` tries
them in that order and says which one it used; a cp1252 fallback adds a warning, because it
is a guess. Files that are not text at all (a PDF or a Word file with a ``.txt`` name, an
audio file) are refused instead of being imported as garbage.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from ..errors import InputError

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Largest transcript file accepted (200 MiB): a 10-hour interview is well under 2 MiB."""

MAX_TABLE_BYTES = 64 * 1024 * 1024
"""Largest CSV table (manifest, roster, coding sheet, ratings, quantitative data) accepted."""

MAX_TEXT_BYTES = 32 * 1024 * 1024
"""Largest text transcript (.txt .md .vtt .srt) accepted: 32 MiB is some 5 million words.

Text files are decoded, canonicalized and segmented whole, so this bound (well below
:data:`MAX_FILE_BYTES`, which also covers Word files with pictures) keeps one file from
taking minutes and gigabytes of memory.
"""

MAX_LINE_CHARS = 1_000_000
"""Longest line accepted; longer lines mean the file is not a transcript (or is damaged)."""

# Control characters that have no business in a transcript (tab, LF, VT, FF, CR excluded).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
# Characters XML 1.0 (so Word, Excel and REFI-QDA files) cannot hold; NUL is dropped by canonicalization.
_NOT_IN_XML = re.compile("[\x01-\x08\x0e-\x1f\ufffe\uffff]")
_SNIFF_CHARS = 65_536

_MAGIC = (
    (b"%PDF", "a PDF file", "export the transcript from the PDF as .docx or .txt"),
    (b"PK\x03\x04", "a zip archive (a Word file?)", "if it is a Word document, give it the .docx extension"),
    (b"\xd0\xcf\x11\xe0", "an old binary Office file (.doc?)", "open it in Word and save it as .docx"),
    (b"{\\rtf", "an RTF file", "open it in Word and save it as .docx"),
    (b"ID3", "an MP3 audio file", "transcribe it first; mio-qual reads transcripts, not audio"),
    (b"RIFF", "a WAV/AVI media file", "transcribe it first; mio-qual reads transcripts, not recordings"),
)


def check_file_size(path: str | Path, size: int | None = None, limit: int = MAX_FILE_BYTES,
                    what: str = "a transcript") -> int:
    """Refuse a file larger than ``limit`` (default :data:`MAX_FILE_BYTES`), or an empty one; return its size.

    ``what`` names what the file should be (for the message): "a transcript", "a table".

    Raises
    ------
    InputError
        If the file is empty or too large.
    """
    if size is None:
        size = os.stat(path).st_size
    if size == 0:
        raise InputError("the file is empty", path=path, hint="export the transcript again" if what == "a transcript"
                         else "check that the file was saved completely")
    if size > limit:
        raise InputError(
            f"the file is {size / (1 << 20):.0f} MiB, more than the {limit >> 20} MiB {what} may be",
            path=path,
            hint="check that this is a transcript; split a very long one into one file per session"
            if what == "a transcript" else "check that this is the right file",
        )
    return size


def _looks_like_utf16_without_bom(data: bytes) -> str | None:
    """Return ``"utf-16-le"``/``"utf-16-be"`` when ``data`` has the NUL pattern of BOM-less UTF-16 text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nuls, odd_nuls = even.count(0), odd.count(0)
    # Latin text in UTF-16: every other byte is NUL; binary files have NULs scattered.
    if odd_nuls >= 0.6 * len(odd) and even_nuls <= 0.05 * len(even):
        return "utf-16-le"
    if even_nuls >= 0.6 * len(even) and odd_nuls <= 0.05 * len(odd):
        return "utf-16-be"
    return None


def _binary_error(path: str | Path | None, what: str = "a binary file", hint: str | None = None) -> InputError:
    return InputError(
        f"looks like {what}, not a transcript",
        path=path,
        hint=hint or "check the file; transcripts must be .txt, .md, .docx, .vtt or .srt text",
    )


def decode_bytes(data: bytes, *, path: str | Path | None = None) -> tuple[str, str, list[str]]:
    """Decode the bytes of a text transcript.

    Order of attempts: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) decides; else UTF-8;
    else BOM-less UTF-16 when the bytes have its pattern of NULs; else cp1252, with a warning.

    Parameters
    ----------
    data : bytes
        The file's content.
    path : str or Path, optional
        For messages.

    Returns
    -------
    text : str
        The decoded text (BOM removed, line ends untouched).
    encoding : str
        The codec used (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``utf-16-be``, ``cp1252``...).
    warnings : list of str
        Non-fatal remarks (cp1252 guess, BOM-less UTF-16).

    Raises
    ------
    InputError
        Empty file, binary content, or bytes no supported encoding can decode.
    """
    warnings: list[str] = []
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError("the file is empty", path=path, hint="export the transcript again")
    encoding: str | None = None
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith(codecs.BOM_UTF16_LE):
        encoding = "utf-16-le"
        data = data[2:]
    elif data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16-be"
        data = data[2:]
    if encoding is None:
        for magic, what, hint in _MAGIC:
            if data.startswith(magic):
                raise _binary_error(path, what, hint)
        if b"\x00" in data:
            encoding = _looks_like_utf16_without_bom(data)
            if encoding is None:
                raise _binary_error(path)
            warnings.append(f"decoded as {encoding.upper()} without a byte-order mark")
        else:
            head = data[: _SNIFF_CHARS]
            if len(_CONTROL_BYTES.findall(head)) > 0.05 * len(head):
                raise _binary_error(path)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {encoding.upper()} text (byte {exc.start})",
                path=path,
                hint="re-save the transcript as UTF-8",
            ) from None
    else:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise InputError(
                    f"not UTF-8, UTF-16 or cp1252 text (undecodable byte at position {exc.start})",
                    path=path,
                    hint="re-save the transcript as UTF-8 (in Word: Save As, Plain Text, Unicode (UTF-8))",
                ) from None
            encoding = "cp1252"
            warnings.append(
                f"not valid UTF-8 (byte {exc.start}); decoded as Windows-1252 (cp1252): check accented letters and quotes"
            )
    return check_text(text.lstrip("\ufeff"), path=path, encoding=encoding), encoding, warnings


def check_text(text: str, *, path: str | Path | None = None, encoding: str = "utf-8") -> str:
    """Refuse decoded text that is empty, binary, or holds a control character XML cannot hold.

    Parameters
    ----------
    text : str
        Decoded text (a file's, or a transcript held in memory).
    path : str or Path, optional
        For messages.
    encoding : str
        The codec the text came from (NULs are expected only in UTF-16 and UTF-32).

    Returns
    -------
    str
        ``text`` itself.

    Raises
    ------
    InputError
        Naming the file and, for a control character, its line.
    """
    if not text.strip():
        raise InputError("the file is empty", path=path, hint="export the transcript again")
    sample = text[:_SNIFF_CHARS]
    if "\x00" in sample and not encoding.startswith(("utf-16", "utf-32")):
        raise _binary_error(path)
    if len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise _binary_error(path)
    stray = _NOT_IN_XML.search(text)
    if stray is not None:
        line = len(re.findall(r"\r\n|\r|\n", text[: stray.start()])) + 1
        raise InputError(
            f"line {line} holds the control character U+{ord(stray.group()):04X}, which is not text",
            path=path,
            line=line,
            hint="remove it and import again (Word, Excel and REFI-QDA files cannot hold it, so exports would fail)",
        )
    return text


def check_line_lengths(text: str, *, path: str | Path | None = None, line_offset: int = 0) -> None:
    """Refuse a text with a line longer than :data:`MAX_LINE_CHARS` characters.

    Parameters
    ----------
    text : str
        Text with ``\\n`` line ends (other breaks count as part of a line, which only errs
        towards refusing).
    path : str or Path, optional
        For the message.
    line_offset : int
        Added to the reported line number.

    Raises
    ------
    InputError
        Naming the first line that is too long.
    """
    if len(text) <= MAX_LINE_CHARS:
        return
    pos = 0
    line = 1
    size = len(text)
    while pos < size:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = size
        if nl - pos > MAX_LINE_CHARS:
            raise InputError(
                f"line {line + line_offset} is {nl - pos:,} characters long, more than the {MAX_LINE_CHARS:,} allowed",
                path=path,
                line=line + line_offset,
                hint="this does not look like a transcript; check the file or add line breaks",
            )
        pos = nl + 1
        line += 1


def read_text_file(path: str | Path) -> tuple[str, str, list[str]]:
    """Read and decode a text transcript from disk (size-checked), see :func:`decode_bytes`."""
    path = Path(path)
    check_file_size(path, limit=MAX_TEXT_BYTES)
    data = path.read_bytes()
    return decode_bytes(data, path=path)

"""Hostile and malformed input files, built at test time (nothing large is committed).

:func:`build_cases` writes every file into a folder and returns one :class:`Case` per file:
which importer it attacks, the command line that feeds it to that importer, and what the
one-line error must mention. Each builder is seeded and deterministic, so a failure can be
reproduced from the case name alone. Run it as a script to look at the files::

    .venv/bin/python tests/helpers/hostile_files.py /tmp/hostile

The cases lean on a base project holding the bundled sample (16 transcripts, clinics
northside/eastgate/downtown/westfield): transcript ``INT02`` exists there, so a coding that
points past its end is a real "past the end" case rather than an unknown transcript.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "transcripts_sample"
VALID_DOCX = SAMPLE / "INT01_northside_counselor.docx"
VALID_CODING_DOCX = SAMPLE / "coding" / "jordan" / "INT02.docx"

TRANSCRIPT = "INT02"  # in the base project; its text is a few thousand characters long
PAST_END = 10_000_000  # far past the end of any sample transcript

XXE_PROLOG = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_PROLOG = (
    '<!DOCTYPE r [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
LAUGHS_REF = "&lol9;"

YAML_BOMB = "\n".join(
    [f'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
)


@dataclass
class Case:
    """One hostile input and how to feed it to mio-qual.

    Attributes
    ----------
    name : str
        Unique, also the file name (or the main file's name).
    importer : str
        ``import`` (transcripts, manifests, rosters), ``coding import``, ``ratings import``,
        ``quant import``, ``codebook``.
    attack : str
        What the file does, in a few words.
    args : list of str
        The command line after ``mio-qual --project P``.
    names : str
        What the first line of the error must contain (the file the problem is in).
    """

    name: str
    importer: str
    attack: str
    args: list[str] = field(default_factory=list)
    names: str = ""


# ----------------------------------------------------------------------------- zip helpers
def _zip_bytes(members: dict[str, bytes], *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _with_member(base: dict[str, bytes], name: str, data: bytes) -> dict[str, bytes]:
    out = dict(base)
    out[name] = data
    return out


def _inject_prolog(xml: bytes, prolog: str, reference: str) -> bytes:
    """Put a DTD after the XML declaration and an entity reference into the first text node."""
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        end = text.index("?>") + 2
        text = text[:end] + prolog + text[end:]
    else:
        text = prolog + text
    for marker in ("<w:t>", "<w:t xml:space=\"preserve\">", "<t>", "<is><t>"):
        if marker in text:
            text = text.replace(marker, marker + reference, 1)
            break
    return text.encode("utf-8")


_BOMB: list[tuple[bytes, int, int]] = []


def _bomb_stream(size: int = 300 << 20) -> tuple[bytes, int, int]:
    """Raw deflate data of ``size`` zero bytes, its CRC-32 and size (computed once)."""
    if not _BOMB:
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        chunk = b"\0" * (1 << 20)
        parts, crc = [], 0
        for _ in range(size >> 20):
            parts.append(packer.compress(chunk))
            crc = zlib.crc32(chunk, crc)
        parts.append(packer.flush())
        _BOMB.append((b"".join(parts), crc, size))
    return _BOMB[0]


def _raw_zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip archive from (name, method, stored bytes, CRC-32, uncompressed size) entries."""
    out = bytearray()
    central = bytearray()
    for name, method, data, crc, size in entries:
        encoded = name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(data), size,
                           len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc, len(data),
                               size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def _zip_bomb(path: Path, name: str, extra: dict[str, bytes]) -> None:
    """A zip with ``extra`` members stored plainly and ``name`` holding 300 MiB of zeros."""
    data, crc, size = _bomb_stream()
    entries = [(member, 0, content, zlib.crc32(content), len(content)) for member, content in extra.items()]
    path.write_bytes(_raw_zip(entries + [(name, 8, data, crc, size)]))


def _low_ratio_bomb(path: Path, name: str, extra: dict[str, bytes], size_mib: int = 250) -> None:
    """A zip whose ``name`` member inflates to ``size_mib`` MiB at a modest ratio (about 100:1).

    It passes a compression-ratio check, so only a bound on the member's size stops it. The
    deflate stream is one compressed 1 MiB chunk repeated: after a full flush, compressing the
    same chunk again gives the same bytes.
    """
    rng = random.Random(14)
    row = b'<w:p><w:r><w:t xml:space="preserve">' + b"supervision room schedule " * 5 + b"</w:t></w:r></w:p>"
    pieces, size = [], 0
    while size < (1 << 20):
        piece = row + rng.randbytes(1).hex().encode()
        pieces.append(piece)
        size += len(piece)
    chunk = b"".join(pieces)[: 1 << 20]
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    data = segment * size_mib + b"\x03\x00"  # an empty final block ends the stream
    crc = 0
    for _ in range(size_mib):
        crc = zlib.crc32(chunk, crc)
    entries = [(member, 0, content, zlib.crc32(content), len(content)) for member, content in extra.items()]
    path.write_bytes(_raw_zip(entries + [(name, 8, data, crc, size_mib << 20)]))


def _lying_sizes(members: dict[str, bytes], victim: str) -> bytes:
    """A zip whose ``victim`` member's header declares 100 bytes but holds far more (bad CRC)."""
    data = bytearray(_zip_bytes(members))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        local = z.getinfo(victim).header_offset
    # the uncompressed size, in the local header and in the victim's central directory entry
    struct.pack_into("<I", data, local + 22, 100)
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46: pos + 46 + name_len].decode() == victim:
            struct.pack_into("<I", data, pos + 24, 100)
        pos += 4
    return bytes(data)


def _corrupt_member(members: dict[str, bytes], victim: str, seed: int) -> bytes:
    """A zip whose ``victim`` member's compressed bytes are damaged (directory intact)."""
    data = bytearray(_zip_bytes(members))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo(victim)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    begin = info.header_offset + 30 + name_len + extra_len
    rng = random.Random(seed)
    for _ in range(max(8, info.compress_size // 20)):
        data[begin + rng.randrange(info.compress_size)] ^= 0xFF
    return bytes(data)


def _many_members(path: Path, n: int = 10_001) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", "<w:document/>")
        for i in range(n):
            z.writestr(f"junk/{i}.xml", b"")


def _xlsx(rows: list[list[object]], *, formulas: dict[str, str] | None = None, title: str = "Sheet1") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for ref, formula in (formulas or {}).items():
        sheet[ref] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_hostile(rows: list[list[object]], kind: str, seed: int = 0) -> bytes:
    """An .xlsx built from ``rows`` then attacked: xxe, laughs, bomb-free damage, truncation."""
    base = _xlsx(rows)
    members = _members_from_bytes(base)
    sheet = "xl/worksheets/sheet1.xml"
    if kind == "xxe":
        return _zip_bytes(_with_member(members, sheet, _inject_prolog(members[sheet], XXE_PROLOG, "")))
    if kind == "laughs":
        strings = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in members else sheet
        return _zip_bytes(_with_member(members, strings, _inject_prolog(members[strings], LAUGHS_PROLOG, LAUGHS_REF)))
    if kind == "truncated":
        return base[: len(base) // 2]
    if kind == "corrupt":
        return _corrupt_member(members, sheet, seed)
    if kind == "lying":
        return _lying_sizes(members, sheet)
    if kind == "zipslip":
        return _zip_bytes(_with_member(members, "../../../../tmp/mio-qual-zipslip.txt", b"pwned"))
    raise ValueError(kind)


def _members_from_bytes(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


# ----------------------------------------------------------------------------- text helpers
def _transcript_lines(n_turns: int, seed: int) -> str:
    rng = random.Random(seed)
    words = "supervision room schedule training mothers counselor session funding county reflective".split()
    lines = []
    for i in range(n_turns):
        who = "INTERVIEWER" if i % 2 == 0 else "PARTICIPANT"
        lines.append(f"{who}: " + " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))) + ".")
    return "\n\n".join(lines) + "\n"


def write_big_text(path: Path, size: int = 200_000_000, seed: int = 1) -> None:
    """A transcript-looking UTF-8 file of ``size`` bytes (real text, not a sparse file)."""
    block = _transcript_lines(400, seed).encode("utf-8")
    with open(path, "wb") as handle:
        written = 0
        while written + len(block) <= size:
            handle.write(block)
            written += len(block)
        handle.write(block[: size - written])


def _big_sheet(path: Path, rows: list[list[object]], size: int = 200_000_000) -> None:
    """A CSV file of ``size`` bytes: the header row, then the second row over and over."""
    head, body = _csv(rows[:1]), _csv(rows[1:2]) * 1000
    with open(path, "wb") as handle:
        handle.write(head)
        written = len(head)
        while written + len(body) <= size:
            handle.write(body)
            written += len(body)


MANIFEST_HEADER = ["transcript_id", "file", "agency", "clinic", "participant_id", "role", "kind", "date", "interviewer"]
RATING_HEADER = ["case_id", "construct", "rating", "rationale"]


def _csv(rows: list[list[object]]) -> bytes:
    """CSV bytes; cells with a comma, quote or line break are quoted."""
    def cell(value: object) -> str:
        text = str(value)
        if any(c in text for c in ',"\n\r'):
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join(",".join(cell(v) for v in row) + "\n" for row in rows).encode("utf-8")


# ----------------------------------------------------------------------------- the cases
def build_cases(folder: Path, *, big: bool = True, write: bool = True) -> list[Case]:
    """Write every hostile file into ``folder`` and return the cases.

    Parameters
    ----------
    folder : Path
        Where the files go (created).
    big : bool
        Include the two 200 MB files (the slowest to write).
    write : bool
        Write the files; with False only the cases are listed (cheap: for test collection).
    """
    cases: list[Case] = []
    docx_members = _members(VALID_DOCX)
    coding_members = _members(VALID_CODING_DOCX)
    good_transcript = folder / "ok_transcript.txt"
    if write:
        folder.mkdir(parents=True, exist_ok=True)
        good_transcript.write_text("INTERVIEWER: How is it going?\n\nPARTICIPANT: Fine, thanks.\n", encoding="utf-8")

    def add(name: str, importer: str, attack: str, data: Callable[[], bytes] | Callable[[Path], None],
            args: list[str] | None = None, names: str | None = None) -> Path:
        """Record a case; ``data`` gives the file's bytes, or (taking the path) writes the file."""
        path = folder / name
        if write:
            if data.__code__.co_argcount - len(data.__defaults__ or ()) == 1:
                data(path)  # type: ignore[call-arg]
            else:
                path.write_bytes(data())  # type: ignore[call-arg]
        if args is None:
            args = {"import": ["import", str(path)],
                    "coding import": ["coding", "import", str(path), "--coder", "mallory"],
                    "ratings import": ["ratings", "import", str(path), "--rater", "mallory"],
                    "quant import": ["quant", "import", str(path)]}.get(importer, [])
        cases.append(Case(name, importer, attack, args, names or name))
        return path

    # ---------------------------------------------------------------- transcripts: .docx
    raw_docx = VALID_DOCX.read_bytes()
    add("tr_truncated.docx", "import", "truncated Word file", lambda: raw_docx[: len(raw_docx) // 2])
    add("tr_garbage.docx", "import", "zip signature then noise",
        lambda: b"PK\x03\x04" + random.Random(2).randbytes(4000))
    add("tr_headless.docx", "import", "first 40 bytes cut off (directory points before the file)",
        lambda: raw_docx[40:])
    add("tr_not_word.docx", "import", "zip without word/document.xml", lambda: _zip_bytes({"hello.txt": b"hi"}))
    add("tr_bomb.docx", "import", "zip bomb (300 MiB of zeros in document.xml)",
        lambda p: _zip_bomb(p, "word/document.xml", {"[Content_Types].xml": docx_members["[Content_Types].xml"]}))
    add("tr_low_ratio_bomb.docx", "import", "250 MiB document.xml at a 100:1 ratio (passes a ratio check)",
        lambda p: _low_ratio_bomb(p, "word/document.xml", {"[Content_Types].xml": docx_members["[Content_Types].xml"]}))
    add("tr_lying_size.docx", "import", "member larger than its header says (bad CRC)",
        lambda: _lying_sizes(docx_members, "word/document.xml"))
    add("tr_corrupt_member.docx", "import", "damaged deflate stream, intact directory",
        lambda: _corrupt_member(docx_members, "word/document.xml", 3))
    add("tr_xxe.docx", "import", "external entity (file:///etc/passwd) in document.xml",
        lambda: _zip_bytes(_with_member(docx_members, "word/document.xml",
                                _inject_prolog(docx_members["word/document.xml"], XXE_PROLOG, "&xxe;"))))
    add("tr_laughs.docx", "import", "billion laughs in document.xml",
        lambda: _zip_bytes(_with_member(docx_members, "word/document.xml",
                                _inject_prolog(docx_members["word/document.xml"], LAUGHS_PROLOG, LAUGHS_REF))))
    add("tr_laughs_styles.docx", "import", "billion laughs in styles.xml (not the main part)",
        lambda: _zip_bytes(_with_member(docx_members, "word/styles.xml",
                                _inject_prolog(docx_members["word/styles.xml"], LAUGHS_PROLOG, ""))))
    add("tr_zipslip.docx", "import", "member named ../../../../tmp/...",
        lambda: _zip_bytes(_with_member(docx_members, "../../../../tmp/mio-qual-zipslip.txt", b"pwned")))
    add("tr_absolute_member.docx", "import", "member with an absolute path",
        lambda: _zip_bytes(_with_member(docx_members, "/tmp/mio-qual-absolute.txt", b"pwned")))
    add("tr_many_members.docx", "import", "10,001 members", _many_members)
    add("tr_bad_xml.docx", "import", "document.xml not well-formed",
        lambda: _zip_bytes(_with_member(docx_members, "word/document.xml", docx_members["word/document.xml"][:-200])))
    # ---------------------------------------------------------------- transcripts: text
    if big:
        add("tr_200mb.txt", "import", "200 MB of transcript-like text", lambda p: write_big_text(p))
    add("tr_long_line.txt", "import", "one line of 10 million characters",
        lambda: b"PARTICIPANT: " + b"a" * 10_000_000 + b"\n")
    add("tr_nul_bytes.txt", "import", "UTF-8 text with NUL bytes in it",
        lambda: _transcript_lines(20, 4).encode().replace(b" ", b"\x00", 40))
    add("tr_random.txt", "import", "random bytes", lambda: random.Random(5).randbytes(50_000))
    add("tr_bad_utf16.txt", "import", "UTF-16 byte-order mark then a lone surrogate",
        lambda: b"\xff\xfe" + "INTERVIEWER: hi\n".encode("utf-16-le") + b"\x00\xd8" + "R: x\n".encode("utf-16-le"))
    add("tr_bad_utf32.txt", "import", "UTF-32 byte-order mark then an invalid code point",
        lambda: b"\xff\xfe\x00\x00" + "I: hi\n".encode("utf-32-le") + b"\x00\x00\x11\x00")
    add("tr_control_char.txt", "import", "one stray control character (U+001B) in a long transcript",
        lambda: _transcript_lines(200, 16).replace("room", "ro\x1bom", 1).encode())
    add("tr_pdf.txt", "import", "a PDF renamed to .txt", lambda: b"%PDF-1.7\n" + random.Random(6).randbytes(3000))
    add("tr_controls.txt", "import", "text full of control characters",
        lambda: "".join(chr(random.Random(7).choice([1, 2, 3, 4, 0x1b, 0x7f])) + "ab" for _ in range(5000)).encode())
    add("tr_yaml_bomb.md", "import", "billion-laughs YAML aliases in front matter",
        lambda: f"---\n{YAML_BOMB}\n---\nINTERVIEWER: hi\n\nPARTICIPANT: hello\n".encode())
    add("tr_yaml_python.md", "import", "python object tag in front matter",
        lambda: b"---\nx: !!python/object/apply:os.system ['echo pwned']\n---\nINTERVIEWER: hi\n\nPARTICIPANT: hello\n")
    add("tr_yaml_deep.md", "import", "front matter nested 10,000 levels deep",
        lambda: b"---\nx: " + b"[" * 10_000 + b"]" * 10_000 + b"\n---\nINTERVIEWER: hi\n\nPARTICIPANT: hello\n")
    # ---------------------------------------------------------------- transcripts: captions
    add("tr_garbage.vtt", "import", "WebVTT header then broken cues",
        lambda: b"WEBVTT\n\n00:00:01.000 --> banana\nJane: hi\n\n--> --> -->\n\n99:99 --> 00:00\nx\n")
    add("tr_nul.vtt", "import", "WebVTT with NUL bytes",
        lambda: b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nJane:\x00\x00\x00 hi\x00\x00\x00\x00\x00\n")
    add("tr_long_cue.vtt", "import", "a WebVTT cue of 10 million characters",
        lambda: b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nJane: " + b"b" * 10_000_000 + b"\n")
    add("tr_huge_time.vtt", "import", "WebVTT with absurd timestamps and a STYLE block",
        lambda: b"WEBVTT\n\nSTYLE\n::cue { color: red }\n\n"
        b"99999999999999999999:00:00.000 --> 99999999999999999999:00:01.000\nJane: hi\n\n")
    add("tr_garbage.srt", "import", "SubRip with broken timings",
        lambda: b"1\n00:00:01,000 --> nope\nhi\n\n2\nbanana\n\n3\n00:00:0x,000 --> 00:00:02,000\n")
    add("tr_huge_time.srt", "import", "SubRip with absurd timestamps",
        lambda: b"1\n99999999999999999999:00:00,000 --> 99999999999999999999:00:01,000\nJane: hi\n\n")
    # ---------------------------------------------------------------- manifests and rosters
    ok = good_transcript.name
    manifest_rows = [MANIFEST_HEADER, ["H01", ok, "riverbend", '=HYPERLINK("http://evil.example","northside")',
                                       "S1", "counselor", "interview", "2026-01-01", "IV1"]]
    add("mf_formula.csv", "import", "manifest cell holding a formula", lambda: _csv(manifest_rows),
        args=["import", "--manifest", str(folder / "mf_formula.csv")])
    add("mf_formula.xlsx", "import", "manifest .xlsx with a formula cell",
        lambda: _xlsx([MANIFEST_HEADER, ["H01", ok, "riverbend", None, "S1", "counselor", "interview", "2026-01-01", "IV1"]],
              formulas={"D2": '=CONCATENATE("north","side")'}),
        args=["import", "--manifest", str(folder / "mf_formula.xlsx")])
    plain_manifest = [MANIFEST_HEADER, ["H01", ok, "riverbend", "northside", "S1", "counselor", "interview",
                                        "2026-01-01", "IV1"]]
    for kind, attack in (("xxe", "external entity in the sheet XML"), ("laughs", "billion laughs in shared strings"),
                         ("truncated", "truncated .xlsx"), ("corrupt", "damaged deflate stream"),
                         ("lying", "member larger than its header says")):
        add(f"mf_{kind}.xlsx", "import", f"manifest: {attack}", lambda kind=kind: _xlsx_hostile(plain_manifest, kind, 8),
            args=["import", "--manifest", str(folder / f"mf_{kind}.xlsx")])
    add("mf_bomb.xlsx", "import", "manifest: zip bomb",
        lambda p: _zip_bomb(p, "xl/worksheets/sheet1.xml", {"[Content_Types].xml": b"<Types/>"}),
        args=["import", "--manifest", str(folder / "mf_bomb.xlsx")])
    add("mf_huge_cell.csv", "import", "manifest with a 10-million-character cell",
        lambda: _csv([MANIFEST_HEADER, ["H01", ok, "riverbend", "x" * 10_000_000, "S1", "counselor", "interview",
                                "2026-01-01", "IV1"]]),
        args=["import", "--manifest", str(folder / "mf_huge_cell.csv")])
    add("mf_nul.csv", "import", "manifest with NUL bytes", lambda: _csv(plain_manifest).replace(b",", b",\x00"),
        args=["import", "--manifest", str(folder / "mf_nul.csv")])
    add("mf_escape.csv", "import", "manifest whose file climbs out of its folder to a non-transcript",
        lambda: _csv([MANIFEST_HEADER, ["H01", "../../../../../../etc/passwd", "riverbend", "northside", "S1", "counselor",
                                "interview", "2026-01-01", "IV1"]]),
        args=["import", "--manifest", str(folder / "mf_escape.csv")])
    add("ro_formula.csv", "import", "roster cell holding a formula",
        lambda: _csv([["transcript_id", "speaker_label", "study_id", "role", "aliases"],
              ["ok_transcript", "PARTICIPANT", "=1+1", "counselor", '=HYPERLINK("http://evil.example")']]),
        args=["import", str(good_transcript), "--roster", str(folder / "ro_formula.csv")])
    add("ro_xxe.xlsx", "import", "roster: external entity in the sheet XML",
        lambda: _xlsx_hostile([["transcript_id", "speaker_label", "study_id", "role"],
                       ["ok_transcript", "PARTICIPANT", "S1", "counselor"]], "xxe"),
        args=["import", str(good_transcript), "--roster", str(folder / "ro_xxe.xlsx")])

    # ---------------------------------------------------------------- coding: Word comments
    raw_coding = VALID_CODING_DOCX.read_bytes()
    add("cd_truncated.docx", "coding import", "truncated coded Word file", lambda: raw_coding[: len(raw_coding) // 2])
    add("cd_xxe_comments.docx", "coding import", "external entity in comments.xml",
        lambda: _zip_bytes(_with_member(coding_members, "word/comments.xml",
                                _inject_prolog(coding_members["word/comments.xml"], XXE_PROLOG, "&xxe;"))))
    add("cd_laughs_comments.docx", "coding import", "billion laughs in comments.xml",
        lambda: _zip_bytes(_with_member(coding_members, "word/comments.xml",
                                _inject_prolog(coding_members["word/comments.xml"], LAUGHS_PROLOG, LAUGHS_REF))))
    add("cd_bomb.docx", "coding import", "zip bomb",
        lambda p: _zip_bomb(p, "word/comments.xml", {"word/document.xml": coding_members["word/document.xml"]}))
    add("cd_corrupt_member.docx", "coding import", "damaged comments.xml stream",
        lambda: _corrupt_member(coding_members, "word/comments.xml", 9))
    add("cd_lying_size.docx", "coding import", "member larger than its header says",
        lambda: _lying_sizes(coding_members, "word/document.xml"))
    add("cd_zipslip.docx", "coding import", "member named ../../../../tmp/...",
        lambda: _zip_bytes(_with_member(coding_members, "../../../../tmp/mio-qual-zipslip.txt", b"pwned")))
    # ---------------------------------------------------------------- coding: sheets
    sheet_header = ["transcript_id", "start", "end", "code", "memo"]
    add("cs_formula.csv", "coding import", "coding sheet with a formula in the code column",
        lambda: _csv([sheet_header, [TRANSCRIPT, 0, 10, '=HYPERLINK("http://evil.example","IS.J2")', ""]]))
    add("cs_formula.xlsx", "coding import", "coding .xlsx with a formula cell",
        lambda: _xlsx([sheet_header, [TRANSCRIPT, 0, 10, None, ""]], formulas={"D2": '="IS."&"J2"'}))
    add("cs_past_end.csv", "coding import", "offsets past the end of the transcript",
        lambda: _csv([sheet_header, [TRANSCRIPT, 5, 40, "IS.J2", ""], [TRANSCRIPT, PAST_END, PAST_END + 20, "IS.J2", ""]]))
    add("cs_past_end.xlsx", "coding import", "offsets past the end of the transcript (.xlsx)",
        lambda: _xlsx([sheet_header, [TRANSCRIPT, 0, PAST_END, "IS.J2", ""]]))
    add("cs_huge_float.xlsx", "coding import", "offsets of 1e300",
        lambda: _xlsx([sheet_header, [TRANSCRIPT, 1e300, 1e301, "IS.J2", ""]]))
    add("cs_negative.csv", "coding import", "negative and reversed offsets",
        lambda: _csv([sheet_header, [TRANSCRIPT, -5, 10, "IS.J2", ""], [TRANSCRIPT, 30, 20, "IS.J2", ""]]))
    if big:
        add("cs_200mb.csv", "coding import", "a 200 MB coding sheet",
            lambda p: _big_sheet(p, [sheet_header, [TRANSCRIPT, 0, 10, "IS.J2", "memo " * 40]]))
    add("cs_control_char.csv", "coding import", "a memo holding a control character (U+0007)",
        lambda: _csv([sheet_header, [TRANSCRIPT, 0, 10, "IS.J2", "ding\x07"]]))
    add("cs_huge_cell.csv", "coding import", "a 10-million-character memo",
        lambda: _csv([sheet_header, [TRANSCRIPT, 0, 10, "IS.J2", "m" * 10_000_000]]))
    add("cs_nul.csv", "coding import", "coding sheet with NUL bytes",
        lambda: _csv([sheet_header, [TRANSCRIPT, 0, 10, "IS.J2", ""]]).replace(b",", b"\x00,"))
    coding_rows = [sheet_header, [TRANSCRIPT, 0, 10, "IS.J2", ""]]
    for kind, attack in (("xxe", "external entity in the sheet XML"), ("laughs", "billion laughs"),
                         ("truncated", "truncated .xlsx"), ("corrupt", "damaged deflate stream"),
                         ("lying", "member larger than its header says"), ("zipslip", "zip-slip member")):
        add(f"cs_{kind}.xlsx", "coding import", f"coding sheet: {attack}",
            lambda kind=kind: _xlsx_hostile(coding_rows, kind, 10))
    add("cs_bomb.xlsx", "coding import", "coding sheet: zip bomb",
        lambda p: _zip_bomb(p, "xl/worksheets/sheet1.xml", {"[Content_Types].xml": b"<Types/>"}))
    # ---------------------------------------------------------------- coding: REFI-QDA
    def qde() -> bytes:
        return _qde(transcript_text(), 0, 10)

    add("qd_truncated.qdpx", "coding import", "truncated REFI-QDA project",
        lambda: _zip_bytes({"project.qde": qde(), "Sources/s1.txt": b"x" * 5000})[:300])
    add("qd_xxe.qdpx", "coding import", "external entity in project.qde",
        lambda: _zip_bytes({"project.qde": _inject_prolog(qde(), XXE_PROLOG.replace("r [", "Project ["), "")}))
    add("qd_laughs.qdpx", "coding import", "billion laughs in project.qde",
        lambda: _zip_bytes({"project.qde": _inject_prolog(qde(), LAUGHS_PROLOG.replace("r [", "Project ["), "")}))
    add("qd_zipslip.qdpx", "coding import", "zip-slip member",
        lambda: _zip_bytes({"project.qde": qde(), "../../../../tmp/mio-qual-zipslip.txt": b"pwned"}))
    add("qd_past_end.qdpx", "coding import", "a selection past the end of its source",
        lambda: _zip_bytes({"project.qde": _qde(transcript_text(), 5, PAST_END)}))
    add("qd_bomb.qdpx", "coding import", "zip bomb", lambda p: _zip_bomb(p, "project.qde", {}))
    add("qd_corrupt_member.qdpx", "coding import", "damaged project.qde stream",
        lambda: _corrupt_member({"project.qde": qde() + b"<!--" + b"padding " * 500 + b"-->"}, "project.qde", 11))
    # ---------------------------------------------------------------- codebooks given with --codebook
    sheet = add("cb_sheet.csv", "codebook", "(a good coding sheet for the codebook cases)",
                lambda: _csv([sheet_header, [TRANSCRIPT, 0, 10, "X1", ""]]), args=[])
    cases.pop()
    for name, attack, text in (
        ("cb_yaml_bomb.yaml", "billion-laughs YAML aliases in a codebook",
         f"codebook: evil\ntitle: x\n{YAML_BOMB}\ncodes:\n  - id: X1\n    name: *a9\n"),
        ("cb_deep.yaml", "a codebook value nested 5,000 levels deep",
         "codebook: evil\ncodes:\n  - id: X1\n    name: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("cb_python_tag.yaml", "python object tag in a codebook",
         "codebook: evil\ncodes:\n  - id: X1\n    name: !!python/object/apply:os.system ['echo pwned']\n"),
        ("cb_xxe.qdc", "external entity in a REFI-QDA codebook",
         '<?xml version="1.0" encoding="utf-8"?>' + XXE_PROLOG.replace("r [", "CodeBook [")
         + '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="8b5ae6e2-6418-5790-af15-d919768110e8"'
           ' name="X1 &xxe;" isCodable="true"/></Codes></CodeBook>'),
        ("cb_laughs.qdc", "billion laughs in a REFI-QDA codebook",
         '<?xml version="1.0" encoding="utf-8"?>' + LAUGHS_PROLOG.replace("r [", "CodeBook [")
         + '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="8b5ae6e2-6418-5790-af15-d919768110e8"'
           f' name="X1 {LAUGHS_REF}" isCodable="true"/></Codes></CodeBook>'),
        ("cb_formula.csv", "a codebook table with formula cells",
         "id,parent,level,name,definition,codebook\nX1,,code,\"=HYPERLINK(\"\"http://evil.example\"\")\",=1+1,evil\n"),
        ("cb_nul.csv", "a codebook table with NUL bytes",
         "id,parent,level,name,definition,codebook\nX1,,code,\x00name\x00,\x00\x00,evil\n"),
    ):
        path = add(name, "codebook", attack, lambda text=text: text.encode())
        cases[-1].args = ["coding", "import", str(sheet), "--coder", "mallory", "--codebook", str(path)]
    codebook_rows = [["id", "parent", "level", "name", "definition", "codebook"], ["X1", "", "code", "X one", "", "evil"]]
    for name, attack, make in (
        ("cb_formula.xlsx", "a codebook workbook with a formula cell",
         lambda: _xlsx(codebook_rows, formulas={"E2": "=HYPERLINK(\"http://evil.example\")"}, title="codebook")),
        ("cb_xxe.xlsx", "a codebook workbook: external entity", lambda: _xlsx_hostile(codebook_rows, "xxe")),
        ("cb_laughs.xlsx", "a codebook workbook: billion laughs", lambda: _xlsx_hostile(codebook_rows, "laughs")),
        ("cb_truncated.xlsx", "a truncated codebook workbook", lambda: _xlsx_hostile(codebook_rows, "truncated")),
        ("cb_bomb.xlsx", "a codebook workbook: zip bomb",
         lambda p: _zip_bomb(p, "xl/worksheets/sheet1.xml", {"[Content_Types].xml": b"<Types/>"})),
    ):
        path = add(name, "codebook", attack, make)
        cases[-1].args = ["coding", "import", str(sheet), "--coder", "mallory", "--codebook", str(path)]
    # ---------------------------------------------------------------- ratings
    add("rt_formula.csv", "ratings import", "rating sheet with formulas",
        lambda: _csv([RATING_HEADER, ["northside", "IS.J1", "=1+1", "ok"], ["eastgate", "IS.J1", "+1", "=HYPERLINK(\"x\")"]]))
    add("rt_formula.xlsx", "ratings import", "rating .xlsx with a formula cell",
        lambda: _xlsx([RATING_HEADER, ["northside", "IS.J1", None, "ok"]], formulas={"C2": "=1+1"}, title="ratings"))
    rating_rows = [RATING_HEADER, ["northside", "IS.J1", "+1", "ok"]]
    for kind, attack in (("xxe", "external entity"), ("laughs", "billion laughs"), ("truncated", "truncated .xlsx"),
                         ("corrupt", "damaged deflate stream")):
        add(f"rt_{kind}.xlsx", "ratings import", f"rating sheet: {attack}",
            lambda kind=kind: _xlsx_hostile(rating_rows, kind, 12))
    add("rt_bomb.xlsx", "ratings import", "rating sheet: zip bomb",
        lambda p: _zip_bomb(p, "xl/worksheets/sheet1.xml", {"[Content_Types].xml": b"<Types/>"}))
    add("rt_huge_cell.csv", "ratings import", "a 10-million-character rationale",
        lambda: _csv([RATING_HEADER, ["northside", "IS.J1", "+1", "r" * 10_000_000]]))
    add("rt_nul.csv", "ratings import", "rating sheet with NUL bytes", lambda: _csv(rating_rows).replace(b",", b",\x00"))
    add("rt_decisions_formula.csv", "ratings import", "a consensus decisions file with formulas",
        lambda: _csv([["case_kind", "case_id", "construct", "rating", "rationale"],
                      ["clinic", "northside", "IS.J1", "=1+1", "=HYPERLINK(\"http://evil.example\")"]]),
        args=["ratings", "consensus", "--decisions", str(folder / "rt_decisions_formula.csv")])
    add("rt_decisions_truncated.xlsx", "ratings import", "a truncated consensus decisions file",
        lambda: _xlsx_hostile([["case_kind", "case_id", "construct", "rating"], ["clinic", "northside", "IS.J1", "0"]],
                              "truncated"),
        args=["ratings", "consensus", "--decisions", str(folder / "rt_decisions_truncated.xlsx")])
    # ---------------------------------------------------------------- coding: reconciliation decisions
    decision_header = ["id", "transcript", "turn", "text", "coder A codes", "coder B codes", "decision", "note",
                       "start", "end", "a_codings", "b_codings"]
    add("cs_decisions_formula.csv", "coding import", "a reconciliation sheet with a formula decision",
        lambda: _csv([decision_header, ["D0001", TRANSCRIPT, "t2", "x", "IS.J2", "", '=IF(1,"IS.J2")', "", 0, 10,
                                        "IS.J2 0-10", ""]]))
    add("cs_decisions_past_end.csv", "coding import", "a reconciliation sheet pointing past the end",
        lambda: _csv([decision_header, ["D0001", TRANSCRIPT, "t2", "x", "IS.J2", "", "keep A", "", PAST_END,
                                        PAST_END + 10, f"IS.J2 {PAST_END}-{PAST_END + 10}", ""]]))
    # ---------------------------------------------------------------- reports and joint displays
    report_out = str(folder / "report-out" / "r.docx")
    add("rd_huge.txt", "report", "a --redact list of 5 MB",
        lambda: "".join(f"Name{i} Person\n" for i in range(300_000)).encode(),
        args=["report", "themes", "--redact", str(folder / "rd_huge.txt"), "--out", report_out])
    add("rd_many_names.txt", "report", "a --redact list of 60,000 short names (under 1 MiB)",
        lambda: "".join(f"N{i}\n" for i in range(60_000)).encode(),
        args=["report", "themes", "--redact", str(folder / "rd_many_names.txt"), "--out", report_out])
    add("rd_binary.txt", "report", "a --redact list of random bytes", lambda: random.Random(15).randbytes(4000),
        args=["report", "themes", "--redact", str(folder / "rd_binary.txt"), "--out", report_out])
    add("jf_formula.csv", "report", "a joint-display fit file with formulas",
        lambda: _csv([["construct", "fit", "note"], ["IS.J1", '=IF(1,"confirmation")', "=1+1"]]),
        args=["joint", "--display", "side-by-side", "--outcome", "reach", "--rater", "riley", "--format", "csv",
              "--fit", str(folder / "jf_formula.csv")])
    add("jf_xxe.xlsx", "report", "a joint-display fit file with an external entity",
        lambda: _xlsx_hostile([["construct", "fit"], ["IS.J1", "confirmation"]], "xxe"),
        args=["joint", "--display", "side-by-side", "--outcome", "reach", "--rater", "riley", "--format", "csv",
              "--fit", str(folder / "jf_xxe.xlsx")])
    # ---------------------------------------------------------------- quantitative outcomes
    fidelity = (SAMPLE / "quant" / "fidelity_sessions.csv").read_text(encoding="utf-8").splitlines()
    header = fidelity[0].split(",")
    row = fidelity[1].split(",")
    add("qn_formula.csv", "quant import", "fidelity file with a formula",
        lambda: _csv([header, row[:-1] + ['=HYPERLINK("http://evil.example",4)']]))
    add("qn_formula.xlsx", "quant import", "fidelity .xlsx with a formula cell",
        lambda: _xlsx([header, row[:-1] + [None]], formulas={f"{chr(64 + len(header))}2": "=2+2"}))
    for kind, attack in (("xxe", "external entity"), ("truncated", "truncated .xlsx"), ("lying", "lying sizes")):
        add(f"qn_{kind}.xlsx", "quant import", f"fidelity sheet: {attack}",
            lambda kind=kind: _xlsx_hostile([header, row], kind, 13))
    add("qn_huge_cell.csv", "quant import", "a 10-million-character cell",
        lambda: "\n".join([fidelity[0], ",".join(row[:-1] + ["9" * 10_000_000])]).encode() + b"\n")
    return cases


def word_with_bad_symbols(path: Path) -> Path:
    """The sample Word transcript with ``w:sym`` characters no XML file can hold (U+0001, U+FFFF, U+D800).

    Not refused: Word draws nothing for them, so the reader leaves them out, and the transcript
    must then export to Word, Excel and REFI-QDA without error.
    """
    members = _members(VALID_DOCX)
    body = members["word/document.xml"]
    start = body.index(b"</w:tbl>")  # after the metadata table: in the speech itself
    members["word/document.xml"] = body[:start] + body[start:].replace(
        b"<w:t xml:space=\"preserve\">", b'<w:sym w:font="Symbol" w:char="0001"/><w:sym w:char="FFFF"/>'
        b'<w:sym w:char="D800"/><w:t xml:space="preserve">', 3)
    path.write_bytes(_zip_bytes(members))
    return path


def _qde(text: str, start: int, end: int) -> bytes:
    """A minimal REFI-QDA project with one source (inline text) and one coded selection."""
    from xml.sax.saxutils import escape

    ns = "urn:QDA-XML:project:1.0"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{ns}" name="hostile">
  <Users><User guid="aa000000-0000-0000-0000-000000000001" name="mallory"/></Users>
  <CodeBook><Codes><Code guid="cc000000-0000-0000-0000-000000000001" name="IS.J2" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="5e000000-0000-0000-0000-000000000001" name="{TRANSCRIPT}">
    <PlainTextContent>{escape(text)}</PlainTextContent>
    <PlainTextSelection guid="5e000000-0000-0000-0000-0000000000a1" startPosition="{start}" endPosition="{end}"
      creatingUser="aa000000-0000-0000-0000-000000000001">
      <Coding guid="5e000000-0000-0000-0000-0000000000a2" creatingUser="aa000000-0000-0000-0000-000000000001">
        <CodeRef targetGUID="cc000000-0000-0000-0000-000000000001"/></Coding>
    </PlainTextSelection></TextSource></Sources>
</Project>""".encode()


_TEXT: list[str] = []


def transcript_text() -> str:
    """INT02's canonical text, as the base project holds it."""
    if not _TEXT:
        from mio_qual.transcripts import read_transcript

        _TEXT.append(read_transcript(SAMPLE / "INT02_northside_director.txt", sentences=False).text)
    return _TEXT[0]


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("hostile-files")
    cases = build_cases(folder, big="--no-big" not in argv)
    for case in cases:
        print(f"{case.importer:15} {case.name:28} {case.attack}")
    print(f"{len(cases)} cases in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

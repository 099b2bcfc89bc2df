"""Fuzzing the readers and importers with hypothesis: damage real files, generate odd text.

Properties:

* a damaged transcript file (bytes flipped, inserted, deleted, cut short; Word XML with junk
  text and tags) is either read into a consistent transcript or refused with a one-line
  :class:`InputError` naming the file, never another exception;
* a plain-text transcript's canonical text is exactly :func:`mio_qual.offsets.canonicalize` of
  what the file says, whatever mix of line ends, accents, tabs and emoji it has (no
  character silently dropped or added, so offsets cannot drift);
* a coding sheet of arbitrary cells is imported whole or refused whole: after an error the
  project is unchanged, after success every coding lies inside its transcript;
* a manifest of arbitrary cells is read or refused with an InputError.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import SAMPLE, project_state
from mio_qual.errors import InputError
from mio_qual.offsets import canonicalize, is_canonical
from mio_qual.transcripts import read_transcript

FUZZ = settings(max_examples=int(os.environ.get("MIO_FUZZ_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
SAMPLES = {
    ".txt": SAMPLE / "INT02_northside_director.txt",
    ".md": SAMPLE / "INT07_westfield_counselor.md",
    ".vtt": SAMPLE / "INT03_eastgate_counselor.vtt",
    ".srt": SAMPLE / "INT05_downtown_counselor.srt",
    ".docx": SAMPLE / "INT01_northside_counselor.docx",
}
_BYTES = {suffix: path.read_bytes() for suffix, path in SAMPLES.items()}

MUTATION = st.tuples(st.sampled_from(["flip", "insert", "delete", "cut", "splice"]),
                     st.floats(0, 1, allow_nan=False), st.binary(min_size=1, max_size=8))


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    """Apply byte-level damage at relative positions."""
    out = bytearray(data)
    for op, where, junk in mutations:
        if not out:
            break
        i = min(int(where * len(out)), len(out) - 1)
        if op == "flip":
            for k, b in enumerate(junk):
                if i + k < len(out):
                    out[i + k] ^= b or 0xFF
        elif op == "insert":
            out[i:i] = junk
        elif op == "delete":
            del out[i: i + len(junk) * 37]
        elif op == "cut":
            del out[i:]
        else:  # splice: copy a later stretch over this one
            j = min(len(out) - 1, i + len(junk) * 101)
            out[i: i + 64] = out[j: j + 64]
    return bytes(out)


def check_read(path: Path) -> None:
    """Read ``path``: a consistent transcript, or a one-line InputError naming it."""
    try:
        transcript = read_transcript(path)
    except InputError as error:
        assert "\n" not in str(error) and str(path) in str(error), str(error)
        return
    transcript.check_spans()
    assert is_canonical(transcript.text)
    assert transcript.turns
    for block in transcript.source_blocks:
        assert 0 <= block.start <= block.end <= len(transcript.text)
    for note in transcript.notes:
        assert 0 <= note.start < note.end <= len(transcript.text)


@FUZZ
@given(suffix=st.sampled_from(sorted(SAMPLES)), mutations=st.lists(MUTATION, min_size=1, max_size=6))
def test_damaged_sample_files_are_read_or_refused(tmp_path_factory, suffix, mutations):
    data = mutate(_BYTES[suffix], mutations)
    assume(data != _BYTES[suffix])
    path = tmp_path_factory.mktemp("damaged") / f"damaged{suffix}"
    path.write_bytes(data)
    check_read(path)


_DOCX_MEMBERS: dict[str, bytes] = {}


def _docx_members() -> dict[str, bytes]:
    if not _DOCX_MEMBERS:
        with zipfile.ZipFile(SAMPLES[".docx"]) as archive:
            _DOCX_MEMBERS.update({name: archive.read(name) for name in archive.namelist()})
    return _DOCX_MEMBERS


XML_JUNK = st.sampled_from([
    "<w:p>", "</w:p>", "<w:r><w:t>", "</w:t></w:r>", "<w:br/>", "<w:tab/>", "&amp;", "&lt;", "&#0;", "&#xD800;",
    "&#x1F600;", "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>", "<w:ins><w:r><w:t>new</w:t></w:r></w:ins>",
    "<w:commentRangeStart w:id=\"9\"/>", "<w:sym w:char=\"zz\"/>", "<w:sym w:char=\"110000\"/>", "\u0000", "]]>",
    "<![CDATA[x]]>", "<?pi x?>", "<!-- c -->", "PARTICIPANT: ", "\u202e", "e\u0301", "\ufeff",
])


@FUZZ
@given(inserts=st.lists(st.tuples(st.floats(0, 1, allow_nan=False), XML_JUNK), min_size=1, max_size=6))
def test_word_xml_with_junk_is_read_or_refused(tmp_path_factory, inserts):
    """Junk inside word/document.xml: parsed, or refused as damaged; never a crash."""
    members = dict(_docx_members())
    xml = members["word/document.xml"].decode("utf-8")
    body = xml.index("<w:body>") + len("<w:body>")
    for where, junk in inserts:
        i = body + int(where * (len(xml) - body - 20))
        xml = xml[:i] + junk + xml[i:]
    members["word/document.xml"] = xml.encode("utf-8", "surrogatepass")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path = tmp_path_factory.mktemp("word") / "junk.docx"
    path.write_bytes(buffer.getvalue())
    check_read(path)


LABELS = st.sampled_from(["INTERVIEWER: ", "PARTICIPANT: ", "I: ", "R: ", "P3: ", "Facilitator: ", "Jane Doe  0:03\n",
                          "[00:01:02] Ann Lee: ", "Bo Ng (00:00:01): ", "", "  ", "\t"])
CHARS = st.sampled_from(list("abcdefghij ABC.,;:?!'\"-") + ["\u00e9", "e\u0301", "\u00f1", "n\u0303", "\u201c",
                                                             "\u201d", "\u2014", "\U0001F600", "\U0001F3A8", "\t",
                                                             "\u00a0", "\u200b", "\u4e2d", "\u0627"])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " \n", "\t\r\n", "\u2028"])


@FUZZ
@given(turns=st.lists(st.tuples(LABELS, st.lists(CHARS, min_size=1, max_size=60), LINE_ENDS), min_size=1,
                      max_size=12),
       bom=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_plain_text_canonical_form_is_exact(tmp_path_factory, turns, bom, encoding):
    """The stored text is canonicalize(file text): nothing is silently dropped, added or moved."""
    raw = "".join(label + "".join(chars) + end for label, chars, end in turns)
    assume(raw.strip() and not raw.lstrip().startswith("---"))
    data = raw.encode(encoding)  # utf-16 writes a byte-order mark
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path = tmp_path_factory.mktemp("plain") / "t.txt"
    path.write_bytes(data)
    try:
        transcript = read_transcript(path, sentences=False)
    except InputError as error:
        assert "\n" not in str(error)
        assume(False)  # e.g. only spaces after canonicalization
        return
    assert transcript.text == canonicalize(raw)
    assert unicodedata.is_normalized("NFC", transcript.text)
    transcript.check_spans()


# ------------------------------------------------------------------------------ coding sheets
@pytest.fixture(scope="module")
def sheet_project(tmp_path_factory):
    from mio_qual import Project

    folder = tmp_path_factory.mktemp("sheet-fuzz")
    source = folder / "T1.txt"
    source.write_text("INTERVIEWER: What got in the way?\n\nPARTICIPANT: No private room for sessions.\n"
                      "We used the group room.\n", encoding="utf-8")
    project = Project.create(folder / "study")
    project.import_transcripts([source])
    yield project
    project.close()


CELL = st.one_of(
    st.none(), st.integers(-5, 120), st.sampled_from(["T1", "T9", "", " ", "IS.J2", "Funding", "IS.J2; MIO.REC",
                                                      "nonsense", "=1+1", "'=1+1", "T1:t2", "T1:s1", "t2", "x:y",
                                                      "1e3", "12.0", "-3", "No private room", "room"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
)


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=6, max_size=6), min_size=1, max_size=6))
def test_coding_sheets_land_whole_or_not_at_all(sheet_project, tmp_path_factory, rows):

    header = ["transcript_id", "segment_id", "start", "end", "code", "quote"]
    import csv

    path = tmp_path_factory.mktemp("sheet") / "fuzz.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header] + [["" if c is None else c for c in row] for row in rows])
    before = project_state(sheet_project.folder)
    length = len(sheet_project.text("T1"))
    try:
        result = sheet_project.import_coding_sheets([path], coder="fuzzer", codebook=["cfir2", "mio"])
    except InputError as error:
        assert "\n" not in str(error)
        assert project_state(sheet_project.folder) == before
        return
    stored = sheet_project.store.connection.execute(
        "SELECT transcript_id, start, end FROM codings WHERE coder = 'fuzzer' AND source_file = 'fuzz.csv'").fetchall()
    assert len(stored) == result.inserted
    for tid, start, end in stored:
        assert tid == "T1" and 0 <= start < end <= length


@FUZZ
@given(cells=st.lists(st.lists(CELL, min_size=9, max_size=9), min_size=1, max_size=4))
def test_manifests_of_any_cells_are_read_or_refused(tmp_path_factory, cells):
    import csv

    from mio_qual.transcripts import read_manifest

    folder = tmp_path_factory.mktemp("manifest")
    (folder / "T1.txt").write_text("I: hi\nR: hello\n", encoding="utf-8")
    header = ["transcript_id", "file", "agency", "clinic", "participant_id", "role", "kind", "date", "interviewer"]
    path = folder / "manifest.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header] + [["" if c is None else c for c in row] for row in cells])
    try:
        manifest = read_manifest(path)
    except InputError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return
    for entry in manifest.entries:
        assert entry.file.is_file()
        assert not any(str(v).startswith("=") for v in entry.metadata.values())

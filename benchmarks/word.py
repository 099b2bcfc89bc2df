"""Word files at scale: ``export-docx --with-suggestions`` and reading a coder's comments.

Two measurements, each beside its reference in the same run (medians of ``--runs`` runs):

* **export**: a transcript of ``--words`` words (generated: interview turns drawn from a seeded
  vocabulary, as :mod:`benchmarks.replace` makes them) with ``--suggestions`` auto-coder
  suggestions, written by :func:`mio_qual.coding.word.export_docx`, which lays out the
  document once (:class:`~mio_qual.coding.word.ExportRuns`), beside the same export placing
  each suggestion with a fresh layout of the whole document (what mio-qual did before: the
  reference, quadratic in suggestions). Both files are checked to hold the same bytes.
* **comments**: reading the comments, anchors and styles of a coded export
  (:func:`mio_qual.coding.word.read_word_file`, XML through :mod:`mio_qual.xmlsafe`, hardened
  lxml) beside the same parts parsed with ``defusedxml.ElementTree`` (what it used before).

    .venv/bin/python benchmarks/word.py                  # 5,000 words, 600 suggestions, 5 runs
    .venv/bin/python benchmarks/word.py --words 20000 --suggestions 2400 --runs 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replace import make_text  # noqa: E402  (a benchmark script beside this one)

EXPORTED = datetime(2026, 1, 1, tzinfo=timezone.utc)
PARTS = ("word/document.xml", "word/comments.xml", "word/styles.xml", "docProps/custom.xml")


def make_case(words: int, n_suggestions: int, seed: int):
    """A transcript of about ``words`` words and ``n_suggestions`` sentence-long suggestions on it."""
    import pandas as pd

    from mio_qual.transcripts import read_text

    text = make_text(words * 7, seed)  # about 7 characters a word with its space
    transcript = read_text(text, transcript_id="BENCH01")
    rng = random.Random(seed)
    sentences = [(s.start, s.end) for s in transcript.sentences]
    codes = ("IS.J2", "IS.A3", "IP.B1", "MIO.SCHED", "OS.B")
    rows = []
    for start, end in rng.sample(sentences, min(n_suggestions, len(sentences))):
        rows.append((start, end, rng.choice(codes), round(rng.random(), 2)))
    frame = pd.DataFrame(sorted(rows), columns=["start", "end", "code", "probability"])
    return transcript, frame


def reference_runs_for_span(document, start: int, end: int):
    """The placing mio-qual did before: the whole document laid out again for each comment."""
    from mio_qual.coding.word import _export_layout, split_runs

    layout, id_style = _export_layout(document)
    pieces = []
    for paragraph, p_start, p_end in layout:
        a, b = max(start, p_start), min(end, p_end)
        if a < b:
            pieces.extend(split_runs(paragraph, a - p_start, b - p_start, id_style=id_style))
    return pieces


class ReferenceRuns:
    """:class:`mio_qual.coding.word.ExportRuns` as it was: :func:`reference_runs_for_span` for each span."""

    def __init__(self, document) -> None:
        self.document = document

    def runs_for(self, start: int, end: int):
        return reference_runs_for_span(self.document, start, end)


def export_once(transcript, suggestions, path: Path, reference: bool) -> float:
    """CPU seconds of one export (with the reference placing when ``reference``)."""
    from mio_qual.coding import word

    saved = word.ExportRuns
    if reference:
        word.ExportRuns = ReferenceRuns  # type: ignore[misc,assignment]
    try:
        start = time.process_time()
        word.export_docx(transcript, path, suggestions=suggestions, exported=EXPORTED)
        return time.process_time() - start
    finally:
        word.ExportRuns = saved  # type: ignore[misc]


def parts_digest(path: Path) -> str:
    """SHA-256 over the file's members (names and bytes; zip timestamps left out)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode() + b"\0" + archive.read(name) + b"\0")
    return digest.hexdigest()


def comments_once(path: Path) -> tuple[float, float]:
    """(mio-qual's reading, the defusedxml parse of the same parts): CPU seconds."""
    import defusedxml.ElementTree as SafeET

    from mio_qual.coding.word import read_word_file

    start = time.process_time()
    word_file = read_word_file(path)
    ours = time.process_time() - start
    assert len(word_file.comments) > 0
    with zipfile.ZipFile(path) as archive:
        blobs = [archive.read(name) for name in PARTS if name in archive.namelist()]
    start = time.process_time()
    for blob in blobs:
        SafeET.fromstring(blob)
    parse_only = time.process_time() - start
    return ours, parse_only


def xml_parse_once(path: Path) -> tuple[float, float]:
    """(xmlsafe.parse_bytes, defusedxml) on the same parts: CPU seconds of the parse alone."""
    import defusedxml.ElementTree as SafeET

    from mio_qual.xmlsafe import parse_bytes

    with zipfile.ZipFile(path) as archive:
        blobs = [archive.read(name) for name in PARTS if name in archive.namelist()]
    start = time.process_time()
    for blob in blobs:
        parse_bytes(blob)
    lxml_time = time.process_time() - start
    start = time.process_time()
    for blob in blobs:
        SafeET.fromstring(blob)
    return lxml_time, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--suggestions", type=int, default=600)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)

    transcript, suggestions = make_case(args.words, args.suggestions, args.seed)
    ours, reference, digests, parse_pairs = [], [], set(), []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):  # paired runs: ours then the reference, in the same process
            new, old = Path(tmp) / f"new{run}.docx", Path(tmp) / f"old{run}.docx"
            ours.append(export_once(transcript, suggestions, new, reference=False))
            reference.append(export_once(transcript, suggestions, old, reference=True))
            digests.update({parts_digest(new), parts_digest(old)})
            parse_pairs.append(xml_parse_once(new))
        comment_reads = [comments_once(Path(tmp) / "new0.docx")[0] for _ in range(args.runs)]
    figures = {
        "words": len(transcript.text.split()), "suggestions": len(suggestions), "runs": args.runs,
        "export_s": statistics.median(ours), "export_reference_s": statistics.median(reference),
        "same_bytes": len(digests) == 1,
        "xml_parse_lxml_s": statistics.median(p[0] for p in parse_pairs),
        "xml_parse_defusedxml_s": statistics.median(p[1] for p in parse_pairs),
        "read_word_file_s": statistics.median(comment_reads),
    }
    if args.json:
        args.json.write_text(json.dumps(figures), encoding="utf-8")
    print(f"export-docx --with-suggestions, {figures['words']:,} words, {figures['suggestions']} suggestions "
          f"(CPU s, median of {args.runs}):")
    print(f"  mio-qual (layout once)        {figures['export_s']:.3f}")
    print(f"  reference (layout per comment) {figures['export_reference_s']:.3f}   "
          f"same bytes: {figures['same_bytes']}")
    print(f"XML parse of the exported parts: lxml hardened {figures['xml_parse_lxml_s']:.4f}, "
          f"defusedxml {figures['xml_parse_defusedxml_s']:.4f} "
          f"({figures['xml_parse_defusedxml_s'] / max(figures['xml_parse_lxml_s'], 1e-9):.1f}x)")
    print(f"read_word_file (comments, anchors, styles): {figures['read_word_file_s']:.4f}")
    return 0 if figures["same_bytes"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

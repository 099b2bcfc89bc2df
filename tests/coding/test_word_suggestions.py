"""export-docx --with-suggestions lays the document out once (issue 21) and writes what it wrote before.

The old placing laid out the whole document again for every suggestion (quadratic); the
speed is measured in benchmarks/word.py, here the mechanism is checked: one layout per
document, and the same file as placing each comment with a fresh layout.
"""

from __future__ import annotations

import random
import sys
import zipfile
from datetime import datetime, timezone

import pandas as pd
import pytest

from helpers import REPO
from mio_qual.coding import word
from mio_qual.coding.word import export_docx, read_word_file
from mio_qual.transcripts import read_text

sys.path.insert(0, str(REPO / "benchmarks"))

from word import ReferenceRuns  # noqa: E402  (the placing before issue 21, kept as the benchmark's reference)

EXPORTED = datetime(2026, 1, 1, tzinfo=timezone.utc)
TEXT = "\n\n".join(
    f"{'INTERVIEWER' if i % 2 == 0 else 'P1'}: "
    + " ".join(f"Sentence {i}.{j} about supervision and the clinic schedule." for j in range(1 + i % 4))
    for i in range(40))


def suggestions(transcript, n, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):  # spans of any length, crossing paragraphs, overlapping, sharing ends
        a = rng.randrange(0, len(transcript.text) - 2)
        b = min(len(transcript.text), a + rng.randint(1, 400))
        if transcript.text[a:b].strip():
            rows.append((a, b, rng.choice(["IS.J2", "IS.A3", "MIO.SCHED"]), rng.choice([0.5, 0.91, float("nan")])))
    return pd.DataFrame(sorted(rows), columns=["start", "end", "code", "probability"])


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_layout_gives_the_same_file_as_a_layout_per_suggestion(tmp_path, monkeypatch, seed):
    transcript = read_text(TEXT, transcript_id="INT01")
    frame = suggestions(transcript, 60, seed)
    export_docx(transcript, tmp_path / "once.docx", suggestions=frame, exported=EXPORTED)
    monkeypatch.setattr(word, "ExportRuns", ReferenceRuns)
    export_docx(transcript, tmp_path / "each.docx", suggestions=frame, exported=EXPORTED)
    assert members(tmp_path / "once.docx") == members(tmp_path / "each.docx")


def test_the_document_is_laid_out_once_whatever_the_number_of_suggestions(tmp_path, monkeypatch):
    transcript = read_text(TEXT, transcript_id="INT01")
    calls = []
    original = word._export_layout

    def counting(document):
        calls.append(1)
        return original(document)

    monkeypatch.setattr(word, "_export_layout", counting)
    export_docx(transcript, tmp_path / "a.docx", suggestions=suggestions(transcript, 80, 5), exported=EXPORTED)
    assert len(calls) == 1


def test_each_suggestion_lands_on_its_span_and_is_dated_by_the_export(tmp_path):
    transcript = read_text(TEXT, transcript_id="INT01")
    frame = suggestions(transcript, 30, 7).drop_duplicates(["start", "end", "code"])
    export_docx(transcript, tmp_path / "a.docx", suggestions=frame, exported=EXPORTED)
    read = read_word_file(tmp_path / "a.docx")
    assert len(read.comments) == len(frame)
    assert b'w:date="2026-01-01T00:00:00Z"' in members(tmp_path / "a.docx")["word/comments.xml"]
    placed = word._export_placer(read)
    spans = sorted((placed.place(*read.starts[c], "start", read.paragraphs),
                    placed.place(*read.ends[c], "end", read.paragraphs)) for c in read.comments)
    assert spans == sorted(zip(frame["start"], frame["end"]))

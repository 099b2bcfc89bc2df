"""The benchmark corpus generator writes files the readers accept, deterministically."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from helpers import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import generate_corpus  # noqa: E402

from mio_qual.transcripts import read_manifest, read_transcripts  # noqa: E402

STYLE = {"txt": "label-colon", "otter": "otter", "vtt-zoom": "vtt-label", "vtt-teams": "vtt-voice",
         "srt": "srt-diarized", "docx": "label-colon"}


def test_generated_corpus_reads_back(tmp_path):
    stats = generate_corpus(tmp_path, n_transcripts=30, words_each=300, seed=7)
    manifest = read_manifest(tmp_path / "manifest.csv")
    assert len(manifest) == stats["files"] == 30
    seen = set()
    for t in read_transcripts(manifest.entries):
        t.check_spans()
        kind = Path(t.source_path).stem.split("_", 1)[1]
        seen.add(kind)
        assert t.speaker_style == STYLE[kind]
        assert len(t.speakers) == 2 and t.sentences
        assert t.metadata["kind"] == "interview"
    assert len(seen) >= 4


def test_generated_corpus_is_deterministic(tmp_path):
    a = generate_corpus(tmp_path / "a", n_transcripts=12, words_each=200, seed=1)
    b = generate_corpus(tmp_path / "b", n_transcripts=12, words_each=200, seed=1)
    assert a == b
    for p in sorted((tmp_path / "a").iterdir()):
        if p.suffix != ".docx":
            q = tmp_path / "b" / p.name
            assert hashlib.sha256(p.read_bytes()).digest() == hashlib.sha256(q.read_bytes()).digest()

"""Determinism: the same inputs give byte-identical CSV outputs and identical models.

The whole pipeline (``mio-qual demo --no-charts``: import, two human layers, agreement,
reconciliation, rule and model suggestions, ratings, outcomes, joint displays, reports) runs
twice in separate processes with different ``PYTHONHASHSEED`` values, so that an output
order that depends on set or dict iteration of strings would show. Then:

* every CSV file the demo wrote is byte-identical between the two runs;
* the stored models are identical (weights blob, metadata, codebook version, unit), and so
  are the codings each layer holds and the ratings;
* the CSV output of the CLI's table commands (agreement, disagreements, coding layers,
  sentences, rating matrix and agreement, outcome summary, joint display, autocode
  evaluation, codebook export) is byte-identical; for the three that carry the time of an
  import (transcript list, coding export, audit log) the clock columns are left out first,
  since those record when, not what (and the log's commands name each run's folder).

Word and Excel files are not compared: their package metadata holds the time they were
written.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

EXPORTS = r"""
import contextlib, io, sys
from pathlib import Path
from mio_qual.cli.main import cli

project, out = sys.argv[1], Path(sys.argv[2])
out.mkdir()
commands = {
    "agreement": ["agreement", "--coders", "jordan", "casey", "--format", "csv"],
    "agreement_turns": ["agreement", "--coders", "jordan", "casey", "--unit", "turn", "--format", "csv"],
    "disagreements": ["disagreements", "--coders", "jordan", "casey", "--format", "csv"],
    "coding_list": ["coding", "list", "--format", "csv"],
    "sentences": ["transcripts", "show", "FG01", "--unit", "sentence", "--format", "csv"],
    "ratings_matrix": ["ratings", "matrix", "--format", "csv"],
    "ratings_agreement": ["ratings", "agreement", "--format", "csv"],
    "quant_summary": ["quant", "summary", "--format", "csv"],
    "joint": ["joint", "--format", "csv"],
    "evaluate_rules": ["autocode", "evaluate", "--method", "rules", "--format", "csv"],
    "codebook": ["codebook", "export", "cfir2", "--format", "csv", "--out", str(out / "codebook_file.csv")],
    "transcripts": ["transcripts", "list", "--format", "csv"],
    "log": ["log", "--limit", "0", "--format", "csv"],
    "export_consensus": ["coding", "export", "--coder", "consensus", "--out", str(out / "export_consensus_file.csv")],
}
for name, args in commands.items():
    buffer = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(buffer):
        try:
            cli(["--project", project, *args])
        except SystemExit as exc:
            code = exc.code
    assert not code, (name, code)
    if "--out" not in args:
        (out / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")
"""

CLOCK_COLUMNS = {"imported_at", "created", "at", "added_at"}


def _pipeline(out: Path, seed: int) -> None:
    env = dict(os.environ, PYTHONHASHSEED=str(seed), MIO_QUAL_USER="det", COLUMNS="200")
    env.pop("MIO_QUAL_PROJECT", None)
    demo = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "demo", "--no-charts", "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert demo.returncode == 0, demo.stderr[-3000:]
    exports = subprocess.run([sys.executable, "-c", EXPORTS, str(out / "project"), str(out / "cli")],
                             capture_output=True, text=True, env=env, timeout=600)
    assert exports.returncode == 0, exports.stderr[-3000:]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("determinism")
    first, second = root / "first", root / "second"
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda job: _pipeline(*job), [(first, 1), (second, 2)]))
    return first, second


def _csv_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.csv") if "project" not in p.parts)


def _without_clock(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text
    drop = {i for i, name in enumerate(rows[0]) if name in CLOCK_COLUMNS}
    return "\n".join(",".join(cell for i, cell in enumerate(row) if i not in drop) for row in rows)


def test_every_csv_output_is_byte_identical(runs):
    first, second = runs
    files = _csv_files(first)
    assert files == _csv_files(second)
    assert len([f for f in files if f.startswith(("tables", "reports"))]) >= 10
    with_clock = {"cli/transcripts.csv", "cli/log.csv", "cli/export_consensus_file.csv"}
    for name in files:
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        assert a.strip(), name  # something was written
        if name in with_clock:  # the audit log's commands name each run's own --out folder
            a_text, b_text = a.decode().replace(str(first), "RUN"), b.decode().replace(str(second), "RUN")
            assert _without_clock(a_text) == _without_clock(b_text), name
        else:
            assert a == b, name


def test_models_codings_and_ratings_are_identical(runs):
    first, second = runs

    def content(folder: Path) -> dict[str, list]:
        connection = sqlite3.connect(folder / "project" / "mio-qual.db")
        try:
            return {
                "models": connection.execute(
                    "SELECT id, codebook_version, library_version, unit, trained_on, meta, weights FROM models"
                    " ORDER BY id").fetchall(),
                "codings": connection.execute(
                    "SELECT transcript_id, start, end, code, coder, origin, memo, codebook_version, source_file,"
                    " probability, evidence, unit FROM codings ORDER BY id").fetchall(),
                "ratings": connection.execute(
                    "SELECT rater, case_kind, case_id, construct, rating, rationale, source_file FROM ratings"
                    " ORDER BY id").fetchall(),
                "transcripts": connection.execute("SELECT id, text_hash FROM transcripts ORDER BY id").fetchall(),
                "segments": connection.execute("SELECT COUNT(*), SUM(start), SUM(end) FROM segments").fetchall(),
            }
        finally:
            connection.close()

    a, b = content(first), content(second)
    assert a["models"], "the demo trained no model"
    assert {row[5] for row in a["codings"]} >= {"human", "consensus", "rules", "model"}
    for table in a:
        assert a[table] == b[table], table


# ------------------------------------------------------------------------------ model features
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = st.sampled_from(list("abcdeABCDE .,;:?!'-\t\n") + ["\u00e9", "e\u0301", "\u00a0", "\u200b", "\u2028",
                                                                "\x1c", "\x85", "\U0001F600", "\u0130", "\u00df",
                                                                "  ", "\u4e2d"])


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.lists(_ALPHABET, max_size=80).map("".join), min_size=1, max_size=30),
       ngrams=st.sampled_from([(2, 5), (1, 3), (3, 3), (4, 6)]), lowercase=st.booleans())
def test_cached_character_ngram_counts_equal_the_hashing_vectorizer(texts, ngrams, lowercase):
    """The per-word cache that speeds up predicting gives exactly scikit-learn's hashed counts.

    So a model trained or applied through it has the same columns, idf and probabilities as
    before the cache existed (models stay identical across versions and runs).
    """
    import numpy as np

    from mio_qual.autocode.features import HashedTfidf

    features = HashedTfidf("char_wb", ngrams, 2 ** 18, 1, lowercase=lowercase)
    expected = features._hasher().transform(texts).tocsr()
    expected.sum_duplicates()
    for _ in range(2):  # the second time every word comes from the cache
        got = features._counts(texts)
        assert got.shape == expected.shape
        assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data)

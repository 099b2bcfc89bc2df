"""Reading segments lean (issue 21): batches, categories and the columns agreement reads."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from helpers.agreement import make_coded_project

from mio_qual.store import transcripts as store_transcripts
from mio_qual.transcripts.model import INTERVIEWER_ROLES


def _cursor():
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE x (a TEXT, b INTEGER, c TEXT, d REAL)")
    rows = [("t1", None, None, None), ("t1", None, None, None), ("t2", 1, "m", 2.5), ("t3", 2, None, None),
            ("t1", 3, "m", None)]
    connection.executemany("INSERT INTO x VALUES (?, ?, ?, ?)", rows)
    return connection


@pytest.mark.parametrize("batch", [1, 2, 3, 100])
def test_frame_read_in_batches_equals_one_read(monkeypatch, batch):
    connection = _cursor()
    whole = pd.DataFrame.from_records(connection.execute("SELECT * FROM x").fetchall(), columns=list("abcd"))
    monkeypatch.setattr(store_transcripts, "BATCH_ROWS", batch)
    shared = store_transcripts.read_frame(connection.execute("SELECT * FROM x"), list("abcd"), shared=["a", "c"])
    pd.testing.assert_frame_equal(shared, whole)
    assert shared["a"].iloc[0] is shared["a"].iloc[1]           # one string object for equal values
    categories = store_transcripts.read_frame(connection.execute("SELECT * FROM x"), list("abcd"),
                                              categorical=["a"])
    assert isinstance(categories["a"].dtype, pd.CategoricalDtype)
    assert categories["a"].astype(str).tolist() == whole["a"].tolist()
    pd.testing.assert_frame_equal(categories.drop(columns="a"), whole.drop(columns="a"))
    empty = store_transcripts.read_frame(connection.execute("SELECT * FROM x WHERE 0"), list("abcd"),
                                         categorical=["a"])
    assert list(empty.columns) == list("abcd") and not len(empty)


@pytest.mark.parametrize("kind", ["turn", "paragraph", "sentence"])
def test_segment_units_are_the_segments_agreement_reads(tmp_path, kind):
    project = make_coded_project(tmp_path)
    full = project.segments(kind, with_text=False)
    units = store_transcripts.segment_units(project.store, kind, INTERVIEWER_ROLES)
    assert len(units) == len(full) and units["is_interviewer"].any() and not units["is_interviewer"].all()
    assert units["transcript_id"].astype(str).tolist() == full["transcript_id"].tolist()
    for column in ("n", "start", "end"):
        assert units[column].tolist() == full[column].tolist()
    for column in ("turn_n", "body_start"):
        if column in full.columns:
            np.testing.assert_array_equal(units[column].to_numpy(float), full[column].to_numpy(float))
    assert units["is_interviewer"].tolist() == full["is_interviewer"].tolist()
    for column in ("speaker", "study_id", "speaker_role"):
        assert units[column].astype(object).where(units[column].notna(), None).tolist() == \
            full[column].astype(object).where(full[column].notna(), None).tolist()


def test_turn_spans_are_the_turns_with_their_speakers(tmp_path):
    """The evidence's lean read of the turns: the turns segment_units gives, without turn numbers and speaker facts."""
    project = make_coded_project(tmp_path)
    units = store_transcripts.segment_units(project.store, "turn", INTERVIEWER_ROLES)
    spans = store_transcripts.turn_spans(project.store)
    assert list(spans.columns) == ["transcript_id", "start", "end", "speaker"] and len(spans) == len(units) > 0
    for column in spans.columns:
        assert spans[column].astype(object).tolist() == units[column].astype(object).tolist(), column
    assert isinstance(spans["transcript_id"].dtype, pd.CategoricalDtype)


def test_texts_of_named_transcripts_are_read_a_chunk_at_a_time(tmp_path, monkeypatch):
    project = make_coded_project(tmp_path)
    every = store_transcripts.transcript_texts(project.store)
    assert len(every) >= 2
    monkeypatch.setattr(store_transcripts, "IDS_PER_QUERY", 1)
    named = store_transcripts.transcript_texts(project.store, [*reversed(every), "no such transcript"])
    assert named == every and list(named) == sorted(every)
    last = sorted(every)[-1]
    assert store_transcripts.transcript_texts(project.store, [last]) == {last: every[last]}
    assert store_transcripts.transcript_texts(project.store, []) == {}

"""Reading segments lean (issue 21): batches, categories and the columns agreement reads."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from helpers.agreement import make_coded_project
from hypothesis import given, settings
from hypothesis import strategies as st

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
    used = {"paragraph": "turn_n", "turn": "body_start"}[kind] if kind != "sentence" else None
    for column in ("turn_n", "body_start"):    # read for the kind whose units use it only
        assert (column in units.columns) == (column == used)
        if column == used:
            np.testing.assert_array_equal(units[column].to_numpy(float), full[column].to_numpy(float))
    assert units["is_interviewer"].tolist() == full["is_interviewer"].tolist()
    for column in ("speaker", "study_id", "speaker_role"):
        assert units[column].astype(object).where(units[column].notna(), None).tolist() == \
            full[column].astype(object).where(full[column].notna(), None).tolist()


_ROWS = st.lists(st.tuples(st.integers(-2**40, 2**40), st.one_of(st.none(), st.integers(0, 10**6)),
                           st.one_of(st.none(), st.sampled_from(["b", "a", "É", "ab", "", "z z", "10"]))),
                 max_size=40)


@settings(max_examples=150, deadline=None)
@given(rows=_ROWS, batch=st.integers(1, 9))
def test_columns_are_what_pandas_makes_of_the_records(rows, batch):
    """read_columns equals the frame pandas builds from every record (numbers typed as pandas types them: int64,
    float64 with NaN where a value is NULL, object where every one is), labels as pd.Categorical of the column, and
    read_frame's categorical column (categories in its batch order), whatever the batch size."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE x (i INTEGER NOT NULL, j INTEGER, s TEXT)")
    connection.executemany("INSERT INTO x VALUES (?, ?, ?)", rows)
    whole = pd.DataFrame.from_records(connection.execute("SELECT i, j, s FROM x").fetchall(), columns=list("ijs"))
    old = store_transcripts.BATCH_ROWS
    store_transcripts.BATCH_ROWS = batch
    try:
        i, j, labels = store_transcripts.read_columns(connection.execute("SELECT i, j, s FROM x"),
                                                      ["int", "int?", "labels"])
        *_, category = store_transcripts.read_columns(connection.execute("SELECT i, j, s FROM x"),
                                                      ["int", "int?", "category"])
        framed = None if any(r[2] is None for r in rows) else store_transcripts.read_frame(
            connection.execute("SELECT i, j, s FROM x"), list("ijs"), categorical=["s"])  # (its text is never NULL)
    finally:
        store_transcripts.BATCH_ROWS = old
    for got, column in ((i, "i"), (j, "j")):
        assert got.dtype == whole[column].dtype, column
        np.testing.assert_array_equal(got, whole[column].to_numpy())
    pd.testing.assert_series_equal(pd.Series(labels), pd.Series(pd.Categorical(whole["s"])))
    assert [None if pd.isna(v) else v for v in category] == [r[2] for r in rows]
    if framed is not None:
        pd.testing.assert_series_equal(pd.Series(category), framed["s"], check_names=False)


def test_segment_units_read_no_number_they_can_count(tmp_path):
    """Sentences numbered without a gap (as imported) are read as start, end and speaker only: no number, turn or
    body start per row; a gap in the numbers is read from the rows, and gives the same numbers as the segments."""
    project = make_coded_project(tmp_path)
    statements: list[str] = []
    project.store.connection.set_trace_callback(statements.append)
    units = store_transcripts.segment_units(project.store, "sentence", INTERVIEWER_ROLES)
    project.store.connection.set_trace_callback(None)
    rows = [s for s in statements if "ORDER BY transcript_id, n" in s and "GROUP BY" not in s]
    assert len(rows) == 1 and rows[0].startswith("SELECT start, end, speaker FROM segments"), statements
    for statement in statements:   # the sentences alone, through the primary key, in order: no scan, no sort
        if "FROM segments" in statement:
            plan = " ".join(r[-1] for r in project.store.connection.execute("EXPLAIN QUERY PLAN " + statement))
            assert "PRIMARY KEY" in plan and "SCAN segments" not in plan and "TEMP B-TREE" not in plan, plan
    assert units["n"].tolist() == project.segments("sentence", with_text=False)["n"].tolist()
    tid = units["transcript_id"].astype(str).iloc[0]
    with project.store.transaction():
        project.store.connection.execute("DELETE FROM segments WHERE kind = 'sentence' AND transcript_id = ? AND n = 2",
                                          [tid])
    statements.clear()
    project.store.connection.set_trace_callback(statements.append)
    gap = store_transcripts.segment_units(project.store, "sentence", INTERVIEWER_ROLES)
    project.store.connection.set_trace_callback(None)
    full = project.segments("sentence", with_text=False)
    assert any("SELECT start, end, speaker, n FROM segments" in s for s in statements)
    assert gap["n"].tolist() == full["n"].tolist() and 2 not in gap[gap["transcript_id"] == tid]["n"].tolist()
    assert gap["start"].tolist() == full["start"].tolist()


def test_turn_spans_are_the_turns_with_their_speakers(tmp_path):
    """The evidence's lean read of the turns: the turns segment_units gives, without turn numbers and speaker facts."""
    project = make_coded_project(tmp_path)
    units = store_transcripts.segment_units(project.store, "turn", INTERVIEWER_ROLES)
    spans = store_transcripts.turn_spans(project.store)
    assert list(spans.columns) == ["transcript_id", "start", "end", "speaker"] and len(spans) == len(units) > 0
    for column in spans.columns:
        assert spans[column].astype(object).tolist() == units[column].astype(object).tolist(), column
    assert isinstance(spans["transcript_id"].dtype, pd.CategoricalDtype)


def test_turn_spans_seek_each_transcripts_turns_without_reading_every_segment(tmp_path):
    """The turns are found through the segments' key (transcript_id, kind, n), one transcript at a time: no scan
    of every segment of every kind, no temporary sort (issue 21: 205,000 segments at 800 transcripts)."""
    project = make_coded_project(tmp_path)
    statements: list[str] = []
    project.store.connection.set_trace_callback(statements.append)
    spans = store_transcripts.turn_spans(project.store)
    project.store.connection.set_trace_callback(None)
    assert len(spans) > 0 and len(statements) == 2
    for statement in statements:
        plan = " ".join(row[-1] for row in project.store.connection.execute("EXPLAIN QUERY PLAN " + statement))
        assert "SEARCH segments USING PRIMARY KEY" in plan and "SCAN segments" not in plan, (statement, plan)
        assert "TEMP B-TREE" not in plan, (statement, plan)


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

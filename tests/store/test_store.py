"""The SQLite project store: schema, transactions, identity of transcripts, moving codings."""

from __future__ import annotations

import sqlite3

import pytest

from mio_qual.errors import InputError
from mio_qual.store import SCHEMA_VERSION, Store
from mio_qual.store import transcripts as st
from mio_qual.transcripts.model import Paragraph, Sentence, Speaker, Transcript, Turn


def make_transcript(tid: str = "T1", text: str = "I: How is it going?\n\nR: Fine. Supervision helps.") -> Transcript:
    body = text.index("R: ") + 3
    t = Transcript(id=tid, text=text, metadata={"clinic": "northside", "kind": "interview", "shift": "day"})
    t.turns = [Turn(1, "I", 0, text.index("\n"), 3), Turn(2, "R", text.index("R: "), len(text), body)]
    t.paragraphs = [Paragraph(1, 1, 3, text.index("\n")), Paragraph(2, 2, body, len(text))]
    t.sentences = [Sentence(1, 1, 1, 3, text.index("\n")), Sentence(2, 2, 2, body, body + 5),
                   Sentence(3, 2, 2, body + 6, len(text))]
    t.speakers = [Speaker("I", "IV1", "interviewer"), Speaker("R", "S01", "counselor")]
    t.check_spans()
    return t


def test_create_sets_wal_foreign_keys_and_version(tmp_path):
    store = Store.create(tmp_path / "p.db")
    c = store.connection
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with pytest.raises(InputError):
        Store.create(tmp_path / "p.db")


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "p.db"
    Store.create(path).close()
    c = sqlite3.connect(path)
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.commit()
    c.close()
    with pytest.raises(InputError, match="newer"):
        Store.open(path)


def test_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(b"this is not a database at all, just text")
    with pytest.raises(InputError, match="not a mio-qual project"):
        Store.open(path)


def test_transaction_rolls_back_whole(tmp_path):
    store = Store.create(tmp_path / "p.db")
    with pytest.raises(RuntimeError):
        with store.transaction():
            st.insert_transcript(store, make_transcript())
            with store.transaction():  # nested joins the outer transaction
                store.audit("test")
            raise RuntimeError("boom")
    assert store.connection.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 0
    assert store.connection.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0
    assert store.connection.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0


def test_insert_and_rebuild_round_trip(project):
    t = make_transcript()
    with project.store.transaction():
        st.insert_transcript(project.store, t)
    back = project.transcript("T1")
    assert back.text == t.text and back.turns == t.turns and back.paragraphs == t.paragraphs
    assert back.sentences == t.sentences and back.speakers == t.speakers
    assert back.metadata["shift"] == "day" and back.metadata["clinic"] == "northside"
    turns = project.turns()
    assert list(turns["segment_id"]) == ["T1:t1", "T1:t2"]
    assert list(turns["is_interviewer"]) == [True, False]
    assert turns.loc[1, "text"] == "R: Fine. Supervision helps."
    sentences = project.sentences()
    assert list(sentences["text"]) == ["How is it going?", "Fine.", "Supervision helps."]
    assert list(sentences["study_id"]) == ["IV1", "S01", "S01"]
    frame = project.transcripts()
    assert frame.loc[0, "shift"] == "day" and frame.loc[0, "n_turns"] == 2


def test_replace_moves_codings_with_their_text(project):
    old = make_transcript()
    with project.store.transaction() as c:
        st.insert_transcript(project.store, old)
        start = old.text.index("Supervision")
        c.execute("INSERT INTO codings (transcript_id, start, end, code, coder, origin, created)"
                  " VALUES ('T1', ?, ?, 'MIO.SUPV', 'jordan', 'human', 'now')", (start, start + len("Supervision helps")))
        c.execute("INSERT INTO codings (transcript_id, start, end, code, coder, origin, created)"
                  " VALUES ('T1', ?, ?, 'X', 'jordan', 'human', 'now')", (old.text.index("Fine"), old.text.index("Fine") + 4))
    new = make_transcript(text="I: So, how is it going?\n\nR: Good. Supervision helps.")
    with project.store.transaction():
        moved = st.replace_transcript(project.store, new)
    assert (moved.kept, moved.changed) == (1, 1)
    rows = project.store.connection.execute("SELECT code, start, end FROM codings ORDER BY code").fetchall()
    text = project.text("T1")
    assert text[rows[0][1]:rows[0][2]] == "Supervision helps"
    assert len(rows) == 2  # the changed one is kept, not dropped

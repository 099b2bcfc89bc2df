"""The scratch database of a .qdpx import (store/qdpx_spill.py): the same answers in memory and on disk."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.store import qdpx_spill
from mio_qual.store.qdpx_spill import Spill

GUIDS = st.sampled_from(["", "a", "b", "c"])
USERS = st.sampled_from([None, "u1", "u2", ""])
SELECTION = st.tuples(st.integers(0, 3), GUIDS, GUIDS, st.integers(0, 50), st.integers(0, 50), st.integers(0, 9),
                      st.integers(0, 50), st.integers(0, 50), st.sampled_from(["c1", "c2"]), USERS,
                      st.sampled_from([None, "2024-03-01T10:00:00Z"]), st.sampled_from([None, "memo"]),
                      st.sampled_from([None, "n1\nn2"]), st.integers(0, 1))
KEY = st.tuples(st.sampled_from(["T1", "T2"]), st.integers(0, 5), st.integers(0, 5), st.sampled_from(["c1", "c2"]),
                st.sampled_from(["ann", "ben"]))
PLACED = st.tuples(KEY, st.sampled_from(["human", "consensus"]), st.sampled_from([None, "2024"]),
                   st.sampled_from([None, "m"]), GUIDS, GUIDS, st.integers(0, 1)).map(lambda r: (*r[0], *r[1:]))


def _everything(spill: Spill, batches: list[list[tuple]], placed: list[tuple], known: list[tuple]) -> dict:
    ranges = [spill.add_selections(batch) for batch in batches]
    out: dict = {"ranges": ranges, "rows": [list(spill.selections(a, b)) for a, b in ranges],
                 "middle": list(spill.selections(1, max(1, spill.selections_added - 1))),
                 "pairs": list(spill.pairs_of_several_users())}
    out["added"] = spill.add_placed(iter(placed))
    out["marked"] = spill.mark_known(iter(known))
    out["again"] = spill.mark_known(iter(known))  # marking twice leaves out nothing more
    out["layers"] = sorted(spill.layers())
    out["kept"] = list(spill.placed())
    out["all"] = list(spill.placed(dropped=True))
    out["ann"] = list(spill.placed("ann", "human"))
    out["doubles"] = spill.drop_doubles()
    out["unique"] = list(spill.placed())
    out["counts"] = (spill.count(), spill.count("ann"), spill.count("nobody"))
    return out


@settings(max_examples=150, deadline=None)
@given(batches=st.lists(st.lists(SELECTION, max_size=12), max_size=4), placed=st.lists(PLACED, max_size=30),
       known=st.lists(KEY, max_size=20), memory_rows=st.integers(0, 40), batch=st.integers(1, 7))
def test_memory_and_disk_give_the_same_answers(batches, placed, known, memory_rows, batch):
    """Every method answers the same whether the rows stay in lists or moved to the scratch database,
    also when they move half-way (after ``memory_rows``) and are read in small batches."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qdpx_spill, "BATCH", batch)
        patch.setattr(qdpx_spill, "MEMORY_ROWS", 10**9)
        with Spill() as memory:
            expected = _everything(memory, batches, placed, known)
            assert not memory.on_disk
        patch.setattr(qdpx_spill, "MEMORY_ROWS", memory_rows)
        with Spill() as mixed:
            got = _everything(mixed, batches, placed, known)
            assert mixed.on_disk == (sum(map(len, batches)) > memory_rows)
    assert got == expected
    flat = [row for batch_rows in batches for row in batch_rows]
    assert [row for rows in expected["rows"] for row in rows] == flat
    users: dict = {}
    for row in flat:
        users.setdefault(row[1:3], set()).add(row[9] or "")
    assert expected["pairs"] == [(r[1], r[2], r[9]) for r in flat if len(users[r[1:3]]) > 1]
    keys = set(known)
    assert expected["kept"] == [r for r in placed if r[:5] not in keys] and expected["all"] == placed
    assert expected["marked"] == len(placed) - len(expected["kept"]) and expected["again"] == 0
    # doubles: a row equal to an earlier kept one in transcript, span, code, coder, origin and memo (not the date)
    first: dict = {}
    for row in expected["kept"]:
        first.setdefault(row[:6] + (row[7],), row)
    assert expected["unique"] == list(first.values())
    assert expected["doubles"] == len(expected["kept"]) - len(first)
    assert expected["counts"] == (len(first), sum(1 for r in first.values() if r[4] == "ann"), 0)


def test_closing_lets_go_of_the_rows_and_the_scratch_database(monkeypatch):
    monkeypatch.setattr(qdpx_spill, "MEMORY_ROWS", 1)
    spill = Spill()
    spill.add_selections([(0, "a", "b", 0, 1, 0, 0, 1, "c", None, None, None, None, 0)] * 3)
    assert spill.on_disk and spill.selections_added == 3
    spill.close()
    spill.close()  # twice is harmless (an import releases its plan on every path)
    with pytest.raises(sqlite3.ProgrammingError):
        spill.connection.execute("SELECT 1")


def _interview(name: str) -> str:
    return f"I: {name}, how was it?\nR: {name} said it went well. Then the room was booked.\n"


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.tuples(st.text(max_size=30), st.booleans()), max_size=6),
       names=st.lists(st.text(alphabet="abxyz", min_size=1, max_size=8), max_size=5, unique=True),
       text_memory=st.integers(0, 400))
def test_texts_and_new_transcripts_come_back_as_kept_in_memory_or_on_disk(texts, names, text_memory):
    """A source's text (and its canonical text, stored only when it differs) and the new transcripts
    (text, turns, paragraphs, sentences: packed as tuples on disk) come back equal whether held or
    moved to the scratch database half-way (issue 21: a first import of a large corpus held every
    text until the write)."""
    from mio_qual.transcripts import read_text

    made = [read_text(_interview(n), transcript_id=n) for n in names]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qdpx_spill, "TEXT_MEMORY", text_memory)
        with Spill() as spill:
            for k, (raw, same) in enumerate(texts):
                spill.add_text(k, raw, raw if same else raw.upper() + "!")
            for transcript in made:
                spill.add_transcript(transcript)
            held = sum(len(raw) + (0 if same else len(raw) + 1) for raw, same in texts) + sum(len(t.text) for t in made)
            assert spill.on_disk == (held > text_memory)
            assert [spill.text(k) for k in range(len(texts))] == [
                (raw, raw if same else raw.upper() + "!") for raw, same in texts]
            back = list(spill.transcripts())
            assert back == made and all(t.sentences and t.turns for t in back)
            assert [spill.transcript_text(n) for n in names] == [t.text for t in made] and spill.transcript_text("?") is None
            assert spill.count_transcripts() == len(names)


@settings(max_examples=100, deadline=None)
@given(sizes=st.lists(st.integers(0, 9), max_size=8), memory_rows=st.integers(0, 30),
       drop=st.lists(st.integers(0, 7), max_size=4))
def test_chunks_come_back_as_kept_in_memory_or_on_disk(sizes, memory_rows, drop):
    """Chunks of a large source's selections (issue 21) come back equal to those kept, whether held or
    pickled into the scratch database (when more than MEMORY_ROWS selections are held), also after
    others were let go of; the pool of code and user GUIDs is not stored with a chunk but given back."""
    from mio_qual.coding.refi_common import QdeCoding, QdeSelection, Selections, _Pool

    pool = _Pool()
    chunks = []
    for k, size in enumerate(sizes):
        columns = Selections(pool)
        for i in range(size):
            columns.append(QdeSelection(f"s{k}-{i}", i, i + k, name="n" * i, user=f"u{i % 3}", codings=[
                QdeCoding(f"c{k}-{i}", code=f"code{(i + k) % 4}", user=None if i % 2 else "u9", notes=["m"] * (i % 2))]))
        chunks.append(columns)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(qdpx_spill, "MEMORY_ROWS", memory_rows)
        with Spill() as spill:
            numbers = [spill.add_chunk(c) for c in chunks]
            assert spill.on_disk == any(sum(sizes[:i + 1]) > memory_rows for i in range(len(sizes)))
            dropped = {numbers[i] for i in drop if i < len(numbers)}
            spill.drop_chunks(dropped)
            for n, columns in zip(numbers, chunks):
                if n not in dropped:
                    back = spill.chunk(n).attach(pool)
                    assert list(back) == list(columns) and back.pool is pool

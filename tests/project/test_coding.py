"""Project.import_qdpx holds the write lock only for its writes (issue 20): parsing, matching and the
alignment of a changed source run before the transaction, checked again inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mio_qual import Project
from mio_qual.coding import Coding

TURNS = [f"{'I' if k % 2 == 0 else 'R'}: turn {k} we talked about the family room and the staff rota again."
         for k in range(60)]


def _revised_qdpx(tmp_path: Path) -> tuple[Path, Path]:
    """A .qdpx of T01 coded, and a project whose T01 was revised since (so the import must align)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "T01.txt").write_text("\n".join(TURNS) + "\n", encoding="utf-8")
    first = Project.create(tmp_path / "first")
    first.import_transcripts([tmp_path / "a" / "T01.txt"])
    text = first.text("T01")
    starts = [text.index(f"turn {k} ") for k in range(0, 60, 3)]
    first.write_codings([Coding("T01", s, s + 16, "IS.J2", "ann") for s in starts], coder="ann")
    exported = tmp_path / "coded.qdpx"
    first.export_qdpx(exported)
    first.close()
    revised = ["I: a question added at the start."] + [t.replace("turn 10 we", "turn 10 then we") for t in TURNS]
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "T01.txt").write_text("\n".join(revised) + "\n", encoding="utf-8")
    folder = tmp_path / "study"
    second = Project.create(folder)
    second.import_transcripts([tmp_path / "b" / "T01.txt"])
    second.close()
    return folder, exported


def test_the_alignment_of_a_changed_source_runs_before_the_write_transaction(tmp_path, monkeypatch):
    import mio_qual.coding.refi_import as refi_import

    folder, revised = _revised_qdpx(tmp_path)
    project = Project.open(folder)
    locked: list[bool] = []
    real = refi_import.align

    def spy(old: str, new: str):
        locked.append(project.store.connection.in_transaction)
        return real(old, new)

    monkeypatch.setattr(refi_import, "align", spy)
    result = project.import_qdpx(revised)
    assert locked == [False]  # aligned once, with no write transaction open
    assert result.n_codings == 20
    text = project.text("T01")
    assert {text[s:e] for s, e in zip(project.codings()["start"], project.codings()["end"])} == {
        text[text.index(f"turn {k} "):][:16] for k in range(0, 60, 3)}
    project.close()


def test_a_write_while_the_import_prepares_succeeds_and_the_import_prepares_again(tmp_path, monkeypatch):
    """Another coder writes between the preparation and the transaction (as another process would,
    through its own connection): nothing waits for the import, and the import sees the change and
    prepares again under the lock instead of writing what it placed on the old state."""
    from mio_qual.project.coding import CodingMixin

    folder, revised = _revised_qdpx(tmp_path)
    (tmp_path / "T02.txt").write_text("I: Another interview.\nR: Yes.\n", encoding="utf-8")
    project = Project.open(folder)
    calls: list[bool] = []
    real = CodingMixin._prepare_qdpx

    def prepare(self, *args, **kwargs):
        calls.append(self.store.connection.in_transaction)
        prepared = real(self, *args, **kwargs)
        if len(calls) == 1:  # another writer, while this import holds no lock
            other = Project.open(folder)
            other.import_transcripts([tmp_path / "T02.txt"])
            other.close()
        return prepared

    monkeypatch.setattr(CodingMixin, "_prepare_qdpx", prepare)
    result = project.import_qdpx(revised)
    assert calls == [False, True]  # prepared without the lock, then again under it
    assert result.n_codings == 20 and sorted(project.transcripts()["transcript_id"]) == ["T01", "T02"]
    project.close()


def test_an_unchanged_project_is_prepared_once(tmp_path, monkeypatch):
    from mio_qual.project.coding import CodingMixin

    folder, revised = _revised_qdpx(tmp_path)
    project = Project.open(folder)
    calls: list[bool] = []
    real = CodingMixin._prepare_qdpx

    def prepare(self, *args, **kwargs):
        calls.append(self.store.connection.in_transaction)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(CodingMixin, "_prepare_qdpx", prepare)
    assert project.import_qdpx(revised).n_codings == 20
    assert calls == [False]
    project.close()


def test_codings_written_as_a_stream_are_those_written_as_a_list_and_are_never_held(tmp_path, monkeypatch):
    """write_codings(grouped=True) (the .qdpx path, issue 21) stores what the list path stores, and
    reads its codings as it writes: when the first batch goes to the store, only that batch was made."""
    import mio_qual.store.codings as store_codings

    (tmp_path / "T01.txt").write_text("\n".join(TURNS) + "\n", encoding="utf-8")
    (tmp_path / "T02.txt").write_text("\n".join(reversed(TURNS)) + "\n", encoding="utf-8")
    codings = [Coding(tid, s, s + 9 + s % 7, code, "ann", memo="m" if s % 5 == 0 else None)
               for tid in ("T01", "T02") for s in range(0, 3000, 11) for code in ("IS.J2", "IS.J1")]
    codings += codings[:40]  # the same coding twice counts once
    codings.sort(key=lambda c: c.transcript_id)
    stored = {}
    made: list[Coding] = []

    def stream():
        for c in codings:
            made.append(c)
            yield c

    batches_at: list[int] = []  # codings made when each batch went to the store
    monkeypatch.setattr(store_codings, "BATCH", 100)
    for grouped in (False, True):
        project = Project.create(tmp_path / f"p{grouped}")
        project.import_transcripts([tmp_path / "T01.txt", tmp_path / "T02.txt"])
        if grouped:
            connection = project.store.connection
            original_many = connection.executemany

            class Spy:
                def __getattr__(self, name):
                    return getattr(connection, name)

                def executemany(self, sql, rows):
                    if "INSERT INTO codings" in sql:
                        batches_at.append(len(made))
                    return original_many(sql, rows)

            monkeypatch.setattr(project.store, "connection", Spy(), raising=False)
        result = project.write_codings(stream() if grouped else codings, coder="ann", source_file="x.docx",
                                       grouped=grouped)
        frame = project.codings()
        stored[grouped] = (result.inserted, frame[["transcript_id", "start", "end", "code", "coder", "memo"]])
        project.close()
    assert stored[True][0] == stored[False][0] == len(set(codings))
    assert stored[True][1].equals(stored[False][1])
    assert batches_at and batches_at[0] <= 100 + 40 and len(batches_at) == -(-len(set(codings)) // 100)


def test_code_matrix_rows_are_agreements_units_unless_the_interviewer_is_included(tmp_path):
    """code_matrix counted interviewer units that agreement leaves out (3,348 vs 2,794 sentences on the demo)."""
    (tmp_path / "T01.txt").write_text(
        "I: How is the family room used?\nR: We meet mothers there. It is quiet.\n"
        "I: And the staff rota?\nR: It changes every week.\n", encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_transcripts([tmp_path / "T01.txt"])
    text = project.text("T01")
    spans = [(text.index("How is"), text.index("used?") + 5), (text.index("We meet"), text.index("there.") + 6),
             (text.index("It changes"), text.index("week.") + 5)]
    project.write_codings([Coding("T01", s, e, "IS.J2", "ann") for s, e in spans], coder="ann")
    project.write_codings([Coding("T01", s, e, "IS.J2", "bob") for s, e in spans[1:]], coder="bob")
    # by hand: 4 turns (2 the interviewer's), 5 sentences (2 the interviewer's: 'How is ...', 'And the staff rota?')
    turns = project.code_matrix(unit="turn", coder="ann")
    assert turns.index.tolist() == ["T01:t2", "T01:t4"] and turns["IS.J2"].tolist() == [1, 1]
    everything = project.code_matrix(unit="turn", coder="ann", include_interviewer=True)
    assert len(everything) == 4 and int(everything["IS.J2"].sum()) == 3
    sentences = project.code_matrix(unit="sentence")
    assert sentences["IS.J2"].tolist() == [1, 0, 1]
    assert len(project.code_matrix(unit="sentence", include_interviewer=True)) == 5
    inputs = project.agreement_inputs(coders=["ann", "bob"], unit="sentence")
    assert sorted(inputs.segments["segment_id"]) == sorted(sentences.index)  # the same units as agreement
    assert project.code_matrix(unit="transcript").loc["T01", "IS.J2"] == 1  # whole transcripts: no filter
    project.close()


def test_each_coding_names_its_speaker_by_study_id_and_role(tmp_path):
    """codings() gave only the transcript's own speaker label (a name where a caption file holds one);
    it now carries the roster's study id and role of the turn each coding starts in."""
    from helpers.mixed import CODINGS, add_codings, write_study

    project = Project.create(tmp_path / "study")
    project.import_transcripts([write_study(tmp_path / "files")])
    add_codings(project)
    frame = project.codings()
    assert len(frame) == len(CODINGS)
    got = {(r.transcript_id, r.coder, r.code, r.speaker, r.study_id, r.speaker_role)
           for r in frame.itertuples() if r.transcript_id in ("T1", "T3", "T4")}
    assert ("T1", "jordan", "MIO.SUPV", "R", "S01", "counselor") in got
    assert ("T3", "jordan", "IS.J2", "Participant 1", "S03", "counselor") in got
    assert ("T3", "casey", "IS.J2", "Participant 2", "S04", "counselor") in got
    assert ("T4", "casey", "MIO.SUPV", "R", "S05", "supervisor") in got
    project.close()


def test_an_unknown_coder_is_refused_with_close_names_not_answered_with_an_empty_table(tmp_path):
    # newuser2 A11: codings(coder="nobody") and code_matrix(coder=...) returned empty frames without a word
    from click.testing import CliRunner
    from helpers.agreement import make_coded_project

    from mio_qual.cli.main import _group
    from mio_qual.errors import InputError

    project = make_coded_project(tmp_path)
    for call in (lambda: project.codings(coder="annn"), lambda: project.codings(coder=["ann", "annn"]),
                 lambda: project.code_matrix(coder="annn"), lambda: project.agreement(["ann", "annn"]),
                 lambda: project.disagreements(["annn", "bob"]), lambda: project.evidence(coder="annn"),
                 lambda: project.reconcile(["ann", "annn"], write=False)):
        with pytest.raises(InputError, match=r"no coder 'annn' in this project \(did you mean ann\? the coders are "
                                              r"ann, bob; see `mio-qual coding list`\)"):
            call()
    with pytest.raises(InputError, match=r"no coders 'zed', 'yan' in this project \(the coders are ann, bob;"):
        project.codings(coder=["zed", "ann", "yan"])
    assert len(project.codings(coder="ann")) == 4 and len(project.codings(coder=["ann", "bob"])) == 7
    # a coder who was given a transcript and returned it uncoded is known: an empty table is the answer
    project.assign("cleo", ["INT02"])
    assert project.codings(coder="cleo").empty and project.code_matrix(coder="cleo").to_numpy().sum() == 0
    with pytest.raises(InputError, match="coder 'cleo' has no codings in this project"):
        project.agreement(["ann", "cleo"])
    before = (project.folder / "mio-qual.db").read_bytes()
    result = CliRunner().invoke(_group, ["--project", str(project.folder), "agreement", "--coders", "ann", "bobb"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert "no coder 'bobb' in this project (did you mean bob?" in lines[0]
    assert (project.folder / "mio-qual.db").read_bytes() == before
    project.close()


def test_a_layer_named_as_a_roster_name_is_warned_about(tmp_path):
    """newuser4: the interviewer (roster alias 'Priya') coded as layer 'priya'; the study report then said
    '[name] applied 12 codings', the agreement report 'Agreement between [name] and lead'. Said at import."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "INT22.txt").write_text("Priya Natarajan: How is the room?\n\nMarcus Bell: We have no room at all.\n",
                                      encoding="utf-8")
    (folder / "roster.csv").write_text("transcript_id,speaker_label,study_id,role,aliases\n"
                                       "INT22,Priya Natarajan,IV2,interviewer,Priya\n"
                                       "INT22,Marcus Bell,S22,supervisor,Marcus\n", encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("transcript_id,quote,code\nINT22,We have no room at all.,IS.J2\n", encoding="utf-8")
    with Project.create(tmp_path / "study") as project:
        project.import_transcripts([folder])
        named = project.import_codings([sheet], coder="priya")
        assert [n for n in named.notes if "layer 'priya' is also a name the project redacts" in n
                and "print it as '[name]'" in n]
        assert project.layer_name_note("priya") is not None
        other = tmp_path / "sheet-pn.csv"
        other.write_bytes(sheet.read_bytes())
        initials = project.import_codings([other], coder="pn")
        assert not [n for n in initials.notes if "redacts" in n] and project.layer_name_note("pn") is None
        again = project.import_codings([sheet], coder="priya")  # unchanged: nothing written, nothing said again
        assert again.inserted == 0 and not [n for n in again.notes if "redacts" in n]

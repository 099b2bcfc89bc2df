"""Importing transcripts into a project: the sample, identity, replace (bad input at the CLI:
tests/cli/test_project_cmds.py)."""

from __future__ import annotations

import shutil

import pytest

from helpers import SAMPLE, project_state
from mio_qual import Project
from mio_qual.errors import InputError


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory):
    project = Project.create(tmp_path_factory.mktemp("sample") / "study")
    result = project.import_transcripts([SAMPLE])
    yield project, result
    project.close()


def test_sample_imports_with_manifest_and_roster(sample_project):
    project, result = sample_project
    assert len(result.added) == 16
    frame = project.transcripts().set_index("transcript_id")
    assert (frame["kind"] == "focus_group").sum() == 4
    assert set(frame["clinic"].dropna()) == {"northside", "eastgate", "downtown", "westfield"}
    assert frame.loc["INT01", "mio_trained"] == "yes"  # an extra manifest column kept as attribute
    assert frame.loc["INT10", "encoding"] == "cp1252"
    assert frame.loc["INT06", "encoding"].startswith("utf-16")
    assert (frame["n_words"] >= 1500).all() and (frame["n_turns"] > 20).all()
    # every speaker is mapped to a study id by the roster; no real name is needed downstream
    speakers = project.speakers()
    assert speakers["study_id"].notna().all(), speakers[speakers["study_id"].isna()]
    fg4 = speakers[speakers.transcript_id == "FG04"]
    assert len(fg4) == 7 and set(fg4["role"]) >= {"facilitator", "counselor", "supervisor", "case_manager"}
    assert "Lionel Ashby" in project.private_names() and "Corinne" in project.private_names()


def test_segments_point_into_the_canonical_text(sample_project):
    project, _ = sample_project
    texts = project.texts()
    for kind in ("turn", "paragraph", "sentence"):
        frame = project.segments(kind)
        for tid, start, end, text in frame[["transcript_id", "start", "end", "text"]].itertuples(index=False):
            assert 0 <= start < end <= len(texts[tid])
            assert texts[tid][start:end] == text
    sentences = project.sentences()
    paragraphs = project.paragraphs().set_index("segment_id")
    # a sentence never crosses its paragraph
    for row in sentences.head(400).itertuples():
        p = paragraphs.loc[f"{row.transcript_id}:p{row.paragraph_n}"]
        assert p.start <= row.start and row.end <= p.end


def test_reimport_is_a_no_op_and_changed_text_is_refused(sample_project, tmp_path):
    project, _ = sample_project
    before = project_state(project.folder)
    again = project.import_transcripts([SAMPLE])
    assert len(again.unchanged) == 16 and not again.added
    assert project_state(project.folder) == before
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    changed = copy / "INT02_northside_director.txt"
    changed.write_text(changed.read_text(encoding="utf-8-sig") + "\nI: One more thing.\n", encoding="utf-8")
    with pytest.raises(InputError, match="INT02.*different text"):
        project.import_transcripts([copy])
    assert project_state(project.folder) == before


def test_replace_keeps_codings(tmp_path):
    project = Project.create(tmp_path / "p")
    first = tmp_path / "T1.txt"
    first.write_text("I: How is supervision going?\nR: Supervision got cancelled twice this month.\n", encoding="utf-8")
    project.import_transcripts([first])
    text = project.text("T1")
    start = text.index("cancelled twice")
    project.store.connection.execute(
        "INSERT INTO codings (transcript_id, start, end, code, coder, origin, created) VALUES ('T1', ?, ?, 'MIO.SUPV', 'a', 'human', 'x')",
        (start, start + len("cancelled twice")))
    first.write_text("I: So, how is supervision going lately?\nR: Supervision got cancelled twice this month.\n",
                     encoding="utf-8")
    result = project.import_transcripts([first], replace=True)
    assert result.replaced == ["T1"] and result.codings_moved["T1"] == (1, 0)
    s, e = project.store.connection.execute("SELECT start, end FROM codings").fetchone()
    assert project.text("T1")[s:e] == "cancelled twice"
    assert "import transcripts" in set(project.log()["action"])


def test_no_turns_imports_as_one_speaker_with_warning(tmp_path):
    project = Project.create(tmp_path / "p")
    path = tmp_path / "monologue.txt"
    path.write_text("Just one person talking about supervision and space.\nNo labels at all.\n")
    result = project.import_transcripts([path])
    assert result.added == ["monologue"] and result.warnings
    assert len(project.turns()) == 1


def test_one_bad_file_among_good_ones_imports_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("INT02_northside_director.txt", "INT04_eastgate_supervisor.txt"):
        shutil.copy(SAMPLE / name, folder / name)
    (folder / "zz_empty.txt").write_text("")
    project = Project.create(tmp_path / "p")
    with pytest.raises(InputError, match="zz_empty.txt"):
        project.import_transcripts([folder])
    assert project.transcripts().empty


# ---------------------------------------------------------------------------------- in memory
TEXT_IN_MEMORY = ("---\nclinic: northside\n---\nInterviewer: How is supervision going?\r\n\r\n"
                  "P3: It got cancelled twice [inaudible 00:01:02]. Cafe\u0301 talk helps.\r\n")


def test_read_text_gives_what_the_file_reader_gives(tmp_path):
    from mio_qual.transcripts import read_text, read_transcript

    path = tmp_path / "T7.md"
    path.write_text(TEXT_IN_MEMORY, encoding="utf-8", newline="")
    from_file = read_transcript(path)
    in_memory = read_text(TEXT_IN_MEMORY, transcript_id="T7", source_format="md", source_path="memo!T7")
    assert in_memory.text == from_file.text and "\r" not in in_memory.text and "Café" in in_memory.text
    for part in ("turns", "paragraphs", "sentences", "notes", "speakers", "source_blocks"):
        assert getattr(in_memory, part) == getattr(from_file, part), part
    assert in_memory.metadata == from_file.metadata == {"clinic": "northside"}
    assert (in_memory.speaker_style, in_memory.source_format, in_memory.source_path) == ("label-colon", "md", "memo!T7")
    with pytest.raises(InputError, match="control character") as refused:
        read_text("I: How is supervision going these days?\nR: Fine\x1b, thanks.", transcript_id="T8",
                  where="study.qdpx!T8")
    assert "study.qdpx!T8" in refused.value.one_line()


def test_add_transcripts_follows_the_import_rules(project):
    from mio_qual.transcripts import read_text

    first = read_text("I: How is supervision going?\nR: It got cancelled twice.", transcript_id="T1")
    result = project.add_transcripts([first])
    assert result.added == ["T1"] and result.n_words == first.n_words
    assert project.turns("T1")["speaker"].tolist() == ["I", "R"]
    again = project.add_transcripts([read_text(first.text, transcript_id="T1")])
    assert again.unchanged == ["T1"] and not again.added
    text = project.text("T1")
    start = text.index("cancelled twice")
    with project.store.transaction():
        project.store.connection.execute(
            "INSERT INTO codings (transcript_id, start, end, code, coder, origin, created)"
            " VALUES ('T1', ?, ?, 'MIO.SUPV', 'a', 'human', 'x')", (start, start + len("cancelled twice")))
    edited = read_text("I: So, how is supervision going?\nR: It got cancelled twice.", transcript_id="T1")
    state = project.store.connection.execute("SELECT text_hash FROM transcripts").fetchall()
    with pytest.raises(InputError, match="already in the project with different text"):
        project.add_transcripts([edited])
    assert project.store.connection.execute("SELECT text_hash FROM transcripts").fetchall() == state
    replaced = project.add_transcripts([edited], replace=True)
    assert replaced.replaced == ["T1"] and replaced.codings_moved == {"T1": (1, 0)}
    s, e = project.store.connection.execute("SELECT start, end FROM codings").fetchone()
    assert project.text("T1")[s:e] == "cancelled twice"
    assert project.log()["action"].tolist() == ["import transcripts", "import transcripts"]


def test_an_unknown_transcript_id_given_explicitly_is_refused_by_every_getter(sample_project):
    # text() raised while turns(), sentences(), codings() and code_matrix() returned empty tables
    project, _ = sample_project
    calls = [lambda: project.text("INT99"), lambda: project.turns("INT99"), lambda: project.paragraphs("INT99"),
             lambda: project.sentences("INT99"), lambda: project.transcript("INT99"),
             lambda: project.codings(transcript_id=["INT01", "INT99"]),
             lambda: project.code_matrix(transcript_id="INT99"), lambda: project.rapid_summaries(transcripts="INT99")]
    for call in calls:
        with pytest.raises(InputError, match=r"no transcript 'INT99' in this project \(did you mean INT09"):
            call()
    with pytest.raises(InputError, match=r"no transcripts 'X1', 'X2' in this project"):
        project.codings(transcript_id=["X1", "X2"])
    assert len(project.turns("INT01")) and project.turns().shape[0] > project.turns("INT01").shape[0]


F4 = ("I: Okay, the recorder is on. Could you describe your work? #00:00:03-1#\n\n"
      "B: I'm a counselor in the women's program. We had no room for the groups. #00:00:15-8#\n\n"
      "I: What gets in the way? #00:01:02-0#\n\n"
      "B: Space, mostly. #00:01:09-5#\n")


def test_an_unchanged_text_reimported_takes_the_turn_times_the_reader_now_finds(tmp_path, monkeypatch):
    """A transcript imported before mio-qual read f4's '#00:00:15-8#' marks has turns without times. Imported
    again (same text, same turns), its turns take the times and nothing else moves: every coding keeps its
    offsets and id, the text its hash; the import says how many turns (API, CLI, log), and a third import
    is unchanged. A time the file does not give never erases a stored one."""
    from helpers.cli import run_captured
    from mio_qual.coding import Coding
    from mio_qual.transcripts import reader

    (tmp_path / "INT04.txt").write_text(F4, encoding="utf-8")
    real = reader._f4_end_time
    monkeypatch.setattr(reader, "_f4_end_time", lambda *args: None)  # the reader of session 6
    project = Project.create(tmp_path / "study")
    assert project.import_transcripts([tmp_path / "INT04.txt"]).added == ["INT04"]
    assert project.turns("INT04")["start_time"].isna().all()
    text = project.text("INT04")
    start = text.index("no room")
    project.write_codings([Coding("INT04", start, start + len("no room"), "IS.J2", "ana")], coder="ana")
    codings = project.codings()[["coding_id", "transcript_id", "start", "end", "code", "coder", "created"]]

    monkeypatch.setattr(reader, "_f4_end_time", real)
    again = project.import_transcripts([tmp_path / "INT04.txt"])
    assert again.metadata_updated == ["INT04"] and again.times_updated == {"INT04": 4} and not again.replaced
    turns = project.turns("INT04")
    assert list(zip(turns["speaker"], turns["start_time"].fillna(-1), turns["end_time"])) == [
        ("I", -1, 3.1), ("B", 3.1, 15.8), ("I", 15.8, 62.0), ("B", 62.0, 69.5)]
    assert project.text("INT04") == text
    assert project.codings()[codings.columns].equals(codings)
    assert project.log(1)["detail"].iloc[0].count('"turn_times": {"INT04": 4}') == 1
    project.close()
    state = project_state(tmp_path / "study")
    code, out, err = run_captured(tmp_path / "study", "import", tmp_path / "INT04.txt")
    assert code == 0, err
    assert "1 unchanged" in err and "taken from the file" not in out + err and project_state(tmp_path / "study") == state

    monkeypatch.setattr(reader, "_f4_end_time", lambda *args: None)  # a file that gives no times keeps them
    project = Project.open(tmp_path / "study")
    again = project.import_transcripts([tmp_path / "INT04.txt"])
    project.close()
    assert again.unchanged == ["INT04"] and not again.times_updated and project_state(tmp_path / "study") == state


def test_the_cli_says_how_many_turns_took_their_times(tmp_path, monkeypatch):
    from helpers.cli import run_captured
    from mio_qual.transcripts import reader

    (tmp_path / "INT04.txt").write_text(F4, encoding="utf-8")
    real = reader._f4_end_time
    monkeypatch.setattr(reader, "_f4_end_time", lambda *args: None)
    Project.create(tmp_path / "study").import_transcripts([tmp_path / "INT04.txt"])
    monkeypatch.setattr(reader, "_f4_end_time", real)
    code, out, err = run_captured(tmp_path / "study", "import", tmp_path / "INT04.txt")
    assert code == 0, err
    assert "updated metadata of 1, 0 unchanged" in err and "INT04: times of 4 turn(s) taken from the file" in err

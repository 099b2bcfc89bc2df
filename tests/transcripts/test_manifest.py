"""Manifest and roster files: reading, lookups and errors that name file, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers import REPO
from mio_qual.errors import InputError
from mio_qual.transcripts import read_manifest, read_roster
from mio_qual.transcripts.roles import convention_role

HEADER = "transcript_id,file,agency,clinic,participant_id,role,kind,date,interviewer,years_in_role\n"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("I: hi\n\nR: hello\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.vtt").write_text("WEBVTT\n")
    return tmp_path


def write(folder: Path, body: str, name: str = "manifest.csv") -> Path:
    path = folder / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_read_manifest(folder):
    path = write(
        folder,
        "INT01,a.txt,riverbend,northside,S01,counselor,interview,2026-03-03,IV1,6\n"
        "FG01,sub/b.vtt,riverbend,,,counselor,Focus group,2026-04-14,IV1,\n"
        ",,,,,,,,,\n",
    )
    manifest = read_manifest(path)
    assert [e.transcript_id for e in manifest.entries] == ["INT01", "FG01"]
    first, second = manifest.entries
    assert first.file == folder / "a.txt"
    assert first.metadata == {
        "agency": "riverbend", "clinic": "northside", "participant_id": "S01", "role": "counselor",
        "kind": "interview", "date": "2026-03-03", "interviewer": "IV1", "years_in_role": "6",
    }
    # Blank cells are left out; "Focus group" is normalized.
    assert second.metadata == {
        "agency": "riverbend", "role": "counselor", "kind": "focus_group", "date": "2026-04-14", "interviewer": "IV1"
    }
    assert manifest.for_file(folder / "sub" / ".." / "a.txt") is first
    assert manifest.for_file(str(folder / "sub" / "b.vtt")) is second
    assert manifest.for_file(folder / "other.txt") is None
    assert manifest.for_id("FG01") is second
    assert len(manifest) == 2


def test_header_names_are_normalized_and_bom_is_fine(folder):
    path = folder / "m.csv"
    path.write_bytes("\ufeffTranscript ID,File,Clinic\nX1,a.txt,eastgate\n".encode("utf-8"))
    (entry,) = read_manifest(path).entries
    assert (entry.transcript_id, entry.metadata) == ("X1", {"clinic": "eastgate"})


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_manifest(path)
    error = info.value
    assert str(path) in str(error) and "\n" not in str(error)
    return error


def test_missing_required_column(folder):
    path = folder / "m.csv"
    path.write_text("transcript_id,clinic\nX,y\n")
    error = _error(path)
    assert "'file'" in error.message and error.line == 1


def test_duplicate_ids(folder):
    error = _error(write(folder, "X,a.txt,,,,,,,,\nX,a.txt,,,,,,,,\n"))
    assert error.line == 3
    assert "row 3, column 'transcript_id'" in error.message and "row 2" in error.message


def test_file_that_does_not_exist(folder):
    error = _error(write(folder, "X,a.txt,,,,,,,,\nY,missing.txt,,,,,,,,\n"))
    assert error.line == 3 and "column 'file'" in error.message and "missing.txt" in error.message


def test_unsupported_file_type(folder):
    (folder / "c.pdf").write_bytes(b"%PDF")
    error = _error(write(folder, "X,c.pdf,,,,,,,,\n"))
    assert "column 'file'" in error.message


def test_bad_kind(folder):
    error = _error(write(folder, "X,a.txt,,,,,survey,,,\n"))
    assert error.line == 2 and "column 'kind'" in error.message and "survey" in error.message


@pytest.mark.parametrize("date", ["03/03/2026", "2026-02-30", "yesterday", "2026-3-3"])
def test_bad_date(folder, date):
    error = _error(write(folder, f"X,a.txt,,,,,,{date},,\n"))
    assert error.line == 2 and "column 'date'" in error.message


def test_all_problems_are_listed(folder):
    error = _error(write(folder, "X,a.txt,,,,,survey,,,\nY,nope.txt,,,,,,,,\nX,a.txt,,,,,,bad,,\n"))
    # The kind in row 2 is the message; the file in row 3, the id and the date in row 4 follow.
    assert "3 more problems" in error.message
    assert error.details == [
        "row 3, column 'file': file 'nope.txt' does not exist (looked in " + str(folder) + ")",
        "row 4, column 'transcript_id': transcript_id 'X' is also used in row 2",
        "row 4, column 'date': date 'bad' is not a date in YYYY-MM-DD form",
    ]


def test_unknown_manifest_extension(folder):
    path = folder / "m.json"
    path.write_text("{}")
    assert "csv or .xlsx" in _error(path).message


def test_xlsx_manifest(folder):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Transcript ID", "File", "Kind", "Date", "Years in role"])
    sheet.append(["INT01", "a.txt", "interview", dt.datetime(2026, 3, 3), 6])
    sheet.append([None, None, None, None, None])
    path = folder / "manifest.xlsx"
    book.save(path)
    (entry,) = read_manifest(path).entries
    assert entry.transcript_id == "INT01"
    assert entry.metadata == {"kind": "interview", "date": "2026-03-03", "years_in_role": "6"}

    sheet.append(["INT02", "a.txt", "chat", None, None])
    book.save(path)
    error = _error(path)
    assert error.line == 4 and "column 'kind'" in error.message


# --------------------------------------------------------------------------- roster
ROSTER = (
    "transcript_id,speaker_label,study_id,role,aliases\n"
    "INT01,INTERVIEWER,IV1,Interviewer,\n"
    "INT01,PARTICIPANT,S01,counselor,Renata Solis; Renata\n"
    "*,Morgan Ellery,IV1,interviewer,Morgan\n"
    ",Tasha,S22,counselor,Tasha Greer\n"
    "INT05,SPEAKER_01,S05,Clinic Director,Deshawn Pryor; Deshawn\n"
    "INT09,Morgan Ellery,IV9,interviewer,\n"
)


@pytest.fixture()
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    return read_roster(path)


def test_roster_lookup(roster):
    s = roster.lookup("INT01", "PARTICIPANT")
    assert (s.label, s.study_id, s.role) == ("PARTICIPANT", "S01", "counselor")
    assert roster.lookup("INT01", "participant").study_id == "S01"  # case-insensitive fallback
    assert roster.lookup("INT02", "PARTICIPANT") is None  # other transcript
    assert roster.lookup("INT02", "Morgan Ellery").study_id == "IV1"  # '*' row
    assert roster.lookup("INT07", "Tasha").study_id == "S22"  # blank transcript_id = every transcript
    assert roster.lookup("INT09", "Morgan  Ellery").study_id == "IV9"  # specific row wins over '*'
    assert roster.lookup("INT05", "SPEAKER_01").role == "clinic_director"
    assert roster.lookup("INT01", "INTERVIEWER").role == "interviewer"


def test_roster_names_for_redaction(roster):
    assert roster.names() == {
        "Morgan Ellery", "Morgan", "Tasha", "Tasha Greer", "Renata Solis", "Renata", "Deshawn Pryor", "Deshawn"
    }


def test_roster_labels_for(roster):
    assert roster.labels_for("INT01") == {"INTERVIEWER", "PARTICIPANT", "Morgan Ellery", "Tasha"}


def test_roster_errors(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("transcript_id,label\nX,Y\n")
    with pytest.raises(InputError, match="speaker_label"):
        read_roster(path)
    path.write_text("transcript_id,speaker_label\nX,Ana\nX,ana\n")
    with pytest.raises(InputError) as info:
        read_roster(path)
    assert info.value.line == 3 and "row 2" in info.value.message
    path.write_text("transcript_id,speaker_label\nX,\n")
    with pytest.raises(InputError, match="empty"):
        read_roster(path)


def test_sample_roster_reads():
    path = REPO / "transcripts_sample" / "roster.csv"
    if not path.exists():
        pytest.skip("transcripts_sample/roster.csv is not written yet")
    roster = read_roster(path)
    assert roster.lookup("FG04", "SPEAKER_00").role == "facilitator"
    assert "Renata Solis" in roster.names() and "INTERVIEWER" not in roster.names()


@pytest.mark.parametrize(
    "label,role",
    [
        ("Interviewer", "interviewer"), ("I", "interviewer"), ("INT", "interviewer"), ("Interviewer 1", "interviewer"),
        ("Facilitator", "facilitator"), ("Moderator", "facilitator"), ("R", "participant"), ("P3", "participant"),
        ("Participant 2", "participant"), ("Respondent", "participant"), ("PARTICIPANT", "participant"),
        ("Tasha", None), ("SPEAKER_00", None), ("Jane Doe", None), ("Interviewers", None),
    ],
)
def test_convention_roles(label, role):
    assert convention_role(label) == role


def test_a_roster_row_of_aliases_only_names_people_who_never_speak(tmp_path):
    """A coordinator lists the supervisor and two staff who left, named in the talk but never
    speaking: the row was refused ("the label is empty"), and a --redact file reaches only reports."""
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER + "*,,,,Marguerite; Keisha Lane; Tom\n" + ",, , ,Dana\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.mentioned == ("Marguerite", "Keisha Lane", "Tom", "Dana")
    assert {"Marguerite", "Keisha Lane", "Tom", "Dana", "Renata"} <= roster.names()
    assert roster.lookup("INT01", "") is None and len(roster) == 6  # not a speaker
    path.write_text(ROSTER + "*,,S99,,Marguerite\n", encoding="utf-8")  # a study id: a speaker without a label
    with pytest.raises(InputError, match="the label is empty") as info:
        read_roster(path)
    assert "only aliases" in info.value.hint


def test_names_mentioned_in_the_roster_are_redacted_in_every_output(tmp_path):
    from mio_qual import Project

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "FG01.txt").write_text("Moderator: What was hardest?\n\nParticipant 2: Losing Keisha and Tom. "
                                     "Marguerite helped.\n", encoding="utf-8")
    (folder / "roster.csv").write_text("transcript_id,speaker_label,study_id,role,aliases\n"
                                       "FG01,Moderator,IV1,interviewer,\nFG01,Participant 2,S06,counselor,\n"
                                       "*,,,,Keisha; Tom; Marguerite\n", encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_transcripts([folder / "FG01.txt"], roster=folder / "roster.csv")
    redact = project.redactor()
    assert redact("Losing Keisha and Tom. Marguerite helped.") == "Losing [name] and [name]. [name] helped."
    project.close()


def test_a_roster_row_for_unknown_gives_unlabelled_cues_their_speaker(tmp_path):
    """An .srt export labelling only a turn's first cue: the other cues are UNKNOWN turns (never
    guessed), which reports counted as another participant; the README's roster row names them."""
    from mio_qual import Project

    srt = ("1\n00:00:00,500 --> 00:00:04,000\nInterviewer: Tell me about Pine Ridge.\n\n"
           "2\n00:00:04,300 --> 00:00:08,000\nTheo Nakamura: We have three counselors.\n\n"
           "3\n00:00:08,300 --> 00:00:12,000\nTwo of them were trained.\n")
    (tmp_path / "INT03.srt").write_text(srt, encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("transcript_id,speaker_label,study_id,role,aliases\nINT03,Interviewer,IV2,interviewer,\n"
                      "INT03,Theo Nakamura,S03,clinic_director,Theo\n", encoding="utf-8")
    project = Project.create(tmp_path / "study")
    result = project.import_transcripts([tmp_path / "INT03.srt"], roster=roster)
    assert any("a roster row for the label UNKNOWN in this transcript" in w for _, w in result.warnings)
    assert project.turns("INT03")["study_id"].fillna("").tolist() == ["IV2", "S03", ""]
    roster.write_text(roster.read_text(encoding="utf-8") + "INT03,UNKNOWN,S03,clinic_director,\n", encoding="utf-8")
    project.import_transcripts([tmp_path / "INT03.srt"], roster=roster)
    turns = project.turns("INT03")
    assert turns["study_id"].tolist() == ["IV2", "S03", "S03"]
    assert turns["speaker_role"].tolist() == ["interviewer", "clinic_director", "clinic_director"]
    project.close()

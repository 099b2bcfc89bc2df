"""The project commands: bad input to ``import`` fails in one line with exit code 2, project unchanged."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from helpers import SAMPLE, file_digest, project_state
from mio_qual import Project


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mio_qual.cli.main", *args], capture_output=True, text=True, cwd=cwd)


def _bad_inputs(tmp: Path) -> dict[str, list[str]]:
    """Each bad input as the import arguments that should fail with exit code 2."""
    (tmp / "empty.txt").write_text("")
    (tmp / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip file")
    with zipfile.ZipFile(tmp / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 << 20))  # 300 MiB of zeros compresses ~1000-fold
    (tmp / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp / "manifest_missing.csv").write_text(
        "transcript_id,file,agency,clinic,participant_id,role,kind,date,interviewer\n"
        "X1,not_there.txt,riverbend,northside,S1,counselor,interview,2026-01-01,IV1\n")
    ok = tmp / "ok.txt"
    ok.write_text("I: hello there\nR: hello back\n")
    (tmp / "manifest_dupes.csv").write_text(
        "transcript_id,file,agency,clinic,participant_id,role,kind,date,interviewer\n"
        "X1,ok.txt,riverbend,northside,S1,counselor,interview,2026-01-01,IV1\n"
        "X1,ok.txt,riverbend,northside,S1,counselor,interview,2026-01-01,IV1\n")
    (tmp / "monologue.txt").write_text("Just one person talking about supervision and space.\nNo labels at all.\n")
    return {
        "empty.txt": ["import", str(tmp / "empty.txt")],
        "binary.txt": ["import", str(tmp / "binary.txt")],
        "corrupt.docx": ["import", str(tmp / "corrupt.docx")],
        "bomb.docx": ["import", str(tmp / "bomb.docx")],
        "notes.pdf": ["import", str(tmp / "notes.pdf")],
        "manifest_missing.csv": ["import", "--manifest", str(tmp / "manifest_missing.csv")],
        "manifest_dupes.csv": ["import", "--manifest", str(tmp / "manifest_dupes.csv")],
        "monologue.txt": ["import", "--strict", str(tmp / "monologue.txt")],
    }


def test_bad_input_one_line_exit_2_project_unchanged(tmp_path):
    project_dir = tmp_path / "p"
    with Project.create(project_dir) as project:
        project.import_transcripts([SAMPLE / "INT02_northside_director.txt"])
    db = project_dir / "mio-qual.db"
    inputs = tmp_path / "in"
    inputs.mkdir()
    cases = _bad_inputs(inputs)
    before_state, before_bytes = project_state(project_dir), file_digest(db)
    for name, args in cases.items():
        done = run_cli("--project", str(project_dir), *args)
        assert done.returncode == 2, (name, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert lines[0].startswith("error: ") and "Traceback" not in done.stderr, (name, done.stderr)
        named = "not_there.txt" if name == "manifest_missing.csv" else name
        assert named in lines[0], (name, lines[0])
        assert project_state(project_dir) == before_state, name
    assert file_digest(db) == before_bytes


def test_import_of_text_transcripts_loads_no_heavy_library(tmp_path):
    """issue 21 (start-up): `mio-qual import` of text transcripts loads neither pandas/numpy (the summary line
    needs no table) nor spaCy (sentences of plain chunks need no tokenizer) nor PyYAML (no front matter) nor lxml."""
    Project.create(tmp_path / "p").close()
    (tmp_path / "T1.txt").write_text("Interviewer: How did it go?\n\nParticipant: Fine. It went well.\n",
                                     encoding="utf-8")
    code = ("import sys\nfrom mio_qual.cli.main import cli\n"
            "try:\n    cli(sys.argv[1:])\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('LOADED=' + ','.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "--project", str(tmp_path / "p"), "import",
                           str(tmp_path / "T1.txt")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "imported 1 new" in done.stdout + done.stderr
    loaded = set(done.stderr.rsplit("LOADED=", 1)[1].strip().split(","))
    assert "mio_qual" in loaded
    assert loaded & {"pandas", "numpy", "spacy", "yaml", "lxml", "docx", "sklearn"} == set()
    with Project.open(tmp_path / "p") as project:
        assert project.sentences()["text"].tolist() == ["How did it go?", "Fine.", "It went well."]


def test_transcripts_show_prints_times_as_clock_times(tmp_path):
    """New-user walk: start times printed as seconds, "2.300" beside "16"; now h:mm:ss, milliseconds only for a
    source that gives them (.vtt), and csv keeps seconds."""
    (tmp_path / "C01.vtt").write_text("WEBVTT\n\n00:00:02.300 --> 00:00:07.000\n<v Interviewer>How did it go?\n\n"
                                      "00:00:16.000 --> 00:01:05.000\n<v Counselor>It went well overall.\n",
                                      encoding="utf-8")
    (tmp_path / "T01.txt").write_text("[00:00:03] I: How did it go?\n[01:02:05] R: It went well.\n", encoding="utf-8")
    project = Project.create(tmp_path / "p")
    project.import_transcripts([tmp_path / "C01.vtt", tmp_path / "T01.txt"])
    assert project.segments("turn", "C01")["start_time"].tolist() == [2.3, 16.0]
    assert project.segments("turn", "T01")["start_time"].tolist() == [3.0, 3725.0]
    project.close()
    vtt = run_cli("--project", str(tmp_path / "p"), "transcripts", "show", "C01", cwd=tmp_path)
    assert vtt.returncode == 0, vtt.stderr
    assert "0:00:02.300" in vtt.stdout and "0:00:16.000" in vtt.stdout and " 2.3" not in vtt.stdout
    text = run_cli("--project", str(tmp_path / "p"), "transcripts", "show", "T01", cwd=tmp_path)
    assert "0:00:03 " in text.stdout and "1:02:05 " in text.stdout and "3725" not in text.stdout
    csv = run_cli("--project", str(tmp_path / "p"), "transcripts", "show", "C01", "--format", "csv", cwd=tmp_path)
    assert ",2.3," in csv.stdout and ",16.0," in csv.stdout


def test_transcripts_show_quotes_speakers_by_study_id_with_names_redacted(tmp_path):
    """`transcripts show` printed the stored text, names and all (session 7): now every name the project knows is
    [name], speakers appear by study id and role, and an id holding a name is the neutral id; --show-names keeps
    the text as stored."""
    import csv as csv_module
    import io
    import json

    (tmp_path / "Hollis_Tran_interview.txt").write_text(
        "Dana Whit: How is supervision?\n\nHollis Tran: Gwen Harlow runs it; GWEN's notes are on the door.\n",
        encoding="utf-8")
    (tmp_path / "roster.csv").write_text("transcript_id,speaker_label,study_id,role,aliases\n"
                                         "*,Dana Whit,IV1,interviewer,Dana\n"
                                         "*,Hollis Tran,S90,counselor,Hollis\n"
                                         "*,Gwen Harlow,S91,supervisor,Gwen\n", encoding="utf-8")
    project = Project.create(tmp_path / "p")
    project.import_transcripts([tmp_path / "Hollis_Tran_interview.txt"], roster=tmp_path / "roster.csv")
    neutral = project.redactor()("Hollis_Tran_interview")
    project.close()
    assert neutral == "T01"
    show = ["--project", str(tmp_path / "p"), "transcripts", "show", "Hollis_Tran_interview"]
    table = run_cli(*show, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "T01: turns" in table.stdout and "S90" in table.stdout and "counselor" in table.stdout
    rows = list(csv_module.DictReader(io.StringIO(run_cli(*show, "--format", "csv", cwd=tmp_path).stdout)))
    assert [(r["segment_id"], r["speaker"], r["study_id"], r["speaker_role"]) for r in rows] == [
        ("T01:t1", "[name]", "IV1", "interviewer"), ("T01:t2", "[name]", "S90", "counselor")]
    assert rows[1]["text"] == "[name]: [name] runs it; [name]'s notes are on the door."
    sentences = json.loads(run_cli(*show, "--unit", "sentence", "--format", "json", cwd=tmp_path).stdout)
    for output in (table.stdout, json.dumps(sentences)):
        assert not any(name in output for name in ("Hollis", "Tran", "Gwen", "GWEN", "Harlow", "Dana", "Whit"))
    named = list(csv_module.DictReader(io.StringIO(run_cli(*show, "--format", "csv", "--show-names",
                                                           cwd=tmp_path).stdout)))
    assert named[1]["text"] == "Hollis Tran: Gwen Harlow runs it; GWEN's notes are on the door."
    assert (named[1]["transcript_id"], named[1]["speaker"]) == ("Hollis_Tran_interview", "Hollis Tran")
    assert "--show-names" in run_cli("transcripts", "show", "--help", cwd=tmp_path).stdout

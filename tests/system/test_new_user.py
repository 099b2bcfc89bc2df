"""A new user's whole chain on their own files, from the README only.

The files are made here, the way a research team has them: Word transcripts with role labels
(``COUNSELOR:``) and time stamps, one laid out as a table, a Zoom ``.vtt``, a manifest and roster,
the team's own codebook as a spreadsheet saved as CSV (codes refining CFIR constructs), one coder's
Word comments and the other's coding sheet (which skips a transcript), a reconciliation and a
rating reconciliation with one row left blank, fidelity per session and counselor, counselor
links and ICS items. Each step is the README's command; the assertions are what walking it by
hand found wrong (session 5): role labels redacted as names, undecided rows counted as decided,
omissions not named, own codebooks without a hint.
"""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import openpyxl
from click.testing import CliRunner

from mio_qual.cli.main import _group as cli

LAKEVIEW = [
    ("INTERVIEWER", "00:00:04", "How does supervision for MIO work at Lakeview?"),
    ("COUNSELOR", "00:00:15", "Our supervisor blocks every Wednesday afternoon for MIO consultation. Nobody books "
                              "over it."),
    ("INTERVIEWER", "00:00:41", "And the space where you see mothers?"),
    ("COUNSELOR", "00:00:47", "We have a family room with a door, a couch and toys. It is quiet."),
    ("INTERVIEWER", "00:01:10", "Anything that makes it harder?"),
    ("COUNSELOR", "00:01:16", "Child welfare visits land on session days. MIO time is not billable under our codes."),
]
HILLCREST = [
    ("Interviewer", "00:00:03", "How has MIO supervision gone?"),
    ("Supervisor", "00:00:09", "Badly. Most months it gets cancelled because productivity targets went up."),
    ("Interviewer", "00:00:30", "What about space for the sessions?"),
    ("Supervisor", "00:00:36", "We have no private room. Counselors use the group room and people walk in."),
]
MILLBROOK_VTT = """WEBVTT

1
00:00:02.300 --> 00:00:06.100
Orla Fenwick: Where do you hold the sessions?

2
00:00:08.400 --> 00:00:14.900
Ilse Brannagh: In the family room at Millbrook. It is quiet and has a door.

3
00:00:16.000 --> 00:00:22.200
Orla Fenwick: And consultation?

4
00:00:23.500 --> 00:00:36.000
Ilse Brannagh: Every other week, but it moves a lot. Last month Bram cancelled it twice.
"""
CODEBOOK = """id,name,parent,definition,refines
SUP,Supervision and consultation,,Talk about MIO consultation,IS.K
SUP.CANC,Consultation cancelled,SUP,Consultation cancelled or moved,IS.K
ROOM,Space for sessions,,Rooms and privacy for sessions,IS.J2
"""


def _files(folder: Path) -> Path:
    """The team's transcripts folder, with its manifest and roster."""
    folder.mkdir()
    word = docx.Document()
    word.add_heading("Interview transcript: Lakeview Clinic", 1)
    word.add_paragraph("Transcribed by: a transcription service")
    for speaker, time, text in LAKEVIEW:
        word.add_paragraph(f"[{time}] {speaker}: {text}")
    word.save(str(folder / "Lakeview_counselor_2026-02-10.docx"))
    table_doc = docx.Document()
    table = table_doc.add_table(rows=1, cols=3)
    for cell, head in zip(table.rows[0].cells, ("Speaker", "Time", "Text")):
        cell.text = head
    for row in HILLCREST:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    table_doc.save(str(folder / "Hillcrest supervisor.docx"))
    (folder / "zoom_millbrook.vtt").write_text(MILLBROOK_VTT, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "transcript_id,file,agency,clinic,participant_id,role,kind,date,interviewer\n"
        "LV-C01,Lakeview_counselor_2026-02-10.docx,cedarline,lakeview,S101,counselor,interview,2026-02-10,IV1\n"
        "HC-S01,Hillcrest supervisor.docx,cedarline,hillcrest,S102,clinical_supervisor,interview,2026-02-12,IV2\n"
        "MB-C01,zoom_millbrook.vtt,pinecrest,millbrook,S106,counselor,interview,2026-02-24,IV1\n", encoding="utf-8")
    (folder / "roster.csv").write_text(
        "transcript_id,speaker_label,study_id,role,aliases\n"
        "*,Orla Fenwick,IV1,interviewer,Orla\n"
        "LV-C01,INTERVIEWER,IV1,interviewer,\n"
        "LV-C01,COUNSELOR,S101,counselor,Corwin Dace; Corwin\n"
        "HC-S01,Interviewer,IV2,interviewer,\n"
        "HC-S01,Supervisor,S102,clinical_supervisor,Petra Lindqvist\n"
        "MB-C01,Ilse Brannagh,S106,counselor,Ilse\n"
        "*,Bram,S103,clinic_director,\n", encoding="utf-8")
    return folder


def _comment(path: Path, codes_by_text: dict[str, str]) -> None:
    """What coder avery does in Word: a comment naming codes on the turn holding each passage."""
    document = docx.Document(str(path))
    for needle, codes in codes_by_text.items():
        paragraph = next(p for p in document.paragraphs if needle in p.text)
        document.add_comment(paragraph.runs[-1], text=codes, author="Avery")
    document.save(str(path))


class Walk:
    """``mio-qual --project PROJECT ...`` with stdout and stderr apart."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.runner = CliRunner()

    def __call__(self, *args: str | Path, code: int = 0) -> tuple[str, str]:
        result = self.runner.invoke(cli, ["--project", str(self.project), *map(str, args)])
        assert result.exit_code == code, (args, result.output, result.exception)
        return result.stdout, result.stderr


def _fill_rows(path: Path, sheet: str, column: str, values: dict[tuple[str, str], str], keys: tuple[str, str]) -> None:
    book = openpyxl.load_workbook(path)
    table = book[sheet]
    head = [c.value for c in table[1]]
    for row in table.iter_rows(min_row=2):
        key = tuple(row[head.index(k)].value for k in keys)
        if key in values:
            row[head.index(column)].value = values[key]
    book.save(path)


def test_a_new_user_walks_the_readme_on_their_own_files(tmp_path: Path) -> None:
    files = _files(tmp_path / "transcripts")
    book = tmp_path / "mio_study_codes.csv"
    book.write_text(CODEBOOK, encoding="utf-8")
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "my-study")]).exit_code == 0
    mio = Walk(tmp_path / "my-study")

    _out, err = mio("import", files)
    assert "imported 3 new" in err
    out, _err = mio("transcripts", "list", "--format", "csv")
    assert len(out.strip().splitlines()) == 4

    # the team's codebook: a CSV refining CFIR ids is checked with cfir2
    mio("codebook", "validate", book, "--with", "cfir2")
    codebooks = ["--codebook", "cfir2", "--codebook", book]

    # coder avery: Word comments on the copies; the role label COUNSELOR is no name to hide
    mio("coding", "export-docx", "--out", tmp_path / "to-code")
    copy = "\n".join(p.text for p in docx.Document(str(tmp_path / "to-code" / "LV-C01.docx")).paragraphs)
    assert "COUNSELOR: Our supervisor blocks" in copy
    _comment(tmp_path / "to-code" / "LV-C01.docx", {"Nobody books": "SUP", "family room with a door": "ROOM",
                                                    "not billable": "IS.J1"})
    _comment(tmp_path / "to-code" / "HC-S01.docx", {"Most months": "SUP.CANC", "no private room": "ROOM"})
    _comment(tmp_path / "to-code" / "MB-C01.docx", {"family room at": "ROOM"})
    words = sorted((tmp_path / "to-code").glob("*.docx"))
    _out, err = mio("coding", "import", *words, "--coder", "avery", code=2)  # own codes: the hint says how
    assert "--codebook cfir2 --codebook my-codebook.csv" in err
    mio("coding", "import", *words, "--coder", "avery", *codebooks)

    # coder blake: a coding sheet (MB-C01 not done yet)
    sheet = tmp_path / "blake.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["transcript_id", "segment_id", "quote", "code"])
    workbook.active.append(["LV-C01", "LV-C01:t2", None, "SUP"])
    workbook.active.append(["LV-C01", "LV-C01:t4", None, "IS.K"])
    workbook.active.append(["HC-S01", None, "Most months it gets cancelled", "SUP.CANC"])
    workbook.save(sheet)
    mio("coding", "import", sheet, "--coder", "blake", *codebooks)

    # agreement with its defaults names what it left out, and how to keep it
    out, _err = mio("agreement", "--coders", "avery", "blake", "--format", "csv")
    first = next(csv.DictReader(out.splitlines()))
    assert "1 transcript(s) blake did not see under the seen rule (MB-C01:" in first["left_out"]
    assert "--include-interviewer" in first["left_out"]

    # reconciliation follows agreement's seen rule: MB-C01, which blake never had, is set aside (not listed as
    # blake's disagreements, as it was before session 6); one row is left undecided
    out, err = mio("coding", "reconcile", "--coders", "avery", "blake", "--out", tmp_path / "rec")
    assert "set aside, not seen by blake" in out + err and "MB-C01" in out + err
    rec = tmp_path / "rec" / "reconcile_avery_blake.xlsx"
    rows = list(openpyxl.load_workbook(rec)["decisions"].iter_rows(min_row=2, values_only=True))
    assert rows and not any(r[1] == "MB-C01" for r in rows)
    decisions = {(r[0], r[1]): "keep A" for r in rows[1:]}  # the first row stays undecided
    _fill_rows(rec, "decisions", "decision", decisions, ("id", "transcript"))
    _out, err = mio("coding", "import", rec, *codebooks)
    assert f"{len(rows) - 1} decisions, 1 row undecided" in err

    # construct ratings: two raters, one disagreement the team leaves blank at first
    mio("ratings", "worksheet", "--raters", "rowan", "sasha", "--constructs", "IS.J2", "IS.K",
        "--links", "--out", tmp_path / "ratings")
    for rater, lakeview_space in (("rowan", "+2"), ("sasha", "+1")):
        values = {("lakeview", "IS.J2"): lakeview_space, ("hillcrest", "IS.J2"): "-2", ("millbrook", "IS.J2"): "+1",
                  ("lakeview", "IS.K"): "+2", ("hillcrest", "IS.K"): "-2", ("millbrook", "IS.K"): "-1"}
        _fill_rows(tmp_path / "ratings" / f"ratings_{rater}.xlsx", "ratings", "rating", values,
                   ("case_id", "construct"))
    mio("ratings", "import", tmp_path / "ratings" / "ratings_rowan.xlsx", tmp_path / "ratings" / "ratings_sasha.xlsx")
    out, _err = mio("ratings", "agreement")
    assert " value " in out and "0.833" in out  # exact agreement 5 of 6, on screen
    to_decide = tmp_path / "to-decide.csv"
    mio("ratings", "disagreements", "--out", to_decide)
    _out, err = mio("ratings", "consensus", "--decisions", to_decide, code=2)  # blank: no decision
    assert "1 disagreement(s) have no decision" in err
    filled = to_decide.read_text(encoding="utf-8").rstrip("\n").rsplit(",", 2)[0] + ",+2,the room is protected\n"
    to_decide.write_text(filled, encoding="utf-8")
    _out, err = mio("ratings", "consensus", "--decisions", to_decide)
    assert "1 decided, 0 unresolved" in err

    # outcomes per session and counselor, links, climate; Aim 2 and Aim 3 displays
    fidelity = tmp_path / "fidelity.csv"
    fidelity.write_text("session_id,counselor_id,clinic,agency,adherence,competence\n"
                        "S1,LV-C1,lakeview,cedarline,5,4\nS2,LV-C1,lakeview,cedarline,4,5\n"
                        "S3,HC-C1,hillcrest,cedarline,2,2\nS4,HC-C1,hillcrest,cedarline,3,2\n"
                        "S5,MB-C1,millbrook,pinecrest,4,4\nS6,MB-C1,millbrook,pinecrest,4,3\n", encoding="utf-8")
    mio("quant", "import", fidelity)
    links = tmp_path / "links.csv"
    links.write_text("study_id,counselor_id,clinic\nS101,LV-C1,lakeview\nS106,MB-C1,millbrook\n", encoding="utf-8")
    mio("aim3", "links", links)
    ics = tmp_path / "ics.csv"
    items = ",".join(f"ics{i}" for i in range(1, 19))
    answers = {"lakeview": (3, 4), "hillcrest": (1, 1), "millbrook": (2, 3)}
    ics.write_text(f"respondent_id,clinic,agency,{items}\n" + "".join(
        f"{clinic[:2].upper()}-R{n},{clinic},x,{','.join([str(v)] * 18)}\n"
        for clinic, values in answers.items() for n, v in enumerate(values)), encoding="utf-8")
    mio("aim3", "measure", ics, "--instrument", "ics")
    out, _err = mio("aim3", "counselors", "--constructs", "IS.J2", "--format", "csv")
    assert [r["counselor_id"] for r in csv.DictReader(out.splitlines())] == ["LV-C1", "MB-C1"]
    out, _err = mio("joint", "--outcome", "fidelity", "--format", "csv")
    assert "IS.J2" in out

    # the study report reads as written for investigators; the project goes to a QDA program
    mio("report", "study", "--out", tmp_path / "reports" / "study.docx")
    assert not list((tmp_path / "reports").glob("*timeline*"))  # no Aim 2 logs: no empty timeline charts
    report = docx.Document(str(tmp_path / "reports" / "study.docx"))
    text = "\n".join([p.text for p in report.paragraphs]
                     + [c.text for t in report.tables for r in t.rows for c in r.cells])
    assert "Counselor-level joint display" in text and "[name]-level" not in text
    assert "Three staff participants spoke" in text and "Two counselors are joined" in text  # capitals
    assert "Three transcripts (three interviews, no focus groups) from three clinics" in text  # one number style
    assert "Corwin" not in text and "Bram" not in text  # names stay out
    mio("coding", "export-qdpx", "--out", tmp_path / "study.qdpx")
    assert (tmp_path / "study.qdpx").stat().st_size > 0


SITE2_VTT = """WEBVTT

1
00:00:01.210 --> 00:00:06.480
Priya Natarajan: Okay, we're recording. Can you tell me about your role at Westfield?

2
00:00:07.020 --> 00:00:13.950
Marcus Bell: Sure. I supervise four counselors. The biggest barrier is space: no room where a mom can talk.

3
00:00:14.300 --> 00:00:21.110
Priya Natarajan: How do counselors fit the sessions into their week?

4
00:00:21.900 --> 00:00:34.870
Marcus Bell: It is hard. Our director, Alana Reyes, gave us protected hours, which helped.
"""


def test_a_second_site_joins_the_shared_project_as_a_coder(tmp_path: Path) -> None:
    """README "Working as a team", walked by an analyst at a second site (session 8): their transcripts are the
    lead's to import (a coder's import is refused up front, naming the lead: it was the server's 'permission
    denied' after every file was read), a quote copied from their redacted view places ('[name]' was 'not
    found'), and a layer named as the interviewer the roster lists is warned about (reports printed '[name]
    applied 12 codings')."""
    import pytest

    from mio_qual.store.pgcluster import TempCluster, find_binaries

    if find_binaries() is None:
        pytest.skip("no PostgreSQL server programs (initdb, pg_ctl, postgres): .ci/run installs them")
    psycopg = pytest.importorskip("psycopg")
    site1 = _files(tmp_path / "transcripts")
    site2 = tmp_path / "site2"
    site2.mkdir()
    (site2 / "GMT20260416-150502_Recording.transcript.vtt").write_text(SITE2_VTT, encoding="utf-8")
    (site2 / "manifest.csv").write_text(
        "transcript_id,file,agency,clinic,participant_id,role,kind,date,interviewer\n"
        "INT22,GMT20260416-150502_Recording.transcript.vtt,harbor,westfield,S22,supervisor,interview,"
        "2026-04-16,IV2\n", encoding="utf-8")
    (site2 / "roster.csv").write_text(
        "transcript_id,speaker_label,study_id,role,aliases\n"
        "INT22,Priya Natarajan,IV2,interviewer,Priya\nINT22,Marcus Bell,S22,supervisor,Marcus\n"
        "*,,,,Alana Reyes; Alana\n", encoding="utf-8")
    with TempCluster() as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as admin:  # the site's IT: a lead role and a database
            admin.execute("CREATE ROLE lead LOGIN CREATEROLE")
            admin.execute("CREATE DATABASE trial OWNER lead")
        runner = CliRunner()

        def run(*args: str | Path, code: int = 0) -> tuple[str, str]:
            result = runner.invoke(cli, list(map(str, args)))
            assert result.exit_code == code, (args, result.output, result.exception)
            return result.stdout, result.stderr

        run("init", tmp_path / "my-study")
        run("--project", tmp_path / "my-study", "import", site1)
        run("--project", tmp_path / "my-study", "project", "push", "--database", cluster.url_for("lead", "trial"))
        run("init", tmp_path / "trial-lead", "--database", cluster.url_for("lead", "trial"))
        lead = Walk(tmp_path / "trial-lead")
        lead("team", "add-coder", "priya")
        run("init", tmp_path / "trial-priya", "--database", cluster.url_for("priya", "trial"))
        priya = Walk(tmp_path / "trial-priya")

        # the second site's analyst imports their own transcripts: refused in one line, nothing changed
        before, _err = lead("transcripts", "list", "--format", "csv")
        _out, err = priya("import", site2, code=2)
        assert len(err.strip().splitlines()) == 1
        assert "only the project lead (lead) can import transcripts; you are connected as priya" in err
        assert "send the files, with their manifest and roster, to the lead" in err
        assert lead("transcripts", "list", "--format", "csv")[0] == before
        lead("import", site2)

        # priya codes from what she can see: names as [name]; her layer's name is the interviewer's alias
        priya("coding", "export-docx", "INT22", "--out", tmp_path / "to-code")
        copy = "\n".join(p.text for p in docx.Document(str(tmp_path / "to-code" / "INT22.docx")).paragraphs)
        assert "Our director, [name], gave us protected hours" in copy and "Alana" not in copy
        sheet = tmp_path / "priya.xlsx"
        workbook = openpyxl.Workbook()
        workbook.active.append(["transcript_id", "quote", "code"])
        workbook.active.append(["INT22", "Our director, [name], gave us protected hours, which helped.", "IND.B.L"])
        workbook.active.append(["INT22", "no room where a mom can talk", "IS.J2"])
        workbook.save(sheet)
        _out, err = priya("coding", "import", sheet, "--coder", "priya")
        assert "imported 2 codings" in err
        assert "layer 'priya' is also a name the project redacts" in " ".join(err.split())
        codings, _err = lead("coding", "list", "--format", "csv")
        assert "priya" in codings

        # the lead codes too, compares, reconciles and releases; the placed quote covers the name
        lead_sheet = tmp_path / "lead.csv"
        lead_sheet.write_text("transcript_id,segment_id,code\nINT22,INT22:t4,IND.B.L\nINT22,INT22:t2,IS.J2\n",
                              encoding="utf-8")
        lead("coding", "import", lead_sheet, "--coder", "lead")
        out, _err = lead("agreement", "--coders", "priya", "lead", "--format", "csv")
        assert {r["code"] for r in csv.DictReader(out.splitlines())} >= {"IND.B.L", "IS.J2"}
        lead("coding", "reconcile", "--coders", "priya", "lead", "--into", "consensus", "--out", tmp_path / "rec")
        lead("team", "release", "priya", "lead")
        from mio_qual import Project

        with Project.open(tmp_path / "trial-lead") as project:
            placed = project.codings(coder="priya")
            quoted = placed[placed["code"] == "IND.B.L"]["text"].tolist()
            assert quoted == ["Our director, Alana Reyes, gave us protected hours, which helped."]

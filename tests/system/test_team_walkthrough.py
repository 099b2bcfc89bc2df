"""Team mode walked as a new user, from the README's "Working as a team" only (session 6).

Two coders at two sites share one project on a PostgreSQL server: the lead moves a local project
there and adds the coders, assigns each three of four transcripts (two shared), and the coders
import at the same time (Word comments at one site, a coding sheet at the other). The sheet's
first version has a misspelt code (refused, nothing imported), its correction is imported, and a
second correction of the same file replaces the first. A coder asks for agreement while the other
layer is blinded; the lead measures agreement (checked by hand), reconciles, imports the decisions,
releases the layers and writes the study report. A coder trying to assign transcripts to the other
is refused. Last, the server ends the lead's session in the middle of an import: one line, exit
code 2, nothing saved. The assertions are what walking it by hand found wrong.

Starts its own throwaway cluster (trust authentication on loopback) and skips, saying why, where
PostgreSQL's server programs are not installed.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

ANSWERS = {
    "A01": ("alder", "S01", ["We never had a room for the sessions. The group room was always booked.",
                             "My supervisor gave me an hour each week to listen to tapes.",
                             "The billing codes did not fit, so the director paid from the grant.",
                             "Moms liked that it was about them and their babies."]),
    "A02": ("alder", "S02", ["Our counselors were trained in the spring, and two left by the fall.",
                             "We set aside Tuesday afternoons for supervision.",
                             "Recording sessions scared people at first.",
                             "The state auditors asked about the new groups."]),
    "B01": ("birch", "S03", ["I do MIO in the hallway office with the door half shut.",
                             "Nobody has time to listen to my tapes.",
                             "Child welfare workers sometimes sat in, and the moms stopped talking.",
                             "When the training came, I felt ready."]),
    "B02": ("birch", "S04", ["Funding ran out in month six.",
                             "Turnover is the main thing. Three counselors in a year.",
                             "I would love a dedicated room.",
                             "Supervision happens when it can."]),
}
# participant turns t2, t4, t6, t8: rowan (Word comments) codes A01 A02 B01, sage (a sheet) A02 B01 B02
ROWAN = {"A01": ["IS.J2", "MIO.SUPV", "MIO.BILL", "IS.D2"], "A02": ["MIO.TURN", "MIO.SUPV", "MIO.REC", "OS.G"],
         "B01": ["IS.J2", "MIO.SUPV", "MIO.CW", "MIO.TRAIN"]}
SAGE = {"A02": ["MIO.TURN", "MIO.SUPV", "MIO.REC", "OS.E"], "B01": ["IS.J2", "MIO.SUPV", "MIO.CW", None],
        "B02": ["IS.J1", "MIO.TURN", "IS.J2", "MIO.SUPV"]}


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    from mio_qual.store.pgcluster import TempCluster, find_binaries

    if find_binaries() is None:
        pytest.skip("no PostgreSQL server programs (initdb, pg_ctl, postgres): install Debian's postgresql "
                    "or set MIO_QUAL_PG_BIN to walk team mode")
    pytest.importorskip("psycopg", reason="team mode needs psycopg (a dependency of mio-qual)")
    with TempCluster() as running:
        yield running


def start(*args: str, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, COLUMNS="200")
    env.pop("MIO_QUAL_PROJECT", None)
    return subprocess.Popen([sys.executable, "-m", "mio_qual.cli.main", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run(*args: str, cwd: Path, code: int = 0) -> tuple[str, str]:
    process = start(*args, cwd=cwd)
    out, err = process.communicate(timeout=300)
    assert process.returncode == code, (args, out, err)
    return out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "internal error" not in err, err
    return " ".join(lines[0].split())


def write_files(folder: Path) -> None:
    (folder / "transcripts").mkdir(parents=True)
    for tid, (_, _, answers) in ANSWERS.items():
        turns = []
        for n, answer in enumerate(answers, 1):
            turns += [f"INTERVIEWER: Question {n}?", f"PARTICIPANT: {answer}"]
        (folder / "transcripts" / f"{tid}.txt").write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    with open(folder / "transcripts" / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "file", "agency", "clinic", "participant_id", "role", "kind"])
        for tid, (clinic, study_id, _) in ANSWERS.items():
            writer.writerow([tid, f"{tid}.txt", "north" if clinic == "alder" else "south", clinic, study_id,
                             "counselor", "interview"])


def comment_word_copies(exported: Path, coded: Path) -> None:
    """rowan's coding: a Word comment naming the code on each participant answer of the copies."""
    coded.mkdir()
    for tid, codes in ROWAN.items():
        document = docx.Document(str(exported / f"{tid}.docx"))
        for paragraph in document.paragraphs:
            for k, code in enumerate(codes):
                if paragraph.text.startswith(f"{tid}:t{2 * k + 2} "):
                    document.add_comment(paragraph.runs[-1], text=code, author="Rowan")
        document.save(str(coded / f"{tid}.docx"))


def write_sheet(path: Path, sage: dict[str, list[str | None]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "segment_id", "code"])
        for tid, codes in sage.items():
            writer.writerows([tid, f"{tid}:t{2 * k + 2}", code] for k, code in enumerate(codes) if code)


def test_two_sites_code_one_shared_project(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg
    import openpyxl

    write_files(tmp_path)
    database = "trial"
    cluster.create_database(database)
    url = cluster.url_for("mio_admin", database)
    lead, alder, birch = tmp_path / "lead", tmp_path / "alder", tmp_path / "birch"
    for site in (lead, alder, birch):
        site.mkdir()

    # the lead: a local project, pushed to the server, joined, coders added and given transcripts
    run("init", "local", cwd=lead)
    run("--project", "local", "import", str(tmp_path / "transcripts"), cwd=lead)
    run("--project", "local", "project", "push", "--database", url, cwd=lead)
    run("init", "trial-lead", "--database", url, cwd=lead)
    for coder in ("rowan", "sage"):
        _, err = run("--project", "trial-lead", "team", "add-coder", coder, cwd=lead)
        assert cluster.url_for(coder, database) in err and "no password yet" in " ".join(err.split())
    run("--project", "trial-lead", "coding", "assign", "--coder", "rowan", "A01", "A02", "B01", cwd=lead)
    run("--project", "trial-lead", "coding", "assign", "--coder", "sage", "A02", "B01", "B02", cwd=lead)

    # each coder's one-line setup; rowan codes the Word copies, sage a sheet with a misspelt code
    run("init", "trial-rowan", "--database", cluster.url_for("rowan", database), cwd=alder)
    run("init", "trial-sage", "--database", cluster.url_for("sage", database), cwd=birch)
    run("--project", "trial-rowan", "coding", "export-docx", "--out", "to-code", "A01", "A02", "B01", cwd=alder)
    comment_word_copies(alder / "to-code", alder / "coded")
    misspelt = {**SAGE, "A02": ["MIO.TURN", "MIO.SUPERV", "MIO.REC", "OS.E"]}
    write_sheet(birch / "sage.csv", misspelt)

    # both import at once: rowan's goes in, sage's is refused whole, naming the row and a suggestion
    words = start("--project", "trial-rowan", "coding", "import", *sorted(map(str, (alder / "coded").glob("*.docx"))),
                  "--coder", "rowan", cwd=alder)
    sheet = start("--project", "trial-sage", "coding", "import", "sage.csv", "--coder", "sage", cwd=birch)
    (out_w, err_w), (out_s, err_s) = words.communicate(timeout=300), sheet.communicate(timeout=300)
    assert words.returncode == 0 and "imported 12 codings" in err_w, err_w
    assert sheet.returncode == 2 and "row 3" in err_s and "did you mean MIO.SUPV" in err_s, err_s
    write_sheet(birch / "sage.csv", SAGE)
    _, err = run("--project", "trial-sage", "coding", "import", "sage.csv", "--coder", "sage", cwd=birch)
    assert "imported 11 codings" in err
    corrected = {**SAGE, "B01": ["IS.J2", "MIO.SUPV", "MIO.CW", "MIO.TRAIN"], "B02": ["OS.F", *SAGE["B02"][1:]]}
    write_sheet(birch / "sage.csv", corrected)  # the same file, corrected: it replaces what it brought before
    _, err = run("--project", "trial-sage", "coding", "import", "sage.csv", "--coder", "sage", cwd=birch)
    assert "imported 12 codings" in err and "replaced 11" in err
    _, err = run("--project", "trial-sage", "coding", "import", "sage.csv", "--coder", "sage", cwd=birch)
    assert "unchanged: the 12 codings" in " ".join(err.split()) and "replaced" not in err, err  # B9, on the server

    # blinding: sage sees only their own layer, and is told why rowan's is not there
    out, _ = run("--project", "trial-sage", "coding", "list", "--format", "csv", cwd=birch)
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["sage"]
    _, err = run("--project", "trial-sage", "agreement", "--coders", "rowan", "sage", cwd=birch, code=2)
    assert "no codings of rowan that you can read: you are connected as sage" in one_line(err)
    _, err = run("--project", "trial-rowan", "coding", "assign", "--coder", "sage", "A01", cwd=alder, code=2)
    assert "only the project lead can assign transcripts to sage" in one_line(err)

    # the lead's agreement by turn, on the 8 participant turns of A02 and B01 (both coders saw them):
    # one code per unit, they differ only on A02:t8 (OS.G against OS.E): 7/8 agree; Cohen's kappa with
    # chance agreement (1+4+1+1+1+1)/64 (MIO.TURN, MIO.SUPV x2, MIO.REC, IS.J2, MIO.CW, MIO.TRAIN)
    out, _ = run("--project", "trial-lead", "agreement", "--coders", "rowan", "sage", "--unit", "turn",
                 "--format", "csv", "--no-by-transcript", cwd=lead)
    rows = {row["code"]: row for row in csv.DictReader(out.splitlines())}
    nominal = rows["(one code per unit)"]
    assert float(nominal["n_units"]) == 8 and float(nominal["percent_agreement"]) == pytest.approx(7 / 8)
    assert float(nominal["cohen_kappa"]) == pytest.approx((7 / 8 - 9 / 64) / (1 - 9 / 64))
    assert float(rows["OS.E"]["cohen_kappa"]) == pytest.approx(0.0)

    # reconciliation: every row decided; the consensus layer holds agreed and decided codings
    run("--project", "trial-lead", "coding", "reconcile", "--coders", "rowan", "sage", "--into", "consensus",
        "--out", "reconcile", cwd=lead)
    book = openpyxl.load_workbook(lead / "reconcile" / "reconcile_rowan_sage.xlsx")
    sheet_rows = list(book["decisions"].iter_rows(min_row=2))
    decided = [row for row in sheet_rows if row[0].value]
    for row in decided:
        row[6].value = "keep A" if row[4].value else "keep B"
    book.save(lead / "reconcile" / "decided.xlsx")
    _, err = run("--project", "trial-lead", "coding", "import", "reconcile/decided.xlsx", cwd=lead)
    assert f"{len(decided)} decision{'' if len(decided) == 1 else 's'}, 0 rows undecided" in err
    run("--project", "trial-lead", "team", "release", "rowan", "sage", cwd=lead)
    out, _ = run("--project", "trial-sage", "coding", "list", "--format", "csv", cwd=birch)
    assert sorted(line.split(",")[0] for line in out.splitlines()[1:]) == ["rowan", "sage"]
    _, err = run("--project", "trial-lead", "report", "study", "--out", "reports/study.docx", cwd=lead)
    text = "\n".join(p.text for p in docx.Document(str(lead / "reports" / "study.docx")).paragraphs)
    assert "in the two transcripts the coders coded" in text  # A01 and B02 were seen by one coder each

    # the server ends the lead's session in the middle of an import: one line, exit 2, nothing saved
    (tmp_path / "more").mkdir()
    for n in range(40):
        (tmp_path / "more" / f"X{n:02d}.txt").write_text("INTERVIEWER: Why?\n\nPARTICIPANT: Because. " * 50,
                                                         encoding="utf-8")
    with psycopg.connect(url, autocommit=True) as admin:
        before = admin.execute("SELECT (SELECT COUNT(*) FROM transcripts), (SELECT COUNT(*) FROM audit)").fetchone()
        admin.execute("BEGIN")
        admin.execute("LOCK TABLE segments IN ACCESS EXCLUSIVE MODE")  # holds the import at its first segment
        with psycopg.connect(url, autocommit=True) as watcher:
            importing = start("--project", "trial-lead", "import", str(tmp_path / "more"), cwd=lead)
            deadline = time.monotonic() + 120
            while not (row := watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'mio-qual'"
                    " AND wait_event_type = 'Lock' AND xact_start IS NOT NULL").fetchone()):
                assert importing.poll() is None and time.monotonic() < deadline, importing.communicate()
                time.sleep(0.05)
            watcher.execute("SELECT pg_terminate_backend(%s)", row)
            _, err = importing.communicate(timeout=120)
        admin.execute("COMMIT")
        assert importing.returncode == 2
        assert "lost the connection to the database server" in one_line(err)
        assert admin.execute("SELECT (SELECT COUNT(*) FROM transcripts), (SELECT COUNT(*) FROM audit)"
                             ).fetchone() == before

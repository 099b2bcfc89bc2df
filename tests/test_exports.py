"""Exports are safe to open: no spreadsheet formula runs, and no file lands outside its folder.

The project under test carries formula-looking text everywhere a user's data can reach an
export: transcript text whose sentences start with ``=``, ``+``, ``-`` and ``@``, manifest
metadata (a clinic called ``@eastside``, a participant ``-S99``), coder names, coding memos,
rating rationales. Then every CSV and XLSX exporter of the CLI runs, and

* no CSV cell and no XLSX text cell starts with ``= + - @`` (or a tab or carriage return)
  unless it is a plain number, and no XLSX cell holds a formula;
* a layer exported and imported again comes back with its memos exactly as they were (the
  neutralizing quote is taken off on import);
* file names built from data (transcript ids, coder and rater names) never leave the folder
  the user chose: ``../../`` in an id or a name ends up as a plain file inside it.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import SAMPLE
from helpers.cli import run_captured
from mio_qual.exports import csv_text, safe_cell, write_csv

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
EVIL_TEXT = (
    "INTERVIEWER: =HYPERLINK(\"http://evil.example\",\"Tell me about the room\")\n\n"
    "PARTICIPANT: +cmd|' /C calc'!A0 is what the poster said. @SUM(1+1) was on the door.\n\n"
    "INTERVIEWER: -2+3 sessions a week?\n\n"
    "PARTICIPANT: =1+1 would be nice. The family room has a door now.\n"
)
MEMO = '=HYPERLINK("http://evil.example","memo")'


def run(project: Path, *args: str | Path) -> str:
    """Run the CLI in-process; return stdout; fail on a non-zero exit."""
    code, out, err = run_captured(project, *args)
    assert code == 0, (args, err)
    return out


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def unsafe_csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row
            if cell.startswith(DANGEROUS) and not is_number(cell)]


def unsafe_xlsx_cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, data_only=False)
    bad = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad.append(f"{sheet.title}!{cell.coordinate}: formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(DANGEROUS) and not is_number(cell.value):
                    bad.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return bad


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The sample plus a transcript, layers and ratings full of formula-looking text (closed)."""
    from mio_qual import Project

    root = tmp_path_factory.mktemp("exports")
    evil = root / "evil"
    evil.mkdir()
    (evil / "EVIL01.txt").write_text(EVIL_TEXT, encoding="utf-8")
    (evil / "manifest.csv").write_text(
        "transcript_id,file,agency,clinic,participant_id,role,kind,date,interviewer,note\n"
        "EVIL01,EVIL01.txt,riverbend,@eastside,-S99,counselor,interview,2026-03-01,+IV9,@SUM(A1)\n",
        encoding="utf-8")
    project_dir = root / "study"
    with Project.create(project_dir) as project:
        project.import_transcripts([SAMPLE])
        project.import_transcripts([evil])
        text = project.text("EVIL01")
        sheet = root / "evil_codings.csv"
        with open(sheet, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["transcript_id", "start", "end", "codes", "coder", "memo"])
            for coder in ("@mallory", "+eve"):
                for needle, code in (("=HYPERLINK", "IS.J2"), ("+cmd", "IS.J2"), ("@SUM", "MIO.REC"),
                                     ("-2+3", "IS.J1"), ("=1+1", "IS.J2")):
                    start = text.index(needle)
                    writer.writerow(["EVIL01", start, start + 12, code, coder, "'" + MEMO])
        project.import_coding_sheets([sheet], codebook=["cfir2", "mio"])
        project.import_coding_sheets([SAMPLE / "coding" / "casey.xlsx"])
        for rater, rating in (("riley", "+1"), ("sam", "-1")):
            path = root / f"ratings_{rater}.csv"
            path.write_text("case_id,construct,rating,rationale\n"
                            f"northside,IS.J2,{rating},'=1+1 rooms\n"
                            f"@eastside,IS.J2,+2,@SUM(A1) said so\n"
                            f"eastgate,IS.J1,{rating},-one funder\n", encoding="utf-8")
            project.import_ratings(path, rater)
        project.import_quant(SAMPLE / "quant" / "fidelity_sessions.csv")
    return project_dir


def test_every_csv_and_xlsx_export_is_neutralized(study, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    csv_outputs = {
        "transcripts list": run(study, "transcripts", "list", "--format", "csv"),
        "sentences": run(study, "transcripts", "show", "EVIL01", "--unit", "sentence", "--format", "csv"),
        "turns": run(study, "transcripts", "show", "EVIL01", "--format", "csv"),
        "coding list": run(study, "coding", "list", "--format", "csv"),
        "disagreements": run(study, "disagreements", "--coders", "@mallory", "+eve", "--format", "csv"),
        "agreement": run(study, "agreement", "--coders", "@mallory", "+eve", "--format", "csv"),
        "ratings list": run(study, "ratings", "list", "--format", "csv"),
        "ratings matrix": run(study, "ratings", "matrix", "--rater", "riley", "--format", "csv"),
        "quant list": run(study, "quant", "list", "--format", "csv"),
        "log": run(study, "log", "--limit", "0", "--format", "csv"),
    }
    for coder in ("@mallory", "+eve"):
        run(study, "coding", "export", "--coder", coder, "--out", out / f"layer{coder[0]}.csv")
        run(study, "coding", "export", "--coder", coder, "--out", out / f"layer{coder[0]}.xlsx")
    run(study, "ratings", "disagreements", "--out", out / "rating_disagreements.csv")
    run(study, "ratings", "disagreements", "--out", out / "rating_disagreements.xlsx")
    run(study, "ratings", "matrix", "--rater", "riley", "--format", "xlsx", "--out", out / "matrix.xlsx")
    run(study, "ratings", "worksheet", "--raters", "quinn", "--coder", "@mallory", "--out", out / "worksheets")
    run(study, "coding", "reconcile", "--coders", "@mallory", "+eve", "--into", "=merged", "--out", out / "rec")
    run(study, "joint", "--outcome", "fidelity", "--rater", "riley", "--format", "xlsx", "--out", out / "joint.xlsx")
    csv_outputs["joint"] = run(study, "joint", "--outcome", "fidelity", "--rater", "riley", "--format", "csv")
    run(study, "report", "themes", "--layer", "@mallory", "--out", out / "report" / "themes.docx")
    run(study, "report", "agreement", "--coders", "@mallory", "--coders", "+eve", "--out",
        out / "report" / "agreement.docx")
    run(study, "report", "joint", "--rater", "riley", "--out", out / "report" / "joint.docx")

    # the exports hold the evil text (so the checks below mean something) ...
    assert "HYPERLINK" in csv_outputs["sentences"] and "@eastside" in csv_outputs["transcripts list"]
    assert "HYPERLINK" in (out / "layer@.csv").read_text(encoding="utf-8")
    # ... and nothing in them would run as a formula
    for name, text in csv_outputs.items():
        assert text.strip(), name
        assert not unsafe_csv_cells(text), (name, unsafe_csv_cells(text)[:5])
    files = sorted(p for p in out.rglob("*") if p.suffix in (".csv", ".xlsx"))
    assert {p.suffix for p in files} == {".csv", ".xlsx"} and len(files) >= 8
    assert any(p.parent.name == "report" and p.suffix == ".csv" for p in files)  # the reports' companion tables
    for path in files:
        if path.suffix == ".csv":
            assert not unsafe_csv_cells(path.read_text(encoding="utf-8")), path
        else:
            assert not unsafe_xlsx_cells(path), (path, unsafe_xlsx_cells(path)[:5])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_neutralized_layer_imports_back_unchanged(study, tmp_path, suffix):
    """The quote that protects =... on export is taken off on import: memos round-trip exactly."""
    import shutil

    from mio_qual import Project

    copy = tmp_path / "copy"
    shutil.copytree(study, copy)
    exported = tmp_path / f"mallory{suffix}"
    run(copy, "coding", "export", "--coder", "@mallory", "--out", exported)
    run(copy, "coding", "import", exported, "--coder", "@mallory")
    with Project.open(copy) as project:
        rows = project.store.connection.execute(
            "SELECT transcript_id, start, end, code, memo FROM codings WHERE coder = '@mallory'"
            " ORDER BY transcript_id, start, code").fetchall()
    assert len(rows) == 10  # the export file's rows, not added to the first import's
    assert {row[4] for row in rows} == {MEMO}


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_names_from_data_never_lead_out_of_the_output_folder(tmp_path):
    """Transcript ids, coder names and rater names holding ../ are written as plain names inside --out."""
    from mio_qual import Project
    from mio_qual.coding import Coding

    sources = tmp_path / "in"
    sources.mkdir()
    (sources / "a.txt").write_text("INTERVIEWER: hi there\n\nPARTICIPANT: the room is great\n", encoding="utf-8")
    (sources / "manifest.csv").write_text("transcript_id,file,clinic\n../../escaped,a.txt,north\n", encoding="utf-8")
    project_dir = tmp_path / "work" / "study"
    with Project.create(project_dir) as project:
        project.import_transcripts([sources])
        tid = "../../escaped"
        start = project.text(tid).index("room")
        for coder in ("../../up", "..\\..\\win"):
            project.write_codings([Coding(tid, start, start + 4, "IS.J2", coder)], coder=coder)
    sandbox = tmp_path / "work"
    before = _files_under(tmp_path)
    out = sandbox / "out" / "deep"
    run(project_dir, "coding", "export-docx", "--out", out)
    run(project_dir, "coding", "reconcile", "--coders", "../../up", "..\\..\\win", "--out", out)
    run(project_dir, "ratings", "worksheet", "--raters", "../../rater", "--out", out, "--constructs", "IS.J2")
    new = _files_under(tmp_path) - before
    outside = sorted(str(p) for p in new if out.resolve() not in p.resolve().parents and p.parent != project_dir)
    assert not outside, outside
    names = {p.name for p in new if p.parent == out}
    assert "escaped.docx" in names
    assert any(n.startswith("reconcile_") and n.endswith(".xlsx") for n in names)
    assert any(n.startswith("ratings_") and n.endswith(".xlsx") for n in names)
    assert all(os.sep not in n and n not in (".", "..") for n in names), names


# ---------------------------------------------------------------------------- every delimiter locale
# Issue 20: a memo such as ``see notes;=cmd|' /C calc'!A0;`` was written unquoted, so a spreadsheet
# set to a semicolon locale split it and ran the second half as a formula.
ATTACKS = ["see notes;=cmd|' /C calc'!A0;", "a\t=1+1", "x,@SUM(A1)", 'say "hi";+1', "-2", "=HYPERLINK(1)",
           "line one\n=2+2", "plain", ""]
FORMULA = ("=", "+", "-", "@")


def cells(text: str, delimiter: str) -> list[list[str]]:
    """What a spreadsheet in a locale splitting on ``delimiter`` sees (it honours RFC 4180 quotes)."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def live(cell: str) -> bool:
    stripped = cell
    if not stripped.startswith(FORMULA):
        return False
    try:
        float(stripped.replace(",", "."))  # a number (a decimal comma in the semicolon locales)
        return False
    except ValueError:
        return True


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_locale_sees_a_live_formula(delimiter):
    frame = pd.DataFrame({"memo": ATTACKS, "n": range(len(ATTACKS))})
    seen = cells(csv_text(frame), delimiter)
    assert not [cell for row in seen for cell in row if live(cell)]


def test_the_comma_locale_reads_back_the_neutralized_values():
    frame = pd.DataFrame({"memo": ATTACKS, "n": range(len(ATTACKS)), "p": [0.5] * len(ATTACKS)})
    rows = cells(csv_text(frame), ",")
    assert rows[0] == ["memo", "n", "p"]
    assert [r[0] for r in rows[1:]] == [safe_cell(v) for v in ATTACKS]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(ATTACKS))]
    assert rows[1][0] == "see notes;=cmd|' /C calc'!A0;"  # one cell, not split, in the semicolon locale too
    assert cells(csv_text(frame), ";")[1][0] == "see notes;=cmd|' /C calc'!A0;,0,0.5"


def test_values_are_formatted_as_pandas_formats_them(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": [0.25, None], "c": ["x", None], "d": pd.to_datetime(["2024-01-02", None])})
    plain = frame.to_csv(index=False, lineterminator="\n")
    assert csv_text(frame) == plain
    assert write_csv(frame, tmp_path / "sub" / "t.csv").read_text(encoding="utf-8") == plain


def test_a_single_empty_cell_stays_a_row():
    assert cells(csv_text(pd.DataFrame({"memo": ["", "a"]})), ",") == [["memo"], [""], ["a"]]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab =+-@;,\t\"'\n1.")), max_size=12), min_size=1, max_size=6))
def test_round_trip_and_no_live_formula_in_any_locale(values):
    frame = pd.DataFrame({"memo": values})
    text = csv_text(frame)
    back = cells(text, ",")
    assert [r[0] if r else "" for r in back[1:]] == [safe_cell(v) for v in values]
    for delimiter in (";", "\t"):
        assert not [cell for row in cells(text, delimiter) for cell in row if live(cell)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=st.sampled_from(list("ab ,\"'\n=+-@;\t\r")), max_size=8),
                          st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("x,\"\n=-")), max_size=4)),
                          st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=32))),
                min_size=0, max_size=6), st.integers(min_value=1, max_value=3))
def test_pandas_quoting_is_kept_where_no_locale_splits_more(rows, width):
    # without a semicolon, tab or carriage return, pandas' own output is returned as written: it must be
    # what re-quoting every field for every locale gives
    from mio_qual.exports import _requoted, safe_frame

    frame = pd.DataFrame(rows, columns=["text", "other", "number"]).iloc[:, :width]
    formatted = safe_frame(frame).to_csv(index=False, lineterminator="\n")
    assert csv_text(frame) == _requoted(formatted)

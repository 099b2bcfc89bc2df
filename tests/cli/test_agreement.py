"""The agreement and disagreements commands on a two-coder project (helpers.agreement)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mio_qual.agreement.report import POOLED


def test_cli_agreement_and_disagreements(coded_project, tmp_path):
    from mio_qual.cli.main import _group

    runner = CliRunner()
    base = ["--project", str(coded_project.folder)]
    result = runner.invoke(_group, base + ["agreement", "--coders", "ann", "bob", "--unit", "turn", "--format",
                                           "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["code"] for r in rows} >= {"MIO.TRAIN", POOLED}
    result = runner.invoke(_group, base + ["agreement", "--coders", "ann", "--coders", "bob", "--stat", "gwet_ac1",
                                           "--format", "csv", "--no-transcripts"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("level,code,transcript_id")
    result = runner.invoke(_group, base + ["agreement", "--coders", "ann", "bob"])
    assert result.exit_code == 0 and "MIO.TRAIN" in result.output
    result = runner.invoke(_group, base + ["disagreements", "--coders", "ann", "bob", "--format", "csv"])
    assert result.exit_code == 0 and "Supervision was short." in result.output
    # written to a file, both say where it went (they were silent; new-user walk)
    listed = tmp_path / "to-discuss.csv"
    result = runner.invoke(_group, base + ["disagreements", "--coders", "ann", "bob", "--out", str(listed)])
    assert result.exit_code == 0 and f"disagreeing unit(s); wrote {listed}" in result.stderr
    result = runner.invoke(_group, base + ["agreement", "--coders", "ann", "bob", "--out", str(tmp_path / "a.csv")])
    assert result.exit_code == 0 and f"wrote {tmp_path / 'a.csv'}" in result.stderr
    result = runner.invoke(_group, base + ["agreement", "--coders", "ann", "zoe"])
    assert result.exit_code == 2
    assert "no codings" in result.output


def test_every_format_shows_the_table_computed_with_every_option(coded_project, tmp_path):
    # `agreement --format docx` used to hand only 5 of its 14 options to the Word report
    from mio_qual.cli.main import _group

    docx = pytest.importorskip("docx")
    openpyxl = pytest.importorskip("openpyxl")
    options = ["--project", str(coded_project.folder), "agreement", "--coders", "ann", "bob", "--unit", "turn",
               "--stat", "gwet_ac1", "--stat", "percent_agreement", "--no-transcripts", "--codes", "MIO.TRAIN",
               "--include-interviewer", "--all-seen", "--confidence", "0.9"]
    result = CliRunner().invoke(_group, options + ["--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["code"] for r in rows} >= {"MIO.TRAIN", POOLED} and "transcript" not in {r["level"] for r in rows}
    assert {r["code"] for r in rows if r["level"] == "code"} == {"MIO.TRAIN"}
    columns = list(rows[0])
    assert "gwet_ac1" in columns and "cohen_kappa" not in columns
    out = tmp_path / "agreement.docx"
    result = CliRunner().invoke(_group, options + ["--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = docx.Document(str(out)).tables[0]
    assert [c.text for c in table.rows[0].cells] == columns
    assert [r.cells[1].text for r in table.rows[1:]] == [r["code"] for r in rows]
    book = tmp_path / "agreement.xlsx"
    result = CliRunner().invoke(_group, options + ["--out", str(book), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(book).worksheets[0]
    assert [c.value for c in sheet[1]] == columns and sheet.max_row == len(rows) + 1


def test_seen_rule_and_counts_reach_the_csv_and_the_screen(tmp_path):
    """Issue 12: the CSV carries what the screen says under the table (the seen rule, what was left out)."""
    import pandas as pd

    from helpers.agreement import make_seen_project
    from mio_qual.agreement.project_api import SEEN_RULES
    from mio_qual.cli.main import _group

    project = make_seen_project(tmp_path)
    base = ["--project", str(project.folder)]
    runner = CliRunner()
    out = tmp_path / "agreement.csv"
    result = runner.invoke(_group, base + ["agreement", "--coders", "A", "B", "--seen", "coded", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert (written["seen_rule"] == SEEN_RULES["coded"]).all()
    assert written["left_out"].str.contains("1 transcript(s) B did not see", regex=False).all()
    assert written["left_out"].str.contains("spoken by the interviewer side").all()
    shown = runner.invoke(_group, base + ["agreement", "--coders", "A", "B"])
    assert "seen: " + SEEN_RULES["given"] in " ".join(shown.output.split())
    clash = runner.invoke(_group, base + ["agreement", "--coders", "A", "B", "--all-seen", "--seen", "coded"])
    assert clash.exit_code == 2
    # `coding assign` gives B transcript T2: its sentence B left uncoded is now a disagreement
    assigned = runner.invoke(_group, base + ["coding", "assign", "--coder", "B", "T2", "--format", "csv"])
    assert assigned.exit_code == 0, assigned.output
    assert "B,T2,command" in assigned.output
    result = runner.invoke(_group, base + ["agreement", "--coders", "A", "B", "--format", "json", "--convention",
                                           "pairable", "--boot", "50", "--boot-method", "krippendorff"])
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.output) if r["code"] == "X" and r["level"] == "code")
    assert (row["n_units"], row["percent_agreement"]) == (4, 0.75)
    project.close()

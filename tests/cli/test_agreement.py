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
    result = runner.invoke(_group, base + ["agreement", "--coders", "ann", "--coders", "bob", "--stats", "gwet_ac1",
                                           "--format", "csv", "--no-by-transcript"])
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
    assert "no coder 'zoe' in this project" in result.output


def test_every_format_shows_the_table_computed_with_every_option(coded_project, tmp_path):
    # `agreement --format docx` used to hand only 5 of its 14 options to the Word report
    from mio_qual.cli.main import _group

    docx = pytest.importorskip("docx")
    openpyxl = pytest.importorskip("openpyxl")
    options = ["--project", str(coded_project.folder), "agreement", "--coders", "ann", "bob", "--unit", "turn",
               "--stats", "gwet_ac1", "percent_agreement", "--no-by-transcript", "--codes", "MIO.TRAIN",
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


def test_each_option_is_the_python_parameter_spelled_with_dashes():
    # --overlap was span_threshold=, --boot n_boot=, --stat stats=, --transcript transcripts=, --no-transcripts
    # by_transcript=False (newuser2 A9): now one vocabulary, checked both ways
    import inspect

    from mio_qual import Project
    from mio_qual.cli.agreement import agreement, disagreements

    cli_only = {"fmt", "out", "all_seen", "show_names"}
    for command, method in ((agreement, Project.agreement), (disagreements, Project.disagreements)):
        python = set(inspect.signature(method).parameters) - {"self", "inputs"}
        for option in command.params:
            if option.hidden or option.name in cli_only:
                continue
            assert option.name in python, (command.name, option.name)
            long_name = "--" + option.name.replace("_", "-")
            assert long_name in option.opts, (option.opts, option.name)  # --by-transcript/--no-by-transcript too
        shown = {o.name for o in command.params if not o.hidden}
        assert python - shown <= {"redact"}, python - shown  # redact is --show-names, the safe default reversed


def test_the_old_option_names_still_work_with_a_warning(coded_project):
    from mio_qual.cli.main import _group

    base = ["--project", str(coded_project.folder), "agreement", "--coders", "ann", "bob", "--format", "csv"]
    new = CliRunner().invoke(_group, base + ["--stats", "gwet_ac1", "--no-by-transcript", "--transcripts", "INT01"])
    old = CliRunner().invoke(_group, base + ["--stat", "gwet_ac1", "--no-transcripts", "--transcript", "INT01"])
    assert new.exit_code == old.exit_code == 0, old.output
    assert old.stdout == new.stdout and "cohen_kappa" not in new.stdout and ",transcript," not in new.stdout
    for old_name, new_name in (("--stat", "--stats"), ("--no-transcripts", "--no-by-transcript"),
                               ("--transcript", "--transcripts")):
        assert f"{old_name} is an old name of {new_name}" in old.stderr
    assert "old name" not in new.stderr
    assert "--stat " not in CliRunner().invoke(_group, ["agreement", "--help"]).output  # hidden from --help


def test_the_screen_prints_no_interval_for_a_code_too_rare_to_assess():
    """New-user walk: "kappa 95% CI -0.00 to 0.00" beside a code coded in one sentence (the Word table says no interval)."""
    import pandas as pd

    from mio_qual.cli.agreement import _compact

    table = pd.DataFrame({"level": ["code", "code"], "code": ["RARE", "COMMON"], "n_units": [60.0, 60.0],
                          "prevalence": [1 / 120, 0.2], "percent_agreement": [0.983, 0.95],
                          "cohen_kappa": [0.0, 0.8], "cohen_kappa_ci_low": [-0.001, 0.6],
                          "cohen_kappa_ci_high": [0.001, 0.95], "flag": ["too rare", "reliable"]})
    assert _compact(table)["kappa 95% CI"].tolist() == ["", "0.60 to 0.95"]

"""The shared option decorators of cli/common.py: layers, --format inferred from --out, stdout/stderr."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from mio_qual.cli.common import (
    coder_option,
    deprecated_alias,
    coders_option,
    emit,
    format_option,
    out_option,
    say,
    values_option,
    warn,
)


def _run(command: click.Command, args: list[str]):
    """Run a test command under a group that behaves as mio-qual's (errors become exit codes)."""
    from mio_qual.cli.main import MioQualGroup

    return CliRunner().invoke(MioQualGroup(commands={command.name: command}), [command.name, *args])


@click.command("layers")
@coders_option()
@coder_option()
@values_option("--case", "cases", spaces=False, help="Cases.")
def _layers(coders, coder, cases):
    click.echo(f"coders={list(coders)} coder={coder} cases={list(cases)}")


@pytest.mark.parametrize("args", [["--coders", "a", "b"], ["--coders", "a", "--coders", "b"], ["--coders", "a,b"],
                                  ["--coders", "a", "b", "a"]])
def test_coders_option_takes_several_names_every_way(args):
    result = _run(_layers, args)
    assert result.exit_code == 0, result.output
    assert "coders=['a', 'b'] coder=None" in result.stdout


def test_coders_option_needs_two_and_coder_one():
    assert _run(_layers, ["--coders", "a"]).exit_code == 2  # agreement needs two layers
    assert _run(_layers, []).exit_code == 2  # required
    result = _run(_layers, ["--coders", "a", "b", "--coder", "c", "--case", "north side", "--case", "east"])
    assert "coder=c cases=['north side', 'east']" in result.stdout


@click.command("table")
@format_option("table", "csv", "json", "xlsx")
@out_option()
def _table(fmt, out):
    import pandas as pd

    say("[bold]made[/] a table")
    warn("a [bracketed] warning")
    click.echo(f"fmt={fmt}", err=True)
    emit(pd.DataFrame({"code": ["IS.J1", "=cmd"], "n": [1, 2]}), fmt, title="Codes", out=out)


def test_format_is_inferred_from_out_and_checked(tmp_path):
    assert "fmt=table" in _run(_table, []).stderr
    assert "fmt=csv" in _run(_table, ["--format", "csv"]).stderr
    result = _run(_table, ["--out", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 0 and "fmt=xlsx" in result.stderr
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "t.xlsx")["table"].values)
    assert rows == [("code", "n"), ("IS.J1", 1), ("'=cmd", 2)]
    written = _run(_table, ["--out", str(tmp_path / "t.json")])
    assert written.exit_code == 0 and written.stdout == ""
    assert '"code":"IS.J1"' in (tmp_path / "t.json").read_text(encoding="utf-8").replace(" ", "")
    # a format only a file holds, a contradiction, a format the command does not write: exit 2, one line
    for args in (["--format", "xlsx"], ["--format", "csv", "--out", str(tmp_path / "t.json")],
                 ["--out", str(tmp_path / "t.docx")], ["--format", "png"]):
        bad = _run(_table, args)
        assert bad.exit_code == 2, (args, bad.output)
        if args != ["--format", "png"]:  # png is refused by click's choice, the rest by mio-qual
            assert bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1, bad.stderr
    assert not (tmp_path / "t.docx").exists()


def test_messages_go_to_stderr_and_data_to_stdout():
    result = _run(_table, ["--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "code,n\nIS.J1,1\n'=cmd,2\n"  # only data, formulas neutralized
    assert "made a table" in result.stderr and "warning: a [bracketed] warning" in result.stderr
    screen = _run(_table, [])
    assert "IS.J1" in screen.stdout and "Codes" in screen.stdout and "made" not in screen.stdout


def test_emit_shows_every_table_of_a_result_with_notes(capsys, tmp_path):
    import pandas as pd

    from mio_qual.result import Result, Table

    result = Result("demo", tables=[Table(pd.DataFrame({"a": [1]}), title="First", notes=["one note"]),
                                    Table(pd.DataFrame({"b": [2]}), title="Second")])
    emit(result, "table")
    shown = capsys.readouterr().out
    assert "First" in shown and "one note" in shown and "Second" in shown
    emit(result, "csv")
    assert capsys.readouterr().out == "a\n1\n"  # CSV holds the main table
    assert emit(result, "xlsx", out=tmp_path / "r.xlsx") == tmp_path / "r.xlsx"
    from openpyxl import load_workbook

    assert len(load_workbook(tmp_path / "r.xlsx").sheetnames) == 3  # two tables and the notes


def test_format_option_keeps_the_old_keyword_and_checks_its_default():
    @click.command("old")
    @format_option(choices=("table", "json"))
    def old(fmt):
        click.echo(fmt)

    assert _run(old, ["--format", "json"]).stdout == "json\n"
    assert _run(old, ["--format", "csv"]).exit_code == 2
    with pytest.raises(ValueError):
        format_option("csv", "json")  # default 'table' not offered
    # a name outside the renderer's vocabulary must be passed as extra= (found when the command runs)
    stray = _run(click.command("stray")(format_option("table", "qdc")(lambda fmt: None)), [])
    assert isinstance(stray.exception, ValueError) and "extra=" in str(stray.exception)


def test_format_option_extra_formats_come_from_the_suffix(tmp_path):
    @click.command("export")
    @format_option("csv", "docx", default="csv", extra=("qdc",))
    @out_option()
    def export(fmt, out):
        click.echo(fmt)

    assert _run(export, ["--out", str(tmp_path / "c.qdc")]).stdout == "qdc\n"
    assert _run(export, ["--format", "qdc"]).stdout == "qdc\n"
    assert _run(export, ["--out", str(tmp_path / "c.docx")]).stdout == "docx\n"
    assert _run(export, []).stdout == "csv\n"


@click.command("aliased")
@values_option("--themes-coders", "layers", help="Layers.")
@deprecated_alias("--layer", "--themes-coders", "layers", several=True)
@coder_option()
@deprecated_alias("--evaluate", "--coder", "coder")
@format_option("table", "json", aliases={"text": "table"})
def _aliased(layers, coder, fmt):
    click.echo(f"layers={list(layers)} coder={coder} fmt={fmt}")


@pytest.mark.parametrize("args, shown", [
    (["--layer", "a", "b"], "layers=['a', 'b'] coder=None fmt=table"),
    (["--themes-coders", "a", "--layer", "b", "a"], "layers=['a', 'b'] coder=None fmt=table"),
    (["--evaluate", "x"], "layers=[] coder=x fmt=table"),
    (["--coder", "y", "--evaluate", "x"], "layers=[] coder=y fmt=table"),  # the current name wins
    (["--format", "text"], "layers=[] coder=None fmt=table"),
])
def test_old_names_still_work_with_a_warning_and_are_hidden(args, shown):
    result = _run(_aliased, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == shown + "\n"
    assert "old name" in result.stderr
    helped = _run(_aliased, ["--help"]).stdout
    assert "--themes-coders" in helped and "--layer" not in helped and "--evaluate" not in helped
    assert "text" not in helped
    assert _run(_aliased, ["--themes-coders", "a"]).stderr == ""


def test_a_wrong_format_name_lists_only_the_current_names():
    result = _run(_aliased, ["--format", "tree"])
    assert result.exit_code == 2
    assert "'table', 'json'" in result.stderr and "text" not in result.stderr


def test_a_table_wider_than_the_screen_wraps_long_text_and_never_cuts_a_number():
    """`quant summary --by clinic` at 160 columns printed means as "2.7…" and cut the base to
    "counselors (each counselor's mean of rated sessi…": now the long text wraps, every number is whole."""
    import pandas as pd
    from rich.console import Console

    from mio_qual.cli.common import rich_table

    base = "counselors (each counselor's mean of rated sessions)"
    frame = pd.DataFrame({"agency": ["Harborview"] * 2, "clinic": ["Lakeside", "Pine Ridge"],
                          "measure": ["adherence", "competence"], "level": ["session -> counselor"] * 2,
                          "base": [base] * 2, "n": [2, 1], "n_missing": [1, 0], "mean": [2.75, 3.254],
                          "sd": [0.353553, float("nan")], "median": [2.75, 3.254], "min": [2.5, 3.254],
                          "max": [3.0, 3.254], "dataset": ["quant_fidelity"] * 2})
    console = Console(width=150, record=True, highlight=False, soft_wrap=False)
    console.print(rich_table(frame, title="Outcomes by clinic", width=150))
    shown = console.export_text()
    assert "…" not in shown
    for value in ("2.750", "0.354", "3.254", "2.500", "quant_fidelity", "Harborview", "Pine Ridge"):
        assert value in shown, value
    words = " ".join(part.strip(" │") for line in shown.splitlines() for part in line.split("│")[5:6])
    assert "".join(words.split()) == "".join((base * 2).split())  # the base column, read down its lines
    assert max(len(line) for line in shown.splitlines()) <= 150


def test_a_table_narrower_than_its_columns_names_the_columns_it_cannot_show():
    """`COLUMNS=100 quant summary --by clinic` with long clinic names: rich's last resort squeezed columns to
    nothing (the n column vanished, silently). Every column is now shown with a usable width (a number whole),
    or named in the caption with how to see it."""
    import pandas as pd
    from rich.console import Console

    from mio_qual.cli.common import rich_table

    clinic = "Harborview Family Counseling Center at Pine Ridge"
    frame = pd.DataFrame({"agency": ["Harborview Behavioral Health Services"] * 2, "clinic": [clinic, clinic + " East"],
                          "measure": ["adherence", "competence"], "level": ["session -> counselor"] * 2,
                          "base": ["counselors (each counselor's mean of rated sessions)"] * 2, "n": [12, 7],
                          "n_missing": [1, 0], "mean": [2.75, 3.254], "sd": [0.353553, float("nan")],
                          "median": [2.75, 3.254], "min": [2.5, 3.254], "max": [3.0, 3.254],
                          "dataset": ["quant_fidelity"] * 2})
    not_shown = {}
    for width in (40, 60, 100, 130, 200, 260):
        console = Console(width=width, record=True, highlight=False, soft_wrap=False)
        console.print(rich_table(frame, title="Outcomes by clinic", width=width))
        lines = console.export_text().splitlines()
        assert max(len(line) for line in lines) <= width, width
        header = next(line for line in lines if line.startswith("┃"))
        shown = [cell.strip() for cell in header.strip("┃").split("┃")]
        caption = " ".join(line.strip() for line in lines[lines.index(next(x for x in lines if x.startswith("└"))) + 1:])
        missing = not_shown[width] = [c for c in frame.columns if c not in shown]
        assert shown == list(frame.columns)[:len(shown)], (width, shown)  # whole headers, in order
        if missing:
            assert f"{len(missing)} of 13 columns not shown at {width} characters wide: {', '.join(missing)}" \
                in caption, (width, caption)
            assert "--format csv" in caption and "--out FILE" in caption
        else:
            assert "not shown" not in caption
        body = "\n".join(lines)
        for column, value in (("n", "12"), ("mean", "3.254"), ("sd", "0.354"), ("max", "3")):
            if column in shown:
                assert value in body, (width, column)
    # at 100 characters n, n_missing, mean and sd are shown whole (n vanished before); four columns are named
    assert not_shown[100] == ["median", "min", "max", "dataset"]
    assert not_shown[200] == not_shown[260] == []

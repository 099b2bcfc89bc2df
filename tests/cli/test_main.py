"""CLI conventions: fast start, README and CI agree, errors are one line with exit code 2, --project
anywhere, one --format vocabulary and one name for a coding layer across every command."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from helpers import REPO, SAMPLE, project_state
from mio_qual.cli.main import _group, hoist_global_options


#: Libraries that take a large share of a second to import: a quick command must not load them.
HEAVY = ("pandas", "numpy", "sklearn", "spacy", "docx", "openpyxl", "matplotlib", "lxml", "yaml", "scipy")
#: The quick commands: they import nothing but the standard library, click and mio-qual itself
#: (their tables are drawn by cli.common.text_table, not rich).
QUICK = [("--help",), ("status",), ("log",), ("transcripts", "list")]


@pytest.mark.parametrize("args", QUICK, ids=" ".join)
def test_quick_commands_import_no_heavy_library(args, tmp_path):
    """issue 21: `--help`, `status`, `log` and `transcripts list` load neither pandas nor rich nor any
    other heavy library; the time they take is benchmarks/startup.py's."""
    from mio_qual import Project

    with Project.create(tmp_path / "p") as project:
        project.import_transcripts([SAMPLE / "INT02_northside_director.txt"])
    code = ("import sys\nfrom mio_qual.cli.main import cli\n"
            "try:\n    cli(sys.argv[1:])\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('LOADED=' + ','.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "--project", str(tmp_path / "p"), *args],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.rsplit("LOADED=", 1)[1].strip().split(","))
    assert "mio_qual" in loaded and "click" in loaded  # the check sees what it looks for
    assert loaded & {*HEAVY, "rich"} == set()
    if args == ("transcripts", "list"):
        assert "INT02" in done.stdout  # the listing shown without pandas


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_readme_has_two_quick_start_commands_and_ci_runs_the_second():
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert "mio-qual demo" in commands[0]
    assert "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run names its environment $venv (.venv by default; .venv-lowest etc. for the bounds runs)
    # and adds pip options for those runs: by default it runs the README's command word for word
    assert re.search(r'^\s*""\) venv=\.venv; install=\(\) ;;', ci, flags=re.M)
    default = re.sub(r'"\$venv(/bin/\w+)?"', r".venv\1", ci).replace('"${install[@]}" ', "")
    assert commands[1] in default


def test_init_and_errors(tmp_path):
    runner = CliRunner()
    result = runner.invoke(_group, ["init", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p" / "mio-qual.db").is_file()
    again = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "init", str(tmp_path / "p")],
                           capture_output=True, text=True)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr


def test_project_is_found_from_subfolder_and_env(tmp_path):
    from mio_qual import Project

    Project.create(tmp_path / "p").close()
    sub = tmp_path / "p" / "deep" / "er"
    sub.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "MIO_QUAL_PROJECT"}
    found = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "status", "--format", "json"],
                           capture_output=True, text=True, cwd=sub, env=env)
    assert found.returncode == 0, found.stderr
    assert '"transcripts": 0' in found.stdout
    missing = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "status"],
                             capture_output=True, text=True, cwd=tmp_path, env=env)
    assert missing.returncode == 2 and "no mio-qual project" in missing.stderr
    via_env = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "status", "--format", "json"],
                             capture_output=True, text=True, cwd=tmp_path, env={**env, "MIO_QUAL_PROJECT": str(tmp_path / "p")})
    assert via_env.returncode == 0 and '"transcripts": 0' in via_env.stdout
    assert project_state(tmp_path / "p")


def test_global_options_are_moved_to_the_front():
    assert hoist_global_options(["status", "--project", "p"]) == ["--project", "p", "status"]
    assert hoist_global_options(["coding", "import", "x.docx", "--debug", "--coder", "j"]) == \
        ["--debug", "coding", "import", "x.docx", "--coder", "j"]
    assert hoist_global_options(["--project", "p", "status"]) == ["--project", "p", "status"]
    assert hoist_global_options(["status", "--project"]) == ["--project", "status"]  # click says it lacks a value


def test_project_option_after_the_command(tmp_path):
    from mio_qual import Project

    Project.create(tmp_path / "p").close()
    env = {k: v for k, v in os.environ.items() if k != "MIO_QUAL_PROJECT"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (["status", "--project", str(tmp_path / "p"), "--format", "json"],
                 ["status", "--format", "json", f"--project={tmp_path / 'p'}"],
                 ["--project", str(tmp_path / "p"), "status", "--format", "json"]):
        done = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", *args], capture_output=True, text=True,
                              cwd=elsewhere, env=env)
        assert done.returncode == 0, (args, done.stderr)
        assert '"transcripts": 0' in done.stdout
    # a subcommand of a group, in process
    listed = CliRunner().invoke(_group, ["transcripts", "list", "--format", "csv", "--project", str(tmp_path / "p")])
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.startswith("transcript_id,")
    # the last --project wins, wherever it is
    missing = CliRunner().invoke(_group, ["--project", str(tmp_path / "p"), "status", "--project",
                                          str(tmp_path / "none")])
    assert missing.exit_code == 2 and str(tmp_path / "none") in missing.output


def test_pytest_prints_its_closing_line(tmp_path):
    # pyproject's addopts must not hold -q: CI's "-q" would make it -qq, which hides "N passed"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/system/test_documentation.py::test_help_example_parsing"], capture_output=True, text=True,
                          cwd=REPO, env={k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^1 passed\b", done.stdout, flags=re.M), done.stdout


#: Formats outside the renderer's vocabulary that are not tables, by command.
EXTRA_FORMATS = {"codebook list": {"tree"}, "codebook export": {"qdc"}}


def _all_commands() -> list[tuple[str, click.Command]]:
    """Every command and subcommand of mio-qual, by its path ("coding import")."""
    from mio_qual.cli.main import COMMANDS

    root = click.Context(_group, info_name="mio-qual")
    found = []
    pending = [(name, _group.get_command(root, name)) for name in COMMANDS]
    while pending:
        path, command = pending.pop()
        found.append((path, command))
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            pending += [(f"{path} {sub}", command.get_command(ctx, sub)) for sub in command.list_commands(ctx)]
    return found


def _format_choices() -> dict[str, set[str]]:
    return {path: set(param.type.choices) for path, command in _all_commands() for param in command.params
            if "--format" in getattr(param, "opts", ()) and isinstance(param.type, click.Choice)}


def test_one_format_vocabulary():
    from mio_qual.reports.render import FORMATS

    choices = _format_choices()
    assert {"agreement", "joint", "status"} <= set(choices)
    stray = {path: names - set(FORMATS) - EXTRA_FORMATS.get(path, set()) for path, names in choices.items()}
    stray = {path: names for path, names in stray.items() if names}
    assert stray == {}


def test_a_coding_layer_has_one_name():
    """``--coders`` takes several layers (every way: ``a b``, ``a --coders b``), ``--coder`` one; no ``--layer``.

    Old names kept for earlier scripts are hidden from ``--help`` (``deprecated_alias``) and not counted.
    """
    from mio_qual.cli.common import ManyValues

    stray = set()
    for path, command in _all_commands():
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            opts = set(getattr(param, "opts", ()))
            several = bool(getattr(param, "multiple", False)) or (param.nargs or 1) != 1
            if "--layer" in opts or "--layers" in opts:
                stray.add((path, "--layer"))
            elif "--coder" in opts and several:
                stray.add((path, "--coder"))
            elif "--coders" in opts and not (param.multiple and isinstance(param, ManyValues)):
                stray.add((path, "--coders"))
    assert stray == set()


#: Options spelled otherwise than the Python parameter they fill, each with that parameter: known departures from
#: one vocabulary, kept because scripts and the README use them (a new option must match; a fixed one leaves here).
DEPARTURES = {
    ("coding delete", "yes"): "confirm=",
    ("coding export-qdpx", "utf16"): "offsets='utf16'",
    ("coding import", "transcript"): "transcript_id=",
    ("coding import", "author"): "authors= (--author is repeated, one name each)",
    ("agreement", "all_seen"): "seen='any' (shorthand of --seen any)",
    ("disagreements", "all_seen"): "seen='any' (shorthand of --seen any)",
    ("disagreements", "show_names"): "redact=False",
    ("autocode evaluate", "coder"): "layer=",
    ("autocode evaluate", "folds"): "n_splits=",
    ("autocode evaluate", "all_codes"): "codes=None",
    ("autocode rules", "include_interviewer"): "skip_interviewer=False",
    ("autocode train", "from"): "from_layer=",
    ("autocode train", "min_examples"): "params=",
    ("autocode train", "C"): "params=",
    ("autocode train", "folds"): "params=",
    ("autocode train", "no_char"): "params=",
    ("autocode train", "include_interviewer"): "skip_interviewer=False",
    ("ratings worksheet", "coders"): "coder=",
    ("ratings worksheet", "no_docx"): "docx=False",
    ("ratings worksheet", "link_file"): "links=PATH",
    ("project pull", "database"): "the SQLite file written, no Project parameter",
    ("team add-coder", "existing_role"): "create_role=False",
}
CLI_ONLY = {"format", "out"}  # how the result is shown or written: the renderer's, not the method's


def _methods_called(command: click.Command) -> list:
    """The Project methods a command calls (``get_project().m(...)`` or ``project.m(...)``), read from its source."""
    import ast
    import inspect
    import textwrap

    from mio_qual import Project

    tree = ast.parse(textwrap.dedent(inspect.getsource(command.callback)))
    names = [node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)
             and ((isinstance(node.func.value, ast.Call) and getattr(node.func.value.func, "id", "") == "get_project")
                  or (isinstance(node.func.value, ast.Name) and node.func.value.id == "project"))]
    return [getattr(Project, name) for name in dict.fromkeys(names) if callable(getattr(Project, name, None))]


def test_every_command_speaks_the_words_of_the_python_method_it_calls():
    """Every visible option of every command group is a parameter of the Project method the command calls, spelled
    the same (dashes for underscores): --raters is raters=, --criterion criterion=. Where the method passes
    ``**options`` on (a report kind, a joint display, a worksheet), the options are the parameters of what takes
    them. Known departures are listed above with the parameter they fill."""
    import dataclasses
    import inspect

    from mio_qual import Project
    from mio_qual.mixed import joint as joint_module

    passed_on = {  # the targets of **options
        "report": [getattr(Project, f"report_{kind}") for kind in ("codebook", "agreement", "themes", "joint", "study")],
        "joint": [joint_module.case_ordered, joint_module.side_by_side, joint_module.stats_by_theme],
        "ratings worksheet": [Project.rating_worksheet],
    }
    rule_fields = {f.name for f in dataclasses.fields(joint_module.DistinguishRule)}  # joint_display takes its fields
    mismatched, checked = set(), 0
    for path, command in _all_commands():
        if isinstance(command, click.Group):
            continue
        methods = _methods_called(command) + passed_on.get(path, [])
        if not methods:
            continue  # init, demo, codebook files, configurations: no Project method
        python = set().union(*(inspect.signature(m).parameters for m in methods)) | (rule_fields if path == "joint"
                                                                                      else set())
        for option in command.params:
            if not isinstance(option, click.Option) or option.hidden:
                continue
            word = next(o for o in option.opts if o.startswith("--"))[2:].replace("-", "_")
            checked += 1
            if word not in python and word not in CLI_ONLY:
                mismatched.add((path, word))
    assert checked > 250
    assert mismatched - set(DEPARTURES) == set(), "options that are no Python parameter: " + str(
        sorted(mismatched - set(DEPARTURES)))
    assert set(DEPARTURES) - mismatched == set(), "fixed: take them out of DEPARTURES"
    # the ratings group speaks its Python words (session 7 left --rater beside raters=)
    assert {("ratings list", "rater"), ("ratings worksheet", "rater"), ("joint", "construct")}.isdisjoint(mismatched)

"""Executable documentation: every command and Python example of README.md, and every example
of a ``--help``, runs on the bundled sample and exits 0.

The README is parsed when the tests run, never copied here. Its commands run in order, as a
user would type them, in a temporary folder: ``mio-qual init my-study``, ``cd my-study``, then
every later block. Where the README names the reader's own files (``~/transcripts/``,
``casey-coding.xlsx`` ...) the sample's files stand in for them (:data:`STAND_INS`), and where
it says a person does something between two commands (coders add Word comments, a team
decides a reconciliation sheet, a rater fills a worksheet) :data:`HUMAN_STEPS` does it with
the sample's files. Nothing is skipped silently: the one section not run (the Quick start,
which installs the package) is named in :data:`NOT_RUN` with the reason.

Each command is one test, so a failing one is named in the test report with its exit code
and the last lines it wrote.
"""

from __future__ import annotations

import ast
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from helpers import REPO, SAMPLE

README = REPO / "README.md"

#: Sections whose commands are not run here, and why.
NOT_RUN = {
    "Quick start": "it creates a virtual environment and installs the package: .ci/run runs the test command "
                   "(tests/cli/test_main.py checks that it is the README's) and test_demo.py runs the demo",
}

#: Files and folders the README names as the reader's own -> what stands in for them (a path in
#: the sample, or a name the harness makes: see :func:`_make_stand_ins`). Longest first.
STAND_INS: dict[str, str] = {
    "~/transcripts/manifest.csv": str(SAMPLE / "manifest.csv"),
    "~/transcripts/roster.csv": str(SAMPLE / "roster.csv"),
    "~/transcripts/": str(SAMPLE) + "/",
    "casey-coding.xlsx": str(SAMPLE / "coding" / "casey.xlsx"),
    "my-codebook.yaml": str(REPO / "codebooks" / "mio.yaml"),
    "fidelity_sessions.csv": str(SAMPLE / "quant" / "fidelity_sessions.csv"),
    "fim_aim_iam.csv": str(SAMPLE / "quant" / "fim_aim_iam.csv"),
    "reach_adoption.csv": str(SAMPLE / "quant" / "reach_adoption.csv"),
    "implementation_activities.csv": str(SAMPLE / "quant" / "implementation_activities.csv"),
    "decided.csv": str(SAMPLE / "ratings" / "reconciliation.csv"),
    "aim2/": str(SAMPLE / "implementation") + "/",
    "measures/": str(SAMPLE / "measures") + "/",
    "--fit fit.csv": "--fit " + str(SAMPLE / "ratings" / "fit.csv"),
    # made by the harness before the run (see _make_stand_ins)
    "nvivo-export.qdpx": "{stand_ins}/nvivo-export.qdpx",
    "extra-names.txt": "{stand_ins}/extra-names.txt",
}

#: Words of ``--help`` examples that stand for any value -> the sample's.
HELP_STAND_INS = {"--coders A B": "--coders jordan casey"}

#: The Python examples' paths -> the sample's.
PYTHON_STAND_INS = {
    '"transcripts/manifest.csv"': repr(str(SAMPLE / "manifest.csv")),
    '"transcripts/roster.csv"': repr(str(SAMPLE / "roster.csv")),
    '"transcripts/"': repr(str(SAMPLE)),
    '"coded/INT01.docx"': repr(str(SAMPLE / "coding" / "jordan" / "INT01.docx")),
    '"coded/casey.xlsx"': repr(str(SAMPLE / "coding" / "casey.xlsx")),
    '"ratings/lee.xlsx"': repr(str(SAMPLE / "ratings" / "lee.xlsx")),
    '"ratings/kim.xlsx"': repr(str(SAMPLE / "ratings" / "kim.xlsx")),
    '"ratings/reconciliation.csv"': repr(str(SAMPLE / "ratings" / "reconciliation.csv")),
    '"quant/fidelity_sessions.csv"': repr(str(SAMPLE / "quant" / "fidelity_sessions.csv")),
}


def _coders_comment(shell: "Shell") -> None:
    """Coders add Word comments to the files export-docx wrote: jordan's coded copies replace them."""
    for path in sorted((shell.cwd / "to-code").glob("*.docx")):
        coded = SAMPLE / "coding" / "jordan" / f"{path.stem.split('_')[0]}.docx"
        if coded.is_file():
            shutil.copyfile(coded, path)


def _team_decides(shell: "Shell") -> None:
    """The team decides every disagreement of the reconciliation sheet: 'both' coders' codes are kept."""
    from openpyxl import load_workbook

    for path in sorted((shell.cwd / "reconcile").glob("reconcile_*.xlsx")):
        book = load_workbook(path)
        for sheet in book.worksheets:
            header = [cell.value for cell in sheet[1]]
            if "decision" not in header:
                continue
            column = header.index("decision") + 1
            for row in range(2, sheet.max_row + 1):
                if sheet.cell(row=row, column=1).value:
                    sheet.cell(row=row, column=column, value="both")
        book.save(path)


def _rater_fills(shell: "Shell") -> None:
    """The rater fills the worksheet the step wrote: the sample's filled worksheet of the same
    rater (``lee.xlsx`` for ``ratings_lee.xlsx``) replaces it, under the name the step gave it.

    Only files the worksheet step wrote are replaced, so a README that imports a file the
    worksheet step does not write still fails here.
    """
    filled = {path.stem: path for path in (SAMPLE / "ratings").glob("*.xlsx")}
    for path in sorted((shell.cwd / "ratings").glob("*.xlsx")):
        rater = next((r for r in filled if re.search(rf"(^|[_-]){re.escape(r)}$", path.stem)), None)
        if rater is not None:
            shutil.copyfile(filled[rater], path)


def _casey_again(shell: "Shell") -> None:
    """After the README shows ``coding delete --coder casey``, casey's layer comes back for the
    sections after it (agreement, auto-coding evaluation), which compare jordan with casey."""
    outcome = shell.run(f"mio-qual coding import {SAMPLE / 'coding' / 'casey.xlsx'} --coder casey")
    assert outcome.returncode == 0, outcome.describe()


def _summarizers_fill(shell: "Shell") -> None:
    """Summarizers fill the rapid-analysis templates the step wrote: the sample's filled template
    of the same name (``INT01_rapid_kai.docx``) replaces each; templates the sample has no
    filled copy of stay empty."""
    for path in sorted(shell.cwd.glob("**/*_rapid_*.docx")):
        filled = SAMPLE / "rapid" / path.name
        if filled.is_file():
            shutil.copyfile(filled, path)


#: What a person does after a command (matched by its start) and before the next one.
HUMAN_STEPS: dict[str, Callable[["Shell"], None]] = {
    "mio-qual coding export-docx --out to-code/": _coders_comment,
    "mio-qual coding reconcile": _team_decides,
    "mio-qual coding delete --coder casey": _casey_again,
    "mio-qual ratings worksheet": _rater_fills,
    "mio-qual rapid templates": _summarizers_fill,
}


# ---------------------------------------------------------------------------- parsing
@dataclass
class Example:
    """One command (or Python block) of the documentation, where it is and what to run."""

    section: str
    line: int
    text: str
    language: str = "bash"
    run: str = ""

    @property
    def id(self) -> str:
        words = re.sub(r"[^\w.-]+", " ", self.text.splitlines()[0]).split()
        return f"L{self.line}-" + "-".join(words[:6])


def _strip_comment(line: str) -> str:
    """A shell line without its trailing comment (a '#' outside quotes after a space)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def readme_examples(text: str | None = None) -> list[Example]:
    """Every shell command and Python block of the README, in order, with its section and line."""
    text = README.read_text(encoding="utf-8") if text is None else text
    examples: list[Example] = []
    section = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        fence = re.match(r"^```(\w*)\s*$", line)
        if not fence:
            i += 1
            continue
        language, start = fence.group(1) or "text", i + 1
        end = next(j for j in range(start, len(lines)) if lines[j].startswith("```"))
        if language in ("bash", "sh"):
            for n in range(start, end):
                command = _strip_comment(lines[n].strip())
                if command:
                    examples.append(Example(section, n + 1, command))
        elif language == "python":
            examples.append(Example(section, start, "\n".join(lines[start:end]), language="python"))
        i = end + 1
    return examples


def help_examples(help_text: str) -> list[str]:
    """The ``mio-qual ...`` example lines of a command's help, options in brackets taken as given.

    Click rewraps help paragraphs, so an example may go on over the next lines: lines that
    start with an option (``--stat gwet_ac1``) are joined to it.
    """
    found = []
    lines = [line.strip() for line in help_text.splitlines()]
    for i, line in enumerate(lines):
        match = re.search(r"(?:^|:\s*)(mio-qual\s.*)$", line)
        if not match or line.startswith("Usage:"):
            continue
        command = re.split(r"\s{2,}", match.group(1))[0]  # drop a description in a second column
        for more in lines[i + 1:]:
            if not more.startswith("-"):
                break
            command += " " + more
        command = re.sub(r"\[([^\]]*)\]", r"\1", command).strip()
        for placeholder, value in HELP_STAND_INS.items():
            command = command.replace(placeholder, value)
        found.append(command)
    return found


# ---------------------------------------------------------------------------- running
@dataclass
class Outcome:
    returncode: int
    stdout: str = ""
    stderr: str = ""
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        tail = "\n".join((self.stderr or self.stdout).strip().splitlines()[-8:])
        return f"exit code {self.returncode}\n{tail}"


class Shell:
    """Runs documented commands one after another, as a user would in a terminal.

    Commands run in this process through click's test runner (the CLI's start-up, a few
    seconds under load, would otherwise be paid fifty times; tests/cli/test_main.py runs
    the real entry point). What a shell would do is done here: ``cd``, quoting, ``~``-free
    globs such as ``to-code/*.docx``, and ``> FILE``. A confirmation prompt is answered "y",
    as the person at the terminal would. ``$MIO_QUAL_PROJECT`` is unset, so the project is
    found from the current folder, as the README says.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cwd = root
        self.stand_ins = root / "stand-ins"
        self.env = {key: value for key, value in os.environ.items() if key != "MIO_QUAL_PROJECT"}
        self.env.update(HOME=str(root / "home"), COLUMNS="200", PYTHONWARNINGS="ignore")

    def substitute(self, command: str, table: dict[str, str]) -> str:
        """The command with every placeholder of ``table`` replaced, longest first, in one pass."""
        pattern = "|".join(re.escape(p) for p in sorted(table, key=len, reverse=True))
        return re.sub(pattern, lambda m: table[m.group(0)].format(stand_ins=self.stand_ins), command)

    def run(self, command: str) -> Outcome:
        from click.testing import CliRunner

        from mio_qual.cli.main import _group

        cd = re.fullmatch(r"cd\s+(\S+)", command)
        if cd:
            target = (self.cwd / cd.group(1)).resolve()
            if not target.is_dir():
                return Outcome(1, stderr=f"cd: {target}: no such folder")
            self.cwd = target
            return Outcome(0)
        words = shlex.split(command)
        redirect = None
        if ">" in words:
            at = words.index(">")
            words, redirect = words[:at], words[at + 1]
        if not words or words[0] != "mio-qual":
            return Outcome(127, stderr=f"not a mio-qual command: {command}")
        args: list[str] = []
        for word in words[1:]:
            matches = sorted(glob.glob(word, root_dir=self.cwd)) if any(c in word for c in "*?[") else []
            args += matches or [word]
        previous = Path.cwd()
        os.chdir(self.cwd)
        try:
            result = CliRunner().invoke(_group, args, input="y\n", prog_name="mio-qual",
                                       env={"MIO_QUAL_PROJECT": None, "COLUMNS": "200"})
        finally:
            os.chdir(previous)
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            stderr += "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
        if redirect is not None:
            (self.cwd / redirect).write_text(result.stdout, encoding="utf-8")
        outcome = Outcome(result.exit_code, result.stdout, stderr)
        for start, step in HUMAN_STEPS.items():
            if command.startswith(start) and result.exit_code == 0:
                step(self)
        return outcome

    def run_python(self, source: str) -> Outcome:
        """Run a Python example in a fresh folder of its own; a value shown in a comment is checked."""
        folder = self.root / f"python-{abs(hash(source)) % 10**8}"
        folder.mkdir()
        for placeholder, value in PYTHON_STAND_INS.items():
            source = source.replace(placeholder, value)
        script = folder / "example.py"
        script.write_text(_with_value_checks(source), encoding="utf-8")
        done = subprocess.run([sys.executable, str(script)], cwd=folder, env=self.env, capture_output=True,
                              text=True, timeout=900)
        return Outcome(done.returncode, done.stdout, done.stderr)


def _with_value_checks(source: str) -> str:
    """The example with each ``expression  # 0.815 ...`` line turned into a check of that value."""
    out = []
    for line in source.splitlines():
        match = re.match(r"^(?P<expr>\S.*?)\s+#\s*(?P<value>-?\d+\.\d+)\b", line)
        if match and _is_expression(match.group("expr")):
            value = match.group("value")
            decimals = len(value.split(".")[1])
            out.append(f"assert round({match.group('expr')}, {decimals}) == {value}, "
                       f"({match.group('expr')}, {value})")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _is_expression(code: str) -> bool:
    try:
        return isinstance(ast.parse(code).body[0], ast.Expr)
    except SyntaxError:
        return False


def _make_stand_ins(shell: Shell) -> None:
    """Files the README expects the reader to have that the sample does not hold as such.

    ``nvivo-export.qdpx``: a REFI-QDA project as another tool would export it: INT01 with one
    coder's codings (jordan's Word comments, under the user name ``morgan``, a third coder).
    ``extra-names.txt``: names to redact, one a line.
    """
    shell.stand_ins.mkdir()
    (shell.stand_ins / "extra-names.txt").write_text("Tuesday Group\n", encoding="utf-8")
    scratch = shell.stand_ins / "scratch"
    for command in (f"mio-qual init {scratch}",
                    f"mio-qual --project {scratch} import {SAMPLE / 'INT01_northside_counselor.docx'} "
                    f"--manifest {SAMPLE / 'manifest.csv'} --roster {SAMPLE / 'roster.csv'}",
                    f"mio-qual --project {scratch} coding import {SAMPLE / 'coding' / 'jordan' / 'INT01.docx'} "
                    f"--coder morgan",
                    f"mio-qual --project {scratch} coding export-qdpx --out {shell.stand_ins / 'nvivo-export.qdpx'}"):
        outcome = shell.run(command)
        assert outcome.returncode == 0, f"making the stand-in qdpx: {command}\n{outcome.describe()}"


EXAMPLES = readme_examples()
RUN = [e for e in EXAMPLES if e.section not in NOT_RUN]


@pytest.fixture(scope="module")
def documented(tmp_path_factory) -> tuple[Shell, dict[str, Outcome]]:
    """The README run once, in order: the outcome of every example, by its id."""
    shell = Shell(tmp_path_factory.mktemp("readme"))
    _make_stand_ins(shell)
    outcomes: dict[str, Outcome] = {}
    for example in RUN:
        if example.language == "python":
            outcomes[example.id] = shell.run_python(example.text)
        else:
            example.run = shell.substitute(example.text, STAND_INS)
            outcomes[example.id] = shell.run(example.run)
    return shell, outcomes


def test_readme_parsing_finds_every_section():
    sections = {e.section for e in EXAMPLES}
    assert {"Quick start", "Using it from the command line", "Codebooks", "Inter-rater agreement",
            "Word reports", "Using it from Python"} <= sections, sections
    assert sum(e.language == "python" for e in EXAMPLES) == 2
    assert len({e.id for e in EXAMPLES}) == len(EXAMPLES)
    assert set(NOT_RUN) <= sections
    # the comment is stripped, a '#' inside quotes is not a comment
    assert _strip_comment('mio-qual codebook show "a # b"   # by id') == 'mio-qual codebook show "a # b"'


def test_help_example_parsing():
    text = textwrap.dedent("""\
        Usage: mio-qual agreement [OPTIONS]

        Example: mio-qual agreement --coders A B --unit turn
        --stat cohen_kappa
          mio-qual autocode suggest [--min-prob 0.6]    model suggestions -> layer 'model'
        No example here: see `mio-qual log`.
        """)
    assert help_examples(text) == ["mio-qual agreement --coders jordan casey --unit turn --stat cohen_kappa",
                                   "mio-qual autocode suggest --min-prob 0.6"]


def test_value_comments_become_checks():
    checked = _with_value_checks("x = 1\nround(0.81512, 5)      # 0.815 (a source)\n")
    assert "assert round(round(0.81512, 5), 3) == 0.815" in checked
    exec(compile(checked, "<example>", "exec"), {})


@pytest.mark.parametrize("example", RUN, ids=lambda e: e.id)
def test_readme_example_runs(example: Example, documented) -> None:
    shell, outcomes = documented
    outcome = outcomes[example.id]
    ran = example.run or example.text
    assert outcome.returncode == 0, (f"README.md line {example.line} ({example.section}):\n{ran}\n"
                                     f"{outcome.describe()}")


def _commands_with_help() -> list[str]:
    from mio_qual.cli.main import COMMANDS

    return list(COMMANDS)


@pytest.mark.parametrize("name", _commands_with_help())
def test_help_examples_run(name: str, documented) -> None:
    """Every ``mio-qual ...`` line in the help of NAME and its subcommands runs on the README's project."""
    import click

    from mio_qual.cli.main import _group

    shell, _ = documented
    root = click.Context(_group, info_name="mio-qual")
    command = _group.get_command(root, name)
    assert command is not None, name
    texts = []
    pending = [(command, click.Context(command, info_name=name, parent=root))]
    while pending:
        cmd, ctx = pending.pop()
        texts.append(cmd.get_help(ctx))
        if isinstance(cmd, click.Group):
            pending += [(cmd.get_command(ctx, sub), click.Context(cmd.get_command(ctx, sub), info_name=sub,
                                                                    parent=ctx))
                        for sub in cmd.list_commands(ctx)]
    failures = []
    for text in texts:
        for example in help_examples(text):
            if example.startswith(f"mio-qual {name}"):
                command_line = shell.substitute(example, STAND_INS)
                outcome = shell.run(command_line)
                if outcome.returncode != 0:
                    failures.append(f"{command_line}\n{outcome.describe()}")
    assert not failures, "\n\n".join(failures)

"""CLI conventions: fast start, README and CI agree, errors are one line with exit code 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mio_qual.cli.main import _group

from helpers import REPO, project_state


def test_help_imports_no_heavy_libraries():
    code = ("import sys; from mio_qual.cli.main import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('spacy', 'sklearn', 'pandas', 'docx', 'matplotlib') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY=\n" in out or out.strip().endswith("HEAVY=")


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
    assert commands[1] in ci


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

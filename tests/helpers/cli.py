"""Running the CLI in process, as the CLI tests do."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from mio_qual.cli.main import cli


def exit_code(args: list[str]) -> int:
    """Run ``mio-qual ARGS...`` in this process and return its exit code."""
    try:
        cli(list(args))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def run(args: list[str], project: Path) -> int:
    """Run ``mio-qual --project PROJECT ARGS...`` in this process and return its exit code."""
    return exit_code(["--project", str(project), *args])


def run_captured(project: Path, *args: str | Path) -> tuple[int, str, str]:
    """Run ``mio-qual --project PROJECT ARGS...`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([str(a) for a in args], project)
    return code, out.getvalue(), err.getvalue()

"""Running the CLI in process, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

from mio_qual.cli.main import cli


def run(args: list[str], project: Path) -> int:
    """Run ``mio-qual --project PROJECT ARGS...`` in this process and return its exit code."""
    try:
        cli(["--project", str(project), *args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0

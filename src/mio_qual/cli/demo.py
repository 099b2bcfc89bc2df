"""``mio-qual demo``: the whole pipeline on the bundled sample."""

from __future__ import annotations

from pathlib import Path

import click

from .common import console


@click.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the demo project and its outputs into.")
@click.option("--sample", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Use this sample study folder instead of the bundled one.")
def demo(out: Path, sample: Path | None) -> None:
    """Run the whole pipeline on the bundled sample study and write every output into OUT."""
    from rich.table import Table

    from ..demo import run_demo

    screen = console()
    result = run_demo(out, sample=sample, say=lambda line: screen.print(f"[dim]- {line}[/]"))
    steps = Table(title="mio-qual demo", header_style="bold")
    steps.add_column("step")
    steps.add_column("result")
    for step, outcome in result.steps:
        steps.add_row(step, outcome)
    screen.print(steps)
    totals = Table(title="project", header_style="bold")
    totals.add_column("what")
    totals.add_column("count", justify="right")
    for key, value in result.summary.items():
        totals.add_row(key, f"{value:,}")
    screen.print(totals)
    for path in result.files:
        screen.print(f"wrote {path}")
    screen.print(f"project: {result.project.folder} (try `mio-qual --project {result.project.folder} transcripts list`)")

"""``mio-qual demo``: the whole pipeline on the bundled sample."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from .common import console, escape, landing, say


@click.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the demo project and its outputs into.")
@click.option("--sample", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Use this sample study folder instead of the bundled one.")
@click.option("--no-charts", is_flag=True, help="Leave the charts out of the reports.")
def demo(out: Path, sample: Path | None, no_charts: bool) -> None:
    """Run the whole pipeline on the bundled sample study and write every output into OUT.

    Progress goes to stderr; what ran, the project's counts and the files written go to stdout.

    Import, both coders' layers, agreement, reconciliation into a consensus layer, automatic
    suggestions, construct ratings per clinic and per agency, quantitative outcomes, joint
    displays, Aim 3 (counselor links, ICS/ILS/EBPAS with the rwg(j)/ICC(1) aggregation check,
    the counselor-level display, a case-ordered matrix), and every Word report with its charts,
    CSV and XLSX tables.
    """
    import time

    from rich.panel import Panel
    from rich.table import Table

    from ..demo import run_demo

    screen = console()
    started = time.perf_counter()
    with landing(folders=[out]):  # a demo that fails leaves no half-made project behind
        result = run_demo(out, sample=sample, say=lambda line: say(f"[dim]- {escape(line)}[/]"), charts=not no_charts)
    elapsed = time.perf_counter() - started

    steps = Table(title="mio-qual demo: what ran", header_style="bold", title_justify="left")
    steps.add_column("step", style="cyan", no_wrap=True)
    steps.add_column("result")
    steps.add_column("seconds", justify="right")
    for step, outcome in result.steps:
        seconds = result.timings.get(step)
        steps.add_row(step, outcome if not outcome.startswith("skipped") else f"[yellow]{outcome}[/]",
                      f"{seconds:.1f}" if seconds is not None else "")
    screen.print(steps)

    totals = Table(title="the project", header_style="bold", title_justify="left")
    totals.add_column("what")
    totals.add_column("count", justify="right")
    for key, value in result.summary.items():
        totals.add_row(key.replace("_", " "), f"{value:,}")
    for key, value in result.headline.items():
        totals.add_row(key, str(value))
    screen.print(totals)

    files = Table(title=f"files written under {out}", header_style="bold", title_justify="left")
    files.add_column("folder")
    files.add_column("files")
    by_folder: dict[str, list[str]] = {}
    for path in result.files:
        try:
            folder = str(Path(path).parent.relative_to(out))
        except ValueError:
            folder = str(Path(path).parent)
        by_folder.setdefault(folder, []).append(Path(path).name)
    for folder, names in by_folder.items():
        kinds = Counter(Path(n).suffix.lstrip(".").upper() for n in names)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        shown = ", ".join(names[:6]) + (f" ... (+{len(names) - 6})" if len(names) > 6 else "")
        files.add_row(f"{folder}/", f"{summary}: {shown}")
    screen.print(files)
    study = out / "reports" / "study.docx"
    screen.print(Panel.fit(
        f"Open [bold]{study}[/] first: it holds every section.\n"
        f"The project is in {result.project.folder}; try\n"
        f"  mio-qual --project {result.project.folder} status\n"
        f"  mio-qual --project {result.project.folder} report themes --out themes.docx\n"
        f"Done in {elapsed:.0f} s.", title="next", border_style="green"))

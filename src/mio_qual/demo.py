"""The end-to-end demonstration on the bundled sample study.

:func:`run_demo` is what ``mio-qual demo --out DIR`` runs. Each step is an ordinary library
call that an analyst could make; the demo only strings them together and collects what they
produced, so that the demo stays a faithful tour of the public API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .project import Project
from .resources import bundled_path


@dataclass
class DemoResult:
    """What the demo did: the project, a summary per step, and the files it wrote."""

    project: Project
    steps: list[tuple[str, str]] = field(default_factory=list)  # (step, one-line outcome)
    files: list[Path] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def run_demo(out: str | Path, *, sample: str | Path | None = None,
             say: Callable[[str], None] = lambda message: None) -> DemoResult:
    """Build a project in ``out/project`` from the sample study and write its outputs into ``out``.

    Parameters
    ----------
    out : path
        Output folder (created; must not already hold a demo project).
    sample : path, optional
        The sample study folder (default: the one bundled with mio-qual).
    say : callable
        Receives a line of progress per step.
    """
    out = Path(out)
    sample_dir = Path(sample) if sample else bundled_path("transcripts_sample")
    out.mkdir(parents=True, exist_ok=True)
    project = Project.create(out / "project")
    result = DemoResult(project=project)

    say("importing the sample transcripts")
    imported = project.import_transcripts([sample_dir])
    result.steps.append(("import", f"{len(imported.added)} transcripts, {imported.n_words:,} words"))

    result.summary = project.summary()
    return result

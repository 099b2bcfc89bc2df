"""mio-qual: qualitative and mixed-methods analysis for implementation science.

The main entry point for analysts is :class:`Project`::

    from mio_qual import Project
    project = Project.create("my-study")
    project.import_transcripts(["transcripts/"], manifest="transcripts/manifest.csv")
    project.turns()          # a pandas DataFrame
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Project", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import mio_qual` (and the CLI's start) stays light.
    if name == "Project":
        from .project import Project

        return Project
    raise AttributeError(name)

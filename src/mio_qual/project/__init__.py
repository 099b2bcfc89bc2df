"""The Python face of a mio-qual project: ``Project.create``, ``Project.open`` and friends.

A project is a folder holding one store (an SQLite file, ``mio-qual.db``). Analysts use this
class from scripts and notebooks and get pandas DataFrames and result objects back; the CLI is
a thin layer over it. :class:`Project` is the only place that composes the store (which holds
every SQL statement) with the analyses (which take DataFrames): each capability's methods live
in their own module of this package, and nothing below it receives a project.
"""

from __future__ import annotations

from ._base import ENV_VAR, PROJECT_FILE
from .aim3 import Aim3Mixin
from .analysis import AnalysisMixin
from .codebooks import CodebooksMixin
from .coding import CodingMixin
from .implementation import ImplementationMixin
from .mixed import MixedMixin
from .rapid import RapidImport, RapidMixin
from .reports import ReportsMixin
from .team import TeamMixin
from .transcripts import ImportResult, ProgressCallback, TranscriptsMixin


class Project(TranscriptsMixin, CodingMixin, AnalysisMixin, MixedMixin, Aim3Mixin, ImplementationMixin, RapidMixin,
              ReportsMixin, TeamMixin, CodebooksMixin):
    """A mio-qual project: a folder with one store.

    Parameters
    ----------
    folder : Path
        The project folder.
    store : Store
        The open store.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "study"
    >>> project = Project.create(folder)
    >>> project.transcripts().shape[0]
    0
    """


__all__ = ["Project", "ImportResult", "RapidImport", "PROJECT_FILE", "ENV_VAR", "ProgressCallback"]

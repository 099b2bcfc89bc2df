"""Reports: the Project methods that gather results and render the Word documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class ReportsMixin(ProjectBase):
    """Word reports."""

"""Reports: the Project methods that gather results and render the Word documents."""

from __future__ import annotations


from ._base import ProjectBase


class ReportsMixin(ProjectBase):
    """Word reports."""

"""Agreement and auto-coding: the Project methods that gather data from the store and call the analyses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class AnalysisMixin(ProjectBase):
    """Inter-rater agreement and auto-coding."""

    def agreement(self, coders: Sequence[str], unit: str = "sentence", codes: Sequence[str] | None = None,
                  **kwargs: Any) -> "pd.DataFrame":
        """Inter-rater agreement per code (see :func:`mio_qual.agreement.project_api.agreement`)."""
        from ..agreement.project_api import agreement

        return agreement(self, coders=coders, unit=unit, codes=codes, **kwargs)

    def disagreements(self, coders: Sequence[str], unit: str = "sentence", **kwargs: Any) -> "pd.DataFrame":
        """Every disagreeing unit (see :func:`mio_qual.agreement.project_api.disagreements`)."""
        from ..agreement.project_api import disagreements

        return disagreements(self, coders=coders, unit=unit, **kwargs)

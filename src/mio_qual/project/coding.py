"""Coding layers in a project: the Project methods that import, read, reconcile and export codings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class CodingMixin(ProjectBase):
    """Coding layers: importing, querying, reconciling and exporting codings."""

    def codings(self, coder: str | Sequence[str] | None = None, **kwargs: Any) -> "pd.DataFrame":
        """Codings as a DataFrame (see :func:`mio_qual.coding.queries.codings`)."""
        from ..coding.queries import codings

        return codings(self, coder=coder, **kwargs)

    def import_codings(self, paths: Iterable[str | Path], *, coder: str | None = None, codebook: Any = None,
                       transcript_id: str | None = None, skip_problems: bool = False) -> Any:
        """Import Word comments, coding sheets or ``.qdpx`` files in one transaction
        (see :func:`mio_qual.coding.importing.import_coding_files`)."""
        from ..coding.importing import import_coding_files

        return import_coding_files(self, paths, coder=coder, codebook=codebook, transcript_id=transcript_id,
                                   skip_problems=skip_problems)

    def code_matrix(self, unit: str = "turn", coder: str | None = None, **kwargs: Any) -> "pd.DataFrame":
        """Binary unit x code matrix (see :func:`mio_qual.coding.queries.code_matrix`)."""
        from ..coding.queries import code_matrix

        return code_matrix(self, unit=unit, coder=coder, **kwargs)

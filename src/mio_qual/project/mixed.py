"""Mixed methods: the Project methods for ratings, quantitative outcomes and joint displays."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class MixedMixin(ProjectBase):
    """Construct ratings, quantitative outcomes and joint displays."""

    def ratings(self, **kwargs: Any) -> "pd.DataFrame":
        """Construct ratings (see :func:`mio_qual.mixed.ratings.ratings`)."""
        from ..mixed.ratings import ratings

        return ratings(self, **kwargs)

    def quant(self, **kwargs: Any) -> "pd.DataFrame":
        """Imported quantitative values, one row each (see :func:`mio_qual.mixed.quant.quant`)."""
        from ..mixed.quant import quant

        return quant(self, **kwargs)

    def outcomes(self, by: str = "clinic", **kwargs: Any) -> "pd.DataFrame":
        """Quantitative outcomes aggregated to clinic or agency with n, mean, SD, median and source level
        (see :func:`mio_qual.mixed.aggregate.aggregate`)."""
        from ..mixed.aggregate import aggregate

        return aggregate(self, by=by, **kwargs)

    def joint_display(self, display: str, outcome: str = "fidelity", **kwargs: Any) -> Any:
        """A joint display: ``case-ordered``, ``side-by-side``, ``stats-by-theme`` or ``qca``
        (see :func:`mio_qual.mixed.joint.joint_display`)."""
        from ..mixed.joint import joint_display

        return joint_display(self, display, outcome=outcome, **kwargs)

    def construct_matrix(self, by: str = "clinic", **kwargs: Any) -> "pd.DataFrame":
        """Construct x case matrix of ratings (see :func:`mio_qual.mixed.ratings.construct_matrix`)."""
        from ..mixed.ratings import construct_matrix

        return construct_matrix(self, by=by, **kwargs)

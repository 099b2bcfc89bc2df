"""One entry point per Aim 2 log: ``READERS[log](path, ...)`` -> checked records to store.

Every reader takes the same keywords (``sheet``, ``clinics``, ``agencies``, ``agency_of``,
``activities``) so that :meth:`mio_qual.project.Project.import_implementation` can call any of
them; each uses the ones it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence


def _activities(path: Path, *, sheet: str | None = None, **_: Any) -> list[dict[str, Any]]:
    from .sic import read_activity_list

    frame = read_activity_list(path, sheet=sheet)
    return [{**r, "agency": None, "clinic": None} for r in frame.to_dict("records")]


def _activity_dates(path: Path, *, sheet: str | None = None, clinics: Sequence[str] = (),
                    agencies: Sequence[str] = (), agency_of: Mapping[str, str] | None = None,
                    activities: Any = None, **_: Any) -> list[dict[str, Any]]:
    from .sic import read_activity_dates

    return read_activity_dates(path, activities, sheet=sheet, clinics=clinics, agencies=agencies,
                               agency_of=agency_of).records


READERS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "activities": _activities,
    "activity_dates": _activity_dates,
}

__all__ = ["READERS"]

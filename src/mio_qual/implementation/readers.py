"""One entry point per Aim 2 log: ``READERS[log](path, ...)`` -> checked records to store.

Every reader takes the same keywords (``sheet``, ``clinics``, ``agencies``, ``agency_of``,
``activities``, ``strategies``) so that :meth:`mio_qual.project.Project.import_implementation` can call any of
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


def _strategies(path: Path, *, sheet: str | None = None, clinics: Sequence[str] = (), agencies: Sequence[str] = (),
                agency_of: Mapping[str, str] | None = None, **_: Any) -> list[dict[str, Any]]:
    from .strategies import read_strategies

    return read_strategies(path, sheet=sheet, clinics=clinics, agencies=agencies, agency_of=agency_of)


def _adaptations(path: Path, *, sheet: str | None = None, clinics: Sequence[str] = (), agencies: Sequence[str] = (),
                 agency_of: Mapping[str, str] | None = None, strategies: Sequence[str] = (),
                 **_: Any) -> list[dict[str, Any]]:
    from .adaptations import read_adaptations

    return read_adaptations(path, sheet=sheet, clinics=clinics, agencies=agencies, agency_of=agency_of,
                            strategies=strategies)


def _facilitation(path: Path, *, sheet: str | None = None, clinics: Sequence[str] = (), agencies: Sequence[str] = (),
                  agency_of: Mapping[str, str] | None = None, **_: Any) -> list[dict[str, Any]]:
    from .facilitation import read_facilitation

    return read_facilitation(path, sheet=sheet, clinics=clinics, agencies=agencies, agency_of=agency_of)


def _events(path: Path, *, sheet: str | None = None, clinics: Sequence[str] = (), agencies: Sequence[str] = (),
            agency_of: Mapping[str, str] | None = None, **_: Any) -> list[dict[str, Any]]:
    from .events import read_events

    return read_events(path, sheet=sheet, clinics=clinics, agencies=agencies, agency_of=agency_of)


READERS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "activities": _activities,
    "activity_dates": _activity_dates,
    "strategies": _strategies,
    "adaptations": _adaptations,
    "facilitation": _facilitation,
    "events": _events,
}

__all__ = ["READERS"]

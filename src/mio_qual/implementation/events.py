"""Events: what happened at a clinic that implementation has to absorb (turnover, a hire, a
funding change, a move), as a dated log for the timeline and the RE-AIM table."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from .logs import Column, read_log

EVENT_KINDS = ("turnover", "hire", "funding", "policy", "space", "other")
EVENT_COLUMNS = (
    Column("event_id", "text"),
    Column("agency", "text"),
    Column("clinic", "text"),
    Column("date", "date", required=True),
    Column("kind", "choice", required=True, choices=EVENT_KINDS,
           aliases={"departure": "turnover", "left": "turnover", "hired": "hire"}),
    Column("description", "text", required=True),
)


def read_events(path: str | Path, *, sheet: str | None = None, clinics: Sequence[str] = (),
                agencies: Sequence[str] = (), agency_of: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Read and check an event log: date, clinic (or agency), kind (:data:`EVENT_KINDS`), description.

    Raises
    ------
    InputError
        Every bad cell.
    """
    return read_log(path, "event log", EVENT_COLUMNS, sheet=sheet, clinics=clinics, agencies=agencies,
                    agency_of=agency_of).records


__all__ = ["EVENT_KINDS", "read_events"]

"""Facilitation dose: contacts and minutes of facilitation per clinic and phase.

Facilitation is the ERIC strategy of interactive problem solving and support (Powell et al.
2015); its dose, as Proctor, Powell & McMillen (2013) ask a strategy's dose to be reported, is
counted here from a contact log: one row per contact with its date, clinic (or agency, for a
contact with the agency's leaders), phase, minutes and mode.

Dose per clinic and phase is the number of contacts and the sum of their minutes. An agency
contact is counted once, at agency level, and never copied into its clinics' dose (a meeting
with the agency's leaders is not a contact with each clinic); agency rows add the agency's
clinic contacts and its own, and say so in ``base``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .logs import Column, read_log
from .sic import PHASE_ALIASES, PHASES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

MODES = ("in person", "video", "phone", "email", "other")
FACILITATION_COLUMNS = (
    Column("contact_id", "text"),
    Column("agency", "text"),
    Column("clinic", "text"),
    Column("date", "date", required=True),
    Column("phase", "choice", required=True, choices=PHASES, aliases=PHASE_ALIASES),
    Column("minutes", "number", required=True, low=0),
    Column("mode", "choice", choices=MODES, aliases={"in-person": "in person", "zoom": "video", "call": "phone"}),
    Column("facilitator", "text"),
    Column("participants", "text"),
    Column("topic", "text"),
)


def read_facilitation(path: str | Path, *, sheet: str | None = None, clinics: Sequence[str] = (),
                      agencies: Sequence[str] = (), agency_of: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Read and check a facilitation contact log (columns: :data:`FACILITATION_COLUMNS`).

    Raises
    ------
    InputError
        Every bad cell: negative or non-numeric minutes, a bad date or phase, an unknown site.
    """
    return read_log(path, "facilitation log", FACILITATION_COLUMNS, sheet=sheet, clinics=clinics,
                    agencies=agencies, agency_of=agency_of).records


def facilitation_dose(log: "pd.DataFrame", by: str = "clinic", sites: Mapping[str, str] | None = None) -> "pd.DataFrame":
    """Facilitation contacts and minutes per clinic (or agency) and phase, with a total row per site.

    Parameters
    ----------
    log : DataFrame
        The facilitation log (date, agency, clinic, phase, minutes).
    by : {"clinic", "agency"}
    sites : mapping of str to str, optional
        The project's clinics and their agencies: a site the log never names keeps a total row with
        0 contacts (it was left out of the table, as if it were not in the study).

    Returns
    -------
    pandas.DataFrame
        agency, clinic (by clinic), phase (``all`` on the total rows), contacts, minutes, hours,
        first_contact, last_contact, base.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"agency": ["a", "a", "a"], "clinic": ["n", "n", None],
    ...                     "date": ["2025-01-01", "2025-02-01", "2025-01-15"],
    ...                     "phase": ["implementation"] * 3, "minutes": [60, 30, 90]})
    >>> dose = facilitation_dose(log)
    >>> dose[["clinic", "phase", "contacts", "minutes"]].values.tolist()
    [['n', 'implementation', 2, 90.0], ['n', 'all', 2, 90.0]]
    >>> facilitation_dose(log, by="agency")["minutes"].tolist()
    [180.0, 180.0]
    >>> facilitation_dose(log, sites={"n": "a", "s": "a"})[["clinic", "phase", "contacts"]].values.tolist()[-1]
    ['s', 'all', 0]
    """
    import pandas as pd

    keys = ["agency", "clinic"] if by == "clinic" else ["agency"]
    columns = keys + ["phase", "contacts", "minutes", "hours", "first_contact", "last_contact", "base"]
    if not len(log):
        return pd.DataFrame(columns=columns)
    frame = log.copy()
    if by == "clinic":
        frame = frame[frame["clinic"].notna() & (frame["clinic"] != "")]
        base = "contacts with the clinic"
    else:
        base = "contacts with the agency's clinics and with the agency itself"
    order = {p: i for i, p in enumerate(PHASES)}
    rows = []
    for key, group in frame.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        parts = sorted(group.groupby("phase"), key=lambda item: order.get(item[0], len(order)))
        for phase, part in [*parts, ("all", group)]:
            minutes = float(part["minutes"].astype(float).sum())
            dates = sorted(str(d)[:10] for d in part["date"])
            rows.append({**dict(zip(keys, key)), "phase": phase, "contacts": int(len(part)), "minutes": minutes,
                         "hours": minutes / 60, "first_contact": dates[0], "last_contact": dates[-1], "base": base})
    named = {tuple(r[k] for k in keys) for r in rows}
    wanted = sorted({(a, c) if by == "clinic" else (a,) for c, a in (sites or {}).items() if c and a})
    rows += [{**dict(zip(keys, key)), "phase": "all", "contacts": 0, "minutes": 0.0, "hours": 0.0,
              "first_contact": None, "last_contact": None, "base": base + " (none logged)"}
             for key in wanted if key not in named]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["MODES", "read_facilitation", "facilitation_dose"]

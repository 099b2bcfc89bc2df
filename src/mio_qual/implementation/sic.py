"""Stages of Implementation Completion (SIC): completion and duration per stage and phase.

The SIC (Chamberlain, Brown & Saldana 2011; Saldana 2014) follows a site through eight stages
of implementation, each made of observable activities with the date they were done:

====  ==========================================  ======================
stage name                                        phase
====  ==========================================  ======================
1     Engagement                                  pre-implementation
2     Consideration of feasibility                pre-implementation
3     Readiness planning                          pre-implementation
4     Staff hired and trained                     implementation
5     Adherence monitoring processes in place     implementation
6     Services and consultation begin             implementation
7     Ongoing services, consultation, fidelity    implementation
      monitoring and feedback
8     Competency (certification)                  sustainability
====  ==========================================  ======================

A study keeps **one activity list** (:func:`read_activity_list`): every activity with its stage,
phase and level. ``agency`` activities are done once by the agency (applying for the grant,
a readiness assessment with the clinic directors) and count for each of its clinics;
``clinic`` activities are done by each clinic. The **dates** (:func:`read_activity_dates`) say
when each clinic (or agency, for agency activities) actually completed an activity. From the
two, :func:`sic_scores` gives per clinic, stage and phase the scores Saldana (2014) defines:

* **proportion**: activities completed / activities in the stage (or phase) on the list;
* **duration**: days from the first to the last *actual* completion date in the stage (or
  phase): the time the site spent in it. Planned dates play no part. With one completed
  activity the duration is 0; with none it is undefined (NaN);
* **stage reached**: the furthest stage in which at least one activity was completed (stages
  may overlap or be skipped; the SIC does not assume they run in order).

Pre-implementation (stages 1-3) is a phase of its own, so its completion and duration can be
used alone, as the SIC's developers did when pre-implementation behaviour predicted later
success (Saldana, Chamberlain, Wang & Brown 2012).

References
----------
Chamberlain, P., Brown, C. H., & Saldana, L. (2011). Observational measure of implementation
progress in community based settings: The Stages of Implementation Completion (SIC).
*Implementation Science*, 6, 116.

Saldana, L. (2014). The stages of implementation completion for evidence-based practice:
protocol for a mixed methods study. *Implementation Science*, 9, 43.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..errors import InputError
from .logs import Column, Log, read_log

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The eight SIC stages (Chamberlain, Brown & Saldana 2011).
STAGES: dict[int, str] = {
    1: "Engagement",
    2: "Consideration of feasibility",
    3: "Readiness planning",
    4: "Staff hired and trained",
    5: "Adherence monitoring processes in place",
    6: "Services and consultation begin",
    7: "Ongoing services, consultation, fidelity monitoring and feedback",
    8: "Competency (certification)",
}
PHASES: tuple[str, ...] = ("pre-implementation", "implementation", "sustainability")
#: The phase each stage belongs to (Saldana 2014).
STAGE_PHASE: dict[int, str] = {1: PHASES[0], 2: PHASES[0], 3: PHASES[0], 4: PHASES[1], 5: PHASES[1],
                               6: PHASES[1], 7: PHASES[1], 8: PHASES[2]}
LEVELS: tuple[str, ...] = ("agency", "clinic")
PHASE_ALIASES = {"pre": "pre-implementation", "preimplementation": "pre-implementation",
                 "pre implementation": "pre-implementation", "sustainment": "sustainability"}

ACTIVITY_COLUMNS = (
    Column("activity_id", "text", required=True),
    Column("activity", "text", required=True),
    Column("stage", "int", required=True, low=1),
    Column("phase", "choice", choices=PHASES, aliases=PHASE_ALIASES),
    Column("level", "choice", required=True, choices=LEVELS),
)
DATE_COLUMNS = (
    Column("activity_id", "text", required=True),
    Column("agency", "text"),
    Column("clinic", "text"),
    Column("date_completed", "date"),
)


def read_activity_list(path: str | Path, *, sheet: str | None = None) -> "pd.DataFrame":
    """Read and check the study's activity list.

    Columns: ``activity_id``, ``activity``, ``stage`` (1-8), ``level`` (agency or clinic) and
    optionally ``phase`` (pre-implementation, implementation, sustainability); a phase given
    must be the stage's phase, a missing one is filled from the stage.

    Returns
    -------
    pandas.DataFrame
        activity_id, activity, stage, stage_name, phase, level, row (sorted by stage, then file order).

    Raises
    ------
    InputError
        Every bad cell (stage outside 1-8, a phase contradicting its stage, a level that is
        neither agency nor clinic, an id used twice).
    """
    def check(record: dict[str, Any], problem: Any) -> None:
        stage = record["stage"]
        if stage not in STAGES:
            problem("stage", f"{stage} is not a SIC stage (1-8)")
            return
        if record.get("phase") and record["phase"] != STAGE_PHASE[stage]:
            problem("phase", f"stage {stage} belongs to {STAGE_PHASE[stage]}, not {record['phase']}")
        record["phase"] = STAGE_PHASE[stage]

    log = read_log(path, "activity list", ACTIVITY_COLUMNS, sheet=sheet, check=check, require_site=False,
                   unique="activity_id")
    return activity_frame(log.records)


def activity_frame(records: Sequence[Mapping[str, Any]]) -> "pd.DataFrame":
    """The activity list as a DataFrame from records (as read, or as stored)."""
    import pandas as pd

    frame = pd.DataFrame.from_records(
        [{"activity_id": r["activity_id"], "activity": r["activity"], "stage": int(r["stage"]),
          "stage_name": STAGES[int(r["stage"])], "phase": STAGE_PHASE[int(r["stage"])], "level": r["level"],
          "row": r.get("row")} for r in records],
        columns=["activity_id", "activity", "stage", "stage_name", "phase", "level", "row"])
    return frame.sort_values(["stage", "row"], kind="stable").reset_index(drop=True)


def read_activity_dates(path: str | Path, activities: "pd.DataFrame", *, sheet: str | None = None,
                        clinics: Sequence[str] = (), agencies: Sequence[str] = (),
                        agency_of: Mapping[str, str] | None = None) -> Log:
    """Read and check the actual completion dates.

    One row per site and activity: ``activity_id``, ``agency``, ``clinic`` (empty for an agency
    activity), ``date_completed`` (empty: not completed, the same as leaving the row out).

    Raises
    ------
    InputError
        Every bad cell: an activity not on the list, a clinic given for an agency activity or
        missing for a clinic activity, a bad date, a site and activity given twice.
    """
    if activities is None or not len(activities):
        raise InputError("the project has no activity list yet", path=path,
                         hint="import the study's activity list first (mio-qual implementation import activities FILE)")
    level = dict(zip(activities["activity_id"], activities["level"]))
    seen: dict[tuple[str, str], int] = {}

    def check(record: dict[str, Any], problem: Any) -> None:
        activity = record["activity_id"]
        if activity not in level:
            close = difflib.get_close_matches(activity, sorted(level), n=1)
            problem("activity_id", f"{activity!r} is not on the activity list"
                    + (f" (did you mean {close[0]!r}?)" if close else ""))
            return
        if level[activity] == "agency" and record.get("clinic"):
            problem("clinic", f"{activity} is an agency activity: leave the clinic empty and give the agency")
            return
        if level[activity] == "clinic" and not record.get("clinic"):
            problem("clinic", f"{activity} is a clinic activity: give the clinic")
            return
        site = record.get("clinic") or record.get("agency")
        key = (activity, site)
        if key in seen:
            problem("activity_id", f"{activity} at {site} is given twice (rows {seen[key]} and {record['row']})")
        seen.setdefault(key, record["row"])

    return read_log(path, "activity dates", DATE_COLUMNS, sheet=sheet, clinics=clinics, agencies=agencies,
                    agency_of=agency_of, check=check)


def clinic_completion(activities: "pd.DataFrame", dates: "pd.DataFrame", agency_of: Mapping[str, str]) -> "pd.DataFrame":
    """Every activity on the list for every clinic, with the date the clinic completed it.

    An agency activity's date is its agency's date, for each of the agency's clinics.

    Parameters
    ----------
    activities : DataFrame
        The activity list (:func:`activity_frame`).
    dates : DataFrame
        activity_id, agency, clinic (None for agency activities), date_completed (ISO text, a
        date, or None).
    agency_of : mapping
        clinic -> agency, for every clinic to score (a clinic with no dates scores 0).

    Returns
    -------
    pandas.DataFrame
        agency, clinic, activity_id, activity, stage, stage_name, phase, level, date (ISO text
        or None), sorted by clinic and then the list's order.
    """
    import pandas as pd

    columns = ["agency", "clinic", "activity_id", "activity", "stage", "stage_name", "phase", "level", "date"]
    clinics = pd.DataFrame({"clinic": sorted(agency_of), "agency": [agency_of[c] for c in sorted(agency_of)]})
    listing = activities[["activity_id", "activity", "stage", "stage_name", "phase", "level"]].reset_index(drop=True)
    grid = clinics.merge(listing.assign(_order=range(len(listing))), how="cross")
    grid["_site"] = grid["agency"].where(grid["level"] == "agency", grid["clinic"])
    done = dates[["activity_id", "agency", "clinic", "date_completed"]].copy()
    done["date"] = done["date_completed"].map(
        lambda d: d.isoformat()[:10] if isinstance(d, _dt.date) else (str(d)[:10] if isinstance(d, str) and d else None))
    done = done[done["date"].notna()]
    done["_site"] = done["clinic"].where(done["clinic"].map(lambda c: isinstance(c, str) and bool(c)), done["agency"])
    done = done.drop_duplicates(["activity_id", "_site"], keep="last")[["activity_id", "_site", "date"]]
    merged = grid.merge(done, on=["activity_id", "_site"], how="left")
    merged["date"] = merged["date"].astype(object).where(merged["date"].notna(), None)
    return merged.sort_values(["clinic", "_order"], kind="stable")[columns].reset_index(drop=True)


SCORE_COLUMNS = ["n_activities", "n_completed", "proportion", "first_date", "last_date", "duration_days"]


def _scores(completion: "pd.DataFrame", keys: list[str]) -> "pd.DataFrame":
    """Proportion completed and days between the first and last actual dates, per group of ``keys``
    (one vectorized group-by: linear in the rows)."""
    import pandas as pd

    day = pd.to_datetime(completion["date"], format="%Y-%m-%d")
    frame = completion[keys].assign(_day=day, _done=day.notna())
    grouped = frame.groupby(keys, sort=True)
    out = grouped.agg(n_activities=("_done", "size"), n_completed=("_done", "sum"), first=("_day", "min"),
                      last=("_day", "max")).reset_index()
    out["n_completed"] = out["n_completed"].astype(int)
    out["proportion"] = out["n_completed"] / out["n_activities"]
    out["duration_days"] = (out["last"] - out["first"]).dt.days.astype(float)
    out["first_date"] = out["first"].dt.strftime("%Y-%m-%d").where(out["first"].notna(), None)
    out["last_date"] = out["last"].dt.strftime("%Y-%m-%d").where(out["last"].notna(), None)
    return out[keys + SCORE_COLUMNS]


def sic_stages(completion: "pd.DataFrame") -> "pd.DataFrame":
    """SIC scores per clinic and stage (see the module docstring).

    Parameters
    ----------
    completion : DataFrame
        :func:`clinic_completion`'s table.

    Returns
    -------
    pandas.DataFrame
        agency, clinic, stage, stage_name, phase, n_activities, n_completed, proportion,
        first_date, last_date, duration_days. Stages with no activity on the list are left out.
    """
    frame = _scores(completion, ["agency", "clinic", "stage"])
    frame.insert(3, "stage_name", frame["stage"].map(STAGES))
    frame.insert(4, "phase", frame["stage"].map(STAGE_PHASE))
    return frame


def sic_phases(completion: "pd.DataFrame") -> "pd.DataFrame":
    """SIC scores per clinic and phase (pre-implementation, implementation, sustainability).

    Returns
    -------
    pandas.DataFrame
        agency, clinic, phase, n_activities, n_completed, proportion, first_date, last_date,
        duration_days.
    """
    order = {p: i for i, p in enumerate(PHASES)}
    frame = _scores(completion, ["agency", "clinic", "phase"])
    frame["_o"] = frame["phase"].map(order)
    return frame.sort_values(["agency", "clinic", "_o"]).drop(columns="_o").reset_index(drop=True)


def sic_summary(completion: "pd.DataFrame", unlogged: Mapping[str, str] | None = None) -> "pd.DataFrame":
    """One row per clinic: stage reached, and each phase's proportion and duration.

    Parameters
    ----------
    completion : DataFrame
        :func:`clinic_completion`'s table.
    unlogged : mapping of str to str, optional
        Clinic -> why its own activities count as not completed (no row of its own in the dates
        file: :func:`unlogged_clinics`); when any, a ``note`` column says so on their rows.

    Returns
    -------
    pandas.DataFrame
        agency, clinic, stage_reached (0: nothing completed), then ``<phase>_proportion`` and
        ``<phase>_days`` for each phase (pre_implementation, implementation, sustainability),
        overall_proportion and overall_days (and ``note``, see ``unlogged``).
    """
    import pandas as pd

    keys = ["agency", "clinic"]
    overall = _scores(completion, keys)
    done = completion[completion["date"].notna()]
    reached = done.groupby(keys)["stage"].max()
    summary = overall[keys].copy()
    summary["stage_reached"] = [int(reached.get(k, 0)) for k in zip(summary["agency"], summary["clinic"])]
    phases = sic_phases(completion).set_index(keys + ["phase"])
    for phase in PHASES:
        key = phase.replace("-", "_")
        part = phases.xs(phase, level="phase") if phase in phases.index.get_level_values("phase") else pd.DataFrame(
            columns=["proportion", "duration_days"])
        index = pd.MultiIndex.from_frame(summary[keys])
        summary[f"{key}_proportion"] = part["proportion"].reindex(index).to_numpy(dtype=float)
        summary[f"{key}_days"] = part["duration_days"].reindex(index).to_numpy(dtype=float)
    summary["overall_proportion"] = overall["proportion"].to_numpy()
    summary["overall_days"] = overall["duration_days"].to_numpy()
    if unlogged:
        summary["note"] = summary["clinic"].map(lambda c: unlogged.get(c, ""))
    return summary


def unlogged_clinics(completion: "pd.DataFrame", dates: "pd.DataFrame") -> dict[str, str]:
    """The clinics scored that have no row of their own in the completion dates while the list has clinic
    activities: a clinic the dates file leaves out scores 0 on its clinic activities, which may mean "not done"
    or "not logged"; the note says which file and what was assumed.

    Parameters
    ----------
    completion : DataFrame
        :func:`clinic_completion`'s table.
    dates : DataFrame
        The stored completion dates (``clinic`` and ``source_file`` columns).

    Returns
    -------
    dict of str to str
        Clinic -> note.
    """
    if not len(completion) or not (completion["level"] == "clinic").any():
        return {}
    logged = set(dates["clinic"].dropna()) if len(dates) and "clinic" in dates.columns else set()
    files = sorted({f for f in dates.get("source_file", ()) if isinstance(f, str) and f}) if len(dates) else []
    where = " and ".join(files) if files else "the activity dates (none imported)"
    return {c: f"no row for this clinic in {where}: its clinic activities count as not completed"
            for c in sorted(set(completion["clinic"]) - logged)}


def sic_by_agency(summary: "pd.DataFrame") -> "pd.DataFrame":
    """Agency rows from the clinic summary: each score's mean, minimum and maximum over the
    agency's clinics. The base is the clinic: ``n_clinics`` counts them, and an agency activity
    (already counted in each clinic) is not counted again."""
    import pandas as pd

    value_columns = [c for c in summary.columns if c not in ("agency", "clinic", "note")]
    rows = []
    for agency, group in summary.groupby("agency", sort=True):
        for column in value_columns:
            values = group[column].astype(float).dropna()
            rows.append({"agency": agency, "score": column, "base": "clinics", "n_clinics": int(len(values)),
                         "mean": float(values.mean()) if len(values) else math.nan,
                         "min": float(values.min()) if len(values) else math.nan,
                         "max": float(values.max()) if len(values) else math.nan})
    return pd.DataFrame(rows, columns=["agency", "score", "base", "n_clinics", "mean", "min", "max"])


__all__ = ["STAGES", "PHASES", "STAGE_PHASE", "read_activity_list", "read_activity_dates", "activity_frame",
           "clinic_completion", "unlogged_clinics", "sic_stages", "sic_phases", "sic_summary", "sic_by_agency", "sic_result"]


def sic_result(completion: "pd.DataFrame", unlogged: Mapping[str, str] | None = None) -> Any:
    """The SIC tables as one :class:`~mio_qual.result.Result`: clinic summary, phases, stages and
    agencies, each naming its base; clinics with no completion date of their own (``unlogged``,
    :func:`unlogged_clinics`) are named in a note."""
    from ..result import Result, Table

    sources = ["chamberlain2011", "saldana2014"]
    summary = sic_summary(completion, unlogged)
    notes = ["Proportion: activities completed / activities on the study's list for the stage or phase; "
             "agency activities count for each of the agency's clinics.",
             "Duration: days from the first to the last actual completion date in the stage or phase "
             "(0 with one completed activity, empty with none); planned dates play no part.",
             "Stage reached: the furthest stage with at least one completed activity."]
    if unlogged:
        notes.append(f"{' and '.join(sorted(unlogged))} {'has' if len(unlogged) == 1 else 'have'} no row of "
                     f"{'its' if len(unlogged) == 1 else 'their'} own in the activity dates: "
                     f"{'its' if len(unlogged) == 1 else 'their'} clinic activities count as not completed (0), and "
                     "so in the agency's mean; if they were done, add their dates and import the file again.")
    return Result("sic", tables=[
        Table(summary, "Stages of Implementation Completion by clinic", notes=notes, sheet="sic", sources=sources),
        Table(sic_phases(completion), "SIC by clinic and phase", sheet="sic_phases", sources=sources),
        Table(sic_stages(completion), "SIC by clinic and stage", sheet="sic_stages", sources=sources),
        Table(sic_by_agency(summary), "SIC by agency: mean, minimum and maximum over its clinics (base: clinics)",
              sheet="sic_agency", sources=sources),
    ], title="Stages of Implementation Completion", notes=notes)

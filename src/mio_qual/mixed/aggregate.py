"""Aggregating quantitative outcomes to clinic and agency, and outcomes per case.

:func:`aggregate` summarizes every measure by clinic or agency with n, mean, SD, median,
minimum and maximum, and says which level the values came from (session, counselor ...), so a
clinic mean of 32 session ratings is never mistaken for a mean of 6 counselors' scores.

* SD is the sample standard deviation (n - 1 in the denominator); it is undefined for n = 1.
* Every row names its **base** (what ``n`` counts and every statistic describes), and a row
  never mixes bases. Agency figures pool the agency's units: every session of both clinics,
  every respondent, plus agency-wide rows; clinic-level measures are described over the
  agency's clinics (base ``clinics``).
* Reach and adoption are proportions of people, so at agency level their counts are pooled:
  the agency's value is sum(enrolled) / sum(eligible) (sum(delivering) / sum(eligible
  counselors), or sum(trained) in files without that count) over its clinics, the share of the
  agency's eligible people who take part (RE-AIM reach; Glasgow, Vogt & Boles 1999), not the
  unweighted mean of the clinics' proportions. ``n`` is then the pooled denominator (people),
  and SD, median, minimum and maximum, which would describe clinics, are left empty: the
  clinics' own proportions are in the ``by="clinic"`` table.
* Missing values are left out; ``n`` counts the values used and ``n_missing`` those left out.
* **Session-level measures** (fidelity, adherence, competence) are aggregated counselor ->
  clinic by default: each counselor's mean over their rated sessions first, then the clinic
  (or agency) mean of those counselor means, so a counselor with many rated sessions weighs
  as much as one with few. This is the one definition of clinic fidelity in the project: the
  Aim 2 outcomes (:func:`mio_qual.implementation.outcomes.implementation_outcomes`), the
  joint displays, csQCA/CNA outcomes and the Aim 3 case matrix all use it. ``n`` then counts
  counselors and the row's base says so; sessions without a counselor id count as one
  counselor "(unknown)", as in Aim 2. ``pool="sessions"`` instead takes the mean of every
  session in the case (a counselor with more sessions weighs more); its base says that too.

:func:`phase_summary` scores a logged activity list per clinic (or agency) and phase:
activities logged, completed, completion proportion, share tailored, mean delay, and the
phase's duration between its first and last actual completion dates (agency-wide activities
count for the agency's clinics). The Aim 2 measure over one study-level activity list is the
Stages of Implementation Completion, :mod:`mio_qual.implementation.sic`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from ..errors import InputError
from .constructs import as_list
from .. import validation

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

AGG_COLUMNS = ["measure", "level", "base", "n", "n_missing", "mean", "sd", "median", "min", "max"]
#: Proportions scored from counts: at agency level their counts are pooled, not their values averaged.
#: Adoption's denominator is the eligible counselors when the data count them, else the trained ones.
POOLED_RATIOS = {"reach": ("enrolled", ("eligible",)), "adoption": ("delivering", ("eligible_counselors", "trained"))}
#: What ``n`` counts at each level the values come from.
BASES = {"session": "sessions", "counselor": "respondents", "mother": "mothers", "activity": "activities",
         "clinic": "clinics", "agency": "agencies"}


#: How session-level values become a case's value: counselor means first (the default), or every session pooled.
POOLS = ("counselors", "sessions")
COUNSELOR_BASE = "counselors (each counselor's mean of rated sessions)"
SESSION_POOL_BASE = "sessions pooled (a counselor with more sessions weighs more)"
COUNSELOR_LEVEL = "session -> counselor"


def _base(levels: Sequence[str], pool: str = "counselors") -> str:
    def one(level: str) -> str:
        if level == COUNSELOR_LEVEL:
            return COUNSELOR_BASE
        return SESSION_POOL_BASE if level == "session" and pool == "sessions" else BASES.get(level, level)

    return ", ".join(one(level) for level in levels)


def counselor_means(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Session-level values replaced by each counselor's mean over their sessions, per measure.

    Rows of other levels are kept as they are. A session without a counselor id counts for
    the counselor "(unknown)" of its clinic (as :func:`mio_qual.implementation.outcomes.counselor_fidelity`
    does). The new rows have level ``"session -> counselor"`` and one row per agency, clinic,
    counselor and measure (dataset: the datasets joined; row: -1).

    Examples
    --------
    >>> import pandas as pd
    >>> quant = pd.DataFrame({"dataset": "f", "row": [1, 2, 3], "level": "session", "agency": "a",
    ...     "clinic": "c", "counselor_id": ["k1", "k1", "k2"], "measure": "fidelity",
    ...     "value": [5.0, 4.0, 2.0]})
    >>> counselor_means(quant)[["counselor_id", "value"]].values.tolist()
    [['k1', 4.5], ['k2', 2.0]]
    """
    import pandas as pd

    if not len(frame) or "level" not in frame.columns:
        return frame
    sessions = frame[frame["level"] == "session"]
    if not len(sessions):
        return frame
    sessions = sessions.copy()
    if "counselor_id" not in sessions.columns:
        sessions["counselor_id"] = None
    sessions["counselor_id"] = sessions["counselor_id"].where(sessions["counselor_id"].notna(), "(unknown)")
    keys = ["agency", "clinic", "counselor_id", "measure"]
    rows = []
    for key, group in sessions.groupby(keys, dropna=False, sort=True):
        values = group["value"].dropna().astype(float)
        rows.append({**dict(zip(keys, key)), "level": COUNSELOR_LEVEL, "row": -1,
                     "dataset": ", ".join(sorted(set(group["dataset"]))),
                     "value": float(values.mean()) if len(values) else math.nan})
    means = pd.DataFrame(rows)
    return pd.concat([frame[frame["level"] != "session"], means], ignore_index=True)
PHASE_ORDER = ("exploration", "preparation", "implementation", "sustainment")


def summarize_values(values: Sequence[float]) -> dict[str, float]:
    """n, n_missing, mean, SD (n - 1), median, min and max of a list with NaNs.

    Examples
    --------
    >>> s = summarize_values([4.0, 5.0, float("nan"), 3.0])
    >>> s["n"], s["n_missing"], s["mean"], s["sd"], s["median"]
    (3, 1, 4.0, 1.0, 4.0)
    """
    import numpy as np

    array = np.asarray([float("nan") if v is None else v for v in values], dtype=float)
    kept = array[~np.isnan(array)]
    n = int(kept.size)
    return {
        "n": n,
        "n_missing": int(array.size - n),
        "mean": float(kept.mean()) if n else math.nan,
        "sd": float(kept.std(ddof=1)) if n > 1 else math.nan,
        "median": float(np.median(kept)) if n else math.nan,
        "min": float(kept.min()) if n else math.nan,
        "max": float(kept.max()) if n else math.nan,
    }


def aggregate(frame: "pd.DataFrame", by: str = "clinic", measures: str | Sequence[str] | None = None,
              pool: str = "counselors") -> "pd.DataFrame":
    """Summaries of each measure per clinic or agency.

    Parameters
    ----------
    frame : DataFrame
        Quantitative values as :meth:`mio_qual.project.Project.quant` returns them. For reach
        and adoption by agency it must hold their counts too (enrolled, eligible, delivering,
        trained).
    by : {"clinic", "agency"}
    measures : str or sequence of str, optional
        Default: every measure in ``frame``. Aliases such as ``feasibility`` (FIM) are understood.
    pool : {"counselors", "sessions"}
        How session-level values (fidelity, adherence, competence) become a case's value:
        ``"counselors"`` (default) averages each counselor's sessions first and then the
        counselors (each counselor weighs the same, as Aim 2 does); ``"sessions"`` pools every
        session of the case. The row's level and base name the choice.

    Returns
    -------
    pandas.DataFrame
        Columns: agency, clinic (for ``by="clinic"``), measure, level (where the values came
        from; ``"session -> counselor"`` for counselor means of sessions), base (what n
        counts), n, n_missing, mean, sd, median, min, max, dataset.
    """
    import pandas as pd

    if by not in ("clinic", "agency"):
        raise InputError(f"cannot aggregate by {by!r}", hint="use clinic or agency")
    if pool not in POOLS:
        raise InputError(f"cannot pool session values by {pool!r}", hint="use counselors or sessions")
    data = frame
    if measures is not None:
        wanted = [validation.measure_name(m) for m in as_list(measures) or []]
        data = data[data["measure"].isin(wanted)]
    keys = ["agency", "clinic"] if by == "clinic" else ["agency"]
    out_columns = keys + AGG_COLUMNS + ["dataset"]
    if not len(data):
        return pd.DataFrame(columns=out_columns)
    if pool == "counselors":
        data = counselor_means(data)
    rows = []
    if by == "clinic":
        data = data[data["clinic"].notna()]
        for (agency, clinic, measure_name), group in data.groupby(["agency", "clinic", "measure"], dropna=False, sort=True):
            levels = sorted(set(group["level"]))
            rows.append({"agency": agency, "clinic": clinic, "measure": measure_name, "level": ", ".join(levels),
                         "base": _base(levels, pool), **summarize_values(group["value"].tolist()),
                         "dataset": ", ".join(sorted(set(group["dataset"])))})
    else:
        ratios = [m for m in POOLED_RATIOS if m in set(data["measure"])]
        counts = None
        if ratios:
            names = [c for m in ratios for c in (POOLED_RATIOS[m][0], *POOLED_RATIOS[m][1])]
            counts = frame[frame["measure"].isin(names)].pivot_table(
                index=["dataset", "row"], columns="measure", values="value", aggfunc="first")
        for (agency, measure_name), group in data.groupby(["agency", "measure"], dropna=True, sort=True):
            levels = sorted(set(group["level"]))
            summary = summarize_values(group["value"].tolist())
            base = _base(levels, pool)
            if measure_name in POOLED_RATIOS and counts is not None:
                pooled = _pooled(group, counts, *POOLED_RATIOS[measure_name])
                if pooled is not None:
                    top, bottom, numerator, denominator = pooled
                    summary.update({"mean": numerator / denominator if denominator else math.nan,
                                    "n": int(denominator), "sd": math.nan, "median": math.nan, "min": math.nan,
                                    "max": math.nan})
                    levels = [f"{', '.join(levels)} (pooled: {top} / {bottom})"]
                    k = int(group["value"].notna().sum())
                    base = f"{bottom} (pooled counts of {k} clinic{'s' if k != 1 else ''})"
            rows.append({"agency": agency, "measure": measure_name, "level": ", ".join(levels), "base": base,
                         **summary, "dataset": ", ".join(sorted(set(group["dataset"])))})
    return pd.DataFrame(rows, columns=out_columns)


def _pooled(group: "pd.DataFrame", counts: "pd.DataFrame", top: str,
            bottoms: Sequence[str]) -> tuple[str, str, float, float] | None:
    """The pooled numerator and denominator of a ratio over the rows that have a value, or None
    when some of those rows lack the counts."""
    rated = group[group["value"].notna()]
    keys = [k for k in zip(rated["dataset"], rated["row"]) if k in counts.index]
    if not keys or len(keys) != len(rated) or top not in counts.columns:
        return None
    pair = counts.loc[keys]
    for bottom in bottoms:
        if bottom in pair.columns and pair[bottom].notna().all():
            return top, bottom, float(pair[top].sum()), float(pair[bottom].sum())
    return None


def outcome_by_case(frame: "pd.DataFrame", outcome: str, by: str = "clinic",
                    pool: str = "counselors") -> "pd.DataFrame":
    """One outcome per case: the case mean of the unit values, with n, SD, level and base.

    Session-level outcomes (fidelity, adherence, competence) are counselor means first, then
    the case mean of the counselors (``pool="counselors"``, the project's one definition of
    clinic fidelity, as Aim 2's); ``pool="sessions"`` pools the sessions (see :func:`aggregate`).

    Parameters
    ----------
    frame : DataFrame
        Quantitative values (:meth:`mio_qual.project.Project.quant`), every stored measure (the
        error for a missing outcome lists them).
    outcome : str
        A stored measure (``fidelity``, ``fim``, ``reach``, ``completed`` ...; any case: ``FIM``) or an
        alias (``feasibility``, ``acceptability``, ``appropriateness``, ``completion``).
    by : {"clinic", "agency"}
    pool : {"counselors", "sessions"}

    Returns
    -------
    pandas.DataFrame
        Index: case id. Columns: value (mean), n, sd, median, level, base, measure.

    Raises
    ------
    InputError
        When the project holds no values of the outcome (close matches named).
    """
    table = aggregate(frame, by=by, measures=[outcome], pool=pool)
    if not len(table):  # the name in any case or an alias; else refused with close matches
        raise validation.unknown_measure(outcome, frame["measure"] if len(frame) else [])
    frame = table.set_index(by)[["mean", "n", "sd", "median", "level", "base", "measure"]].rename(columns={"mean": "value"})
    frame.index.name = "case_id"
    return frame


def phase_summary(frame: "pd.DataFrame", by: str = "clinic") -> "pd.DataFrame":
    """Completion and duration of logged implementation activities per case and phase.

    For each clinic (or agency) and phase: activities logged, completed, completion proportion
    (completed / logged), tailored share, mean delay in days (completed date minus planned date,
    completed activities only), and the phase's duration in days between its first and last
    *actual* completion dates (Saldana 2014 times a stage from its activities' actual dates;
    planned dates play no part). An agency-wide activity (no clinic) counts for every clinic of
    its agency that the log names, as it does at agency level.

    This scores an activity log whose lists may differ between clinics. The Aim 2 measure is the
    Stages of Implementation Completion over one study-level activity list
    (:mod:`mio_qual.implementation.sic`); the ``completed`` measure's clinic mean, which pools
    every phase, is kept for joint displays that ask for it.

    Parameters
    ----------
    frame : DataFrame
        Activity-level values (:meth:`mio_qual.project.Project.quant` with ``level="activity"``):
        one row per activity and measure with the activity's phase and dates.
    by : {"clinic", "agency"}

    Returns
    -------
    pandas.DataFrame
        Columns: agency, clinic (by clinic), phase, n_activities, n_completed, completion,
        tailored, mean_delay_days, first_completed, last_completed, duration_days.
    """
    import datetime as dt

    import pandas as pd

    records = []
    if len(frame):
        frame = frame[frame["level"] == "activity"]
        for _, group in frame.groupby(["dataset", "row"], sort=True):
            first = group.iloc[0]
            value = dict(zip(group["measure"], group["value"]))
            done = first.get("date_completed")
            records.append({"agency": first["agency"], "clinic": first["clinic"], "phase": first.get("phase"),
                            "completed": value.get("completed"), "tailored": value.get("tailored"),
                            "delay": value.get("delay_days"), "done": done if isinstance(done, str) and done else None})
    frame = pd.DataFrame.from_records(records, columns=["agency", "clinic", "phase", "completed", "tailored", "delay",
                                                        "done"])
    for column in ("completed", "tailored", "delay"):
        frame[column] = frame[column].astype(float)
    keys = ["agency", "clinic"] if by == "clinic" else ["agency"]
    columns = keys + ["phase", "n_activities", "n_completed", "completion", "tailored", "mean_delay_days",
                      "first_completed", "last_completed", "duration_days"]
    if by == "clinic":
        wide = frame[frame["clinic"].isna()]
        frame = frame[frame["clinic"].notna()]
        clinics = frame[["agency", "clinic"]].drop_duplicates()
        copies = wide.drop(columns="clinic").merge(clinics, on="agency")  # each agency activity, once per clinic
        frame = pd.concat([frame, copies[frame.columns]], ignore_index=True) if len(copies) else frame
    if not len(frame):
        return pd.DataFrame(columns=columns)
    out = []
    for key, group in frame.groupby(keys + ["phase"], sort=False):
        key = key if isinstance(key, tuple) else (key,)
        done = [dt.date.fromisoformat(d) for d in group["done"] if isinstance(d, str) and d]
        delays = group["delay"].dropna()
        tailored = group["tailored"].dropna()
        out.append({**dict(zip(keys + ["phase"], key)), "n_activities": len(group),
                    "n_completed": int(group["completed"].sum()),
                    "completion": float(group["completed"].mean()),
                    "tailored": float(tailored.mean()) if len(tailored) else math.nan,
                    "mean_delay_days": float(delays.mean()) if len(delays) else math.nan,
                    "first_completed": min(done).isoformat() if done else None,
                    "last_completed": max(done).isoformat() if done else None,
                    "duration_days": float((max(done) - min(done)).days) if done else math.nan})
    result = pd.DataFrame(out, columns=columns)
    order = {p: i for i, p in enumerate(PHASE_ORDER)}
    result["_o"] = result["phase"].map(lambda p: order.get(str(p).lower(), len(order)))
    return result.sort_values(keys + ["_o", "phase"]).drop(columns="_o").reset_index(drop=True)


__all__ = ["aggregate", "counselor_means", "outcome_by_case", "phase_summary", "summarize_values", "AGG_COLUMNS"]

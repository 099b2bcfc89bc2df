"""Implementation outcomes per clinic and agency, each with its level, n and base.

Every row of :func:`implementation_outcomes` names the outcome, the level it describes (clinic
or agency), its value, the n behind it and the **base**: what was counted. Agency rows never
mix bases: a proportion of people pools the agency's counts (numerator and denominator both
stated), a mean of counselors pools the agency's counselors, and so on.

* **Reach** (RE-AIM; Glasgow et al. 2019): mothers enrolled / mothers eligible. Whether
  participants differ from non-participants needs data on the eligible mothers who did not
  enrol; the sample has none, and the table says so rather than leaving it out silently.
* **Adoption** (Proctor et al. 2011): counselors delivering MIO / counselors eligible to
  deliver it, trained or not (``eligible_counselors`` in the reach and adoption file). A file
  without that count falls back to counselors trained, and the row says that counselors never
  trained are then not in the denominator.
* **Feasibility, acceptability, appropriateness** (FIM, AIM, IAM; Weiner et al. 2017): the
  mean of respondents' scale scores by clinic and wave (``wave`` column; a survey without one is
  wave 1). Rows without a wave beside rows with one (two files imported apart) form their own
  group, :data:`WAVE_NOT_RECORDED`, with a note: counting them as wave 1 could merge two waves.
  The last wave (for the RE-AIM table and the predictor matrix) is the latest recorded one.
* **Fidelity**: adherence and competence kept apart and aggregated counselor -> clinic, so a
  counselor with many rated sessions weighs as much as one with few: each counselor's session
  mean (:func:`counselor_fidelity`), then the clinic mean of those (``n`` = counselors). Beside
  it, the share of rated sessions at or above a benchmark (``n`` = sessions). The benchmark is
  the analyst's choice (default 4 on the 1-5 scale: "mostly" adherent or competent); MIO has no
  published cut-off, so the table names the one used.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

OUTCOME_COLUMNS = ["agency", "clinic", "level", "outcome", "wave", "value", "n", "base", "numerator",
                   "denominator", "sd", "min", "max", "note"]
DEFAULT_BENCHMARK = 4.0
#: The wave of FIM/AIM/IAM rows without one when other rows of the project have one.
WAVE_NOT_RECORDED = "not recorded"
SOURCES = {"reach": "glasgow2019", "adoption": "proctor2011", "fim": "weiner2017", "aim": "weiner2017",
           "iam": "weiner2017"}


def _stats(values: "pd.Series") -> dict[str, float]:
    values = values.dropna().astype(float)
    n = len(values)
    return {"value": float(values.mean()) if n else math.nan, "n": n,
            "sd": float(values.std(ddof=1)) if n > 1 else math.nan,
            "min": float(values.min()) if n else math.nan, "max": float(values.max()) if n else math.nan}


def _fidelity_rows(quant: "pd.DataFrame") -> "pd.DataFrame":
    """The session-level adherence and competence values, with a counselor id (``"(unknown)"`` when none) and an agency
    (``""`` when none) on every row."""
    rows = quant[(quant["level"] == "session") & quant["measure"].isin(["adherence", "competence"])].copy()
    for column in ("counselor_id", "date", "unit_id"):
        if column not in rows.columns:
            rows[column] = None
    rows["counselor_id"] = rows["counselor_id"].where(rows["counselor_id"].notna(), "(unknown)")
    rows["agency"] = rows["agency"].fillna("")
    return rows


def _sessions(quant: "pd.DataFrame") -> "pd.DataFrame":
    """One row per rated session (a row of its file): agency, clinic, counselor_id, session_id, date, adherence,
    competence. A session without an id (a generic file) is a session all the same."""
    import pandas as pd

    rows = _fidelity_rows(quant)
    columns = ["agency", "clinic", "counselor_id", "session_id", "date", "adherence", "competence"]
    if not len(rows):
        return pd.DataFrame(columns=columns)
    # one session per row of its file; its id and date are attributes (a missing id would drop it from a pivot index)
    wide = rows.pivot_table(index=["dataset", "row", "agency", "clinic", "counselor_id"],
                            columns="measure", values="value", aggfunc="first").reset_index()
    about = rows.drop_duplicates(["dataset", "row"]).set_index(["dataset", "row"])
    keys = list(zip(wide["dataset"], wide["row"]))
    wide["date"] = [about["date"].get(key) for key in keys]
    wide["session_id"] = [about["unit_id"].get(key) for key in keys]
    for column in ("adherence", "competence"):
        if column not in wide.columns:
            wide[column] = math.nan
    return wide[columns]


def counselor_fidelity(quant: "pd.DataFrame", benchmark: float = DEFAULT_BENCHMARK) -> "pd.DataFrame":
    """Fidelity per counselor: each counselor's mean adherence and competence over their rated sessions.

    This is the counselor-level table other analyses (Aim 3) join on ``counselor_id``. The means
    are :func:`mio_qual.mixed.aggregate.counselor_means`, the one definition behind every clinic
    fidelity (the joint displays, QCA/CNA outcomes and Aim 3 take their clinic means from it
    too): every rated row of a session file is a session, with or without a session id, and a
    session without a counselor id counts for the clinic's counselor ``"(unknown)"``.

    Parameters
    ----------
    quant : DataFrame
        Quantitative values (:meth:`mio_qual.project.Project.quant`); session-level adherence and
        competence with a ``counselor_id`` column are used.
    benchmark : float
        Sessions rated at or above it count as at benchmark.

    Returns
    -------
    pandas.DataFrame
        agency, clinic, counselor_id, n_sessions, adherence, competence (session means),
        adherence_sd, competence_sd, adherence_at_benchmark, competence_at_benchmark (shares of
        the counselor's sessions), first_session, last_session.

    Examples
    --------
    >>> import pandas as pd
    >>> quant = pd.DataFrame({"dataset": "f", "level": "session", "agency": "a", "clinic": "c",
    ...     "unit_id": ["s1", "s1", "s2", "s2"], "row": [2, 2, 3, 3], "counselor_id": "c1",
    ...     "date": ["2025-01-02", "2025-01-02", "2025-02-03", "2025-02-03"],
    ...     "measure": ["adherence", "competence"] * 2, "value": [5.0, 3.0, 4.0, 4.0]})
    >>> row = counselor_fidelity(quant).iloc[0]
    >>> float(row["adherence"]), float(row["competence"]), float(row["competence_at_benchmark"])
    (4.5, 3.5, 0.5)
    """
    import pandas as pd

    from ..mixed.aggregate import counselor_means

    sessions = _sessions(quant)
    # the counselor means themselves: the one definition the clinic fidelity of every analysis rests on
    means = counselor_means(_fidelity_rows(quant))
    mean = {(a, c, k, m): v for a, c, k, m, v in
            zip(means["agency"], means["clinic"], means["counselor_id"], means["measure"], means["value"])}
    rows = []
    for (agency, clinic, counselor), group in sessions.groupby(["agency", "clinic", "counselor_id"], sort=True):
        row: dict[str, Any] = {"agency": agency, "clinic": clinic, "counselor_id": counselor,
                               "n_sessions": int(len(group))}
        for measure in ("adherence", "competence"):
            values = group[measure].dropna().astype(float)
            row[measure] = mean.get((agency, clinic, counselor, measure), math.nan)
            row[f"{measure}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else math.nan
            row[f"{measure}_at_benchmark"] = float((values >= benchmark).mean()) if len(values) else math.nan
        dates = sorted(d for d in group["date"] if isinstance(d, str) and d)
        row["first_session"], row["last_session"] = (dates[0], dates[-1]) if dates else (None, None)
        rows.append(row)
    return pd.DataFrame(rows, columns=["agency", "clinic", "counselor_id", "n_sessions", "adherence", "competence",
                                       "adherence_sd", "competence_sd", "adherence_at_benchmark",
                                       "competence_at_benchmark", "first_session", "last_session"])


def _counts(quant: "pd.DataFrame") -> "pd.DataFrame":
    """Clinic-level counts (eligible, enrolled, trained, delivering, eligible_counselors), one row per clinic."""
    import pandas as pd

    names = ["eligible", "enrolled", "trained", "delivering", "eligible_counselors"]
    rows = quant[(quant["level"] == "clinic") & quant["measure"].isin(names)]
    if not len(rows):
        return pd.DataFrame(columns=["agency", "clinic", *names])
    rows = rows.assign(agency=rows["agency"].fillna(""))
    wide = rows.pivot_table(index=["agency", "clinic"], columns="measure", values="value", aggfunc="first").reset_index()
    for name in names:
        if name not in wide.columns:
            wide[name] = math.nan
    return wide[["agency", "clinic", *names]]


def _sites(frame: "pd.DataFrame") -> Iterator[tuple[str, dict[str, Any], "pd.DataFrame"]]:
    """(level, the row's agency and clinic, the group's rows) for each clinic and then each agency; a
    clinic without an agency has no agency row."""
    for level, keys in (("clinic", ["agency", "clinic"]), ("agency", ["agency"])):
        for key, group in frame.groupby(keys, sort=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            if not (isinstance(key[-1], str) and key[-1]) or (level == "agency" and not key[0]):
                continue
            yield level, {"agency": key[0] or None, "clinic": key[1] if level == "clinic" else None}, group


def _ratio_rows(counts: "pd.DataFrame", outcome: str, top: str, bottoms: tuple[tuple[str, str], ...],
                absent_note: str = "") -> list[dict[str, Any]]:
    """Rows of a proportion of counts per clinic and, pooled, per agency.

    Once the project holds the outcome's counts (its numerator or its first denominator for some
    clinic), every clinic and agency keeps its row: one whose counts are incomplete (or whose
    denominator is 0) has no value and a note beginning "not computable" that names the count
    missing and, on an agency row, the clinics lacking it (pooling the others would hide them).
    """
    if not len(counts) or not (counts[top].notna().any() or counts[bottoms[0][0]].notna().any()):
        return []
    rows = []
    for level, site, group in _sites(counts):
        bottom, base = next(((b, text) for b, text in bottoms if group[b].notna().all()), (None, bottoms[0][1]))
        lacking = [name for name in (top, bottom or bottoms[0][0]) if group[name].isna().any()]
        pooled = f", pooled over {len(group)} clinics" if level == "agency" else ""
        numerator = float(group[top].sum()) if top not in lacking else math.nan
        denominator = float(group[bottom].sum()) if bottom is not None else math.nan
        if lacking:
            if level == "clinic":
                why = " and ".join(f"no {name} count" for name in lacking) + " for this clinic"
            else:
                why = "; ".join(f"{_and(sorted(group.loc[group[name].isna(), 'clinic']))} "
                                f"{'lacks' if group[name].isna().sum() == 1 else 'lack'} the {name} count"
                                for name in lacking) + ", so the agency's clinics cannot all be pooled"
            note = f"not computable: {why}"
        elif not denominator:
            note = f"not computable: {bottom} is 0"
        else:
            note = absent_note if bottom != bottoms[0][0] or outcome == "reach" else ""
        value = numerator / denominator if not lacking and denominator else math.nan
        rows.append({**site, "level": level, "outcome": outcome, "wave": None,
                     "value": value, "n": int(denominator) if denominator == denominator else math.nan,
                     "base": base + pooled, "numerator": numerator, "denominator": denominator,
                     "sd": math.nan, "min": math.nan, "max": math.nan, "note": note})
    return rows


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def _mean_rows(frame: "pd.DataFrame", outcome: str, column: str, base: str, wave: Any = None,
               note: str = "") -> list[dict[str, Any]]:
    """Rows of a mean of units (respondents, counselors, sessions) per clinic and, pooled, per agency."""
    return [{**site, "level": level, "outcome": outcome, "wave": wave, **_stats(group[column]),
             "base": base + (", pooled over the agency's clinics" if level == "agency" else ""),
             "numerator": math.nan, "denominator": math.nan, "note": note}
            for level, site, group in _sites(frame)]


def implementation_outcomes(quant: "pd.DataFrame", benchmark: float = DEFAULT_BENCHMARK) -> "pd.DataFrame":
    """Reach, adoption, FIM/AIM/IAM by wave, and fidelity, per clinic and agency (see the module docstring).

    Parameters
    ----------
    quant : DataFrame
        Quantitative values (:meth:`mio_qual.project.Project.quant`).
    benchmark : float
        The fidelity benchmark (1-5) for the share of sessions at benchmark.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTCOME_COLUMNS`: agency, clinic (empty on agency rows), level, outcome,
        wave, value, n, base, numerator, denominator, sd, min, max, note.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    if len(quant):
        counts = _counts(quant)
        rows += _ratio_rows(counts, "reach", "enrolled", (("eligible", "eligible mothers"),),
                            "participants vs non-participants: no data on eligible mothers who did not enrol")
        rows += _ratio_rows(counts, "adoption", "delivering",
                            (("eligible_counselors", "eligible counselors, trained or not"),
                             ("trained", "trained counselors")),
                            "eligible counselors not given: counselors never trained are not in the denominator")
        scales = quant[(quant["level"] == "counselor") & quant["measure"].isin(["fim", "aim", "iam"])].copy()
        if len(scales):
            if "wave" not in scales.columns:
                scales["wave"] = None
            given = scales["wave"].map(lambda w: not (w is None or (isinstance(w, float) and math.isnan(w))
                                                      or not str(w).strip()))
            # no wave anywhere: one survey, wave 1; rows without one beside rows with one (files imported apart)
            # are kept as their own group, never merged into wave 1 (an import refuses the mix within one file)
            scales["wave"] = scales["wave"].where(given, "1" if not given.any() else WAVE_NOT_RECORDED).map(str)
            for (measure, wave), group in scales.groupby(["measure", "wave"], sort=True):
                roles = sorted({r for r in group.get("role", pd.Series(dtype=object)) if isinstance(r, str)})
                base = "respondents" + (f" ({', '.join(roles)})" if roles else "")
                note = ("wave not recorded: these rows come from a file without waves while other files give them; "
                        "not merged into any wave" if wave == WAVE_NOT_RECORDED else "")
                rows += _mean_rows(group, measure, "value", base, wave=wave, note=note)
        counselors = counselor_fidelity(quant, benchmark)
        if len(counselors):
            for measure in ("adherence", "competence"):
                rows += _mean_rows(counselors, measure, measure, "counselors (each counselor's mean of rated sessions)")
            sessions = _sessions(quant)
            for measure in ("adherence", "competence"):
                sessions[f"{measure}_ok"] = (sessions[measure] >= benchmark).where(sessions[measure].notna())
                shares = _mean_rows(sessions, f"{measure}_at_benchmark", f"{measure}_ok", "rated sessions",
                                    note=f"share of sessions rated >= {benchmark:g} (benchmark set by the analyst)")
                rows += [{**r, "sd": math.nan, "min": math.nan, "max": math.nan} for r in shares]
    frame = pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
    order = {name: i for i, name in enumerate(["reach", "adoption", "fim", "aim", "iam", "adherence", "competence",
                                               "adherence_at_benchmark", "competence_at_benchmark"])}
    frame["_o"] = frame["outcome"].map(order)
    frame["_l"] = frame["level"].map({"clinic": 0, "agency": 1})
    frame["_w"] = last_wave_order(frame["wave"])
    return frame.sort_values(["_o", "_w", "_l", "agency", "clinic"], na_position="first").drop(
        columns=["_o", "_w", "_l"]).reset_index(drop=True)


def last_wave_order(waves: "pd.Series") -> "pd.Series":
    """A sort key of the ``wave`` column whose last value is the latest recorded wave: numbered waves by number
    (wave 10 after wave 2), other labels after them, and :data:`WAVE_NOT_RECORDED` (or no wave) before any.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.Series(["10", "not recorded", "2", "1"])
    >>> w.iloc[last_wave_order(w).argsort()].tolist()
    ['not recorded', '1', '2', '10']
    """
    import pandas as pd

    def key(w: Any) -> tuple[int, float, str]:
        text = "" if w is None or (isinstance(w, float) and math.isnan(w)) else str(w).strip()
        if not text or text == WAVE_NOT_RECORDED:
            return (0, 0.0, "")
        try:
            return (1, float(text), "")
        except ValueError:
            return (2, 0.0, text)

    keys = [key(w) for w in waves]
    order = {k: i for i, k in enumerate(sorted(set(keys)))}
    return pd.Series([order[k] for k in keys], index=waves.index)


def outcome_values(outcomes: "pd.DataFrame", level: str = "clinic") -> "pd.DataFrame":
    """The outcomes table as one row per clinic (or agency), one column per outcome (the last
    wave of FIM/AIM/IAM), for the RE-AIM table and the predictor matrix."""
    import pandas as pd

    rows = outcomes[outcomes["level"] == level]
    if not len(rows):
        return pd.DataFrame()
    rows = rows.sort_values("wave", key=last_wave_order, na_position="first").drop_duplicates(
        ["agency", "clinic", "outcome"], keep="last")
    key = ["agency", "clinic"] if level == "clinic" else ["agency"]
    return rows.pivot_table(index=key, columns="outcome", values="value", aggfunc="first").reset_index()


__all__ = ["counselor_fidelity", "implementation_outcomes", "last_wave_order", "outcome_values", "OUTCOME_COLUMNS",
           "DEFAULT_BENCHMARK", "WAVE_NOT_RECORDED"]

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
import re
from collections.abc import Iterable, Mapping
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
    # every session of ``wide`` is a (dataset, row) of ``about``: one look-up for all (a .get per key took 0.1 ms)
    keys = pd.MultiIndex.from_arrays([wide["dataset"], wide["row"]])
    wide["date"] = about["date"].reindex(keys).tolist()
    wide["session_id"] = about["unit_id"].reindex(keys).tolist()
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


def _universe(quant: "pd.DataFrame", sites: Mapping[str, str] | None) -> dict[str, str]:
    """Every clinic of the project with its agency (``""`` when none is known): the sites given (the
    project's clinics), then every clinic the values name."""
    owners = {c: (a if isinstance(a, str) else "") for c, a in (sites or {}).items() if isinstance(c, str) and c}
    agencies = quant["agency"] if "agency" in quant.columns else [None] * len(quant)
    for clinic, agency in zip(quant["clinic"], agencies):
        if isinstance(clinic, str) and clinic:
            if isinstance(agency, str) and agency and not owners.get(clinic):
                owners[clinic] = agency
            else:
                owners.setdefault(clinic, "")
    return owners


def _files(rows: "pd.DataFrame") -> str:
    """The files the rows came from, as a sentence names them (``fim.csv`` or ``a.csv and b.csv``)."""
    names = sorted({f for f in rows.get("source_file", ()) if isinstance(f, str) and f})
    return _and(names) if names else "the imported files"


def _placed(rows: "pd.DataFrame", universe: Mapping[str, str]) -> "pd.DataFrame":
    """``rows`` with a blank agency taken from the project's sites (a file without an agency column)."""
    agency = rows["agency"].where(rows["agency"].map(lambda a: isinstance(a, str) and bool(a)),
                                  rows["clinic"].map(lambda c: universe.get(c, "") if isinstance(c, str) else ""))
    return rows.assign(agency=agency.fillna(""))


def _counts(quant: "pd.DataFrame", universe: Mapping[str, str]) -> tuple["pd.DataFrame", str]:
    """Clinic-level counts (eligible, enrolled, trained, delivering, eligible_counselors), one row per clinic
    of the project (a clinic the files do not name has no count and ``_absent`` True), and the files read."""
    import pandas as pd

    names = ["eligible", "enrolled", "trained", "delivering", "eligible_counselors"]
    rows = quant[(quant["level"] == "clinic") & quant["measure"].isin(names)]
    if not len(rows):
        return pd.DataFrame(columns=["agency", "clinic", *names, "_absent"]), ""
    rows = _placed(rows, universe)
    wide = rows.pivot_table(index=["agency", "clinic"], columns="measure", values="value", aggfunc="first").reset_index()
    for name in names:
        if name not in wide.columns:
            wide[name] = math.nan
    wide["_absent"] = False
    named = set(wide["clinic"])
    absent = [{"agency": a, "clinic": c, "_absent": True} for c, a in universe.items() if c not in named]
    if absent:
        wide = pd.concat([wide, pd.DataFrame(absent)], ignore_index=True)
    return wide[["agency", "clinic", *names, "_absent"]], _files(rows)


def _sites(frame: "pd.DataFrame") -> Iterator[tuple[str, dict[str, Any], "pd.DataFrame"]]:
    """(level, the row's agency and clinic, the group's rows) for each clinic and then each agency; a
    clinic without an agency has no agency row."""
    for level, keys in (("clinic", ["agency", "clinic"]), ("agency", ["agency"])):
        for key, group in frame.groupby(keys, sort=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            if not (isinstance(key[-1], str) and key[-1]) or (level == "agency" and not key[0]):
                continue
            yield level, {"agency": key[0] or None, "clinic": key[1] if level == "clinic" else None}, group


def _has(count: int) -> str:
    return "has" if count == 1 else "have"


def _ratio_rows(counts: "pd.DataFrame", outcome: str, top: str, bottoms: tuple[tuple[str, str], ...],
                absent_note: str = "", files: str = "") -> list[dict[str, Any]]:
    """Rows of a proportion of counts per clinic and, pooled, per agency.

    Once the project holds the outcome's counts (its numerator or its first denominator for some
    clinic), every clinic of the project and every agency keeps its row: one whose counts are
    incomplete, whose clinic has no row in the counts file at all (``_absent``), or whose denominator
    is 0 has no value and a note beginning "not computable" that names what is missing and, on an
    agency row, the clinics lacking it (pooling the others would hide them).
    """
    if not len(counts) or not (counts[top].notna().any() or counts[bottoms[0][0]].notna().any()):
        return []
    rows = []
    for level, site, group in _sites(counts):
        present = group[~group["_absent"].astype(bool)]
        absent = sorted(group.loc[group["_absent"].astype(bool), "clinic"])
        bottom, base = next(((b, text) for b, text in bottoms if len(present) and present[b].notna().all()),
                            (None, bottoms[0][1]))
        lacking = [name for name in (top, bottom or bottoms[0][0]) if present[name].isna().any()]
        pooled = f", pooled over {len(group)} clinics" if level == "agency" else ""
        numerator = float(present[top].sum()) if top not in lacking and not absent else math.nan
        denominator = float(present[bottom].sum()) if bottom is not None and not absent else math.nan
        if absent or lacking:
            if level == "clinic":
                why = (f"no row for this clinic in {files}" if absent else
                       " and ".join(f"no {name} count" for name in lacking) + " for this clinic")
            else:
                reasons = [f"{_and(absent)} {_has(len(absent))} no row in {files}"] if absent else []
                reasons += [f"{_and(sorted(present.loc[present[name].isna(), 'clinic']))} "
                            f"{'lacks' if present[name].isna().sum() == 1 else 'lack'} the {name} count"
                            for name in lacking]
                why = "; ".join(reasons) + ", so the agency's clinics cannot all be pooled"
            note = f"not computable: {why}"
        elif not denominator:
            note = f"not computable: {bottom} is 0"
        else:
            note = absent_note if bottom != bottoms[0][0] or outcome == "reach" else ""
        value = numerator / denominator if not (lacking or absent) and denominator else math.nan
        rows.append({**site, "level": level, "outcome": outcome, "wave": None,
                     "value": value, "n": int(denominator) if denominator == denominator else math.nan,
                     "base": base + pooled, "numerator": numerator, "denominator": denominator,
                     "sd": math.nan, "min": math.nan, "max": math.nan, "note": note})
    return rows


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def _mean_rows(frame: "pd.DataFrame", outcome: str, column: str, base: str, wave: Any = None,
               note: str = "", universe: Mapping[str, str] | None = None, what: str = "values",
               files: str = "") -> list[dict[str, Any]]:
    """Rows of a mean of units (respondents, counselors, sessions) per clinic and, pooled, per agency.

    Every clinic of ``universe`` (the project's clinics) keeps its row: a clinic without any value
    (no row in ``files``, or its rows without this measure) has none and a note "not computable:
    no {what} for this clinic in {files}"; its agency row is not computable either, naming it (a
    mean over the agency's other clinics would pass for the agency's).
    """
    import pandas as pd

    frame = frame.assign(_absent=False)
    if universe:
        named = set(frame["clinic"])
        absent = [{"agency": a, "clinic": c, column: math.nan, "_absent": True}
                  for c, a in universe.items() if c not in named]
        if absent:
            frame = pd.concat([frame, pd.DataFrame(absent)], ignore_index=True)
    where = f" in {files}" if files else ""
    rows = []
    for level, site, group in _sites(frame):
        stats = _stats(group[column])
        row_note = note
        empty = sorted(c for c, g in group.groupby("clinic") if not g[column].notna().any())
        if level == "clinic" and empty:
            stats["value"] = math.nan
            row_note = f"not computable: no {what} for this clinic{where}"
        elif level == "agency" and empty:
            stats = {**stats, "value": math.nan, "sd": math.nan, "min": math.nan, "max": math.nan}
            row_note = (f"not computable: {_and(empty)} {_has(len(empty))} no {what}{where}, so the agency's "
                        "clinics cannot all be pooled")
        rows.append({**site, "level": level, "outcome": outcome, "wave": wave, **stats,
                     "base": base + (", pooled over the agency's clinics" if level == "agency" else ""),
                     "numerator": math.nan, "denominator": math.nan, "note": row_note})
    return rows


def implementation_outcomes(quant: "pd.DataFrame", benchmark: float = DEFAULT_BENCHMARK,
                            sites: Mapping[str, str] | None = None) -> "pd.DataFrame":
    """Reach, adoption, FIM/AIM/IAM by wave, and fidelity, per clinic and agency (see the module docstring).

    Every clinic of the project keeps a row of each outcome the project holds: a clinic with no row
    in the outcome's file (or a wave's answers) is "not computable" with that reason, and so is its
    agency (never pooled from its other clinics).

    Parameters
    ----------
    quant : DataFrame
        Quantitative values (:meth:`mio_qual.project.Project.quant`).
    benchmark : float
        The fidelity benchmark (1-5) for the share of sessions at benchmark.
    sites : mapping of str to str, optional
        The project's clinics and their agencies (:meth:`mio_qual.project.Project.sites`); the
        clinics the values name are added to them. A blank agency in a file is taken from here.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTCOME_COLUMNS`: agency, clinic (empty on agency rows), level, outcome,
        wave, value, n, base, numerator, denominator, sd, min, max, note. FIM/AIM/IAM waves follow
        :func:`wave_order`.

    Examples
    --------
    >>> import pandas as pd
    >>> quant = pd.DataFrame({"dataset": "counts", "level": "clinic", "agency": "a", "clinic": ["c1", "c1"],
    ...     "measure": ["eligible", "enrolled"], "value": [10.0, 4.0], "source_file": "counts.csv", "row": 2})
    >>> table = implementation_outcomes(quant, sites={"c1": "a", "c2": "a"})
    >>> table[["clinic", "level", "value"]].astype(object).fillna("-").values.tolist()
    [['c1', 'clinic', 0.4], ['c2', 'clinic', '-'], ['-', 'agency', '-']]
    >>> table["note"].iloc[1]
    'not computable: no row for this clinic in counts.csv'
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    order: list[str] = []
    if len(quant):
        universe = _universe(quant, sites)
        counts, files = _counts(quant, universe)
        rows += _ratio_rows(counts, "reach", "enrolled", (("eligible", "eligible mothers"),),
                            "participants vs non-participants: no data on eligible mothers who did not enrol", files)
        rows += _ratio_rows(counts, "adoption", "delivering",
                            (("eligible_counselors", "eligible counselors, trained or not"),
                             ("trained", "trained counselors")),
                            "eligible counselors not given: counselors never trained are not in the denominator", files)
        scales = quant[(quant["level"] == "counselor") & quant["measure"].isin(["fim", "aim", "iam"])].copy()
        if len(scales):
            scales = _placed(scales, universe)
            if "wave" not in scales.columns:
                scales["wave"] = None
            given = scales["wave"].map(lambda w: bool(_wave_text(w)))
            # no wave anywhere: one survey, wave 1; rows without one beside rows with one (files imported apart)
            # are kept as their own group, never merged into wave 1 (an import refuses the mix within one file)
            scales["wave"] = scales["wave"].where(given, "1" if not given.any() else WAVE_NOT_RECORDED).map(_wave_text)
            order, _ = wave_order(scales["wave"])  # the order the waves first appear in the files, unless ...
            several = len([w for w in order if w != WAVE_NOT_RECORDED]) > 1
            for (measure, wave), group in scales.groupby(["measure", "wave"], sort=True):
                roles = sorted({r for r in group.get("role", pd.Series(dtype=object)) if isinstance(r, str)})
                base = "respondents" + (f" ({', '.join(roles)})" if roles else "")
                unrecorded = wave == WAVE_NOT_RECORDED
                note = ("wave not recorded: these rows come from a file without waves while other files give them; "
                        "not merged into any wave" if unrecorded else "")
                label = measure.upper() + " answers"
                if several and not unrecorded:
                    label = (f"wave {wave} " if _wave_value(wave) and _wave_value(wave)[0] == "number"
                             and not wave.casefold().startswith("wave") else f"{wave} ") + label
                rows += _mean_rows(group, measure, "value", base, wave=wave, note=note,
                                   universe=None if unrecorded else universe, what=label, files=_files(group))
        counselors = counselor_fidelity(quant, benchmark)
        if len(counselors):
            counselors = _placed(counselors, universe)
            files = _files(_fidelity_rows(quant))
            for measure in ("adherence", "competence"):
                rows += _mean_rows(counselors, measure, measure, "counselors (each counselor's mean of rated sessions)",
                                   universe=universe, what=f"{measure} ratings", files=files)
            sessions = _placed(_sessions(quant), universe)
            for measure in ("adherence", "competence"):
                sessions[f"{measure}_ok"] = (sessions[measure] >= benchmark).where(sessions[measure].notna())
                shares = _mean_rows(sessions, f"{measure}_at_benchmark", f"{measure}_ok", "rated sessions",
                                    note=f"share of sessions rated >= {benchmark:g} (benchmark set by the analyst)",
                                    universe=universe, what=f"{measure} ratings", files=files)
                rows += [{**r, "sd": math.nan, "min": math.nan, "max": math.nan} for r in shares]
    frame = pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
    ranks = {name: i for i, name in enumerate(["reach", "adoption", "fim", "aim", "iam", "adherence", "competence",
                                               "adherence_at_benchmark", "competence_at_benchmark"])}
    frame["_o"] = frame["outcome"].map(ranks)
    frame["_l"] = frame["level"].map({"clinic": 0, "agency": 1})
    frame["_w"] = last_wave_order(frame["wave"], order)
    return frame.sort_values(["_o", "_w", "_l", "agency", "clinic"], na_position="first").drop(
        columns=["_o", "_w", "_l"]).reset_index(drop=True)


#: Wave labels that mean the start (time 0 since baseline).
_BASELINE = frozenset({"baseline", "pre", "pre-implementation", "intake", "enrollment", "enrolment", "start"})
_NUMBERED = re.compile(r"(?:wave|w|t|time|round|survey)?\s*[-#_]?\s*(\d+(?:\.\d+)?)")
_ELAPSED = re.compile(r"(\d+(?:\.\d+)?)[\s-]*(day|week|wk|month|mo|year|yr)s?\b[\w\s-]*"
                      r"|(day|week|month|year)\s*(\d+(?:\.\d+)?)")
_DAYS = {"day": 1.0, "week": 7.0, "wk": 7.0, "month": 30.4375, "mo": 30.4375, "year": 365.25, "yr": 365.25}
_MONTH_NAMES = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}
_WAVE_RULES = {"number": "by number (wave 10 after wave 2)", "date": "by date",
               "elapsed": "by time since baseline (baseline first; days, weeks, months and years compared as days)",
               "appearance": "in the order they first appear in the imported files (the labels are not all numbers, "
                             "all dates or all times since baseline)"}


def _wave_text(wave: Any) -> str:
    """A wave cell as text: ``""`` for none, ``"2"`` for 2 or 2.0."""
    if wave is None or (isinstance(wave, float) and math.isnan(wave)):
        return ""
    if isinstance(wave, float) and wave.is_integer():
        return str(int(wave))
    return str(wave).strip()


def _wave_value(label: str) -> tuple[str, float] | None:
    """What a wave label says: ("number", 2) for ``2``/``wave 2``/``T2``, ("date", days) for ``2026-03`` or
    ``March 2026``, ("elapsed", days) for ``baseline``/``3 months``/``6-month follow-up``; None otherwise."""
    import datetime as dt

    text = label.strip().casefold()
    found = _NUMBERED.fullmatch(text)
    if found:
        return "number", float(found.group(1))
    found = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text) or re.fullmatch(
        r"([a-z]+)\.?,?\s+(\d{4})", text)
    if found:
        try:
            if found.group(1).isdigit():
                day = dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3) or 1))
            else:
                day = dt.date(int(found.group(2)), _MONTH_NAMES[found.group(1)], 1)
        except (KeyError, ValueError):
            return None
        return "date", float(day.toordinal())
    if text in _BASELINE:
        return "elapsed", 0.0
    found = _ELAPSED.fullmatch(text)
    if found:
        amount, unit = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
        return "elapsed", float(amount) * _DAYS[unit]
    return None


def wave_order(waves: Iterable[Any]) -> tuple[list[str], str]:
    """The waves of a study in order, and the rule that ordered them.

    Recorded waves are ordered by number when every label is a number (``2``, ``wave 2``, ``T2``),
    by date when every label is a date (``2026-03``, ``2026-03-15``, ``March 2026``), by time since
    baseline when every label is one (``baseline``, ``3 months``, ``6-month follow-up``, ``week 6``);
    otherwise in the order they first appear in ``waves`` (the imported files, row by row). A label
    is never compared with a label of another kind. :data:`WAVE_NOT_RECORDED` comes first: it is
    not a wave, and never "the last".

    Parameters
    ----------
    waves : iterable
        Wave labels in the order they were read (repeats and blanks allowed).

    Returns
    -------
    tuple of (list of str, str)
        The distinct labels in order, and the rule ("by number ...", "by date", "by time since
        baseline ...", "in the order they first appear ...").

    Examples
    --------
    >>> wave_order(["baseline", "12 months", "3 months", "baseline"])[0]
    ['baseline', '3 months', '12 months']
    >>> wave_order(["10", "2", "not recorded"])[0]
    ['not recorded', '2', '10']
    >>> wave_order(["2026-03", "March 2025"])[0]
    ['March 2025', '2026-03']
    >>> order, rule = wave_order(["spring", "fall", "baseline"])
    >>> order, rule.split(" (")[0]
    (['spring', 'fall', 'baseline'], 'in the order they first appear in the imported files')
    """
    seen = list(dict.fromkeys(t for t in (_wave_text(w) for w in waves) if t))
    recorded = [w for w in seen if w != WAVE_NOT_RECORDED]
    values = {w: _wave_value(w) for w in recorded}
    kinds = {v[0] for v in values.values() if v is not None}
    if recorded and len(kinds) == 1 and all(v is not None for v in values.values()):
        kind = kinds.pop()
        recorded = sorted(recorded, key=lambda w: values[w][1])  # type: ignore[index]  # stable: ties as they came
    else:
        kind = "appearance"
    return ([WAVE_NOT_RECORDED] if WAVE_NOT_RECORDED in seen else []) + recorded, _WAVE_RULES[kind]


def wave_note(outcomes: "pd.DataFrame") -> str:
    """The sentence saying how the FIM/AIM/IAM waves of an outcomes table are ordered and which is the last
    (the one the RE-AIM table and the predictor matrix read); ``""`` with one wave or none.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`implementation_outcomes` (its rows in their order).
    """
    waves = [w for w in wave_order(outcomes["wave"])[0] if w != WAVE_NOT_RECORDED] if len(outcomes) else []
    if len(waves) < 2:
        return ""
    _, rule = wave_order(waves)
    if rule == _WAVE_RULES["appearance"]:
        rule = _WAVE_RULES["appearance"]
    return (f"FIM/AIM/IAM waves are ordered {rule}: {', '.join(waves)}; the last, {waves[-1]}, stands for each "
            "clinic in the RE-AIM table and the predictor matrix.")


def outcome_notes(outcomes: "pd.DataFrame") -> list[str]:
    """The notes an outcomes table is shown with: how its waves are ordered (:func:`wave_note`) and every
    clinic or agency whose value is not computable, with the reason.

    Parameters
    ----------
    outcomes : DataFrame
        :func:`implementation_outcomes`.

    Returns
    -------
    list of str
    """
    notes = [wave_note(outcomes)]
    if len(outcomes):
        missing = outcomes[outcomes["note"].fillna("").astype(str).str.startswith("not computable")]
        for outcome, group in missing.groupby("outcome", sort=False):
            sites = [f"{c if isinstance(c, str) else f'the {a} agency'}"
                     f"{f' (wave {w})' if isinstance(w, str) and w else ''}: {str(n).removeprefix('not computable: ')}"
                     for a, c, w, n in zip(group["agency"], group["clinic"], group["wave"], group["note"])]
            notes.append(f"{outcome} not computable for {'; '.join(sites)}.")
    return [n for n in notes if n]


def last_wave_order(waves: "pd.Series", appearance: Iterable[Any] | None = None) -> "pd.Series":
    """A sort key of the ``wave`` column whose last value is the latest recorded wave (:func:`wave_order`):
    :data:`WAVE_NOT_RECORDED` (or no wave) before any, then the recorded waves in study order.

    Parameters
    ----------
    waves : Series
        Wave labels.
    appearance : iterable, optional
        The labels in the order they were read from the files (for labels ordered by first
        appearance); default ``waves`` itself (an outcomes table's rows are already in that order).

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.Series(["10", "not recorded", "2", "1"])
    >>> w.iloc[last_wave_order(w).argsort()].tolist()
    ['not recorded', '1', '2', '10']
    """
    import pandas as pd

    order, _ = wave_order([*(appearance if appearance is not None else ()), *waves])
    rank = {w: i for i, w in enumerate([w for w in order if w != WAVE_NOT_RECORDED], start=1)}
    return pd.Series([rank.get(_wave_text(w), 0) for w in waves], index=waves.index)


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


__all__ = ["counselor_fidelity", "implementation_outcomes", "last_wave_order", "outcome_values", "outcome_notes",
           "wave_order", "wave_note", "OUTCOME_COLUMNS", "DEFAULT_BENCHMARK", "WAVE_NOT_RECORDED"]

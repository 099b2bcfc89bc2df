"""The RE-AIM table per clinic, the predictor x outcome matrix, and the timeline's data.

**RE-AIM** (Glasgow et al. 2019) reads a program along five dimensions; here each is filled from
what the project holds, per clinic, and a dimension the data cannot speak to says so:

* Reach: mothers enrolled / eligible; representativeness needs data on the eligible mothers who
  did not enrol;
* Effectiveness: MIO's effect on mothers is the trial's primary outcome, not held in this
  project (left as "not in the project");
* Adoption: counselors delivering / eligible (trained or not);
* Implementation: fidelity (adherence and competence, counselor -> clinic; share of sessions at
  benchmark), SIC implementation-phase completion, strategies used, adaptations made (and the share
  consistent with fidelity among those whose fidelity was judged: an "unknown" is counted apart, in
  the note), facilitation received;
* Maintenance: SIC sustainability-phase completion; whether MIO lasts after the grant is not yet
  observable while the grant runs.

The **predictor x outcome matrix** sets the Aim 2 hypothesis beside the data: per clinic,
pre-implementation completion (SIC phase proportion) and facilitation dose (minutes) against
reach, adoption, feasibility (FIM) and fidelity (adherence, competence). With four clinics it is
**descriptive**: it gives each pair's Spearman rank correlation, Kendall's tau-b and the number of
concordant clinic pairs out of six, and no test or p-value (four cases cannot support one; a single
clinic can reverse a sign).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

REAIM_COLUMNS = ["agency", "clinic", "dimension", "indicator", "value", "n", "base", "note"]
#: The predictors of Aim 2's hypothesis (facilitated completion of pre-implementation activities). The
#: pre-implementation facilitation dose precedes the outcomes; the dose over all phases includes contacts of
#: the implementation phase, given while reach, adoption, FIM and fidelity were being measured (and perhaps
#: because they were low), so it is no predictor in time order and is labelled as what it is.
PREDICTORS = {"pre_implementation_proportion": "pre-implementation completion (SIC proportion)",
              "pre_implementation_facilitation_minutes": "facilitation dose, pre-implementation phase (minutes)",
              "facilitation_minutes": "facilitation dose, all phases (minutes)"}
OUTCOMES = {"reach": "reach", "adoption": "adoption", "fim": "feasibility (FIM)",
            "adherence": "fidelity: adherence", "competence": "fidelity: competence"}


def _outcome(outcomes: "pd.DataFrame", clinic: str, name: str) -> dict[str, Any] | None:
    if outcomes is None or not len(outcomes):
        return None
    rows = outcomes[(outcomes["level"] == "clinic") & (outcomes["clinic"] == clinic) & (outcomes["outcome"] == name)]
    if not len(rows):
        return None
    from .outcomes import last_wave_order

    return rows.sort_values("wave", key=last_wave_order).iloc[-1].to_dict()  # the last recorded wave


def reaim_table(clinics: dict[str, str], outcomes: "pd.DataFrame | None" = None,
                sic: "pd.DataFrame | None" = None, strategies: "pd.DataFrame | None" = None,
                adaptations: "pd.DataFrame | None" = None, dose: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """The RE-AIM table: one row per clinic, dimension and indicator.

    Parameters
    ----------
    clinics : dict
        clinic -> agency, the clinics to describe.
    outcomes : DataFrame, optional
        :func:`mio_qual.implementation.outcomes.implementation_outcomes`.
    sic : DataFrame, optional
        :func:`mio_qual.implementation.sic.sic_phases` (proportion and activities per clinic and phase).
    strategies, adaptations : DataFrame, optional
        The strategy and adaptation logs (agency-wide strategies count for each clinic of the agency).
    dose : DataFrame, optional
        :func:`mio_qual.implementation.facilitation.facilitation_dose` by clinic.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REAIM_COLUMNS`.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for clinic, agency in clinics.items():
        def add(dimension: str, indicator: str, value: Any = math.nan, n: Any = None, base: str = "",
                note: str = "") -> None:
            rows.append({"agency": agency, "clinic": clinic, "dimension": dimension, "indicator": indicator,
                         "value": value, "n": n, "base": base, "note": note})

        def from_outcome(dimension: str, name: str, indicator: str) -> None:
            row = _outcome(outcomes, clinic, name)
            if row is None:
                add(dimension, indicator, note="no data in the project")
            else:
                add(dimension, indicator, row["value"], row["n"], row["base"], row.get("note") or "")

        from_outcome("Reach", "reach", "mothers enrolled / eligible")
        add("Reach", "representativeness", note="needs data on eligible mothers who did not enrol")
        add("Effectiveness", "effect on mothers", note="the trial's primary outcome; not in the project")
        from_outcome("Adoption", "adoption", "counselors delivering / eligible")
        from_outcome("Implementation", "adherence", "adherence (mean of counselors' means, 1-5)")
        from_outcome("Implementation", "competence", "competence (mean of counselors' means, 1-5)")
        from_outcome("Implementation", "adherence_at_benchmark", "sessions at the adherence benchmark")
        for dimension, phase in (("Implementation", "implementation"), ("Maintenance", "sustainability")):
            row = sic[(sic["clinic"] == clinic) & (sic["phase"] == phase)] if sic is not None and len(sic) else None
            if row is not None and len(row):
                add(dimension, f"SIC {phase} activities completed", float(row.iloc[0]["proportion"]),
                    int(row.iloc[0]["n_activities"]), "activities on the study's list")
            else:
                add(dimension, f"SIC {phase} activities completed", note="no activity list in the project")
        for name, log in (("strategies", strategies), ("adaptations", adaptations)):
            if log is None or not len(log):
                add("Implementation", f"{name} logged", note=f"no {name} log in the project")
                continue
            mine = log[(log["clinic"] == clinic) | (log["clinic"].isna() & (log["agency"] == agency))]
            add("Implementation", f"{name} logged", float(len(mine)), len(mine),
                "log rows (agency-wide ones included)" if name == "strategies" else "log rows")
            if name == "adaptations" and len(mine):
                # of the adaptations whose fidelity was judged: an unknown one is neither consistent nor not
                judged = mine[mine["fidelity"].isin(["consistent", "inconsistent"])]
                unknown = len(mine) - len(judged)
                consistent = int((judged["fidelity"] == "consistent").sum())
                note = (f"{unknown} of {len(mine)} adaptations with fidelity unknown, not counted" if unknown else "")
                if len(judged):
                    add("Implementation", "adaptations consistent with fidelity", consistent / len(judged), len(judged),
                        "adaptations whose fidelity was judged", note)
                else:
                    add("Implementation", "adaptations consistent with fidelity",
                        note="not computable: the fidelity of " + ("its one adaptation" if len(mine) == 1 else
                                                                    f"all {len(mine)} adaptations") + " is unknown")
                add("Implementation", "adaptations with fidelity unknown", float(unknown), len(mine), "adaptations")
        if dose is not None and len(dose):
            total = dose[(dose["clinic"] == clinic) & (dose["phase"] == "all")]
            add("Implementation", "facilitation minutes", float(total["minutes"].sum()) if len(total) else 0.0,
                int(total["contacts"].sum()) if len(total) else 0, "facilitation contacts with the clinic")
        else:
            add("Implementation", "facilitation minutes", note="no facilitation log in the project")
        add("Maintenance", "MIO delivered after the grant", note="not yet observable while the grant runs")
    return pd.DataFrame(rows, columns=REAIM_COLUMNS)


def kendall_pairs(x: Sequence[float], y: Sequence[float]) -> tuple[int, int, float]:
    """Concordant and discordant pairs of cases and Kendall's tau-b.

    A pair tied in either variable is counted in neither. With ``n0 = n(n - 1)/2`` pairs, ``n1`` of them
    tied in ``x`` and ``n2`` tied in ``y``, tau-b = (C - D) / sqrt((n0 - n1)(n0 - n2)) (Kendall 1945),
    what R's ``cor(x, y, method = "kendall")`` gives (checked in tests/implementation/test_reaim_r.py).
    All pairs are compared (n(n - 1)/2 of them: the matrix has one row per clinic, a handful).

    Parameters
    ----------
    x, y : sequence of float
        Paired values without missing ones, of the same length.

    Returns
    -------
    tuple of (int, int, float)
        Concordant pairs, discordant pairs, tau-b (NaN when x or y does not vary or there is no pair).

    Examples
    --------
    >>> kendall_pairs([1, 2, 2, 3], [1, 3, 2, 4])
    (5, 0, 0.9128709291752769)
    """
    import numpy as np

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    i, j = np.triu_indices(len(a), 1)
    sign_x, sign_y = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
    product = sign_x * sign_y
    concordant, discordant = int((product > 0).sum()), int((product < 0).sum())
    untied_x, untied_y = int(np.count_nonzero(sign_x)), int(np.count_nonzero(sign_y))  # n0 - n1, n0 - n2
    tau = (concordant - discordant) / math.sqrt(untied_x * untied_y) if untied_x and untied_y else math.nan
    return concordant, discordant, tau


def predictor_matrix(cases: "pd.DataFrame") -> "pd.DataFrame":
    """Each predictor against each outcome over the clinics: Spearman's rho, Kendall's tau-b, concordant pairs.

    Parameters
    ----------
    cases : DataFrame
        One row per clinic; columns among :data:`PREDICTORS` and :data:`OUTCOMES`.

    Returns
    -------
    pandas.DataFrame
        predictor, outcome, n_clinics, spearman_rho (Spearman 1904), kendall_tau_b (Kendall 1945; see
        :func:`kendall_pairs`), concordant_pairs, discordant_pairs, pairs, reading. Descriptive only: no
        p-value is given. Both coefficients are NaN below three clinics or when a column does not vary.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"pre_implementation_proportion": [1.0, 0.8, 0.6, 0.4],
    ...                       "reach": [0.8, 0.9, 0.6, 0.3]})
    >>> row = predictor_matrix(cases).iloc[0]
    >>> round(float(row["spearman_rho"]), 6), round(float(row["kendall_tau_b"]), 6), int(row["concordant_pairs"])
    (0.8, 0.666667, 5)
    """
    import pandas as pd

    rows = []
    for predictor in [p for p in PREDICTORS if p in cases.columns]:
        for outcome in [o for o in OUTCOMES if o in cases.columns]:
            pair = cases[[predictor, outcome]].astype(float).dropna()
            n = len(pair)
            rho = float(pair[predictor].rank().corr(pair[outcome].rank())) if n > 2 else math.nan
            concordant, discordant, tau = kendall_pairs(pair[predictor].to_numpy(), pair[outcome].to_numpy())
            rows.append({"predictor": PREDICTORS[predictor], "outcome": OUTCOMES[outcome], "n_clinics": n,
                         "spearman_rho": rho, "kendall_tau_b": tau if n > 2 else math.nan,
                         "concordant_pairs": concordant, "discordant_pairs": discordant,
                         "pairs": n * (n - 1) // 2,
                         "reading": f"descriptive (n = {n} clinics): no test; one clinic can reverse the sign"})
    return pd.DataFrame(rows, columns=["predictor", "outcome", "n_clinics", "spearman_rho", "kendall_tau_b",
                                       "concordant_pairs", "discordant_pairs", "pairs", "reading"])


def left_out(cases: "pd.DataFrame") -> str:
    """The sentence naming each clinic left out of some pairs of :func:`predictor_matrix` (a predictor or outcome
    without a value: not computable, or not in the project), so that "n = 3 clinics" never hides which one is
    missing; ``""`` when every clinic has every value.

    Parameters
    ----------
    cases : DataFrame
        One row per clinic (``clinic`` and the columns of :data:`PREDICTORS` and :data:`OUTCOMES`).

    Examples
    --------
    >>> import pandas as pd
    >>> left_out(pd.DataFrame({"clinic": ["a", "b"], "reach": [0.5, None], "fim": [None, None]}))
    'Left out of the pairs that need the value: b (reach).'
    """
    labels = {**PREDICTORS, **OUTCOMES}
    columns = [c for c in labels if c in cases.columns and cases[c].notna().any()]
    missing = []
    for row in cases.to_dict("records"):
        lacking = [labels[c].split(" (")[0] if c in PREDICTORS else labels[c] for c in columns
                   if row.get(c) is None or (isinstance(row.get(c), float) and math.isnan(row[c]))]
        if lacking:
            missing.append(f"{row.get('clinic')} ({', '.join(lacking)})")
    return f"Left out of the pairs that need the value: {'; '.join(missing)}." if missing else ""


def timeline_frame(clinic: str, agency: str, *, completion: "pd.DataFrame | None" = None,
                   strategies: "pd.DataFrame | None" = None, adaptations: "pd.DataFrame | None" = None,
                   events: "pd.DataFrame | None" = None, facilitation: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """What a clinic's timeline shows: one row per dated item, in lanes.

    Lanes: ``activities`` (SIC activities with their actual dates, agency ones included),
    ``strategies`` (from start to end date, or a point), ``adaptations``, ``facilitation``
    (contacts) and ``events``.

    Returns
    -------
    pandas.DataFrame
        lane, start, end (None for a point), label, kind (stage number, planned/reactive,
        event kind ...).
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []

    def mine(frame: "pd.DataFrame | None") -> "pd.DataFrame":
        if frame is None or not len(frame):
            return pd.DataFrame()
        clinic_column = frame["clinic"] if "clinic" in frame.columns else pd.Series(None, index=frame.index)
        agency_column = frame["agency"] if "agency" in frame.columns else pd.Series(None, index=frame.index)
        return frame[(clinic_column == clinic) | (clinic_column.isna() & (agency_column == agency))]

    if completion is not None and len(completion):
        done = completion[(completion["clinic"] == clinic) & completion["date"].notna()]
        rows += [{"lane": "activities", "start": str(d)[:10], "end": None, "label": a, "kind": f"stage {s}"}
                 for a, s, d in zip(done["activity"], done["stage"], done["date"])]
    for r in mine(strategies).to_dict("records"):
        end = r.get("end_date")
        rows.append({"lane": "strategies", "start": r["date"], "end": end if isinstance(end, str) else None,
                     "label": r.get("local_name") if isinstance(r.get("local_name"), str) else r["eric"],
                     "kind": r["eric"]})
    for r in mine(adaptations).to_dict("records"):
        rows.append({"lane": "adaptations", "start": r["date"], "end": None,
                     "label": r.get("description") if isinstance(r.get("description"), str) else r["what"],
                     "kind": r["planned"]})
    for r in mine(facilitation).to_dict("records"):
        rows.append({"lane": "facilitation", "start": r["date"], "end": None, "label": "", "kind": r["phase"]})
    for r in mine(events).to_dict("records"):
        rows.append({"lane": "events", "start": r["date"], "end": None, "label": r["description"], "kind": r["kind"]})
    frame = pd.DataFrame(rows, columns=["lane", "start", "end", "label", "kind"])
    return frame.sort_values(["lane", "start"], kind="stable").reset_index(drop=True)


__all__ = ["reaim_table", "predictor_matrix", "kendall_pairs", "left_out", "timeline_frame", "REAIM_COLUMNS", "PREDICTORS", "OUTCOMES"]

"""The study report's Aim 2 section: implementation processes per clinic and agency.

:func:`write_aim2` writes the section into a :class:`~mio_qual.reports.builder.ReportBuilder`
from an :class:`Aim2Data` (gathered by :meth:`mio_qual.project.Project.aim2_data`): the
implementation outcomes with level, n and base; Stages of Implementation Completion per clinic,
phase and agency; the strategy, adaptation and facilitation logs; the RE-AIM table; the
predictor x outcome matrix (descriptive at four clinics, and said to be); and one timeline per
clinic. A part the project lacks is named in a sentence rather than left out silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..citations import short_citation

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..result import Figure, Result
    from .builder import ReportBuilder

OUTCOME_LABELS = {"reach": "Reach", "adoption": "Adoption", "fim": "Feasibility (FIM)", "aim": "Acceptability (AIM)",
                  "iam": "Appropriateness (IAM)", "adherence": "Adherence", "competence": "Competence",
                  "adherence_at_benchmark": "Sessions at adherence benchmark",
                  "competence_at_benchmark": "Sessions at competence benchmark"}


@dataclass
class Aim2Data:
    """What the Aim 2 section shows; None for a part the project does not hold."""

    outcomes: "pd.DataFrame"
    sic: "Result | None" = None
    strategies: "pd.DataFrame | None" = None
    adaptations: "pd.DataFrame | None" = None
    dose: "pd.DataFrame | None" = None
    reaim: "pd.DataFrame | None" = None
    predictors: "Result | None" = None
    timelines: list["Figure"] = field(default_factory=list)
    benchmark: float = 4.0


def _num(value: Any, pattern: str = "{:.2f}") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return pattern.format(value) if isinstance(value, (int, float)) else str(value)


def _readable(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Column names for readers: ``pre_implementation_days`` -> ``Pre-implementation days``."""
    def label(name: object) -> str:
        text = str(name).replace("pre_implementation", "pre-implementation").replace("_", " ")
        if text == "facilitation minutes":  # beside the pre-implementation minutes: say which contacts it counts
            return "Facilitation minutes, all phases"
        if text in ("fim", "aim", "iam"):  # the measures' own names (Weiner et al. 2017), not a word
            return f"Feasibility ({text.upper()})" if text == "fim" else text.upper()
        return text[:1].upper() + text[1:]

    return frame.rename(columns=label)


def _outcome_table(outcomes: "pd.DataFrame") -> "pd.DataFrame":
    frame = outcomes.copy()
    frame["Outcome"] = frame["outcome"].map(lambda o: OUTCOME_LABELS.get(o, o))
    frame["Wave"] = frame["wave"].map(lambda w: w if isinstance(w, str) else "")
    frame["Site"] = [c if isinstance(c, str) else f"{a} (agency)" for a, c in zip(frame["agency"], frame["clinic"])]
    frame["Value"] = [_num(v) or ("not computable" if str(note).startswith("not computable") else "")
                      for v, note in zip(frame["value"], frame["note"])]
    frame["n"] = frame["n"].map(lambda n: _num(n, "{:.0f}"))
    frame["SD"] = frame["sd"].map(_num)
    return frame[["Outcome", "Wave", "Site", "Value", "n", "SD", "base"]].rename(columns={"base": "Base (what n counts)"})


def _not_computable(outcomes: "pd.DataFrame") -> str:
    """One sentence per outcome a clinic or agency has no value for, with the reason (never left out silently)."""
    rows = outcomes[outcomes["note"].fillna("").astype(str).str.startswith("not computable")]
    sentences = []
    for outcome, group in rows.groupby("outcome", sort=False):
        sites = [f"{c if isinstance(c, str) else f'the {a} agency'} ({str(note).removeprefix('not computable: ')})"
                 for a, c, note in zip(group["agency"], group["clinic"], group["note"])]
        sentences.append(f"{OUTCOME_LABELS.get(outcome, outcome)} could not be computed for {'; '.join(sites)}.")
    return " ".join(sentences)


def outcomes_method(data: Aim2Data) -> str:
    """The methods paragraph of Aim 2's implementation outcomes: which clinics each outcome covers, how a clinic
    without its data is shown (never left out, its agency never pooled from the others), and how waves are
    ordered; ``""`` when the project holds no outcome.

    Parameters
    ----------
    data : Aim2Data
    """
    from ..implementation.outcomes import wave_note
    from .methods import join_words, number

    outcomes = data.outcomes
    if outcomes is None or not len(outcomes):
        return ""
    clinics = sorted({c for c in outcomes["clinic"] if isinstance(c, str) and c})
    held = [OUTCOME_LABELS[o].split(" (")[0].lower() for o in OUTCOME_LABELS
            if o in set(outcomes["outcome"]) and not o.endswith("_at_benchmark")]
    text = (f"**Implementation outcomes.** {join_words(held).capitalize()} were computed for each of the project's "
            f"{number(len(clinics), 'clinic')} ({join_words(clinics)}), and pooled for an agency only when every one "
            "of its clinics had the data; a clinic without its data is kept in every table, marked not computable "
            "with the reason, and its agency is not pooled from its other clinics.")
    rows = outcomes[outcomes["note"].fillna("").astype(str).str.startswith("not computable")]
    if len(rows):
        labels = [OUTCOME_LABELS.get(o, o) for o in dict.fromkeys(rows["outcome"])]
        text += f" This applies here to {join_words([label.lower() for label in labels])} (see the outcomes table)."
    note = wave_note(outcomes)
    return text + (f" {note}" if note else "")


def _wave_sentence(outcomes: "pd.DataFrame") -> str:
    from ..implementation.outcomes import wave_note

    note = wave_note(outcomes)
    return f" {note}" if note else ""


# RE-AIM indicators whose value is a count (log rows, minutes), printed as whole numbers; the others are
# proportions or means on a scale, printed with two decimals
_REAIM_COUNTS = ("strategies logged", "adaptations logged", "adaptations with fidelity unknown",
                 "facilitation minutes")


def _reaim_cell(indicator: str, value: Any, n: Any, note: Any) -> str:
    """One RE-AIM cell: the value with its n, or the note when there is no value.

    A whole count is printed whole ("4", not "4.00"; minutes with a fraction keep two decimals), and
    without an n that only repeats it (a log's rows are its own n).
    """
    whole = (indicator in _REAIM_COUNTS and isinstance(value, (int, float)) and math.isfinite(value)
             and float(value).is_integer())  # minutes logged with a fraction keep their decimals
    shown = _num(value, "{:.0f}" if whole else "{:.2f}")
    if not shown:
        return str(note or "")
    if not isinstance(n, (int, float)) or (isinstance(n, float) and math.isnan(n)):
        return shown
    if indicator.endswith(" logged") and float(n) == float(value):
        return shown
    return f"{shown} (n {int(n)})"


def _reaim_wide(reaim: "pd.DataFrame") -> "pd.DataFrame":
    frame = reaim.copy()
    frame["cell"] = [_reaim_cell(i, v, n, note)
                     for i, v, n, note in zip(frame["indicator"], frame["value"], frame["n"], frame["note"])]
    wide = frame.pivot_table(index=["dimension", "indicator"], columns="clinic", values="cell", aggfunc="first",
                             sort=False).reset_index()
    wide.columns.name = None
    return wide.rename(columns={"dimension": "Dimension", "indicator": "Indicator"})


def no_matrix_sentence(cases: "pd.DataFrame") -> str:
    """Why the predictor x outcome matrix has no row, and the commands that add what it lacks.

    Parameters
    ----------
    cases : DataFrame
        One row per clinic (:meth:`mio_qual.project.Project.predictor_cases`): the predictor and
        outcome columns the project could fill.
    """
    from ..implementation.reaim import PREDICTORS

    def holds(column: str) -> bool:
        return column in cases.columns and bool(cases[column].notna().any())

    lead = "Pre-implementation completion and facilitation dose cannot be set against the outcomes yet: the project has"
    if any(holds(p) for p in PREDICTORS):  # a predictor is there: the outcomes are not
        return (f"{lead} no reach, adoption, FIM or fidelity value per clinic to set them against (add them with"
                " \u201cmio-qual quant import FILE\u201d).")
    return (f"{lead} neither an activity list with completion dates nor a facilitation log (add them with"
            " \u201cmio-qual implementation import activities FILE\u201d, \u201c... import activity_dates FILE\u201d and"
            " \u201c... import facilitation FILE\u201d).")


def write_aim2(b: "ReportBuilder", data: Aim2Data, figure_path: Callable[[str], Path], *, level: int = 1,
               charts: bool = True) -> list[Path]:
    """Write the Aim 2 section.

    Parameters
    ----------
    b : ReportBuilder
    data : Aim2Data
    figure_path : callable
        ``figure_path(name)`` -> where to write a chart (``timeline-<clinic>``) beside the document.
    level : int
        Heading level of the section.
    charts : bool
        Draw the timelines (PNG) and embed them.

    Returns
    -------
    list of Path
        The PNG files written.
    """
    from .charts import draw

    written: list[Path] = []
    b.heading("Aim 2: implementation processes by clinic and agency", level)
    b.paragraph("Aim 2 compares how the clinics and agencies implemented MIO: the implementation activities they "
                f"completed (Stages of Implementation Completion; {short_citation('chamberlain2011')}; "
                f"{short_citation('saldana2014')}), the strategies they used ({short_citation('powell2015')}; "
                f"specified after {short_citation('proctor2013')}) and the adaptations they made "
                f"({short_citation('wiltseystirman2019')}; {short_citation('miller2021')}), and the implementation "
                "outcomes that followed. Its hypothesis is that facilitated completion of pre-implementation "
                "activities predicts greater reach, adoption, feasibility and fidelity.")

    b.heading("Implementation outcomes", level + 1)
    if len(data.outcomes):
        b.table(_outcome_table(data.outcomes),
                "Implementation outcomes by clinic and agency, with the base each n counts",
                note=(f"Reach: {short_citation('glasgow2019')}; adoption: {short_citation('proctor2011')}; FIM, AIM, "
                      f"IAM: {short_citation('weiner2017')}. Fidelity is each counselor's mean over rated sessions, "
                      "then the clinic mean of counselors; sessions at benchmark count sessions rated at or above "
                      f"{data.benchmark:g} (a benchmark set by the analysts, not a published cut-off). Agency rows pool "
                      "the agency's people or counselors; none mixes bases." + _wave_sentence(data.outcomes)))
        missing = _not_computable(data.outcomes)
        if missing:
            b.paragraph(missing + " Their rows stay in the table; add what is missing and import the file again.")
        from ..implementation.outcomes import WAVE_NOT_RECORDED

        unrecorded = data.outcomes[data.outcomes["wave"] == WAVE_NOT_RECORDED]
        if len(unrecorded):
            b.paragraph(f"Some {'/'.join(sorted(set(unrecorded['outcome'].str.upper())))} answers were imported without "
                        "a wave while others have one; they are shown as wave \u201cnot recorded\u201d, not counted "
                        "in any wave (give their wave and import the file again).")
    else:
        b.paragraph("The project holds no reach, adoption, FIM/AIM/IAM or fidelity data.")

    b.heading("Stages of Implementation Completion", level + 1)
    if data.sic is not None:
        for table in data.sic.tables[:2] + data.sic.tables[3:]:
            b.table(_readable(table.frame), table.title, note=" ".join(table.notes) or None)
    else:
        b.paragraph("The project holds no activity list: SIC scores cannot be computed.")

    b.heading("Implementation strategies and adaptations", level + 1)
    if data.strategies is not None and len(data.strategies):
        shown = data.strategies[["date", "clinic", "agency", "eric", "actor", "dose", "unspecified"]].copy()
        shown["clinic"] = shown["clinic"].map(lambda c: c if isinstance(c, str) else "(agency-wide)")
        b.table(_readable(shown.rename(columns={"eric": "ERIC strategy", "unspecified": "Proctor elements not specified"})),
                "Implementation strategies by date and clinic, named by ERIC",
                note=f"Strategy names: {short_citation('powell2015')}; specification: {short_citation('proctor2013')}.")
    else:
        b.paragraph("The project holds no strategy log.")
    if data.adaptations is not None and len(data.adaptations):
        shown = data.adaptations[["date", "clinic", "applies_to", "what", "nature", "planned", "fidelity", "reason"]]
        b.table(_readable(shown), "Adaptations of MIO (FRAME) and of strategies (FRAME-IS)",
                note=f"{short_citation('wiltseystirman2019')}; {short_citation('miller2021')}.")
    else:
        b.paragraph("The project holds no adaptation log.")
    if data.dose is not None and len(data.dose):
        b.table(_readable(data.dose.drop(columns=["base"])), "Facilitation dose: contacts and minutes by clinic and phase",
                note="Contacts with a clinic; meetings with an agency's leaders are counted at agency level only.")
    else:
        b.paragraph("The project holds no facilitation log.")

    if data.reaim is not None and len(data.reaim):
        b.heading("RE-AIM by clinic", level + 1)
        b.table(_reaim_wide(data.reaim), "RE-AIM dimensions by clinic",
                note=f"{short_citation('glasgow2019')}. A cell without a value says why the data cannot fill it.")

    if data.predictors is not None:
        b.heading("Predictors and outcomes", level + 1)
        b.paragraph(" ".join(data.predictors.notes))
        cases = data.predictors.tables[0].frame
        for table in data.predictors.tables:
            if not len(table.frame):  # headers over no row say nothing: say what is missing and how to add it
                b.paragraph(no_matrix_sentence(cases))
                continue
            b.table(_readable(table.frame.drop(columns=["reading"], errors="ignore")), table.title)

    if charts and data.timelines:
        b.heading("Timelines", level + 1)
        for figure in data.timelines:
            clinic = figure.title.split(": ", 1)[-1]
            png = draw(figure, figure_path(f"timeline-{clinic}"))
            written.append(png)
            b.figure(png, f"Implementation timeline of {clinic}: activities completed, strategies, adaptations, "
                          "facilitation contacts and events")
    return written


__all__ = ["Aim2Data", "write_aim2", "no_matrix_sentence", "outcomes_method"]

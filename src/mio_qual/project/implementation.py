"""Aim 2: the Project methods for implementation processes per clinic and agency.

The logs (activity list, completion dates, strategies, adaptations, facilitation contacts) are
read and checked by :mod:`mio_qual.implementation`, stored by :mod:`mio_qual.store.implementation`,
and scored here from what the store holds: Stages of Implementation Completion, the strategy and
adaptation logs, facilitation dose, implementation outcomes, the RE-AIM table, the predictor x
outcome matrix and the per-clinic timeline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..result import Result


@dataclass
class ImplementationImport:
    """What :meth:`ImplementationMixin.import_implementation` stored.

    Attributes
    ----------
    log : str
        activities, activity_dates, strategies, adaptations or facilitation.
    path : Path
    rows : int
        Rows stored.
    replaced : int
        Rows the log held before (a log is replaced whole).
    warnings : list of str
    """

    log: str
    path: Path
    rows: int = 0
    replaced: int = 0
    warnings: list[str] = field(default_factory=list)


#: Columns of a log shown as they are (not free text): where and to what a row belongs.
_LEFT_AS_IS = frozenset({"agency", "clinic", "row", "source_file", "end_date", "minutes", "stage", "phase", "eric",
                         "applies_to", "what", "nature", "planned", "fidelity", "kind", "mode"})


class ImplementationMixin(ProjectBase):
    """Implementation processes (Aim 2): SIC, strategies, adaptations, facilitation, outcomes."""

    # ------------------------------------------------------------------ sites and logs
    def sites(self) -> dict[str, str]:
        """Each clinic's agency: from the transcripts' metadata, then the stored logs and
        quantitative data for clinics the transcripts do not name.

        Returns
        -------
        dict of str to str
            Clinic -> agency.
        """
        # a report asks several times (outcomes, RE-AIM, predictors, timelines): read once there, a copy each
        return dict(self._read_once("sites", self._sites))

    def _sites(self) -> dict[str, str]:
        from ..mixed.constructs import clinic_agencies
        from ..store.implementation import LOGS, read_log
        from ..store.quant import read_quant

        owners = clinic_agencies(self.transcripts())
        frames = [read_log(self.store, log) for log in LOGS if log != "activities"]
        for frame in (*frames, read_quant(self.store, level="clinic")):
            if len(frame) and {"clinic", "agency"} <= set(frame.columns):
                for clinic, agency in zip(frame["clinic"], frame["agency"]):
                    if isinstance(clinic, str) and clinic and isinstance(agency, str) and agency:
                        owners.setdefault(clinic, agency)
        return dict(sorted(owners.items()))

    def import_implementation(self, log: str, path: str | Path, *, sheet: str | None = None) -> ImplementationImport:
        """Import one Aim 2 log from CSV or XLSX, replacing what the project held of it.

        Parameters
        ----------
        log : {"activities", "activity_dates", "strategies", "adaptations", "facilitation"}
        path : str or Path
        sheet : str, optional
            The sheet of an ``.xlsx`` file (default the first).

        Returns
        -------
        ImplementationImport
            The log, the file, rows stored and replaced, and warnings.

        Raises
        ------
        InputError
            Every bad cell with sheet, row and column; nothing is stored then.
        """
        from ..implementation import readers
        from ..store import now_iso
        from ..store.imports import record_import
        from ..store.implementation import replace_log

        path = Path(path)
        if log not in readers.READERS:
            raise InputError(f"unknown Aim 2 log {log!r}", path=path, hint="use " + ", ".join(readers.READERS))
        cases = self._all_cases()
        owners = self.sites()
        records = readers.READERS[log](path, sheet=sheet, clinics=sorted(set(cases["clinic"]) | set(owners)),
                                       agencies=sorted(set(cases["agency"]) | set(owners.values())),
                                       agency_of=owners, activities=self.activity_list(),
                                       strategies=self._strategy_ids())
        result = ImplementationImport(log=log, path=path, rows=len(records))
        if log == "activities":
            dates = self._log("activity_dates")
            listed = {r["activity_id"] for r in records}
            orphans = sorted(set(dates["activity_id"]) - listed) if len(dates) else []
            if orphans:
                result.warnings.append(f"{len(orphans)} stored completion date(s) name activities no longer on the "
                                       f"list and are not scored: {', '.join(orphans[:10])}")
        with self.store.transaction():
            result.replaced = replace_log(self.store, log, records, path.name)
            record_import(self.store, kind=f"implementation {log}", path=str(path),
                          sha256=hashlib.sha256(path.read_bytes()).hexdigest(), coder=None, n_items=len(records),
                          at=now_iso())
            self.store.audit("import implementation log", target=log,
                             detail={"rows": len(records), "replaced": result.replaced, "source_file": path.name})
        return result

    def implementation_log(self, log: str, clinic: str | Sequence[str] | None = None, *,
                           show_names: bool = False) -> "pd.DataFrame":
        """A stored Aim 2 log as a DataFrame, optionally for some clinics (agency-wide rows of
        those clinics' agencies included).

        The logs are staff's free text (a reason, a description, who facilitated): as in every
        output, each name the project knows (:meth:`redactor`) prints as ``[name]`` in their text
        cells unless ``show_names``; ids, clinics, agencies and dates are left as they are.

        Parameters
        ----------
        log : str
            One of :data:`mio_qual.store.implementation.LOGS` (activities, activity_dates, strategies,
            adaptations, facilitation, events).
        clinic : str or sequence of str, optional
            These clinics (with their agencies' agency-wide rows); every clinic when omitted.
        show_names : bool
            Keep names as written (the lead's choice, made knowingly; refused to a coder on a
            shared server).

        Returns
        -------
        pandas.DataFrame
            The log's rows as stored (no rows when it was not imported), names redacted unless
            ``show_names``.

        Raises
        ------
        InputError
            When ``log`` names no Aim 2 log, or a coder on a shared server asks for names.
        """
        return self._private(self._log(log, clinic), show_names)

    def _private(self, frame: "pd.DataFrame", show_names: bool, what: str = "show an Aim 2 log") -> "pd.DataFrame":
        """``frame``'s free-text cells with every name the project knows as ``[name]``, unless ``show_names``
        (the lead's alone on a shared server); ids, clinics, agencies, dates and numbers untouched."""
        if show_names:
            self._names_for_the_lead(what)
            return frame
        if not len(frame):
            return frame
        redactor = self._read_once("redactor", self.redactor)  # type: ignore[attr-defined]  # once per report
        out = frame.copy()
        for column in out.columns:
            text = out[column].dtype == object or str(out[column].dtype).startswith("str")
            if not text or column in _LEFT_AS_IS or str(column).endswith("_id") or str(column).startswith("date"):
                continue
            out[column] = out[column].map(lambda v: redactor(v) if isinstance(v, str) else v)
        return out

    def _log(self, log: str, clinic: str | Sequence[str] | None = None) -> "pd.DataFrame":
        """A stored Aim 2 log as written (names included): what the analyses read, never shown as it is."""
        from ..mixed.constructs import as_list
        from ..store.implementation import LOGS, read_log

        if log not in LOGS:
            raise InputError(f"unknown Aim 2 log {log!r}", hint="use " + ", ".join(LOGS))
        frame = read_log(self.store, log)
        clinics = as_list(clinic)
        if clinics is not None and len(frame) and "clinic" in frame.columns:
            owners = self.sites()
            agencies = {owners.get(c) for c in clinics}
            keep = frame["clinic"].isin(clinics)
            if "agency" in frame.columns:
                keep |= frame["clinic"].isna() & frame["agency"].isin(agencies)
            frame = frame[keep].reset_index(drop=True)
        return frame

    def _strategy_ids(self) -> list[str]:
        frame = self._log("strategies")
        return [str(s) for s in frame["strategy_id"]] if len(frame) else []

    # ------------------------------------------------------------------ strategies, adaptations, facilitation
    def strategies(self, clinic: str | Sequence[str] | None = None, eric: str | Sequence[str] | None = None,
                   phase: str | None = None, *, show_names: bool = False) -> "pd.DataFrame":
        """The strategy log (ERIC name, Proctor elements, and the elements left unspecified),
        filtered by clinic (its agency's agency-wide strategies included), ERIC name and phase
        (see :func:`mio_qual.implementation.strategies.strategy_table`).

        Parameters
        ----------
        clinic : str or sequence of str, optional
            These clinics (with their agencies' agency-wide rows); every clinic when omitted.
        eric : str or sequence of str, optional
            ERIC strategy names (case ignored; a name may hold commas, so a string is one name).
        phase : str, optional
            One phase.
        show_names : bool
            Keep names in the free-text cells as written (see :meth:`implementation_log`).

        Returns
        -------
        pandas.DataFrame
            One row per logged strategy, names as ``[name]`` unless ``show_names``.
        """
        from ..implementation.strategies import strategy_table

        frame = strategy_table(self._log("strategies", clinic=clinic))
        names = [eric] if isinstance(eric, str) else list(eric or [])  # ERIC names may hold commas
        if names:
            frame = frame[frame["eric"].str.casefold().isin({n.casefold() for n in names})]
        if phase:
            frame = frame[frame["phase"] == phase]
        return self._private(frame.reset_index(drop=True), show_names)

    def adaptations(self, clinic: str | Sequence[str] | None = None, applies_to: str | None = None,
                    fidelity: str | None = None, *, show_names: bool = False) -> "pd.DataFrame":
        """The adaptation log (FRAME / FRAME-IS), filtered by clinic, what it applies to
        (intervention or strategy) and fidelity (consistent, inconsistent, unknown).

        Parameters
        ----------
        clinic : str or sequence of str, optional
            These clinics (with their agencies' agency-wide rows); every clinic when omitted.
        applies_to : str, optional
            ``intervention`` or ``strategy``.
        fidelity : str, optional
            ``consistent``, ``inconsistent`` or ``unknown``.
        show_names : bool
            Keep names in the free-text cells as written (see :meth:`implementation_log`).

        Returns
        -------
        pandas.DataFrame
            One row per logged adaptation, names as ``[name]`` unless ``show_names``.
        """
        from ..implementation.adaptations import adaptation_table

        frame = adaptation_table(self._log("adaptations", clinic=clinic))
        if applies_to:
            frame = frame[frame["applies_to"] == applies_to]
        if fidelity:
            frame = frame[frame["fidelity"] == fidelity]
        return self._private(frame.reset_index(drop=True), show_names)

    def facilitation_dose(self, by: str = "clinic") -> "pd.DataFrame":
        """Facilitation contacts and minutes per clinic (or agency) and phase
        (see :func:`mio_qual.implementation.facilitation.facilitation_dose`); a clinic of the project the
        log never names has a total row of 0 contacts ("none logged").

        Parameters
        ----------
        by : {"clinic", "agency"}
            The case kind.

        Returns
        -------
        pandas.DataFrame
            Contacts and minutes per case and phase.

        Raises
        ------
        InputError
            When ``by`` is neither clinic nor agency.
        """
        from ..implementation.facilitation import facilitation_dose

        if by not in ("clinic", "agency"):
            raise InputError(f"cannot count facilitation by {by!r}", hint="use clinic or agency")
        return facilitation_dose(self._log("facilitation"), by=by, sites=self.sites())

    # ------------------------------------------------------------------ Stages of Implementation Completion
    def activity_list(self) -> "pd.DataFrame":
        """The study's activity list (activity_id, activity, stage, stage_name, phase, level).

        Returns
        -------
        pandas.DataFrame
            One row per activity (no rows when none was imported).
        """
        from ..implementation.sic import activity_frame

        frame = self._log("activities")
        return activity_frame(frame.to_dict("records") if len(frame) else [])

    def sic_completion(self) -> "pd.DataFrame":
        """Every listed activity for every clinic with its actual completion date (agency
        activities carry their agency's date; see :func:`mio_qual.implementation.sic.clinic_completion`).

        Returns
        -------
        pandas.DataFrame
            One row per clinic and activity, with its completion date (missing when not done).

        Raises
        ------
        InputError
            When the project has no activity list (import it with :meth:`import_implementation`).
        """
        import pandas as pd

        from ..implementation.sic import clinic_completion

        activities = self.activity_list()
        if not len(activities):
            raise InputError("the project has no activity list",
                             hint="import one with `mio-qual implementation import activities FILE`")
        dates = self._log("activity_dates")
        if not len(dates):
            dates = pd.DataFrame(columns=["activity_id", "agency", "clinic", "date_completed"])
        for column in ("agency", "clinic", "date_completed"):
            if column not in dates.columns:
                dates[column] = None
        return clinic_completion(activities, dates, self.sites())

    def sic(self, view: str = "summary") -> "pd.DataFrame":
        """Stages of Implementation Completion scores (Chamberlain, Brown & Saldana 2011; Saldana 2014).

        Parameters
        ----------
        view : {"summary", "stage", "phase", "agency", "completion"}
            ``summary``: one row per clinic (stage reached, each phase's proportion and days);
            ``stage`` / ``phase``: per clinic and stage / phase; ``agency``: the clinic summary's
            mean, minimum and maximum per agency (base: clinics); ``completion``: every activity
            per clinic with its date.

        Returns
        -------
        pandas.DataFrame
            The view's table.

        Raises
        ------
        InputError
            When ``view`` is unknown or the project has no activity list.
        """
        from ..implementation import sic as scores

        views = {"summary": lambda c: scores.sic_summary(c, self._unlogged(c)), "stage": scores.sic_stages,
                 "phase": scores.sic_phases, "agency": lambda c: scores.sic_by_agency(scores.sic_summary(c)),
                 "completion": lambda c: c}
        if view not in views:
            raise InputError(f"unknown SIC view {view!r}", hint="use " + ", ".join(views))
        return views[view](self.sic_completion())

    def _unlogged(self, completion: "pd.DataFrame") -> dict[str, str]:
        """Clinics with no completion date of their own (see :func:`mio_qual.implementation.sic.unlogged_clinics`)."""
        from ..implementation.sic import unlogged_clinics

        return unlogged_clinics(completion, self._log("activity_dates"))

    def sic_result(self) -> "Result":
        """The SIC tables as one :class:`~mio_qual.result.Result` (summary, phases, stages, agencies).

        Returns
        -------
        Result
            Summary, phase, stage and agency tables.

        Raises
        ------
        InputError
            When the project has no activity list (import it with :meth:`import_implementation`).
        """
        from ..implementation.sic import sic_result

        completion = self.sic_completion()
        return sic_result(completion, self._unlogged(completion))

    # ------------------------------------------------------------------ implementation outcomes
    def counselor_fidelity(self, benchmark: float = 4.0) -> "pd.DataFrame":
        """Fidelity per counselor: mean adherence and competence over each counselor's rated sessions,
        and the share at ``benchmark`` (see :func:`mio_qual.implementation.outcomes.counselor_fidelity`).
        One row per counselor, keyed by ``counselor_id``: the table counselor-level analyses join on.

        Parameters
        ----------
        benchmark : float
            The rating (1-5) a session's adherence or competence must reach to count as at benchmark.

        Returns
        -------
        pandas.DataFrame
            One row per counselor.
        """
        from ..implementation.outcomes import counselor_fidelity

        return counselor_fidelity(self.quant(), benchmark)

    def implementation_outcomes(self, benchmark: float = 4.0) -> "pd.DataFrame":
        """Reach, adoption, FIM/AIM/IAM by wave and fidelity per clinic and agency, each row with its
        level, n and base (see :func:`mio_qual.implementation.outcomes.implementation_outcomes`). Every
        clinic of the project (:meth:`sites`) has a row of each outcome the project holds: one missing
        from the outcome's file is "not computable" with that reason, and so is its agency.

        Parameters
        ----------
        benchmark : float
            The rating (1-5) a session's adherence or competence must reach to count as at benchmark.

        Returns
        -------
        pandas.DataFrame
            One row per outcome and case (clinic or agency).
        """
        from ..implementation.outcomes import implementation_outcomes

        # a report's Aim 2 section shows them, and the RE-AIM and predictor tables build on them: computed once there
        return self._read_once(("implementation_outcomes", float(benchmark)),
                               lambda: implementation_outcomes(self.quant(), benchmark, sites=self.sites()))

    def implementation_outcomes_result(self, benchmark: float = 4.0) -> "Result":
        """:meth:`implementation_outcomes` as a :class:`~mio_qual.result.Result` whose table carries its notes:
        how the FIM/AIM/IAM waves are ordered and every clinic or agency not computable, with the reason
        (:func:`mio_qual.implementation.outcomes.outcome_notes`).

        Parameters
        ----------
        benchmark : float
            The rating (1-5) a session's adherence or competence must reach to count as at benchmark.

        Returns
        -------
        Result
            One table, "Implementation outcomes".
        """
        from ..implementation.outcomes import SOURCES, outcome_notes
        from ..result import Result, Table

        frame = self.implementation_outcomes(benchmark)
        notes = outcome_notes(frame)
        sources = sorted({SOURCES[o] for o in set(frame["outcome"]) if o in SOURCES})
        return Result("implementation-outcomes", tables=[Table(frame, "Implementation outcomes", notes=notes,
                                                               sheet="outcomes", sources=sources)],
                      title="Implementation outcomes", notes=notes)

    # ------------------------------------------------------------------ RE-AIM, predictors, timeline
    def _sic_or_none(self) -> "pd.DataFrame | None":
        if not len(self.activity_list()):
            return None
        return self.sic("summary")

    def reaim(self, benchmark: float = 4.0) -> "pd.DataFrame":
        """The RE-AIM table per clinic (Glasgow et al. 2019) from what the project holds; a
        dimension the data cannot speak to says so (see :func:`mio_qual.implementation.reaim.reaim_table`).

        Parameters
        ----------
        benchmark : float
            The rating (1-5) a session's adherence or competence must reach to count as at benchmark.

        Returns
        -------
        pandas.DataFrame
            One row per clinic, dimension and indicator (columns
            :data:`mio_qual.implementation.reaim.REAIM_COLUMNS`).
        """
        from ..implementation.reaim import reaim_table

        return reaim_table(self.sites(), self.implementation_outcomes(benchmark),
                           self.sic("phase") if len(self.activity_list()) else None,
                           self._log("strategies"), self._log("adaptations"),
                           self.facilitation_dose() if len(self._log("facilitation")) else None)

    def predictor_cases(self, benchmark: float = 4.0) -> "pd.DataFrame":
        """One row per clinic: pre-implementation completion and facilitation minutes, of the
        pre-implementation phase and of all phases (predictors), beside reach, adoption, FIM and
        fidelity (outcomes).

        Parameters
        ----------
        benchmark : float
            The rating (1-5) a session's adherence or competence must reach to count as at benchmark.

        Returns
        -------
        pandas.DataFrame
            One row per clinic.
        """
        import pandas as pd

        from ..implementation.outcomes import outcome_values

        owners = self.sites()
        cases = pd.DataFrame({"agency": list(owners.values()), "clinic": list(owners)})
        summary = self._sic_or_none()
        if summary is not None:
            cases = cases.merge(summary[["clinic", "pre_implementation_proportion"]], on="clinic", how="left")
        if len(self._log("facilitation")):
            dose = self.facilitation_dose()
            for phase, column in (("pre-implementation", "pre_implementation_facilitation_minutes"),
                                  ("all", "facilitation_minutes")):
                minutes = dose[dose["phase"] == phase][["clinic", "minutes"]].rename(columns={"minutes": column})
                cases = cases.merge(minutes, on="clinic", how="left")
                cases[column] = cases[column].fillna(0.0)
        values = outcome_values(self.implementation_outcomes(benchmark))
        if len(values):
            keep = [c for c in ("reach", "adoption", "fim", "adherence", "competence") if c in values.columns]
            cases = cases.merge(values[["clinic", *keep]], on="clinic", how="left")
        return cases

    def predictor_matrix(self, benchmark: float = 4.0) -> "Result":
        """The Aim 2 predictor x outcome matrix, descriptive (see
        :func:`mio_qual.implementation.reaim.predictor_matrix`): the clinics' values and, for each
        pair, Spearman's rho, Kendall's tau-b and concordant clinic pairs, with no test.

        Parameters
        ----------
        benchmark : float
            The rating (1-5) a session's adherence or competence must reach to count as at benchmark.

        Returns
        -------
        Result
            The clinics' values and the predictor x outcome table.
        """
        from ..implementation.reaim import left_out, predictor_matrix
        from ..result import Result, Table

        cases = self.predictor_cases(benchmark)
        matrix = predictor_matrix(cases)
        from ..reports.methods import number

        note = (f"Descriptive only: {number(len(cases), 'clinic')}. Spearman's rho, Kendall's tau-b and the count of "
                "concordant clinic pairs describe these clinics; no test or p-value is given, and one clinic can "
                "reverse a sign.")
        if "facilitation_minutes" in cases.columns:
            note += (" The hypothesis's predictor is the facilitation of the pre-implementation phase (the contacts "
                     "the facilitation log assigns to it); the dose over all phases also counts contacts of the "
                     "implementation phase, made while the outcomes were measured (perhaps because they were low), "
                     "so it describes dose, not a predictor in time order.")
        missing = left_out(cases)  # "n = 3 clinics" names the clinic it lacks
        if missing:
            note += " " + missing
        return Result("predictor-matrix", tables=[
            Table(cases, "Predictors and outcomes by clinic", notes=[note], sheet="cases",
                  sources=["saldana2014", "glasgow2019", "weiner2017"]),
            Table(matrix, "Pre-implementation completion and facilitation dose against outcomes", notes=[note],
                  sheet="matrix", sources=["spearman1904", "kendall1945"])], title="Predictor x outcome matrix", notes=[note])

    def timeline(self, clinic: str, *, show_names: bool = False) -> "Any":
        """One clinic's implementation timeline as a :class:`~mio_qual.result.Figure` (kind
        ``timeline``; :func:`mio_qual.reports.charts.draw` writes it as PNG).

        Parameters
        ----------
        clinic : str
            A clinic of the project (:meth:`sites`).
        show_names : bool
            Keep names in the labels (from the logs' free text) as written (see :meth:`implementation_log`).

        Returns
        -------
        Figure
            Kind ``timeline``; its frame holds the items drawn, names as ``[name]`` unless ``show_names``.

        Raises
        ------
        InputError
            When ``clinic`` is not a clinic of the project.
        """
        from ..implementation.reaim import timeline_frame
        from ..result import Figure

        owners = self.sites()
        if clinic not in owners:
            raise InputError(f"{clinic!r} is not a clinic of this project", hint="its clinics: " + ", ".join(owners))
        frame = timeline_frame(clinic, owners[clinic],
                               completion=self.sic_completion() if len(self.activity_list()) else None,
                               strategies=self._log("strategies"),
                               adaptations=self._log("adaptations"),
                               events=self._log("events"),
                               facilitation=self._log("facilitation"))
        frame = self._private(frame, show_names, "draw a timeline")
        return Figure("timeline", frame, title=f"Implementation timeline: {clinic}",
                      sources=["chamberlain2011", "powell2015", "wiltseystirman2019"])

    def timeline_result(self, clinic: str, *, show_names: bool = False) -> "Result":
        """One clinic's timeline as a :class:`~mio_qual.result.Result`: its items as a table and the
        figure (rendered as PNG by :func:`mio_qual.reports.render.render`).

        Parameters
        ----------
        clinic : str
            A clinic of the project (:meth:`sites`).
        show_names : bool
            Keep names in the labels as written (see :meth:`timeline`).

        Returns
        -------
        Result
            The timeline's items as a table, and the figure.

        Raises
        ------
        InputError
            When ``clinic`` is not a clinic of the project.
        """
        from ..result import Result, Table

        figure = self.timeline(clinic, show_names=show_names)
        return Result("timeline", tables=[Table(figure.frame, figure.title, sheet="timeline", sources=figure.sources)],
                      figures=[figure], title=figure.title)

    def write_timelines(self, folder: str | Path, *, show_names: bool = False) -> list[Path]:
        """Draw every clinic's timeline as ``timeline_<clinic>.png`` in ``folder``.

        Parameters
        ----------
        folder : str or Path
            Where the PNG files go.
        show_names : bool
            Keep names in the labels as written (see :meth:`timeline`).

        Returns
        -------
        list of Path
            The files written, one per clinic.
        """
        from ..reports.charts import draw

        folder = Path(folder)
        return [draw(self.timeline(clinic, show_names=show_names), folder / f"timeline_{clinic}.png")
                for clinic in self.sites()]

    def aim2_data(self, benchmark: float = 4.0) -> "Any":
        """Everything the study report's Aim 2 section shows (see :class:`mio_qual.reports.aim2.Aim2Data`).

        Parameters
        ----------
        benchmark : float
            The rating (1-5) a session's adherence or competence must reach to count as at benchmark.

        Returns
        -------
        Aim2Data
            The tables, figures and facts of the Aim 2 section.
        """
        from ..reports.aim2 import Aim2Data

        has = {log: bool(len(self._log(log))) for log in
               ("activities", "strategies", "adaptations", "facilitation")}
        return Aim2Data(
            outcomes=self.implementation_outcomes(benchmark),
            sic=self.sic_result() if has["activities"] else None,
            strategies=self.strategies() if has["strategies"] else None,
            adaptations=self.adaptations() if has["adaptations"] else None,
            dose=self.facilitation_dose() if has["facilitation"] else None,
            reaim=self.reaim(benchmark),
            predictors=self.predictor_matrix(benchmark),
            # a clinic with nothing logged gets no chart (it was an empty axis dated January 1970)
            timelines=[t for t in (self.timeline(clinic) for clinic in self.sites()) if len(t.frame)],
            benchmark=benchmark)


__all__ = ["ImplementationMixin", "ImplementationImport"]

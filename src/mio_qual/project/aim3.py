"""Aim 3: the counselor link table, climate and counselor measures, the case-ordered matrix and the
facts the Aim 3 methods text is written from.

Each method reads the store (:mod:`mio_qual.store.links`, :mod:`mio_qual.store.measures`,
ratings, codings, quantitative values), hands the data to :mod:`mio_qual.mixed`, and writes in
one transaction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..reports.aim3 import Aim3Data, Aim3Facts

RATERS_KNEW_OUTCOMES = "aim3.raters_knew_outcomes"
_RECONCILE_SOURCE = re.compile(r"^reconcile_(?P<a>.+)_(?P<b>[^_]+)_(?P<unit>span|sentence|paragraph|turn)$")


class Aim3Mixin(ProjectBase):
    """The counselor level, measures scored per their manuals, and the Aim 3 section's data.

    It uses :class:`~mio_qual.project.mixed.MixedMixin`'s methods (evidence, ratings, joint
    displays), which :class:`~mio_qual.project.Project` composes beside it.
    """

    # ------------------------------------------------------------------ counselor links
    def import_counselor_links(self, path: str | Path) -> int:
        """Replace the link table (study_id, counselor_id, clinic, agency) from a CSV or XLSX file,
        in one transaction (see :func:`mio_qual.mixed.counselors.read_link_file`); returns its rows.

        Parameters
        ----------
        path : str or Path
            A ``.csv`` or ``.xlsx`` file with columns study_id, counselor_id, clinic (agency optional).

        Returns
        -------
        int
            Rows stored.

        Raises
        ------
        InputError
            Every bad cell with row and column; the stored table is left as it was.
        """
        from ..mixed.counselors import read_link_file
        from ..store.links import replace_counselor_links

        path = Path(path)
        speakers = self.speakers()
        study_ids = sorted({s for s in speakers["study_id"] if isinstance(s, str)}) if len(speakers) else []
        records = read_link_file(path, study_ids=study_ids, clinics=self.cases("clinic"))
        with self.store.transaction():
            removed = replace_counselor_links(self.store, records, source_file=path.name)
            self.store.audit("import counselor links", target=path.name,
                             detail={"rows": len(records), "replaced": removed})
        return len(records)

    def counselor_links(self) -> "pd.DataFrame":
        """The link table: study_id, counselor_id, clinic, agency, source_file.

        Returns
        -------
        pandas.DataFrame
            One row per study id (no rows when no table was imported).
        """
        from ..store.links import read_counselor_links

        return read_counselor_links(self.store)

    def counselor_display(self, outcome: str = "fidelity", *, constructs: Sequence[str] = (),
                          coder: str | Sequence[str] | None = None) -> "pd.DataFrame":
        """The counselor-level joint display: one row per linked counselor with interview codes,
        counselor measures, fidelity and FIM (see :func:`mio_qual.mixed.counselors.counselor_display`).

        Parameters
        ----------
        outcome : str
            The quantitative measure the rows are ordered by (highest first).
        constructs : sequence of str
            Construct or code ids to count per counselor (columns ``n <id>``).
        coder : str or sequence of str, optional
            The coding layers read; by default the consensus layers, else every human layer.

        Returns
        -------
        pandas.DataFrame
            One row per linked counselor (columns as
            :func:`mio_qual.mixed.counselors.counselor_display` gives them).

        Raises
        ------
        InputError
            When the project has no counselor link table, or a construct id is neither in the
            codebook nor coded in the project (close ids are suggested).
        """
        return self._counselor_display(outcome, constructs=constructs, coder=coder, check=True)

    def _counselor_display(self, outcome: str, *, constructs: Sequence[str], coder: str | Sequence[str] | None,
                           check: bool) -> "pd.DataFrame":
        """:meth:`counselor_display`; ``check`` refuses unknown construct ids (case_matrix passes
        its row names, which may be quantitative measures, so it does not)."""
        from ..errors import InputError
        from ..mixed.counselors import counselor_display

        links = self.counselor_links()
        if not len(links):
            raise InputError("the project has no counselor link table",
                             hint="import one: study_id, counselor_id, clinic (mio-qual counselors import FILE)")
        counselor_scores = [self.measure_scores(name) for name in self.instruments()
                            if self._instrument(name).level == "counselor"]
        import pandas as pd

        measures = pd.concat(counselor_scores, ignore_index=True) if counselor_scores else None
        excerpts = self.evidence("clinic", coder=coder)
        if check:
            _check_constructs(constructs, self.constructs(), excerpts)
        return counselor_display(links, self.quant(), excerpts, outcome=outcome,
                                 measures=measures, constructs=constructs)

    # ------------------------------------------------------------------ measures
    def _instrument(self, name: str, key: str | Path | None = None) -> Any:
        from ..mixed.measures import instrument

        return instrument(name, key)

    def import_measure(self, path: str | Path, instrument: str, *, key: str | Path | None = None,
                       prefix: str | None = None) -> int:
        """Import one instrument's respondent x item file (items by number only), replacing that
        instrument's items, in one transaction; returns the respondents read.

        Parameters
        ----------
        path : str or Path
        instrument : {"ics", "ils", "ebpas", "orc"} or a name with ``key``
        key : path, optional
            A scoring key file (required for ``orc``; see :func:`mio_qual.mixed.measures.read_key`).
        prefix : str, optional
            Item column prefix (default: the instrument's name).

        Returns
        -------
        int
            Respondents read.

        Raises
        ------
        InputError
            Every bad cell, or an instrument without a scoring key; nothing is stored then.
        """
        from ..mixed.measures import read_items
        from ..store.measures import replace_instrument

        spec = self._instrument(instrument, key)
        path = Path(path)
        found = read_items(path, spec, prefix=prefix)
        with self.store.transaction():
            replace_instrument(self.store, spec.name, [(r, a, c, k, i, v) for r, a, c, k, i, v in found.records],
                               source_file=path.name)
            self.store.audit("import measure", target=spec.name, detail={"respondents": found.respondents,
                                                                          "source_file": path.name})
        return found.respondents

    def instruments(self) -> list[str]:
        """The instruments with stored items.

        Returns
        -------
        list of str
        """
        from ..store.measures import read_items

        items = read_items(self.store)
        return sorted(set(items["instrument"])) if len(items) else []

    def measure_scores(self, instrument: str, key: str | Path | None = None) -> "pd.DataFrame":
        """Subscale and total scores per respondent (see :func:`mio_qual.mixed.measures.score`), with
        an ``instrument`` column.

        Parameters
        ----------
        instrument : str
            An instrument with stored items (:meth:`instruments`).
        key : str or Path, optional
            A scoring key file (required for instruments without a bundled key, e.g. ``orc``).

        Returns
        -------
        pandas.DataFrame
            One row per respondent and scale.
        """
        from ..mixed.measures import score
        from ..store.measures import read_items

        spec = self._instrument(instrument, key)
        return score(read_items(self.store, spec.name), spec).assign(instrument=spec.name)

    def measure_summary(self, instrument: str, *, by: str = "clinic", key: str | Path | None = None,
                        min_rwg: float = 0.70, min_icc1: float = 0.05) -> tuple["pd.DataFrame", list[str]]:
        """Clinic (or agency) means per scale with rwg(j) and ICC(1), and warnings where they do not
        support aggregating (see :func:`mio_qual.mixed.measures.aggregate`).

        Parameters
        ----------
        instrument : str
            An instrument with stored items (:meth:`instruments`).
        by : {"clinic", "agency"}
            The group respondents are averaged to.
        key : str or Path, optional
            A scoring key file (required for instruments without a bundled key, e.g. ``orc``).
        min_rwg : float
            The rwg(j) below which aggregating a group is flagged.
        min_icc1 : float
            The ICC(1) below which between-group differences are flagged.

        Returns
        -------
        table : pandas.DataFrame
            One row per group and scale: n, mean, sd, rwg_j, icc1, icc2 and whether aggregation
            is supported.
        warnings : list of str
            One line per scale where agreement or between-group differences do not support
            averaging to the group.
        """
        from ..mixed.measures import aggregate
        from ..store.measures import read_items

        spec = self._instrument(instrument, key)
        return aggregate(read_items(self.store, spec.name), spec, by=by, min_rwg=min_rwg, min_icc1=min_icc1)

    # ------------------------------------------------------------------ the case-ordered matrix
    def case_matrix(self, outcome: str = "fidelity", rows: Sequence[str] = (), *, by: str = "clinic",
                    rater: str | None = None) -> "pd.DataFrame":
        """A case-ordered predictor x outcome matrix over clinics (or counselors with ``by="counselor"``).

        ``rows`` name what to show: a construct id (its ratings; with ``by="counselor"`` the
        counselor's excerpts coded with it), ``n:<code>`` (a coded theme: the distinct excerpts
        coded directly with that construct or study code in each case), ``<instrument>:<scale>``
        (a measure's clinic mean or counselor score), or a quantitative measure (its case mean).
        See :func:`mio_qual.mixed.counselors.case_matrix`.

        Parameters
        ----------
        outcome : str
            The quantitative outcome the cases are ordered by.
        rows : sequence of str
            What to show (see above).
        by : {"clinic", "counselor"}
            The case kind of the columns.
        rater : str, optional
            Whose ratings construct rows show (default: the consensus, else the only rater).

        Returns
        -------
        pandas.DataFrame
            Index: the outcome first, then the rows in the order given; columns: the cases by outcome.
            ``attrs["aggregation"]``: one line per measure row whose clinic (or agency) means fail the
            aggregation check somewhere (:meth:`measure_summary`), naming where and why; the means are
            shown all the same, so the caller must show these lines beside them.

        Raises
        ------
        InputError
            When a row names an instrument not imported or a scale it lacks, or nothing the project holds.
        """
        import pandas as pd

        from ..errors import InputError
        from ..mixed.aggregate import outcome_by_case
        from ..mixed.counselors import case_matrix

        series: dict[str, pd.Series] = {}
        if by == "counselor":
            table = self._counselor_display(outcome, constructs=[r[2:] if r.startswith("n:") else r for r in rows
                                                                 if r.startswith("n:") or ":" not in r],
                                            coder=None, check=False)
            table = table.set_index("counselor_id")
            measures = {name: self.measure_scores(name) for name in self.instruments()}
            from ..validation import measure_name

            key = measure_name(outcome)
            if key not in table.columns:
                raise InputError(f"no counselor-level values of {outcome!r}", hint="import data with a counselor_id")
            for row in rows:
                if row.startswith("n:") and f"n {row[2:]}" in table.columns:
                    series[row] = table[f"n {row[2:]}"]
                elif ":" in row:
                    name, scale = row.split(":", 1)
                    frame = measures.get(name)
                    if frame is None:
                        raise InputError(f"no items of instrument {name!r}", hint="import them with import_measure")
                    part = frame[frame["scale"] == scale]
                    _check_scale(row, scale, frame["scale"])
                    ids = part["counselor_id"].where(part["counselor_id"].notna(), part["respondent_id"])
                    series[row] = pd.Series(part["score"].to_numpy(), index=ids)
                elif f"n {row}" in table.columns:
                    series[row] = table[f"n {row}"]
                else:
                    series[row] = table[measure_name(row)]
            return case_matrix(series, table[key], outcome_name=outcome, case_kind="counselor")
        quant = self.quant()
        from ..validation import measure_name

        measured = set(quant["measure"]) if len(quant) else set()
        matrix = None
        themes = None
        checks: list[str] = []  # measure rows whose means fail the aggregation check somewhere
        for row in rows:
            if row.startswith("n:"):  # a coded theme: distinct excerpts coded directly with it, per case
                if themes is None:
                    excerpts = self.evidence(by)
                    direct = excerpts[~excerpts["via"].astype(bool)] if len(excerpts) else excerpts
                    themes = (direct.drop_duplicates(["case_id", "construct", "transcript_id", "start", "end"])
                              .groupby(["construct", "case_id"]).size())
                code = row[2:]
                if code not in themes.index.get_level_values(0):
                    raise InputError(f"no excerpt is coded with {code!r}", hint="name a code of the codebook: n:MIO.SUPV")
                series[row] = themes.loc[code].reindex(self.cases(by), fill_value=0)
            elif ":" in row:
                name, scale = row.split(":", 1)
                if name not in self.instruments():
                    raise InputError(f"row {row!r}: no items of instrument {name!r} were imported",
                                     hint=f"INSTRUMENT:SCALE names one imported: {', '.join(self.instruments()) or 'none'}"
                                          " (import items with mio-qual aim3 measure FILE --instrument ics)")
                summary, _ = self.measure_summary(name, by=by)
                _check_scale(row, scale, summary["scale"])
                part = summary[summary["scale"] == scale]
                series[row] = pd.Series(part["mean"].to_numpy(), index=part[by])
                failing = part[part["aggregation"] != "supported"]
                if len(failing):
                    checks.append(f"{row}: the {by} mean may not stand for its staff at "
                                  + "; ".join(f"{g} ({why})" for g, why in zip(failing[by], failing["aggregation"])))
            elif measure_name(row) in measured:
                series[row] = outcome_by_case(quant, row, by=by)["value"]
            else:  # a construct: its ratings
                matrix = self.construct_matrix(by=by, rater=rater) if matrix is None else matrix
                if row not in matrix.index:
                    raise InputError(f"{row!r} is no rated construct, measure, n:CODE or INSTRUMENT:SCALE",
                                     hint="e.g. --rows IS.J2 ics:total fim n:MIO.SUPV")
                series[row] = matrix.loc[row]
        result = case_matrix(series, outcome_by_case(quant, outcome, by=by)["value"], outcome_name=outcome,
                             case_kind=by)
        result.attrs["aggregation"] = checks
        return result

    # ------------------------------------------------------------------ the methods facts
    def set_raters_knew_outcomes(self, knew: bool) -> None:
        """Record whether the raters knew the clinics' outcomes when they rated (the methods text says so).

        Parameters
        ----------
        knew : bool
            Whether they knew.
        """
        from ..store.audit import set_meta

        with self.store.transaction():
            set_meta(self.store, RATERS_KNEW_OUTCOMES, "yes" if knew else "no")
            self.store.audit("record rating blinding", detail={"raters_knew_outcomes": bool(knew)})

    def raters_knew_outcomes(self) -> bool | None:
        """True/False as recorded, None when nobody recorded it.

        Returns
        -------
        bool or None
        """
        from ..store.links import read_setting

        value = read_setting(self.store, RATERS_KNEW_OUTCOMES)
        return None if value is None else value == "yes"

    def aim3_facts(self, by: str = "clinic") -> "Aim3Facts":
        """What the Aim 3 methods text reports, read from the project (see :class:`mio_qual.reports.aim3.Aim3Facts`).

        Parameters
        ----------
        by : {"clinic", "agency"}
            The case kind the facts describe.

        Returns
        -------
        Aim3Facts
        """
        from ..mixed.ratings import CONSENSUS
        from ..reports.aim3 import Aim3Facts
        from ..store.codings import read_codings
        from ..store.summary import project_facts

        from ..reports.methods import sheet_decisions

        # in a report: from the layers' facts and counts it read already (not every coding grouped again)
        stored = project_facts(self.store, self._coding_facts(),  # type: ignore[attr-defined]
                               self._counts() if self._once is not None else None)  # type: ignore[attr-defined]
        facts = Aim3Facts(raters_knew_outcomes=self.raters_knew_outcomes(), sheet=sheet_decisions(stored.decisions))
        for layer in stored.layers:
            if layer.origin != "consensus":
                continue
            for source, n in layer.by_source:
                match = _RECONCILE_SOURCE.match(source or "")
                if match:
                    facts.coders, facts.unit, facts.consensus = (match["a"], match["b"]), match["unit"], layer.coder
                    facts.n_agreed += n
                else:
                    facts.n_decided_codings += n
        if facts.coders:
            listed = self.reconcile(list(facts.coders), into=facts.consensus or "consensus",  # type: ignore[attr-defined]
                                    unit=facts.unit or "span", write=False)
            facts.n_disagreements = len(listed.rows)
            facts.consensus_codings = len(read_codings(self.store, coder=facts.consensus, columns=["id"]))
        ratings = self.ratings(by=by)
        own = ratings[ratings["rater"] != CONSENSUS]
        facts.raters = sorted(set(own["rater"]))
        if len(facts.raters) >= 2:
            cells = own.groupby(["case_id", "construct"])["rating"].agg(lambda v: len(set(v.fillna("missing"))))
            facts.n_rating_disagreements = int((cells > 1).sum())
            consensus = ratings[ratings["rater"] == CONSENSUS]
            facts.n_rating_unresolved = int(consensus["rationale"].fillna("").str.startswith("UNRESOLVED").sum())
        facts.n_x = int((ratings["rating"] == "X").sum())
        from ..store.audit import action_details

        for detail in action_details(self.store, "import ratings"):  # what each rater's worksheets showed them
            rater, shown = detail.get("rater"), detail.get("shown")
            if rater in facts.raters and isinstance(shown, dict) and shown not in facts.rating_evidence.get(rater, []):
                facts.rating_evidence.setdefault(rater, []).append(shown)
        return facts

    def aim3_data(self, outcome: str = "fidelity", *, fit: str | Path | None = None, rule: Any = None,
                  rows: Sequence[str] = (), links: bool = False) -> "Aim3Data":
        """Everything the study report's Aim 3 section shows (see :class:`mio_qual.reports.aim3.Aim3Data`):
        the clinic displays with one rule, the agency display, the counselor display, measures with
        their aggregation checks, the case-ordered matrix and the methods facts. A part the project
        cannot build is named in ``absent`` instead.

        Parameters
        ----------
        outcome : str
            The quantitative outcome the displays order cases by.
        fit : str or Path, optional
            The analyst's fit judgements for the side-by-side display.
        rule : DistinguishRule, optional
            The rule deciding which constructs distinguish (default: :class:`mio_qual.mixed.joint.DistinguishRule`).
        rows : sequence of str
            Rows of the case-ordered matrix (see :meth:`case_matrix`).
        links : bool
            Follow the reviewed study-code links in the side-by-side display.

        Returns
        -------
        Aim3Data
            The displays and facts; a part that cannot be built is named in ``absent``.
        """
        from ..errors import InputError
        from ..mixed.joint import DistinguishRule
        from ..reports.aim3 import Aim3Data

        rule = rule or DistinguishRule()
        data = Aim3Data(outcome=outcome, facts=self.aim3_facts(), rule=rule,
                        links=self.construct_links(links) if links else None)
        try:
            data.case_ordered = self.joint_display("case-ordered", outcome, rule=rule)
            data.side_by_side = self.joint_display("side-by-side", outcome, rule=rule, fit=fit, links=links)
        except InputError as error:
            data.absent["clinic"] = str(error)
        if data.case_ordered is not None:  # Aim 3 asks about fidelity and feasibility: the other order, same rule
            other = {"fidelity": "fim", "adherence": "fim", "competence": "fim"}.get(outcome)
            if other and other in set(self.quant()["measure"]):
                try:
                    data.other = self.joint_display("case-ordered", other, rule=rule)
                except InputError:  # too few clinics with both: the methods say nothing of it
                    data.other = None
        try:
            data.agency = self.joint_display("case-ordered", outcome, by="agency", rule=rule)
        except InputError as error:
            data.absent["agency"] = str(error)
        if len(self.counselor_links()):
            try:
                data.counselors = self.counselor_display(outcome)
            except InputError as error:
                data.absent["counselor"] = str(error)
        else:
            data.absent["counselor"] = "no counselor link table"
        for name in self.instruments():
            if self._instrument(name).level == "counselor":
                continue
            table, warnings = self.measure_summary(name)
            data.measures.append(table)
            data.measure_warnings += warnings
        chosen = list(rows) or [f"{n}:total" for n in self.instruments()
                                if self._instrument(n).level != "counselor"] + \
            (list(data.case_ordered.data["flags"].index[
                data.case_ordered.data["flags"]["distinguishing"] == "distinguishing"]) if data.case_ordered else [])
        if chosen:
            try:
                data.matrix = self.case_matrix(outcome, chosen)
            except InputError as error:
                data.absent["matrix"] = str(error)
        return data


def _check_scale(row: str, scale: str, scales: "pd.Series") -> None:
    """Refuse a row naming a scale its instrument does not have (it made a row of empty cells)."""
    from ..errors import InputError

    known = list(dict.fromkeys(scales.astype(str)))
    if scale not in known:
        raise InputError(f"row {row!r}: the instrument has no scale {scale!r}", hint="use one of " + ", ".join(known))


__all__ = ["Aim3Mixin", "RATERS_KNEW_OUTCOMES"]


def _check_constructs(constructs: Sequence[str], info: Any, excerpts: "pd.DataFrame") -> None:
    """Refuse construct ids that are neither in the codebook (``info``) nor coded in ``excerpts``."""
    import difflib

    from ..errors import InputError

    if isinstance(constructs, str):
        constructs = [constructs]
    coded = set(excerpts["construct"].dropna().astype(str)) if len(excerpts) and "construct" in excerpts else set()
    known = sorted(set(info.codes) | coded)
    unknown = [c for c in constructs if c not in info and c not in coded]
    if unknown:
        close = difflib.get_close_matches(unknown[0], known, n=3, cutoff=0.6) or info.suggest(unknown[0])
        hint = f"did you mean {', '.join(close)}? " if close else ""
        plural = "s" if len(unknown) > 1 else ""
        raise InputError(f"unknown construct{plural} {', '.join(map(repr, unknown))}: neither in the codebook "
                         "nor coded in this project", hint=hint + "see `mio-qual codebook list`")

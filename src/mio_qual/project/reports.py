"""Reports: the Project methods that gather results and render the Word documents.

Each ``report_*`` method reads what its document needs from the store and from the other
Project methods (agreement, joint displays, evaluations of automatic suggestions), puts it in
one :class:`~mio_qual.reports.documents.ReportInputs`, and hands it to
:mod:`mio_qual.reports.documents`, which writes the document without reading the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from ..deprecation import renamed
from ..store import summary as store_summary
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    import pandas as pd

    from ..deidentify import Redactor
    from ..mixed.joint import DistinguishRule
    from ..result import Table
    from ..reports.documents import AgreementData, CodebookData, JointData, ReportInputs, ReportResult, ThemesData
    from ..store.summary import CodingFacts, ProjectFacts

SEGMENT_UNITS = ("sentence", "turn", "paragraph")


class ReportsMixin(ProjectBase):
    """Word reports, the methods text, and the names every report redacts."""

    # ------------------------------------------------------------------ privacy
    def names_to_redact(self) -> set[str]:
        """Roster names and aliases kept at import, and name-like speaker labels
        (see :func:`mio_qual.deidentify.known_names`).

        Returns
        -------
        set of str
        """
        from ..deidentify import known_names

        return set(self._read_once("names to redact", lambda: known_names(  # once per report, a copy each
            self.private_names(), store_summary.speaker_labels(self.store))))  # type: ignore[attr-defined]

    def redactor(self, extra: Iterable[str] = (), *, mask_sites: bool = False) -> "Redactor":
        """The one :class:`~mio_qual.deidentify.Redactor` every output passes text through.

        It replaces every name the project knows, and each of ``extra``, with ``[name]``; transcript
        ids that contain a name with a neutral id (:func:`mio_qual.deidentify.neutral_ids`); and, with
        ``mask_sites``, clinic and agency names with stable labels (``clinic A``,
        :func:`mio_qual.deidentify.site_labels`).

        Parameters
        ----------
        extra : iterable of str
            Further names or phrases to hide (a ``--redact`` file).
        mask_sites : bool
            Also replace clinic and agency names.

        Returns
        -------
        Redactor
            A callable ``str -> str``.
        """
        extra = [str(n) for n in extra if str(n).strip()]
        # a report builds each redactor once (the disagreements' and the document's are one with the same options)
        return self._read_once(("redactor", tuple(extra), bool(mask_sites)),
                               lambda: self._new_redactor(extra, mask_sites))

    def _new_redactor(self, extra: list[str], mask_sites: bool) -> "Redactor":
        from ..deidentify import make_redactor, neutral_ids, site_labels

        names = self.names_to_redact()
        clinics = self._read_once("transcript clinics", lambda: store_summary.transcript_clinics(self.store))
        replacements = neutral_ids(clinics, names | set(extra))
        if mask_sites:
            listing = self.transcripts()  # type: ignore[attr-defined]
            agencies = listing["agency"].dropna().tolist() if "agency" in listing.columns else []
            replacements.update(site_labels([c for c in clinics.values() if c], agencies))
        return make_redactor(names, extra, replacements=replacements)

    def masked_case_ids(self) -> dict[str, dict[str, str]]:
        """Case kind -> {label an output prints -> the case id}: the neutral transcript ids and the site labels
        (``clinic A``) of :meth:`redactor` with masked sites, so a worksheet written with them imports back.

        Returns
        -------
        dict of str to dict of str to str
            Case kind -> printed label -> case id.
        """
        from ..deidentify import neutral_ids, site_labels

        clinics = store_summary.transcript_clinics(self.store)
        listing = self.transcripts()  # type: ignore[attr-defined]
        agencies = sorted(listing["agency"].dropna().unique()) if "agency" in listing.columns else []
        sites = site_labels([c for c in clinics.values() if c], agencies)
        return {"transcript": {label: tid for tid, label in neutral_ids(clinics, self.names_to_redact()).items()},
                "clinic": {sites[c]: c for c in clinics.values() if c in sites},
                "agency": {sites[a]: a for a in agencies if a in sites}}

    def name_review(self, extra: Iterable[str] = (), ignore: Iterable[str] = ()) -> "Table":
        """Capitalised words in the transcripts that may be names missing from the roster
        (:func:`mio_qual.deidentify.name_review`), for the analyst to add to the roster or a ``--redact`` file.

        Parameters
        ----------
        extra : iterable of str
            Further names already redacted (a ``--redact`` file): not listed.
        ignore : iterable of str
            Words already cleared (not listed).

        Returns
        -------
        Table
            Columns ``word``, ``why``, ``occurrences``, ``transcripts``, ``example``.
        """
        from ..deidentify import name_review
        from ..result import Table

        names = self.names_to_redact() | {str(n) for n in extra if str(n).strip()}
        listing = self.transcripts()  # type: ignore[attr-defined]
        sites = {str(v) for column in ("clinic", "agency") if column in listing.columns  # the study's own places
                 for v in listing[column].dropna() for v in str(v).split()}
        frame = name_review(self.texts(), names, ignore=[*ignore, *sites])  # type: ignore[attr-defined]
        notes = ["Words that may be personal names and are not on the roster, for review: add each real name to the "
                 "roster's aliases (a row with only aliases, `*,,,,Name`, for people who never speak) or to a "
                 "--redact file. The project's clinic and agency names are not listed. "
                 "First names and surnames from the US Census Bureau's 1990 "
                 "name lists (one that is also a word, Tom or Will, where it is used as a name); roster aliases that are ordinary words (June) are listed where they were left alone. "
                 "The example is the first sentence with the word, other names redacted."]
        return Table(frame, title="Possible names not on the roster", notes=notes, sheet="names")

    # ------------------------------------------------------------------ what the reports show
    def project_facts(self) -> "ProjectFacts":
        """What the methods text describes (:func:`mio_qual.store.summary.project_facts`), with the raters'
        agreement when two or more raters rated.

        Returns
        -------
        ProjectFacts
        """
        from ..errors import InputError
        from ..reports.methods import rating_raters

        facts = store_summary.project_facts(self.store, self._coding_facts(),
                                            self._counts() if self._once is not None else None)
        raters, kinds = rating_raters(facts)
        if len(raters) >= 2:
            frames = []
            for kind in kinds:   # clinic and agency ratings are different units: one table each, never pooled
                try:
                    frames.append(self.rating_agreement(raters, by=kind).assign(kind=kind))  # type: ignore[attr-defined]
                except InputError:  # fewer than two raters of this kind: the methods paragraph says so without numbers
                    continue
            if frames:
                import pandas as pd

                facts.rating_agreement = pd.concat(frames, ignore_index=True)
            else:
                facts.rating_agreement = None
        return facts

    def human_coders(self) -> list[str]:
        """The human coding layers, in the order they were first imported.

        Returns
        -------
        list of str
        """
        if self._once is not None:  # a report: from the layers' facts it reads once
            return self._coding_facts().human_coders
        return store_summary.human_coders(self.store)

    def _aim2_recorded(self) -> bool:
        """Whether the project holds anything the study report's Aim 2 section shows: quantitative values (the
        outcomes), SIC activities or strategies. Without them :meth:`aim2_data` would compute empty tables only
        for the report to drop them, so the report does not ask for it."""
        from ..store.implementation import log_counts

        logs = log_counts(self.store)
        return bool(self._counts()["quant"] or logs.get("activities") or logs.get("strategies"))

    def _coding_facts(self) -> "CodingFacts":
        """The coding layers' facts (:func:`mio_qual.store.summary.coding_facts`), read once per report."""
        return self._read_once("coding facts", lambda: store_summary.coding_facts(self.store))

    def _counts(self) -> dict[str, int]:
        """The project's counts (:func:`mio_qual.store.summary.counts`), read once per report."""
        if self._once is None:
            return store_summary.counts(self.store)
        return self._read_once("counts", lambda: store_summary.counts(self.store, self._coding_facts()))  # one read

    def _origins(self) -> dict[str, int]:
        """Codings per origin (:func:`mio_qual.store.summary.origin_counts`), from the layers' facts in a report."""
        return self._coding_facts().origins if self._once is not None else store_summary.origin_counts(self.store)

    @renamed(n_boot="boot")
    def agreement_data(self, coders: Sequence[str] | None = None, unit: str = "sentence", *, boot: int = 0,
                       seed: int = 0, confidence: float = 0.95, min_coverage: float = 0.0, convention: str = "gwet",
                       boot_method: str = "units") -> "AgreementData | str":
        """What the agreement sections show (agreement table and disagreements), or the sentence saying why
        there is none.

        Parameters
        ----------
        coders : sequence of str, optional
            Layers to compare (default: every human layer).
        unit : str
            Unit of analysis (see :meth:`agreement`).
        boot, seed, confidence, min_coverage, convention, boot_method
            Passed on to :meth:`agreement` (``boot`` was ``n_boot``, which works until 0.2.0 with a
            DeprecationWarning).

        Returns
        -------
        AgreementData or str
            The data, or the sentence saying why there is none (fewer than two layers, no shared units).
        """
        import pandas as pd

        from ..errors import InputError
        from ..reports.documents import AgreementData, no_shared_transcripts, too_few_coders

        chosen = list(coders) if coders else self.human_coders()
        if len(chosen) < 2:
            return too_few_coders(chosen)
        segment = {"min_coverage": min_coverage} if unit in SEGMENT_UNITS else {}
        inputs = self.agreement_inputs(chosen, unit) if unit != "continuum" else None  # type: ignore[attr-defined]
        table = self.agreement(chosen, unit=unit, boot=boot, seed=seed,  # type: ignore[attr-defined]
                               confidence=confidence, inputs=inputs, convention=convention, boot_method=boot_method,
                               **segment)
        if not len(table):
            return no_shared_transcripts(chosen)
        chosen = list(table.attrs.get("coders", chosen))  # a coder sharing no transcript is left out, and said so
        try:
            dis = self.disagreements(chosen, unit=unit, inputs=inputs, **segment)  # type: ignore[attr-defined]
        except InputError:
            dis = pd.DataFrame()
        # transcripts that gave units: one only some coders saw has a row of 0 units (all set aside)
        per_transcript = table[table["level"] == "transcript"]
        n_transcripts = (int((per_transcript["n_units"] > 0).sum()) if len(per_transcript) else
                         int(self.codings(coder=chosen)["transcript_id"].nunique()))  # type: ignore[attr-defined]
        # segment units are participants' speech: agreement leaves interviewer speech out by default
        return AgreementData(chosen, unit, table, dis, boot, seed, confidence, min_coverage, n_transcripts,
                             participants_only=unit in SEGMENT_UNITS)

    def autocode_evaluations(self, *, evaluate_model: bool = False) -> list[Any]:
        """Evaluations of the project's automatic suggestions for the study report.

        The keyword rules are evaluated when the project holds a ``rules`` layer (fast: the rules
        are applied again). The model is evaluated only with ``evaluate_model``: an honest figure
        needs cross-validation grouped by transcript, which trains the model again once per fold
        with the stored model's settings.

        Parameters
        ----------
        evaluate_model : bool
            Also evaluate the stored model (slow: retrains it per fold).

        Returns
        -------
        list of Evaluation
            The rules' evaluation and the model's, where made.
        """
        origins = self._origins()
        if not origins.get("rules") and not origins.get("model") and not self._counts()["models"]:
            return []
        if not origins.get("human") and not origins.get("consensus"):
            return []
        out = []
        if origins.get("rules"):
            out.append(self.autocode_evaluate("rules"))  # type: ignore[attr-defined]
        if evaluate_model:
            info = self.autocode_model_info()  # type: ignore[attr-defined]
            params = {k: tuple(v) if isinstance(v, list) else v for k, v in dict(info.meta.get("params", {})).items()
                      if k in ("word_ngrams", "char_ngrams", "n_features", "min_df", "C", "class_weight",
                               "min_positives", "threshold_folds", "random_state")}
            out.append(self.autocode_evaluate("model", unit=info.unit, **params))  # type: ignore[attr-defined]
        return out

    def _codebook_data(self) -> "CodebookData":
        from ..reports.documents import codebook_data

        code_use = self._coding_facts().code_use if self._once is not None else store_summary.code_use(self.store)
        return codebook_data(store_summary.latest_codebook(self.store), code_use)

    def _themes_data(self, layer: str | Sequence[str] | None, info: Any = None) -> "ThemesData":
        """What the themes sections show; ``info``: the report's constructs, when it has them already."""
        from ..reports.documents import themes_data

        info = info if info is not None else self.constructs()  # type: ignore[attr-defined]
        frame, phrase = self._evidence("transcript", coder=layer, info=info,  # type: ignore[attr-defined]
                                       links=True)  # the themes report rolls study codes up through the reviewed links
        data = themes_data(frame, phrase, store_summary.transcript_clinics(self.store),
                           store_summary.clinics(self.store))
        self._analysts_words(data, layer)
        return data

    def _analysts_words(self, data: "ThemesData", layer: str | Sequence[str] | None) -> None:
        """Add to ``data`` what analysts wrote about each construct: raters' rationales and pinned quotes (clinic
        ratings, the consensus when there is one), coders' memos, and rapid-analysis summaries."""
        import pandas as pd

        from ..mixed.ratings import CONSENSUS

        ratings = None  # no clinic rating stored: nothing to read (reading them loads the codebooks again)
        if store_summary.ratings_count(self.store, "clinic"):
            ratings = self.ratings(by="clinic")  # type: ignore[attr-defined]
        if ratings is not None and len(ratings):
            chosen = CONSENSUS if (ratings["rater"] == CONSENSUS).any() else sorted(set(ratings["rater"]))[0]
            chosen_rows = ratings[ratings["rater"] == chosen]
            data.ratings = chosen_rows.reindex(columns=["case_id", "construct", "rating", "rationale", "quote",
                                                        "rater"])  # a store without pinned quotes: quote empty
        layers = list(dict.fromkeys(c for joined in pd.unique(data.excerpts["coders"]) if isinstance(joined, str)
                                    for c in joined.split(";"))) \
            if len(data.excerpts) and "coders" in data.excerpts.columns else None  # each distinct value split once
        codings = (self._layer_memos(layers)[["transcript_id", "code", "memo"]]  # type: ignore[attr-defined]
                   if layers else pd.DataFrame())
        if len(codings):
            memos = codings[codings["memo"].astype(str).str.strip() != ""]
            clinics = store_summary.transcript_clinics(self.store)
            data.memos = memos.assign(clinic=memos["transcript_id"].map(clinics)).drop_duplicates(["code", "memo"])
        summaries = self.rapid_summaries()  # type: ignore[attr-defined]
        if len(summaries) and summaries["template"].nunique() == 1:
            from ..rapid.analysis import CONSENSUS as RAPID_CONSENSUS

            template = self.rapid_template(str(summaries["template"].iloc[0]))  # type: ignore[attr-defined]
            preferred = summaries[summaries["summarizer"] == RAPID_CONSENSUS]
            summaries = preferred if len(preferred) else summaries
            covers = {d.id: (d.name, tuple(d.constructs)) for d in template.domains}
            clinics = store_summary.transcript_clinics(self.store)
            data.rapid = pd.DataFrame(
                [{"domain": covers.get(row.domain, (row.domain, ()))[0], "constructs": covers.get(row.domain,
                  ("", ()))[1], "clinic": clinics.get(row.transcript_id) or "", "transcript_id": row.transcript_id,
                  "summary": row.summary} for row in summaries.itertuples() if str(row.summary or "").strip()])

    def _joint_data(self, outcome: str, by: str, rater: str | None, fit: Any, rule: Any = None) -> "JointData":
        from ..errors import InputError
        from ..mixed.ratings import CONSENSUS
        from ..reports.documents import JointData, missing_joint_data
        from ..store import ratings as store_ratings

        data = JointData(outcome=outcome, by=by)
        data.absent = missing_joint_data(store_summary.ratings_count(self.store, by),
                                         self._counts()["quant"], by)
        if data.absent:
            return data
        for kind, options in (("case-ordered", {}), ("side-by-side", {"fit": fit}), ("stats-by-theme", {})):
            try:
                display = self.joint_display(kind, outcome, by=by, rater=rater, rule=rule,
                                             **options)  # type: ignore[attr-defined]
            except InputError as exc:
                display = exc.message
            setattr(data, kind.replace("-", "_"), display)
            if kind == "case-ordered" and isinstance(display, str):
                return data
        raters = [r for r in store_ratings.rater_names(self.store, by) if r != CONSENSUS]
        if len(raters) >= 2:
            data.rating_agreement = self.rating_agreement(raters, by=by)  # type: ignore[attr-defined]
        return data

    def _last_change(self) -> "datetime | None":
        """When the project last changed (its newest audit entry), for reproducible documents."""
        from datetime import datetime

        newest = self.log_records(1, show_names=True)  # type: ignore[attr-defined]
        if not newest or not newest[0]["at"]:
            return None
        return datetime.fromisoformat(str(newest[0]["at"]).replace("Z", "+00:00"))

    def _report_inputs(self, redact: Iterable[str], mask_sites: bool = False, **parts: Any) -> "ReportInputs":
        from ..reports.documents import ReportInputs

        return ReportInputs(counts=self._counts(), as_of=self._last_change(),
                            redactor=self.redactor(redact, mask_sites=mask_sites), origins=self._origins(), **parts)

    # ------------------------------------------------------------------ the five documents
    def report_codebook(self, out: str | Path, *, redact: Iterable[str] = (), mask_sites: bool = False,
                        title: str = "Coder's manual") -> "ReportResult":
        """Write the coder's manual of the project's codebook (see :func:`mio_qual.reports.codebook_report`).

        Parameters
        ----------
        out : path
            The ``.docx`` to write.
        redact : iterable of str
            Further names or phrases to redact (beyond the roster).
        mask_sites : bool
            Replace clinic and agency names with stable labels (see :meth:`redactor`).
        title : str

        Returns
        -------
        ReportResult
            The document written, its figures and tables, and the sections left out for want of data.
        """
        from ..reports.documents import check_path, codebook_report

        check_path(out)
        inputs = self._report_inputs(redact, mask_sites, codebook=self._codebook_data())
        return codebook_report(inputs, out, title=title)

    @renamed(layer="themes_coders", max_quotes="quotes")
    def report_themes(self, out: str | Path, *, themes_coders: str | Sequence[str] | None = None, quotes: int = 3,
                      redact: Iterable[str] = (), mask_sites: bool = False, charts: bool = True,
                      title: str = "Themes by construct") -> "ReportResult":
        """Write the themes report: per construct, frequency by clinic and role, and exemplar quotes.

        Parameters
        ----------
        out : path
        themes_coders : str or sequence of str, optional
            Coding layer(s) to quote and count (default: the consensus layer, else every human layer
            merged; was ``layer``, which works until 0.2.0 with a DeprecationWarning).
        quotes : int
            Exemplar quotes per construct, at most (was ``max_quotes``, likewise).
        redact : iterable of str
        mask_sites : bool
        charts : bool
            Draw and embed the code-frequency chart.
        title : str

        Returns
        -------
        ReportResult
            The document written, its figures and tables, and the sections left out for want of data.

        Raises
        ------
        InputError
            On a shared server, when a coder (not the lead) asks for the default layers: a coder's role
            reads only their own and released layers, so the report would leave the others out unseen.
        """
        from ..reports.documents import check_path, themes_report
        from ..validation import check_values

        check_path(out)
        check_values(quotes=quotes)
        if themes_coders is None and getattr(self.store, "backend", "sqlite") == "postgresql":
            from ..store import team

            team.require_every_layer(self.store, "the themes report (by default)",
                                     also=", or name the layers you can read (--themes-coders)")
        info = self.constructs()  # type: ignore[attr-defined]
        inputs = self._report_inputs(redact, mask_sites, themes=self._themes_data(themes_coders, info),
                                     constructs=info)
        return themes_report(inputs, out, max_quotes=quotes, charts=charts, title=title)

    @renamed(n_boot="boot")
    def report_agreement(self, out: str | Path, *, coders: Sequence[str] | None = None, unit: str = "sentence",
                         boot: int = 0, seed: int = 0, min_coverage: float = 0.0, max_rows: int = 400,
                         redact: Iterable[str] = (), mask_sites: bool = False, charts: bool = True,
                         title: str = "Inter-rater agreement", convention: str = "gwet",
                         boot_method: str = "units") -> "ReportResult":
        """Write the agreement report: method paragraph, per-code table, chart, disagreement appendix.

        Parameters
        ----------
        out : path
        coders : sequence of str, optional
            Layers to compare (default: every human layer).
        unit : str
            ``sentence`` (default), ``turn``, ``paragraph``, ``character``, ``span``, ``transcript``
            or ``continuum``.
        boot, seed : int
            Bootstrap replicates for the intervals (0: analytic intervals; was ``n_boot``, which works
            until 0.2.0 with a DeprecationWarning) and the seed.
        min_coverage : float
            Segment units: share of a unit a coding must cover to count.
        max_rows : int
            Disagreements listed in the document (all are written to the CSV beside it).
        redact : iterable of str
        mask_sites : bool
        charts : bool
        title : str
        convention, boot_method : str
            Units rated by one coder, and how alpha is bootstrapped (see :meth:`agreement`).

        Returns
        -------
        ReportResult
            The document written, its figures and tables, and the sections left out for want of data.
        """
        from ..reports.documents import agreement_report, check_path
        from ..validation import check_values

        check_path(out)
        check_values(boot=boot, seed=seed, min_coverage=min_coverage, convention=convention, boot_method=boot_method,
                     max_rows=max_rows)
        data = self.agreement_data(coders, unit, boot=boot, seed=seed, min_coverage=min_coverage,
                                   convention=convention, boot_method=boot_method)
        inputs = self._report_inputs(redact, mask_sites, agreement=data, constructs=self.constructs())
        return agreement_report(inputs, out, max_rows=max_rows, charts=charts, title=title)

    def report_joint(self, out: str | Path, *, outcome: str = "fidelity", by: str = "clinic",
                     rater: str | None = None, fit: Any = None, criterion: str = "difference",
                     min_rated: int = 2, split: str = "halves", threshold: float | None = None,
                     high: Sequence[str] | None = None, low: Sequence[str] | None = None, strong: float = 2.0,
                     weak: float = 1.0, redact: Iterable[str] = (), mask_sites: bool = False, charts: bool = True,
                     export: bool = True, title: str = "Joint displays") -> "ReportResult":
        """Write the joint displays report: case-ordered matrix with heatmap, side-by-side, statistics by theme.

        Parameters
        ----------
        out : path
        outcome : str
            The quantitative outcome cases are ordered by (``fidelity``, ``feasibility`` ...).
        by : {"clinic", "agency"}
        rater : str, optional
            Ratings layer (default: the consensus, else the only rater).
        fit : path or dict, optional
            The analyst's fit judgements for the side-by-side display.
        criterion : {"difference", "separation"}
            The distinguishing rule of every display (:class:`mio_qual.mixed.joint.DistinguishRule`): group
            means against 2 and 1 scale points, or every rated high case above every rated low one.
        min_rated : int
            Rated cases each group needs before a construct is flagged (default 2).
        split, threshold, high, low, strong, weak
            The rest of the rule, as :class:`~mio_qual.mixed.joint.DistinguishRule` and ``mio-qual joint``
            take them: how cases are split into high and low groups (``"halves"``, ``"extremes"`` or
            ``"threshold"`` with ``threshold``), the groups named instead (``high``, ``low``), and the mean
            differences that distinguish (``strong``, default 2) and weakly distinguish (``weak``, default 1).
        redact : iterable of str
        mask_sites : bool
        charts : bool
        export : bool
            Also write each display as CSV and XLSX beside the document.
        title : str

        Returns
        -------
        ReportResult
            The document written, its figures and tables, and the sections left out for want of data.

        Raises
        ------
        InputError
            On a shared server, when the connected role is a coder, not the lead: a coder's role reads only
            their own and released layers and ratings, so the displays would leave the others out unseen.
        """
        from ..reports.documents import check_path, joint_report

        check_path(out)
        if getattr(self.store, "backend", "sqlite") == "postgresql":  # ratings and evidence of every layer
            from ..store import team

            team.require_every_layer(self.store, "the joint displays report")
        rule = _distinguish_rule(criterion, min_rated, split, threshold, high, low, strong, weak)  # checked before reading
        inputs = self._report_inputs(redact, mask_sites, joint=self._joint_data(outcome, by, rater, fit, rule))
        return joint_report(inputs, out, charts=charts, export=export, title=title)

    @renamed(n_boot="boot", layer="themes_coders", max_quotes="quotes")
    def report_study(self, out: str | Path, *, title: str = "Qualitative and mixed-methods findings",
                     subtitle: str | None = None, coders: Sequence[str] | None = None, unit: str = "sentence",
                     boot: int = 0, seed: int = 0, themes_coders: str | Sequence[str] | None = None,
                     quotes: int = 3, outcome: str = "fidelity", by: str = "clinic", rater: str | None = None,
                     fit: Any = None, criterion: str = "difference", min_rated: int = 2, split: str = "halves",
                     threshold: float | None = None, high: Sequence[str] | None = None,
                     low: Sequence[str] | None = None, strong: float = 2.0, weak: float = 1.0, max_rows: int = 400,
                     redact: Iterable[str] = (), mask_sites: bool = False, charts: bool = True,
                     autocode: Sequence[Any] | None = None, evaluate_model: bool = False) -> "ReportResult":
        """Write the study report (Aim 2, Aim 3, reliability, limitations) and its appendices as separate
        documents (:func:`mio_qual.reports.study.study_report`).

        Parameters
        ----------
        out : str or Path
            The main ``.docx``; the appendices are written beside it.
        title : str
            The title page's title.
        subtitle : str, optional
            A line under the title.
        coders : sequence of str, optional
            Layers compared for reliability (default: every human layer).
        unit : str
            Unit of the agreement analysis (see :meth:`agreement`).
        boot, seed : int
            Bootstrap replicates for the agreement intervals (0: analytic intervals; was ``n_boot``,
            which works until 0.2.0 with a DeprecationWarning) and the seed.
        themes_coders : str or sequence of str, optional
            Coding layer(s) the themes quote and count (default: the consensus layer, else every human
            layer; was ``layer``, which works until 0.2.0 with a DeprecationWarning).
        quotes : int
            Exemplar quotes per construct, at most (was ``max_quotes``, likewise).
        outcome : str
            The quantitative outcome the joint displays order cases by.
        by : {"clinic", "agency"}
            The case kind of the joint displays.
        rater : str, optional
            Ratings layer (default: the consensus, else the only rater).
        fit : path or dict, optional
            The analyst's fit judgements for the side-by-side display.
        criterion : {"difference", "separation"}
            The distinguishing rule of the joint displays and of Aim 3, named in Aim 3's methods
            (:class:`mio_qual.mixed.joint.DistinguishRule`): group means against 2 and 1 scale points
            (default), or every rated high case above every rated low one.
        min_rated : int
            Rated clinics each group needs before a construct is flagged (default 2; Damschroder & Lowery's
            published flags need 1 with ``criterion="separation"``).
        split, threshold, high, low, strong, weak
            The rest of the distinguishing rule (see :meth:`report_joint`); Aim 3's methods name the groups
            and the differences used.
        max_rows : int
            Disagreements listed in the document (all are written to the CSV beside it).
        redact : iterable of str
            Further names or phrases to redact (beyond the roster).
        mask_sites : bool
            Replace clinic and agency names with stable labels (see :meth:`redactor`).
        charts : bool
            Draw and embed the charts.
        autocode : sequence of Evaluation, optional
            Evaluations of automatic suggestions already computed (:meth:`autocode_evaluate`); by
            default the rules are evaluated when the project has a rules layer.
        evaluate_model : bool
            Also evaluate the stored model by grouped cross-validation (trains it again per fold).

        Returns
        -------
        ReportResult
            The main document, figures, tables and the sections left out for want of data.

        Raises
        ------
        InputError
            On a shared server, when the connected role is a coder, not the lead: a coder's role reads only
            their own and released layers, so the report would leave the others (the consensus) out unseen.
        """
        from ..errors import InputError
        from ..reports.documents import check_path
        from ..reports.study import study_report
        from ..validation import check_values

        check_path(out)
        check_values(boot=boot, seed=seed, quotes=quotes, max_rows=max_rows)
        # one rule for the joint displays and Aim 3, checked before anything is read
        rule = _distinguish_rule(criterion, min_rated, split, threshold, high, low, strong, weak)
        if getattr(self.store, "backend", "sqlite") == "postgresql":  # a coder's role would read part of the study
            from ..store import team

            team.require_every_layer(self.store, "the study report")
        with self._reading_once():  # the layers' facts, counts and codings: read once for every section
            evaluations = list(autocode) if autocode is not None else self.autocode_evaluations(
                evaluate_model=evaluate_model)
            aim2 = None
            if self._aim2_recorded():  # else nothing of Aim 2 to compute (the section says so in one sentence)
                try:
                    aim2 = self.aim2_data()  # type: ignore[attr-defined]
                except InputError:
                    aim2 = None
            if aim2 is not None and not len(aim2.outcomes) and aim2.sic is None and aim2.strategies is None:
                aim2 = None  # nothing of Aim 2 recorded: the section says so in one sentence
            aim3 = None
            if store_summary.ratings_count(self.store):
                try:
                    # the same evidence as the themes sections: study codes rolled up through the reviewed links
                    aim3 = self.aim3_data(outcome, fit=fit, rule=rule, links=True)  # type: ignore[attr-defined]
                except InputError:
                    aim3 = None  # the joint displays stand for Aim 3, each saying what it lacks
            info = self.constructs()  # type: ignore[attr-defined]  (read once: the themes use it too)
            inputs = self._report_inputs(
                redact, mask_sites, constructs=info, facts=self.project_facts(),
                codebook=self._codebook_data(),
                agreement=self.agreement_data(coders, unit, boot=boot, seed=seed), evaluations=evaluations,
                themes=self._themes_data(themes_coders, info), aim2=aim2,
                # the joint displays stand for Aim 3 only when it cannot be built: otherwise they were built for nothing
                joint=self._joint_data(outcome, by, rater, fit, rule) if aim3 is None else None,
                aim3=aim3,
                rapid=self.rapid_report_data())  # type: ignore[attr-defined]
        return study_report(inputs, out, title=title, subtitle=subtitle, max_quotes=quotes, max_rows=max_rows,
                            charts=charts)

    def report(self, kind: str, out: str | Path, **options: Any) -> "ReportResult":
        """Write the report of ``kind`` (one of :data:`mio_qual.reports.KINDS`) with the options that kind takes.

        Parameters
        ----------
        kind : str
            ``study``, ``agreement``, ``themes``, ``joint`` or ``codebook``
            (:data:`mio_qual.reports.KINDS`).
        out : str or Path
            The ``.docx`` to write.
        **options
            The options of the kind's ``report_<kind>`` method (:meth:`report_study` ...).

        Returns
        -------
        ReportResult
            The document written, its figures and tables, and the sections left out for want of data.

        Raises
        ------
        InputError
            When ``kind`` is unknown or an option is not one the kind takes (the right name suggested).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from mio_qual import Project
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> project = Project.create(folder / "study")
        >>> project.report("agreement", folder / "agreement.docx").absent[0][:38]
        'Inter-rater agreement needs two coders'
        """
        from ..errors import InputError, check_options
        from ..reports.documents import KINDS

        methods = {"codebook": self.report_codebook, "agreement": self.report_agreement,
                   "themes": self.report_themes, "joint": self.report_joint, "study": self.report_study}
        if kind not in methods:
            raise InputError(f"unknown report {kind!r}", hint="use one of " + ", ".join(KINDS))
        check_options(methods[kind], options, f"report({kind!r})",
                      {"no_charts": "charts=False"})
        from ..atomicio import batch

        with batch():  # the report and the files beside it land together, or none does
            return methods[kind](out, **options)


def _distinguish_rule(criterion: str, min_rated: int, split: str, threshold: float | None,
                      high: Sequence[str] | None, low: Sequence[str] | None, strong: float,
                      weak: float) -> "DistinguishRule":
    """The one distinguishing rule of a report's joint displays and Aim 3, from the report's options."""
    from ..mixed.joint import DistinguishRule

    def cases(names: Sequence[str] | None) -> tuple[str, ...] | None:
        return None if not names else (names,) if isinstance(names, str) else tuple(names)

    return DistinguishRule(split=split, threshold=threshold, high=cases(high), low=cases(low), strong=strong,
                           weak=weak, min_rated=min_rated, criterion=criterion)

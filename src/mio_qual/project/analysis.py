"""Agreement and auto-coding: the Project methods that gather data from the store and call the analyses.

The analyses (:mod:`mio_qual.agreement`, :mod:`mio_qual.autocode`) take DataFrames, texts and
codebooks; these methods read them from the store, call the analysis, and write what it made
(rule and model codings, trained models) back in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ..deprecation import renamed
from ..errors import InputError
from ..store import codings as store_codings
from ..store import imports as store_imports
from ..store import models as store_models
from ..store import now_iso
from ..store import transcripts as store_transcripts
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..agreement.project_api import AgreementInputs
    from ..autocode import (CodeSuggester, Evaluation, LabelledUnits, LayerLabels, ModelInfo, RulesResult,
                            SuggestResult, TrainResult)
    from ..autocode.units import Layer

SEGMENT_UNITS = ("sentence", "turn", "paragraph")


class AnalysisMixin(ProjectBase):
    """Inter-rater agreement and auto-coding."""

    # ------------------------------------------------------------------ agreement
    def agreement_inputs(self, coders: Sequence[str], unit: str = "sentence", codes: Sequence[str] | None = None, *,
                         transcripts: Sequence[str] | None = None, seen: str = "given",
                         include_interviewer: bool = False) -> "AgreementInputs":
        """What :meth:`agreement` and :meth:`disagreements` compute from, read once.

        Pass the result as ``inputs=`` to both (a report showing the table and the
        disagreements builds it once). Parameters are those of :meth:`agreement`.

        Parameters
        ----------
        coders : sequence of str
            Coder layers to compare (two or more).
        unit : str
            The unit of analysis, as for :meth:`agreement`.
        codes : sequence of str, optional
            Codes to analyse (default: every code the coders used).
        transcripts : sequence of str, optional
            Restrict to these transcripts (a single id as a string is one transcript).
        seen : {"given", "coded", "any"}
            Which transcripts a coder saw (see :meth:`agreement`).
        include_interviewer : bool
            Count interviewers' segments as units (see :meth:`agreement`).

        Returns
        -------
        AgreementInputs
            The codings, units and seen transcripts both methods read.

        Raises
        ------
        InputError
            When ``coders`` is one string, names a layer the project does not hold (close names
            suggested) or one without codings, or a transcript id is not in the project.
        """
        from ..agreement.project_api import agreement_inputs, check_request

        coders = check_request(coders, unit)
        if isinstance(transcripts, str):
            transcripts = [transcripts]
        self._check_transcript_ids(transcripts)  # type: ignore[attr-defined]
        codings = self._layer_codings(coders)  # type: ignore[attr-defined]  (a report's evidence shares them)
        found = set(codings["coder"].unique()) if len(codings) else set()
        if set(coders) - found:  # an unknown name (or, in team mode, a blinded layer) refused with close matches
            self._check_coders([c for c in coders if c not in found])  # type: ignore[attr-defined]
        known = store_codings.coders(self.store) if set(coders) - found else []
        segments = self._units(unit) if unit in SEGMENT_UNITS else None
        return agreement_inputs(codings, self.texts(), segments, coders, unit, codes, transcripts=transcripts,
                                seen=seen, include_interviewer=include_interviewer, known_coders=known,
                                given=self.coverage(coders))

    def _units(self, unit: str) -> "pd.DataFrame":
        """The stored segments of ``unit`` with the columns agreement reads (see
        :func:`mio_qual.store.transcripts.segment_units`) and their ``segment_id``."""
        import numpy as np

        from ..transcripts.model import INTERVIEWER_ROLES

        frame = store_transcripts.segment_units(self.store, unit, INTERVIEWER_ROLES)
        prefix = {"turn": "t", "paragraph": "p", "sentence": "s"}[unit]
        ids = frame["transcript_id"].array  # categories: each transcript id made into a string once
        frame.insert(1, "segment_id", [f"{t}:{prefix}{n}" for t, n in zip(
            np.asarray(ids.categories, dtype=object)[ids.codes].tolist(), frame["n"].tolist())])
        return frame

    def coverage(self, coders: Sequence[str] | None = None) -> dict[str, list[str]]:
        """The transcripts each coder was given: returned in a file (with or without codings) or assigned.

        Agreement's default seen rule reads this (see :data:`mio_qual.agreement.project_api.SEEN_RULES`).

        Parameters
        ----------
        coders : sequence of str, optional
            These coders only; every coder when omitted.

        Returns
        -------
        dict of str to list of str
            Coder -> the ids of the transcripts they were given, sorted.
        """
        frame = store_imports.read_coverage(self.store, coders)
        given: dict[str, list[str]] = {}
        for coder, tid in zip(frame["coder"], frame["transcript_id"]):
            given.setdefault(coder, []).append(tid)
        return {coder: sorted(set(tids)) for coder, tids in given.items()}

    def assign(self, coder: str, transcripts: Sequence[str] = (), *, sheet: "str | None" = None,
               withdraw: bool = False) -> "pd.DataFrame":
        """Record which transcripts a coder was given, so agreement counts them as seen even without codings.

        Parameters
        ----------
        coder : str
            The coder (their layer's name). With ``sheet``, rows naming another coder go to them.
        transcripts : sequence of str
            Transcript ids given to ``coder``.
        sheet : path, optional
            An assignment sheet (``.csv`` or ``.xlsx``) with columns ``coder`` and ``transcript_id``
            (a row without a coder goes to ``coder``).
        withdraw : bool
            Remove these assignments instead (every assignment of ``coder`` when no transcript
            is named).

        Returns
        -------
        DataFrame
            The assignments now recorded (coder, transcript_id, source, at).

        Raises
        ------
        InputError
            An unknown transcript, or a sheet without the columns; in team mode, a coder naming
            another coder (only the lead assigns to others); nothing is written.
        """
        from ..agreement.project_api import assignment_pairs

        known = set(self._sources()["transcript_id"])  # type: ignore[attr-defined]
        pairs = assignment_pairs(coder, transcripts, sheet, known)
        if getattr(self.store, "backend", "sqlite") == "postgresql":  # team mode: a coder assigns only to themself
            from ..store import team

            team.require_own_or_lead(self.store, [coder, *(c for c, _ in pairs)],
                                     "withdraw assignments from" if withdraw else "assign transcripts to")
        with self.store.transaction():
            if withdraw:
                removed = store_imports.remove_assignments(self.store, coder, [t for _, t in pairs] or None)
                self.store.audit("withdraw assignment", target=coder, detail={"removed": removed})
            else:
                source = "assignment sheet " + str(sheet) if sheet is not None else "command"
                added = store_imports.add_assignments(self.store, pairs, source=source, at=now_iso())
                self.store.audit("assign transcripts", target=coder, detail={
                    "assigned": added, "source": source, "transcripts": sorted({t for _, t in pairs})})
        frame = store_imports.read_coverage(self.store)
        frame = frame[frame["kind"] == "assigned"]
        return frame[["coder", "transcript_id", "source", "at"]].reset_index(drop=True)

    @renamed(span_threshold="overlap", n_boot="boot")
    def agreement(self, coders: Sequence[str], unit: str = "sentence", codes: Sequence[str] | None = None, *,
                  stats: Sequence[str] | None = None, scope: str = "all", min_coverage: float = 0.0,
                  overlap: float = 0.9, boot: int = 0, seed: int = 0, confidence: float = 0.95,
                  by_transcript: bool = True, transcripts: Sequence[str] | None = None, seen: str = "given",
                  include_interviewer: bool = False, inputs: "AgreementInputs | None" = None,
                  convention: str = "gwet", boot_method: str = "units") -> "pd.DataFrame":
        """Inter-rater agreement per code, pooled and per transcript.

        Parameters
        ----------
        coders : sequence of str
            Coder layers to compare (two or more); an auto-coder's layer works like a person's.
        unit : str
            ``"sentence"``, ``"turn"``, ``"paragraph"``, ``"character"``, ``"span"``,
            ``"transcript"`` or ``"continuum"`` (Krippendorff's unitized alpha on the text itself).
        codes : sequence of str, optional
            Codes to analyse (default: every code the coders used).
        stats : sequence of str, optional
            Coefficients to report (``--stats``; default: percent agreement, Cohen's kappa,
            alpha, AC1 and PABAK for two coders; Fleiss' kappa and Brennan-Prediger instead of
            Cohen and PABAK for more).
        scope : {"all", "coded"}
            Character units: over all text, or over the text anyone coded (``--scope``).
        min_coverage : float
            Segment units: share of a unit a coding must cover to count; 0, any overlap
            (``--min-coverage``).
        overlap : float
            Span units: share |A and B| / |A or B| two spans must overlap to agree (``--overlap``;
            was ``span_threshold``, which works until 0.2.0 with a DeprecationWarning).
        boot : int
            Bootstrap replicates for the kappa and alpha intervals; 0, analytic intervals only
            (``--boot``; was ``n_boot``, likewise).
        seed : int
            Seed of the bootstrap (``--seed``).
        confidence : float
            Level of every interval (``--confidence``).
        by_transcript : bool
            Add a pooled row per transcript (default; ``--no-by-transcript`` leaves them out).
        transcripts : sequence of str, optional
            Restrict to these transcripts (``--transcripts``).
        seen : {"given", "coded", "any"}
            Which transcripts a coder saw. ``"given"`` (default): those they were given, that is
            returned in a file (a Word file of it, a coding sheet listing it, a ``.qdpx``
            source; with or without codings), were assigned (:meth:`assign`), or coded in.
            ``"coded"``: only those they coded in (a transcript a coder returned without a
            coding is then set aside, and a code they missed there is not counted against
            them). ``"any"``: every transcript any compared coder coded in or was given. The
            table states the rule (column ``seen_rule``) and counts the transcripts each coder
            did not see (``left_out``).
        include_interviewer : bool
            Segment units only. False (default): units are participants' speech; interviewer,
            facilitator, moderator and note-taker turns (and, for paragraphs, the text before the
            first turn) are left out and counted in ``attrs["set_aside"]``. True: every segment
            is a unit (what earlier versions did).
        inputs : AgreementInputs, optional
            Built by :meth:`agreement_inputs` with the same coders, unit, codes, transcripts,
            seen and include_interviewer; read from the store when not given.
        convention : {"gwet", "pairable"}
            Units rated by one coder in percent agreement, Fleiss' kappa, AC1, Brennan-Prediger
            and Conger's kappa: Gwet's convention (default, as irrCAC) or left out of every term.
        boot_method : {"units", "krippendorff"}
            With ``boot``: alpha's bootstrap resamples units (BCa interval, default) or follows
            Krippendorff's algorithm (too narrow with more than two coders).

        Returns
        -------
        DataFrame
            See :func:`mio_qual.agreement.report.agreement_table` (and
            :func:`~mio_qual.agreement.report.unitized_table` for ``unit="continuum"``).
        """
        from ..agreement.project_api import agreement
        from ..validation import check_values

        check_values(overlap=overlap, min_coverage=min_coverage, boot=boot, seed=seed, confidence=confidence,
                     convention=convention, boot_method=boot_method)  # before anything is read
        if inputs is None:
            inputs = self.agreement_inputs(coders, unit, codes, transcripts=transcripts, seen=seen,
                                           include_interviewer=include_interviewer)
        return agreement(inputs, codes, stats=stats, scope=scope, min_coverage=min_coverage,
                         overlap=overlap, boot=boot, seed=seed, confidence=confidence,
                         by_transcript=by_transcript, convention=convention, boot_method=boot_method)

    @renamed(span_threshold="overlap")
    def disagreements(self, coders: Sequence[str], unit: str = "sentence", codes: Sequence[str] | None = None, *,
                      scope: str = "all", min_coverage: float = 0.0, overlap: float = 0.9,
                      transcripts: Sequence[str] | None = None, seen: str = "given", redact: bool = True,
                      include_interviewer: bool = False, inputs: "AgreementInputs | None" = None) -> "pd.DataFrame":
        """Every disagreeing unit with its text and each coder's codes, for a reconciliation meeting.

        Parameters are those of :meth:`agreement`, and ``redact``: private by default (DESIGN.md,
        decision 9): speakers appear by study id and role and the names the project knows are
        replaced in the text (see :func:`mio_qual.agreement.project_api.disagreements`).

        Parameters
        ----------
        coders : sequence of str
            Coder layers to compare (two or more).
        unit : str
            The unit of analysis, as for :meth:`agreement`.
        codes : sequence of str, optional
            Codes to analyse (default: every code the coders used).
        scope, min_coverage, overlap
            As for :meth:`agreement` (``overlap`` was ``span_threshold``, which works until 0.2.0
            with a DeprecationWarning).
        transcripts : sequence of str, optional
            Restrict to these transcripts.
        seen : {"given", "coded", "any"}
            Which transcripts a coder saw (see :meth:`agreement`).
        redact : bool
            Speakers by study id and role, known names replaced in the text (default).
        include_interviewer : bool
            Count interviewers' segments as units (see :meth:`agreement`).
        inputs : AgreementInputs, optional
            Built by :meth:`agreement_inputs` with the same settings; read from the store when not given.

        Returns
        -------
        pandas.DataFrame
            One row per disagreeing unit and code: where it is, its text and each coder's codes.

        Raises
        ------
        InputError
            As :meth:`agreement_inputs`.
        """
        from ..agreement.project_api import disagreements
        from ..validation import check_values

        check_values(overlap=overlap, min_coverage=min_coverage)  # before anything is read
        if not redact:  # names are the lead's choice on a shared server
            self._names_for_the_lead("list the disagreements")
        if inputs is None:
            inputs = self.agreement_inputs(coders, "character" if unit == "continuum" else unit, codes,
                                           transcripts=transcripts, seen=seen,
                                           include_interviewer=include_interviewer)
        redactor = None
        if redact:
            redactor = self.redactor()
        return disagreements(inputs, codes, scope=scope, min_coverage=min_coverage, overlap=overlap,
                             redactor=redactor)

    # ------------------------------------------------------------------ auto-coding: data
    def autocode_units(self, unit: str = "sentence", *, skip_interviewer: bool = True) -> "pd.DataFrame":
        """The units an auto-coder works on (see :func:`mio_qual.autocode.units.unit_frame`).

        Parameters
        ----------
        unit : {"sentence", "paragraph", "turn"}
            The unit.
        skip_interviewer : bool
            Leave interviewer speech out (default).

        Returns
        -------
        pandas.DataFrame
            One row per unit with its text.
        """
        from ..autocode.units import check_unit, unit_frame

        return unit_frame(self.segments(check_unit(unit), with_text=False), self.texts(), unit,
                          skip_interviewer=skip_interviewer)

    def layer_labels(self, layer: "str | Layer", unit: str = "sentence") -> "LayerLabels":
        """A coding layer's codes on the units of ``unit`` (``layer``: a coder's name or ``consensus``).

        Parameters
        ----------
        layer : str or Layer
            A coder's name, ``consensus``, or a layer already read.
        unit : {"sentence", "paragraph", "turn"}
            The unit the codes are put on.

        Returns
        -------
        LayerLabels
            The layer and its unit-by-code matrix (as :meth:`code_matrix` gives it).
        """
        from ..autocode.units import LayerLabels, resolve_layer

        if isinstance(layer, str):
            layer = resolve_layer(self.coding_layers(), layer)  # type: ignore[attr-defined]
        # every unit: labelled_units decides whether the interviewer's units are analysed
        return LayerLabels(layer, self.code_matrix(unit=unit, coder=layer.coder, origin=layer.origin,
                                                   include_interviewer=True))

    def labelled_units(self, layer: str, unit: str = "sentence", *, codebook: Any = None,
                       skip_interviewer: bool = True) -> "LabelledUnits":
        """Every unit with its 0/1 labels from ``layer`` (see :func:`mio_qual.autocode.units.labelled_units`).

        Parameters
        ----------
        layer : str
            A coder's name or ``consensus``.
        unit : {"sentence", "paragraph", "turn"}
            The unit.
        codebook : Codebook, optional
            Whose codes are the labels; default the project's codebook.
        skip_interviewer : bool
            Leave interviewer speech out (default).

        Returns
        -------
        LabelledUnits
            The units (:func:`mio_qual.autocode.units.unit_frame`), the codes and the 0/1 matrix ``Y``.
        """
        from ..autocode.units import labelled_units

        labels = self.layer_labels(layer, unit)
        return labelled_units(self.autocode_units(unit, skip_interviewer=skip_interviewer), labels, unit,
                              codebook=codebook)

    # ------------------------------------------------------------------ auto-coding: rules and models
    def autocode_rules(self, codebook: Any = None, *, unit: str = "sentence", coder: str = "rules",
                       skip_interviewer: bool = True, negation_window: int = 3) -> "RulesResult":
        """Run the keyword rules over every transcript and write their layer (origin ``rules``),
        replacing the layer's previous codings, in one transaction recorded in the audit trail.

        Parameters
        ----------
        codebook : Codebook, optional
            Whose keywords to use; by default the project's codebook (:meth:`use_codebook`), else
            the bundled ``cfir2`` + ``cfir_outcomes`` + ``mio``.
        unit : {"sentence", "paragraph", "turn"}
            The unit that receives a code when one of its sentences matches.
        coder : str
            The layer written.
        skip_interviewer : bool
            Leave interviewer speech uncoded (default).
        negation_window : int
            Tokens before a hit searched for a negator; 0 keeps negated mentions.

        Returns
        -------
        RulesResult
            The layer and unit, codings inserted and removed, codings per code.
        """
        from ..autocode.rules import RuleCoder, rules_result
        from ..autocode.units import check_unit

        check_unit(unit)
        rule_coder = RuleCoder(self.codebook_for(codebook),  # type: ignore[attr-defined]
                               negation_window=negation_window)
        codings = rule_coder.code(self.segments("sentence", with_text=False), self.texts(), unit, coder,
                                  units=None if unit == "sentence" else self.segments(unit, with_text=False),
                                  skip_interviewer=skip_interviewer)
        written = self.write_codings(codings, coder=coder, origin="rules",  # type: ignore[attr-defined]
                                     codebook=rule_coder.codebook, replace="layer", action=f"autocode rules ({unit})",
                                     covers=self._sources()["transcript_id"].tolist())  # type: ignore[attr-defined]
        return rules_result(codings, rule_coder, coder=coder, unit=unit, inserted=written.inserted,
                            removed=written.removed)

    def autocode_train(self, from_layer: str | None = None, *, unit: str = "sentence", name: str = "default",
                       codebook: Any = None, skip_interviewer: bool = True, **params: Any) -> "TrainResult":
        """Train a code suggester on a layer's coding and store it under ``name`` (replacing one of that name).

        Parameters
        ----------
        from_layer : str, optional
            ``consensus`` or a coder's name; by default consensus, else the first human coder.
        unit : {"sentence", "paragraph", "turn"}
        name : str
            The stored model's name.
        codebook : Codebook, optional
            Default: the bundled cfir2 + cfir_outcomes + mio. Its version is stored with the model.
        skip_interviewer : bool
            Learn from staff speech only (default).
        **params
            :class:`~mio_qual.autocode.CodeSuggester` settings (``C``, ``min_positives``...).

        Returns
        -------
        TrainResult
            The model, its stored row (:class:`ModelInfo`), units and transcripts learned from, notes.
        """
        from ..autocode.suggest import fit, train_result, training_summary
        from ..autocode.units import check_unit, default_reference

        check_unit(unit)
        codebook = self.codebook_for(codebook)  # type: ignore[attr-defined]
        from_layer = from_layer or default_reference(self.coding_layers())
        data = self.labelled_units(from_layer, unit, codebook=codebook, skip_interviewer=skip_interviewer)
        model = fit(data, from_layer, **params)
        info = self.autocode_save_model(model, name=name, codebook=codebook, unit=unit, trained_on=from_layer,
                                        extra=training_summary(data, skip_interviewer=skip_interviewer))
        return train_result(data, model, info)

    def autocode_suggest(self, model: "str | TrainResult | None" = None, *, min_prob: float | None = None,
                         coder: str = "model", codebook: Any = None, skip_interviewer: bool = True,
                         evidence_terms: int = 3) -> "SuggestResult":
        """Write a stored model's suggestions as codings of origin ``model`` (replacing the layer's previous ones).

        Parameters
        ----------
        model : str or TrainResult, optional
            The model's name; the newest stored model by default.
        min_prob : float, optional
            Suggest a code wherever its probability is at least this, instead of the code's own
            threshold (chosen in training to maximize F1).
        coder : str
            The layer written.
        codebook : Codebook, optional
            The codebook in use; must have the version the model was trained with.
        skip_interviewer : bool
            Used when the stored model does not say which speech it learned from.
        evidence_terms : int
            How many of the most telling word n-grams to keep as evidence.

        Returns
        -------
        SuggestResult
            The layer, model and unit, codings inserted and removed, codings per code.

        Raises
        ------
        InputError
            No model, or a model trained with another codebook version.
        """
        from ..autocode.suggest import SuggestResult, TrainResult, check_min_prob, suggestions

        check_min_prob(min_prob)
        codebook = self.codebook_for(codebook)  # type: ignore[attr-defined]
        suggester, info = self.autocode_model(model.name if isinstance(model, TrainResult) else model,
                                              codebook=codebook)
        units = self.autocode_units(info.unit, skip_interviewer=info.meta.get("skip_interviewer", skip_interviewer))
        codings, per_code = suggestions(units, suggester, info, min_prob=min_prob, coder=coder,
                                        evidence_terms=evidence_terms)
        written = self.write_codings(codings, coder=coder, origin="model", codebook=codebook,  # type: ignore[attr-defined]
                                     replace="layer", action=f"autocode suggest ({info.name})",
                                     covers=units["transcript_id"].unique().tolist())
        return SuggestResult(coder, info.name, info.unit, written.inserted, written.removed, per_code)

    def autocode_evaluate(self, method: str = "model", *, reference: str | None = None, human: str | None = None,
                          unit: str = "sentence", codebook: Any = None, layer: str | None = None,
                          min_examples: int = 5, n_splits: int = 5, negation_window: int | None = None,
                          skip_interviewer: bool = True, **params: Any) -> "Evaluation":
        """Compare auto-coding with a human (or consensus) layer, per code, at one unit.

        Parameters
        ----------
        method : {"model", "rules", "layer"}
            ``model``: cross-validated by transcript; ``rules``: the keyword rules, applied now;
            ``layer``: the stored layer ``layer``.
        reference : str, optional
            The layer taken as truth; consensus if the project has one, else the first human coder.
        human : str, optional
            A second human layer for ``kappa_human``; by default another human coder than the
            reference, when there is one. ``""`` for none.
        unit, codebook, min_examples, n_splits, negation_window, **params
            See :func:`mio_qual.autocode.evaluate.evaluate`.
        layer : str, optional
            The layer evaluated with ``method="layer"``.
        skip_interviewer : bool
            Leave interviewer units out (default), as the auto-coders do.

        Returns
        -------
        Evaluation
            One row per code, then micro and macro rows, against the reference (see
            :func:`mio_qual.autocode.evaluate.evaluate`).
        """
        from ..autocode.evaluate import evaluate, evaluation_layers
        from ..autocode.units import check_unit

        check_unit(unit)
        ref_layer, human_layer, auto_layer = evaluation_layers(self.coding_layers(), method, reference=reference,
                                                               human=human, layer=layer)
        rules = method == "rules"
        return evaluate(
            self.autocode_units(unit, skip_interviewer=skip_interviewer), self.layer_labels(ref_layer, unit), method,
            unit=unit, human=self.layer_labels(human_layer, unit) if human_layer is not None else None,
            layer=self.layer_labels(auto_layer, unit) if auto_layer is not None else None,
            codebook=self.codebook_for(codebook),  # type: ignore[attr-defined]
            min_examples=min_examples, n_splits=n_splits, negation_window=negation_window,
            sentences=self.segments("sentence", with_text=False) if rules else None,
            texts=self.texts() if rules else None,
            unit_segments=self.segments(unit, with_text=False) if rules and unit != "sentence" else None, **params)

    # ------------------------------------------------------------------ auto-coding: stored models
    def autocode_save_model(self, model: "CodeSuggester", *, name: str, codebook: Any, unit: str, trained_on: str,
                            extra: dict[str, Any] | None = None) -> "ModelInfo":
        """Store a trained model under ``name`` (replacing a model of that name), in one transaction.

        Parameters
        ----------
        model : CodeSuggester
            The trained model.
        name : str
            The name it is stored under.
        codebook : Codebook
            The codebook it was trained with (its version is stored).
        unit : str
            The unit it was trained on.
        trained_on : str
            The layer it learned from.
        extra : dict, optional
            More information kept with the model.

        Returns
        -------
        ModelInfo
            The stored model's row.
        """
        from ..autocode.persist import model_info, model_row

        row = model_row(model, name=name, codebook=codebook, unit=unit, trained_on=trained_on, extra=extra)
        with self.store.transaction():
            self.register_codebook(codebook)  # type: ignore[attr-defined]
            replaced = store_models.write_model(self.store, row)
            self.store.audit("autocode train", target=name, codebook_version=codebook.version, detail={
                "unit": unit, "trained_on": trained_on, "codes": len(row.meta["codes"]), "replaced": replaced,
                "bytes": len(row.weights or b"")})
        return model_info(row)

    def autocode_model(self, name: str | None = None, *, codebook: Any = None) -> "tuple[CodeSuggester, ModelInfo]":
        """Load a stored model (the newest when ``name`` is None), refusing one trained with another
        codebook version than ``codebook``'s.

        Parameters
        ----------
        name : str, optional
            The model's name; the newest stored model when omitted.
        codebook : Codebook, optional
            The codebook in use; the model must have been trained with its version.

        Returns
        -------
        tuple of (CodeSuggester, ModelInfo)
            The model and its stored row.

        Raises
        ------
        InputError
            When no model is stored (under ``name``), or it was trained with another codebook version.
        """
        from ..autocode.persist import load_model

        return load_model(self._model_row(name, with_weights=True), codebook=codebook)

    def autocode_model_info(self, name: str | None = None) -> "ModelInfo":
        """A stored model's row without its weights (the newest model when ``name`` is None).

        Parameters
        ----------
        name : str, optional
            The model's name; the newest stored model when omitted.

        Returns
        -------
        ModelInfo
            The stored model's row.

        Raises
        ------
        InputError
            When no model is stored (under ``name``).
        """
        from ..autocode.persist import model_info

        return model_info(self._model_row(name, with_weights=False))

    def autocode_models(self) -> "pd.DataFrame":
        """Stored models, newest first: name, created, unit, trained_on, codes, codebook and library versions.

        Returns
        -------
        pandas.DataFrame
            One row per stored model.
        """
        return store_models.list_models(self.store)

    def autocode_delete_model(self, name: str) -> None:
        """Remove a stored model (recorded in the audit trail).

        Parameters
        ----------
        name : str
            The model's name.

        Raises
        ------
        InputError
            When no model has that name.
        """
        from ..autocode.persist import no_model

        with self.store.transaction():
            if not store_models.delete_model(self.store, name):
                raise no_model(name, store_models.model_names(self.store), path=self.folder)
            self.store.audit("autocode delete model", target=name)

    def _model_row(self, name: str | None, *, with_weights: bool) -> "store_models.ModelRow":
        from ..autocode.persist import no_model

        row = store_models.read_model(self.store, name, with_weights=with_weights)
        if row is None:
            raise no_model(name, store_models.model_names(self.store), path=self.folder)
        return row

"""Mixed methods: the Project methods for ratings, quantitative outcomes and joint displays.

Each method reads what it needs from the store (:mod:`mio_qual.store.ratings`,
:mod:`mio_qual.store.quant`, the codings and transcripts), hands it to :mod:`mio_qual.mixed`,
and writes what comes back inside one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..deprecation import renamed
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..errors import InputError
    from ..mixed.constructs import Constructs
    from ..mixed.joint import JointData, JointDisplay
    from ..mixed.quant import QuantImport
    from ..mixed.ratings import ConsensusResult, RatingImport, RatingRow
    from ..mixed.worksheet import Worksheet
    from ..result import Result


@dataclass
class WorksheetFiles:
    """What :meth:`MixedMixin.write_rating_worksheets` wrote.

    Attributes
    ----------
    sheet : Worksheet
        The content, the same for every rater.
    files : list of Path
        The files written (``ratings_<rater>.xlsx`` and ``.docx`` per rater).
    """

    sheet: "Worksheet"
    files: list[Path]


JOINT_CLI_NAMES = {"construct": "constructs=[...]"}
"""`mio-qual joint` options that :meth:`MixedMixin.joint_display` spells differently (its old ``--construct``;
the rule's options, ``--criterion``, ``--split`` ..., are its parameters of the same name)."""

CONFIGURATION_CLI_NAMES = {"rule": "rules=['IS.J2 >= 1', ...]", "default_rule": "default='>= 1'",
                           "expect": "expectations=[...]", "condition": "conditions=[...]"}
"""`mio-qual configurations` options that :meth:`MixedMixin.configurations` spells differently."""


class MixedMixin(ProjectBase):
    """Construct ratings, quantitative outcomes and joint displays."""

    # ------------------------------------------------------------------ shared inputs
    def constructs(self, codebook: Any = None) -> "Constructs":
        """Names, order and rateability of codes: from ``codebook``, the project's newest
        registered codebook, or the bundled ones (see :func:`mio_qual.mixed.constructs.load_constructs`).

        Parameters
        ----------
        codebook : Codebook or codebook names, optional
            The codebook to read; default the project's newest registered codebook, else the bundled ones.

        Returns
        -------
        Constructs
            Code information by id, in codebook order.
        """
        from ..mixed.constructs import load_constructs
        from ..store.summary import latest_codebook

        if codebook is not None:
            return load_constructs(codebook)
        try:
            latest = latest_codebook(self.store)
        except ValueError:  # a stored codebook that is not JSON: fall back to the bundled ones
            latest = None
        return load_constructs(stored=(latest[0], latest[2]) if latest else None)

    def cases(self, by: str = "clinic") -> list[str]:
        """The cases of a kind (clinic, agency, role, transcript) the transcripts define, sorted.

        Parameters
        ----------
        by : {"clinic", "agency", "role", "transcript"}
            The case kind.

        Returns
        -------
        list of str

        Raises
        ------
        InputError
            When ``by`` is not a case kind.
        """
        from ..mixed.constructs import case_column, cases_of

        case_column(by)
        return cases_of(by, self.transcripts(), self.speakers())

    def _all_cases(self) -> dict[str, list[str]]:
        from ..mixed.constructs import CASE_KINDS, cases_of

        transcripts, speakers = self.transcripts(), self.speakers()
        return {kind: cases_of(kind, transcripts, speakers) for kind in CASE_KINDS}

    def evidence(self, by: str = "clinic", *, coder: str | Sequence[str] | None = None,
                 constructs: Sequence[str] | None = None, codebook: Any = None, links: bool | str | Path = False,
                 redact_names: bool = True) -> "pd.DataFrame":
        """The coded excerpts behind each construct in each case, de-identified
        (see :func:`mio_qual.mixed.evidence.evidence`).

        ``coder`` names the coding layers; by default the consensus layers, else every human
        layer merged. ``links`` (opt-in): True follows the reviewed study-code links
        (:meth:`construct_links`), a path reads links from that file.

        Parameters
        ----------
        by : {"clinic", "agency", "role", "transcript"}
            The case kind.
        coder : str or sequence of str, optional
            The coding layers read.
        constructs : sequence of str, optional
            These constructs only.
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).
        links : bool or str or Path
            Follow study-code links (opt-in; see above).
        redact_names : bool
            Redact the names the project knows in the excerpts (default).

        Returns
        -------
        pandas.DataFrame
            One row per coded excerpt, case and construct.
        """
        return self._evidence(by, coder=coder, constructs=constructs, info=self.constructs(codebook),
                              links=links, redact_names=redact_names)[0]

    def construct_links(self, links: bool | str | Path = True, codebook: Any = None) -> "pd.DataFrame | None":
        """The study-code -> construct links in force, each with its reason
        (see :func:`mio_qual.mixed.links.link_table`); None when ``links`` is False.

        ``links``: True for the bundled reviewed links (``codebooks/links/``), or a link file.

        Parameters
        ----------
        links : bool or str or Path
            True, a link file, or False.
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).

        Returns
        -------
        pandas.DataFrame or None
            One row per link with its reason; None when ``links`` is False.
        """
        return self._link_table(links, self.constructs(codebook))

    @staticmethod
    def _link_table(links: bool | str | Path | None, info: "Constructs") -> "pd.DataFrame | None":
        from ..mixed.links import link_table, read_links

        if links is False or links is None:
            return None
        return link_table(info, None if links is True else read_links(links))  # type: ignore[arg-type]

    def _evidence(self, by: str, *, coder: str | Sequence[str] | None, info: "Constructs",
                  constructs: Sequence[str] | None = None, links: bool | str | Path = False,
                  redact_names: bool = True) -> tuple["pd.DataFrame", str]:
        """The excerpts and a phrase naming the layers they came from."""
        import pandas as pd

        from ..mixed.evidence import EVIDENCE_COLUMNS, choose_layers, evidence
        from ..store.codings import layer_summary
        from ..store.transcripts import transcript_texts, turn_spans

        if self._once is not None:  # a report has read the layers' facts
            summary = self._coding_facts().layer_table()  # type: ignore[attr-defined]
        else:
            summary = layer_summary(self.store)
        layers, phrase = choose_layers(summary, coder)
        if coder is not None:
            self._check_coders(layers, known=summary["coder"])  # type: ignore[attr-defined]
        codings = self._layer_codings(layers) if layers else None
        if codings is None or not len(codings):
            return pd.DataFrame(columns=EVIDENCE_COLUMNS), phrase
        coded = sorted(set(codings["transcript_id"].unique().tolist()))
        turns = turn_spans(self.store)  # where each turn starts and ends, and who
        frame = evidence(codings, self.transcripts(), self.speakers(), turns[turns["transcript_id"].isin(coded)],
                         transcript_texts(self.store, coded), by, info=info, constructs=constructs,  # the coded texts
                         links=self._link_table(links, info), memos=self._layer_memos(layers),
                         names=self.names_to_redact() if redact_names else None)
        return frame, phrase

    def _layer_codings(self, layers: Sequence[str]) -> "pd.DataFrame":
        """The codings of ``layers`` (:func:`mio_qual.store.codings.layer_codings`),
        read once per report: agreement and the evidence of the same layers share them."""
        from ..store.codings import layer_codings

        return self._read_once(("codings", tuple(sorted(layers))), lambda: layer_codings(self.store, list(layers)))

    def _layer_memos(self, layers: Sequence[str]) -> "pd.DataFrame":
        """The codings of ``layers`` that carry a memo (transcript_id, start, end, code, coder, memo), read once per
        report: the evidence reads their valence words, the themes quote them."""
        from ..store.codings import coding_memos

        return self._read_once(("memos", tuple(sorted(layers))), lambda: coding_memos(
            self.store, list(layers), columns=("transcript_id", "start", "end", "code", "coder", "memo")))

    # ------------------------------------------------------------------ ratings
    def rating_worksheet(self, by: str = "clinic", *, coder: str | Sequence[str] | None = None,
                         constructs: Sequence[str] | None = None, cases: Sequence[str] | None = None,
                         codebook: Any = None, links: bool | str | Path = False, mixed_x: bool = False,
                         redact_names: bool = True) -> "Worksheet":
        """The content of a rating worksheet: per construct and case the counts and excerpts
        (see :func:`mio_qual.mixed.worksheet.build_worksheet`).

        Parameters
        ----------
        by : {"clinic", "agency", "role", "transcript"}
        coder : str or sequence of str, optional
            Coding layers to quote (default: consensus, else every human layer merged).
        constructs : sequence of str, optional
            Constructs to rate (default: every rateable CFIR construct coded directly).
        cases : sequence of str, optional
            Cases to include (default: every case of the kind).
        codebook : optional
            See :meth:`constructs`.
        links : bool or path
            Opt-in: also quote excerpts of study codes linked to a construct (True: the reviewed
            links, see :meth:`construct_links`; a path: a link file), in their own column.
        mixed_x : bool
            Offer X (mixed, not weighed) on the scale: an extension to Damschroder & Lowery
            (2013), who rate balanced influence 0; the sheet says so.
        redact_names : bool
            Redact roster names in the excerpts.

        Returns
        -------
        Worksheet
            The worksheet's rows, before it is written.
        """
        from ..mixed.constructs import case_column
        from ..mixed.worksheet import build_worksheet

        case_column(by)
        info = self.constructs(codebook)
        excerpts, phrase = self._evidence(by, coder=coder, info=info, links=links, redact_names=redact_names)
        rapid, rapid_source = self.rapid_worksheet_evidence(by)  # type: ignore[attr-defined]
        return build_worksheet(excerpts, info, by, case_ids=self.cases(by), layers=phrase, constructs=constructs,
                               cases=cases, links=self._link_table(links, info), mixed_x=mixed_x, rapid=rapid,
                               rapid_source=rapid_source)

    def write_rating_worksheets(self, folder: str | Path, raters: Sequence[str] | None = None, *, by: str = "clinic",
                                docx: bool = True, force: bool = False, mask_sites: bool = False,
                                **options: Any) -> WorksheetFiles:
        """Write each rater's worksheet (``ratings_<rater>.xlsx`` to fill, ``.docx`` to read) into ``folder``.

        Parameters
        ----------
        folder : str or Path
        raters : sequence of str, optional
            One worksheet each (default: one unnamed ``ratings_worksheet``).
        by : str
        docx : bool
            Also write the ``.docx`` files.
        force : bool
            Replace worksheets already in ``folder`` (refused otherwise: a rater may have filled them).
        mask_sites : bool
            Print clinics and agencies as ``clinic A`` ... (:meth:`redactor`; the import maps them back).
        **options
            As :meth:`rating_worksheet` takes them (coder, constructs, cases, codebook,
            links, mixed_x, redact_names).

        Returns
        -------
        WorksheetFiles
            The files written.
        """
        from ..exports import refuse_overwrite
        from ..mixed.worksheet import worksheet_stem
        from ..reports.worksheet import write_worksheet

        stems = [worksheet_stem(rater) for rater in (list(raters) if raters else [None])]
        refuse_overwrite([Path(folder) / f"{stem}{suffix}" for stem in stems
                          for suffix in ((".xlsx", ".docx") if docx else (".xlsx",))], force=force)
        sheet = self.rating_worksheet(by, **options)
        if sheet.rows.empty:
            raise self._empty_worksheet_error(sheet, options)
        files: list[Path] = []
        redactor = self.redactor(mask_sites=mask_sites) if options.get("redact_names", True) else None  # type: ignore[attr-defined]
        for rater in (list(raters) if raters else [None]):
            files += write_worksheet(sheet, folder, rater, docx=docx, redactor=redactor, when=self._last_change())  # type: ignore[attr-defined]
        return WorksheetFiles(sheet, files)

    def _empty_worksheet_error(self, sheet: "Worksheet", options: dict[str, Any]) -> "InputError":
        """Why a worksheet would have no rows, and the constructs the coded study codes refine."""
        from ..errors import InputError

        if options.get("constructs") or options.get("cases"):
            return InputError(f"the worksheet would have no rows: none of the constructs or cases named is in "
                              f"{sheet.layers}", hint="see `mio-qual codebook show ID` and the cases of "
                              "`mio-qual transcripts list`")
        book = self.codebook_for(options.get("codebook"))  # type: ignore[attr-defined]
        coded = set(self.codings()["code"])  # type: ignore[attr-defined]
        refined = sorted({r for code in book if code.id in coded for r in (code.refines or ())})
        hint = ("the study codes coded refine " + ", ".join(refined) + ": name the constructs to rate (" +
                "--constructs " + " ".join(refined[:3]) + (" ..." if len(refined) > 3 else "") +
                " --links; from Python constructs=[...], links=True)") if refined else \
            "code the transcripts with CFIR constructs first, or name the constructs with --constructs"
        return InputError(f"the worksheet would have no rows: no CFIR construct is coded directly in {sheet.layers} "
                          "(nothing was written)", hint=hint)

    def import_ratings(self, path: str | Path, rater: str | None = None, *, by: str | None = None,
                       codebook: Any = None) -> "RatingImport":
        """Import a rater's filled worksheet (or a CSV) into the ratings, in one transaction.

        Each (case, construct) the file rates replaces that rater's earlier rating of it;
        ratings the same file brought before but no longer holds are removed. Empty ratings
        are kept as missing.

        Parameters
        ----------
        path : str or Path
            A worksheet written by :meth:`write_rating_worksheets` and filled in, or a CSV with
            columns case_id, construct, rating and optionally case_kind, rationale.
        rater : str, optional
            Whose ratings these are (default: the rater the worksheet names).
        by : str, optional
            Case kind for files without a ``case_kind`` column.
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).

        Returns
        -------
        RatingImport
            The rater, file, rows read, ratings stored, missing and replaced.

        Raises
        ------
        InputError
            Every bad cell with sheet, row and column; nothing is imported then.
        """
        from ..mixed.ratings import check_rater, read_rating_file

        path = Path(path)
        rater = check_rater(path, rater)
        cases, masked = self._all_cases(), self.masked_case_ids()  # type: ignore[attr-defined]
        known = {kind: [*values, *(label for label in masked.get(kind, {}) if label not in values)]
                 for kind, values in cases.items()}
        rows, _ = read_rating_file(path, cases=known, by=by, info=self.constructs(codebook))
        rows = [replace(r, case_id=masked[r.case_kind][r.case_id]) if r.case_id not in cases.get(r.case_kind, ())
                and r.case_id in masked.get(r.case_kind, {}) else r for r in rows]  # labels of a redacted worksheet
        from ..mixed.ratings import worksheet_evidence

        # what the rater was shown (the worksheet's about sheet): the Aim 3 methods say it, not assume it
        return self._store_ratings(rows, rater, path, action="import ratings", shown=worksheet_evidence(path))

    def _store_ratings(self, rows: Sequence["RatingRow"], rater: str, path: Path | None, *, action: str,
                       replace_case_kind: str | None = None, shown: dict[str, str] | None = None) -> "RatingImport":
        from ..mixed.ratings import summarize_import
        from ..store import now_iso
        from ..store.imports import record_import
        from ..store.ratings import write_ratings

        source = path.name if path else None
        created = now_iso()
        records = [(r.case_kind, r.case_id, r.construct, r.rating, r.rationale, r.quote) for r in rows]
        with self.store.transaction():
            replaced, removed = write_ratings(self.store, rater, records, source_file=source, created=created,
                                              replace_case_kind=replace_case_kind)
            result = summarize_import(rater, path, rows, replaced, removed)
            if path is not None and path.is_file():
                record_import(self.store, kind="ratings", path=str(path),
                              sha256=hashlib.sha256(path.read_bytes()).hexdigest(), coder=rater, n_items=len(rows),
                              at=created)
            self.store.audit(action, target=rater, detail={
                "source_file": source, "rows": result.rows, "rated": result.rated, "missing": result.missing,
                "removed": result.removed, "cases": result.cases,
                **({"rater": rater, "shown": shown} if shown else {})})
        return result

    @renamed(rater="raters", construct="constructs", case_id="cases")
    def ratings(self, raters: str | Sequence[str] | None = None, by: str | None = None,
                constructs: str | Sequence[str] | None = None, cases: str | Sequence[str] | None = None,
                codebook: Any = None) -> "pd.DataFrame":
        """Construct ratings, one row per rater, case and construct
        (columns as :func:`mio_qual.mixed.ratings.rating_frame` gives them).

        Parameters
        ----------
        raters, constructs, cases : str or sequence of str, optional
            Filters (``'a,b'`` names two); ``mio-qual ratings list --raters --constructs --cases``
            (were ``rater``, ``construct`` and ``case_id``, which work until 0.2.0 with a
            DeprecationWarning).
        by : str, optional
            Keep one case kind.
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).

        Returns
        -------
        pandas.DataFrame
            One row per rater, case and construct.
        """
        from ..mixed.constructs import as_list, case_column
        from ..mixed.ratings import rating_frame
        from ..store.ratings import read_ratings

        self._check_raters(raters)
        stored = read_ratings(self.store, rater=as_list(raters), case_kind=case_column(by) if by is not None else None,
                              construct=as_list(constructs), case_id=as_list(cases))
        return rating_frame(stored, self.constructs(codebook))

    def raters(self, by: str | None = None) -> list[str]:
        """Raters with ratings (of one case kind), consensus last.

        Parameters
        ----------
        by : str, optional
            One case kind; every kind when omitted.

        Returns
        -------
        list of str
            Rater names, ``consensus`` last.
        """
        from ..mixed.ratings import order_raters
        from ..store.ratings import rater_names

        return order_raters(rater_names(self.store, by))

    def _check_raters(self, raters: str | Sequence[str] | None) -> None:
        """Refuse rater names given explicitly that have no ratings in the project (of any case
        kind), naming them with close matches, rather than answer with an empty table."""
        from ..errors import unknown_names
        from ..mixed.constructs import as_list
        from ..store.ratings import rater_names

        named = as_list(raters)
        if not named:
            return
        error = unknown_names("rater", named, rater_names(self.store, None), listing="mio-qual ratings list",
                              path=self.folder)
        if error is not None:
            raise error

    def _compared(self, raters: Sequence[str] | None, by: str) -> list[str]:
        """The raters named, else every rater of the kind but consensus."""
        from ..mixed.constructs import as_list
        from ..mixed.ratings import CONSENSUS

        return list(as_list(raters) or [r for r in self.raters(by) if r != CONSENSUS])

    def construct_matrix(self, by: str = "clinic", rater: str | None = None, constructs: Sequence[str] | None = None,
                         cases: Sequence[str] | None = None, numeric: bool = False,
                         codebook: Any = None) -> "pd.DataFrame":
        """Construct x case matrix of one rater's (default: the consensus, else the only rater's)
        ratings (see :func:`mio_qual.mixed.ratings.construct_matrix`).

        Parameters
        ----------
        by : {"clinic", "agency", "role", "transcript"}
            The case kind.
        rater : str, optional
            Whose ratings (default: the consensus, else the only rater).
        constructs, cases : sequence of str, optional
            These constructs and cases only.
        numeric : bool
            Scores (-2 ... 2, NaN for X and missing) instead of rating texts.
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).

        Returns
        -------
        pandas.DataFrame
            Index ``construct``, one column per case.
        """
        from ..mixed.constructs import case_column
        from ..mixed.ratings import construct_matrix, default_rater

        case_column(by)
        rater = rater or default_rater(self.raters(by), by)
        return construct_matrix(self.ratings(raters=rater, by=by, codebook=codebook), self.constructs(codebook), by,
                                rater=rater, case_ids=self.cases(by), constructs=constructs, cases=cases,
                                numeric=numeric)

    def rating_matrix(self, by: str = "clinic", rater: str | None = None, codebook: Any = None) -> "Result":
        """The construct x case matrix as a result to show or write: a table with construct names,
        and its heatmap (see :func:`mio_qual.mixed.ratings.matrix_result`).

        Parameters
        ----------
        by : {"clinic", "agency", "role", "transcript"}
            The case kind.
        rater : str, optional
            Whose ratings (default: the consensus, else the only rater).
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).

        Returns
        -------
        Result
            The matrix table and its heatmap.
        """
        from ..mixed.ratings import matrix_result

        return matrix_result(self.construct_matrix(by=by, rater=rater, codebook=codebook), self.constructs(codebook),
                             by)

    def rating_agreement(self, raters: Sequence[str] | None = None, by: str = "clinic",
                         construct: Sequence[str] | None = None) -> "pd.DataFrame":
        """Agreement between raters: ordinal and nominal alpha, linear weighted kappa, exact and
        within-one agreement (see :func:`mio_qual.mixed.ratings.rating_agreement`).
        Default raters: every rater but consensus.

        Parameters
        ----------
        raters : sequence of str, optional
            The raters compared (two or more).
        by : {"clinic", "agency", "role", "transcript"}
            The case kind.
        construct : sequence of str, optional
            These constructs only.

        Returns
        -------
        pandas.DataFrame
            One row per statistic and rater pair (statistic, raters, value, se, ci_low,
            ci_high, n_units, note, source).
        """
        from ..mixed.ratings import rating_agreement

        names = self._compared(raters, by)
        return rating_agreement(self.ratings(raters=names, by=by), names, by, construct=construct)

    def rating_disagreements(self, raters: Sequence[str] | None = None, by: str = "clinic",
                             codebook: Any = None) -> "pd.DataFrame":
        """Every (case, construct) the raters rated differently, as a reconciliation sheet
        (see :func:`mio_qual.mixed.ratings.rating_disagreements`).

        Parameters
        ----------
        raters : sequence of str, optional
            The raters compared (default: every rater but consensus).
        by : {"clinic", "agency", "role", "transcript"}
            The case kind.
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).

        Returns
        -------
        pandas.DataFrame
            One row per (case, construct) rated differently, with each rater's rating.
        """
        from ..mixed.ratings import rating_disagreements

        names = self._compared(raters, by)
        return rating_disagreements(self.ratings(raters=names, by=by, codebook=codebook), names,
                                    self.constructs(codebook), by)

    def build_consensus(self, raters: Sequence[str] | None = None, *, by: str = "clinic",
                        decisions: str | Path | None = None, allow_unresolved: bool = False,
                        codebook: Any = None) -> "ConsensusResult":
        """Build the consensus rating layer (rater ``consensus``) from the raters' ratings and a
        reconciliation file, in one transaction; the raters' own ratings are never changed
        (see :func:`mio_qual.mixed.ratings.build_consensus`).

        Parameters
        ----------
        raters : sequence of str, optional
            The raters combined (default: every rater of the case kind but consensus).
        by : {"clinic", "agency", "role", "transcript"}
            The case kind.
        decisions : str or Path, optional
            The filled reconciliation file (:meth:`rating_disagreements` as a sheet).
        allow_unresolved : bool
            Store disagreements without a decision as missing (default: refuse and list them).
        codebook : codebook or source, optional
            Names and order of the constructs (see :meth:`constructs`).

        Returns
        -------
        ConsensusResult
            Ratings agreed, decided, unresolved and written.

        Raises
        ------
        InputError
            Bad cells in the decisions file, or disagreements left without a decision.
        """
        from ..mixed.ratings import CONSENSUS, build_consensus, read_rating_file

        names = self._compared(raters, by)
        rows: list[RatingRow] = []
        if decisions is not None and len(names) >= 2:
            rows, _ = read_rating_file(decisions, cases=self._all_cases(), by=by, info=self.constructs(codebook),
                                       what="reconciliation file")
        result, layer = build_consensus(self.ratings(raters=names, by=by), names, by=by, decisions=rows,
                                        decisions_path=decisions, allow_unresolved=allow_unresolved)
        written = self._store_ratings(layer, CONSENSUS, Path(decisions) if decisions else None,
                                      action="build rating consensus", replace_case_kind=by)
        result.written = written.rows
        return result

    # ------------------------------------------------------------------ quantitative data
    def import_quant(self, path: str | Path, *, dataset: str | None = None, kind: str | None = None,
                     level: str | None = None, sheet: str | None = None, measures: Sequence[str] | None = None,
                     ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
                     min_items: int = 4) -> "QuantImport":
        """Import a quantitative file (fidelity, FIM/AIM/IAM, reach/adoption, activities or generic)
        in one transaction; importing under a dataset name replaces that dataset whole.

        Parameters
        ----------
        path : str or Path
            A ``.csv`` or ``.xlsx`` file.
        dataset : str, optional
            The name the values are stored under (default: the file name without its suffix).
        kind : str, optional
            One of :data:`mio_qual.mixed.quant.KINDS` (default: detected from the columns).
        level : str, optional
            For generic files: mother, session, counselor, clinic or agency.
        sheet : str, optional
            The sheet of an ``.xlsx`` file (default the first).
        measures : sequence of str, optional
            For generic files: the columns read as measures (default: the mostly numeric ones).
        ranges : mapping, optional
            ``{column: (low, high)}`` valid ranges for columns the measure table does not know.
        min_items : int
            Items a FIM/AIM/IAM scale needs to be scored (default all four).

        Returns
        -------
        QuantImport
            The dataset, kind, level, file, rows and values stored, warnings.

        Raises
        ------
        InputError
            Every bad cell with sheet, row and column; nothing is stored then.
        """
        from ..mixed.constructs import clinic_agencies
        from ..mixed.quant import QuantImport, quant_records, read_quant
        from ..store import now_iso
        from ..store.imports import record_import
        from ..store.quant import replace_dataset

        path = Path(path)
        transcripts = self.transcripts()
        cases = self._all_cases()
        rows, _, spec, names, warnings = read_quant(
            path, kind=kind, level=level, clinics=cases["clinic"], agencies=cases["agency"],
            agency_of=clinic_agencies(transcripts), sheet=sheet, measures=measures, ranges=ranges,
            min_items=min_items)
        name = dataset or path.stem
        records = quant_records(rows, spec.level, name, path.name)
        result = QuantImport(dataset=name, kind=spec.name, level=spec.level, path=path, rows=len(rows),
                             measures=names, warnings=warnings, values=sum(r[6] is not None for r in records))
        with self.store.transaction():
            result.replaced = replace_dataset(self.store, name, records)
            record_import(self.store, kind="quant", path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                          coder=None, n_items=len(rows), at=now_iso())
            self.store.audit("import quantitative data", target=name, detail={
                "kind": spec.name, "level": spec.level, "rows": len(rows), "measures": names,
                "replaced": result.replaced, "source_file": path.name, "warnings": warnings[:20]})
        return result

    def quant(self, dataset: str | Sequence[str] | None = None, measure: str | Sequence[str] | None = None,
              clinic: str | Sequence[str] | None = None) -> "pd.DataFrame":
        """Stored quantitative values, one row per unit and measure.

        Columns: dataset, level, unit_id, agency, clinic, measure, value, source_file, row, and
        the row's other columns (counselor_id, date, phase ...). ``measure`` understands
        aliases such as ``feasibility`` and names in any case (``FIM``).

        Parameters
        ----------
        dataset, measure, clinic : str or sequence of str, optional
            Filters: datasets, measures (aliases understood) and clinics.

        Returns
        -------
        pandas.DataFrame
            One row per unit and measure.
        """
        from ..mixed.constructs import as_list
        from ..store.quant import read_quant
        from ..validation import measure_name

        measures = as_list(measure)
        return read_quant(self.store, dataset=as_list(dataset), clinic=as_list(clinic),
                          measure=[measure_name(m) for m in measures] if measures is not None else None)

    def outcomes(self, by: str = "clinic", measures: str | Sequence[str] | None = None,
                 dataset: str | Sequence[str] | None = None, pool: str = "counselors") -> "pd.DataFrame":
        """Quantitative outcomes aggregated to clinic or agency with n, mean, SD, median and source
        level (see :func:`mio_qual.mixed.aggregate.aggregate`).

        Session-level measures (fidelity, adherence, competence) are counselor means first, then
        the clinic mean of counselors (``pool="counselors"``, as Aim 2 and the joint displays);
        ``pool="sessions"`` pools every session instead (a counselor with more sessions weighs more).

        Parameters
        ----------
        by : {"clinic", "agency"}
            The case kind.
        measures : str or sequence of str, optional
            These measures only (aliases understood).
        dataset : str or sequence of str, optional
            These datasets only.
        pool : {"counselors", "sessions"}
            Session-level values: counselor means first (default), or every session pooled.

        Returns
        -------
        pandas.DataFrame
            One row per case and measure.
        """
        from ..mixed.aggregate import aggregate

        return aggregate(self.quant(dataset=dataset), by=by, measures=measures, pool=pool)

    def phases(self, by: str = "clinic", dataset: str | Sequence[str] | None = None) -> "pd.DataFrame":
        """Implementation activities (Aim 2): completion and duration per case and phase
        (see :func:`mio_qual.mixed.aggregate.phase_summary`).

        Parameters
        ----------
        by : {"clinic", "agency"}
            The case kind.
        dataset : str or sequence of str, optional
            These datasets only.

        Returns
        -------
        pandas.DataFrame
            One row per case and phase.
        """
        from ..mixed.aggregate import phase_summary
        from ..mixed.constructs import as_list
        from ..store.quant import read_quant

        return phase_summary(read_quant(self.store, dataset=as_list(dataset), level="activity"), by=by)

    # ------------------------------------------------------------------ joint displays
    def joint_data(self, by: str = "clinic", *, coder: str | Sequence[str] | None = None, codebook: Any = None,
                   excerpts: bool = False, links: bool | str | Path = False) -> "JointData":
        """What the joint displays are built from (see :class:`mio_qual.mixed.joint.JointData`).

        Parameters
        ----------
        by : str
        coder : str or sequence of str, optional
            Coding layers to quote from (with ``excerpts``).
        codebook : optional
        excerpts : bool
            Read the coded excerpts too (the side-by-side display quotes them).
        links : bool or path
            Opt-in: excerpts of linked study codes too (see :meth:`evidence`).

        Returns
        -------
        JointData
        """
        from ..mixed.constructs import case_column
        from ..mixed.joint import JointData

        case_column(by)
        info = self.constructs(codebook)
        quotes = self._evidence(by, coder=coder, info=info, links=links)[0] if excerpts else None
        return JointData(self.ratings(by=by, codebook=codebook), self.quant(), info, by, self.cases(by), quotes,
                         self.names_to_redact() if excerpts else set())

    def joint_display(self, display: str = "case-ordered", outcome: str = "fidelity", *, by: str = "clinic",
                      coder: str | Sequence[str] | None = None, codebook: Any = None, links: bool | str | Path = False,
                      **options: Any) -> "JointDisplay":
        """A joint display of ratings and an outcome: ``case-ordered``, ``side-by-side``,
        or ``stats-by-theme`` (configurational analysis is :meth:`configurations`).

        Parameters
        ----------
        display : str
        outcome : str
            A stored measure (any case: ``FIM``) or an alias (``fidelity``, ``feasibility`` ...).
        by : {"clinic", "agency"}
        coder : str or sequence of str, optional
            Side-by-side: the coding layers to quote.
        links : bool or path
            Side-by-side: also quote excerpts of linked study codes (opt-in; marked ``via``).
        codebook : optional
        **options
            Those of the display's function in :mod:`mio_qual.mixed.joint` (rater, rule,
            constructs, sort, fit, quotes), or instead of ``rule`` its fields, as ``mio-qual joint``
            and :meth:`report_joint` take them (criterion, min_rated, split, threshold, high, low,
            strong, weak: one :class:`~mio_qual.mixed.joint.DistinguishRule`).

        Returns
        -------
        JointDisplay
            ``.result()`` gives it to :func:`mio_qual.reports.render.render` (the case-ordered
            display with its heatmap).
        """
        from ..errors import check_options
        from ..mixed.joint import case_ordered, display_key, joint_display, side_by_side, stats_by_theme

        key = display_key(display)
        target = {"case-ordered": case_ordered, "side-by-side": side_by_side, "stats-by-theme": stats_by_theme}[key]
        options = _rule_from_fields(options)  # --criterion, --split ... as report_joint takes them
        check_options(target, options, f"joint_display({key!r})", JOINT_CLI_NAMES)
        data = self.joint_data(by, coder=coder, codebook=codebook, excerpts=key == "side-by-side", links=links)
        return joint_display(data, key, outcome, **options)

    def configurations(self, method: str, outcome: str, *, conditions: Sequence[str] | None = None,
                       by: str = "clinic", rater: str | None = None, **options: Any) -> "Result":
        """csQCA or CNA of construct ratings (conditions) against an outcome, per clinic or agency.

        The conditions are the constructs the analyst names (``conditions``; no default: picking
        those that distinguish on the same outcome makes the analysis circular, and passing
        ``chosen_by="distinguishing"`` says so in the output). Calibration rules, thresholds and
        expectations go in ``options`` (see :func:`mio_qual.mixed.configurations.qca_result` and
        :func:`~mio_qual.mixed.configurations.cna_result`); the outcome column is named after
        ``outcome`` and holds each case's mean.

        Parameters
        ----------
        method : {"qca", "cna"}
            Crisp-set QCA or coincidence analysis.
        outcome : str
            The quantitative outcome (its case mean is the outcome column).
        conditions : sequence of str, optional
            The constructs used as conditions.
        by : {"clinic", "agency"}
            The case kind.
        rater : str, optional
            Whose ratings (default: the consensus, else the only rater).
        **options
            Calibration rules, thresholds and the like, as the method's function takes them.

        Returns
        -------
        Result
            The analysis's tables (see :func:`mio_qual.mixed.configurations.qca_result` and
            :func:`~mio_qual.mixed.configurations.cna_result`).

        Raises
        ------
        InputError
            When ``method`` is unknown or an option is not one it takes (the right name suggested).
        """
        from ..errors import InputError, check_options
        from ..mixed.aggregate import outcome_by_case
        from ..mixed.configurations import cna_result, qca_result

        if method not in ("qca", "cna"):
            raise InputError(f"unknown configurational method {method!r}", hint="use qca or cna")
        if not conditions:
            raise InputError("name the conditions (constructs) to use",
                             hint="e.g. --condition IS.J2 IS.A; choose them from theory, not from this outcome")
        check_options(qca_result if method == "qca" else cna_result, options, f"configurations({method!r})",
                      CONFIGURATION_CLI_NAMES)
        name = outcome.lstrip("~")
        matrix = self.construct_matrix(by=by, rater=rater, constructs=list(conditions))
        cases = outcome_by_case(self.quant(), name, by=by)
        values = cases["value"]
        frame = matrix.T.copy()
        frame[name] = [values.get(case) for case in frame.index]
        run = qca_result if method == "qca" else cna_result
        result = run(frame, outcome, conditions=list(conditions), **options)
        from ..mixed.joint import outcome_label

        result.notes.append(f"Outcome before calibration: {outcome_label(name, cases, by)}.")
        return result


def _rule_from_fields(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` with the distinguishing rule's fields (``criterion=``, ``split=`` ...) made into ``rule=``.

    Refuses both a ``rule`` and its fields (which would say two rules).
    """
    import dataclasses

    from ..errors import InputError
    from ..mixed.joint import DistinguishRule

    fields = {f.name for f in dataclasses.fields(DistinguishRule)}
    given = {name: options[name] for name in fields & set(options)}
    if not given:
        return options
    if options.get("rule") is not None:
        raise InputError("joint_display() was given rule= and the rule's own " + ", ".join(sorted(given)),
                         hint="give one: rule=DistinguishRule(...) or its fields")
    rest = {name: value for name, value in options.items() if name not in fields}
    for name in ("high", "low"):
        if isinstance(given.get(name), str):
            given[name] = (given[name],)
        elif given.get(name) is not None:
            given[name] = tuple(given[name]) or None
    return {**rest, "rule": DistinguishRule(**given)}

"""Rapid qualitative analysis: the Project methods for summary templates, summaries and matrices.

Each method reads what it needs from the store (:mod:`mio_qual.store.rapid`, transcripts,
codings), hands it to :mod:`mio_qual.rapid`, and writes what comes back in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from ..errors import InputError
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..rapid.template import Template
    from ..reports.rapid import RapidData
    from ..result import Result

_SAFE_NAME = re.compile(r"[^\w.-]+")


@dataclass
class RapidImport:
    """What :meth:`RapidMixin.import_rapid` stored: one row per file."""

    files: list[dict[str, object]] = field(default_factory=list)

    @property
    def n_files(self) -> int:
        """Files imported."""
        return len(self.files)

    def frame(self) -> "pd.DataFrame":
        """The files as a table (file, transcript_id, summarizer, domains filled, quotes, replaced)."""
        import pandas as pd

        return pd.DataFrame(self.files, columns=["file", "transcript_id", "summarizer", "template", "filled",
                                                 "quotes", "replaced"])


class RapidMixin(ProjectBase):
    """Rapid analysis (Hamilton 2013; Hamilton & Finley 2019) on a project."""

    # ------------------------------------------------------------------ templates
    def rapid_template(self, template: "str | Path | Template | None" = None) -> "Template":
        """A summary template: a :class:`~mio_qual.rapid.template.Template`, a YAML file, the name of
        one the project registered, or (default) the only registered one, else the bundled
        CFIR staff-interview template.

        Parameters
        ----------
        template : str, Path or Template, optional
            A template, a YAML file, or the name of a registered template.

        Returns
        -------
        Template
            The template.

        Raises
        ------
        InputError
            When several templates are registered and none is named, or the template named
            cannot be found or read.
        """
        from ..rapid.template import Template, load_template
        from ..store.rapid import read_templates

        if isinstance(template, Template):
            return template
        stored = read_templates(self.store)
        if template is None:
            if len(stored) > 1:
                raise InputError(f"this project has {len(stored)} summary templates ({', '.join(stored)})",
                                 hint="name one with --template")
            return Template.from_json(next(iter(stored.values()))) if stored else load_template()
        if str(template) in stored:
            return Template.from_json(stored[str(template)])
        return load_template(template)

    def _register_template(self, template: "Template") -> None:
        from ..store import now_iso
        from ..store.rapid import read_templates, write_template

        stored = read_templates(self.store)
        if template.name in stored and stored[template.name] != template.to_json():
            used = self.rapid_summaries(template=template.name)
            if not used.empty:
                raise InputError(f"template {template.name!r} differs from the one this project's summaries use",
                                 hint="give the changed template a new name (and version)")
        with self.store.transaction():
            if write_template(self.store, template.name, template.to_json(), now_iso()):
                self.store.audit("register summary template", target=template.name,
                                 detail={"version": template.version, "domains": template.domain_ids})

    def write_rapid_templates(self, out: str | Path, transcripts: Sequence[str] = (), *,
                              template: "str | Path | Template | None" = None, summarizer: str | None = None,
                              consensus_of: Sequence[str] | None = None, force: bool = False) -> list[Path]:
        """Write one Word summary template per transcript into folder ``out``.

        Parameters
        ----------
        out : str or Path
            Folder for ``<transcript>_rapid[_<summarizer>].docx``.
        transcripts : sequence of str
            Transcript ids (default: every transcript).
        template : str, Path or Template, optional
            See :meth:`rapid_template`; it is registered in the project.
        summarizer : str, optional
            Written into each file's about table (import then needs no ``--summarizer``).
        consensus_of : (str, str), optional
            Write consensus templates instead: only for transcripts both summarizers summarised,
            with their summaries shown per domain and the summarizer set to ``consensus``.
        force : bool
            Replace files that exist (by default an existing file is refused, so a filled
            template is never overwritten).

        Returns
        -------
        list of Path
            The files written.
        """
        from ..rapid.analysis import CONSENSUS
        from ..reports.rapid_template import write_summary_template

        chosen = self.rapid_template(template)
        ids = [transcripts] if isinstance(transcripts, str) else list(transcripts)
        self._check_transcript_ids(ids)  # type: ignore[attr-defined]
        known = self.transcripts()
        ids = ids or known["transcript_id"].tolist()
        previous: dict[str, dict[str, list[tuple[str, str]]]] = {}
        if consensus_of is not None:
            if len(consensus_of) != 2:
                raise InputError("a consensus template compares two summarizers", hint="e.g. --consensus-of ana ben")
            summaries = self.rapid_summaries(summarizer=list(consensus_of), template=chosen.name)
            by_tid = summaries.groupby("transcript_id")["summarizer"].nunique()
            ids = [t for t in ids if by_tid.get(t, 0) == 2]
            if not ids:
                raise InputError(f"no transcript has summaries by both {consensus_of[0]} and {consensus_of[1]}",
                                 hint="import both summarizers' templates first")
            for row in summaries.itertuples(index=False):
                if row.summary:
                    previous.setdefault(row.transcript_id, {}).setdefault(row.domain, []).append(
                        (row.summarizer, row.summary))
            summarizer = CONSENSUS
        folder = Path(out)
        suffix = f"_{_SAFE_NAME.sub('_', summarizer)}" if summarizer else ""
        redact = self.redactor()
        # a transcript id holding a name is shown (file name, about table, segment ids) as its neutral id
        paths = {t: folder / f"{_SAFE_NAME.sub('_', redact(t))}_rapid{suffix}.docx" for t in ids}
        existing = [p for p in paths.values() if p.exists()]
        if existing and not force:
            raise InputError(f"{len(existing)} template(s) exist already, e.g. {existing[0].name}", path=folder,
                             hint="a filled template is never overwritten: write elsewhere, or give --force")
        from ..exports import removed_on_failure

        # the template's registration lands with the files, or neither does (issue 20)
        with removed_on_failure(paths.values()), self.store.held():
            self._register_template(chosen)
            folder.mkdir(parents=True, exist_ok=True)
            meta = known.set_index("transcript_id")
            written = []
            for tid in ids:
                turns = self.turns(tid)
                text = self.text(tid)
                turns = turns.assign(text=[text[b:e] for b, e in zip(turns["body_start"], turns["end"])])
                people = turns.loc[~turns["is_interviewer"].astype(bool)]
                about = {"Transcript": redact(tid), "Template": chosen.name, "Template version": str(chosen.version),
                         "Summarizer": summarizer or "", "Kind": _text(meta.at[tid, "kind"]),
                         "Clinic": _text(meta.at[tid, "clinic"]), "Agency": _text(meta.at[tid, "agency"]),
                         "Study ids": ", ".join(sorted({_text(s) for s in people["study_id"]} - {""})),
                         "Roles": ", ".join(sorted({_text(r) for r in people["speaker_role"]} - {""}))}
                written.append(write_summary_template(paths[tid], template=chosen, about=about, turns=turns,
                                                      previous=previous.get(tid), redact=redact))
        return written

    # ------------------------------------------------------------------ summaries
    def import_rapid(self, paths: Iterable[str | Path], *, summarizer: str | None = None) -> RapidImport:
        """Import filled summary templates; importing a summarizer's summary of a transcript again
        replaces it. Every file is checked before anything is stored.

        A file made from the bundled template is accepted in a project that has not written
        templates yet (the bundled template is registered with the import).

        Parameters
        ----------
        paths : iterable of str or Path
            Filled ``.docx`` templates.
        summarizer : str, optional
            Who summarised, for files whose about table does not say.

        Returns
        -------
        RapidImport
            One row per file imported.

        Raises
        ------
        InputError
            A file's problems (each cell named), a file that is no template, two files for the
            same summarizer and transcript; nothing is imported then.
        """
        from ..rapid.summaries import bind_summary, check_file_meta, named_by_neutral_id, parse_summary_docx
        from ..rapid.template import Template, load_template
        from ..store import now_iso
        from ..store.rapid import read_templates, replace_summary

        files = [Path(p) for p in paths]
        if not files:
            raise InputError("no files to import", hint="give the filled templates (.docx)")
        bundled = load_template()
        stored = {name: Template.from_json(text) for name, text in read_templates(self.store).items()}
        templates = {bundled.name: bundled} | stored
        known = set(self.transcripts()["transcript_id"])
        aliases = self.masked_case_ids()["transcript"]  # type: ignore[attr-defined]
        redact = self.redactor()  # as write_rapid_templates showed the text
        bound = []
        owner: dict[tuple[str, str], Path] = {}
        for path in files:
            raw = named_by_neutral_id(parse_summary_docx(path), aliases, known)
            chosen = check_file_meta(raw, known, templates)
            tid = raw.about["Transcript"]
            segments = [self.segments(kind, tid, with_text=False) for kind in ("turn", "paragraph", "sentence")]
            spans = {sid: (int(s), int(e)) for frame in segments  # turns from their words, after the label
                     for sid, s, e in zip(frame["segment_id"], frame.get("body_start", frame["start"]).fillna(
                         frame["start"]), frame["end"])}
            # the template showed the redacted text: a quote copied with [name] in it binds to the name's span
            summary = bind_summary(raw, template=chosen, text=self.text(tid), spans=spans, summarizer=summarizer,
                                   redact=redact)
            key = (summary.summarizer, tid)
            if key in owner:
                raise InputError(f"{owner[key].name} and {path.name} are both {summary.summarizer}'s summary of {tid}",
                                 path=path, hint="import one of them")
            owner[key] = path
            bound.append(summary)
        result = RapidImport()
        at = now_iso()
        with self.store.transaction():
            if bundled.name not in stored and any(s.template == bundled.name for s in bound):
                self._register_template(bundled)  # joins this transaction
            for s in bound:
                rows = [(s.summarizer, s.transcript_id, c.domain, s.template, c.summary, s.path.name, at) for c in s.cells]
                quotes = [(s.summarizer, s.transcript_id, c.domain, n, q.start, q.end, q.segment_id)
                          for c in s.cells for n, q in enumerate(c.quotes, start=1)]
                replaced = replace_summary(self.store, s.summarizer, s.transcript_id, rows, quotes)
                result.files.append({"file": s.path.name, "transcript_id": s.transcript_id,
                                     "summarizer": s.summarizer, "template": s.template, "filled": s.n_filled,
                                     "quotes": s.n_quotes, "replaced": replaced > 0})
            self.store.audit("import rapid summaries", target=",".join(sorted({s.summarizer for s in bound})),
                             detail={"files": [f["file"] for f in result.files],
                                     "transcripts": [f["transcript_id"] for f in result.files]})
        return result

    def rapid_summaries(self, summarizer: str | Sequence[str] | None = None, *,
                        transcripts: Sequence[str] | None = None, template: str | None = None) -> "pd.DataFrame":
        """Stored summaries, one row per summarizer, transcript and domain (empty cells included).

        Parameters
        ----------
        summarizer : str or sequence of str, optional
            These summarizers only.
        transcripts : sequence of str, optional
            These transcripts only (a single id as a string is one transcript).
        template : str, optional
            One template's summaries.

        Returns
        -------
        pandas.DataFrame
            One row per summarizer, transcript and domain.

        Raises
        ------
        InputError
            When a transcript id is not in the project (close ids suggested).
        """
        from ..mixed.constructs import as_list
        from ..store.rapid import read_summaries

        if isinstance(transcripts, str):
            transcripts = [transcripts]
        self._check_transcript_ids(transcripts)  # type: ignore[attr-defined]
        frame = read_summaries(self.store, summarizer=as_list(summarizer),
                               transcript_id=list(transcripts) if transcripts is not None else None)
        return frame[frame["template"] == template] if template is not None else frame

    def show_rapid_summaries(self, summarizer: str | Sequence[str] | None = None, *,
                             show_names: bool = False) -> "pd.DataFrame":
        """The stored summaries to show or export (``mio-qual rapid summaries``): names redacted by default.

        A summary is the summarizer's words, but it may name a participant or quote one; it passes
        through :meth:`redactor` as the matrix and comparison do, and so does a transcript id
        holding a name. :meth:`rapid_summaries` is the unredacted reading.

        Parameters
        ----------
        summarizer : str or sequence of str, optional
            These summarizers only.
        show_names : bool
            Keep names as stored (the lead's explicit choice; refused to a coder on a shared server).

        Returns
        -------
        pandas.DataFrame
            summarizer, transcript_id, domain, summary, source_file: one row per summarizer,
            transcript and domain.
        """
        if show_names:
            self._names_for_the_lead("list the rapid summaries")  # type: ignore[attr-defined]
        frame = self.rapid_summaries(summarizer)[["summarizer", "transcript_id", "domain", "summary", "source_file"]]
        return frame if show_names else self.redactor().frame(frame)  # type: ignore[attr-defined]

    def rapid_quotes(self, summarizer: str | Sequence[str] | None = None) -> "pd.DataFrame":
        """Stored rapid-analysis quotes with their transcript text (names redacted).

        Parameters
        ----------
        summarizer : str or sequence of str, optional
            These summarizers only.

        Returns
        -------
        pandas.DataFrame
            One row per quote.
        """
        from ..mixed.constructs import as_list
        from ..store.rapid import read_quotes

        quotes = read_quotes(self.store, summarizer=as_list(summarizer))
        texts = {t: self.text(t) for t in quotes["transcript_id"].unique()}
        redact = self.redactor()
        return quotes.assign(text=[redact(texts[t][s:e]) for t, s, e in
                                   zip(quotes["transcript_id"], quotes["quote_start"], quotes["quote_end"])])

    def _rapid_inputs(self, template: str | None) -> "tuple[pd.DataFrame, Template]":
        summaries = self.rapid_summaries(template=template)
        if summaries.empty:
            raise InputError("this project has no rapid summaries",
                             hint="write templates with 'mio-qual rapid templates', fill them, and 'rapid import' them")
        names = sorted(set(summaries["template"]))
        if len(names) > 1:
            raise InputError(f"summaries use {len(names)} templates ({', '.join(names)})", hint="name one with --template")
        return summaries, self.rapid_template(names[0])

    def rapid_matrix(self, by: str = "transcript", *, summarizer: str | None = None,
                     template: str | None = None) -> "Result":
        """The cases x domains matrix (see :func:`mio_qual.rapid.analysis.matrix`), names redacted.

        Parameters
        ----------
        by : str
            The case kind of the rows (transcript, clinic, agency or role).
        summarizer : str, optional
            Whose summaries (default: per transcript the consensus, else the only summarizer).
        template : str, optional
            The template's name, when the project registered more than one.

        Returns
        -------
        Result
            The matrix as a table.
        """
        from ..rapid.analysis import matrix

        summaries, chosen = self._rapid_inputs(template)
        redact = self.redactor()
        summaries = summaries.assign(summary=summaries["summary"].map(redact))
        return matrix(summaries, self.transcripts(), chosen, by=by, summarizer=summarizer)

    def rapid_compare(self, summarizers: Sequence[str], *, template: str | None = None) -> "Result":
        """Two summarizers compared domain by domain (see :func:`mio_qual.rapid.analysis.compare`).

        Parameters
        ----------
        summarizers : sequence of str
            The two summarizers.
        template : str, optional
            The template's name, when the project registered more than one.

        Returns
        -------
        Result
            Per domain, what each summarizer wrote and whether they agree.

        Raises
        ------
        InputError
            When not exactly two summarizers are named, or they share no transcript.
        """
        from ..rapid.analysis import compare
        from ..store.rapid import read_quotes

        summaries, chosen = self._rapid_inputs(template)
        redact = self.redactor()
        summaries = summaries.assign(summary=summaries["summary"].map(redact))
        return compare(summaries, read_quotes(self.store), summarizers, chosen)

    def rapid_coverage(self, coder: str | Sequence[str], *, summarizer: str | None = None,
                       template: str | None = None) -> "Result":
        """Per transcript and construct, whether rapid analysis and the coding layer ``coder`` found it
        (see :func:`mio_qual.rapid.analysis.coverage`).

        Parameters
        ----------
        coder : str or sequence of str
            The coding layer(s) compared with the summaries.
        summarizer : str, optional
            Whose summaries (default: per transcript the consensus, else the only summarizer).
        template : str, optional
            The template's name, when the project registered more than one.

        Returns
        -------
        Result
            One row per transcript and construct.
        """
        from ..rapid.analysis import coverage
        from ..store.rapid import read_quotes

        summaries, chosen = self._rapid_inputs(template)
        codings = self.codings(coder=coder)
        if codings.empty:
            raise InputError(f"no codings by {coder!r}", hint="see 'mio-qual coding layers'")
        layer = coder if isinstance(coder, str) else ", ".join(coder)
        return coverage(summaries, read_quotes(self.store), codings, chosen, summarizer=summarizer, layer=layer)

    def rapid_evidence(self, by: str = "clinic", *, summarizer: str | None = None,
                       template: str | None = None) -> "pd.DataFrame":
        """Rapid summaries as evidence per case and construct, for the rating worksheets
        (see :func:`mio_qual.rapid.analysis.evidence`); empty when the project has none.

        Parameters
        ----------
        by : str
            The case kind (clinic, agency, role or transcript).
        summarizer : str, optional
            Whose summaries (default: per transcript the consensus, else the only summarizer).
        template : str, optional
            The template's name, when the project registered more than one.

        Returns
        -------
        pandas.DataFrame
            One row per case, construct and summary cell (no rows without summaries).
        """
        import pandas as pd

        from ..rapid.analysis import evidence

        if self.rapid_summaries(template=template).empty:
            return pd.DataFrame(columns=["case_id", "construct", "domain", "transcript_id", "summarizer", "summary"])
        summaries, chosen = self._rapid_inputs(template)
        redact = self.redactor()
        summaries = summaries.assign(summary=summaries["summary"].map(redact))
        return evidence(summaries, self.transcripts(), chosen, by=by, summarizer=summarizer)


    def rapid_worksheet_evidence(self, by: str = "clinic") -> "tuple[pd.DataFrame | None, str]":
        """Rapid summaries for the rating worksheets and the sentence saying whose they are.

        Returns (None, '') when the project has no summaries, and (None, why) when no summary
        can stand for a transcript (two summarizers, no consensus): the worksheet says so
        instead of choosing one.

        Parameters
        ----------
        by : str
            The case kind of the worksheets.

        Returns
        -------
        tuple of (pandas.DataFrame or None, str)
            The evidence and the sentence naming its summarizer.
        """
        if self.rapid_summaries().empty:
            return None, ""
        try:
            frame = self.rapid_evidence(by)
        except InputError as exc:
            return None, f"rapid summaries not shown: {exc.message} ({exc.hint})"
        return frame, ("rapid-analysis summaries per transcript (the consensus summary where there is one), by the "
                       "template domain that covers each construct")

    def rapid_report_data(self, layer: str | None = None) -> "RapidData | None":
        """What the study report's rapid-analysis section shows, or None when the project has no
        summaries (see :class:`mio_qual.reports.rapid.RapidData`).

        ``layer`` is the coding layer to compare with (default: ``consensus`` when it holds
        codings, else none).

        Parameters
        ----------
        layer : str, optional
            The coding layer compared with the summaries.

        Returns
        -------
        RapidData or None
            The section's tables and facts; None without summaries.
        """
        from ..rapid.analysis import CONSENSUS
        from ..reports.rapid import RapidData

        summaries = self.rapid_summaries()
        if summaries.empty or summaries["template"].nunique() != 1:
            return None
        _, template = self._rapid_inputs(None)
        names = sorted(set(summaries["summarizer"]), key=lambda s: (s == CONSENSUS, s))
        data = RapidData(template, names, summaries["transcript_id"].nunique())
        try:
            data.matrix = self.rapid_matrix("clinic")
        except InputError as exc:
            data.unsettled = exc.message
        people = [s for s in names if s != CONSENSUS]
        if len(people) == 2:
            try:
                data.compare = self.rapid_compare(people)
            except InputError:
                data.compare = None
        layers = self.coding_layers()
        layer = layer or (CONSENSUS if CONSENSUS in set(layers.get("coder", [])) else None)
        if layer and data.matrix is not None:
            data.coverage, data.layer = self.rapid_coverage(layer), layer
        return data


def _text(value: object) -> str:
    """A metadata value as text ('' for missing)."""
    return "" if value is None or (isinstance(value, float) and value != value) or str(value) in ("None", "nan") \
        else str(value)


__all__ = ["RapidMixin", "RapidImport"]

"""The report documents, one function per kind: codebook, agreement, themes, joint (study: :mod:`.study`).

Each ``*_report(inputs, path, ...)`` writes one Word file in the house style from the data in a
:class:`ReportInputs` (gathered by :class:`~mio_qual.project.Project`'s ``report_*`` methods;
nothing here reads the store), saves its charts as PNG files beside it
(``<stem>-<chart>.png``) and returns a :class:`ReportResult`. Each document is assembled from
*section writers* (``write_codebook``, ``write_agreement``, ``write_themes``, ``write_joint``,
``write_autocode``) that take a :class:`~mio_qual.reports.builder.ReportBuilder`; the study
report (:func:`mio_qual.reports.study.study_report`) strings them together, with its appendices
as separate documents.

A section whose data the project does not hold yet (no second coder, no ratings, no
quantitative data) says so in one sentence instead of failing, so every report can be built at
every stage of a study.

Privacy: every builder is given the project's redactor (roster names and aliases, name-like
speaker labels, and any ``redact`` names the caller adds), and quotes are attributed by study
id, role and clinic only (DESIGN.md, decision 9).
"""

from __future__ import annotations

import math
from collections import Counter, namedtuple
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..citations import short_citation
from ..errors import InputError
from . import methods as m
from .builder import ReportBuilder

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    import pandas as pd

    from ..mixed.constructs import Constructs
    from ..mixed.joint import JointDisplay
    from ..store.summary import ProjectFacts

KINDS: tuple[str, ...] = ("codebook", "agreement", "themes", "joint", "study")
#: Agreement thresholds drawn on charts and named in the method paragraph.
#: 0.80 and 0.667 are Krippendorff's (2004, p. 241) customary and lowest acceptable alpha;
#: for kappa-type coefficients the same two lines are read as "substantial" and "tentative".
DEFAULT_THRESHOLDS: tuple[float, float] = (0.667, 0.80)


@dataclass
class ReportResult:
    """What a report function wrote.

    Attributes
    ----------
    kind : str
    path : Path
        The ``.docx`` file.
    figures : list of Path
        The PNG files saved beside it.
    tables, n_figures : int
        Numbered tables and figures in the document.
    headings : list of (int, str)
    absent : list of str
        One sentence per section whose data the project does not hold.
    files : list of Path
        Every file written (the document, its PNGs and any CSV/XLSX tables; the study report's
        appendices and their files too).
    appendices : list of ReportResult
        The study report's appendices, written as separate documents.
    """

    kind: str
    path: Path
    figures: list[Path] = field(default_factory=list)
    tables: int = 0
    n_figures: int = 0
    headings: list[tuple[int, str]] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    appendices: list["ReportResult"] = field(default_factory=list)

    def __repr__(self) -> str:
        """One line (a notebook shows it): the document, the counts and how many sections are absent;
        the headings, files and sentences stay in the attributes.

        Examples
        --------
        >>> ReportResult("study", Path("out/study.docx"), tables=12, n_figures=3, absent=["No ratings."],
        ...              files=[Path("out/study.docx")] * 5, headings=[(1, "Study")] * 40)
        ReportResult(study 'out/study.docx': 5 files written, 12 tables, 3 figures, 40 headings, 1 section absent (.absent))
        """
        def count(n: int, word: str, plural: str = "") -> str:
            return f"{n} {word if n == 1 else plural or word + 's'}"

        parts = [count(len(self.files), "file") + " written", count(self.tables, "table"),
                 count(self.n_figures, "figure"), count(len(self.headings), "heading")]
        if self.appendices:
            parts.append(count(len(self.appendices), "appendix", "appendices"))
        parts.append(count(len(self.absent), "section") + " absent (.absent)" if self.absent else "no section absent")
        return f"ReportResult({self.kind} {str(self.path)!r}: {', '.join(parts)})"


@dataclass
class CodebookData:
    """What the coder's manual shows.

    Attributes
    ----------
    frame : DataFrame
        The codes (:meth:`mio_qual.codebook.Codebook.to_frame` columns).
    infos : dict
        Codebook infos by name (titles, version labels, sources), when known.
    version : str
        A phrase naming the version (``"version 1a2b..., as registered in the project"``).
    applied : dict of str to int
        Codings per code in the human and consensus layers.
    """

    frame: "pd.DataFrame"
    infos: dict[str, Any]
    version: str
    applied: dict[str, int] = field(default_factory=dict)


@dataclass
class ThemesData:
    """What the themes section shows.

    Attributes
    ----------
    excerpts : DataFrame
        Participants' excerpts attributed to constructs (:func:`mio_qual.mixed.evidence.evidence`
        per transcript, interviewer speech left out) with a ``clinic`` label column.
    phrase : str
        Which coding layers were read.
    clinics : list of str
        Clinic labels in report order.
    ratings : DataFrame, optional
        One rater's clinic ratings (the consensus when there is one): case_id, construct, rating,
        rationale, quote (a quote the raters pinned), rater.
    memos : DataFrame, optional
        Coders' memos: transcript_id, code, memo, clinic.
    rapid : DataFrame, optional
        Rapid-analysis summaries: domain (name), constructs (the ids it covers), clinic,
        transcript_id, summary.
    """

    excerpts: "pd.DataFrame"
    phrase: str
    clinics: list[str] = field(default_factory=list)
    ratings: "pd.DataFrame | None" = None
    memos: "pd.DataFrame | None" = None
    rapid: "pd.DataFrame | None" = None


@dataclass
class JointData:
    """What the joint displays section shows: each display, or the sentence saying why it is absent.

    Attributes
    ----------
    outcome, by : str
    absent : str, optional
        Why there are no joint displays at all.
    case_ordered, side_by_side, stats_by_theme : JointDisplay or str, optional
        The display, or the reason it could not be built.
    rating_agreement : DataFrame, optional
        Agreement between the raters the consensus was built from (two raters or more).
    """

    outcome: str = "fidelity"
    by: str = "clinic"
    absent: str | None = None
    case_ordered: "JointDisplay | str | None" = None
    side_by_side: "JointDisplay | str | None" = None
    stats_by_theme: "JointDisplay | str | None" = None
    rating_agreement: "pd.DataFrame | None" = None


@dataclass
class ReportInputs:
    """Everything a report shows, gathered from the project before any writing starts.

    Attributes
    ----------
    counts : dict of str to int
        The project's counts (:func:`mio_qual.store.summary.counts`): title page and overview.
    redactor : callable, optional
        Applied to every text the document holds.
    constructs : Constructs, optional
        Code names, domains and order (:func:`mio_qual.mixed.constructs.load_constructs`).
    codebook, themes, joint : optional
        The data of each section (see :class:`CodebookData`, :class:`ThemesData`, :class:`JointData`).
    agreement : AgreementData or str, optional
        The agreement results, or the sentence saying why there are none.
    facts : ProjectFacts, optional
        What the methods paragraphs describe.
    evaluations : list of Evaluation, optional
        Evaluations of the automatic suggestions.
    aim2 : Aim2Data, optional
        The study report's Aim 2 section (:meth:`mio_qual.project.Project.aim2_data`).
    aim3 : Aim3Data, optional
        The study report's Aim 3 section (:meth:`mio_qual.project.Project.aim3_data`).
    rapid : RapidData, optional
        The rapid-analysis section (:meth:`mio_qual.project.Project.rapid_report_data`).
    as_of : datetime, optional
        When the project last changed (its newest audit entry): the title page's date and the
        file's times, so the same project gives a byte-identical document.
    origins : dict of str to int
        Codings per layer origin.
    """

    counts: dict[str, int]
    redactor: Callable[[str], str] | None = None
    constructs: "Constructs | None" = None
    codebook: CodebookData | None = None
    agreement: "AgreementData | str | None" = None
    themes: ThemesData | None = None
    joint: JointData | None = None
    facts: "ProjectFacts | None" = None
    evaluations: list[Any] | None = None
    origins: dict[str, int] = field(default_factory=dict)
    as_of: "datetime | None" = None
    aim2: Any = None
    aim3: Any = None
    rapid: Any = None


@dataclass
class _Context:
    """What the section writers share while one document is built."""

    inputs: ReportInputs
    path: Path
    builder: ReportBuilder
    figures: list[Path] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    charts: bool = True

    def figure_path(self, name: str) -> Path:
        return self.path.with_name(f"{self.path.stem}-{name}.png")

    def say_absent(self, sentence: str) -> None:
        self.absent.append(sentence)
        self.builder.paragraph(sentence)


def check_path(path: str | Path) -> Path:
    """``path`` as a Path, refused unless it names a Word file."""
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise InputError("a report is a Word file", path=path, hint="give a file name ending in .docx")
    return path


def _start(inputs: ReportInputs, path: str | Path, title: str, charts: bool) -> _Context:
    path = check_path(path)
    builder = ReportBuilder(title, redact=inputs.redactor, as_of=inputs.as_of)
    return _Context(inputs=inputs, path=path, builder=builder, charts=charts)


def _finish(ctx: _Context, kind: str) -> ReportResult:
    ctx.builder.save(ctx.path)
    return ReportResult(kind=kind, path=ctx.path, figures=list(ctx.figures), tables=ctx.builder.n_tables,
                        n_figures=ctx.builder.n_figures, headings=list(ctx.builder.headings), absent=list(ctx.absent),
                        files=[ctx.path, *ctx.figures, *ctx.files])


def _study_lines(inputs: ReportInputs) -> list[str]:
    """The title page's lines; counts in the report's one number style (:func:`mio_qual.reports.methods.number`)."""
    s = inputs.counts

    def first(text: str) -> str:
        return text[:1].upper() + text[1:]

    lines = [first(f"{m.number(s['transcripts'], 'transcript')} ({m.number(s['interviews'], 'interview')}, "
                   f"{m.number(s['focus_groups'], 'focus group')}) from {m.number(s['clinics'], 'clinic')}")]
    if s["coders"]:
        lines.append(first(f"{m.number(s['codings'], 'coding')} in {m.number(s['coders'], 'layer')}"))
    return lines


# ====================================================================== codebook
def codebook_data(stored: tuple[str, Sequence[str], Sequence[dict[str, Any]]] | None,
                  applied: dict[str, int] | None = None) -> CodebookData:
    """The codebook the project's codings were checked against (else the bundled one), for the manual.

    Parameters
    ----------
    stored : (version, names, records), optional
        The codebook registered last in the project (:func:`mio_qual.store.summary.latest_codebook`).
    applied : dict of str to int, optional
        Codings per code in the human and consensus layers.
    """
    import pandas as pd

    from ..mixed.constructs import bundled_codebook

    if stored is not None:
        version, names, records = stored
        return CodebookData(pd.DataFrame.from_records(list(records)), _codebook_infos(tuple(names)),
                            f"version {version[:12]}, as registered in the project", dict(applied or {}))
    codebook = bundled_codebook()  # parsed once: the report's constructs were read from it
    return CodebookData(codebook.to_frame(), dict(codebook.infos),
                        f"version {codebook.version[:12]}, bundled with mio-qual", dict(applied or {}))


def _codebook_infos(names: tuple[str, ...]) -> dict[str, Any]:
    """Titles, version labels and sources of the named codebooks (cached per file state)."""
    from ..codebook import bundled_codebooks

    from ..errors import InputError

    paths = bundled_codebooks()
    key = tuple((n, str(paths.get(n)), paths[n].stat().st_mtime_ns if n in paths else 0) for n in names)
    try:
        return _codebook_infos_cached(key)
    except InputError:  # a codebook not bundled (the team's own file) or not valid: titles are a courtesy,
        return {}       # the stored codes are what counts; the failure is not cached (lru_cache keeps returns only)


@lru_cache(maxsize=8)
def _codebook_infos_cached(key: tuple[tuple[str, str, int], ...]) -> dict[str, Any]:
    """The infos of the named codebooks; raises what :func:`~mio_qual.codebook.load_codebooks` raises."""
    from ..codebook import load_codebooks

    return dict(load_codebooks([name for name, _, _ in key]).infos)


def _constructs(inputs: ReportInputs) -> "Constructs":
    """The code information of the inputs, else that of the bundled codebooks."""
    if inputs.constructs is not None:
        return inputs.constructs
    from ..mixed.constructs import load_constructs

    return load_constructs()


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def write_codebook(b: ReportBuilder, data: CodebookData, *, level: int = 1) -> None:
    """The coder's manual: every code with its definition, when to use it and when not, an example, keywords.

    Parameters
    ----------
    b : ReportBuilder
    data : CodebookData
    level : int
        Heading level of the domains (constructs one below, subconstructs and codes two below).
    """
    import pandas as pd

    infos, version, applied = data.infos, data.version, data.applied
    frame = data.frame.fillna("")
    books = list(dict.fromkeys(frame["codebook"]))
    b.paragraph(f"This manual lists the {len(frame)} codes of the project's codebook ({version}). Each entry gives"
                " the code's stable id and name, what it means, when to use it and when not to (with the code to"
                " use instead), an invented example, and the keywords that rule-based suggestions look for. Codes"
                " are referred to by id everywhere else in the project, so renaming a code changes no coding.")
    rows = []
    for book in books:
        info = infos.get(book)
        rows.append({"Codebook": book, "Title": getattr(info, "title", "") or book,
                     "Version": getattr(info, "version_label", "") or "",
                     "Codes": int((frame["codebook"] == book).sum()),
                     "Applied": int(sum(applied.get(c, 0) > 0 for c in frame.loc[frame["codebook"] == book, "id"]))})
    b.table(pd.DataFrame(rows), "Codebooks combined in this manual (Applied: codes the coders used at least once)",
            widths=[2.2, 7, 3.4, 1.2, 1.4])
    sources = [f"{book}: {getattr(infos.get(book), 'source', '')}" for book in books
               if getattr(infos.get(book), "source", "")]
    if sources:
        b.note("Sources. " + " ".join(sources))

    children: dict[str, list[str]] = {}
    order: list[str] = []
    by_id = {r["id"]: r for r in frame.to_dict("records")}
    for record in frame.to_dict("records"):
        parent = _text(record.get("parent"))
        if parent and parent in by_id:
            children.setdefault(parent, []).append(record["id"])
        else:
            order.append(record["id"])

    def entry(code_id: str, depth: int) -> None:
        r = by_id[code_id]
        heading_level = level + min(depth, 2)
        name = _text(r.get("name"))
        b.heading(f"{code_id} {name}", heading_level) if heading_level <= 3 else \
            b.paragraph(f"**{code_id} {name}**")
        for label, key in (("Definition", "definition"), ("Use when", "use_when"), ("Not when", "not_when")):
            value = _text(r.get(key))
            if value:
                b.paragraph(f"**{label}.** {value}")
        example = _text(r.get("example"))
        if example:
            b.paragraph(f"**Example.** \u201c{example}\u201d")
        extras = []
        for label, key in (("Keywords", "keywords"), ("Aliases", "aliases")):
            value = _text(r.get(key))
            if value:
                extras.append(f"**{label}:** {value}")
        refines = [x.strip() for x in _text(r.get("refines")).split(";") if x.strip()]
        if refines:
            extras.append("**Refines:** " + "; ".join(
                f"{x} {_text(by_id[x]['name'])}" if x in by_id else x for x in refines))
        if extras:
            b.paragraph(" \u00b7 ".join(extras), style="Note")
        for child in children.get(code_id, []):
            entry(child, depth + 1)

    loose: dict[str, list[str]] = {}
    for root in order:
        if by_id[root].get("level") == "domain":
            entry(root, 0)
        else:
            loose.setdefault(by_id[root].get("codebook") or "", []).append(root)
    for book, roots in loose.items():
        info = infos.get(book)
        b.heading(getattr(info, "title", "") or book or "Other codes", level)
        for root in roots:
            entry(root, 1)


def codebook_report(inputs: ReportInputs, path: str | Path, *, title: str = "Coder's manual") -> ReportResult:
    """Write the coder's manual of the project's codebook.

    Parameters
    ----------
    inputs : ReportInputs
        With ``codebook``.
    path : path
        The ``.docx`` to write.
    title : str

    Returns
    -------
    ReportResult
    """
    ctx = _start(inputs, path, title, charts=False)
    b = ctx.builder
    b.title_page(title, "Codebook for coding staff interviews and focus groups", _study_lines(inputs))
    b.toc(levels=2)
    b.page_break()
    b.heading("About this manual")
    write_codebook(b, inputs.codebook or codebook_data(None), level=1)
    return _finish(ctx, "codebook")


# ====================================================================== themes
def themes_data(evidence: "pd.DataFrame", phrase: str, transcript_clinics: dict[str, str | None],
                clinics: Sequence[str]) -> ThemesData:
    """The themes section's data from the evidence of every transcript.

    Parameters
    ----------
    evidence : DataFrame
        :func:`mio_qual.mixed.evidence.evidence` per transcript (names redacted).
    phrase : str
        Which layers the evidence was read from.
    transcript_clinics : dict
        Each transcript's clinic.
    clinics : sequence of str
        The project's clinics in report order.

    Returns
    -------
    ThemesData
        Interviewer and facilitator speech left out; a ``clinic`` label column added.
    """
    frame = evidence
    if len(frame):
        frame = frame[~frame["is_interviewer"].astype(bool)].copy()
        labels = {t: m.clinic_label(transcript_clinics.get(t)) for t in frame["transcript_id"].unique().tolist()}
        frame["clinic"] = frame["transcript_id"].map(labels)  # one label per transcript, not per excerpt
    return ThemesData(frame, phrase, [m.clinic_label(c) for c in clinics])


#: How the themes report picks exemplar quotes with :func:`mio_qual.mixed.evidence.pick_quotes`: from
#: different clinics and speakers, of a readable length (70 to 420 characters), near 220 characters.
QUOTE_CHOICE: dict[str, Any] = {"spread": ("clinic", "speaker_id"), "target": 220, "readable": (70, 420)}


#: What :func:`write_themes` reads of each quote :func:`~mio_qual.mixed.evidence.pick_quotes` picks.
_Quote = namedtuple("_Quote", ["text", "speaker_id", "speaker_role", "clinic", "transcript_id"])


def quote_source(row: Any) -> str:
    """``'S05, counselor, Downtown (INT05)'``: study id, role, clinic and transcript; never a name."""
    who = row.speaker_id if isinstance(row.speaker_id, str) and row.speaker_id and ":" not in row.speaker_id \
        else "participant"
    return f"{who}, {m.role_label(row.speaker_role)}, {row.clinic} ({row.transcript_id})"


def frequency_table(excerpts: "pd.DataFrame", clinics: Sequence[str], by: str = "clinic") -> "pd.DataFrame":
    """Counts of distinct excerpts per construct and clinic (or any column ``by``), with totals."""
    import pandas as pd

    if not len(excerpts):
        return pd.DataFrame()
    table = pd.crosstab(excerpts["construct"], excerpts[by])
    columns = [c for c in clinics if c in table.columns] + [c for c in table.columns if c not in clinics]
    return table.reindex(columns=columns, fill_value=0)


def write_themes(b: ReportBuilder, ctx: _Context, *, level: int = 1, max_quotes: int = 3) -> None:
    """Themes per construct: how often and where, what the analysts wrote (raters' rationales by clinic, coders'
    memos, rapid-analysis summaries by domain), the raters' pinned quotes, then exemplar quotes."""
    import pandas as pd

    from ..mixed.evidence import pick_quotes

    data = ctx.inputs.themes
    if data is None or not len(data.excerpts):
        ctx.say_absent("No coding is available yet, so there are no themes to report.")
        return
    excerpts, phrase = data.excerpts, data.phrase
    info = _constructs(ctx.inputs)
    clinics = list(data.clinics)
    if (excerpts["clinic"] == "Agency level").any():
        clinics.append("Agency level")
    direct = excerpts[~excerpts["via"].astype(bool)]
    b.paragraph(
        f"Themes are read from the {phrase}. An excerpt is a stretch of text coded with a code; where several"
        " coders coded overlapping text with the same code, the union counts once. CFIR constructs also collect the"
        " excerpts of study codes that refine them (for example, an excerpt coded with a MIO supervision code counts"
        " for the constructs that code names). Interviewer and facilitator speech is left out. Quotes are attributed"
        " by study id, role and clinic; names in quotes are replaced with [name].")

    # overview: every construct by clinic
    table = frequency_table(excerpts, clinics)
    order = info.sort(table.index)
    facts = _ConstructFacts(excerpts)
    decided = _decided_rows(data, facts.codes, order)
    if decided:  # said once, where the themes say where their codings come from (it was repeated per construct)
        b.paragraph("**Decided in reconciliation.** Some codings in this section come from the team's decisions on"
                    " the coders' disagreements rather than from both coders: "
                    + "; ".join(f"{info.label(c)}, {_rows(rows)}" for c, rows in decided.items())
                    + " of the reconciliation sheet.")
    table = table.loc[order]
    participants = excerpts.groupby("construct")["speaker_id"].nunique()
    transcripts = excerpts.groupby("construct")["transcript_id"].nunique()
    overview = pd.DataFrame({"Construct": [info.label(c) for c in table.index]})
    for clinic in table.columns:
        overview[clinic] = table[clinic].to_numpy()
    overview["Total"] = table.sum(axis=1).to_numpy()
    overview["Participants"] = participants.reindex(table.index).fillna(0).astype(int).to_numpy()
    overview["Transcripts"] = transcripts.reindex(table.index).fillna(0).astype(int).to_numpy()
    b.heading("Constructs by clinic", level)
    b.table(overview, "Excerpts per construct and clinic (distinct excerpts; constructs include the study codes"
            " that refine them)")

    if ctx.charts:
        from .charts import code_frequency_chart

        counts = pd.crosstab(direct["code"], direct["clinic"])
        counts = counts.reindex(columns=[c for c in clinics if c in counts.columns])
        counts = counts.loc[info.sort(counts.index)]
        counts.index = [f"{c} {info.name(c)}"[:48] for c in counts.index]
        png = code_frequency_chart(counts, ctx.figure_path("code-frequency"), xlabel="excerpts")
        ctx.figures.append(png)
        b.figure(png, "Code frequency by clinic: excerpts coded with each code as applied (study codes shown"
                 " as themselves), stacked by clinic")

    # one section per construct, grouped by domain (study codes after the CFIR domains): what the excerpts say,
    # in the analysts' words first (raters' rationales, coders' memos, pinned quotes), then exemplar quotes
    domains: dict[str, list[str]] = {}
    for construct in order:
        domains.setdefault(info.domain(construct), []).append(construct)
    by_construct = dict(tuple(excerpts.groupby("construct", sort=False)))
    words = _AnalystsWords(data, clinics)
    n_clinics = excerpts.loc[excerpts["clinic"] != "Agency level"].groupby("construct")["clinic"].nunique()
    for domain, constructs in domains.items():
        b.heading(info.name(domain) or f"Study codes ({domain})", level)
        _rapid_for_domain(b, data, domain, clinics)
        for construct in constructs:
            rows = by_construct[construct]
            b.heading(info.label(construct), level + 1)
            via_codes = sorted(facts.via.get(construct, ()))
            sentence = (f"Quoted from {m.number(len(rows), 'excerpt')} of"
                        f" {m.number(int(participants[construct]), 'participant')}"
                        f" in {m.number(int(transcripts[construct]), 'transcript')},"
                        f" {m.number(int(n_clinics.get(construct, 0)), 'clinic')}")
            if via_codes:
                sentence += f"; including excerpts coded {m.join_words(via_codes)}"
            roles = facts.roles[construct]
            unknown = m.role_label(None)
            sentence += "; by role: " + ", ".join(
                m.number(n, "participant whose role was not recorded", "participants whose role was not recorded")
                if role == unknown else m.number(n, str(role)) for role, n in roles.most_common())
            b.paragraph(sentence + ".", keep_with_next=True)
            pinned = _analysts_words(b, words, construct, facts.codes[construct])
            for text, source in pinned[:max_quotes]:
                b.quote(text, source)
            picked = pick_quotes(rows, max(max_quotes - len(pinned), 0), **QUOTE_CHOICE)
            # columns as lists, one tuple type for all (itertuples makes a new namedtuple class per call)
            for quote in map(_Quote._make, zip(*(picked[c].tolist() for c in _Quote._fields))):
                b.quote(quote.text, quote_source(quote))


class _ConstructFacts:
    """What each construct's opening sentence says of its excerpts, counted over the excerpts' columns at once (a
    dozen pandas calls per construct before): its codes; the codes that reach it through a link (``via``; an
    excerpt reached through two linked codes carries both, ``"MIO.RF;MIO.TRAIN"``: each named once); and its
    participants by role label, each participant counted once (a speaker without a study id once per
    transcript), labels in the order their first participant appears (as ``Counter`` over the construct's
    participants counts them, so that ``most_common`` breaks ties the same way).

    Parameters
    ----------
    excerpts : DataFrame
        The themes' excerpts (``construct``, ``code``, ``via``, ``speaker_id``, ``transcript_id``,
        ``speaker_role``).
    """

    def __init__(self, excerpts: "pd.DataFrame") -> None:
        from itertools import compress

        import pandas as pd

        constructs, codes = excerpts["construct"].tolist(), excerpts["code"].tolist()
        self.codes: dict[Any, set[Any]] = {}
        for construct, code in dict.fromkeys(zip(constructs, codes)):
            self.codes.setdefault(construct, set()).add(code)
        self.via: dict[Any, set[str]] = {}
        for construct, code in dict.fromkeys(compress(zip(constructs, codes), excerpts["via"].astype(bool).tolist())):
            self.via.setdefault(construct, set()).update(str(code).split(";"))
        # each construct's participants where they first appear (a speaker without a study id: per transcript)
        people = excerpts["speaker_id"].where(excerpts["speaker_id"].notna(), excerpts["transcript_id"] + ":?")
        first = pd.DataFrame({"construct": excerpts["construct"], "person": people,
                              "role": excerpts["speaker_role"]}).drop_duplicates(["construct", "person"])
        self.roles: dict[Any, Counter[str]] = {}
        labels: dict[Any, str] = {}
        # (construct, role) pairs in the order they first appear; roles with one label add up under it
        for (construct, role), n in Counter(zip(first["construct"].tolist(), first["role"].tolist())).items():
            label = labels.get(role)
            if label is None:
                label = labels[role] = m.role_label(role)
            self.roles.setdefault(construct, Counter())[label] += n


def _short(text: Any, limit: int = 360) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " \u2026"


class _AnalystsWords:
    """The raters' rows by construct and the coders' memos by code, gathered once for every construct of a report
    (filtering the frames again for each construct cost a dozen pandas calls per construct)."""

    def __init__(self, data: ThemesData, clinics: Sequence[str]) -> None:
        from ..coding.reconcile import DECISION_MEMO

        self.order = {c.casefold(): k for k, c in enumerate(clinics)}
        self.ratings: dict[Any, list[Any]] = {}
        ratings = data.ratings
        if ratings is not None and len(ratings):
            for row in ratings.itertuples(index=False):
                self.ratings.setdefault(row.construct, []).append(row)
        self.memos: list[Any] = []
        self.decided: list[Any] = []
        self.by_code: dict[Any, list[int]] = {}
        memos = data.memos
        if memos is not None and len(memos):
            self.memos = list(memos.itertuples(index=False))
            # a reconciliation sheet's note ("reconciled: keep A (D0003)") is no coder's memo: said once (_decided_rows)
            self.decided = [DECISION_MEMO.match(str(memo)) for memo in memos["memo"].tolist()]
            for k, code in enumerate(memos["code"].tolist()):
                self.by_code.setdefault(code, []).append(k)

    def rated(self, construct: str) -> list[Any]:
        """The ratings of ``construct``, clinics in report order (others after them, by case id)."""
        last = len(self.order)
        return sorted(self.ratings.get(construct, ()),
                      key=lambda row: (self.order.get(str(row.case_id).casefold(), last), row.case_id))

    def noted(self, codes: set[str]) -> list[int]:
        """Positions of the memos on any of ``codes``, in the memos' order."""
        return sorted({k for code in codes for k in self.by_code.get(code, ())})


def _analysts_words(b: ReportBuilder, words: _AnalystsWords, construct: str, codes: set[str]) -> list[tuple[str, str]]:
    """The raters' rationale per clinic and the coders' memos on ``construct``; returns its pinned quotes."""
    pinned: list[tuple[str, str]] = []
    for row in words.rated(construct):
        rating = row.rating if isinstance(row.rating, str) and row.rating else "not rated"
        if isinstance(row.rationale, str) and row.rationale.strip():
            b.paragraph(f"**{str(row.case_id).title()} ({rating}).** {_short(row.rationale)}")
        if isinstance(row.quote, str) and row.quote.strip():
            pinned.append((_short(row.quote, 600), f"{str(row.case_id).title()}, quote chosen by the raters"))
    mine = words.noted(codes)
    if mine:
        own = [words.memos[k] for k in mine if words.decided[k] is None]
        if own:
            shown = [f"\u201c{_short(r.memo, 200)}\u201d ({r.clinic or r.transcript_id})" for r in own[:5]]
            b.paragraph("**Coders' memos.** " + "; ".join(shown) + ".")
    return pinned


def _decided_rows(data: ThemesData, codes: Mapping[str, set[str]], order: Sequence[str]) -> dict[str, list[str]]:
    """Per construct (in ``order``), the reconciliation-sheet rows its codings were decided in:
    ``'D0003 (hillcrest)'``, read from the decisions' notes (``reconciled: keep A (D0003)``)."""
    from ..coding.reconcile import DECISION_MEMO

    memos = data.memos
    if memos is None or not len(memos):
        return {}
    matches = memos["memo"].map(lambda memo: DECISION_MEMO.match(str(memo)))
    notes = memos[matches.notna()].assign(sheet_row=[m["row"] for m in matches if m])
    out: dict[str, list[str]] = {}
    for construct in order:
        mine = notes[notes["code"].isin(codes.get(construct, set()))]
        rows = list(dict.fromkeys(f"{r.sheet_row} ({r.clinic or r.transcript_id})" for r in mine.itertuples(index=False)))
        if rows:
            out[construct] = rows
    return out


def _rows(rows: list[str], limit: int = 8) -> str:
    """``'rows D0003 (hillcrest) and D0018 (southport)'``, the first ``limit`` and how many more."""
    from .methods import join_words

    shown = rows[:limit] + ([f"{len(rows) - limit:,} more"] if len(rows) > limit else [])
    return ("row " if len(rows) == 1 else "rows ") + join_words(shown)


def _rapid_for_domain(b: ReportBuilder, data: ThemesData, domain: str, clinics: Sequence[str]) -> None:
    """Rapid-analysis summaries of the template domains that cover CFIR ``domain`` (one per transcript, by clinic)."""
    rapid = data.rapid
    if rapid is None or not len(rapid):
        return
    covering = [name for name, constructs in dict(zip(rapid["domain"], rapid["constructs"])).items()
                if any(str(c).split(".", 1)[0] == domain for c in constructs)]
    order = {c.casefold(): k for k, c in enumerate(clinics)}
    for name in covering:
        rows = rapid[rapid["domain"] == name]
        rows = rows.assign(_k=rows["clinic"].map(lambda c: order.get(str(c).casefold(), len(order))))
        parts = [f"{str(r.clinic).title() or r.transcript_id} ({r.transcript_id}): {_short(r.summary, 300)}"
                 for r in rows.sort_values(["_k", "transcript_id"]).itertuples(index=False)]
        b.paragraph(f"**Rapid-analysis summaries: {name}.** " + " ".join(parts))


def themes_report(inputs: ReportInputs, path: str | Path, *, max_quotes: int = 3, charts: bool = True,
                  title: str = "Themes by construct") -> ReportResult:
    """Write the themes report: per construct, frequency by clinic and role, and exemplar quotes.

    Parameters
    ----------
    inputs : ReportInputs
        With ``themes`` and ``constructs``.
    path : path
    max_quotes : int
        Exemplar quotes per construct.
    charts : bool
        Draw and embed the code-frequency chart.
    title : str

    Returns
    -------
    ReportResult
    """
    ctx = _start(inputs, path, title, charts)
    b = ctx.builder
    b.title_page(title, "CFIR constructs in staff interviews and focus groups", _study_lines(inputs))
    b.toc(levels=2)
    b.page_break()
    write_themes(b, ctx, level=1, max_quotes=max_quotes)
    return _finish(ctx, "themes")


# ====================================================================== agreement
STAT_LABELS = {
    "percent_agreement": "% agreement",
    "cohen_kappa": "Cohen's \u03ba",
    "scott_pi": "Scott's \u03c0",
    "fleiss_kappa": "Fleiss' \u03ba",
    "krippendorff_alpha": "Krippendorff's \u03b1",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger \u03ba",
    "pabak": "PABAK",
    "unitized_alpha": "unitized \u03b1",
    "conger_kappa": "Conger's \u03ba",
}
#: The source each coefficient is cited by in the method paragraph (keys of :data:`mio_qual.citations.CITATIONS`).
STAT_CITATIONS = {
    "cohen_kappa": "cohen1960",
    "scott_pi": "scott1955",
    "fleiss_kappa": "fleiss1971",
    "krippendorff_alpha": "krippendorff2004",
    "gwet_ac1": "gwet2008",
    "brennan_prediger": "brennan1981",
    "pabak": "byrt1993",
    "unitized_alpha": "krippendorff2004",
    "conger_kappa": "conger1980",
}
#: The in-text citations of :data:`STAT_CITATIONS` (``"Cohen, 1960"``).
STAT_SOURCES = {stat: short_citation(key) for stat, key in STAT_CITATIONS.items()}
UNIT_WORDS = {
    "sentence": "sentences", "turn": "speaker turns", "paragraph": "paragraphs", "character": "characters",
    "span": "coded spans", "transcript": "transcripts", "continuum": "the text continuum",
}


@dataclass
class AgreementData:
    """What the agreement sections report, computed once.

    Attributes
    ----------
    coders : list of str
    unit : str
    table : DataFrame
        :meth:`Project.agreement` output.
    disagreements : DataFrame
        :meth:`Project.disagreements` output.
    n_boot, seed, confidence, min_coverage
        The options it was computed with.
    n_transcripts : int
        Transcripts that entered.
    """

    coders: list[str]
    unit: str
    table: "pd.DataFrame"
    disagreements: "pd.DataFrame"
    n_boot: int = 0
    seed: int = 0
    confidence: float = 0.95
    min_coverage: float = 0.0
    n_transcripts: int = 0
    participants_only: bool = False

    @property
    def stats(self) -> list[str]:
        """Coefficients present in the table, in its column order."""
        return [c for c in self.table.columns if c in STAT_LABELS]

    @property
    def main_stat(self) -> str:
        """The chance-corrected coefficient shown with its interval (kappa for two coders, else Fleiss or alpha)."""
        for stat in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "unitized_alpha", "percent_agreement"):
            if stat in self.table.columns:
                return stat
        return self.stats[0]

    def codes(self) -> "pd.DataFrame":
        return self.table[self.table["level"] == "code"]

    def pooled(self) -> "pd.DataFrame":
        return self.table[self.table["level"].isin(["pooled", "nominal"])]

    def transcripts(self) -> "pd.DataFrame":
        return self.table[self.table["level"] == "transcript"]


def too_few_coders(coders: Sequence[str]) -> str:
    """The sentence an agreement section shows when fewer than two layers are compared."""
    return (f"Inter-rater agreement needs two coders' layers; this project has "
            f"{m.number(len(coders), 'human coding layer')}, so agreement was not computed.")


def no_shared_transcripts(coders: Sequence[str]) -> str:
    """The sentence an agreement section shows when the layers share no coded transcript."""
    return f"The layers {m.join_words(coders)} share no coded transcripts, so agreement was not computed."


def _fmt(value: Any, pattern: str = "{:.2f}") -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "\u2013" if value is None else str(value)
    if math.isnan(number):
        return "\u2013"
    text = pattern.format(number)
    return text[1:] if text.startswith("-") and not text.strip("-0.%") else text  # no "-0.00"


def agreement_method(data: AgreementData) -> str:
    """The method paragraph of what was computed: coders, unit, coefficients, intervals, thresholds."""
    codes = data.codes()
    n_units = int(codes["n_units"].max()) if len(codes) else 0
    unit = data.unit
    coders = m.join_words(data.coders)
    text = (f"**Inter-rater agreement.** Agreement between {coders} was measured code by code on "
            f"{UNIT_WORDS.get(unit, unit)} as units")
    if unit in ("sentence", "turn", "paragraph"):
        rule = ("any overlap of one character or more" if not data.min_coverage
                else f"a coding covering at least {data.min_coverage:.0%} of it")
        speech = " of participants' speech" if data.participants_only else ""
        text += (f": each of the {n_units:,} {UNIT_WORDS[unit]}{speech} in the"
                 f" {m.number(data.n_transcripts, 'transcript')} the coders coded was rated, for each of"
                 f" {m.number(len(codes), 'code')}, as coded or not coded by each coder (coded meaning {rule} with"
                 " that code).")
        if data.participants_only:
            text += (" Interviewer and facilitator speech was left out: it is rarely coded, and as units it would"
                     " inflate agreement.")
    elif unit == "character":
        text += f": every character was a unit, coded or not with each of {m.number(len(codes), 'code')}."
    elif unit == "span":
        text += (": each coder's coded span was a unit, agreeing when the other coder had a span with the same code"
                 " overlapping it enough; only percent agreement is defined on such units.")
    elif unit == "transcript":
        text += f": each code was rated present or absent in each of the {m.number(data.n_transcripts, 'transcript')}."
    elif unit == "continuum":
        text += ": Krippendorff's unitized alpha compared where on the text each coder placed each code."
    stats = [s for s in data.stats if s != "percent_agreement"]
    named = [f"{STAT_LABELS[s]} ({STAT_SOURCES[s]})" if s in STAT_SOURCES else STAT_LABELS[s] for s in stats]
    if "percent_agreement" in data.stats:
        named.insert(0, "percent agreement")
    text += f" We report {m.join_words(named)} for each code, pooled over codes"
    if (data.table["level"] == "nominal").any():
        text += ", for one code per unit (units with several codes from one coder set aside)"
    text += ", and per transcript."
    attrs = data.table.attrs
    text += " " + m.agreement_intervals(data.stats, n_boot=data.n_boot, seed=data.seed, confidence=data.confidence,
                                        boot_method=attrs.get("boot_method", "units"), labels=STAT_LABELS)
    conventions = m.agreement_conventions(data.stats, convention=attrs.get("convention", "gwet"),
                                          seen_rule=attrs.get("seen_rule", ""), set_aside=attrs.get("set_aside"))
    text += (" " + conventions) if conventions else ""
    convention = ""
    if "flag_convention" in data.table.columns and len(data.table):
        convention = str(data.table["flag_convention"].iloc[0])
    flag_stat = convention.split(";", 1)[0].strip() if convention else ""
    text += (f" Each code is flagged against Krippendorff's (2004, p. 241) convention applied to"
             f" {STAT_LABELS.get(flag_stat, flag_stat or 'alpha')}: at least 0.800 reliable, 0.667 to 0.800"
             " tentative, below 0.667 unreliable; a code coded in fewer than"
             f" {m.number(MIN_CODED_UNITS)} units on average over the coders is flagged too rare, whatever its value.")
    if "prevalence_index" in data.table.columns:
        text += (" Because chance-corrected coefficients are low for rare codes even when coders rarely disagree,"
                 " each code's prevalence is shown beside them.")
    return text


def agreement_results(data: AgreementData) -> str:
    """One paragraph of results: pooled values and how many codes met the convention."""
    codes = data.codes()
    main = data.main_stat
    pooled = data.table[data.table["level"] == "pooled"]
    parts = []
    if len(pooled):
        row = pooled.iloc[0]
        bits = []
        for stat in data.stats:
            value = row.get(stat)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            piece = f"{STAT_LABELS[stat]} {_fmt(value, '{:.1%}' if stat == 'percent_agreement' else '{:.2f}')}"
            low, high = row.get(f"{stat}_ci_low"), row.get(f"{stat}_ci_high")
            if stat == main and low is not None and not math.isnan(low):
                piece += f" ({data.confidence:.0%} CI {_fmt(low)} to {_fmt(high)})"
            bits.append(piece)
        parts.append(f"Pooled over codes ({int(row['n_units']):,} unit decisions per coder), " + ", ".join(bits) + ".")
    if "flag" in codes.columns and len(codes):
        counts = codes["flag"].value_counts()
        def word(n: int) -> str:
            return "none" if not n else m.number(n)

        parts.append(f"Of {m.number(len(codes), 'code')}, {word(counts.get('reliable', 0))} reached the reliable level,"
                     f" {word(counts.get('tentative', 0))} the tentative level and {word(counts.get('unreliable', 0))}"
                     " fell below it"
                     + (f"; {m.number(counts.get('', 0))} could not be assessed" if counts.get("", 0) else "")
                     + (f"; {m.number(counts.get(TOO_RARE, 0))} {'was' if counts.get(TOO_RARE, 0) == 1 else 'were'}"
                        f" too rare to assess (fewer than {MIN_CODED_UNITS} units coded)"
                        if counts.get(TOO_RARE, 0) else "") + ".")
    if "prevalence" in codes.columns and len(codes):
        median = float(codes["prevalence"].median())
        parts.append(f"The median code was applied to {median:.1%} of units.")
    return " ".join(parts)


#: Fewer coded units than this (on average over the coders) and a code's interval is not shown: the large-sample
#: approximation behind an analytic interval does not hold, and a bootstrap of so few barely varies. The same
#: bound flags the code "too rare" in the agreement table (:mod:`mio_qual.agreement.rarity`).
from ..agreement.rarity import MIN_CODED_UNITS, TOO_RARE  # noqa: E402


def interval_meaningful(row: Mapping[str, Any], stat: str) -> bool | None:
    """Whether ``row``'s interval of ``stat`` says anything: None when there is none, False when it is not meaningful.

    Not meaningful: fewer than :data:`MIN_CODED_UNITS` units coded with the code on average over the
    coders (prevalence, the coders' mean share of units coded, times units: 3 and 6 coded units
    make 4.5), or an interval that prints as a point at two decimals (``0.00 (0.00, 0.00)`` claims
    a certainty the data do not give).
    """
    low, high = row.get(f"{stat}_ci_low"), row.get(f"{stat}_ci_high")
    if low is None or high is None or math.isnan(float(low)) or math.isnan(float(high)):
        return None
    if _fmt(low) == _fmt(high):
        return False
    prevalence, units = row.get("prevalence"), row.get("n_units")
    if row.get("level") == "code" and prevalence is not None and units is not None \
            and not math.isnan(float(prevalence)) and not math.isnan(float(units)):
        return float(prevalence) * float(units) >= MIN_CODED_UNITS - 1e-9
    return True


def _interval_text(row: Mapping[str, Any], stat: str) -> str:
    """`` (low, high)``; `` (no interval*)`` where it is not meaningful (:func:`interval_meaningful`)."""
    meaningful = interval_meaningful(row, stat)
    if meaningful is None:
        return ""
    if not meaningful:
        return "\u00a0(no\u00a0interval*)"
    return f"\u00a0({_fmt(row[f'{stat}_ci_low'])},\u00a0{_fmt(row[f'{stat}_ci_high'])})"


def chart_intervals(codes: "pd.DataFrame", stat: str) -> "pd.DataFrame":
    """A copy of ``codes`` whose intervals that are not meaningful are emptied, so a chart draws none for them."""
    out = codes.copy()
    keep = [interval_meaningful(row, stat) is not False for row in codes.to_dict("records")]
    for end in ("low", "high"):
        column = f"{stat}_ci_{end}"
        if column in out.columns:
            out[column] = out[column].where(keep)
    return out


INTERVAL_NOTE = (f"* No interval: fewer than {MIN_CODED_UNITS} units were coded with the code (on average over the"
                 " coders), or its interval"
                 " rounds to a point; an interval for so rare a code would claim a precision the data do not give.")
THRESHOLD_STATS = ("krippendorff_alpha", "unitized_alpha")
"""The statistics the 0.667/0.800 lines belong to (Krippendorff, 2004, p. 241): drawn on no other axis."""


def _code_table(data: AgreementData, name_of: Callable[[str], str],
                order: Callable[[str], Any] | None = None) -> "pd.DataFrame":
    import pandas as pd

    main = data.main_stat
    rows = []
    records = data.table[data.table["level"].isin(["code", "pooled", "nominal"])].to_dict("records")
    if order is not None:  # codes in the codebook's (CFIR) order, pooled rows last
        records.sort(key=lambda r: (r["level"] != "code", order(str(r["code"])) if r["level"] == "code" else ()))
    for row in records:
        record = {"Code": row["code"], "Name": name_of(row["code"]) if row["level"] == "code" else ""}
        if "prevalence" in row:
            record["Prevalence"] = row["prevalence"]
        for stat in data.stats:
            label = STAT_LABELS[stat]
            if stat == main and stat != "percent_agreement":
                interval = _interval_text(row, stat)
                record[f"{label} (95% CI)" if data.confidence == 0.95 else f"{label} (CI)"] = _fmt(row[stat]) + interval
            elif stat != "pabak" or "gwet_ac1" not in data.stats:
                record[label] = row[stat]
        if "flag" in row:
            record["Flag"] = row["flag"]
        rows.append(record)
    return pd.DataFrame(rows)


def write_agreement(b: ReportBuilder, ctx: _Context, data: AgreementData | str, *, level: int = 1,
                    method: bool = True, appendix: bool = True, max_rows: int = 400) -> None:
    """Agreement: method paragraph, results, per-code and per-transcript tables, chart, disagreements."""
    if isinstance(data, str):
        ctx.say_absent(data)
        return
    info = _constructs(ctx.inputs)
    if method:
        b.heading("Method", level + 1)
        b.paragraph(agreement_method(data))
        b.heading("Results", level + 1)
    b.paragraph(agreement_results(data))
    percent = {"Prevalence": "{:.1%}", STAT_LABELS["percent_agreement"]: "{:.1%}"}
    table = _code_table(data, info.name, info.order_key)
    note = ("Codes in CFIR order. Prevalence: share of units coded with the code, averaged over the coders (the"
            " share of all their ratings that apply it). Flag: Krippendorff's"
            " (2004) convention (reliable at least 0.800, tentative 0.667 to 0.800); too rare: fewer than"
            f" {MIN_CODED_UNITS} units coded on average, whatever the value. Rows in parentheses pool every"
            " code.")
    if table.astype(str).apply(lambda column: column.str.contains("no\u00a0interval", regex=False)).any().any():
        note += " " + INTERVAL_NOTE
    b.table(table, f"Agreement per code between {m.join_words(data.coders)} ({UNIT_WORDS.get(data.unit, data.unit)}"
            " as units)", number_format=percent, note=note)
    if ctx.charts:
        from .charts import agreement_chart

        stat = data.main_stat
        codes = chart_intervals(data.codes(), stat)
        codes["label"] = [f"{c} {info.name(c)}"[:44] for c in codes["code"]]
        thresholds = DEFAULT_THRESHOLDS if stat in THRESHOLD_STATS else ()
        png = agreement_chart(codes.rename(columns={stat: "value", f"{stat}_ci_low": "ci_low",
                                                    f"{stat}_ci_high": "ci_high"}),
                              ctx.figure_path("agreement"), label="label", statistic=STAT_LABELS[stat],
                              thresholds=thresholds)
        ctx.figures.append(png)
        caption = f"{STAT_LABELS[stat]} per code with {data.confidence:.0%} confidence intervals"
        caption += ("; dashed lines at 0.667 and 0.800 (Krippendorff, 2004)" if thresholds else
                    "; no cut-off lines: the 0.667 and 0.800 conventions belong to Krippendorff's alpha, not to"
                    f" {STAT_LABELS[stat]}; a code without an interval was too rare for one")
        b.figure(png, caption)
    per_transcript = data.transcripts()
    if len(per_transcript):
        import pandas as pd

        frame = pd.DataFrame({"Transcript": per_transcript["transcript_id"].to_numpy(),
                              "Decisions": per_transcript["n_units"].astype(int).to_numpy()})
        for stat in data.stats:
            if stat == "pabak" and "gwet_ac1" in data.stats:
                continue
            frame[STAT_LABELS[stat]] = per_transcript[stat].to_numpy()
        if "flag" in per_transcript.columns:
            frame["Flag"] = per_transcript["flag"].to_numpy()
        b.table(frame, "Agreement per transcript (all codes pooled)", number_format=percent,
                note="Decisions: the transcript's units times the codes compared, each a coded/not coded decision"
                     " by each coder.")
    if appendix:
        write_disagreements(b, ctx, data, level=level + 1 if level < 3 else level, max_rows=max_rows)


def disagreement_frame(data: AgreementData, redactor: Callable[[str], str]) -> "pd.DataFrame":
    """The disagreements as a de-identified table: unit, speaker (study id, role), text, each coder's codes."""
    import pandas as pd

    dis = data.disagreements
    if not len(dis):
        return pd.DataFrame()
    out = pd.DataFrame()
    if "segment_id" in dis.columns:
        out["Unit"] = dis["segment_id"].to_numpy()
    elif "transcript_id" in dis.columns:
        out["Transcript"] = dis["transcript_id"].to_numpy()
    if "study_id" in dis.columns:
        roles = dis["speaker_role"] if "speaker_role" in dis.columns else pd.Series([None] * len(dis))
        out["Speaker"] = [f"{s}, {m.role_label(r)}" if isinstance(s, str) else m.role_label(r)
                          for s, r in zip(dis["study_id"], roles)]
    if "text" in dis.columns:
        out["Text"] = [redactor(" ".join(str(t).split())) if isinstance(t, str) else "" for t in dis["text"].tolist()]
    for coder in data.coders:
        column = f"codes: {coder}"
        if column in dis.columns:
            out[coder] = dis[column].fillna("").to_numpy()
    for column in dis.columns:
        if column.startswith("codes:") and column.split(":", 1)[1].strip() not in out.columns:
            out[column.split(":", 1)[1].strip()] = dis[column].fillna("").to_numpy()
    return out


def write_disagreements(b: ReportBuilder, ctx: _Context, data: AgreementData, *, level: int = 2,
                        max_rows: int = 400, heading: str = "Disagreements") -> None:
    """The disagreement appendix (landscape, its heading with it), and the full list as CSV beside the document."""
    from ..exports import write_csv

    frame = disagreement_frame(data, b.clean)
    if not len(frame):
        b.heading(heading, level)
        b.paragraph("The coders did not disagree on any unit.")
        return
    csv = ctx.path.with_name(f"{ctx.path.stem}-disagreements.csv")
    write_csv(frame, csv)
    ctx.files.append(csv)
    shown = frame.head(max_rows)
    with b.landscape_section():
        b.heading(heading, level)
        b.paragraph(f"{m.opening(len(frame), 'unit')} {'was' if len(frame) == 1 else 'were'} coded differently by"
                    f" {m.join_words(data.coders)}"
                    + (f"; the first {len(shown):,} are listed below, and all of them in {csv.name}."
                       if len(shown) < len(frame) else f"; all are listed below (and in {csv.name})."))
        widths = {"Unit": 2.4, "Transcript": 2.2, "Speaker": 3.2, "Text": 12.0}
        b.table(shown, "Units the coders coded differently, with each coder's codes",
                widths=[widths.get(c, 3.0) for c in shown.columns],
                note="Speakers are given by study id and role; names in the text are replaced with [name].")


def agreement_report(inputs: ReportInputs, path: str | Path, *, max_rows: int = 400, charts: bool = True,
                     title: str = "Inter-rater agreement") -> ReportResult:
    """Write the agreement report: generated method paragraph, per-code table, chart, disagreement appendix.

    Parameters
    ----------
    inputs : ReportInputs
        With ``agreement`` (an :class:`AgreementData`, or the sentence saying why there is none).
    path : path
    max_rows : int
        Disagreements listed in the document (all are written to the CSV beside it).
    charts : bool
    title : str
    """
    ctx = _start(inputs, path, title, charts)
    b = ctx.builder
    b.title_page(title, "Coding reliability of the qualitative analysis", _study_lines(inputs))
    b.toc(levels=2)
    b.page_break()
    b.heading("Inter-rater agreement")
    write_agreement(b, ctx, _agreement(inputs), level=1, max_rows=max_rows)
    return _finish(ctx, "agreement")


def _agreement(inputs: ReportInputs) -> AgreementData | str:
    return inputs.agreement if inputs.agreement is not None else too_few_coders([])


# ====================================================================== joint displays
def missing_joint_data(n_ratings: int, n_quant: int, by: str) -> str | None:
    """The sentence saying why no joint display can be built (ratings or outcomes missing), or None."""
    if not n_ratings and not n_quant:
        return (f"No construct ratings by {by} and no quantitative outcomes are stored yet, so there are no"
                " joint displays.")
    if not n_ratings:
        return (f"No construct ratings by {by} are stored yet, so the quantitative outcomes cannot be joined"
                " with qualitative findings.")
    if not n_quant:
        return (f"No quantitative outcomes are stored yet, so the construct ratings by {by} cannot be joined"
                " with outcomes.")
    return None


def write_joint(b: ReportBuilder, ctx: _Context, *, level: int = 1, export: bool = True) -> None:
    """The three joint displays (case-ordered matrix, side-by-side, statistics by theme) and the heatmap."""
    data = ctx.inputs.joint or JointData(absent=missing_joint_data(0, 0, "clinic"))
    outcome, by = data.outcome, data.by
    if data.absent:
        ctx.say_absent(data.absent)
        return
    ordered = data.case_ordered
    if ordered is None or isinstance(ordered, str):
        ctx.say_absent(f"The joint displays could not be built: {ordered}.")
        return
    b.paragraph(f"Joint displays put the qualitative strand (CFIR construct ratings per {by}, from"
                f" {ordered.data['rater']}) beside the quantitative strand ({outcome}), after Fetters, Curry and"
                " Creswell (2013) and Guetterman, Fetters and Creswell (2015).")
    _rating_agreement_table(b, data.rating_agreement, by)
    figure = None
    if ctx.charts:
        figure = ctx.figure_path("heatmap")
        ctx.figures.append(figure)
    write_display(b, ordered, level=level, by=by, outcome=outcome, figure=figure)
    displays = [ordered]
    for kind, display in (("side-by-side", data.side_by_side), ("stats-by-theme", data.stats_by_theme)):
        if isinstance(display, str):
            b.heading(DISPLAY_HEADINGS[kind], level)
            ctx.say_absent(f"The {DISPLAY_NAMES[kind]} display could not be built: {display}.")
        elif display is not None:
            displays.append(display)
            write_display(b, display, level=level, by=by, outcome=outcome)
    if export:
        from .deidentify import redact_display
        from .render import write_csv, write_xlsx

        for display in displays:
            display = redact_display(display, b.clean)
            stem = ctx.path.with_name(f"{ctx.path.stem}-{display.kind}")
            ctx.files.append(write_csv(display.frame, stem.with_suffix(".csv")))
            ctx.files.append(write_xlsx(display.tables(), stem.with_suffix(".xlsx")))


DISPLAY_HEADINGS = {"case-ordered": "Case-ordered construct matrix", "side-by-side": "Side-by-side display",
                    "stats-by-theme": "Statistics by theme"}
DISPLAY_NAMES = {"case-ordered": "case-ordered", "side-by-side": "side-by-side", "stats-by-theme": "statistics-by-theme"}


def write_display(b: ReportBuilder, display: "JointDisplay", *, level: int = 1, by: str = "clinic",
                  outcome: str = "fidelity", figure: Path | None = None) -> None:
    """One joint display under its heading, as the joint report shows it.

    The case-ordered matrix (clinics in label form, ratings filled by valence) with its heatmap
    (drawn to ``figure`` when given) and its outcome table; the side-by-side display on landscape
    pages; the statistics by theme. Tables go through :func:`mio_qual.reports.render.add_table`,
    the one writer of Word tables.

    Parameters
    ----------
    b : ReportBuilder
    display : JointDisplay
    level : int
        Heading level.
    by, outcome : str
        The case kind and the outcome cases are ordered by.
    figure : Path, optional
        Where to save the heatmap of a case-ordered display (no heatmap without it).
    """
    from ..result import Table
    from .render import add_table

    kind = display.kind
    if kind == "case-ordered":
        matrix_columns = set(display.data["matrix"].columns) if "matrix" in display.data else set()
        frame = display.frame.rename(columns={"construct": "Construct", "name": "Name", "difference": "Difference",
                                              "distinguishing": "Distinguishing", "n_high": "Rated high",
                                              "n_low": "Rated low"})
        frame.columns = [m.clinic_label(col) if col in matrix_columns else col for col in frame.columns]
        ratings = [m.clinic_label(col) if col in matrix_columns else col for col in display.rating_columns]
        b.heading(DISPLAY_HEADINGS[kind], level)
        add_table(b, Table(frame, f"{display.title}: {by}s ordered by {outcome}, highest first", list(display.notes),
                           ratings))
        if figure is not None:
            from .charts import draw

            draw(display.result().figures[0], figure)
            b.figure(figure, f"Construct by {by} heatmap of ratings, {by}s ordered by {outcome}")
        for extra in display.extra:
            add_table(b, Table(extra.frame.rename(columns=lambda col: str(col).replace("_", " ")), extra.title,
                               list(extra.notes)))
    elif kind == "side-by-side":
        frame = display.frame.rename(columns={"construct": "Construct", "name": "Name",
                                              "quantitative_result": "Quantitative result",
                                              "qualitative_finding": "Qualitative finding",
                                              "exemplar_quotes": "Exemplar quotes", "fit": "Fit",
                                              "fit_source": "Fit source", "fit_note": "Fit note",
                                              "direction_summary": "Direction summary (not a fit)"})
        if "Fit note" in frame.columns and not frame["Fit note"].astype(str).str.strip().any():
            frame = frame.drop(columns="Fit note")
        with b.landscape_section():
            b.heading(DISPLAY_HEADINGS[kind], level)
            add_table(b, Table(frame, display.title, list(display.notes)),
                      widths=[1.6, 2.8, 4.5, 5.5, 8.0, 1.8, 1.6, 2.5, 2.5][:len(frame.columns)])
    else:
        b.heading(DISPLAY_HEADINGS.get(kind, display.title), level)
        case = by.capitalize()
        names = {"construct": "Construct", "name": "Name", "rating": "Rating", "cases": f"{case}s",
                 "n_cases": f"n {by}s", "case_mean": f"{case} mean", "case_sd": f"{case} SD", "n_units": "n units",
                 "unit_mean": "Unit mean", "unit_sd": "Unit SD", "unit_median": "Unit median"}
        frame = display.frame.rename(columns=lambda col: names.get(str(col), str(col).replace("_", " ")))
        two = "{:.2f}"
        add_table(b, Table(frame, display.title, list(display.notes)),
                  number_format={f"{case} mean": two, f"{case} SD": two, "Unit mean": two, "Unit SD": two,
                                 "Unit median": two})


RATING_STATS = {
    "krippendorff_alpha_ordinal": "Krippendorff's \u03b1, ordinal (-2..+2)",
    "krippendorff_alpha_nominal": "Krippendorff's \u03b1, nominal (X a category)",
    "cohen_kappa_linear": "Cohen's \u03ba, linear weights",
    "percent_agreement": "Exact agreement",
    "within_one_point": "Within one point",
}


def _rating_agreement_table(b: ReportBuilder, table: "pd.DataFrame | None", by: str) -> None:
    """Agreement between the raters whose ratings the consensus was built from (nothing with one rater)."""
    import pandas as pd

    if table is None:
        return
    frame = pd.DataFrame({
        "Statistic": [RATING_STATS.get(s, s.replace("_", " ")) for s in table["statistic"]],
        "Raters": table["raters"].to_numpy(),
        "Value": table["value"].to_numpy(),
        "95% CI": [f"{lo:.2f} to {hi:.2f}" if lo == lo and hi == hi else "" for lo, hi in
                   zip(table["ci_low"], table["ci_high"])],
        "Units": table["n_units"].to_numpy(),
    })
    b.table(frame, f"Agreement between the raters on construct ratings per {by} (units: {by} x construct)",
            number_format={"Value": "{:.2f}"},
            note="Ordinal statistics leave out X (mixed) and missing ratings; the nominal alpha and exact agreement"
                 " count X as a rating of its own." if table["note"].astype(str).str.contains("X (mixed)", regex=False).any()
                 else "Ordinal statistics leave out missing ratings.")


def joint_report(inputs: ReportInputs, path: str | Path, *, charts: bool = True, export: bool = True,
                 title: str = "Joint displays") -> ReportResult:
    """Write the joint displays report: case-ordered matrix with heatmap, side-by-side, statistics by theme.

    Parameters
    ----------
    inputs : ReportInputs
        With ``joint``.
    path : path
    charts : bool
    export : bool
        Also write each display as CSV and XLSX beside the document.
    title : str
    """
    data = inputs.joint or JointData()
    ctx = _start(inputs, path, title, charts)
    b = ctx.builder
    b.title_page(title, f"CFIR construct ratings and {data.outcome} by {data.by}", _study_lines(inputs))
    b.toc(levels=2)
    b.page_break()
    b.heading("Joint displays")
    write_joint(b, ctx, level=2, export=export)
    return _finish(ctx, "joint")


# ====================================================================== automatic suggestions
def _sentence(text: str) -> str:
    """A note as a sentence: capital first letter, final full stop."""
    text = " ".join(str(text).split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def write_autocode(b: ReportBuilder, ctx: _Context, evaluations: Sequence[Any], *, level: int = 2) -> None:
    """Automatic suggestions: how well the rules and the model agree with the human (consensus) coding."""
    import pandas as pd

    origins = ctx.inputs.origins
    if not evaluations:
        ctx.say_absent("No automatic suggestions were evaluated for this report."
                       if origins.get("model") or origins.get("rules") else "The project holds no automatic suggestions.")
        return
    summary_rows = []
    for evaluation in evaluations:
        table = evaluation.table.set_index("code")
        for which in ("micro", "macro"):
            if which in table.index:
                row = table.loc[which]
                summary_rows.append({"Suggestions": evaluation.method, "Pooling": which,
                                     "Codes scored": int((evaluation.table["status"] == "scored").sum()),
                                     "Precision": row["precision"], "Recall": row["recall"], "F1": row["f1"],
                                     "\u03ba vs reference": row["kappa"], "\u03ba human vs human": row["kappa_human"]})
    first = evaluations[0]
    b.paragraph(f"Suggestions were compared with {first.reference} per {first.unit} ({first.n_units:,} units of staff"
                f" speech in {m.number(first.n_transcripts, 'transcript')}): precision, recall and F1 of the"
                " suggestions, and Cohen's \u03ba between suggestions and reference, beside \u03ba between two"
                f" human layers on the same units. Codes the reference used on fewer than {first.min_examples} units"
                " are not scored; micro pools the scored codes, macro averages them.")
    notes = " ".join(_sentence(n) for n in dict.fromkeys(n for e in evaluations for n in e.notes))
    if not summary_rows:
        ctx.say_absent(f"No code was used on {first.min_examples} or more units of the reference coding, so no"
                       " suggestion could be scored.")
        return
    b.table(pd.DataFrame(summary_rows), "Automatic suggestions against the reference coding", note=notes)
    for evaluation in evaluations:
        scored = evaluation.table[evaluation.table["status"] == "scored"]
        if not len(scored):
            continue
        frame = pd.DataFrame({"Code": scored["code"].to_numpy(), "Name": scored["name"].to_numpy(),
                              "Reference units": scored["support"].astype(int).to_numpy(),
                              "Suggested": scored["predicted"].astype(int).to_numpy(),
                              "Precision": scored["precision"].to_numpy(), "Recall": scored["recall"].to_numpy(),
                              "F1": scored["f1"].to_numpy(), "\u03ba": scored["kappa"].to_numpy(),
                              "\u03ba human": scored["kappa_human"].to_numpy()})
        b.table(frame, f"Suggestions by {evaluation.method}, per scored code")


# ====================================================================== study
__all__ = ["KINDS", "ReportResult", "ReportInputs", "AgreementData", "CodebookData", "ThemesData", "JointData",
           "codebook_report", "agreement_report", "themes_report", "joint_report", "write_codebook",
           "write_themes", "write_agreement", "write_disagreements", "write_joint", "write_display", "write_autocode",
           "agreement_method", "agreement_results", "codebook_data", "themes_data",
           "missing_joint_data", "too_few_coders", "no_shared_transcripts", "check_path", "QUOTE_CHOICE",
           "quote_source", "frequency_table", "disagreement_frame", "STAT_SOURCES", "STAT_CITATIONS"]

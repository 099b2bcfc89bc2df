"""The study report a PI can put in a progress report, and its appendices as separate documents.

The report itself is short and reads in the order of a grant's aims:

1. About this report (what it holds, how people are named, where the appendices are);
2. Methods (written from what the project records, :mod:`mio_qual.reports.methods`);
3. Aim 2: implementation processes by clinic and agency (:mod:`mio_qual.reports.aim2`, when the
   project holds the data);
4. Aim 3: contextual determinants (:mod:`mio_qual.reports.aim3`: joint displays of construct
   ratings against outcomes by clinic, agency and counselor), then themes by CFIR construct in
   the analysts' words (raters' rationales, memos, pinned quotes, rapid-analysis summaries) and
   the rapid-analysis matrix when summaries exist;
5. Reliability of the coding (a summary paragraph and one chart; the full tables are Appendix A);
6. Limitations, written from the project's own numbers;
7. Appendices: a list of the separate documents.

The appendices are separate Word files beside the report (``<stem>-appendix-a-agreement.docx``
...): full agreement tables, disagreement lists, evaluation of automatic suggestions and the
coder's manual, in that order. Each is written only when it has content and the ones written are
lettered consecutively (A, B, C: no gap for one left out), in their file names, titles and every
cross-reference in the text (:func:`appendix_letters`); the report names each one and what it holds.

Like every report here, this module takes a :class:`~mio_qual.reports.documents.ReportInputs`
and never reads the store.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from . import methods as m
from .documents import (STAT_LABELS, AgreementData, ReportInputs, ReportResult, _agreement, _Context, _finish,
                        _start, _study_lines, agreement_method, agreement_results, codebook_data, write_agreement,
                        write_autocode, write_codebook, write_disagreements, write_joint, write_themes)

if TYPE_CHECKING:  # pragma: no cover
    from .builder import ReportBuilder

#: The appendices in their order: name, title, what each holds (lettered by :func:`appendix_letters`).
APPENDICES = (
    ("agreement", "Inter-rater agreement", "the method, the agreement table of every code in CFIR order"
     " with intervals, and agreement per transcript (the chart is in the reliability section)"),
    ("disagreements", "Disagreements between coders", "every unit the coders coded differently,"
     " de-identified, with each coder's codes (the full list also as CSV)"),
    ("autocode", "Automatic coding suggestions", "how well the keyword rules and the model agree with"
     " the human coding, code by code"),
    ("codebook", "Coder's manual", "the codebook the coding was checked against, with definitions,"
     " inclusion and exclusion criteria and how often each code was applied"),
)


def appendix_letters(names: Iterable[str]) -> dict[str, str]:
    """Consecutive letters for the appendices written, in the order of :data:`APPENDICES`.

    Examples
    --------
    >>> appendix_letters(["codebook", "agreement", "disagreements"])
    {'agreement': 'A', 'disagreements': 'B', 'codebook': 'C'}
    """
    written = set(names)
    return {name: "ABCDEFGH"[i] for i, name in enumerate(n for n, _, _ in APPENDICES if n in written)}


def appendix_path(path: Path, key: str) -> Path:
    """Where appendix ``key`` (its letter and name, ``c-codebook``) of the report at ``path`` is written (beside it)."""
    return path.with_name(f"{path.stem}-appendix-{key}.docx")


def _appendix(inputs: ReportInputs, path: Path, name: str, letters: dict[str, str], charts: bool,
              write: Callable[["ReportBuilder", _Context], None]) -> ReportResult:
    key = f"{letters[name].lower()}-{name}"
    title = f"Appendix {letters[name]}. " + next(t for n, t, _ in APPENDICES if n == name)
    ctx = _start(inputs, appendix_path(path, key), title, charts)
    b = ctx.builder
    b.title_page(title, "Implementation study of Mothering from the Inside Out (MIO)", _study_lines(inputs))
    write(b, ctx)
    return _finish(ctx, f"appendix-{key}")


def _reliability(b: "ReportBuilder", ctx: _Context, data: AgreementData | str, letter: str = "A") -> None:
    """A paragraph, the codes below the convention by name, and the agreement chart; the tables are the agreement
    appendix (``letter``)."""
    if isinstance(data, str):
        ctx.say_absent(data)
        return
    b.paragraph(agreement_results(data))
    for reason in data.table.attrs.get("left_out_coders", {}).values():
        # a coder with no unit in common with the others: named here, not hidden in a pooled coefficient
        b.paragraph(f"Not compared: {reason}.")
    if data.table.attrs.get("coder_groups"):
        from ..agreement.project_api import groups_note

        note = groups_note(data.table.attrs["coder_groups"])
        b.paragraph(note[:1].upper() + note[1:] + ".")
    codes = data.codes()
    info = ctx.inputs.constructs
    if "flag" in codes.columns and len(codes):
        weak = [str(c) for c in codes.loc[codes["flag"] == "unreliable", "code"]]
        if info is not None:
            weak = info.sort(weak)
        if weak:
            b.paragraph(f"Findings that rest on {m.join_words(weak)} should be read with caution: the coders'"
                        f" agreement on these codes fell below the tentative level. Appendix {letter} gives every"
                        " code's agreement with its interval.")
    if ctx.charts and len(codes):
        from .charts import agreement_chart
        from .documents import DEFAULT_THRESHOLDS, THRESHOLD_STATS, chart_intervals

        stat = data.main_stat
        thresholds = DEFAULT_THRESHOLDS if stat in THRESHOLD_STATS else ()
        frame = chart_intervals(codes, stat)
        name = info.name if info is not None else (lambda c: "")
        frame["label"] = [f"{c} {name(c)}"[:44] for c in frame["code"]]
        png = agreement_chart(frame.rename(columns={stat: "value", f"{stat}_ci_low": "ci_low",
                                                    f"{stat}_ci_high": "ci_high"}),
                              ctx.figure_path("agreement"), label="label", statistic=STAT_LABELS[stat],
                              thresholds=thresholds)
        ctx.figures.append(png)
        b.figure(png, f"{STAT_LABELS[stat]} per code with {data.confidence:.0%} confidence intervals"
                 + ("; dashed lines at 0.667 and 0.800 (Krippendorff, 2004)" if thresholds else
                    "; no cut-off lines (the 0.667 and 0.800 conventions belong to Krippendorff's alpha); a code"
                    " without an interval was too rare for one"))


def _autocode_summary(b: "ReportBuilder", evaluations: list[Any], letter: str = "C") -> None:
    parts = []
    for evaluation in evaluations:
        table = evaluation.table.set_index("code")
        if "micro" in table.index:
            row = table.loc["micro"]
            scored = int((evaluation.table["status"] == "scored").sum())
            f1 = row["f1"]
            parts.append(f"{evaluation.method}: micro-averaged F1 {f1:.2f} over {m.number(scored, 'scored code')}"
                         if isinstance(f1, float) and not math.isnan(f1) else
                         f"{evaluation.method}: no code could be scored")
    if parts:
        b.paragraph("**Automatic coding suggestions.** Suggestions were compared with the human coding ("
                    + "; ".join(parts) + "). They were used only to point coders at passages, never as findings;"
                    f" Appendix {letter} gives the evaluation code by code.")


def limitations(inputs: ReportInputs, data: AgreementData | str, evaluations: list[Any],
                letters: dict[str, str] | None = None) -> list[str]:
    """The limitations that are true of this project, each one sentence or two, from its own numbers.

    Parameters
    ----------
    inputs : ReportInputs
    data : AgreementData or str
        The agreement (or why there is none).
    evaluations : list of Evaluation
        Evaluations of automatic suggestions.
    letters : dict, optional
        The appendices' letters (:func:`appendix_letters`); by default every appendix is written.

    Returns
    -------
    list of str
    """
    counts = inputs.counts
    out = []
    clinics = int(counts.get("clinics", 0) or 0)
    if clinics:
        out.append(f"The study has {m.number(clinics, 'clinic')}: comparisons across clinics (the case-ordered"
                   " displays, the heatmap, any predictor-by-outcome matrix) are descriptive; with so few cases no"
                   " association can be tested, and one clinic can reverse a pattern.")
    if isinstance(data, str):
        out.append("Coding reliability could not be assessed: " + data[0].lower() + data[1:])
    else:
        codes = data.codes()
        if "flag" in codes.columns and len(codes):
            weak = int((codes["flag"] == "unreliable").sum())
            if weak:
                out.append(f"Agreement fell below the tentative level for {m.number(weak)} of the"
                           f" {m.number(len(codes), 'code')};"
                           " themes resting on those codes are less certain than the others.")
        from .documents import MIN_CODED_UNITS, interval_meaningful

        rare = sum(row.get("flag") == "too rare" or interval_meaningful(row, data.main_stat) is False
                   for row in codes.to_dict("records"))
        if rare:
            out.append(f"Too rare in the coded units for an interval of agreement (fewer than {MIN_CODED_UNITS} units"
                       f" coded on average over the coders, or an interval that rounds to a point): {m.number(rare, 'code')}, whose coefficients"
                       " say little.")
    if not counts.get("ratings"):
        out.append("No construct ratings were recorded, so the themes are not linked to implementation outcomes.")
    if inputs.aim3 is not None:
        from .aim3 import aim3_limitations

        out.extend(aim3_limitations(inputs.aim3))
    if evaluations:
        letter = (letters or appendix_letters(n for n, _, _ in APPENDICES)).get("autocode", "C")
        out.append(f"Automatic suggestions agree only partly with the human coding (Appendix {letter}); no finding"
                   " rests on them.")
    out.append("Names are replaced using the speaker roster and its aliases; a name the roster does not list may"
               " remain in a quote. The command \u201cmio-qual report names\u201d lists capitalised words that may be"
               " such names, for review before the report is shared.")
    return out


def study_report(inputs: ReportInputs, path: str | Path, *, title: str = "Qualitative and mixed-methods findings",
                 subtitle: str | None = None, max_quotes: int = 3, max_rows: int = 400,
                 charts: bool = True) -> ReportResult:
    """Write the study report and its appendices (see the module).

    Parameters
    ----------
    inputs : ReportInputs
        Every part: ``facts``, ``agreement``, ``evaluations``, ``themes``, ``joint``, ``codebook``,
        and ``aim2`` / ``aim3`` / ``rapid`` when the project holds them (without ``aim3`` the joint
        displays stand for Aim 3).
    path : path
        The report's ``.docx``; the appendices are written beside it.
    title, subtitle : str
    max_quotes : int
        Exemplar quotes per construct.
    max_rows : int
        Disagreements listed in Appendix B (all are written to the CSV beside it).
    charts : bool

    Returns
    -------
    ReportResult
        The report's; ``files`` also lists every appendix and its files, ``appendices`` their results.
    """
    ctx = _start(inputs, path, title, charts)
    path = ctx.path
    b = ctx.builder
    data = _agreement(inputs)
    evaluations = list(inputs.evaluations or [])
    appendices: list[ReportResult] = []
    autocode = bool(evaluations or inputs.origins.get("rules") or inputs.origins.get("model"))
    letters = appendix_letters((["agreement", "disagreements"] if not isinstance(data, str) else [])
                               + (["autocode"] if autocode else []) + ["codebook"])
    if not isinstance(data, str):
        # the agreement chart is in the report itself (reliability section): drawn once, not again here
        appendices.append(_appendix(inputs, path, "agreement", letters, False,
                                    lambda b2, c2: write_agreement(b2, c2, data, level=1, appendix=False)))
        appendices.append(_appendix(inputs, path, "disagreements", letters, charts,
                                    lambda b2, c2: write_disagreements(b2, c2, data, level=1, max_rows=max_rows,
                                                                       heading="Disagreements")))
    if autocode:
        appendices.append(_appendix(inputs, path, "autocode", letters, charts,
                                    lambda b2, c2: write_autocode(b2, c2, evaluations, level=1)))
    appendices.append(_appendix(inputs, path, "codebook", letters, charts,
                                lambda b2, c2: write_codebook(b2, inputs.codebook or codebook_data(None), level=1)))

    b.title_page(title, subtitle or "Implementation study of Mothering from the Inside Out (MIO)",
                 _study_lines(inputs))
    b.toc(levels=2)
    b.page_break()
    b.heading("About this report")
    b.paragraph(_about(inputs, data, letters))
    b.heading("Methods")
    extra = [agreement_method(data)] if not isinstance(data, str) else []
    if inputs.rapid is not None:
        from .rapid import rapid_method

        extra.append(rapid_method(inputs.rapid))
    if inputs.facts is not None:
        for paragraph in m.methods_paragraphs(inputs.facts, extra=extra):
            b.paragraph(paragraph)
    if isinstance(data, str):
        b.paragraph(f"**Inter-rater agreement.** {data}")
    if inputs.aim2 is not None:  # which clinics the outcomes cover, and how a missing one is shown
        from .aim2 import outcomes_method

        method = outcomes_method(inputs.aim2)
        if method:
            b.paragraph(method)

    if inputs.aim2 is not None:
        from .aim2 import write_aim2

        ctx.figures.extend(write_aim2(b, inputs.aim2, ctx.figure_path, level=1, charts=charts))
    else:
        b.heading("Aim 2: implementation processes by clinic and agency")
        ctx.say_absent("The project holds no implementation outcome, activity or log data for Aim 2 yet.")

    if inputs.aim3 is not None:
        from .aim3 import unreliable_codes, write_aim3

        ctx.figures.extend(write_aim3(b, inputs.aim3, ctx.figure_path, level=1, charts=charts,
                                      weak_codes=unreliable_codes(data)))
    else:
        b.heading("Aim 3: determinants of implementation")
        b.paragraph("How the CFIR constructs rated in each clinic line up with its outcomes, and what staff said,"
                    " construct by construct.")
        b.heading("Joint displays", 2)
        write_joint(b, ctx, level=3, export=False)
    b.heading("Themes by construct", 2)
    b.paragraph("What staff said about MIO's implementation, construct by construct of the Consolidated Framework"
                " for Implementation Research (CFIR), in the analysts' words and the participants'.")
    write_themes(b, ctx, level=3, max_quotes=max_quotes)
    if inputs.rapid is not None:
        from .rapid import write_rapid

        write_rapid(b, inputs.rapid, level=2)

    b.heading("Reliability of the coding")
    _reliability(b, ctx, data, letters.get("agreement", "A"))
    _autocode_summary(b, evaluations, letters.get("autocode", "C"))

    b.heading("Limitations")
    b.bullets(limitations(inputs, data, evaluations, letters))

    b.heading("Appendices")
    b.paragraph("The appendices are separate documents beside this one:")
    for result in appendices:
        name = result.kind.removeprefix("appendix-")[2:]
        _, heading, holds = next(a for a in APPENDICES if a[0] == name)
        b.paragraph(f"**Appendix {letters[name]}. {heading}** ({result.path.name}): {holds}.")
    result = _finish(ctx, "study")
    for appendix in appendices:
        result.files.extend(appendix.files)
        result.absent.extend(s for s in appendix.absent if s not in result.absent)
    result.appendices = appendices
    return result


def _about(inputs: ReportInputs, data: AgreementData | str, letters: dict[str, str]) -> str:
    """The study report's opening paragraph: what it holds and how people are named."""
    counts = inputs.counts
    parts = ["This report was written by mio-qual from the project's store: every number, table and quote below"
             " is computed from the transcripts, coding layers, ratings, outcome data and logs it holds, and the"
             " methods describe only steps the project records."]
    sections = ["the methods", "Aim 2's implementation processes" if inputs.aim2 is not None else None,
                "Aim 3's themes by CFIR construct" if counts.get("codings") else None,
                "joint displays of construct ratings and outcomes" if counts.get("ratings") else None,
                "the reliability of the coding" if not isinstance(data, str) else None, "the study's limitations"]
    held = {"agreement": "the full agreement tables", "disagreements": "the disagreements",
            "autocode": "the evaluation of automatic suggestions", "codebook": "the coder's manual"}
    apart = "is a separate appendix" if len(letters) == 1 else "are separate appendices"
    parts.append("It covers " + m.join_words([x for x in sections if x]) + "; "
                 + m.join_words([held[name] for name in letters]) + f" {apart}.")
    parts.append("Participants are identified by study id and role only; names of participants and of people they"
                 " mention are replaced with [name].")
    return " ".join(parts)


__all__ = ["study_report", "limitations", "appendix_path", "appendix_letters", "APPENDICES"]
